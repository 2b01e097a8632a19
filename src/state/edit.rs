//! `e`: edit an object in the user's editor, safely. Read → editor → server-side dry run →
//! the diff of what the server would store → apply with the resourceVersion read. A 409 never
//! overwrites (re-edit the latest version with your change carried over); a 422 or a syntax
//! error reopens the editor on your text with the errors on top, as `kubectl edit` does.

pub mod text;

use crossterm::event::{KeyCode, KeyEvent};
use serde_json::Value;

use super::detail::ObjectRef;
use super::text_pane::TextPane;
use super::{Notify, State};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::write::{apply_merge_patch, merge_patch, resource_version, with_resource_version};
use crate::msg::edit::{EditEffect, EditEvent};
use crate::msg::{Effect, Foreground};
use text::Reason;

/// Where an edit is.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The object is being read.
    Reading,
    /// The editor has the terminal.
    Editing,
    /// The dry run is on its way.
    Checking,
    /// The dry run's diff is on screen: apply, edit again or discard.
    Review,
    /// The real replace is on its way.
    Applying,
    /// A 409: nothing was applied. `latest` is the server's current version, once read.
    Conflict { latest: Option<Value> },
    /// A failure other than 409/422: the text is being kept in a file.
    Failed { message: String },
    /// Over (applied, cancelled, discarded or failed): the edit is dropped.
    Done,
}

/// One edit in progress.
#[derive(Debug, Clone)]
pub struct Edit {
    pub id: u64,
    pub target: ObjectRef,
    context: String,
    /// The object as read, managedFields stripped: one side of the diff, the base of the
    /// carry-over after a 409, and its resourceVersion is the apply's precondition.
    pub original: Value,
    /// The file last handed to the editor.
    handed: String,
    /// A save equal to this (comments aside) is "no changes": the handed text, or after a 409
    /// the server's latest version (the carried-over change is a change).
    baseline: String,
    /// The user's last saved text without comments, and the object it parses to.
    text: String,
    edited: Option<Value>,
    pub step: Step,
    /// What the server said (a 409's message), shown above the diff.
    pub note: Vec<String>,
    /// The diff on screen.
    pub pane: TextPane,
}

impl Edit {
    /// True while the edit's view is on screen (after the editor, before it ends).
    pub fn shown(&self) -> bool {
        matches!(
            self.step,
            Step::Checking | Step::Review | Step::Applying | Step::Conflict { .. }
        )
    }

    /// `deployments/hello-web`, for titles and messages.
    pub fn what(&self) -> String {
        format!("{}/{}", self.target.resource.plural, self.target.name)
    }
}

/// `deployment.apps/hello-web`, as kubectl names an object in `... edited`.
fn kubectl_name(target: &ObjectRef) -> String {
    let r = &target.resource;
    match r.group.as_str() {
        "" => format!("{}/{}", r.singular, target.name),
        group => format!("{}.{group}/{}", r.singular, target.name),
    }
}

/// `e` on `target`: refused under `--readonly` before anything is read, else read the object.
pub fn start(state: &mut State, target: ObjectRef) -> Vec<Effect> {
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state.flash.error(format!("{why}: edit refused"));
        return Vec::new();
    }
    let r = &target.resource;
    // The built-in pods resource lists only what the app itself does with pods.
    if !r.verbs.is_empty() && !r.allows("update") && !r.is_pods() {
        state.flash.error(format!("{} cannot be edited", r.plural));
        return Vec::new();
    }
    let Some(context) = target.context.clone().or_else(|| state.context.clone()) else {
        state.flash.info("no context open");
        return Vec::new();
    };
    let id = state.new_id();
    let edit = Edit {
        id,
        context: context.clone(),
        original: Value::Null,
        handed: String::new(),
        baseline: String::new(),
        text: String::new(),
        edited: None,
        step: Step::Reading,
        note: Vec::new(),
        pane: TextPane::default(),
        target,
    };
    state.flash.info(format!("edit {}: reading…", edit.what()));
    let path = edit.target.path();
    state.edit = Some(edit);
    vec![Effect::Edit(EditEffect::Fetch { id, context, path })]
}

/// The answer to a step of edit `id` (dropped when that edit is over).
pub fn on_event(state: &mut State, id: u64, event: EditEvent) -> Vec<Effect> {
    if state.edit.as_ref().map(|e| e.id) != Some(id) {
        return Vec::new();
    }
    let Some(mut edit) = state.edit.take() else {
        return Vec::new();
    };
    state.dirty = true;
    let effects = match event {
        EditEvent::Fetched(result) => on_fetched(state, &mut edit, result),
        EditEvent::Edited(Ok(saved)) => on_saved(state, &mut edit, &saved),
        EditEvent::Edited(Err(why)) => {
            let message = format!("edit {}: {why}", edit.what());
            end(state, &mut edit, message, true)
        }
        EditEvent::DryRun(Ok(answer)) => {
            let live = text::yaml(&edit.original);
            let stored = text::yaml(&answer);
            let mut lines = text::diff_lines(&live, &stored, "live", "after apply (dry run)");
            if lines.is_empty() {
                lines.push("(no difference: the server would store the object as it is)".into());
            }
            edit.pane.set_lines(lines);
            edit.pane.offset = 0;
            edit.step = Step::Review;
            Vec::new()
        }
        EditEvent::DryRun(Err(e)) | EditEvent::Applied(Err(e)) => refused(state, &mut edit, e),
        EditEvent::Applied(Ok(_)) => {
            let done = format!("{} edited", kubectl_name(&edit.target));
            end(state, &mut edit, done, false);
            let mut effects = super::kinds::refresh(state);
            // A YAML or describe view of the object shows the stored version.
            if let Some(detail) = state.detail.as_ref().filter(|d| d.target == edit.target) {
                effects.push(Effect::FetchObject {
                    id: detail.id,
                    context: edit.context.clone(),
                    path: edit.target.path(),
                });
            }
            effects
        }
        EditEvent::Kept(kept) => match &edit.step {
            Step::Failed { message } => {
                let text = match kept {
                    Ok(path) => format!("{message}; your text is kept in {path}"),
                    Err(e) => format!("{message}; your text could not be kept: {e}"),
                };
                end(state, &mut edit, text, true)
            }
            _ => Vec::new(),
        },
    };
    keep(state, edit);
    effects
}

/// Puts the edit back unless it is over.
fn keep(state: &mut State, edit: Edit) {
    if edit.step != Step::Done {
        state.edit = Some(edit);
    }
}

/// Ends the edit with a message.
fn end(state: &mut State, edit: &mut Edit, message: String, error: bool) -> Vec<Effect> {
    edit.step = Step::Done;
    state.dirty = true;
    if error {
        state.flash.error(message);
    } else {
        state.flash.info(message);
    }
    Vec::new()
}

/// The object (first read), or the latest version after a 409.
fn on_fetched(state: &mut State, edit: &mut Edit, result: Result<Value, Failure>) -> Vec<Effect> {
    match (&edit.step, result) {
        (Step::Reading, Ok(object)) => {
            let body = text::yaml(&object);
            edit.original = object;
            open_editor(state, edit, &[], &body)
        }
        (Step::Reading, Err(e)) => {
            let message = format!("edit {}: {e}", edit.what());
            end(state, edit, message, true)
        }
        (Step::Conflict { latest: None }, Ok(latest)) => {
            let old = text::yaml(&edit.original);
            let new = text::yaml(&latest);
            let rv = |o: &Value| resource_version(o).unwrap_or("?").to_string();
            let old_name = format!("as you read it (resourceVersion {})", rv(&edit.original));
            let new_name = format!("on the server now (resourceVersion {})", rv(&latest));
            let mut lines = text::diff_lines(&old, &new, &old_name, &new_name);
            if lines.is_empty() {
                lines.push("(the server's version reads the same)".into());
            }
            edit.pane.set_lines(lines);
            edit.pane.offset = 0;
            edit.step = Step::Conflict {
                latest: Some(latest),
            };
            Vec::new()
        }
        (Step::Conflict { latest: None }, Err(e)) => {
            edit.note
                .push(format!("The latest version could not be read: {e}"));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Hands `body` (with `reasons` as comments on top) to the editor.
fn open_editor(state: &mut State, edit: &mut Edit, reasons: &[Reason], body: &str) -> Vec<Effect> {
    edit.handed = text::file_text(reasons, body);
    edit.baseline = text::strip_comments(body);
    edit.step = Step::Editing;
    edit.note.clear();
    state.flash = None;
    let name = format!("{}-{}", edit.target.resource.plural, edit.target.name);
    vec![Effect::Foreground(Foreground::Edit {
        id: edit.id,
        context: edit.context.clone(),
        name,
        text: edit.handed.clone(),
    })]
}

/// The editor saved `saved`: cancelled, reopened on a syntax error, or dry-run.
fn on_saved(state: &mut State, edit: &mut Edit, saved: &str) -> Vec<Effect> {
    let stripped = text::strip_comments(saved);
    if stripped.trim().is_empty() {
        return end(
            state,
            edit,
            "edit cancelled, saved file was empty".into(),
            false,
        );
    }
    if stripped == edit.baseline {
        return end(state, edit, "edit cancelled, no changes".into(), false);
    }
    let parsed = serde_saphyr::from_str::<Value>(&stripped);
    let object = match parsed {
        Ok(object) => object,
        Err(e) => {
            return open_editor(
                state,
                edit,
                &[text::syntax_error(&e.to_string())],
                &stripped,
            );
        }
    };
    edit.text = stripped;
    edit.edited = Some(object);
    send(state, edit, true)
}

/// The edited object as a replace carrying the resourceVersion read.
fn send(state: &mut State, edit: &mut Edit, dry_run: bool) -> Vec<Effect> {
    let Some(edited) = edit.edited.clone() else {
        return Vec::new();
    };
    let body = with_resource_version(edited, resource_version(&edit.original));
    edit.step = if dry_run {
        Step::Checking
    } else {
        Step::Applying
    };
    edit.pane = TextPane::default();
    state.dirty = true;
    vec![Effect::Edit(EditEffect::Replace {
        id: edit.id,
        context: edit.context.clone(),
        path: edit.target.path(),
        body,
        dry_run,
    })]
}

/// The server refused the dry run or the apply.
fn refused(state: &mut State, edit: &mut Edit, e: Failure) -> Vec<Effect> {
    match e.code {
        // Someone else changed the object: show what, and never overwrite.
        Some(409) => {
            edit.step = Step::Conflict { latest: None };
            edit.note = vec![e.message.clone()];
            edit.pane = TextPane::default();
            vec![Effect::Edit(EditEffect::Fetch {
                id: edit.id,
                context: edit.context.clone(),
                path: edit.target.path(),
            })]
        }
        // Invalid: back to the editor on the user's text with the errors on top.
        Some(400 | 422) => {
            let resource = edit.target.resource.qualified_name();
            let reason = text::refusal(&e, &resource, &edit.target.name);
            let body = edit.text.clone();
            open_editor(state, edit, &[reason], &body)
        }
        _ => {
            let message = format!("edit {} failed: {e}", edit.what());
            state.flash.error(message.clone());
            edit.step = Step::Failed { message };
            vec![Effect::Edit(EditEffect::Keep {
                id: edit.id,
                text: edit.text.clone(),
            })]
        }
    }
}

/// A plain key while the edit's view is up: apply, edit again, discard; `None` leaves it to
/// the keymap (scrolling, help, quit).
pub fn on_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let mut edit = state.edit.take()?;
    let effects = match (&edit.step, key.code) {
        (Step::Review, KeyCode::Char('y' | 'Y') | KeyCode::Enter) => send(state, &mut edit, false),
        (Step::Review, KeyCode::Char('e')) => {
            let body = edit.text.clone();
            open_editor(state, &mut edit, &[], &body)
        }
        (
            Step::Conflict {
                latest: Some(latest),
            },
            KeyCode::Char('e'),
        ) => {
            let latest = latest.clone();
            carry_over(state, &mut edit, latest)
        }
        // An apply on its way cannot be called back: wait for its answer.
        (Step::Applying, _) => Vec::new(),
        (_, KeyCode::Char('n' | 'N') | KeyCode::Esc) => {
            end(state, &mut edit, "edit discarded".into(), false)
        }
        _ => {
            state.edit = Some(edit);
            return None;
        }
    };
    keep(state, edit);
    state.dirty = true;
    Some(effects)
}

/// After a 409: the user's change (original → edited, as a JSON merge patch) applied to the
/// server's latest version, which becomes the new base.
fn carry_over(state: &mut State, edit: &mut Edit, latest: Value) -> Vec<Effect> {
    let mut carried = latest.clone();
    if let Some(edited) = &edit.edited
        && let Some(patch) = merge_patch(&edit.original, edited)
    {
        apply_merge_patch(&mut carried, &patch);
    }
    edit.original = latest;
    let reason = Reason {
        head: "The object changed on the server while you edited it: your changes are applied \
               to its latest version below"
            .into(),
        items: Vec::new(),
    };
    let body = text::yaml(&carried);
    let effects = open_editor(state, edit, &[reason], &body);
    edit.baseline = text::yaml(&edit.original);
    effects
}

/// Scrolling the diff (keys and the mouse wheel).
pub fn on_action(state: &mut State, action: Action) -> bool {
    let Some(edit) = state.edit.as_mut() else {
        return false;
    };
    let pane = &mut edit.pane;
    match action {
        Action::Down => pane.scroll(1),
        Action::Up => pane.scroll(-1),
        Action::PageDown => pane.page_by(1),
        Action::PageUp => pane.page_by(-1),
        Action::Top => pane.jump_end(false),
        Action::Bottom => pane.jump_end(true),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests;
