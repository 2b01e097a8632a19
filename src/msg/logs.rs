//! Messages of a workload's merged logs: the pods its selector matches, and the log lines of
//! each (pod, container) stream, tagged with the stream they came from.

use crate::kube::Failure;
use crate::kube::log_pods::LogPod;
use crate::kube::watcher::Event;

/// What the list-watch of a workload's pods reports.
pub type LogPodsEvent = Event<Vec<LogPod>, LogPod>;

/// One container's log stream of a workload logs view. `round` is bumped whenever every
/// stream restarts (new options), so late lines of the old streams are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogSource {
    pub round: u64,
    pub pod: String,
    pub container: String,
}

/// What happened to the pods or streams of workload logs view `id` (see `Msg::WorkloadLogs`).
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadLogEvent {
    /// The matching pods changed (list pages, watch changes, failures).
    Pods(LogPodsEvent),
    /// Lines of one stream (decoded and cleaned, not yet prefixed).
    Lines {
        source: LogSource,
        lines: Vec<String>,
    },
    /// One stream ended (`error` when it failed).
    Ended {
        source: LogSource,
        error: Option<Failure>,
    },
}
