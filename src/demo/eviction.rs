//! The Eviction API (`POST pods/NAME/eviction`) and PodDisruptionBudgets: a budget's status is
//! counted from its pods after every pod event, as the disruption controller does, and an
//! eviction that would take a budget below its healthy minimum is refused with a 429.
//!
//! Seeded budgets ([`seed_budgets`]): `<app>-pdb` with `maxUnavailable: 1` for (up to three)
//! Deployments whose pods are all ready and which have two or more of them on one worker.
//! Draining that worker evicts the first of those pods; the next one is refused (429) until
//! the ReplicaSet's replacement, made on another node, is Ready (about 3 s after the
//! eviction, while the evicted pod is gone after 2 s), and the drain's retry then goes
//! through. With the default demo (seed 42, 60 pods) these are `monitoring/grafana-pdb`
//! (both grafana pods on `demo-worker-3`) and `payments/fraud-detector-pdb` (both
//! fraud-detector pods on `demo-worker-2`).

use std::sync::{Arc, Mutex};

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::api::graceful_delete;
use super::controller::controller_of_obj;
use super::pods::ts;
use super::resources::Kind;
use super::routes::{AppState, Params, Reject, json_bytes, not_found, respond};
use super::store::{Obj, Store};
use super::validate;
use super::workloads::PodFacts;
use crate::kube::error::{Status, StatusCause, StatusDetails};

/// Evictions are decided one at a time, so two at once cannot both spend the last allowed
/// disruption.
static DECIDING: Mutex<()> = Mutex::new(());

/// Whether `pod`'s labels satisfy a budget's `matchLabels`.
fn selects(pdb: &Value, pod: &Obj) -> bool {
    pdb["spec"]["selector"]["matchLabels"]
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| pod.label(k) == v.as_str()))
}

/// How many pods the controllers of `pods` want: a Deployment's (above a ReplicaSet) or
/// StatefulSet's replicas, each controller once.
fn expected(store: &Store, ns: &str, pods: &[Arc<Obj>]) -> u64 {
    let mut seen = Vec::new();
    let mut total = 0;
    for pod in pods {
        let Some(mut owner) = controller_of_obj(pod) else {
            total += 1;
            continue;
        };
        let kind_of = |o: &str| Kind::ALL.into_iter().find(|k| k.kind() == o);
        let mut obj = kind_of(owner.kind).and_then(|k| store.get(k, ns, &owner.name));
        if owner.kind == "ReplicaSet"
            && let Some(top) = obj.as_ref().and_then(|rs| controller_of_obj(rs))
        {
            obj = store.get(Kind::Deployment, ns, &top.name);
            owner = top;
        }
        if seen.contains(&owner.uid) {
            continue;
        }
        seen.push(owner.uid.clone());
        total += obj.map_or(1, |o| o.value()["spec"]["replicas"].as_u64().unwrap_or(1));
    }
    total
}

/// `minAvailable`/`maxUnavailable`: an integer or a percentage of `of` (rounded up).
fn amount(v: &Value, of: u64) -> u64 {
    match v {
        Value::String(s) => {
            let pct: u64 = s.trim_end_matches('%').parse().unwrap_or(0);
            (pct * of).div_ceil(100)
        }
        other => other.as_u64().unwrap_or(0),
    }
}

/// A budget's status counted from the pods now.
fn budget_status(store: &Store, pdb: &Value, now: Timestamp) -> Value {
    let ns = pdb["metadata"]["namespace"].as_str().unwrap_or_default();
    let pods = store
        .page(Kind::Pod, Some(ns), None, 0, |p| selects(pdb, p))
        .items;
    let healthy = pods
        .iter()
        .filter_map(|p| PodFacts::of(p))
        .filter(|f| f.ready && !f.terminating)
        .count() as u64;
    let spec = &pdb["spec"];
    let (expected, desired) = match (&spec["minAvailable"], &spec["maxUnavailable"]) {
        (Value::Number(n), _) => (pods.len() as u64, n.as_u64().unwrap_or(0)),
        (min @ Value::String(_), _) => {
            let e = expected(store, ns, &pods);
            (e, amount(min, e))
        }
        (_, max) => {
            let e = expected(store, ns, &pods);
            (e, e.saturating_sub(amount(max, e)))
        }
    };
    let allowed = healthy.saturating_sub(desired);
    let generation = pdb["metadata"]["generation"].as_u64().unwrap_or(1);
    let (state, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    let since = pdb["status"]["conditions"][0]
        .as_object()
        .filter(|c| c.get("status").and_then(Value::as_str) == Some(state))
        .and_then(|c| c.get("lastTransitionTime").cloned())
        .unwrap_or_else(|| json!(ts(now)));
    json!({"observedGeneration": generation, "disruptionsAllowed": allowed,
        "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected,
        "conditions": [{"type": "DisruptionAllowed", "status": state, "reason": reason,
            "message": "", "observedGeneration": generation, "lastTransitionTime": since}]})
}

/// Counts every budget of a namespace again (a MODIFIED event only when a number changed).
pub(crate) fn sync_budgets(store: &Store, ns: &str) {
    let budgets = store
        .page(Kind::PodDisruptionBudget, Some(ns), None, 0, |_| true)
        .items;
    let now = Timestamp::now();
    for pdb in budgets {
        let status = budget_status(store, &pdb.value(), now);
        store.update_if(Kind::PodDisruptionBudget, ns, pdb.name(), |v| {
            let changed = v["status"] != status;
            v["status"] = status;
            changed
        });
    }
}

/// The 429 of an eviction a budget does not allow, word for word.
fn too_many_requests(pdb: &Value) -> Reject {
    let message = format!(
        "The disruption budget {} needs {} healthy pods and has {} currently",
        pdb["metadata"]["name"].as_str().unwrap_or_default(),
        pdb["status"]["desiredHealthy"].as_u64().unwrap_or(0),
        pdb["status"]["currentHealthy"].as_u64().unwrap_or(0),
    );
    let mut status = Status::failure(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    status.details = Some(Box::new(StatusDetails {
        causes: vec![StatusCause {
            reason: "DisruptionBudget".into(),
            message,
            field: String::new(),
        }],
        ..StatusDetails::default()
    }));
    Reject::from_status(status)
}

/// `POST .../pods/NAME/eviction`: 201 and a graceful delete, or 429 while a budget forbids it.
pub(crate) fn evict(
    app: &AppState,
    ns: &str,
    name: &str,
    params: &Params,
    body: &[u8],
) -> Response {
    respond((|| {
        let eviction: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let opts = super::write::WriteOptions::parse(params, "DeleteOptions")?;
        let dry_run = opts.dry_run
            || eviction["deleteOptions"]["dryRun"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x == "All"));
        let grace = eviction["deleteOptions"]["gracePeriodSeconds"].as_u64();
        let _one_at_a_time = DECIDING.lock().unwrap_or_else(|e| e.into_inner());
        let pod = app
            .store
            .get(Kind::Pod, ns, name)
            .ok_or_else(|| not_found(Kind::Pod, name))?;
        let value = pod.value();
        // Pods that are going anyway, not running yet or finished are not counted by budgets.
        let phase = value["status"]["phase"].as_str().unwrap_or_default();
        let ignore = value["metadata"].get("deletionTimestamp").is_some()
            || matches!(phase, "Pending" | "Succeeded" | "Failed");
        if !ignore {
            check_budgets(&app.store, ns, &pod)?;
        }
        if !dry_run {
            // Its replacement starts Pending, as a drain sees it on a real cluster.
            graceful_delete(&app.store, ns, name, grace, None);
        }
        Ok(json_bytes(
            StatusCode::CREATED,
            serde_json::to_vec(&validate::success(201)).unwrap_or_default(),
        ))
    })())
}

/// Refuses the eviction of `pod` when its budget allows no disruption now.
fn check_budgets(store: &Store, ns: &str, pod: &Obj) -> Result<(), Reject> {
    let budgets: Vec<Value> = store
        .page(Kind::PodDisruptionBudget, Some(ns), None, 0, |_| true)
        .items
        .iter()
        .map(|b| b.value())
        .filter(|b| selects(b, pod))
        .collect();
    let pdb = match budgets.as_slice() {
        [] => return Ok(()),
        [one] => one,
        _ => {
            return Err(Reject::internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ));
        }
    };
    let mut pdb = pdb.clone();
    pdb["status"] = budget_status(store, &pdb, Timestamp::now());
    let healthy = PodFacts::of(pod).is_some_and(|f| f.ready);
    let status = &pdb["status"];
    let current = status["currentHealthy"].as_u64().unwrap_or(0);
    let desired = status["desiredHealthy"].as_u64().unwrap_or(0);
    // An unhealthy pod may go while the budget is met (`IfHealthyBudget`).
    if !healthy && current >= desired {
        return Ok(());
    }
    if status["disruptionsAllowed"].as_u64().unwrap_or(0) == 0 {
        return Err(too_many_requests(&pdb));
    }
    Ok(())
}

/// Seeds the budgets described in the module comment.
pub(crate) fn seed_budgets(store: &Store, now: Timestamp) {
    for (ns, app) in budget_targets(store).into_iter().take(3) {
        let name = format!("{app}-pdb");
        let created = super::workloads::after(now, -(30 * 86_400));
        let mut pdb = json!({"kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
            "metadata": {"name": name, "namespace": ns, "generation": 1,
                "uid": format!("pdb-{:016x}", super::rng::hash(&[&ns, &name])),
                "creationTimestamp": ts(created), "labels": {"app": app}},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}}});
        pdb["status"] = budget_status(store, &pdb, now);
        store.seed(Kind::PodDisruptionBudget, pdb);
    }
}

/// (namespace, app) of the Deployments whose pods are all ready, two or more on one worker.
fn budget_targets(store: &Store) -> Vec<(String, String)> {
    let deployments = store.page(Kind::Deployment, None, None, 0, |_| true).items;
    deployments
        .iter()
        .filter_map(|d| {
            let ns = d.namespace();
            let app = d.label("app")?;
            let pods = store
                .page(Kind::Pod, Some(ns), None, 0, |p| {
                    p.label("app") == Some(app)
                })
                .items;
            let all_ready = pods
                .iter()
                .all(|p| PodFacts::of(p).is_some_and(|f| f.ready && !f.terminating));
            let mut nodes: Vec<&str> = pods
                .iter()
                .filter_map(|p| p.field(Kind::Pod, "spec.nodeName"))
                .collect();
            nodes.sort_unstable();
            let shared = nodes.windows(2).any(|w| w[0] == w[1]);
            (all_ready && shared).then(|| (ns.to_string(), app.to_string()))
        })
        .collect()
}
