//! From watch messages to versions. Called before the tables apply an event, so the row the
//! list gave (an object's first version) is still there when its first change arrives. Whole
//! objects are taken off the rows here: tables never hold them.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::{Gone, History, ObjectKey, Version};
use crate::kube::resource_table::{ResourceTable, TableColumn, TableRow};
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event};

/// The resource key and kind of pods.
pub const PODS: &str = "pods";

/// Rows a relist has not brought back yet, by feed (context, resource): key → last version.
pub type Pending = HashMap<(Arc<str>, Arc<str>), HashMap<(String, String), Version>>;

/// The titles of a pod row's columns, shared by every version.
static POD_TITLES: std::sync::LazyLock<[Arc<str>; 5]> =
    std::sync::LazyLock::new(|| ["READY", "STATUS", "RESTARTS", "IP", "NODE"].map(Arc::from));

/// The columns of a pod row, as versions store them.
pub fn pod_cells(row: &PodRow) -> Vec<(Arc<str>, String)> {
    let [ready, status, restarts, ip, node] = &*POD_TITLES;
    vec![
        (Arc::clone(ready), row.ready.clone()),
        (Arc::clone(status), row.status.clone()),
        (Arc::clone(restarts), row.restarts.to_string()),
        (Arc::clone(ip), row.ip.clone()),
        (Arc::clone(node), row.node.clone()),
    ]
}

/// A table's column titles as versions store them (uppercase, one allocation per event);
/// `None` for columns that change with the clock, not the object (AGE, LAST SEEN).
pub fn titles(columns: &[TableColumn]) -> Vec<Option<Arc<str>>> {
    columns
        .iter()
        .map(|c| (!is_clock_column(&c.name)).then(|| Arc::from(c.name.to_uppercase().as_str())))
        .collect()
}

/// The columns of a table row under `titles`.
pub fn table_cells(titles: &[Option<Arc<str>>], row: &TableRow) -> Vec<(Arc<str>, String)> {
    titles
        .iter()
        .zip(&row.cells)
        .filter_map(|(t, v)| Some((Arc::clone(t.as_ref()?), v.clone())))
        .collect()
}

fn is_clock_column(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "age" || name.ends_with(" seen") || name == "duration"
}

/// The last status of a version for `:deleted`: STATUS, else a column that says how it is
/// (phase, ready, available), else empty.
pub fn status_of(version: &Version) -> String {
    ["STATUS", "PHASE", "READY", "AVAILABLE", "REASON"]
        .iter()
        .find_map(|want| {
            version
                .cells
                .iter()
                .find(|(t, v)| t.as_ref() == *want && !v.is_empty())
        })
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A version from a row, with the whole object it carried (if any).
fn version_of(
    cells: Vec<(Arc<str>, String)>,
    object: Option<Box<crate::kube::raw_object::RawObject>>,
) -> Version {
    let (seen, object) = match object {
        Some(o) => (Some(o.seen), Some(o.json)),
        None => (None, None),
    };
    Version {
        seen,
        cells,
        object,
    }
}

/// One feed's event, whatever its rows: what the history needs to know about a row.
pub struct Feed<'a> {
    pub context: Arc<str>,
    pub resource: Arc<str>,
    pub kind: Arc<str>,
    /// The clock of the last tick: when a relist's disappearances are dated.
    pub now: Timestamp,
    pub history: &'a mut History,
    /// A fleet member's feed: its rows carry `context`; else rows carry none.
    pub fleet: bool,
}

impl Feed<'_> {
    fn key(&self, context: Option<&Arc<str>>, namespace: &str, name: &str) -> ObjectKey {
        ObjectKey {
            context: Arc::clone(context.unwrap_or(&self.context)),
            resource: Arc::clone(&self.resource),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// A change: its object (taken off the row) becomes a version; an object's first change
    /// first stores the row it replaces (`before`), the list's view of it.
    fn change(
        &mut self,
        key: ObjectKey,
        uid: &str,
        kind: ChangeKind,
        now: Version,
        before: impl FnOnce() -> Option<Version>,
    ) {
        let known = self.history.get(&key).is_some_and(|e| e.gone.is_none());
        if !known
            && kind != ChangeKind::Added
            && let Some(before) = before()
        {
            self.history.record(&key, &self.kind, uid, before);
        }
        let when = now.seen.unwrap_or(self.now);
        let status = status_of(&now);
        self.history.record(&key, &self.kind, uid, now);
        if kind == ChangeKind::Deleted {
            let gone = Gone {
                when,
                status,
                relist: false,
                seq: 0,
            };
            self.history.mark_gone(&key, gone);
        }
    }

    /// A list page: a relist's first page notes every row held (`held`); each page strikes
    /// the rows it brings; the last page marks the rest gone.
    fn page(
        &mut self,
        first: bool,
        last: bool,
        held: impl FnOnce() -> Vec<(String, String, Version)>,
        listed: Vec<(String, String)>,
    ) {
        let feed = (Arc::clone(&self.context), Arc::clone(&self.resource));
        if first {
            let rows = held();
            if rows.is_empty() {
                self.history.pending.remove(&feed);
            } else {
                let map = rows.into_iter().map(|(ns, n, v)| ((ns, n), v)).collect();
                self.history.pending.insert(feed.clone(), map);
            }
        }
        let Some(waiting) = self.history.pending.get_mut(&feed) else {
            return;
        };
        for key in listed {
            waiting.remove(&key);
        }
        if !last {
            return;
        }
        let Some(waiting) = self.history.pending.remove(&feed) else {
            return;
        };
        for ((namespace, name), version) in waiting {
            let key = self.key(None, &namespace, &name);
            let status = status_of(&version);
            if self.history.get(&key).is_none_or(|e| e.gone.is_some()) {
                self.history.record(&key, &self.kind, "", version);
            }
            let gone = Gone {
                when: self.now,
                status,
                relist: true,
                seq: 0,
            };
            self.history.mark_gone(&key, gone);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

fn split<R>(change: &mut Change<R>) -> (ChangeKind, &mut R) {
    match change {
        Change::Added(r) => (ChangeKind::Added, r),
        Change::Modified(r) => (ChangeKind::Modified, r),
        Change::Deleted(r) => (ChangeKind::Deleted, r),
    }
}

/// A pods event (one context's, or a fleet member's: rows then carry their context), against
/// the pods table before it applies the event.
pub fn on_pods(
    mut feed: Feed<'_>,
    table: &super::super::PodTable,
    event: &mut Event<Vec<PodRow>, PodRow>,
) {
    match event {
        Event::Changes(changes) => {
            for change in changes {
                let (kind, row) = split(change);
                let object = row.object.take();
                let key = feed.key(row.context.as_ref(), &row.namespace, &row.name);
                let before = || {
                    table
                        .get_in(row.context.as_deref(), &row.namespace, &row.name)
                        .map(|old| version_of(pod_cells(old), None))
                };
                let now = version_of(pod_cells(row), object);
                let uid = row.uid.clone();
                feed.change(key, &uid, kind, now, before);
            }
        }
        Event::Page { page, first, last } => {
            let context = feed.fleet.then(|| Arc::clone(&feed.context));
            let held = || {
                let mine = |r: &&PodRow| r.context == context;
                table
                    .rows()
                    .iter()
                    .filter(mine)
                    .map(|r| {
                        (
                            r.namespace.clone(),
                            r.name.clone(),
                            version_of(pod_cells(r), None),
                        )
                    })
                    .collect()
            };
            let listed = page
                .iter()
                .map(|r| (r.namespace.clone(), r.name.clone()))
                .collect();
            feed.page(*first, *last, held, listed);
        }
        Event::Live | Event::Failed { .. } => {}
    }
}

/// A resource table's event (rows of one context, or a fleet member's carrying theirs),
/// against the table before it applies the event.
pub fn on_table(
    mut feed: Feed<'_>,
    table: Option<&ResourceTable>,
    event: &mut Event<ResourceTable, TableRow>,
) {
    let titles = match (&*event, table) {
        (Event::Page { page, .. }, _) if !page.columns.is_empty() => titles(&page.columns),
        (_, Some(t)) => titles(&t.columns),
        _ => Vec::new(),
    };
    let rows = table.map_or(&[][..], |t| &t.rows[..]);
    match event {
        Event::Changes(changes) => {
            for change in changes {
                let (kind, row) = split(change);
                let object = row.object.take();
                let key = feed.key(row.context.as_ref(), &row.namespace, &row.name);
                let find = |r: &&TableRow| {
                    r.context == row.context && r.namespace == row.namespace && r.name == row.name
                };
                let before = || {
                    rows.iter()
                        .find(find)
                        .map(|old| version_of(table_cells(&titles, old), None))
                };
                let uid = object
                    .as_deref()
                    .map(|o| uid_of(&o.json))
                    .unwrap_or_default();
                let now = version_of(table_cells(&titles, row), object);
                feed.change(key, &uid, kind, now, before);
            }
        }
        Event::Page { page, first, last } => {
            let context = feed.fleet.then(|| Arc::clone(&feed.context));
            let held = || {
                rows.iter()
                    .filter(|r| r.context == context)
                    .map(|r| {
                        (
                            r.namespace.clone(),
                            r.name.clone(),
                            version_of(table_cells(&titles, r), None),
                        )
                    })
                    .collect()
            };
            let listed = page
                .rows
                .iter()
                .map(|r| (r.namespace.clone(), r.name.clone()))
                .collect();
            feed.page(*first, *last, held, listed);
        }
        Event::Live | Event::Failed { .. } => {}
    }
}

/// `metadata.uid` of an object's JSON, without parsing the rest into a tree.
fn uid_of(json: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        metadata: Meta,
    }
    #[derive(serde::Deserialize, Default)]
    struct Meta {
        #[serde(default)]
        uid: String,
    }
    serde_json::from_str::<Head>(json)
        .map(|h| h.metadata.uid)
        .unwrap_or_default()
}
