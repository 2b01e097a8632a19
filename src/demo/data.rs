//! Deterministic seeding: namespaces with workloads, pods in every familiar state owned by their
//! controllers, nodes, services, config, storage, ingresses, a custom resource and events. Given
//! the same options the same names come out (a CronJob's Jobs are named after their schedule
//! times, as in a real cluster).
//!
//! Pods go round-robin over the namespaces; each namespace's share is split over its apps first
//! (a DaemonSet takes one pod per node it runs on, StatefulSets and CronJobs a few, Deployments
//! the rest), so every controller owns exactly the pods its replicas say.

use std::borrow::Cow;
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
    Id, JobRun, PodFacts, Rollout, Spot, Tally, Template, after, cronjob_json, daemonset_json,
    daemonset_status, deployment_json, deployment_status, job_json, plan_pod, replicaset_counts,
    replicaset_json, replicaset_status, statefulset_json, statefulset_status,
};

/// How a workload runs its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Controller {
    /// Through a ReplicaSet (plus two older ones scaled to zero); takes any number of pods.
    Deployment,
    /// Pods `<name>-0`, `<name>-1`, … up to `max`; `volume` = (claim template, size): one PVC
    /// per pod.
    StatefulSet {
        max: usize,
        volume: Option<(&'static str, &'static str)>,
    },
    /// One pod per node: every node with `all_nodes` (it tolerates the control plane's taint),
    /// else every worker.
    DaemonSet { all_nodes: bool },
    /// A Job at each `schedule` time (every `period` seconds from `offset` past the epoch);
    /// keeps 3 succeeded and 1 failed Job and runs one at a time.
    CronJob {
        schedule: &'static str,
        period: i64,
        offset: i64,
    },
    /// A one-off Job with one pod.
    Job,
}

impl Controller {
    /// The most pods it takes from its namespace's share.
    fn cap(self) -> usize {
        match self {
            Controller::Deployment => usize::MAX,
            Controller::StatefulSet { max, .. } => max,
            Controller::CronJob { .. } => 4,
            Controller::Job => 1,
            Controller::DaemonSet { .. } => 0,
        }
    }
}

/// An app in the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct App {
    pub name: &'static str,
    pub controller: Controller,
    pub image: &'static str,
    pub tier: &'static str,
    /// A second container (name, image).
    pub extra: Option<(&'static str, &'static str)>,
    pub init: Option<(&'static str, &'static str)>,
    /// A native sidecar (restartable init container).
    pub sidecar: Option<(&'static str, &'static str)>,
}

const fn app(
    name: &'static str,
    controller: Controller,
    image: &'static str,
    tier: &'static str,
) -> App {
    App {
        name,
        controller,
        image,
        tier,
        extra: None,
        init: None,
        sidecar: None,
    }
}

impl App {
    const fn extra(mut self, c: (&'static str, &'static str)) -> App {
        self.extra = Some(c);
        self
    }

    const fn init(mut self, c: (&'static str, &'static str)) -> App {
        self.init = Some(c);
        self
    }

    const fn sidecar(mut self, c: (&'static str, &'static str)) -> App {
        self.sidecar = Some(c);
        self
    }
}

use Controller::{Deployment as Dep, Job};

const fn sts(max: usize, volume: Option<(&'static str, &'static str)>) -> Controller {
    Controller::StatefulSet { max, volume }
}

const fn ds(all_nodes: bool) -> Controller {
    Controller::DaemonSet { all_nodes }
}

const fn cron(schedule: &'static str, period: i64, offset: i64) -> Controller {
    Controller::CronJob {
        schedule,
        period,
        offset,
    }
}

const ENVOY: (&str, &str) = ("envoy", "envoyproxy/envoy:v1.31.2");
const SHIPPER: (&str, &str) = ("log-shipper", "fluent/fluent-bit:3.1.9");
const MIGRATE: (&str, &str) = ("migrate", "ghcr.io/acme/migrate:1.4.0");
const HOUR: i64 = 3_600;

const CATALOG: &[(&str, &[App])] = &[
    (
        "default",
        &[app("hello-web", Dep, "nginx:1.27.2", "frontend")],
    ),
    (
        "kube-system",
        &[
            app(
                "coredns",
                Dep,
                "registry.k8s.io/coredns/coredns:v1.11.3",
                "control-plane",
            ),
            app(
                "kube-proxy",
                ds(true),
                "registry.k8s.io/kube-proxy:v1.31.0",
                "control-plane",
            ),
            app(
                "metrics-server",
                Dep,
                "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                "control-plane",
            ),
        ],
    ),
    (
        "payments",
        &[
            app("checkout", Dep, "ghcr.io/acme/checkout:2.14.1", "backend"),
            app(
                "payments-api",
                Dep,
                "ghcr.io/acme/payments-api:3.2.0",
                "backend",
            )
            .extra(ENVOY),
            app("ledger", Dep, "ghcr.io/acme/ledger:1.9.3", "backend")
                .init(MIGRATE)
                .sidecar(SHIPPER),
            app(
                "fraud-detector",
                Dep,
                "ghcr.io/acme/fraud-detector:0.18.0",
                "backend",
            ),
            app(
                "settlement",
                cron("0 */6 * * *", 6 * HOUR, 0),
                "ghcr.io/acme/settlement:1.2.0",
                "batch",
            ),
        ],
    ),
    (
        "web",
        &[
            app("frontend", Dep, "ghcr.io/acme/frontend:5.3.2", "frontend").extra(ENVOY),
            app(
                "api-gateway",
                Dep,
                "ghcr.io/acme/api-gateway:1.22.0",
                "frontend",
            ),
            app(
                "ingress-nginx-controller",
                Dep,
                "registry.k8s.io/ingress-nginx/controller:v1.11.2",
                "edge",
            ),
        ],
    ),
    (
        "data",
        &[
            app(
                "postgres",
                sts(3, Some(("data", "20Gi"))),
                "postgres:16.4",
                "database",
            )
            .init(("init-permissions", "busybox:1.36")),
            app("redis", sts(3, None), "redis:7.4.0", "cache"),
            app(
                "kafka",
                sts(3, Some(("data", "50Gi"))),
                "bitnami/kafka:3.8.0",
                "queue",
            ),
            app(
                "etl-nightly",
                cron("0 2 * * *", 24 * HOUR, 2 * HOUR),
                "ghcr.io/acme/etl:2024.10.1",
                "batch",
            ),
            app(
                "orders-backfill",
                Job,
                "ghcr.io/acme/etl:2024.10.1",
                "batch",
            ),
            app("pgbouncer", Dep, "bitnami/pgbouncer:1.23.1", "database"),
        ],
    ),
    (
        "monitoring",
        &[
            app(
                "prometheus",
                sts(2, Some(("prometheus-db", "100Gi"))),
                "quay.io/prometheus/prometheus:v2.54.1",
                "monitoring",
            )
            .extra((
                "config-reloader",
                "quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1",
            )),
            app("grafana", Dep, "grafana/grafana:11.2.2", "monitoring"),
            app(
                "alertmanager",
                sts(3, Some(("alertmanager-db", "5Gi"))),
                "quay.io/prometheus/alertmanager:v0.27.0",
                "monitoring",
            ),
            app(
                "node-exporter",
                ds(false),
                "quay.io/prometheus/node-exporter:v1.8.2",
                "monitoring",
            ),
        ],
    ),
];

const GENERATED_APPS: &[App] = &[
    app("api", Dep, "ghcr.io/acme/api:1.0.7", "backend"),
    app("worker", Dep, "ghcr.io/acme/worker:1.0.7", "backend").sidecar(SHIPPER),
    app("web", Dep, "nginx:1.27.2", "frontend"),
    app("cache", sts(3, None), "redis:7.4.0", "cache"),
    app(
        "report",
        cron("0 * * * *", HOUR, 0),
        "ghcr.io/acme/report:0.3.1",
        "batch",
    ),
];

const TEAMS: &[&str] = &[
    "search",
    "billing",
    "identity",
    "catalog",
    "shipping",
    "notifications",
    "analytics",
    "ml",
    "growth",
    "support",
    "inventory",
    "media",
];

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

/// The cluster's nodes: (name, internal IP); the first is the control plane.
pub(crate) fn node_names(pods: usize) -> Vec<(String, String)> {
    let workers = (pods / 20).clamp(2, 19);
    std::iter::once("demo-control-plane".to_string())
        .chain((1..=workers).map(|i| format!("demo-worker-{i}")))
        .enumerate()
        .map(|(i, n)| (n, format!("172.18.0.{}", i + 2)))
        .collect()
}

fn namespace_names(count: usize) -> Vec<String> {
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

fn workloads_for(ns: &str, index: usize, rng: &mut Rng) -> Vec<Workload> {
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
fn daemon_nodes(all_nodes: bool, nodes: &[(String, String)]) -> &[(String, String)] {
    if all_nodes { nodes } else { &nodes[1..] }
}

/// Splits a namespace's `budget` of pods over its workloads: DaemonSets all their nodes or
/// nothing (when that would leave another app without a pod), then one pod per app in catalog
/// order, then the rest at random among the apps below their cap.
fn allocate(ws: &mut [Workload], budget: usize, nodes: &[(String, String)], rng: &mut Rng) {
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
fn plan_runs(w: &Workload, count: usize, now: Timestamp, rng: &mut Rng) -> Vec<JobRun> {
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
fn next_pod<'t>(
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
