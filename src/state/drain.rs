//! The drain view ("drain node-x"): one line per pod of the node, filled by the drain task's
//! progress. Esc stops a running drain (the node stays cordoned), then closes the view.

use super::{Effect, Notify, State};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::ops::drain::{DrainEvent, DrainOptions, PodProgress, Refusal, Skip};

/// Where one pod of the drain is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodState {
    /// Planned for eviction, not sent yet.
    Pending,
    Skipped(Skip),
    Progress(PodProgress),
}

/// One pod line of the drain view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrainPod {
    pub namespace: String,
    pub name: String,
    pub state: PodState,
}

/// Where the drain as a whole is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Cordoning and listing.
    Starting,
    Evicting,
    Finished,
    /// Unmanaged or emptyDir pods: nothing evicted.
    Refused(Refusal),
    /// Cordon or list failed.
    Failed(Failure),
    /// Esc: stopped by the user.
    Stopped,
}

/// A drain and its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrainView {
    pub id: u64,
    pub node: String,
    pub options: DrainOptions,
    pub cordoned: bool,
    pub phase: Phase,
    pub pods: Vec<DrainPod>,
    /// First pod line shown (j/k scroll).
    pub offset: usize,
}

impl DrainView {
    /// True while the task runs.
    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Starting | Phase::Evicting)
    }

    /// (done, to evict, waiting on a budget, failed): the summary line's counts.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for pod in &self.pods {
            match &pod.state {
                PodState::Skipped(_) => continue,
                PodState::Progress(PodProgress::Evicted | PodProgress::Gone) => counts.0 += 1,
                PodState::Progress(PodProgress::Waiting { .. }) => counts.2 += 1,
                PodState::Progress(PodProgress::Failed(_)) => counts.3 += 1,
                _ => {}
            }
            counts.1 += 1;
        }
        counts
    }
}

/// Starts draining `node` (the dialog said yes).
pub fn start(state: &mut State, node: String, options: DrainOptions) -> Vec<Effect> {
    let id = state.new_id();
    state.ops.drain = Some(DrainView {
        id,
        node: node.clone(),
        options,
        cordoned: false,
        phase: Phase::Starting,
        pods: Vec::new(),
        offset: 0,
    });
    vec![Effect::Drain {
        id,
        context: super::fleet::selected_context(state).unwrap_or_default(),
        node,
        options,
    }]
}

/// Progress of drain `id` (a stopped or closed drain ignores late news).
pub fn on_event(state: &mut State, id: u64, event: DrainEvent) -> Vec<Effect> {
    let Some(view) = state
        .ops
        .drain
        .as_mut()
        .filter(|d| d.id == id && d.running())
    else {
        return Vec::new();
    };
    state.dirty = true;
    match event {
        DrainEvent::Cordoned => view.cordoned = true,
        DrainEvent::Planned(planned) => {
            view.phase = Phase::Evicting;
            view.pods = planned
                .into_iter()
                .map(|p| DrainPod {
                    namespace: p.namespace,
                    name: p.name,
                    state: p.skip.map_or(PodState::Pending, PodState::Skipped),
                })
                .collect();
        }
        DrainEvent::Refused(refusal) => view.phase = Phase::Refused(refusal),
        DrainEvent::Pod { index, progress } => {
            if let Some(pod) = view.pods.get_mut(index) {
                pod.state = PodState::Progress(progress);
            }
        }
        DrainEvent::Finished => {
            view.phase = Phase::Finished;
            let (done, total, _, failed) = view.counts();
            let node = view.node.clone();
            if failed == 0 {
                state.flash.info(format!("node/{node} drained"));
            } else {
                state.flash.error(format!(
                    "drain node/{node}: {done} of {total} pods evicted, {failed} failed"
                ));
            }
        }
        DrainEvent::Failed(e) => view.phase = Phase::Failed(e),
    }
    Vec::new()
}

/// Keys in the drain view: Esc stops a running drain, else closes; j/k scroll.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let view = state.ops.drain.as_mut()?;
    match action {
        Action::Close if view.running() => {
            view.phase = Phase::Stopped;
            let what = if view.cordoned {
                format!("node/{} left cordoned (u uncordons it)", view.node)
            } else {
                format!("node/{}", view.node)
            };
            state.flash.info(format!("drain stopped: {what}"));
            Some(vec![Effect::StopDrain { id: view.id }])
        }
        Action::Close => {
            state.ops.drain = None;
            Some(Vec::new())
        }
        Action::Down | Action::PageDown | Action::Bottom => {
            let step = if action == Action::Down { 1 } else { 10 };
            view.offset = (view.offset + step).min(view.pods.len().saturating_sub(1));
            Some(Vec::new())
        }
        Action::Up | Action::PageUp | Action::Top => {
            let step = if action == Action::Up { 1 } else { 10 };
            view.offset = view.offset.saturating_sub(step);
            Some(Vec::new())
        }
        _ => None,
    }
}
