//! The object store: every object kept as its serialized JSON plus a compact index (key, labels,
//! the field values selectors need), one global resourceVersion and a bounded change history
//! that watches replay from.

use std::collections::{BTreeSet, VecDeque};
use std::ops::Bound;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::{Bytes, BytesMut};
use serde_json::Value;
use tokio::sync::broadcast;

use super::resources::Kind;

/// How many recent changes a watch can resume from.
const HISTORY: usize = 10_000;

/// Bytes per seeding slab: seeded objects are packed into a few large shared buffers instead of
/// one allocation each (less malloc overhead and no heap fragmentation at 100 000 pods).
const SLAB: usize = 4 << 20;
/// A new slab is started when less than this is left (larger objects just grow the slab).
const SLAB_ROOM: usize = 16 << 10;

/// One stored object: its compact index, its printed Table row (pods) and its JSON in one
/// buffer: `meta`, then `print`, then `json`.
///
/// `meta` is the key (`namespace/name`, or `/name` for cluster-scoped objects; also the sort
/// order of lists), then the values of `Kind::indexed_fields` each followed by `\0`, then the
/// labels as `key\0value\0` pairs. Seeded objects share slabs; later writes own their buffer.
///
/// `print` is a pod's Table row without its two time-dependent cells, kept like an apiserver
/// keeps decoded objects in its watch cache, so `as=Table` lists cost no JSON parsing.
#[derive(Debug)]
pub(crate) struct Obj {
    buf: Bytes,
    meta_len: u32,
    key_len: u32,
    ns_len: u32,
    fields: u32,
    print_len: u32,
    /// `metadata` inside the JSON: offset and length.
    metadata: (u32, u32),
    times: PrintTimes,
}

/// The inputs of a pod row's RESTARTS and AGE cells, which change with the clock.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PrintTimes {
    pub restarts: u32,
    pub last_restart: Option<jiff::Timestamp>,
    pub created: Option<jiff::Timestamp>,
}

/// A pod's printed row: cells before RESTARTS and after AGE, each a comma-separated run of
/// JSON strings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PodPrint<'a> {
    pub head: &'a str,
    pub tail: &'a str,
    pub times: PrintTimes,
}

impl Obj {
    /// Builds the object from its JSON, writing meta and JSON into `slab` (seeding) or into a
    /// buffer of its own.
    fn from_value(kind: Kind, value: &Value, slab: Option<&mut BytesMut>) -> Obj {
        let mut own = BytesMut::new();
        let slabbed = slab.is_some();
        let buf = match slab {
            Some(slab) => {
                if slab.capacity() - slab.len() < SLAB_ROOM {
                    *slab = BytesMut::with_capacity(SLAB);
                }
                slab
            }
            None => &mut own,
        };
        let meta = &value["metadata"];
        let ns = meta["namespace"].as_str().unwrap_or_default();
        let name = meta["name"].as_str().unwrap_or_default();
        let start = buf.len();
        put(buf, ns);
        put(buf, "/");
        put(buf, name);
        let key_len = buf.len() - start;
        for f in kind.indexed_fields() {
            put(buf, &field_text(value, f));
            buf.extend_from_slice(b"\0");
        }
        if let Some(labels) = meta["labels"].as_object() {
            for (k, v) in labels {
                put(buf, k);
                buf.extend_from_slice(b"\0");
                put(buf, v.as_str().unwrap_or_default());
                buf.extend_from_slice(b"\0");
            }
        }
        let meta_len = buf.len() - start;
        let mut times = PrintTimes::default();
        if kind == Kind::Pod {
            let print = super::table::pod_print(value);
            buf.extend_from_slice(print.head.as_bytes());
            buf.extend_from_slice(b"\0");
            buf.extend_from_slice(print.tail.as_bytes());
            times = print.times;
        }
        let print_len = buf.len() - start - meta_len;
        // Serializing into BytesMut cannot fail: it only grows.
        let _ = serde_json::to_writer(bytes::BufMut::writer(&mut *buf), value);
        let bytes = buf.split().freeze();
        let metadata = metadata_range(&bytes[meta_len + print_len..]);
        Obj {
            // An exact-size copy: a grown buffer can have up to half its capacity spare.
            buf: if slabbed {
                bytes
            } else {
                Bytes::copy_from_slice(&bytes)
            },
            meta_len: meta_len as u32,
            key_len: key_len as u32,
            ns_len: ns.len() as u32,
            fields: kind.indexed_fields().len() as u32,
            print_len: print_len as u32,
            metadata,
            times,
        }
    }

    fn json_start(&self) -> usize {
        (self.meta_len + self.print_len) as usize
    }

    /// The printed row of a pod; `None` for other kinds.
    pub fn pod_print(&self) -> Option<PodPrint<'_>> {
        let print = &self.buf[self.meta_len as usize..self.json_start()];
        let text = std::str::from_utf8(print).ok().filter(|t| !t.is_empty())?;
        let (head, tail) = text.split_once('\0')?;
        Some(PodPrint {
            head,
            tail,
            times: self.times,
        })
    }

    /// The object's `metadata` as JSON text (`{}` when it has none).
    pub fn metadata_json(&self) -> &[u8] {
        let (at, len) = (self.metadata.0 as usize, self.metadata.1 as usize);
        match self.json().get(at..at + len) {
            Some(text) if len > 0 => text,
            _ => b"{}",
        }
    }

    fn meta(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.meta_len as usize]).unwrap_or_default()
    }

    /// The JSON lists and gets send.
    pub fn json(&self) -> &[u8] {
        &self.buf[self.json_start()..]
    }

    /// The JSON as a shared buffer (no copy).
    pub fn json_bytes(&self) -> Bytes {
        self.buf.slice(self.json_start()..)
    }

    pub fn namespace(&self) -> &str {
        self.meta().get(..self.ns_len as usize).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.meta()
            .get(self.ns_len as usize + 1..self.key_len as usize)
            .unwrap_or_default()
    }

    pub fn key(&self) -> &str {
        self.meta().get(..self.key_len as usize).unwrap_or_default()
    }

    /// Field values then label keys and values, in order.
    fn index_parts(&self) -> std::str::Split<'_, char> {
        let rest = self.meta().get(self.key_len as usize..).unwrap_or_default();
        rest.split('\0')
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        let mut parts = self.index_parts().skip(self.fields as usize);
        while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
            if k == key {
                return Some(v);
            }
        }
        None
    }

    /// The value of a field label; `None` when the kind does not support it.
    pub fn field(&self, kind: Kind, field: &str) -> Option<&str> {
        match field {
            "metadata.name" => Some(self.name()),
            "metadata.namespace" => Some(self.namespace()),
            _ => kind
                .indexed_fields()
                .iter()
                .position(|f| *f == field)
                .filter(|i| *i < self.fields as usize)
                .and_then(|i| self.index_parts().nth(i)),
        }
    }

    /// The stored JSON parsed back, for the rare paths that need to change or inspect it.
    pub fn value(&self) -> Value {
        serde_json::from_slice(self.json()).unwrap_or(Value::Null)
    }
}

/// A map entry: ordered by and looked up with the object's key, so the key is stored once.
#[derive(Debug, Clone)]
struct Entry(Arc<Obj>);

impl std::borrow::Borrow<str> for Entry {
    fn borrow(&self) -> &str {
        self.0.key()
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.0.key() == other.0.key()
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Entry) -> std::cmp::Ordering {
        self.0.key().cmp(other.0.key())
    }
}

/// Where `metadata` sits in an object's JSON, found once when the object is stored.
fn metadata_range(json: &[u8]) -> (u32, u32) {
    #[derive(serde::Deserialize)]
    struct Outer<'a> {
        #[serde(borrow)]
        metadata: Option<&'a serde_json::value::RawValue>,
    }
    let Ok(Outer {
        metadata: Some(raw),
    }) = serde_json::from_slice::<Outer>(json)
    else {
        return (0, 0);
    };
    let text = raw.get().as_bytes();
    // The raw value borrows from `json`, so its offset is a pointer difference.
    let at = (text.as_ptr() as usize).saturating_sub(json.as_ptr() as usize);
    (at as u32, text.len() as u32)
}

/// Appends `s` without NULs: they separate the index parts, and label syntax never has them.
fn put(buf: &mut BytesMut, s: &str) {
    for piece in s.split('\0') {
        buf.extend_from_slice(piece.as_bytes());
    }
}

/// The sort key of an object.
pub(crate) fn object_key(ns: &str, name: &str) -> String {
    format!("{ns}/{name}")
}

/// A field given as a dotted path, rendered as the apiserver compares it (strings as is,
/// booleans as `true`/`false`, missing as "").
fn field_text(value: &Value, dotted: &str) -> String {
    // The one field label that is not its JSON path: a Job's `status.successful`.
    let path = match dotted {
        "status.successful" => "status.succeeded",
        other => other,
    };
    let pointer = format!("/{}", path.replace('.', "/"));
    match value.pointer(&pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ if dotted == "spec.unschedulable" => "false".into(),
        _ if matches!(dotted, "status.replicas" | "status.successful") => "0".into(),
        _ => String::new(),
    }
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeType {
    Added,
    Modified,
    Deleted,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One entry of the change history, as watches see it.
#[derive(Debug)]
pub(crate) struct Change {
    pub rv: u64,
    pub kind: Kind,
    pub ty: ChangeType,
    pub obj: Arc<Obj>,
}

/// One page of a list.
pub(crate) struct Page {
    pub rv: u64,
    pub items: Vec<Arc<Obj>>,
    /// Key of the last item when more may follow.
    pub more_after: Option<String>,
}

/// Where a watch starts: the current objects (for resourceVersion 0/unset), the changes to
/// replay, and the live feed that follows them without gaps.
pub(crate) struct WatchStart {
    pub rv: u64,
    pub initial: Vec<Arc<Obj>>,
    pub replay: Vec<Arc<Change>>,
    pub live: broadcast::Receiver<Arc<Change>>,
}

/// The requested resourceVersion is older than the history window.
#[derive(Debug)]
pub(crate) struct Expired {
    pub oldest: u64,
}

struct Inner {
    rv: u64,
    /// Changes up to this resourceVersion have been forgotten.
    compacted: u64,
    maps: [BTreeSet<Entry>; Kind::ALL.len()],
    /// Where `seed` packs objects; emptied by `finish_seed`.
    slab: BytesMut,
    history: VecDeque<Arc<Change>>,
}

/// The demo cluster's state. Writers hold the lock while broadcasting, so a watch that
/// subscribes under the lock sees every change exactly once.
pub(crate) struct Store {
    inner: RwLock<Inner>,
    tx: broadcast::Sender<Arc<Change>>,
}

impl Store {
    /// An empty store whose resourceVersions go on from `first_rv`.
    pub fn new(first_rv: u64) -> Store {
        let (tx, _) = broadcast::channel(4096);
        Store {
            inner: RwLock::new(Inner {
                rv: first_rv,
                compacted: first_rv,
                maps: Default::default(),
                slab: BytesMut::new(),
                history: VecDeque::new(),
            }),
            tx,
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.read().rv
    }

    /// Inserts without history or events: the initial seed. Call `finish_seed` afterwards.
    pub fn seed(&self, kind: Kind, mut value: Value) -> Arc<Obj> {
        let mut inner = self.write();
        inner.rv += 1;
        set_rv(&mut value, inner.rv);
        let obj = Arc::new(Obj::from_value(kind, &value, Some(&mut inner.slab)));
        inner.maps[kind.index()].replace(Entry(obj.clone()));
        obj
    }

    /// Marks the seed as history no watch can resume into.
    pub fn finish_seed(&self) {
        let mut inner = self.write();
        inner.compacted = inner.rv;
        inner.slab = BytesMut::new();
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Obj>> {
        self.read().maps[kind.index()]
            .get(object_key(ns, name).as_str())
            .map(|e| e.0.clone())
    }

    /// Creates or replaces an object; emits ADDED or MODIFIED.
    pub fn put(&self, kind: Kind, mut value: Value) -> Arc<Change> {
        let mut inner = self.write();
        inner.rv += 1;
        let rv = inner.rv;
        set_rv(&mut value, rv);
        let obj = Arc::new(Obj::from_value(kind, &value, None));
        let ty = match inner.maps[kind.index()].replace(Entry(obj.clone())) {
            Some(_) => ChangeType::Modified,
            None => ChangeType::Added,
        };
        self.record(&mut inner, Change { rv, kind, ty, obj })
    }

    /// Applies `change` to a stored object's JSON and stores the result (MODIFIED).
    pub fn update(
        &self,
        kind: Kind,
        ns: &str,
        name: &str,
        change: impl FnOnce(&mut Value),
    ) -> Option<Arc<Change>> {
        self.update_if(kind, ns, name, |v| {
            change(v);
            true
        })
    }

    /// Like `update`, but stores (and emits MODIFIED) only when `change` says it changed
    /// something. Atomic: an object deleted meanwhile is not brought back.
    pub fn update_if(
        &self,
        kind: Kind,
        ns: &str,
        name: &str,
        change: impl FnOnce(&mut Value) -> bool,
    ) -> Option<Arc<Change>> {
        let mut inner = self.write();
        let key = object_key(ns, name);
        let mut value = inner.maps[kind.index()].get(key.as_str())?.0.value();
        if !change(&mut value) {
            return None;
        }
        inner.rv += 1;
        let rv = inner.rv;
        set_rv(&mut value, rv);
        let obj = Arc::new(Obj::from_value(kind, &value, None));
        inner.maps[kind.index()].replace(Entry(obj.clone()));
        let ty = ChangeType::Modified;
        Some(self.record(&mut inner, Change { rv, kind, ty, obj }))
    }

    /// Removes an object if `pred` holds for it (e.g. it is still the same object: a
    /// StatefulSet pod may have been made again under the same name); emits DELETED with the
    /// object at a new resourceVersion.
    pub fn delete_if(
        &self,
        kind: Kind,
        ns: &str,
        name: &str,
        pred: impl FnOnce(&Obj) -> bool,
    ) -> Option<Arc<Change>> {
        let mut inner = self.write();
        let key = object_key(ns, name);
        if !pred(&inner.maps[kind.index()].get(key.as_str())?.0) {
            return None;
        }
        let old = inner.maps[kind.index()].take(key.as_str())?.0;
        inner.rv += 1;
        let rv = inner.rv;
        let mut value = old.value();
        set_rv(&mut value, rv);
        let obj = Arc::new(Obj::from_value(kind, &value, None));
        let ty = ChangeType::Deleted;
        Some(self.record(&mut inner, Change { rv, kind, ty, obj }))
    }

    fn record(&self, inner: &mut Inner, change: Change) -> Arc<Change> {
        let change = Arc::new(change);
        inner.history.push_back(change.clone());
        while inner.history.len() > HISTORY {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted = old.rv;
            }
        }
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(change.clone());
        change
    }

    /// Up to `limit` objects (0 = all) after the key `after`, in key order, that pass `keep`.
    pub fn page(
        &self,
        kind: Kind,
        ns: Option<&str>,
        after: Option<&str>,
        limit: usize,
        keep: impl Fn(&Obj) -> bool,
    ) -> Page {
        let inner = self.read();
        let prefix = ns.map(|ns| format!("{ns}/"));
        let start = match (after, &prefix) {
            (Some(a), _) => Bound::Excluded(a),
            (None, Some(p)) => Bound::Included(p.as_str()),
            (None, None) => Bound::Unbounded,
        };
        let range = inner.maps[kind.index()].range::<str, _>((start, Bound::Unbounded));
        let mut items = Vec::new();
        let mut more_after = None;
        for Entry(obj) in range {
            let key = obj.key();
            if prefix.as_deref().is_some_and(|p| !key.starts_with(p)) {
                break;
            }
            if !keep(obj) {
                continue;
            }
            if limit > 0 && items.len() == limit {
                more_after = items.last().map(|o: &Arc<Obj>| o.key().to_string());
                break;
            }
            items.push(obj.clone());
        }
        Page {
            rv: inner.rv,
            items,
            more_after,
        }
    }

    /// Starts a watch of `kind` from `since` (None or 0 = the current state as ADDED events).
    pub fn watch(&self, kind: Kind, since: Option<u64>) -> Result<WatchStart, Expired> {
        let inner = self.read();
        let live = self.tx.subscribe();
        let (initial, replay) = match since.filter(|rv| *rv > 0) {
            None => (
                inner.maps[kind.index()]
                    .iter()
                    .map(|e| e.0.clone())
                    .collect(),
                vec![],
            ),
            Some(rv) if rv < inner.compacted => {
                return Err(Expired {
                    oldest: inner.compacted,
                });
            }
            Some(rv) => {
                let replay = inner
                    .history
                    .iter()
                    .filter(|c| c.rv > rv && c.kind == kind)
                    .cloned()
                    .collect();
                (vec![], replay)
            }
        };
        Ok(WatchStart {
            rv: inner.rv,
            initial,
            replay,
            live,
        })
    }

    /// The `n % count`-th object of a kind (for churn to pick one at random).
    pub fn nth(&self, kind: Kind, n: u64) -> Option<Arc<Obj>> {
        let inner = self.read();
        let map = &inner.maps[kind.index()];
        if map.is_empty() {
            return None;
        }
        map.iter()
            .nth((n % map.len() as u64) as usize)
            .map(|e| e.0.clone())
    }
}

fn set_rv(value: &mut Value, rv: u64) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
    }
}
