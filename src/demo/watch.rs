//! Watch streams: `{"type":...,"object":...}` lines replayed from the change history and then
//! live, with bookmarks, timeouts, 410 `Expired` as an ERROR event, and the drop fault.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until};

use super::api::selector;
use super::faults::Hit;
use super::resources::Kind;
use super::routes::{AppState, Params, Reject, json_bytes, respond};
use super::select::Selector;
use super::store::{Change, ChangeType, Obj, WatchStart};
use super::table::{self, IncludeObject};
use crate::kube::error::Status;

/// How long a watch lasts without `timeoutSeconds` (the apiserver picks 30–60 minutes).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
const BOOKMARK_EVERY: Duration = Duration::from_secs(30);

/// A streamed body fed by a task through a channel; an `Err` item aborts the connection.
pub(crate) fn channel_body(rx: mpsc::Receiver<io::Result<Bytes>>) -> Body {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(stream)
}

/// The error an injected connection drop produces.
pub(crate) fn dropped() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "demo fault: stream dropped",
    )
}

/// What one watch sends and to whom.
struct Watcher {
    kind: Kind,
    ns: Option<String>,
    sel: Selector,
    table: Option<IncludeObject>,
    tx: mpsc::Sender<io::Result<Bytes>>,
    last_rv: u64,
}

impl Watcher {
    fn wants(&self, kind: Kind, obj: &Obj) -> bool {
        kind == self.kind
            && self.ns.as_deref().is_none_or(|ns| obj.namespace() == ns)
            && self.sel.matches(kind, obj)
    }

    /// Sends one event; false once the client has gone.
    async fn send(&mut self, ty: &str, obj: &Arc<Obj>) -> bool {
        let mut line = BytesMut::with_capacity(obj.json().len() + 32);
        line.extend_from_slice(br#"{"type":""#);
        line.extend_from_slice(ty.as_bytes());
        line.extend_from_slice(br#"","object":"#);
        match self.table {
            Some(include) => {
                let t = table::table_value(
                    self.kind,
                    self.last_rv,
                    None,
                    std::slice::from_ref(obj),
                    include,
                );
                line.extend_from_slice(&serde_json::to_vec(&t).unwrap_or_default());
            }
            None => line.extend_from_slice(obj.json()),
        }
        line.extend_from_slice(b"}\n");
        self.tx.send(Ok(line.freeze())).await.is_ok()
    }

    async fn change(&mut self, c: &Change) -> bool {
        self.last_rv = c.rv;
        if !self.wants(c.kind, &c.obj) {
            return true;
        }
        self.send(c.ty.as_str(), &c.obj).await
    }

    async fn bookmark(&mut self) -> bool {
        let line = format!(
            "{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{{\"resourceVersion\":\"{}\"}}}}}}\n",
            self.kind.kind(),
            self.kind.api_version(),
            self.last_rv
        );
        self.tx.send(Ok(Bytes::from(line))).await.is_ok()
    }
}

/// The ERROR line with a 410 `Expired` Status, as an apiserver sends when it can no longer
/// serve the requested resourceVersion.
fn expired_line(message: String) -> Bytes {
    let mut status =
        serde_json::to_value(Status::failure(410, "Expired", message)).unwrap_or_default();
    status["metadata"] = serde_json::json!({});
    Bytes::from(format!("{{\"type\":\"ERROR\",\"object\":{status}}}\n"))
}

/// A response that is just the 410 ERROR event.
fn expired_response(message: String) -> Response {
    let body = Body::from(expired_line(message));
    json_bytes(StatusCode::OK, body)
}

/// `GET ...?watch=true`.
pub(crate) fn serve(
    app: &AppState,
    kind: Kind,
    ns: Option<&str>,
    params: &Params,
    headers: &HeaderMap,
) -> Response {
    respond(serve_inner(app, kind, ns, params, headers))
}

fn serve_inner(
    app: &AppState,
    kind: Kind,
    ns: Option<&str>,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, Reject> {
    let sel = selector(kind, params)?;
    let since = params.number("resourceVersion")?;
    let timeout = params
        .number("timeoutSeconds")?
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let bookmarks = params.flag("allowWatchBookmarks")?;
    let table = table::requested(headers, params)?;
    if app.faults.watch_410() {
        app.faults.note(Hit::Expired);
        let rv = since.unwrap_or(0);
        return Ok(expired_response(format!(
            "too old resource version: {rv} (demo fault)"
        )));
    }
    let start = match app.store.watch(kind, since) {
        Ok(start) => start,
        Err(e) => {
            let rv = since.unwrap_or(0);
            return Ok(expired_response(format!(
                "too old resource version: {rv} ({})",
                e.oldest
            )));
        }
    };
    let (tx, rx) = mpsc::channel(64);
    let watcher = Watcher {
        kind,
        ns: ns.map(str::to_string),
        sel,
        table,
        tx,
        last_rv: start.rv,
    };
    let drop_at = app.faults.drop_after().map(|d| Instant::now() + d);
    if drop_at.is_some() {
        app.faults.note(Hit::Dropped);
    }
    tokio::spawn(pump(
        watcher,
        start,
        Instant::now() + timeout,
        bookmarks,
        drop_at,
    ));
    Ok(json_bytes(StatusCode::OK, channel_body(rx)))
}

async fn replay(w: &mut Watcher, start: &mut WatchStart) -> bool {
    for obj in std::mem::take(&mut start.initial) {
        if w.wants(w.kind, &obj) && !w.send(ChangeType::Added.as_str(), &obj).await {
            return false;
        }
    }
    for c in std::mem::take(&mut start.replay) {
        if !w.change(&c).await {
            return false;
        }
    }
    w.last_rv = w.last_rv.max(start.rv);
    true
}

/// Sends the backlog, then live changes until timeout, client hang-up, lag or the drop fault.
async fn pump(
    mut w: Watcher,
    mut start: WatchStart,
    deadline: Instant,
    bookmarks: bool,
    drop_at: Option<Instant>,
) {
    if !replay(&mut w, &mut start).await {
        return;
    }
    let far = deadline + Duration::from_secs(3600);
    let mut next_bookmark = Instant::now() + BOOKMARK_EVERY;
    loop {
        tokio::select! {
            _ = sleep_until(deadline) => return,
            _ = sleep_until(drop_at.unwrap_or(far)) => {
                let _ = w.tx.send(Err(dropped())).await;
                return;
            }
            _ = sleep_until(next_bookmark), if bookmarks => {
                next_bookmark = Instant::now() + BOOKMARK_EVERY;
                if !w.bookmark().await { return; }
            }
            msg = start.live.recv() => match msg {
                Ok(c) => if !w.change(&c).await { return },
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let line = expired_line(format!("watcher fell behind at resource version {}", w.last_rv));
                    let _ = w.tx.send(Ok(line)).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = w.tx.closed() => return,
        }
    }
}
