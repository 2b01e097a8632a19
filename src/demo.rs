//! The embedded demo cluster: a real HTTPS Kubernetes API server inside the binary, seeded with
//! believable pods and the controllers that own them (Deployments, ReplicaSets, StatefulSets,
//! DaemonSets, CronJobs, Jobs), nodes, services, config, storage, ingresses, a custom resource
//! and events, good enough for kubectl and kube-rs clients. Used by `kr8s-tui --demo`,
//! `kr8s-tui demo-server`, integration tests and benches.

mod api;
mod chaos;
mod churn;
mod config;
mod controller;
mod crd;
mod data;
mod discovery;
mod events;
mod eviction;
mod exec;
mod faults;
mod fields;
mod forbid;
mod identity;
mod logs;
mod metrics;
mod objects;
mod openapi;
mod patch;
mod pods;
mod portforward;
mod remove;
mod replicas;
mod reply;
mod resources;
mod rng;
mod rollout;
mod routes;
mod scale;
mod select;
mod server;
mod shell;
mod store;
mod table;
mod tls;
mod tokens;
mod upgrade;
mod validate;
mod watch;
mod workloads;
mod write;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;
use tokio::task::JoinHandle;

pub use chaos::{Chaos, ChaosReport, ChaosRequest};
pub use faults::{FaultSettings, Faults};
pub use forbid::ForbidRule;
pub use tls::ClientIdentity;

/// How the demo cluster is seeded and how it behaves; flattened into the binary's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoOptions {
    /// Number of pods to seed.
    #[arg(long = "demo-pods", default_value_t = 60)]
    pub pods: usize,
    /// Number of namespaces to spread the pods over.
    #[arg(long = "demo-namespaces", default_value_t = 6)]
    pub namespaces: usize,
    /// Pod events per second made by the background churn (0 = off).
    #[arg(long = "demo-churn", default_value_t = 0.5)]
    pub churn: f64,
    /// Seed of the deterministic data generator.
    #[arg(long = "demo-seed", default_value_t = 42)]
    pub seed: u64,
    /// Log lines per second while a client follows a pod's log.
    #[arg(long = "demo-log-rate", default_value_t = 2.0)]
    pub log_rate: f64,
    /// Delay added to every API request, in milliseconds.
    #[arg(long = "demo-latency-ms", default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of API requests (0.0–1.0) answered with 500/503 alternately.
    #[arg(long = "demo-error-rate", default_value_t = 0.0)]
    pub error_rate: f64,
    /// Answer every watch with 410 Gone (an ERROR event with an `Expired` Status).
    #[arg(long = "demo-watch-410")]
    pub watch_410: bool,
    /// Close watch, log and exec/attach streams abruptly after this many milliseconds.
    #[arg(long = "demo-drop-after-ms")]
    pub drop_after_ms: Option<u64>,
    /// Answer these requests with 403 Forbidden, as RBAC would: VERB:RESOURCE[,...], e.g.
    /// `list:namespaces,delete:pods`; verbs get, list, watch, create, update, patch, delete,
    /// deletecollection or *; `watch` is refused only when named.
    #[arg(
        long = "demo-forbid",
        value_name = "VERB:RESOURCE",
        value_delimiter = ','
    )]
    pub forbid: Vec<ForbidRule>,
    /// Serve no metrics.k8s.io (as a cluster without metrics-server): its discovery and paths 404.
    #[arg(long = "demo-no-metrics")]
    pub no_metrics: bool,
    /// Start the chaos schedule with this seed: random, reproducible fault episodes (see
    /// `GET`/`POST /demo/chaos`).
    #[arg(long = "demo-chaos", value_name = "SEED")]
    pub chaos: Option<u64>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            pods: 60,
            namespaces: 6,
            churn: 0.5,
            seed: 42,
            log_rate: 2.0,
            latency_ms: 0,
            error_rate: 0.0,
            watch_410: false,
            drop_after_ms: None,
            forbid: Vec::new(),
            no_metrics: false,
            chaos: None,
        }
    }
}

/// Where the demo server listens, what it is called and where its kubeconfig goes.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write the kubeconfig here (mode 0600) instead of a temporary directory.
    #[arg(long = "kubeconfig-out")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Name of the kubeconfig's cluster, user and contexts (NAME, NAME-cert,
    /// NAME-kube-system), so several servers' kubeconfigs merge in one KUBECONFIG list.
    #[arg(long = "demo-name", default_value = "demo", value_parser = parse_name)]
    pub name: String,
    /// Keep the CA, server certificate, client-certificate user and token in this directory
    /// (made on first start, reused later): restarted on the same --port, the server is the
    /// same cluster to its clients, and its resourceVersions go on from the clock.
    #[arg(long = "demo-identity", value_name = "DIR")]
    pub identity: Option<PathBuf>,
    /// Write the bearer token to this file (mode 0600) and have the kubeconfig's token user
    /// read it from there (`tokenFile:`), so the chaos schedule can rotate it.
    #[arg(long = "demo-token-file", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            port: 0,
            kubeconfig_out: None,
            name: "demo".into(),
            identity: None,
            token_file: None,
        }
    }
}

/// A name kubeconfig files and kubectl take as is: lowercase letters, digits, '-' and '.'.
fn parse_name(name: &str) -> Result<String, String> {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    if !name.is_empty() && name.len() <= 63 && name.chars().all(ok) {
        Ok(name.to_string())
    } else {
        Err("use 1-63 lowercase letters, digits, '-' or '.'".into())
    }
}

/// Why the demo server could not start or restart.
#[derive(Debug, Error)]
pub enum DemoError {
    /// Certificate generation or TLS configuration failed.
    #[error("demo TLS setup: {0}")]
    Tls(String),
    /// Binding the port or writing the kubeconfig failed.
    #[error("demo server I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A file of the kept identity (`--demo-identity`) is missing, unreadable or malformed.
    #[error("demo identity file {}: {reason}", path.display())]
    Identity { path: PathBuf, reason: String },
}

/// A running demo server. Dropping it stops the server and the churn.
pub struct DemoHandle {
    /// The listening address (127.0.0.1 and the chosen port).
    pub addr: SocketAddr,
    /// The generated kubeconfig (cluster, user and context named after `--demo-name`).
    pub kubeconfig_path: PathBuf,
    /// The bearer token the server accepts.
    pub token: String,
    /// PEM of the self-signed CA that issued the server certificate.
    pub ca_pem: String,
    /// Live fault switches; changes apply to the next request.
    pub faults: Arc<Faults>,
    /// The chaos schedule (off unless `--demo-chaos` or `POST /demo/chaos` started it).
    pub chaos: Arc<Chaos>,
    issuer: Arc<rcgen::Issuer<'static, rcgen::KeyPair>>,
    gate: Arc<server::Gate>,
    tokens: Arc<tokens::Tokens>,
    server: Arc<server::Server>,
    background: Vec<JoinHandle<()>>,
    // Keeps the kubeconfig's temporary directory alive as long as the server.
    _tempdir: Option<tempfile::TempDir>,
}

impl DemoHandle {
    /// `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// A rustls client configuration that trusts only the demo CA (ring provider).
    pub fn client_tls_config(&self) -> Result<rustls::ClientConfig, DemoError> {
        tls::client_config(&self.ca_pem)
    }

    /// Issues a client certificate for user `name` signed by the demo CA; the server accepts it
    /// in place of the bearer token.
    pub fn issue_client_cert(&self, name: &str) -> Result<ClientIdentity, DemoError> {
        tls::issue_client_cert(&self.issuer, name)
    }

    /// Drops every connection and resets new ones for `down_for`, keeping the port, and returns
    /// once it serves again. Simulates an apiserver restart.
    pub async fn restart(&self, down_for: Duration) -> Result<(), DemoError> {
        self.gate.restart(down_for);
        tokio::time::sleep(down_for).await;
        Ok(())
    }

    /// Rotates the bearer token through `--demo-token-file` (false, and nothing changes,
    /// without one); the old token is accepted for `grace` more.
    pub fn rotate_token(&self, grace: Duration) -> Result<bool, DemoError> {
        self.tokens.rotate(grace)
    }

    /// Stops the server, its connections and the churn.
    pub async fn shutdown(self) {
        // Drop does the work; this exists so callers can say what they mean.
        drop(self);
    }
}

impl Drop for DemoHandle {
    fn drop(&mut self) {
        self.chaos.stop();
        self.server.stop();
        for task in &self.background {
            task.abort();
        }
    }
}

/// Seeds the store, generates certificates and a token, writes the kubeconfig and starts serving.
pub async fn start(opts: DemoOptions, listen: ServeOptions) -> Result<DemoHandle, DemoError> {
    let user = format!("{}-cert", listen.name);
    let (identity, first_rv) = match &listen.identity {
        Some(dir) => (
            identity::Identity::load_or_create(dir, &user)?,
            identity::rv_base(),
        ),
        None => (identity::Identity::generate(&user)?, 1),
    };
    let certs = tls::certs(&identity)?;
    let token = identity.token.clone();
    let token_file = listen
        .token_file
        .as_deref()
        .map(std::path::absolute)
        .transpose()?;
    let tokens = Arc::new(tokens::Tokens::new(token.clone(), token_file)?);
    let faults = Arc::new(Faults::from_options(&opts));
    let store = Arc::new(store::Store::new(first_rv));
    data::seed(&store, &opts);

    let (restart_tx, restart_rx) = tokio::sync::mpsc::unbounded_channel();
    let gate = server::Gate::new();
    let chaos = Arc::new(Chaos::new(chaos::Targets {
        store: store.clone(),
        faults: faults.clone(),
        gate: gate.clone(),
        tokens: tokens.clone(),
    }));
    let app = routes::AppState {
        store: store.clone(),
        tokens: tokens.clone(),
        faults: faults.clone(),
        log_rate: opts.log_rate,
        restart: restart_tx,
        chaos: chaos.clone(),
    };
    let server =
        server::Server::start(listen.port, certs.server_config.clone(), app, gate.clone()).await?;
    let addr = server.addr();

    let (kubeconfig_path, tempdir) = tls::write_kubeconfig(
        &listen.name,
        addr,
        &identity,
        tokens.file(),
        listen.kubeconfig_out.as_deref(),
    )?;
    let background = vec![
        churn::spawn(store, opts.churn, opts.seed),
        server::spawn_restarter(gate.clone(), restart_rx),
    ];
    if let Some(seed) = opts.chaos {
        chaos.start(seed, 1.0, 0.0);
    }
    tracing::info!(%addr, pods = opts.pods, "demo server started");
    Ok(DemoHandle {
        addr,
        kubeconfig_path,
        token,
        ca_pem: certs.ca_pem,
        issuer: certs.issuer,
        faults,
        chaos,
        gate,
        tokens,
        server,
        background,
        _tempdir: tempdir,
    })
}

/// Runs the demo server alone (the `demo-server` subcommand): prints where the kubeconfig is and a
/// kubectl line to try, then serves until Ctrl-C.
pub async fn run_standalone(opts: DemoOptions, listen: ServeOptions) -> anyhow::Result<()> {
    let handle = start(opts, listen).await?;
    let path = handle.kubeconfig_path.display();
    println!("kr8s-tui demo server listening on {}", handle.base_url());
    println!("kubeconfig: {path}");
    println!("try: kubectl --kubeconfig {path} get pods -A");
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
