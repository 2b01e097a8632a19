//! The owner tree built from fixture lists: links by controller uid, marks, the filter.

use super::tree::*;
use serde_json::{Value, json};

fn list(items: Vec<Value>) -> Value {
    json!({"items": items})
}

fn pod(name: &str, owner: &str, waiting: Option<&str>) -> Value {
    let state = match waiting {
        Some(reason) => json!({"waiting": {"reason": reason}}),
        None => json!({"running": {}}),
    };
    json!({
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"},
            "ownerReferences": [{"uid": owner, "controller": true}]},
        "spec": {"containers": [{"name": "web"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "web", "ready": waiting.is_none(), "state": state}]},
    })
}

/// Deployment → ReplicaSet → pod → container; a crashing pod marks its ancestors failing.
#[test]
fn a_failing_pod_marks_its_owners() {
    let deploy = json!({"metadata": {"name": "web", "namespace": "default", "uid": "d1"},
        "spec": {"replicas": 2}, "status": {"readyReplicas": 1}});
    let rs = json!({"metadata": {"name": "web-5d", "namespace": "default", "uid": "r1",
        "ownerReferences": [{"uid": "d1", "controller": true}]},
        "spec": {"replicas": 2}, "status": {"readyReplicas": 1}});
    let pods = vec![
        pod("web-5d-a", "r1", None),
        pod("web-5d-b", "r1", Some("CrashLoopBackOff")),
    ];
    let nodes = build(
        Root::Deployment,
        &[list(vec![deploy]), list(vec![rs]), list(pods)],
    );
    let rows: Vec<(usize, &str, Mark)> = nodes
        .iter()
        .map(|n| (n.depth(), n.name.as_str(), n.mark))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, "web", Mark::Failing),
            (1, "web-5d", Mark::Failing),
            (2, "web-5d-a", Mark::Ready),
            (3, "web", Mark::Ready),
            (2, "web-5d-b", Mark::Failing),
            (3, "web", Mark::Failing),
        ]
    );
    assert_eq!(nodes[4].info, "Running");
    assert_eq!(nodes[5].info, "CrashLoopBackOff");
}

/// The filter keeps matches with their ancestors and descendants, guides redrawn.
#[test]
fn the_filter_keeps_the_path_to_a_match() {
    let svc = json!({"metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}}});
    let pods = list(vec![pod("web-a", "x", None), pod("web-b", "x", None)]);
    let nodes = build(Root::Service, &[list(vec![svc]), pods]);
    let kept = filter(&nodes, "WEB-A");
    let rows: Vec<(&str, usize, bool)> = kept
        .iter()
        .map(|n| (n.name.as_str(), n.depth(), n.last))
        .collect();
    assert_eq!(
        rows,
        [("web", 0, true), ("web-a", 1, true), ("web", 2, true)]
    );
    assert_eq!(kept[2].guides, [false, false]);
}

/// A Service's children are the pods its selector matches in its namespace.
#[test]
fn a_service_leads_to_the_pods_it_selects() {
    let svc = json!({"metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}}});
    let other = json!({"metadata": {"name": "db", "namespace": "default"},
        "spec": {"selector": {"app": "db"}}});
    let pods = list(vec![pod("web-a", "x", None)]);
    let nodes = build(Root::Service, &[list(vec![svc, other]), pods]);
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["web", "web-a", "web", "db"]);
    assert_eq!(nodes[3].mark, Mark::Progressing);
}

/// CronJob → Job → pod; a ReplicaSet scaled to zero with no pods is left out.
#[test]
fn cronjobs_lead_to_jobs_and_old_replicasets_are_left_out() {
    let cj = json!({"metadata": {"name": "backup", "namespace": "default", "uid": "c1"},
        "spec": {"schedule": "0 * * * *"}});
    let job = json!({"metadata": {"name": "backup-1", "namespace": "default", "uid": "j1",
        "ownerReferences": [{"uid": "c1", "controller": true}]},
        "spec": {"completions": 1}, "status": {"succeeded": 1}});
    let done = json!({"metadata": {"name": "backup-1-x", "namespace": "default",
        "ownerReferences": [{"uid": "j1", "controller": true}]},
        "spec": {"containers": [{"name": "backup"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [{"name": "backup",
            "state": {"terminated": {"exitCode": 0}}}]}});
    let nodes = build(
        Root::CronJob,
        &[list(vec![cj]), list(vec![job]), list(vec![done])],
    );
    let rows: Vec<(Kind, &str, Mark)> = nodes
        .iter()
        .map(|n| (n.kind, n.info.as_str(), n.mark))
        .collect();
    assert_eq!(
        rows,
        [
            (Kind::CronJob, "0 * * * *", Mark::Ready),
            (Kind::Job, "1/1 done", Mark::Ready),
            (Kind::Pod, "Completed", Mark::Ready),
            (Kind::Container, "exited 0", Mark::Ready),
        ]
    );

    let deploy = json!({"metadata": {"name": "web", "namespace": "default", "uid": "d1"},
        "spec": {"replicas": 0}, "status": {}});
    let old = json!({"metadata": {"name": "web-old", "namespace": "default", "uid": "r0",
        "ownerReferences": [{"uid": "d1", "controller": true}]}, "spec": {"replicas": 0}});
    let nodes = build(
        Root::Deployment,
        &[list(vec![deploy]), list(vec![old]), list(vec![])],
    );
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["web"]);
    assert_eq!(nodes[0].info, "0/0 ready");
}
