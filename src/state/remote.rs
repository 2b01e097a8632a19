//! Shell and attach on the selected pod: refused under `--readonly` before anything is sent
//! (both are `create` on a pod subresource), else a foreground job the app loop runs.

use super::{Notify, State};
use crate::msg::{Effect, Foreground};

pub(super) fn open(state: &mut State, attach: bool) -> Vec<Effect> {
    let what = if attach { "attach" } else { "shell" };
    if state.opts.readonly {
        let sub = if attach { "pods/attach" } else { "pods/exec" };
        state.flash.error(format!(
            "read-only mode (--readonly): {what} refused (it is create on {sub})"
        ));
        return Vec::new();
    }
    let (Some(row), Some(context)) = (state.pods.selected(), state.context.clone()) else {
        state.flash.info("no pod selected");
        return Vec::new();
    };
    vec![Effect::Foreground(Foreground::Shell {
        context,
        namespace: row.namespace.clone(),
        pod: row.name.clone(),
        container: None,
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
