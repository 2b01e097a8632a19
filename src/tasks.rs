//! Runs the `Effect`s `state::update` asks for on tokio, and reports back as `Msg`s tagged with
//! the generation they were started for. A new generation aborts the older tasks.

mod health;
mod raw;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::kube::table::{Pod, PodRow};
use crate::kube::{ApiCache, Client, KubeError, ListParams, WatchEvent};
use crate::msg::{ConnectionInfo, Effect, Msg, PodEvent};

mod work;

/// Tunables of the background work.
#[derive(Debug, Clone)]
pub struct TaskOptions {
    /// Items per list page.
    pub page_size: u32,
    /// How often `/version` is polled for the status bar.
    pub version_interval: Duration,
    /// Longest wait between reconnect attempts.
    pub max_backoff: Duration,
    /// Where per-context raw-request history lives (`None`: not persisted).
    pub data_dir: Option<PathBuf>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            page_size: 500,
            version_interval: Duration::from_secs(10),
            max_backoff: Duration::from_secs(30),
            data_dir: dirs::data_dir().map(|d| d.join("kr8s-tui")),
        }
    }
}

/// The runtime side of effects.
pub struct Tasks {
    cache: Option<Arc<ApiCache>>,
    tx: UnboundedSender<Msg>,
    opts: TaskOptions,
    context_tasks: Vec<JoinHandle<()>>,
    pods_task: Option<JoinHandle<()>>,
    /// The log stream of the open logs view.
    logs_task: Option<JoinHandle<()>>,
    raw_tasks: HashMap<u64, JoinHandle<()>>,
    clipboard: Clipboard,
    /// Where `Effect::SetTitle` goes (main: crossterm `SetTitle`).
    title: Clipboard,
}

/// Where `Effect::Copy` text goes: the real terminal (OSC 52) or a test's sink.
pub type Clipboard = Box<dyn Fn(&str) + Send>;

impl Drop for Tasks {
    fn drop(&mut self) {
        self.abort_context();
        self.abort_pods();
        self.stop_logs();
        for (_, t) in self.raw_tasks.drain() {
            t.abort();
        }
    }
}

impl Tasks {
    /// `cache` is `None` when no kubeconfig was found: effects then report that as an error.
    pub fn new(cache: Option<Arc<ApiCache>>, tx: UnboundedSender<Msg>, opts: TaskOptions) -> Self {
        Tasks {
            cache,
            tx,
            opts,
            context_tasks: Vec::new(),
            pods_task: None,
            logs_task: None,
            raw_tasks: HashMap::new(),
            clipboard: Box::new(|_| tracing::debug!("copy ignored: no clipboard sink")),
            title: Box::new(|_| {}),
        }
    }

    /// Sets where copied text goes (main: an OSC 52 sequence on the terminal).
    pub fn with_clipboard(mut self, clipboard: Clipboard) -> Self {
        self.clipboard = clipboard;
        self
    }

    /// Sets where the window title goes (main: the terminal's title).
    pub fn with_title(mut self, title: Clipboard) -> Self {
        self.title = title;
        self
    }

    /// Starts the work an effect describes. `Quit` is handled by the app loop.
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => {}
            Effect::Connect {
                generation,
                context,
            } => self.connect(generation, &context),
            Effect::WatchPods {
                generation,
                context,
                namespace,
            } => self.watch_pods(generation, &context, namespace, None),
            Effect::WatchPodsLabeled {
                generation,
                context,
                namespace,
                label_selector,
            } => self.watch_pods(generation, &context, namespace, Some(label_selector)),
            Effect::SendRaw {
                id,
                context,
                request,
            } => self.send_raw(id, &context, request),
            Effect::CancelRaw { id } => {
                if let Some(t) = self.raw_tasks.remove(&id) {
                    t.abort();
                }
            }
            Effect::SaveHistory { context, entries } => {
                if let Some(dir) = self.opts.data_dir.clone() {
                    tokio::spawn(raw::save_history(dir, context, entries));
                }
            }
            Effect::Copy { text } => (self.clipboard)(&text),
            Effect::SetTitle { title } => (self.title)(&title),
            Effect::CheckHealth { contexts } => self.check_health(contexts),
            other => self.run_work(other),
        }
    }

    fn send_raw(&mut self, id: u64, context: &str, request: crate::msg::RawRequest) {
        self.raw_tasks.retain(|_, t| !t.is_finished());
        match self.client(context) {
            Ok(client) => {
                let task = tokio::spawn(raw::send(client, id, request, self.tx.clone()));
                self.raw_tasks.insert(id, task);
            }
            Err(e) => {
                let _ = self.tx.send(Msg::RawResponse { id, result: Err(e) });
            }
        }
    }

    fn client(&self, context: &str) -> Result<Client, String> {
        let cache = self
            .cache
            .as_ref()
            .ok_or_else(|| KubeError::NoConfig.to_string())?;
        cache.api(Some(context), None).map_err(|e| e.to_string())
    }

    fn connect(&mut self, generation: u64, context: &str) {
        self.abort_context();
        let client = match self.client(context) {
            Ok(c) => c,
            Err(e) => {
                let _ = self.tx.send(Msg::Connected {
                    generation,
                    result: Err(e),
                });
                return;
            }
        };
        let _ = self.tx.send(Msg::Connected {
            generation,
            result: Ok(ConnectionInfo {
                server: client.server().to_string(),
                namespace: client.namespace().to_string(),
                insecure: client.insecure(),
            }),
        });
        let tx = self.tx.clone();
        let interval = self.opts.version_interval;
        let poll = tokio::spawn(health::poll_version(
            client.clone(),
            generation,
            interval,
            tx,
        ));
        let tx = self.tx.clone();
        let page = self.opts.page_size;
        let ns = tokio::spawn(async move {
            let result = list_namespaces(&client, page)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(Msg::Namespaces { generation, result });
        });
        self.context_tasks = vec![poll, ns];
        if let Some(dir) = self.opts.data_dir.clone() {
            let load = raw::load_history(dir, context.to_string(), self.tx.clone());
            self.context_tasks.push(tokio::spawn(load));
        }
    }

    fn watch_pods(
        &mut self,
        generation: u64,
        context: &str,
        namespace: Option<String>,
        label_selector: Option<String>,
    ) {
        self.abort_pods();
        let client = match self.client(context) {
            Ok(c) => c,
            Err(error) => {
                let _ = self.tx.send(Msg::PodsError {
                    generation,
                    error,
                    retry_in: None,
                });
                return;
            }
        };
        let stream = PodStream {
            client,
            path: pods_path(namespace.as_deref()),
            label_selector,
            generation,
            tx: self.tx.clone(),
            opts: self.opts.clone(),
        };
        self.pods_task = Some(tokio::spawn(stream.run()));
    }

    fn abort_context(&mut self) {
        for t in self.context_tasks.drain(..) {
            t.abort();
        }
    }

    fn abort_pods(&mut self) {
        if let Some(t) = self.pods_task.take() {
            t.abort();
        }
    }
}

/// The pods collection path: one namespace or all.
pub fn pods_path(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("/api/v1/namespaces/{ns}/pods"),
        None => "/api/v1/pods".into(),
    }
}

#[derive(Deserialize)]
struct NamedObject {
    #[serde(default)]
    metadata: NameOnly,
}

#[derive(Default, Deserialize)]
struct NameOnly {
    #[serde(default)]
    name: String,
}

async fn list_namespaces(client: &Client, page_size: u32) -> Result<Vec<String>, KubeError> {
    let params = ListParams {
        limit: Some(page_size),
        ..ListParams::default()
    };
    let list = client
        .list_all::<NamedObject>("/api/v1/namespaces", &params)
        .await?;
    let mut names: Vec<String> = list.items.into_iter().map(|o| o.metadata.name).collect();
    names.sort();
    Ok(names)
}

/// List-then-watch of pods: relist on 410, resume from the last resourceVersion when a
/// connection drops, and back off (shown in the status bar) while the server is unreachable or
/// failing.
struct PodStream {
    client: Client,
    path: String,
    label_selector: Option<String>,
    generation: u64,
    tx: UnboundedSender<Msg>,
    opts: TaskOptions,
}

/// Why a watch ended.
enum WatchEnd {
    /// 410 Gone: the resourceVersion is too old, relist. `progressed` is true when the watch
    /// delivered events first (so an immediate relist is not a loop).
    Expired { progressed: bool },
    /// The watch could not be (re)started, or broke. `rv` is where to resume from; `lived`
    /// is how long the broken stream had been up (`None`: it never started).
    Failed {
        error: KubeError,
        rv: String,
        lived: Option<Duration>,
    },
    /// The app is gone (the receiver was dropped).
    Closed,
}

/// A watch that lived at least this long before breaking is resumed at once; one that keeps
/// breaking sooner is resumed at most this often.
const HEALTHY_WATCH: Duration = Duration::from_secs(1);
/// First retry delay when the server cannot be reached (refused, reset): connecting is cheap
/// and the user wants the table back as soon as the apiserver is.
const RECONNECT_FIRST: Duration = Duration::from_millis(250);
/// Longest retry delay while the server cannot be reached.
const RECONNECT_MAX: Duration = Duration::from_secs(1);
/// First retry delay after an error the server answered (5xx, 429, timeouts): it is up but
/// struggling, so back off up to `TaskOptions::max_backoff`.
const BACKOFF_FIRST: Duration = Duration::from_secs(1);
/// The client's own limit on a silent watch: a little over the server-side `timeoutSeconds`,
/// so a half-open connection is noticed.
const WATCH_TIMEOUT_SECS: u32 = 290;
const WATCH_IDLE: Duration = Duration::from_secs(WATCH_TIMEOUT_SECS as u64 + 30);

/// Capped exponential backoff with a short schedule for unreachable servers.
struct Backoff {
    failures: u32,
    max: Duration,
}

impl Backoff {
    fn new(max: Duration) -> Self {
        Backoff { failures: 0, max }
    }

    fn reset(&mut self) {
        self.failures = 0;
    }

    /// The delay before the next attempt after `error`.
    fn next(&mut self, error: &KubeError) -> Duration {
        self.step(matches!(error, KubeError::Transport { .. }))
    }

    /// The next delay; `unreachable` picks the short schedule.
    fn step(&mut self, unreachable: bool) -> Duration {
        let (first, max) = if unreachable {
            (RECONNECT_FIRST, RECONNECT_MAX.min(self.max))
        } else {
            (BACKOFF_FIRST, self.max)
        };
        let factor = 1u32 << self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        first.saturating_mul(factor).min(max)
    }
}

impl PodStream {
    async fn run(self) {
        let mut backoff = Backoff::new(self.opts.max_backoff);
        // Separate schedule for 410s that come right after a list (a server stuck expiring).
        let mut relist_backoff = Backoff::new(self.opts.max_backoff);
        // Where the next watch starts; `None` means list first.
        let mut resume: Option<String> = None;
        let mut short_lived = 0u32;
        loop {
            let (rv, listed) = match resume.take() {
                Some(rv) => (rv, false),
                None => match self.list().await {
                    Ok(rv) => {
                        backoff.reset();
                        (rv, true)
                    }
                    Err(error) => {
                        if !self.report_and_wait(error, &mut backoff).await {
                            return;
                        }
                        continue;
                    }
                },
            };
            match self.watch_from(rv, &mut backoff).await {
                WatchEnd::Closed => return,
                WatchEnd::Expired { progressed } => {
                    tracing::info!(path = %self.path, "watch expired (410): relisting");
                    if listed && !progressed {
                        // Expired straight after a fresh list: relisting at once would loop.
                        tokio::time::sleep(relist_backoff.step(false)).await;
                    } else {
                        relist_backoff.reset();
                    }
                }
                WatchEnd::Failed { error, rv, lived } => {
                    resume = Some(rv);
                    match lived {
                        // The connection broke under a running watch: resume at once. A watch
                        // that keeps breaking quickly waits like any other failure.
                        Some(lived) => {
                            short_lived = if lived < HEALTHY_WATCH {
                                short_lived + 1
                            } else {
                                0
                            };
                            tracing::info!(path = %self.path, error = %error, ?lived, "watch broke: resuming");
                            if short_lived >= 3 {
                                tokio::time::sleep(HEALTHY_WATCH).await;
                            }
                        }
                        None => {
                            if !self.report_and_wait(error, &mut backoff).await {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Shows the error with its retry delay and waits; false when the app is gone.
    async fn report_and_wait(&self, error: KubeError, backoff: &mut Backoff) -> bool {
        let delay = backoff.next(&error);
        tracing::warn!(path = %self.path, error = %error, ?delay, "pods stream failed");
        let msg = Msg::PodsError {
            generation: self.generation,
            error: error.to_string(),
            retry_in: Some(delay),
        };
        if self.tx.send(msg).is_err() {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }

    /// Lists every page, sending each as it arrives; returns the resourceVersion to watch from.
    async fn list(&self) -> Result<String, KubeError> {
        let mut params = ListParams {
            limit: Some(self.opts.page_size),
            label_selector: self.label_selector.clone(),
            ..ListParams::default()
        };
        let mut first = true;
        let mut list_rv = String::new();
        loop {
            let page = self.client.list_page::<Pod>(&self.path, &params).await?;
            if first {
                // Every page of a list shares the first page's snapshot version.
                list_rv = page.resource_version.clone();
            }
            let more = !page.continue_token.is_empty();
            let rows = page.items.iter().map(PodRow::from_pod).collect();
            let msg = Msg::PodsPage {
                generation: self.generation,
                rows,
                first,
                more,
            };
            if self.tx.send(msg).is_err() || !more {
                return Ok(list_rv);
            }
            first = false;
            params.continue_token = Some(page.continue_token);
        }
    }

    /// Sends applied events; false when the app is gone.
    fn send_events(&self, events: Vec<PodEvent>) -> bool {
        let msg = Msg::PodEvents {
            generation: self.generation,
            events,
        };
        self.tx.send(msg).is_ok()
    }

    /// Watches from `rv` until the watch fails; normal server-side timeouts just rewatch.
    /// Events decoded before a failure are always delivered, so resuming from the returned
    /// resourceVersion loses nothing.
    /// `backoff` is reset once a watch is up.
    async fn watch_from(&self, mut rv: String, backoff: &mut Backoff) -> WatchEnd {
        let mut progressed = false;
        loop {
            let params = ListParams {
                resource_version: Some(rv.clone()),
                label_selector: self.label_selector.clone(),
                timeout_seconds: Some(WATCH_TIMEOUT_SECS),
                ..ListParams::default()
            };
            let stream = match self.client.watch::<Pod>(&self.path, &params).await {
                Ok(s) => s,
                Err(e) if e.code() == Some(410) => return WatchEnd::Expired { progressed },
                Err(error) => {
                    return WatchEnd::Failed {
                        error,
                        rv,
                        lived: None,
                    };
                }
            };
            let started = tokio::time::Instant::now();
            backoff.reset();
            // The watch is up: an empty batch tells the UI the stream is healthy again.
            if !self.send_events(Vec::new()) {
                return WatchEnd::Closed;
            }
            let mut batches = Box::pin(stream.ready_chunks(1024));
            loop {
                let batch = match tokio::time::timeout(WATCH_IDLE, batches.next()).await {
                    Ok(Some(batch)) => batch,
                    // The server ended the watch (its timeout): watch again from `rv`.
                    Ok(None) => break,
                    Err(_) => {
                        return WatchEnd::Failed {
                            error: KubeError::Timeout {
                                method: "GET".into(),
                                path: self.path.clone(),
                                timeout: WATCH_IDLE,
                            },
                            rv,
                            lived: Some(started.elapsed()),
                        };
                    }
                };
                let mut events = Vec::with_capacity(batch.len());
                let mut end = None;
                for item in batch {
                    match item {
                        Ok(WatchEvent::Added(p)) => {
                            rv = p.metadata.resource_version.clone();
                            events.push(PodEvent::Added(PodRow::from_pod(&p)));
                        }
                        Ok(WatchEvent::Modified(p)) => {
                            rv = p.metadata.resource_version.clone();
                            events.push(PodEvent::Modified(PodRow::from_pod(&p)));
                        }
                        Ok(WatchEvent::Deleted(p)) => {
                            rv = p.metadata.resource_version.clone();
                            events.push(PodEvent::Deleted {
                                namespace: p.metadata.namespace.clone(),
                                name: p.metadata.name.clone(),
                            });
                        }
                        Ok(WatchEvent::Bookmark(v)) => rv = v,
                        Ok(WatchEvent::Error(s)) if s.code == 410 => {
                            end = Some(WatchEnd::Expired { progressed: true });
                            break;
                        }
                        Ok(WatchEvent::Error(s)) => {
                            let error = KubeError::Api {
                                code: s.code,
                                status: Box::new(s),
                            };
                            end = Some(WatchEnd::Failed {
                                error,
                                rv: rv.clone(),
                                lived: None,
                            });
                            break;
                        }
                        Err(error) => {
                            end = Some(WatchEnd::Failed {
                                error,
                                rv: rv.clone(),
                                lived: Some(started.elapsed()),
                            });
                            break;
                        }
                    }
                }
                if !events.is_empty() {
                    progressed = true;
                    if !self.send_events(events) {
                        return WatchEnd::Closed;
                    }
                }
                match end {
                    Some(WatchEnd::Expired { .. }) => return WatchEnd::Expired { progressed },
                    Some(end) => return end,
                    None => {}
                }
            }
        }
    }
}
