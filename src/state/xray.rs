//! `:xray KIND`: the owner tree of a kind (deploy → rs → pod → container, sts/ds/job → pod,
//! cronjob → job → pod, svc → selected pods) in the current namespace or all of them, read
//! from a few whole lists once (Ctrl-R reads them again).

pub mod tree;
#[cfg(test)]
mod tree_tests;

use serde_json::Value;

use super::cursor::Cursor;
use super::detail::{self, ObjectRef};
use super::{Effect, Focus, Notify, State};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::discovery::{ApiResource, resolve, resolve_noting};
pub use tree::{Kind, Mark, Node, Root};

/// The open tree.
#[derive(Debug, Clone)]
pub struct XrayView {
    /// Id of the latest read of the lists; older answers are dropped.
    pub id: u64,
    /// The kind as typed (`deploy`): what back/forward opens again.
    pub word: String,
    pub root: Root,
    /// The root's resource type, and the middle one (ReplicaSets, Jobs) where there is one.
    pub resource: ApiResource,
    middle: Option<ApiResource>,
    /// `None`: all namespaces.
    pub namespace: Option<String>,
    /// Every node of the tree; `None` until the lists arrived.
    pub nodes: Option<Vec<Node>>,
    /// The nodes the filter lets through (all without one); the cursor moves over these.
    shown: Vec<Node>,
    /// The filter (`/`): names containing it, with their owners and what they own.
    pub query: String,
    pub error: Option<Failure>,
    pub cursor: Cursor,
    /// A node to select once the tree is read, as (namespace, `kind/name`).
    awaited: Option<(String, String)>,
}

/// Each node's identity, (namespace, `kind/name`); a container's also names its pod, as
/// containers of sibling pods share names.
fn node_keys(nodes: &[Node]) -> impl Iterator<Item = (String, String)> + '_ {
    let mut pod = "";
    nodes.iter().map(move |node| {
        let name = match node.kind {
            Kind::Container => format!("container/{pod}/{}", node.name),
            Kind::Pod => {
                pod = &node.name;
                format!("pod/{pod}")
            }
            kind => format!("{}/{}", kind.short(), node.name),
        };
        (node.namespace.clone(), name)
    })
}

fn position(nodes: &[Node], key: &(String, String)) -> Option<usize> {
    node_keys(nodes).position(|k| k == *key)
}

impl XrayView {
    /// The rows shown (none while loading).
    pub fn nodes(&self) -> &[Node] {
        &self.shown
    }

    /// Changes the filter; the cursor stays on its node when still shown.
    pub fn set_query(&mut self, query: &str) {
        let keep = self.selected_key();
        self.query = query.to_string();
        self.shown = tree::filter(self.nodes.as_deref().unwrap_or(&[]), query);
        if !keep.is_some_and(|k| self.select_key(&k)) {
            self.cursor.select(0, self.shown.len());
        }
    }

    /// (namespace, `kind/name`) of the selected node.
    pub fn selected_key(&self) -> Option<(String, String)> {
        node_keys(self.nodes()).nth(self.cursor.selected())
    }

    /// Puts the cursor on node `key` (namespace, `kind/name`); false when it is not there.
    pub fn select_key(&mut self, key: &(String, String)) -> bool {
        let at = position(self.nodes(), key);
        let len = self.nodes().len();
        if let Some(at) = at {
            self.cursor.select(at, len);
        }
        at.is_some()
    }

    /// The object of the selected node, and the container when it is one (its pod then).
    pub fn selected(&self) -> Option<(ObjectRef, Option<String>)> {
        let nodes = self.nodes();
        let at = self.cursor.selected();
        let node = nodes.get(at)?;
        if node.kind == Kind::Container {
            let pod = nodes[..at].iter().rev().find(|n| n.kind == Kind::Pod)?;
            let object = ObjectRef::pod(&pod.namespace, &pod.name);
            return Some((object, Some(node.name.clone())));
        }
        let resource = match node.kind {
            Kind::Pod => ApiResource::pods(),
            Kind::ReplicaSet => self.middle.clone()?,
            Kind::Job if self.root == Root::CronJob => self.middle.clone()?,
            _ => self.resource.clone(),
        };
        let object = ObjectRef {
            context: None,
            resource,
            namespace: Some(node.namespace.clone()).filter(|ns| !ns.is_empty()),
            name: node.name.clone(),
        };
        Some((object, None))
    }
}

/// `:xray WORD`, selecting node `selected` once read (back/forward).
pub fn open_word(state: &mut State, word: &str, selected: Option<(String, String)>) -> Vec<Effect> {
    if state.fleet.is_some() {
        state
            .flash
            .error("xray shows one context: open it alone (:ctx NAME)");
        return Vec::new();
    }
    if !state.discovery.ready_for(state.context_gen) {
        if state.context.is_none() {
            state.flash.error("no context: pick one first");
            return Vec::new();
        }
        state.discovery.pending_command = Some(format!("xray {word}"));
        state.flash.info("reading the server's resource types…");
        return super::kinds::ensure_discovery(state);
    }
    let resources = &state.discovery.resources;
    let resource = match resolve_noting(word, resources) {
        Ok(found) => found.resource.clone(),
        Err(e) => {
            state.flash.error(e.to_string());
            return Vec::new();
        }
    };
    let Some(root) = Root::of(&resource.group, &resource.plural) else {
        state.flash.error(format!(
            "xray: {} have no owner tree · try deploy, sts, ds, job, cj or svc",
            resource.plural
        ));
        return Vec::new();
    };
    let middle = root
        .middle()
        .and_then(|(group, plural)| resolve(&format!("{plural}.{group}"), resources).ok())
        .cloned();
    let mut effects = detail::close(state);
    state.containers = None;
    state.focus = Focus::Pods;
    let id = state.new_id();
    state.xray = Some(XrayView {
        id,
        word: word.to_string(),
        root,
        resource,
        middle,
        namespace: state.namespace.clone(),
        nodes: None,
        shown: Vec::new(),
        query: String::new(),
        error: None,
        cursor: Cursor::default(),
        awaited: selected,
    });
    effects.extend(fetch(state));
    effects
}

/// Reads the lists of the open tree.
fn fetch(state: &State) -> Vec<Effect> {
    let Some(view) = &state.xray else {
        return Vec::new();
    };
    let namespace = view.namespace.as_deref();
    let pods = ApiResource::pods();
    let paths = std::iter::once(&view.resource)
        .chain(view.middle.as_ref())
        .chain(std::iter::once(&pods))
        .map(|r| r.collection_path(namespace.filter(|_| r.namespaced)))
        .collect();
    vec![Effect::FetchLists {
        id: view.id,
        context: state.context.clone().unwrap_or_default(),
        paths,
    }]
}

/// Closes the tree (what was below shows again).
pub fn close(state: &mut State) -> Vec<Effect> {
    state.xray = None;
    Vec::new()
}

/// The namespace changed: the open tree is read again there.
pub fn reopen(state: &mut State) -> Vec<Effect> {
    match state.xray.take() {
        Some(view) => open_word(state, &view.word, view.selected_key()),
        None => Vec::new(),
    }
}

/// The lists of tree `id` arrived.
pub fn on_lists(state: &mut State, id: u64, result: Result<Vec<Value>, Failure>) {
    let Some(view) = state.xray.as_mut().filter(|v| v.id == id) else {
        return;
    };
    state.dirty = true;
    match result {
        Ok(lists) => {
            let keep = view.awaited.take().or_else(|| view.selected_key());
            view.nodes = Some(tree::build(view.root, &lists));
            view.shown = tree::filter(view.nodes.as_deref().unwrap_or(&[]), &view.query);
            view.error = None;
            let at = keep.and_then(|k| position(&view.shown, &k));
            let len = view.shown.len();
            view.cursor
                .select(at.unwrap_or(view.cursor.selected()), len);
        }
        Err(e) => view.error = Some(e),
    }
}

/// Keys on the tree; `None` leaves the action to the panes.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let view = state.xray.as_mut()?;
    let len = view.nodes().len();
    if view.cursor.on_move(action, len) {
        return Some(Vec::new());
    }
    let selected = view.selected();
    match action {
        Action::Close if !view.query.is_empty() => {
            view.set_query("");
            Some(Vec::new())
        }
        Action::Close => Some(close(state)),
        Action::Search => {
            let text = view.query.clone();
            let kind = super::nav::PromptKind::Filter;
            state.prompt = Some(super::nav::Prompt::new(kind, &text));
            Some(Vec::new())
        }
        Action::Refresh => Some(refresh(state)),
        // The tree follows the namespace, as tables do.
        Action::AllNamespaces => Some(super::views::toggle_all_namespaces(state)),
        Action::Select => Some(enter(state, selected)),
        Action::Yaml | Action::Describe | Action::Logs | Action::Delete | Action::Edit => {
            let Some((target, container)) = selected else {
                return Some(Vec::new());
            };
            if action == Action::Logs && container.is_some() {
                return Some(detail::open_logs(state, target, container));
            }
            Some(super::nav::act_on(state, action, target))
        }
        _ => None,
    }
}

/// Ctrl-R: reads the lists again under a new id.
fn refresh(state: &mut State) -> Vec<Effect> {
    let id = state.new_id();
    if let Some(view) = state.xray.as_mut() {
        view.id = id;
    }
    fetch(state)
}

/// Enter: a pod or container shows its logs, anything else its description.
fn enter(state: &mut State, selected: Option<(ObjectRef, Option<String>)>) -> Vec<Effect> {
    let Some((target, container)) = selected else {
        return Vec::new();
    };
    if target.resource.is_pods() {
        detail::open_logs(state, target, container)
    } else {
        detail::open(state, detail::DetailKind::Describe, target)
    }
}
