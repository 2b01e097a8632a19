//! Marked rows of a table: a `●` beside the selection arrow, and the count in the title.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

/// Puts `●` in the marker column of each marked row; `inner` is the table's area inside its
/// border (header on its first line), `marked` the window's rows top to bottom.
pub fn paint(frame: &mut Frame, inner: Rect, marked: impl Iterator<Item = bool>) {
    let style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
    let buf = frame.buffer_mut();
    for (i, on) in marked.enumerate() {
        let Ok(i) = u16::try_from(i) else { break };
        let y = inner.y + 1 + i;
        if !on || y >= inner.bottom() || inner.width < 2 {
            continue;
        }
        if let Some(cell) = buf.cell_mut(Position::new(inner.x + 1, y)) {
            cell.set_symbol("●").set_style(style);
        }
    }
}

/// "(3 marked) " for a title, when anything is marked.
pub fn title_span(count: usize) -> Option<Span<'static>> {
    (count > 0).then(|| {
        Span::styled(
            format!("({count} marked) "),
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        )
    })
}
