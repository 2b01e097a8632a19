//! The real kubectl changing the demo cluster (skipped when kubectl is not installed): scale,
//! rollout restart and status, edit with an `EDITOR` script, patch, replace of a stale object,
//! server-side dry runs, cordon and a drain that waits for a PodDisruptionBudget.

use std::process::Command;

use kr8s_tui::demo::DemoHandle;

use super::eventually;
use crate::common::kubectl::{quiet, server};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A quiet demo, or None (with the reason printed) without kubectl.
async fn demo() -> Option<DemoHandle> {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return None;
    }
    Some(server(quiet()).await)
}

/// kubectl's (success, stdout, stderr).
async fn run(h: &DemoHandle, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&h.kubeconfig_path)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .await
        .expect("kubectl runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

async fn ok(h: &DemoHandle, args: &[&str]) -> String {
    let (success, stdout, stderr) = run(h, args, &[]).await;
    assert!(success, "kubectl {args:?}: {stderr}\n{stdout}");
    stdout
}

async fn fails(h: &DemoHandle, args: &[&str]) -> String {
    let (success, stdout, stderr) = run(h, args, &[]).await;
    assert!(!success, "kubectl {args:?} succeeded: {stdout}");
    stderr
}

/// The names of hello-web's pods that are not terminating, and how many of them are Ready.
async fn hello_pods(h: &DemoHandle) -> (Vec<String>, usize) {
    let out = ok(h, &["get", "pods", "-n", "default", "--no-headers"]).await;
    let live: Vec<&str> = out.lines().filter(|l| !l.contains("Terminating")).collect();
    let ready = live
        .iter()
        .filter(|l| l.contains(" 1/1 ") && l.contains("Running"))
        .count();
    let names = live
        .iter()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    (names, ready)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_scale_then_rollout_restart_replaces_every_pod() {
    let Some(h) = demo().await else {
        return;
    };
    ok(
        &h,
        &["scale", "deploy/hello-web", "--replicas=3", "-n", "default"],
    )
    .await;
    eventually(10, "3 ready pods", || async {
        match hello_pods(&h).await {
            (names, 3) if names.len() == 3 => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    let (before, _) = hello_pods(&h).await;
    let restarted = ok(
        &h,
        &["rollout", "restart", "deploy/hello-web", "-n", "default"],
    )
    .await;
    assert!(
        restarted.contains("deployment.apps/hello-web restarted"),
        "{restarted}"
    );
    let status = ok(
        &h,
        &[
            "rollout",
            "status",
            "deploy/hello-web",
            "-n",
            "default",
            "--timeout=20s",
        ],
    )
    .await;
    assert!(status.contains("successfully rolled out"), "{status}");
    let (after, ready) = hello_pods(&h).await;
    assert_eq!((after.len(), ready), (3, 3), "{after:?}");
    assert!(
        after.iter().all(|p| !before.contains(p)),
        "{before:?} → {after:?}"
    );
    let annotation = ok(
        &h,
        &[
            "get",
            "deploy/hello-web",
            "-n",
            "default",
            "-o",
            "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
        ],
    )
    .await;
    assert!(!annotation.is_empty());
    let sets = ok(&h, &["get", "rs", "-n", "default", "--no-headers"]).await;
    assert_eq!(
        sets.lines().count(),
        4,
        "the old ReplicaSets are kept: {sets}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_edit_patch_replace_and_dry_run() {
    let Some(h) = demo().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^  labels:$/  labels:\\n    edited: \"yes\"/' \"$1\"\n",
    )
    .unwrap();
    let mut perms = std::fs::metadata(&editor).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&editor, perms).unwrap();
    let env = [
        ("EDITOR", editor.to_str().unwrap()),
        ("KUBE_EDITOR", editor.to_str().unwrap()),
    ];
    let (success, stdout, stderr) =
        run(&h, &["edit", "deploy/hello-web", "-n", "default"], &env).await;
    assert!(success, "{stderr}\n{stdout}");
    assert!(
        stdout.contains("deployment.apps/hello-web edited"),
        "{stdout}"
    );
    let label = "jsonpath={.metadata.labels.edited}";
    assert_eq!(
        ok(
            &h,
            &["get", "deploy/hello-web", "-n", "default", "-o", label]
        )
        .await,
        "yes"
    );

    // A copy read now is stale once something else changes the object.
    let stale = ok(
        &h,
        &["get", "deploy/hello-web", "-n", "default", "-o", "json"],
    )
    .await;
    let file = dir.path().join("stale.json");
    std::fs::write(&file, stale).unwrap();
    ok(
        &h,
        &[
            "patch",
            "deploy/hello-web",
            "-n",
            "default",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"merged":"1"}}}"#,
        ],
    )
    .await;
    ok(
        &h,
        &[
            "patch",
            "deploy/hello-web",
            "-n",
            "default",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/metadata/labels/json","value":"1"}]"#,
        ],
    )
    .await;
    let err = fails(&h, &["replace", "-f", file.to_str().unwrap()]).await;
    assert!(
        err.contains("Error from server (Conflict)") && err.contains(
            "Operation cannot be fulfilled on deployments.apps \"hello-web\": the object has been modified; please apply your changes to the latest version and try again"
        ),
        "{err}"
    );
    let labels = ok(
        &h,
        &[
            "get",
            "deploy/hello-web",
            "-n",
            "default",
            "-o",
            "jsonpath={.metadata.labels}",
        ],
    )
    .await;
    assert!(
        labels.contains("\"merged\":\"1\"") && labels.contains("\"json\":\"1\""),
        "{labels}"
    );

    let err = fails(
        &h,
        &[
            "patch",
            "deploy/hello-web",
            "-n",
            "default",
            "-p",
            r#"{"spec":{"replicas":-1}}"#,
        ],
    )
    .await;
    assert!(
        err.contains("The Deployment \"hello-web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        "{err}"
    );
    let dry = ok(
        &h,
        &[
            "patch",
            "deploy/hello-web",
            "-n",
            "default",
            "--dry-run=server",
            "-p",
            r#"{"spec":{"replicas":7}}"#,
            "-o",
            "jsonpath={.spec.replicas}",
        ],
    )
    .await;
    assert_eq!(dry, "7");
    let replicas = "jsonpath={.spec.replicas}";
    assert_eq!(
        ok(
            &h,
            &["get", "deploy/hello-web", "-n", "default", "-o", replicas]
        )
        .await,
        "10"
    );
    let (_, pods) = hello_pods(&h).await;
    assert!(pods <= 10, "a dry run made no pods");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_cordon_and_a_drain_that_waits_for_the_disruption_budget() {
    let Some(h) = demo().await else {
        return;
    };
    let pdb = ok(&h, &["get", "pdb", "-A"]).await;
    assert!(
        pdb.contains("ALLOWED DISRUPTIONS") && pdb.contains("grafana-pdb"),
        "{pdb}"
    );

    ok(&h, &["cordon", "demo-worker-1"]).await;
    let nodes = ok(&h, &["get", "nodes"]).await;
    assert!(
        nodes
            .lines()
            .any(|l| l.starts_with("demo-worker-1") && l.contains("Ready,SchedulingDisabled")),
        "{nodes}"
    );
    ok(&h, &["uncordon", "demo-worker-1"]).await;
    assert!(
        !ok(&h, &["get", "nodes"])
            .await
            .contains("SchedulingDisabled")
    );

    // Both of grafana's pods are on demo-worker-3 and its budget allows one disruption.
    let (success, stdout, stderr) = run(
        &h,
        &[
            "drain",
            "demo-worker-3",
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--timeout=30s",
        ],
        &[],
    )
    .await;
    assert!(success, "{stderr}\n{stdout}");
    assert!(
        stderr.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."),
        "{stderr}"
    );
    assert!(stdout.contains("node/demo-worker-3 drained"), "{stdout}");
    let left = ok(
        &h,
        &[
            "get",
            "pods",
            "-A",
            "--field-selector=spec.nodeName=demo-worker-3",
            "--no-headers",
        ],
    )
    .await;
    assert!(
        left.lines()
            .all(|l| l.contains("kube-proxy") || l.contains("node-exporter")),
        "only DaemonSet pods stay: {left}"
    );
    let grafana = ok(
        &h,
        &[
            "get",
            "pods",
            "-n",
            "monitoring",
            "-l",
            "app=grafana",
            "-o",
            "wide",
            "--no-headers",
        ],
    )
    .await;
    assert!(
        !grafana.contains("demo-worker-3") && grafana.lines().count() == 2,
        "{grafana}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_rollout_restart_of_a_statefulset_and_a_daemonset() {
    let Some(h) = demo().await else {
        return;
    };
    let names = |out: String| -> Vec<String> {
        out.lines()
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect()
    };
    let ds_pods = [
        "get",
        "pods",
        "-n",
        "monitoring",
        "-l",
        "app=node-exporter",
        "--no-headers",
    ];
    let before = names(ok(&h, &ds_pods).await);
    ok(
        &h,
        &["rollout", "restart", "ds/node-exporter", "-n", "monitoring"],
    )
    .await;
    ok(&h, &["rollout", "restart", "sts/redis", "-n", "data"]).await;
    let ds = ok(
        &h,
        &[
            "rollout",
            "status",
            "ds/node-exporter",
            "-n",
            "monitoring",
            "--timeout=25s",
        ],
    )
    .await;
    assert!(ds.contains("successfully rolled out"), "{ds}");
    let after = names(ok(&h, &ds_pods).await);
    assert_eq!(after.len(), before.len());
    assert!(
        after.iter().all(|p| !before.contains(p)),
        "{before:?} → {after:?}"
    );
    let sts = ok(
        &h,
        &[
            "rollout",
            "status",
            "sts/redis",
            "-n",
            "data",
            "--timeout=25s",
        ],
    )
    .await;
    assert!(sts.contains("roll out complete"), "{sts}");
    let redis = ok(
        &h,
        &[
            "get",
            "pods",
            "-n",
            "data",
            "-l",
            "app=redis",
            "--no-headers",
        ],
    )
    .await;
    assert!(
        redis
            .lines()
            .all(|l| l.contains(" 1/1 ") && l.contains("Running")),
        "{redis}"
    );
}
