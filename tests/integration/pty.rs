//! The real binary in a pseudo-terminal against the built-in demo cluster: keys in, screen out.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(20);

/// The line holding the selection marker in the pods pane.
fn selected_pod_line(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.starts_with('┃') && l.contains('▶'))
        .map(str::to_string)
}

/// True when `name` carries the selection marker (current-context/namespace may add a `*`).
fn is_selected(screen: &str, name: &str) -> bool {
    screen.lines().any(|l| {
        l.split('▶').skip(1).any(|after| {
            let after = after.trim_start();
            let after = after.strip_prefix('*').unwrap_or(after).trim_start();
            after.starts_with(&format!("{name} "))
        })
    })
}

/// Moves the focused pane's cursor from the top down to `name`.
fn move_to(app: &mut PtyApp, name: &str) {
    app.send("g");
    for _ in 0..30 {
        if is_selected(&app.screen(), name) {
            return;
        }
        app.send("j");
        std::thread::sleep(Duration::from_millis(150));
    }
    panic!("could not select {name}:\n{}", app.screen());
}

#[test]
fn browse_the_demo_cluster_and_quit_cleanly() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0"], 120, 36);
    let screen = app.wait_text("Running", WAIT);
    assert!(screen.contains("demo"), "context shown:\n{screen}");
    assert!(app.alternate_screen());

    // The cursor moves in the pods pane.
    let before = selected_pod_line(&screen).expect("a selected pod");
    app.send("j");
    app.wait_for("the cursor to move", WAIT, |s| {
        selected_pod_line(s).is_some_and(|l| l != before)
    });

    // Switch to the kube-system namespace: focus namespaces, pick it, Enter.
    app.send("\x1b[Z"); // Shift-Tab: namespaces
    app.wait_text("kube-system", WAIT);
    move_to(&mut app, "kube-system");
    app.send("\r");
    app.wait_text("Pods(kube-system)", WAIT);
    app.wait_text("coredns", WAIT);

    // Switch context: the demo kubeconfig has a second context whose namespace is kube-system.
    app.send("\x1b[Z"); // Shift-Tab: contexts
    move_to(&mut app, "demo-kube-system");
    app.send("\r");
    app.wait_text("ctx demo-kube-system", WAIT);
    app.wait_text("coredns", WAIT);

    // Help overlay from the keymap, closed with Esc.
    app.send("?");
    app.wait_text("Move down", WAIT);
    app.send("\x1b");
    app.wait_for("help to close", WAIT, |s| !s.contains("Move down"));

    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit status");
    assert!(
        !app.alternate_screen(),
        "terminal restored to the main screen"
    );
}
