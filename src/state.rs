//! All UI state and the pure `update` function: messages in, effects out. No I/O, no ratatui.

mod command;
pub mod copy;
mod cursor;
pub mod describe;
pub mod detail;
pub mod filter;
pub mod health;
pub mod kinds;
mod line_input;
pub mod logs;
mod mouse;
pub mod nav;
mod pods;
pub mod raw;
pub mod raw_copy;
mod raw_keys;
pub mod raw_response;
#[cfg(test)]
mod raw_tests;
pub mod request_log;
mod streams;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_comfort;
#[cfg(test)]
mod tests_kinds;
#[cfg(test)]
mod tests_pods;
pub mod text_pane;
mod views;

use std::time::Duration;

pub use cursor::Cursor;
pub use nav::Notify;
pub use pods::PodTable;
pub use raw::RawPane;
pub use request_log::RequestLog;
pub use streams::Problem;

pub use crate::msg::Focus;

use crate::config::ThemeName;
use crate::keys::{Action, Keymap};
use crate::kube::Failure;
use crate::kube::kubeconfig::ContextInfo;
use crate::msg::{ConnectionInfo, Effect, Msg, ServerVersion};

/// How the app was started (command-line flags that the UI cares about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartOptions {
    /// `-A`: watch pods of all namespaces.
    pub all_namespaces: bool,
    /// `--readonly`: shown in the status bar; mutating actions are refused.
    pub readonly: bool,
    /// Where logs go, so error screens can point at it.
    pub log_file: Option<String>,
    /// `--log-lines`: lines a logs view keeps (0: the default, 50 000).
    pub log_lines: usize,
    /// Colours to draw with (config `theme`, or `Mono` under `NO_COLOR`).
    pub theme: ThemeName,
    /// Why (part of) the config file was ignored, shown in the status bar.
    pub config_error: Option<String>,
}

/// What fills the screen above the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Contexts, namespaces and pods.
    #[default]
    Main,
    /// The raw-request pane (`call_api`).
    Raw,
    /// Every API call the app made, newest first.
    RequestLog,
}

/// The latest `/version` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: ServerVersion,
    pub latency: Duration,
}

/// Progress of the pods list/watch stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PodsLoad {
    /// No stream (no context yet).
    #[default]
    Idle,
    /// Waiting for pages; more to come.
    Loading,
    /// The list is complete; watching for changes.
    Watching,
}

/// The error the status bar shows: facts, worded by the ui.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownError<'a> {
    /// What failed: `pods`, `namespaces`, `connect`, the open kind (`deployments`), …
    pub source: &'a str,
    pub message: &'a str,
    /// When the stream tries again (the ui counts down to it).
    pub retry_at: Option<jiff::Timestamp>,
}

/// Everything the screen shows.
#[derive(Debug, Clone)]
pub struct State {
    pub opts: StartOptions,
    pub keymap: Keymap,
    /// Set by `update` when the screen must be redrawn; the app clears it after drawing.
    pub dirty: bool,
    /// Clock for AGE/RESTARTS; set on `Msg::Tick`, settable for deterministic rendering.
    pub now: jiff::Timestamp,
    /// Advances on ticks while loading (spinner frame).
    pub spinner: usize,
    pub focus: Focus,
    pub screen: Screen,
    pub help_open: bool,
    /// First row of bindings the help overlay shows (it scrolls when they do not fit).
    pub help_scroll: usize,
    /// Full-screen problem (no kubeconfig at all).
    pub fatal: Option<String>,
    /// A hint for the user, e.g. when no context is selected.
    pub hint: Option<String>,
    /// A problem reading the kubeconfig that still left some contexts.
    pub kubeconfig_error: Option<String>,
    /// Namespace asked for at start (-n or the context's), used when a context is picked.
    pub requested_namespace: Option<String>,

    pub contexts: Vec<ContextInfo>,
    pub contexts_cursor: Cursor,
    /// The context the pods come from.
    pub context: Option<String>,
    /// Bumped on every context switch; `Connected`, `Namespaces`, `Version` carry it.
    pub context_gen: u64,
    pub connection: Option<ConnectionInfo>,
    pub connection_error: Option<Failure>,
    pub version: Option<VersionInfo>,
    pub version_error: Option<Failure>,

    /// Namespaces of the context (without the leading "all" entry the pane shows).
    pub namespaces: Vec<String>,
    /// Cursor over `["all"] + namespaces`.
    pub namespaces_cursor: Cursor,
    /// The namespaces stream failed (a 403 leaves the namespaces the app knows of).
    pub namespaces_error: Option<Problem>,
    /// Namespace whose pods are shown; `None` = all namespaces.
    pub namespace: Option<String>,

    /// Bumped on every context or namespace change; `Pods*` messages carry it.
    pub pods_gen: u64,
    pub pods: PodTable,
    pub pods_load: PodsLoad,
    pub pods_error: Option<Problem>,

    /// Server-side label selector of the pods watch (`/-l app=web`).
    pub label_selector: Option<String>,
    /// Namespace to return to when `a` turns all-namespaces off.
    pub last_namespace: Option<String>,

    /// The one-line editor at the top (filter, command line, search).
    pub prompt: Option<nav::Prompt>,
    /// The delete confirmation dialog.
    pub confirm: Option<nav::Confirm>,
    /// A message shown until the next key.
    pub flash: Option<nav::Flash>,
    /// The open YAML, describe or logs view.
    pub detail: Option<detail::Detail>,
    /// The table of another kind (`:deploy`), shown instead of the pods.
    pub resource: Option<kinds::ResourceView>,
    /// Resource types of the context, for `:kind`.
    pub discovery: kinds::Discovery,
    /// Lines a logs view keeps.
    pub log_cap: usize,
    /// Last id handed to a view or stream.
    next_id: u64,
    pub raw: RawPane,
    pub request_log: RequestLog,
    /// Version and latency of the other contexts (contexts pane).
    pub health: health::Health,
    /// The window title last asked for (`Effect::SetTitle` only when it changes).
    pub title: String,
}

impl State {
    /// A fresh state waiting for `Msg::Contexts`.
    pub fn new(opts: StartOptions) -> State {
        let log_cap = match opts.log_lines {
            0 => logs::DEFAULT_LOG_CAP,
            n => n,
        };
        State {
            opts,
            keymap: Keymap::builtin(),
            dirty: true,
            now: jiff::Timestamp::now(),
            spinner: 0,
            focus: Focus::Pods,
            screen: Screen::Main,
            help_open: false,
            help_scroll: 0,
            fatal: None,
            hint: None,
            kubeconfig_error: None,
            requested_namespace: None,
            contexts: Vec::new(),
            contexts_cursor: Cursor::default(),
            context: None,
            context_gen: 0,
            connection: None,
            connection_error: None,
            version: None,
            version_error: None,
            namespaces: Vec::new(),
            namespaces_cursor: Cursor::default(),
            namespaces_error: None,
            namespace: None,
            pods_gen: 0,
            pods: PodTable::default(),
            pods_load: PodsLoad::Idle,
            pods_error: None,
            label_selector: None,
            last_namespace: None,
            prompt: None,
            confirm: None,
            flash: None,
            detail: None,
            resource: None,
            discovery: kinds::Discovery::default(),
            log_cap,
            next_id: 0,
            raw: RawPane::default(),
            request_log: RequestLog::default(),
            title: String::new(),
            health: health::Health::default(),
        }
    }

    /// A fresh id for a view or stream.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Rows of the namespaces pane: "all" then the namespaces.
    pub fn namespace_entries(&self) -> usize {
        self.namespaces.len() + 1
    }

    /// The most important error for the status bar: where it came from, its words, and when
    /// it is tried again.
    pub fn current_error(&self) -> Option<ShownError<'_>> {
        type Shown<'a> = Option<(&'a str, Option<jiff::Timestamp>)>;
        fn problem(p: &Option<Problem>) -> Shown<'_> {
            p.as_ref().map(|p| (p.message(), p.retry_at))
        }
        fn failure(f: &Option<Failure>) -> Shown<'_> {
            f.as_ref().map(|f| (f.message.as_str(), None))
        }
        fn text(t: &Option<String>) -> Shown<'_> {
            t.as_ref().map(|t| (t.as_str(), None))
        }
        let table = self.resource.as_ref();
        let sources = [
            ("connect", failure(&self.connection_error)),
            (
                table.map_or("", |v| v.resource.plural.as_str()),
                table.and_then(|v| problem(&v.error)),
            ),
            ("pods", problem(&self.pods_error)),
            ("namespaces", problem(&self.namespaces_error)),
            ("version", failure(&self.version_error)),
            ("kubeconfig", text(&self.kubeconfig_error)),
            ("config", text(&self.opts.config_error)),
        ];
        let (source, (message, retry_at)) = sources.into_iter().find_map(|(s, e)| Some((s, e?)))?;
        Some(ShownError {
            source,
            message,
            retry_at,
        })
    }

    /// Starts over on `context`: new generations, empty lists, then connect and watch.
    fn open_context(&mut self, context: String, namespace: Option<String>) -> Vec<Effect> {
        self.context_gen += 1;
        self.context = Some(context.clone());
        self.connection = None;
        self.connection_error = None;
        self.version = None;
        self.version_error = None;
        self.namespaces.clear();
        self.namespaces_cursor = Cursor::default();
        self.namespaces_error = None;
        self.hint = None;
        // Tables of another kind belong to the old context.
        self.resource = None;
        // History is per context; the runtime answers `Connect` with `HistoryLoaded`.
        self.raw.history.clear();
        self.raw.stop_recall();
        if let Some(index) = self.contexts.iter().position(|c| c.name == context) {
            self.contexts_cursor.select(index, self.contexts.len());
        }
        let connect = Effect::Connect {
            generation: self.context_gen,
            context,
        };
        vec![connect, self.watch_pods(namespace, None)]
    }

    /// Restarts the pods stream for `namespace` (`None` = all) with an optional server-side
    /// label selector.
    fn watch_pods(&mut self, namespace: Option<String>, label_selector: Option<String>) -> Effect {
        self.pods_gen += 1;
        self.namespace = namespace.clone();
        self.pods.clear();
        self.pods.set_match_namespace(namespace.is_none());
        self.label_selector = label_selector.clone();
        self.pods_load = PodsLoad::Loading;
        self.pods_error = None;
        Effect::WatchPods {
            generation: self.pods_gen,
            context: self.context.clone().unwrap_or_default(),
            namespace,
            label_selector,
        }
    }
}

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
    let Some(context) = &state.context else {
        return "kr8s-tui".into();
    };
    let namespace = state.namespace.as_deref().unwrap_or("all");
    crate::text::sanitize(&format!("kr8s-tui: {context}/{namespace}")).into_owned()
}

/// Applies `msg` to `state` and returns the work to start. Pure: no I/O, no clock (the time
/// comes in with `Msg::Tick`).
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if state.screen == Screen::Raw && !state.help_open => {
            raw_keys::on_key(state, key)
        }
        Msg::Key(key) => {
            if let Some(effects) = nav::on_key(state, &key) {
                return effects;
            }
            match state.keymap.action(&key) {
                Some(action) => on_action(state, action),
                None => Vec::new(),
            }
        }
        Msg::RawResponse { id, result } => {
            raw_keys::on_response(state, id, result);
            Vec::new()
        }
        Msg::HistoryLoaded { context, entries } => {
            raw_keys::on_history(state, context, entries);
            Vec::new()
        }
        Msg::RequestLogged(record) => {
            state.request_log.push(record);
            state.dirty |= state.screen == Screen::RequestLog;
            Vec::new()
        }
        Msg::Resize { .. } => {
            state.dirty = true;
            Vec::new()
        }
        Msg::Click { pane, row } => mouse::on_click(state, pane, row),
        Msg::Scroll { pane, delta } => mouse::on_scroll(state, pane, delta),
        Msg::Tick(now) => {
            on_tick(state, now);
            health::on_tick(state)
        }
        Msg::Health { context, result } => {
            health::on_result(state, context, result);
            Vec::new()
        }
        Msg::Contexts {
            contexts,
            selected,
            namespace,
            error,
        } => on_contexts(state, contexts, selected, namespace, error),
        other => match nav::on_result(state, other) {
            Ok(effects) => effects,
            Err(other) => {
                on_task_result(state, other);
                Vec::new()
            }
        },
    }
}

/// Advances the clock; redraws only when a visible second changed or a spinner runs.
pub fn on_tick(state: &mut State, now: jiff::Timestamp) {
    let second_changed = now.as_second() != state.now.as_second();
    state.now = now;
    let sending = state.screen == Screen::Raw && state.raw.in_flight.is_some();
    if state.pods_load == PodsLoad::Loading || sending {
        state.spinner = state.spinner.wrapping_add(1);
        state.dirty = true;
    }
    state.dirty |= second_changed;
}

fn on_contexts(
    state: &mut State,
    contexts: Vec<ContextInfo>,
    selected: Option<String>,
    namespace: Option<String>,
    error: Option<String>,
) -> Vec<Effect> {
    state.dirty = true;
    state.contexts = contexts;
    state.contexts_cursor = Cursor::default();
    if state.contexts.is_empty() {
        state.fatal = Some(error.unwrap_or_else(|| "the kubeconfig has no contexts".into()));
        return Vec::new();
    }
    state.kubeconfig_error = error;
    state.requested_namespace = namespace.clone();
    match selected {
        Some(context) => {
            let namespace = namespace.filter(|_| !state.opts.all_namespaces);
            state.open_context(context, namespace)
        }
        None => {
            state.focus = Focus::Contexts;
            state.hint = Some("no current context: pick one and press Enter".into());
            Vec::new()
        }
    }
}

/// Opens the help overlay at its top.
pub(crate) fn open_help(state: &mut State) {
    state.help_open = true;
    state.help_scroll = 0;
}

/// Keys while help is open: close it, or scroll it (the overlay clamps the offset to what it
/// has to show).
fn scroll_help(state: &mut State, action: Action) {
    let last = state.keymap.help().len();
    let scroll = &mut state.help_scroll;
    match action {
        Action::Help | Action::Close => state.help_open = false,
        Action::Down => *scroll = (*scroll + 1).min(last),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = (*scroll + 10).min(last),
        Action::PageUp => *scroll = scroll.saturating_sub(10),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = last,
        _ => return,
    }
    state.dirty = true;
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return vec![Effect::Quit];
    }
    if state.help_open {
        scroll_help(state, action);
        return Vec::new();
    }
    state.dirty = true;
    if copy::is_copy(action) && state.screen == Screen::Main && state.prompt.is_none() {
        return copy::on_copy(state, action);
    }
    if action != Action::Help
        && state.screen == Screen::Main
        && let Some(effects) = nav::on_action(state, action)
    {
        return effects;
    }
    match action {
        Action::Help => open_help(state),
        Action::FocusNext => state.focus = state.focus.next(),
        Action::FocusPrev => state.focus = state.focus.prev(),
        Action::RawRequest => raw_keys::open(state),
        Action::RequestLog => state.screen = Screen::RequestLog,
        Action::Close if state.screen != Screen::Main => state.screen = Screen::Main,
        Action::Select if state.screen == Screen::Main => return select(state),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => move_cursor(state, action),
        _ => state.dirty = false,
    }
    Vec::new()
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
    match action {
        Action::Up => cursor.step(-1, len),
        Action::Down => cursor.step(1, len),
        Action::PageUp => cursor.page(-1, len),
        Action::PageDown => cursor.page(1, len),
        Action::Top => cursor.select(0, len),
        Action::Bottom => cursor.select(usize::MAX, len),
        _ => {}
    }
}

/// Enter: open the context or namespace under the cursor.
fn select(state: &mut State) -> Vec<Effect> {
    match state.focus {
        Focus::Contexts => {
            let Some(info) = state.contexts.get(state.contexts_cursor.selected()) else {
                return Vec::new();
            };
            let name = info.name.clone();
            let namespace = namespace_for(state, info);
            state.open_context(name, namespace)
        }
        Focus::Namespaces if state.context.is_some() => {
            let namespace = match state.namespaces_cursor.selected() {
                0 => None,
                n => state.namespaces.get(n - 1).cloned(),
            };
            let mut effects = vec![state.watch_pods(namespace, None)];
            // A resource table follows the namespace, like the pods do.
            effects.extend(kinds::reopen(state));
            effects
        }
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

/// Results of background tasks, dropped when they belong to an older generation.
fn on_task_result(state: &mut State, msg: Msg) {
    let current = match &msg {
        Msg::Connected { generation, .. }
        | Msg::Namespaces { generation, .. }
        | Msg::Version { generation, .. } => *generation == state.context_gen,
        Msg::Pods { generation, .. } => *generation == state.pods_gen,
        _ => false,
    };
    if !current {
        return;
    }
    state.dirty = true;
    match msg {
        Msg::Connected { result, .. } => match result {
            Ok(info) => {
                state.connection = Some(info);
                state.connection_error = None;
            }
            Err(e) => state.connection_error = Some(e),
        },
        Msg::Namespaces { event, .. } => streams::on_namespaces(state, event),
        Msg::Version { result, .. } => match result {
            Ok((version, latency)) => {
                state.version = Some(VersionInfo { version, latency });
                state.version_error = None;
            }
            Err(e) => state.version_error = Some(e),
        },
        Msg::Pods { event, .. } => streams::on_pods(state, event),
        _ => {}
    }
}
