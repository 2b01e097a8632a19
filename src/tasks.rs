//! Runs the `Effect`s `state::update` asks for on tokio, and reports back as `Msg`s tagged with
//! the generation they were started for. A new generation aborts the older tasks.

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
use crate::msg::{ConnectionInfo, Effect, Msg, PodEvent, ServerVersion};

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
        }
    }

    /// Sets where copied text goes (main: an OSC 52 sequence on the terminal).
    pub fn with_clipboard(mut self, clipboard: Clipboard) -> Self {
        self.clipboard = clipboard;
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
        let poll = tokio::spawn(poll_version(client.clone(), generation, interval, tx));
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

async fn poll_version(
    client: Client,
    generation: u64,
    interval: Duration,
    tx: UnboundedSender<Msg>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let result = client
            .version()
            .await
            .map(|(v, latency)| {
                let version = ServerVersion {
                    git_version: v.git_version,
                    platform: v.platform,
                };
                (version, latency)
            })
            .map_err(|e| e.to_string());
        if tx.send(Msg::Version { generation, result }).is_err() {
            return;
        }
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

/// List-then-watch of pods with relist on 410 and capped exponential backoff on errors.
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
    /// 410 Gone: the resourceVersion is too old, relist.
    Expired,
    Failed(KubeError),
    /// The app is gone (the receiver was dropped).
    Closed,
}

impl PodStream {
    async fn run(self) {
        let mut backoff = Duration::from_secs(1);
        loop {
            let end = match self.list().await {
                Ok(rv) => {
                    backoff = Duration::from_secs(1);
                    self.watch_from(rv).await
                }
                Err(e) => WatchEnd::Failed(e),
            };
            match end {
                WatchEnd::Closed => return,
                WatchEnd::Expired => {
                    tracing::info!(path = %self.path, "watch expired (410): relisting");
                    continue;
                }
                WatchEnd::Failed(e) => {
                    tracing::warn!(path = %self.path, error = %e, "pods stream failed");
                    let msg = Msg::PodsError {
                        generation: self.generation,
                        error: e.to_string(),
                        retry_in: Some(backoff),
                    };
                    if self.tx.send(msg).is_err() {
                        return;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(self.opts.max_backoff);
                }
            }
        }
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

    /// Watches from `rv` until the watch fails; normal server-side timeouts just rewatch.
    async fn watch_from(&self, mut rv: String) -> WatchEnd {
        loop {
            let params = ListParams {
                resource_version: Some(rv.clone()),
                label_selector: self.label_selector.clone(),
                timeout_seconds: Some(290),
                ..ListParams::default()
            };
            let stream = match self.client.watch::<Pod>(&self.path, &params).await {
                Ok(s) => s,
                Err(e) if e.code() == Some(410) => return WatchEnd::Expired,
                Err(e) => return WatchEnd::Failed(e),
            };
            let mut batches = Box::pin(stream.ready_chunks(1024));
            while let Some(batch) = batches.next().await {
                let mut events = Vec::with_capacity(batch.len());
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
                        Ok(WatchEvent::Error(s)) if s.code == 410 => return WatchEnd::Expired,
                        Ok(WatchEvent::Error(s)) => {
                            return WatchEnd::Failed(KubeError::Api {
                                code: s.code,
                                status: Box::new(s),
                            });
                        }
                        Err(e) => return WatchEnd::Failed(e),
                    }
                }
                if !events.is_empty() {
                    let msg = Msg::PodEvents {
                        generation: self.generation,
                        events,
                    };
                    if self.tx.send(msg).is_err() {
                        return WatchEnd::Closed;
                    }
                }
            }
        }
    }
}
