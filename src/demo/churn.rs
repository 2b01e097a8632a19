//! Gentle background churn: at a steady rate, a new pod appears, one is deleted gracefully or a
//! container restarts, each a watch event. Keeps the pod count near where it started.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::task::JoinHandle;

use super::api::graceful_delete;
use super::data::{Controller, Seeded, plan_pod};
use super::pods::{Scenario, pod_json, restart_container};
use super::resources::Kind;
use super::rng::Rng;
use super::store::Store;

/// Starts the churn task; a rate of 0 (or less) makes it return at once.
pub(crate) fn spawn(store: Arc<Store>, rate: f64, seed: u64, seeded: Seeded) -> JoinHandle<()> {
    tokio::spawn(async move {
        if rate <= 0.0 || !rate.is_finite() {
            return;
        }
        let every = Duration::from_secs_f64((1.0 / rate).min(3600.0));
        let target = store.count(Kind::Pod);
        let mut rng = Rng::new(seed.wrapping_add(1));
        let mut ticker = tokio::time::interval(every);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            step(&store, &seeded, target, &mut rng);
        }
    })
}

fn step(store: &Arc<Store>, seeded: &Seeded, target: usize, rng: &mut Rng) {
    let count = store.count(Kind::Pod);
    let roll = rng.unit();
    if count < target.saturating_sub(target / 10) || (roll < 0.35 && count <= target + target / 10)
    {
        create(store, seeded, rng);
    } else if roll < 0.7 {
        delete(store, rng);
    } else {
        restart(store, rng);
    }
}

fn create(store: &Store, seeded: &Seeded, rng: &mut Rng) {
    let candidates: Vec<_> = seeded
        .workloads
        .iter()
        .filter(|w| w.controller() == Controller::Deployment)
        .collect();
    if candidates.is_empty() || seeded.nodes.len() < 2 {
        return;
    }
    let w = *rng.pick(&candidates);
    let name = format!("{}-{}-{}", w.app(), w.template_hash, rng.suffix(5));
    if store.get(Kind::Pod, &w.namespace, &name).is_some() {
        return;
    }
    let node = rng.pick(&seeded.nodes[1..]).clone();
    let index = rng.below(1 << 20) as usize;
    let plan = plan_pod(
        w,
        name,
        Scenario::Running,
        Some(&node),
        index,
        Timestamp::now(),
        rng,
    );
    store.put(Kind::Pod, pod_json(&plan, Timestamp::now()));
}

/// Deletes a random pod that is not already going away.
fn delete(store: &Arc<Store>, rng: &mut Rng) {
    let Some(pod) = store.nth(Kind::Pod, rng.next_u64()) else {
        return;
    };
    if pod.value()["metadata"].get("deletionTimestamp").is_none() {
        graceful_delete(store, pod.namespace(), pod.name(), Some(30));
    }
}

/// Restarts the first container of a random running pod.
fn restart(store: &Store, rng: &mut Rng) {
    let Some(pod) = store.nth(Kind::Pod, rng.next_u64()) else {
        return;
    };
    if pod.field(Kind::Pod, "status.phase") == Some("Running") {
        store.update(Kind::Pod, pod.namespace(), pod.name(), |v| {
            restart_container(v, Timestamp::now())
        });
    }
}
