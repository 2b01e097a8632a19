//! A resource table as the server prints it (`as=Table`), laid out by the rule of
//! [`super::columns`]: priority > 0 columns when there is room. Age columns (AGE, LAST SEEN) are printed again each draw from the rows'
//! timestamps, so they move with the clock as in the pods pane.

use std::borrow::Cow;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, TableState};

use super::columns::{Column, Plan, Role};
use super::{MARKER, crumb_block, group_thousands, is_focused, sanitize};
use crate::kube::resource_table::{AgeColumn, TableRow};
use crate::kube::table::age;
use crate::state::kinds::ResourceView;
use crate::state::{Focus, State};

/// Draws `view` into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &ResourceView) {
    let focused = is_focused(state, Focus::Pods);
    let count = match view.len() {
        0 => "0".to_string(),
        n => format!(
            "{}/{}",
            group_thousands(view.cursor.selected() + 1),
            group_thousands(n)
        ),
    };
    let mut block = crumb_block(state, &count);
    let members = crate::state::fleet::table_summary(state, view);
    if !members.is_empty() {
        let mut spans = vec![ratatui::text::Span::raw(" ")];
        spans.extend(super::fleet::title_spans(&members));
        block = block.title(Line::from(spans));
    }
    if let Some(span) = super::marks::title_span(crate::state::marks::count(state)) {
        block = block.title(ratatui::text::Line::from(span));
    }
    if !view.query.is_empty() {
        block = block.title(Line::styled(
            format!("/{} ", sanitize(&view.query)),
            Style::new().fg(Color::Magenta),
        ));
    }
    // A table already shown stays while its stream recovers; the status bar says why.
    let table = match (&view.table, &view.error) {
        (None, Some(p)) => {
            let text = super::status::problem_words(p.message(), p.retry_at, state.now);
            return message(frame, area, block, &sanitize(&text), Color::Red);
        }
        (None, None) => return message(frame, area, block, "loading…", Color::DarkGray),
        (Some(t), _) if t.rows.is_empty() => {
            let text = format!("no {}", view.resource.plural);
            return message(frame, area, block, &text, Color::DarkGray);
        }
        (Some(t), _) => t,
    };
    let ages: Vec<Option<AgeColumn>> = table.columns.iter().map(AgeColumn::of).collect();
    let inner = block.inner(area);
    let height = usize::from(inner.height.saturating_sub(1));
    let visible = view.visible();
    let window = view.cursor.window(height, visible.len());
    let selected = view.cursor.selected().checked_sub(window.start);
    // Like kubectl -A: the server's table has no namespace column, the client adds it.
    let with_ns = view.resource.namespaced && view.namespace.is_none();
    let with_context = state.fleet.is_some();
    let scope = view.resource.qualified_name();
    let marked: Vec<bool> = visible[window.clone()]
        .iter()
        .map(|r| state.ops.marks.contains(&scope, &r.namespace, &r.name))
        .collect();
    // Nodes get kubectl top node's columns while metrics.k8s.io answers.
    let node_metrics =
        state.metrics.shown() && view.resource.group.is_empty() && view.resource.plural == "nodes";
    let rows: Vec<Vec<String>> = visible[window]
        .iter()
        .map(|r| {
            let context = with_context.then(|| sanitize(r.context.as_deref().unwrap_or("-")));
            let ns = with_ns.then(|| sanitize(&r.namespace).into_owned());
            let usage =
                node_metrics.then(|| super::metrics::node_cells(state.metrics.nodes.get(&r.name)));
            context
                .map(Cow::into_owned)
                .into_iter()
                .chain(ns)
                .chain(
                    ages.iter()
                        .enumerate()
                        .map(|(i, &age)| sanitize(&cell(r, i, age, state.now)).into_owned()),
                )
                .chain(usage.into_iter().flatten())
                .collect()
        })
        .collect();
    let mut specs: Vec<Column> = with_context
        .then(|| Column::new("CONTEXT", Role::Fit, 0))
        .into_iter()
        .chain(with_ns.then(|| Column::new("NAMESPACE", Role::Namespace, 0)))
        .collect();
    specs.extend(
        table
            .columns
            .iter()
            .zip(&ages)
            .map(|(c, age)| Column::server(&sanitize(&c.name), c.priority, age.is_some())),
    );
    if node_metrics {
        specs.extend(
            super::metrics::NODE_TITLES
                .iter()
                .map(|t| Column::new(*t, Role::Fit, 0)),
        );
    }
    let plan = Plan::new(&specs, &rows, inner.width.saturating_sub(MARKER));
    let titles = specs.into_iter().map(|c| c.title).collect();
    let rows = rows
        .into_iter()
        .map(|r| Row::new(plan.cells(r).into_iter().map(|(_, t)| Cell::new(t))));
    let widget = plan.table(titles, rows, block, focused);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(widget, area, &mut table_state);
    super::marks::paint(frame, inner, marked.into_iter());
}

/// Cell `index` of `row` as drawn at `now`: an age column printed from the row's timestamp as
/// the server prints it (`duration.HumanDuration`), anything else as the server printed it.
fn cell(row: &TableRow, index: usize, ages: Option<AgeColumn>, now: Timestamp) -> Cow<'_, str> {
    match ages.and_then(|column| row.since(column)) {
        Some(since) => Cow::Owned(age(since, now)),
        None => Cow::Borrowed(row.cells.get(index).map_or("", String::as_str)),
    }
}

/// `text` alone in the middle of the pane: what stands where a table has nothing to show.
pub(super) fn message(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block<'static>,
    text: &str,
    colour: Color,
) {
    let p = Paragraph::new(text.to_string())
        .alignment(Alignment::Center)
        .style(Style::new().fg(colour))
        .block(block);
    frame.render_widget(p, area);
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};

    use crate::kube::resource_table::parse_table;
    use crate::msg::Msg;
    use crate::state::{State, update};
    use crate::ui::render;
    use crate::ui::testing::{demo_state, draw, now};

    /// The demo state showing `plural` (a core kind unless `group`) with the Table `body`.
    fn showing(group: &str, plural: &str, body: &[u8]) -> State {
        let mut state = demo_state(false);
        let id = crate::ui::testing::open_kind(&mut state, group, plural);
        let table = parse_table(body).expect("a table");
        update(&mut state, Msg::table_listed(id, table));
        state
    }

    /// The table's line for `name`, words split on runs of spaces.
    fn line_of(state: &State, name: &str) -> Vec<String> {
        let screen = draw(100, 20, |f| render(f, state));
        let line = screen
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no row {name} in\n{screen}"));
        line.trim_matches(|c| c == '"' || c == '┃')
            .split("  ")
            .map(|w| w.trim_start_matches('▶').trim().to_string())
            .filter(|w| !w.is_empty())
            .collect()
    }

    fn later(t: Timestamp, secs: i64) -> Timestamp {
        t.checked_add(SignedDuration::from_secs(secs))
            .expect("fixture times are in range")
    }

    #[test]
    fn age_follows_the_clock_where_the_row_knows_its_creation() {
        // Listed at now(): "api" 5 minutes old; "frontend" came without metadata.
        let mut state = showing(
            "apps",
            "deployments",
            br#"{"kind":"Table","columnDefinitions":[{"name":"Name"},{"name":"Ready"},{"name":"Age"}],
            "rows":[{"cells":["api","0/1","5m"],"object":{"kind":"PartialObjectMetadata",
                "metadata":{"name":"api","namespace":"shop","creationTimestamp":"2026-11-20T11:55:00Z"}}},
              {"cells":["frontend","2/2","45d"]}]}"#,
        );
        assert_eq!(line_of(&state, "api"), ["api", "0/1", "5m"]);
        state.now = later(now(), 60);
        assert_eq!(line_of(&state, "api"), ["api", "0/1", "6m"]);
        state.now = later(now(), 3 * 3600);
        assert_eq!(line_of(&state, "api"), ["api", "0/1", "3h5m"]);
        assert_eq!(line_of(&state, "frontend"), ["frontend", "2/2", "45d"]);
    }

    #[test]
    fn last_seen_of_events_follows_the_clock() {
        // A repeating event (lastTimestamp), one only with an eventTime, one with a series,
        // and one listed with metadata only, whose LAST SEEN stays as printed.
        let mut state = showing(
            "",
            "events",
            br#"{"kind":"Table","columnDefinitions":[{"name":"Last Seen"},{"name":"Type"},
              {"name":"Reason"},{"name":"Object"},{"name":"Message"}],
            "rows":[
              {"cells":["30s","Warning","BackOff","pod/a","x"],"object":{"kind":"Event","apiVersion":"v1",
                "metadata":{"name":"a.1","namespace":"shop","creationTimestamp":"2026-11-20T10:00:00Z"},
                "firstTimestamp":"2026-11-20T10:00:00Z","lastTimestamp":"2026-11-20T11:59:30Z"}},
              {"cells":["2m","Normal","Scheduled","pod/b","x"],"object":{"kind":"Event","apiVersion":"v1",
                "metadata":{"name":"b.1","namespace":"shop"},"firstTimestamp":null,"lastTimestamp":null,
                "eventTime":"2026-11-20T11:57:59.500000Z"}},
              {"cells":["10s","Warning","Unhealthy","pod/c","x"],"object":{"kind":"Event","apiVersion":"v1",
                "metadata":{"name":"c.1","namespace":"shop"},"eventTime":"2026-11-20T11:00:00.000000Z",
                "series":{"count":3,"lastObservedTime":"2026-11-20T11:59:50.000000Z"}}},
              {"cells":["7m","Normal","Pulled","pod/d","x"],"object":{"kind":"PartialObjectMetadata",
                "metadata":{"name":"d.1","namespace":"shop","creationTimestamp":"2026-11-20T11:53:00Z"}}}]}"#,
        );
        // Events have no NAME column: rows are found by their OBJECT.
        let objects = ["pod/a", "pod/b", "pod/c", "pod/d"];
        let last_seen = |state: &State, object: &str| line_of(state, object)[0].clone();
        let shown = objects.map(|o| last_seen(&state, o));
        assert_eq!(shown, ["30s", "2m", "10s", "7m"]);
        state.now = later(now(), 300);
        let shown = objects.map(|o| last_seen(&state, o));
        assert_eq!(shown, ["5m30s", "7m", "5m10s", "7m"]);
    }
}
