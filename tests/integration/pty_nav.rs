//! `J` and back/forward in the real binary on the quiet built-in demo: keys in, screen out.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// The binary on the quiet built-in demo, in `default`, once pods run.
fn on_default() -> PtyApp {
    let app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-n", "default"], 120, 30);
    app.wait_text("Running", WAIT);
    app
}

/// The first cell of the selected row of the focused table (heavy border; the panes above
/// mark their rows too), if a row is selected.
fn selected(screen: &str) -> Option<String> {
    let line = screen
        .lines()
        .find(|l| l.starts_with('┃') && l.contains('▶'))?;
    let rest = line.split('▶').nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// Waits until the breadcrumb ends with `kind` and the selected row satisfies `row`.
fn wait_on(app: &PtyApp, kind: &str, row: impl Fn(&str) -> bool) -> String {
    let crumb = format!("default › {kind}");
    let screen = app.wait_for(&format!("{kind} with the row"), WAIT, |s| {
        s.lines().next().is_some_and(|l| l.contains(&crumb))
            && selected(s).is_some_and(|name| row(&name))
    });
    selected(&screen).unwrap_or_default()
}

#[test]
fn j_from_a_pod_lands_on_its_replicaset_then_its_deployment() {
    let mut app = on_default();
    let pod = wait_on(&app, "pods", |name| name.starts_with("hello-web-"));
    app.send("J");
    let rs = wait_on(&app, "replicasets", |name| {
        pod.starts_with(&format!("{name}-"))
    });
    assert!(rs.starts_with("hello-web-"), "{rs}");
    app.send("J");
    let deploy = wait_on(&app, "deployments", |name| name == "hello-web");
    assert_eq!(deploy, "hello-web");
    app.send("J");
    app.wait_text("hello-web has no controlling owner", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT), "the app quits");
}

#[test]
fn back_and_forward_restore_the_view_and_the_row() {
    let mut app = on_default();
    wait_on(&app, "pods", |_| true);
    app.send("jj");
    let third = app.wait_for("the third row", WAIT, |s| s.contains("Pods(default) [3/"));
    let pod = selected(&third).expect("a selected pod");
    app.send(":deploy\r");
    wait_on(&app, "deployments", |name| name == "hello-web");
    app.send("[");
    let back = wait_on(&app, "pods", |name| name == pod);
    assert_eq!(back, pod);
    app.send("]");
    wait_on(&app, "deployments", |name| name == "hello-web");
    app.send("-");
    wait_on(&app, "pods", |name| name == pod);
    app.send("q");
    assert!(app.wait_exit(WAIT), "the app quits");
}

#[test]
fn xray_under_no_color_marks_each_node_and_back_returns_to_the_pods() {
    let args = ["--demo", "--demo-churn", "0", "-n", "default"];
    let mut app = PtyApp::spawn_with_env(&args, &[("NO_COLOR", "1")], 120, 40);
    app.wait_text("Running", WAIT);
    app.send(":xray deploy\r");
    let screen = app.wait_for("the tree", WAIT, |s| s.contains("✓ pod hello-web-"));
    assert!(screen.contains("xray deployments"), "{screen}");
    // Without colour the marks still tell ready from progressing.
    assert!(screen.contains("… deploy hello-web"), "{screen}");
    assert!(screen.contains("└─ ✓ container hello-web"), "{screen}");
    // Enter on the deployment describes it; `[` returns to the tree, again to the pods.
    app.send("\r");
    app.wait_for("the description", WAIT, |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("hello-web › describe"))
    });
    app.send("[");
    app.wait_for("the tree again", WAIT, |s| {
        s.lines()
            .next()
            .is_some_and(|l| l.contains("xray deployments"))
    });
    app.send("[");
    wait_on(&app, "pods", |name| name.starts_with("hello-web-"));
    app.send("q");
    assert!(app.wait_exit(WAIT), "the app quits");
}
