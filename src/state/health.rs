//! Health of every context for the contexts pane: version and latency, checked lazily — only
//! while the contexts pane is on screen, at most every [`POLL_EVERY`] — and never by running
//! an exec plugin for a context the user has not selected (see `tasks::health`).

use std::collections::HashMap;

use super::{Screen, State};
use crate::msg::{Effect, HealthResult};

/// Seconds between two health rounds.
pub const POLL_EVERY: i64 = 30;

/// What is known about the other contexts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Latest answer per context name.
    pub results: HashMap<String, HealthResult>,
    /// When the last round started (`None`: never).
    pub last_round: Option<jiff::Timestamp>,
}

/// The health shown for a row of the contexts pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextHealth<'a> {
    /// Not checked yet.
    Unknown,
    Up {
        version: &'a str,
        latency: std::time::Duration,
    },
    Down(&'a str),
    /// Exec-plugin credentials: checked only once selected.
    NeedsExec,
}

/// On every tick: starts a round when the contexts pane is visible and the last round is
/// [`POLL_EVERY`] seconds old. The open context is left out (the status bar polls it).
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    let visible =
        state.screen == Screen::Main && state.detail.is_none() && state.contexts_visible();
    if !visible || state.fatal.is_some() {
        return Vec::new();
    }
    let due = state
        .health
        .last_round
        .is_none_or(|t| state.now.as_second() - t.as_second() >= POLL_EVERY);
    if !due {
        return Vec::new();
    }
    let contexts: Vec<String> = state
        .contexts
        .iter()
        .map(|c| c.name.clone())
        .filter(|name| state.context.as_ref() != Some(name))
        .collect();
    if contexts.is_empty() {
        return Vec::new();
    }
    state.health.last_round = Some(state.now);
    vec![Effect::CheckHealth { contexts }]
}

/// Records an answer.
pub fn on_result(state: &mut State, context: String, result: HealthResult) {
    state.dirty = true;
    state.health.results.insert(context, result);
}

/// The health of context `name` as the contexts pane shows it; for the open context, the
/// status bar's own `/version` poll.
pub fn of<'a>(state: &'a State, name: &str) -> ContextHealth<'a> {
    if state.context.as_deref() == Some(name) {
        if let Some(v) = &state.version {
            return ContextHealth::Up {
                version: &v.version.git_version,
                latency: v.latency,
            };
        }
        let error = state
            .connection_error
            .as_ref()
            .or(state.version_error.as_ref());
        return error.map_or(ContextHealth::Unknown, |e| ContextHealth::Down(&e.message));
    }
    match state.health.results.get(name) {
        None => ContextHealth::Unknown,
        Some(HealthResult::Up { version, latency }) => ContextHealth::Up {
            version,
            latency: *latency,
        },
        Some(HealthResult::Down(e)) => ContextHealth::Down(&e.message),
        Some(HealthResult::NeedsExec) => ContextHealth::NeedsExec,
    }
}
