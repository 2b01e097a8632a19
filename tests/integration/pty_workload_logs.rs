//! Workload logs in the real binary: `l` on the demo's hello-web deployment follows all its
//! pods, merged, each line prefixed with its pod; a pod deleted with kubectl leaves the stream
//! and its replacement joins; `S` saves the buffer to a private file in the state directory.

use crate::common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::live::{LiveDemo, kubectl_available};
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(40);

/// The app on `demo`, showing the logs of deployment hello-web.
fn hello_web_logs(demo: &LiveDemo) -> PtyApp {
    let kubeconfig = demo.kubeconfig_arg();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kubeconfig, "-n", "default"], 140, 40);
    app.wait_text("Pods(default)", WAIT);
    app.send(":deploy\r");
    app.wait_text("UP-TO-DATE", WAIT);
    // The filter puts the cursor on hello-web.
    app.send("/hello-web\r");
    app.wait_for("hello-web selected", WAIT, |s| {
        s.lines()
            .any(|l| l.contains('▶') && l.contains("hello-web"))
    });
    app.send("l");
    app.wait_text("hello-web › logs", WAIT);
    app
}

/// The text of the logs pane's rows (inside its borders, trailing blanks dropped).
fn pane_lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.starts_with('┃') && l.ends_with('┃'))
        .map(|l| l.trim_matches('┃').trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The pods whose prefixed lines are on screen.
fn pods_on_screen(screen: &str) -> BTreeSet<String> {
    pane_lines(screen)
        .iter()
        .filter(|l| l.contains(" │ "))
        .filter_map(|l| l.split(' ').next())
        .filter(|p| p.starts_with("hello-web-"))
        .map(str::to_string)
        .collect()
}

/// Live (not terminating) hello-web pods as kubectl sees them.
fn hello_web_pods(demo: &LiveDemo) -> BTreeSet<String> {
    let out = demo.kubectl(&[
        "get",
        "pods",
        "-n",
        "default",
        "-l",
        "app=hello-web",
        "-o",
        "json",
    ]);
    let list: serde_json::Value = serde_json::from_str(&out).expect("kubectl json");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    items
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
        .collect()
}

fn until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    cond()
}

#[test]
fn hello_web_logs_merge_its_pods_and_follow_them_coming_and_going() {
    if !kubectl_available() {
        return;
    }
    let demo = LiveDemo::start();
    // Two replicas: few enough lines that a note stays on screen for a while.
    demo.kubectl(&[
        "scale",
        "deploy",
        "hello-web",
        "-n",
        "default",
        "--replicas=2",
    ]);
    assert!(until(WAIT, || hello_web_pods(&demo).len() == 2));
    let pods = hello_web_pods(&demo);

    let mut app = hello_web_logs(&demo);
    let screen = app.wait_for("lines of both pods", WAIT, |s| pods_on_screen(s) == pods);
    assert!(screen.contains("2 pods · 2 streams"), "{screen}");

    // Delete one: it leaves, and the pod that replaces it joins with its own prefix.
    let gone = pods.iter().next().cloned().expect("a pod");
    demo.kubectl(&[
        "delete",
        "pod",
        &gone,
        "-n",
        "default",
        "--grace-period=1",
        "--wait=false",
    ]);
    let screen = app.wait_for("the replacement's lines", WAIT, |s| {
        pods_on_screen(s).iter().any(|p| !pods.contains(p))
    });
    let newcomer = pods_on_screen(&screen)
        .into_iter()
        .find(|p| !pods.contains(p))
        .expect("a new pod");
    assert!(
        hello_web_pods(&demo).contains(&newcomer),
        "{newcomer} is a hello-web pod"
    );
    // Notes scroll away under the newcomer's backlog: search finds them (and pauses there).
    let removed = until(WAIT, || {
        let names = demo.kubectl(&["get", "pods", "-n", "default", "-o", "name"]);
        !names.contains(&gone)
    });
    assert!(removed, "{gone} is gone from the server");
    let left = format!("— {gone} left");
    let found = until(WAIT, || {
        app.send("/left\r");
        std::thread::sleep(Duration::from_millis(500));
        app.screen().contains(&left)
    });
    assert!(found, "{left:?} in the log: {}", app.screen());
    app.send(&format!("/{newcomer} joined\r"));
    app.wait_text(&format!("+ {newcomer} joined"), WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit");
}

#[test]
fn s_saves_the_buffer_to_a_private_file() {
    let demo = LiveDemo::start();
    let mut app = hello_web_logs(&demo);
    app.wait_for("lines of two pods", WAIT, |s| pods_on_screen(s).len() >= 2);
    // Paused, the lines on screen stay put while the buffer grows.
    app.send("s");
    let screen = app.wait_text("paused", WAIT);
    let shown: Vec<String> = pane_lines(&screen);
    app.send("S");
    let screen = app.wait_text("logs saved to", WAIT);
    assert!(screen.contains("deployment-default-hello-web-"), "{screen}");

    let dir = app.home().join("state").join("kr8s-tui").join("logs");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the logs directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    let [file] = files.as_slice() else {
        panic!("one saved file: {files:?}");
    };
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(
        name.starts_with("deployment-default-hello-web-") && name.ends_with(".log"),
        "{name}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
        };
        assert_eq!(mode(file), 0o600, "the file is private");
        assert_eq!(mode(&dir), 0o700, "the directory is private");
    }
    // The lines on screen are a run of the file's (cut at the pane's width).
    let text = std::fs::read_to_string(file).expect("the saved file");
    let saved: Vec<&str> = text.lines().collect();
    assert!(saved.len() >= shown.len(), "{} lines saved", saved.len());
    let found = (0..saved.len()).any(|i| {
        shown.iter().enumerate().all(|(k, line)| {
            saved
                .get(i + k)
                .is_some_and(|s| s.starts_with(line.as_str()))
        })
    });
    assert!(found, "screen lines {shown:#?} not in the file");
    assert!(
        saved
            .iter()
            .all(|l| l.contains(" │ ") || l.starts_with(['+', '—', '!']))
    );
    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit");
}
