//! The pods table: rows kept sorted by (namespace, name) so watch events land with a binary
//! search instead of a full sort, and the cursor stays on the same pod while rows move.
//! What is on screen is a [`View`] over the rows (filter + sort); the cursor moves over it.

use std::cmp::Ordering;

use std::sync::Arc;

use super::cursor::Cursor;
use super::filter::{SortOrder, View};
use crate::kube::metrics::{PodUsage, ResourcesMap, pod_usage};
use crate::kube::table::PodRow;
use crate::kube::watcher::Change;

/// Pods of the current context and namespace, ordered by (namespace, name).
#[derive(Debug, Clone, Default)]
pub struct PodTable {
    rows: Vec<PodRow>,
    view: View,
    /// Cursor in the pods pane, over the visible rows.
    pub cursor: Cursor,
    /// A pod to put the cursor on once a list brings it (going back to a table that is
    /// listed again); dropped when the list is complete.
    awaited: Option<PodKey>,
    /// The latest metrics sample: rows that arrive between samples take their usage from it.
    usage: Arc<PodUsage>,
    /// Requests and limits read once per list: rows the server printed take theirs from it.
    resources: Arc<ResourcesMap>,
}

/// Above this many events in one batch the view is rebuilt instead of patched per event.
const PATCH_LIMIT: usize = 64;

/// A pod's identity: (context in a fleet, namespace, name).
pub type PodKey = (Option<Arc<str>>, String, String);

/// The row's context ("" outside a fleet).
fn context_of(row: &PodRow) -> &str {
    row.context.as_deref().unwrap_or("")
}

/// Storage order: (context, namespace, name).
fn key(row: &PodRow) -> (&str, &str, &str) {
    (context_of(row), &row.namespace, &row.name)
}

fn compare(a: &PodRow, b: &PodRow) -> Ordering {
    key(a).cmp(&key(b))
}

/// Gives `row` its requests and limits from `map` unless it has its own (from a whole pod).
fn fill_resources(map: &ResourcesMap, row: &mut PodRow) {
    if row.resources.is_none() {
        row.resources = map
            .get(row.namespace.as_str())
            .and_then(|m| m.get(row.name.as_str()))
            .copied();
    }
}

impl PodTable {
    /// All rows, ordered by (namespace, name).
    pub fn rows(&self) -> &[PodRow] {
        &self.rows
    }

    /// Rows of fleet member `context`, filtered or not.
    pub fn count_in(&self, context: &str) -> usize {
        let lo = self.rows.partition_point(|r| context_of(r) < context);
        let hi = self.rows.partition_point(|r| context_of(r) <= context);
        hi - lo
    }

    /// All rows, filtered or not (the status bar count).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no pods are loaded.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&PodRow> {
        self.visible_row(self.cursor.selected())
    }

    /// Number of rows the filter lets through.
    pub fn visible_len(&self) -> usize {
        self.view.indices().len()
    }

    /// The `n`th visible row.
    pub fn visible_row(&self, n: usize) -> Option<&PodRow> {
        let index = *self.view.indices().get(n)?;
        self.rows.get(index as usize)
    }

    /// Visible rows in `range`, in display order.
    pub fn visible(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &PodRow> {
        let indices = self.view.indices();
        let range = range.start.min(indices.len())..range.end.min(indices.len());
        indices[range]
            .iter()
            .filter_map(|&i| self.rows.get(i as usize))
    }

    /// The filter and sort.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// Changes the filter text, keeping the cursor on the same pod when it still matches, else
    /// on the first match.
    pub fn set_query(&mut self, query: &str) {
        let keep = self.selected_key();
        self.view.set_query(query, &self.rows);
        if !self.reselect_key(keep) {
            self.cursor.select(0, self.visible_len());
        }
    }

    /// The filter prompt opened: get ready to match every cell.
    pub fn prepare_filter(&mut self) {
        self.view.prepare_cells(&self.rows);
    }

    /// Changes the sort order, keeping the cursor on the same pod.
    pub fn set_sort(&mut self, sort: SortOrder) {
        let keep = self.selected_key();
        self.view.set_sort(sort, &self.rows);
        self.reselect(keep);
    }

    /// Rows of several contexts (a fleet) or of one.
    pub fn set_fleet(&mut self, on: bool) {
        self.view.set_fleet(on, &self.rows);
    }

    /// Matches namespaces too (all-namespaces view).
    pub fn set_match_namespace(&mut self, on: bool) {
        self.view.set_with_namespace(on, &self.rows);
    }

    fn selected_key(&self) -> Option<PodKey> {
        self.selected()
            .map(|row| (row.context.clone(), row.namespace.clone(), row.name.clone()))
    }

    /// The pod under the cursor, as (namespace, name).
    pub fn selected_pod(&self) -> Option<(String, String)> {
        self.selected()
            .map(|row| (row.namespace.clone(), row.name.clone()))
    }

    /// Puts the cursor on pod `key` as soon as a list page brings it.
    pub fn await_cursor(&mut self, key: Option<(String, String)>) {
        self.awaited = key.map(|(ns, name)| (None, ns, name));
    }

    /// True while a pod is awaited (the cursor is not yet where it is going).
    pub fn awaiting(&self) -> bool {
        self.awaited.is_some()
    }

    /// Puts the cursor on pod `key` now; false when it is not visible.
    pub fn select_pod(&mut self, key: &(String, String)) -> bool {
        self.reselect_key(Some((None, key.0.clone(), key.1.clone())))
    }

    /// The list is complete: a pod still awaited is gone.
    pub fn list_done(&mut self) {
        self.awaited = None;
    }

    /// After new list rows: the awaited pod if it came, else the pod the cursor was on.
    fn reselect_listed(&mut self, keep: Option<PodKey>) {
        if self.awaited.is_some() && self.reselect_key(self.awaited.clone()) {
            self.awaited = None;
            return;
        }
        self.reselect(keep);
    }

    /// Puts the cursor back on `key` when visible, else clamps it.
    fn reselect(&mut self, key: Option<PodKey>) {
        if !self.reselect_key(key) {
            self.cursor
                .select(self.cursor.selected(), self.visible_len());
        }
    }

    /// Puts the cursor on `key`; false when that pod is not visible. A key without a context
    /// (a view remembered by namespace/name) finds the pod in any context of a fleet.
    fn reselect_key(&mut self, key: Option<PodKey>) -> bool {
        let found = key.and_then(|(context, ns, name)| {
            let index = self.find(context.as_deref(), &ns, &name).ok().or_else(|| {
                let any = context.is_none() && self.rows.first()?.context.is_some();
                any.then(|| {
                    self.rows
                        .iter()
                        .position(|r| r.namespace == ns && r.name == name)
                })?
            })?;
            let index = u32::try_from(index).ok()?;
            self.view.indices().iter().position(|&i| i == index)
        });
        if let Some(at) = found {
            self.cursor.select(at, self.visible_len());
        }
        found.is_some()
    }

    /// The row of pod `namespace/name` of a single context, filtered out or not.
    pub fn get(&self, namespace: &str, name: &str) -> Option<&PodRow> {
        self.get_in(None, namespace, name)
    }

    /// The row of pod `namespace/name` of `context` (`None` outside a fleet).
    pub fn get_in(&self, context: Option<&str>, namespace: &str, name: &str) -> Option<&PodRow> {
        self.rows.get(self.find(context, namespace, name).ok()?)
    }

    fn find(&self, context: Option<&str>, namespace: &str, name: &str) -> Result<usize, usize> {
        let wanted = (context.unwrap_or(""), namespace, name);
        self.rows.binary_search_by(|row| key(row).cmp(&wanted))
    }

    /// A new metrics sample: every row's usage from it, in one pass (a hash lookup per row),
    /// and a re-sort only when the order depends on usage.
    pub fn set_usage(&mut self, usage: Arc<PodUsage>) {
        for row in &mut self.rows {
            row.usage = pod_usage(&usage, &row.namespace, &row.name);
        }
        self.usage = usage;
        if self.view.sort().column.reads_usage() {
            self.set_sort(self.view.sort());
        }
    }

    /// Requests and limits for the rows that lack them (printed by the server, no spec).
    pub fn set_resources(&mut self, resources: Arc<ResourcesMap>) {
        for row in &mut self.rows {
            fill_resources(&resources, row);
        }
        self.resources = resources;
    }

    /// `row` with its usage from the latest sample, and its requests and limits if it lacks them.
    fn with_usage(&self, mut row: PodRow) -> PodRow {
        row.usage = pod_usage(&self.usage, &row.namespace, &row.name);
        fill_resources(&self.resources, &mut row);
        row
    }

    /// Drops every row (context or namespace changed).
    pub fn clear(&mut self) {
        self.usage = Arc::default();
        self.resources = Arc::default();
        self.rows.clear();
        self.view.rebuild(&self.rows);
        self.cursor = Cursor::default();
    }

    /// The first page of a (re)list: replaces the rows, keeping the cursor on the same pod when
    /// it is still there.
    pub fn replace(&mut self, rows: Vec<PodRow>) {
        let keep = self.selected_key();
        self.rows = rows;
        if !self.usage.is_empty() || !self.resources.is_empty() {
            for row in &mut self.rows {
                row.usage = pod_usage(&self.usage, &row.namespace, &row.name);
                fill_resources(&self.resources, row);
            }
        }
        self.restore_order(0);
        self.view.rebuild(&self.rows);
        self.reselect_listed(keep);
    }

    /// A later page of the list: appended (the apiserver lists in key order, so this is
    /// usually already sorted).
    pub fn append(&mut self, rows: Vec<PodRow>) {
        let start = self.rows.len();
        let keep = self.selected_key();
        let (usage, resources) = (Arc::clone(&self.usage), Arc::clone(&self.resources));
        self.rows.extend(rows.into_iter().map(|mut row| {
            row.usage = pod_usage(&usage, &row.namespace, &row.name);
            fill_resources(&resources, &mut row);
            row
        }));
        if self.restore_order(start) {
            self.view.rebuild(&self.rows);
        } else {
            self.view.rebuild_appended(start, &self.rows);
        }
        self.reselect_listed(keep);
    }

    /// A page of fleet member `context`'s list: the first replaces that context's rows, a
    /// later one goes after them; other contexts' rows stay as they are.
    pub fn page_in(&mut self, context: &str, rows: Vec<PodRow>, first: bool) {
        let keep = self.selected_key();
        let rows: Vec<PodRow> = rows.into_iter().map(|r| self.with_usage(r)).collect();
        let lo = self.rows.partition_point(|r| context_of(r) < context);
        let hi = self.rows.partition_point(|r| context_of(r) <= context);
        let (at, n) = (if first { lo } else { hi }, rows.len());
        self.rows.splice(at..hi, rows);
        let end = (at + n + 1).min(self.rows.len());
        if !self.sorted_from(at.saturating_sub(1), end) {
            self.sort_dedup();
        }
        // While the fleet loads, a cursor at the top stays there as other contexts' rows
        // arrive above the one it is on.
        let top = self.cursor.selected() == 0 && self.awaited.is_none();
        self.view.rebuild(&self.rows);
        self.reselect_listed(keep);
        if top {
            self.cursor.select(0, self.visible_len());
        }
    }

    /// True when rows `from..end` are in strictly increasing key order.
    fn sorted_from(&self, from: usize, end: usize) -> bool {
        self.rows[from..end]
            .windows(2)
            .all(|w| compare(&w[0], &w[1]) == Ordering::Less)
    }

    /// Re-sorts only if rows from `start` broke the order; drops duplicate keys, keeping the
    /// newest copy. A stable sort on an already sorted prefix plus one run is linear. True
    /// when rows moved.
    fn restore_order(&mut self, start: usize) -> bool {
        if self.sorted_from(start.saturating_sub(1), self.rows.len()) {
            return false;
        }
        self.sort_dedup();
        true
    }

    fn sort_dedup(&mut self) {
        self.rows.sort_by(compare);
        // `dedup_by` passes (later, earlier): keep the later (newer) one.
        self.rows.dedup_by(|later, earlier| {
            let same = compare(later, earlier) == Ordering::Equal;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
    }

    /// Applies watch events in order. Small batches patch the view per event; large ones
    /// rebuild it once. The cursor stays on its pod (or its position when the pod went away).
    pub fn apply(&mut self, changes: Vec<Change<PodRow>>) {
        let keep = self.selected_key();
        let patch = changes.len() <= PATCH_LIMIT;
        for change in changes {
            match change {
                Change::Added(row) | Change::Modified(row) => self.upsert(row, patch),
                Change::Deleted(row) => self.remove(&row, patch),
            }
        }
        if !patch {
            self.view.rebuild(&self.rows);
        }
        self.reselect(keep);
    }

    fn upsert(&mut self, row: PodRow, patch: bool) {
        let row = self.with_usage(row);
        match self.find(row.context.as_deref(), &row.namespace, &row.name) {
            Ok(index) => {
                self.rows[index] = row;
                if patch {
                    self.view.on_update(index, &self.rows);
                }
            }
            Err(index) => {
                self.rows.insert(index, row);
                if patch {
                    self.view.on_insert(index, &self.rows);
                }
            }
        }
    }

    fn remove(&mut self, row: &PodRow, patch: bool) {
        if let Ok(index) = self.find(row.context.as_deref(), &row.namespace, &row.name) {
            self.rows.remove(index);
            if patch {
                self.view.on_remove(index);
            }
        }
    }
}
