//! Messages into `state::update` and the effects it asks the runtime to carry out.
//! Every task result carries the generation it was started for, so stale answers are dropped:
//! `Connected`, `Namespaces` and `Version` carry the context generation, `Pods*` the pods generation.

use std::time::Duration;

use crossterm::event::KeyEvent;

use crate::kube::kubeconfig::ContextInfo;
use crate::kube::table::PodRow;

/// Server version as `/version` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerVersion {
    pub git_version: String,
    pub platform: String,
}

/// A change to the pod list from a watch stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodEvent {
    Added(PodRow),
    Modified(PodRow),
    /// Namespace and name of the pod that went away.
    Deleted {
        namespace: String,
        name: String,
    },
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner/clock tick (ages are re-rendered from timestamps).
    Tick,
    /// The kubeconfig was read: contexts to list, the one to open, and any problem loading it.
    Contexts {
        contexts: Vec<ContextInfo>,
        /// Context to open (from --context or current-context); `None` opens the contexts pane.
        selected: Option<String>,
        /// Namespace from -n or the context (None with -A).
        namespace: Option<String>,
        error: Option<String>,
    },
    /// A client for the context exists (or could not be built).
    Connected {
        generation: u64,
        result: Result<ConnectionInfo, String>,
    },
    Namespaces {
        generation: u64,
        result: Result<Vec<String>, String>,
    },
    /// One page of the initial list; `more` is false on the last page.
    PodsPage {
        generation: u64,
        rows: Vec<PodRow>,
        /// True for the first page of a (re)list: replaces the table.
        first: bool,
        more: bool,
    },
    /// Watch events in order. An empty batch means a watch (re)started: the stream is healthy.
    PodEvents {
        generation: u64,
        events: Vec<PodEvent>,
    },
    /// The pods stream failed; the task retries after `retry_in` (None: gave up).
    PodsError {
        generation: u64,
        error: String,
        retry_in: Option<Duration>,
    },
    Version {
        generation: u64,
        result: Result<(ServerVersion, Duration), String>,
    },
}

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
    /// Build (or fetch from the cache) the client of `context`, then start polling `/version`
    /// and listing namespaces. Cancels everything of older generations.
    Connect {
        generation: u64,
        context: String,
    },
    /// List then watch pods of `context` in `namespace` (`None` = all namespaces). Cancels the
    /// previous pods stream. `generation` is the pods generation (bumped on every context or
    /// namespace change), separate from the context generation of `Connect`.
    WatchPods {
        generation: u64,
        context: String,
        namespace: Option<String>,
    },
}
