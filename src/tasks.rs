//! Runs the `Effect`s `state::update` asks for on tokio, and reports back as `Msg`s tagged with
//! the generation they were started for. A new generation aborts the older tasks.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::kube::client::{decode_list, list_head};
use crate::kube::table::{Pod, PodRow};
use crate::kube::{ApiCache, Client, KubeError, ListParams, WatchEvent};
use crate::msg::{ConnectionInfo, Effect, Msg, PodEvent, ServerVersion};

/// Tunables of the background work.
#[derive(Debug, Clone)]
pub struct TaskOptions {
    /// Items per list page.
    pub page_size: u32,
    /// How often `/version` is polled for the status bar.
    pub version_interval: Duration,
    /// Longest wait between reconnect attempts.
    pub max_backoff: Duration,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            page_size: 500,
            version_interval: Duration::from_secs(10),
            max_backoff: Duration::from_secs(30),
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
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.abort_context();
        self.abort_pods();
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
        }
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
            } => self.watch_pods(generation, &context, namespace),
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
    }

    fn watch_pods(&mut self, generation: u64, context: &str, namespace: Option<String>) {
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

/// One downloaded list page on its way to the decoder.
struct RawPage {
    body: bytes::Bytes,
    first: bool,
    more: bool,
}

/// Aborts the task when dropped (the list was cancelled or failed).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Decodes pages in order into rows and sends them to the UI. Ends when the pages run out or
/// the UI is gone (both fine), or at the first undecodable page.
async fn decode_pages(
    mut pages: tokio::sync::mpsc::Receiver<RawPage>,
    path: String,
    generation: u64,
    tx: UnboundedSender<Msg>,
) -> Result<(), KubeError> {
    while let Some(page) = pages.recv().await {
        let list = decode_list::<Pod>(&page.body, &path)?;
        drop(page.body);
        let rows = list.items.iter().map(PodRow::from_pod).collect();
        let msg = Msg::PodsPage {
            generation,
            rows,
            first: page.first,
            more: page.more,
        };
        if tx.send(msg).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// List-then-watch of pods with relist on 410 and capped exponential backoff on errors.
struct PodStream {
    client: Client,
    path: String,
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
    /// Pages are decoded on another task while the next one downloads, so on two cores the list
    /// takes about as long as the slower of the two instead of their sum.
    async fn list(&self) -> Result<String, KubeError> {
        let mut params = ListParams {
            limit: Some(self.opts.page_size),
            ..ListParams::default()
        };
        let (pages_tx, pages_rx) = tokio::sync::mpsc::channel(2);
        let decoder = AbortOnDrop(tokio::spawn(decode_pages(
            pages_rx,
            self.path.clone(),
            self.generation,
            self.tx.clone(),
        )));
        let mut first = true;
        let mut list_rv = String::new();
        loop {
            let body = self.client.list_page_raw(&self.path, &params).await?;
            let (rv, continue_token) = list_head(&body, &self.path)?;
            if first {
                // Every page of a list shares the first page's snapshot version.
                list_rv = rv;
            }
            let more = !continue_token.is_empty();
            let page = RawPage { body, first, more };
            // A closed channel means the decoder stopped: its result says why.
            if pages_tx.send(page).await.is_err() || !more {
                break;
            }
            first = false;
            params.continue_token = Some(continue_token);
        }
        drop(pages_tx);
        let mut decoder = decoder;
        match (&mut decoder.0).await {
            Ok(result) => result.map(|()| list_rv),
            Err(e) => Err(KubeError::Decode {
                path: self.path.clone(),
                message: format!("page decoder stopped: {e}"),
            }),
        }
    }

    /// Watches from `rv` until the watch fails; normal server-side timeouts just rewatch.
    async fn watch_from(&self, mut rv: String) -> WatchEnd {
        loop {
            let params = ListParams {
                resource_version: Some(rv.clone()),
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
