//! The request log: every API call the app made, newest first, so the user can see what the
//! UI is doing (and what it costs).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::raw_response::human_bytes;
use super::{group_thousands, pane_block, sanitize, selected_style, title};
use crate::msg::RequestRecord;
use crate::state::State;

/// Draws the log over `area`; only the visible rows are built.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let log = &state.request_log;
    let count = group_thousands(log.len());
    let block = pane_block(
        title("Request log", &format!("{count} calls")),
        !state.help_open,
    )
    .title_bottom(Span::styled(
        " newest first · j/k move · esc back ",
        Style::new().fg(Color::DarkGray),
    ));
    // Borders and the header take three rows.
    let height = usize::from(area.height.saturating_sub(3));
    let window = log.cursor.window(height, log.len());
    let selected = log.cursor.selected();
    let visible: Vec<(usize, &RequestRecord)> = window
        .filter_map(|i| log.newest_first(i).map(|r| (i, r)))
        .collect();
    let context_width = visible
        .iter()
        .map(|(_, r)| context_name(r).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(CONTEXT_MIN, CONTEXT_MAX);
    let rows: Vec<Row> = visible
        .into_iter()
        .map(|(i, record)| {
            let row = row(record);
            if i == selected {
                row.style(selected_style(!state.help_open))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["CONTEXT", "METHOD", "STATUS", "LATENCY", "BYTES", "PATH"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let widths = [
        Constraint::Length(u16::try_from(context_width).unwrap_or(u16::MAX)),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths).header(header).block(block);
    frame.render_widget(table, area);
}

/// Width of the CONTEXT column: the header at least, long names cut (the path matters more).
const CONTEXT_MIN: usize = 7;
const CONTEXT_MAX: usize = 24;

/// The context a call went to; `-` for a client without a context name.
fn context_name(record: &RequestRecord) -> std::borrow::Cow<'_, str> {
    match &record.context {
        Some(name) => sanitize(name),
        None => "-".into(),
    }
}

fn row(record: &RequestRecord) -> Row<'static> {
    let (status, colour) = match (record.status, &record.error) {
        (Some(code), _) => (code.to_string(), status_colour(code)),
        (None, _) => ("ERR".to_string(), Color::Red),
    };
    let path = match &record.error {
        Some(error) => format!("{}  ✗ {}", sanitize(&record.path), sanitize(error)),
        None => sanitize(&record.path).into_owned(),
    };
    let mut path = vec![Span::raw(path)];
    // The server's deprecation notices, as kubectl prints them.
    for warning in &record.warnings {
        path.push(Span::styled(
            format!("  Warning: {}", sanitize(warning)),
            Style::new().fg(Color::Yellow),
        ));
    }
    Row::new([
        Cell::from(context_name(record).into_owned()),
        Cell::from(sanitize(&record.method).into_owned()),
        Cell::from(Span::styled(status, Style::new().fg(colour))),
        Cell::from(format!("{} ms", record.latency.as_millis())),
        Cell::from(human_bytes(record.bytes)),
        Cell::from(Line::from(path)),
    ])
}

fn status_colour(code: u16) -> Color {
    match code {
        200..=299 => Color::Green,
        300..=399 => Color::Cyan,
        400..=499 => Color::Yellow,
        _ => Color::Red,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::msg::{Msg, RequestRecord};
    use crate::state::{Screen, update};
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn request_log() {
        let mut state = demo_state(false);
        let calls = [
            ("GET", "/version/", Some(200), 12, 263, None),
            ("GET", "/api/v1/namespaces", Some(200), 31, 4_210, None),
            (
                "GET",
                "/api/v1/namespaces/shop/pods?limit=500",
                Some(200),
                87,
                182_344,
                None,
            ),
            (
                "GET",
                "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=4711",
                Some(200),
                3,
                0,
                None,
            ),
            (
                "GET",
                "/api/v1/namespaces/shop/pods/nope",
                Some(404),
                9,
                188,
                None,
            ),
            (
                "DELETE",
                "/api/v1/namespaces/shop/pods/web-0",
                None,
                30_000,
                0,
                Some("timed out after 30s"),
            ),
            (
                "GET",
                "/api/v1/componentstatuses",
                Some(200),
                4,
                1_024,
                None,
            ),
        ];
        // A fleet of two contexts, and one call from a client without a context name.
        let contexts = [
            Some("kind-dev"),
            Some("kind-dev"),
            Some("prod-eu-west"),
            Some("kind-dev"),
            Some("prod-eu-west"),
            None,
            Some("kind-dev"),
        ];
        for ((method, path, status, ms, bytes, error), context) in calls.into_iter().zip(contexts) {
            let warnings = match path.ends_with("componentstatuses") {
                true => vec!["v1 ComponentStatus is deprecated in v1.19+".to_string()],
                false => Vec::new(),
            };
            let record = RequestRecord {
                context: context.map(Into::into),
                method: method.into(),
                path: path.into(),
                status,
                latency: Duration::from_millis(ms),
                bytes,
                error: error.map(String::from),
                warnings,
            };
            update(&mut state, Msg::RequestLogged(record));
        }
        state.screen = Screen::RequestLog;
        insta::assert_snapshot!(draw(100, 14, |f| crate::ui::render(f, &state)));
    }
}
