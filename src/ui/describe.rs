//! The describe view: section titles bold, field labels dim, events last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{crumb_block, text_view};
use crate::state::State;
use crate::state::detail::{Detail, DetailView};

/// Draws the describe view of `detail`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, detail: &Detail) {
    let DetailView::Describe { pane, .. } = &detail.view else {
        return;
    };
    let height = usize::from(area.height.saturating_sub(2));
    let block = crumb_block(state, &text_view::position(pane, height)).title_bottom(Line::from(
        text_view::hint("/ search  n/N next/prev  y yaml  l logs  Esc back"),
    ));
    if let Some(message) = super::detail_status(detail) {
        frame.render_widget(Paragraph::new(message).block(block), area);
        return;
    }
    text_view::render(frame, area, block, pane, describe_line);
}

/// A top-level `Label:` is bold; `Warning` events are red.
fn describe_line(text: &str) -> Line<'static> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    if text.starts_with("  Warning ") {
        return Line::styled(text.to_string(), Style::new().fg(Color::Red));
    }
    if !text.starts_with(' ')
        && let Some((label, value)) = text.split_once(':')
    {
        return Line::from(vec![
            Span::styled(format!("{label}:"), bold.fg(Color::Cyan)),
            Span::raw(value.to_string()),
        ]);
    }
    Line::raw(text.to_string())
}
