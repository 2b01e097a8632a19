//! Deterministic seeding: namespaces with workloads, pods in every familiar state, nodes,
//! services, deployments and events. Given the same options the same names come out.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};

use super::DemoOptions;
use super::events;
use super::objects::{deployment_json, namespace_json, node_json, service_json};
use super::pods::{Container, PodPlan, Scenario, pod_json};
use super::resources::Kind;
use super::rng::Rng;
use super::store::Store;

/// How a workload names and owns its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Controller {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

/// An app in the catalog: name, controller, image, tier, extra container, init container, sidecar.
type AppSpec = (
    &'static str,
    Controller,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
    Option<(&'static str, &'static str)>,
    Option<(&'static str, &'static str)>,
);

use Controller::{DaemonSet as Ds, Deployment as Dep, Job, StatefulSet as Sts};

const ENVOY: Option<(&str, &str)> = Some(("envoy", "envoyproxy/envoy:v1.31.2"));
const SHIPPER: Option<(&str, &str)> = Some(("log-shipper", "fluent/fluent-bit:3.1.9"));
const MIGRATE: Option<(&str, &str)> = Some(("migrate", "ghcr.io/acme/migrate:1.4.0"));

const CATALOG: &[(&str, &[AppSpec])] = &[
    (
        "default",
        &[(
            "hello-web",
            Dep,
            "nginx:1.27.2",
            "frontend",
            None,
            None,
            None,
        )],
    ),
    (
        "kube-system",
        &[
            (
                "coredns",
                Dep,
                "registry.k8s.io/coredns/coredns:v1.11.3",
                "control-plane",
                None,
                None,
                None,
            ),
            (
                "kube-proxy",
                Ds,
                "registry.k8s.io/kube-proxy:v1.31.0",
                "control-plane",
                None,
                None,
                None,
            ),
            (
                "metrics-server",
                Dep,
                "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                "control-plane",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "payments",
        &[
            (
                "checkout",
                Dep,
                "ghcr.io/acme/checkout:2.14.1",
                "backend",
                None,
                None,
                None,
            ),
            (
                "payments-api",
                Dep,
                "ghcr.io/acme/payments-api:3.2.0",
                "backend",
                ENVOY,
                None,
                None,
            ),
            (
                "ledger",
                Dep,
                "ghcr.io/acme/ledger:1.9.3",
                "backend",
                None,
                MIGRATE,
                SHIPPER,
            ),
            (
                "fraud-detector",
                Dep,
                "ghcr.io/acme/fraud-detector:0.18.0",
                "backend",
                None,
                None,
                None,
            ),
            (
                "settlement",
                Job,
                "ghcr.io/acme/settlement:1.2.0",
                "batch",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "web",
        &[
            (
                "frontend",
                Dep,
                "ghcr.io/acme/frontend:5.3.2",
                "frontend",
                ENVOY,
                None,
                None,
            ),
            (
                "api-gateway",
                Dep,
                "ghcr.io/acme/api-gateway:1.22.0",
                "frontend",
                None,
                None,
                None,
            ),
            (
                "ingress-nginx-controller",
                Dep,
                "registry.k8s.io/ingress-nginx/controller:v1.11.2",
                "edge",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "data",
        &[
            (
                "postgres",
                Sts,
                "postgres:16.4",
                "database",
                None,
                Some(("init-permissions", "busybox:1.36")),
                None,
            ),
            ("redis", Sts, "redis:7.4.0", "cache", None, None, None),
            (
                "kafka",
                Sts,
                "bitnami/kafka:3.8.0",
                "queue",
                None,
                None,
                None,
            ),
            (
                "etl-nightly",
                Job,
                "ghcr.io/acme/etl:2024.10.1",
                "batch",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "monitoring",
        &[
            (
                "prometheus",
                Sts,
                "quay.io/prometheus/prometheus:v2.54.1",
                "monitoring",
                Some((
                    "config-reloader",
                    "quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1",
                )),
                None,
                None,
            ),
            (
                "grafana",
                Dep,
                "grafana/grafana:11.2.2",
                "monitoring",
                None,
                None,
                None,
            ),
            (
                "alertmanager",
                Sts,
                "quay.io/prometheus/alertmanager:v0.27.0",
                "monitoring",
                None,
                None,
                None,
            ),
            (
                "node-exporter",
                Ds,
                "quay.io/prometheus/node-exporter:v1.8.2",
                "monitoring",
                None,
                None,
                None,
            ),
        ],
    ),
];

const GENERATED_APPS: &[AppSpec] = &[
    (
        "api",
        Dep,
        "ghcr.io/acme/api:1.0.7",
        "backend",
        None,
        None,
        None,
    ),
    (
        "worker",
        Dep,
        "ghcr.io/acme/worker:1.0.7",
        "backend",
        None,
        None,
        SHIPPER,
    ),
    ("web", Dep, "nginx:1.27.2", "frontend", None, None, None),
    ("cache", Sts, "redis:7.4.0", "cache", None, None, None),
    (
        "report",
        Job,
        "ghcr.io/acme/report:0.3.1",
        "batch",
        None,
        None,
        None,
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

/// A controller with its pods' shared properties.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    pub namespace: String,
    pub spec: AppSpec,
    pub uid: String,
    pub template_hash: String,
    pub port: u16,
    pub pods: usize,
    pub ready: usize,
}

impl Workload {
    pub fn app(&self) -> &'static str {
        self.spec.0
    }

    pub fn controller(&self) -> Controller {
        self.spec.1
    }
}

/// The cluster's nodes: (name, internal IP).
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

fn workloads_for(ns: &str, index: usize, rng: &mut Rng) -> Vec<Workload> {
    let apps = CATALOG.get(index).map_or(GENERATED_APPS, |(_, apps)| apps);
    apps.iter()
        .enumerate()
        .map(|(i, spec)| Workload {
            namespace: ns.to_string(),
            spec: *spec,
            uid: rng.uid(),
            template_hash: format!("{:x}{}", 5 + rng.below(4), rng.suffix(8)),
            port: [8080, 8443, 9090, 3000, 5432][i % 5],
            pods: 0,
            ready: 0,
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
    if controller == Controller::Job {
        return if u < 0.85 { Completed } else { Error };
    }
    // Every third of the first pods takes the next state in line, so even 60 pods show all.
    if let Some(s) = FIRST.get(i / 3).filter(|_| i % 3 == 1) {
        return *s;
    }
    match u {
        u if u < 0.80 => Running,
        u if u < 0.85 => CrashLoop,
        u if u < 0.88 => ContainerCreating,
        u if u < 0.90 => ImagePullBackOff,
        u if u < 0.92 => Initializing,
        u if u < 0.95 => NotReady,
        u if u < 0.96 => Terminating,
        u if u < 0.97 => Unschedulable,
        _ => Running,
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

fn pod_name(w: &Workload, ordinal: usize, node: &str, rng: &mut Rng) -> String {
    match w.controller() {
        Controller::Deployment => format!("{}-{}-{}", w.app(), w.template_hash, rng.suffix(5)),
        Controller::StatefulSet => format!("{}-{ordinal}", w.app()),
        Controller::DaemonSet => format!("{}-{}", w.app(), rng.suffix(5)),
        Controller::Job => format!(
            "{}-{}-{}",
            w.app(),
            28_800_000 + rng.below(99_999),
            rng.suffix(5)
        ),
    }
    .replace("{node}", node)
}

fn container(pair: (&str, &str)) -> Container {
    Container {
        name: pair.0.into(),
        image: pair.1.into(),
    }
}

/// Plans one pod of a workload in the given state.
pub(crate) fn plan_pod(
    w: &Workload,
    name: String,
    scenario: Scenario,
    node: Option<&(String, String)>,
    pod_index: usize,
    created: Timestamp,
    rng: &mut Rng,
) -> PodPlan {
    let (app, controller, image, tier, extra, init, sidecar) = w.spec;
    let mut labels = vec![("app".into(), app.into()), ("tier".into(), tier.into())];
    let owner = match controller {
        Controller::Deployment => {
            labels.push(("pod-template-hash".into(), w.template_hash.clone()));
            ("ReplicaSet", format!("{app}-{}", w.template_hash))
        }
        Controller::StatefulSet => {
            labels.push(("statefulset.kubernetes.io/pod-name".into(), name.clone()));
            ("StatefulSet", app.to_string())
        }
        Controller::DaemonSet => ("DaemonSet", app.to_string()),
        Controller::Job => (
            "Job",
            name.rsplit_once('-')
                .map_or(name.clone(), |(j, _)| j.to_string()),
        ),
    };
    let mut init = init.map(container);
    if scenario == Scenario::Initializing && init.is_none() {
        init = Some(container(("wait-for-deps", "busybox:1.36")));
    }
    let restarts = match scenario {
        Scenario::CrashLoop => 3 + rng.below(40) as u32,
        Scenario::Running if rng.unit() < 0.1 => 1 + rng.below(5) as u32,
        _ => 0,
    };
    let scheduled = scenario != Scenario::Unschedulable;
    PodPlan {
        namespace: w.namespace.clone(),
        name,
        uid: rng.uid(),
        labels,
        owner: Some((owner.0, owner.1, w.uid.clone())),
        containers: std::iter::once(container((app, image)))
            .chain(extra.map(container))
            .collect(),
        init,
        sidecar: sidecar.map(container),
        node: node.filter(|_| scheduled).map(|n| n.0.clone()),
        host_ip: node.map(|n| n.1.clone()).unwrap_or_default(),
        pod_ip: format!(
            "10.{}.{}.{}",
            244 + (pod_index >> 16) % 10,
            (pod_index >> 8) & 0xff,
            pod_index & 0xff
        ),
        created,
        scenario,
        restarts,
        port: w.port,
        restart_policy: if controller == Controller::Job {
            "Never"
        } else {
            "Always"
        },
    }
}

/// What churn needs to make new pods that fit in.
pub(crate) struct Seeded {
    pub workloads: Vec<Workload>,
    pub nodes: Vec<(String, String)>,
}

/// Fills the store. Pods go round-robin over namespaces and at random over each one's apps.
pub(crate) fn seed(store: &Store, opts: &DemoOptions) -> Seeded {
    let mut rng = Rng::new(opts.seed);
    let now = Timestamp::now();
    let nodes = node_names(opts.pods);
    let namespaces = namespace_names(opts.namespaces);
    let mut workloads: Vec<Vec<Workload>> = namespaces
        .iter()
        .enumerate()
        .map(|(i, ns)| workloads_for(ns, i, &mut rng))
        .collect();
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
    // Hashes, not names: no 100 000 short-lived strings left as holes in the heap. A collision
    // only renames a pod.
    let mut seen = HashSet::with_capacity(opts.pods);
    let mut event_budget = 3_000usize;
    for i in 0..opts.pods {
        let ns_index = i % namespaces.len();
        let apps = &mut workloads[ns_index];
        let pick = rng.below(apps.len() as u64) as usize;
        let w = &mut apps[pick];
        let scenario = scenario(i, w.controller(), &mut rng);
        let node = rng.pick(&nodes[1..]).clone();
        let mut name = pod_name(w, w.pods, &node.0, &mut rng);
        while !seen.insert(super::rng::hash(&[&name])) {
            name = format!("{}-{}", w.app(), rng.suffix(5));
        }
        let created = after(now, -age_secs(scenario, &mut rng));
        let plan = plan_pod(w, name, scenario, Some(&node), i, created, &mut rng);
        w.pods += 1;
        w.ready += usize::from(matches!(
            scenario,
            Scenario::Running | Scenario::Terminating
        ));
        if event_budget > 0 && (i < 200 || scenario != Scenario::Running) {
            for event in events::for_pod(&plan, now, &mut rng) {
                event_budget = event_budget.saturating_sub(1);
                store.seed(Kind::Event, event);
            }
        }
        store.seed(Kind::Pod, pod_json(&plan, now));
    }
    seed_controllers(store, &workloads, now);
    super::objects::seed_component_statuses(store);
    store.finish_seed();
    Seeded {
        workloads: workloads.into_iter().flatten().collect(),
        nodes,
    }
}

fn seed_controllers(store: &Store, workloads: &[Vec<Workload>], now: Timestamp) {
    store.seed(
        Kind::Service,
        service_json("default", "kubernetes", "10.96.0.1", 443, None, now),
    );
    for (i, w) in workloads.iter().flatten().enumerate() {
        if w.pods == 0
            || !matches!(
                w.controller(),
                Controller::Deployment | Controller::StatefulSet
            )
        {
            continue;
        }
        let ip = format!("10.96.{}.{}", 1 + i / 250, 1 + i % 250);
        let headless = w.controller() == Controller::StatefulSet;
        let ip = if headless { "None".to_string() } else { ip };
        store.seed(
            Kind::Service,
            service_json(&w.namespace, w.app(), &ip, w.port, Some(w.app()), now),
        );
        if w.controller() == Controller::Deployment {
            store.seed(Kind::Deployment, deployment_json(w, now));
        }
    }
}

fn after(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t)
}
