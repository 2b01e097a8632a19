//! The layout in the real binary on small terminals: whole pod names at 80×24, the table's
//! rows at 60×15, and the folded contexts and namespaces panes coming back as full views.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::pty::PtyApp;
use kr8s_tui::demo::{self, DemoHandle, DemoOptions, ServeOptions};
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::{ApiCache, ClientOptions};

const WAIT: Duration = Duration::from_secs(30);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The cluster `--demo` shows (same seed and size), without churn, and the names of its pods
/// as the server lists them.
fn demo_cluster(rt: &tokio::runtime::Runtime) -> (DemoHandle, BTreeSet<String>) {
    let opts = DemoOptions {
        churn: 0.0,
        ..DemoOptions::default()
    };
    let handle = rt
        .block_on(demo::start(opts, ServeOptions::default()))
        .expect("demo starts");
    let source = discover(&LoadOptions {
        kubeconfig: Some(handle.kubeconfig_path.clone()),
        ..LoadOptions::default()
    })
    .expect("kubeconfig loads");
    let cache = ApiCache::new(source, None, ClientOptions::default());
    let client = cache.api(Some("demo"), None).expect("client");
    let rows = rt.block_on(common::harness::server_rows(&client, "/api/v1/pods"));
    let names = rows.into_iter().map(|r| r.name).collect();
    (handle, names)
}

/// Rows of the table on screen: the words of each line inside the table's frame, after the
/// selection marker; the header and empty lines left out.
fn table_rows(screen: &str) -> Vec<Vec<String>> {
    screen
        .lines()
        .filter(|l| l.starts_with('┃') || l.starts_with('│'))
        .map(|l| {
            l.trim_matches(['┃', '│'])
                .trim_start_matches(['▶', ' '])
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<String>>()
        })
        .filter(|words| !words.is_empty() && !words.iter().any(|w| w.starts_with("NAME")))
        .collect()
}

/// The pods pane's title line, `Pods(all) [19/60]`, which changes with every page.
fn pods_title(screen: &str) -> String {
    let title = screen.lines().find(|l| l.contains("Pods("));
    title.unwrap_or_default().to_string()
}

/// The screen once a page other than the one titled `title` is drawn completely (a frame can
/// arrive in several reads: the screen must hold still for a moment).
fn next_page(app: &PtyApp, title: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let before = app.screen();
        std::thread::sleep(Duration::from_millis(150));
        let after = app.screen();
        if before == after && pods_title(&after) != title && !table_rows(&after).is_empty() {
            return after;
        }
        assert!(
            start.elapsed() < WAIT,
            "no new page after {title:?}:\n{after}"
        );
    }
}

/// At 80×24 with every namespace: page through the table; each NAME cell is a whole pod name
/// and every pod is seen.
#[test]
fn pod_names_are_whole_at_80x24() {
    let rt = runtime();
    let (demo, names) = demo_cluster(&rt);
    let path = demo.kubeconfig_path.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path, "-A"], 80, 24);
    app.wait_text("watching", WAIT);
    let mut seen = BTreeSet::new();
    let mut title = String::new();
    for _ in 0..names.len() {
        let screen = next_page(&app, &title);
        title = pods_title(&screen);
        for row in table_rows(&screen) {
            let name = row.get(1).cloned().unwrap_or_default();
            assert!(
                names.contains(&name),
                "{name:?} is not a whole name:\n{screen}"
            );
            seen.insert(name);
        }
        if seen.len() == names.len() {
            break;
        }
        app.send("\x1b[6~"); // PgDn
    }
    assert_eq!(seen, names, "every pod shown");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// `:deploy` of every namespace at 80×24: metrics-server whole.
#[test]
fn deployments_show_metrics_server_whole_at_80x24() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-A"], 80, 24);
    app.wait_text("watching", WAIT);
    app.send(":deploy\r");
    app.wait_for("metrics-server whole in the deployments", WAIT, |s| {
        s.contains("› deployments")
            && table_rows(s)
                .iter()
                .any(|r| r.get(1).map(String::as_str) == Some("metrics-server"))
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// 60×15: the panes fold away and the table shows at least 8 rows, NAME among its columns.
#[test]
fn the_table_keeps_its_rows_at_60x15() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-A"], 60, 15);
    let screen = app.wait_for("a full table", WAIT, |s| table_rows(s).len() >= 8);
    assert!(screen.contains("NAME"), "{screen}");
    assert!(!screen.contains("Contexts ["), "panes folded:\n{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Folded panes at 80×24: Tab shows the contexts, then the namespaces, as full views; Esc
/// returns to the table; `:ns` and a pick switch the namespace and return; `z` puts the panes
/// above the table.
#[test]
fn folded_panes_come_back_as_full_views() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-n", "default"], 80, 24);
    app.wait_text("watching", WAIT);
    let table = app.wait_text("READY", WAIT);
    assert!(!table.contains("Contexts ["), "{table}");
    app.send("\t");
    app.wait_for("the contexts as a full view", WAIT, |s| {
        s.contains("Contexts [") && !s.contains("READY")
    });
    app.send("\t");
    app.wait_for("the namespaces view", WAIT, |s| {
        s.contains("Namespaces [") && s.contains("kube-system") && !s.contains("READY")
    });
    app.send("\x1b");
    app.wait_for("the table again", WAIT, |s| {
        s.contains("READY") && !s.contains("Namespaces [")
    });
    // Give Esc its own read: the next key must not look like an escape sequence.
    std::thread::sleep(Duration::from_millis(200));
    app.send(":ns\r");
    app.wait_for("the namespaces view from :ns", WAIT, |s| {
        s.contains("Namespaces [") && s.contains("› namespaces  (Esc back)")
    });
    // "all", data, default, kube-system: one down from default.
    app.send("j\r");
    app.wait_for("kube-system's pods", WAIT, |s| {
        s.contains("Pods(kube-system)") && s.contains("coredns-")
    });
    app.send("z");
    // A frame can arrive in several reads: wait for both panes and the table.
    app.wait_for("the panes above the table", WAIT, |s| {
        s.contains("Contexts [") && s.contains("Namespaces [") && s.contains("Pods(kube-system)")
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
