//! `--dump-on-exit FILE`: the pods table as plain text, so a soak can compare the app's copy
//! with the server's truth (`kubectl get pods -A --no-headers`) row for row.

use crate::kube::table::PodRow;
use crate::state::State;

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
    let cell = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.split_whitespace().collect::<Vec<_>>().join("_")
        }
    };
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
    fn empty_and_spaced_cells_keep_five_columns() {
        let rows = [row("web", "a", "", 0), row("web", "b", "Odd  status", 0)];
        assert_eq!(
            pod_lines(&rows),
            "web a 1/1 <none> 0\nweb b 1/1 Odd_status 0\n"
        );
    }
}
