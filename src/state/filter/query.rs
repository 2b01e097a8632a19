//! What the user typed after `/`, parsed: a substring or a regex, over every cell of a row or
//! only NAME (`name:`). A pod row's cells are joined once into a lowercased [`RowText`], so a
//! keystroke over 100 000 rows is one byte search per row.

use memchr::memmem;
use regex::Regex;

use crate::kube::table::PodRow;

/// Prefixes that turn the filter into a case-insensitive regular expression.
pub const REGEX_PREFIXES: [&str; 2] = ["~", "re:"];
/// Prefix that turns the filter into a server-side label selector.
pub const LABEL_PREFIX: &str = "-l ";
/// Prefix that narrows the filter to the NAME column.
pub const NAME_PREFIX: &str = "name:";

/// Separates the cells of a row when they are matched as one text: no query contains it, so
/// a substring never spans two cells, and `^`/`$` of a regex (multi-line) anchor to a cell.
const CELL_SEPARATOR: char = '\n';

/// How a filter query matches text.
#[derive(Debug, Clone, Default)]
pub enum Matcher {
    #[default]
    All,
    /// Lowercased needle, matched case-insensitively through an escaped regex: the regex crate
    /// is built optimised even in debug builds and has fast literal search. An ASCII needle is
    /// first tried as a plain byte search.
    Substring(String, Regex, Finder),
    Regex(Regex),
    /// A regex that does not compile matches nothing (the prompt shows the error).
    Invalid(String),
}

impl Matcher {
    /// Parses a query (without its `name:` prefix). Label selectors (`-l ...`) match
    /// everything locally: the server does that filtering.
    pub fn parse(query: &str) -> Matcher {
        if query.is_empty() || query.starts_with(LABEL_PREFIX) || query == "-l" {
            return Matcher::All;
        }
        if let Some(pattern) = REGEX_PREFIXES.iter().find_map(|p| query.strip_prefix(p)) {
            // Multi-line: `^web` anchors to the start of any cell, not only the first.
            return match Regex::new(&format!("(?im){pattern}")) {
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

    /// Whether `text`, already lowercased (Unicode), matches: an ASCII needle is one byte
    /// search. (The one case folding this misses is `ſ` for `s`, which no Kubernetes name or
    /// status holds.)
    fn is_match_lowered(&self, text: &str) -> bool {
        match self {
            Matcher::Substring(needle, _, finder) if needle.is_ascii() => {
                finder.0.find(text.as_bytes()).is_some()
            }
            other => other.is_match(text),
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

/// A byte searcher built once per query (searching without one rebuilds it for every row).
#[derive(Clone)]
pub struct Finder(Box<memmem::Finder<'static>>);

impl std::fmt::Debug for Finder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Finder")
    }
}

/// A parsed filter: what to match, and whether only NAME (`name:`) or every cell.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub matcher: Matcher,
    pub name_only: bool,
}

impl Query {
    /// Parses what the user typed after `/`.
    pub fn parse(text: &str) -> Query {
        match text.strip_prefix(NAME_PREFIX) {
            Some(rest) => Query {
                matcher: Matcher::parse(rest),
                name_only: true,
            },
            None => Query {
                matcher: Matcher::parse(text),
                name_only: false,
            },
        }
    }

    /// True when the query lets every row through.
    pub fn is_all(&self) -> bool {
        matches!(self.matcher, Matcher::All)
    }

    /// True when matching looks at every cell (so pod rows need their [`RowText`]).
    pub fn reads_cells(&self) -> bool {
        !self.name_only && matches!(self.matcher, Matcher::Substring(..) | Matcher::Regex(_))
    }

    /// Whether the row whose NAME is `name` and whose cells are `cells` matches; `buf` is
    /// scratch space reused across rows.
    pub fn matches_cells<'a>(
        &self,
        name: &str,
        cells: impl IntoIterator<Item = &'a str>,
        buf: &mut String,
    ) -> bool {
        if self.name_only || !self.reads_cells() {
            return self.matcher.is_match(name);
        }
        buf.clear();
        for cell in cells {
            buf.push_str(cell);
            buf.push(CELL_SEPARATOR);
        }
        let lowered = buf.to_lowercase();
        self.matcher.is_match_lowered(&lowered)
    }

    /// Whether a pod row matches, its cells read from `text` (the row's [`RowText`]).
    pub fn matches_pod(&self, row: &PodRow, text: &RowText, with_namespace: bool) -> bool {
        if !self.reads_cells() {
            return self.matcher.is_match(&row.name);
        }
        self.matcher.is_match_lowered(text.cells(with_namespace))
    }

    /// True when refining `old`'s matches is enough.
    pub(super) fn narrows(&self, old: &Query) -> bool {
        old.is_all() || (self.name_only == old.name_only && self.matcher.narrows(&old.matcher))
    }
}

/// The cells of a pod row as the filter reads them, joined and lowercased: NAMESPACE
/// (matched in the all-namespaces view only), NAME, READY, STATUS, the RESTARTS count, IP,
/// NODE. AGE is left out: it changes with the clock, so a match would come and go by itself.
#[derive(Debug, Clone, Default)]
pub struct RowText {
    text: Box<str>,
    /// Bytes of the namespace and its separator at the start.
    namespace_len: usize,
}

impl RowText {
    /// Joins the cells of `row`.
    pub fn of(row: &PodRow) -> RowText {
        // `format!` and `to_lowercase` run code compiled into the standard library, so building
        // 100 000 of these stays quick in debug builds too.
        let mut joined = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            row.namespace, row.name, row.ready, row.status, row.restarts, row.ip, row.node
        );
        // A fleet's CONTEXT cell is matched too (last, so the namespace stays first).
        if let Some(context) = &row.context {
            joined.push_str(context);
            joined.push('\n');
        }
        let namespace_len = match row.namespace.is_ascii() {
            true => row.namespace.len(),
            false => row.namespace.to_lowercase().len(),
        };
        RowText {
            text: joined.to_lowercase().into_boxed_str(),
            namespace_len: namespace_len + CELL_SEPARATOR.len_utf8(),
        }
    }

    fn cells(&self, with_namespace: bool) -> &str {
        match with_namespace {
            true => &self.text,
            false => self.text.get(self.namespace_len..).unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_picks_substring_regex_or_selector() {
        assert!(matches!(Matcher::parse("Web"), Matcher::Substring(s, ..) if s == "web"));
        assert!(Matcher::parse("a.b").is_match("A.B") && !Matcher::parse("a.b").is_match("axb"));
        assert!(matches!(Matcher::parse("~^web-\\d"), Matcher::Regex(_)));
        assert!(matches!(Matcher::parse("re:a|b"), Matcher::Regex(_)));
        assert!(matches!(Matcher::parse("~("), Matcher::Invalid(_)));
        assert!(matches!(Matcher::parse("-l app=web"), Matcher::All));
        let name = Query::parse("name:~^web");
        assert!(name.name_only && matches!(name.matcher, Matcher::Regex(_)));
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
            // The same through a row's joined, lowercased cells.
            let row = PodRow {
                status: text.into(),
                ..PodRow::default()
            };
            if text == "ſ" {
                continue;
            }
            let found = Query::parse(query).matches_pod(&row, &RowText::of(&row), false);
            assert_eq!(found, want, "{query} in the STATUS {text}");
        }
    }

    #[test]
    fn cells_do_not_run_into_each_other() {
        let row = PodRow {
            namespace: "shop".into(),
            name: "web-1".into(),
            ready: "1/1".into(),
            status: "Running".into(),
            restarts: 12,
            ..PodRow::default()
        };
        let text = RowText::of(&row);
        let matches = |q: &str, with_ns| Query::parse(q).matches_pod(&row, &text, with_ns);
        assert!(matches("running", false) && matches("12", false) && matches("1/1", false));
        assert!(
            !matches("1running", false),
            "no match across READY and STATUS"
        );
        assert!(!matches("shop", false) && matches("shop", true));
        assert!(matches("~^web-1$", false) && matches("~^12$", false));
        assert!(!matches("name:running", false));
    }
}
