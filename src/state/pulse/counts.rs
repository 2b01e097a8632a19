//! Counts the pulse view draws from the pods table: pods by phase per namespace, and the pods
//! that restarted most in the last hour.

use super::{Pulse, RESTART_WINDOW};
use crate::kube::table::PodRow;

/// What a pod's STATUS says of its phase. Table rows carry kubectl's STATUS column, not
/// `status.phase`, so a crash-looping pod (phase Running) counts as failing here: what a
/// person scanning for trouble wants to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Running,
    Pending,
    /// Failed pods, and containers that cannot run (CrashLoopBackOff, ImagePullBackOff, Error…).
    Failing,
    Succeeded,
    Terminating,
}

/// Every phase, in the order charts draw them.
pub const PHASES: [Phase; 5] = [
    Phase::Running,
    Phase::Pending,
    Phase::Failing,
    Phase::Succeeded,
    Phase::Terminating,
];

impl Phase {
    /// The phase's word, as charts label it.
    pub fn word(self) -> &'static str {
        match self {
            Phase::Running => "Running",
            Phase::Pending => "Pending",
            Phase::Failing => "Failing",
            Phase::Succeeded => "Succeeded",
            Phase::Terminating => "Terminating",
        }
    }
}

/// The phase of a pod whose STATUS (kubectl's printPod) is `status`.
pub fn phase(status: &str) -> Phase {
    match status {
        "Running" | "NotReady" => Phase::Running,
        "Completed" | "Succeeded" => Phase::Succeeded,
        "Terminating" => Phase::Terminating,
        "Pending" | "ContainerCreating" | "PodInitializing" | "SchedulingGated" => Phase::Pending,
        // `Init:1/3` is progress; `Init:CrashLoopBackOff` is not.
        s if s.strip_prefix("Init:").is_some_and(init_progress) => Phase::Pending,
        _ => Phase::Failing,
    }
}

fn init_progress(rest: &str) -> bool {
    rest.split_once('/')
        .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
}

/// The pods of one namespace, by phase (indexed as [`PHASES`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsPhases<'a> {
    pub namespace: &'a str,
    pub counts: [u64; PHASES.len()],
}

impl NsPhases<'_> {
    /// Pods in trouble: failing, then pending, weigh first.
    fn trouble(&self) -> (u64, u64) {
        (self.counts[2], self.counts[1])
    }

    /// All its pods.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Pods by phase per namespace, the namespaces in trouble first, then the largest. `rows` is
/// the pods table, sorted by namespace, so each namespace is one run of rows.
pub fn by_namespace(rows: &[PodRow]) -> Vec<NsPhases<'_>> {
    let mut out: Vec<NsPhases<'_>> = Vec::new();
    for row in rows {
        let index = PHASES.iter().position(|p| *p == phase(&row.status));
        let index = index.unwrap_or(2);
        match out.last_mut() {
            Some(ns) if ns.namespace == row.namespace => ns.counts[index] += 1,
            _ => {
                let mut counts = [0; PHASES.len()];
                counts[index] = 1;
                out.push(NsPhases {
                    namespace: &row.namespace,
                    counts,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        let key = |n: &NsPhases<'_>| (n.trouble(), n.total());
        key(b).cmp(&key(a)).then(a.namespace.cmp(b.namespace))
    });
    out
}

/// A pod that restarted within the last hour, and how many restarts the watch saw in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restarted<'a> {
    pub row: &'a PodRow,
    pub seen: u32,
}

/// Most pods [`top_restarts`] returns.
pub const TOP: usize = 10;

/// The pods whose last restart is within the hour before `now` (Unix seconds), most restarts
/// seen in that hour first, then most restarts in all, then the most recent.
pub fn top_restarts<'a>(rows: &'a [PodRow], pulse: &Pulse, now: i64) -> Vec<Restarted<'a>> {
    let since = now - RESTART_WINDOW;
    let mut recent: Vec<Restarted<'a>> = rows
        .iter()
        .filter(|r| r.last_restart.is_some_and(|t| t.as_second() > since))
        .map(|row| Restarted {
            row,
            seen: pulse.restarts_seen(&row.namespace, &row.name, now),
        })
        .collect();
    recent.sort_by(|a, b| {
        let key = |r: &Restarted<'_>| (r.seen, r.row.restarts, r.row.last_restart);
        key(b).cmp(&key(a))
    });
    recent.truncate(TOP);
    recent
}
