//! The top line: where you are (context › namespace › kind › object › view), or the prompt
//! being typed, and the latest message on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sanitize;
use crate::state::nav::{Prompt, PromptKind};
use crate::state::{Focus, Screen, State};

/// The breadcrumb parts, outermost first.
pub fn parts(state: &State) -> Vec<String> {
    // The raw pane names the context its requests go to (a fleet row's own).
    // The raw pane names the context its requests go to (a fleet row's own), a detail view
    // its object's, anything else the open context (all of a fleet's).
    let detail = state.detail.as_ref().and_then(|d| d.target.context.clone());
    let context = match state.screen {
        Screen::Raw => state.raw.target.clone().or_else(|| state.context.clone()),
        Screen::Main if detail.is_some() => detail,
        _ => crate::state::fleet::label(state),
    };
    let mut parts = vec![context.unwrap_or_else(|| "-".into())];
    parts.push(state.namespace.clone().unwrap_or_else(|| "all".into()));
    match state.screen {
        Screen::Raw => return with(parts, "raw request"),
        Screen::RequestLog => return with(parts, "request log"),
        Screen::Forwards => return with(parts, "port-forwards"),
        Screen::Pulse => return with(parts, "pulse"),
        Screen::History => return with(parts, "history"),
        Screen::Deleted => return with(parts, "deleted"),
        Screen::Main => {}
    }
    if let Some(edit) = state.edit.as_ref().filter(|e| e.shown()) {
        parts.push(edit.target.resource.plural.clone());
        parts.push(edit.target.name.clone());
        return with(parts, "edit");
    }
    if let (None, Some(view)) = (&state.detail, &state.xray) {
        return with(parts, &format!("xray {}", view.resource.plural));
    }
    match (&state.detail, &state.containers, &state.resource) {
        (Some(d), _, _) => {
            parts.push(d.target.resource.plural.clone());
            parts.push(d.target.name.clone());
            parts.push(d.kind().label().to_string());
        }
        (None, Some(view), _) => {
            parts.push(pods_part(state));
            parts.push(view.pod.name.clone());
            parts.push("containers".into());
        }
        (None, None, Some(view)) => parts.push(view.resource.plural.clone()),
        (None, None, None) => parts.push(pods_part(state)),
    }
    parts
}

/// `pods`, or `pods (deploy/hello-web)` for the pods Enter led to.
fn pods_part(state: &State) -> String {
    match &state.drill.origin {
        Some(origin) => format!("pods ({origin})"),
        None => "pods".into(),
    }
}

fn with(mut parts: Vec<String>, last: &str) -> Vec<String> {
    parts.push(last.to_string());
    parts
}

/// The breadcrumb as one string, `demo › default › pods › web-1 › yaml`.
pub fn text(state: &State) -> String {
    parts(state)
        .iter()
        .map(|p| sanitize(p).into_owned())
        .collect::<Vec<_>>()
        .join(" › ")
}

/// Draws the top line into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let full_view = full_view(state, frame.area().height);
    let right = flash_line(state);
    let room = usize::from(area.width).saturating_sub(right.width());
    let left = match &state.prompt {
        Some(prompt) => prompt_line(prompt),
        None => crumb_line(state, full_view, room),
    };
    let width = right.width() as u16;
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(area);
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(Paragraph::new(right), right_area);
}

/// The contexts or namespaces pane shown over the whole screen (the panes are folded), if any.
fn full_view(state: &State, rows: u16) -> Option<&'static str> {
    let folded = !crate::state::panes::strip_shown(state.panes, rows);
    let shown = state.screen == Screen::Main && state.detail.is_none();
    match state.focus {
        Focus::Contexts if folded && shown => Some("contexts"),
        Focus::Namespaces if folded && shown => Some("namespaces"),
        _ => None,
    }
}

/// The breadcrumb, with "(Esc back)" when something can be closed and there is `room` for it.
fn crumb_line(state: &State, full_view: Option<&str>, room: usize) -> Line<'static> {
    let mut parts = parts(state);
    if let Some(pane) = full_view {
        parts.push(pane.to_string());
    }
    let last = parts.len().saturating_sub(1);
    let mut spans = vec![Span::raw(" ")];
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", Style::new().fg(Color::DarkGray)));
        }
        let style = if i == last {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Cyan)
        };
        spans.push(Span::styled(sanitize(p).into_owned(), style));
    }
    let mut line = Line::from(spans);
    let drilled = state.containers.is_some() || !state.drill.frames.is_empty();
    let nested = drilled || state.detail.is_some() || state.resource.is_some();
    let back = "  (Esc back)";
    let closable = nested || full_view.is_some() || state.screen != Screen::Main;
    if closable && line.width() + back.len() <= room {
        line.push_span(Span::styled(back, Style::new().fg(Color::DarkGray)));
    }
    line
}

fn prompt_line(prompt: &Prompt) -> Line<'static> {
    let sigil = match prompt.kind {
        PromptKind::Command => ":",
        PromptKind::Filter | PromptKind::Search => "/",
    };
    let bold = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    // The cursor is drawn where it is: the character under it (or a space at the end) in
    // reverse video.
    let (before, after) = prompt.input.split();
    let mut rest = after.chars();
    let under = rest.next().map_or(" ".to_string(), String::from);
    let mut spans = vec![
        Span::styled(format!(" {sigil}"), bold),
        Span::raw(sanitize(before).into_owned()),
        Span::styled(
            sanitize(&under).into_owned(),
            Style::new().add_modifier(Modifier::REVERSED),
        ),
        Span::raw(sanitize(rest.as_str()).into_owned()),
    ];
    if !prompt.completions.is_empty() {
        let shown: Vec<String> = prompt
            .completions
            .iter()
            .take(8)
            .map(|c| sanitize(c).into_owned())
            .collect();
        let more = prompt.completions.len().saturating_sub(8);
        let mut text = format!("   {}", shown.join("  "));
        if more > 0 {
            text.push_str(&format!("  +{more}"));
        }
        spans.push(Span::styled(text, Style::new().fg(Color::DarkGray)));
    } else if prompt.kind == PromptKind::Filter && prompt.text().is_empty() {
        spans.push(Span::styled(
            "   text, name:text, ~regex or -l key=value   Enter keep · Esc clear",
            Style::new().fg(Color::DarkGray),
        ));
    }
    Line::from(spans)
}

fn flash_line(state: &State) -> Line<'static> {
    match &state.flash {
        Some(flash) => {
            let colour = if flash.error {
                Color::Red
            } else {
                Color::Green
            };
            Line::styled(
                format!("{} ", sanitize(&flash.text)),
                Style::new().fg(colour),
            )
        }
        None => Line::raw(""),
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Modifier;

    use crate::msg::Msg;
    use crate::state::update;
    use crate::ui::testing::demo_state;

    /// The prompt draws its cursor where it is: the character under it in reverse video.
    #[test]
    fn the_prompt_cursor_is_drawn_in_place() {
        let mut state = demo_state(false);
        let press = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        for code in [KeyCode::Char('/'), KeyCode::Char('a'), KeyCode::Char('p')] {
            update(&mut state, press(code));
        }
        update(&mut state, press(KeyCode::Char('i')));
        update(&mut state, press(KeyCode::Left));
        let mut term = Terminal::new(TestBackend::new(40, 1)).expect("terminal");
        term.draw(|f| super::render(f, f.area(), &state))
            .expect("draw");
        let buffer = term.backend().buffer();
        let reversed: Vec<(u16, &str)> = (0..40u16)
            .map(|x| (x, &buffer[(x, 0)]))
            .filter(|(_, c)| c.modifier.contains(Modifier::REVERSED))
            .map(|(x, c)| (x, c.symbol()))
            .collect();
        // " /" then "ap", the cursor on "i".
        assert_eq!(reversed, [(4, "i")]);
    }
}
