//! Table tests for the `printPod` port and kubectl's durations.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().expect("test timestamps are valid RFC 3339")
}

const NOW: &str = "2026-11-20T12:00:00Z";

/// A pod's row from JSON, as the apiserver would send it (decoded from text, as the app does).
fn row(value: Value) -> PodRow {
    let RowFromPod(row) = serde_json::from_str(&value.to_string()).expect("test pods decode");
    row
}

fn running(name: &str, ready: bool, restarts: i32) -> Value {
    json!({"name": name, "ready": ready, "restartCount": restarts, "started": true,
           "state": {"running": {"startedAt": "2026-11-20T10:00:00Z"}}})
}

fn waiting(name: &str, reason: &str) -> Value {
    json!({"name": name, "ready": false, "restartCount": 0, "state": {"waiting": {"reason": reason}}})
}

fn terminated(name: &str, reason: &str, exit_code: i32, signal: i32) -> Value {
    json!({"name": name, "ready": false, "restartCount": 0,
           "state": {"terminated": {"reason": reason, "exitCode": exit_code, "signal": signal}}})
}

/// A pod with the given containers (names c0..), init containers and statuses.
fn with(
    phase: &str,
    containers: usize,
    init: Value,
    statuses: Value,
    init_statuses: Value,
) -> Value {
    let names: Vec<Value> = (0..containers)
        .map(|i| json!({"name": format!("c{i}")}))
        .collect();
    json!({
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1", "resourceVersion": "7",
                     "creationTimestamp": "2026-11-19T07:00:00Z"},
        "spec": {"nodeName": "node-a", "containers": names, "initContainers": init},
        "status": {"phase": phase, "podIP": "10.0.0.7", "containerStatuses": statuses,
                   "initContainerStatuses": init_statuses}
    })
}

fn simple(phase: &str, statuses: Value) -> Value {
    let n = statuses.as_array().map_or(0, Vec::len);
    with(phase, n, json!([]), statuses, json!([]))
}

fn status_of(value: Value) -> (String, String) {
    let r = row(value);
    (r.ready, r.status)
}

#[test]
fn status_rules() {
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "running",
            simple("Running", json!([running("c0", true, 0)])),
            "1/1",
            "Running",
        ),
        (
            "pending no statuses",
            simple("Pending", json!([])),
            "0/0",
            "Pending",
        ),
        (
            "crashloop",
            simple("Running", json!([waiting("c0", "CrashLoopBackOff")])),
            "0/1",
            "CrashLoopBackOff",
        ),
        (
            "image pull",
            simple("Pending", json!([waiting("c0", "ImagePullBackOff")])),
            "0/1",
            "ImagePullBackOff",
        ),
        (
            "creating",
            simple("Pending", json!([waiting("c0", "ContainerCreating")])),
            "0/1",
            "ContainerCreating",
        ),
        (
            "first container wins",
            simple(
                "Running",
                json!([
                    waiting("c0", "ErrImagePull"),
                    waiting("c1", "ContainerCreating")
                ]),
            ),
            "0/2",
            "ErrImagePull",
        ),
        (
            "completed",
            simple("Succeeded", json!([terminated("c0", "Completed", 0, 0)])),
            "0/1",
            "Completed",
        ),
        (
            "oomkilled",
            simple("Running", json!([terminated("c0", "OOMKilled", 137, 0)])),
            "0/1",
            "OOMKilled",
        ),
        (
            "exit code",
            simple("Failed", json!([terminated("c0", "", 3, 0)])),
            "0/1",
            "ExitCode:3",
        ),
        (
            "signal",
            simple("Failed", json!([terminated("c0", "", 0, 9)])),
            "0/1",
            "Signal:9",
        ),
        (
            "completed beside running, ready",
            {
                let mut p = simple(
                    "Running",
                    json!([terminated("c0", "Completed", 0, 0), running("c1", true, 0)]),
                );
                p["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);
                p
            },
            "1/2",
            "Running",
        ),
        (
            "completed beside running, not ready",
            {
                let mut p = simple(
                    "Running",
                    json!([terminated("c0", "Completed", 0, 0), running("c1", true, 0)]),
                );
                p["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
                p
            },
            "1/2",
            "NotReady",
        ),
        (
            "evicted reason",
            {
                let mut p = simple("Failed", json!([]));
                p["status"]["reason"] = json!("Evicted");
                p
            },
            "0/0",
            "Evicted",
        ),
        (
            "scheduling gated",
            {
                let mut p = simple("Pending", json!([]));
                p["status"]["conditions"] = json!([{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]);
                p
            },
            "0/0",
            "SchedulingGated",
        ),
        (
            "terminating",
            {
                let mut p = simple("Running", json!([running("c0", true, 0)]));
                p["metadata"]["deletionTimestamp"] = json!("2026-11-20T11:59:00Z");
                p
            },
            "1/1",
            "Terminating",
        ),
        (
            "terminal phase is not terminating",
            {
                let mut p = simple("Succeeded", json!([terminated("c0", "Completed", 0, 0)]));
                p["metadata"]["deletionTimestamp"] = json!("2026-11-20T11:59:00Z");
                p
            },
            "0/1",
            "Completed",
        ),
        (
            "node lost",
            {
                let mut p = simple("Running", json!([running("c0", true, 0)]));
                p["metadata"]["deletionTimestamp"] = json!("2026-11-20T11:59:00Z");
                p["status"]["reason"] = json!("NodeLost");
                p
            },
            "1/1",
            "Unknown",
        ),
    ];
    for (name, value, ready, status) in cases {
        assert_eq!(
            status_of(value),
            (ready.to_string(), status.to_string()),
            "{name}"
        );
    }
}

#[test]
fn init_container_rules() {
    let init2 = json!([{"name": "i0"}, {"name": "i1"}]);
    let main = json!([waiting("c0", "PodInitializing")]);
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "first pending",
            json!([
                waiting("i0", "PodInitializing"),
                waiting("i1", "PodInitializing")
            ]),
            "Init:0/2",
        ),
        (
            "second running",
            json!([terminated("i0", "Completed", 0, 0), running("i1", false, 0)]),
            "Init:1/2",
        ),
        (
            "waiting reason",
            json!([waiting("i0", "ImagePullBackOff")]),
            "Init:ImagePullBackOff",
        ),
        (
            "crash loop",
            json!([
                terminated("i0", "Completed", 0, 0),
                waiting("i1", "CrashLoopBackOff")
            ]),
            "Init:CrashLoopBackOff",
        ),
        (
            "terminated reason",
            json!([terminated("i0", "Error", 1, 0)]),
            "Init:Error",
        ),
        (
            "exit code",
            json!([terminated("i0", "", 2, 0)]),
            "Init:ExitCode:2",
        ),
        (
            "signal",
            json!([terminated("i0", "", 143, 15)]),
            "Init:Signal:15",
        ),
    ];
    for (name, init_statuses, expected) in cases {
        let r = row(with(
            "Pending",
            1,
            init2.clone(),
            main.clone(),
            init_statuses,
        ));
        assert_eq!(r.status, expected, "{name}");
        assert_eq!(r.ready, "0/1", "{name}");
    }
}

#[test]
fn all_init_done_shows_main_containers() {
    let init = json!([{"name": "i0"}]);
    let r = row(with(
        "Running",
        1,
        init,
        json!([running("c0", true, 0)]),
        json!([terminated("i0", "Completed", 0, 0)]),
    ));
    assert_eq!((r.ready.as_str(), r.status.as_str()), ("1/1", "Running"));
}

#[test]
fn sidecars_count_in_ready_and_restarts() {
    let init = json!([{"name": "mesh", "restartPolicy": "Always"}, {"name": "setup"}]);
    let mut mesh = running("mesh", true, 2);
    mesh["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2026-11-20T09:00:00Z"}});
    let mut main = running("c0", true, 5);
    main["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2026-11-19T07:00:00Z"}});
    let mut value = with(
        "Running",
        1,
        init,
        json!([main]),
        json!([mesh, terminated("setup", "Completed", 0, 0)]),
    );
    value["status"]["conditions"] = json!([{"type": "Initialized", "status": "True"}]);
    let r = row(value);
    assert_eq!((r.ready.as_str(), r.status.as_str()), ("2/2", "Running"));
    assert_eq!(r.restarts, 7);
    assert_eq!(r.last_restart, Some(ts("2026-11-20T09:00:00Z")));
    assert_eq!(restarts_cell(&r, ts(NOW)), "7 (3h ago)");
}

#[test]
fn sidecar_started_while_next_init_runs() {
    let init = json!([{"name": "mesh", "restartPolicy": "Always"}, {"name": "setup"}]);
    let r = row(with(
        "Pending",
        1,
        init,
        json!([waiting("c0", "PodInitializing")]),
        json!([running("mesh", true, 0), running("setup", false, 0)]),
    ));
    assert_eq!((r.ready.as_str(), r.status.as_str()), ("1/2", "Init:1/2"));
}

#[test]
fn restarts_while_initialising_count_init_containers() {
    let init = json!([{"name": "i0"}]);
    let mut crash = waiting("i0", "CrashLoopBackOff");
    crash["restartCount"] = json!(4);
    crash["lastState"] =
        json!({"terminated": {"exitCode": 1, "finishedAt": "2026-11-20T11:59:00Z"}});
    let r = row(with("Pending", 1, init, json!([]), json!([crash])));
    assert_eq!(restarts_cell(&r, ts(NOW)), "4 (60s ago)");
}

#[test]
fn metadata_and_wide_cells() {
    let mut value = simple("Running", json!([running("c0", true, 0)]));
    value["status"]["podIPs"] = json!([{"ip": "fd00::7"}, {"ip": "10.0.0.7"}]);
    value["spec"]["readinessGates"] =
        json!([{"conditionType": "lb/ready"}, {"conditionType": "x"}]);
    value["status"]["conditions"] = json!([{"type": "lb/ready", "status": "True"}]);
    let r = row(value);
    assert_eq!(
        (
            r.namespace.as_str(),
            r.uid.as_str(),
            r.resource_version.as_str()
        ),
        ("shop", "u1", "7")
    );
    let cells = table_cells(&r, ts(NOW));
    let expected = [
        "web-1", "1/1", "Running", "0", "29h", "fd00::7", "node-a", "<none>", "1/2",
    ];
    assert_eq!(cells, expected.map(String::from));
}

#[test]
fn partial_and_null_objects_decode() {
    let r = row(
        json!({"metadata": {"name": "x", "creationTimestamp": null, "extra": 1},
                       "spec": {"containers": null}, "status": null, "kind": "Pod"}),
    );
    assert_eq!(
        (r.name.as_str(), r.ready.as_str(), r.status.as_str()),
        ("x", "0/0", "")
    );
    let cells = table_cells(&r, ts(NOW));
    assert_eq!(cells[4], "<unknown>");
    assert_eq!(cells[5], "<none>");
    assert!(
        serde_json::from_str::<RowFromPod>(r#"{"metadata": {"creationTimestamp": "yesterday"}}"#)
            .is_err()
    );
}

#[test]
fn durations_at_every_boundary() {
    let cases: &[(u64, &str)] = &[
        (0, "0s"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (182, "3m2s"),
        (599, "9m59s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 120, "3h2m"),
        (8 * 3600 - 1, "7h59m"),
        (8 * 3600, "8h"),
        (29 * 3600, "29h"),
        (48 * 3600 - 1, "47h"),
        (48 * 3600, "2d"),
        (5 * 86400 + 3 * 3600, "5d3h"),
        (8 * 86400 - 1, "7d23h"),
        (8 * 86400, "8d"),
        (45 * 86400, "45d"),
        (2 * 365 * 86400 - 1, "729d"),
        (2 * 365 * 86400, "2y"),
        (2 * 365 * 86400 + 30 * 86400, "2y30d"),
        (8 * 365 * 86400 - 1, "7y364d"),
        (8 * 365 * 86400, "8y"),
        (20 * 365 * 86400 + 5 * 86400, "20y"),
    ];
    for &(secs, expected) in cases {
        assert_eq!(
            human_duration(Duration::from_secs(secs)),
            expected,
            "{secs}s"
        );
    }
}

#[test]
fn future_timestamps_and_missing_ones() {
    let now = ts(NOW);
    assert_eq!(age(Some(ts("2026-11-20T12:00:01Z")), now), "0s");
    assert_eq!(age(Some(ts("2026-11-20T12:00:01.5Z")), now), "0s");
    assert_eq!(age(Some(ts("2026-11-20T12:00:02Z")), now), "<invalid>");
    assert_eq!(age(None, now), "<unknown>");
    assert_eq!(age(Some(ts("2026-11-15T09:00:00Z")), now), "5d3h");
}

#[test]
fn restarts_without_time_print_count_only() {
    let r = PodRow {
        restarts: 3,
        ..PodRow::default()
    };
    assert_eq!(restarts_cell(&r, ts(NOW)), "3");
    assert_eq!(restarts_cell(&PodRow::default(), ts(NOW)), "0");
}
