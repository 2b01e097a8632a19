//! The object history's cost at churn, without a server: `update` fed 100 000 listed pods, then
//! MODIFIED events carrying whole pods (~2.5 KB of JSON each, as the demo's) in batches, as the
//! watch delivers them. Prints one JSON line: events, time per event in `update`, the history's
//! counted bytes and the process RSS before and after. The demo server cannot churn 500 events/s
//! at 100 000 pods on a small machine, so this measures the client side of that load alone.
//!
//! ```text
//! cargo run --release --example history_cost -- [--pods 100000] [--events 300000] [--off]
//!     [--cap-mib 64]
//! ```

use std::time::Instant;

use kr8s_tui::kube::kubeconfig::ContextInfo;
use kr8s_tui::kube::raw_object::RawObject;
use kr8s_tui::kube::table::PodRow;
use kr8s_tui::kube::watcher::Change;
use kr8s_tui::msg::Msg;
use kr8s_tui::state::{StartOptions, State, update};

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn pod_json(ns: &str, name: &str, restarts: u64, rv: u64) -> String {
    let labels: String = (0..6)
        .map(|i| format!(r#","label-{i}":"value-{i}-{name}""#))
        .collect();
    format!(
        r#"{{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"{name}","namespace":"{ns}","uid":"uid-{ns}-{name}","resourceVersion":"{rv}","creationTimestamp":"2026-11-20T10:00:00Z","labels":{{"app":"{name}"{labels}}},"ownerReferences":[{{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs-{name}","uid":"rs-uid","controller":true}}]}},"spec":{{"nodeName":"worker-7","serviceAccountName":"default","containers":[{{"name":"app","image":"ghcr.io/acme/app:1.2.3","ports":[{{"containerPort":8080,"protocol":"TCP"}}],"resources":{{"requests":{{"cpu":"100m","memory":"128Mi"}},"limits":{{"memory":"256Mi"}}}},"env":[{{"name":"LOG_LEVEL","value":"info"}}],"volumeMounts":[{{"name":"kube-api-access","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","readOnly":true}}]}}],"volumes":[{{"name":"kube-api-access","projected":{{"sources":[{{"serviceAccountToken":{{"path":"token","expirationSeconds":3607}}}}]}}}}],"tolerations":[{{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}}]}},"status":{{"phase":"Running","hostIP":"10.0.0.7","podIP":"10.244.1.17","startTime":"2026-11-20T10:00:02Z","qosClass":"Burstable","conditions":[{{"type":"Ready","status":"True"}},{{"type":"PodScheduled","status":"True"}}],"containerStatuses":[{{"name":"app","ready":true,"restartCount":{restarts},"image":"ghcr.io/acme/app:1.2.3","imageID":"sha256:0123456789abcdef","containerID":"containerd://abcdef{rv}","state":{{"running":{{"startedAt":"2026-11-20T10:00:05Z"}}}}}}]}}}}"#
    )
}

fn main() {
    let mut pods = 100_000usize;
    let mut events = 300_000usize;
    let mut off = false;
    let mut cap_mib = 64usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pods" => pods = args.next().and_then(|v| v.parse().ok()).unwrap_or(pods),
            "--events" => events = args.next().and_then(|v| v.parse().ok()).unwrap_or(events),
            "--off" => off = true,
            "--cap-mib" => cap_mib = args.next().and_then(|v| v.parse().ok()).unwrap_or(cap_mib),
            other => panic!("unknown argument {other}"),
        }
    }
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        history_versions: Some(if off { 0 } else { 20 }),
        history_max_bytes: Some(cap_mib << 20),
        ..StartOptions::default()
    });
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ContextInfo {
                name: "demo".into(),
                cluster: "demo".into(),
                user: "demo".into(),
                namespace: None,
            }],
            selected: Some("demo".into()),
            fleet: Vec::new(),
            namespace: None,
            error: None,
        },
    );
    let name = |i: usize| (format!("ns-{}", i % 50), format!("pod-{i:06}"));
    let rows: Vec<PodRow> = (0..pods)
        .map(|i| {
            let (namespace, name) = name(i);
            PodRow {
                uid: format!("uid-{namespace}-{name}"),
                namespace,
                name,
                ready: "1/1".into(),
                status: "Running".into(),
                ..PodRow::default()
            }
        })
        .collect();
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    let rss_listed = rss_mib();
    let start_time = jiff::Timestamp::now();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut spent = std::time::Duration::ZERO;
    let batch = 50;
    for b in 0..events / batch {
        let changes: Vec<Change<PodRow>> = (0..batch)
            .map(|k| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let n = b * batch + k;
                let i = (rng % pods as u64) as usize;
                let (namespace, name) = name(i);
                let json = pod_json(&namespace, &name, n as u64 % 7, 1_000_000 + n as u64);
                let seen = start_time + jiff::SignedDuration::from_millis(2 * n as i64);
                Change::Modified(PodRow {
                    uid: format!("uid-{namespace}-{name}"),
                    namespace,
                    name,
                    ready: "1/1".into(),
                    status: "Running".into(),
                    restarts: (n % 7) as u32,
                    object: (!off).then(|| {
                        Box::new(RawObject {
                            json: json.into(),
                            seen,
                        })
                    }),
                    ..PodRow::default()
                })
            })
            .collect();
        let t = Instant::now();
        update(&mut state, Msg::pod_changes(generation, changes));
        spent += t.elapsed();
    }
    let per_event_us = spent.as_secs_f64() * 1e6 / events as f64;
    let out = serde_json::json!({
        "pods": pods,
        "events": events,
        "history": !off,
        "update_us_per_event": (per_event_us * 100.0).round() / 100.0,
        "cpu_pct_at_500_per_s": (per_event_us * 500.0 / 1e4 * 100.0).round() / 100.0,
        "history_counted_mib": (state.history.bytes() as f64 / 1048576.0 * 10.0).round() / 10.0,
        "rss_listed_mib": (rss_listed * 10.0).round() / 10.0,
        "rss_end_mib": (rss_mib() * 10.0).round() / 10.0,
        "deleted": state.history.gone().count(),
    });
    println!("{out}");
}
