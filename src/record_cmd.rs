//! `kr8s-tui record`: records a cluster without the UI, through the same list-watch engine
//! and decoders the UI uses, until `--for` ends or ctrl-c; then writes the index.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::{GlobalArgs, RecordArgs};
use crate::kube::discovery::{discover, resolve};
use crate::kube::kubeconfig::{LoadOptions, discover as load_kubeconfig};
use crate::kube::watcher::{Decoder, ListWatch, NameRows, PodRows, TableRows};
use crate::kube::{ApiCache, Client, ClientOptions};
use crate::record::{Recorder, Recording};
use crate::tasks::{TaskOptions, pods_path};

pub async fn run(global: &GlobalArgs, args: RecordArgs) -> anyhow::Result<ExitCode> {
    let recorder = Arc::new(Recorder::create(&args.file)?);
    let client = client(global, &recorder)?;
    let namespace = match (&global.namespace, global.all_namespaces) {
        (_, true) => None,
        (Some(ns), false) => Some(ns.clone()),
        (None, false) => Some(client.namespace().to_string()),
    };
    let mut tasks = vec![
        spawn(&client, pods_path(namespace.as_deref()), PodRows::default()),
        spawn(&client, "/api/v1/namespaces".into(), NameRows),
    ];
    tasks.push(tokio::spawn(poll_version(client.clone())));
    if !args.kinds.is_empty() {
        let resources = discover(&client).await.context("discovery")?;
        for kind in &args.kinds {
            let resource = resolve(kind, &resources)?;
            let path = resource.collection_path(namespace.as_deref());
            tasks.push(spawn(
                &client,
                path.clone(),
                TableRows::for_collection(&path),
            ));
        }
    }
    let scope = namespace.as_deref().unwrap_or("all namespaces");
    eprintln!(
        "recording {} ({scope}) to {}; ctrl-c ends it",
        client.context(),
        args.file.display()
    );
    match args.duration.0 {
        Some(d) => tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = tokio::signal::ctrl_c() => {}
        },
        None => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    for t in &tasks {
        t.abort();
    }
    recorder.finish()?;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let (first, last) = Recording::open(&args.file)?.span();
    eprintln!(
        "recorded {:.1}s, {} bytes, to {}",
        (last - first) as f64 / 1000.0,
        size,
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The client of the chosen context, recording; read-only, as a recorder changes nothing.
fn client(global: &GlobalArgs, recorder: &Arc<Recorder>) -> anyhow::Result<Client> {
    let source = load_kubeconfig(&LoadOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: global.namespace.clone(),
    })?;
    let opts = ClientOptions {
        request_timeout: global.request_timeout.0,
        readonly: true,
        recorder: Some(Arc::clone(recorder)),
        ..ClientOptions::default()
    };
    let cache = ApiCache::new(source, global.namespace.clone(), opts);
    Ok(cache.api(global.context.as_deref(), None)?)
}

/// One list-watch whose events are only recorded (nobody shows them).
fn spawn<D: Decoder>(client: &Client, path: String, decoder: D) -> tokio::task::JoinHandle<()> {
    let opts = TaskOptions::default();
    let engine = ListWatch {
        client: client.clone(),
        path,
        label_selector: None,
        field_selector: None,
        page_size: opts.page_size,
        max_backoff: opts.max_backoff,
        decoder,
    };
    tokio::spawn(engine.run(|_| true))
}

/// `/version` now and then, as the UI polls it (the client records each answer).
async fn poll_version(client: Client) {
    loop {
        if let Err(e) = client.version().await {
            tracing::warn!(error = %e, "version");
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}
