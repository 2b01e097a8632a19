//! The list-watch streams the screen shows: pods, the open resource table and the namespaces.
//! Each is one `kube::watcher::ListWatch`; this file only turns its events into `Msg`s.

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::TaskOptions;
use crate::kube::Client;
use crate::kube::log_pods::LogPodRows;
use crate::kube::watcher::{Decoder, Event, ListWatch, NameRows, PodRows, TableRows};
use crate::msg::Msg;
use crate::msg::logs::WorkloadLogEvent;

/// The engine for `path` with the app's paging and backoff.
pub(super) fn engine<D: Decoder>(
    client: Client,
    path: String,
    decoder: D,
    opts: &TaskOptions,
) -> ListWatch<D> {
    ListWatch {
        client,
        path,
        label_selector: None,
        field_selector: None,
        page_size: opts.page_size,
        max_backoff: opts.max_backoff,
        decoder,
    }
}

/// Runs `engine`, posting `to_msg(key, event)` for each event; ends when the app is gone.
fn spawn<D: Decoder>(
    engine: ListWatch<D>,
    tx: UnboundedSender<Msg>,
    key: u64,
    to_msg: fn(u64, Event<D::Page, D::Row>) -> Msg,
) -> JoinHandle<()> {
    tokio::spawn(engine.run(move |event| tx.send(to_msg(key, event)).is_ok()))
}

/// Pods of `namespace` (`None`: all) for pods generation `generation`, narrowed by the server
/// with (label selector, field selector) on the list and the watch alike.
pub(super) fn pods(
    client: Client,
    namespace: Option<&str>,
    (label_selector, field_selector): (Option<String>, Option<String>),
    generation: u64,
    opts: &TaskOptions,
    tx: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let mut engine = engine(
        client,
        pods_path(namespace),
        PodRows::watching_objects(opts.watch_objects),
        opts,
    );
    engine.label_selector = label_selector;
    engine.field_selector = field_selector;
    spawn(engine, tx, generation, |generation, event| Msg::Pods {
        generation,
        event,
    })
}

/// The server Table of `path` for resource view `id`.
pub(super) fn table(
    client: Client,
    path: String,
    id: u64,
    opts: &TaskOptions,
    tx: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let decoder = TableRows::for_collection(&path).watching_objects(opts.watch_objects);
    let engine = engine(client, path, decoder, opts);
    spawn(engine, tx, id, |id, event| Msg::Table { id, event })
}

/// The pods of `namespace` matching `label_selector`, for workload logs view `id`.
pub(super) fn log_pods(
    client: Client,
    namespace: &str,
    label_selector: String,
    id: u64,
    opts: &TaskOptions,
    tx: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let mut engine = engine(client, pods_path(Some(namespace)), LogPodRows, opts);
    engine.label_selector = Some(label_selector).filter(|s| !s.is_empty());
    spawn(engine, tx, id, |id, event| Msg::WorkloadLogs {
        id,
        event: WorkloadLogEvent::Pods(event),
    })
}

/// The namespace names of the context of generation `generation`.
pub(super) fn namespaces(
    client: Client,
    generation: u64,
    opts: &TaskOptions,
    tx: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    let engine = engine(client, "/api/v1/namespaces".into(), NameRows, opts);
    spawn(engine, tx, generation, |generation, event| {
        Msg::Namespaces { generation, event }
    })
}

/// The pods collection path: one namespace or all.
pub fn pods_path(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("/api/v1/namespaces/{ns}/pods"),
        None => "/api/v1/pods".into(),
    }
}
