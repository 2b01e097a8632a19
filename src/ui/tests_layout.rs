//! The layout at the sizes people use: 60×15, 80×24, 160×45 and 250 columns, for the pods of
//! one namespace and of all, deployments of all namespaces and events of one. Rows look like
//! the demo cluster's.

use serde_json::{Value, json};

use crate::kube::resource_table::parse_table;
use crate::kube::table::PodRow;
use crate::msg::Msg;
use crate::state::{State, update};
use crate::ui::render;
use crate::ui::testing::{demo_state, draw, now};

const SIZES: [(u16, u16); 4] = [(60, 15), (80, 24), (160, 45), (250, 40)];

fn ago(secs: i64) -> Option<jiff::Timestamp> {
    now()
        .checked_sub(jiff::SignedDuration::from_secs(secs))
        .ok()
}

fn pod(ns: &str, name: &str, ready: &str, status: &str, age_secs: i64) -> PodRow {
    PodRow {
        namespace: ns.into(),
        name: name.into(),
        ready: ready.into(),
        status: status.into(),
        created: ago(age_secs),
        ip: "10.244.2.31".into(),
        node: "demo-worker-2".into(),
        ..PodRow::default()
    }
}

/// Pods like the demo's: crash loops, pulls, jobs, a 41-character ingress controller.
pub(super) fn demo_pods() -> Vec<PodRow> {
    let mut restarted = pod(
        "default",
        "hello-web-58tz6np9k-s4hdx",
        "1/1",
        "Running",
        212_000,
    );
    restarted.restarts = 3;
    restarted.last_restart = ago(144);
    let mut crash = pod(
        "kube-system",
        "coredns-5dsbtbj5j-vz25n",
        "0/1",
        "CrashLoopBackOff",
        5_400,
    );
    crash.restarts = 12;
    crash.last_restart = ago(95);
    let pending = {
        let mut p = pod("data", "kafka-0", "0/1", "Pending", 400);
        p.ip.clear();
        p.node.clear();
        p
    };
    vec![
        pod(
            "data",
            "etl-nightly-28817449-9vhjs",
            "0/1",
            "Completed",
            72_000,
        ),
        pending,
        pod("data", "postgres-0", "0/1", "ImagePullBackOff", 37),
        pod("data", "redis-0", "1/1", "Running", 228),
        pod(
            "default",
            "hello-web-58tz6np9k-9rhwt",
            "1/1",
            "Running",
            1_641_600,
        ),
        restarted,
        pod(
            "default",
            "hello-web-58tz6np9k-zb7kr",
            "0/1",
            "ImagePullBackOff",
            563,
        ),
        pod(
            "kube-system",
            "coredns-5dsbtbj5j-clrps",
            "0/1",
            "ContainerCreating",
            309,
        ),
        pod(
            "kube-system",
            "coredns-5dsbtbj5j-dr5ll",
            "1/1",
            "Running",
            338_400,
        ),
        pod(
            "kube-system",
            "coredns-5dsbtbj5j-smn54",
            "1/1",
            "Running",
            1_900_800,
        ),
        crash,
        pod("kube-system", "kube-proxy-c7jgq", "1/1", "Running", 142),
        pod(
            "kube-system",
            "metrics-server-7c9f8d6b5b-x2x9q",
            "1/1",
            "Running",
            6_912_000,
        ),
        pod(
            "monitoring",
            "grafana-6d8b9c7f5d-k2l4m",
            "3/3",
            "Running",
            86_400,
        ),
        pod(
            "payments",
            "fraud-detector-5f7b8c9d4e-q8r7t",
            "2/2",
            "Running",
            7_200,
        ),
        pod("web", "frontend-589jsh6h2-8986g", "2/2", "Running", 3_000),
        pod(
            "web",
            "ingress-nginx-controller-6s5rdvrnh-bh92v",
            "1/1",
            "Running",
            900,
        ),
        pod(
            "web",
            "ingress-nginx-controller-6s5rdvrnh-xq2x4",
            "1/1",
            "Terminating",
            905,
        ),
    ]
}

/// The demo state showing `pods` (of `namespace`, or all), the cursor on the last row so the
/// longest names are in view on short screens too.
fn pods_state(namespace: Option<&str>) -> State {
    let mut state = demo_state(namespace.is_none());
    let rows: Vec<PodRow> = demo_pods()
        .into_iter()
        .filter(|p| namespace.is_none_or(|ns| p.namespace == ns))
        .collect();
    let _watch = state.watch_pods(namespace.map(String::from), None);
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    let len = state.pods.visible_len();
    state.pods.cursor.select(len - 1, len);
    let entry = namespace.and_then(|ns| state.namespaces.iter().position(|n| n == ns));
    let entries = state.namespace_entries();
    state
        .namespaces_cursor
        .select(entry.map_or(0, |i| i + 1), entries);
    state.now = now();
    state
}

/// The demo state showing a server-printed table of `plural` with `columns` and `rows`
/// (`(namespace, name, cells)`), in `namespace` or all.
fn table_state(
    plural: &str,
    group: &str,
    namespace: Option<&str>,
    columns: Value,
    rows: Vec<(&str, &str, Value)>,
) -> State {
    let mut state = pods_state(namespace);
    let id = crate::ui::testing::open_kind(&mut state, group, plural);
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(ns, name, cells)| {
            json!({"cells": cells, "object": {"kind": "PartialObjectMetadata",
                "metadata": {"name": name, "namespace": ns}}})
        })
        .collect();
    let body = json!({"kind": "Table", "columnDefinitions": columns, "rows": rows});
    let table = parse_table(body.to_string().as_bytes()).expect("a table");
    update(&mut state, Msg::table_listed(id, table));
    state
}

fn deployments() -> State {
    let columns = json!([
        {"name": "Name", "priority": 0}, {"name": "Ready", "priority": 0},
        {"name": "Up-to-date", "priority": 0}, {"name": "Available", "priority": 0},
        {"name": "Age", "priority": 0}, {"name": "Containers", "priority": 1},
        {"name": "Images", "priority": 1}, {"name": "Selector", "priority": 1}]);
    let deploy = |ns, name, ready, image: &str| {
        let cells = json!([name, ready, 4, 3, "80d", name, image, format!("app={name}")]);
        (ns, name, cells)
    };
    let rows = vec![
        deploy("default", "hello-web", "8/10", "nginx:1.27.2"),
        deploy(
            "kube-system",
            "coredns",
            "3/4",
            "registry.k8s.io/coredns/coredns:v1.11.3",
        ),
        deploy(
            "kube-system",
            "metrics-server",
            "1/1",
            "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
        ),
        deploy("monitoring", "grafana", "3/3", "grafana/grafana:11.2.2"),
        deploy(
            "payments",
            "fraud-detector",
            "3/3",
            "ghcr.io/acme/fraud-detector:0.18.0",
        ),
        deploy(
            "web",
            "ingress-nginx-controller",
            "8/8",
            "registry.k8s.io/ingress-nginx/controller:v1.11.2",
        ),
    ];
    table_state("deployments", "apps", None, columns, rows)
}

fn events() -> State {
    let columns = json!([
        {"name": "Last Seen", "priority": 0}, {"name": "Type", "priority": 0},
        {"name": "Reason", "priority": 0}, {"name": "Object", "priority": 0},
        {"name": "Message", "priority": 0}]);
    let event = |seen, ty, reason, object, message| {
        (
            "kube-system",
            "e",
            json!([seen, ty, reason, object, message]),
        )
    };
    let rows = vec![
        event(
            "95s",
            "Warning",
            "BackOff",
            "pod/coredns-5dsbtbj5j-vz25n",
            "Back-off restarting failed container coredns in pod coredns-5dsbtbj5j-vz25n_kube-system(0c9e3a1b)",
        ),
        event(
            "5m9s",
            "Normal",
            "Scheduled",
            "pod/coredns-5dsbtbj5j-clrps",
            "Successfully assigned kube-system/coredns-5dsbtbj5j-clrps to demo-worker-2",
        ),
        event(
            "5m8s",
            "Normal",
            "Pulling",
            "pod/coredns-5dsbtbj5j-clrps",
            "Pulling image \"registry.k8s.io/coredns/coredns:v1.11.3\"",
        ),
        event(
            "80d",
            "Normal",
            "ScalingReplicaSet",
            "deployment/metrics-server",
            "Scaled up replica set metrics-server-7c9f8d6b5b to 1",
        ),
    ];
    table_state("events", "", Some("kube-system"), columns, rows)
}

fn snapshot_sizes(name: &str, state: &State) {
    for (width, height) in SIZES {
        let screen = draw(width, height, |f| render(f, state));
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

#[test]
fn pods_of_one_namespace_at_every_size() {
    let state = pods_state(Some("kube-system"));
    snapshot_sizes("pods_kube_system", &state);
    // The complaint: every coredns pod name whole at 80×24 (not four `coredns-5dsbtbj`).
    let screen = draw(80, 24, |f| render(f, &state));
    for pod in demo_pods().iter().filter(|p| p.namespace == "kube-system") {
        assert!(screen.contains(&pod.name), "{} cut:\n{screen}", pod.name);
    }
}

#[test]
fn pods_of_all_namespaces_at_every_size() {
    let state = pods_state(None);
    snapshot_sizes("pods_all", &state);
    let screen = draw(80, 24, |f| render(f, &state));
    for pod in demo_pods() {
        assert!(screen.contains(&pod.name), "{} cut:\n{screen}", pod.name);
    }
    // 60×15: NAME is there, and at least 8 rows.
    let screen = draw(60, 15, |f| render(f, &state));
    assert!(screen.contains("NAME "), "{screen}");
    let rows = screen
        .lines()
        .filter(|l| l.contains("/1 ") || l.contains("/2 "));
    assert!(rows.count() >= 8, "{screen}");
}

#[test]
fn deployments_of_all_namespaces_at_every_size() {
    let state = deployments();
    snapshot_sizes("deployments_all", &state);
    for (width, height) in SIZES {
        let screen = draw(width, height, |f| render(f, &state));
        assert!(screen.contains("metrics-server "), "{width}:\n{screen}");
    }
}

#[test]
fn events_at_every_size() {
    let state = events();
    snapshot_sizes("events_kube_system", &state);
    // LAST SEEN is as wide as its title, OBJECT fits its names, MESSAGE takes the rest.
    let screen = draw(160, 45, |f| render(f, &state));
    assert!(screen.contains("LAST SEEN  TYPE"), "{screen}");
    assert!(
        screen.contains(" pod/coredns-5dsbtbj5j-vz25n  Back-off"),
        "{screen}"
    );
    let whole = "coredns-5dsbtbj5j-vz25n_kube-system(0c9e3a1b)";
    assert!(!screen.contains(whole) && screen.contains("…┃"), "{screen}");
    let screen = draw(250, 40, |f| render(f, &state));
    assert!(screen.contains(whole), "{screen}");
    // 60 columns: MESSAGE stays, columns on its left give way.
    let screen = draw(60, 15, |f| render(f, &state));
    assert!(screen.contains("MESSAGE"), "{screen}");
}

/// The logs title at 80 columns: the pod's whole name and the container, the breadcrumb and
/// the less useful counts left out; the key hints in their short form.
#[test]
fn logs_title_fits_80_columns() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut state = pods_state(Some("web"));
    let name = "ingress-nginx-controller-6s5rdvrnh-xq2x4";
    update(&mut state, Msg::Key(KeyEvent::from(KeyCode::Char('l'))));
    let id = state.detail.as_ref().map(|d| d.id).expect("a logs view");
    let pod = json!({"kind": "Pod", "metadata": {"name": name, "namespace": "web"},
        "spec": {"containers": [{"name": "controller"}]}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod),
        },
    );
    let lines = vec!["I1120 11:59:58 controller.go:190] Configuration changes detected".into()];
    update(&mut state, Msg::LogLines { id, lines });
    let screen = draw(80, 24, |f| render(f, &state));
    insta::assert_snapshot!(screen);
    let title = screen.lines().nth(1).unwrap_or_default();
    assert!(
        title.contains(&format!(" {name} › logs [container controller (1/1)] ")),
        "{title}"
    );
    let bottom = screen.lines().nth(21).unwrap_or_default();
    assert!(
        bottom.contains("● following") && bottom.contains("Esc"),
        "{bottom}"
    );
    // Wide enough: the breadcrumb and every count, as before.
    let screen = draw(160, 24, |f| render(f, &state));
    let title = screen.lines().nth(1).unwrap_or_default();
    assert!(
        title.contains("kind-dev › web › pods › ingress") && title.contains("· 1 lines]"),
        "{title}"
    );
}

/// Folded panes: the namespaces pane as a full view, named in the breadcrumb with a way back.
#[test]
fn folded_namespaces_pane_as_a_full_view() {
    let mut state = pods_state(Some("kube-system"));
    state.focus = crate::state::Focus::Namespaces;
    let screen = draw(80, 24, |f| render(f, &state));
    insta::assert_snapshot!(screen);
    assert!(
        screen.contains("kube-system › pods › namespaces  (Esc back)"),
        "{screen}"
    );
    assert!(
        !screen.contains("Contexts") && !screen.contains("READY"),
        "{screen}"
    );
    // Tall enough, the same focus is just the pane above the table.
    let screen = draw(80, 30, |f| render(f, &state));
    assert!(
        screen.contains("Contexts") && screen.contains("READY"),
        "{screen}"
    );
}
