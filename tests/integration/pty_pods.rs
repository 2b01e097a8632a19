//! The pod work end to end: the real binary in a pty against `--demo --demo-churn 0`.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// The line holding the selection marker in the pods table (the panes above have one too).
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with('┃') && l.contains('▶'))
        .unwrap_or_default()
        .to_string()
}

/// Names in the pods table (the first word after the border on each row with a status).
fn table_names(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.contains("Running") || l.contains("Pending") || l.contains("BackOff"))
        .filter_map(|l| {
            l.trim_start_matches(['┃', '│', ' ', '▶'])
                .split_whitespace()
                .next()
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn filter_sort_yaml_describe_logs_delete_and_deployments() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-n", "payments"], 140, 40);
    app.wait_text("Pods(payments)", WAIT);
    app.wait_text("Running", WAIT);

    // Filter: only payments-api pods stay.
    app.send("/payments-api");
    app.wait_for("filtered rows", WAIT, |s| {
        let names = table_names(s);
        !names.is_empty() && names.iter().all(|n| n.starts_with("payments-api"))
    });
    app.send("\r");
    app.wait_text("of ", WAIT);

    // Sort by NAME twice: descending, with the arrow in the header.
    app.send("1");
    app.wait_text("NAME↑", WAIT);
    app.send("1");
    let screen = app.wait_text("NAME↓", WAIT);
    let names = table_names(&screen);
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted, "descending by name:\n{screen}");
    let pod = selected_line(&screen)
        .trim_start_matches(['┃', '│', ' ', '▶'])
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(pod.starts_with("payments-api"), "{screen}");

    // YAML of the selected pod, then search in it.
    app.send("y");
    app.wait_text("› yaml", WAIT);
    app.wait_text("apiVersion: v1", WAIT);
    app.send("/envoy\r");
    app.wait_text("/envoy 1/", WAIT);

    // Describe with events.
    app.send("d");
    app.wait_text("› describe", WAIT);
    app.wait_text("Containers:", WAIT);
    app.send("G");
    app.wait_text("Events:", WAIT);
    app.wait_text("Scheduled", WAIT);

    // Logs: follow, then switch to the envoy container.
    app.send("l");
    app.wait_text("› logs", WAIT);
    app.wait_text("container payments-api (1/2)", WAIT);
    app.wait_for("log lines", WAIT, |s| {
        s.contains(" lines]") && !s.contains("· 0 lines")
    });
    app.wait_text("following", WAIT);
    app.send("c");
    app.wait_text("Container [enter pick", WAIT);
    app.send("j\r");
    app.wait_text("container envoy (2/2)", WAIT);
    app.wait_for("envoy log lines", WAIT, |s| !s.contains("· 0 lines"));
    app.send("\x1b");
    app.wait_for("back on the table", WAIT, |s| s.contains("Pods(payments)"));

    // Delete the selected pod: dialog, Terminating, then gone.
    app.send("\x04"); // Ctrl-D
    app.wait_text("Confirm delete", WAIT);
    assert!(app.screen().contains(&pod), "dialog names the pod");
    app.send("y");
    app.wait_for("the row to show Terminating", WAIT, |s| {
        s.lines()
            .any(|l| l.contains(&pod) && l.contains("Terminating"))
    });
    app.wait_for("the pod to leave", WAIT, |s| {
        !s.contains("Confirm delete") && !table_names(s).contains(&pod)
    });

    // Other kinds through discovery.
    app.send("\x1b"); // clear the filter
    app.wait_for("the filter to clear", WAIT, |s| {
        !s.contains("/payments-api")
    });
    // A label selector goes to the server.
    app.send("/-l app=ledger\r");
    app.wait_for("only ledger pods", WAIT, |s| {
        let names = table_names(s);
        s.contains("-l app=ledger")
            && !names.is_empty()
            && names.iter().all(|n| n.starts_with("ledger"))
    });
    app.send("\x1b");
    app.wait_for("the selector to clear", WAIT, |s| {
        !s.contains("-l app=ledger") && table_names(s).iter().any(|n| n.starts_with("checkout"))
    });

    // Other kinds, columns as the server prints them.
    for (command, kind, column) in [
        (":svc\r", "services", "CLUSTER-IP"),
        (":nodes\r", "nodes", "ROLES"),
        (":events\r", "events", "REASON"),
        (":namespaces\r", "namespaces", "STATUS"),
    ] {
        app.send(command);
        app.wait_for(kind, WAIT, |s| {
            s.contains(&format!("› {kind} [")) && s.contains(column)
        });
    }
    app.send(":deploy\r");
    app.wait_text("› deployments", WAIT);
    app.wait_text("UP-TO-DATE", WAIT);
    app.wait_text("payments-api", WAIT);
    // YAML works for other kinds too.
    app.send("y");
    app.wait_text("kind: Deployment", WAIT);
    app.send("\x1b");
    app.wait_text("UP-TO-DATE", WAIT);
    // So does describe: the object as an outline, then its events.
    app.send("d");
    app.wait_text("Kind:             Deployment", WAIT);
    app.wait_text("Replicas:", WAIT);
    app.send("\x1b");
    app.wait_text("UP-TO-DATE", WAIT);
    app.send(":gizmo\r");
    app.wait_text("doesn't have a resource type \"gizmo\"", WAIT);
    app.send("\x1b");
    app.wait_text("Pods(payments)", WAIT);

    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit status");
}
