//! Health of every context for the contexts pane: version and latency, checked lazily — only
//! the rows on screen while the pane is, each at most every [`POLL_EVERY`] and a few per tick,
//! so 200 contexts cost what the handful on screen cost — and never by running an exec plugin
//! for a context the user has not selected (see `tasks::health`).

use std::collections::HashMap;

use super::{Screen, State};
use crate::msg::{Effect, HealthResult};

/// Seconds between two checks of one context.
pub const POLL_EVERY: i64 = 30;
/// Most contexts checked per tick: the checks of a screenful are spread over a few seconds
/// rather than made in one burst of TLS handshakes.
pub const PER_TICK: usize = 4;

/// What is known about the other contexts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Latest answer per context name.
    pub results: HashMap<String, HealthResult>,
    /// When each context was last asked about (Unix seconds).
    pub asked: HashMap<String, i64>,
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

/// On every tick, while the contexts pane is visible: checks the contexts on screen whose
/// last check is [`POLL_EVERY`] seconds old, at most [`PER_TICK`] of them. The open context is
/// left out (the status bar polls it).
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    let visible =
        state.screen == Screen::Main && state.detail.is_none() && state.contexts_visible();
    if !visible || state.fatal.is_some() {
        return Vec::new();
    }
    let now = state.now.as_second();
    let shown = state.contexts_cursor.shown(state.contexts.len());
    let asked = &state.health.asked;
    let contexts: Vec<String> = state.contexts[shown]
        .iter()
        .map(|c| &c.name)
        .filter(|name| state.context.as_ref() != Some(*name))
        .filter(|name| asked.get(*name).is_none_or(|t| now - t >= POLL_EVERY))
        .take(PER_TICK)
        .cloned()
        .collect();
    if contexts.is_empty() {
        return Vec::new();
    }
    for name in &contexts {
        state.health.asked.insert(name.clone(), now);
    }
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
    // A fleet member's own streams say it fails (an exec plugin, a 401) before any check.
    let member = state
        .fleet
        .as_ref()
        .and_then(|f| f.members.iter().find(|m| &*m.name == name));
    if let Some(problem) = member.and_then(|m| m.problem.as_ref()) {
        return ContextHealth::Down(problem.message());
    }
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
