//! The output of an `:exec`: the text as it came, the outcome last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{crumb_block, text_view};
use crate::state::State;
use crate::state::detail::{Detail, DetailView};

pub fn render(frame: &mut Frame, area: Rect, state: &State, detail: &Detail) {
    let DetailView::Exec { pane, command, .. } = &detail.view else {
        return;
    };
    let height = usize::from(area.height.saturating_sub(2));
    let hint = format!("$ {command}  · / search  Esc back");
    let block = crumb_block(state, &text_view::position(pane, height))
        .title_bottom(Line::from(text_view::hint(&super::sanitize(&hint))));
    if let Some(message) = super::detail_status(detail) {
        frame.render_widget(Paragraph::new(message).block(block), area);
        return;
    }
    text_view::render(frame, area, block, pane, |text| Line::raw(text.to_string()));
}
