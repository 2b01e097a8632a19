//! Shared drawing of a scrollable block of lines with search highlights (YAML, describe).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::sanitize;
use crate::state::text_pane::{Search, TextPane};

/// Background of lines that match the search; the current match is brighter.
pub fn match_style(current: bool) -> Style {
    if current {
        Style::new().bg(Color::Yellow).fg(Color::Black)
    } else {
        Style::new().bg(Color::DarkGray)
    }
}

/// Marks search matches inside `line` (case-insensitive, ASCII-aware) on top of its styling.
pub fn highlight(mut line: Line<'static>, index: usize, search: &Search) -> Line<'static> {
    if search.query.is_empty() || search.matches.binary_search(&index).is_err() {
        return line;
    }
    let current = search.matches.get(search.current) == Some(&index);
    line = line.patch_style(match_style(current));
    line
}

/// Draws `pane` inside `block`, styling each visible line with `style_line`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    pane: &TextPane,
    style_line: impl Fn(&str) -> Line<'static>,
) {
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    pane.page.set(height.max(1));
    let start = pane.offset.min(pane.lines.len());
    let end = (start + height).min(pane.lines.len());
    let lines: Vec<Line> = (start..end)
        .map(|i| highlight(style_line(&sanitize(&pane.lines[i])), i, &pane.search))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A plain line.
pub fn plain(text: &str) -> Line<'static> {
    Line::raw(text.to_string())
}

/// Position and search summary for a title: "lines 1-30/412 /foo 2/7".
pub fn position(pane: &TextPane, height: usize) -> String {
    let total = pane.lines.len();
    let first = (pane.offset + 1).min(total);
    let last = (pane.offset + height).min(total);
    let mut text = format!("{first}-{last}/{total}");
    if let Some(summary) = pane.search.summary() {
        text.push_str(&format!("  {summary}"));
    }
    text
}

/// A dim key hint span for titles.
pub fn hint(text: &str) -> Span<'static> {
    Span::styled(
        format!(" {text} "),
        Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::ITALIC),
    )
}
