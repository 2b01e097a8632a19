//! Planning the pods: nodes, namespaces, each namespace's share split over its workloads, and
//! the name, node, owner, state and age of every pod.

use std::borrow::Cow;

use jiff::Timestamp;

use super::Workload;
use super::catalog::{CATALOG, Controller, GENERATED_APPS, TEAMS};
use crate::demo::pods::{Owner, Scenario};
use crate::demo::rng::Rng;
use crate::demo::workloads::{JobRun, Spot, Tally, Template, after};

/// The cluster's nodes: (name, internal IP); the first is the control plane.
pub(super) fn node_names(pods: usize) -> Vec<(String, String)> {
    let workers = (pods / 20).clamp(2, 19);
    std::iter::once("demo-control-plane".to_string())
        .chain((1..=workers).map(|i| format!("demo-worker-{i}")))
        .enumerate()
        .map(|(i, n)| (n, format!("172.18.0.{}", i + 2)))
        .collect()
}

pub(super) fn namespace_names(count: usize) -> Vec<String> {
    (0..count.max(1))
        .map(|i| match CATALOG.get(i) {
            Some((name, _)) => name.to_string(),
            None => {
                let team = TEAMS[(i - CATALOG.len()) % TEAMS.len()];
                let round = (i - CATALOG.len()) / TEAMS.len();
                if round == 0 {
                    format!("team-{team}")
                } else {
                    format!("team-{team}-{round}")
                }
            }
        })
        .collect()
}

fn template_hash(rng: &mut Rng) -> String {
    format!("{:x}{}", 5 + rng.below(4), rng.suffix(8))
}

pub(super) fn workloads_for(ns: &str, index: usize, rng: &mut Rng) -> Vec<Workload> {
    let apps = CATALOG.get(index).map_or(GENERATED_APPS, |(_, apps)| apps);
    apps.iter()
        .enumerate()
        .map(|(i, app)| Workload {
            namespace: ns.to_string(),
            app: *app,
            uid: rng.uid(),
            hash: template_hash(rng),
            rs_uid: rng.uid(),
            old_sets: (0..2).map(|_| (template_hash(rng), rng.uid())).collect(),
            port: [8080, 8443, 9090, 3000, 5432][i % 5],
            planned: 0,
            made: 0,
            runs: Vec::new(),
            tally: Tally::default(),
        })
        .collect()
}

/// The nodes a DaemonSet runs on.
pub(super) fn daemon_nodes(all_nodes: bool, nodes: &[(String, String)]) -> &[(String, String)] {
    if all_nodes { nodes } else { &nodes[1..] }
}

/// Splits a namespace's `budget` of pods over its workloads: DaemonSets all their nodes or
/// nothing (when that would leave another app without a pod), then one pod per app in catalog
/// order, then the rest at random among the apps below their cap.
pub(super) fn allocate(
    ws: &mut [Workload],
    budget: usize,
    nodes: &[(String, String)],
    rng: &mut Rng,
) {
    let mut left = budget;
    let others = ws
        .iter()
        .filter(|w| !matches!(w.controller(), Controller::DaemonSet { .. }))
        .count();
    for w in ws.iter_mut() {
        if let Controller::DaemonSet { all_nodes } = w.controller() {
            let need = daemon_nodes(all_nodes, nodes).len();
            if left >= need + others {
                w.planned = need;
                left -= need;
            }
        }
    }
    let takers: Vec<usize> = (0..ws.len())
        .filter(|i| ws[*i].controller().cap() > 0)
        .collect();
    for &i in &takers {
        if left == 0 {
            break;
        }
        ws[i].planned = 1;
        left -= 1;
    }
    let mut open: Vec<usize> = takers
        .iter()
        .copied()
        .filter(|i| ws[*i].planned < ws[*i].controller().cap())
        .collect();
    while left > 0 {
        // Only capped apps (never in the catalog): the first one takes the rest.
        let Some(&pick) = (!open.is_empty())
            .then(|| rng.pick(&open))
            .or(takers.first())
        else {
            return;
        };
        ws[pick].planned += 1;
        left -= 1;
        if ws[pick].planned >= ws[pick].controller().cap() {
            open.retain(|i| *i != pick);
        }
    }
}

/// The runs of a CronJob with `count` pods, newest first: the latest may still run, at most
/// one failed, the rest succeeded (within the history limits of 3 and 1).
pub(super) fn plan_runs(w: &Workload, count: usize, now: Timestamp, rng: &mut Rng) -> Vec<JobRun> {
    let (period, offset) = match w.controller() {
        Controller::CronJob { period, offset, .. } => (period, offset),
        // A one-off Job ran a few days ago.
        _ => {
            let created = after(now, -(2 * 86_400 + rng.below(3 * 86_400) as i64));
            return vec![JobRun {
                name: w.name().to_string(),
                uid: w.uid.clone(),
                created,
                outcome: Scenario::Completed,
                run_secs: 60 + rng.below(3_000) as i64,
            }];
        }
    };
    let last = (now.as_second() - offset).div_euclid(period) * period + offset;
    let (mut succeeded, mut failed) = (0, false);
    (0..count)
        .map(|k| {
            let at = last - k as i64 * period;
            let created = Timestamp::from_second(at).unwrap_or(now);
            let run_secs = 20 + rng.below(600) as i64;
            // Drawn whatever the clock says, so the names after it do not depend on it.
            let fails = rng.unit() < 0.15;
            let since = now.duration_since(created).as_secs();
            let outcome = if k == 0 && since < run_secs + 6 {
                Scenario::Running
            } else if succeeded < 3 && (failed || !fails) {
                succeeded += 1;
                Scenario::Completed
            } else {
                failed = true;
                Scenario::Error
            };
            JobRun {
                // Named after the scheduled time in minutes, as the CronJob controller does.
                name: format!("{}-{}", w.name(), at / 60),
                uid: rng.uid(),
                created,
                outcome,
                run_secs,
            }
        })
        .collect()
}

/// A deterministic mix weighted towards Running, with every state present early on.
fn scenario(i: usize, controller: Controller, rng: &mut Rng) -> Scenario {
    use Scenario::*;
    const FIRST: [Scenario; 9] = [
        Running,
        CrashLoop,
        ContainerCreating,
        ImagePullBackOff,
        Initializing,
        NotReady,
        Terminating,
        Unschedulable,
        Running,
    ];
    let u = rng.unit();
    // Every third of the first pods takes the next state in line, so even 60 pods show all.
    let s = match FIRST.get(i / 3).filter(|_| i % 3 == 1) {
        Some(s) => *s,
        None => match u {
            u if u < 0.80 => Running,
            u if u < 0.85 => CrashLoop,
            u if u < 0.88 => ContainerCreating,
            u if u < 0.90 => ImagePullBackOff,
            u if u < 0.92 => Initializing,
            u if u < 0.95 => NotReady,
            u if u < 0.96 => Terminating,
            u if u < 0.97 => Unschedulable,
            _ => Running,
        },
    };
    // A DaemonSet's pod is bound to its node and replaced there.
    match (controller, s) {
        (Controller::DaemonSet { .. }, Terminating | Unschedulable) => Running,
        _ => s,
    }
}

/// Log-uniform ages from two minutes to sixty days; fresh for pods still starting.
fn age_secs(s: Scenario, rng: &mut Rng) -> i64 {
    if matches!(
        s,
        Scenario::ContainerCreating | Scenario::Initializing | Scenario::ImagePullBackOff
    ) {
        return 5 + rng.below(600) as i64;
    }
    if s == Scenario::CrashLoop {
        return 3_600 + rng.below(5 * 86_400) as i64;
    }
    let (lo, hi) = (120f64.ln(), 5_184_000f64.ln());
    (lo + rng.unit() * (hi - lo)).exp() as i64
}

/// Plans the next pod of `w` (the i-th of the cluster).
pub(super) fn next_pod<'t>(
    w: &Workload,
    template: &'t Template,
    i: usize,
    nodes: &[(String, String)],
    now: Timestamp,
    rng: &mut Rng,
) -> (Spot, Owner, Cow<'t, Template>) {
    let ordinal = w.made;
    let worker = |rng: &mut Rng| Some(rng.pick(&nodes[1..]).clone());
    let owner = |api_version, kind, name: String, uid: &str| Owner {
        api_version,
        kind,
        name,
        uid: uid.to_string(),
    };
    let mut spot = Spot {
        name: String::new(),
        node: None,
        index: i,
        created: now,
        scenario: Scenario::Running,
        run_secs: 0,
        extra_labels: Vec::new(),
    };
    match w.controller() {
        Controller::CronJob { .. } | Controller::Job => {
            let run = &w.runs[ordinal];
            spot.scenario = run.outcome;
            spot.created = run.pod_created();
            spot.run_secs = run.run_secs;
            spot.node = worker(rng);
            spot.name = format!("{}-{}", run.name, rng.suffix(5));
            let owner = owner("batch/v1", "Job", run.name.clone(), &run.uid);
            return (spot, owner, Cow::Owned(run.template(template)));
        }
        c => {
            spot.scenario = scenario(i, c, rng);
            // A pod stuck terminating has been replaced: it may not be a Deployment's last.
            let live = w.planned - w.tally.terminating as usize;
            if spot.scenario == Scenario::Terminating && c == Controller::Deployment && live < 2 {
                spot.scenario = Scenario::Running;
            }
            spot.created = after(now, -age_secs(spot.scenario, rng));
        }
    }
    let owner = match w.controller() {
        Controller::StatefulSet { .. } => {
            spot.name = format!("{}-{ordinal}", w.name());
            spot.node = worker(rng);
            spot.extra_labels = vec![
                ("apps.kubernetes.io/pod-index".into(), ordinal.to_string()),
                ("controller-revision-hash".into(), w.revision()),
                (
                    "statefulset.kubernetes.io/pod-name".into(),
                    spot.name.clone(),
                ),
            ];
            owner("apps/v1", "StatefulSet", w.name().to_string(), &w.uid)
        }
        Controller::DaemonSet { all_nodes } => {
            spot.name = format!("{}-{}", w.name(), rng.suffix(5));
            spot.node = daemon_nodes(all_nodes, nodes).get(ordinal).cloned();
            spot.extra_labels = vec![
                ("controller-revision-hash".into(), w.hash.clone()),
                ("pod-template-generation".into(), "1".into()),
            ];
            owner("apps/v1", "DaemonSet", w.name().to_string(), &w.uid)
        }
        _ => {
            let rs = w.rs_name(&w.hash);
            spot.name = format!("{rs}-{}", rng.suffix(5));
            spot.node = worker(rng);
            owner("apps/v1", "ReplicaSet", rs, &w.rs_uid)
        }
    };
    (spot, owner, Cow::Borrowed(template))
}
