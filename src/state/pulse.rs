//! The pulse view (`:pulse`): what the app already receives, counted for pictures. Pods by
//! phase per namespace and the pods that restarted most in the last hour come from the pods
//! table; watch events per second and `/version` latency are sampled over the session; nodes
//! by condition come from one list, renewed while the view is open. Facts only; ui draws them.

mod counts;
mod series;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use counts::{NsPhases, PHASES, Phase, Restarted, by_namespace, phase, top_restarts};
pub use series::Series;

use super::{Screen, State};
use crate::kube::Failure;
use crate::kube::nodes::NodeHealth;
use crate::kube::table::PodRow;
use crate::kube::watcher::Change;
use crate::msg::Effect;

/// Seconds between two node lists while the view is open.
const NODES_EVERY: i64 = 15;
/// How far back "restarted in the last hour" looks, in seconds.
pub const RESTART_WINDOW: i64 = 3600;
/// Most pods whose restarts are remembered (a crash-looping fleet must not grow memory).
const RESTARTED_PODS_CAP: usize = 10_000;

/// The counters and samples behind the pulse view.
#[derive(Debug, Clone, Default)]
pub struct Pulse {
    /// Watch events received during `second`.
    pending: u64,
    /// The whole second (Unix) `pending` counts for; `None` before the first tick.
    second: Option<i64>,
    /// Watch events per second, one sample a second.
    pub events: Series,
    /// `/version` latency in microseconds, one sample per poll of the open context.
    pub latency: Series,
    /// Restart increments the watch saw, per pod: (Unix second, how many).
    restarts: HashMap<(String, String), Vec<(i64, u32)>>,
    /// The last node list (`None`: not asked yet).
    pub nodes: Option<Result<Vec<NodeHealth>, Failure>>,
    /// The node list awaited, and when it was asked for.
    nodes_asked: Option<(u64, i64)>,
    /// First namespace row the phases chart shows.
    pub scroll: usize,
}

impl Pulse {
    /// Counts `n` watch events (pods or the open kind's table).
    pub fn count(&mut self, n: usize) {
        self.pending += n as u64;
    }

    /// Increments of pod `namespace/name`'s restarts seen within the last hour before `now`.
    pub fn restarts_seen(&self, namespace: &str, name: &str, now: i64) -> u32 {
        let key = (namespace.to_string(), name.to_string());
        self.restarts.get(&key).map_or(0, |seen| {
            let since = now - RESTART_WINDOW;
            seen.iter()
                .filter(|(t, _)| *t > since)
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Closes the seconds before `now`: the events of each become one sample (a second with
    /// none is a zero, so a quiet minute shows as quiet).
    fn advance(&mut self, now: i64) {
        let Some(second) = self.second else {
            self.second = Some(now);
            return;
        };
        if now <= second {
            return;
        }
        self.events.push(std::mem::take(&mut self.pending));
        let gap = usize::try_from(now - second - 1).unwrap_or(usize::MAX);
        for _ in 0..gap.min(series::CAP) {
            self.events.push(0);
        }
        self.second = Some(now);
        if now / 60 != second / 60 {
            self.prune(now);
        }
    }

    /// Forgets restarts older than the window, and the most pods beyond the cap.
    fn prune(&mut self, now: i64) {
        let since = now - RESTART_WINDOW;
        self.restarts.retain(|_, seen| {
            seen.retain(|(t, _)| *t > since);
            !seen.is_empty()
        });
        if self.restarts.len() > RESTARTED_PODS_CAP {
            self.restarts.clear();
        }
    }

    /// A new context: its latency, restarts and nodes start over; the events keep counting.
    pub fn new_context(&mut self) {
        self.latency = Series::default();
        self.restarts.clear();
        self.nodes = None;
        self.nodes_asked = None;
    }
}

/// Pods watch changes: counted, and a pod whose restart count went up is remembered (the
/// table still holds its previous row).
pub fn on_pod_changes(state: &mut State, changes: &[Change<PodRow>]) {
    let now = state.now.as_second();
    let pulse = &mut state.pulse;
    pulse.count(changes.len());
    for change in changes {
        let Change::Modified(row) = change else {
            continue;
        };
        let Some(old) = state
            .pods
            .get_in(row.context.as_deref(), &row.namespace, &row.name)
        else {
            continue;
        };
        if row.restarts > old.restarts {
            let key = (row.namespace.clone(), row.name.clone());
            let seen = pulse.restarts.entry(key).or_default();
            seen.push((now, row.restarts - old.restarts));
        }
    }
}

/// A `/version` answer of the open context.
pub fn on_latency(state: &mut State, latency: std::time::Duration) {
    let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    state.pulse.latency.push(micros);
}

/// Every second: close the events sample; while the view is open, renew the node list.
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    let now = state.now.as_second();
    state.pulse.advance(now);
    if state.screen != Screen::Pulse {
        return Vec::new();
    }
    state.dirty = true;
    let due = state
        .pulse
        .nodes_asked
        .is_none_or(|(_, at)| now - at >= NODES_EVERY);
    if due { ask_nodes(state) } else { Vec::new() }
}

/// `:pulse`: open the view and list the nodes.
pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Pulse;
    state.pulse.scroll = 0;
    state.dirty = true;
    ask_nodes(state)
}

fn ask_nodes(state: &mut State) -> Vec<Effect> {
    let Some(context) = state.context.clone() else {
        return Vec::new();
    };
    let id = state.new_id();
    state.pulse.nodes_asked = Some((id, state.now.as_second()));
    vec![Effect::PulseNodes { id, context }]
}

/// The node list `id` answered; an older one is dropped. A failure is kept to be shown,
/// and asked again at the next renewal.
pub fn on_nodes(state: &mut State, id: u64, result: Result<Vec<NodeHealth>, Failure>) {
    if state.pulse.nodes_asked.map(|(asked, _)| asked) != Some(id) {
        return;
    }
    state.pulse.nodes = Some(result);
    state.dirty |= state.screen == Screen::Pulse;
}

/// Up/down scroll the phases chart; `None` for other actions.
pub fn on_action(state: &mut State, action: crate::keys::Action) -> Option<Vec<Effect>> {
    use crate::keys::Action;
    if action == Action::Refresh {
        return Some(ask_nodes(state));
    }
    let last = by_namespace(state.pods.rows()).len().saturating_sub(1);
    state.pulse.scroll = super::cursor::scrolled(state.pulse.scroll, action, last)?;
    Some(Vec::new())
}
