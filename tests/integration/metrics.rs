//! metrics.k8s.io end to end: the demo serves PodMetrics and NodeMetrics, the app polls them,
//! and its CPU/MEM cells are what `kubectl top` prints for the same pods at the same time; a
//! server without metrics (or refusing them) gets no columns and no error.

use crate::common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use common::harness::Harness;
use kr8s_tui::demo::{DemoHandle, DemoOptions, FaultSettings};
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::kube::metrics::{cpu_cell, mem_cell, percent};
use kr8s_tui::state::metrics::Availability;
use kr8s_tui::tasks::TaskOptions;

/// The demo's samples change every this many seconds (aligned to the epoch).
const BUCKET: i64 = 15;

fn bucket() -> i64 {
    jiff::Timestamp::now().as_second().div_euclid(BUCKET)
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn kubectl(demo: &DemoHandle, args: &[&str]) -> String {
    let out = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args(args)
        .output()
        .await
        .expect("kubectl runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubectl {args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The app on `demo`, all namespaces, polling metrics every second.
async fn app(demo: &DemoHandle) -> Harness {
    let opts = TaskOptions {
        metrics_interval: Duration::from_secs(1),
        ..TaskOptions::default()
    };
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        None,
        ClientOptions::default(),
        opts,
    );
    app.until("the pods list", Duration::from_secs(10), |s| {
        s.pods_load == kr8s_tui::state::PodsLoad::Watching
    })
    .await;
    app
}

async fn quiet_demo(opts: DemoOptions) -> DemoHandle {
    common::kubectl::server(DemoOptions { churn: 0.0, ..opts }).await
}

/// `kubectl top pod -A` as (namespace/name → [cpu, mem]).
fn top_pods(out: &str) -> BTreeMap<String, [String; 2]> {
    out.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let [ns, name, cpu, mem] = w[..] else {
                return None;
            };
            Some((format!("{ns}/{name}"), [cpu.to_string(), mem.to_string()]))
        })
        .collect()
}

/// The app's cells for every pod with a sample.
fn app_pods(app: &Harness) -> BTreeMap<String, [String; 2]> {
    app.rows()
        .iter()
        .filter_map(|r| {
            let u = r.usage?;
            let cells = [cpu_cell(u.cpu_milli), mem_cell(u.mem_bytes)];
            Some((format!("{}/{}", r.namespace, r.name), cells))
        })
        .collect()
}

/// The app's `kubectl top node` line of every node: name, CPU, CPU%, MEM, MEM%.
fn app_nodes(app: &Harness) -> Vec<String> {
    let mut lines: Vec<String> = app
        .state
        .metrics
        .nodes
        .iter()
        .map(|(name, n)| {
            let a = n.allocatable.expect("allocatable from the node list");
            format!(
                "{name} {} {}% {} {}%",
                cpu_cell(n.usage.cpu_milli),
                percent(n.usage.cpu_milli, a.cpu_milli).unwrap_or_default(),
                mem_cell(n.usage.mem_bytes),
                percent(n.usage.mem_bytes, a.mem_bytes).unwrap_or_default(),
            )
        })
        .collect();
    lines.sort();
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpu_and_mem_cells_equal_kubectl_top() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let demo = quiet_demo(DemoOptions::default()).await;
    let mut app = app(&demo).await;
    app.until("a metrics sample", Duration::from_secs(10), |s| {
        s.metrics.shown()
    })
    .await;
    // Both sides must read the same time bucket: retry when the reads straddle a boundary.
    for attempt in 0..4 {
        let before = bucket();
        let pods = kubectl(&demo, &["top", "pod", "-A", "--no-headers"]).await;
        let nodes = kubectl(&demo, &["top", "node", "--no-headers"]).await;
        // At least two polls (one second apart) land after kubectl asked.
        app.run_for(Duration::from_millis(2500), |_| {}).await;
        if bucket() != before {
            println!("attempt {attempt} straddled a bucket boundary; again");
            continue;
        }
        let kubectl_pods = top_pods(&pods);
        // Requests and limits came too (read once from whole pods): 100m/500m per container.
        for row in app.rows() {
            let r = row.resources.expect("requests and limits read");
            assert!(
                r.requests.cpu_milli % 100 == 0 && r.requests.cpu_milli > 0,
                "{r:?}"
            );
            assert_eq!(r.limits.cpu_milli, r.requests.cpu_milli * 5, "{r:?}");
        }
        assert!(kubectl_pods.len() > 20, "kubectl top saw pods: {pods}");
        assert_eq!(app_pods(&app), kubectl_pods);
        let mut kubectl_nodes: Vec<String> = nodes
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        kubectl_nodes.sort();
        assert_eq!(app_nodes(&app), kubectl_nodes);
        // Single gets too (kubectl top pod NAME, kubectl top node NAME).
        let (ns, name) = kubectl_pods
            .keys()
            .next()
            .and_then(|k| k.split_once('/'))
            .expect("a pod");
        let one = kubectl(&demo, &["top", "pod", name, "-n", ns, "--no-headers"]).await;
        assert!(one.starts_with(name), "{one}");
        let node = kubectl_nodes[0].split(' ').next().expect("a node name");
        let one = kubectl(&demo, &["top", "node", node, "--no-headers"]).await;
        assert!(one.starts_with(node), "{one}");
        return;
    }
    panic!("every attempt straddled a bucket boundary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_metrics_api_means_no_columns_no_error_and_no_more_polls() {
    let demo = quiet_demo(DemoOptions {
        no_metrics: true,
        ..DemoOptions::default()
    })
    .await;
    let mut app = app(&demo).await;
    app.until("the metrics answer", Duration::from_secs(10), |s| {
        s.metrics.availability != Availability::Unknown
    })
    .await;
    assert_eq!(app.state.metrics.availability, Availability::NotServed);
    assert_eq!(app.state.metrics.hint(), Some("metrics: not served"));
    // Serving metrics now changes nothing: a 404 stopped the poll for this table.
    demo.faults.apply(&FaultSettings {
        metrics: Some(true),
        ..FaultSettings::default()
    });
    app.run_for(Duration::from_secs(3), |s| {
        assert!(!s.metrics.shown(), "polled again after a 404");
        assert_eq!(s.pods_error, None);
    })
    .await;
    let screen = draw(&app);
    assert!(!screen.contains("CPU"), "{screen}");
    assert!(screen.contains("metrics: not served"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_metrics_are_a_hint_not_an_error() {
    let demo = quiet_demo(DemoOptions {
        forbid: vec!["list:pods.metrics.k8s.io".parse().expect("a rule")],
        ..DemoOptions::default()
    })
    .await;
    let mut app = app(&demo).await;
    app.until("the metrics answer", Duration::from_secs(10), |s| {
        s.metrics.availability != Availability::Unknown
    })
    .await;
    assert_eq!(app.state.metrics.availability, Availability::Forbidden);
    assert_eq!(app.state.pods_error, None);
    let screen = draw(&app);
    assert!(screen.contains("metrics: forbidden"), "{screen}");
    assert!(!screen.contains("CPU"), "{screen}");
}

/// The whole screen as the app would draw it.
fn draw(app: &Harness) -> String {
    let backend = ratatui::backend::TestBackend::new(140, 20);
    let mut terminal = ratatui::Terminal::new(backend).expect("test terminal");
    terminal
        .draw(|f| kr8s_tui::ui::render(f, &app.state))
        .expect("draws");
    format!("{:?}", terminal.backend())
}
