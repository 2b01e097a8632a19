//! Changing things from a table: scale (`s`), rollout restart (`r`), cordon (`c`) and uncordon
//! (`u`) on a node, drain (`D`, `:drain NODE`), and the dialogs that ask first. `--readonly`
//! refuses each before anything is sent.

use crossterm::event::KeyCode;

use super::detail::ObjectRef;
use super::{Effect, Notify, State, drain, marks};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::ops::drain::DrainOptions;
use crate::msg::Op;

/// Longest replica count the scale dialog takes (digits).
const MAX_DIGITS: usize = 6;

/// What these operations keep in the state.
#[derive(Debug, Clone, Default)]
pub struct Ops {
    /// The scale, restart, drain or bulk-delete dialog.
    pub dialog: Option<Dialog>,
    /// Marked rows of the table on screen (Space).
    pub marks: marks::Marks,
    /// The drain view, while a drain runs or until Esc closes it.
    pub drain: Option<drain::DrainView>,
}

/// A dialog of these operations, over everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Scale `target` from `current` (as its table row says) to `input` replicas.
    Scale {
        target: ObjectRef,
        current: Option<u32>,
        input: String,
    },
    /// Restart the rollout of `target`?
    Restart { target: ObjectRef },
    /// Drain `node`, with the options toggled in the dialog.
    Drain { node: String, options: DrainOptions },
    /// Delete every marked object?
    BulkDelete { targets: Vec<ObjectRef> },
}

/// kubectl's name of `target` in its messages: `deployment.apps/web`, `node/worker-1`.
pub fn kubectl_name(target: &ObjectRef) -> String {
    let r = &target.resource;
    match r.group.as_str() {
        "" => format!("{}/{}", r.singular, target.name),
        group => format!("{}.{group}/{}", r.singular, target.name),
    }
}

/// Under `--readonly`: says so (naming the operation) and returns true.
pub fn refused(state: &mut State, operation: &str) -> bool {
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state.flash.error(format!("{why}: {operation} refused"));
    }
    state.opts.readonly
}

/// The operations of a table's keys; `None` leaves the action to the table.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Mark => Some(marks::toggle(state)),
        Action::Delete if marks::count(state) > 0 => Some(marks::ask_delete(state)),
        // Esc peels one layer at a time: the filter first, then the marks.
        Action::Close if marks::count(state) > 0 && !filtered(state) => {
            marks::clear(state);
            state.flash.info("marks cleared");
            Some(Vec::new())
        }
        Action::Scale => on_kind(
            state,
            action,
            &["deployments", "statefulsets", "replicasets"],
        ),
        Action::Restart => on_kind(
            state,
            action,
            &["deployments", "statefulsets", "daemonsets"],
        ),
        Action::Cordon | Action::Uncordon | Action::Drain => on_kind(state, action, &["nodes"]),
        _ => None,
    }
}

/// True while the table on screen is filtered.
fn filtered(state: &State) -> bool {
    match &state.resource {
        Some(view) => !view.query.is_empty(),
        None => state.pods.view().is_filtered() || !state.pods.view().query().is_empty(),
    }
}

/// `action` on the selected row of a resource table of one of `kinds`; `None` elsewhere (the
/// key then says it does nothing here).
fn on_kind(state: &mut State, action: Action, kinds: &[&str]) -> Option<Vec<Effect>> {
    let view = state.resource.as_ref()?;
    let group_ok = matches!(view.resource.group.as_str(), "" | "apps");
    if !group_ok || !kinds.contains(&view.resource.plural.as_str()) {
        return None;
    }
    let Some(target) = view.selected() else {
        return Some(Vec::new());
    };
    let current = match action {
        Action::Scale => desired_replicas(state),
        _ => None,
    };
    let effects = match action {
        Action::Scale if !refused(state, "scale") => {
            let input = current.map(|n| n.to_string()).unwrap_or_default();
            state.ops.dialog = Some(Dialog::Scale {
                target,
                current,
                input,
            });
            Vec::new()
        }
        Action::Restart if !refused(state, "rollout restart") => {
            state.ops.dialog = Some(Dialog::Restart { target });
            Vec::new()
        }
        Action::Cordon if !refused(state, "cordon") => operate(state, &target, Op::Cordon),
        Action::Uncordon if !refused(state, "uncordon") => operate(state, &target, Op::Uncordon),
        Action::Drain => ask_drain(state, target.name),
        _ => Vec::new(),
    };
    Some(effects)
}

/// The desired replicas of the selected row, from the server's columns: DESIRED (ReplicaSets)
/// or the total of READY (`2/3`).
fn desired_replicas(state: &State) -> Option<u32> {
    let view = state.resource.as_ref()?;
    let table = view.table.as_ref()?;
    let (ns, name) = view.selected_key()?;
    let row = table
        .rows
        .iter()
        .find(|r| r.namespace == ns && r.name == name)?;
    let cell = |title: &str| {
        let at = table
            .columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(title))?;
        row.cells.get(at)
    };
    if let Some(desired) = cell("DESIRED") {
        return desired.trim().parse().ok();
    }
    let ready = cell("READY")?;
    ready.split('/').nth(1)?.trim().parse().ok()
}

/// Opens the drain dialog for `node` (also `:drain NODE`), or refuses under `--readonly`.
pub fn ask_drain(state: &mut State, node: String) -> Vec<Effect> {
    if !refused(state, "drain") {
        state.ops.dialog = Some(Dialog::Drain {
            node,
            options: DrainOptions::default(),
        });
    }
    Vec::new()
}

/// The effect of `op` on `target`, with the message while it runs.
fn operate(state: &mut State, target: &ObjectRef, op: Op) -> Vec<Effect> {
    let what = kubectl_name(target);
    state.flash.info(format!("{what}: {}…", verb(op)));
    vec![Effect::Operate {
        context: target.context_in(state),
        path: target.path(),
        what,
        op,
    }]
}

fn verb(op: Op) -> &'static str {
    match op {
        Op::Scale(_) => "scaling",
        Op::Restart => "restarting",
        Op::Cordon => "cordoning",
        Op::Uncordon => "uncordoning",
    }
}

/// A plain key while one of these dialogs is open.
pub fn on_dialog_key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    state.dirty = true;
    let Some(dialog) = state.ops.dialog.as_mut() else {
        return Vec::new();
    };
    let yes = matches!(code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
    let no = matches!(code, KeyCode::Char('n' | 'N') | KeyCode::Esc);
    match dialog {
        Dialog::Scale { input, .. } if !yes && !no => {
            edit_replicas(input, code);
            return Vec::new();
        }
        Dialog::Drain { options, .. } if !yes && !no => {
            match code {
                KeyCode::Char('f') => options.force = !options.force,
                KeyCode::Char('e') => options.delete_emptydir = !options.delete_emptydir,
                _ => {}
            }
            return Vec::new();
        }
        _ if !yes && !no => return Vec::new(),
        _ => {}
    }
    let Some(dialog) = state.ops.dialog.take() else {
        return Vec::new();
    };
    if no {
        state.flash.info(format!("{} cancelled", name_of(&dialog)));
        return Vec::new();
    }
    confirm(state, dialog)
}

/// What the dialog does, for "… cancelled".
fn name_of(dialog: &Dialog) -> &'static str {
    match dialog {
        Dialog::Scale { .. } => "scale",
        Dialog::Restart { .. } => "rollout restart",
        Dialog::Drain { .. } => "drain",
        Dialog::BulkDelete { .. } => "delete",
    }
}

/// Digits type the count, +/- (and up/down) step it, backspace erases.
fn edit_replicas(input: &mut String, code: KeyCode) {
    let n: u32 = input.parse().unwrap_or(0);
    match code {
        KeyCode::Char(c) if c.is_ascii_digit() && input.len() < MAX_DIGITS => {
            if input == "0" {
                input.clear();
            }
            input.push(c);
        }
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char('+') | KeyCode::Up => *input = (n + 1).to_string(),
        KeyCode::Char('-') | KeyCode::Down => *input = n.saturating_sub(1).to_string(),
        _ => {}
    }
}

/// The user said yes: send (the read-only check again, as the delete does).
fn confirm(state: &mut State, dialog: Dialog) -> Vec<Effect> {
    if refused(state, name_of(&dialog)) {
        return Vec::new();
    }
    match dialog {
        Dialog::Scale { target, input, .. } => match input.parse::<u32>() {
            Ok(replicas) => operate(state, &target, Op::Scale(replicas)),
            Err(_) => {
                state.flash.error("scale: type the number of replicas");
                Vec::new()
            }
        },
        Dialog::Restart { target } => operate(state, &target, Op::Restart),
        Dialog::Drain { node, options } => drain::start(state, node, options),
        Dialog::BulkDelete { targets } => marks::delete(state, targets),
    }
}

/// An operation finished: kubectl's words, or the server's.
pub fn on_operated(
    state: &mut State,
    what: String,
    op: Op,
    result: Result<(), Failure>,
) -> Vec<Effect> {
    state.dirty = true;
    match result {
        Ok(()) => {
            let done = match op {
                Op::Scale(n) => format!("scaled to {n}"),
                Op::Restart => "restarted".into(),
                Op::Cordon => "cordoned".into(),
                Op::Uncordon => "uncordoned".into(),
            };
            state.flash.info(format!("{what} {done}"));
        }
        Err(e) => {
            let doing = match op {
                Op::Scale(_) => "scale",
                Op::Restart => "rollout restart",
                Op::Cordon => "cordon",
                Op::Uncordon => "uncordon",
            };
            state.flash.error(format!("{doing} {what}: {e}"));
        }
    }
    Vec::new()
}

#[cfg(test)]
#[path = "tests_ops.rs"]
mod tests;
