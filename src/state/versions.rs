//! The object history: the last versions of every watched object, and the objects that went
//! away (`:deleted`), under a count per object and one byte cap for everything. Fed by the
//! watch messages in `update` (each whole object carries the time its task saw it), so it stays
//! pure. Versions keep the object's JSON as the server sent it; diffs are computed on demand.

pub mod diff;
pub mod feed;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;

/// Versions kept per object unless the config says otherwise.
pub const DEFAULT_VERSIONS: usize = 20;
/// Bytes all versions may take unless the config says otherwise (64 MiB).
pub const DEFAULT_MAX_BYTES: usize = 64 << 20;
/// What a version costs beyond its text, as measured with `examples/history_cost.rs`: its slot
/// (72 B), its slot in the eviction order with the key's copy (~72 B plus the names' heap,
/// ~90 B with malloc's headers for typical names).
const VERSION_OVERHEAD: usize = 232;
/// What a column value costs beyond its text: the (title, value) pair and a heap block.
const CELL_OVERHEAD: usize = 56;
/// What the whole object's JSON costs beyond its text (malloc's header). Its text is counted
/// a quarter over its length too: with versions freed oldest-first and new ones of other sizes
/// coming in, the heap holds that much more (measured: RSS grew ~1.3× the counted bytes).
const OBJECT_OVERHEAD: usize = 16;
/// What an object's entry costs beyond its versions: its map slot (key and entry, ~150 B) at
/// the map's load factor, and its names' heap blocks.
const ENTRY_OVERHEAD: usize = 320;

/// Which object: its context, resource (`pods`, `deployments.apps`), namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub context: Arc<str>,
    pub resource: Arc<str>,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

/// One version of an object as the app saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// When its watch event arrived; `None` for the row the list gave (seen before any change).
    pub seen: Option<Timestamp>,
    /// The columns the server printed: (title, value).
    pub cells: Vec<(Arc<str>, String)>,
    /// The whole object (raw JSON) when the watch carried it.
    pub object: Option<Box<str>>,
}

impl Version {
    fn bytes(&self) -> usize {
        let cells: usize = self
            .cells
            .iter()
            .map(|(_, v)| v.len() + CELL_OVERHEAD)
            .sum();
        let object = self
            .object
            .as_ref()
            .map_or(0, |o| o.len() + o.len() / 4 + OBJECT_OVERHEAD);
        VERSION_OVERHEAD + cells + object
    }
}

/// How an object went away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    /// When the app learnt of it (the watch event, or the relist that no longer had it).
    pub when: Timestamp,
    /// Its last status (the STATUS column for pods; see `feed::status_of`).
    pub status: String,
    /// Gone from a relist rather than a DELETED event.
    pub relist: bool,
    /// Set by the history when it notes the going.
    pub seq: u64,
}

/// One object's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Display kind (`Pod`, `Deployment`).
    pub kind: Arc<str>,
    /// Its uid when known: a new uid under the same name is a new object.
    pub uid: String,
    /// Oldest first; each with the sequence number it was stored under.
    versions: VecDeque<(u64, Version)>,
    pub gone: Option<Gone>,
}

impl Entry {
    /// Oldest first.
    pub fn versions(&self) -> impl DoubleEndedIterator<Item = &Version> + ExactSizeIterator {
        self.versions.iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.versions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// The newest version.
    pub fn last(&self) -> Option<&Version> {
        self.versions.back().map(|(_, v)| v)
    }
}

/// Every object's history, bounded.
#[derive(Debug, Clone)]
pub struct History {
    /// Versions kept per object.
    pub per_object: usize,
    /// Bytes all versions may take.
    pub max_bytes: usize,
    entries: HashMap<ObjectKey, Entry>,
    /// Every stored version in the order it came (object, sequence): the global eviction order.
    /// Versions dropped by the per-object count leave stale slots, skipped and compacted.
    order: VecDeque<(ObjectKey, u64)>,
    /// Objects gone, in the order they went, each with the sequence number of its going: a
    /// slot whose entry went away or came back (a reused name) is stale, skipped and compacted.
    gone: VecDeque<(ObjectKey, u64)>,
    next_seq: u64,
    bytes: usize,
    live_versions: usize,
    /// Rows a relist has yet to bring back (see `feed`).
    pub(crate) pending: feed::Pending,
}

impl Default for History {
    fn default() -> Self {
        History::new(DEFAULT_VERSIONS, DEFAULT_MAX_BYTES)
    }
}

impl History {
    /// `per_object` 0 keeps nothing (the history is off).
    pub fn new(per_object: usize, max_bytes: usize) -> History {
        History {
            per_object,
            max_bytes,
            entries: HashMap::new(),
            order: VecDeque::new(),
            gone: VecDeque::new(),
            next_seq: 0,
            bytes: 0,
            live_versions: 0,
            pending: feed::Pending::new(),
        }
    }

    /// Bytes the stored versions take (as counted against `max_bytes`).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Objects gone, newest first, with their history.
    pub fn gone(&self) -> impl Iterator<Item = (&ObjectKey, &Entry)> {
        self.gone.iter().rev().filter_map(|(k, seq)| {
            let (key, entry) = self.entries.get_key_value(k)?;
            entry
                .gone
                .as_ref()
                .is_some_and(|g| g.seq == *seq)
                .then_some((key, entry))
        })
    }

    /// Adds `version` to the history of `key`. A new uid starts a new history; a version that
    /// says nothing new (same object, same cells) is not stored twice.
    pub fn record(&mut self, key: &ObjectKey, kind: &Arc<str>, uid: &str, version: Version) {
        if self.per_object == 0 {
            return;
        }
        let entry = self.entries.entry(key.clone()).or_insert_with(|| {
            self.bytes += entry_bytes(key);
            Entry {
                kind: Arc::clone(kind),
                uid: uid.to_string(),
                versions: VecDeque::new(),
                gone: None,
            }
        });
        let stale = !uid.is_empty() && !entry.uid.is_empty() && entry.uid != uid;
        if stale || entry.gone.is_some() {
            // The name is reused by a new object: the old history goes.
            let dropped: usize = entry.versions.iter().map(|(_, v)| v.bytes()).sum();
            self.bytes -= dropped;
            self.live_versions -= entry.versions.len();
            entry.versions.clear();
            entry.gone = None;
            entry.uid.clear();
        }
        if entry.uid.is_empty() {
            entry.uid = uid.to_string();
        }
        if entry.last().is_some_and(|last| same(last, &version)) {
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.bytes += version.bytes();
        self.live_versions += 1;
        entry.versions.push_back((seq, version));
        self.order.push_back((key.clone(), seq));
        while entry.versions.len() > self.per_object {
            if let Some((_, old)) = entry.versions.pop_front() {
                self.bytes -= old.bytes();
                self.live_versions -= 1;
            }
        }
        self.evict();
    }

    /// Marks `key` gone (keeping its versions for `:deleted`).
    pub fn mark_gone(&mut self, key: &ObjectKey, gone: Gone) {
        let Some(entry) = self.entries.get_mut(key) else {
            return;
        };
        if entry.gone.is_some() {
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.gone.push_back((key.clone(), seq));
        entry.gone = Some(Gone { seq, ..gone });
        if self.gone.len() > 2 * self.entries.len() + 1024 {
            let entries = &self.entries;
            self.gone.retain(|(k, seq)| {
                entries
                    .get(k)
                    .and_then(|e| e.gone.as_ref())
                    .is_some_and(|g| g.seq == *seq)
            });
        }
    }

    /// Drops the oldest versions until everything fits under the byte cap; an object left
    /// without versions is forgotten (gone ones included). Compacts the eviction order when
    /// stale slots outnumber live ones.
    fn evict(&mut self) {
        while self.bytes > self.max_bytes {
            let Some((key, seq)) = self.order.pop_front() else {
                break;
            };
            let Some(entry) = self.entries.get_mut(&key) else {
                continue;
            };
            if entry.versions.front().is_none_or(|(s, _)| *s != seq) {
                continue;
            }
            if let Some((_, old)) = entry.versions.pop_front() {
                self.bytes -= old.bytes();
                self.live_versions -= 1;
            }
            if entry.versions.is_empty() {
                self.entries.remove(&key);
                self.bytes -= entry_bytes(&key);
            }
        }
        if self.order.len() > 2 * self.live_versions + 1024 {
            let entries = &self.entries;
            self.order.retain(|(key, seq)| {
                entries
                    .get(key)
                    .is_some_and(|e| e.versions.iter().any(|(s, _)| s == seq))
            });
        }
    }
}

/// What an entry costs besides its versions.
fn entry_bytes(key: &ObjectKey) -> usize {
    ENTRY_OVERHEAD + key.namespace.len() + key.name.len()
}

/// Two versions that say the same thing (a resync, or the list row seen again).
fn same(a: &Version, b: &Version) -> bool {
    match (&a.object, &b.object) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.cells == b.cells,
        _ => false,
    }
}

/// The history's name of a resource: `pods`, `deployments.apps`.
pub fn resource_key(resource: &crate::kube::discovery::ApiResource) -> String {
    match resource.group.as_str() {
        "" => resource.plural.clone(),
        group => format!("{}.{group}", resource.plural),
    }
}

/// The context an event came from and whether it is a fleet member's; `None` for a member
/// the fleet no longer has.
fn source(state: &super::State, member: Option<usize>) -> Option<(Arc<str>, bool)> {
    match member {
        Some(m) => {
            let name = &state.fleet.as_ref()?.members.get(m)?.name;
            Some((Arc::clone(name), true))
        }
        None => Some((Arc::from(state.context.as_deref().unwrap_or("")), false)),
    }
}

/// A pods event of the open context, or of fleet member `member`, before the table applies it.
pub fn on_pods(state: &mut super::State, member: Option<usize>, event: &mut crate::msg::PodsEvent) {
    let Some((context, fleet)) = source(state, member) else {
        return;
    };
    let feed = feed::Feed {
        context,
        resource: Arc::from(feed::PODS),
        kind: Arc::from("Pod"),
        now: state.now,
        history: &mut state.history,
        fleet,
    };
    feed::on_pods(feed, &state.pods, event);
}

/// An event of resource view `id` (of fleet member `member`), before the table applies it.
pub fn on_table(
    state: &mut super::State,
    id: u64,
    member: Option<usize>,
    event: &mut crate::msg::TableFeedEvent,
) {
    let Some(view) = state.resource.as_ref().filter(|v| v.id == id) else {
        return;
    };
    let Some((context, fleet)) = source(state, member) else {
        return;
    };
    let feed = feed::Feed {
        context,
        resource: Arc::from(resource_key(&view.resource).as_str()),
        kind: Arc::from(view.resource.kind.as_str()),
        now: state.now,
        history: &mut state.history,
        fleet,
    };
    feed::on_table(feed, view.table.as_ref(), event);
}
