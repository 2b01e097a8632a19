//! What the pods table shows: a filter (substring or regex, over every cell or only NAME)
//! and a sort order over the rows, kept as a vector of row indices so 100 000 rows filter and
//! re-sort without copying rows. A growing query refines the previous matches instead of
//! scanning every row again.

mod query;

use std::cmp::Ordering;

pub use query::{LABEL_PREFIX, Matcher, NAME_PREFIX, Query, REGEX_PREFIXES, RowText};

use crate::kube::table::PodRow;

/// Columns the pods table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// (namespace, name): the order rows of one context are stored in.
    #[default]
    Namespace,
    /// (context, namespace, name): the order a fleet's rows are stored in.
    Context,
    Name,
    Status,
    Restarts,
    Age,
    /// metrics.k8s.io usage; pods without a sample sort as the least.
    Cpu,
    Memory,
}

impl SortColumn {
    /// The header title this column sorts.
    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Namespace => "NAMESPACE",
            SortColumn::Context => "CONTEXT",
            SortColumn::Name => "NAME",
            SortColumn::Status => "STATUS",
            SortColumn::Restarts => "RESTARTS",
            SortColumn::Age => "AGE",
            SortColumn::Cpu => "CPU",
            SortColumn::Memory => "MEM",
        }
    }

    /// The order depends on metrics (re-sorted when a sample comes).
    pub fn reads_usage(self) -> bool {
        matches!(self, SortColumn::Cpu | SortColumn::Memory)
    }
}

fn cpu(row: &PodRow) -> Option<u64> {
    row.usage.map(|u| u.cpu_milli)
}

fn mem(row: &PodRow) -> Option<u64> {
    row.usage.map(|u| u.mem_bytes)
}

/// Sort column and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SortOrder {
    pub column: SortColumn,
    pub descending: bool,
}

impl SortOrder {
    /// Total order of two rows: the column, then (namespace, name) so the order is stable.
    pub fn compare(&self, a: &PodRow, b: &PodRow) -> Ordering {
        fn key(r: &PodRow) -> (&str, &str, &str) {
            (r.context.as_deref().unwrap_or(""), &r.namespace, &r.name)
        }
        let by_column = match self.column {
            SortColumn::Context => Ordering::Equal,
            SortColumn::Namespace => (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)),
            SortColumn::Name => a.name.cmp(&b.name),
            SortColumn::Status => a.status.cmp(&b.status),
            SortColumn::Restarts => a.restarts.cmp(&b.restarts),
            // Youngest first reads like kubectl's --sort-by=.metadata.creationTimestamp reversed;
            // ascending AGE means smallest age, i.e. the newest creation time.
            SortColumn::Age => b.created.cmp(&a.created),
            SortColumn::Cpu => cpu(a).cmp(&cpu(b)),
            SortColumn::Memory => mem(a).cmp(&mem(b)),
        };
        let ordering = by_column.then_with(|| key(a).cmp(&key(b)));
        if self.descending {
            ordering.reverse()
        } else {
            ordering
        }
    }

    /// True when this order is the storage order (no index sort needed): (context, namespace,
    /// name), which is (namespace, name) outside a fleet.
    fn is_storage_order(&self, fleet: bool) -> bool {
        let by_key = match self.column {
            SortColumn::Context => true,
            SortColumn::Namespace => !fleet,
            _ => false,
        };
        by_key && !self.descending
    }
}

/// The rows on screen: indices into the stored rows, filtered and in display order.
#[derive(Debug, Clone, Default)]
pub struct View {
    indices: Vec<u32>,
    query: String,
    parsed: Query,
    sort: SortOrder,
    /// Match the namespace too (all-namespaces view).
    with_namespace: bool,
    /// Rows of several contexts (NAMESPACE is then not the storage order).
    fleet: bool,
    /// (query, visible indices) before each refinement, so deleting a typed character restores
    /// the wider matches instead of scanning every row. Any change to the rows clears it.
    narrowed: Vec<(String, Vec<u32>)>,
    /// Each row's cells joined for the filter, in row order; built when a query first reads
    /// cells, kept in step with row changes, dropped when no query needs them.
    texts: Option<Vec<RowText>>,
}

/// Most refinements remembered (a few hundred KiB each at 100 000 rows).
const NARROWED_MAX: usize = 16;

impl View {
    /// Visible row indices in display order.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The filter text as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The current matcher (for the prompt to show regex errors).
    pub fn matcher(&self) -> &Matcher {
        &self.parsed.matcher
    }

    /// The current sort order.
    pub fn sort(&self) -> SortOrder {
        self.sort
    }

    /// True when a local filter hides rows.
    pub fn is_filtered(&self) -> bool {
        !self.parsed.is_all()
    }

    /// Whether row `index` of `rows` passes the filter.
    fn matches(&self, index: usize, rows: &[PodRow]) -> bool {
        let row = &rows[index];
        if !self.parsed.reads_cells() {
            return self.parsed.matches_pod(row, &RowText::default(), false);
        }
        match self.texts.as_ref().and_then(|t| t.get(index)) {
            Some(text) => self.parsed.matches_pod(row, text, self.with_namespace),
            None => self
                .parsed
                .matches_pod(row, &RowText::of(row), self.with_namespace),
        }
    }

    /// The filter prompt opened: the rows' texts are built now, so the first key typed only
    /// searches them.
    pub fn prepare_cells(&mut self, rows: &[PodRow]) {
        if self.texts.as_ref().is_none_or(|t| t.len() != rows.len()) {
            self.texts = Some(rows.iter().map(RowText::of).collect());
        }
    }

    /// Builds the rows' texts when the query reads cells, drops them when it does not.
    fn prepare_texts(&mut self, rows: &[PodRow]) {
        if !self.parsed.reads_cells() {
            self.texts = None;
        } else if self.texts.as_ref().is_none_or(|t| t.len() != rows.len()) {
            self.texts = Some(rows.iter().map(RowText::of).collect());
        }
    }

    /// Rows of several contexts or of one; a fleet starts sorted by context, one context by
    /// namespace.
    pub fn set_fleet(&mut self, on: bool, rows: &[PodRow]) {
        self.fleet = on;
        let column = match (on, self.sort.column) {
            (true, SortColumn::Namespace) => SortColumn::Context,
            (false, SortColumn::Context) => SortColumn::Namespace,
            (_, other) => other,
        };
        if column != self.sort.column {
            self.sort.column = column;
            self.sort.descending = false;
        }
        self.rebuild(rows);
    }

    /// Sets whether the namespace column is matched too; rebuilds.
    pub fn set_with_namespace(&mut self, on: bool, rows: &[PodRow]) {
        if self.with_namespace != on {
            self.with_namespace = on;
            self.rebuild(rows);
        }
    }

    /// Changes the filter text; refines the current matches when the query only grew.
    pub fn set_query(&mut self, query: &str, rows: &[PodRow]) {
        if self.narrowed.last().is_some_and(|(q, _)| q == query) {
            if let Some((q, indices)) = self.narrowed.pop() {
                self.parsed = Query::parse(&q);
                self.query = q;
                self.indices = indices;
                return;
            }
        }
        let parsed = Query::parse(query);
        let refine = parsed.narrows(&self.parsed);
        if refine && query != self.query {
            if self.narrowed.len() == NARROWED_MAX {
                self.narrowed.remove(0);
            }
            let old = std::mem::take(&mut self.query);
            self.narrowed.push((old, self.indices.clone()));
        } else {
            self.narrowed.clear();
        }
        self.query = query.to_string();
        self.parsed = parsed;
        if refine {
            self.prepare_texts(rows);
            let mut indices = std::mem::take(&mut self.indices);
            indices.retain(|&i| self.matches(i as usize, rows));
            self.indices = indices;
        } else {
            self.rebuild(rows);
        }
    }

    /// Changes the sort order and re-sorts the visible indices.
    pub fn set_sort(&mut self, sort: SortOrder, rows: &[PodRow]) {
        self.narrowed.clear();
        self.sort = sort;
        self.sort_indices(rows);
    }

    /// Recomputes everything from the rows (after a relist or a large batch of events).
    pub fn rebuild(&mut self, rows: &[PodRow]) {
        self.texts = None;
        self.refilter(rows);
    }

    /// Rows from `start` were appended to rows that did not move (a later list page): only
    /// their texts are new.
    pub fn rebuild_appended(&mut self, start: usize, rows: &[PodRow]) {
        if let Some(texts) = self.texts.as_mut().filter(|t| t.len() == start) {
            texts.extend(rows[start..].iter().map(RowText::of));
        } else {
            self.texts = None;
        }
        self.refilter(rows);
    }

    fn refilter(&mut self, rows: &[PodRow]) {
        self.narrowed.clear();
        self.prepare_texts(rows);
        let mut indices = std::mem::take(&mut self.indices);
        indices.clear();
        let all = self.parsed.is_all();
        indices.extend(
            (0..rows.len())
                .filter(|&i| all || self.matches(i, rows))
                .map(index_u32),
        );
        self.indices = indices;
        self.sort_indices(rows);
    }

    fn sort_indices(&mut self, rows: &[PodRow]) {
        if self.sort.is_storage_order(self.fleet) {
            self.indices.sort_unstable();
            return;
        }
        let sort = self.sort;
        self.indices
            .sort_unstable_by(|&a, &b| sort.compare(&rows[a as usize], &rows[b as usize]));
    }

    /// Row `index` was inserted into the rows (already there): shift and maybe show it.
    pub fn on_insert(&mut self, index: usize, rows: &[PodRow]) {
        self.narrowed.clear();
        if let Some(texts) = self.texts.as_mut() {
            texts.insert(index, RowText::of(&rows[index]));
        }
        let at = index_u32(index);
        for i in &mut self.indices {
            if *i >= at {
                *i += 1;
            }
        }
        self.place(index, rows);
    }

    /// Row `index` changed in place: re-check the filter and its position.
    pub fn on_update(&mut self, index: usize, rows: &[PodRow]) {
        self.narrowed.clear();
        if let Some(text) = self.texts.as_mut().and_then(|t| t.get_mut(index)) {
            *text = RowText::of(&rows[index]);
        }
        self.forget(index);
        self.place(index, rows);
    }

    /// Row `index` was removed from the rows.
    pub fn on_remove(&mut self, index: usize) {
        self.narrowed.clear();
        if let Some(texts) = self.texts.as_mut().filter(|t| index < t.len()) {
            texts.remove(index);
        }
        self.forget(index);
        let at = index_u32(index);
        for i in &mut self.indices {
            if *i > at {
                *i -= 1;
            }
        }
    }

    fn forget(&mut self, index: usize) {
        let at = index_u32(index);
        // In storage order the indices ascend: a binary search instead of a scan of 100k.
        let pos = if self.sort.is_storage_order(self.fleet) {
            self.indices.binary_search(&at).ok()
        } else {
            self.indices.iter().position(|&i| i == at)
        };
        if let Some(pos) = pos {
            self.indices.remove(pos);
        }
    }

    /// Inserts row `index` at its sorted position when it matches.
    fn place(&mut self, index: usize, rows: &[PodRow]) {
        let row = &rows[index];
        if !self.matches(index, rows) {
            return;
        }
        let sort = self.sort;
        let pos = self
            .indices
            .partition_point(|&i| sort.compare(&rows[i as usize], row) == Ordering::Less);
        self.indices.insert(pos, index_u32(index));
    }
}

/// Row indices fit u32 (no cluster lists 4 billion pods); saturate rather than panic.
fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ns: &str, name: &str, status: &str, restarts: u32) -> PodRow {
        PodRow {
            namespace: ns.into(),
            name: name.into(),
            status: status.into(),
            restarts,
            ..PodRow::default()
        }
    }

    #[test]
    fn growing_query_refines_and_shrinking_rebuilds() {
        let rows = vec![
            row("ns-a", "api-1", "Running", 0),
            row("ns-a", "web-1", "Running", 0),
            row("ns-b", "web-2", "Running", 0),
        ];
        let mut v = View::default();
        v.rebuild(&rows);
        v.set_query("w", &rows);
        assert_eq!(v.indices(), [1, 2]);
        v.set_query("we", &rows);
        assert_eq!(v.indices(), [1, 2]);
        v.set_query("web-2", &rows);
        assert_eq!(v.indices(), [2]);
        v.set_query("", &rows);
        assert_eq!(v.indices(), [0, 1, 2]);
        v.set_with_namespace(true, &rows);
        v.set_query("NS-B", &rows);
        assert_eq!(v.indices(), [2], "namespace matches with -A");
    }

    #[test]
    fn deleting_typed_characters_restores_wider_matches_until_rows_change() {
        let mut rows = vec![
            row("a", "api-1", "Running", 0),
            row("a", "web-1", "Running", 0),
            row("b", "web-2", "Running", 0),
        ];
        let mut v = View::default();
        v.rebuild(&rows);
        for q in ["w", "we", "web-2"] {
            v.set_query(q, &rows);
        }
        assert_eq!(v.indices(), [2]);
        v.set_query("we", &rows);
        assert_eq!((v.query(), v.indices()), ("we", &[1, 2][..]));
        v.set_query("w", &rows);
        assert_eq!(v.indices(), [1, 2]);
        // A row that changes underneath drops what was remembered: the wider query rescans.
        v.set_query("web", &rows);
        rows[0].name = "web-0".into();
        v.on_update(0, &rows);
        assert_eq!(v.indices(), [0, 1, 2]);
        v.set_query("web-", &rows);
        rows[0].name = "api-0".into();
        v.on_update(0, &rows);
        v.set_query("web", &rows);
        assert_eq!(
            v.indices(),
            [1, 2],
            "api-0 no longer matches after the rescan"
        );
        v.set_query("", &rows);
        assert_eq!(v.indices(), [0, 1, 2]);
    }
}
