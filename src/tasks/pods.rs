//! The pods list-then-watch stream: pages decoded while the next downloads, a watch from the
//! list's resourceVersion, resume after drops, relist after 410, backoff while failing.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::TaskOptions;
use crate::kube::client::list_head;
use crate::kube::table::RowFromPod;
use crate::kube::table::server::decode_pods_page;
use crate::kube::{Client, KubeError, ListParams, WatchEvent};
use crate::msg::{Msg, PodEvent};

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

/// Decodes pages (Tables the server printed, or plain pod lists) in order into rows and sends
/// them to the UI. Ends when the pages run out or the UI is gone (both fine), or at the first
/// undecodable page.
async fn decode_pages(
    mut pages: tokio::sync::mpsc::Receiver<RawPage>,
    path: String,
    generation: u64,
    tx: UnboundedSender<Msg>,
) -> Result<(), KubeError> {
    let mut columns = None;
    while let Some(page) = pages.recv().await {
        let rows = decode_pods_page(&page.body, &path, &mut columns, jiff::Timestamp::now())?;
        drop(page.body);
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

/// List-then-watch of pods: relist on 410, resume from the last resourceVersion when a
/// connection drops, and back off (shown in the status bar) while the server is unreachable or
/// failing.
pub(super) struct PodStream {
    pub(super) client: Client,
    pub(super) path: String,
    pub(super) label_selector: Option<String>,
    pub(super) generation: u64,
    pub(super) tx: UnboundedSender<Msg>,
    pub(super) opts: TaskOptions,
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
    pub(super) async fn run(self) {
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
    /// The list asks for rows the server prints (`as=Table`, as kubectl does: a third of the
    /// bytes, no printPod here); the watch then sends whole pods, printed by our printPod port.
    /// Pages are decoded on another task while the next one downloads, so on two cores the list
    /// takes about as long as the slower of the two instead of their sum.
    async fn list(&self) -> Result<String, KubeError> {
        let mut params = ListParams {
            limit: Some(self.opts.page_size),
            label_selector: self.label_selector.clone(),
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
            let body = self.client.list_table_page_raw(&self.path, &params).await?;
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
            let stream = match self.client.watch::<RowFromPod>(&self.path, &params).await {
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
                        Ok(WatchEvent::Added(RowFromPod(row))) => {
                            rv.clone_from(&row.resource_version);
                            events.push(PodEvent::Added(row));
                        }
                        Ok(WatchEvent::Modified(RowFromPod(row))) => {
                            rv.clone_from(&row.resource_version);
                            events.push(PodEvent::Modified(row));
                        }
                        Ok(WatchEvent::Deleted(RowFromPod(row))) => {
                            rv = row.resource_version;
                            events.push(PodEvent::Deleted {
                                namespace: row.namespace,
                                name: row.name,
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
