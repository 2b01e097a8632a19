//! The namespaces pane: "all" then the context's namespaces; the watched one is marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{HighlightSpacing, List, ListItem, ListState, Paragraph, Wrap};

use super::{is_focused, pane_block, sanitize, selected_style, title};
use crate::state::{Focus, State};

/// Draws the namespaces pane into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let focused = is_focused(state, Focus::Namespaces);
    let block = pane_block(
        title("Namespaces", &state.namespaces.len().to_string()),
        focused,
    );
    let inner = block.inner(area);
    // A failed list (e.g. forbidden) still leaves the pods of the context namespace visible.
    if state.namespaces.is_empty()
        && let Some(error) = &state.namespaces_error
    {
        let text = Paragraph::new(vec![
            Line::styled("cannot list namespaces:", Style::new().fg(Color::Red)),
            Line::raw(sanitize(error.message()).into_owned()),
        ])
        .wrap(Wrap { trim: true })
        .block(block);
        frame.render_widget(text, area);
        return;
    }
    let cursor = &state.namespaces_cursor;
    let window = cursor.window(usize::from(inner.height), state.namespace_entries());
    let selected = cursor.selected().checked_sub(window.start);
    let items = window.map(|i| {
        let (label, watched) = match i {
            0 => ("all", state.namespace.is_none()),
            n => {
                let name = state.namespaces.get(n - 1).map_or("", String::as_str);
                (name, state.namespace.as_deref() == Some(name))
            }
        };
        let marker = if watched { "* " } else { "  " };
        let style = if watched {
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        ListItem::new(format!("{marker}{}", sanitize(label))).style(style)
    });
    let list = List::new(items)
        .block(block)
        .highlight_style(selected_style(focused))
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut list_state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(list, area, &mut list_state);
}

#[cfg(test)]
mod tests {
    use crate::state::Focus;
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn namespaces_pane() {
        let mut state = demo_state(false);
        state.focus = Focus::Namespaces;
        insta::assert_snapshot!(draw(30, 9, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn namespaces_pane_forbidden() {
        let mut state = demo_state(false);
        state.namespaces.clear();
        state.namespaces_error = Some(crate::state::Problem::once(
            "namespaces is forbidden: User \"dev\" cannot list resource \"namespaces\"".into(),
        ));
        insta::assert_snapshot!(draw(30, 8, |f| super::render(f, f.area(), &state)));
    }
}
