//! The streams of a fleet: one list-watch per member context, each on that context's own
//! shared client, so a context that is slow, unreachable or refused never holds up the others.
//! Rows are tagged with their context here, where they arrive, so the state never guesses.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
        contexts: Vec<(usize, String)>,
        namespace: Option<String>,
        (label_selector, field_selector): (Option<String>, Option<String>),
    ) {
        for (member, context) in contexts {
            let tx = self.tx.clone();
            let report = |event| Msg::FleetPods {
                generation,
                member,
                event,
            };
            let Some(client) = self.client_or_report(&context, report) else {
                continue;
            };
            let path = pods_path(namespace.as_deref());
            let mut engine = engine(
                client,
                path,
                PodRows::watching_objects(self.opts.watch_objects),
                &self.opts,
            );
            engine.label_selector = label_selector.clone();
            engine.field_selector = field_selector.clone();
            let name: Arc<str> = Arc::from(context);
            // The sink is shared by the engine's clones; its events still come one at a time.
            let pages = Arc::new(Mutex::new(Coalesce::default()));
            let run = engine.run(move |event| {
                let send = |event| {
                    let msg = Msg::FleetPods {
                        generation,
                        member,
                        event,
                    };
                    tx.send(msg).is_ok()
                };
                let ready = match pages.lock() {
                    Ok(mut pages) => pages.push(tag_pods(event, &name)),
                    Err(_) => vec![tag_pods(event, &name)],
                };
                ready.into_iter().all(send)
            });
            self.pods_tasks.push(tokio::spawn(run));
        }
    }

    /// The client of `context`; without one, the member's stream reports why at once (nothing
    /// retries a context the kubeconfig cannot build a client for).
    fn client_or_report<P, R>(
        &self,
        context: &str,
        to_msg: impl FnOnce(Event<P, R>) -> Msg,
    ) -> Option<crate::kube::Client> {
        match self.client(context) {
            Ok(client) => Some(client),
            Err(error) => {
                let event = Event::Failed {
                    error,
                    retry_at: None,
                };
                let _ = self.tx.send(to_msg(event));
                None
            }
        }
    }

    /// The server Table of `path` in every context of `contexts` for resource view `id`.
    pub(super) fn watch_fleet_table(&mut self, id: u64, contexts: Vec<String>, path: String) {
        for (member, context) in contexts.into_iter().enumerate() {
            let tx = self.tx.clone();
            let report = |event| Msg::FleetTable { id, member, event };
            let Some(client) = self.client_or_report(&context, report) else {
                continue;
            };
            let decoder =
                TableRows::for_collection(&path).watching_objects(self.opts.watch_objects);
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

/// Later pages of a member's list go out together: every page lands among its own context's
/// rows, moving the rows of the contexts after it, so ten lists of twenty pages each would
/// move the table two hundred times. The first page goes at once (first rows on screen); the
/// rest wait until [`COALESCE_ROWS`] rows or [`COALESCE_WAIT`] have gathered, or the list ends.
#[derive(Default)]
struct Coalesce {
    pending: Vec<PodRow>,
    since: Option<Instant>,
}

const COALESCE_ROWS: usize = 5_000;
const COALESCE_WAIT: Duration = Duration::from_millis(100);

impl Coalesce {
    /// What to send now for `event`, in order.
    fn push(&mut self, event: PodsEvent) -> Vec<PodsEvent> {
        match event {
            Event::Page {
                page,
                first: false,
                last,
            } => {
                self.pending.extend(page);
                let since = *self.since.get_or_insert_with(Instant::now);
                let full = self.pending.len() >= COALESCE_ROWS;
                if last || full || since.elapsed() >= COALESCE_WAIT {
                    return vec![self.flush(last)];
                }
                Vec::new()
            }
            other => {
                let mut out = Vec::new();
                if !self.pending.is_empty() {
                    out.push(self.flush(false));
                }
                self.since = None;
                out.push(other);
                out
            }
        }
    }

    fn flush(&mut self, last: bool) -> PodsEvent {
        self.since = None;
        Event::Page {
            page: std::mem::take(&mut self.pending),
            first: false,
            last,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, first: bool, last: bool) -> PodsEvent {
        let row = PodRow::default();
        Event::Page {
            page: vec![row; n],
            first,
            last,
        }
    }

    fn sizes(events: &[PodsEvent]) -> Vec<(usize, bool, bool)> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Page { page, first, last } => Some((page.len(), *first, *last)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn later_pages_go_out_together_and_nothing_is_reordered() {
        let mut c = Coalesce::default();
        assert_eq!(sizes(&c.push(page(500, true, false))), [(500, true, false)]);
        assert!(c.push(page(500, false, false)).is_empty());
        assert!(c.push(page(500, false, false)).is_empty());
        // A watch event (or a failure) never overtakes rows waiting to go.
        let out = c.push(Event::Live);
        assert_eq!(sizes(&out), [(1000, false, false)]);
        assert!(matches!(out.last(), Some(Event::Live)));
        for _ in 0..9 {
            assert!(c.push(page(500, false, false)).is_empty());
        }
        assert_eq!(
            sizes(&c.push(page(500, false, false))),
            [(5000, false, false)]
        );
        assert_eq!(sizes(&c.push(page(20, false, true))), [(20, false, true)]);
    }
}
