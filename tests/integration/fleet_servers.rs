//! Several demo-server processes in one merged KUBECONFIG, as the fleet tests use them: each
//! answers under its own context, one going down leaves the others alone, and one restarted is
//! the same cluster to kubectl with newer resourceVersions.

use crate::common;

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

/// The app's pods table on one member of a fleet: the member going down and coming back as the
/// same cluster (reseeded, so every age moved) ends with the table relisted and equal to the
/// server's, still following changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_relists_a_member_that_restarted() {
    use common::harness::{Harness, comparable, keys, server_rows};
    use kr8s_tui::kube::ClientOptions;
    use kr8s_tui::state::PodsLoad;
    use kr8s_tui::tasks::TaskOptions;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(30);
    let mut fleet = Fleet::start(&["d"], &["--demo-pods", "30", "--demo-churn", "0"]);
    let opts = TaskOptions {
        max_backoff: Duration::from_secs(1),
        ..TaskOptions::default()
    };
    let kubeconfig = fleet.kubeconfig_of("d");
    let mut app = Harness::start(&kubeconfig, "d", None, ClientOptions::default(), opts);
    app.until("the pods list", WAIT, |s| s.pods_load == PodsLoad::Watching)
        .await;
    assert_eq!(app.relists, 1);

    fleet.kill("d");
    app.until("the outage shown", WAIT, |s| s.pods_error.is_some())
        .await;
    // Ages are whole seconds: after a second the reseeded pods differ from those shown.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fleet.restart("d");
    let client = app.client("d");
    let want = comparable(&server_rows(&client, "/api/v1/pods").await);
    app.until("the restarted server's pods", WAIT, |s| {
        s.pods_error.is_none() && comparable(s.pods.rows()) == want
    })
    .await;
    assert!(app.relists >= 2, "relisted after the restart");

    // Live again: a pod deleted (and replaced by its controller) shows.
    let victim = want.first().expect("pods").clone();
    fleet.kubectl_ok(
        "d",
        &[
            "delete",
            "pod",
            "-n",
            &victim.namespace,
            &victim.name,
            "--grace-period=0",
            "--force",
        ],
    );
    app.until("the deletion followed", WAIT, |s| {
        !keys(s.pods.rows()).contains(&format!("{}/{}", victim.namespace, victim.name))
    })
    .await;
}
