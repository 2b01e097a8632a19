//! The streams of a fleet: one list-watch per member context, each on that context's own
//! shared client, so a context that is slow, unreachable or refused never holds up the others.
//! Rows are tagged with their context here, where they arrive, so the state never guesses.

use std::sync::Arc;

use super::Tasks;
use super::feeds::{engine, pods_path};
use crate::kube::resource_table::TableRow;
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event, PodRows, TableRows};
use crate::msg::{Msg, PodsEvent, TableFeedEvent};

impl Tasks {
    /// Pods of `namespace` (`None`: all) in every context of `contexts`, member `i` answering
    /// `Msg::FleetPods { member: i }`.
    pub(super) fn watch_fleet_pods(
        &mut self,
        generation: u64,
        contexts: Vec<String>,
        namespace: Option<String>,
        (label_selector, field_selector): (Option<String>, Option<String>),
    ) {
        for (member, context) in contexts.into_iter().enumerate() {
            let tx = self.tx.clone();
            let client = match self.client(&context) {
                Ok(c) => c,
                Err(error) => {
                    let event = Event::Failed {
                        error,
                        retry_at: None,
                    };
                    let _ = tx.send(Msg::FleetPods {
                        generation,
                        member,
                        event,
                    });
                    continue;
                }
            };
            let path = pods_path(namespace.as_deref());
            let mut engine = engine(client, path, PodRows, &self.opts);
            engine.label_selector = label_selector.clone();
            engine.field_selector = field_selector.clone();
            let name: Arc<str> = Arc::from(context);
            let run = engine.run(move |event| {
                let event = tag_pods(event, &name);
                let msg = Msg::FleetPods {
                    generation,
                    member,
                    event,
                };
                tx.send(msg).is_ok()
            });
            self.pods_tasks.push(tokio::spawn(run));
        }
    }

    /// The server Table of `path` in every context of `contexts` for resource view `id`.
    pub(super) fn watch_fleet_table(&mut self, id: u64, contexts: Vec<String>, path: String) {
        for (member, context) in contexts.into_iter().enumerate() {
            let tx = self.tx.clone();
            let client = match self.client(&context) {
                Ok(c) => c,
                Err(error) => {
                    let event = Event::Failed {
                        error,
                        retry_at: None,
                    };
                    let _ = tx.send(Msg::FleetTable { id, member, event });
                    continue;
                }
            };
            let decoder = TableRows::for_collection(&path);
            let engine = engine(client, path.clone(), decoder, &self.opts);
            let name: Arc<str> = Arc::from(context);
            let run = engine.run(move |event| {
                let event = tag_table(event, &name);
                tx.send(Msg::FleetTable { id, member, event }).is_ok()
            });
            self.table_tasks.push(tokio::spawn(run));
        }
    }
}

/// `event` with every row naming `context`.
fn tag_pods(event: PodsEvent, context: &Arc<str>) -> PodsEvent {
    let tag = |mut row: PodRow| {
        row.context = Some(Arc::clone(context));
        row
    };
    match event {
        Event::Page { page, first, last } => Event::Page {
            page: page.into_iter().map(tag).collect(),
            first,
            last,
        },
        Event::Changes(changes) => Event::Changes(tag_changes(changes, tag)),
        other => other,
    }
}

/// `event` with every row naming `context`.
fn tag_table(event: TableFeedEvent, context: &Arc<str>) -> TableFeedEvent {
    let tag = |mut row: TableRow| {
        row.context = Some(Arc::clone(context));
        row
    };
    match event {
        Event::Page {
            mut page,
            first,
            last,
        } => {
            page.rows = page.rows.into_iter().map(tag).collect();
            Event::Page { page, first, last }
        }
        Event::Changes(changes) => Event::Changes(tag_changes(changes, tag)),
        other => other,
    }
}

fn tag_changes<T>(changes: Vec<Change<T>>, tag: impl Fn(T) -> T) -> Vec<Change<T>> {
    changes
        .into_iter()
        .map(|c| match c {
            Change::Added(r) => Change::Added(tag(r)),
            Change::Modified(r) => Change::Modified(tag(r)),
            Change::Deleted(r) => Change::Deleted(tag(r)),
        })
        .collect()
}
