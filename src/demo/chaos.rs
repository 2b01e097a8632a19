//! The chaos schedule: from a seed, reproducibly, a stream of short fault episodes (server
//! errors, 429s, 410s on watch, dropped and cut streams, latency spikes, restarts, bursts of
//! events, namespaces made and removed) on top of churn. Every episode is counted by kind so a
//! soak can prove it was hurt; stopping restores the fault settings from before and heals.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use super::faults::{FaultSettings, Faults, Hit};
use super::objects::namespace_json;
use super::resources::Kind;
use super::rng::Rng;
use super::server::Gate;
use super::store::Store;
use super::tokens::Tokens;

/// The fault kinds of the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Episode {
    /// Half the requests answer 500 or 503 for a while.
    ServerErrors,
    /// Every request answers 429 with `Retry-After` for a while.
    Throttle,
    /// Every new watch ends at once with 410 Expired.
    Watch410,
    /// New watch and log streams are dropped after well under a second.
    DropStreams,
    /// List bodies stop mid-way and watch lines are cut in half, then the connection drops.
    CutBodies,
    /// Requests wait several seconds before being answered.
    Latency,
    /// The listener goes away with every connection, then comes back (the store, and so the
    /// resourceVersion, goes on).
    Restart,
    /// 5 000 pod changes at once, more than a watch's buffer.
    Burst,
    /// A namespace is created, or the last one made is deleted.
    Namespaces,
    /// The bearer token is rotated through its token file and the old one expires after a
    /// moment (only with `--demo-token-file`; never counted without one).
    TokenRotate,
    /// Requests for a list's later pages (`continue`) lose their connection after the
    /// headers: a list dropped mid-way. Watches answer 410 meanwhile, so clients list again.
    DropLists,
}

const ALL: [Episode; 11] = [
    Episode::ServerErrors,
    Episode::Throttle,
    Episode::Watch410,
    Episode::DropStreams,
    Episode::CutBodies,
    Episode::Latency,
    Episode::Restart,
    Episode::Burst,
    Episode::Namespaces,
    Episode::TokenRotate,
    Episode::DropLists,
];

/// Pod changes in one burst.
pub(crate) const BURST: usize = 5_000;

impl Episode {
    pub fn name(self) -> &'static str {
        match self {
            Episode::ServerErrors => "serverErrors",
            Episode::Throttle => "throttle429",
            Episode::Watch410 => "watch410",
            Episode::DropStreams => "dropStreams",
            Episode::CutBodies => "cutBodies",
            Episode::Latency => "latency",
            Episode::Restart => "restart",
            Episode::Burst => "burst",
            Episode::Namespaces => "namespaces",
            Episode::TokenRotate => "tokenRotate",
            Episode::DropLists => "dropLists",
        }
    }
}

/// One scheduled episode: after `gap` of calm, `kind` lasts `length`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub gap: Duration,
    pub kind: Episode,
    pub length: Duration,
    /// Kind-specific size: latency or down time in ms, drop delay in ms.
    pub size: u64,
}

/// The schedule from a seed: the same seed gives the same steps. `pace` scales every duration
/// (1.0 = gaps of 0.5–3 s), so tests can run it faster. Kinds are dealt from a shuffled deck
/// of all of them, so every kind comes once in each round of `ALL.len()` episodes and a short
/// run cannot miss one.
pub(crate) fn schedule(seed: u64, pace: f64) -> impl Iterator<Item = Step> {
    let mut rng = Rng::new(seed);
    let scaled = move |ms: u64| Duration::from_secs_f64(ms as f64 * pace / 1000.0);
    let mut deck: Vec<Episode> = Vec::new();
    std::iter::from_fn(move || {
        if deck.is_empty() {
            deck = ALL.to_vec();
            for i in (1..deck.len()).rev() {
                deck.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
        let gap = scaled(500 + rng.below(2_500));
        let kind = deck.pop()?;
        let length = scaled(500 + rng.below(2_000));
        let size = match kind {
            Episode::Latency => 2_000 + rng.below(3_000),
            Episode::Restart => 200 + rng.below(1_300),
            Episode::DropStreams => 100 + rng.below(900),
            // The old token's grace after a rotation, in ms.
            Episode::TokenRotate => rng.below(1_000),
            _ => rng.below(1_000),
        };
        Some(Step {
            gap,
            kind,
            length,
            size,
        })
    })
}

/// `POST /demo/chaos` body; absent fields keep their defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaosRequest {
    /// true starts (or restarts) the schedule, false stops it and heals.
    pub on: bool,
    pub seed: Option<u64>,
    /// Scales the schedule's durations (default 1.0).
    pub pace: Option<f64>,
    /// Pod events per second of extra churn while the chaos runs (default 0).
    pub churn: Option<f64>,
}

/// `GET /demo/chaos`: whether it runs and what it has injected, by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaosReport {
    pub on: bool,
    pub seed: u64,
    /// Episodes started, by kind.
    pub episodes: BTreeMap<String, u64>,
    /// Requests and streams actually hurt, by kind (see `Faults::hits`).
    pub hits: BTreeMap<String, u64>,
    /// Pod events the run's churn made: fewer than its rate asked for when the server was
    /// too busy to keep up.
    #[serde(default)]
    pub churn_events: u64,
}

/// What a chaos run needs from the server.
#[derive(Clone)]
pub(crate) struct Targets {
    pub store: Arc<Store>,
    pub faults: Arc<Faults>,
    pub gate: Arc<Gate>,
    pub tokens: Arc<Tokens>,
}

#[derive(Default)]
struct Running {
    seed: u64,
    /// The settings to go back to when it stops.
    before: Option<FaultSettings>,
    tasks: Vec<JoinHandle<()>>,
    episodes: BTreeMap<String, u64>,
    /// Churn steps made by this run.
    churned: Arc<AtomicU64>,
    /// Bumped by every start and stop: a schedule acts only while it is the current one.
    generation: u64,
}

/// The chaos switch of a demo server.
pub struct Chaos {
    targets: Targets,
    run: Arc<Mutex<Running>>,
}

impl Chaos {
    pub(crate) fn new(targets: Targets) -> Chaos {
        Chaos {
            targets,
            run: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Running> {
        self.run.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the schedule (stopping a running one first). Needs a tokio runtime.
    pub fn start(&self, seed: u64, pace: f64, churn: f64) {
        self.stop();
        let mut run = self.lock();
        run.seed = seed;
        run.before = Some(self.targets.faults.settings());
        run.episodes.clear();
        run.churned = Arc::default();
        run.generation += 1;
        let live = Live {
            run: self.run.clone(),
            generation: run.generation,
        };
        let pace = if pace.is_finite() && pace > 0.0 {
            pace
        } else {
            1.0
        };
        run.tasks
            .push(tokio::spawn(drive(self.targets.clone(), live, seed, pace)));
        if churn > 0.0 {
            let (store, made) = (self.targets.store.clone(), run.churned.clone());
            let task = super::churn::spawn_counted(store, churn, seed.wrapping_add(7), made);
            run.tasks.push(task);
        }
        tracing::info!(seed, pace, churn, "demo chaos started");
    }

    /// Stops the schedule, puts the fault settings back as they were before it started and
    /// ends any restart's down time: the server serves again at once.
    pub fn stop(&self) {
        let mut run = self.lock();
        // Under the lock: an aborted task still inside its last poll can no longer act.
        run.generation += 1;
        for task in run.tasks.drain(..) {
            task.abort();
        }
        if let Some(before) = run.before.take() {
            self.targets.faults.apply(&before);
            self.targets.faults.set_throttle(false);
            self.targets.faults.set_cut_bodies(false);
            self.targets.faults.set_drop_pages(false);
            tracing::info!("demo chaos stopped");
        }
        self.targets.gate.heal();
    }

    pub fn report(&self) -> ChaosReport {
        let run = self.lock();
        // Every kind is listed, so a kind the schedule never picked shows as 0.
        let mut episodes: BTreeMap<String, u64> =
            ALL.iter().map(|k| (k.name().to_string(), 0)).collect();
        episodes.extend(run.episodes.clone());
        let mut hits = self.targets.faults.hits();
        hits.insert("tokenRotate".into(), self.targets.tokens.counts().1);
        ChaosReport {
            on: !run.tasks.is_empty(),
            seed: run.seed,
            episodes,
            hits,
            churn_events: run.churned.load(Ordering::Relaxed),
        }
    }

    /// Applies a `POST /demo/chaos` body.
    pub fn apply(&self, req: &ChaosRequest) {
        if req.on {
            let seed = req.seed.unwrap_or_else(|| self.lock().seed);
            self.start(seed, req.pace.unwrap_or(1.0), req.churn.unwrap_or(0.0));
        } else {
            self.stop();
        }
    }
}

impl Drop for Chaos {
    fn drop(&mut self) {
        for task in self.lock().tasks.drain(..) {
            task.abort();
        }
    }
}

/// A running schedule's right to act: lost when it is stopped or started again.
struct Live {
    run: Arc<Mutex<Running>>,
    generation: u64,
}

impl Live {
    /// Runs `act` if this schedule is still the current one; false once it was stopped.
    fn act(&self, act: impl FnOnce(&mut Running)) -> bool {
        let mut run = self.run.lock().unwrap_or_else(PoisonError::into_inner);
        let current = run.generation == self.generation;
        if current {
            act(&mut run);
        }
        current
    }
}

async fn drive(targets: Targets, live: Live, seed: u64, pace: f64) {
    let mut rng = Rng::new(seed.wrapping_add(3));
    let mut made: Vec<String> = Vec::new();
    for step in schedule(seed, pace) {
        tokio::time::sleep(step.gap).await;
        if step.kind == Episode::TokenRotate && targets.tokens.file().is_none() {
            continue; // nothing to rotate: clients hold the token inline
        }
        let counted = live.act(|run| {
            *run.episodes
                .entry(step.kind.name().to_string())
                .or_default() += 1;
        });
        if !counted {
            return;
        }
        tracing::debug!(kind = step.kind.name(), "demo chaos episode");
        inject(&targets, &live, &step, &mut rng, &mut made).await;
    }
}

/// Runs one episode to its end and undoes what it switched on. Faults of requests end with
/// dropping every open connection (a bounce, no down time), so clients holding a long watch
/// reconnect into the fault instead of sailing past it.
async fn inject(t: &Targets, live: &Live, step: &Step, rng: &mut Rng, made: &mut Vec<String>) {
    let f = &t.faults;
    let l = step.length;
    match step.kind {
        Episode::ServerErrors => {
            let was = f.error_rate();
            hold(
                t,
                live,
                l,
                |f| f.set_error_rate(0.5),
                |f| f.set_error_rate(was),
            )
            .await;
        }
        Episode::Throttle => {
            hold(
                t,
                live,
                l,
                |f| f.set_throttle(true),
                |f| f.set_throttle(false),
            )
            .await
        }
        Episode::Watch410 => {
            let was = f.watch_410();
            hold(
                t,
                live,
                l,
                |f| f.set_watch_410(true),
                |f| f.set_watch_410(was),
            )
            .await;
        }
        Episode::DropStreams => {
            let was = f.drop_after();
            let after = Some(Duration::from_millis(step.size));
            hold(
                t,
                live,
                l,
                |f| f.set_drop_after(after),
                |f| f.set_drop_after(was),
            )
            .await;
        }
        Episode::CutBodies => {
            hold(
                t,
                live,
                l,
                |f| f.set_cut_bodies(true),
                |f| f.set_cut_bodies(false),
            )
            .await
        }
        Episode::Latency => {
            let was = f.latency();
            let spike = Duration::from_millis(step.size);
            hold(t, live, l, |f| f.set_latency(spike), |f| f.set_latency(was)).await;
        }
        Episode::Restart => {
            live.act(|_| t.gate.restart(Duration::from_millis(step.size)));
        }
        Episode::Burst => burst(&t.store, rng).await,
        Episode::TokenRotate => {
            live.act(|_| {
                let grace = Duration::from_millis(step.size);
                if let Err(e) = t.tokens.rotate(grace) {
                    tracing::warn!("demo chaos: token rotation failed: {e}");
                }
            });
        }
        Episode::DropLists => {
            // Watches expire too, so clients list again (and meet the drop) rather than
            // resume their watches after the bounce.
            let was = f.watch_410();
            let on = |f: &Faults| {
                f.set_drop_pages(true);
                f.set_watch_410(true);
            };
            let off = |f: &Faults| {
                f.set_drop_pages(false);
                f.set_watch_410(was);
            };
            hold(t, live, l, on, off).await
        }
        Episode::Namespaces => {
            live.act(|_| namespaces(&t.store, rng, made));
        }
    }
}

/// Switches a fault on (then bounces every connection into it) for `length`, then off; a
/// stopped schedule does neither, as stopping already healed.
async fn hold(
    t: &Targets,
    live: &Live,
    length: Duration,
    on: impl FnOnce(&Faults),
    off: impl FnOnce(&Faults),
) {
    let switched = live.act(|_| {
        on(&t.faults);
        t.gate.restart(Duration::ZERO);
    });
    if switched {
        tokio::time::sleep(length).await;
        live.act(|_| off(&t.faults));
    }
}

/// `BURST` pod changes (an annotation), in slices so the server keeps answering meanwhile.
async fn burst(store: &Store, rng: &mut Rng) {
    let mark = rng.next_u64().to_string();
    // Small slices: a debug build takes a while per change and must keep serving.
    for slice in 0..BURST / 50 {
        for _ in 0..50 {
            if let Some(pod) = store.nth(Kind::Pod, rng.next_u64()) {
                store.update(Kind::Pod, pod.namespace(), pod.name(), |v| {
                    v["metadata"]["annotations"]["demo.kr8s.dev/chaos"] =
                        serde_json::json!(format!("{mark}-{slice}"));
                });
            }
        }
        tokio::task::yield_now().await;
    }
}

/// Creates an empty namespace, or (half the time, when there is one) deletes one it made.
fn namespaces(store: &Store, rng: &mut Rng, made: &mut Vec<String>) {
    if !made.is_empty() && rng.unit() < 0.5 {
        let name = made.remove(0);
        store.delete_if(Kind::Namespace, "", &name, |_| true);
    } else {
        let name = format!("chaos-{}", rng.suffix(5));
        store.put(Kind::Namespace, namespace_json(&name, Timestamp::now()));
        made.push(name);
    }
}

/// The response with its body cut: half of the first chunk (the start of a list, or the first
/// watch event's line), then the connection drops as a crashed proxy's would.
pub(crate) fn cut(resp: axum::response::Response, faults: &Faults) -> axum::response::Response {
    use futures::StreamExt;
    faults.note(Hit::Cut);
    let (mut parts, body) = resp.into_parts();
    parts.headers.remove(http::header::CONTENT_LENGTH);
    let half = body
        .into_data_stream()
        .take(1)
        .map(|chunk| match chunk {
            Ok(bytes) => Ok(bytes.slice(..bytes.len() / 2)),
            Err(e) => Err(std::io::Error::other(e)),
        })
        .chain(futures::stream::once(async {
            // Long enough for the headers and the half chunk to leave before the drop.
            tokio::time::sleep(Duration::from_millis(50)).await;
            Err(super::watch::dropped())
        }));
    axum::response::Response::from_parts(parts, axum::body::Body::from_stream(half))
}

/// A later page's response that loses its connection after the headers, as a list does when
/// the apiserver or a proxy between goes away mid-way.
pub(crate) fn drop_page(
    resp: axum::response::Response,
    faults: &Faults,
) -> axum::response::Response {
    faults.note(Hit::PageDropped);
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(http::header::CONTENT_LENGTH);
    let gone = futures::stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err::<bytes::Bytes, _>(super::watch::dropped())
    });
    axum::response::Response::from_parts(parts, axum::body::Body::from_stream(gone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_schedule() {
        let a: Vec<Step> = schedule(7, 1.0).take(50).collect();
        let b: Vec<Step> = schedule(7, 1.0).take(50).collect();
        let c: Vec<Step> = schedule(8, 1.0).take(50).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_long_schedule_has_every_kind_and_bounded_gaps() {
        let steps: Vec<Step> = schedule(1, 1.0).take(200).collect();
        for kind in ALL {
            assert!(steps.iter().any(|s| s.kind == kind), "{kind:?} missing");
        }
        assert!(
            steps
                .iter()
                .all(|s| s.gap >= Duration::from_millis(500) && s.gap < Duration::from_secs(3))
        );
        for round in steps.chunks(ALL.len()).filter(|r| r.len() == ALL.len()) {
            for kind in ALL {
                assert_eq!(round.iter().filter(|s| s.kind == kind).count(), 1);
            }
        }
        let spikes = steps.iter().filter(|s| s.kind == Episode::Latency);
        assert!(spikes.clone().all(|s| (2_000..5_000).contains(&s.size)));
    }
}
