//! Cordon, uncordon and drain on the `:nodes` table.

use std::time::Duration;

use super::kubectl::{WAIT, kubectl, kubectl_until, setup};

/// True when kubectl reads the node as cordoned (`spec.unschedulable`).
fn cordoned(kubeconfig: &std::path::Path, node: &str) -> bool {
    let path = "jsonpath={.spec.unschedulable}";
    kubectl(kubeconfig, &["get", "node", node, "-o", path]) == "true"
}

#[test]
fn cordon_and_uncordon_a_node() {
    let Some(mut s) = setup(&[]) else {
        return;
    };
    s.app.send(":nodes\r");
    // Node names are in the pods table too: wait for a column only nodes have.
    s.app.wait_text("INTERNAL-IP", WAIT);
    // demo-control-plane is the first row.
    s.app.send("j");
    s.app.send("c");
    s.app.wait_text("node/demo-worker-1 cordoned", WAIT);
    assert!(cordoned(&s.kubeconfig, "demo-worker-1"));
    let nodes = kubectl(&s.kubeconfig, &["get", "nodes"]);
    assert!(nodes.contains("Ready,SchedulingDisabled"), "{nodes}");
    // The table is a watch: the node's row says so too.
    s.app.wait_text("Ready,SchedulingDisabled", WAIT);
    s.app.send("u");
    s.app.wait_text("node/demo-worker-1 uncordoned", WAIT);
    assert!(!cordoned(&s.kubeconfig, "demo-worker-1"));
    s.app.send("q");
    assert!(s.app.wait_exit(WAIT));
}

/// Pods on `node` that no DaemonSet owns.
fn non_daemonset_pods(kubeconfig: &std::path::Path, node: &str) -> Vec<String> {
    let selector = format!("spec.nodeName={node}");
    let out = kubectl(
        kubeconfig,
        &[
            "get",
            "pods",
            "-A",
            "--field-selector",
            &selector,
            "-o",
            "json",
        ],
    );
    let list: serde_json::Value = serde_json::from_str(&out).expect("kubectl json");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    items
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| p["metadata"]["ownerReferences"][0]["kind"] != "DaemonSet")
        .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn drain_waits_out_a_disruption_budget_then_the_node_is_empty() {
    let Some(mut s) = setup(&[]) else {
        return;
    };
    // grafana's two pods run on demo-worker-3; its budget allows one disruption at a time.
    let node = "demo-worker-3";
    assert!(!non_daemonset_pods(&s.kubeconfig, node).is_empty());
    s.app.send(&format!(":drain {node}\r"));
    s.app.wait_text(&format!("Drain node {node}?"), WAIT);
    s.app.send("y");
    // A PodDisruptionBudget holds one eviction back: the retry is on screen.
    let screen = s.app.wait_text("retrying in", WAIT);
    assert!(screen.contains("waiting for PDB (attempt"), "{screen}");
    assert!(screen.contains("skipped (DaemonSet)"), "{screen}");
    s.app
        .wait_text(&format!("node/{node} drained"), Duration::from_secs(90));
    assert!(cordoned(&s.kubeconfig, node));
    let nodes = kubectl(&s.kubeconfig, &["get", "nodes"]);
    assert!(
        nodes
            .lines()
            .any(|l| l.starts_with(node) && l.contains("SchedulingDisabled")),
        "{nodes}"
    );
    let left = kubectl_until(
        &s.kubeconfig,
        &[
            "get",
            "pods",
            "-A",
            "--field-selector",
            &format!("spec.nodeName={node}"),
        ],
        WAIT,
        |_| non_daemonset_pods(&s.kubeconfig, node).is_empty(),
    );
    assert!(left.is_ok(), "only DaemonSet pods are left: {left:?}");
    close_drain_and_quit(&mut s.app);
}

#[test]
fn esc_stops_a_drain_and_leaves_the_node_cordoned() {
    let Some(mut s) = setup(&[]) else {
        return;
    };
    let node = "demo-worker-3";
    s.app.send(&format!(":drain {node}\r"));
    s.app.wait_text(&format!("Drain node {node}?"), WAIT);
    s.app.send("e");
    s.app.wait_text("[x] also pods with emptyDir data", WAIT);
    s.app.send("y");
    s.app.wait_text("retrying in", WAIT);
    s.app.send("\x1b");
    s.app
        .wait_text(&format!("drain stopped: node/{node} left cordoned"), WAIT);
    assert!(cordoned(&s.kubeconfig, node));
    close_drain_and_quit(&mut s.app);
}

/// Esc closes the finished (or stopped) drain view, then q quits; the two keys go apart, as
/// Esc and q at once read as alt-q.
fn close_drain_and_quit(app: &mut crate::common::pty::PtyApp) {
    app.send("\x1b");
    app.wait_for("the drain view closed", WAIT, |screen| {
        !screen.contains("[drain ")
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
