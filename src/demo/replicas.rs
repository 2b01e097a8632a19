//! ReplicaSets and StatefulSets keeping their replicas: missing pods are made (Pending, then
//! Running and Ready a moment later, as a kubelet reports them), extra ones deleted gracefully
//! (not-ready and newest first for a ReplicaSet, highest ordinal first for a StatefulSet).
//! New pods only go to schedulable workers (a cordoned node gets none).

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;

use super::api::graceful_delete;
use super::controller::{
    controller_of, owner_ref, pod_for_replicaset, set_pod_ready, sync_controller, workers,
};
use super::pods::{PodPlan, Scenario, pod_json};
use super::resources::Kind;
use super::rng::Rng;
use super::rollout::hash_seed;
use super::store::{Obj, Store};
use super::workloads::{PodFacts, Spot, Template, plan_pod};

/// How long a new pod stays Pending (ContainerCreating) before its containers run.
const START_MS: u64 = 1_000;
/// How long after that its readiness probe first passes.
const READY_MS: u64 = 2_000;

/// The pods the controller `owner` controls, with their facts (None = not a pod row). Only
/// pods its selector's labels pick are parsed: a namespace can hold many thousands.
fn owned_pods(store: &Store, owner: &Value) -> Vec<(Value, Option<PodFacts>)> {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
    let uid = owner["metadata"]["uid"].as_str().unwrap_or_default();
    let labels = owner["spec"]["selector"]["matchLabels"].as_object();
    let picked = |o: &super::store::Obj| {
        labels.is_none_or(|m| m.iter().all(|(k, v)| o.label(k) == v.as_str()))
    };
    store
        .page(Kind::Pod, Some(ns), None, 0, picked)
        .items
        .iter()
        .map(|o| (o.value(), PodFacts::of(o)))
        .filter(|(v, _)| controller_of(v).is_some_and(|o| o.uid == uid))
        .collect()
}

/// `owned_pods` without parsing: a pod is the owner's when its text holds the owner's uid (in
/// its ownerReferences; a uid names nothing else). A ReplicaSet of a big demo owns thousands
/// of pods, and churn reconciles one for every pod it replaces.
fn owned_objs(store: &Store, owner: &Value) -> Vec<(Arc<Obj>, Option<PodFacts>)> {
    let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
    let uid = owner["metadata"]["uid"].as_str().unwrap_or_default();
    let labels = owner["spec"]["selector"]["matchLabels"].as_object();
    let picked = |o: &Obj| {
        labels.is_none_or(|m| m.iter().all(|(k, v)| o.label(k) == v.as_str()))
            && !uid.is_empty()
            && memchr::memmem::find(o.json(), uid.as_bytes()).is_some()
    };
    (store
        .page(Kind::Pod, Some(ns), None, 0, picked)
        .items
        .into_iter())
    .map(|o| {
        let facts = PodFacts::of(&o);
        (o, facts)
    })
    .collect()
}

/// `terminating` for a pod not parsed: printed Terminating, or a deletionTimestamp set.
fn obj_terminating(pod: &(Arc<Obj>, Option<PodFacts>)) -> bool {
    pod.1.is_some_and(|f| f.terminating)
        || memchr::memmem::find(pod.0.json(), b"\"deletionTimestamp\"").is_some()
}

fn terminating(pod: &(Value, Option<PodFacts>)) -> bool {
    pod.0["metadata"].get("deletionTimestamp").is_some() || pod.1.is_some_and(|f| f.terminating)
}

/// Stores a new pod; with `start`, one made Pending runs a moment later.
fn create(store: &Arc<Store>, plan: PodPlan, start: bool) {
    store.put(Kind::Pod, pod_json(&plan, Timestamp::now()));
    if start && plan.scenario == Scenario::ContainerCreating {
        start_later(store, plan);
    }
}

/// A new pod's containers start about [`START_MS`] after it was made; its readiness probe
/// passes [`READY_MS`] later (so a replacement is Ready a little after the pod it replaces
/// is gone, as on a real cluster). Nothing happens to a pod deleted or going meanwhile.
fn start_later(store: &Arc<Store>, plan: PodPlan) {
    let store = store.clone();
    let jitter = super::rng::hash(&[&plan.uid]) % 400;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(START_MS + jitter)).await;
        let running = PodPlan {
            scenario: Scenario::NotReady,
            ..plan.clone()
        };
        let fresh = pod_json(&running, Timestamp::now());
        let change = store.update_if(Kind::Pod, &plan.namespace, &plan.name, |v| {
            let same = v["metadata"]["uid"] == plan.uid.as_str();
            if !same || v["metadata"].get("deletionTimestamp").is_some() {
                return false;
            }
            v["status"] = fresh["status"].clone();
            true
        });
        let Some(change) = change else {
            return;
        };
        super::controller::sync_owner(&store, &change.obj.value());
        tokio::time::sleep(Duration::from_millis(READY_MS)).await;
        let same = store
            .get(Kind::Pod, &plan.namespace, &plan.name)
            .is_some_and(|p| p.value()["metadata"]["uid"] == plan.uid.as_str());
        if same {
            set_pod_ready(&store, &plan.namespace, &plan.name, true);
        }
    });
}

/// The state a new pod starts in: Pending (then Running), or `given`; Pending and unscheduled
/// when no worker takes pods.
fn first_state(store: &Store, given: Option<Scenario>) -> Scenario {
    if workers(store).is_empty() {
        return Scenario::Unschedulable;
    }
    given.unwrap_or(Scenario::ContainerCreating)
}

/// Makes or deletes pods until a ReplicaSet has `spec.replicas` live ones.
pub(crate) fn reconcile_rs(store: &Arc<Store>, ns: &str, name: &str, given: Option<Scenario>) {
    let mut rng = Rng::new(hash_seed(ns, name, Timestamp::now()));
    for _ in 0..1_000 {
        let Some(rs) = store.get(Kind::ReplicaSet, ns, name).map(|o| o.value()) else {
            return;
        };
        let want = rs["spec"]["replicas"].as_u64().unwrap_or(0) as usize;
        let mut live: Vec<(Arc<Obj>, Option<PodFacts>)> = owned_objs(store, &rs)
            .into_iter()
            .filter(|p| !obj_terminating(p))
            .collect();
        if live.len() < want {
            let state = first_state(store, given);
            match pod_for_replicaset(store, &rs, None, state, &mut rng) {
                Some(plan) => create(store, plan, given.is_none()),
                None => return,
            }
        } else if live.len() > want {
            // Not ready first, then the newest.
            live.sort_by_key(|(_, f)| {
                let ready = f.is_some_and(|f| f.ready);
                (ready, std::cmp::Reverse(f.and_then(|f| f.created)))
            });
            let victim = live[0].0.name().to_string();
            graceful_delete(store, ns, &victim, Some(30), Some(Scenario::Running));
        } else {
            break;
        }
    }
    sync_controller(
        store,
        ns,
        &owner_ref(
            Kind::ReplicaSet,
            &store_value(store, Kind::ReplicaSet, ns, name),
        ),
    );
}

fn store_value(store: &Store, kind: Kind, ns: &str, name: &str) -> Value {
    store
        .get(kind, ns, name)
        .map(|o| o.value())
        .unwrap_or(Value::Null)
}

/// A StatefulSet has `<name>-0` … `<name>-(replicas-1)`: makes the missing ones, deletes
/// those above (highest first), and after a template change replaces one outdated pod at a
/// time, highest ordinal first, once every pod is Ready (RollingUpdate).
pub(crate) fn reconcile_sts(store: &Arc<Store>, ns: &str, name: &str) {
    let Some(sts) = store.get(Kind::StatefulSet, ns, name).map(|o| o.value()) else {
        return;
    };
    let want = sts["spec"]["replicas"].as_u64().unwrap_or(0) as usize;
    let pods = owned_pods(store, &sts);
    let mut rng = Rng::new(hash_seed(ns, name, Timestamp::now()));
    for ordinal in 0..want {
        let pod = format!("{name}-{ordinal}");
        if store.get(Kind::Pod, ns, &pod).is_none()
            && let Some(plan) = sts_pod(store, &sts, ordinal, &mut rng)
        {
            create(store, plan, true);
        }
    }
    let mut extra: Vec<(usize, String)> = pods
        .iter()
        .filter(|p| !terminating(p))
        .filter_map(|(v, _)| {
            let pod = v["metadata"]["name"].as_str()?;
            let ordinal: usize = pod.strip_prefix(name)?.strip_prefix('-')?.parse().ok()?;
            (ordinal >= want).then(|| (ordinal, pod.to_string()))
        })
        .collect();
    extra.sort();
    for (_, pod) in extra.iter().rev() {
        graceful_delete(store, ns, pod, Some(30), Some(Scenario::Running));
    }
    let revision = sts["status"]["updateRevision"].as_str().unwrap_or_default();
    let label = "controller-revision-hash";
    if extra.is_empty() && pods.len() == want {
        roll_one(store, ns, &pods, |v| {
            v["metadata"]["labels"][label] != revision
        });
    }
    sync_controller(store, ns, &owner_ref(Kind::StatefulSet, &sts));
}

/// When no pod is going, deletes one outdated pod (its controller makes it again from the new
/// template once it is gone): a not-ready one first (it is unavailable anyway), else the last
/// one once every pod is Ready.
fn roll_one(
    store: &Arc<Store>,
    ns: &str,
    pods: &[(Value, Option<PodFacts>)],
    outdated: impl Fn(&Value) -> bool,
) {
    if pods.iter().any(terminating) {
        return;
    }
    let ready = |p: &(Value, Option<PodFacts>)| p.1.is_some_and(|f| f.ready);
    let mut old: Vec<(bool, &str)> = pods
        .iter()
        .filter(|p| outdated(&p.0))
        .filter_map(|p| Some((ready(p), p.0["metadata"]["name"].as_str()?)))
        .collect();
    old.sort_by_key(|(r, n)| (std::cmp::Reverse(*r), n.len(), n.to_string()));
    let all_ready = pods.iter().all(ready);
    match old.last() {
        Some((false, name)) => {
            graceful_delete(store, ns, name, Some(30), Some(Scenario::Running));
        }
        Some((true, name)) if all_ready => {
            graceful_delete(store, ns, name, Some(30), Some(Scenario::Running));
        }
        _ => {}
    }
}

/// A DaemonSet replaces its pods of an older template generation one at a time.
pub(crate) fn reconcile_ds(store: &Arc<Store>, ns: &str, name: &str) {
    let Some(ds) = store.get(Kind::DaemonSet, ns, name).map(|o| o.value()) else {
        return;
    };
    let generation = ds_generation(&ds).to_string();
    let pods = owned_pods(store, &ds);
    roll_one(store, ns, &pods, |v| {
        v["metadata"]["labels"]["pod-template-generation"] != generation.as_str()
    });
    sync_controller(store, ns, &owner_ref(Kind::DaemonSet, &ds));
}

/// A DaemonSet's template generation (its pods' `pod-template-generation`).
pub(crate) fn ds_generation(ds: &Value) -> u64 {
    ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"]
        .as_str()
        .and_then(|g| g.parse().ok())
        .unwrap_or(1)
}

/// A StatefulSet's or DaemonSet's pod template changed: a new update revision (StatefulSet)
/// or template generation (DaemonSet), which its pods are then rolled to.
pub(crate) fn new_template_revision(store: &Store, kind: Kind, obj: &Value) {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    match kind {
        Kind::StatefulSet => {
            let hash = super::rollout::template_hash(&obj["spec"]["template"]);
            let revision = format!("{name}-{hash}");
            store.update(kind, ns, name, |v| {
                v["status"]["updateRevision"] = revision.into()
            });
        }
        Kind::DaemonSet => {
            let next = (ds_generation(obj) + 1).to_string();
            store.update(kind, ns, name, |v| {
                v["metadata"]["annotations"]["deprecated.daemonset.template.generation"] =
                    next.into();
            });
        }
        _ => {}
    }
}

fn count_labelled(store: &Store, obj: &Value, key: &str, value: &str) -> usize {
    owned_pods(store, obj)
        .iter()
        .filter(|p| !terminating(p) && p.0["metadata"]["labels"][key] == value)
        .count()
}

/// A StatefulSet's status during a rolling update: updatedReplicas counts pods at the update
/// revision; currentRevision catches up when all are; observedGeneration is its generation.
pub(crate) fn sts_progress(store: &Store, sts: &Value, status: &mut Value) {
    let revision = sts["status"]["updateRevision"].as_str().unwrap_or_default();
    let updated = count_labelled(store, sts, "controller-revision-hash", revision);
    let replicas = status["replicas"].as_u64().unwrap_or(0) as usize;
    status["updatedReplicas"] = updated.into();
    if updated < replicas {
        status["currentRevision"] = sts["status"]["currentRevision"].clone();
    }
    status["observedGeneration"] = sts["metadata"]["generation"].clone();
}

/// A DaemonSet's status during a rolling update: updatedNumberScheduled counts pods of the
/// current template generation; observedGeneration is its generation.
pub(crate) fn ds_progress(store: &Store, ds: &Value, status: &mut Value) {
    let generation = ds_generation(ds).to_string();
    let updated = count_labelled(store, ds, "pod-template-generation", &generation);
    status["updatedNumberScheduled"] = updated.into();
    status["observedGeneration"] = ds["metadata"]["generation"].clone();
}

/// Pod `ordinal` of a StatefulSet, Pending (or unscheduled when no worker takes pods).
fn sts_pod(store: &Store, sts: &Value, ordinal: usize, rng: &mut Rng) -> Option<PodPlan> {
    let ns = sts["metadata"]["namespace"].as_str()?;
    let sts_name = sts["metadata"]["name"].as_str()?;
    let template = Template::from_json(&sts["spec"]["template"])?;
    let name = format!("{sts_name}-{ordinal}");
    let ws = workers(store);
    let node = (!ws.is_empty()).then(|| rng.pick(&ws).clone());
    let revision = sts["status"]["updateRevision"].as_str().unwrap_or_default();
    let now = Timestamp::now();
    let spot = Spot {
        name: name.clone(),
        scenario: if node.is_some() {
            Scenario::ContainerCreating
        } else {
            Scenario::Unschedulable
        },
        node,
        index: (1 << 19) + rng.below(1 << 19) as usize,
        created: now,
        run_secs: 0,
        extra_labels: vec![
            ("apps.kubernetes.io/pod-index".into(), ordinal.to_string()),
            ("controller-revision-hash".into(), revision.to_string()),
            ("statefulset.kubernetes.io/pod-name".into(), name),
        ],
    };
    Some(plan_pod(
        &template,
        ns,
        owner_ref(Kind::StatefulSet, sts),
        spot,
        now,
        rng,
    ))
}
