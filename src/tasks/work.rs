//! Effects of the pods work: fetch an object or its events, stream logs, delete, discovery and
//! server Tables. Each reports back with the id or generation it was started for.

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::Tasks;
use crate::kube::client::LogParams;
use crate::kube::discovery::{
    ApiGroupList, ApiResource, ApiResourceList, ApiVersions, group_version_path,
};
use crate::kube::resource_table::{TABLE_ACCEPT, TableEvent, parse_table, parse_table_event};
use crate::kube::{Client, KubeError, ListParams};
use crate::msg::{Effect, LogRequest, Msg};
use crate::text::split_lines;

const JSON: &str = "application/json";
/// Most chunks folded into one `Msg::LogLines`.
const LOG_BATCH: usize = 256;

impl Tasks {
    /// Starts one of the effects above (the others are handled in `tasks.rs`).
    pub(super) fn run_work(&mut self, effect: Effect) {
        match effect {
            Effect::FetchObject { id, context, path } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = get_json(&client, &path).await;
                    let _ = tx.send(Msg::ObjectFetched { id, result });
                });
            }
            Effect::FetchEvents {
                id,
                context,
                namespace,
                name,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = events(&client, &namespace, &name).await;
                    let _ = tx.send(Msg::EventsFetched { id, result });
                });
            }
            Effect::StreamLogs {
                id,
                context,
                request,
            } => self.stream_logs(id, &context, request),
            Effect::StopLogs => self.stop_logs(),
            Effect::Delete {
                context,
                path,
                what,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = client
                        .delete(&path)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Deleted { what, result });
                });
            }
            Effect::Discover {
                generation,
                context,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = discover(&client).await.map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Discovered { generation, result });
                });
            }
            Effect::ListTable { id, context, path } => {
                self.stop_table();
                self.table_task = self.spawn_with(&context, move |client, tx| async move {
                    table_stream(&client, id, &path, &tx).await;
                });
            }
            Effect::Quit
            | Effect::Connect { .. }
            | Effect::WatchPods { .. }
            | Effect::WatchPodsLabeled { .. }
            | Effect::SendRaw { .. }
            | Effect::CancelRaw { .. }
            | Effect::SaveHistory { .. }
            | Effect::Copy { .. }
            | Effect::SetTitle { .. }
            | Effect::CheckHealth { .. } => {}
        }
    }

    /// Spawns `work` with a client of `context`. Without a client (no kubeconfig) nothing runs:
    /// the connect step already reported why, and the views keep showing their loading state.
    fn spawn_with<F, Fut>(&self, context: &str, work: F) -> Option<tokio::task::JoinHandle<()>>
    where
        F: FnOnce(Client, UnboundedSender<Msg>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        match self.client(context) {
            Ok(client) => Some(tokio::spawn(work(client, self.tx.clone()))),
            Err(e) => {
                tracing::warn!(context, error = %e, "no client for effect");
                None
            }
        }
    }

    fn stream_logs(&mut self, id: u64, context: &str, request: LogRequest) {
        self.stop_logs();
        self.logs_task = self.spawn_with(context, move |client, tx| async move {
            let error = follow_logs(&client, id, &request, &tx).await.err();
            let _ = tx.send(Msg::LogEnded {
                id,
                error: error.map(|e| e.to_string()),
            });
        });
    }

    /// Aborts the list-then-watch of the resource table, if any.
    pub(super) fn stop_table(&mut self) {
        if let Some(t) = self.table_task.take() {
            t.abort();
        }
    }

    /// Aborts the running log stream, if any.
    pub(super) fn stop_logs(&mut self) {
        if let Some(t) = self.logs_task.take() {
            t.abort();
        }
    }
}

async fn get_json(client: &Client, path: &str) -> Result<Value, String> {
    let resp = client
        .get_accept(path, JSON)
        .await
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&resp.body).map_err(|e| format!("{path}: {e}"))
}

/// Events about one object, via the field selector kubectl describe uses.
async fn events(client: &Client, namespace: &str, name: &str) -> Result<Vec<Value>, String> {
    let path = if namespace.is_empty() {
        "/api/v1/events".to_string()
    } else {
        format!("/api/v1/namespaces/{namespace}/events")
    };
    let mut selector = format!("involvedObject.name={name}");
    if !namespace.is_empty() {
        selector.push_str(&format!(",involvedObject.namespace={namespace}"));
    }
    let params = ListParams {
        field_selector: Some(selector),
        limit: Some(500),
        ..ListParams::default()
    };
    let list = client
        .list_all::<Value>(&path, &params)
        .await
        .map_err(|e| e.to_string())?;
    Ok(list.items)
}

/// Pause before listing a resource table again after its watch failed or expired.
const TABLE_RELIST_PAUSE: Duration = Duration::from_secs(1);
/// How long the server may keep one table watch open before it is started again.
const TABLE_WATCH_SECS: u32 = 300;

/// How a table watch ended.
enum TableWatchEnd {
    /// The app is gone.
    Closed,
    /// The server ended it (its timeout): watch again from the last version.
    Resume,
    /// 410, an error event or a broken stream: list again.
    Relist,
}

/// Lists a resource table, then keeps it live with a watch asking for Tables (rows printed by
/// the server, as kubectl get -w does), resumed from the last version and listed again after
/// 410 or an error. A failed list stays on screen until Ctrl-R.
async fn table_stream(client: &Client, id: u64, path: &str, tx: &UnboundedSender<Msg>) {
    loop {
        let result = list_table(client, path).await;
        let rv = result.as_ref().ok().map(|t| t.resource_version.clone());
        if tx.send(Msg::TableListed { id, result }).is_err() {
            return;
        }
        let Some(mut rv) = rv.filter(|v| !v.is_empty()) else {
            return;
        };
        loop {
            match watch_table(client, id, path, &mut rv, tx).await {
                TableWatchEnd::Closed => return,
                TableWatchEnd::Resume => {}
                TableWatchEnd::Relist => break,
            }
        }
        tokio::time::sleep(TABLE_RELIST_PAUSE).await;
    }
}

/// One table watch from `rv`, sending its events in batches; `rv` follows them.
async fn watch_table(
    client: &Client,
    id: u64,
    path: &str,
    rv: &mut String,
    tx: &UnboundedSender<Msg>,
) -> TableWatchEnd {
    let params = ListParams {
        resource_version: Some(rv.clone()),
        timeout_seconds: Some(TABLE_WATCH_SECS),
        ..ListParams::default()
    };
    let stream = match client.watch_lines(path, &params, TABLE_ACCEPT).await {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(path, error = %e, "table watch failed: listing again");
            return TableWatchEnd::Relist;
        }
    };
    let mut batches = Box::pin(stream.ready_chunks(256));
    // The server ends the watch after TABLE_WATCH_SECS; silence well past that is a dead
    // connection.
    let idle = Duration::from_secs(u64::from(TABLE_WATCH_SECS) + 30);
    loop {
        let batch = match tokio::time::timeout(idle, batches.next()).await {
            Ok(Some(batch)) => batch,
            Ok(None) => return TableWatchEnd::Resume,
            Err(_) => {
                tracing::info!(path, "table watch silent: listing again");
                return TableWatchEnd::Relist;
            }
        };
        let mut events = Vec::with_capacity(batch.len());
        let mut end = None;
        for line in batch {
            match line
                .map_err(|e| e.to_string())
                .and_then(|l| parse_table_event(&l))
            {
                Ok(TableEvent::Error { code, message }) => {
                    tracing::info!(path, code, message, "table watch error: listing again");
                    end = Some(TableWatchEnd::Relist);
                    break;
                }
                Ok(TableEvent::Bookmark(v)) => *rv = v,
                Ok(event) => {
                    if let TableEvent::Upsert(_, v) | TableEvent::Deleted(_, v) = &event {
                        if !v.is_empty() {
                            rv.clone_from(v);
                        }
                    }
                    events.push(event);
                }
                Err(e) => {
                    tracing::info!(path, error = %e, "table watch broke: listing again");
                    end = Some(TableWatchEnd::Relist);
                    break;
                }
            }
        }
        if !events.is_empty() && tx.send(Msg::TableEvents { id, events }).is_err() {
            return TableWatchEnd::Closed;
        }
        if let Some(end) = end {
            return end;
        }
    }
}

async fn list_table(
    client: &Client,
    path: &str,
) -> Result<crate::kube::resource_table::ResourceTable, String> {
    let resp = client
        .get_accept(path, TABLE_ACCEPT)
        .await
        .map_err(|e| e.to_string())?;
    parse_table(&resp.body)
}

/// Streams the log, sending the lines of each burst of chunks as one message.
async fn follow_logs(
    client: &Client,
    id: u64,
    request: &LogRequest,
    tx: &UnboundedSender<Msg>,
) -> Result<(), KubeError> {
    let params = LogParams {
        container: request.container.clone(),
        follow: !request.previous,
        previous: request.previous,
        timestamps: request.timestamps,
        tail_lines: request.tail_lines,
    };
    let stream = client
        .logs(&request.namespace, &request.pod, &params)
        .await?;
    let mut batches = Box::pin(stream.ready_chunks(LOG_BATCH));
    let mut pending = Vec::new();
    while let Some(batch) = batches.next().await {
        let mut lines = Vec::new();
        for chunk in batch {
            let chunk: Bytes = chunk?;
            lines.extend(split_lines(&mut pending, &chunk));
        }
        if !lines.is_empty() && tx.send(Msg::LogLines { id, lines }).is_err() {
            return Ok(());
        }
    }
    if !pending.is_empty() {
        pending.push(b'\n');
        let lines = split_lines(&mut Vec::new(), &pending);
        let _ = tx.send(Msg::LogLines { id, lines });
    }
    Ok(())
}

/// Every listable resource type: core v1 plus the preferred version of each group. Groups that
/// fail to answer are skipped (like kubectl's partial discovery), the core group may not fail.
pub async fn discover(client: &Client) -> Result<Vec<ApiResource>, KubeError> {
    let core: ApiVersions = get_doc(client, "/api").await?;
    let mut paths: Vec<String> = core
        .versions
        .iter()
        .map(|v| group_version_path(v))
        .collect();
    let groups: ApiGroupList = get_doc(client, "/apis").await.unwrap_or_default();
    paths.extend(
        groups
            .groups
            .iter()
            .filter_map(|g| g.preferred())
            .map(group_version_path),
    );
    let lists =
        futures::future::join_all(paths.iter().map(|p| get_doc::<ApiResourceList>(client, p)))
            .await;
    let mut resources = Vec::new();
    for (path, list) in paths.iter().zip(lists) {
        match list {
            Ok(list) => resources.extend(list.into_resources()),
            Err(e) if path.starts_with("/api/") => return Err(e),
            Err(e) => tracing::warn!(path, error = %e, "discovery: skipping group"),
        }
    }
    Ok(resources)
}

async fn get_doc<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<T, KubeError> {
    let resp = client.get_accept(path, JSON).await?;
    serde_json::from_slice(&resp.body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}
