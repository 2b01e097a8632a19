//! Gentle background churn: at a steady rate a ReplicaSet's pod is deleted gracefully (and, as a
//! ReplicaSet does, replaced at once), a container restarts, or a pod fails or passes its
//! readiness probe, each a watch event. Pods change; controllers keep exactly their replicas and
//! their status follows (see `controller`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use tokio::task::JoinHandle;

use super::api::graceful_delete;
use super::controller::{controller_of_obj, set_pod_ready, sync_owner};
use super::pods::{Scenario, restart_container};
use super::resources::Kind;
use super::rng::Rng;
use super::store::{Obj, Store};
use super::workloads::PodFacts;

/// Starts the churn task; a rate of 0 (or less) makes it return at once.
pub(crate) fn spawn(store: Arc<Store>, rate: f64, seed: u64) -> JoinHandle<()> {
    spawn_counted(store, rate, seed, Arc::default())
}

/// Like `spawn`, counting the steps made in `made` (fewer than asked for when the server
/// is too busy for the rate).
pub(crate) fn spawn_counted(
    store: Arc<Store>,
    rate: f64,
    seed: u64,
    made: Arc<AtomicU64>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if rate <= 0.0 || !rate.is_finite() {
            return;
        }
        // Ticks no closer than 10 ms apart, each making the changes due since the last one: a
        // timer cannot wake every 2 ms for 500 events/s, but a batch every 10 ms keeps the rate.
        let every = Duration::from_secs_f64((1.0 / rate).clamp(0.010, 3600.0));
        let per_tick = rate * every.as_secs_f64();
        let mut churn = Churn {
            rng: Rng::new(seed.wrapping_add(1)),
            flaky: VecDeque::new(),
        };
        let mut ticker = tokio::time::interval(every);
        // A server too busy for the rate sheds churn; catching up in a burst would starve
        // every request (and the chaos switch) on a single-threaded runtime.
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        ticker.tick().await;
        let mut due = 0.0;
        loop {
            ticker.tick().await;
            due += per_tick;
            while due >= 1.0 {
                due -= 1.0;
                churn.step(&store);
                made.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
}

struct Churn {
    rng: Rng,
    /// Pods churn made fail their readiness probe, oldest first: they recover in turn, so
    /// only a few are ever not ready because of churn.
    flaky: VecDeque<(String, String)>,
}

impl Churn {
    fn step(&mut self, store: &Arc<Store>) {
        let roll = self.rng.unit();
        if roll < 0.4 {
            replace(store, &mut self.rng);
        } else if roll < 0.75 {
            restart(store, &mut self.rng);
        } else {
            self.readiness(store);
        }
    }

    /// A running pod fails its readiness probe, or one that did passes it again.
    fn readiness(&mut self, store: &Arc<Store>) {
        if self.flaky.len() >= 3 || (!self.flaky.is_empty() && self.rng.unit() < 0.5) {
            if let Some((ns, name)) = self.flaky.pop_front() {
                set_pod_ready(store, &ns, &name, true);
            }
            return;
        }
        let pod = pick(store, &mut self.rng, |p| {
            p.field(Kind::Pod, "status.phase") == Some("Running")
                && p.field(Kind::Pod, "spec.restartPolicy") != Some("Never")
        });
        if let Some(pod) = pod
            && set_pod_ready(store, pod.namespace(), pod.name(), false)
        {
            self.flaky
                .push_back((pod.namespace().to_string(), pod.name().to_string()));
        }
    }
}

/// A random pod that `keep` accepts, after a few tries.
fn pick(store: &Store, rng: &mut Rng, keep: impl Fn(&Obj) -> bool) -> Option<Arc<Obj>> {
    (0..8)
        .filter_map(|_| store.nth(Kind::Pod, rng.next_u64()))
        .find(|p| keep(p))
}

/// Deletes one of a ReplicaSet's pods; the ReplicaSet replaces it with a pod that mostly runs
/// and sometimes is still being created, cannot pull its image or is not ready yet, so the mix
/// of states holds over a long run.
fn replace(store: &Arc<Store>, rng: &mut Rng) {
    let pod = pick(store, rng, |p| {
        p.label("pod-template-hash").is_some() && PodFacts::of(p).is_some_and(|f| !f.terminating)
    });
    let Some(pod) = pod else {
        return;
    };
    let owned = controller_of_obj(&pod).is_some_and(|o| o.kind == "ReplicaSet");
    if !owned {
        return;
    }
    let next = match rng.unit() {
        u if u < 0.85 => Scenario::Running,
        u if u < 0.92 => Scenario::ContainerCreating,
        u if u < 0.95 => Scenario::ImagePullBackOff,
        _ => Scenario::NotReady,
    };
    graceful_delete(store, pod.namespace(), pod.name(), Some(30), Some(next));
}

/// Restarts the first container of a random running pod that may restart.
fn restart(store: &Arc<Store>, rng: &mut Rng) {
    let pod = pick(store, rng, |p| {
        p.field(Kind::Pod, "status.phase") == Some("Running")
            && p.field(Kind::Pod, "spec.restartPolicy") != Some("Never")
    });
    if let Some(pod) = pod
        && let Some(change) = store.update(Kind::Pod, pod.namespace(), pod.name(), |v| {
            restart_container(v, Timestamp::now())
        })
    {
        sync_owner(store, &change.obj.value());
    }
}
