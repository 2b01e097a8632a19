//! The kubeconfig was read: the contexts to list and the one to open first.

use super::{Cursor, Effect, Focus, PodsLoad, State};
use super::{drill, fleet, metrics};
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

impl State {
    /// Starts over on `context`: new generations, empty lists, then connect and watch.
    pub(crate) fn open_context(
        &mut self,
        context: String,
        namespace: Option<String>,
    ) -> Vec<Effect> {
        self.context_gen += 1;
        self.context = Some(context.clone());
        self.connection = None;
        self.connection_error = None;
        self.version = None;
        self.version_error = None;
        self.namespaces.clear();
        self.namespaces_cursor = Cursor::default();
        self.namespaces_error = None;
        self.hint = None;
        // Tables of another kind, and where Enter led, belong to the old context.
        self.resource = None;
        self.containers = None;
        self.field_selector = None;
        self.drill = drill::Drill::default();
        // Whether metrics are served is the new cluster's to say.
        self.metrics = metrics::Metrics::default();
        // History is per context; the runtime answers `Connect` with `HistoryLoaded`.
        self.raw.new_context();
        self.pulse.new_context();
        if let Some(index) = self.contexts.iter().position(|c| c.name == context) {
            self.contexts_cursor.select(index, self.contexts.len());
        }
        let connect = Effect::Connect {
            generation: self.context_gen,
            context,
        };
        vec![connect, self.watch_pods(namespace, None)]
    }

    /// Restarts the pods stream for `namespace` (`None` = all) with an optional server-side
    /// label selector; the field selector stays (a node's pods keep to the node).
    pub(crate) fn watch_pods(
        &mut self,
        namespace: Option<String>,
        label_selector: Option<String>,
    ) -> Effect {
        self.pods_gen += 1;
        self.namespace = namespace.clone();
        self.pods.clear();
        self.pods.set_match_namespace(namespace.is_none());
        self.pods.set_fleet(self.fleet.is_some());
        self.label_selector = label_selector.clone();
        self.pods_load = PodsLoad::Loading;
        self.pods_error = None;
        if let Some(fleet) = self.fleet.as_mut() {
            let field_selector = self.field_selector.clone();
            let generation = self.pods_gen;
            let selectors = (label_selector, field_selector);
            return fleet::watch_pods(fleet, generation, namespace, selectors);
        }
        Effect::WatchPods {
            generation: self.pods_gen,
            context: self.context.clone().unwrap_or_default(),
            namespace,
            label_selector,
            field_selector: self.field_selector.clone(),
        }
    }
}
