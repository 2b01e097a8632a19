//! Pod rows as kubectl prints them (a port of Kubernetes' `printPod`) and kubectl's ages
//! (apimachinery's `duration.HumanDuration`).

mod model;
pub(crate) use model::text as borrowed_text;
pub mod server;
#[cfg(test)]
mod tests;

pub use model::{
    Container, ContainerState, ContainerStatus, ObjectMeta, Pod, PodCondition, PodIp, PodSpec,
    PodStatus, ReadinessGate, Requirements, ResourceList, StateRunning, StateTerminated,
    StateWaiting, Text,
};

/// One pod as the pods table shows it: compact, so 100 000 of them stay small.
/// AGE and the "(29h ago)" of RESTARTS are formatted at render time from the timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodRow {
    /// The context the row came from when several are shown in one table (a fleet); `None`
    /// for a single context. Set by the stream that delivered it, never decoded.
    pub context: Option<std::sync::Arc<str>>,
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
    /// First pod IP; empty when none is assigned yet.
    pub ip: String,
    /// Node the pod is bound to; empty while unscheduled.
    pub node: String,
    /// Node the scheduler nominated for preemption; usually empty.
    pub nominated_node: String,
    /// READINESS GATES as "true/total"; empty when the pod declares none.
    pub readiness_gates: String,
    /// CPU and memory from metrics.k8s.io; filled in by the client, never decoded.
    pub usage: Option<crate::kube::metrics::Usage>,
    /// Summed requests and limits; `None` for rows the server printed (no spec), until the
    /// client fills them in.
    pub resources: Option<crate::kube::metrics::PodResources>,
    /// The whole pod as a watch event carried it (for the object history); `None` from lists,
    /// and taken out by state before the row is stored.
    pub object: Option<Box<crate::kube::raw_object::RawObject>>,
}

/// A pod's row decoded straight from the pod's JSON. The [`Pod`] borrows from the input and
/// lives only while its row is computed, so list pages and watch events never hold whole pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFromPod(pub PodRow);

impl<'de> serde::Deserialize<'de> for RowFromPod {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Pod::deserialize(de).map(|pod| RowFromPod(PodRow::from_pod(&pod)))
    }
}

/// Column titles of [`table_cells`], in kubectl's wide order.
pub const POD_COLUMNS: [&str; 9] = [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
];

/// What kubectl prints for an empty wide cell.
const NONE: &str = "<none>";

/// Pod `status.reason` the node controller sets when a node stops reporting.
const NODE_LOST: &str = "NodeLost";

/// Running total of restarts and the latest `lastState.terminated.finishedAt` seen.
#[derive(Debug, Clone, Copy, Default)]
struct Restarts {
    count: u32,
    last: Option<jiff::Timestamp>,
}

impl Restarts {
    fn add(&mut self, status: &ContainerStatus) {
        self.count = self
            .count
            .saturating_add(u32::try_from(status.restart_count).unwrap_or(0));
        let finished = status
            .last_state
            .terminated
            .as_ref()
            .and_then(|t| t.finished_at);
        self.last = self.last.max(finished);
    }
}

/// What the init-container pass found.
struct InitOutcome {
    /// `Some(reason)` while the pod is still initialising (or init failed).
    reason: Option<String>,
    /// Started sidecars that are ready.
    ready: usize,
    /// Restarts of all init containers.
    all: Restarts,
    /// Restarts of sidecars only: they keep counting once the pod is initialised.
    sidecars: Restarts,
}

impl PodRow {
    /// Computes the row kubectl (the apiserver's `printPod`) would print for `pod`.
    pub fn from_pod(pod: &Pod) -> PodRow {
        let spec = &pod.spec;
        let status = &pod.status;
        let sidecar_count = spec
            .init_containers
            .iter()
            .filter(|c| is_sidecar(c))
            .count();
        let total = spec.containers.len() + sidecar_count;

        let mut reason = base_reason(status);
        let init = init_containers(pod);
        let mut ready = init.ready;
        let mut restarts = init.all;
        if let Some(init_reason) = &init.reason {
            reason.clone_from(init_reason);
        }
        if init.reason.is_none() || condition_is_true(status, "Initialized") {
            restarts = init.sidecars;
            let (main_reason, main_ready) = main_containers(status, reason, &mut restarts);
            reason = main_reason;
            ready += main_ready;
        }
        if pod.metadata.deletion_timestamp.is_some() {
            if status.reason == NODE_LOST {
                reason = "Unknown".into();
            } else if !matches!(&*status.phase, "Succeeded" | "Failed") {
                reason = "Terminating".into();
            }
        }

        PodRow {
            context: None,
            namespace: pod.metadata.namespace.to_string(),
            name: pod.metadata.name.to_string(),
            uid: pod.metadata.uid.to_string(),
            resource_version: pod.metadata.resource_version.to_string(),
            ready: format!("{ready}/{total}"),
            status: reason,
            restarts: restarts.count,
            last_restart: restarts.last,
            created: pod.metadata.creation_timestamp,
            ip: first_ip(status),
            node: spec.node_name.to_string(),
            nominated_node: status.nominated_node_name.to_string(),
            readiness_gates: readiness_gates(pod),
            usage: None,
            resources: Some(crate::kube::metrics::pod_resources(spec)),
            object: None,
        }
    }
}

/// Phase, overridden by `status.reason` (e.g. "Evicted") and by a scheduling gate.
fn base_reason(status: &PodStatus) -> String {
    let mut reason = if status.reason.is_empty() {
        status.phase.to_string()
    } else {
        status.reason.to_string()
    };
    let gated = status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason == "SchedulingGated");
    if gated {
        reason = "SchedulingGated".into();
    }
    reason
}

/// A restartable init container (restartPolicy Always) is a sidecar: it runs next to the main
/// containers, so it counts in READY.
fn is_sidecar(container: &Container) -> bool {
    container.restart_policy.as_deref() == Some("Always")
}

fn is_sidecar_named(spec: &PodSpec, name: &str) -> bool {
    spec.init_containers
        .iter()
        .any(|c| c.name == name && is_sidecar(c))
}

/// Walks init container statuses in order and stops at the first one still blocking the pod.
fn init_containers(pod: &Pod) -> InitOutcome {
    let mut out = InitOutcome {
        reason: None,
        ready: 0,
        all: Restarts::default(),
        sidecars: Restarts::default(),
    };
    let declared = pod.spec.init_containers.len();
    for (index, container) in pod.status.init_container_statuses.iter().enumerate() {
        let sidecar = is_sidecar_named(&pod.spec, &container.name);
        out.all.add(container);
        if sidecar {
            out.sidecars.add(container);
        }
        let terminated = container.state.terminated.as_ref();
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && container.started == Some(true) {
            out.ready += usize::from(container.ready);
            continue;
        }
        out.reason = Some(blocking_init_reason(container, index, declared));
        break;
    }
    out
}

/// The STATUS shown while init container number `index` (of `declared`) blocks the pod.
fn blocking_init_reason(container: &ContainerStatus, index: usize, declared: usize) -> String {
    if let Some(t) = &container.state.terminated {
        return match (&*t.reason, t.signal) {
            ("", 0) => format!("Init:ExitCode:{}", t.exit_code),
            ("", signal) => format!("Init:Signal:{signal}"),
            (reason, _) => format!("Init:{reason}"),
        };
    }
    match container.state.waiting.as_ref().map(|w| &*w.reason) {
        Some(reason) if !reason.is_empty() && reason != "PodInitializing" => {
            format!("Init:{reason}")
        }
        _ => format!("Init:{index}/{declared}"),
    }
}

/// Applies the main containers (last to first, so the first container's state wins) to
/// `reason`; returns the new reason and how many are ready.
fn main_containers(
    status: &PodStatus,
    mut reason: String,
    restarts: &mut Restarts,
) -> (String, usize) {
    let mut ready = 0;
    let mut has_running = false;
    for container in status.container_statuses.iter().rev() {
        restarts.add(container);
        let state = &container.state;
        let waiting = state.waiting.as_ref().filter(|w| !w.reason.is_empty());
        if let Some(w) = waiting {
            str::clone_into(&w.reason, &mut reason);
        } else if let Some(t) = &state.terminated {
            reason = match (&*t.reason, t.signal) {
                ("", 0) => format!("ExitCode:{}", t.exit_code),
                ("", signal) => format!("Signal:{signal}"),
                (r, _) => r.to_string(),
            };
        } else if container.ready && state.running.is_some() {
            has_running = true;
            ready += 1;
        }
    }
    // A finished container next to a still-running one: the pod as a whole is not done.
    if reason == "Completed" && has_running {
        reason = if condition_is_true(status, "Ready") {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    (reason, ready)
}

/// True when the first condition of `type_` has status "True".
fn condition_is_true(status: &PodStatus, type_: &str) -> bool {
    status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

fn first_ip(status: &PodStatus) -> String {
    status
        .pod_ips
        .first()
        .map(|ip| &*ip.ip)
        .filter(|ip| !ip.is_empty())
        .unwrap_or(&status.pod_ip)
        .to_string()
}

/// "true/total" over the declared readiness gates, "" when there are none.
fn readiness_gates(pod: &Pod) -> String {
    let gates = &pod.spec.readiness_gates;
    if gates.is_empty() {
        return String::new();
    }
    let passed = gates
        .iter()
        .filter(|gate| condition_is_true(&pod.status, &gate.condition_type))
        .count();
    format!("{passed}/{}", gates.len())
}

/// kubectl's compact duration: `45s`, `3m2s`, `29h`, `5d3h`, `45d`, `2y30d`, `9y`.
pub fn human_duration(d: std::time::Duration) -> String {
    human_seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// [`human_duration`] for a signed span: up to a second in the future counts as `0s` (clock
/// skew), further is `<invalid>`, as upstream.
pub fn human_signed_duration(d: jiff::SignedDuration) -> String {
    human_seconds(d.as_secs())
}

fn human_seconds(seconds: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    const YEAR: i64 = 365 * DAY;
    let (minutes, hours, days) = (seconds / MINUTE, seconds / HOUR, seconds / DAY);
    match seconds {
        s if s < -1 => "<invalid>".into(),
        s if s < 0 => "0s".into(),
        s if s < 2 * MINUTE => format!("{s}s"),
        s if minutes < 10 => with_remainder(minutes, "m", s % MINUTE, "s"),
        _ if minutes < 3 * 60 => format!("{minutes}m"),
        s if hours < 8 => with_remainder(hours, "h", (s / MINUTE) % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 8 * 24 => with_remainder(days, "d", hours % 24, "h"),
        _ if hours < 2 * 365 * 24 => format!("{days}d"),
        _ if hours < 8 * 365 * 24 => with_remainder(seconds / YEAR, "y", days % 365, "d"),
        _ => format!("{}y", seconds / YEAR),
    }
}

/// "5d3h", or just "5d" when the smaller unit is zero.
fn with_remainder(big: i64, big_unit: &str, small: i64, small_unit: &str) -> String {
    if small == 0 {
        format!("{big}{big_unit}")
    } else {
        format!("{big}{big_unit}{small}{small_unit}")
    }
}

/// AGE of something created at `created`, or `<unknown>` when the timestamp is missing.
pub fn age(created: Option<jiff::Timestamp>, now: jiff::Timestamp) -> String {
    match created {
        Some(t) => human_signed_duration(now.duration_since(t)),
        None => "<unknown>".into(),
    }
}

/// RESTARTS: `7 (29h ago)`, or just the count when there were none (or no time is known).
pub fn restarts_cell(row: &PodRow, now: jiff::Timestamp) -> String {
    restarts_text(row.restarts, row.last_restart, now)
}

/// [`restarts_cell`] from its parts.
pub fn restarts_text(
    restarts: u32,
    last_restart: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
) -> String {
    match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", age(Some(t), now)),
        _ => restarts.to_string(),
    }
}

/// The cells of kubectl's wide pod table ([`POD_COLUMNS`]), with `<none>` where kubectl prints it.
pub fn table_cells(row: &PodRow, now: jiff::Timestamp) -> [String; 9] {
    let or_none = |s: &str| {
        if s.is_empty() {
            NONE.to_string()
        } else {
            s.to_string()
        }
    };
    [
        row.name.clone(),
        row.ready.clone(),
        row.status.clone(),
        restarts_cell(row, now),
        age(row.created, now),
        or_none(&row.ip),
        or_none(&row.node),
        or_none(&row.nominated_node),
        or_none(&row.readiness_gates),
    ]
}
