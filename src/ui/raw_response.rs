//! The response part of the raw-request pane: status line, Status message, headers on
//! demand, and only the visible window of the (pre-rendered) body lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{key_for, pane_block, sanitize};
use crate::keys::Action;
use crate::state::State;
use crate::state::raw::Field;
use crate::state::raw_response::{BodyFormat, ResponseView};

pub(super) const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the response (or the waiting state) into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let raw = &state.raw;
    let focused = raw.focus == Field::Response && !state.help_open;
    let Some(response) = raw.response.as_ref().filter(|_| raw.in_flight.is_none()) else {
        let block = pane_block(Line::raw(" Response "), false);
        let text = match raw.in_flight {
            Some(_) => Line::styled(
                format!(
                    "{} sending… (esc cancels)",
                    SPINNER[state.spinner % SPINNER.len()]
                ),
                Style::new().fg(Color::Yellow),
            ),
            None => Line::styled(
                "enter or ctrl-s sends the request",
                Style::new().fg(Color::DarkGray),
            ),
        };
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let hints = format!(
        " {} json/yaml · {} headers · {} search · {}/{} match ",
        key_for(state, Action::ToggleFormat),
        key_for(state, Action::ToggleHeaders),
        key_for(state, Action::Search),
        key_for(state, Action::SearchNext),
        key_for(state, Action::SearchPrev),
    );
    let block = pane_block(title(response), focused)
        .title_bottom(Line::styled(hints, Style::new().fg(Color::DarkGray)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = top_lines(response, inner.height);
    let footer = search_line(response);
    let reserved = lines.len() + usize::from(footer.is_some());
    let rows = usize::from(inner.height).saturating_sub(reserved);
    lines.extend(body_window(response, rows));
    if let Some(footer) = footer {
        lines.resize(usize::from(inner.height).saturating_sub(1), Line::default());
        lines.push(footer);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `Response 404 Not Found · 12 ms · 1.2 KiB · truncated 3 B [JSON]`.
fn title(response: &ResponseView) -> Line<'static> {
    let class = status_colour(response.status);
    let mut spans = vec![
        Span::raw(" Response "),
        Span::styled(
            format!("{} {}", response.status, sanitize(&response.reason)),
            Style::new().fg(class).add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            " · {} ms · {}",
            response.latency.as_millis(),
            human_bytes(response.total_bytes)
        )),
    ];
    if response.truncated_bytes > 0 {
        spans.push(Span::styled(
            format!(" · truncated {}", human_bytes(response.truncated_bytes)),
            Style::new().fg(Color::Yellow),
        ));
    }
    let format = match response.format {
        BodyFormat::Json => "JSON",
        BodyFormat::Yaml => "YAML",
        BodyFormat::Text => "text",
    };
    spans.push(Span::styled(
        format!(" [{format}] "),
        Style::new().fg(Color::DarkGray),
    ));
    Line::from(spans)
}

/// Green for success, cyan for redirects, yellow for client errors, red for the rest.
pub(super) fn status_colour(status: u16) -> Color {
    match status {
        200..=299 => Color::Green,
        300..=399 => Color::Cyan,
        400..=499 => Color::Yellow,
        _ => Color::Red,
    }
}

/// `512 B`, `1.2 KiB`, `8.0 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

/// The Status message of an error, the server's warnings (at most a quarter of the area),
/// then the headers if asked for (at most half).
fn top_lines(response: &ResponseView, height: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(message) = &response.status_message {
        lines.push(Line::styled(
            format!("✗ {message}"),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    let room = usize::from(height / 4).max(1);
    for warning in response.warnings.iter().take(room) {
        lines.push(Line::styled(
            format!("Warning: {}", sanitize(warning)),
            Style::new().fg(Color::Yellow),
        ));
    }
    if response.show_headers {
        let room = usize::from(height / 2).max(1);
        let dim = Style::new().fg(Color::DarkGray);
        for (name, value) in response.headers.iter().take(room) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}: ", sanitize(name)),
                    dim.add_modifier(Modifier::BOLD),
                ),
                Span::styled(sanitize(value).into_owned(), dim),
            ]));
        }
    }
    lines
}

/// The visible body lines, search matches highlighted. Only `rows` lines are touched.
pub(super) fn body_window(response: &ResponseView, rows: usize) -> Vec<Line<'static>> {
    response.set_page(rows);
    let all = response.lines();
    if all.is_empty() {
        return vec![Line::styled(
            "(empty body)",
            Style::new().fg(Color::DarkGray),
        )];
    }
    let top = response.top.min(all.len().saturating_sub(rows));
    let needle = &response.search.query;
    let highlight = !response.search.editing && !needle.is_empty();
    all[top..(top + rows).min(all.len())]
        .iter()
        .map(|line| match highlight {
            true => highlighted(line, needle),
            false => Line::raw(line.clone()),
        })
        .collect()
}

/// `line` with every ASCII-case-insensitive occurrence of `needle` highlighted. ASCII
/// lowering keeps byte offsets, so slicing the original stays on char boundaries.
fn highlighted(line: &str, needle: &str) -> Line<'static> {
    let lower = line.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mark = Style::new().bg(Color::Yellow).fg(Color::Black);
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(&needle) {
        let start = at + found;
        let end = start + needle.len();
        spans.push(Span::raw(line[at..start].to_string()));
        spans.push(Span::styled(line[start..end].to_string(), mark));
        at = end;
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}

/// The `/` prompt while typing, or `match 2/5` after a search.
fn search_line(response: &ResponseView) -> Option<Line<'static>> {
    let search = &response.search;
    if search.editing {
        return Some(Line::styled(
            format!("/{}▏", sanitize(&search.query)),
            Style::new().fg(Color::Yellow),
        ));
    }
    if search.query.is_empty() {
        return None;
    }
    let text = match (search.current, search.matches.len()) {
        (_, 0) => format!("/{}: no match", sanitize(&search.query)),
        (Some(i), n) => format!("/{}: match {}/{n}", sanitize(&search.query), i + 1),
        (None, n) => format!("/{}: {n} matches", sanitize(&search.query)),
    };
    Some(Line::styled(text, Style::new().fg(Color::DarkGray)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::msg::{Msg, RawResponse};
    use crate::state::{State, update};
    use crate::ui::testing::draw;

    fn answered(status: u16, reason: &str, body: &str) -> State {
        answered_with(status, reason, body, Vec::new())
    }

    fn answered_with(
        status: u16,
        reason: &str,
        body: &str,
        extra_headers: Vec<(String, String)>,
    ) -> State {
        let mut state = super::super::raw::tests::open();
        let effects = update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        assert_eq!(effects.len(), 2, "sent");
        let response = RawResponse {
            status,
            reason: reason.into(),
            headers: [
                ("content-type".into(), "application/json".into()),
                ("audit-id".into(), "5f2c\u{1b}]0;x".into()),
            ]
            .into_iter()
            .chain(extra_headers)
            .collect(),
            body: body.as_bytes().to_vec(),
            truncated_bytes: 0,
            total_bytes: body.len() as u64,
            latency: Duration::from_millis(23),
        };
        let id = state.raw.last_id;
        update(
            &mut state,
            Msg::RawResponse {
                id,
                result: Ok(response),
            },
        );
        state
    }

    const NAMESPACE: &str = r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop","uid":"8d2e","labels":{"team":"payments"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"#;

    #[test]
    fn response_json() {
        let mut state = answered(200, "OK", NAMESPACE);
        for c in "/team\n".chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            update(
                &mut state,
                Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            );
        }
        insta::assert_snapshot!(draw(100, 30, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn response_yaml_with_headers() {
        let mut state = answered(200, "OK", NAMESPACE);
        for c in "fH".chars() {
            update(
                &mut state,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)),
            );
        }
        insta::assert_snapshot!(draw(100, 30, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn response_error_status() {
        let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}"#;
        let state = answered(404, "Not Found", body);
        insta::assert_snapshot!(draw(100, 30, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn server_warnings_show_above_the_body() {
        let warning = r#"299 - "v1 ComponentStatus is deprecated in v1.19+""#;
        let body = r#"{"kind":"ComponentStatusList","apiVersion":"v1","items":[]}"#;
        let state = answered_with(200, "OK", body, vec![("warning".into(), warning.into())]);
        let screen = draw(100, 30, |f| crate::ui::render(f, &state));
        let lines: Vec<&str> = screen.lines().collect();
        let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
        let shown = at("Warning: v1 ComponentStatus is deprecated in v1.19+");
        assert!(shown.is_some(), "{screen}");
        assert!(shown < at("\"kind\": \"ComponentStatusList\""), "{screen}");
    }

    #[test]
    fn a_big_body_draws_only_its_window() {
        let items: Vec<String> = (0..50_000).map(|i| format!("{{\"n\":{i}}}")).collect();
        let body = format!("[{}]", items.join(","));
        let mut state = answered(200, "OK", &body);
        let truncated = state.raw.response.as_mut().map(|r| {
            r.truncated_bytes = 3 * 1024 * 1024;
            r.top = 100_000;
        });
        assert!(truncated.is_some());
        let screen = draw(100, 30, |f| crate::ui::render(f, &state));
        assert!(screen.contains("truncated 3.0 MiB"), "{screen}");
        assert!(screen.contains("\"n\": 33333"), "{screen}");
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(super::human_bytes(512), "512 B");
        assert_eq!(super::human_bytes(1300), "1.3 KiB");
        assert_eq!(super::human_bytes(8 * 1024 * 1024), "8.0 MiB");
    }
}
