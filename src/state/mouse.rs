//! Mouse input, already mapped to panes and rows by `ui::pane_at`: a click focuses a pane and
//! selects the row under it, the wheel scrolls (the focused list, or the open detail view).

use super::{Focus, Screen, State};
use crate::keys::Action;
use crate::msg::Effect;

/// Left click on `row` of `pane` (on the main screen, without a detail view or dialog open).
pub fn on_click(state: &mut State, pane: Focus, row: Option<usize>) -> Vec<Effect> {
    if !main_panes_visible(state) {
        return Vec::new();
    }
    state.dirty = true;
    state.focus = pane;
    let Some(row) = row else {
        return Vec::new();
    };
    if let Some(view) = state.xray.as_mut().filter(|_| pane == Focus::Pods) {
        let len = view.nodes().len();
        let index = view.cursor.offset() + row;
        if index < len {
            view.cursor.select(index, len);
        }
        return Vec::new();
    }
    let len = match pane {
        Focus::Contexts => state.contexts.len(),
        Focus::Namespaces => state.namespace_entries(),
        Focus::Pods => match (&state.containers, &state.resource) {
            (Some(view), _) => view.len(),
            (None, Some(view)) => view.len(),
            (None, None) => state.pods.visible_len(),
        },
    };
    let cursor = match pane {
        Focus::Contexts => &mut state.contexts_cursor,
        Focus::Namespaces => &mut state.namespaces_cursor,
        Focus::Pods => match (&mut state.containers, &mut state.resource) {
            (Some(view), _) => &mut view.cursor,
            (None, Some(view)) => &mut view.cursor,
            (None, None) => &mut state.pods.cursor,
        },
    };
    let index = cursor.offset() + row;
    if index < len {
        cursor.select(index, len);
    }
    Vec::new()
}

/// Wheel over `pane`: `delta` rows down (up when negative), as the arrow keys would move
/// (so an open detail view or the request log scrolls too).
pub fn on_scroll(state: &mut State, pane: Focus, delta: isize) -> Vec<Effect> {
    let covered = state.help_open
        || state.confirm.is_some()
        || state.prompt.is_some()
        || state.ops.dialog.is_some();
    if covered || state.screen == Screen::Raw {
        return Vec::new();
    }
    if main_panes_visible(state) {
        state.focus = pane;
    }
    let action = if delta < 0 { Action::Up } else { Action::Down };
    let mut effects = Vec::new();
    for _ in 0..delta.unsigned_abs() {
        effects.extend(super::input::on_action(
            state,
            super::input::mode(state),
            action,
        ));
    }
    effects
}

/// True when the contexts, namespaces and pods panes are on screen and nothing covers them.
fn main_panes_visible(state: &State) -> bool {
    state.screen == Screen::Main
        && state.detail.is_none()
        && !state.help_open
        && state.confirm.is_none()
        && state.prompt.is_none()
        && state.ops.dialog.is_none()
        && state.ops.drain.is_none()
}
