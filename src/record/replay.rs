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

    /// The recorded document `path` of `context` as of the moment shown, if any.
    pub fn doc(&self, context: &str, path: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let state = self.state_at(self.now())?;
        let key = (context.to_owned(), path.to_owned());
        Ok(state.docs.get(&key).map(|(_, body)| body.clone()))
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
        for (c, _) in state.docs.keys() {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        Ok(out)
    }

    /// True when the recording watched pods of all namespaces (so replay starts there too).
    pub fn all_namespaces(&self) -> Result<bool, FormatError> {
        let state = self.state_at(self.recording.span().1)?;
        Ok(state.streams.values().any(|s| s.path == "/api/v1/pods"))
    }

    /// A kubeconfig naming the recorded contexts, each with the namespace its pods were
    /// recorded in; its server is never contacted (the client refuses the network).
    pub fn kubeconfig_yaml(&self) -> Result<String, FormatError> {
        let contexts = self.contexts()?;
        let state = self.state_at(self.recording.span().1)?;
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        let mut yaml = String::from(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: recording\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: recording\n  user: {}\ncontexts:\n",
        );
        for c in &contexts {
            let namespace = state
                .streams
                .values()
                .filter(|s| &s.context == c)
                .find_map(|s| {
                    let rest = s.path.strip_prefix("/api/v1/namespaces/")?;
                    rest.strip_suffix("/pods").map(str::to_owned)
                })
                .unwrap_or_else(|| "default".into());
            yaml.push_str(&format!(
                "- name: {}\n  context:\n    cluster: recording\n    user: recording\n    namespace: {}\n",
                quote(c),
                quote(&namespace)
            ));
        }
        if let Some(first) = contexts.first() {
            yaml.push_str(&format!("current-context: {}\n", quote(first)));
        }
        Ok(yaml)
    }
}
