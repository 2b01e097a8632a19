//! Scale, rollout restart, marks with a bulk delete, and `--readonly` refusing all of them.

use std::time::{Duration, Instant};

use super::kubectl::{WAIT, hello_web_pods, kubectl, setup};

/// Waits for `cond`, up to `timeout`.
fn until(timeout: Duration, cond: impl Fn() -> bool) -> bool {
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
fn scale_hello_web_to_three_and_three_pods_remain() {
    let Some(mut s) = setup(&["-n", "default"]) else {
        return;
    };
    s.app.send(":deploy\r");
    // hello-web is in the pods table too: wait for a column only deployments have.
    s.app.wait_text("UP-TO-DATE", WAIT);
    s.app.send("s");
    s.app.wait_text("Scale deployment.apps/hello-web", WAIT);
    s.app.wait_text("Current replicas: 10", WAIT);
    // Erase the 10, type 3 (backspace is DEL from a terminal).
    s.app.send("\x7f\x7f3");
    s.app.wait_text("3▏", WAIT);
    s.app.send("\r");
    s.app
        .wait_text("deployment.apps/hello-web scaled to 3", WAIT);
    let replicas = kubectl(
        &s.kubeconfig,
        &[
            "get",
            "deploy",
            "hello-web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.replicas}",
        ],
    );
    assert_eq!(replicas, "3");
    let three = until(WAIT, || hello_web_pods(&s.kubeconfig).len() == 3);
    assert!(three, "3 pods remain: {:?}", hello_web_pods(&s.kubeconfig));
    // The table follows the rollout (a watch): READY shows the new count.
    s.app.wait_for("the table at 3/3", WAIT, |screen| {
        screen
            .lines()
            .any(|l| l.contains("hello-web") && l.contains("3/3"))
    });
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
}

#[test]
fn rollout_restart_replaces_every_pod() {
    let Some(mut s) = setup(&["-n", "default"]) else {
        return;
    };
    let before = hello_web_pods(&s.kubeconfig);
    assert!(!before.is_empty());
    s.app.send(":deploy\r");
    // hello-web is in the pods table too: wait for a column only deployments have.
    s.app.wait_text("UP-TO-DATE", WAIT);
    s.app.send("r");
    s.app
        .wait_text("Restart the rollout of deployment.apps/hello-web?", WAIT);
    s.app.send("y");
    s.app.wait_text("deployment.apps/hello-web restarted", WAIT);
    let stamp = kubectl(
        &s.kubeconfig,
        &[
            "get",
            "deploy",
            "hello-web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
        ],
    );
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z'),
        "RFC 3339 to the second, as kubectl stamps it: {stamp:?}"
    );
    let replaced = until(Duration::from_secs(60), || {
        let now = hello_web_pods(&s.kubeconfig);
        now.len() == before.len() && now.iter().all(|p| !before.contains(p))
    });
    assert!(
        replaced,
        "every pod replaced: before {before:?}, now {:?}",
        hello_web_pods(&s.kubeconfig)
    );
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
}

#[test]
fn marks_and_one_confirmation_delete_them_all() {
    let Some(mut s) = setup(&["-n", "default"]) else {
        return;
    };
    let pods = hello_web_pods(&s.kubeconfig);
    let marked = &pods[..3];
    // The table is sorted by name: Space marks the first three and moves down.
    s.app.send("   ");
    s.app.wait_text("(3 marked)", WAIT);
    // The filter hides two of them; they stay marked.
    s.app.send(&format!("/{}\r", marked[0]));
    let screen = s.app.wait_text("[1/1 of 10]", WAIT);
    assert!(screen.contains("(3 marked)"), "{screen}");
    // Esc then ctrl-d at once would read as alt-ctrl-d: wait for the filter to go.
    s.app.send("\x1b");
    s.app.wait_for("the filter cleared", WAIT, |screen| {
        !screen.contains(" of 10]")
    });
    s.app.send("\x04");
    // The question may wrap: every name is in the dialog.
    let screen = s.app.wait_text("Delete 3 pods: ", WAIT);
    assert!(
        marked.iter().all(|p| screen.contains(p.as_str())),
        "{screen}"
    );
    s.app.send("y");
    s.app.wait_text("deleted 3 pods", WAIT);
    let gone = until(WAIT, || {
        let now = hello_web_pods(&s.kubeconfig);
        marked.iter().all(|p| !now.contains(p))
    });
    assert!(
        gone,
        "{marked:?} deleted: {:?}",
        hello_web_pods(&s.kubeconfig)
    );
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
}

#[test]
fn readonly_refuses_every_change_and_the_server_is_untouched() {
    let Some(mut s) = setup(&["-n", "default", "--readonly"]) else {
        return;
    };
    let pods = hello_web_pods(&s.kubeconfig);
    let deploy_before = kubectl(
        &s.kubeconfig,
        &["get", "deploy", "hello-web", "-n", "default", "-o", "json"],
    );
    let nodes_before = kubectl(&s.kubeconfig, &["get", "nodes", "-o", "json"]);
    // Bulk delete on the pods.
    s.app.send(" ");
    s.app.wait_text("(1 marked)", WAIT);
    s.app.send("\x04");
    s.app
        .wait_text("read-only mode (--readonly): bulk delete refused", WAIT);
    s.app.send(":deploy\r");
    // hello-web is in the pods table too: wait for a column only deployments have.
    s.app.wait_text("UP-TO-DATE", WAIT);
    for (key, what) in [("s", "scale"), ("r", "rollout restart")] {
        s.app.send(key);
        s.app.wait_text(
            &format!("read-only mode (--readonly): {what} refused"),
            WAIT,
        );
    }
    s.app.send(":nodes\r");
    s.app.wait_text("INTERNAL-IP", WAIT);
    for (key, what) in [("c", "cordon"), ("u", "uncordon"), ("D", "drain")] {
        s.app.send(key);
        s.app.wait_text(
            &format!("read-only mode (--readonly): {what} refused"),
            WAIT,
        );
        // A key between clears the message, so the next wait sees a fresh one.
        s.app.send("j");
    }
    s.app.wait_for("the message cleared", WAIT, |screen| {
        !screen.contains("drain refused")
    });
    s.app.send(":drain demo-worker-1\r");
    s.app
        .wait_text("read-only mode (--readonly): drain refused", WAIT);
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
    assert_eq!(hello_web_pods(&s.kubeconfig), pods, "no pod deleted");
    let deploy_after = kubectl(
        &s.kubeconfig,
        &["get", "deploy", "hello-web", "-n", "default", "-o", "json"],
    );
    assert_eq!(deploy_before, deploy_after, "hello-web unchanged");
    let nodes_after = kubectl(&s.kubeconfig, &["get", "nodes", "-o", "json"]);
    assert_eq!(nodes_before, nodes_after, "no node cordoned");
}
