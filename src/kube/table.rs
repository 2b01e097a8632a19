//! Pod rows as kubectl prints them (a port of Kubernetes' `printPod`) and kubectl's ages.

/// One pod as the pods table shows it: compact, so 100 000 of them stay small.
/// AGE and the "(29h ago)" of RESTARTS are formatted at render time from the timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodRow {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    /// READY, e.g. "1/2" (restartable init containers count as in kubectl).
    pub ready: String,
    /// STATUS as printPod computes it: "Running", "CrashLoopBackOff", "Init:0/1", "Terminating"...
    pub status: String,
    pub restarts: u32,
    /// When the most recently restarted container last terminated (for "7 (29h ago)").
    pub last_restart: Option<jiff::Timestamp>,
    pub created: Option<jiff::Timestamp>,
    pub ip: String,
    pub node: String,
}
