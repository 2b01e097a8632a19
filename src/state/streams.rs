//! What the list-watch streams of the open context report: pods and namespaces. The state keeps
//! facts (the failure, when the engine tries again); the status bar words them each frame, so a
//! retry countdown counts down.

use super::{PodsLoad, State};
use crate::kube::Failure;
use crate::kube::watcher::{Change, Event};
use crate::msg::{NamesEvent, PodsEvent};

/// A failure of a stream or request, and when it is tried again (`None`: not by itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub failure: Failure,
    pub retry_at: Option<jiff::Timestamp>,
}

impl Problem {
    /// A failure nobody retries.
    pub fn once(failure: Failure) -> Problem {
        Problem {
            failure,
            retry_at: None,
        }
    }

    /// The failure's words (the server's Status message for API errors).
    pub fn message(&self) -> &str {
        &self.failure.message
    }
}

/// An event of the pods list-watch of the current pods generation.
pub fn on_pods(state: &mut State, event: PodsEvent) {
    if !matches!(event, Event::Failed { .. }) {
        server_answered(state);
    }
    match event {
        Event::Page { page, first, last } => {
            if first {
                state.pods.replace(page);
            } else {
                state.pods.append(page);
            }
            if last {
                state.pods.list_done();
            }
            state.pods_load = if last {
                PodsLoad::Watching
            } else {
                PodsLoad::Loading
            };
            state.pods_error = None;
        }
        Event::Changes(changes) => {
            state.pods.apply(changes);
            state.pods_error = None;
        }
        // A watch is up again: the error and its countdown go away.
        Event::Live => state.pods_error = None,
        Event::Failed { error, retry_at } => {
            state.pods_error = Some(Problem {
                failure: error,
                retry_at,
            })
        }
    }
}

/// The server answered a stream: an older "cannot reach it" from the /version poll is stale
/// (the next poll brings the version and latency back).
fn server_answered(state: &mut State) {
    if state
        .version_error
        .as_ref()
        .is_some_and(|f| f.is_unreachable())
    {
        state.version_error = None;
    }
}

/// An event of the namespaces list-watch of the current context generation.
pub fn on_namespaces(state: &mut State, event: NamesEvent) {
    // The cursor stays on its namespace while the list changes, except that a fresh list
    // puts it on the one watched.
    let mut keep = selected_namespace(state);
    match event {
        Event::Page { page, first, .. } => {
            if first {
                state.namespaces = page;
                keep = state.namespace.clone();
            } else {
                state.namespaces.extend(page);
            }
            state.namespaces_error = None;
        }
        Event::Changes(changes) => {
            for change in changes {
                match change {
                    Change::Added(name) | Change::Modified(name) => state.namespaces.push(name),
                    Change::Deleted(name) => state.namespaces.retain(|n| *n != name),
                }
            }
        }
        Event::Live => state.namespaces_error = None,
        Event::Failed { error, retry_at } => {
            if error.is_forbidden() && state.namespaces.is_empty() {
                forbidden_fallback(state);
                keep = state.namespace.clone();
            }
            state.namespaces_error = Some(Problem {
                failure: error,
                retry_at,
            });
        }
    }
    state.namespaces.sort();
    state.namespaces.dedup();
    let index = match &keep {
        None => 0,
        Some(ns) => state.namespaces.binary_search(ns).map_or(0, |i| i + 1),
    };
    state
        .namespaces_cursor
        .select(index, state.namespace_entries());
}

/// The namespace under the namespaces cursor (`None`: "all").
fn selected_namespace(state: &State) -> Option<String> {
    match state.namespaces_cursor.selected() {
        0 => None,
        n => state.namespaces.get(n - 1).cloned(),
    }
}

/// The user may not list namespaces (RBAC): offer the namespaces the app knows of anyway, the
/// context's own and the one asked for, as a kubectl user carries on with `-n`.
fn forbidden_fallback(state: &mut State) {
    let context_ns = state.connection.as_ref().map(|c| c.namespace.clone());
    let known = [
        context_ns,
        state.namespace.clone(),
        state.requested_namespace.clone(),
    ];
    state.namespaces = known
        .into_iter()
        .flatten()
        .filter(|ns| !ns.is_empty())
        .collect();
}
