//! The logs view: the ring buffer's visible window, follow/pause state, container and options
//! in the title, search highlights.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListState, Paragraph, Wrap};

use super::columns::{fit, width};
use super::text_view::{self, hint};
use super::{group_thousands, pane_block, sanitize, title};
use crate::state::State;
use crate::state::detail::{Detail, DetailView};
use crate::state::logs::LogView;
use crate::state::workload_logs::{MAX_STREAMS, PREFIX_END, WorkloadLogs};

/// Draws the logs view of `detail`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, detail: &Detail) {
    let DetailView::Logs(logs) = &detail.view else {
        return;
    };
    let room = usize::from(area.width.saturating_sub(2));
    let status = status_span(logs);
    let (long, short) = match logs.workload {
        Some(_) => (WORKLOAD_HINT, WORKLOAD_SHORT_HINT),
        None => (LONG_HINT, SHORT_HINT),
    };
    let keys = if status.width() + long.len() + 2 <= room {
        long
    } else {
        short
    };
    let block = pane_block(title_line(state, detail, logs, room), !state.help_open)
        .title_bottom(Line::from(vec![status, hint(keys)]));
    if let Some(message) = super::detail_status(detail) {
        frame.render_widget(Paragraph::new(message).block(block), area);
        return;
    }
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    logs.page.set(height.max(1));
    let total = logs.buffer.len();
    let start = match (logs.follow, logs.wrap) {
        (true, true) => wrapped_start(logs, height, usize::from(inner.width)),
        (true, false) => total.saturating_sub(height),
        (false, _) => logs.offset.min(total),
    };
    let lines: Vec<Line> = logs
        .buffer
        .range(start..start + height)
        .enumerate()
        .map(|(i, text)| {
            let text = sanitize(text).into_owned();
            let line = match logs.workload {
                Some(_) => workload_line(text),
                None => Line::raw(text),
            };
            text_view::highlight(line, start + i, &logs.search)
        })
        .collect();
    let mut paragraph = Paragraph::new(lines).block(block);
    if logs.wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    frame.render_widget(paragraph, area);
    if let Some(at) = logs.picking {
        picker(frame, inner, logs, at);
    }
}

/// A line of merged logs: its `pod container │` prefix in the pod's colour; a note (joined,
/// left, a stream's error) dimmed.
fn workload_line(text: String) -> Line<'static> {
    let Some((prefix, rest)) = text.split_once(PREFIX_END) else {
        return Line::styled(text, Style::new().fg(Color::DarkGray));
    };
    let pod = prefix.split(' ').next().unwrap_or(prefix);
    let colour = super::theme::pod_colour(pod);
    Line::from(vec![
        Span::styled(prefix.to_string(), Style::new().fg(colour)),
        Span::styled(PREFIX_END.to_string(), Style::new().fg(Color::DarkGray)),
        Span::raw(rest.to_string()),
    ])
}

/// The container picker over the log lines: every container, the one shown marked `*`.
fn picker(frame: &mut Frame, area: Rect, logs: &LogView, at: usize) {
    let names: Vec<String> = logs
        .containers
        .iter()
        .map(|c| {
            let mark = if Some(c) == logs.options.container.as_ref() {
                '*'
            } else {
                ' '
            };
            format!("{mark} {}", sanitize(c))
        })
        .collect();
    let widest = names
        .iter()
        .map(|n| Line::raw(n.as_str()).width())
        .max()
        .unwrap_or(0);
    // Wide enough for the title too ("Container [enter pick · esc]").
    let width = u16::try_from(widest + 6).unwrap_or(u16::MAX).max(32);
    let height = u16::try_from(names.len() + 2).unwrap_or(u16::MAX);
    let popup = super::centred(area, width, height);
    let block = super::pane_block(super::title("Container", "enter pick · esc"), true);
    let list = List::new(names)
        .block(block)
        .highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan))
        .highlight_symbol("▶");
    let mut list_state = ListState::default().with_selected(Some(at));
    frame.render_widget(Clear, popup);
    frame.render_stateful_widget(list, popup, &mut list_state);
}

/// The first line to draw so the newest line is on screen when long lines wrap.
fn wrapped_start(logs: &LogView, height: usize, width: usize) -> usize {
    let width = width.max(1);
    let mut rows = 0;
    let mut start = logs.buffer.len();
    while start > 0 {
        let line = logs.buffer.get(start - 1).unwrap_or_default();
        rows += line.chars().count().div_ceil(width).max(1);
        if rows > height {
            break;
        }
        start -= 1;
    }
    start
}

/// The keys of the view, and the same in fewer words for narrow terminals.
const LONG_HINT: &str =
    "c container  p previous  t timestamps  T tail  w wrap  s pause  / search  Esc back";
const SHORT_HINT: &str = "c cont  p prev  t time  T tail  w wrap  s pause  / find  Esc";
const WORKLOAD_HINT: &str =
    "0 all containers  p previous  t timestamps  T tail  w wrap  s pause  S save  / search  Esc";
const WORKLOAD_SHORT_HINT: &str = "0 all  p prev  t time  T tail  s pause  S save  / find  Esc";

/// The title in `room` cells: the breadcrumb (or just `pod › logs` when narrow) and the
/// summary, whose least useful parts go first when it does not fit.
fn title_line(state: &State, detail: &Detail, logs: &LogView, room: usize) -> Line<'static> {
    let crumb = super::crumb::text(state);
    let short = format!("{} › logs", sanitize(&detail.target.name));
    let mut parts = summary(logs);
    // " name " and "[summary] ".
    let fits =
        |name: &str, parts: &[(u8, String)]| width(name) + 2 + width(&join(parts)) + 3 <= room;
    for name in [&crumb, &short] {
        if fits(name, &parts) {
            return title(name, &join(&parts));
        }
    }
    while parts.len() > 1 && !fits(&short, &parts) {
        let least = (0..parts.len()).max_by_key(|&i| (parts[i].0, i));
        if let Some(i) = least {
            parts.remove(i);
        }
    }
    let detail = join(&parts);
    let name_room = room.saturating_sub(width(&detail) + 5);
    title(&fit(&short, name_room), &detail)
}

fn join(parts: &[(u8, String)]) -> String {
    let texts: Vec<&str> = parts.iter().map(|(_, t)| t.as_str()).collect();
    texts.join(" · ")
}

/// The summary's parts in order, each with its rank (higher goes first when narrow):
/// `app (1/2)`, `previous`, `timestamps`, `tail 1 000`, `1 204 lines`, search matches.
fn summary(logs: &LogView) -> Vec<(u8, String)> {
    let mut parts = match &logs.workload {
        Some(workload) => workload_summary(workload),
        None => vec![(0, container_summary(logs))],
    };
    if logs.options.previous {
        parts.push((1, "previous".into()));
    }
    if logs.options.timestamps {
        parts.push((3, "timestamps".into()));
    }
    match logs.options.tail {
        Some(n) => parts.push((4, format!("tail {}", group_thousands(n as usize)))),
        None => parts.push((4, "whole log".into())),
    }
    let mut lines = format!("{} lines", group_thousands(logs.buffer.len()));
    if logs.buffer.dropped() > 0 {
        lines.push_str(&format!(
            " (oldest {} dropped, cap {})",
            logs.buffer.dropped(),
            group_thousands(logs.buffer.cap())
        ));
    }
    parts.push((2, lines));
    if let Some(summary) = logs.search.summary() {
        parts.push((1, summary));
    }
    parts
}

/// `container app (1/2)`.
fn container_summary(logs: &LogView) -> String {
    let container = logs.options.container.as_deref().unwrap_or("-");
    let position = logs
        .containers
        .iter()
        .position(|c| Some(c.as_str()) == logs.options.container.as_deref())
        .map(|i| format!(" ({}/{})", i + 1, logs.containers.len()))
        .unwrap_or_default();
    format!("container {}{position}", sanitize(container))
}

/// `3 pods`, `3 streams`, `all containers`, and the containers left out by the cap.
fn workload_summary(workload: &WorkloadLogs) -> Vec<(u8, String)> {
    let pods = workload.pods.len();
    let streams = workload.live_streams();
    let mut parts = vec![
        (0, format!("{pods} pod{}", if pods == 1 { "" } else { "s" })),
        (
            3,
            format!("{streams} stream{}", if streams == 1 { "" } else { "s" }),
        ),
    ];
    if workload.all_containers {
        parts.push((1, "all containers".into()));
    }
    if workload.over_cap > 0 {
        parts.push((
            0,
            format!("{} over the {MAX_STREAMS}-stream cap", workload.over_cap),
        ));
    }
    parts
}

fn status_span(logs: &LogView) -> Span<'static> {
    if let Some(why) = logs.workload.as_ref().and_then(|w| w.error.as_ref()) {
        let text = format!(" ■ pods: {} ", sanitize(why));
        return Span::styled(text, Style::new().fg(Color::Red));
    }
    match (&logs.ended, logs.follow) {
        (Some(why), _) => Span::styled(
            format!(" ■ {} ", sanitize(why)),
            Style::new().fg(Color::Red),
        ),
        (None, true) => Span::styled(" ● following ", Style::new().fg(Color::Green)),
        (None, false) => Span::styled(" ‖ paused ", Style::new().fg(Color::Yellow)),
    }
}
