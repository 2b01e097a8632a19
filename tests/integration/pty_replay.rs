//! `kr8s-tui record` headless, then `kr8s-tui --replay` in a terminal with a kubeconfig that
//! points nowhere: the recorded pods and kinds, the time bar moving, changes refused.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;
use kr8s_tui::demo::{self, DemoOptions, ServeOptions};

const WAIT: Duration = Duration::from_secs(15);

/// A kubeconfig whose only server refuses every connection.
const NOWHERE: &str = "apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:1
users:
- name: nobody
  user:
    token: none
contexts:
- name: nowhere
  context:
    cluster: nowhere
    user: nobody
current-context: nowhere
";

/// The `HH:MM:SS` the time bar shows after "REPLAY ".
fn shown_time(screen: &str) -> String {
    screen
        .split("REPLAY ")
        .nth(1)
        .map(|rest| rest.chars().take(8).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_recording_replays_offline_with_its_time_bar() {
    let opts = DemoOptions {
        pods: 24,
        namespaces: 3,
        churn: 4.0,
        ..DemoOptions::default()
    };
    let demo = demo::start(opts, ServeOptions::default())
        .await
        .expect("demo starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("headless.kr8s");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("record")
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args(["-A", "--for", "6s", "--kinds", "deploy,nodes"])
        .arg("--log-file")
        .arg(dir.path().join("record.log"))
        .arg(&file)
        .output()
        .await
        .expect("run record");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "record failed: {err}");
    assert!(
        err.contains("recorded ") && err.contains(" bytes, to "),
        "{err}"
    );
    drop(demo);

    let nowhere = dir.path().join("nowhere.yaml");
    std::fs::write(&nowhere, NOWHERE).expect("write kubeconfig");
    let file = file.to_string_lossy().into_owned();
    let nowhere = nowhere.to_string_lossy().into_owned();
    let mut app = PtyApp::spawn(&["--replay", &file, "--kubeconfig", &nowhere], 140, 32);
    let first = app.wait_for("replayed pods", WAIT, |s| {
        s.contains("REPLAY") && s.contains("Running")
    });
    assert!(first.contains("demo"), "the recorded context:\n{first}");
    let end = shown_time(&first);

    // `{` goes a minute back: to the recording's start, 6 s earlier.
    app.send("{");
    let moved = app.wait_for("the time bar to move", WAIT, |s| shown_time(s) != end);
    assert!(moved.contains("Running"), "{moved}");

    // `t` asks for a time; the end again.
    app.send("t");
    app.wait_text(":at ", WAIT);
    app.send(&format!("{end}\r"));
    app.wait_for("the end again", WAIT, |s| shown_time(s) == end);

    // A recorded kind, and one that was not recorded.
    app.send(":deploy\r");
    app.wait_text("UP-TO-DATE", WAIT);
    app.send(":cm\r");
    app.wait_text("was not recorded", WAIT);

    // Nothing can be changed.
    app.send(":pods\r");
    app.wait_text("Running", WAIT);
    app.send("\x04");
    app.wait_text("this is a recording", WAIT);

    app.send("\x03");
    assert!(app.wait_exit(WAIT), "the app quits");
}
