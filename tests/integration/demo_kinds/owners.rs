//! Ownership and status over TLS: every controller owns exactly its pods, also under churn.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kr8s_tui::demo::{DemoHandle, DemoOptions};
use serde_json::Value;

use super::{controller_ref, get, get_with, items, key, n, ready, s, terminating, time};
use crate::common::kubectl::{client, quiet, server};

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

fn matches_selector(selector: &Value, labels: &Value) -> bool {
    selector["matchLabels"]
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| &labels[k] == v))
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
