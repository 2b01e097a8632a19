//! The terminal window's title: `kr8s-tui: context/namespace`, sent only when it changes.

use super::State;
use crate::msg::Effect;

/// `Effect::SetTitle` when the window title (context/namespace) changed since the last call;
/// the app loop asks after every update.
pub fn title_effect(state: &mut State) -> Option<Effect> {
    let title = window_title(state);
    if title == state.title {
        return None;
    }
    state.title.clone_from(&title);
    Some(Effect::SetTitle { title })
}

/// `kr8s-tui: context/namespace` ("all" for all namespaces), safe for a terminal title.
pub fn window_title(state: &State) -> String {
    let Some(context) = super::fleet::short_label(state) else {
        return "kr8s-tui".into();
    };
    let namespace = state.namespace.as_deref().unwrap_or("all");
    crate::text::sanitize(&format!("kr8s-tui: {context}/{namespace}")).into_owned()
}
