//! List, get and delete: pages built by concatenating stored JSON, opaque continue tokens, and
//! graceful pod deletion.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::controller;
use super::pods::{Scenario, ts};
use super::resources::Kind;
use super::rng::{Rng, hash};
use super::routes::{AppState, Params, Reject, bad_request, json_bytes, not_found, respond};
use super::select::Selector;
use super::store::{Obj, Store};
use super::table;

/// What a continue token carries (base64url JSON, opaque to clients).
#[derive(Serialize, Deserialize)]
struct ContinueToken {
    rv: u64,
    start: String,
}

fn encode_continue(rv: u64, start: String) -> String {
    let json = serde_json::to_vec(&ContinueToken { rv, start }).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_continue(token: &str) -> Result<ContinueToken, Reject> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"))
}

/// The selectors of a list or watch request, or a 400.
pub(crate) fn selector(kind: Kind, params: &Params) -> Result<Selector, Reject> {
    Selector::parse(
        kind,
        params.str("labelSelector"),
        params.str("fieldSelector"),
    )
    .map_err(bad_request)
}

/// Items per body chunk: big enough for few writes, small enough to stream.
const CHUNK_ITEMS: usize = 256;

/// `{"kind":"PodList",...,"items":[` + the stored objects + `]}`, streamed in chunks.
fn list_body(kind: Kind, rv: u64, cont: Option<String>, items: Vec<Arc<Obj>>) -> Body {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    let head = format!(
        r#"{{"kind":"{}List","apiVersion":"{}","metadata":{},"items":["#,
        kind.kind(),
        kind.api_version(),
        meta
    );
    let chunks: Vec<Vec<Arc<Obj>>> = items.chunks(CHUNK_ITEMS).map(<[_]>::to_vec).collect();
    let body = chunks.into_iter().enumerate().map(|(n, chunk)| {
        let mut buf = BytesMut::new();
        for (i, obj) in chunk.iter().enumerate() {
            if n > 0 || i > 0 {
                buf.extend_from_slice(b",");
            }
            buf.extend_from_slice(obj.json());
        }
        Ok::<Bytes, std::io::Error>(buf.freeze())
    });
    let stream = futures::stream::once(async move { Ok(Bytes::from(head)) })
        .chain(futures::stream::iter(body))
        .chain(futures::stream::once(async {
            Ok(Bytes::from_static(b"]}"))
        }));
    Body::from_stream(stream)
}

use futures::StreamExt;

/// `GET` of a collection.
pub(crate) fn list(
    app: &AppState,
    kind: Kind,
    ns: Option<&str>,
    params: &Params,
    headers: &HeaderMap,
) -> Response {
    respond(list_inner(app, kind, ns, params, headers))
}

fn list_inner(
    app: &AppState,
    kind: Kind,
    ns: Option<&str>,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, Reject> {
    let sel = selector(kind, params)?;
    let limit = params.number("limit")?.unwrap_or(0) as usize;
    let after = match params.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => Some(decode_continue(token)?.start),
        None => None,
    };
    let page = app
        .store
        .page(kind, ns, after.as_deref(), limit, |o| sel.matches(kind, o));
    let cont = page.more_after.map(|key| encode_continue(page.rv, key));
    if let Some(format) = table::requested(headers, params)? {
        return Ok(table::list(kind, page.rv, cont, &page.items, format));
    }
    Ok(json_bytes(
        StatusCode::OK,
        list_body(kind, page.rv, cont, page.items),
    ))
}

/// `GET` of one object.
pub(crate) fn get(
    app: &AppState,
    kind: Kind,
    ns: &str,
    name: &str,
    headers: &HeaderMap,
    params: &Params,
) -> Response {
    let Some(obj) = app.store.get(kind, ns, name) else {
        return not_found(kind, name).into();
    };
    match table::requested(headers, params) {
        Ok(Some(format)) => table::list(kind, app.store.rv(), None, &[obj], format),
        Ok(None) => json_bytes(StatusCode::OK, obj.json_bytes()),
        Err(reject) => reject.into(),
    }
}

/// Sets deletionTimestamp/deletionGracePeriodSeconds (a MODIFIED event) and schedules the
/// removal (a DELETED event): a couple of seconds, a quarter second for grace 0. Returns the
/// Terminating pod's JSON.
///
/// The pod's controller acts as a real one would: a ReplicaSet creates a replacement as soon as
/// the pod is terminating (in the `replacement` state, or Pending then Running for None), a StatefulSet or DaemonSet once it is
/// gone (see `controller`).
pub(crate) fn graceful_delete(
    store: &Arc<Store>,
    ns: &str,
    name: &str,
    grace: Option<u64>,
    replacement: Option<Scenario>,
) -> Option<Bytes> {
    let grace = grace.unwrap_or(30);
    let now = Timestamp::now();
    let mut newly = false;
    let change = store.update(Kind::Pod, ns, name, |pod| {
        let meta = &mut pod["metadata"];
        if meta.get("deletionTimestamp").is_none() {
            let at = now
                .checked_add(SignedDuration::from_secs(grace as i64))
                .unwrap_or(now);
            meta["deletionTimestamp"] = json!(ts(at));
            meta["deletionGracePeriodSeconds"] = json!(grace);
            newly = true;
        }
    })?;
    let mut rng = Rng::new(hash(&[ns, name]) ^ now.as_nanosecond() as u64);
    if newly {
        controller::pod_terminating(store, &change.obj.value(), replacement);
    }
    let delay = if grace == 0 {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(grace.min(2))
    };
    let uid = change.obj.value()["metadata"]["uid"].clone();
    let (store, ns, name) = (store.clone(), ns.to_string(), name.to_string());
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let same = |pod: &super::store::Obj| pod.value()["metadata"]["uid"] == uid;
        if let Some(gone) = store.delete_if(Kind::Pod, &ns, &name, same) {
            controller::pod_removed(&store, &gone.obj.value(), &mut rng);
        }
    });
    Some(change.obj.json_bytes())
}
