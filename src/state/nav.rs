//! Where the user is beyond the three panes: the prompt (filter, command line, search), detail
//! views, the delete dialog, other kinds, and a one-line message. `update` hands keys, actions
//! and task results here first.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::detail::{self, Detail, DetailKind, ObjectRef};
use super::kinds::{self, Discovery, ResourceView};
use super::logs::DEFAULT_LOG_CAP;
use super::{Effect, Focus, Msg, State, command, filter};
use crate::keys::Action;

/// Which line the prompt edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `/` over the pods table.
    Filter,
    /// `:` command line.
    Command,
    /// `/` inside a detail view.
    Search,
}

/// The one-line editor at the top of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// Candidates shown after Tab.
    pub completions: Vec<String>,
}

/// A message for the user, shown until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

/// The delete confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub target: ObjectRef,
}

/// Navigation state (see the module doc).
#[derive(Debug, Clone)]
pub struct Nav {
    pub prompt: Option<Prompt>,
    pub detail: Option<Detail>,
    pub confirm: Option<Confirm>,
    pub resource: Option<ResourceView>,
    pub discovery: Discovery,
    pub flash: Option<Flash>,
    /// Server-side label selector of the pods watch (`/-l app=web`).
    pub label_selector: Option<String>,
    /// Lines a logs view keeps.
    pub log_cap: usize,
    /// Namespace to return to when `a` turns all-namespaces off.
    pub last_namespace: Option<String>,
    /// A `:kind` typed before discovery finished; run when it does.
    pub pending_command: Option<String>,
    next_id: u64,
}

impl Default for Nav {
    fn default() -> Self {
        Nav {
            prompt: None,
            detail: None,
            confirm: None,
            resource: None,
            discovery: Discovery::default(),
            flash: None,
            label_selector: None,
            log_cap: DEFAULT_LOG_CAP,
            last_namespace: None,
            pending_command: None,
            next_id: 0,
        }
    }
}

impl Nav {
    /// A fresh id for a view or stream.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Shows an informational message.
    pub fn info(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
        });
    }

    /// Shows a problem.
    pub fn error(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: true,
        });
    }
}

/// Keys the dialog or prompt consume before the keymap sees them.
pub fn on_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if state.nav.confirm.is_some() {
        if ctrl {
            return None;
        }
        state.dirty = true;
        return Some(on_confirm_key(state, key.code));
    }
    if state.nav.prompt.is_some() && !ctrl {
        state.dirty = true;
        return Some(on_prompt_key(state, key.code));
    }
    None
}

fn on_confirm_key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    match code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
            let Some(confirm) = state.nav.confirm.take() else {
                return Vec::new();
            };
            delete(state, confirm.target)
        }
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            state.nav.confirm = None;
            state.nav.info("delete cancelled");
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn on_prompt_key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    let Some(prompt) = state.nav.prompt.as_mut() else {
        return Vec::new();
    };
    let kind = prompt.kind;
    match code {
        KeyCode::Char(c) => {
            prompt.text.push(c);
            prompt.completions.clear();
        }
        KeyCode::Backspace => {
            prompt.text.pop();
            prompt.completions.clear();
        }
        KeyCode::Tab if kind == PromptKind::Command => {
            command::complete(state);
            return Vec::new();
        }
        KeyCode::Esc => return cancel_prompt(state),
        KeyCode::Enter => return submit_prompt(state),
        _ => return Vec::new(),
    }
    live_update(state);
    Vec::new()
}

/// Filter and search follow every keystroke.
fn live_update(state: &mut State) {
    let Some(prompt) = &state.nav.prompt else {
        return;
    };
    let text = prompt.text.clone();
    match prompt.kind {
        PromptKind::Filter => set_filter(state, &text),
        PromptKind::Search => search_detail(state, &text),
        PromptKind::Command => {}
    }
}

fn search_detail(state: &mut State, query: &str) {
    let Some(detail) = state.nav.detail.as_mut() else {
        return;
    };
    match &mut detail.view {
        detail::DetailView::Logs(logs) => logs.find(query),
        _ => {
            if let Some(pane) = detail.pane_mut() {
                pane.find(query);
            }
        }
    }
}

/// The filter applies to the table on screen: another kind's, or the pods.
fn set_filter(state: &mut State, text: &str) {
    match state.nav.resource.as_mut() {
        Some(view) => view.set_query(text),
        None => state.pods.set_query(text),
    }
}

fn cancel_prompt(state: &mut State) -> Vec<Effect> {
    let Some(prompt) = state.nav.prompt.take() else {
        return Vec::new();
    };
    match prompt.kind {
        PromptKind::Filter => set_filter(state, ""),
        PromptKind::Search => search_detail(state, ""),
        PromptKind::Command => {}
    }
    Vec::new()
}

fn submit_prompt(state: &mut State) -> Vec<Effect> {
    let Some(prompt) = state.nav.prompt.take() else {
        return Vec::new();
    };
    match prompt.kind {
        PromptKind::Command => command::run(state, &prompt.text),
        PromptKind::Search => Vec::new(),
        PromptKind::Filter if state.nav.resource.is_some() => Vec::new(),
        PromptKind::Filter => match prompt.text.strip_prefix(filter::LABEL_PREFIX) {
            Some(selector) => {
                state.pods.set_query("");
                let selector = selector.trim();
                let selector = (!selector.is_empty()).then(|| selector.to_string());
                vec![restart_pods(state, state.namespace.clone(), selector)]
            }
            None => Vec::new(),
        },
    }
}

/// Restarts the pods watch in `namespace` with an optional label selector.
pub fn restart_pods(
    state: &mut State,
    namespace: Option<String>,
    selector: Option<String>,
) -> Effect {
    state.watch_pods(namespace, selector)
}

fn open_prompt(state: &mut State, kind: PromptKind, text: String) {
    state.nav.prompt = Some(Prompt {
        kind,
        text,
        completions: Vec::new(),
    });
}

/// Actions handled here; `None` leaves them to the panes.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    state.nav.flash = None;
    if state.nav.detail.is_some() {
        return Some(super::views::on_detail_action(state, action));
    }
    if action == Action::Command {
        open_prompt(state, PromptKind::Command, String::new());
        return Some(kinds::ensure_discovery(state));
    }
    if state.nav.resource.is_some() && state.focus == Focus::Pods {
        return kinds::on_action(state, action);
    }
    on_pods_action(state, action)
}

fn on_pods_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    use filter::SortColumn as C;
    let column = match action {
        Action::SortName => Some(C::Name),
        Action::SortNamespace => Some(C::Namespace),
        Action::SortStatus => Some(C::Status),
        Action::SortRestarts => Some(C::Restarts),
        Action::SortAge => Some(C::Age),
        _ => None,
    };
    if let Some(column) = column {
        return Some(super::views::sort_by(state, column));
    }
    match action {
        Action::Search => {
            state.focus = Focus::Pods;
            let text = state.pods.view().query().to_string();
            open_prompt(state, PromptKind::Filter, text);
            Some(Vec::new())
        }
        Action::AllNamespaces => Some(super::views::toggle_all_namespaces(state)),
        Action::Yaml | Action::Describe | Action::Logs | Action::Delete
            if state.focus == Focus::Pods =>
        {
            Some(on_selected_pod(state, action))
        }
        Action::Close if state.focus == Focus::Pods => clear_filters(state),
        _ => None,
    }
}

/// Esc on the pods table: drop the local filter, then the label selector.
fn clear_filters(state: &mut State) -> Option<Vec<Effect>> {
    if state.pods.view().is_filtered() || !state.pods.view().query().is_empty() {
        state.pods.set_query("");
        return Some(Vec::new());
    }
    if state.nav.label_selector.is_some() {
        return Some(vec![restart_pods(state, state.namespace.clone(), None)]);
    }
    None
}

fn on_selected_pod(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(row) = state.pods.selected() else {
        state.nav.info("no pod selected");
        return Vec::new();
    };
    let target = ObjectRef::pod(&row.namespace, &row.name);
    act_on(state, action, target)
}

/// YAML, describe, logs or delete on `target`.
pub fn act_on(state: &mut State, action: Action, target: ObjectRef) -> Vec<Effect> {
    let is_pod = target.resource.is_pods();
    match action {
        Action::Yaml => detail::open(state, DetailKind::Yaml, target),
        Action::Describe => detail::open(state, DetailKind::Describe, target),
        Action::Logs if is_pod => detail::open(state, DetailKind::Logs, target),
        Action::Logs => {
            state.nav.info(format!(
                "logs are available for pods; y shows this {} as YAML",
                target.resource.singular
            ));
            Vec::new()
        }
        Action::Delete => ask_delete(state, target),
        _ => Vec::new(),
    }
}

/// Opens the confirmation dialog, or refuses under `--readonly`.
fn ask_delete(state: &mut State, target: ObjectRef) -> Vec<Effect> {
    if state.opts.readonly {
        state.nav.error(format!(
            "read-only mode (--readonly): not deleting {}",
            target.describe()
        ));
    } else if !target.resource.allows("delete") {
        state
            .nav
            .error(format!("{} cannot be deleted", target.resource.plural));
    } else {
        state.nav.confirm = Some(Confirm { target });
    }
    Vec::new()
}

fn delete(state: &mut State, target: ObjectRef) -> Vec<Effect> {
    if state.opts.readonly {
        state
            .nav
            .error("read-only mode (--readonly): delete refused");
        return Vec::new();
    }
    if let (true, Some(ns)) = (target.resource.is_pods(), target.namespace.as_deref()) {
        state.pods.mark_terminating(ns, &target.name);
    }
    let what = target.describe();
    state.nav.info(format!("deleting {what}…"));
    vec![Effect::Delete {
        context: state.context.clone().unwrap_or_default(),
        path: target.path(),
        what,
    }]
}

/// Task results for the views here; other messages are left alone (returned).
pub fn on_result(state: &mut State, msg: Msg) -> Result<Vec<Effect>, Msg> {
    let detail_id = state.nav.detail.as_ref().map(|d| d.id);
    let current = |id: u64| detail_id == Some(id);
    match msg {
        Msg::ObjectFetched { id, result } if current(id) => {
            state.dirty = true;
            Ok(detail::on_object(state, result))
        }
        Msg::EventsFetched { id, result } if current(id) => {
            state.dirty = true;
            detail::on_events(state, result);
            Ok(Vec::new())
        }
        Msg::LogLines { id, lines } if current(id) => {
            state.dirty = true;
            super::views::on_log_lines(state, lines);
            Ok(Vec::new())
        }
        Msg::LogEnded { id, error } if current(id) => {
            state.dirty = true;
            super::views::on_log_end(state, error);
            Ok(Vec::new())
        }
        Msg::ObjectFetched { .. }
        | Msg::EventsFetched { .. }
        | Msg::LogLines { .. }
        | Msg::LogEnded { .. } => Ok(Vec::new()),
        Msg::Deleted { what, result } => {
            state.dirty = true;
            Ok(on_deleted(state, what, result))
        }
        Msg::Discovered { generation, result } => {
            Ok(kinds::on_discovered(state, generation, result))
        }
        Msg::Table { id, event } => {
            kinds::on_table(state, id, event);
            Ok(Vec::new())
        }
        other => Err(other),
    }
}

fn on_deleted(
    state: &mut State,
    what: String,
    result: Result<(), crate::kube::Failure>,
) -> Vec<Effect> {
    match result {
        Ok(()) => state.nav.info(format!("{what} deleted")),
        Err(e) => state.nav.error(format!("delete {what}: {e}")),
    }
    kinds::refresh(state)
}
