//! A recording opened for replay: the moment being shown (a clock every replayed stream
//! follows) and the recorded state at that moment, built once per moment for all of them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::format::FormatError;
use super::keyframe::Keyframe;
use super::reader::Recording;

#[derive(Debug)]
pub struct Replay {
    recording: Recording,
    clock: tokio::sync::watch::Sender<i64>,
    /// The state at the last moment asked for.
    cache: Mutex<Option<(i64, Arc<Keyframe>)>>,
}

impl Replay {
    /// Opens `path`; the clock starts at the end of the recording (its fullest state).
    pub fn open(path: &Path) -> Result<Replay, FormatError> {
        let recording = Recording::open(path)?;
        let (_, end) = recording.span();
        let (clock, _) = tokio::sync::watch::channel(end);
        Ok(Replay {
            recording,
            clock,
            cache: Mutex::new(None),
        })
    }

    pub fn recording(&self) -> &Recording {
        &self.recording
    }

    /// The moment shown, ms since the epoch.
    pub fn now(&self) -> i64 {
        *self.clock.borrow()
    }

    /// Moves every replayed stream to `t` (clamped to the recording).
    pub fn seek(&self, t: i64) {
        let (first, last) = self.recording.span();
        self.clock.send_replace(t.clamp(first, last));
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<i64> {
        self.clock.subscribe()
    }

    /// The recorded state at `t`; blocking (reads the file): call it off the async threads.
    pub fn state_at(&self, t: i64) -> Result<Arc<Keyframe>, FormatError> {
        let mut cache = self.cache.lock().map_err(|_| FormatError::Corrupt {
            offset: 0,
            what: "a reader panicked".into(),
        })?;
        if let Some((at, state)) = cache.as_ref()
            && *at == t
        {
            return Ok(Arc::clone(state));
        }
        let state = Arc::new(self.recording.state_at(t)?);
        *cache = Some((t, Arc::clone(&state)));
        Ok(state)
    }

    /// The contexts the recording has streams of, in order of first appearance.
    pub fn contexts(&self) -> Result<Vec<String>, FormatError> {
        let (_, end) = self.recording.span();
        let state = self.state_at(end)?;
        let mut out: Vec<String> = Vec::new();
        for s in state.streams.values() {
            if !out.contains(&s.context) {
                out.push(s.context.clone());
            }
        }
        for c in state.versions.keys() {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        Ok(out)
    }
}
