//! Drives the app's own state machine against a real server with no terminal: `Tasks` run the
//! effects, their messages go through `state::update`, and `State` (what the screen draws) is
//! what tests assert on. Deterministic enough to time reconnects.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::UnboundedReceiver;

use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::table::{PodRow, RowFromPod};
use kr8s_tui::kube::watcher::Event;
use kr8s_tui::kube::{ApiCache, Client, ClientOptions, ListParams};
use kr8s_tui::msg::{Effect, Msg};
use kr8s_tui::state::{self, StartOptions, State};
use kr8s_tui::tasks::{TaskOptions, Tasks};

pub struct Harness {
    pub state: State,
    pub tasks: Tasks,
    rx: UnboundedReceiver<Msg>,
    pub cache: Arc<ApiCache>,
    /// Number of (re)lists seen: `PodsPage { first: true }` of the current generation.
    pub relists: usize,
    /// Every pods error shown, in order, worded as the status bar words it on arrival.
    pub pods_errors: Vec<String>,
    /// Number of (re)lists of resource tables (`:kind` views) seen.
    pub table_relists: usize,
}

impl Harness {
    /// Loads `kubeconfig` as the binary does and opens `context` (`namespace` None = all).
    pub fn start(
        kubeconfig: &Path,
        context: &str,
        namespace: Option<&str>,
        client: ClientOptions,
        opts: TaskOptions,
    ) -> Harness {
        Harness::start_fleet(kubeconfig, &[context], namespace, client, opts)
    }

    /// Like [`Harness::start`] with several contexts in one table (`--context a,b`); one
    /// context is a plain start.
    pub fn start_fleet(
        kubeconfig: &Path,
        contexts: &[&str],
        namespace: Option<&str>,
        client: ClientOptions,
        opts: TaskOptions,
    ) -> Harness {
        let context = contexts.first().copied().unwrap_or_default();
        let fleet: Vec<String> = match contexts.len() {
            1 => Vec::new(),
            _ => contexts.iter().map(|c| c.to_string()).collect(),
        };
        let source = discover(&LoadOptions {
            kubeconfig: Some(kubeconfig.to_path_buf()),
            ..LoadOptions::default()
        })
        .expect("kubeconfig loads");
        let cache = Arc::new(ApiCache::new(source, None, client));
        // Never write history into the developer's own data directory.
        let opts = TaskOptions {
            data_dir: None,
            ..opts
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let tasks = Tasks::new(Some(cache.clone()), tx, opts);
        let state = State::new(StartOptions {
            all_namespaces: namespace.is_none(),
            ..StartOptions::default()
        });
        let mut h = Harness {
            state,
            tasks,
            rx,
            cache: cache.clone(),
            relists: 0,
            pods_errors: Vec::new(),
            table_relists: 0,
        };
        h.apply(Msg::Contexts {
            contexts: cache.contexts(),
            selected: Some(context.to_string()),
            fleet,
            namespace: namespace.map(str::to_string),
            error: None,
        });
        h
    }

    /// What the app loop does with one message.
    pub fn apply(&mut self, msg: Msg) {
        match &msg {
            Msg::Pods {
                generation,
                event: Event::Page { first: true, .. },
            } if *generation == self.state.pods_gen => self.relists += 1,
            Msg::Pods {
                generation,
                event: Event::Failed { error, retry_at },
            } if *generation == self.state.pods_gen => {
                let now = jiff::Timestamp::now();
                let shown = kr8s_tui::ui::status::problem_words(&error.message, *retry_at, now);
                self.pods_errors.push(shown)
            }
            Msg::Table {
                event: Event::Page { first: true, .. },
                ..
            } => self.table_relists += 1,
            _ => {}
        }
        for effect in state::update(&mut self.state, msg) {
            if effect != Effect::Quit {
                self.tasks.run(effect);
            }
        }
    }

    pub fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.apply(Msg::Key(KeyEvent::new(code, modifiers)));
    }

    /// The words of the pods stream's failure, "" when it is healthy.
    pub fn pods_error_text(&self) -> String {
        let problem = self.state.pods_error.as_ref();
        problem.map(|p| p.message().to_string()).unwrap_or_default()
    }

    /// Types `:line` and Enter, as a user opens a kind (`deploy`, `events`, …).
    pub fn command(&mut self, line: &str) {
        self.key(KeyCode::Char(':'), KeyModifiers::NONE);
        for c in line.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
        self.key(KeyCode::Enter, KeyModifiers::NONE);
    }

    /// The app on a fresh demo server with `pods` pods, all namespaces, once they are listed.
    pub async fn on_demo(pods: usize) -> (kr8s_tui::demo::DemoHandle, Harness) {
        let demo = super::demo::start(pods).await;
        let mut app = Harness::start(
            &demo.kubeconfig_path,
            "demo",
            None,
            ClientOptions::default(),
            TaskOptions::default(),
        );
        let wait = Duration::from_secs(10);
        app.until("the pods list", wait, |s| {
            s.pods_load == kr8s_tui::state::PodsLoad::Watching
        })
        .await;
        (demo, app)
    }

    /// Applies task messages until `pred` holds; returns how long that took. Panics after
    /// `timeout` with what the screen would show.
    pub async fn until(
        &mut self,
        what: &str,
        timeout: Duration,
        mut pred: impl FnMut(&State) -> bool,
    ) -> Duration {
        let start = Instant::now();
        loop {
            if pred(&self.state) {
                return start.elapsed();
            }
            let Some(left) = timeout.checked_sub(start.elapsed()) else {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; {} pods shown, error {:?}",
                    self.state.pods.len(),
                    self.state.current_error()
                );
            };
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(msg)) => self.apply(msg),
                Ok(None) => panic!("task channel closed while waiting for {what}"),
                Err(_) => {}
            }
        }
    }

    /// Applies whatever arrives during `d`, checking `invariant` after every message.
    pub async fn run_for(&mut self, d: Duration, mut invariant: impl FnMut(&State)) {
        let end = Instant::now() + d;
        loop {
            invariant(&self.state);
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(msg)) => self.apply(msg),
                Ok(None) => panic!("task channel closed"),
                Err(_) => return,
            }
        }
    }

    /// The rows the pods pane shows.
    pub fn rows(&self) -> Vec<PodRow> {
        self.state.pods.rows().to_vec()
    }

    /// A client for `context` from the same cache (same credentials as the app).
    pub fn client(&self, context: &str) -> Client {
        self.cache.api(Some(context), None).expect("client")
    }
}

/// The server's pods at `path` as the pods pane would show them, ordered by (namespace, name).
pub async fn server_rows(client: &Client, path: &str) -> Vec<PodRow> {
    let list = client
        .list_all::<RowFromPod>(path, &ListParams::default())
        .await
        .expect("list from the server");
    let mut rows: Vec<PodRow> = list.items.into_iter().map(|RowFromPod(r)| r).collect();
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    rows
}

/// Rows as they can be compared across list and watch: a listed row's "(29h ago)" of RESTARTS
/// comes from the server's printed Table, as precise as printed, so the time is left out (the
/// count stays); metrics and requests are the client's additions, not the server's.
pub fn comparable(rows: &[PodRow]) -> Vec<PodRow> {
    rows.iter()
        .map(|r| PodRow {
            last_restart: None,
            usage: None,
            resources: None,
            ..r.clone()
        })
        .collect()
}

/// (namespace, name) keys, for readable diffs.
pub fn keys(rows: &[PodRow]) -> Vec<String> {
    rows.iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect()
}
