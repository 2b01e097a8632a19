//! The chaos schedule of the demo server over real TLS: its new faults as a client sees them,
//! its counts, that stopping it heals, and the app's pods table exact again after a short run
//! of every fault at once.

use crate::common;

use std::time::{Duration, Instant};

use common::harness::{Harness, comparable, keys, server_rows};
use kr8s_tui::demo::{ChaosReport, ChaosRequest, DemoHandle};
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::state::PodsLoad;
use kr8s_tui::tasks::TaskOptions;

const ALL: &str = "/api/v1/pods";

async fn get(c: &reqwest::Client, h: &DemoHandle, path: &str) -> reqwest::Response {
    c.get(format!("{}{path}", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .expect("request sent")
}

async fn chaos(c: &reqwest::Client, h: &DemoHandle, req: &ChaosRequest) -> ChaosReport {
    // A restart episode drops the connection under a request: ask again, for at most the
    // longest restart's down time and a little.
    let asked = Instant::now();
    while asked.elapsed() < Duration::from_secs(3) {
        let sent = c
            .post(format!("{}/demo/chaos", h.base_url()))
            .bearer_auth(&h.token)
            .json(req)
            .send()
            .await;
        if let Ok(resp) = sent {
            return resp.json().await.expect("a chaos report");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the chaos switch never answered");
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_is_counted() {
    let demo = common::demo::start(20).await;
    let c = common::kubectl::client(&demo);
    demo.faults.set_throttle(true);
    let resp = get(&c, &demo, ALL).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    demo.faults.set_throttle(false);
    assert_eq!(get(&c, &demo, ALL).await.status(), 200);
    assert_eq!(demo.faults.hits()["throttle429"], 1);
}

#[tokio::test]
async fn cut_bodies_end_lists_mid_json_and_the_client_sees_an_error() {
    let demo = common::demo::start(600).await;
    let c = common::kubectl::client(&demo);
    demo.faults.set_cut_bodies(true);
    let resp = get(&c, &demo, ALL).await;
    assert_eq!(resp.status(), 200, "the cut comes after the headers");
    assert!(resp.bytes().await.is_err(), "the body must not end cleanly");
    demo.faults.set_cut_bodies(false);
    let whole: serde_json::Value = get(&c, &demo, ALL).await.json().await.expect("JSON");
    assert_eq!(whole["items"].as_array().map(Vec::len), Some(600));
    assert_eq!(demo.faults.hits()["cutBodies"], 1);
}

#[tokio::test]
async fn chaos_runs_episodes_counts_them_and_stopping_heals_at_once() {
    let demo = common::demo::start(200).await;
    let c = reqwest::Client::builder()
        .tls_backend_preconfigured(demo.client_tls_config().expect("TLS"))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let before = demo.faults.settings();
    let on = ChaosRequest {
        on: true,
        seed: Some(11),
        pace: Some(0.5),
        churn: Some(50.0),
    };
    assert!(chaos(&c, &demo, &on).await.on);
    tokio::time::sleep(Duration::from_secs(6)).await;
    let off = chaos(&c, &demo, &ChaosRequest::default()).await;
    assert!(!off.on);
    assert_eq!(off.seed, 11);
    let episodes: u64 = off.episodes.values().sum();
    assert!(episodes >= 3, "a 6 s run at pace 0.5 injects: {off:?}");
    assert!(off.churn_events > 0, "its churn is counted: {off:?}");
    assert_eq!(off.episodes.len(), 11, "every kind listed, 0 or not");
    assert_eq!(
        demo.faults.settings(),
        before,
        "every switch back as before"
    );
    // Stopping ended any restart under way: the very next requests are served.
    for _ in 0..20 {
        assert_eq!(get(&c, &demo, ALL).await.status(), 200);
    }
}

#[tokio::test]
async fn after_chaos_the_pods_table_is_exact() {
    let demo = common::demo::start(300).await;
    let mut app = app_on(&demo);
    let client = app.client("demo");
    let first = comparable(&server_rows(&client, ALL).await);
    app.until("the first list", Duration::from_secs(15), |s| {
        s.pods_load == PodsLoad::Watching && comparable(s.pods.rows()) == first
    })
    .await;
    demo.chaos.start(23, 0.2, 30.0);
    app.run_for(Duration::from_secs(10), |_| {}).await;
    demo.chaos.stop();
    let report = demo.chaos.report();
    assert!(
        report.episodes.values().sum::<u64>() >= 3,
        "chaos injected: {report:?}"
    );
    // A restart or bounce asked for just before the stop still happens (at most 1.5 s down).
    tokio::time::sleep(Duration::from_millis(1600)).await;
    // Pods deleted gracefully meanwhile go on terminating, so the truth is read again until
    // the table equals it.
    let healed = Instant::now();
    let within = Duration::from_secs(30);
    loop {
        let want = comparable(&server_rows(&client, ALL).await);
        if comparable(&app.rows()) == want {
            break;
        }
        assert!(
            healed.elapsed() < within,
            "table not exact within {within:?} after chaos {report:?}:\n shown  {:?}\n server {:?}",
            keys(&app.rows()),
            keys(&want)
        );
        app.run_for(Duration::from_millis(500), |_| {}).await;
    }
    eprintln!(
        "exact {:?} after healing; chaos: {report:?}",
        healed.elapsed()
    );
    app.until("errors cleared", Duration::from_secs(15), |s| {
        s.pods_error.is_none() && s.pods_load == PodsLoad::Watching
    })
    .await;
}

#[tokio::test]
async fn the_chaos_flag_starts_the_schedule_with_its_seed() {
    let opts = kr8s_tui::demo::DemoOptions {
        pods: 20,
        churn: 0.0,
        chaos: Some(5),
        ..kr8s_tui::demo::DemoOptions::default()
    };
    let demo = kr8s_tui::demo::start(opts, kr8s_tui::demo::ServeOptions::default())
        .await
        .expect("demo server starts");
    let report = demo.chaos.report();
    assert!(report.on);
    assert_eq!(report.seed, 5);
    // Dropping the server stops the schedule: nothing may outlive it.
    let chaos = demo.chaos.clone();
    drop(demo);
    assert!(!chaos.report().on);
}

/// A client that gives up on a request after `secs`, so a server that stopped answering shows.
fn impatient(demo: &DemoHandle, secs: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_preconfigured(demo.client_tls_config().expect("TLS"))
        .timeout(Duration::from_secs(secs))
        .build()
        .expect("client")
}

async fn serves(c: &reqwest::Client, demo: &DemoHandle) -> bool {
    c.get(format!("{}/version", demo.base_url()))
        .bearer_auth(&demo.token)
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
}

#[tokio::test]
async fn stopping_chaos_ends_a_restart_under_way_at_once() {
    let demo = common::demo::start(50).await;
    let c = impatient(&demo, 2);
    // A schedule too slow to act by itself: the outage below is the only one.
    demo.chaos.start(3, 1000.0, 0.0);
    let down = c
        .post(format!("{}/demo/restart?downMs=20000", demo.base_url()))
        .bearer_auth(&demo.token)
        .send()
        .await
        .expect("restart asked");
    assert_eq!(down.status(), 202);
    let asked = Instant::now();
    while serves(&c, &demo).await {
        assert!(asked.elapsed() < Duration::from_secs(2), "never went down");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    demo.chaos.stop();
    let stopped = Instant::now();
    while !serves(&c, &demo).await {
        assert!(
            stopped.elapsed() < Duration::from_secs(1),
            "still down after the chaos stopped"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_restart_keeps_its_port_and_always_comes_back() {
    let demo = common::demo::start(20).await;
    let c = impatient(&demo, 2);
    // While the server is down another socket tries to take its port (any client's
    // ephemeral port may land on it): it must not, and the server must come back.
    let squat = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let taken = std::net::TcpListener::bind(demo.addr);
        tokio::time::sleep(Duration::from_millis(2500)).await;
        taken.is_ok()
    };
    let (restarted, taken) = tokio::join!(demo.restart(Duration::from_millis(1000)), squat);
    assert!(
        !taken,
        "the port was free for others while the server was down"
    );
    restarted.expect("the restart comes back");
    assert!(serves(&c, &demo).await, "serving after the restart");
}

#[tokio::test]
async fn the_off_switch_answers_over_http_throughout_the_chaos() {
    let demo = common::demo::start(300).await;
    let c = impatient(&demo, 3);
    let on = ChaosRequest {
        on: true,
        seed: Some(19),
        pace: Some(0.3),
        churn: Some(100.0),
    };
    assert!(chaos(&c, &demo, &on).await.on);
    // Asked again and again on this single-threaded runtime, the switch never stays silent
    // for longer than the longest restart (1.5 s) and a handshake.
    let started = Instant::now();
    let mut last = Instant::now();
    let mut worst = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(8) {
        let sent = c
            .get(format!("{}/demo/chaos", demo.base_url()))
            .bearer_auth(&demo.token)
            .send()
            .await;
        if sent.is_ok_and(|r| r.status() == 200) {
            worst = worst.max(last.elapsed());
            last = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worst = worst.max(last.elapsed());
    let off = chaos(&c, &demo, &ChaosRequest::default()).await;
    assert!(!off.on);
    assert!(
        worst < Duration::from_millis(2500),
        "the switch was unreachable for {worst:?}; chaos {off:?}"
    );
    for _ in 0..10 {
        assert!(serves(&c, &demo).await, "serving once the chaos stopped");
    }
}

/// The app (tasks and `update`) on the demo's "demo" context with default options.
fn app_on(demo: &DemoHandle) -> Harness {
    Harness::start(
        &demo.kubeconfig_path,
        "demo",
        None,
        ClientOptions::default(),
        TaskOptions::default(),
    )
}

/// The app's table against the server's, until equal or `within` ran out.
async fn exact_within(app: &mut Harness, demo: &DemoHandle, within: Duration, what: &str) {
    let client = app.client("demo");
    let started = Instant::now();
    loop {
        let want = comparable(&server_rows(&client, ALL).await);
        if comparable(&app.rows()) == want {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{what}: not exact within {within:?}; hits {:?}",
            demo.faults.hits()
        );
        app.run_for(Duration::from_millis(300), |_| {}).await;
    }
}

#[tokio::test]
async fn a_rotated_token_file_keeps_the_app_listing_and_kubectl_working() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("token");
    let opts = kr8s_tui::demo::DemoOptions {
        pods: 40,
        namespaces: 2,
        churn: 0.0,
        ..kr8s_tui::demo::DemoOptions::default()
    };
    let serve = kr8s_tui::demo::ServeOptions {
        token_file: Some(file.clone()),
        ..kr8s_tui::demo::ServeOptions::default()
    };
    let demo = kr8s_tui::demo::start(opts, serve)
        .await
        .expect("demo starts");
    let kubeconfig = std::fs::read_to_string(&demo.kubeconfig_path).expect("kubeconfig");
    assert!(kubeconfig.contains("tokenFile: "), "{kubeconfig}");
    assert!(
        !kubeconfig.contains(&demo.token),
        "the token stays in its file"
    );
    let mut app = app_on(&demo);
    exact_within(&mut app, &demo, Duration::from_secs(15), "first list").await;

    // The old token expires at once; the watch, bounced, must come back with the new one.
    assert!(demo.rotate_token(Duration::ZERO).expect("rotated"));
    let fresh = std::fs::read_to_string(&file).expect("token file");
    assert_ne!(fresh.trim(), demo.token);
    demo.restart(Duration::ZERO).await.expect("bounced");
    let c = common::kubectl::client(&demo);
    let gone = c
        .delete(format!(
            "{}/api/v1/namespaces/default/pods/{}?gracePeriodSeconds=0",
            demo.base_url(),
            app.rows()
                .iter()
                .find(|r| r.namespace == "default")
                .map(|r| r.name.clone())
                .expect("a pod in default")
        ))
        .bearer_auth(fresh.trim())
        .send()
        .await
        .expect("delete sent");
    assert!(gone.status().is_success(), "{}", gone.status());
    exact_within(&mut app, &demo, Duration::from_secs(15), "after rotation").await;
    let refused = demo.chaos.report().hits["tokenRotate"];
    assert!(
        refused >= 1,
        "the app's cached token was refused and re-read"
    );
    assert!(app.state.pods_error.is_none(), "{:?}", app.state.pods_error);

    // kubectl reads the token file too (off the runtime: the server runs on this thread).
    if common::live::kubectl_available() {
        let kc = demo.kubeconfig_path.clone();
        let out = tokio::task::spawn_blocking(move || {
            common::live::kubectl(&kc, &["get", "pods", "-A", "--no-headers"])
        })
        .await
        .expect("kubectl ran");
        assert_eq!(out.lines().count(), app.rows().len(), "{out}");
    }
}

#[tokio::test]
async fn a_list_dropped_on_a_later_page_is_listed_again() {
    let demo = common::demo::start(1200).await;
    let c = common::kubectl::client(&demo);
    demo.faults.set_drop_pages(true);
    let first: serde_json::Value = get(&c, &demo, &format!("{ALL}?limit=500"))
        .await
        .json()
        .await
        .expect("the first page is whole");
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token");
    let next = get(&c, &demo, &format!("{ALL}?limit=500&continue={token}")).await;
    assert_eq!(next.status(), 200, "the drop comes after the headers");
    assert!(next.bytes().await.is_err(), "the second page never ends");

    let mut app = app_on(&demo);
    app.run_for(Duration::from_secs(2), |_| {}).await;
    assert!(
        demo.faults.hits()["dropLists"] >= 2,
        "the app's list was dropped too"
    );
    demo.faults.set_drop_pages(false);
    exact_within(&mut app, &demo, Duration::from_secs(20), "after the drops").await;
}
