//! Builds pod objects: a `PodPlan` (what the pod is and in which state) rendered to JSON the way
//! a kubelet-reported pod looks, covering the statuses kubectl users know.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// The state a pod is seeded in; each maps to a familiar kubectl STATUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    Running,
    /// Running but failing readiness: `NotReady`-looking 0/1.
    NotReady,
    CrashLoop,
    ContainerCreating,
    ImagePullBackOff,
    /// Waiting for an init container: `Init:0/1`.
    Initializing,
    Unschedulable,
    Completed,
    Error,
    Terminating,
}

/// One container of a plan: name and image.
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub name: String,
    pub image: String,
}

/// Everything needed to render one pod.
#[derive(Debug, Clone)]
pub(crate) struct PodPlan {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Vec<(String, String)>,
    /// (kind, name, uid) of the controller, if any.
    pub owner: Option<(&'static str, String, String)>,
    pub containers: Vec<Container>,
    pub init: Option<Container>,
    /// A restartable init container (native sidecar).
    pub sidecar: Option<Container>,
    pub node: Option<String>,
    pub host_ip: String,
    pub pod_ip: String,
    pub created: Timestamp,
    pub scenario: Scenario,
    pub restarts: u32,
    pub port: u16,
    /// Job pods never restart.
    pub restart_policy: &'static str,
}

/// RFC 3339 at whole seconds, as the apiserver writes timestamps.
pub(crate) fn ts(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

fn after(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t)
}

fn container_id(plan: &PodPlan, name: &str, restarts: u32) -> String {
    let h = super::rng::hash(&[&plan.uid, name, &restarts.to_string()]);
    format!("containerd://{h:016x}{:016x}", h.rotate_left(17))
}

fn running(since: Timestamp) -> Value {
    json!({"running": {"startedAt": ts(since)}})
}

fn waiting(reason: &str, message: &str) -> Value {
    if message.is_empty() {
        json!({"waiting": {"reason": reason}})
    } else {
        json!({"waiting": {"reason": reason, "message": message}})
    }
}

fn terminated(code: i32, reason: &str, start: Timestamp, end: Timestamp) -> Value {
    json!({"terminated": {"exitCode": code, "reason": reason,
        "startedAt": ts(start), "finishedAt": ts(end)}})
}

/// The state of the plan's main containers and whether they are ready.
fn main_state(plan: &PodPlan) -> (Value, bool) {
    let started = after(plan.created, 4);
    match plan.scenario {
        Scenario::Running | Scenario::Terminating => (running(started), true),
        Scenario::NotReady => (running(started), false),
        Scenario::CrashLoop => {
            let msg = format!(
                "back-off 5m0s restarting failed container={} pod={}",
                plan.containers[0].name, plan.name
            );
            (waiting("CrashLoopBackOff", &msg), false)
        }
        Scenario::ContainerCreating | Scenario::Initializing => {
            let reason = if plan.scenario == Scenario::Initializing {
                "PodInitializing"
            } else {
                "ContainerCreating"
            };
            (waiting(reason, ""), false)
        }
        Scenario::ImagePullBackOff => {
            let msg = format!("Back-off pulling image \"{}\"", plan.containers[0].image);
            (waiting("ImagePullBackOff", &msg), false)
        }
        Scenario::Unschedulable => (Value::Null, false),
        Scenario::Completed => (
            terminated(0, "Completed", started, after(started, 95)),
            false,
        ),
        Scenario::Error => (terminated(1, "Error", started, after(started, 12)), false),
    }
}

fn container_status(
    plan: &PodPlan,
    c: &Container,
    state: &Value,
    ready: bool,
    now: Timestamp,
) -> Value {
    let restarts = plan.restarts;
    let mut status = json!({
        "name": c.name, "image": c.image, "imageID": "",
        "ready": ready, "restartCount": restarts, "started": state.get("running").is_some(),
        "state": state,
    });
    if state.get("waiting").is_none() || plan.scenario == Scenario::CrashLoop {
        status["containerID"] = json!(container_id(plan, &c.name, restarts));
        status["imageID"] = json!(format!(
            "{}@sha256:{:064x}",
            c.image,
            super::rng::hash(&[&c.image]) as u128
        ));
    }
    if restarts > 0 {
        let end = after(now, -(30 + (i64::from(restarts) * 37) % 270));
        status["lastState"] = terminated(1, "Error", after(end, -300), end);
    }
    status
}

fn init_status(plan: &PodPlan, c: &Container, sidecar: bool) -> Value {
    let state = if sidecar || plan.scenario == Scenario::Initializing {
        running(after(plan.created, 2))
    } else if matches!(
        plan.scenario,
        Scenario::ContainerCreating | Scenario::Unschedulable
    ) {
        waiting("PodInitializing", "")
    } else {
        terminated(
            0,
            "Completed",
            after(plan.created, 1),
            after(plan.created, 3),
        )
    };
    json!({"name": c.name, "image": c.image, "imageID": "", "ready": sidecar,
        "restartCount": 0, "started": sidecar, "state": state})
}

fn phase(s: Scenario) -> &'static str {
    match s {
        Scenario::Running | Scenario::NotReady | Scenario::CrashLoop | Scenario::Terminating => {
            "Running"
        }
        Scenario::Completed => "Succeeded",
        Scenario::Error => "Failed",
        _ => "Pending",
    }
}

fn conditions(plan: &PodPlan, ready: bool) -> Value {
    let t = ts(after(plan.created, 5));
    if plan.scenario == Scenario::Unschedulable {
        return json!([{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
            "message": "0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.",
            "lastTransitionTime": t}]);
    }
    let b = |v: bool| if v { "True" } else { "False" };
    let initialized = plan.scenario != Scenario::Initializing;
    let done = matches!(plan.scenario, Scenario::Completed | Scenario::Error);
    json!([
        {"type": "PodReadyToStartContainers", "status": b(plan.scenario != Scenario::ContainerCreating), "lastTransitionTime": t},
        {"type": "Initialized", "status": b(initialized), "lastTransitionTime": t},
        {"type": "Ready", "status": b(ready && !done), "lastTransitionTime": t},
        {"type": "ContainersReady", "status": b(ready && !done), "lastTransitionTime": t},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": ts(plan.created)},
    ])
}

fn spec_container(c: &Container, port: u16) -> Value {
    json!({"name": c.name, "image": c.image,
        "ports": [{"containerPort": port, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}})
}

fn spec(plan: &PodPlan) -> Value {
    let containers: Vec<Value> = plan
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| spec_container(c, plan.port + i as u16))
        .collect();
    let mut spec = json!({"containers": containers, "restartPolicy": plan.restart_policy,
        "serviceAccountName": "default", "terminationGracePeriodSeconds": 30});
    let mut inits = Vec::new();
    if let Some(c) = &plan.init {
        inits.push(json!({"name": c.name, "image": c.image}));
    }
    if let Some(c) = &plan.sidecar {
        inits.push(json!({"name": c.name, "image": c.image, "restartPolicy": "Always"}));
    }
    if !inits.is_empty() {
        spec["initContainers"] = Value::Array(inits);
    }
    if let Some(node) = &plan.node {
        spec["nodeName"] = json!(node);
    }
    spec
}

fn status(plan: &PodPlan, now: Timestamp) -> Value {
    let (state, ready) = main_state(plan);
    let mut status = json!({"phase": phase(plan.scenario), "conditions": conditions(plan, ready),
        "qosClass": "Burstable"});
    if plan.scenario == Scenario::Unschedulable {
        return status;
    }
    status["hostIP"] = json!(plan.host_ip);
    status["startTime"] = json!(ts(plan.created));
    if plan.scenario != Scenario::ContainerCreating {
        status["podIP"] = json!(plan.pod_ip);
        status["podIPs"] = json!([{"ip": plan.pod_ip}]);
    }
    let statuses: Vec<Value> = plan
        .containers
        .iter()
        .map(|c| container_status(plan, c, &state, ready, now))
        .collect();
    status["containerStatuses"] = Value::Array(statuses);
    let inits: Vec<Value> = plan
        .init
        .iter()
        .map(|c| init_status(plan, c, false))
        .chain(plan.sidecar.iter().map(|c| init_status(plan, c, true)))
        .collect();
    if !inits.is_empty() {
        status["initContainerStatuses"] = Value::Array(inits);
    }
    status
}

/// Renders the plan as a v1 Pod.
pub(crate) fn pod_json(plan: &PodPlan, now: Timestamp) -> Value {
    let labels: serde_json::Map<String, Value> = plan
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut meta = json!({"name": plan.name, "namespace": plan.namespace, "uid": plan.uid,
        "creationTimestamp": ts(plan.created), "labels": labels});
    if let Some((kind, name, uid)) = &plan.owner {
        let api = if *kind == "Job" {
            "batch/v1"
        } else {
            "apps/v1"
        };
        meta["ownerReferences"] = json!([{"apiVersion": api, "kind": kind, "name": name,
            "uid": uid, "controller": true, "blockOwnerDeletion": true}]);
    }
    if plan.scenario == Scenario::Terminating {
        meta["deletionTimestamp"] = json!(ts(after(now, 30)));
        meta["deletionGracePeriodSeconds"] = json!(30);
        meta["finalizers"] = json!(["demo.kr8s.dev/stuck-on-purpose"]);
    }
    json!({"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec(plan),
        "status": status(plan, now)})
}

/// Marks a container restart in a stored pod: bumps restartCount, records lastState, runs again.
pub(crate) fn restart_container(pod: &mut Value, now: Timestamp) {
    let Some(statuses) = pod
        .pointer_mut("/status/containerStatuses")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    let Some(c) = statuses.first_mut() else {
        return;
    };
    let count = c["restartCount"].as_u64().unwrap_or(0) + 1;
    let started = c
        .pointer("/state/running/startedAt")
        .cloned()
        .unwrap_or_else(|| json!(ts(after(now, -600))));
    c["restartCount"] = json!(count);
    c["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "OOMKilled",
        "startedAt": started, "finishedAt": ts(now)}});
    c["state"] = running(now);
    c["ready"] = json!(true);
    c["started"] = json!(true);
}
