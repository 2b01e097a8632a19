//! What the metrics poll found: whether metrics.k8s.io is served (columns or a hint), and the
//! nodes' usage. Pods' usage goes into their rows (see `PodTable::set_usage`), so sorting and
//! drawing read a number, never a map.

use std::collections::HashMap;
use std::sync::Arc;

use super::State;
use crate::kube::metrics::NodeUsage;
use crate::msg::MetricsReport;

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

/// Applies one poll's report (already checked to be of the current pods generation).
pub fn on_report(state: &mut State, report: MetricsReport) {
    state.dirty = true;
    match report {
        MetricsReport::Sample { pods, nodes } => {
            state.metrics.availability = Availability::Served;
            state.metrics.nodes = nodes;
            state.pods.set_usage(pods);
        }
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
