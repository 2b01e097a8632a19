//! The YAML view: keys and values in different colours, comments dim, search highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::crumb_block;
use super::text_view;
use crate::state::State;
use crate::state::detail::{Detail, DetailView};

/// Draws the YAML view of `detail`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, detail: &Detail) {
    let DetailView::Yaml {
        pane,
        show_managed_fields,
        ..
    } = &detail.view
    else {
        return;
    };
    let managed = if *show_managed_fields {
        "m: hide managedFields"
    } else {
        "m: show managedFields"
    };
    let height = usize::from(area.height.saturating_sub(2));
    let mut block = crumb_block(state, &text_view::position(pane, height));
    block = block.title_bottom(Line::from(text_view::hint(&format!(
        "/ search  n/N next/prev  {managed}  Esc back"
    ))));
    if let Some(message) = super::detail_status(detail) {
        frame.render_widget(ratatui::widgets::Paragraph::new(message).block(block), area);
        return;
    }
    text_view::render(frame, area, block, pane, yaml_line);
}

/// Splits a YAML line into indentation, list dash, key and value, each styled.
pub fn yaml_line(text: &str) -> Line<'static> {
    let key_style = Style::new().fg(Color::Cyan);
    let value_style = Style::new().fg(Color::Green);
    let punct = Style::new().fg(Color::DarkGray);
    let trimmed = text.trim_start();
    let indent = &text[..text.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        return Line::from(Span::styled(text.to_string(), punct));
    }
    let mut spans = vec![Span::raw(indent.to_string())];
    let mut rest = trimmed;
    if let Some(after) = rest.strip_prefix("- ").or((rest == "-").then_some("")) {
        spans.push(Span::styled("- ", punct));
        rest = after;
    }
    match split_key(rest) {
        Some((key, value)) => {
            spans.push(Span::styled(key.to_string(), key_style));
            spans.push(Span::styled(":", punct));
            spans.push(Span::styled(value.to_string(), value_style));
        }
        None => spans.push(Span::styled(rest.to_string(), value_style)),
    }
    Line::from(spans)
}

/// `key: value` or `key:` → (key, " value"); quoted keys allowed; `None` for plain values.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = if let Some(quoted) = text.strip_prefix('"') {
        quoted.find("\":").map(|i| i + 2)?
    } else {
        let i = text
            .find(": ")
            .or_else(|| text.ends_with(':').then(|| text.len() - 1))?;
        if text[..i].contains(['{', '[', '"', '\'']) {
            return None;
        }
        i
    };
    Some((&text[..end], &text[end + 1..]))
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::yaml_line;

    fn parts(text: &str) -> Vec<(String, Option<Color>)> {
        yaml_line(text)
            .spans
            .iter()
            .map(|s| (s.content.to_string(), s.style.fg))
            .filter(|(t, _)| !t.is_empty())
            .collect()
    }

    #[test]
    fn keys_and_values_are_coloured_apart() {
        let cyan = Some(Color::Cyan);
        let green = Some(Color::Green);
        let grey = Some(Color::DarkGray);
        assert_eq!(
            parts("  name: web-1"),
            [
                ("  ".into(), None),
                ("name".into(), cyan),
                (":".into(), grey),
                (" web-1".into(), green)
            ]
        );
        assert_eq!(
            parts("- image: nginx:1.27"),
            [
                ("- ".into(), grey),
                ("image".into(), cyan),
                (":".into(), grey),
                (" nginx:1.27".into(), green)
            ]
        );
        assert_eq!(parts("metadata:")[0], ("metadata".into(), cyan));
        assert_eq!(parts("  - plain value")[1], ("- ".into(), grey));
        assert_eq!(parts("  \"a: b\": c")[1], ("\"a: b\"".into(), cyan));
        assert_eq!(parts("# comment")[0].1, grey);
    }
}
