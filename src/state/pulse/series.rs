//! A bounded series of samples, newest last.

use std::collections::VecDeque;

/// Samples kept: an hour of per-second samples, ten hours of 10-second polls.
pub const CAP: usize = 3600;

/// Samples over the session, the oldest dropped beyond [`CAP`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    samples: VecDeque<u64>,
}

impl Series {
    /// Appends a sample.
    pub fn push(&mut self, value: u64) {
        if self.samples.len() == CAP {
            self.samples.pop_front();
        }
        self.samples.push_back(value);
    }

    /// Samples held.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True before the first sample.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The newest sample.
    pub fn latest(&self) -> Option<u64> {
        self.samples.back().copied()
    }

    /// The newest `n` samples (fewer when fewer are held), oldest first: what a chart `n`
    /// cells wide shows.
    pub fn newest(&self, n: usize) -> Vec<u64> {
        let skip = self.samples.len().saturating_sub(n);
        self.samples.iter().skip(skip).copied().collect()
    }

    /// The largest sample held.
    pub fn peak(&self) -> Option<u64> {
        self.samples.iter().copied().max()
    }
}
