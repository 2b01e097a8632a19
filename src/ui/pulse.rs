//! The pulse view (`:pulse`): the cluster at a glance. Pods by phase per namespace (bar charts),
//! the pods that restarted most in the last hour, nodes by condition, and sparklines of watch
//! events per second and `/version` latency over the session. Every chart is labelled in
//! words, so nothing is lost when colour is off.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Cell, Paragraph, Row, Sparkline, Table};

use super::{group_thousands, pane_block, sanitize, title};
use crate::kube::nodes::NodeHealth;
use crate::kube::table::age;
use crate::state::State;
use crate::state::pulse::{NsPhases, PHASES, Phase, Series, by_namespace, top_restarts};

/// Rows of each sparkline pane (borders included).
const SPARK_HEIGHT: u16 = 5;
/// Most lines naming troubled nodes.
const TROUBLED_LINES: usize = 3;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [top, bottom] =
        Layout::vertical([Constraint::Min(6), Constraint::Length(SPARK_HEIGHT)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let nodes_height = nodes_height(state, right.height);
    let [restarts_area, nodes_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(nodes_height)]).areas(right);
    phases(frame, left, state);
    restarts(frame, restarts_area, state);
    nodes(frame, nodes_area, state);
    let [events_area, latency_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    let events = &state.pulse.events;
    let now = events.latest().map(|n| n.to_string());
    let peak = events.peak().map(|n| n.to_string());
    spark(frame, events_area, "Watch events/s", events, now, peak);
    let latency = &state.pulse.latency;
    let now = latency.latest().map(millis);
    let peak = latency.peak().map(millis);
    spark(frame, latency_area, "/version latency", latency, now, peak);
}

/// The colour of a phase's bars (its word is the label, for monochrome).
fn phase_colour(phase: Phase) -> Color {
    match phase {
        Phase::Running => Color::Green,
        Phase::Pending => Color::Yellow,
        Phase::Failing => Color::Red,
        Phase::Succeeded => Color::Blue,
        Phase::Terminating => Color::Magenta,
    }
}

/// One bar chart per namespace, under a line naming it; every bar on one scale.
fn phases(frame: &mut Frame, area: Rect, state: &State) {
    let all = by_namespace(state.pods.rows());
    let detail = format!(
        "{} · {} namespaces",
        pods(state.pods.len() as u64),
        group_thousands(all.len())
    );
    let block = pane_block(title("Pods by phase", &detail), !state.help_open);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if all.is_empty() {
        let empty = Paragraph::new("no pods").style(Style::new().fg(Color::DarkGray));
        frame.render_widget(empty, inner);
        return;
    }
    let max = all.iter().flat_map(|n| n.counts).max().unwrap_or(1).max(1);
    let mut y = inner.y;
    for ns in all.iter().skip(state.pulse.scroll) {
        let bars = ns.counts.iter().filter(|c| **c > 0).count() as u16;
        if y + 1 + bars > inner.bottom() {
            break;
        }
        let head = Rect::new(inner.x, y, inner.width, 1);
        frame.render_widget(Paragraph::new(ns_line(ns)), head);
        let chart_area = Rect::new(inner.x, y + 1, inner.width, bars);
        frame.render_widget(ns_chart(ns, max), chart_area);
        y += 1 + bars;
    }
}

fn ns_line(ns: &NsPhases<'_>) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            sanitize(ns.namespace).into_owned(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!(" · {}", pods(ns.total())),
            Style::new().fg(Color::DarkGray),
        ),
    ])
}

fn ns_chart(ns: &NsPhases<'_>, max: u64) -> BarChart<'static> {
    let bars: Vec<Bar<'static>> = PHASES
        .iter()
        .zip(ns.counts)
        .filter(|(_, count)| *count > 0)
        .map(|(phase, count)| {
            let colour = phase_colour(*phase);
            Bar::with_label(format!("  {:<11}", phase.word()), count)
                .text_value(group_thousands(count as usize))
                .style(Style::new().fg(colour))
                .value_style(Style::new().fg(Color::Black).bg(colour))
        })
        .collect();
    BarChart::horizontal(bars).bar_gap(0).max(max)
}

/// `1 pod`, `1 204 pods`.
fn pods(n: u64) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} pod{s}", group_thousands(n as usize))
}

/// The pods whose last restart is within the hour, most restarts the watch saw first.
fn restarts(frame: &mut Frame, area: Rect, state: &State) {
    let now = state.now;
    let top = top_restarts(state.pods.rows(), &state.pulse, now.as_second());
    let block = pane_block(title("Most restarts, last hour", ""), false);
    if top.is_empty() {
        let empty = Paragraph::new("no pod restarted in the last hour")
            .style(Style::new().fg(Color::DarkGray))
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let rows: Vec<Row<'static>> = top
        .iter()
        .map(|r| {
            let seen = if r.seen > 0 {
                format!("+{}", r.seen)
            } else {
                "·".into()
            };
            let pod = format!("{}/{}", sanitize(&r.row.namespace), sanitize(&r.row.name));
            Row::new([
                Cell::new(seen).style(Style::new().fg(Color::Red)),
                Cell::new(r.row.restarts.to_string()),
                Cell::new(age(r.row.last_restart, now)),
                Cell::new(pod),
            ])
        })
        .collect();
    let header = Row::new(["SEEN", "TOTAL", "LAST", "POD"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Min(10),
    ];
    let table = Table::new(rows, widths).header(header).block(block);
    frame.render_widget(table, area);
}

/// A category of nodes, its count, and its colour.
type Category = (&'static str, u64, Color);

/// Nodes by condition: Ready always, the rest when some node is in them.
fn categories(nodes: &[NodeHealth]) -> Vec<Category> {
    let count = |f: &dyn Fn(&NodeHealth) -> bool| nodes.iter().filter(|n| f(n)).count() as u64;
    let mut out = vec![("Ready", count(&|n| n.ready == Some(true)), Color::Green)];
    let rest: [Category; 4] = [
        ("NotReady", count(&|n| n.ready == Some(false)), Color::Red),
        ("Unknown", count(&|n| n.ready.is_none()), Color::Yellow),
        ("Pressure", count(&|n| !n.problems.is_empty()), Color::Red),
        ("Cordoned", count(&|n| n.unschedulable), Color::Yellow),
    ];
    out.extend(rest.into_iter().filter(|(_, n, _)| *n > 0));
    out
}

/// Nodes that are not plainly ready and schedulable, each with what is wrong.
fn troubled(nodes: &[NodeHealth]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| {
            let mut what: Vec<String> = n.problems.clone();
            match n.ready {
                Some(true) => {}
                Some(false) => what.insert(0, "NotReady".into()),
                None => what.insert(0, "Unknown".into()),
            }
            if n.unschedulable {
                what.push("cordoned".into());
            }
            (!what.is_empty()).then(|| format!("{}: {}", sanitize(&n.name), what.join(", ")))
        })
        .collect()
}

/// Rows the nodes pane wants: its bars, the troubled nodes it names, borders.
fn nodes_height(state: &State, room: u16) -> u16 {
    let wanted = match &state.pulse.nodes {
        Some(Ok(nodes)) => {
            let named = troubled(nodes).len().min(TROUBLED_LINES);
            categories(nodes).len() + named + 2
        }
        _ => 3,
    };
    (wanted as u16).min(room / 2).max(3)
}

fn nodes(frame: &mut Frame, area: Rect, state: &State) {
    let list = match &state.pulse.nodes {
        Some(Ok(nodes)) => nodes,
        other => {
            let (text, colour) = match other {
                Some(Err(failure)) => (sanitize(&failure.message).into_owned(), Color::Red),
                _ => ("listing nodes…".to_string(), Color::DarkGray),
            };
            let block = pane_block(title("Nodes", ""), false);
            let text = Paragraph::new(text)
                .style(Style::new().fg(colour))
                .block(block);
            frame.render_widget(text, area);
            return;
        }
    };
    let block = pane_block(title("Nodes", &group_thousands(list.len())), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let categories = categories(list);
    let bars: Vec<Bar<'static>> = categories
        .iter()
        .map(|(word, count, colour)| {
            Bar::with_label(*word, *count)
                .text_value(group_thousands(*count as usize))
                .style(Style::new().fg(*colour))
                .value_style(Style::new().fg(Color::Black).bg(*colour))
        })
        .collect();
    let [chart_area, names_area] =
        Layout::vertical([Constraint::Length(bars.len() as u16), Constraint::Min(0)]).areas(inner);
    let max = list.len().max(1) as u64;
    let chart = BarChart::horizontal(bars).bar_gap(0).max(max);
    frame.render_widget(chart, chart_area);
    let names: Vec<Line<'static>> = troubled(list)
        .into_iter()
        .take(usize::from(names_area.height))
        .map(|t| Line::styled(t, Style::new().fg(Color::Red)))
        .collect();
    frame.render_widget(Paragraph::new(names), names_area);
}

/// A sparkline of `series`, newest on the right, with its latest and peak in the title.
fn spark(
    frame: &mut Frame,
    area: Rect,
    name: &str,
    series: &Series,
    now: Option<String>,
    peak: Option<String>,
) {
    let detail = match (now, peak) {
        (Some(now), Some(peak)) => format!("now {now} · peak {peak}"),
        _ => String::new(),
    };
    let block = pane_block(title(name, &detail), false);
    if series.is_empty() {
        let empty = Paragraph::new("no samples yet")
            .style(Style::new().fg(Color::DarkGray))
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let width = usize::from(block.inner(area).width);
    let data = series.newest(width);
    let chart = Sparkline::default()
        .block(block)
        .data(&data)
        .style(Style::new().fg(Color::Cyan))
        .direction(ratatui::widgets::RenderDirection::LeftToRight);
    frame.render_widget(chart, area);
}

/// Microseconds as the status bar shows latency: `3.2ms`, `41ms`.
pub fn millis(micros: u64) -> String {
    if micros < 10_000 {
        format!("{:.1}ms", micros as f64 / 1000.0)
    } else {
        format!("{}ms", micros / 1000)
    }
}
