//! Faults over real TLS against the demo API server, asserted on `State` — the source of truth
//! the screen is drawn from: the pods table must be exactly the server's list again, with no
//! duplicates and no ghosts, and errors must be shown with their retry.

use crate::common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};

use common::harness::{Harness, comparable, keys, server_rows};
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::state::PodsLoad;
use kr8s_tui::tasks::TaskOptions;

const ALL: &str = "/api/v1/pods";
const WAIT: Duration = Duration::from_secs(15);

/// The app watching every namespace of a fresh demo server, table loaded.
async fn watching(pods: usize, client: ClientOptions) -> (DemoHandle, Harness) {
    let demo = common::demo::start(pods).await;
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        None,
        client,
        TaskOptions::default(),
    );
    let want = comparable(&server_rows(&app.client("demo"), ALL).await);
    app.until("the first list", WAIT, |s| {
        s.pods_load == PodsLoad::Watching && comparable(s.pods.rows()) == want
    })
    .await;
    (demo, app)
}

/// Waits until the table is exactly the server's current list; returns how long it took.
async fn until_exact(app: &mut Harness, path: &str, within: Duration) -> Duration {
    let want = comparable(&server_rows(&app.client("demo"), path).await);
    let result = tokio::time::timeout(
        within,
        app.until("the table to match the server", within, |s| {
            comparable(s.pods.rows()) == want
        }),
    )
    .await;
    match result {
        Ok(took) => took,
        Err(_) => panic!(
            "table not exact within {within:?}:\n shown  {:?}\n server {:?}",
            keys(&app.rows()),
            keys(&want)
        ),
    }
}

/// Deletes a pod through the API (grace seconds as given) and returns its key.
async fn delete_pod(app: &Harness, row: usize, grace: u32) -> String {
    let pod = app.rows()[row].clone();
    let path = format!(
        "/api/v1/namespaces/{}/pods/{}?gracePeriodSeconds={grace}",
        pod.namespace, pod.name
    );
    app.client("demo").delete(&path).await.expect("delete");
    format!("{}/{}", pod.namespace, pod.name)
}

#[tokio::test]
async fn apiserver_restart_mid_watch_reconnects_and_the_table_is_exact_within_2s() {
    let (demo, mut app) = watching(40, ClientOptions::default()).await;
    let before = app.relists;
    // One pod goes away while the server is down (grace 1 s), one right as it goes down.
    let gone_while_down = delete_pod(&app, 3, 1).await;
    let gone_at_restart = delete_pod(&app, 7, 0).await;
    demo.restart(Duration::from_millis(3500))
        .await
        .expect("restart");
    let took = until_exact(&mut app, ALL, Duration::from_secs(2)).await;
    eprintln!("table exact {took:?} after the server returned");
    let shown = keys(&app.rows());
    assert!(!shown.contains(&gone_while_down), "ghost {gone_while_down}");
    assert!(!shown.contains(&gone_at_restart), "ghost {gone_at_restart}");
    assert!(
        app.pods_errors.iter().any(|e| e.contains("/api/v1/pods")),
        "the outage was reported: {:?}",
        app.pods_errors
    );
    assert_eq!(
        app.relists, before,
        "resumed from the last resourceVersion instead of relisting"
    );
    assert_eq!(app.state.pods_error, None, "error cleared once reconnected");
    assert_eq!(app.state.pods_load, PodsLoad::Watching);
}

#[tokio::test]
async fn dropped_watch_streams_resume_without_relisting_or_losing_events() {
    let (demo, mut app) = watching(30, ClientOptions::default()).await;
    let before = app.relists;
    // Faults apply to new streams: cut the current one, then every watch drops after 200 ms.
    demo.faults.set_drop_after(Some(Duration::from_millis(200)));
    demo.restart(Duration::ZERO).await.expect("restart");
    let mut deleted = Vec::new();
    for row in [2, 5, 9] {
        deleted.push(delete_pod(&app, row, 0).await);
        app.run_for(Duration::from_millis(450), |_| {}).await;
    }
    app.run_for(Duration::from_millis(500), |_| {}).await;
    demo.faults.set_drop_after(None);
    until_exact(&mut app, ALL, Duration::from_secs(2)).await;
    for key in &deleted {
        assert!(!keys(&app.rows()).contains(key), "ghost {key}");
    }
    assert_eq!(app.relists, before, "drops resume the watch, no relist");
    assert_eq!(app.state.pods_error, None, "{:?}", app.pods_errors);
}

#[tokio::test]
async fn watch_410_relists_and_never_spins() {
    let (demo, mut app) = watching(30, ClientOptions::default()).await;
    let before = app.relists;
    demo.faults.set_watch_410(true);
    // Cut the current watch: every new one is answered 410 Gone.
    demo.restart(Duration::ZERO).await.expect("restart");
    let gone = delete_pod(&app, 4, 0).await;
    app.run_for(Duration::from_secs(3), |_| {}).await;
    let relists = app.relists - before;
    assert!(relists >= 1, "410 makes the app relist");
    assert!(
        relists <= 8,
        "a server that always answers 410 must not be hammered: {relists} relists in 3 s"
    );
    demo.faults.set_watch_410(false);
    until_exact(&mut app, ALL, Duration::from_secs(5)).await;
    assert!(!keys(&app.rows()).contains(&gone), "ghost {gone}");
}

#[tokio::test]
async fn server_error_bursts_back_off_show_the_retry_and_recover() {
    let (demo, mut app) = watching(20, ClientOptions::default()).await;
    demo.faults.set_error_rate(1.0);
    demo.restart(Duration::ZERO).await.expect("restart");
    app.until("a 5xx error with its retry", WAIT, |s| {
        s.pods_error.as_ref().is_some_and(|p| {
            let e = p.message();
            (e.contains("500") || e.contains("503")) && p.retry_at.is_some()
        })
    })
    .await;
    let source = app.state.current_error().map(|e| e.source);
    assert_eq!(source, Some("pods"));
    app.run_for(Duration::from_millis(3200), |_| {}).await;
    let retries: Vec<&String> = app.pods_errors.iter().collect();
    assert!(
        retries.len() >= 2 && retries.len() <= 4,
        "backs off (1 s, 2 s, ...), no hot loop: {retries:?}"
    );
    let shown = retries.last().map(|s| s.as_str()).unwrap_or_default();
    assert!(
        !shown.contains("retrying in 1s"),
        "backoff grew past 1 s: {shown}"
    );
    // The table keeps what it had: the last known pods stay visible during the outage.
    assert_eq!(app.rows().len(), 20);
    demo.faults.set_error_rate(0.0);
    // A change made while the app is still backing off must show once it is back.
    let gone = delete_pod(&app, 1, 0).await;
    let took = app
        .until("the error to clear", Duration::from_secs(6), |s| {
            s.pods_error.is_none()
        })
        .await;
    eprintln!("recovered {took:?} after the errors stopped");
    until_exact(&mut app, ALL, Duration::from_secs(2)).await;
    assert!(!keys(&app.rows()).contains(&gone), "ghost {gone}");
}

#[tokio::test]
async fn request_timeout_is_a_typed_error_shown_quickly() {
    let demo = common::demo::start(10).await;
    demo.faults.set_latency(Duration::from_secs(5));
    let client = ClientOptions {
        request_timeout: Some(Duration::from_millis(500)),
        ..ClientOptions::default()
    };
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        None,
        client,
        TaskOptions::default(),
    );
    let took = app
        .until("a timeout error", Duration::from_secs(3), |s| {
            s.pods_error.is_some()
        })
        .await;
    let error = app.pods_error_text();
    assert!(
        error.contains("GET /api/v1/pods") && error.contains("timed out after 0.5s"),
        "{error}"
    );
    let retry = app.state.pods_error.as_ref().and_then(|p| p.retry_at);
    assert!(retry.is_some(), "a retry is scheduled: {error}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn context_switch_with_requests_in_flight_shows_no_stale_rows() {
    let demo = common::demo::start(40).await;
    demo.faults.set_latency(Duration::from_millis(700));
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        Some("default"),
        ClientOptions::default(),
        TaskOptions::default(),
    );
    // The "default" list is in flight; switch to the demo-kube-system context.
    app.run_for(Duration::from_millis(200), |_| {}).await;
    app.key(KeyCode::Tab, KeyModifiers::NONE); // pods -> contexts
    let target = app
        .state
        .contexts
        .iter()
        .position(|c| c.name == "demo-kube-system")
        .expect("the demo kubeconfig has demo-kube-system");
    app.key(KeyCode::Char('g'), KeyModifiers::NONE);
    for _ in 0..target {
        app.key(KeyCode::Char('j'), KeyModifiers::NONE);
    }
    app.key(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.state.context.as_deref(), Some("demo-kube-system"));
    assert_eq!(app.state.namespace.as_deref(), Some("kube-system"));
    // Long enough for the old context's answers to arrive (and be dropped).
    app.run_for(Duration::from_secs(2), |s| {
        for row in s.pods.rows() {
            assert_eq!(row.namespace, "kube-system", "stale row {}", row.name);
        }
        if let Some(c) = &s.connection {
            assert_eq!(c.namespace, "kube-system");
        }
    })
    .await;
    demo.faults.set_latency(Duration::ZERO);
    let want = comparable(
        &server_rows(
            &app.client("demo-kube-system"),
            "/api/v1/namespaces/kube-system/pods",
        )
        .await,
    );
    assert!(!want.is_empty());
    app.until("kube-system pods", WAIT, |s| {
        comparable(s.pods.rows()) == want
    })
    .await;
}

/// Another kind's table (pods here, listed as a generic server Table) stays live: a delete on
/// the server shows as Terminating, then the row goes (and its replacement comes), through the
/// Table watch.
#[tokio::test]
async fn resource_tables_follow_the_server_through_a_table_watch() {
    let (_demo, mut app) = watching(30, ClientOptions::default()).await;
    let effects = kr8s_tui::state::kinds::open(
        &mut app.state,
        kr8s_tui::kube::discovery::ApiResource::pods(),
    );
    for effect in effects {
        app.tasks.run(effect);
    }
    let rows = |s: &kr8s_tui::state::State| s.resource.as_ref().map_or(0, |r| r.len());
    app.until("the pods Table", WAIT, |s| rows(s) == 30).await;
    // Row 3 is one of default's hello-web pods: its ReplicaSet replaces it at once, so the
    // table keeps 30 rows once the deleted one is gone.
    let gone = delete_pod(&app, 3, 0).await;
    let (ns, name) = gone.split_once('/').expect("namespace/name");
    assert_eq!(ns, "default");
    app.until("the deleted pod's row to go", WAIT, |s| {
        let view = s.resource.as_ref().expect("view");
        rows(s) == 30
            && !view
                .visible()
                .iter()
                .any(|r| r.namespace == ns && r.name == name)
    })
    .await;
}
