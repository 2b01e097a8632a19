//! Messages into `state::update` and the effects it asks the runtime to carry out.
//! Every task result carries the generation it was started for, so stale answers are dropped:
//! `Connected`, `Namespaces`, `Version` and `Discovered` carry the context generation, `Pods` the
//! pods generation, view results the id of their view.

mod build;
pub mod edit;
pub mod history;
pub mod logs;

use std::time::Duration;

use crossterm::event::KeyEvent;
use serde::{Deserialize, Serialize};

use crate::kube::Failure;
use crate::kube::discovery::ApiResource;
use crate::kube::kubeconfig::ContextInfo;
use crate::kube::nodes::NodeHealth;
use crate::kube::ops::drain::{DrainEvent, DrainOptions};
use crate::kube::resource_table::{ResourceTable, TableRow};
use crate::kube::table::PodRow;
use crate::kube::watcher::Event;

/// What a list-watch of pods reports.
pub type PodsEvent = Event<Vec<PodRow>, PodRow>;
/// What a list-watch of a server Table reports.
pub type TableFeedEvent = Event<ResourceTable, TableRow>;
/// What a list-watch of namespace names reports.
pub type NamesEvent = Event<Vec<String>, String>;

/// Server version as `/version` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerVersion {
    pub git_version: String,
    pub platform: String,
}

/// Reachability of a context that is not the open one (the contexts pane's HEALTH column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthResult {
    /// `/version` answered.
    Up {
        version: String,
        latency: std::time::Duration,
    },
    /// Unreachable, refused or misconfigured: the error.
    Down(Failure),
    /// Its credentials come from an exec plugin, which is only run for the selected context
    /// (it may prompt, open a browser or be slow).
    NeedsExec,
}

/// What one metrics poll found.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricsReport {
    /// Usage of the listed pods and of every node (shared: the map can be large).
    Sample {
        pods: std::sync::Arc<crate::kube::metrics::PodUsage>,
        nodes: std::sync::Arc<std::collections::HashMap<String, crate::kube::metrics::NodeUsage>>,
    },
    /// Requests and limits of the listed pods (read once per pods generation).
    Resources(std::sync::Arc<crate::kube::metrics::ResourcesMap>),
    /// The list failed: 404 = not served, 403 = forbidden, anything else = a passing error.
    Unavailable(Failure),
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    Contexts,
    Namespaces,
    #[default]
    Pods,
}

impl Focus {
    pub(crate) fn next(self) -> Focus {
        match self {
            Focus::Contexts => Focus::Namespaces,
            Focus::Namespaces => Focus::Pods,
            Focus::Pods => Focus::Contexts,
        }
    }

    pub(crate) fn prev(self) -> Focus {
        self.next().next()
    }
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    /// A port-forward's state (sent when it starts, every second while it carries traffic,
    /// and when it ends).
    Forward(ForwardRow),
    /// A forward was stopped and is gone.
    ForwardStopped {
        id: u64,
    },
    /// An `:exec` ended: its output lines and how it ended (an error text when it failed).
    ExecOutput {
        id: u64,
        lines: Vec<String>,
        outcome: Result<String, String>,
    },
    /// A foreground job (shell, attach) gave the terminal back: what to tell the user, as an
    /// error when it failed.
    ForegroundEnded(Result<String, String>),
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner/clock tick with the time it fired (ages are re-rendered from timestamps); the
    /// clock comes in with the message so `update` stays pure.
    Tick(jiff::Timestamp),
    /// Health of context `context` (answer to `Effect::CheckHealth`).
    Health {
        context: String,
        result: HealthResult,
    },
    /// A left click on `pane`, on list row `row` (0 = first row below the header; `None` on
    /// its border or header). Mapped from the screen layout by `ui::pane_at`.
    Click {
        pane: Focus,
        row: Option<usize>,
    },
    /// The mouse wheel over `pane`: `delta` rows, negative is up.
    Scroll {
        pane: Focus,
        delta: isize,
    },
    /// The kubeconfig was read: contexts to list, the one to open, and any problem loading it.
    Contexts {
        contexts: Vec<ContextInfo>,
        /// Context to open (from --context or current-context); `None` opens the contexts pane.
        selected: Option<String>,
        /// Contexts to open together (`--context a,b`, `--all-contexts`); empty: just `selected`.
        fleet: Vec<String>,
        /// Namespace from -n or the context (None with -A).
        namespace: Option<String>,
        error: Option<String>,
    },
    /// A client for the context exists (or could not be built).
    Connected {
        generation: u64,
        result: Result<ConnectionInfo, Failure>,
    },
    /// The namespaces list-watch of context generation `generation`.
    Namespaces {
        generation: u64,
        event: NamesEvent,
    },
    /// The pods list-watch of pods generation `generation`.
    Pods {
        generation: u64,
        event: PodsEvent,
    },
    /// The pods list-watch of fleet member `member` (an index into `state.fleet`) for pods
    /// generation `generation`; its rows carry the member's context.
    FleetPods {
        generation: u64,
        member: usize,
        event: PodsEvent,
    },
    /// The list-watch of fleet member `member` for resource view `id`.
    FleetTable {
        id: u64,
        member: usize,
        event: TableFeedEvent,
    },
    /// A metrics poll of pods generation `generation` (metrics.k8s.io).
    Metrics {
        generation: u64,
        report: MetricsReport,
    },
    Version {
        generation: u64,
        result: Result<(ServerVersion, Duration), Failure>,
    },
    /// The full object a detail view asked for (`id` names the view).
    ObjectFetched {
        id: u64,
        result: Result<serde_json::Value, Failure>,
    },
    /// The lists `Effect::FetchLists` asked for, in its order (`id` names the xray tree).
    ListsFetched {
        id: u64,
        result: Result<Vec<serde_json::Value>, Failure>,
    },
    /// Events about the object of detail view `id`.
    EventsFetched {
        id: u64,
        result: Result<Vec<serde_json::Value>, Failure>,
    },
    /// A batch of log lines for logs view `id` (already decoded and cleaned).
    LogLines {
        id: u64,
        lines: Vec<String>,
    },
    /// The log stream of view `id` ended (`error` when it failed).
    LogEnded {
        id: u64,
        error: Option<Failure>,
    },
    /// The pods or a log stream of workload logs view `id`.
    WorkloadLogs {
        id: u64,
        event: logs::WorkloadLogEvent,
    },
    /// `Effect::SaveLogs` finished: the file written, or why not.
    LogsSaved(Result<String, String>),
    /// A delete finished; `what` is "pod shop/web-1".
    Deleted {
        what: String,
        result: Result<(), Failure>,
    },
    /// Resource types of the context (`generation` is the context generation).
    Discovered {
        generation: u64,
        result: Result<Vec<ApiResource>, Failure>,
    },
    /// The list-watch of resource view `id` (rows the server printed).
    Table {
        id: u64,
        event: TableFeedEvent,
    },
    /// The answer to `Effect::SendRaw` with the same `id` (`Err`: transport failure, timeout,
    /// or the client refused it). Answers to an older id are ignored.
    RawResponse {
        id: u64,
        result: Result<RawResponse, Failure>,
    },
    /// Raw-request history of `context`, read by the runtime (after `Connect` or
    /// `LoadHistory`); ignored unless `context` is the raw pane's target.
    HistoryLoaded {
        context: String,
        entries: Vec<RawRequest>,
    },
    /// An API call the app made (any task), for the request log pane.
    RequestLogged(RequestRecord),
    /// A step of edit `id` finished (see `edit::EditEvent`).
    Edit {
        id: u64,
        event: edit::EditEvent,
    },
    /// An `Effect::Operate` finished; `what` is kubectl's name ("deployment.apps/web").
    Operated {
        what: String,
        op: Op,
        result: Result<(), Failure>,
    },
    /// Progress of drain `id`.
    Drain {
        id: u64,
        event: DrainEvent,
    },
    /// The node list `Effect::PulseNodes` `id` asked for.
    PulseNodes {
        id: u64,
        result: Result<Vec<NodeHealth>, Failure>,
    },
}

/// One change to a workload or node, as kubectl makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// PATCH the `scale` subresource to this many replicas.
    Scale(u32),
    /// Stamp the pod template's restartedAt annotation (the task reads the clock).
    Restart,
    Cordon,
    Uncordon,
}

/// Options of a log stream an effect starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogRequest {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<u64>,
}

/// One `call_api` request as typed in the raw-request pane. It never holds credentials: the
/// runtime adds them when sending, so history and copied commands cannot leak them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawRequest {
    /// GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// "v1", "apps/v1", or "" with an explicit base.
    pub version: String,
    /// "" lets kr8s pick "/api" or "/apis".
    pub base: String,
    /// `None` or "" = cluster-wide.
    pub namespace: Option<String>,
    pub url: String,
    /// `k=v&k2=v2`, without the leading '?'.
    pub query: String,
    /// JSON or YAML text as typed; the runtime sends YAML as JSON.
    pub body: Option<String>,
    /// `None`: `application/json`. PATCH carries one of the patch types.
    pub content_type: Option<String>,
}

/// What the server answered to a raw request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawResponse {
    pub status: u16,
    /// Canonical reason phrase, e.g. "Not Found".
    pub reason: String,
    pub headers: Vec<(String, String)>,
    /// The body, capped by the runtime (e.g. at 8 MiB).
    pub body: Vec<u8>,
    /// Bytes dropped by the cap.
    pub truncated_bytes: u64,
    /// Size of the whole body as received.
    pub total_bytes: u64,
    /// From sending the request to the end of the body.
    pub latency: Duration,
}

/// One API call the app made, for the request log (the client's own record: no credentials).
pub use crate::kube::CallRecord as RequestRecord;

/// Facts about the connected context the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionInfo {
    pub server: String,
    pub namespace: String,
    pub insecure: bool,
}

/// Work for the runtime (`tasks.rs`). `state::update` only returns these; it never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Hand the terminal to a job (a shell in a container, an attach) until it ends; the app
    /// loop runs it, then redraws and answers `Msg::ForegroundEnded`.
    Foreground(Foreground),
    /// Forward `local` (127.0.0.1; the next free port when taken) to `remote` of `pod` in the
    /// background until stopped; answers `Msg::Forward` with `id`.
    StartForward {
        id: u64,
        context: String,
        namespace: String,
        pod: String,
        local: u16,
        remote: u16,
    },
    /// Stop forward `id`.
    StopForward {
        id: u64,
    },
    /// Run `command` once without a terminal (`:exec`); answers `Msg::ExecOutput` with `id`.
    ExecOnce {
        id: u64,
        context: String,
        namespace: String,
        pod: String,
        container: Option<String>,
        command: Vec<String>,
    },
    /// Build (or fetch from the cache) the client of `context`, then start polling `/version`
    /// and listing namespaces. Cancels everything of older generations.
    Connect {
        generation: u64,
        context: String,
    },
    /// List then watch pods of `context` in `namespace` (`None` = all namespaces), with
    /// optional server-side label and field selectors (`/-l app=web`, a deployment's selector,
    /// `spec.nodeName=NODE` for a node's pods). Cancels the previous pods stream.
    /// `generation` is the pods generation (bumped on every context or namespace change),
    /// separate from the context generation of `Connect`.
    WatchPods {
        generation: u64,
        context: String,
        namespace: Option<String>,
        label_selector: Option<String>,
        field_selector: Option<String>,
    },
    /// One pods list-watch per (member index, context) of a fleet, each answering
    /// `Msg::FleetPods` with its index; replaces every earlier pods stream.
    WatchFleetPods {
        generation: u64,
        contexts: Vec<(usize, String)>,
        namespace: Option<String>,
        label_selector: Option<String>,
        field_selector: Option<String>,
    },
    /// Poll metrics.k8s.io for pods generation `generation` (started once its list is
    /// complete, so the first poll never competes with it); answers `Msg::Metrics`.
    PollMetrics {
        generation: u64,
        context: String,
        namespace: Option<String>,
    },
    /// GET one object for detail view `id`; answers `Msg::ObjectFetched`.
    FetchObject {
        id: u64,
        context: String,
        path: String,
    },
    /// GET each collection of `paths` once (whole objects, for the xray tree); answers
    /// `Msg::ListsFetched` with the lists in the same order.
    FetchLists {
        id: u64,
        context: String,
        paths: Vec<String>,
    },
    /// List the events about object `name` in `namespace`; answers `Msg::EventsFetched`.
    FetchEvents {
        id: u64,
        context: String,
        namespace: String,
        name: String,
    },
    /// Stream (follow) a pod's log for view `id`, replacing any previous log stream.
    StreamLogs {
        id: u64,
        context: String,
        request: LogRequest,
    },
    /// Stop the log stream (the logs view closed), or every stream and the pods watch of
    /// workload logs.
    StopLogs,
    /// List then watch the pods of `namespace` matching `label_selector` for workload logs
    /// view `id` (answers `Msg::WorkloadLogs` with `WorkloadLogEvent::Pods`).
    WatchLogPods {
        id: u64,
        context: String,
        namespace: String,
        label_selector: String,
    },
    /// Follow one container's log for workload logs view `id`, next to the other streams.
    StreamPodLog {
        id: u64,
        context: String,
        source: logs::LogSource,
        request: LogRequest,
    },
    /// Stop one stream of workload logs (its pod left).
    StopPodLog {
        source: logs::LogSource,
    },
    /// Write `lines` to a new private file named after `name` and the time (the runtime's
    /// clock) in the state directory; answers `Msg::LogsSaved`.
    SaveLogs {
        name: String,
        lines: Vec<String>,
    },
    /// Delete the object at `path` (graceful); `what` names it in messages.
    Delete {
        context: String,
        path: String,
        what: String,
    },
    /// Read API discovery of `context`; answers `Msg::Discovered`.
    Discover {
        generation: u64,
        context: String,
    },
    /// List then watch `path` as server Tables for resource view `id` (answers `Msg::Table`),
    /// replacing the previous resource table stream.
    WatchTable {
        id: u64,
        context: String,
        path: String,
    },
    /// One list-watch of `path` per fleet context for resource view `id` (answers
    /// `Msg::FleetTable`), replacing the previous resource table streams.
    WatchFleetTable {
        id: u64,
        contexts: Vec<String>,
        path: String,
    },
    /// Stop the resource table stream (its view closed).
    StopTable,
    /// `--replay`: show every open stream as it was at `at` (ms since the epoch).
    ReplaySeek {
        at: i64,
    },
    /// Send `request` with the shared client of `context` and answer `Msg::RawResponse` with
    /// the same `id`. The pane already refused non-GET under `--readonly` and invalid URLs.
    SendRaw {
        id: u64,
        context: String,
        request: RawRequest,
    },
    /// Abort the request `id` (the user pressed Esc); a late answer is ignored anyway.
    CancelRaw {
        id: u64,
    },
    /// Read the raw-request history of `context` (the raw pane's target is not the open
    /// context) and answer `Msg::HistoryLoaded`.
    LoadHistory {
        context: String,
    },
    /// Persist the raw-request history of `context` (see `history::save`), newest last.
    SaveHistory {
        context: String,
        entries: Vec<RawRequest>,
    },
    /// Put `text` on the clipboard with an OSC 52 sequence (`clipboard::osc52`).
    Copy {
        text: String,
    },
    /// Check `/version` of each of `contexts` and answer one `Msg::Health` each; contexts
    /// with exec-plugin credentials are answered `NeedsExec` without running anything.
    CheckHealth {
        contexts: Vec<String>,
    },
    /// Set the terminal window title (already free of control characters).
    SetTitle {
        title: String,
    },
    /// A step of an edit (read, dry run, apply, keep the text); answers `Msg::Edit`.
    Edit(edit::EditEffect),
    /// Apply `op` to the object at `path` (a node's path for cordon); answers `Msg::Operated`.
    Operate {
        context: String,
        path: String,
        what: String,
        op: Op,
    },
    /// Cordon `node`, then evict its pods (answers `Msg::Drain` with `id` as it goes).
    Drain {
        id: u64,
        context: String,
        node: String,
        options: DrainOptions,
    },
    /// List the nodes' health for the pulse view; answers `Msg::PulseNodes` with `id`.
    PulseNodes {
        id: u64,
        context: String,
    },
    /// Stop drain `id` (evictions already accepted stay; the node stays cordoned).
    StopDrain {
        id: u64,
    },
}

/// A job that needs the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreground {
    /// A shell (`attach: false`, trying the configured shells in order) or an attach to the
    /// main process of `container` (None = the pod's default container).
    Shell {
        context: String,
        namespace: String,
        pod: String,
        container: Option<String>,
        attach: bool,
    },
    /// `$KUBE_EDITOR`/`$EDITOR` on `text` (a private temp file named after `name`); the app
    /// loop answers `Msg::Edit { id, event: EditEvent::Edited(..) }` with the saved text.
    Edit {
        id: u64,
        context: String,
        name: String,
        text: String,
    },
}

/// One port-forward as the `:pf` list shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForwardRow {
    pub id: u64,
    /// `127.0.0.1:8080`, once listening.
    pub local: String,
    /// The local port asked for (0 = any); when taken, `local` is the next free one.
    pub wanted: u16,
    /// `namespace/pod:port`.
    pub target: String,
    pub open: u64,
    pub total: u64,
    pub sent: u64,
    pub received: u64,
    /// The last connection's error, or why the forward ended.
    pub error: Option<String>,
    pub ended: bool,
}
