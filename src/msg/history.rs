//! The raw pane's request history as a list: newest last, consecutive repeats folded, capped.
//! Pure, so the state keeps it and the runtime (`crate::history`) stores it.

use super::RawRequest;

/// The most requests kept per context; older ones are dropped first.
pub const MAX_ENTRIES: usize = 200;

/// Appends `request` unless it equals the newest entry, then drops the oldest beyond `cap`.
pub fn push(entries: &mut Vec<RawRequest>, request: RawRequest, cap: usize) {
    if entries.last() != Some(&request) {
        entries.push(request);
    }
    truncate_oldest(entries, cap);
}

/// Keeps only the newest `cap` entries.
pub fn truncate_oldest(entries: &mut Vec<RawRequest>, cap: usize) {
    let excess = entries.len().saturating_sub(cap);
    entries.drain(..excess);
}
