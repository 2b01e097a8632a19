//! Effects of the pods work: fetch an object or its events, stream logs, delete, discovery and
//! server Tables. Each reports back with the id or generation it was started for.

use bytes::Bytes;
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::{Tasks, feeds};
use crate::kube::client::LogParams;
use crate::kube::discovery::discover;
use crate::kube::events::events_about;
use crate::kube::wire::JSON;
use crate::kube::{Client, Failure, KubeError};
use crate::msg::{Effect, LogRequest, Msg};
use crate::text::split_lines;

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
            Effect::FetchLists { id, context, paths } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let reads = paths.iter().map(|path| get_json(&client, path));
                    let result = futures::future::try_join_all(reads).await;
                    let _ = tx.send(Msg::ListsFetched { id, result });
                });
            }
            Effect::FetchEvents {
                id,
                context,
                namespace,
                name,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = events_about(&client, &namespace, &name)
                        .await
                        .map_err(Failure::from);
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
                        .map_err(Failure::from);
                    let _ = tx.send(Msg::Deleted { what, result });
                });
            }
            Effect::Discover {
                generation,
                context,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = discover(&client).await.map_err(Failure::from);
                    let _ = tx.send(Msg::Discovered { generation, result });
                });
            }
            Effect::WatchTable { id, context, path } => {
                self.stop_table();
                match self.client(&context) {
                    Ok(client) => {
                        let task = feeds::table(client, path, id, &self.opts, self.tx.clone());
                        self.table_tasks.push(task);
                    }
                    Err(error) => {
                        let event = crate::kube::watcher::Event::Failed {
                            error,
                            retry_at: None,
                        };
                        let _ = self.tx.send(Msg::Table { id, event });
                    }
                }
            }
            Effect::StopTable => self.stop_table(),
            Effect::Quit
            | Effect::ReplaySeek { .. }
            | Effect::Foreground(_)
            | Effect::StartForward { .. }
            | Effect::ExecOnce { .. }
            | Effect::StopForward { .. }
            | Effect::Connect { .. }
            | Effect::WatchPods { .. }
            | Effect::WatchFleetPods { .. }
            | Effect::WatchFleetTable { .. }
            | Effect::PollMetrics { .. }
            | Effect::SendRaw { .. }
            | Effect::CancelRaw { .. }
            | Effect::SaveHistory { .. }
            | Effect::LoadHistory { .. }
            | Effect::Copy { .. }
            | Effect::SetTitle { .. }
            | Effect::CheckHealth { .. }
            | Effect::Edit(_)
            | Effect::Operate { .. }
            | Effect::Drain { .. }
            | Effect::StopDrain { .. }
            | Effect::WatchLogPods { .. }
            | Effect::StreamPodLog { .. }
            | Effect::StopPodLog { .. }
            | Effect::SaveLogs { .. }
            | Effect::PulseNodes { .. } => {}
        }
    }

    /// Spawns `work` with a client of `context`. Without a client (no kubeconfig) nothing runs:
    /// the connect step already reported why, and the views keep showing their loading state.
    pub(super) fn spawn_with<F, Fut>(
        &self,
        context: &str,
        work: F,
    ) -> Option<tokio::task::JoinHandle<()>>
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
            let send = |lines| tx.send(Msg::LogLines { id, lines }).is_ok();
            let error = follow_logs(&client, &request, send).await.err();
            let error = error.map(Failure::from);
            let _ = tx.send(Msg::LogEnded { id, error });
        });
    }

    /// Aborts the list-then-watch of the resource table, if any.
    pub(super) fn stop_table(&mut self) {
        for t in self.table_tasks.drain(..) {
            t.abort();
        }
    }

    /// Aborts the running log stream, if any, and a workload's pods watch and streams.
    pub(super) fn stop_logs(&mut self) {
        if let Some(t) = self.logs_task.take() {
            t.abort();
        }
        self.stop_workload_logs();
    }
}

async fn get_json(client: &Client, path: &str) -> Result<Value, Failure> {
    let resp = client.get_accept(path, JSON).await?;
    serde_json::from_slice(&resp.body).map_err(|e| {
        Failure::from(KubeError::Decode {
            path: path.to_string(),
            message: e.to_string(),
        })
    })
}

/// Streams the log, handing the lines of each burst of chunks to `send` at once; stops when
/// `send` says nobody listens.
pub(super) async fn follow_logs(
    client: &Client,
    request: &LogRequest,
    send: impl Fn(Vec<String>) -> bool,
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
        if !lines.is_empty() && !send(lines) {
            return Ok(());
        }
    }
    if !pending.is_empty() {
        pending.push(b'\n');
        send(split_lines(&mut Vec::new(), &pending));
    }
    Ok(())
}
