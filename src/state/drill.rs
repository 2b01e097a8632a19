//! Enter on a row of another kind, as k9s users expect: a workload, a service, a node or a
//! namespace leads to its pods, listed and watched by the server with the matching selector.
//! Each step pushes what was on screen; Esc pops it back with the cursor where it was.

use serde_json::Value;

use super::detail::ObjectRef;
use super::kinds::ResourceView;
use super::views::sync_namespace_cursor;
use super::{Effect, Focus, Notify, State};
use crate::kube::Failure;
use crate::kube::discovery::ApiResource;
use crate::kube::selector::{self, SelectorError};

/// The Enter path of the pods on screen.
#[derive(Debug, Clone, Default)]
pub struct Drill {
    /// What Esc goes back to, innermost last.
    pub frames: Vec<Frame>,
    /// What the pods on screen were reached from, as `deploy/hello-web` (the breadcrumb
    /// shows `pods (deploy/hello-web)`); `None` for the pods as the user scoped them.
    pub origin: Option<String>,
    /// An Enter waiting for its object, whose selector picks the pods.
    pending: Option<Pending>,
}

impl Drill {
    /// The id of the object fetch an Enter waits for.
    pub fn awaited_id(&self) -> Option<u64> {
        self.pending.as_ref().map(|p| p.id)
    }
}

/// What the screen showed before an Enter: Esc restores it.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The table Enter was pressed on (rows, cursor and filter as they were).
    resource: Option<ResourceView>,
    namespace: Option<String>,
    label_selector: Option<String>,
    field_selector: Option<String>,
    origin: Option<String>,
    /// The one fleet member the pods came from (`Fleet::only`).
    fleet_only: Option<usize>,
    /// The pod the pods table's cursor was on, and its filter.
    pods_cursor: Option<(String, String)>,
    pods_query: String,
}

/// An object fetched for its selector.
#[derive(Debug, Clone)]
struct Pending {
    id: u64,
    /// The resource view Enter was pressed on; the answer is dropped if it closed.
    view_id: u64,
    target: ObjectRef,
}

/// Which pods an object leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leads {
    /// Pods in the namespace.
    Namespace,
    /// Pods bound to the node, in every namespace.
    Node,
    /// Pods matching `spec.selector`, a `metav1.LabelSelector`.
    LabelSelector,
    /// Pods matching `spec.selector`, a plain map (Service, ReplicationController).
    MapSelector,
}

impl Leads {
    fn of(resource: &ApiResource) -> Option<Leads> {
        let (group, plural) = (resource.group.as_str(), resource.plural.as_str());
        match (group, plural) {
            ("", "namespaces") => Some(Leads::Namespace),
            ("", "nodes") => Some(Leads::Node),
            ("", "services" | "replicationcontrollers") => Some(Leads::MapSelector),
            ("apps" | "extensions", "deployments" | "statefulsets" | "daemonsets")
            | ("apps" | "extensions", "replicasets")
            | ("batch", "jobs") => Some(Leads::LabelSelector),
            _ => None,
        }
    }
}

/// `deploy/hello-web`: the object as a k9s or kubectl user names it.
fn origin_label(target: &ObjectRef) -> String {
    let kind = match target.resource.plural.as_str() {
        "deployments" => "deploy",
        "statefulsets" => "sts",
        "daemonsets" => "ds",
        "replicasets" => "rs",
        "services" => "svc",
        "replicationcontrollers" => "rc",
        "namespaces" => "ns",
        _ => target.resource.singular.as_str(),
    };
    format!("{kind}/{}", target.name)
}

/// Enter on the resource table: the pods of the selected object, or a word on why not.
pub fn enter_resource(state: &mut State) -> Vec<Effect> {
    let Some(view) = &state.resource else {
        return Vec::new();
    };
    let Some(target) = view.selected() else {
        return Vec::new();
    };
    let view_id = view.id;
    match Leads::of(&target.resource) {
        Some(Leads::Namespace) => {
            let namespace = Some(target.name.clone());
            open_pods(state, &target, namespace, None, None)
        }
        Some(Leads::Node) => {
            let field = Some(format!("spec.nodeName={}", target.name));
            open_pods(state, &target, None, None, field)
        }
        Some(Leads::LabelSelector | Leads::MapSelector) => {
            // The table row has the object's metadata only: one GET brings its selector.
            let id = state.new_id();
            let effect = Effect::FetchObject {
                id,
                context: target.context_in(state),
                path: target.path(),
            };
            state
                .flash
                .info(format!("{}: reading its selector…", origin_label(&target)));
            state.drill.pending = Some(Pending {
                id,
                view_id,
                target,
            });
            vec![effect]
        }
        None => {
            let keys = state.keymap.keys_for(crate::keys::Action::Yaml);
            let yaml = keys.first().map_or("yaml", String::as_str);
            let text = format!(
                "enter: {} have no pods to open · {yaml} shows the YAML",
                target.resource.plural
            );
            state.flash.info(text);
            Vec::new()
        }
    }
}

/// The object an Enter waited for arrived: its selector picks the pods.
pub fn on_object(state: &mut State, result: Result<Value, Failure>) -> Vec<Effect> {
    let Some(pending) = state.drill.pending.take() else {
        return Vec::new();
    };
    // The user moved on (closed the table, opened another): the answer is not wanted.
    if state.resource.as_ref().map(|v| v.id) != Some(pending.view_id) {
        return Vec::new();
    }
    state.dirty = true;
    state.flash = None;
    let target = pending.target;
    let label = origin_label(&target);
    let object = match result {
        Ok(object) => object,
        Err(e) => {
            state.flash.error(format!("{label}: {e}"));
            return Vec::new();
        }
    };
    let spec_selector = &object["spec"]["selector"];
    let selector = match Leads::of(&target.resource) {
        Some(Leads::MapSelector) => selector::from_map(spec_selector),
        _ => selector::from_label_selector(spec_selector),
    };
    match selector {
        Ok(selector) => {
            let selector = (!selector.is_empty()).then_some(selector);
            let namespace = target.namespace.clone();
            open_pods(state, &target, namespace, selector, None)
        }
        Err(SelectorError::Missing) => {
            state
                .flash
                .info(format!("{label} has no selector: no pods"));
            Vec::new()
        }
        Err(e) => {
            state.flash.error(format!("{label} {e}"));
            Vec::new()
        }
    }
}

/// Shows the pods of `namespace` with the selectors, as reached from `target`, keeping the
/// screen as it was for Esc.
fn open_pods(
    state: &mut State,
    target: &ObjectRef,
    namespace: Option<String>,
    label_selector: Option<String>,
    field_selector: Option<String>,
) -> Vec<Effect> {
    let frame = Frame {
        resource: state.resource.take(),
        namespace: state.namespace.clone(),
        label_selector: state.label_selector.clone(),
        field_selector: state.field_selector.clone(),
        origin: state.drill.origin.take(),
        fleet_only: state.fleet.as_ref().and_then(|f| f.only),
        pods_cursor: state.pods.selected_pod(),
        pods_query: state.pods.view().query().to_string(),
    };
    let mut effects = match frame.resource {
        Some(_) => vec![Effect::StopTable],
        None => Vec::new(),
    };
    state.drill.frames.push(frame);
    state.drill.origin = Some(origin_label(target));
    state.containers = None;
    state.field_selector = field_selector;
    sync_namespace_cursor(state, namespace.as_deref());
    // A fleet row's workload or node leads to pods of its own cluster only.
    let member = target
        .context
        .as_deref()
        .and_then(|c| super::fleet::member_index(state, c));
    if let (Some(fleet), Some(member)) = (state.fleet.as_mut(), member) {
        fleet.only = Some(member);
    }
    effects.push(state.watch_pods(namespace, label_selector));
    state.pods.set_query("");
    state.focus = Focus::Pods;
    effects
}

/// Esc on pods reached by Enter: back to what was on screen before, the cursor on the row it
/// was on (once the list brings it again). `None` when Enter led nowhere.
pub fn back(state: &mut State) -> Option<Vec<Effect>> {
    let frame = state.drill.frames.pop()?;
    state.drill.pending = None;
    state.drill.origin = frame.origin;
    state.containers = None;
    state.field_selector = frame.field_selector;
    sync_namespace_cursor(state, frame.namespace.as_deref());
    if let Some(fleet) = state.fleet.as_mut() {
        fleet.only = frame.fleet_only;
    }
    let mut effects = vec![state.watch_pods(frame.namespace, frame.label_selector)];
    state.pods.set_query(&frame.pods_query);
    state.pods.await_cursor(frame.pods_cursor);
    if let Some(mut view) = frame.resource {
        // The table shows at once as it was, then its list-watch starts again under a new id.
        view.id = state.new_id();
        view.awaited = view.selected_key();
        view.live = false;
        view.error = None;
        let path = view.resource.collection_path(view.namespace.as_deref());
        let id = view.id;
        state.resource = Some(view);
        effects.push(super::kinds::watch_table(state, id, path));
    }
    state.focus = Focus::Pods;
    Some(effects)
}

/// The user chose another namespace (or all): the Enter path no longer applies. Pods keep the
/// label selector the user had before it, not the one Enter set.
pub fn leave(state: &mut State) {
    state.drill.pending = None;
    state.drill.origin = None;
    state.containers = None;
    if let Some(first) = state.drill.frames.first() {
        state.label_selector = first.label_selector.clone();
        state.field_selector = first.field_selector.clone();
        if let Some(fleet) = state.fleet.as_mut() {
            fleet.only = first.fleet_only;
        }
    }
    state.drill.frames.clear();
}

/// The user set a label selector (`/-l …`): the pods are no longer what Enter picked.
pub fn selector_changed(state: &mut State) {
    state.drill.origin = None;
}
