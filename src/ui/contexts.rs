//! The contexts pane: every kubeconfig context, the active one marked with `*`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Row, Table, TableState};

use super::{is_focused, pane_block, sanitize, selected_style, title};
use crate::state::{Focus, State};

/// Draws the contexts pane into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let focused = is_focused(state, Focus::Contexts);
    let block = pane_block(
        title("Contexts", &state.contexts.len().to_string()),
        focused,
    );
    let inner_height = usize::from(block.inner(area).height.saturating_sub(1));
    let cursor = &state.contexts_cursor;
    let window = cursor.window(inner_height, state.contexts.len());
    let selected = cursor.selected().checked_sub(window.start);
    let rows = state.contexts[window].iter().map(|ctx| {
        let active = state.context.as_deref() == Some(ctx.name.as_str());
        let marker = if active { "*" } else { " " };
        let style = if active {
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        Row::new([
            marker.to_string(),
            sanitize(&ctx.name).into_owned(),
            sanitize(&ctx.cluster).into_owned(),
            sanitize(&ctx.user).into_owned(),
        ])
        .style(style)
    });
    let header = Row::new([" ", "NAME", "CLUSTER", "USER"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Fill(2),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(selected_style(focused))
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}

#[cfg(test)]
mod tests {
    use crate::state::Focus;
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn contexts_pane() {
        let mut state = demo_state(false);
        state.focus = Focus::Contexts;
        insta::assert_snapshot!(draw(60, 8, |f| super::render(f, f.area(), &state)));
    }
}
