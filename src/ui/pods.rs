//! The pods pane: kubectl's columns, only the visible rows built per draw so 100 000 pods
//! cost no more than 30.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, TableState};

use super::columns::{Column, Plan, Role, WIDE};
use super::{MARKER, group_thousands, is_focused, pane_block, sanitize, title};
use crate::kube::table::{PodRow, age, restarts_cell};
use crate::state::filter::SortOrder;
use crate::state::{Focus, PodsLoad, State};

/// Spinner frames for the progress line.
const SPINNER: [&str; 4] = ["⠋", "⠙", "⠹", "⠸"];

/// Draws the pods pane into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let focused = is_focused(state, Focus::Pods);
    let mut block = pane_block(pods_title(state), focused);
    if state.pods_load == PodsLoad::Loading {
        let spin = SPINNER[state.spinner % SPINNER.len()];
        let progress = format!(
            " {spin} loading… {} pods ",
            group_thousands(state.pods.len())
        );
        block = block.title_bottom(Line::styled(progress, Style::new().fg(Color::Yellow)));
    }
    if state.pods.visible_len() == 0 {
        let text = Paragraph::new(empty_message(state))
            .alignment(Alignment::Center)
            .style(Style::new().fg(Color::DarkGray))
            .block(block);
        frame.render_widget(text, area);
        return;
    }
    let columns = Columns {
        stale: crate::state::fleet::failing_names(state),
        context: state.fleet.is_some(),
        namespace: state.namespace.is_none(),
        metrics: state.metrics.shown(),
    };
    let inner = block.inner(area);
    let height = usize::from(inner.height.saturating_sub(1));
    let marker = super::theme::Theme::new(state.opts.theme).failing_marker();
    let cursor = &state.pods.cursor;
    let window = cursor.window(height, state.pods.visible_len());
    let selected = cursor.selected().checked_sub(window.start);
    let visible: Vec<&PodRow> = state.pods.visible(window).collect();
    let cells: Vec<Vec<String>> = visible
        .iter()
        .map(|r| {
            let mut cells = columns.cells(r, state.now);
            mark_failing(&mut cells, r, columns.status_index(), marker);
            cells
        })
        .collect();
    let specs = columns.specs(state.pods.view().sort());
    let plan = Plan::new(&specs, &cells, inner.width.saturating_sub(MARKER));
    let rows = visible
        .iter()
        .zip(cells)
        .map(|(pod, cells)| styled_row(pod, plan.cells(cells), &columns));
    let titles = specs.into_iter().map(|c| c.title).collect();
    let table = plan.table(titles, rows, block, focused);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
    let marked = visible
        .iter()
        .map(|p| state.ops.marks.contains("", &p.namespace, &p.name));
    super::marks::paint(frame, inner, marked);
}

fn pods_title(state: &State) -> Line<'static> {
    let scope = match &state.namespace {
        Some(ns) => sanitize(ns).into_owned(),
        None => "all".to_string(),
    };
    let visible = state.pods.visible_len();
    let mut count = if visible == 0 {
        "0".to_string()
    } else {
        format!(
            "{}/{}",
            group_thousands(state.pods.cursor.selected() + 1),
            group_thousands(visible)
        )
    };
    if state.pods.view().is_filtered() {
        count.push_str(&format!(" of {}", group_thousands(state.pods.len())));
    }
    let mut line = title(&format!("Pods({scope})"), &count);
    for span in super::fleet::title_spans(&crate::state::fleet::summary(state)) {
        line.push_span(span);
    }
    if let Some(span) = super::marks::title_span(crate::state::marks::count(state)) {
        line.push_span(span);
    }
    let query = state.pods.view().query();
    if !query.is_empty() {
        line.push_span(Span::styled(
            format!("/{} ", sanitize(query)),
            Style::new().fg(Color::Magenta),
        ));
    }
    if let Some(selector) = &state.label_selector {
        line.push_span(Span::styled(
            format!("-l {} ", sanitize(selector)),
            Style::new().fg(Color::Magenta),
        ));
    }
    if let Some(selector) = &state.field_selector {
        line.push_span(Span::styled(
            format!("--field-selector {} ", sanitize(selector)),
            Style::new().fg(Color::Magenta),
        ));
    }
    line
}

fn empty_message(state: &State) -> String {
    if state.context.is_none() {
        return state
            .hint
            .clone()
            .unwrap_or_else(|| "no context selected".into());
    }
    if state.pods.view().is_filtered() && !state.pods.is_empty() {
        return format!(
            "no pods match {:?} (Esc clears the filter)",
            sanitize(state.pods.view().query())
        );
    }
    match (state.pods_load, &state.namespace) {
        (PodsLoad::Loading, _) => "loading pods…".into(),
        (_, Some(ns)) => format!("no pods in namespace {}", sanitize(ns)),
        (_, None) => "no pods".into(),
    }
}

/// Which columns this draw has (NAMESPACE only for all namespaces, CPU and MEM only while
/// metrics.k8s.io answers).
struct Columns {
    /// Fleet contexts whose streams fail: their rows are the last known, drawn dim.
    stale: Vec<std::sync::Arc<str>>,
    context: bool,
    namespace: bool,
    metrics: bool,
}

impl Columns {
    /// Every column, the sorted one's title with an arrow; the layout rule decides which show.
    fn specs(&self, sort: SortOrder) -> Vec<Column> {
        let arrow = if sort.descending { "↓" } else { "↑" };
        let sorted = sort.column.title();
        let mut specs = Vec::with_capacity(15);
        if self.context {
            specs.push(("CONTEXT", Role::Fit, 0));
        }
        if self.namespace {
            specs.push(("NAMESPACE", Role::Namespace, 0));
        }
        specs.extend([
            ("NAME", Role::Name, 0),
            ("READY", Role::Fit, 0),
            ("STATUS", Role::Fit, 0),
            // RESTARTS goes before AGE; IP and NODE are the wide ones.
            ("RESTARTS", Role::Fit, 2),
            ("AGE", Role::Fit, 1),
        ]);
        if self.metrics {
            // The percentages give way with the wide columns, CPU and MEM with RESTARTS
            // (before it), so names stay whole on a narrow screen.
            specs.extend([
                ("CPU", Role::Fit, 2),
                ("%CPU/R", Role::Fit, WIDE),
                ("%CPU/L", Role::Fit, WIDE),
                ("MEM", Role::Fit, 2),
                ("%MEM/R", Role::Fit, WIDE),
                ("%MEM/L", Role::Fit, WIDE),
            ]);
        }
        specs.extend([("IP", Role::Fit, WIDE), ("NODE", Role::Fit, WIDE + 1)]);
        specs
            .into_iter()
            .map(|(t, role, drop)| {
                let title = if t == sorted {
                    format!("{t}{arrow}")
                } else {
                    t.to_string()
                };
                Column::new(title, role, drop)
            })
            .collect()
    }

    /// Index of STATUS among the cells.
    fn status_index(&self) -> usize {
        usize::from(self.context) + usize::from(self.namespace) + 2
    }

    fn cells(&self, pod: &PodRow, now: jiff::Timestamp) -> Vec<String> {
        let mut cells = Vec::with_capacity(15);
        if self.context {
            cells.push(sanitize(pod.context.as_deref().unwrap_or("-")).into_owned());
        }
        if self.namespace {
            cells.push(sanitize(&pod.namespace).into_owned());
        }
        cells.push(sanitize(&pod.name).into_owned());
        cells.push(sanitize(&pod.ready).into_owned());
        cells.push(sanitize(&pod.status).into_owned());
        cells.push(restarts_cell(pod, now));
        cells.push(age(pod.created, now));
        if self.metrics {
            cells.extend(super::metrics::pod_cells(pod.usage, pod.resources));
        }
        cells.push(or_none(&pod.ip));
        cells.push(or_none(&pod.node));
        cells
    }
}

fn or_none(value: &str) -> String {
    if value.is_empty() {
        "<none>".into()
    } else {
        sanitize(value).into_owned()
    }
}

fn styled_row(pod: &PodRow, cells: Vec<(usize, String)>, columns: &Columns) -> Row<'static> {
    let status_index = columns.status_index();
    let ready_index = status_index - 1;
    let cells = cells.into_iter().map(|(i, text)| {
        let style = match i {
            _ if i == status_index => status_style(&pod.status),
            _ if i == ready_index && !all_ready(&pod.ready) => Style::new().fg(Color::Yellow),
            _ => Style::new(),
        };
        Cell::new(text).style(style)
    });
    let mut row = Row::new(cells);
    let stale = pod
        .context
        .as_ref()
        .is_some_and(|c| columns.stale.contains(c));
    if pod.status == "Completed" || stale {
        row = row.style(Style::new().fg(Color::DarkGray));
    }
    row
}

/// Puts `marker` (`!` in monochrome, else nothing) before a failing status, where colour
/// cannot say it.
fn mark_failing(cells: &mut [String], pod: &PodRow, status_index: usize, marker: &str) {
    if marker.is_empty() || status_style(&pod.status).fg != Some(Color::Red) {
        return;
    }
    if let Some(cell) = cells.get_mut(status_index) {
        cell.insert_str(0, marker);
    }
}

/// "2/2" (and "0/0") is all ready; "1/2" is not.
fn all_ready(ready: &str) -> bool {
    ready
        .split_once('/')
        .is_some_and(|(have, want)| have == want)
}

/// Green for healthy, yellow for on its way, red for broken, magenta for going away.
fn status_style(status: &str) -> Style {
    let colour = match status {
        "Running" | "Succeeded" => Color::Green,
        "Completed" => Color::DarkGray,
        "Terminating" => Color::Magenta,
        "Pending" | "ContainerCreating" | "PodInitializing" | "SchedulingGated" => Color::Yellow,
        s if s.strip_prefix("Init:").is_some_and(|r| r.contains('/')) => Color::Yellow,
        _ => Color::Red,
    };
    Style::new().fg(colour)
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::status_style;
    use crate::state::{Focus, PodsLoad};
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn pods_pane_narrow() {
        let state = demo_state(false);
        insta::assert_snapshot!(draw(80, 12, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn pods_pane_all_namespaces_wide_loading() {
        let mut state = demo_state(true);
        state.pods_load = PodsLoad::Loading;
        state.focus = Focus::Contexts;
        insta::assert_snapshot!(draw(140, 12, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn pods_pane_scrolls_to_the_cursor() {
        let mut state = demo_state(false);
        state.pods.cursor.select(usize::MAX, state.pods.len());
        insta::assert_snapshot!(draw(80, 6, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn renders_the_window_of_a_huge_table() {
        let mut state = demo_state(false);
        let rows = (0..100_000)
            .map(|i| crate::kube::table::PodRow {
                namespace: "shop".into(),
                name: format!("pod-{i:06}"),
                ..Default::default()
            })
            .collect();
        let generation = state.pods_gen;
        let page = crate::msg::Msg::pods_page(generation, rows, true, false);
        crate::state::update(&mut state, page);
        state.pods.cursor.select(usize::MAX, state.pods.len());
        let screen = draw(80, 12, |f| super::render(f, f.area(), &state));
        assert!(screen.contains("[100 000/100 000]"), "{screen}");
        assert!(
            screen.contains("pod-099999") && !screen.contains("pod-000000"),
            "{screen}"
        );
    }

    #[test]
    fn statuses_have_colours() {
        let cases = [
            ("Running", Color::Green),
            ("CrashLoopBackOff", Color::Red),
            ("Init:0/1", Color::Yellow),
            ("Init:Error", Color::Red),
            ("Terminating", Color::Magenta),
            ("Completed", Color::DarkGray),
        ];
        for (status, colour) in cases {
            assert_eq!(status_style(status).fg, Some(colour), "{status}");
        }
    }
}
