//! The delete confirmation dialog, centred over everything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::sanitize;
use crate::state::nav::Confirm;

/// Draws the dialog for `confirm` over `area`.
pub fn render(frame: &mut Frame, area: Rect, confirm: &Confirm) {
    let target = &confirm.target;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("Delete {} ", target.resource.singular)),
        Span::styled(sanitize(&target.name).into_owned(), bold.fg(Color::Yellow)),
    ])];
    if let Some(ns) = &target.namespace {
        lines.push(Line::from(vec![
            Span::raw("in namespace "),
            Span::styled(sanitize(ns).into_owned(), bold.fg(Color::Yellow)),
            Span::raw("?"),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "The object is deleted gracefully (its grace period applies).",
        Style::new().fg(Color::DarkGray),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" y ", bold.fg(Color::Black).bg(Color::Red)),
        Span::raw(" delete    "),
        Span::styled(" n ", bold.fg(Color::Black).bg(Color::Gray)),
        Span::raw(" / Esc  cancel"),
    ]));
    let height = u16::try_from(lines.len()).unwrap_or(8) + 2;
    let popup = super::centred(area, 64, height);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(Color::Red))
        .title(Line::styled(" Confirm delete ", bold.fg(Color::Red)));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
