//! The real kubectl against the demo server (skipped when kubectl is not installed).

use std::process::Command;

use kr8s_tui::demo::{self, DemoOptions, ForbidRule, ServeOptions};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A demo server without churn (so kubectl and the test read the same objects) with `forbid`
/// refused; `None`, with the reason printed, when kubectl is not installed.
async fn quiet_demo(forbid: &[&str]) -> Option<demo::DemoHandle> {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return None;
    }
    let forbid: Vec<ForbidRule> = forbid
        .iter()
        .map(|r| r.parse().expect("a valid rule"))
        .collect();
    let opts = DemoOptions {
        churn: 0.0,
        forbid,
        ..DemoOptions::default()
    };
    Some(
        demo::start(opts, ServeOptions::default())
            .await
            .expect("demo starts"),
    )
}

async fn kubectl_output(kubeconfig: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(kubeconfig).args(args);
    cmd.output().await.expect("kubectl runs")
}

async fn kubectl(kubeconfig: &std::path::Path, args: &[&str]) -> String {
    let out = kubectl_output(kubeconfig, args).await;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {stderr}\n{stdout}"
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_browses_the_demo_cluster() {
    let Some(handle) = quiet_demo(&[]).await else {
        return;
    };
    let kc = handle.kubeconfig_path.clone();

    let pods = kubectl(&kc, &["get", "pods", "-A"]).await;
    let header = pods.lines().next().unwrap_or_default();
    for col in ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"] {
        assert!(header.contains(col), "missing {col} in {header}");
    }
    assert_eq!(pods.lines().count(), 61, "{pods}");
    assert!(pods.contains("CrashLoopBackOff"), "{pods}");
    assert!(pods.contains("Running"));

    let ns = kubectl(&kc, &["get", "ns"]).await;
    assert!(ns.contains("kube-system") && ns.contains("Active"), "{ns}");

    let version = kubectl(&kc, &["get", "--raw", "/version"]).await;
    assert!(version.contains("v1.31.0-kr8s-demo"), "{version}");

    let nodes = kubectl(&kc, &["get", "nodes"]).await;
    assert!(
        nodes.contains("demo-control-plane") && nodes.contains("Ready"),
        "{nodes}"
    );

    let deploys = kubectl(&kc, &["get", "deploy", "-A"]).await;
    assert!(
        deploys.contains("UP-TO-DATE") && deploys.contains("checkout"),
        "{deploys}"
    );

    let svcs = kubectl(&kc, &["get", "svc", "-A"]).await;
    assert!(
        svcs.contains("kubernetes") && svcs.contains("CLUSTER-IP"),
        "{svcs}"
    );

    let events = kubectl(&kc, &["get", "events", "-A"]).await;
    assert!(events.contains("Scheduled"), "{events}");

    let line = pods
        .lines()
        .find(|l| l.contains(" Running ") && l.starts_with("payments"))
        .expect("a running pod in payments");
    let cols: Vec<&str> = line.split_whitespace().collect();
    let jsonpath = "jsonpath={.spec.containers[0].name}";
    let container = kubectl(&kc, &["get", "pod", "-n", cols[0], cols[1], "-o", jsonpath]).await;
    let logs = kubectl(
        &kc,
        &[
            "logs", "-n", cols[0], cols[1], "-c", &container, "--tail", "5",
        ],
    )
    .await;
    assert_eq!(logs.lines().count(), 5, "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_reports_a_forbidden_list_as_rbac_would() {
    let Some(handle) = quiet_demo(&["list:namespaces"]).await else {
        return;
    };
    let kc = handle.kubeconfig_path.clone();

    let out = kubectl_output(&kc, &["get", "ns"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "kubectl get ns succeeded: {stderr}");
    assert!(
        stderr.contains(
            "Error from server (Forbidden): namespaces is forbidden: User \"demo\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
        ),
        "{stderr}"
    );

    let pods = kubectl(&kc, &["get", "pods", "-n", "payments"]).await;
    assert!(pods.contains("Running"), "{pods}");
}

/// Like a real 1.31 server, the demo still serves ComponentStatus and warns that it is
/// deprecated; kubectl prints the warning on stderr and the table on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_shows_the_servers_deprecation_warning() {
    let Some(handle) = quiet_demo(&[]).await else {
        return;
    };
    let out = kubectl_output(&handle.kubeconfig_path, &["get", "cs"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}\n{stdout}");
    assert!(
        stderr.contains("Warning: v1 ComponentStatus is deprecated in v1.19+"),
        "{stderr}"
    );
    let header: Vec<&str> = stdout
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(header, ["NAME", "STATUS", "MESSAGE", "ERROR"], "{stdout}");
    assert!(
        stdout.contains("etcd-0") && stdout.contains("Healthy"),
        "{stdout}"
    );
}
