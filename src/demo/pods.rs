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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Container {
    pub name: String,
    pub image: String,
}

/// The controller of an object: what its `ownerReferences` entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub uid: String,
}

impl Owner {
    /// The `ownerReferences` list with this controller, as controllers write it.
    pub fn references(&self) -> Value {
        json!([{"apiVersion": self.api_version, "kind": self.kind, "name": self.name,
            "uid": self.uid, "controller": true, "blockOwnerDeletion": true}])
    }
}

/// Everything needed to render one pod.
#[derive(Debug, Clone)]
pub(crate) struct PodPlan {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Vec<(String, String)>,
    /// The controller, if any.
    pub owner: Option<Owner>,
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
    /// When the container last exited before its restart (set when `restarts > 0`); never
    /// before the pod was created.
    pub last_exit: Option<Timestamp>,
    /// How long the main container ran, for pods that finished (Completed, Error).
    pub run_secs: i64,
    pub port: u16,
    /// Job pods never restart.
    pub restart_policy: &'static str,
    /// A volume `name` backed by the PVC `claim` (a StatefulSet's volumeClaimTemplate).
    pub volume: Option<(String, String)>,
    /// Tolerates every taint (kube-proxy runs on the control plane too).
    pub tolerate_all: bool,
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

/// When the main containers started: after the last restart, or just after the pod was created.
fn main_started(plan: &PodPlan) -> Timestamp {
    match plan.last_exit {
        Some(exit) if plan.restarts > 0 => after(exit, 1),
        _ => after(plan.created, 4),
    }
}

/// The state of the plan's main containers and whether they are ready.
fn main_state(plan: &PodPlan) -> (Value, bool) {
    let started = main_started(plan);
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
            terminated(0, "Completed", started, after(started, plan.run_secs)),
            false,
        ),
        Scenario::Error => (
            terminated(1, "Error", started, after(started, plan.run_secs)),
            false,
        ),
    }
}

fn container_status(plan: &PodPlan, c: &Container, state: &Value, ready: bool) -> Value {
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
    if let (Some(end), true) = (plan.last_exit, restarts > 0) {
        // The previous instance ran from after the pod's creation (or an earlier restart) to
        // its exit: a crash loop dies within seconds, a long runner was up for up to an hour.
        let ran = if plan.scenario == Scenario::CrashLoop {
            10 + i64::from(restarts) % 20
        } else {
            3_600
        };
        let start = after(end, -ran).max(after(plan.created, 4)).min(end);
        status["lastState"] = terminated(1, "Error", start, end);
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
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "500m", "memory": "512Mi"}}})
}

/// The parts of a pod spec a template fixes: containers (the i-th listens on `port + i`), init
/// containers, restart policy, tolerations and the volume mount of `volume` (name, claim).
pub(crate) fn template_spec(
    containers: &[Container],
    init: Option<&Container>,
    sidecar: Option<&Container>,
    port: u16,
    restart_policy: &str,
    tolerate_all: bool,
    volume: Option<(&str, &str)>,
) -> Value {
    let mut list: Vec<Value> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| spec_container(c, port + i as u16))
        .collect();
    let mut spec = json!({"restartPolicy": restart_policy,
        "serviceAccountName": "default", "terminationGracePeriodSeconds": 30});
    if let Some((name, claim)) = volume {
        if let Some(first) = list.first_mut() {
            first["volumeMounts"] = json!([{"name": name, "mountPath": "/data"}]);
        }
        spec["volumes"] = json!([{"name": name, "persistentVolumeClaim": {"claimName": claim}}]);
    }
    spec["containers"] = Value::Array(list);
    let mut inits = Vec::new();
    if let Some(c) = init {
        inits.push(json!({"name": c.name, "image": c.image}));
    }
    if let Some(c) = sidecar {
        inits.push(json!({"name": c.name, "image": c.image, "restartPolicy": "Always"}));
    }
    if !inits.is_empty() {
        spec["initContainers"] = Value::Array(inits);
    }
    if tolerate_all {
        spec["tolerations"] = json!([{"operator": "Exists"}]);
    }
    spec
}

fn spec(plan: &PodPlan) -> Value {
    let volume = plan
        .volume
        .as_ref()
        .map(|(name, claim)| (name.as_str(), claim.as_str()));
    let mut spec = template_spec(
        &plan.containers,
        plan.init.as_ref(),
        plan.sidecar.as_ref(),
        plan.port,
        plan.restart_policy,
        plan.tolerate_all,
        volume,
    );
    if let Some(node) = &plan.node {
        spec["nodeName"] = json!(node);
    }
    spec
}

fn status(plan: &PodPlan) -> Value {
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
        .map(|c| container_status(plan, c, &state, ready))
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
    if let Some(owner) = &plan.owner {
        meta["ownerReferences"] = owner.references();
    }
    if plan.scenario == Scenario::Terminating {
        meta["deletionTimestamp"] = json!(ts(after(now, 30)));
        meta["deletionGracePeriodSeconds"] = json!(30);
        meta["finalizers"] = json!(["demo.kr8s.dev/stuck-on-purpose"]);
    }
    json!({"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec(plan),
        "status": status(plan)})
}

/// Marks a container restart in a stored pod: bumps restartCount and records lastState. A running
/// container runs again at once (an OOM kill), keeping its readiness; one in CrashLoopBackOff
/// crashed once more and waits out its back-off again. Never earlier than the pod's creation.
pub(crate) fn restart_container(pod: &mut Value, now: Timestamp) {
    let created = pod
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<Timestamp>().ok())
        .unwrap_or(now);
    let Some(c) = pod
        .pointer_mut("/status/containerStatuses")
        .and_then(Value::as_array_mut)
        .and_then(|s| s.first_mut())
    else {
        return;
    };
    let count = c["restartCount"].as_u64().unwrap_or(0) + 1;
    c["restartCount"] = json!(count);
    if c.pointer("/state/waiting/reason").and_then(Value::as_str) == Some("CrashLoopBackOff") {
        let started = after(now, -10).max(created);
        c["lastState"] = terminated(1, "Error", started, now);
        return;
    }
    let started = c
        .pointer("/state/running/startedAt")
        .cloned()
        .unwrap_or_else(|| json!(ts(created)));
    c["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "OOMKilled",
        "startedAt": started, "finishedAt": ts(now)}});
    c["state"] = running(now);
    c["started"] = json!(true);
}

/// Makes a pod whose containers all run pass or fail its readiness probe: the containers'
/// `ready` and the Ready and ContainersReady conditions. False (and no change) when a container
/// is not running or the pod is going away.
pub(crate) fn set_ready(pod: &mut Value, ready: bool, now: Timestamp) -> bool {
    if pod.pointer("/metadata/deletionTimestamp").is_some() {
        return false;
    }
    let Some(statuses) = pod
        .pointer_mut("/status/containerStatuses")
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    if statuses.is_empty() || statuses.iter().any(|c| c["state"].get("running").is_none()) {
        return false;
    }
    for c in statuses.iter_mut() {
        c["ready"] = json!(ready);
    }
    let status = if ready { "True" } else { "False" };
    if let Some(conditions) = pod
        .pointer_mut("/status/conditions")
        .and_then(Value::as_array_mut)
    {
        for c in conditions
            .iter_mut()
            .filter(|c| c["type"] == "Ready" || c["type"] == "ContainersReady")
        {
            c["status"] = json!(status);
            c["lastTransitionTime"] = json!(ts(now));
        }
    }
    true
}
