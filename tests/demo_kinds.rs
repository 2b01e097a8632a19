//! The demo cluster's workloads, config, storage, ingresses and custom resource: served and
//! printed like a real apiserver's (checked with the real kubectl where it is installed), owned
//! consistently from Deployment to pod (also under churn), and opened by the app itself.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kr8s_tui::demo::{DemoHandle, DemoOptions};
use serde_json::Value;

use common::harness::Harness;
use common::kubectl::{client, quiet, send, server};
use kr8s_tui::kube::ListParams;
use kr8s_tui::kube::resource_table::parse_table;

async fn get(h: &DemoHandle, path: &str) -> Value {
    get_with(&client(h), h, path).await
}

async fn get_with(c: &reqwest::Client, h: &DemoHandle, path: &str) -> Value {
    let resp = send(c, h, path).await;
    assert_eq!(resp.status().as_u16(), 200, "{path}");
    resp.json().await.expect("JSON")
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().cloned().unwrap_or_default()
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn n(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

fn time(v: &Value, pointer: &str) -> Option<Timestamp> {
    v.pointer(pointer)?.as_str()?.parse().ok()
}

fn key(v: &Value) -> String {
    format!("{}/{}", s(v, "/metadata/namespace"), s(v, "/metadata/name"))
}

// ---- kubectl ----------------------------------------------------------------------------

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

// ---- ownership and status, over TLS -----------------------------------------------------

/// Everything that owns pods, by uid.
struct Cluster {
    pods: Vec<Value>,
    owners: HashMap<String, (String, Value)>,
    deployments: Vec<Value>,
    replicasets: Vec<Value>,
    statefulsets: Vec<Value>,
    daemonsets: Vec<Value>,
    nodes: Vec<Value>,
}

/// Reads pods and their controllers at one resourceVersion (lists again while churn moved the
/// cluster between two of them).
async fn cluster(h: &DemoHandle) -> Cluster {
    let paths = [
        ("Pod", "/api/v1/pods"),
        ("Deployment", "/apis/apps/v1/deployments"),
        ("ReplicaSet", "/apis/apps/v1/replicasets"),
        ("StatefulSet", "/apis/apps/v1/statefulsets"),
        ("DaemonSet", "/apis/apps/v1/daemonsets"),
        ("Job", "/apis/batch/v1/jobs"),
        ("CronJob", "/apis/batch/v1/cronjobs"),
        ("Node", "/api/v1/nodes"),
    ];
    let c = client(h);
    for _ in 0..50 {
        let mut lists = Vec::new();
        for (kind, path) in paths {
            lists.push((kind, get_with(&c, h, path).await));
        }
        let rvs: BTreeSet<&str> = lists
            .iter()
            .map(|(_, l)| s(l, "/metadata/resourceVersion"))
            .collect();
        if rvs.len() > 1 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let mut owners = HashMap::new();
        let mut by_kind: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for (kind, list) in lists {
            for item in items(&list) {
                if kind != "Pod" && kind != "Node" {
                    owners.insert(
                        s(&item, "/metadata/uid").to_string(),
                        (kind.to_string(), item.clone()),
                    );
                }
                by_kind.entry(kind).or_default().push(item);
            }
        }
        let mut take = |k: &str| by_kind.remove(k).unwrap_or_default();
        return Cluster {
            pods: take("Pod"),
            deployments: take("Deployment"),
            replicasets: take("ReplicaSet"),
            statefulsets: take("StatefulSet"),
            daemonsets: take("DaemonSet"),
            nodes: take("Node"),
            owners,
        };
    }
    panic!("no consistent read in 50 tries");
}

fn controller_ref(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

fn matches_selector(selector: &Value, labels: &Value) -> bool {
    selector["matchLabels"]
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| &labels[k] == v))
}

fn terminating(pod: &Value) -> bool {
    pod["metadata"].get("deletionTimestamp").is_some()
}

fn ready(pod: &Value) -> bool {
    s(pod, "/status/phase") == "Running"
        && pod["status"]["containerStatuses"]
            .as_array()
            .is_some_and(|cs| !cs.is_empty() && cs.iter().all(|c| c["ready"] == true))
}

/// Every pod's controller exists with that uid, selects it and is owned in turn as a real
/// cluster's are; every controller owns exactly the pods its replicas and status say.
fn assert_consistent(c: &Cluster) {
    let mut owned: HashMap<&str, Vec<&Value>> = HashMap::new();
    for pod in &c.pods {
        let r = controller_ref(pod).unwrap_or_else(|| panic!("{} has a controller", key(pod)));
        assert_eq!(r["blockOwnerDeletion"], true, "{}", key(pod));
        let uid = s(r, "/uid");
        let (kind, owner) = c
            .owners
            .get(uid)
            .unwrap_or_else(|| panic!("{}: no {} with uid {uid}", key(pod), r["kind"]));
        assert_eq!(r["kind"].as_str(), Some(kind.as_str()), "{}", key(pod));
        assert_eq!(r["name"], owner["metadata"]["name"], "{}", key(pod));
        let api = if kind == "Job" { "batch/v1" } else { "apps/v1" };
        assert_eq!(r["apiVersion"], api, "{}", key(pod));
        assert_eq!(
            owner["metadata"]["namespace"],
            pod["metadata"]["namespace"],
            "{}",
            key(pod)
        );
        assert!(
            matches_selector(&owner["spec"]["selector"], &pod["metadata"]["labels"]),
            "{} matches its {kind}'s selector",
            key(pod)
        );
        let name = s(pod, "/metadata/name");
        let owner_name = s(owner, "/metadata/name");
        let suffix = name
            .strip_prefix(owner_name)
            .and_then(|rest| rest.strip_prefix('-'))
            .unwrap_or_else(|| panic!("{name} is named after {owner_name}"));
        match kind.as_str() {
            "StatefulSet" => assert!(suffix.parse::<u32>().is_ok(), "{name}"),
            _ => assert_eq!(suffix.len(), 5, "{name}"),
        }
        if kind == "ReplicaSet" {
            assert_eq!(
                s(pod, "/metadata/labels/pod-template-hash"),
                s(owner, "/metadata/labels/pod-template-hash"),
            );
        }
        owned.entry(uid).or_default().push(pod);
    }
    for (uid, (kind, owner)) in &c.owners {
        if let Some(r) = controller_ref(owner) {
            let (up, _) = c
                .owners
                .get(s(r, "/uid"))
                .expect("the owner's owner exists");
            assert_eq!(r["kind"].as_str(), Some(up.as_str()));
            assert_eq!(r["blockOwnerDeletion"], true);
            assert!(matches!(
                (kind.as_str(), up.as_str()),
                ("ReplicaSet", "Deployment") | ("Job", "CronJob")
            ));
        }
        let pods = owned.get(uid.as_str()).cloned().unwrap_or_default();
        let live = pods.iter().filter(|p| !terminating(p)).count() as u64;
        let ready_pods = pods.iter().filter(|p| !terminating(p) && ready(p)).count() as u64;
        let what = format!("{kind} {}", key(owner));
        match kind.as_str() {
            // A terminating pod has been replaced already: the rest are the replicas.
            "ReplicaSet" => {
                assert_eq!(live, n(owner, "/spec/replicas"), "{what}");
                assert_eq!(live, n(owner, "/status/replicas"), "{what}");
                assert_eq!(ready_pods, n(owner, "/status/readyReplicas"), "{what}");
            }
            "StatefulSet" => {
                let count = pods.len() as u64;
                assert_eq!(count, n(owner, "/spec/replicas"), "{what}");
                assert_eq!(count, n(owner, "/status/replicas"), "{what}");
                assert_eq!(ready_pods, n(owner, "/status/readyReplicas"), "{what}");
                let mut ordinals: Vec<u64> = pods
                    .iter()
                    .filter_map(|p| s(p, "/metadata/name").rsplit('-').next()?.parse().ok())
                    .collect();
                ordinals.sort();
                assert_eq!(ordinals, (0..count).collect::<Vec<_>>(), "{what}");
            }
            "DaemonSet" => {
                let nodes: BTreeSet<&str> = pods.iter().map(|p| s(p, "/spec/nodeName")).collect();
                assert_eq!(nodes.len(), pods.len(), "{what}: one pod per node");
                let desired = n(owner, "/status/desiredNumberScheduled");
                assert_eq!(pods.len() as u64, desired, "{what}");
                assert_eq!(ready_pods, n(owner, "/status/numberReady"), "{what}");
                let tolerates = owner["spec"]["template"]["spec"]["tolerations"].is_array();
                let schedulable = c
                    .nodes
                    .iter()
                    .filter(|n| tolerates || n["spec"]["taints"].is_null())
                    .count() as u64;
                assert_eq!(desired, schedulable, "{what}");
            }
            "Job" => {
                assert_eq!(pods.len(), 1, "{what}");
                let succeeded = s(pods[0], "/status/phase") == "Succeeded";
                assert_eq!(
                    u64::from(succeeded),
                    n(owner, "/status/succeeded"),
                    "{what}"
                );
            }
            _ => assert!(pods.is_empty(), "{what} owns no pods directly"),
        }
    }
    for d in &c.deployments {
        let uid = s(d, "/metadata/uid");
        let revision = s(
            d,
            "/metadata/annotations/deployment.kubernetes.io~1revision",
        );
        let sets: Vec<&Value> = c
            .replicasets
            .iter()
            .filter(|rs| controller_ref(rs).is_some_and(|r| r["uid"] == uid))
            .collect();
        let current: Vec<&&Value> = sets
            .iter()
            .filter(|rs| {
                s(
                    rs,
                    "/metadata/annotations/deployment.kubernetes.io~1revision",
                ) == revision
            })
            .collect();
        assert_eq!(current.len(), 1, "{}: one current ReplicaSet", key(d));
        let rs = current[0];
        let what = key(d);
        assert_eq!(n(d, "/spec/replicas"), n(rs, "/spec/replicas"), "{what}");
        assert_eq!(
            n(d, "/status/replicas"),
            n(rs, "/status/replicas"),
            "{what}"
        );
        assert_eq!(
            n(d, "/status/updatedReplicas"),
            n(rs, "/status/replicas"),
            "{what}"
        );
        assert_eq!(
            n(d, "/status/readyReplicas"),
            n(rs, "/status/readyReplicas"),
            "{what}"
        );
        for old in sets.iter().filter(|o| !std::ptr::eq(**o, *rs)) {
            assert_eq!(n(old, "/spec/replicas"), 0, "{}", key(old));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controllers_own_exactly_their_pods() {
    for (pods, namespaces) in [(3, 6), (60, 6), (500, 15)] {
        let h = server(DemoOptions {
            pods,
            namespaces,
            ..quiet()
        })
        .await;
        let c = cluster(&h).await;
        assert_eq!(c.pods.len(), pods, "--demo-pods is the number of pods");
        assert_consistent(&c);
        if pods >= 60 {
            assert!(!c.statefulsets.is_empty() && !c.daemonsets.is_empty());
            assert!(c.replicasets.len() >= 3 * c.deployments.len());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn churn_replaces_pods_and_keeps_the_counts() {
    let h = server(DemoOptions {
        pods: 200,
        churn: 5.0,
        ..DemoOptions::default()
    })
    .await;
    let before = cluster(&h).await;
    let names = |c: &Cluster| -> BTreeSet<String> { c.pods.iter().map(key).collect() };
    tokio::time::sleep(Duration::from_secs(4)).await;
    let after = cluster(&h).await;
    assert_ne!(names(&before), names(&after), "churn replaced pods");
    // Seeded pods stuck terminating stay; the ones churn deletes are replaced at once (and go
    // 2 s later): the pods not terminating stay as many.
    let live = |c: &Cluster| c.pods.iter().filter(|p| !terminating(p)).count();
    assert_eq!(live(&after), live(&before));
    assert_consistent(&after);
}

#[tokio::test]
async fn restarts_fit_the_age_of_their_pod() {
    let h = server(DemoOptions {
        pods: 2000,
        ..quiet()
    })
    .await;
    let pods = items(&get(&h, "/api/v1/pods").await);
    let now = Timestamp::now();
    let mut restarted = 0;
    for pod in &pods {
        let created = time(pod, "/metadata/creationTimestamp").expect("created");
        let age = now.duration_since(created).as_secs();
        for c in pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let count = n(c, "/restartCount");
            // The kubelet's back-off: 5 restarts in the first 5 minutes, then one per 5.
            assert!(
                count <= 5 + (age.max(0) as u64) / 300,
                "{}: {count} in {age}s",
                key(pod)
            );
            let Some(finished) = time(c, "/lastState/terminated/finishedAt") else {
                assert_eq!(count, 0, "{}: restarts without a last state", key(pod));
                continue;
            };
            restarted += 1;
            let started = time(c, "/lastState/terminated/startedAt").expect("startedAt");
            assert!(
                created <= started && started <= finished && finished <= now,
                "{}",
                key(pod)
            );
            if let Some(running) = time(c, "/state/running/startedAt") {
                assert!(
                    running >= finished,
                    "{}: runs again after its restart",
                    key(pod)
                );
            }
        }
    }
    assert!(restarted > 20, "some pods restarted: {restarted}");
}

#[tokio::test]
async fn following_a_finished_pods_log_ends() {
    let h = server(quiet()).await;
    let done = items(&get(&h, "/api/v1/pods?fieldSelector=status.phase%3DSucceeded").await);
    let pod = done.first().expect("a Completed pod");
    let (ns, name) = (s(pod, "/metadata/namespace"), s(pod, "/metadata/name"));
    let url = format!(
        "{}/api/v1/namespaces/{ns}/pods/{name}/log?follow=true",
        h.base_url()
    );
    let started = Instant::now();
    let body = tokio::time::timeout(Duration::from_secs(5), async {
        let resp = client(&h).get(&url).bearer_auth(&h.token).send().await?;
        resp.text().await
    })
    .await
    .expect("the log ends instead of streaming")
    .expect("the log reads");
    assert!(body.lines().count() >= 40, "{body}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Its last line is from when the container finished, not from now.
    let finished = time(
        pod,
        "/status/containerStatuses/0/state/terminated/finishedAt",
    )
    .unwrap();
    let url = format!("{url}&timestamps=true&tailLines=1");
    let last = client(&h)
        .get(&url)
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    let last = last.text().await.unwrap();
    let at: Timestamp = last
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .expect("a timestamp");
    assert!(at <= finished, "{at} after {finished}");
}

// ---- discovery, selectors, watches ------------------------------------------------------

#[tokio::test]
async fn discovery_selectors_and_watches_cover_the_new_kinds() {
    let h = server(quiet()).await;
    let resources = |list: &Value| -> Vec<String> {
        list["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let core = resources(&get(&h, "/api/v1").await);
    for r in ["configmaps", "secrets", "persistentvolumeclaims"] {
        assert!(core.iter().any(|c| c == r), "{r} in {core:?}");
    }
    let apis = get(&h, "/apis").await;
    let groups: Vec<&str> = apis["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        [
            "apps",
            "batch",
            "networking.k8s.io",
            "apiextensions.k8s.io",
            "demo.kr8s.dev"
        ]
    );
    for (group, want) in [
        (
            "apps",
            &["deployments", "replicasets", "statefulsets", "daemonsets"][..],
        ),
        ("batch", &["jobs", "cronjobs"]),
        ("networking.k8s.io", &["ingresses"]),
        ("apiextensions.k8s.io", &["customresourcedefinitions"]),
        ("demo.kr8s.dev", &["widgets"]),
    ] {
        let list = get(&h, &format!("/apis/{group}/v1")).await;
        assert_eq!(resources(&list), want, "{group}");
        let preferred = get(&h, &format!("/apis/{group}")).await;
        assert_eq!(preferred["preferredVersion"]["version"], "v1");
    }
    let widgets = get(&h, "/apis/demo.kr8s.dev/v1").await["resources"][0].clone();
    assert_eq!(widgets["kind"], "Widget");
    assert_eq!(widgets["namespaced"], true);
    assert_eq!(widgets["shortNames"], serde_json::json!(["wdg"]));

    // Field selectors the apiserver accepts for these kinds, and label selectors on any.
    let deployments = items(&get(&h, "/apis/apps/v1/deployments").await).len();
    let old = items(
        &get(
            &h,
            "/apis/apps/v1/replicasets?fieldSelector=status.replicas%3D0",
        )
        .await,
    );
    assert_eq!(old.len(), 2 * deployments, "two old ReplicaSets each");
    assert!(old.iter().all(|rs| n(rs, "/spec/replicas") == 0));
    let tls = items(
        &get(
            &h,
            "/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls",
        )
        .await,
    );
    assert!(!tls.is_empty() && tls.iter().all(|s| s["type"] == "kubernetes.io/tls"));
    let done = items(
        &get(
            &h,
            "/apis/batch/v1/jobs?fieldSelector=status.successful%3D1",
        )
        .await,
    );
    assert!(!done.is_empty() && done.iter().all(|j| n(j, "/status/succeeded") == 1));
    let team = "/apis/demo.kr8s.dev/v1/widgets?labelSelector=team%3Dteam-payments";
    let team = items(&get(&h, team).await);
    assert_eq!(team.len(), 3);
    assert!(
        team.iter()
            .all(|w| s(w, "/metadata/namespace") == "payments")
    );
    let sets =
        "/apis/apps/v1/namespaces/data/statefulsets?labelSelector=app%20in%20(postgres,kafka)";
    assert_eq!(items(&get(&h, sets).await).len(), 2);
    let c = client(&h);
    let bad = send(
        &c,
        &h,
        "/apis/batch/v1/cronjobs?fieldSelector=spec.schedule%3Dx",
    )
    .await;
    assert_eq!(bad.status().as_u16(), 400);

    // A watch of ReplicaSets sees the status follow the pods: deleting a pod that is not ready
    // gets it replaced by a ready one.
    let pods = items(&get(&h, "/api/v1/pods?labelSelector=pod-template-hash").await);
    let sick = pods
        .iter()
        .find(|p| !ready(p) && !terminating(p) && s(p, "/status/phase") == "Running")
        .expect("a ReplicaSet's pod that is not ready");
    let (ns, app) = (
        s(sick, "/metadata/namespace"),
        s(sick, "/metadata/labels/app"),
    );
    let rs_name = s(controller_ref(sick).unwrap(), "/name").to_string();
    let list = get(&h, &format!("/apis/apps/v1/namespaces/{ns}/replicasets")).await;
    let rs = items(&list)
        .into_iter()
        .find(|rs| s(rs, "/metadata/name") == rs_name)
        .unwrap();
    let rv = s(&list, "/metadata/resourceVersion");
    let watch = format!(
        "{}/apis/apps/v1/namespaces/{ns}/replicasets?watch=1&resourceVersion={rv}&labelSelector=app%3D{app}&timeoutSeconds=2",
        h.base_url()
    );
    let stream = c.get(watch).bearer_auth(&h.token).send().await.unwrap();
    let delete = format!(
        "{}/api/v1/namespaces/{ns}/pods/{}?gracePeriodSeconds=0",
        h.base_url(),
        s(sick, "/metadata/name")
    );
    let resp = c.delete(delete).bearer_auth(&h.token).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = stream.text().await.unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let changed = events
        .iter()
        .find(|e| e["type"] == "MODIFIED" && s(e, "/object/metadata/name") == rs_name)
        .unwrap_or_else(|| panic!("the ReplicaSet changed: {text}"));
    assert_eq!(
        n(changed, "/object/status/readyReplicas"),
        n(&rs, "/status/readyReplicas") + 1
    );
    assert_eq!(
        n(changed, "/object/status/replicas"),
        n(&rs, "/spec/replicas")
    );
    assert!(
        events
            .iter()
            .all(|e| s(e, "/object/metadata/labels/app") == app)
    );

    // Too old a resourceVersion is 410 Gone for them as for pods.
    let old = send(
        &c,
        &h,
        "/apis/batch/v1/cronjobs?watch=true&resourceVersion=2",
    )
    .await
    .text()
    .await
    .unwrap();
    let first: Value = serde_json::from_str(old.lines().next().unwrap()).unwrap();
    assert_eq!(
        (first["type"].as_str(), first["object"]["code"].as_u64()),
        (Some("ERROR"), Some(410))
    );
}

// ---- the app -----------------------------------------------------------------------------

/// `:rs` and `:widgets` open the server's tables in the app, as any kind does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_opens_replicasets_and_widgets() {
    let (_demo, mut app) = Harness::on_demo(60).await;
    let wait = Duration::from_secs(10);
    for (typed, plural, path, expect) in [
        (
            "rs",
            "replicasets",
            "/apis/apps/v1/replicasets",
            "hello-web-",
        ),
        (
            "widgets",
            "widgets",
            "/apis/demo.kr8s.dev/v1/widgets",
            "hello-widget",
        ),
    ] {
        app.command(typed);
        app.until(typed, wait, |s| {
            s.resource
                .as_ref()
                .is_some_and(|v| v.resource.plural == plural && v.live && !v.is_empty())
        })
        .await;
        let view = app.state.resource.as_ref().expect("a resource view");
        let table = view.table.as_ref().expect("a table");
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let rows: Vec<&str> = view.visible().iter().map(|r| r.name.as_str()).collect();
        assert!(
            rows.iter().any(|r| r.starts_with(expect)),
            "{typed}: {rows:?}"
        );
        let body = app
            .client("demo")
            .list_table_page_raw(path, &ListParams::default())
            .await
            .expect("the server's Table");
        let server = parse_table(&body).expect("a Table");
        let theirs: Vec<&str> = server.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(rows, theirs, "{typed}: the server's rows");
        match plural {
            "replicasets" => {
                assert_eq!(columns[..5], ["Name", "Desired", "Current", "Ready", "Age"]);
                // Three ReplicaSets per Deployment: the current one and two scaled to zero.
                let zero = table.rows.iter().filter(|r| r.cells[1] == "0").count();
                assert_eq!(zero * 3, rows.len() * 2, "{:?}", table.rows);
            }
            _ => assert_eq!(columns, ["Name", "Color", "Size", "Phase", "Owner", "Age"]),
        }
    }
}
