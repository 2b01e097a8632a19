//! The dialogs of scale, rollout restart, drain and bulk delete, centred over everything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::sanitize;
use crate::state::detail::ObjectRef;
use crate::state::ops::{Dialog, kubectl_name};

/// Names a bulk delete lists before "and N more".
const NAMED: usize = 3;

/// Width of a dialog (less on a narrow screen).
const WIDTH: u16 = 72;

/// Rows `lines` take wrapped inside a bordered box `width` wide (long names wrap; the buttons
/// must stay on screen).
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// Draws `dialog` over `area`.
pub fn render(frame: &mut Frame, area: Rect, dialog: &Dialog) {
    let (title, colour, lines) = match dialog {
        Dialog::Scale {
            target,
            current,
            input,
        } => (" Scale ", Color::Cyan, scale(target, *current, input)),
        Dialog::Restart { target } => (" Rollout restart ", Color::Yellow, restart(target)),
        Dialog::Drain { node, options } => {
            let lines = drain(node, options.force, options.delete_emptydir);
            (" Drain ", Color::Red, lines)
        }
        Dialog::BulkDelete { targets } => (" Confirm delete ", Color::Red, bulk(targets)),
    };
    let width = WIDTH.min(area.width);
    let popup = super::centred(area, width, wrapped_height(&lines, width) + 2);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(colour))
        .title(Line::styled(title, bold.fg(colour)));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

fn name(text: &str) -> Span<'static> {
    Span::styled(sanitize(text).into_owned(), bold().fg(Color::Yellow))
}

fn dim(text: &str) -> Line<'static> {
    Line::styled(text.to_string(), Style::new().fg(Color::DarkGray))
}

/// ` y ` then what it does, ` n ` / Esc cancel.
fn buttons(yes: &str, colour: Color) -> Line<'static> {
    Line::from(vec![
        Span::styled(" y ", bold().fg(Color::Black).bg(colour)),
        Span::raw(format!(" {yes}    ")),
        Span::styled(" n ", bold().fg(Color::Black).bg(Color::Gray)),
        Span::raw(" / Esc  cancel"),
    ])
}

fn scale(target: &ObjectRef, current: Option<u32>, input: &str) -> Vec<Line<'static>> {
    let current = current.map_or_else(|| "?".to_string(), |n| n.to_string());
    vec![
        Line::from(vec![Span::raw("Scale "), name(&kubectl_name(target))]),
        Line::raw(format!("Current replicas: {current}")),
        Line::from(vec![
            Span::raw("Desired replicas: "),
            Span::styled(
                format!(" {input}▏"),
                bold().fg(Color::Black).bg(Color::Cyan),
            ),
        ]),
        Line::raw(""),
        dim("digits type, +/- step, Backspace erases"),
        Line::from(vec![
            Span::styled(" Enter ", bold().fg(Color::Black).bg(Color::Cyan)),
            Span::raw(" scale    "),
            Span::styled(" Esc ", bold().fg(Color::Black).bg(Color::Gray)),
            Span::raw(" cancel"),
        ]),
    ]
}

fn restart(target: &ObjectRef) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::raw("Restart the rollout of "),
        name(&kubectl_name(target)),
        Span::raw("?"),
    ])];
    if let Some(ns) = &target.namespace {
        lines.push(Line::from(vec![Span::raw("in namespace "), name(ns)]));
    }
    lines.push(Line::raw(""));
    lines.push(dim(
        "Every pod is replaced, as its update strategy allows (kubectl rollout restart).",
    ));
    lines.push(Line::raw(""));
    lines.push(buttons("restart", Color::Yellow));
    lines
}

fn toggle(key: &str, on: bool, what: &str) -> Line<'static> {
    let mark = if on { "[x]" } else { "[ ]" };
    Line::from(vec![
        Span::styled(format!(" {key} "), bold().fg(Color::Black).bg(Color::Gray)),
        Span::raw(format!(" {mark} {what}")),
    ])
}

fn drain(node: &str, force: bool, emptydir: bool) -> Vec<Line<'static>> {
    vec![
        Line::from(vec![Span::raw("Drain node "), name(node), Span::raw("?")]),
        Line::raw(""),
        Line::raw("The node is cordoned, then each of its pods is evicted"),
        Line::raw("(PodDisruptionBudgets are honoured: blocked evictions retry)."),
        dim("DaemonSet pods and mirror pods are left alone."),
        Line::raw(""),
        toggle("f", force, "also pods no controller recreates (force)"),
        toggle("e", emptydir, "also pods with emptyDir data (it is lost)"),
        Line::raw(""),
        buttons("drain", Color::Red),
    ]
}

/// "Delete 4 pods: web-1, web-2, web-3 and 1 more?"
pub fn bulk_question(targets: &[ObjectRef]) -> String {
    let plural = targets
        .first()
        .map_or("objects", |t| t.resource.plural.as_str());
    let names: Vec<&str> = targets
        .iter()
        .take(NAMED)
        .map(|t| t.name.as_str())
        .collect();
    let more = match targets.len().saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "Delete {} {plural}: {}{more}?",
        targets.len(),
        names.join(", ")
    )
}

fn bulk(targets: &[ObjectRef]) -> Vec<Line<'static>> {
    vec![
        Line::styled(sanitize(&bulk_question(targets)).into_owned(), bold()),
        Line::raw(""),
        dim("Each object is deleted gracefully (its grace period applies)."),
        Line::raw(""),
        buttons("delete all", Color::Red),
    ]
}
