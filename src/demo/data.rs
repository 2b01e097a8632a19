//! Deterministic seeding: namespaces with workloads, pods in every familiar state owned by their
//! controllers, nodes, services, config, storage, ingresses, a custom resource and events. Given
//! the same options the same names come out (a CronJob's Jobs are named after their schedule
//! times, as in a real cluster).
//!
//! Pods go round-robin over the namespaces; each namespace's share is split over its apps first
//! (a DaemonSet takes one pod per node it runs on, StatefulSets and CronJobs a few, Deployments
//! the rest), so every controller owns exactly the pods its replicas say.

mod catalog;
mod plan;

use std::collections::HashSet;

use jiff::Timestamp;

use super::DemoOptions;
use super::events;
use super::objects::{namespace_json, node_json, service_json};
use super::pods::{Container, Owner, Scenario, pod_json};
use super::resources::Kind;
use super::rng::Rng;
use super::store::Store;
use super::workloads::{
    Id, JobRun, PodFacts, Rollout, Tally, Template, after, cronjob_json, daemonset_json,
    daemonset_status, deployment_json, deployment_status, job_json, plan_pod, replicaset_counts,
    replicaset_json, replicaset_status, statefulset_json, statefulset_status,
};

pub(crate) use catalog::{App, Controller};
use plan::{
    allocate, daemon_nodes, namespace_names, next_pod, node_names, plan_runs, workloads_for,
};

/// How old the cluster's controllers are: Deployments, StatefulSets and CronJobs were created
/// 80 days ago, DaemonSets with the nodes.
const WORKLOAD_AGE: i64 = 80 * 86_400;
const DAEMONSET_AGE: i64 = 89 * 86_400;

/// A controller with what its pods share and what it made of them.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    pub namespace: String,
    pub app: App,
    /// The top controller's uid (Deployment, StatefulSet, DaemonSet, CronJob or Job).
    pub uid: String,
    /// pod-template-hash of a Deployment's current ReplicaSet; the revision hash of a
    /// StatefulSet or DaemonSet.
    pub hash: String,
    /// A Deployment's current ReplicaSet's uid.
    pub rs_uid: String,
    /// A Deployment's older ReplicaSets (revisions 1 and 2): (hash, uid).
    pub old_sets: Vec<(String, String)>,
    pub port: u16,
    /// How many pods it gets; how many were made so far.
    pub planned: usize,
    pub made: usize,
    /// A CronJob's (or Job's) runs, newest first; their pods in that order.
    pub runs: Vec<JobRun>,
    pub tally: Tally,
}

fn container(pair: (&str, &str)) -> Container {
    Container {
        name: pair.0.into(),
        image: pair.1.into(),
    }
}

impl Workload {
    pub fn name(&self) -> &'static str {
        self.app.name
    }

    pub fn controller(&self) -> Controller {
        self.app.controller
    }

    /// The template of the pods: app and tier labels, plus the pod-template-hash of a
    /// Deployment's ReplicaSet.
    fn template(&self) -> Template {
        let a = &self.app;
        let mut labels = vec![
            ("app".to_string(), a.name.to_string()),
            ("tier".to_string(), a.tier.to_string()),
        ];
        if a.controller == Controller::Deployment {
            labels.push(("pod-template-hash".into(), self.hash.clone()));
        }
        let batch = matches!(a.controller, Controller::CronJob { .. } | Controller::Job);
        Template {
            labels,
            containers: std::iter::once(container((a.name, a.image)))
                .chain(a.extra.map(container))
                .collect(),
            init: a.init.map(container),
            sidecar: a.sidecar.map(container),
            port: self.port,
            restart_policy: if batch { "Never" } else { "Always" },
            tolerate_all: a.controller == Controller::DaemonSet { all_nodes: true },
            volume: match a.controller {
                Controller::StatefulSet {
                    volume: Some((v, _)),
                    ..
                } => Some(v.to_string()),
                _ => None,
            },
        }
    }

    /// The template without what the ReplicaSet adds (a Deployment's own).
    fn base_template(&self) -> Template {
        let mut t = self.template();
        t.labels.retain(|(k, _)| k != "pod-template-hash");
        t
    }

    fn rs_name(&self, hash: &str) -> String {
        format!("{}-{hash}", self.name())
    }

    fn revision(&self) -> String {
        format!("{}-{}", self.name(), self.hash)
    }
}

/// Fills the store. Pods go round-robin over namespaces; within one, to a workload at random
/// (weighted by the pods it still has to get).
pub(crate) fn seed(store: &Store, opts: &DemoOptions) {
    let mut rng = Rng::new(opts.seed);
    let now = Timestamp::now();
    let nodes = node_names(opts.pods);
    let namespaces = namespace_names(opts.namespaces);
    let mut workloads: Vec<Vec<Workload>> = namespaces
        .iter()
        .enumerate()
        .map(|(i, ns)| workloads_for(ns, i, &mut rng))
        .collect();
    let count = namespaces.len();
    for (i, ws) in workloads.iter_mut().enumerate() {
        let budget = opts.pods / count + usize::from(i < opts.pods % count);
        allocate(ws, budget, &nodes, &mut rng);
        for w in ws.iter_mut() {
            let batch = matches!(w.controller(), Controller::CronJob { .. } | Controller::Job);
            if batch && w.planned > 0 {
                w.runs = plan_runs(w, w.planned, now, &mut rng);
            }
        }
    }
    for (i, ns) in namespaces.iter().enumerate() {
        store.seed(
            Kind::Namespace,
            namespace_json(ns, after(now, -(90 * 86_400 - i as i64 * 600))),
        );
    }
    for (i, (name, ip)) in nodes.iter().enumerate() {
        store.seed(
            Kind::Node,
            node_json(name, ip, i == 0, after(now, -(90 * 86_400))),
        );
    }
    // Every pod of a workload starts from its template: made once, not per pod.
    let templates: Vec<Vec<Template>> = workloads
        .iter()
        .map(|ws| ws.iter().map(Workload::template).collect())
        .collect();
    let mut left: Vec<usize> = workloads
        .iter()
        .map(|ws| ws.iter().map(|w| w.planned).sum())
        .collect();
    // Hashes, not names: no 100 000 short-lived strings left as holes in the heap. A collision
    // only renames a pod.
    let mut seen = HashSet::with_capacity(opts.pods);
    let mut event_budget = 3_000usize;
    for i in 0..opts.pods {
        let ns_index = i % count;
        let ws = &mut workloads[ns_index];
        let mut pick = rng.below(left[ns_index] as u64) as usize;
        let Some(w_index) = ws.iter().position(|w| {
            let remaining = w.planned - w.made;
            if pick < remaining {
                return true;
            }
            pick -= remaining;
            false
        }) else {
            continue;
        };
        let w = &mut ws[w_index];
        left[ns_index] -= 1;
        let template = &templates[ns_index][w_index];
        let (mut spot, owner, template) = next_pod(w, template, i, &nodes, now, &mut rng);
        while !seen.insert(super::rng::hash(&[&w.namespace, &spot.name])) {
            spot.name = format!("{}-{}", spot.name, rng.suffix(5));
        }
        let plan = plan_pod(&template, &w.namespace, owner, spot, now, &mut rng);
        w.made += 1;
        if event_budget > 0 && (i < 200 || plan.scenario != Scenario::Running) {
            for event in events::for_pod(&plan, now, &mut rng) {
                event_budget = event_budget.saturating_sub(1);
                store.seed(Kind::Event, event);
            }
        }
        let obj = store.seed(Kind::Pod, pod_json(&plan, now));
        if let Some(facts) = PodFacts::of(&obj) {
            w.tally.add(facts);
        }
    }
    store.seed(
        Kind::Service,
        service_json("default", "kubernetes", "10.96.0.1", 443, None, now),
    );
    let all: Vec<Workload> = workloads.into_iter().flatten().collect();
    for (i, w) in all.iter().enumerate() {
        seed_controller(store, w, i, &nodes, now);
    }
    super::config::seed(store, &namespaces, &all, now, &mut rng);
    super::crd::seed(store, &namespaces, now, &mut rng);
    super::objects::seed_component_statuses(store);
    super::eviction::seed_budgets(store, now);
    store.finish_seed();
}

/// An image one or two releases older (`nginx:1.27.2` → `nginx:1.27.0`): what the older
/// ReplicaSets of a Deployment ran.
fn older_image(image: &str, back: u32) -> String {
    let (repo, tag) = image.rsplit_once(':').unwrap_or((image, "latest"));
    let cut = tag
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    match tag[cut..].parse::<u32>() {
        Ok(n) if n >= back => format!("{repo}:{}{}", &tag[..cut], n - back),
        _ => format!("{repo}:{tag}-rc.{back}"),
    }
}

/// The controller objects of one workload (and its Service), from what its pods came to.
fn seed_controller(
    store: &Store,
    w: &Workload,
    i: usize,
    nodes: &[(String, String)],
    now: Timestamp,
) {
    if w.planned == 0 {
        return;
    }
    let ns = w.namespace.as_str();
    let id = Id {
        ns,
        name: w.name(),
        uid: &w.uid,
        created: after(now, -WORKLOAD_AGE),
    };
    let t = &w.tally;
    match w.controller() {
        Controller::Deployment => seed_deployment(store, w, &id, now),
        Controller::StatefulSet { volume, .. } => {
            let status = statefulset_status(t, &w.revision());
            let size = volume.map(|v| v.1);
            let sts = statefulset_json(&id, t.pods, &w.template(), size, status);
            store.seed(Kind::StatefulSet, sts);
            if let Some((claim, size)) = volume {
                for ordinal in 0..w.planned {
                    let pod = format!("{}-{ordinal}", w.name());
                    let at = after(id.created, 30 + ordinal as i64 * 60);
                    let pvc = super::config::claim_json(
                        ns,
                        &format!("{claim}-{pod}"),
                        &[("app", w.name())],
                        size,
                        Some("standard"),
                        at,
                    );
                    store.seed(Kind::PersistentVolumeClaim, pvc);
                }
            }
        }
        Controller::DaemonSet { all_nodes } => {
            let desired = daemon_nodes(all_nodes, nodes).len() as u32;
            let status = daemonset_status(t, desired);
            let id = Id {
                created: after(now, -DAEMONSET_AGE),
                ..id
            };
            store.seed(Kind::DaemonSet, daemonset_json(&id, &w.template(), status));
        }
        Controller::CronJob { schedule, .. } => {
            let cron_owner = Owner {
                api_version: "batch/v1",
                kind: "CronJob",
                name: w.name().to_string(),
                uid: w.uid.clone(),
            };
            for run in &w.runs {
                let job = job_json(ns, run, &w.template(), Some(&cron_owner));
                store.seed(Kind::Job, job);
            }
            let cj = cronjob_json(&id, schedule, &w.template(), &w.runs);
            store.seed(Kind::CronJob, cj);
        }
        Controller::Job => {
            for run in &w.runs {
                store.seed(Kind::Job, job_json(ns, run, &w.template(), None));
            }
        }
    }
    if matches!(
        w.controller(),
        Controller::Deployment | Controller::StatefulSet { .. }
    ) {
        let headless = matches!(w.controller(), Controller::StatefulSet { .. });
        let ip = if headless {
            "None".to_string()
        } else {
            format!("10.96.{}.{}", 1 + i / 250, 1 + i % 250)
        };
        store.seed(
            Kind::Service,
            service_json(ns, w.name(), &ip, w.port, Some(w.name()), now),
        );
    }
}

/// A Deployment at revision 3: its current ReplicaSet came with the rollout just before its
/// oldest pod; the two before it run older images and were scaled to zero.
fn seed_deployment(store: &Store, w: &Workload, id: &Id<'_>, now: Timestamp) {
    let t = &w.tally;
    let rs_created = t.oldest.map_or(after(now, -86_400), |o| after(o, -3));
    let owner = Owner {
        api_version: "apps/v1",
        kind: "Deployment",
        name: w.name().to_string(),
        uid: w.uid.clone(),
    };
    let span = rs_created.duration_since(id.created).as_secs().max(120);
    for (k, (hash, uid)) in w.old_sets.iter().enumerate() {
        let mut template = w.template();
        for (key, v) in &mut template.labels {
            if key == "pod-template-hash" {
                *v = hash.clone();
            }
        }
        for c in &mut template.containers {
            c.image = older_image(&c.image, 2 - k as u32);
        }
        let name = w.rs_name(hash);
        let old = Id {
            ns: id.ns,
            name: &name,
            uid,
            created: after(id.created, 60 + k as i64 * span / 2),
        };
        let status = replicaset_status(&Tally::default(), 2);
        let rs = replicaset_json(&old, (0, k as u64 + 1), &template, &owner, status);
        store.seed(Kind::ReplicaSet, rs);
    }
    let replicas = t.live();
    let rs_status = replicaset_status(t, 1);
    let rs_name = w.rs_name(&w.hash);
    let rollout = Rollout {
        spec_replicas: u64::from(replicas),
        generation: 3,
        new_rs: &rs_name,
        current: replicaset_counts(&rs_status),
        old: &[(0, 0, 0), (0, 0, 0)],
        since: after(rs_created, 30),
    };
    let status = deployment_status(&rollout, None, now);
    let current = Id {
        ns: id.ns,
        name: &rs_name,
        uid: &w.rs_uid,
        created: rs_created,
    };
    let rs = replicaset_json(&current, (replicas, 3), &w.template(), &owner, rs_status);
    store.seed(Kind::ReplicaSet, rs);
    let deploy = deployment_json(id, replicas, 3, &w.base_template(), status);
    store.seed(Kind::Deployment, deploy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_images_step_back_a_release() {
        assert_eq!(older_image("nginx:1.27.2", 2), "nginx:1.27.0");
        assert_eq!(
            older_image("ghcr.io/acme/etl:2024.10.1", 1),
            "ghcr.io/acme/etl:2024.10.0"
        );
        assert_eq!(older_image("redis:7.4.0", 1), "redis:7.4.0-rc.1");
        assert_eq!(older_image("busybox", 1), "busybox:latest-rc.1");
    }

    #[test]
    fn every_pod_of_the_budget_is_planned() {
        let nodes = node_names(60);
        let mut rng = Rng::new(1);
        for (index, budget) in [(0, 10), (1, 10), (1, 2), (4, 1), (4, 40), (5, 7), (9, 3000)] {
            let mut ws = workloads_for("ns", index, &mut rng);
            allocate(&mut ws, budget, &nodes, &mut rng);
            let planned: usize = ws.iter().map(|w| w.planned).sum();
            assert_eq!(planned, budget, "namespace {index}");
            for w in &ws {
                if let Controller::DaemonSet { all_nodes } = w.controller() {
                    let need = daemon_nodes(all_nodes, &nodes).len();
                    assert!(w.planned == 0 || w.planned == need, "{}", w.name());
                } else if budget >= 40 {
                    assert!(w.planned >= 1, "{} has a pod", w.name());
                }
            }
        }
    }
}
