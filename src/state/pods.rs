//! The pods table: rows kept sorted by (namespace, name) so watch events land with a binary
//! search instead of a full sort, and the cursor stays on the same pod while rows move.

use std::cmp::Ordering;

use super::cursor::Cursor;
use crate::kube::table::PodRow;
use crate::msg::PodEvent;

/// Pods of the current context and namespace, ordered by (namespace, name).
#[derive(Debug, Clone, Default)]
pub struct PodTable {
    rows: Vec<PodRow>,
    /// Cursor in the pods pane.
    pub cursor: Cursor,
}

fn key(row: &PodRow) -> (&str, &str) {
    (&row.namespace, &row.name)
}

fn compare(a: &PodRow, b: &PodRow) -> Ordering {
    key(a).cmp(&key(b))
}

impl PodTable {
    /// All rows, ordered by (namespace, name).
    pub fn rows(&self) -> &[PodRow] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&PodRow> {
        self.rows.get(self.cursor.selected())
    }

    fn find(&self, namespace: &str, name: &str) -> Result<usize, usize> {
        self.rows
            .binary_search_by(|row| key(row).cmp(&(namespace, name)))
    }

    /// Drops every row (context or namespace changed).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.cursor = Cursor::default();
    }

    /// The first page of a (re)list: replaces the rows, keeping the cursor on the same pod when
    /// it is still there.
    pub fn replace(&mut self, rows: Vec<PodRow>) {
        let keep = self
            .selected()
            .map(|row| (row.namespace.clone(), row.name.clone()));
        self.rows = rows;
        self.restore_order(0);
        let index = keep
            .and_then(|(ns, name)| self.find(&ns, &name).ok())
            .unwrap_or(self.cursor.selected());
        self.cursor.select(index, self.rows.len());
    }

    /// A later page of the list: appended (the apiserver lists in key order, so this is
    /// usually already sorted).
    pub fn append(&mut self, rows: Vec<PodRow>) {
        let start = self.rows.len();
        self.rows.extend(rows);
        self.restore_order(start);
    }

    /// Re-sorts only if rows from `start` broke the order; drops duplicate keys, keeping the
    /// newest copy. A stable sort on an already sorted prefix plus one run is linear.
    fn restore_order(&mut self, start: usize) {
        let from = start.saturating_sub(1);
        let sorted = self.rows[from..]
            .windows(2)
            .all(|w| compare(&w[0], &w[1]) == Ordering::Less);
        if sorted {
            return;
        }
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

    /// Applies watch events in order.
    pub fn apply(&mut self, events: Vec<PodEvent>) {
        for event in events {
            match event {
                PodEvent::Added(row) | PodEvent::Modified(row) => self.upsert(row),
                PodEvent::Deleted { namespace, name } => self.remove(&namespace, &name),
            }
        }
    }

    fn upsert(&mut self, row: PodRow) {
        match self.find(&row.namespace, &row.name) {
            Ok(index) => self.rows[index] = row,
            Err(index) => {
                self.rows.insert(index, row);
                // Keep the selected pod selected when a row appears above it.
                if index <= self.cursor.selected() && self.rows.len() > 1 {
                    self.cursor.step(1, self.rows.len());
                }
            }
        }
    }

    fn remove(&mut self, namespace: &str, name: &str) {
        if let Ok(index) = self.find(namespace, name) {
            self.rows.remove(index);
            if index < self.cursor.selected() {
                self.cursor.step(-1, self.rows.len());
            } else {
                let selected = self.cursor.selected();
                self.cursor.select(selected, self.rows.len());
            }
        }
    }
}
