//! What the pods table shows: a filter (substring or regex) and a sort order over the rows,
//! kept as a vector of row indices so 100 000 rows filter and re-sort without copying rows.
//! A growing query refines the previous matches instead of scanning every row again.

use std::cmp::Ordering;

use memchr::memmem;
use regex::Regex;

use crate::kube::table::PodRow;

/// Prefixes that turn the filter into a case-insensitive regular expression.
pub const REGEX_PREFIXES: [&str; 2] = ["~", "re:"];
/// Prefix that turns the filter into a server-side label selector.
pub const LABEL_PREFIX: &str = "-l ";

/// How a filter query matches rows.
#[derive(Debug, Clone, Default)]
pub enum Matcher {
    #[default]
    All,
    /// Lowercased needle, matched case-insensitively through an escaped regex: the regex crate
    /// is built optimised even in debug builds and has fast literal search. Kubernetes names
    /// are lowercase ASCII, so an ASCII needle is first tried as a plain byte search.
    Substring(String, Regex, Finder),
    Regex(Regex),
    /// A regex that does not compile matches nothing (the prompt shows the error).
    Invalid(String),
}

impl Matcher {
    /// Parses what the user typed after `/`. Label selectors (`-l ...`) match everything
    /// locally: the server does that filtering.
    pub fn parse(query: &str) -> Matcher {
        if query.is_empty() || query.starts_with(LABEL_PREFIX) || query == "-l" {
            return Matcher::All;
        }
        if let Some(pattern) = REGEX_PREFIXES.iter().find_map(|p| query.strip_prefix(p)) {
            return match Regex::new(&format!("(?i){pattern}")) {
                Ok(re) => Matcher::Regex(re),
                Err(e) => Matcher::Invalid(e.to_string()),
            };
        }
        let needle = query.to_lowercase();
        match Regex::new(&format!("(?i){}", regex::escape(&needle))) {
            Ok(re) => {
                let finder = Finder(Box::new(
                    memmem::Finder::new(needle.as_bytes()).into_owned(),
                ));
                Matcher::Substring(needle, re, finder)
            }
            Err(e) => Matcher::Invalid(e.to_string()),
        }
    }

    /// Whether `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Matcher::All => true,
            Matcher::Substring(needle, re, finder) => {
                // Kubernetes names are lowercase ASCII: a byte search for the (lowercase, ASCII)
                // needle decides, and only text with capitals or non-ASCII needs the regex.
                if needle.is_ascii() {
                    if finder.0.find(text.as_bytes()).is_some() {
                        return true;
                    }
                    if !folds_case(text) {
                        return false;
                    }
                }
                re.is_match(text)
            }
            Matcher::Regex(re) => re.is_match(text),
            Matcher::Invalid(_) => false,
        }
    }

    /// True when every row matching `self` also matches `old`, so refining `old`'s matches
    /// is enough (the query grew).
    fn narrows(&self, old: &Matcher) -> bool {
        match (self, old) {
            (_, Matcher::All) => true,
            (Matcher::Substring(new, ..), Matcher::Substring(old, ..)) => {
                new.contains(old.as_str())
            }
            _ => false,
        }
    }
}

/// True when `text` has ASCII capitals or non-ASCII bytes, i.e. case folding could change it.
/// No early exit, so the loop is vectorised (this runs for every row on every keystroke).
fn folds_case(text: &str) -> bool {
    text.bytes().fold(0u8, |seen, b| {
        seen | u8::from(b.wrapping_sub(b'A') < 26) | (b >> 7)
    }) != 0
}

/// A byte searcher built once per query (searching without one rebuilds it for every row).
#[derive(Clone)]
pub struct Finder(Box<memmem::Finder<'static>>);

impl std::fmt::Debug for Finder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Finder")
    }
}

/// Columns the pods table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// (namespace, name): the order rows are stored in.
    #[default]
    Namespace,
    Name,
    Status,
    Restarts,
    Age,
}

impl SortColumn {
    /// The header title this column sorts.
    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Namespace => "NAMESPACE",
            SortColumn::Name => "NAME",
            SortColumn::Status => "STATUS",
            SortColumn::Restarts => "RESTARTS",
            SortColumn::Age => "AGE",
        }
    }
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
        fn key(r: &PodRow) -> (&str, &str) {
            (&r.namespace, &r.name)
        }
        let by_column = match self.column {
            SortColumn::Namespace => Ordering::Equal,
            SortColumn::Name => a.name.cmp(&b.name),
            SortColumn::Status => a.status.cmp(&b.status),
            SortColumn::Restarts => a.restarts.cmp(&b.restarts),
            // Youngest first reads like kubectl's --sort-by=.metadata.creationTimestamp reversed;
            // ascending AGE means smallest age, i.e. the newest creation time.
            SortColumn::Age => b.created.cmp(&a.created),
        };
        let ordering = by_column.then_with(|| key(a).cmp(&key(b)));
        if self.descending {
            ordering.reverse()
        } else {
            ordering
        }
    }

    /// True when this order is the storage order (no index sort needed).
    fn is_storage_order(&self) -> bool {
        self.column == SortColumn::Namespace && !self.descending
    }
}

/// The rows on screen: indices into the stored rows, filtered and in display order.
#[derive(Debug, Clone, Default)]
pub struct View {
    indices: Vec<u32>,
    query: String,
    matcher: Matcher,
    sort: SortOrder,
    /// Match the namespace too (all-namespaces view).
    with_namespace: bool,
    /// (query, visible indices) before each refinement, so deleting a typed character restores
    /// the wider matches instead of scanning every row. Any change to the rows clears it.
    narrowed: Vec<(String, Vec<u32>)>,
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
        &self.matcher
    }

    /// The current sort order.
    pub fn sort(&self) -> SortOrder {
        self.sort
    }

    /// True when a local filter hides rows.
    pub fn is_filtered(&self) -> bool {
        !matches!(self.matcher, Matcher::All)
    }

    /// Whether `row` passes the filter.
    pub fn matches(&self, row: &PodRow) -> bool {
        self.matcher.is_match(&row.name)
            || (self.with_namespace && self.matcher.is_match(&row.namespace))
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
                self.matcher = Matcher::parse(&q);
                self.query = q;
                self.indices = indices;
                return;
            }
        }
        let matcher = Matcher::parse(query);
        let refine = matcher.narrows(&self.matcher);
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
        self.matcher = matcher;
        if refine {
            let (matcher, with_ns) = (&self.matcher, self.with_namespace);
            self.indices.retain(|&i| {
                let row = &rows[i as usize];
                matcher.is_match(&row.name) || (with_ns && matcher.is_match(&row.namespace))
            });
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
        self.narrowed.clear();
        let all = matches!(self.matcher, Matcher::All);
        let mut indices = std::mem::take(&mut self.indices);
        indices.clear();
        indices.extend(
            rows.iter()
                .enumerate()
                .filter(|(_, r)| all || self.matches(r))
                .map(|(i, _)| index_u32(i)),
        );
        self.indices = indices;
        self.sort_indices(rows);
    }

    fn sort_indices(&mut self, rows: &[PodRow]) {
        if self.sort.is_storage_order() {
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
        self.forget(index);
        self.place(index, rows);
    }

    /// Row `index` was removed from the rows.
    pub fn on_remove(&mut self, index: usize) {
        self.narrowed.clear();
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
        let pos = if self.sort.is_storage_order() {
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
        if !self.matches(row) {
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
    fn parse_picks_substring_regex_or_selector() {
        assert!(matches!(Matcher::parse("Web"), Matcher::Substring(s, ..) if s == "web"));
        assert!(Matcher::parse("a.b").is_match("A.B") && !Matcher::parse("a.b").is_match("axb"));
        assert!(matches!(Matcher::parse("~^web-\\d"), Matcher::Regex(_)));
        assert!(matches!(Matcher::parse("re:a|b"), Matcher::Regex(_)));
        assert!(matches!(Matcher::parse("~("), Matcher::Invalid(_)));
        assert!(matches!(Matcher::parse("-l app=web"), Matcher::All));
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

    #[test]
    fn byte_search_agrees_with_case_insensitive_matching() {
        for (query, text, want) in [
            ("web", "web-1", true),
            ("web", "Web-1", true),
            ("WEB", "a-web", true),
            ("ünï", "Ünïcode", true),
            ("s", "ſ", true),
            ("web", "we", false),
        ] {
            assert_eq!(
                Matcher::parse(query).is_match(text),
                want,
                "{query} in {text}"
            );
        }
    }
}
