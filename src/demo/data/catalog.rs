//! The app catalog: the controller kinds and the apps each well-known namespace runs.

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
    pub(super) fn cap(self) -> usize {
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

pub(super) const CATALOG: &[(&str, &[App])] = &[
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

pub(super) const GENERATED_APPS: &[App] = &[
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

pub(super) const TEAMS: &[&str] = &[
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
