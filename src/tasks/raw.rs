//! The runtime half of the raw-request pane: send through the shared client, persist history.

use std::path::{Path, PathBuf};
use std::time::Instant;

use http::Method;
use tokio::sync::mpsc::UnboundedSender;

use crate::history;
use crate::kube::{ApiRequest, Client, Failure};
use crate::msg::{Msg, RawRequest, RawResponse};

/// Largest body kept for display; the rest is counted as it streams by, never stored.
pub const MAX_BODY: usize = 8 << 20;

/// Sends `request` and answers `Msg::RawResponse { id, .. }`.
pub async fn send(client: Client, id: u64, request: RawRequest, tx: UnboundedSender<Msg>) {
    let started = Instant::now();
    let result = match to_api_request(&request) {
        Ok(req) => client
            .send_capped(&req, MAX_BODY)
            .await
            .map(|resp| {
                let kept = resp.body.len() as u64;
                RawResponse {
                    status: resp.status,
                    reason: resp.reason,
                    headers: resp
                        .headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                        .collect(),
                    body: resp.body.to_vec(),
                    truncated_bytes: resp.total_bytes.saturating_sub(kept),
                    total_bytes: resp.total_bytes,
                    latency: started.elapsed(),
                }
            })
            .map_err(Failure::from),
        Err(e) => Err(Failure::other(e)),
    };
    let _ = tx.send(Msg::RawResponse { id, result });
}

/// The pane's request in the client's terms (YAML bodies become JSON).
pub fn to_api_request(r: &RawRequest) -> Result<ApiRequest, String> {
    let method = Method::from_bytes(r.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("invalid method {:?}", r.method))?;
    let body = match r.body.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(text) => Some(bytes::Bytes::from(crate::kube::wire::json_body(text)?)),
        None => None,
    };
    Ok(ApiRequest {
        method,
        version: r.version.clone(),
        base: r.base.clone(),
        namespace: r.namespace.clone(),
        url: r.url.clone(),
        query: r.query.clone(),
        body,
        content_type: r.content_type.clone(),
    })
}

/// Where a context's history lives.
pub fn history_file(data_dir: &Path, context: &str) -> PathBuf {
    history::history_path(data_dir, context)
}

/// Loads a context's history (missing or unreadable files are an empty history, logged).
pub async fn load_history(data_dir: PathBuf, context: String, tx: UnboundedSender<Msg>) {
    let path = history_file(&data_dir, &context);
    let entries = tokio::task::spawn_blocking(move || history::load(&path))
        .await
        .ok()
        .and_then(|r| {
            r.map_err(|e| tracing::warn!(error = %e, "raw history not loaded"))
                .ok()
        })
        .unwrap_or_default();
    let _ = tx.send(Msg::HistoryLoaded { context, entries });
}

/// Saves a context's history (0600), logging failures.
pub async fn save_history(data_dir: PathBuf, context: String, entries: Vec<RawRequest>) {
    let path = history_file(&data_dir, &context);
    let saved = tokio::task::spawn_blocking(move || history::save(&path, &entries)).await;
    if let Ok(Err(e)) = saved {
        tracing::warn!(error = %e, "raw history not saved");
    }
}
