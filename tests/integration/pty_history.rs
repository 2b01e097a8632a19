//! `h` and `:deleted` in the real binary against a demo server, changed and deleted through
//! kubectl.

use crate::common;

use std::time::Duration;

use common::live::LiveDemo;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// The first pod of namespace `default`, by name.
fn first_pod(demo: &LiveDemo) -> String {
    let names = demo.kubectl(&["get", "pods", "-n", "default", "-o", "name"]);
    let first = names.lines().next().expect("a pod in default");
    first.trim_start_matches("pod/").to_string()
}

/// The app on `default` with the cursor on pod `name`.
fn app_on(demo: &LiveDemo, name: &str) -> PtyApp {
    let kubeconfig = demo.kubeconfig_arg();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kubeconfig, "-n", "default"], 150, 40);
    app.wait_text("Pods(default)", WAIT);
    app.send(&format!("/{name}\r"));
    app.wait_for("the pod selected", WAIT, |s| {
        s.lines().any(|l| l.contains(&format!("▶ {name}")))
    });
    app
}

#[test]
fn a_pod_changed_twice_shows_three_versions_and_the_diff() {
    if !common::live::kubectl_available() {
        return;
    }
    let demo = LiveDemo::start();
    let pod = first_pod(&demo);
    let mut app = app_on(&demo, &pod);
    demo.kubectl(&["label", "pod", &pod, "-n", "default", "step=one"]);
    demo.kubectl(&[
        "label",
        "pod",
        &pod,
        "-n",
        "default",
        "step=two",
        "--overwrite",
    ]);
    // Both changes reach the app through its watch (3 versions: the list's row, then two).
    let mut screen = String::new();
    for _ in 0..50 {
        app.send("h");
        screen = app.wait_for("the history pane or a note", WAIT, |s| {
            s.contains("history of") || s.contains("no changes seen yet")
        });
        if screen.contains("3 versions") {
            break;
        }
        if screen.contains("history of") {
            app.send("\x1b");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        screen.contains(&format!("history of pods default/{pod}: 3 versions")),
        "{screen}"
    );
    assert!(screen.contains("metadata.labels.step one→two"), "{screen}");
    assert!(screen.contains("listed"), "{screen}");
    // Enter: the diff of the newest version against the one before.
    app.send("\r");
    let diff = app.wait_text("diff of pods", WAIT);
    assert!(
        diff.contains("-    step: one") && diff.contains("+    step: two"),
        "{diff}"
    );
    // resourceVersion is noise, hidden until m.
    assert!(!diff.contains("resourceVersion"), "{diff}");
    app.send("m");
    let noisy = app.wait_text("noise shown", WAIT);
    assert!(noisy.contains("resourceVersion"), "{noisy}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn a_deleted_pod_is_listed_with_its_last_state_and_yaml() {
    if !common::live::kubectl_available() {
        return;
    }
    let demo = LiveDemo::start();
    let pod = first_pod(&demo);
    let mut app = app_on(&demo, &pod);
    demo.kubectl(&["delete", "pod", &pod, "-n", "default", "--wait=false"]);
    app.send(":deleted\r");
    let listed = app.wait_for("the pod among the deleted", WAIT, |s| {
        if !s.contains(&format!("default/{pod}")) {
            // Ask again: the list is drawn from what the watch brought so far.
            return false;
        }
        s.contains("Deleted")
    });
    let line = listed
        .lines()
        .find(|l| l.contains(&format!("default/{pod}")))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("Pod"), "{listed}");
    // Its last status as the server printed it.
    assert!(
        [
            "Running",
            "Terminating",
            "Completed",
            "Pending",
            "Error",
            "CrashLoopBackOff"
        ]
        .iter()
        .any(|s| line.contains(s)),
        "{listed}"
    );
    app.send("\r");
    let yaml = app.wait_text("kind: Pod", WAIT);
    assert!(yaml.contains(&format!("name: {pod}")), "{yaml}");
    // The events that named it come after the YAML.
    app.send("G");
    app.wait_text("Events:", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
