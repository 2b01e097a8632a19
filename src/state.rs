//! All UI state and the pure `update` function: messages in, effects out. No I/O, no ratatui.

mod command;
pub mod containers;
pub mod copy;
mod cursor;
pub mod describe;
pub mod detail;
pub mod drain;
pub mod drill;
pub mod edit;
mod errors;
mod exec;
pub mod filter;
pub mod fleet;
mod fleet_table;
pub mod forwards;
pub mod health;
pub mod history_view;
pub mod input;
pub mod kinds;
pub mod line_input;
pub mod logs;
pub mod marks;
pub mod metrics;
mod mouse;
pub mod nav;
pub mod ops;
pub mod owner;
pub mod panes;
mod pods;
pub mod pulse;
pub mod raw;
pub mod raw_copy;
pub mod raw_fanout;
mod raw_keys;
pub mod raw_response;
#[cfg(test)]
mod raw_tests;
mod remote;
pub mod replay;
pub mod request_log;
pub mod secret;
mod start;
mod streams;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_comfort;
#[cfg(test)]
mod tests_drill;
#[cfg(test)]
mod tests_filter;
#[cfg(test)]
mod tests_fleet;
#[cfg(test)]
mod tests_kinds;
#[cfg(test)]
mod tests_nav;
#[cfg(test)]
mod tests_pods;
pub mod text_pane;
mod title;
pub mod versions;
mod views;
pub mod visits;
pub mod workload_logs;
pub mod xray;

use std::time::Duration;

pub use cursor::Cursor;
pub use errors::ShownError;
pub use nav::Notify;
pub use pods::PodTable;
pub use raw::RawPane;
pub use request_log::RequestLog;
pub use streams::Problem;
pub use title::{title_effect, window_title};

pub use crate::msg::Focus;

use crate::config::{PaneMode, ThemeName};
use crate::keys::Keymap;
use crate::kube::Failure;
use crate::kube::kubeconfig::ContextInfo;
use crate::kube::watcher;
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
    /// Where the contexts and namespaces panes go (config `[ui] panes`).
    pub panes: PaneMode,
    /// Versions kept per object (config `history_versions`; `None`: the default).
    pub history_versions: Option<usize>,
    /// Bytes the object history may take (config `history_max_mib`; `None`: the default).
    pub history_max_bytes: Option<usize>,
    /// `--replay`: the recording's first and last moment (ms since the epoch).
    pub replay: Option<(i64, i64)>,
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
    /// The port-forwards (`:pf`).
    Forwards,
    /// Pictures of the cluster at a glance (`:pulse`).
    Pulse,
    /// One object's versions (`h`).
    History,
    /// Objects gone while the app watched (`:deleted`).
    Deleted,
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
    /// Contexts and namespaces panes: auto, shown or hidden (toggled by a key).
    pub panes: PaneMode,
    /// Terminal height from the last `Msg::Resize` (`None`: not known yet, taken as tall).
    pub screen_rows: Option<u16>,
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

    /// Server-side label selector of the pods watch (`/-l app=web`, a workload's selector).
    pub label_selector: Option<String>,
    /// Server-side field selector of the pods watch (a node's pods: `spec.nodeName=NODE`).
    pub field_selector: Option<String>,
    /// The Enter path: what Esc goes back to, and what the pods on screen were reached from.
    pub drill: drill::Drill,
    /// The containers of a pod (Enter on a pod), shown instead of the pods.
    pub containers: Option<containers::ContainersView>,
    /// Namespace to return to when `a` turns all-namespaces off.
    pub last_namespace: Option<String>,

    /// The one-line editor at the top (filter, command line, search).
    pub prompt: Option<nav::Prompt>,
    /// The delete confirmation dialog.
    pub confirm: Option<nav::Confirm>,
    /// Dialogs of scale, restart, drain and bulk delete; marks; the drain view.
    pub ops: ops::Ops,
    /// A message shown until the next key.
    pub flash: Option<nav::Flash>,
    /// The server's latest `Warning` header (a deprecation), shown until the next key.
    pub warning: Option<String>,
    /// The open YAML, describe or logs view.
    pub detail: Option<detail::Detail>,
    /// The edit in progress (`e`), and its diff view once the editor closed.
    pub edit: Option<edit::Edit>,
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
    /// Port-forwards running in the background (`:pf`), and where `F` points the next one.
    pub forwards: forwards::Forwards,
    /// Version and latency of the other contexts (contexts pane).
    pub health: health::Health,
    /// metrics.k8s.io: served or not, nodes' usage.
    pub metrics: metrics::Metrics,
    /// The window title last asked for (`Effect::SetTitle` only when it changes).
    pub title: String,
    /// Samples and counts behind `:pulse` and the status bar's latency sparkline.
    pub pulse: pulse::Pulse,
    /// The views visited, for back and forward.
    pub visits: visits::Visits,
    /// A `J` waiting for its object.
    pub jump: Option<owner::Jump>,
    /// The `:xray` owner tree, shown over the table.
    pub xray: Option<xray::XrayView>,
    /// Several contexts shown in one table (`--context a,b`); `context` is its first member.
    pub fleet: Option<fleet::Fleet>,
    /// Contexts marked in the contexts pane (Space); Enter opens them together.
    pub fleet_picks: Vec<String>,
    /// The last versions of every watched object, and the objects gone (`h`, `:deleted`).
    pub history: versions::History,
    /// The versions of one object, open over the screen it came from (`h`).
    pub history_view: Option<history_view::HistoryView>,
    /// The `:deleted` list.
    pub deleted_view: Option<history_view::DeletedView>,
    /// `--replay`: the time bar (the recording's span and the moment shown).
    pub replay: Option<replay::ReplayBar>,
}

impl State {
    /// A fresh state waiting for `Msg::Contexts`.
    pub fn new(opts: StartOptions) -> State {
        let panes = opts.panes;
        let history = versions::History::new(
            opts.history_versions.unwrap_or(versions::DEFAULT_VERSIONS),
            opts.history_max_bytes
                .unwrap_or(versions::DEFAULT_MAX_BYTES),
        );
        let span = opts.replay;
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
            panes,
            screen_rows: None,
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
            field_selector: None,
            drill: drill::Drill::default(),
            containers: None,
            last_namespace: None,
            prompt: None,
            confirm: None,
            ops: ops::Ops::default(),
            flash: None,
            warning: None,
            detail: None,
            edit: None,
            resource: None,
            discovery: kinds::Discovery::default(),
            log_cap,
            next_id: 0,
            raw: RawPane::default(),
            request_log: RequestLog::default(),
            forwards: forwards::Forwards::default(),
            title: String::new(),
            health: health::Health::default(),
            metrics: metrics::Metrics::default(),
            pulse: pulse::Pulse::default(),
            visits: visits::Visits::default(),
            jump: None,
            xray: None,
            fleet: None,
            fleet_picks: Vec::new(),
            history,
            history_view: None,
            deleted_view: None,
            replay: span.map(|(first, last)| replay::ReplayBar {
                first,
                last,
                at: last,
            }),
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
}

/// Applies `msg` to `state` and returns the work to start. Pure: no I/O, no clock (the time
/// comes in with `Msg::Tick`). Every message is matched here once; results of an older
/// generation or of a view that has closed are dropped. Then the view on screen is noted for
/// back and forward.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let noted = visits::noted(&msg);
    let effects = apply(state, msg);
    if noted {
        visits::observe(state);
    }
    effects
}

fn apply(state: &mut State, msg: Msg) -> Vec<Effect> {
    let context_gen = state.context_gen;
    let pods_gen = state.pods_gen;
    let detail_id = state.detail.as_ref().map(|d| d.id);
    let drill_id = state.drill.awaited_id();
    let containers_id = state.containers.as_ref().map(|c| c.id);
    let jump_id = state.jump.as_ref().map(|j| j.id);
    let none = Vec::new;
    match msg {
        Msg::Key(key) => input::on_key(state, key),
        Msg::Forward(row) => forwards::on_row(state, row),
        Msg::ForwardStopped { id } => forwards::on_stopped(state, id),
        Msg::ExecOutput { id, lines, outcome } => exec::on_output(state, id, lines, outcome),
        Msg::ForegroundEnded(outcome) => remote::ended(state, outcome),
        Msg::Resize { height, .. } => {
            state.screen_rows = Some(height);
            state.dirty = true;
            none()
        }
        Msg::Click { pane, row } => mouse::on_click(state, pane, row),
        Msg::Scroll { pane, delta } => mouse::on_scroll(state, pane, delta),
        Msg::Tick(now) => {
            on_tick(state, replay::now_shown(state, now));
            let mut effects = health::on_tick(state);
            effects.extend(pulse::on_tick(state));
            effects.extend(workload_logs::on_tick(state));
            effects
        }
        Msg::Health { context, result } => {
            health::on_result(state, context, result);
            none()
        }
        Msg::Contexts {
            contexts,
            selected,
            fleet,
            namespace,
            error,
        } => start::on_contexts(state, contexts, (selected, fleet), namespace, error),
        Msg::Connected { generation, result } if generation == context_gen => {
            state.dirty = true;
            match result {
                Ok(info) => {
                    state.connection = Some(info);
                    state.connection_error = None;
                }
                Err(e) => state.connection_error = Some(e),
            }
            none()
        }
        Msg::Namespaces { generation, event } if generation == context_gen => {
            state.dirty = true;
            streams::on_namespaces(state, event);
            none()
        }
        Msg::Version { generation, result } if generation == context_gen => {
            state.dirty = true;
            match result {
                Ok((version, latency)) => {
                    pulse::on_latency(state, latency);
                    state.version = Some(VersionInfo { version, latency });
                    state.version_error = None;
                }
                Err(e) => state.version_error = Some(e),
            }
            none()
        }
        Msg::Pods {
            generation,
            mut event,
        } if generation == pods_gen => {
            state.dirty = true;
            versions::on_pods(state, None, &mut event);
            marks::on_pods_event(state, &event);
            if let watcher::Event::Changes(changes) = &event {
                pulse::on_pod_changes(state, changes);
            }
            streams::on_pods(state, event);
            let mut effects = containers::on_pods_changed(state);
            effects.extend(metrics::on_pods_listed(state));
            effects
        }
        Msg::FleetPods {
            generation,
            member,
            mut event,
        } if generation == pods_gen => {
            versions::on_pods(state, Some(member), &mut event);
            fleet::on_pods(state, member, event)
        }
        Msg::FleetPods { .. } => none(),
        Msg::FleetTable {
            id,
            member,
            mut event,
        } => {
            versions::on_table(state, id, Some(member), &mut event);
            fleet_table::on_event(state, id, member, event);
            none()
        }
        Msg::Metrics { generation, report } => metrics::on_report(state, generation, report),
        Msg::Connected { .. } | Msg::Namespaces { .. } | Msg::Version { .. } | Msg::Pods { .. } => {
            none()
        }
        Msg::ObjectFetched { id, result } if detail_id == Some(id) => {
            state.dirty = true;
            detail::on_object(state, result)
        }
        Msg::ObjectFetched { id, result } if drill_id == Some(id) => {
            drill::on_object(state, result)
        }
        Msg::ObjectFetched { id, result } if containers_id == Some(id) => {
            state.dirty = true;
            containers::on_object(state, result);
            none()
        }
        Msg::ObjectFetched { id, result } if jump_id == Some(id) => owner::on_object(state, result),
        Msg::ListsFetched { id, result } => {
            xray::on_lists(state, id, result);
            none()
        }
        Msg::EventsFetched { id, result } if history_view::awaited_events(state) == Some(id) => {
            history_view::on_events(state, result);
            none()
        }
        Msg::EventsFetched { id, result } if detail_id == Some(id) => {
            state.dirty = true;
            detail::on_events(state, result);
            none()
        }
        Msg::LogLines { id, lines } if detail_id == Some(id) => {
            state.dirty = true;
            views::on_log_lines(state, lines);
            none()
        }
        Msg::LogEnded { id, error } if detail_id == Some(id) => {
            state.dirty = true;
            views::on_log_end(state, error);
            none()
        }
        Msg::ObjectFetched { .. }
        | Msg::EventsFetched { .. }
        | Msg::LogLines { .. }
        | Msg::LogEnded { .. } => none(),
        Msg::WorkloadLogs { id, event } if detail_id == Some(id) => {
            workload_logs::on_event(state, event)
        }
        Msg::WorkloadLogs { .. } => none(),
        Msg::LogsSaved(result) => views::on_logs_saved(state, result),
        Msg::Deleted { what, result } => {
            state.dirty = true;
            nav::on_deleted(state, what, result)
        }
        Msg::Discovered { generation, result } => kinds::on_discovered(state, generation, result),
        Msg::Table { id, mut event } => {
            versions::on_table(state, id, None, &mut event);
            if let watcher::Event::Changes(changes) = &event {
                state.pulse.count(changes.len());
            }
            marks::on_table_event(state, id, &event);
            kinds::on_table(state, id, event);
            none()
        }
        Msg::RawResponse { id, result } => {
            raw_keys::on_response(state, id, result);
            none()
        }
        Msg::HistoryLoaded { context, entries } => {
            raw_keys::on_history(state, context, entries);
            none()
        }
        Msg::Edit { id, event } => edit::on_event(state, id, event),
        Msg::Operated { what, op, result } => ops::on_operated(state, what, op, result),
        Msg::Drain { id, event } => drain::on_event(state, id, event),
        Msg::PulseNodes { id, result } => {
            pulse::on_nodes(state, id, result);
            none()
        }
        Msg::RequestLogged(record) => {
            if let Some(warning) = record.warnings.last() {
                state.warning = Some(warning.clone());
                state.dirty = true;
            }
            state.request_log.push(record);
            state.dirty |= state.screen == Screen::RequestLog;
            none()
        }
    }
}

/// Advances the clock; redraws only when a visible second changed or a spinner runs.
pub fn on_tick(state: &mut State, now: jiff::Timestamp) {
    let second_changed = now.as_second() != state.now.as_second();
    state.now = now;
    let sending = state.screen == Screen::Raw && state.raw.waiting();
    if state.pods_load == PodsLoad::Loading || sending {
        state.spinner = state.spinner.wrapping_add(1);
        state.dirty = true;
    }
    state.dirty |= second_changed;
}
