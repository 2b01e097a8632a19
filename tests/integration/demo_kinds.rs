//! The demo cluster's workloads, config, storage, ingresses and custom resource: served and
//! printed like a real apiserver's (checked with the real kubectl where it is installed), owned
//! consistently from Deployment to pod (also under churn), and opened by the app itself.

use crate::common;
#[path = "demo_kinds/kubectl.rs"]
mod kubectl;
#[path = "demo_kinds/owners.rs"]
mod owners;

use std::time::Duration;

use jiff::Timestamp;
use kr8s_tui::demo::DemoHandle;
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

fn controller_ref(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
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
            // The kinds, not their subresources (`deployments/scale`).
            .filter(|name| !name.contains('/'))
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
            "policy",
            "apiextensions.k8s.io",
            "demo.kr8s.dev",
            "metrics.k8s.io"
        ]
    );
    for (group, want) in [
        (
            "apps",
            &["deployments", "replicasets", "statefulsets", "daemonsets"][..],
        ),
        ("batch", &["jobs", "cronjobs"]),
        ("networking.k8s.io", &["ingresses"]),
        ("policy", &["poddisruptionbudgets"]),
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
