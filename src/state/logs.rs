//! The logs view: a bounded ring buffer of lines (an hour of a chatty pod must not grow memory),
//! follow/pause, container, previous, timestamps, wrap and search.

use std::collections::VecDeque;

use super::text_pane::Search;

/// Lines kept by default; the oldest are dropped beyond this.
pub const DEFAULT_LOG_CAP: usize = 50_000;
/// Lines asked for when a stream starts (`tailLines`).
pub const DEFAULT_TAIL: u64 = 1_000;

/// The `tailLines` choices `T` cycles through; `None` is the whole log.
pub const TAIL_STEPS: [Option<u64>; 4] = [Some(100), Some(DEFAULT_TAIL), Some(10_000), None];

/// The tail size after `current` in [`TAIL_STEPS`] (wrapping).
pub fn next_tail(current: Option<u64>) -> Option<u64> {
    let at = TAIL_STEPS.iter().position(|t| *t == current);
    let next = at.map_or(0, |i| (i + 1) % TAIL_STEPS.len());
    TAIL_STEPS[next]
}

/// A ring buffer of log lines with a fixed capacity.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<String>,
    cap: usize,
    /// Lines dropped from the front since the stream started.
    dropped: u64,
}

impl LogBuffer {
    /// An empty buffer holding at most `cap` lines (at least one).
    pub fn new(cap: usize) -> LogBuffer {
        LogBuffer {
            lines: VecDeque::with_capacity(cap.clamp(1, 4096)),
            cap: cap.max(1),
            dropped: 0,
        }
    }

    /// Appends lines, dropping the oldest beyond the cap; returns how many were dropped.
    pub fn extend(&mut self, lines: impl IntoIterator<Item = String>) -> usize {
        let mut dropped = 0;
        for line in lines {
            if self.lines.len() == self.cap {
                self.lines.pop_front();
                dropped += 1;
            }
            self.lines.push_back(line);
        }
        self.dropped += dropped as u64;
        dropped
    }

    /// Lines held now.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True before the first line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Most lines held.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Lines dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Line `i` (0 = oldest kept).
    pub fn get(&self, i: usize) -> Option<&str> {
        self.lines.get(i).map(String::as_str)
    }

    /// Lines in `range` (clamped).
    pub fn range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &str> {
        let end = range.end.min(self.lines.len());
        let start = range.start.min(end);
        self.lines.range(start..end).map(String::as_str)
    }

    /// Forgets every line (new stream).
    pub fn clear(&mut self) {
        self.lines.clear();
        self.dropped = 0;
    }
}

/// What the log stream asks the server for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOptions {
    pub container: Option<String>,
    pub previous: bool,
    pub timestamps: bool,
    pub tail: Option<u64>,
}

/// State of the logs view of one pod.
#[derive(Debug, Clone)]
pub struct LogView {
    pub buffer: LogBuffer,
    /// Containers of the pod (init containers included), for the picker (`c`).
    pub containers: Vec<String>,
    pub options: LogOptions,
    /// Stick to the newest line; off while the user scrolls back (paused).
    pub follow: bool,
    pub wrap: bool,
    /// First line on screen when not following.
    pub offset: usize,
    /// Rows on screen at the last draw (for paging).
    pub page: std::cell::Cell<usize>,
    pub search: Search,
    /// Why the stream ended (`None` while it runs or after a clean end).
    pub ended: Option<String>,
    /// True while the pod object (for the container list) is being fetched.
    pub waiting_for_pod: bool,
    /// The container picker (`c`) is open, its cursor on this entry of `containers`.
    pub picking: Option<usize>,
    /// The pods and streams of a workload's merged logs (`None`: one pod's log).
    pub workload: Option<Box<super::workload_logs::WorkloadLogs>>,
}

impl LogView {
    /// A view waiting for the pod's containers, keeping at most `cap` lines.
    pub fn new(cap: usize) -> LogView {
        LogView {
            buffer: LogBuffer::new(cap),
            containers: Vec::new(),
            picking: None,
            options: LogOptions {
                container: None,
                previous: false,
                timestamps: false,
                tail: Some(DEFAULT_TAIL),
            },
            follow: true,
            wrap: false,
            offset: 0,
            page: std::cell::Cell::new(0),
            search: Search::default(),
            ended: None,
            waiting_for_pod: true,
            workload: None,
        }
    }

    /// Adds streamed lines; keeps the viewport on the same text while paused.
    pub fn push(&mut self, lines: Vec<String>) {
        let dropped = self.buffer.extend(lines);
        if !self.follow {
            self.offset = self.offset.saturating_sub(dropped);
        }
    }

    /// Scrolls by `delta` lines; scrolling up pauses following, reaching the end resumes it.
    pub fn scroll(&mut self, delta: isize) {
        let page = self.page.get().max(1);
        let last_top = self.buffer.len().saturating_sub(page);
        let from = if self.follow { last_top } else { self.offset };
        self.offset = from.saturating_add_signed(delta).min(last_top);
        self.follow = self.offset >= last_top && delta > 0;
    }

    /// Pause or resume following.
    pub fn toggle_follow(&mut self) {
        if self.follow {
            let page = self.page.get().max(1);
            self.offset = self.buffer.len().saturating_sub(page);
        }
        self.follow = !self.follow;
    }

    /// Recomputes search matches over the buffer and jumps to the last one (newest).
    pub fn find(&mut self, query: &str) {
        let lines: Vec<&str> = self.buffer.range(0..self.buffer.len()).collect();
        self.search.set(query, &lines);
        if let Some(line) = self.search.last() {
            self.show_line(line);
        }
    }

    /// Next (`1`) or previous (`-1`) search match.
    pub fn jump(&mut self, direction: isize) {
        if let Some(line) = self.search.step(direction) {
            self.show_line(line);
        }
    }

    fn show_line(&mut self, line: usize) {
        self.follow = false;
        let page = self.page.get().max(1);
        self.offset = line.saturating_sub(page / 2);
    }

    /// A fresh stream: clear lines and state tied to the old one.
    pub fn restart(&mut self) {
        self.buffer.clear();
        self.follow = true;
        self.offset = 0;
        self.ended = None;
        self.search = Search::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_sizes_cycle_through_all() {
        assert_eq!(next_tail(Some(100)), Some(1_000));
        assert_eq!(next_tail(Some(1_000)), Some(10_000));
        assert_eq!(next_tail(Some(10_000)), None);
        assert_eq!(next_tail(None), Some(100));
        assert_eq!(next_tail(Some(7)), Some(100));
    }

    #[test]
    fn buffer_is_bounded_and_counts_drops() {
        let mut b = LogBuffer::new(3);
        assert_eq!(b.extend((0..2).map(|i| i.to_string())), 0);
        assert_eq!(b.extend((2..7).map(|i| i.to_string())), 4);
        assert_eq!(b.len(), 3);
        assert_eq!(b.dropped(), 4);
        assert_eq!(b.range(0..10).collect::<Vec<_>>(), ["4", "5", "6"]);
        let mut big = LogBuffer::new(DEFAULT_LOG_CAP);
        big.extend((0..DEFAULT_LOG_CAP + 10).map(|i| format!("line {i}")));
        assert_eq!(big.len(), DEFAULT_LOG_CAP);
        assert_eq!(big.get(0), Some("line 10"));
    }

    #[test]
    fn paused_view_keeps_its_place_while_lines_drop() {
        let mut v = LogView::new(100);
        v.page.set(10);
        v.push((0..100).map(|i| i.to_string()).collect());
        v.scroll(-20);
        assert!(!v.follow);
        assert_eq!(v.offset, 70);
        v.push((100..110).map(|i| i.to_string()).collect());
        assert_eq!(v.offset, 60, "same text stays on screen");
        assert_eq!(v.buffer.get(v.offset), Some("70"));
        v.scroll(1000);
        assert!(v.follow, "reaching the end resumes following");
    }
}
