//! The demo API server over real HTTPS, trusting only its generated CA.

use crate::common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::StreamExt;
use kr8s_tui::demo::{DemoHandle, DemoOptions};
use serde_json::Value;

use common::kubectl::{client, quiet, send, server};

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

async fn get(h: &DemoHandle, path: &str) -> (u16, Value) {
    let resp = send(&client(h), h, path).await;
    let code = resp.status().as_u16();
    (code, resp.json().await.unwrap_or(Value::Null))
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    format!(
                        "{}/{}",
                        i["metadata"]["namespace"].as_str().unwrap_or(""),
                        i["metadata"]["name"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn requests_without_the_token_get_401_status() {
    let h = server(quiet()).await;
    let resp = client(&h)
        .get(format!("{}/api/v1/pods", h.base_url()))
        .send()
        .await
        .expect("request succeeds");
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.expect("Status body");
    assert_eq!(body["kind"], "Status");
    assert_eq!(body["reason"], "Unauthorized");
}

#[tokio::test]
async fn version_and_discovery() {
    let h = server(quiet()).await;
    let (code, version) = get(&h, "/version").await;
    assert_eq!(code, 200);
    assert_eq!(version["gitVersion"], "v1.31.0-kr8s-demo");
    let (_, api) = get(&h, "/api").await;
    assert_eq!(api["versions"][0], "v1");
    let (_, v1) = get(&h, "/api/v1").await;
    let pods = v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods")
        .cloned()
        .unwrap();
    assert_eq!(pods["namespaced"], true);
    assert_eq!(pods["shortNames"][0], "po");
    let (_, apis) = get(&h, "/apis").await;
    assert_eq!(apis["groups"][0]["name"], "apps");
    let (_, apps) = get(&h, "/apis/apps/v1").await;
    assert_eq!(apps["resources"][0]["kind"], "Deployment");
}

#[tokio::test]
async fn paginated_list_has_every_pod_once() {
    let h = server(DemoOptions {
        pods: 1234,
        ..quiet()
    })
    .await;
    let (mut seen, mut cont, mut pages) = (HashSet::new(), String::new(), 0);
    loop {
        let path = format!("/api/v1/pods?limit=100&continue={cont}");
        let (code, page) = get(&h, &path).await;
        assert_eq!(code, 200);
        assert_eq!(page["kind"], "PodList");
        for name in names(&page) {
            assert!(seen.insert(name.clone()), "duplicate {name}");
        }
        pages += 1;
        match page["metadata"]["continue"].as_str() {
            Some(c) if !c.is_empty() => cont = c.to_string(),
            _ => break,
        }
    }
    assert_eq!(seen.len(), 1234);
    assert_eq!(pages, 13);
    let (code, bad) = get(&h, "/api/v1/pods?limit=abc").await;
    assert_eq!((code, bad["reason"].as_str()), (400, Some("BadRequest")));
}

#[tokio::test]
async fn label_and_field_selectors() {
    let h = server(quiet()).await;
    let (_, all) = get(&h, "/api/v1/namespaces/payments/pods").await;
    let (_, checkout) = get(
        &h,
        "/api/v1/namespaces/payments/pods?labelSelector=app%3Dcheckout",
    )
    .await;
    let n = names(&checkout).len();
    assert!(n > 0 && n < names(&all).len());
    let (_, not_checkout) = get(
        &h,
        "/api/v1/namespaces/payments/pods?labelSelector=app!%3Dcheckout",
    )
    .await;
    assert_eq!(n + names(&not_checkout).len(), names(&all).len());
    let (_, set) = get(
        &h,
        "/api/v1/pods?labelSelector=app%20in%20(checkout,ledger),tier",
    )
    .await;
    assert!(set["items"].as_array().unwrap().iter().all(|p| {
        ["checkout", "ledger"].contains(&p["metadata"]["labels"]["app"].as_str().unwrap())
    }));
    let (_, running) = get(&h, "/api/v1/pods?fieldSelector=status.phase%3DRunning").await;
    assert!(
        running["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"]["phase"] == "Running")
    );
    let pod = &all["items"][0];
    let name = pod["metadata"]["name"].as_str().unwrap();
    let path = format!(
        "/api/v1/events?fieldSelector=involvedObject.name%3D{name},involvedObject.namespace%3Dpayments"
    );
    let (_, events) = get(&h, &path).await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["involvedObject"]["name"] == name)
    );
    let (code, _) = get(&h, "/api/v1/pods?fieldSelector=spec.bogus%3D1").await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn missing_objects_unknown_paths_and_wrong_methods() {
    let h = server(quiet()).await;
    let (code, body) = get(&h, "/api/v1/namespaces/default/pods/nope").await;
    assert_eq!(code, 404);
    assert_eq!(body["message"], "pods \"nope\" not found");
    let (code, body) = get(&h, "/api/v1/frobs").await;
    assert_eq!((code, body["reason"].as_str()), (404, Some("NotFound")));
    // Collections take GET and POST (create) but not PUT; componentstatuses are read-only.
    let resp = client(&h)
        .put(format!("{}/api/v1/namespaces/default/pods", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let resp = client(&h)
        .delete(format!("{}/api/v1/componentstatuses/etcd-0", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}

#[tokio::test]
async fn pods_as_table_have_kubectl_columns_and_metadata() {
    let h = server(quiet()).await;
    let resp = client(&h)
        .get(format!("{}/api/v1/pods?limit=5", h.base_url()))
        .bearer_auth(&h.token)
        .header("Accept", TABLE)
        .send()
        .await
        .unwrap();
    let table: Value = resp.json().await.unwrap();
    assert_eq!(table["kind"], "Table");
    let cols: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols[..5], ["Name", "Ready", "Status", "Restarts", "Age"]);
    let row = &table["rows"][0];
    assert_eq!(row["cells"].as_array().unwrap().len(), 9);
    assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
    assert!(row["object"]["metadata"]["namespace"].is_string());
}

async fn watch_lines(h: &DemoHandle, path: &str) -> impl futures::Stream<Item = Value> + use<> {
    let resp = send(&client(h), h, path).await;
    assert_eq!(resp.status().as_u16(), 200);
    let mut buf = Vec::new();
    resp.bytes_stream().flat_map(move |chunk| {
        buf.extend_from_slice(&chunk.unwrap_or_default());
        let mut out = Vec::new();
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            out.push(serde_json::from_slice::<Value>(&line).unwrap());
        }
        futures::stream::iter(out)
    })
}

#[tokio::test]
async fn deleting_a_pod_shows_terminating_then_deleted() {
    let h = server(quiet()).await;
    let (_, list) = get(&h, "/api/v1/namespaces/web/pods").await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let name = list["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let events = watch_lines(
        &h,
        &format!("/api/v1/namespaces/web/pods?watch=1&resourceVersion={rv}&timeoutSeconds=10"),
    )
    .await;
    let resp = client(&h)
        .delete(format!(
            "{}/api/v1/namespaces/web/pods/{name}?gracePeriodSeconds=1",
            h.base_url()
        ))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let deleted: Value = resp.json().await.unwrap();
    assert!(deleted["metadata"]["deletionTimestamp"].is_string());
    let got: Vec<Value> = tokio::time::timeout(Duration::from_secs(8), events.take(3).collect())
        .await
        .unwrap();
    assert_eq!(got[0]["type"], "MODIFIED");
    assert!(got[0]["object"]["metadata"]["deletionTimestamp"].is_string());
    // Its ReplicaSet replaces it as soon as it is terminating: a new pod, same owner and labels.
    assert_eq!(got[1]["type"], "ADDED");
    let (old, new) = (&list["items"][0]["metadata"], &got[1]["object"]["metadata"]);
    assert_ne!(new["name"], name.as_str());
    assert_eq!(new["ownerReferences"], old["ownerReferences"]);
    assert_eq!(new["labels"], old["labels"]);
    assert_eq!(got[2]["type"], "DELETED");
    assert_eq!(got[2]["object"]["metadata"]["name"], name.as_str());
    let (code, _) = get(&h, &format!("/api/v1/namespaces/web/pods/{name}")).await;
    assert_eq!(code, 404);
    let (_, after) = get(&h, "/api/v1/namespaces/web/pods").await;
    assert_eq!(
        names(&after).len(),
        names(&list).len(),
        "as many pods as before"
    );
}

#[tokio::test]
async fn watch_from_a_too_old_resource_version_gets_410() {
    let h = server(quiet()).await;
    let mut events = Box::pin(watch_lines(&h, "/api/v1/pods?watch=true&resourceVersion=2").await);
    let first = events.next().await.unwrap();
    assert_eq!(first["type"], "ERROR");
    assert_eq!(first["object"]["code"], 410);
    assert_eq!(first["object"]["reason"], "Expired");
}

async fn text(h: &DemoHandle, path: &str) -> (u16, String) {
    let resp = client(h)
        .get(format!("{}{path}", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn logs_tail_timestamps_and_container_choice() {
    let h = server(quiet()).await;
    let (_, pods) = get(&h, "/api/v1/pods?fieldSelector=status.phase%3DRunning").await;
    let items = pods["items"].as_array().unwrap();
    let single = items
        .iter()
        .find(|p| p["spec"]["containers"].as_array().unwrap().len() == 1)
        .unwrap();
    let (ns, name) = (
        single["metadata"]["namespace"].as_str().unwrap(),
        single["metadata"]["name"].as_str().unwrap(),
    );
    let (code, logs) = text(
        &h,
        &format!("/api/v1/namespaces/{ns}/pods/{name}/log?tailLines=5&timestamps=true"),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(logs.lines().count(), 5);
    assert!(
        logs.lines().all(|l| l
            .split(' ')
            .next()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok()),
        "{logs}"
    );
    let (_, again) = text(
        &h,
        &format!("/api/v1/namespaces/{ns}/pods/{name}/log?tailLines=5&timestamps=true"),
    )
    .await;
    let strip = |s: &str| {
        s.lines()
            .map(|l| l.split_once(' ').unwrap().1.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&logs), strip(&again), "deterministic");
    let multi = items
        .iter()
        .find(|p| p["spec"]["containers"].as_array().unwrap().len() > 1)
        .unwrap();
    let (ns, name) = (
        multi["metadata"]["namespace"].as_str().unwrap(),
        multi["metadata"]["name"].as_str().unwrap(),
    );
    let (code, body) = get(&h, &format!("/api/v1/namespaces/{ns}/pods/{name}/log")).await;
    assert_eq!(code, 400);
    let msg = body["message"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!(
            "a container name must be specified for pod {name}, choose one of: ["
        )),
        "{msg}"
    );
}

#[tokio::test]
async fn same_seed_same_pods() {
    let (a, b) = (server(quiet()).await, server(quiet()).await);
    let (_, la) = get(&a, "/api/v1/pods").await;
    let (_, lb) = get(&b, "/api/v1/pods").await;
    assert_eq!(names(&la), names(&lb));
    let c = server(DemoOptions { seed: 7, ..quiet() }).await;
    let (_, lc) = get(&c, "/api/v1/pods").await;
    assert_ne!(names(&la), names(&lc));
}

#[tokio::test]
async fn faults_error_rate_and_latency() {
    let h = server(quiet()).await;
    h.faults.set_error_rate(1.0);
    let (c1, s1) = get(&h, "/api/v1/pods").await;
    let (c2, s2) = get(&h, "/api/v1/pods").await;
    let mut codes = [c1, c2];
    codes.sort();
    assert_eq!(codes, [500, 503]);
    assert_eq!(s1["kind"], "Status");
    assert_eq!(s2["kind"], "Status");
    h.faults.set_error_rate(0.0);
    h.faults.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    let (code, _) = get(&h, "/version").await;
    assert_eq!(code, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn restart_drops_and_comes_back_on_the_same_port() {
    let h = server(quiet()).await;
    h.restart(Duration::from_millis(200)).await.unwrap();
    let (code, _) = get(&h, "/version").await;
    assert_eq!(code, 200);
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Run with `cargo test --release --test demo_server -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: 100 000 pods"]
async fn measure_100k_pods() {
    let before = rss_kib();
    let started = Instant::now();
    let h = server(DemoOptions {
        pods: 100_000,
        ..quiet()
    })
    .await;
    let seeded_in = started.elapsed();
    let rss = rss_kib();
    let c = client(&h);
    let (mut count, mut bytes, mut cont) = (0usize, 0usize, String::new());
    let started = Instant::now();
    loop {
        let url = format!("{}/api/v1/pods?limit=500&continue={cont}", h.base_url());
        let body = c
            .get(url)
            .bearer_auth(&h.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        bytes += body.len();
        let page: Value = serde_json::from_slice(&body).unwrap();
        count += page["items"].as_array().unwrap().len();
        match page["metadata"]["continue"].as_str() {
            Some(next) if !next.is_empty() => cont = next.to_string(),
            _ => break,
        }
    }
    let listed_in = started.elapsed();
    assert_eq!(count, 100_000);
    println!(
        "seeded 100000 pods in {seeded_in:?}; RSS {} MiB (before start {} MiB); listed all (limit=500) in {listed_in:?}; {} JSON bytes/pod",
        rss / 1024,
        before / 1024,
        bytes / count
    );
}

#[tokio::test]
async fn control_endpoint_sets_faults_and_streams_get_dropped() {
    let h = server(quiet()).await;
    let resp = client(&h)
        .post(format!("{}/demo/faults", h.base_url()))
        .bearer_auth(&h.token)
        .json(&serde_json::json!({"dropAfterMs": 300, "watch410": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(h.faults.drop_after(), Some(Duration::from_millis(300)));
    let resp = client(&h)
        .get(format!("{}/api/v1/pods?watch=true", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    let started = Instant::now();
    let mut stream = resp.bytes_stream();
    let mut failed = false;
    while let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        if item.is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed, "the stream ends with an error, not cleanly");
    assert!(started.elapsed() < Duration::from_secs(5));
    h.faults.set_watch_410(true);
    let mut events = Box::pin(watch_lines(&h, "/api/v1/pods?watch=true").await);
    assert_eq!(events.next().await.unwrap()["object"]["code"], 410);
}

async fn post_faults(h: &DemoHandle, settings: Value) -> (u16, Value) {
    let resp = client(h)
        .post(format!("{}/demo/faults", h.base_url()))
        .bearer_auth(&h.token)
        .json(&settings)
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn forbid_answers_403_like_rbac_and_leaves_other_requests_alone() {
    let h = server(quiet()).await;
    let (_, pods) = get(&h, "/api/v1/namespaces/web/pods").await;
    let name = pods["items"][0]["metadata"]["name"].as_str().unwrap();
    let rules = serde_json::json!(["list:namespaces", "list:pods", "delete:pods"]);
    let (code, set) = post_faults(&h, serde_json::json!({ "forbid": rules })).await;
    assert_eq!((code, &set["forbid"]), (200, &rules));
    let (_, shown) = get(&h, "/demo/faults").await;
    assert_eq!(shown["forbid"], rules);

    let (code, body) = get(&h, "/api/v1/namespaces").await;
    assert_eq!(code, 403);
    assert_eq!(
        body,
        serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure",
            "message": "namespaces is forbidden: User \"demo\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",
            "reason": "Forbidden", "details": {"kind": "namespaces"}, "code": 403})
    );
    let (code, body) = get(&h, "/api/v1/namespaces/web/pods").await;
    assert_eq!(code, 403);
    assert_eq!(
        body["message"],
        "pods is forbidden: User \"demo\" cannot list resource \"pods\" in API group \"\" in the namespace \"web\""
    );
    let resp = client(&h)
        .delete(format!(
            "{}/api/v1/namespaces/web/pods/{name}",
            h.base_url()
        ))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["message"],
        format!(
            "pods \"{name}\" is forbidden: User \"demo\" cannot delete resource \"pods\" in API group \"\" in the namespace \"web\""
        )
    );
    assert_eq!(
        body["details"],
        serde_json::json!({"name": name, "kind": "pods"})
    );

    for path in [
        format!("/api/v1/namespaces/web/pods/{name}"),
        "/api/v1/namespaces/web".to_string(),
        "/api/v1/namespaces/web/services".to_string(),
        "/apis/apps/v1/deployments".to_string(),
        "/version".to_string(),
        "/api/v1".to_string(),
    ] {
        assert_eq!(get(&h, &path).await.0, 200, "{path}");
    }
    // `list` does not cover `watch`: watch_lines asserts the 200.
    let _ = watch_lines(&h, "/api/v1/namespaces/web/pods?watch=1&timeoutSeconds=1").await;

    let (code, bad) = post_faults(&h, serde_json::json!({"forbid": ["lst:pods"]})).await;
    assert_eq!((code, bad["reason"].as_str()), (400, Some("BadRequest")));
    let (code, _) = post_faults(&h, serde_json::json!({"forbid": []})).await;
    assert_eq!(code, 200);
    assert_eq!(get(&h, "/api/v1/namespaces").await.0, 200);
}
