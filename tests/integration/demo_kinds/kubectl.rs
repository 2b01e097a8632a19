//! `kubectl get` and `kubectl describe` of every new kind, run when kubectl is installed.

use std::process::Command;

use kr8s_tui::demo::DemoHandle;

use crate::common::kubectl::{quiet, server};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn kubectl(h: &DemoHandle, args: &[&str]) -> String {
    let out = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&h.kubeconfig_path)
        .args(args)
        .output()
        .await
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubectl {args:?}: {stderr}\n{stdout}");
    stdout
}

/// The column titles of a kubectl table's header line.
fn header(table: &str) -> Vec<String> {
    let line = table.lines().next().unwrap_or_default();
    // Titles are separated by at least two spaces; some have one inside ("ACCESS MODES").
    line.split("  ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn names(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_gets_every_new_kind_with_the_apiservers_columns() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let h = server(quiet()).await;
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "rs",
            &["NAMESPACE", "NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &[],
        ),
        (
            "sts",
            &["NAMESPACE", "NAME", "READY", "AGE"],
            &["postgres", "redis", "kafka", "prometheus", "alertmanager"],
        ),
        (
            "ds",
            &[
                "NAMESPACE",
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["kube-proxy", "node-exporter"],
        ),
        (
            "jobs",
            &[
                "NAMESPACE",
                "NAME",
                "STATUS",
                "COMPLETIONS",
                "DURATION",
                "AGE",
            ],
            &["orders-backfill"],
        ),
        (
            "cronjobs",
            &[
                "NAMESPACE",
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE",
            ],
            &["settlement", "etl-nightly"],
        ),
        (
            "cm",
            &["NAMESPACE", "NAME", "DATA", "AGE"],
            &[
                "kube-root-ca.crt",
                "coredns",
                "kube-proxy",
                "checkout-config",
            ],
        ),
        (
            "secrets",
            &["NAMESPACE", "NAME", "TYPE", "DATA", "AGE"],
            &["shop-example-com-tls", "checkout-credentials"],
        ),
        (
            "pvc",
            &[
                "NAMESPACE",
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["data-postgres-0", "reports-archive", "grafana"],
        ),
        (
            "ingress",
            &[
                "NAMESPACE",
                "NAME",
                "CLASS",
                "HOSTS",
                "ADDRESS",
                "PORTS",
                "AGE",
            ],
            &["hello-web", "frontend", "api-gateway", "grafana"],
        ),
        (
            "widgets",
            &["NAMESPACE", "NAME", "COLOR", "SIZE", "PHASE", "AGE"],
            &["hello-widget", "invoice-sprocket", "refund-cog"],
        ),
    ];
    for (kind, columns, some) in cases {
        let table = kubectl(&h, &["get", kind, "-A"]).await;
        assert_eq!(header(&table), *columns, "{kind}:\n{table}");
        let listed = names(&table);
        for name in *some {
            assert!(listed.iter().any(|l| l == name), "{kind} {name}:\n{table}");
        }
    }
    // A Deployment's ReplicaSets are `<deploy>-<pod-template-hash>`: the current one and two
    // older ones scaled to zero.
    let rs = kubectl(&h, &["get", "rs", "-n", "default"]).await;
    let rows: Vec<Vec<&str>> = rs
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 3, "{rs}");
    assert!(rows.iter().all(|r| r[0].starts_with("hello-web-")), "{rs}");
    assert_eq!(rows.iter().filter(|r| r[1] == "0").count(), 2, "{rs}");
    let deploy = kubectl(&h, &["get", "deploy", "-n", "default", "hello-web"]).await;
    let desired = rows.iter().find(|r| r[1] != "0").expect("the current set")[1];
    assert!(deploy.contains(&format!("/{desired} ")), "{deploy}\n{rs}");

    // Wide columns are the apiserver's priority-1 columns.
    let wide = kubectl(&h, &["get", "rs", "-A", "-o", "wide"]).await;
    assert_eq!(
        header(&wide)[6..],
        ["CONTAINERS", "IMAGES", "SELECTOR"],
        "{wide}"
    );
    assert!(wide.contains("app=hello-web,pod-template-hash="), "{wide}");
    let widgets = kubectl(&h, &["get", "wdg", "-A", "-o", "wide"]).await;
    assert_eq!(
        header(&widgets),
        [
            "NAMESPACE",
            "NAME",
            "COLOR",
            "SIZE",
            "PHASE",
            "OWNER",
            "AGE"
        ],
        "{widgets}"
    );
    assert!(widgets.contains("team-payments"), "{widgets}");

    let crd = kubectl(&h, &["get", "crd"]).await;
    assert_eq!(header(&crd), ["NAME", "CREATED AT"], "{crd}");
    assert!(crd.contains("widgets.demo.kr8s.dev"), "{crd}");

    // One request for all of them, as in the issue.
    let all = kubectl(
        &h,
        &[
            "get",
            "rs,sts,ds,jobs,cronjobs,cm,secrets,pvc,ingress",
            "-A",
        ],
    )
    .await;
    for kind in [
        "replicaset.apps/",
        "statefulset.apps/postgres",
        "daemonset.apps/kube-proxy",
        "job.batch/orders-backfill",
        "cronjob.batch/settlement",
        "configmap/kube-root-ca.crt",
        "secret/shop-example-com-tls",
        "persistentvolumeclaim/data-postgres-0",
        "ingress.networking.k8s.io/frontend",
    ] {
        assert!(all.contains(kind), "{kind} in\n{all}");
    }
    // `kubectl get all` takes the workload kinds from discovery's "all" category.
    let everything = kubectl(&h, &["get", "all", "-n", "data"]).await;
    for kind in [
        "statefulset.apps/",
        "cronjob.batch/",
        "job.batch/",
        "replicaset.apps/",
    ] {
        assert!(everything.contains(kind), "{kind} in\n{everything}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_describes_every_new_kind() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let h = server(quiet()).await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["deploy", "-n", "default", "hello-web"],
            "NewReplicaSet:   hello-web-",
        ),
        (
            &["rs", "-n", "default"],
            "Controlled By:  Deployment/hello-web",
        ),
        (&["sts", "-n", "data", "postgres"], "Replicas:"),
        (
            &["ds", "-n", "kube-system", "kube-proxy"],
            "Desired Number of Nodes Scheduled",
        ),
        (&["job", "-n", "data", "orders-backfill"], "1 Succeeded"),
        (&["cronjob", "-n", "payments", "settlement"], "Schedule:"),
        (&["cm", "-n", "kube-system", "coredns"], "Corefile"),
        (
            &["secret", "-n", "web", "shop-example-com-tls"],
            "kubernetes.io/tls",
        ),
        (
            &["pvc", "-n", "data", "data-postgres-0"],
            "Used By:       postgres-0",
        ),
        (&["ingress", "-n", "web", "frontend"], "shop.example.com"),
        (&["crd", "widgets.demo.kr8s.dev"], "Kind:       Widget"),
        (&["widget", "-n", "payments", "refund-cog"], "Phase:"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["describe"];
        all.extend_from_slice(args);
        let text = kubectl(&h, &all).await;
        assert!(text.contains(expected), "{args:?}: {expected:?} in\n{text}");
    }
}
