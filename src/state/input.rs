//! Who gets a key. The input mode is computed once per key, the topmost thing on screen first
//! (Help > Confirm > Edit diff > Prompt > Raw > Request log > Detail > Xray > Containers >
//! Resource > Panes), and each `(mode, action)` pair is handled in one place below.

use crossterm::event::{KeyEvent, KeyModifiers};

use super::{
    Focus, Notify, Screen, State, containers, copy, drain, drill, edit, history_view, kinds, nav,
    ops, owner, panes, raw_keys, views, visits, xray,
};
use crate::keys::Action;
use crate::kube::kubeconfig::ContextInfo;
use crate::msg::Effect;

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The help overlay: movement scrolls it, the rest closes it or quits.
    Help,
    /// The delete dialog: y/n.
    Confirm,
    /// The scale, restart, drain or bulk-delete dialog.
    Dialog,
    /// An edit's diff: apply, edit again, discard; movement scrolls.
    Edit,
    /// The one-line editor (filter, command line, search): printable keys are text.
    Prompt,
    /// The raw-request pane: typing goes to its fields first.
    Raw,
    RequestLog,
    /// The port-forwards list (`:pf`).
    Forwards,
    /// The pulse view (`:pulse`).
    Pulse,
    /// One object's versions (`h`) and their diffs.
    History,
    /// The objects gone (`:deleted`).
    Deleted,
    /// The progress of a drain.
    Drain,
    /// A YAML, describe or logs view.
    Detail,
    /// The `:xray` owner tree, focused.
    Xray,
    /// The containers of a pod, focused.
    Containers,
    /// The table of another kind, focused.
    Resource,
    /// Contexts, namespaces and pods.
    Panes,
}

/// The mode the next key goes to.
pub fn mode(state: &State) -> Mode {
    if state.help_open {
        Mode::Help
    } else if state.confirm.is_some() {
        Mode::Confirm
    } else if state.ops.dialog.is_some() {
        Mode::Dialog
    } else if state.screen == Screen::Main && state.edit.as_ref().is_some_and(|e| e.shown()) {
        Mode::Edit
    } else if state.prompt.is_some() {
        Mode::Prompt
    } else if state.screen == Screen::Raw {
        Mode::Raw
    } else if state.screen == Screen::RequestLog {
        Mode::RequestLog
    } else if state.screen == Screen::Forwards {
        Mode::Forwards
    } else if state.screen == Screen::Pulse {
        Mode::Pulse
    } else if state.screen == Screen::History {
        Mode::History
    } else if state.screen == Screen::Deleted {
        Mode::Deleted
    } else if state.ops.drain.is_some() {
        Mode::Drain
    } else if state.detail.is_some() {
        Mode::Detail
    } else if state.xray.is_some() && state.focus == Focus::Pods {
        Mode::Xray
    } else if state.containers.is_some() && state.focus == Focus::Pods {
        Mode::Containers
    } else if state.resource.is_some() && state.focus == Focus::Pods {
        Mode::Resource
    } else {
        Mode::Panes
    }
}

/// A key press.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let mode = mode(state);
    if state.warning.take().is_some() {
        state.dirty = true;
    }
    // Text modes see plain keys before the keymap, so letters bound elsewhere can be typed;
    // ctrl chords still reach the keymap (ctrl-c quits everywhere).
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    match mode {
        Mode::Raw => return raw_keys::on_key(state, key),
        Mode::Confirm if plain => {
            state.dirty = true;
            return nav::on_confirm_key(state, key.code);
        }
        Mode::Dialog if plain => return ops::on_dialog_key(state, key.code),
        Mode::Edit if plain => {
            if let Some(effects) = edit::on_key(state, &key) {
                return effects;
            }
        }
        Mode::Prompt => {
            state.dirty = true;
            // Editing chords (ctrl-u, ctrl-w, …) are the line's; ctrl-c still quits.
            if let Some(effects) = nav::on_prompt_key(state, &key) {
                return effects;
            }
        }
        _ => {}
    }
    if let Some(effects) = super::replay::on_key(state, mode, &key) {
        return effects;
    }
    let action = match mode {
        Mode::Detail | Mode::History => state.keymap.detail_action(&key),
        Mode::Resource => state.keymap.kind_action(&key),
        _ => state.keymap.action(&key),
    };
    let Some(action) = action else {
        inert(state, mode, &key, None);
        return Vec::new();
    };
    match dispatch(state, mode, action) {
        Some(effects) => effects,
        None => {
            inert(state, mode, &key, Some(action));
            Vec::new()
        }
    }
}

/// A key that does nothing here says so, rather than nothing happening; a key bound elsewhere
/// names what it does there.
fn inert(state: &mut State, mode: Mode, key: &KeyEvent, action: Option<Action>) {
    use crossterm::event::KeyCode;
    let name = match key.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => format!("ctrl-{c}"),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".to_string(),
        // Modifier presses, function keys and the like stay silent.
        _ => return,
    };
    if matches!(
        mode,
        Mode::Help | Mode::Confirm | Mode::Dialog | Mode::Prompt
    ) {
        return;
    }
    let help = state.keymap.keys_for(Action::Help).first().cloned();
    let help = help.unwrap_or_else(|| "help".into());
    let what = action
        .and_then(|a| state.keymap.help().iter().find(|e| e.action == a))
        .map(|entry| entry.description.clone());
    let text = match what {
        Some(what) => format!("{name} ({what}): not in this view · {help} for keys"),
        None => format!("{name}: no action here · {help} for keys"),
    };
    state.flash.info(text);
    state.dirty = true;
}

/// An action in `mode` (also what the mouse wheel sends).
pub fn on_action(state: &mut State, mode: Mode, action: Action) -> Vec<Effect> {
    dispatch(state, mode, action).unwrap_or_else(|| {
        state.dirty = false;
        Vec::new()
    })
}

/// An action in `mode`; `None` when it means nothing there.
fn dispatch(state: &mut State, mode: Mode, action: Action) -> Option<Vec<Effect>> {
    if action == Action::Quit {
        return Some(vec![Effect::Quit]);
    }
    state.dirty = true;
    if let Some(effects) = navigate(state, mode, action) {
        return Some(effects);
    }
    match mode {
        Mode::Help => {
            scroll_help(state, action);
            Some(Vec::new())
        }
        // Only ctrl chords get here; no other chord means anything over a dialog or prompt.
        Mode::Confirm | Mode::Dialog | Mode::Prompt => {
            state.dirty = false;
            Some(Vec::new())
        }
        // Keys reach the raw pane through `on_key`, and the mouse does not scroll it.
        Mode::Raw => Some(Vec::new()),
        Mode::Edit => match action {
            Action::Help => Some(open_help(state)),
            _ => Some(Vec::new()).filter(|_| edit::on_action(state, action)),
        },
        Mode::RequestLog => common(state, action),
        Mode::Forwards => {
            super::forwards::on_action(state, action).or_else(|| common(state, action))
        }
        Mode::Pulse => super::pulse::on_action(state, action).or_else(|| common(state, action)),
        Mode::History => {
            history_view::on_history_action(state, action).or_else(|| common(state, action))
        }
        Mode::Deleted => {
            history_view::on_deleted_action(state, action).or_else(|| common(state, action))
        }
        Mode::Drain => {
            state.flash = None;
            drain::on_action(state, action).or_else(|| common(state, action))
        }
        Mode::Detail => {
            state.flash = None;
            Some(match action {
                a if copy::is_copy(a) => copy::on_copy(state, a),
                Action::Help => open_help(state),
                _ => views::on_detail_action(state, action),
            })
        }
        Mode::Xray => {
            state.flash = None;
            match action {
                Action::Command => Some(nav::open_command(state)),
                _ => xray::on_action(state, action).or_else(|| common(state, action)),
            }
        }
        Mode::Containers | Mode::Resource | Mode::Panes => {
            state.flash = None;
            match action {
                a if copy::is_copy(a) => Some(copy::on_copy(state, a)),
                Action::Command => Some(nav::open_command(state)),
                Action::ObjectHistory if state.focus == Focus::Pods => {
                    Some(history_view::open(state))
                }
                Action::Mark if state.focus == Focus::Contexts => {
                    super::fleet::toggle_pick(state);
                    Some(Vec::new())
                }
                _ => {
                    if let Some(effects) = ops::on_action(state, action) {
                        return Some(effects);
                    }
                    let table = match mode {
                        Mode::Containers => containers::on_action(state, action),
                        Mode::Resource => kinds::on_action(state, action),
                        _ => nav::on_pods_action(state, action),
                    };
                    table.or_else(|| common(state, action))
                }
            }
        }
    }
}

/// Back, forward and `J` on any view of the cluster; `None` for other actions or modes.
fn navigate(state: &mut State, mode: Mode, action: Action) -> Option<Vec<Effect>> {
    let views = matches!(
        mode,
        Mode::Detail | Mode::Xray | Mode::Containers | Mode::Resource | Mode::Panes
    );
    match action {
        _ if !views => None,
        Action::Back | Action::Forward | Action::ToggleView => {
            state.flash = None;
            Some(visits::go(state, action))
        }
        Action::JumpOwner => {
            state.flash = None;
            let target = selected_object(state, mode);
            Some(owner::jump(state, target))
        }
        _ => None,
    }
}

/// The object `J` starts from: the detail view's, the tree's node, the selected row.
fn selected_object(state: &State, mode: Mode) -> Option<super::detail::ObjectRef> {
    match mode {
        Mode::Detail => state.detail.as_ref().map(|d| d.target.clone()),
        Mode::Xray => state.xray.as_ref()?.selected().map(|(target, _)| target),
        Mode::Containers => state.containers.as_ref().map(|c| c.pod.clone()),
        Mode::Resource => state.resource.as_ref()?.selected(),
        _ if state.focus == Focus::Pods => {
            let row = state.pods.selected()?;
            Some(super::detail::ObjectRef::of_pod_row(row))
        }
        _ => None,
    }
}

/// What every screen below the overlays answers the same way; `None` for actions that mean
/// nothing here.
fn common(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Help => return Some(open_help(state)),
        Action::FocusNext => state.focus = state.focus.next(),
        Action::FocusPrev => state.focus = state.focus.prev(),
        Action::RawRequest => return Some(raw_keys::open(state)),
        Action::RequestLog => state.screen = Screen::RequestLog,
        Action::Close if state.screen != Screen::Main => state.screen = Screen::Main,
        // Esc on the contexts or namespaces pane returns to the table (a full view closes).
        Action::Close if state.focus != Focus::Pods => state.focus = Focus::Pods,
        Action::TogglePanes if state.screen == Screen::Main => panes::toggle(state),
        Action::Select if state.screen == Screen::Main => {
            let effects = select(state);
            panes::after_pick(state);
            return Some(effects);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_cursor(state, action),
        _ => {
            state.dirty = false;
            return None;
        }
    }
    Some(Vec::new())
}

/// Opens the help overlay at its top.
pub(crate) fn open_help(state: &mut State) -> Vec<Effect> {
    state.help_open = true;
    state.help_scroll = 0;
    Vec::new()
}

/// Keys while help is open: close it, or scroll it (the overlay clamps the offset to what it
/// has to show).
fn scroll_help(state: &mut State, action: Action) {
    let last = state.keymap.help().len();
    match action {
        Action::Help | Action::Close => state.help_open = false,
        _ => match super::cursor::scrolled(state.help_scroll, action, last) {
            Some(scroll) => state.help_scroll = scroll,
            None => state.dirty = false,
        },
    }
}

/// Up/down/page/top/bottom in the focused pane (or the request log).
fn move_cursor(state: &mut State, action: Action) {
    let log_len = state.request_log.len();
    let (cursor, len) = match state.focus {
        _ if state.screen == Screen::RequestLog => (&mut state.request_log.cursor, log_len),
        Focus::Contexts => (&mut state.contexts_cursor, state.contexts.len()),
        Focus::Namespaces => {
            let len = state.namespace_entries();
            (&mut state.namespaces_cursor, len)
        }
        Focus::Pods => {
            let len = state.pods.visible_len();
            (&mut state.pods.cursor, len)
        }
    };
    cursor.on_move(action, len);
}

/// Enter: open the context, namespace or pod under the cursor.
fn select(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Focus::Contexts if !state.fleet_picks.is_empty() => super::fleet::open_picks(state),
        Focus::Contexts => {
            let Some(info) = state.contexts.get(state.contexts_cursor.selected()) else {
                return Vec::new();
            };
            let name = info.name.clone();
            let namespace = namespace_for(state, info);
            state.fleet = None;
            state.open_context(name, namespace)
        }
        Focus::Namespaces if state.context.is_some() => {
            let namespace = match state.namespaces_cursor.selected() {
                0 => None,
                n => state.namespaces.get(n - 1).cloned(),
            };
            drill::leave(state);
            let mut effects = vec![state.watch_pods(namespace, None)];
            // A resource table follows the namespace, like the pods do.
            effects.extend(kinds::reopen(state));
            effects
        }
        // Enter on a pod: its containers.
        Focus::Pods if state.resource.is_none() => containers::open(state),
        Focus::Namespaces | Focus::Pods => Vec::new(),
    }
}

/// Namespace to watch after picking context `info` in the contexts pane.
fn namespace_for(state: &State, info: &ContextInfo) -> Option<String> {
    let first_open = state.context.is_none();
    // Stay on "all" if the user chose it (or started with -A).
    let viewing_all = !first_open && state.namespace.is_none();
    if viewing_all || (first_open && state.opts.all_namespaces) {
        return None;
    }
    let requested = state.requested_namespace.clone().filter(|_| first_open);
    requested.or_else(|| Some(info.namespace.clone().unwrap_or_else(|| "default".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StartOptions;
    use crate::state::nav::{Prompt, PromptKind};

    /// Whatever is on top has the keyboard.
    #[test]
    fn the_topmost_thing_has_the_keyboard() {
        let mut state = State::new(StartOptions::default());
        assert_eq!(mode(&state), Mode::Panes);
        state.screen = Screen::RequestLog;
        assert_eq!(mode(&state), Mode::RequestLog);
        state.screen = Screen::Raw;
        assert_eq!(mode(&state), Mode::Raw);
        state.prompt = Some(Prompt::new(PromptKind::Filter, ""));
        assert_eq!(mode(&state), Mode::Prompt);
        state.help_open = true;
        assert_eq!(mode(&state), Mode::Help);
        // ctrl-c quits from any mode; a plain `q` typed into the prompt is text.
        state.help_open = false;
        let q = KeyEvent::new(crossterm::event::KeyCode::Char('q'), KeyModifiers::NONE);
        assert!(on_key(&mut state, q).is_empty());
        assert_eq!(state.prompt.as_ref().map(|p| p.text()), Some("q"));
        let ctrl_c = KeyEvent::new(crossterm::event::KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(on_key(&mut state, ctrl_c), vec![Effect::Quit]);
    }

    /// A key with no action answers with a word, naming the help key in effect.
    #[test]
    fn an_inert_key_says_so() {
        let mut state = State::new(StartOptions::default());
        let x = KeyEvent::new(crossterm::event::KeyCode::Char('v'), KeyModifiers::NONE);
        assert!(on_key(&mut state, x).is_empty());
        let flash = state.flash.clone().map(|f| f.text);
        assert_eq!(flash.as_deref(), Some("v: no action here · ? for keys"));
        // The next key clears it.
        let j = KeyEvent::new(crossterm::event::KeyCode::Char('j'), KeyModifiers::NONE);
        on_key(&mut state, j);
        assert_eq!(state.flash, None);
    }
}
