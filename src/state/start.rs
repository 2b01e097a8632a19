//! The kubeconfig was read: the contexts to list and the one to open first.

use super::{Cursor, Effect, Focus, State};
use crate::kube::kubeconfig::ContextInfo;

pub(super) fn on_contexts(
    state: &mut State,
    contexts: Vec<ContextInfo>,
    (selected, fleet): (Option<String>, Vec<String>),
    namespace: Option<String>,
    error: Option<String>,
) -> Vec<Effect> {
    state.dirty = true;
    state.contexts = contexts;
    state.contexts_cursor = Cursor::default();
    if state.contexts.is_empty() {
        state.fatal = Some(error.unwrap_or_else(|| "the kubeconfig has no contexts".into()));
        return Vec::new();
    }
    state.kubeconfig_error = error;
    state.requested_namespace = namespace.clone();
    if !fleet.is_empty() {
        let namespace = namespace.filter(|_| !state.opts.all_namespaces);
        return super::fleet::open(state, &fleet, namespace);
    }
    match selected {
        Some(context) => {
            let namespace = namespace.filter(|_| !state.opts.all_namespaces);
            state.open_context(context, namespace)
        }
        None => {
            state.focus = Focus::Contexts;
            state.hint = Some("no current context: pick one and press Enter".into());
            Vec::new()
        }
    }
}
