//! What the metrics poll found: whether metrics.k8s.io is served (columns or a hint), and the
//! nodes' usage. Pods' usage goes into their rows (see `PodTable::set_usage`), so sorting and
//! drawing read a number, never a map.

use std::collections::HashMap;
use std::sync::Arc;

use super::{PodsLoad, State};
use crate::kube::metrics::NodeUsage;
use crate::msg::{Effect, MetricsReport};

/// Whether the cluster answers metrics.k8s.io.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Availability {
    /// No answer yet: no columns, no hint.
    #[default]
    Unknown,
    Served,
    /// 404: no metrics-server; polling stopped.
    NotServed,
    /// 403: RBAC says no; asked again rarely.
    Forbidden,
    /// Another failure before any sample.
    Failing,
}

/// Metrics of the open context.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub availability: Availability,
    /// Usage and allocatable per node name, from the latest sample.
    pub nodes: Arc<HashMap<String, NodeUsage>>,
    /// The pods generation whose poll was started (0: none).
    polling: u64,
}

impl Metrics {
    /// Metrics columns are drawn.
    pub fn shown(&self) -> bool {
        self.availability == Availability::Served
    }

    /// The status bar's words when there are no metrics to show.
    pub fn hint(&self) -> Option<&'static str> {
        match self.availability {
            Availability::NotServed => Some("metrics: not served"),
            Availability::Forbidden => Some("metrics: forbidden"),
            Availability::Failing => Some("metrics: unavailable"),
            Availability::Unknown | Availability::Served => None,
        }
    }
}

/// The pods list of this generation is complete: start its metrics poll, once.
pub fn on_pods_listed(state: &mut State) -> Option<Effect> {
    let generation = state.pods_gen;
    if state.pods_load != PodsLoad::Watching || state.metrics.polling == generation {
        return None;
    }
    state.metrics.polling = generation;
    Some(Effect::PollMetrics {
        generation,
        context: state.context.clone()?,
        namespace: state.namespace.clone(),
    })
}

/// Applies one poll's report; one of an older pods generation is dropped.
pub fn on_report(state: &mut State, generation: u64, report: MetricsReport) -> Vec<Effect> {
    if generation == state.pods_gen {
        apply(state, report);
    }
    Vec::new()
}

fn apply(state: &mut State, report: MetricsReport) {
    state.dirty = true;
    match report {
        MetricsReport::Sample { pods, nodes } => {
            state.metrics.availability = Availability::Served;
            state.metrics.nodes = nodes;
            state.pods.set_usage(pods);
        }
        MetricsReport::Resources(resources) => state.pods.set_resources(resources),
        MetricsReport::Unavailable(failure) => {
            let availability = match failure.code {
                Some(404) => Availability::NotServed,
                Some(401 | 403) => Availability::Forbidden,
                // A passing error keeps the last sample on screen.
                _ if state.metrics.shown() => return,
                _ => Availability::Failing,
            };
            state.metrics.availability = availability;
            state.pods.set_usage(Arc::default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::metrics::{PodUsage, Usage};
    use crate::kube::table::PodRow;
    use crate::kube::watcher::Change;
    use crate::kube::{Failure, KubeError};
    use crate::msg::Msg;
    use crate::state::{StartOptions, update};

    fn row(name: &str) -> PodRow {
        PodRow {
            namespace: "shop".into(),
            name: name.into(),
            status: "Running".into(),
            ..PodRow::default()
        }
    }

    fn listed() -> State {
        let mut state = State::new(StartOptions::default());
        let _ = state.watch_pods(Some("shop".into()), None);
        let rows = vec![row("a"), row("b")];
        let page = Msg::pods_page(state.pods_gen, rows, true, false);
        update(&mut state, page);
        state
    }

    fn sample(generation: u64, cpu_of_a: u64) -> Msg {
        let usage = |cpu_milli| Usage {
            cpu_milli,
            mem_bytes: 1 << 20,
        };
        let mut pods = PodUsage::new();
        let shop = pods.entry("shop".into()).or_default();
        shop.insert("a".into(), usage(cpu_of_a));
        Msg::Metrics {
            generation,
            report: MetricsReport::Sample {
                pods: Arc::new(pods),
                nodes: Arc::default(),
            },
        }
    }

    fn failed(generation: u64, code: u16) -> Msg {
        let error = KubeError::from_response(code, "", b"{}");
        Msg::Metrics {
            generation,
            report: MetricsReport::Unavailable(Failure::from(error)),
        }
    }

    #[test]
    fn a_sample_fills_rows_and_survives_watch_events() {
        let mut state = listed();
        let generation = state.pods_gen;
        update(&mut state, sample(generation, 42));
        assert!(state.metrics.shown());
        let cpu = |s: &State, name: &str| s.pods.get("shop", name).and_then(|r| r.usage);
        assert_eq!(cpu(&state, "a").map(|u| u.cpu_milli), Some(42));
        assert_eq!(cpu(&state, "b"), None, "no sample: n/a");
        let modified = Msg::pod_changes(state.pods_gen, vec![Change::Modified(row("a"))]);
        update(&mut state, modified);
        assert_eq!(cpu(&state, "a").map(|u| u.cpu_milli), Some(42));
    }

    #[test]
    fn the_poll_starts_once_the_list_is_complete_and_once_per_generation() {
        let mut state = State::new(StartOptions::default());
        state.context = Some("demo".into());
        let _ = state.watch_pods(Some("shop".into()), None);
        let generation = state.pods_gen;
        let page = Msg::pods_page(generation, vec![row("a")], true, true);
        let polls = |effects: Vec<Effect>| {
            effects
                .into_iter()
                .filter(|e| matches!(e, Effect::PollMetrics { .. }))
                .count()
        };
        assert_eq!(polls(update(&mut state, page)), 0, "not while listing");
        let last = Msg::pods_page(generation, vec![row("b")], false, false);
        assert_eq!(polls(update(&mut state, last)), 1);
        let relisted = Msg::pods_page(generation, vec![row("a")], true, false);
        assert_eq!(
            polls(update(&mut state, relisted)),
            0,
            "a relist keeps the poll"
        );
    }

    #[test]
    fn another_context_starts_without_columns() {
        let mut state = listed();
        let generation = state.pods_gen;
        update(&mut state, sample(generation, 42));
        let _ = state.open_context("other".into(), None);
        assert_eq!(state.metrics.availability, Availability::Unknown);
        assert!(state.metrics.nodes.is_empty());
    }

    #[test]
    fn answers_of_an_older_generation_are_dropped() {
        let mut state = listed();
        let generation = state.pods_gen;
        update(&mut state, sample(generation - 1, 42));
        assert_eq!(state.metrics.availability, Availability::Unknown);
        assert_eq!(state.pods.get("shop", "a").and_then(|r| r.usage), None);
    }

    #[test]
    fn not_served_and_forbidden_hide_the_columns_with_a_hint() {
        let mut state = listed();
        let generation = state.pods_gen;
        update(&mut state, failed(generation, 404));
        assert!(!state.metrics.shown());
        assert_eq!(state.metrics.hint(), Some("metrics: not served"));
        let generation = state.pods_gen;
        update(&mut state, failed(generation, 403));
        assert_eq!(state.metrics.hint(), Some("metrics: forbidden"));
        assert_eq!(state.pods_error, None, "never the table's error");
        // A passing error once metrics came keeps the last sample.
        let generation = state.pods_gen;
        update(&mut state, sample(generation, 7));
        let generation = state.pods_gen;
        update(&mut state, failed(generation, 503));
        assert!(state.metrics.shown());
        assert_eq!(state.metrics.hint(), None);
    }
}
