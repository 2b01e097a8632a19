//! The port-forwards (`:pf`): local address → pod:port, connections open and in all, bytes
//! each way, and the last error or why it ended.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};

use super::raw_response::human_bytes;
use super::{pane_block, sanitize, selected_style, title};
use crate::msg::ForwardRow;
use crate::state::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let forwards = &state.forwards;
    let count = forwards.rows.len().to_string();
    let block =
        pane_block(title("Port-forwards", &count), !state.help_open).title_bottom(Span::styled(
            " F on a container starts one · ctrl-d stops · esc back ",
            Style::new().fg(Color::DarkGray),
        ));
    let height = usize::from(area.height.saturating_sub(3));
    let window = forwards.cursor.window(height, forwards.rows.len());
    let selected = forwards.cursor.selected();
    let rows: Vec<Row> = window
        .filter_map(|i| forwards.rows.get(i).map(|r| (i, r)))
        .map(|(i, r)| {
            let row = row(r);
            if i == selected {
                row.style(selected_style(!state.help_open))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["LOCAL", "POD:PORT", "CONNS", "SENT", "RECEIVED", "STATE"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(21),
        Constraint::Min(20),
        Constraint::Length(9),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Min(20),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(2);
    frame.render_widget(table, area);
}

fn row(r: &ForwardRow) -> Row<'static> {
    let (state, colour) = match (&r.error, r.ended) {
        (Some(e), true) => (format!("ended: {e}"), Color::Red),
        (Some(e), false) => (format!("forwarding · last error: {e}"), Color::Yellow),
        (None, true) => ("ended".to_string(), Color::DarkGray),
        (None, false) if r.local.is_empty() => ("starting…".to_string(), Color::DarkGray),
        (None, false) => ("forwarding".to_string(), Color::Green),
    };
    Row::new([
        Cell::new(sanitize(&r.local).into_owned()),
        Cell::new(sanitize(&r.target).into_owned()),
        Cell::new(format!("{}/{}", r.open, r.total)),
        Cell::new(human_bytes(r.sent)),
        Cell::new(human_bytes(r.received)),
        Cell::new(sanitize(&state).into_owned()).style(Style::new().fg(colour)),
    ])
}
