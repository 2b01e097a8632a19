//! What controllers report: pod facts counted into a tally, and each controller's status from it.

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::demo::pods::ts;
use crate::demo::store::Obj;

/// What a controller counts of one of its pods, read from the pod's stored Table row (READY
/// and STATUS as kubectl prints them), so seeding and later changes count alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PodFacts {
    /// Every container ready and the pod Running.
    pub ready: bool,
    /// Has a deletionTimestamp (printed Terminating).
    pub terminating: bool,
    /// Finished: Completed or Error (a Job's pod).
    pub succeeded: bool,
    pub failed: bool,
    pub created: Option<Timestamp>,
}

impl PodFacts {
    pub fn of(pod: &Obj) -> Option<PodFacts> {
        let print = pod.pod_print()?;
        // `"name","1/1","Running"`: plain JSON strings without escapes in those three cells.
        let mut cells = print.head.split("\",\"");
        let (_, ready, status) = (cells.next()?, cells.next()?, cells.next()?);
        let status = status.trim_end_matches('"');
        let ready_all = ready
            .split_once('/')
            .is_some_and(|(r, t)| r == t && t != "0");
        Some(PodFacts {
            ready: ready_all && status == "Running",
            terminating: status == "Terminating",
            succeeded: status == "Completed",
            failed: status == "Error",
            created: print.times.created,
        })
    }
}

/// A controller's pods counted the way its status reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Every pod it owns, terminating ones included.
    pub pods: u32,
    pub terminating: u32,
    /// Ready and not terminating.
    pub ready: u32,
    pub succeeded: u32,
    pub failed: u32,
    /// Running (or starting) and not terminating: a Job's `active`.
    pub active: u32,
    pub oldest: Option<Timestamp>,
}

impl Tally {
    pub fn add(&mut self, f: PodFacts) {
        self.pods += 1;
        if f.terminating {
            self.terminating += 1;
        } else if f.ready {
            self.ready += 1;
        }
        self.succeeded += u32::from(f.succeeded);
        self.failed += u32::from(f.failed);
        self.active += u32::from(!f.terminating && !f.succeeded && !f.failed);
        if let Some(c) = f.created {
            self.oldest = Some(self.oldest.map_or(c, |o| o.min(c)));
        }
    }

    /// Pods not on their way out: what a ReplicaSet keeps at `spec.replicas`.
    pub fn live(&self) -> u32 {
        self.pods - self.terminating
    }
}

/// Puts `n` in `obj[key]` unless zero, as the API omits zero counts.
fn put_count(obj: &mut Value, key: &str, n: u32) {
    if n > 0 {
        obj[key] = json!(n);
    }
}

/// A ReplicaSet's status: terminating pods do not count (the ReplicaSet has replaced them).
pub(crate) fn replicaset_status(t: &Tally, generation: u64) -> Value {
    let mut s = json!({"replicas": t.live(), "observedGeneration": generation});
    put_count(&mut s, "fullyLabeledReplicas", t.live());
    put_count(&mut s, "readyReplicas", t.ready);
    put_count(&mut s, "availableReplicas", t.ready);
    s
}

/// The counts of a ReplicaSet's status: (replicas, ready, available).
pub(crate) fn replicaset_counts(st: &Value) -> (u64, u64, u64) {
    let n = |k: &str| st[k].as_u64().unwrap_or(0);
    (n("replicas"), n("readyReplicas"), n("availableReplicas"))
}

/// What a Deployment's status is counted from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rollout<'a> {
    pub spec_replicas: u64,
    pub generation: u64,
    /// The current ReplicaSet's name and counts (replicas, ready, available).
    pub new_rs: &'a str,
    pub current: (u64, u64, u64),
    /// The older ReplicaSets' counts.
    pub old: &'a [(u64, u64, u64)],
    /// Since when the current ReplicaSet has been progressing.
    pub since: Timestamp,
}

/// A Deployment's status from its ReplicaSets' and its spec; a condition keeps the time of
/// `prev_conditions` while its status does not change.
pub(crate) fn deployment_status(
    r: &Rollout<'_>,
    prev_conditions: Option<&Value>,
    now: Timestamp,
) -> Value {
    let (current, old) = (r.current, r.old);
    let sum = |f: fn(&(u64, u64, u64)) -> u64| f(&current) + old.iter().map(f).sum::<u64>();
    let replicas = sum(|c| c.0);
    let ready = sum(|c| c.1);
    let available = sum(|c| c.2);
    let mut s = json!({"observedGeneration": r.generation});
    for (k, n) in [
        ("replicas", replicas),
        ("updatedReplicas", current.0),
        ("readyReplicas", ready),
        ("availableReplicas", available),
        ("unavailableReplicas", replicas.saturating_sub(available)),
    ] {
        if n > 0 {
            s[k] = json!(n);
        }
    }
    // maxUnavailable 25%, rounded down: that many may be missing and the Deployment is still
    // Available.
    let min_available = r.spec_replicas - r.spec_replicas / 4;
    let (status, reason, message) = if available >= min_available {
        (
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        (
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    let prev_since = prev_conditions
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["type"] == "Available" && c["status"] == status)
        })
        .and_then(|c| c["lastTransitionTime"].as_str().map(str::to_string));
    let available_since = prev_since.unwrap_or_else(|| match prev_conditions {
        Some(_) => ts(now),
        None => ts(r.since),
    });
    s["conditions"] = json!([
        {"type": "Available", "status": status, "reason": reason, "message": message,
            "lastUpdateTime": available_since, "lastTransitionTime": available_since},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
            "message": format!("ReplicaSet \"{}\" has successfully progressed.", r.new_rs),
            "lastUpdateTime": ts(r.since), "lastTransitionTime": ts(r.since)},
    ]);
    s
}

/// A StatefulSet's status: every pod counts (a terminating one is replaced only once gone).
pub(crate) fn statefulset_status(t: &Tally, revision: &str) -> Value {
    let mut s = json!({"observedGeneration": 1, "replicas": t.pods, "currentReplicas": t.pods,
        "updatedReplicas": t.pods, "currentRevision": revision, "updateRevision": revision,
        "collisionCount": 0});
    put_count(&mut s, "readyReplicas", t.ready);
    put_count(&mut s, "availableReplicas", t.ready);
    s
}

/// A DaemonSet's status for `desired` nodes.
pub(crate) fn daemonset_status(t: &Tally, desired: u32) -> Value {
    let mut s = json!({"currentNumberScheduled": t.pods, "desiredNumberScheduled": desired,
        "numberMisscheduled": 0, "numberReady": t.ready, "observedGeneration": 1,
        "updatedNumberScheduled": t.pods});
    put_count(&mut s, "numberAvailable", t.ready);
    put_count(&mut s, "numberUnavailable", desired.saturating_sub(t.ready));
    s
}
