//! The newest API calls the app made, kept in a ring for the request log pane.

use std::collections::VecDeque;

use super::cursor::Cursor;
use crate::msg::RequestRecord;

/// How many calls the log keeps.
pub const REQUEST_LOG_CAP: usize = 500;

/// A bounded log of API calls; row 0 of the pane is the newest.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    /// Oldest first.
    records: VecDeque<RequestRecord>,
    /// Cursor over the rows, newest first.
    pub cursor: Cursor,
}

impl RequestLog {
    /// Adds a call, dropping the oldest beyond [`REQUEST_LOG_CAP`]. A user reading older
    /// rows keeps the same row under the cursor.
    pub fn push(&mut self, record: RequestRecord) {
        if self.records.len() == REQUEST_LOG_CAP {
            self.records.pop_front();
        }
        self.records.push_back(record);
        if self.cursor.selected() > 0 {
            self.cursor.step(1, self.records.len());
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Row `index` of the pane (0 = newest).
    pub fn newest_first(&self, index: usize) -> Option<&RequestRecord> {
        let from_end = self.records.len().checked_sub(index + 1)?;
        self.records.get(from_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            path: path.into(),
            status: Some(200),
            ..RequestRecord::default()
        }
    }

    #[test]
    fn ring_keeps_the_newest_and_shows_them_first() {
        let mut log = RequestLog::default();
        for i in 0..REQUEST_LOG_CAP + 3 {
            log.push(record(&format!("/p/{i}")));
        }
        assert_eq!(log.len(), REQUEST_LOG_CAP);
        let newest = log.newest_first(0).map(|r| r.path.as_str());
        assert_eq!(newest, Some("/p/502"));
        let oldest = log
            .newest_first(REQUEST_LOG_CAP - 1)
            .map(|r| r.path.as_str());
        assert_eq!(oldest, Some("/p/3"));
        assert!(log.newest_first(REQUEST_LOG_CAP).is_none());
    }

    #[test]
    fn reading_older_rows_is_not_disturbed() {
        let mut log = RequestLog::default();
        log.push(record("/a"));
        log.push(record("/b"));
        log.cursor.select(1, log.len());
        log.push(record("/c"));
        let selected = log
            .newest_first(log.cursor.selected())
            .map(|r| r.path.as_str());
        assert_eq!(selected, Some("/a"));
    }
}
