//! `--dump-on-exit FILE`: the pods table (and the `:kind` table open at exit) as plain text, so
//! a soak can compare the app's copies with the server's truth (`kubectl get pods -A
//! --no-headers`, `kubectl get deploy -A --no-headers`) row for row.

use crate::kube::resource_table::ResourceTable;
use crate::kube::table::PodRow;
use crate::state::State;

/// The pods table, then the open `:kind` table if there is one.
pub fn all(state: &State) -> String {
    let mut text = pods(state);
    if let Some(view) = &state.resource {
        text += &format!(
            "# table resource={} namespace={} live={} error={}\n",
            view.resource.plural,
            view.namespace.as_deref().unwrap_or("all"),
            view.live,
            view.error.is_some(),
        );
        if let Some(table) = &view.table {
            text += &table_lines(table);
        }
    }
    text
}

/// `NAMESPACE` and the default cells but AGE per row (kubectl's `--no-headers` columns, whose
/// AGE depends on when it is asked), sorted.
pub fn table_lines(table: &ResourceTable) -> String {
    let shown: Vec<usize> = (table.columns.iter().enumerate())
        .filter(|(_, c)| c.priority == 0 && !c.name.eq_ignore_ascii_case("age"))
        .map(|(i, _)| i)
        .collect();
    let mut lines: Vec<String> = (table.rows.iter())
        .map(|r| {
            let mut cells = vec![cell(&r.namespace)];
            cells.extend(
                shown
                    .iter()
                    .map(|&i| cell(r.cells.get(i).map_or("", |c| c))),
            );
            cells.join(" ") + "\n"
        })
        .collect();
    lines.sort();
    lines.concat()
}

/// A cell as one word: `<none>` when empty, inner whitespace as `_`.
fn cell(s: &str) -> String {
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s.split_whitespace().collect::<Vec<_>>().join("_")
    }
}

/// A `#` line naming what the table is of, then one sorted line per pod.
pub fn pods(state: &State) -> String {
    let scope = format!(
        "# context={} namespace={} labels={} fields={} load={:?} error={}\n",
        state.context.as_deref().unwrap_or("-"),
        state.namespace.as_deref().unwrap_or("all"),
        state.label_selector.as_deref().unwrap_or("-"),
        state.field_selector.as_deref().unwrap_or("-"),
        state.pods_load,
        state.pods_error.is_some(),
    );
    scope + &pod_lines(state.pods.rows())
}

/// `NAMESPACE NAME READY STATUS RESTARTS` per pod, sorted by namespace and name; whitespace
/// inside a cell (never printed by the apiserver, but a field could hold it) becomes `_`.
pub fn pod_lines(rows: &[PodRow]) -> String {
    let mut lines: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}\n",
                cell(&r.namespace),
                cell(&r.name),
                cell(&r.ready),
                cell(&r.status),
                r.restarts
            )
        })
        .collect();
    lines.sort();
    lines.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ns: &str, name: &str, status: &str, restarts: u32) -> PodRow {
        PodRow {
            namespace: ns.into(),
            name: name.into(),
            ready: "1/1".into(),
            status: status.into(),
            restarts,
            ..PodRow::default()
        }
    }

    #[test]
    fn lines_are_sorted_and_one_per_pod() {
        let rows = [
            row("web", "b", "Running", 0),
            row("api", "z", "CrashLoopBackOff", 7),
            row("web", "a", "Init:0/1", 1),
        ];
        assert_eq!(
            pod_lines(&rows),
            "api z 1/1 CrashLoopBackOff 7\nweb a 1/1 Init:0/1 1\nweb b 1/1 Running 0\n"
        );
    }

    #[test]
    fn a_table_keeps_its_default_cells_but_age() {
        use crate::kube::resource_table::{TableColumn, TableRow};
        let col = |name: &str, priority| TableColumn {
            name: name.into(),
            priority,
        };
        let row = |ns: &str, cells: &[&str]| TableRow {
            namespace: ns.into(),
            name: cells[0].into(),
            cells: cells.iter().map(|c| c.to_string()).collect(),
            ..TableRow::default()
        };
        let table = ResourceTable {
            columns: vec![
                col("Name", 0),
                col("Ready", 0),
                col("Age", 0),
                col("Images", 1),
            ],
            rows: vec![
                row("web", &["b", "3/3", "5m", "nginx"]),
                row("api", &["a", "", "2d", "x y"]),
            ],
            resource_version: "1".into(),
        };
        assert_eq!(table_lines(&table), "api a <none>\nweb b 3/3\n");
    }

    #[test]
    fn empty_and_spaced_cells_keep_five_columns() {
        let rows = [row("web", "a", "", 0), row("web", "b", "Odd  status", 0)];
        assert_eq!(
            pod_lines(&rows),
            "web a 1/1 <none> 0\nweb b 1/1 Odd_status 0\n"
        );
    }
}
