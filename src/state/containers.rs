//! The containers of one pod (Enter on a pod): init containers (sidecars among them), app
//! containers and ephemeral ones, with their image, state, readiness, restarts and ports.
//! Enter on a container opens its logs. The pod is read with one GET and read again when the
//! pods watch reports it changed, so the view stays live without a stream of its own.

use jiff::Timestamp;
use serde_json::Value;

use super::cursor::Cursor;
use super::detail::{self, ObjectRef};
use super::{Effect, Focus, Notify, State};
use crate::kube::Failure;

/// What a container is to its pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// Runs to completion before the app containers start.
    Init,
    /// An init container with `restartPolicy: Always`: runs beside the app containers.
    Sidecar,
    App,
    /// Added to a running pod for debugging (`kubectl debug`).
    Ephemeral,
}

/// The state the kubelet reports (facts; the pane words them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerState {
    Running {
        started: Option<Timestamp>,
    },
    Waiting {
        reason: String,
    },
    Terminated {
        reason: String,
        exit_code: i64,
        signal: i64,
    },
    /// No status yet (the pod is not scheduled or not started).
    Unknown,
}

/// A declared port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub number: i64,
    pub protocol: String,
}

/// One row of the containers view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRow {
    pub name: String,
    pub kind: ContainerKind,
    pub image: String,
    pub ready: bool,
    pub state: ContainerState,
    pub restarts: u32,
    pub ports: Vec<Port>,
}

/// The open containers view.
#[derive(Debug, Clone)]
pub struct ContainersView {
    /// Id of the latest fetch of the pod; older answers are dropped.
    pub id: u64,
    pub pod: ObjectRef,
    /// `None` until the pod arrived.
    pub rows: Option<Vec<ContainerRow>>,
    pub error: Option<Failure>,
    pub cursor: Cursor,
    /// resourceVersion of the pod as last read (a newer one in the pods watch reads it again).
    resource_version: String,
    /// A read is under way.
    loading: bool,
    /// The pods watch says the pod is gone (the last rows stay on screen).
    pub deleted: bool,
}

impl ContainersView {
    /// Rows shown (0 while loading).
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(0, Vec::len)
    }

    /// True while loading or for a pod without containers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The container under the cursor.
    pub fn selected(&self) -> Option<&ContainerRow> {
        self.rows.as_ref()?.get(self.cursor.selected())
    }
}

/// Enter on the pods table: the selected pod's containers.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.pods.selected() else {
        state.flash.info("no pod selected");
        return Vec::new();
    };
    let pod = ObjectRef::of_pod_row(row);
    let id = state.new_id();
    let effect = fetch(state, id, &pod);
    state.containers = Some(ContainersView {
        id,
        pod,
        rows: None,
        error: None,
        cursor: Cursor::default(),
        resource_version: String::new(),
        loading: true,
        deleted: false,
    });
    state.focus = Focus::Pods;
    vec![effect]
}

fn fetch(state: &State, id: u64, pod: &ObjectRef) -> Effect {
    Effect::FetchObject {
        id,
        context: pod.context_in(state),
        path: pod.path(),
    }
}

/// The pod arrived (or could not be read).
pub fn on_object(state: &mut State, result: Result<Value, Failure>) {
    let Some(view) = state.containers.as_mut() else {
        return;
    };
    view.loading = false;
    match result {
        Ok(pod) => {
            let rows = rows_of(&pod);
            view.resource_version = pod["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            // The cursor stays on its container (containers are never renamed).
            let name = view.selected().map(|c| c.name.clone());
            let at = name.and_then(|n| rows.iter().position(|r| r.name == n));
            let len = rows.len();
            view.rows = Some(rows);
            view.error = None;
            view.cursor
                .select(at.unwrap_or(view.cursor.selected()), len);
        }
        Err(e) => view.error = Some(e),
    }
}

/// After a pods event: read the pod again when the watch holds a newer version of it, or
/// mark it gone once a complete list lacks it.
pub fn on_pods_changed(state: &mut State) -> Vec<Effect> {
    let Some(view) = state.containers.as_ref() else {
        return Vec::new();
    };
    let namespace = view.pod.namespace.as_deref().unwrap_or_default();
    let row = state
        .pods
        .get_in(view.pod.context.as_deref(), namespace, &view.pod.name);
    let listed = state.pods_load == super::PodsLoad::Watching;
    let newer = row.is_some_and(|r| r.resource_version != view.resource_version);
    let gone = row.is_none() && listed;
    if gone {
        if let Some(view) = state.containers.as_mut() {
            view.deleted = true;
        }
        return Vec::new();
    }
    if !newer || view.loading {
        return Vec::new();
    }
    let id = state.new_id();
    let Some(view) = state.containers.as_ref() else {
        return Vec::new();
    };
    let effect = fetch(state, id, &view.pod);
    if let Some(view) = state.containers.as_mut() {
        view.id = id;
        view.loading = true;
        view.deleted = false;
    }
    vec![effect]
}

/// Keys on the containers view; `None` leaves the action to the panes.
pub fn on_action(state: &mut State, action: crate::keys::Action) -> Option<Vec<Effect>> {
    use crate::keys::Action;
    let view = state.containers.as_mut()?;
    let len = view.len();
    if view.cursor.on_move(action, len) {
        return Some(Vec::new());
    }
    let pod = view.pod.clone();
    let container = view.selected().map(|c| c.name.clone());
    match action {
        Action::Close => state.containers = None,
        Action::Select | Action::Logs => {
            let Some(container) = container else {
                state.flash.info("no container selected");
                return Some(Vec::new());
            };
            return Some(detail::open_logs(state, pod, Some(container)));
        }
        Action::Yaml | Action::Describe | Action::Delete => {
            return Some(super::nav::act_on(state, action, pod));
        }
        Action::PortForward => {
            let ports: Vec<u16> = view_ports(state);
            return Some(super::forwards::prompt(state, &pod, &ports));
        }
        // The container picker of a shell or an attach.
        Action::Shell | Action::Attach => {
            let namespace = pod.namespace.clone().unwrap_or_default();
            let target = super::remote::Target {
                context: pod.context.clone(),
                namespace,
                pod: pod.name.clone(),
                container,
            };
            return Some(super::remote::open_in(
                state,
                target,
                action == Action::Attach,
            ));
        }
        Action::Refresh => {
            let id = state.new_id();
            let effect = fetch(state, id, &pod);
            if let Some(view) = state.containers.as_mut() {
                view.id = id;
                view.loading = true;
            }
            return Some(vec![effect]);
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// The declared ports of the container under the cursor.
fn view_ports(state: &State) -> Vec<u16> {
    let Some(view) = state.containers.as_ref() else {
        return Vec::new();
    };
    let ports = view
        .selected()
        .map(|c| c.ports.as_slice())
        .unwrap_or_default();
    ports
        .iter()
        .filter_map(|p| u16::try_from(p.number).ok())
        .collect()
}

/// Every container of `pod`: init containers (as declared), app containers, ephemeral ones.
pub fn rows_of(pod: &Value) -> Vec<ContainerRow> {
    let spec = &pod["spec"];
    let status = &pod["status"];
    let groups = [
        (
            "initContainers",
            "initContainerStatuses",
            ContainerKind::Init,
        ),
        ("containers", "containerStatuses", ContainerKind::App),
        (
            "ephemeralContainers",
            "ephemeralContainerStatuses",
            ContainerKind::Ephemeral,
        ),
    ];
    let mut rows = Vec::new();
    for (declared, reported, kind) in groups {
        let statuses = status[reported].as_array().map_or(&[][..], Vec::as_slice);
        for container in spec[declared].as_array().into_iter().flatten() {
            let name = container["name"].as_str().unwrap_or_default();
            let status = statuses.iter().find(|s| s["name"].as_str() == Some(name));
            rows.push(row(container, status, kind));
        }
    }
    rows
}

fn row(container: &Value, status: Option<&Value>, kind: ContainerKind) -> ContainerRow {
    let sidecar = container["restartPolicy"].as_str() == Some("Always");
    let kind = match kind {
        ContainerKind::Init if sidecar => ContainerKind::Sidecar,
        other => other,
    };
    let status = status.unwrap_or(&Value::Null);
    ContainerRow {
        name: text(&container["name"]),
        kind,
        image: text(&container["image"]),
        ready: status["ready"].as_bool().unwrap_or(false),
        state: state_of(&status["state"]),
        restarts: status["restartCount"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        ports: container["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| Port {
                name: text(&p["name"]),
                number: p["containerPort"].as_i64().unwrap_or(0),
                protocol: p["protocol"].as_str().unwrap_or("TCP").to_string(),
            })
            .collect(),
    }
}

/// `status.state`: exactly one of running, waiting, terminated is set.
fn state_of(state: &Value) -> ContainerState {
    if let Some(running) = state["running"].as_object() {
        let started = running
            .get("startedAt")
            .and_then(Value::as_str)
            .and_then(|t| t.parse().ok());
        return ContainerState::Running { started };
    }
    if state["waiting"].is_object() {
        let reason = text(&state["waiting"]["reason"]);
        return ContainerState::Waiting { reason };
    }
    let terminated = &state["terminated"];
    if terminated.is_object() {
        return ContainerState::Terminated {
            reason: text(&terminated["reason"]),
            exit_code: terminated["exitCode"].as_i64().unwrap_or(0),
            signal: terminated["signal"].as_i64().unwrap_or(0),
        };
    }
    ContainerState::Unknown
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}
