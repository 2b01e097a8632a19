//! Detail views of one object: YAML, describe and logs. Each open view has an id; results for
//! another id (a view closed or replaced meanwhile) are dropped.

use serde_json::Value;

use crate::kube::Failure;

use super::describe::{describe_object, describe_pod};
use super::logs::LogView;
use super::text_pane::TextPane;
use super::{Effect, State};
use crate::kube::discovery::ApiResource;
use crate::msg::LogRequest;

/// One object of one resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// The context it lives in when that is not the open one (a fleet's row).
    pub context: Option<String>,
    pub resource: ApiResource,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// The pod a table row shows, in the row's context.
    pub fn of_pod_row(row: &crate::kube::table::PodRow) -> ObjectRef {
        ObjectRef {
            context: row.context.as_deref().map(str::to_string),
            ..ObjectRef::pod(&row.namespace, &row.name)
        }
    }

    /// The context requests about it go to: its own, else the open one.
    pub fn context_in(&self, state: &State) -> String {
        self.context
            .clone()
            .or_else(|| state.context.clone())
            .unwrap_or_default()
    }

    /// A pod by namespace and name.
    pub fn pod(namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            context: None,
            resource: ApiResource::pods(),
            namespace: Some(namespace.to_string()),
            name: name.to_string(),
        }
    }

    /// The object's API path.
    pub fn path(&self) -> String {
        self.resource
            .object_path(self.namespace.as_deref(), &self.name)
    }

    /// "pod shop/web-1" or "node worker-1", for messages and dialogs.
    /// `pod shop/web-0`; a fleet row says its context too (`pod shop/web-0 in prod-eu`), so a
    /// confirmation never leaves the cluster in doubt.
    pub fn describe(&self) -> String {
        let what = match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.resource.singular, self.name),
            None => format!("{} {}", self.resource.singular, self.name),
        };
        match &self.context {
            Some(context) => format!("{what} in {context}"),
            None => what,
        }
    }
}

/// Which detail view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailKind {
    Yaml,
    Describe,
    Logs,
    /// The output of one `:exec` command.
    Exec,
}

impl DetailKind {
    /// Lowercase name for breadcrumbs.
    pub fn label(self) -> &'static str {
        match self {
            DetailKind::Yaml => "yaml",
            DetailKind::Describe => "describe",
            DetailKind::Logs => "logs",
            DetailKind::Exec => "exec",
        }
    }
}

/// The content of a detail view.
#[derive(Debug, Clone)]
pub enum DetailView {
    Yaml {
        pane: TextPane,
        object: Option<Value>,
        show_managed_fields: bool,
    },
    Describe {
        pane: TextPane,
        object: Option<Value>,
        events: Option<Vec<Value>>,
    },
    Logs(Box<LogView>),
    /// `:exec CMD`: its output, then how it ended.
    Exec {
        pane: TextPane,
        command: String,
        done: bool,
    },
}

/// An open detail view.
#[derive(Debug, Clone)]
pub struct Detail {
    pub id: u64,
    pub target: ObjectRef,
    pub view: DetailView,
    /// Loading failed (the object is gone, forbidden, ...).
    pub error: Option<Failure>,
    /// A Secret's data is shown decoded (`x`).
    pub decoded: bool,
}

impl Detail {
    /// Which view this is.
    pub fn kind(&self) -> DetailKind {
        match self.view {
            DetailView::Yaml { .. } => DetailKind::Yaml,
            DetailView::Describe { .. } => DetailKind::Describe,
            DetailView::Logs(_) => DetailKind::Logs,
            DetailView::Exec { .. } => DetailKind::Exec,
        }
    }

    /// The scrollable text of YAML and describe views.
    pub fn pane_mut(&mut self) -> Option<&mut TextPane> {
        match &mut self.view {
            DetailView::Yaml { pane, .. }
            | DetailView::Describe { pane, .. }
            | DetailView::Exec { pane, .. } => Some(pane),
            DetailView::Logs(_) => None,
        }
    }

    /// True until the first answer arrived.
    pub fn loading(&self) -> bool {
        self.error.is_none()
            && match &self.view {
                DetailView::Yaml { object, .. } => object.is_none(),
                DetailView::Describe { object, events, .. } => object.is_none() || events.is_none(),
                DetailView::Logs(logs) => logs.waiting_for_pod,
                DetailView::Exec { done, .. } => !done,
            }
    }
}

/// The object as YAML lines; `metadata.managedFields` left out unless asked for.
pub fn yaml_lines(object: &Value, show_managed_fields: bool) -> Vec<String> {
    let mut object = object.clone();
    if !show_managed_fields
        && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.remove("managedFields");
    }
    match serde_saphyr::to_string(&object) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(e) => vec![format!("# could not render YAML: {e}")],
    }
}

/// Opens `kind` on `target`, replacing any open detail view.
pub fn open(state: &mut State, kind: DetailKind, target: ObjectRef) -> Vec<Effect> {
    let mut effects = close(state);
    let id = state.new_id();
    let context = target.context_in(state);
    let view = match kind {
        DetailKind::Yaml => DetailView::Yaml {
            pane: TextPane::default(),
            object: None,
            show_managed_fields: false,
        },
        DetailKind::Describe => DetailView::Describe {
            pane: TextPane::default(),
            object: None,
            events: None,
        },
        DetailKind::Logs => DetailView::Logs(Box::new(LogView::new(state.log_cap))),
        // Opened by `exec::run`, which sends its own effect.
        DetailKind::Exec => DetailView::Exec {
            pane: TextPane::default(),
            command: String::new(),
            done: false,
        },
    };
    effects.push(Effect::FetchObject {
        id,
        context: context.clone(),
        path: target.path(),
    });
    if kind == DetailKind::Describe {
        effects.push(Effect::FetchEvents {
            id,
            context,
            namespace: target.namespace.clone().unwrap_or_default(),
            name: target.name.clone(),
        });
    }
    state.detail = Some(Detail {
        id,
        target,
        view,
        error: None,
        decoded: false,
    });
    effects
}

/// Opens the logs of `pod`, of `container` when given (else the default container).
pub fn open_logs(state: &mut State, pod: ObjectRef, container: Option<String>) -> Vec<Effect> {
    let effects = open(state, DetailKind::Logs, pod);
    if let Some(DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view) {
        logs.options.container = container;
    }
    effects
}

/// The context of the open detail view's object (a fleet row's own, else the open one).
pub fn open_context(state: &State) -> String {
    match &state.detail {
        Some(detail) => detail.target.context_in(state),
        None => state.context.clone().unwrap_or_default(),
    }
}

/// Closes the detail view (stopping its log stream).
pub fn close(state: &mut State) -> Vec<Effect> {
    match state.detail.take() {
        Some(Detail {
            view: DetailView::Logs(_),
            ..
        }) => vec![Effect::StopLogs],
        _ => Vec::new(),
    }
}

/// The fetched object arrived.
pub fn on_object(state: &mut State, result: Result<Value, Failure>) -> Vec<Effect> {
    let now = state.now;
    let context = open_context(state);
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    let object = match result {
        Ok(o) => o,
        Err(e) => {
            detail.error = Some(e);
            return Vec::new();
        }
    };
    match &mut detail.view {
        DetailView::Yaml {
            pane,
            object: slot,
            show_managed_fields,
        } => {
            pane.set_lines(yaml_lines(&object, *show_managed_fields));
            *slot = Some(object);
        }
        DetailView::Describe {
            pane,
            object: slot,
            events,
        } => {
            *slot = Some(object);
            rebuild_describe(pane, slot.as_ref(), events.as_deref(), now);
        }
        DetailView::Logs(logs) if !detail.target.resource.is_pods() => {
            let target = &detail.target;
            return super::workload_logs::start(detail.id, target, &context, logs, &object);
        }
        DetailView::Logs(logs) => {
            logs.waiting_for_pod = false;
            logs.containers = container_names(&object);
            // A container asked for (from the containers view) wins if the pod has it.
            let asked = logs.options.container.take();
            let asked = asked.filter(|c| logs.containers.contains(c));
            logs.options.container = asked.or_else(|| default_container(&object, &logs.containers));
            return vec![stream(detail.id, &detail.target, &context, logs)];
        }
        DetailView::Exec { .. } => {}
    }
    Vec::new()
}

/// The events for a describe view arrived (an error shows as no events plus the message).
pub fn on_events(state: &mut State, result: Result<Vec<Value>, Failure>) {
    let now = state.now;
    let Some(detail) = state.detail.as_mut() else {
        return;
    };
    if let DetailView::Describe {
        pane,
        object,
        events,
    } = &mut detail.view
    {
        let problem = result.as_ref().err().cloned();
        *events = Some(result.unwrap_or_default());
        rebuild_describe(pane, object.as_ref(), events.as_deref(), now);
        if let Some(e) = problem {
            // The description is still useful without events: say why they are missing.
            let mut lines = std::mem::take(&mut pane.lines);
            lines.push(format!("Events:           <could not be read: {e}>"));
            pane.set_lines(lines);
        }
    }
}

fn rebuild_describe(
    pane: &mut TextPane,
    object: Option<&Value>,
    events: Option<&[Value]>,
    now: jiff::Timestamp,
) {
    if let (Some(object), Some(events)) = (object, events) {
        // Events are asked for by name; keep those about this kind of object.
        let kind = &object["kind"];
        let events: Vec<Value> = events
            .iter()
            .filter(|e| {
                let about = &e["involvedObject"]["kind"];
                about.is_null() || kind.is_null() || about == kind
            })
            .cloned()
            .collect();
        let lines = if kind == "Pod" {
            describe_pod(object, &events, now)
        } else {
            describe_object(object, &events, now)
        };
        pane.set_lines(lines);
    }
}

/// Every container of the pod, init containers first (as the API orders them), ephemeral
/// ones last.
fn container_names(pod: &Value) -> Vec<String> {
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|k| pod["spec"][*k].as_array())
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// The `kubectl.kubernetes.io/default-container` annotation, else the first app container.
fn default_container(pod: &Value, names: &[String]) -> Option<String> {
    let annotated = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
        .as_str()
        .filter(|n| names.iter().any(|c| c == n));
    let first_app = pod["spec"]["containers"][0]["name"].as_str();
    annotated
        .or(first_app)
        .map(str::to_string)
        .or_else(|| names.first().cloned())
}

/// The effect that (re)starts the log stream of `logs`.
pub fn stream(id: u64, target: &ObjectRef, context: &str, logs: &LogView) -> Effect {
    Effect::StreamLogs {
        id,
        context: context.to_string(),
        request: LogRequest {
            namespace: target.namespace.clone().unwrap_or_default(),
            pod: target.name.clone(),
            container: logs.options.container.clone(),
            previous: logs.options.previous,
            timestamps: logs.options.timestamps,
            tail_lines: logs.options.tail,
        },
    }
}

/// Toggles managedFields in the YAML view.
pub fn toggle_managed_fields(detail: &mut Detail) {
    if let DetailView::Yaml {
        pane,
        object: Some(object),
        show_managed_fields,
    } = &mut detail.view
    {
        *show_managed_fields = !*show_managed_fields;
        pane.set_lines(yaml_lines(object, *show_managed_fields));
        // The lines were rebuilt as stored.
        detail.decoded = false;
    }
}

/// A log option changed: new id (late lines of the old stream are dropped), clear, restart.
pub fn restart_logs(state: &mut State, change: impl FnOnce(&mut LogView)) -> Vec<Effect> {
    let id = state.new_id();
    let context = open_context(state);
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    let DetailView::Logs(logs) = &mut detail.view else {
        return Vec::new();
    };
    change(logs);
    if logs.workload.is_some() {
        return super::workload_logs::restart(detail.id, &context, logs);
    }
    if logs.waiting_for_pod {
        // Keep the id: the pod object on its way starts the stream with the new options.
        return Vec::new();
    }
    logs.restart();
    detail.id = id;
    vec![stream(id, &detail.target, &context, logs)]
}
