//! What the controllers of a real cluster do when pods change, reduced to what the demo needs:
//! a ReplicaSet replaces a pod as soon as it is terminating, a StatefulSet recreates `<name>-N`
//! and a DaemonSet its node's pod once the old one is gone, and every controller's status is
//! counted again from its pods. A Job's pods are not replaced (its Job has finished or failed).
//!
//! Pods are made from the controller's stored template ([`pod_for_replicaset`]); scaling and
//! rollouts (`rollout`, `replicas`) build on the same functions.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::pods::{Owner, PodPlan, Scenario, pod_json};
use super::resources::Kind;
use super::rng::Rng;
use super::rollout::{Job, run};
use super::select::Selector;
use super::store::{Obj, Store};
use super::workloads::{
    PodFacts, Rollout, Spot, Tally, Template, daemonset_status, deployment_status, label_pairs,
    plan_pod, replicaset_counts, replicaset_status, statefulset_status,
};

/// The controller named in a pod's (or ReplicaSet's or Job's) ownerReferences.
pub(crate) fn controller_of(obj: &Value) -> Option<Owner> {
    let refs = obj["metadata"]["ownerReferences"].as_array()?;
    let r = refs.iter().find(|r| r["controller"] == true)?;
    let kind = Kind::ALL.into_iter().find(|k| r["kind"] == k.kind())?;
    Some(Owner {
        api_version: kind.api_version(),
        kind: kind.kind(),
        name: r["name"].as_str()?.to_string(),
        uid: r["uid"].as_str()?.to_string(),
    })
}

/// `controller_of` for a stored object without building its JSON tree: only its owner
/// references are decoded and the rest is skipped. Churn asks this of every pod of a namespace
/// (a disruption budget's expected count) for each change, where whole trees cost most of it.
pub(crate) fn controller_of_obj(obj: &Obj) -> Option<Owner> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        metadata: Meta,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct Meta {
        #[serde(default)]
        owner_references: Vec<Ref>,
    }
    #[derive(serde::Deserialize)]
    struct Ref {
        kind: String,
        name: String,
        uid: String,
        #[serde(default)]
        controller: Option<bool>,
    }
    let doc: Doc = serde_json::from_slice(obj.json()).ok()?;
    let r = (doc.metadata.owner_references.into_iter()).find(|r| r.controller == Some(true))?;
    let kind = Kind::ALL.into_iter().find(|k| k.kind() == r.kind)?;
    Some(Owner {
        api_version: kind.api_version(),
        kind: kind.kind(),
        name: r.name,
        uid: r.uid,
    })
}

/// The stored controller an owner reference names, if it is still the same object (uid).
fn owner_object(store: &Store, ns: &str, owner: &Owner) -> Option<Value> {
    let kind = Kind::ALL.into_iter().find(|k| k.kind() == owner.kind)?;
    let obj = store.get(kind, ns, &owner.name)?.value();
    (obj["metadata"]["uid"] == owner.uid.as_str()).then_some(obj)
}

/// A reference to the stored controller `obj` of `kind`.
pub(crate) fn owner_ref(kind: Kind, obj: &Value) -> Owner {
    let text = |key: &str| {
        obj["metadata"][key]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    Owner {
        api_version: kind.api_version(),
        kind: kind.kind(),
        name: text("name"),
        uid: text("uid"),
    }
}

/// The worker nodes that take new pods (no control plane taint, not cordoned): (name,
/// internal IP).
pub(crate) fn workers(store: &Store) -> Vec<(String, String)> {
    store
        .page(Kind::Node, None, None, 0, |n| {
            n.label("node-role.kubernetes.io/control-plane").is_none()
                && n.field(Kind::Node, "spec.unschedulable") != Some("true")
        })
        .items
        .iter()
        .map(|n| (n.name().to_string(), node_ip(store, n.name())))
        .collect()
}

fn node_ip(store: &Store, node: &str) -> String {
    store
        .get(Kind::Node, "", node)
        .and_then(|n| {
            n.value()["status"]["addresses"]
                .as_array()?
                .iter()
                .find(|a| a["type"] == "InternalIP")?["address"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// A pod IP for a pod made after seeding (seeded ones count up from 10.244.0.0).
fn fresh_index(rng: &mut Rng) -> usize {
    (1 << 19) + rng.below(1 << 19) as usize
}

/// A new pod of the ReplicaSet `rs` (its template, owner reference and labels) in state
/// `scenario`, named `<rs>-<5 chars>` and not yet in the store: what the ReplicaSet controller
/// creates when it has fewer pods than replicas. `node` None = the scheduler picks a worker.
pub(crate) fn pod_for_replicaset(
    store: &Store,
    rs: &Value,
    node: Option<(String, String)>,
    scenario: Scenario,
    rng: &mut Rng,
) -> Option<PodPlan> {
    let ns = rs["metadata"]["namespace"].as_str()?;
    let rs_name = rs["metadata"]["name"].as_str()?;
    let template = Template::from_json(&rs["spec"]["template"])?;
    let name = loop {
        let name = format!("{rs_name}-{}", rng.suffix(5));
        if store.get(Kind::Pod, ns, &name).is_none() {
            break name;
        }
    };
    let node = node.or_else(|| {
        let ws = workers(store);
        (!ws.is_empty()).then(|| rng.pick(&ws).clone())
    });
    let now = Timestamp::now();
    let spot = Spot {
        name,
        node,
        index: fresh_index(rng),
        created: now,
        scenario,
        run_secs: 0,
        extra_labels: Vec::new(),
    };
    Some(plan_pod(
        &template,
        ns,
        owner_ref(Kind::ReplicaSet, rs),
        spot,
        now,
        rng,
    ))
}

/// The pod that takes the place of `old` (gone or going) under its StatefulSet or DaemonSet:
/// the same name (StatefulSet) or node (DaemonSet), the same per-pod labels.
fn successor(store: &Store, old: &Value, owner: &Owner, rng: &mut Rng) -> Option<PodPlan> {
    let ns = old["metadata"]["namespace"].as_str()?;
    let controller = owner_object(store, ns, owner)?;
    let mut template = Template::from_json(&controller["spec"]["template"])?;
    let old_name = old["metadata"]["name"].as_str()?;
    let (name, node) = match owner.kind {
        "StatefulSet" => {
            let ws = workers(store);
            (
                old_name.to_string(),
                (!ws.is_empty()).then(|| rng.pick(&ws).clone()),
            )
        }
        _ => {
            let node = old["spec"]["nodeName"].as_str()?.to_string();
            let ip = node_ip(store, &node);
            (
                format!("{}-{}", owner.name, rng.suffix(5)),
                Some((node, ip)),
            )
        }
    };
    // The pod's own labels (pod name, index, revision) on top of the template's, at the
    // controller's current template revision.
    template.labels = label_pairs(&old["metadata"]["labels"]);
    for (k, v) in &mut template.labels {
        if k == "pod-template-generation" {
            *v = super::replicas::ds_generation(&controller).to_string();
        }
    }
    let now = Timestamp::now();
    let spot = Spot {
        name,
        node,
        index: fresh_index(rng),
        created: now,
        scenario: Scenario::Running,
        run_secs: 0,
        extra_labels: Vec::new(),
    };
    Some(plan_pod(&template, ns, owner.clone(), spot, now, rng))
}

/// A pod has just been marked for deletion: its ReplicaSet creates a replacement (in state
/// `scenario`, or Pending then Running for None) at once.
pub(crate) fn pod_terminating(store: &Arc<Store>, pod: &Value, scenario: Option<Scenario>) {
    let Some(owner) = controller_of(pod) else {
        return;
    };
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    if owner.kind == "ReplicaSet" && owner_object(store, ns, &owner).is_some() {
        let job = Job::ReplicaSet(ns.to_string(), owner.name.clone(), scenario);
        run(store, job);
    }
    sync_owner(store, pod);
}

/// A pod is gone: a StatefulSet makes it again (if its ordinal is still wanted), a DaemonSet
/// makes its node's pod again.
pub(crate) fn pod_removed(store: &Arc<Store>, pod: &Value, rng: &mut Rng) {
    let Some(owner) = controller_of(pod) else {
        return;
    };
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    if owner.kind == "StatefulSet" && owner_object(store, ns, &owner).is_some() {
        run(store, Job::StatefulSet(ns.to_string(), owner.name.clone()));
    }
    if owner.kind == "DaemonSet"
        && let Some(plan) = successor(store, pod, &owner, rng)
        && store.get(Kind::Pod, &plan.namespace, &plan.name).is_none()
    {
        store.put(Kind::Pod, pod_json(&plan, Timestamp::now()));
    }
    sync_owner(store, pod);
}

/// Counts the pods a selector picks in a namespace.
fn tally(store: &Store, ns: &str, selector: &Value) -> Tally {
    let text = selector["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let Ok(sel) = Selector::parse(Kind::Pod, &text, "") else {
        return Tally::default();
    };
    let mut t = Tally::default();
    let page = store.page(Kind::Pod, Some(ns), None, 0, |o| sel.matches(Kind::Pod, o));
    for pod in &page.items {
        if let Some(f) = PodFacts::of(pod) {
            t.add(f);
        }
    }
    t
}

/// Stores `status` as the object's status if it differs (a MODIFIED event only on change).
fn set_status(store: &Store, kind: Kind, obj: &Value, status: Value) {
    if obj["status"] == status {
        return;
    }
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    store.update(kind, ns, name, |v| v["status"] = status);
}

/// Counts the status of the controller of `pod` again (and lets the Deployment above a
/// ReplicaSet take its next step), as the controllers do after every pod event.
pub(crate) fn sync_owner(store: &Arc<Store>, pod: &Value) {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    super::eviction::sync_budgets(store, ns);
    if let Some(owner) = controller_of(pod) {
        sync_controller(store, ns, &owner);
        // A pod event may let a StatefulSet or DaemonSet roll its next pod.
        let job = match owner.kind {
            "StatefulSet" => Some(Job::StatefulSet(ns.to_string(), owner.name)),
            "DaemonSet" => Some(Job::DaemonSet(ns.to_string(), owner.name)),
            _ => None,
        };
        if let Some(job) = job {
            run(store, job);
        }
    }
}

/// Counts the status of `owner` from its pods.
pub(crate) fn sync_controller(store: &Arc<Store>, ns: &str, owner: &Owner) {
    let Some(obj) = owner_object(store, ns, owner) else {
        return;
    };
    let t = tally(store, ns, &obj["spec"]["selector"]);
    match owner.kind {
        "ReplicaSet" => {
            let generation = obj["metadata"]["generation"].as_u64().unwrap_or(1);
            set_status(
                store,
                Kind::ReplicaSet,
                &obj,
                replicaset_status(&t, generation),
            );
            if let Some(deploy) = controller_of(&obj) {
                run(store, Job::Deployment(ns.to_string(), deploy.name));
            }
        }
        "StatefulSet" => {
            let revision = obj["status"]["updateRevision"].as_str().unwrap_or_default();
            let mut status = statefulset_status(&t, revision);
            super::replicas::sts_progress(store, &obj, &mut status);
            set_status(store, Kind::StatefulSet, &obj, status);
        }
        "DaemonSet" => {
            let desired = obj["status"]["desiredNumberScheduled"]
                .as_u64()
                .unwrap_or(0);
            let mut status = daemonset_status(&t, desired as u32);
            super::replicas::ds_progress(store, &obj, &mut status);
            set_status(store, Kind::DaemonSet, &obj, status);
        }
        _ => {}
    }
}

/// A Deployment's status from its ReplicaSets (the one whose revision matches its own is the
/// current one).
pub(crate) fn sync_deployment_status(store: &Store, ns: &str, name: &str) {
    let Some(deploy) = store.get(Kind::Deployment, ns, name).map(|o| o.value()) else {
        return;
    };
    let owner = owner_ref(Kind::Deployment, &deploy);
    let revision = &deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"];
    let sets: Vec<Arc<Obj>> = store
        .page(Kind::ReplicaSet, Some(ns), None, 0, |_| true)
        .items;
    let (mut current, mut old, mut new_rs, mut since) =
        ((0, 0, 0), Vec::new(), String::new(), None);
    for rs in sets.iter().map(|o| o.value()) {
        if controller_of(&rs).is_none_or(|o| o.uid != owner.uid) {
            continue;
        }
        let counts = replicaset_counts(&rs["status"]);
        if &rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == revision {
            current = counts;
            new_rs = rs["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            since = deploy["status"]["conditions"][1]["lastTransitionTime"]
                .as_str()
                .and_then(|t| t.parse().ok());
        } else {
            old.push(counts);
        }
    }
    let now = Timestamp::now();
    let rollout = Rollout {
        spec_replicas: deploy["spec"]["replicas"].as_u64().unwrap_or(0),
        generation: deploy["metadata"]["generation"].as_u64().unwrap_or(1),
        new_rs: &new_rs,
        current,
        old: &old,
        since: since.unwrap_or(now),
    };
    let status = deployment_status(&rollout, Some(&deploy["status"]["conditions"]), now);
    set_status(store, Kind::Deployment, &deploy, status);
}

/// Makes a running pod pass or fail its readiness probe and counts its controller again; false
/// when it cannot (not all containers running, terminating, or already so).
pub(crate) fn set_pod_ready(store: &Arc<Store>, ns: &str, name: &str, ready: bool) -> bool {
    let change = store.update_if(Kind::Pod, ns, name, |pod| {
        let was = pod["status"]["containerStatuses"]
            .as_array()
            .is_some_and(|cs| cs.iter().all(|c| c["ready"] == true));
        was != ready && super::pods::set_ready(pod, ready, Timestamp::now())
    });
    let Some(change) = change else {
        return false;
    };
    sync_owner(store, &change.obj.value());
    true
}
