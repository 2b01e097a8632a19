//! Marked rows (Space) of the table on screen, keyed by namespace/name so they survive the
//! filter and live updates; a row the server deleted loses its mark. Ctrl-D with marks deletes
//! them all after one confirmation.

use std::collections::BTreeSet;

use super::detail::ObjectRef;
use super::ops::{Dialog, refused};
use super::{Effect, Focus, Notify, State};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::watcher::{Change, Event};

/// The marks of one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Which table they belong to: "" for the pods, else the resource's qualified name.
    scope: String,
    keys: BTreeSet<(String, String)>,
    /// A bulk delete under way: the deletes not answered yet (by their `what`) ...
    deleting: BTreeSet<String>,
    /// ... and what failed so far, with the server's words.
    failed: Vec<String>,
    /// How many the bulk delete asked for, and of which kind (`pods`).
    asked: usize,
    plural: String,
}

impl Marks {
    /// True when (namespace, name) of the table in `scope` is marked.
    pub fn contains(&self, scope: &str, namespace: &str, name: &str) -> bool {
        self.scope == scope
            && self
                .keys
                .contains(&(namespace.to_string(), name.to_string()))
    }

    /// True while a bulk delete waits for answers.
    pub fn deleting_any(&self) -> bool {
        !self.deleting.is_empty()
    }

    /// Keeps only the marks of `listed` rows (a whole new list arrived).
    fn keep_only<'a>(&mut self, listed: impl Iterator<Item = (&'a str, &'a str)>) {
        // Cheap when nothing is marked (a relist of 100 000 pods).
        if self.keys.is_empty() {
            return;
        }
        let listed: BTreeSet<(&str, &str)> = listed.collect();
        self.keys
            .retain(|(ns, name)| listed.contains(&(ns.as_str(), name.as_str())));
    }

    /// Drops the marks of rows the server deleted.
    fn forget<'a>(&mut self, gone: impl Iterator<Item = (&'a str, &'a str)>) {
        for (ns, name) in gone {
            self.keys.remove(&(ns.to_string(), name.to_string()));
        }
    }
}

/// The scope of the table on screen: "" for the pods, the resource's qualified name for a
/// `:kind` table; `None` when no table has the keyboard.
pub fn scope(state: &State) -> Option<String> {
    if state.focus != Focus::Pods || state.containers.is_some() || state.detail.is_some() {
        return None;
    }
    Some(match &state.resource {
        Some(view) => view.resource.qualified_name(),
        None => String::new(),
    })
}

/// Marks on the table on screen.
pub fn count(state: &State) -> usize {
    match scope(state) {
        Some(scope) if scope == state.ops.marks.scope => state.ops.marks.keys.len(),
        _ => 0,
    }
}

/// Space: marks or unmarks the row under the cursor and moves down, as k9s does.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    // Marks name objects by namespace and name, which several clusters share: one bulk
    // action must never reach a cluster the user did not mean.
    if state.fleet.is_some() {
        state
            .flash
            .error("marks work in one context: open it alone (:ctx NAME)");
        return Vec::new();
    }
    let Some(scope) = scope(state) else {
        return Vec::new();
    };
    let key = match &state.resource {
        Some(view) => view.selected_key(),
        None => state
            .pods
            .selected()
            .map(|p| (p.namespace.clone(), p.name.clone())),
    };
    let Some(key) = key else {
        return Vec::new();
    };
    let marks = &mut state.ops.marks;
    if marks.scope != scope {
        marks.scope = scope;
        marks.keys.clear();
    }
    if !marks.keys.remove(&key) {
        marks.keys.insert(key);
    }
    match state.resource.as_mut() {
        Some(view) => {
            let len = view.len();
            view.cursor.on_move(Action::Down, len);
        }
        None => {
            let len = state.pods.visible_len();
            state.pods.cursor.on_move(Action::Down, len);
        }
    }
    Vec::new()
}

/// Unmarks everything.
pub fn clear(state: &mut State) {
    state.ops.marks.keys.clear();
}

/// The marked objects of the table on screen.
fn targets(state: &State) -> Vec<ObjectRef> {
    let keys = state.ops.marks.keys.iter();
    match &state.resource {
        Some(view) => keys
            .map(|(ns, name)| ObjectRef {
                context: None,
                resource: view.resource.clone(),
                namespace: (!ns.is_empty()).then(|| ns.clone()),
                name: name.clone(),
            })
            .collect(),
        None => keys.map(|(ns, name)| ObjectRef::pod(ns, name)).collect(),
    }
}

/// Ctrl-D with marks: one confirmation for all of them.
pub fn ask_delete(state: &mut State) -> Vec<Effect> {
    let targets = targets(state);
    let Some(first) = targets.first() else {
        return Vec::new();
    };
    if refused(state, "bulk delete") {
        return Vec::new();
    }
    if !first.resource.allows("delete") {
        let plural = &first.resource.plural;
        state.flash.error(format!("{plural} cannot be deleted"));
        return Vec::new();
    }
    state.ops.dialog = Some(Dialog::BulkDelete { targets });
    Vec::new()
}

/// Deletes `targets` (the marks go: the rows show Terminating, then leave).
pub fn delete(state: &mut State, targets: Vec<ObjectRef>) -> Vec<Effect> {
    let context = state.context.clone().unwrap_or_default();
    let marks = &mut state.ops.marks;
    marks.keys.clear();
    marks.failed.clear();
    marks.asked = targets.len();
    let plural = targets
        .first()
        .map(|t| t.resource.plural.clone())
        .unwrap_or_default();
    marks.plural.clone_from(&plural);
    let effects: Vec<Effect> = targets
        .into_iter()
        .map(|target| {
            let what = target.describe();
            marks.deleting.insert(what.clone());
            Effect::Delete {
                context: context.clone(),
                path: target.path(),
                what,
            }
        })
        .collect();
    state
        .flash
        .info(format!("deleting {} {plural}…", effects.len()));
    effects
}

/// A delete finished. True when it was part of a bulk delete (this module words the result:
/// one summary when the last answer is in).
pub fn on_deleted(state: &mut State, what: &str, result: &Result<(), Failure>) -> bool {
    let marks = &mut state.ops.marks;
    if !marks.deleting.remove(what) {
        return false;
    }
    if let Err(e) = result {
        marks.failed.push(format!("{what}: {e}"));
    }
    if marks.deleting.is_empty() {
        let asked = marks.asked;
        let failed = std::mem::take(&mut marks.failed);
        match failed.len() {
            0 => state
                .flash
                .info(format!("deleted {asked} {}", marks.plural)),
            n => state.flash.error(format!(
                "deleted {} of {asked} {}; failed: {}",
                asked - n,
                marks.plural,
                failed.join("; ")
            )),
        }
    }
    true
}

/// Rows the pods watch deleted, or a whole new list left out, lose their marks.
pub fn on_pods_event(state: &mut State, event: &crate::msg::PodsEvent) {
    if !state.ops.marks.scope.is_empty() {
        return;
    }
    let marks = &mut state.ops.marks;
    match event {
        Event::Changes(changes) => marks.forget(deleted(changes, |r| (&r.namespace, &r.name))),
        Event::Page {
            page,
            first: true,
            last: true,
        } => marks.keep_only(page.iter().map(|r| (r.namespace.as_str(), r.name.as_str()))),
        _ => {}
    }
}

/// (namespace, name) of the deleted rows of `changes`.
fn deleted<'a, T>(
    changes: &'a [Change<T>],
    key: impl Fn(&'a T) -> (&'a String, &'a String),
) -> impl Iterator<Item = (&'a str, &'a str)> {
    changes.iter().filter_map(move |c| match c {
        Change::Deleted(row) => {
            let (ns, name) = key(row);
            Some((ns.as_str(), name.as_str()))
        }
        _ => None,
    })
}

/// Rows a resource table's watch deleted lose their marks.
pub fn on_table_event(state: &mut State, id: u64, event: &crate::msg::TableFeedEvent) {
    let Some(view) = state.resource.as_ref().filter(|v| v.id == id) else {
        return;
    };
    if state.ops.marks.scope != view.resource.qualified_name() {
        return;
    }
    let marks = &mut state.ops.marks;
    match event {
        Event::Changes(changes) => marks.forget(deleted(changes, |r| (&r.namespace, &r.name))),
        Event::Page {
            page,
            first: true,
            last: true,
        } => marks.keep_only(
            page.rows
                .iter()
                .map(|r| (r.namespace.as_str(), r.name.as_str())),
        ),
        _ => {}
    }
}
