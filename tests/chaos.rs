//! The chaos schedule of the demo server over real TLS: its new faults as a client sees them,
//! its counts, that stopping it heals, and the app's pods table exact again after a short run
//! of every fault at once.

mod common;

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
    // A restart episode drops the connection under a request: ask again.
    for _ in 0..30 {
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
    // Stopped in process: over HTTP the switch is not reliably reachable while every episode
    // bounces this test's single-threaded server (an open problem, see the soak notes).
    demo.chaos.stop();
    let off = chaos(&c, &demo, &ChaosRequest::default()).await;
    assert!(!off.on);
    assert_eq!(off.seed, 11);
    let episodes: u64 = off.episodes.values().sum();
    assert!(episodes >= 3, "a 6 s run at pace 0.5 injects: {off:?}");
    assert_eq!(off.episodes.len(), 9, "every kind listed, 0 or not");
    assert_eq!(
        demo.faults.settings(),
        before,
        "every switch back as before"
    );
    // A restart may still be coming back up (at most 1.5 s down); after it, all is well.
    let healed = Instant::now();
    loop {
        let ok = c
            .get(format!("{}{ALL}", demo.base_url()))
            .bearer_auth(&demo.token)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if ok {
            break;
        }
        assert!(healed.elapsed() < Duration::from_secs(3), "not healed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..20 {
        assert_eq!(get(&c, &demo, ALL).await.status(), 200);
    }
}

#[tokio::test]
async fn after_chaos_the_pods_table_is_exact() {
    let demo = common::demo::start(300).await;
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        None,
        ClientOptions::default(),
        TaskOptions::default(),
    );
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
