//! The views over the object history: `h` on a row (its versions, newest first; Enter shows the
//! diff against the version before) and `:deleted` (objects gone while the app watched; Enter
//! shows the last YAML and the events that named it).

use std::sync::Arc;

use serde_json::Value;

use super::detail::ObjectRef;
use super::text_pane::TextPane;
use super::versions::{Entry, ObjectKey, diff, resource_key};
use super::{Cursor, Effect, Focus, Notify, Screen, State};
use crate::keys::Action;
use crate::kube::Failure;

/// The history of one object (`h`).
#[derive(Debug, Clone)]
pub struct HistoryView {
    pub key: ObjectKey,
    /// Over the versions, newest first.
    pub cursor: Cursor,
    /// The diff of the selected version against the one before (Enter), over the list.
    pub diff: Option<TextPane>,
    /// resourceVersion, managedFields and generation shown too (`m`).
    pub noise: bool,
    /// Where Esc goes back to.
    pub from: Screen,
}

/// The objects gone (`:deleted`).
#[derive(Debug, Clone, Default)]
pub struct DeletedView {
    /// Over the gone objects, newest first.
    pub cursor: Cursor,
    /// The one opened with Enter.
    pub open: Option<Opened>,
}

/// A gone object's last YAML and its events.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The events fetch answering to it.
    pub id: u64,
    pub key: ObjectKey,
    pub pane: TextPane,
    /// The YAML (or columns) before the events arrive.
    yaml: Vec<String>,
}

impl HistoryView {
    /// The versions' indexes, newest first, paired with the one before (if any).
    pub fn entry<'a>(&self, state: &'a State) -> Option<&'a Entry> {
        state.history.get(&self.key)
    }
}

/// `h` on the selected row of the pods, a `:kind` table (fleets too), or a gone object.
pub fn open(state: &mut State) -> Vec<Effect> {
    let from = state.screen;
    let key = match from {
        Screen::Deleted => selected_gone(state).map(|(k, _)| k.clone()),
        _ => selected_key(state),
    };
    let Some(key) = key else {
        state.flash.info("h: no row selected");
        return Vec::new();
    };
    if state.history.get(&key).is_none() {
        state.flash.info(format!(
            "{}/{}: no changes seen yet (history starts with the first change the watch brings)",
            key.namespace, key.name
        ));
        return Vec::new();
    }
    state.history_view = Some(HistoryView {
        key,
        cursor: Cursor::default(),
        diff: None,
        noise: false,
        from,
    });
    state.screen = Screen::History;
    Vec::new()
}

/// The history key of the row under the cursor.
fn selected_key(state: &State) -> Option<ObjectKey> {
    let here = || Arc::from(state.context.as_deref().unwrap_or(""));
    if let Some(view) = state
        .resource
        .as_ref()
        .filter(|_| state.focus == Focus::Pods)
    {
        let target = view.selected()?;
        return Some(key_of(&target, here()));
    }
    if state.focus != Focus::Pods || state.xray.is_some() || state.containers.is_some() {
        return None;
    }
    let row = state.pods.selected()?;
    Some(key_of(&ObjectRef::of_pod_row(row), here()))
}

fn key_of(target: &ObjectRef, here: Arc<str>) -> ObjectKey {
    ObjectKey {
        context: target.context.as_deref().map_or(here, Arc::from),
        resource: Arc::from(resource_key(&target.resource).as_str()),
        namespace: target.namespace.clone().unwrap_or_default(),
        name: target.name.clone(),
    }
}

/// `:deleted`.
pub fn open_deleted(state: &mut State) -> Vec<Effect> {
    state.deleted_view = Some(DeletedView::default());
    state.screen = Screen::Deleted;
    Vec::new()
}

/// The gone object under the `:deleted` cursor.
pub fn selected_gone(state: &State) -> Option<(&ObjectKey, &Entry)> {
    let at = state.deleted_view.as_ref()?.cursor.selected();
    state.history.gone().nth(at)
}

/// Keys on the history view; `None` leaves the action to the common handling.
pub fn on_history_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let len = state
        .history_view
        .as_ref()
        .and_then(|v| v.entry(state))
        .map_or(0, Entry::len);
    let view = state.history_view.as_mut()?;
    if let Some(pane) = view.diff.as_mut() {
        match action {
            Action::Close | Action::Select => view.diff = None,
            _ if scroll(pane, action) => {}
            Action::ManagedFields => {
                view.noise = !view.noise;
                show_diff(state);
            }
            _ => return None,
        }
        return Some(Vec::new());
    }
    match action {
        Action::Close => {
            state.screen = view.from;
            state.history_view = None;
        }
        Action::Select => show_diff(state),
        Action::ManagedFields => view.noise = !view.noise,
        _ if view.cursor.on_move(action, len) => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// Opens the diff of the selected version against the one before it.
fn show_diff(state: &mut State) {
    let Some(view) = state.history_view.as_ref() else {
        return;
    };
    let Some(entry) = view.entry(state) else {
        return;
    };
    let versions: Vec<_> = entry.versions().rev().collect();
    let at = view.cursor.selected();
    let lines = match (versions.get(at), versions.get(at + 1)) {
        (Some(new), Some(old)) => {
            let lines = diff::diff(old, new, view.noise);
            if lines.is_empty() {
                vec!["(no difference in what both versions carry)".to_string()]
            } else {
                lines
            }
        }
        (Some(first), None) => {
            let mut lines = vec!["(the first version seen: nothing before it)".to_string()];
            lines.extend(diff::text(first, view.noise).lines().map(str::to_string));
            lines
        }
        _ => return,
    };
    let mut pane = TextPane::default();
    pane.set_lines(lines);
    if let Some(view) = state.history_view.as_mut() {
        view.diff = Some(pane);
    }
}

fn scroll(pane: &mut TextPane, action: Action) -> bool {
    match action {
        Action::Up => pane.scroll(-1),
        Action::Down => pane.scroll(1),
        Action::PageUp => pane.page_by(-1),
        Action::PageDown => pane.page_by(1),
        Action::Top => pane.jump_end(false),
        Action::Bottom => pane.jump_end(true),
        _ => return false,
    }
    true
}

/// Keys on `:deleted`.
pub fn on_deleted_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let len = state.history.gone().count();
    let view = state.deleted_view.as_mut()?;
    if let Some(open) = view.open.as_mut() {
        match action {
            Action::Close | Action::Select => view.open = None,
            _ if scroll(&mut open.pane, action) => {}
            _ => return None,
        }
        return Some(Vec::new());
    }
    match action {
        Action::Close => {
            state.screen = Screen::Main;
            state.deleted_view = None;
        }
        Action::Select => return Some(open_gone(state)),
        Action::ObjectHistory => return Some(open(state)),
        _ if view.cursor.on_move(action, len) => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// Enter on a gone object: its last YAML now, its events when they come.
fn open_gone(state: &mut State) -> Vec<Effect> {
    let Some((key, entry)) = selected_gone(state) else {
        return Vec::new();
    };
    let key = key.clone();
    let yaml = last_yaml(entry);
    let id = state.new_id();
    let mut pane = TextPane::default();
    let mut lines = yaml.clone();
    lines.push(String::new());
    lines.push("Events: (asking…)".to_string());
    pane.set_lines(lines);
    if let Some(view) = state.deleted_view.as_mut() {
        view.open = Some(Opened {
            id,
            key: key.clone(),
            pane,
            yaml,
        });
    }
    vec![Effect::FetchEvents {
        id,
        context: key.context.to_string(),
        namespace: key.namespace.clone(),
        name: key.name.clone(),
    }]
}

/// The last whole object as YAML, else the columns the list printed.
fn last_yaml(entry: &Entry) -> Vec<String> {
    let Some(last) = entry.last() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if last.object.is_none() {
        lines.push("# only the columns were seen (no watch event carried the object)".to_string());
    }
    lines.extend(diff::text(last, false).lines().map(str::to_string));
    lines
}

/// The id an open gone object waits for events under.
pub fn awaited_events(state: &State) -> Option<u64> {
    state.deleted_view.as_ref()?.open.as_ref().map(|o| o.id)
}

/// The events about an opened gone object: those naming its kind, oldest first.
pub fn on_events(state: &mut State, result: Result<Vec<Value>, Failure>) {
    let kind = state
        .deleted_view
        .as_ref()
        .and_then(|v| v.open.as_ref())
        .and_then(|o| state.history.get(&o.key))
        .map(|e| e.kind.to_string())
        .unwrap_or_default();
    let Some(open) = state.deleted_view.as_mut().and_then(|v| v.open.as_mut()) else {
        return;
    };
    let mut lines = open.yaml.clone();
    lines.push(String::new());
    match result {
        Err(e) => lines.push(format!("Events: <could not be read: {e}>")),
        Ok(events) => {
            let about: Vec<&Value> = events
                .iter()
                .filter(|e| kind.is_empty() || e["involvedObject"]["kind"] == kind.as_str())
                .collect();
            if about.is_empty() {
                lines.push("Events: <none>".to_string());
            } else {
                lines.push("Events:".to_string());
                lines.extend(about.into_iter().map(event_line));
            }
        }
    }
    open.pane.set_lines(lines);
    state.dirty = true;
}

fn event_line(event: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let when = [
        &event["lastTimestamp"],
        &event["eventTime"],
        &event["firstTimestamp"],
    ]
    .into_iter()
    .map(text)
    .find(|t| !t.is_empty())
    .unwrap_or_default();
    format!(
        "  {when}  {:<8} {:<20} {}",
        text(&event["type"]),
        text(&event["reason"]),
        text(&event["message"])
    )
}
