//! One list-then-watch engine for any collection, in the spirit of kube-rs's `watcher` and
//! client-go's reflector: a paged list whose pages go out as they arrive (decoded on another
//! task while the next one downloads), then a watch from the list's resourceVersion with
//! bookmarks and `timeoutSeconds` renewal; it resumes after a dropped connection, lists again
//! after 410 Gone, and backs off (jittered, capped) while the server fails. What a page and a
//! row are comes from a [`Decoder`]; typed [`Event`]s go out to a sink.

mod backoff;
mod decoders;
mod replay;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

pub use backoff::Backoff;
pub use decoders::{NameRows, PodRows, TableRows};

use super::client::list_head;
use super::error::{Failure, KubeError, Status};
use super::{Client, ListParams};

/// Turns list pages and watch lines of one kind of collection into pages and rows.
pub trait Decoder: Send + Sync + 'static {
    /// What a list page decodes to (rows, or a Table with its columns).
    type Page: Send + 'static;
    /// One object as a watch event carries it.
    type Row: Send + 'static;
    /// What decoding carries from page to page and into the watch (a Table's column
    /// positions, which later pages and events may leave out).
    type Columns: Default + Send + 'static;

    /// `Accept` of list requests.
    fn list_accept(&self) -> &'static str;
    /// Extra query of list requests (e.g. `includeObject=Metadata`); empty for none.
    fn list_query(&self) -> &'static str {
        ""
    }
    /// `Accept` of watch requests.
    fn watch_accept(&self) -> &'static str;
    /// Extra query of watch requests; empty for none.
    fn watch_query(&self) -> &'static str {
        ""
    }
    /// Decodes one list page.
    fn page(
        &self,
        columns: &mut Self::Columns,
        body: &[u8],
        path: &str,
    ) -> Result<Self::Page, KubeError>;
    /// Decodes one line of the watch.
    fn event(
        &self,
        columns: &mut Self::Columns,
        line: &[u8],
        path: &str,
    ) -> Result<Item<Self::Row>, KubeError>;
}

/// A change to the collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<R> {
    Added(R),
    Modified(R),
    /// The object as it was last seen.
    Deleted(R),
}

/// One decoded watch line.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<R> {
    /// The changes of one event (a Table event may carry several rows) and the
    /// resourceVersion they bring the watch to.
    Changes(Vec<Change<R>>, String),
    Bookmark(String),
    /// The server ended the watch with a Status (410 Expired: list again).
    Error(Status),
}

/// What the engine reports, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<P, R> {
    /// A page of a (re)list: `first` replaces what was held, `last` ends the list.
    Page { page: P, first: bool, last: bool },
    /// Changes from the watch, in the server's order.
    Changes(Vec<Change<R>>),
    /// A watch is up (after a list, a resume or a reconnect): the stream is healthy again.
    Live,
    /// Listing or watching failed; the engine tries again at `retry_at` (`None`: it cannot,
    /// e.g. there is no client to try with).
    Failed {
        error: Failure,
        retry_at: Option<jiff::Timestamp>,
    },
}

/// Where events go; `false` means nobody listens any more and the engine stops.
pub trait Sink<P, R>: Clone + Send + Sync + 'static {
    fn send(&self, event: Event<P, R>) -> bool;
}

impl<P, R, F> Sink<P, R> for F
where
    F: Fn(Event<P, R>) -> bool + Clone + Send + Sync + 'static,
{
    fn send(&self, event: Event<P, R>) -> bool {
        self(event)
    }
}

/// A watch that lived at least this long before breaking is resumed at once; one that keeps
/// breaking sooner is resumed at most this often.
const HEALTHY_WATCH: Duration = Duration::from_secs(1);
/// The server ends each watch after this long (`timeoutSeconds`) and the engine renews it.
const WATCH_TIMEOUT_SECS: u32 = 290;
/// Silence this long on a watch is a dead (half-open) connection: a little over the server's
/// timeout, and well over the bookmarks a server sends meanwhile.
const WATCH_IDLE: Duration = Duration::from_secs(WATCH_TIMEOUT_SECS as u64 + 30);
/// Most watch lines folded into one [`Event::Changes`].
const BATCH: usize = 1024;

/// A list-then-watch of one collection.
pub struct ListWatch<D> {
    pub client: Client,
    /// The collection, e.g. `/api/v1/namespaces/shop/pods`.
    pub path: String,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// Objects per list page.
    pub page_size: u32,
    /// Longest wait between attempts while the server answers with errors.
    pub max_backoff: Duration,
    pub decoder: D,
}

/// Why a watch ended.
enum WatchEnd {
    /// 410 Gone: list again. `progressed` is true when the watch delivered events first (so
    /// listing again at once is not a loop).
    Expired { progressed: bool },
    /// The watch could not be (re)started, or broke. `rv` is where to resume from; `lived` is
    /// how long the broken stream had been up (`None`: it never started).
    Failed {
        error: KubeError,
        rv: String,
        lived: Option<Duration>,
    },
    /// Nobody listens any more.
    Closed,
}

impl<D: Decoder> ListWatch<D> {
    /// Runs until the sink is closed.
    pub async fn run<S: Sink<D::Page, D::Row>>(self, sink: S) {
        if let Some(replay) = self.client.replay().cloned() {
            return replay::run(self, replay, sink).await;
        }
        let this = Arc::new(self);
        let mut backoff = Backoff::new(this.max_backoff);
        // A separate schedule for 410s that come straight after a list (a server stuck expiring).
        let mut relist_backoff = Backoff::new(this.max_backoff);
        let mut columns = D::Columns::default();
        // Where the next watch starts; `None` means list first.
        let mut resume: Option<String> = None;
        let mut short_lived = 0u32;
        loop {
            let (rv, listed) = match resume.take() {
                Some(rv) => (rv, false),
                None => match Arc::clone(&this).list(&sink).await {
                    Ok((rv, cols)) => {
                        backoff.reset();
                        columns = cols;
                        (rv, true)
                    }
                    Err(error) => {
                        if !this.report_and_wait(&sink, error, &mut backoff).await {
                            return;
                        }
                        continue;
                    }
                },
            };
            match this.watch_from(rv, &mut columns, &mut backoff, &sink).await {
                WatchEnd::Closed => return,
                WatchEnd::Expired { progressed } => {
                    tracing::info!(path = %this.path, "watch expired (410): listing again");
                    if listed && !progressed {
                        // Expired straight after a fresh list: listing again at once would loop.
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
                            tracing::info!(path = %this.path, error = %error, ?lived, "watch broke: resuming");
                            if short_lived >= 3 {
                                tokio::time::sleep(HEALTHY_WATCH).await;
                            }
                        }
                        None => {
                            if !this.report_and_wait(&sink, error, &mut backoff).await {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reports the failure with its retry time and waits; false when nobody listens.
    async fn report_and_wait<S: Sink<D::Page, D::Row>>(
        &self,
        sink: &S,
        error: KubeError,
        backoff: &mut Backoff,
    ) -> bool {
        let mut delay = backoff.next(&error);
        // A 429 says how long to stay away; never come back sooner.
        if let KubeError::Api { status, .. } = &error
            && let Some(secs) = status.details.as_ref().and_then(|d| d.retry_after_seconds)
        {
            delay = delay.max(Duration::from_secs(u64::from(secs)));
        }
        tracing::warn!(path = %self.path, error = %error, ?delay, "list-watch failed");
        let now = jiff::Timestamp::now();
        let retry_at = jiff::SignedDuration::try_from(delay)
            .ok()
            .and_then(|d| now.checked_add(d).ok())
            .unwrap_or(now);
        let event = Event::Failed {
            error: Failure::from(&error),
            retry_at: Some(retry_at),
        };
        if !sink.send(event) {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }

    /// Lists every page, sending each as it arrives; returns the resourceVersion to watch from
    /// and the decoder's columns. Pages are decoded on another task while the next downloads,
    /// so on two cores the list takes about as long as the slower of the two, not their sum.
    async fn list<S: Sink<D::Page, D::Row>>(
        self: Arc<Self>,
        sink: &S,
    ) -> Result<(String, D::Columns), KubeError> {
        let mut params = ListParams {
            limit: Some(self.page_size),
            label_selector: self.label_selector.clone(),
            field_selector: self.field_selector.clone(),
            ..ListParams::default()
        };
        let (pages_tx, pages_rx) = tokio::sync::mpsc::channel(2);
        let decoder = AbortOnDrop(tokio::spawn(decode_pages(
            Arc::clone(&self),
            pages_rx,
            sink.clone(),
        )));
        let accept = self.decoder.list_accept();
        let extra = self.decoder.list_query();
        let mut first = true;
        let mut list_rv = String::new();
        let recording = self.recording();
        loop {
            let body = self
                .client
                .list_page_accept(&self.path, &params, accept, extra)
                .await?;
            let (rv, continue_token) = list_head(&body, &self.path)?;
            if let Some((recorder, id)) = &recording {
                recorder.page(*id, first, continue_token.is_empty(), &body);
            }
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
            Ok(result) => result.map(|columns| (list_rv, columns)),
            Err(e) => Err(KubeError::Decode {
                path: self.path.clone(),
                message: format!("page decoder stopped: {e}"),
            }),
        }
    }

    /// Watches from `rv` until the watch fails; the server's own timeouts just renew it.
    /// Events decoded before a failure are always delivered, so resuming from the returned
    /// resourceVersion loses nothing. `backoff` is reset once a watch is up.
    async fn watch_from<S: Sink<D::Page, D::Row>>(
        &self,
        mut rv: String,
        columns: &mut D::Columns,
        backoff: &mut Backoff,
        sink: &S,
    ) -> WatchEnd {
        let mut progressed = false;
        let recording = self.recording();
        loop {
            let params = ListParams {
                resource_version: Some(rv.clone()),
                label_selector: self.label_selector.clone(),
                field_selector: self.field_selector.clone(),
                timeout_seconds: Some(WATCH_TIMEOUT_SECS),
                allow_watch_bookmarks: true,
                ..ListParams::default()
            };
            let (accept, extra) = (self.decoder.watch_accept(), self.decoder.watch_query());
            let stream = match self
                .client
                .watch_lines(&self.path, &params, accept, extra)
                .await
            {
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
            if !sink.send(Event::Live) {
                return WatchEnd::Closed;
            }
            let mut batches = Box::pin(stream.ready_chunks(BATCH));
            loop {
                let batch = match tokio::time::timeout(WATCH_IDLE, batches.next()).await {
                    Ok(Some(batch)) => batch,
                    // The server ended the watch (its timeout): watch again from `rv`.
                    Ok(None) => break,
                    Err(_) => {
                        let error = KubeError::Timeout {
                            method: "GET".into(),
                            path: self.path.clone(),
                            timeout: WATCH_IDLE,
                        };
                        let lived = Some(started.elapsed());
                        return WatchEnd::Failed { error, rv, lived };
                    }
                };
                let mut changes = Vec::with_capacity(batch.len());
                let mut end = None;
                for line in batch {
                    if let (Some((recorder, id)), Ok(line)) = (&recording, &line) {
                        recorder.line(*id, line);
                    }
                    let item = line.and_then(|l| self.decoder.event(columns, &l, &self.path));
                    match item {
                        Ok(Item::Changes(batch, version)) => {
                            if !version.is_empty() {
                                rv = version;
                            }
                            changes.extend(batch);
                        }
                        Ok(Item::Bookmark(version)) => rv = version,
                        Ok(Item::Error(s)) if s.code == 410 => {
                            end = Some(WatchEnd::Expired { progressed: true });
                            break;
                        }
                        Ok(Item::Error(s)) => {
                            let error = KubeError::Api {
                                code: s.code,
                                status: Box::new(s),
                            };
                            let rv = rv.clone();
                            end = Some(WatchEnd::Failed {
                                error,
                                rv,
                                lived: None,
                            });
                            break;
                        }
                        Err(error) => {
                            let (rv, lived) = (rv.clone(), Some(started.elapsed()));
                            end = Some(WatchEnd::Failed { error, rv, lived });
                            break;
                        }
                    }
                }
                if !changes.is_empty() {
                    progressed = true;
                    if !sink.send(Event::Changes(changes)) {
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

/// One downloaded list page on its way to the decoder.
struct RawPage {
    body: bytes::Bytes,
    first: bool,
    more: bool,
}

/// Aborts the task when dropped (the list was cancelled or failed).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Decodes pages in order and sends them. Ends when the pages run out or nobody listens (both
/// fine; the columns go back for the watch), or at the first undecodable page.
async fn decode_pages<D: Decoder, S: Sink<D::Page, D::Row>>(
    this: Arc<ListWatch<D>>,
    mut pages: tokio::sync::mpsc::Receiver<RawPage>,
    sink: S,
) -> Result<D::Columns, KubeError> {
    let mut columns = D::Columns::default();
    while let Some(raw) = pages.recv().await {
        let page = this.decoder.page(&mut columns, &raw.body, &this.path)?;
        drop(raw.body);
        let event = Event::Page {
            page,
            first: raw.first,
            last: !raw.more,
        };
        if !sink.send(event) {
            break;
        }
    }
    Ok(columns)
}
