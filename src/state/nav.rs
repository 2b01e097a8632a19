//! The prompt (filter, command line, search), the delete dialog and one-line messages, and the
//! pods-table actions that open them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::detail::{self, DetailKind, ObjectRef};
use super::kinds;
use super::line_input::LineInput;
use super::{Effect, Focus, State, command, filter};
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
    /// The line and its cursor.
    pub input: LineInput,
    /// Candidates shown after Tab.
    pub completions: Vec<String>,
}

impl Prompt {
    /// A prompt holding `text`, the cursor at its end.
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            input: LineInput::new(text),
            completions: Vec::new(),
        }
    }

    /// The line as typed.
    pub fn text(&self) -> &str {
        self.input.text()
    }
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

/// Shows one-line messages: `state.flash.info(..)` / `state.flash.error(..)`.
pub trait Notify {
    /// Shows an informational message.
    fn info(&mut self, text: impl Into<String>);
    /// Shows a problem.
    fn error(&mut self, text: impl Into<String>);
}

impl Notify for Option<Flash> {
    fn info(&mut self, text: impl Into<String>) {
        *self = Some(Flash {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        *self = Some(Flash {
            text: text.into(),
            error: true,
        });
    }
}

/// A plain key while the delete dialog is open.
pub(super) fn on_confirm_key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    match code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
            let Some(confirm) = state.confirm.take() else {
                return Vec::new();
            };
            delete(state, confirm.target)
        }
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            state.confirm = None;
            state.flash.info("delete cancelled");
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A key while the prompt is open: line editing (as a shell edits), Tab completion, Enter or
/// Esc. `None` for chords the prompt leaves to the keymap (ctrl-c quits).
pub(super) fn on_prompt_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let prompt = state.prompt.as_mut()?;
    let kind = prompt.kind;
    let before = prompt.input.text().to_string();
    if prompt.input.input(key) {
        if prompt.input.text() != before {
            prompt.completions.clear();
            live_update(state);
        }
        return Some(Vec::new());
    }
    let effects = match key.code {
        KeyCode::Tab if kind == PromptKind::Command => {
            command::complete(state);
            Vec::new()
        }
        KeyCode::Esc => cancel_prompt(state),
        KeyCode::Enter => submit_prompt(state),
        _ if key.modifiers.contains(KeyModifiers::CONTROL) => return None,
        _ => Vec::new(),
    };
    Some(effects)
}

/// Filter and search follow every keystroke.
fn live_update(state: &mut State) {
    let Some(prompt) = &state.prompt else {
        return;
    };
    let text = prompt.text().to_string();
    match prompt.kind {
        PromptKind::Filter => set_filter(state, &text),
        PromptKind::Search => search_detail(state, &text),
        PromptKind::Command => {}
    }
}

fn search_detail(state: &mut State, query: &str) {
    let Some(detail) = state.detail.as_mut() else {
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
    if let Some(view) = state.xray.as_mut() {
        return view.set_query(text);
    }
    match state.resource.as_mut() {
        Some(view) => view.set_query(text),
        None => state.pods.set_query(text),
    }
}

fn cancel_prompt(state: &mut State) -> Vec<Effect> {
    let Some(prompt) = state.prompt.take() else {
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
    let Some(prompt) = state.prompt.take() else {
        return Vec::new();
    };
    match prompt.kind {
        PromptKind::Command => command::run(state, prompt.text()),
        PromptKind::Search => Vec::new(),
        PromptKind::Filter if state.resource.is_some() || state.xray.is_some() => Vec::new(),
        PromptKind::Filter => match prompt.text().strip_prefix(filter::LABEL_PREFIX) {
            Some(selector) => {
                state.pods.set_query("");
                super::drill::selector_changed(state);
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

pub(super) fn open_prompt(state: &mut State, kind: PromptKind, text: &str) {
    state.prompt = Some(Prompt::new(kind, text));
}

/// `:` opens the command line (and asks for discovery, which `:kind` needs).
pub(super) fn open_command(state: &mut State) -> Vec<Effect> {
    open_prompt(state, PromptKind::Command, "");
    kinds::ensure_discovery(state)
}

/// Actions on the pods table (and the panes beside it); `None` leaves them to the panes.
pub(super) fn on_pods_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    use filter::SortColumn as C;
    let column = match action {
        Action::SortName => Some(C::Name),
        Action::SortNamespace => Some(C::Namespace),
        Action::SortStatus => Some(C::Status),
        Action::SortRestarts => Some(C::Restarts),
        Action::SortAge => Some(C::Age),
        Action::SortCpu => Some(C::Cpu),
        Action::SortMemory => Some(C::Memory),
        Action::SortContext => Some(C::Context),
        _ => None,
    };
    if let Some(column) = column {
        return Some(super::views::sort_by(state, column));
    }
    match action {
        Action::Search => {
            state.focus = Focus::Pods;
            state.pods.prepare_filter();
            let text = state.pods.view().query().to_string();
            open_prompt(state, PromptKind::Filter, &text);
            Some(Vec::new())
        }
        Action::AllNamespaces => Some(super::views::toggle_all_namespaces(state)),
        Action::Yaml | Action::Describe | Action::Logs | Action::Delete | Action::Edit
            if state.focus == Focus::Pods =>
        {
            Some(on_selected_pod(state, action))
        }
        Action::Shell | Action::Attach if state.focus == Focus::Pods => {
            Some(super::remote::open(state, action == Action::Attach))
        }
        // The containers view is the picker: it lists each container's ports.
        Action::PortForward if state.focus == Focus::Pods => Some(super::remote::pick_container(
            state,
            "port-forward",
            Action::PortForward,
        )),
        Action::Close if state.focus == Focus::Pods => clear_filters(state),
        // Ctrl-R lists the pods again (a fresh list repairs anything the watch missed).
        Action::Refresh => {
            let (namespace, selector) = (state.namespace.clone(), state.label_selector.clone());
            Some(vec![restart_pods(state, namespace, selector)])
        }
        _ => None,
    }
}

/// Esc on the pods table: drop the local filter, then go back where Enter came from, then
/// drop the label selector.
fn clear_filters(state: &mut State) -> Option<Vec<Effect>> {
    if state.pods.view().is_filtered() || !state.pods.view().query().is_empty() {
        state.pods.set_query("");
        return Some(Vec::new());
    }
    if let Some(effects) = super::drill::back(state) {
        return Some(effects);
    }
    if state.label_selector.is_some() {
        return Some(vec![restart_pods(state, state.namespace.clone(), None)]);
    }
    None
}

fn on_selected_pod(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(row) = state.pods.selected() else {
        state.flash.info("no pod selected");
        return Vec::new();
    };
    let target = ObjectRef::of_pod_row(row);
    act_on(state, action, target)
}

/// YAML, describe, logs, delete or edit on `target`.
pub fn act_on(state: &mut State, action: Action, target: ObjectRef) -> Vec<Effect> {
    let is_pod = target.resource.is_pods();
    match action {
        Action::Yaml => detail::open(state, DetailKind::Yaml, target),
        Action::Describe => detail::open(state, DetailKind::Describe, target),
        Action::Logs if is_pod || super::workload_logs::supports(&target.resource) => {
            detail::open(state, DetailKind::Logs, target)
        }
        Action::Logs => {
            state.flash.info(format!(
                "logs are available for pods and workloads; y shows this {} as YAML",
                target.resource.singular
            ));
            Vec::new()
        }
        Action::Delete => ask_delete(state, target),
        Action::Edit => super::edit::start(state, target),
        _ => Vec::new(),
    }
}

/// Opens the confirmation dialog, or refuses under `--readonly`.
fn ask_delete(state: &mut State, target: ObjectRef) -> Vec<Effect> {
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state
            .flash
            .error(format!("{why}: not deleting {}", target.describe()));
    } else if !target.resource.allows("delete") {
        state
            .flash
            .error(format!("{} cannot be deleted", target.resource.plural));
    } else {
        state.confirm = Some(Confirm { target });
    }
    Vec::new()
}

fn delete(state: &mut State, target: ObjectRef) -> Vec<Effect> {
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state.flash.error(format!("{why}: delete refused"));
        return Vec::new();
    }
    // The row is left as the server has it: the watch shows Terminating once the server
    // holds a deletionTimestamp, and a refused delete changes nothing.
    let what = target.describe();
    state.flash.info(format!("deleting {what}…"));
    vec![Effect::Delete {
        context: target.context_in(state),
        path: target.path(),
        what,
    }]
}

/// A delete finished: say so, and list an open resource table again.
pub(super) fn on_deleted(
    state: &mut State,
    what: String,
    result: Result<(), crate::kube::Failure>,
) -> Vec<Effect> {
    if super::marks::on_deleted(state, &what, &result) {
        return match state.ops.marks.deleting_any() {
            true => Vec::new(),
            false => kinds::refresh(state),
        };
    }
    match result {
        Ok(()) => state.flash.info(format!("{what} deleted")),
        Err(e) => state.flash.error(format!("delete {what}: {e}")),
    }
    kinds::refresh(state)
}
