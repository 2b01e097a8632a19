//! Shell and attach on the selected pod: refused under `--readonly` before anything is sent
//! (both are `create` on a pod subresource), else a foreground job the app loop runs.

use super::{Notify, State};
use crate::msg::{Effect, Foreground};

/// The pod (and container, `None` = its default one) a shell or attach goes to.
pub(super) struct Target {
    /// A fleet row's context (`None`: the open one).
    pub context: Option<String>,
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
}

/// `s`/`a` on the pods table: the selected pod's default container.
pub(super) fn open(state: &mut State, attach: bool) -> Vec<Effect> {
    let Some(row) = state.pods.selected() else {
        state.flash.info("no pod selected");
        return Vec::new();
    };
    // READY counts the pod's containers ("1/2"): with several, the containers view is the
    // picker, and `s`/`a` there goes to the one under the cursor.
    let several = row
        .ready
        .split_once('/')
        .and_then(|(_, n)| n.parse::<usize>().ok())
        .is_some_and(|n| n > 1);
    if several && !state.opts.readonly {
        let (what, action) = match attach {
            true => ("attach", crate::keys::Action::Attach),
            false => ("shell", crate::keys::Action::Shell),
        };
        return pick_container(state, what, action);
    }
    let target = Target {
        context: row.context.as_deref().map(str::to_string),
        namespace: row.namespace.clone(),
        pod: row.name.clone(),
        container: None,
    };
    open_in(state, target, attach)
}

/// Opens the selected pod's containers view as the picker for `what`, saying which key acts.
pub(super) fn pick_container(
    state: &mut State,
    what: &str,
    action: crate::keys::Action,
) -> Vec<Effect> {
    let effects = super::containers::open(state);
    let key = state
        .keymap
        .keys_for(action)
        .first()
        .cloned()
        .unwrap_or_default();
    state
        .flash
        .info(format!("{what}: pick a container, then {key}"));
    effects
}

/// A shell or attach in `target`, refused under `--readonly`.
pub(super) fn open_in(state: &mut State, target: Target, attach: bool) -> Vec<Effect> {
    let what = if attach { "attach" } else { "shell" };
    if state.opts.readonly {
        let why = super::replay::refused(state);
        let sub = if attach { "pods/attach" } else { "pods/exec" };
        state
            .flash
            .error(format!("{why}: {what} refused (it is create on {sub})"));
        return Vec::new();
    }
    let Some(context) = target.context.clone().or_else(|| state.context.clone()) else {
        state.flash.info("no context open");
        return Vec::new();
    };
    vec![Effect::Foreground(Foreground::Shell {
        context,
        namespace: target.namespace,
        pod: target.pod,
        container: target.container,
        attach,
    })]
}

/// The terminal is back: say how the job ended (and redraw, which the loop forces anyway).
pub(super) fn ended(state: &mut State, outcome: Result<String, String>) -> Vec<Effect> {
    state.dirty = true;
    match outcome {
        Ok(text) => state.flash.info(text),
        Err(text) => state.flash.error(text),
    }
    Vec::new()
}
