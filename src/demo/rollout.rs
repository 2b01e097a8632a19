//! The Deployment controller: a Deployment's pod template picks (or makes) its ReplicaSet
//! (`<deploy>-<pod-template-hash>`), and a rolling update moves the replicas onto it within
//! maxSurge/maxUnavailable, one step each time the pods change, until the old ReplicaSets are
//! at zero (kept, as revision history). Controllers run as a queue of jobs so that a job
//! started from within another (a pod made, a status counted) waits its turn instead of
//! nesting.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::controller::controller_of;
use super::pods::{Owner, Scenario, ts};
use super::replicas::{new_template_revision, reconcile_ds, reconcile_rs, reconcile_sts};
use super::resources::Kind;
use super::rng::{Rng, hash};
use super::store::Store;

/// Work for a controller, by object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Job {
    Deployment(String, String),
    /// A ReplicaSet; replacements (if any) start in this state, else Pending then Running.
    ReplicaSet(String, String, Option<Scenario>),
    StatefulSet(String, String),
    DaemonSet(String, String),
}

thread_local! {
    /// Jobs waiting, and whether a drain is running further up this thread's stack.
    static QUEUE: RefCell<(bool, VecDeque<Job>)> = const { RefCell::new((false, VecDeque::new())) };
}

/// Runs `job` now, or after the job in progress when called from one.
pub(crate) fn run(store: &Arc<Store>, job: Job) {
    let drain = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        if !q.1.contains(&job) {
            q.1.push_back(job);
        }
        !std::mem::replace(&mut q.0, true)
    });
    if !drain {
        return;
    }
    // Bounded, in case two controllers ever disagreed forever.
    for _ in 0..10_000 {
        let Some(next) = QUEUE.with(|q| q.borrow_mut().1.pop_front()) else {
            break;
        };
        match next {
            Job::Deployment(ns, name) => reconcile_deployment(store, &ns, &name),
            Job::ReplicaSet(ns, name, scenario) => reconcile_rs(store, &ns, &name, scenario),
            Job::StatefulSet(ns, name) => reconcile_sts(store, &ns, &name),
            Job::DaemonSet(ns, name) => reconcile_ds(store, &ns, &name),
        }
    }
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        q.0 = false;
        q.1.clear();
    });
}

/// A stored write changed `old` (Null for a create) into `new`: the controllers catch up.
pub(crate) fn on_write(store: &Arc<Store>, kind: Kind, old: &Value, new: &Value) {
    if old.get("spec") == new.get("spec") {
        return;
    }
    let ns = new["metadata"]["namespace"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let name = new["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if old["spec"]["template"] != new["spec"]["template"] {
        new_template_revision(store, kind, new);
    }
    match kind {
        Kind::Deployment => run(store, Job::Deployment(ns, name)),
        Kind::ReplicaSet => run(store, Job::ReplicaSet(ns, name, None)),
        Kind::StatefulSet => run(store, Job::StatefulSet(ns, name)),
        Kind::DaemonSet => run(store, Job::DaemonSet(ns, name)),
        _ => {}
    }
}

/// The pod-template-hash of a template, as the Deployment controller derives it: a hash of
/// the template, its decimal digits mapped onto the alphabet of safe name characters.
pub(crate) fn template_hash(template: &Value) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let n = hash(&[&template.to_string()]) as u32;
    n.to_string()
        .bytes()
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect()
}

/// A template without the ReplicaSet's pod-template-hash label: what a Deployment asks for.
fn without_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
        labels.remove("pod-template-hash");
    }
    t
}

/// `maxSurge`/`maxUnavailable`: an integer, or a percentage of `replicas` rounded up (surge)
/// or down (unavailable).
fn int_or_percent(v: &Value, replicas: u64, round_up: bool) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::String(s) => {
            let pct: u64 = s.trim_end_matches('%').parse().unwrap_or(25);
            let scaled = pct * replicas;
            if round_up {
                scaled.div_ceil(100)
            } else {
                scaled / 100
            }
        }
        _ => {
            if round_up {
                (25 * replicas).div_ceil(100)
            } else {
                25 * replicas / 100
            }
        }
    }
}

fn replicas_of(rs: &Value) -> u64 {
    rs["spec"]["replicas"].as_u64().unwrap_or(0)
}

fn revision_of(obj: &Value) -> u64 {
    obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// The ReplicaSets a Deployment controls, oldest revision first.
fn owned_sets(store: &Store, ns: &str, uid: &str) -> Vec<Value> {
    let mut sets: Vec<Value> = store
        .page(Kind::ReplicaSet, Some(ns), None, 0, |_| true)
        .items
        .iter()
        .map(|o| o.value())
        .filter(|rs| controller_of(rs).is_some_and(|o| o.uid == uid))
        .collect();
    sets.sort_by_key(revision_of);
    sets
}

/// Sets a ReplicaSet's replicas (and its desired-replicas annotation) and lets it act.
fn scale_rs(store: &Arc<Store>, rs: &Value, replicas: u64, deploy_replicas: u64) {
    let ns = rs["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = rs["metadata"]["name"].as_str().unwrap_or_default();
    let changed = store.update_if(Kind::ReplicaSet, ns, name, |v| {
        if replicas_of(v) == replicas {
            return false;
        }
        v["spec"]["replicas"] = json!(replicas);
        let annotations = &mut v["metadata"]["annotations"];
        annotations["deployment.kubernetes.io/desired-replicas"] =
            json!(deploy_replicas.to_string());
        let generation = v["metadata"]["generation"].as_u64().unwrap_or(1);
        v["metadata"]["generation"] = json!(generation + 1);
        true
    });
    if changed.is_some() {
        run(
            store,
            Job::ReplicaSet(ns.to_string(), name.to_string(), None),
        );
    }
}

/// The ReplicaSet for the Deployment's current template: an existing one (its revision
/// bumped when it comes back, as a rollback does) or a new one at zero replicas.
fn current_set(store: &Store, deploy: &Value, sets: &[Value], now: Timestamp) -> Option<Value> {
    let template = &deploy["spec"]["template"];
    let next_revision = sets.iter().map(revision_of).max().unwrap_or(0) + 1;
    let ns = deploy["metadata"]["namespace"].as_str()?;
    if let Some(rs) = sets
        .iter()
        .find(|rs| without_hash(&rs["spec"]["template"]) == *template)
    {
        if sets.last().is_some_and(|last| last == rs) {
            return Some(rs.clone());
        }
        let name = rs["metadata"]["name"].as_str()?;
        let change = store.update(Kind::ReplicaSet, ns, name, |v| {
            v["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
                json!(next_revision.to_string());
        })?;
        return Some(change.obj.value());
    }
    let hash = template_hash(template);
    let name = format!("{}-{hash}", deploy["metadata"]["name"].as_str()?);
    let mut rs_template = template.clone();
    rs_template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut selector = deploy["spec"]["selector"].clone();
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    let owner = Owner {
        api_version: "apps/v1",
        kind: "Deployment",
        name: deploy["metadata"]["name"].as_str()?.to_string(),
        uid: deploy["metadata"]["uid"].as_str()?.to_string(),
    };
    let replicas = deploy["spec"]["replicas"].as_u64().unwrap_or(1);
    let mut rng = Rng::new(hash_seed(ns, &name, now));
    let rs = json!({"kind": "ReplicaSet", "apiVersion": "apps/v1",
        "metadata": {"name": name, "namespace": ns, "uid": rng.uid(), "generation": 1,
            "creationTimestamp": ts(now), "labels": rs_template["metadata"]["labels"],
            "ownerReferences": owner.references(),
            "annotations": {"deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                "deployment.kubernetes.io/max-replicas":
                    (replicas + int_or_percent(&deploy["spec"]["strategy"]["rollingUpdate"]["maxSurge"], replicas, true)).to_string(),
                "deployment.kubernetes.io/revision": next_revision.to_string()}},
        "spec": {"replicas": 0, "selector": selector, "template": rs_template},
        "status": {"replicas": 0, "observedGeneration": 1}});
    Some(store.put(Kind::ReplicaSet, rs).obj.value())
}

pub(crate) fn hash_seed(ns: &str, name: &str, now: Timestamp) -> u64 {
    hash(&[ns, name]) ^ now.as_nanosecond() as u64
}

/// One step of the Deployment controller.
fn reconcile_deployment(store: &Arc<Store>, ns: &str, name: &str) {
    let Some(deploy) = store.get(Kind::Deployment, ns, name).map(|o| o.value()) else {
        return;
    };
    let uid = deploy["metadata"]["uid"].as_str().unwrap_or_default();
    let now = Timestamp::now();
    let sets = owned_sets(store, ns, uid);
    let Some(new_rs) = current_set(store, &deploy, &sets, now) else {
        return;
    };
    let revision = revision_of(&new_rs).to_string();
    store.update_if(Kind::Deployment, ns, name, |v| {
        let at = &mut v["metadata"]["annotations"]["deployment.kubernetes.io/revision"];
        let changed = *at != revision.as_str();
        *at = json!(revision);
        changed
    });
    let new_uid = &new_rs["metadata"]["uid"];
    let old: Vec<Value> = owned_sets(store, ns, uid)
        .into_iter()
        .filter(|rs| rs["metadata"]["uid"] != *new_uid)
        .collect();
    let replicas = deploy["spec"]["replicas"].as_u64().unwrap_or(1);
    let strategy = &deploy["spec"]["strategy"];
    let old_total: u64 = old.iter().map(replicas_of).sum();
    if strategy["type"] == "Recreate" {
        for rs in &old {
            scale_rs(store, rs, 0, replicas);
        }
        let old_pods: u64 = old
            .iter()
            .map(|rs| rs["status"]["replicas"].as_u64().unwrap_or(0))
            .sum();
        if old_pods == 0 {
            scale_rs(store, &new_rs, replicas, replicas);
        }
    } else {
        rolling_step(
            store,
            &new_rs,
            &old,
            replicas,
            old_total,
            &strategy["rollingUpdate"],
        );
    }
    super::controller::sync_deployment_status(store, ns, name);
}

/// Scales the new ReplicaSet up within maxSurge and the old ones down within maxUnavailable
/// (the Deployment controller's `reconcileNewReplicaSet` and `reconcileOldReplicaSets`).
fn rolling_step(
    store: &Arc<Store>,
    new_rs: &Value,
    old: &[Value],
    replicas: u64,
    old_total: u64,
    rolling: &Value,
) {
    let surge = int_or_percent(&rolling["maxSurge"], replicas, true);
    let mut unavailable = int_or_percent(&rolling["maxUnavailable"], replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    let mut new_replicas = replicas_of(new_rs);
    if old_total == 0 || new_replicas > replicas {
        new_replicas = replicas;
    } else {
        let room = (replicas + surge).saturating_sub(new_replicas + old_total);
        new_replicas = (new_replicas + room).min(replicas);
    }
    scale_rs(store, new_rs, new_replicas, replicas);
    let new_available = new_rs["status"]["availableReplicas"].as_u64().unwrap_or(0);
    let new_unavailable = new_replicas.saturating_sub(new_available);
    let min_available = replicas.saturating_sub(unavailable);
    let all = new_replicas + old_total;
    let mut budget = all.saturating_sub(min_available + new_unavailable);
    for rs in old {
        let have = replicas_of(rs);
        if budget == 0 {
            break;
        }
        let down = have.min(budget);
        if down > 0 {
            scale_rs(store, rs, have - down, replicas);
            budget -= down;
        }
    }
}
