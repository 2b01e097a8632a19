//! Long-lived GETs: watches (decoded or as lines) and log streams, read as they arrive.

use std::time::Instant;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use http::Method;
use serde::de::DeserializeOwned;

use super::{Answered, Client, ListParams, LogParams, WatchEvent, decode_watch_event, transport};
use crate::kube::error::KubeError;
use crate::kube::url::{encode_query_value, with_query};
use crate::kube::wire::{JSON, lines};

impl Client {
    /// Starts a watch at `path` from `params.resource_version` and yields decoded events.
    /// The stream ends when the server closes it; callers resume from the last seen version.
    pub async fn watch<T: DeserializeOwned + 'static>(
        &self,
        path: &str,
        params: &ListParams,
    ) -> Result<impl Stream<Item = Result<WatchEvent<T>, KubeError>> + use<T>, KubeError> {
        let lines = self.watch_lines(path, params, JSON, "").await?;
        let path = path.to_string();
        Ok(lines.map(move |line| {
            decode_watch_event::<T>(&line?).map_err(|message| KubeError::Decode {
                path: path.clone(),
                message,
            })
        }))
    }

    /// A watch at `path` asking for `accept` (e.g. a Table) with `extra` added to the query
    /// (e.g. `includeObject=Metadata`; empty for none), as undecoded lines, one event each.
    /// The stream ends when the server closes it.
    pub async fn watch_lines(
        &self,
        path: &str,
        params: &ListParams,
        accept: &str,
        extra: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, KubeError>> + use<>, KubeError> {
        let mut params = params.clone();
        params.limit = None;
        params.continue_token = None;
        let mut query = format!("watch=true&{}", params.query());
        if !extra.is_empty() {
            query = format!("{query}&{extra}");
        }
        let full = with_query(path, &query);
        let resp = self.stream_path(&full, accept).await?;
        let path = path.to_string();
        Ok(lines(resp.bytes_stream())
            .map(move |line| line.map_err(|e| transport("GET", &path, &e))))
    }

    /// Streams a pod's log as raw bytes (not necessarily UTF-8).
    pub async fn logs(
        &self,
        namespace: &str,
        pod: &str,
        params: &LogParams,
    ) -> Result<impl Stream<Item = Result<Bytes, KubeError>> + use<>, KubeError> {
        let mut q = Vec::new();
        if let Some(c) = &params.container {
            q.push(format!("container={}", encode_query_value(c)));
        }
        for (flag, name) in [
            (params.follow, "follow"),
            (params.previous, "previous"),
            (params.timestamps, "timestamps"),
        ] {
            if flag {
                q.push(format!("{name}=true"));
            }
        }
        if let Some(n) = params.tail_lines {
            q.push(format!("tailLines={n}"));
        }
        let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}/log");
        let resp = self
            .stream_path(&with_query(&path, &q.join("&")), JSON)
            .await?;
        Ok(resp
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| transport("GET", &path, &e))))
    }

    /// Opens a long-lived GET (watch, log follow): only the wait for headers is time-limited.
    async fn stream_path(&self, path: &str, accept: &str) -> Result<reqwest::Response, KubeError> {
        let started = Instant::now();
        let result = self.stream_path_once(path, accept).await;
        self.record(&Method::GET, path, started, &result, |r| Answered {
            status: r.status().as_u16(),
            bytes: 0,
            headers: r.headers(),
        });
        result
    }

    async fn stream_path_once(
        &self,
        path: &str,
        accept: &str,
    ) -> Result<reqwest::Response, KubeError> {
        let mut refreshed = false;
        loop {
            let rb = self.request_accept(&Method::GET, path, accept).await?;
            let resp = self.send_streaming(rb, path).await?;
            let code = resp.status().as_u16();
            if code == 401 && !refreshed && self.inner.auth.invalidate().await {
                refreshed = true;
                continue;
            }
            if !(200..300).contains(&code) {
                let reason = resp.status().canonical_reason().unwrap_or("").to_string();
                let body = resp.bytes().await.unwrap_or_default();
                return Err(KubeError::from_response(code, &reason, &body));
            }
            return Ok(resp);
        }
    }
}
