//! Several demo-server processes in one merged KUBECONFIG, as the fleet tests use them: each
//! answers under its own context, one going down leaves the others alone, and one restarted is
//! the same cluster to kubectl with newer resourceVersions.

mod common;

use common::fleet::Fleet;

fn kubectl_available() -> bool {
    std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The resourceVersion of a pod list from `context`, as a number to compare.
fn list_rv(fleet: &Fleet, context: &str) -> u64 {
    let body = fleet.kubectl_ok(context, &["get", "--raw", "/api/v1/pods?limit=1"]);
    let list: serde_json::Value = serde_json::from_str(&body).expect("a JSON pod list");
    list["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|rv| rv.parse().ok())
        .unwrap_or_else(|| panic!("a numeric resourceVersion in {body}"))
}

#[test]
fn two_servers_answer_under_their_contexts_and_one_comes_back_after_a_kill() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let mut fleet = Fleet::start(&["a", "b"], &["--demo-pods", "40", "--demo-churn", "0"]);
    let contexts = fleet.kubectl_ok("a", &["config", "get-contexts", "-o", "name"]);
    for ctx in [
        "a",
        "a-cert",
        "a-kube-system",
        "b",
        "b-cert",
        "b-kube-system",
    ] {
        assert!(contexts.lines().any(|l| l == ctx), "{ctx} in {contexts}");
    }
    for ctx in ["a", "b", "b-cert"] {
        let pods = fleet.kubectl_ok(ctx, &["get", "pods", "-A", "--no-headers"]);
        assert_eq!(pods.lines().count(), 40, "pods of {ctx}");
    }
    let rv_before = list_rv(&fleet, "b");

    fleet.kill("b");
    let down = fleet.kubectl("b", &["get", "pods", "-A", "--request-timeout=5s"]);
    assert!(!down.status.success(), "kubectl on a killed server fails");
    let stderr = String::from_utf8_lossy(&down.stderr);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(fleet.kubectl("a", &["get", "pods", "-A"]).status.success());

    fleet.restart("b");
    // Same kubeconfig as before the kill: the kept CA, token and client certificate still work.
    for ctx in ["b", "b-cert"] {
        let pods = fleet.kubectl_ok(ctx, &["get", "pods", "-A", "--no-headers"]);
        assert_eq!(pods.lines().count(), 40, "pods of {ctx} after the restart");
    }
    assert!(
        list_rv(&fleet, "b") > rv_before,
        "resourceVersions moved on"
    );
}

#[test]
fn a_watch_from_before_the_restart_is_told_to_relist() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let mut fleet = Fleet::start(&["c"], &["--demo-pods", "10", "--demo-churn", "0"]);
    let rv = list_rv(&fleet, "c");
    fleet.restart("c");
    let path = format!("/api/v1/pods?watch=true&resourceVersion={rv}&timeoutSeconds=2");
    let events = fleet.kubectl_ok("c", &["get", "--raw", &path]);
    let first: serde_json::Value =
        serde_json::from_str(events.lines().next().unwrap_or_default()).expect("a watch event");
    assert_eq!(first["type"], "ERROR", "{events}");
    assert_eq!(first["object"]["code"], 410, "{events}");
    assert_eq!(first["object"]["reason"], "Expired", "{events}");
}
