//! A scrollable, searchable block of text lines (YAML and describe views) and the search over
//! it that `/`, `n` and `N` drive.

use std::cell::Cell;

use crate::text::contains_ignore_case;

/// Case-insensitive search over lines: the matching line numbers and the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Lowercased query; empty when no search is active.
    pub query: String,
    pub matches: Vec<usize>,
    pub current: usize,
}

impl Search {
    /// Finds `query` in `lines`.
    pub fn set(&mut self, query: &str, lines: &[&str]) {
        self.query = query.to_lowercase();
        self.current = 0;
        self.matches = if self.query.is_empty() {
            Vec::new()
        } else {
            lines
                .iter()
                .enumerate()
                .filter(|(_, l)| contains_ignore_case(l, &self.query))
                .map(|(i, _)| i)
                .collect()
        };
    }

    /// The first match at or after line `from`, made current.
    pub fn first_from(&mut self, from: usize) -> Option<usize> {
        let at = self.matches.partition_point(|&m| m < from);
        self.current = at.min(self.matches.len().saturating_sub(1));
        self.matches.get(self.current).copied()
    }

    /// The last match, made current.
    pub fn last(&mut self) -> Option<usize> {
        self.current = self.matches.len().checked_sub(1)?;
        self.matches.last().copied()
    }

    /// Moves to the next (`1`) or previous (`-1`) match, wrapping.
    pub fn step(&mut self, direction: isize) -> Option<usize> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        let next = (self.current as isize + direction).rem_euclid(n as isize);
        self.current = usize::try_from(next).unwrap_or(0);
        self.matches.get(self.current).copied()
    }

    /// "3/17" for the title, or "no match".
    pub fn summary(&self) -> Option<String> {
        if self.query.is_empty() {
            return None;
        }
        Some(if self.matches.is_empty() {
            format!("/{}: no match", self.query)
        } else {
            format!(
                "/{} {}/{}",
                self.query,
                self.current + 1,
                self.matches.len()
            )
        })
    }
}

/// Lines with a scroll offset and a search.
#[derive(Debug, Clone, Default)]
pub struct TextPane {
    pub lines: Vec<String>,
    /// First line on screen.
    pub offset: usize,
    /// Rows visible at the last draw.
    pub page: Cell<usize>,
    pub search: Search,
}

impl TextPane {
    /// Replaces the text, keeping the scroll position where possible and re-running the search.
    pub fn set_lines(&mut self, lines: Vec<String>) {
        self.lines = lines;
        self.offset = self.offset.min(self.lines.len().saturating_sub(1));
        let query = self.search.query.clone();
        self.refresh_search(&query);
    }

    fn refresh_search(&mut self, query: &str) {
        let lines: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        self.search.set(query, &lines);
    }

    fn page_size(&self) -> usize {
        self.page.get().max(1)
    }

    /// Scrolls by `delta` lines (negative is up), clamped so the last page stays full.
    pub fn scroll(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(self.page_size());
        self.offset = self.offset.saturating_add_signed(delta).min(last);
    }

    /// Scrolls by whole pages.
    pub fn page_by(&mut self, pages: isize) {
        let page = isize::try_from(self.page_size()).unwrap_or(1);
        self.scroll(pages.saturating_mul(page));
    }

    /// Jumps to the top (`false`) or bottom (`true`).
    pub fn jump_end(&mut self, bottom: bool) {
        self.offset = 0;
        if bottom {
            self.scroll(isize::MAX);
        }
    }

    /// Searches for `query` and shows the first match from the current position.
    pub fn find(&mut self, query: &str) {
        self.refresh_search(query);
        if let Some(line) = self.search.first_from(self.offset) {
            self.show(line);
        }
    }

    /// Next (`1`) or previous (`-1`) match.
    pub fn jump(&mut self, direction: isize) {
        if let Some(line) = self.search.step(direction) {
            self.show(line);
        }
    }

    /// Scrolls so `line` is visible, a few lines from the top.
    fn show(&mut self, line: usize) {
        self.offset = 0;
        self.scroll(isize::try_from(line.saturating_sub(3)).unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_wraps_and_scrolls() {
        let mut pane = TextPane::default();
        pane.page.set(5);
        pane.set_lines((0..40).map(|i| format!("line {i}")).collect());
        pane.find("LINE 1");
        assert_eq!(pane.search.matches.len(), 11, "1 and 10..19");
        assert_eq!(pane.offset, 0);
        pane.jump(1);
        assert_eq!(pane.offset, 7, "line 10 a few lines from the top");
        pane.jump(-1);
        pane.jump(-1);
        assert_eq!(pane.search.current, 10, "wrapped to the last match");
        assert_eq!(pane.search.summary().as_deref(), Some("/line 1 11/11"));
        pane.jump_end(true);
        assert_eq!(pane.offset, 35);
    }
}
