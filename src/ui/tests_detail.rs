//! Snapshots of the detail views, the delete dialog, the prompt and a resource table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use super::render;
use super::testing::{demo_state, draw};
use crate::kube::resource_table::parse_table;
use crate::msg::Msg;
use crate::state::{State, update};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn detail_id(state: &State) -> u64 {
    state.detail.as_ref().map(|d| d.id).expect("a detail view")
}

fn pod_object() -> Value {
    json!({
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "api-7d9f8b6c5-x2x9q", "namespace": "shop",
        "creationTimestamp": "2026-11-15T09:00:00Z",
        "labels": {"app": "api", "pod-template-hash": "7d9f8b6c5"},
        "ownerReferences": [{"kind": "ReplicaSet", "name": "api-7d9f8b6c5", "controller": true}],
        "managedFields": [{"manager": "kube-controller-manager", "operation": "Update"}]},
      "spec": {"nodeName": "worker-1", "serviceAccountName": "default", "priority": 0,
        "containers": [{"name": "api", "image": "ghcr.io/acme/api:1.4.2",
          "ports": [{"containerPort": 8080, "protocol": "TCP"}],
          "env": [{"name": "LOG_LEVEL", "value": "debug"}],
          "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]},
          {"name": "proxy", "image": "envoyproxy/envoy:v1.31"}],
        "volumes": [{"name": "kube-api-access", "projected": {"sources": []}}],
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]},
      "status": {"phase": "Running", "hostIP": "10.0.0.7", "podIP": "10.244.1.17",
        "startTime": "2026-11-15T09:00:02Z", "qosClass": "BestEffort",
        "conditions": [{"type": "Ready", "status": "False"}, {"type": "PodScheduled", "status": "True"}],
        "containerStatuses": [
          {"name": "api", "ready": false, "restartCount": 7,
           "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
           "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-20T11:50:00Z", "finishedAt": "2026-11-20T11:55:00Z"}}},
          {"name": "proxy", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-15T09:00:05Z"}}}]}
    })
}

fn event(reason: &str, ty: &str, last: &str, count: u64, message: &str) -> Value {
    json!({"type": ty, "reason": reason, "count": count, "message": message,
        "firstTimestamp": "2026-11-20T10:00:00Z", "lastTimestamp": last,
        "source": {"component": "kubelet"}})
}

#[test]
fn yaml_view() {
    let mut state = demo_state(false);
    update(&mut state, key('y'));
    let id = detail_id(&state);
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod_object()),
        },
    );
    insta::assert_snapshot!(draw(100, 30, |f| render(f, &state)));
    update(&mut state, key('/'));
    for c in "image".chars() {
        update(&mut state, key(c));
    }
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let screen = draw(100, 30, |f| render(f, &state));
    assert!(screen.contains("/image 1/2"), "{screen}");
}

#[test]
fn describe_view() {
    let mut state = demo_state(false);
    update(&mut state, key('d'));
    let id = detail_id(&state);
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod_object()),
        },
    );
    let events = vec![
        event(
            "BackOff",
            "Warning",
            "2026-11-20T11:58:00Z",
            40,
            "Back-off restarting failed container api",
        ),
        event(
            "Pulled",
            "Normal",
            "2026-11-20T11:50:00Z",
            1,
            "Container image \"ghcr.io/acme/api:1.4.2\" already present on machine",
        ),
    ];
    update(
        &mut state,
        Msg::EventsFetched {
            id,
            result: Ok(events),
        },
    );
    insta::assert_snapshot!(draw(110, 60, |f| render(f, &state)));
}

#[test]
fn logs_view() {
    let mut state = demo_state(false);
    update(&mut state, key('l'));
    let id = detail_id(&state);
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod_object()),
        },
    );
    let lines = vec![
        "2026-11-20T11:59:58Z INFO starting api on :8080".to_string(),
        "evil \u{1b}[2J line\twith tab".to_string(),
        "{\"level\":\"error\",\"msg\":\"db timeout\"}".to_string(),
    ];
    update(&mut state, Msg::LogLines { id, lines });
    insta::assert_snapshot!(draw(100, 14, |f| render(f, &state)));
    // The container picker over the lines, the shown container marked, the cursor on the next.
    update(&mut state, key('c'));
    update(&mut state, key('j'));
    insta::assert_snapshot!(
        "logs_container_picker",
        draw(100, 14, |f| render(f, &state))
    );
}

#[test]
fn delete_dialog() {
    let mut state = demo_state(false);
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    insta::assert_snapshot!(draw(100, 24, |f| render(f, &state)));
}

#[test]
fn filter_prompt_and_resource_table() {
    let mut state = demo_state(false);
    update(&mut state, key('/'));
    for c in "front".chars() {
        update(&mut state, key(c));
    }
    insta::assert_snapshot!("filter_prompt", draw(100, 20, |f| render(f, &state)));
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    let deploy = crate::kube::discovery::ApiResource {
        group: "apps".into(),
        version: "v1".into(),
        plural: "deployments".into(),
        singular: "deployment".into(),
        kind: "Deployment".into(),
        namespaced: true,
        ..Default::default()
    };
    crate::state::kinds::open(&mut state, deploy);
    let id = state
        .resource
        .as_ref()
        .map(|r| r.id)
        .expect("resource view");
    let table = parse_table(
        br#"{"kind":"Table","columnDefinitions":[{"name":"Name","priority":0},
        {"name":"Ready","priority":0},{"name":"Up-to-date","priority":0},
        {"name":"Available","priority":0},{"name":"Age","priority":0},
        {"name":"Containers","priority":1}],
        "rows":[{"cells":["api","0/1",1,0,"5d3h","api"],"object":{"metadata":{"name":"api","namespace":"shop"}}},
                {"cells":["frontend","2/2",2,2,"45d","web"],"object":{"metadata":{"name":"frontend","namespace":"shop"}}}]}"#,
    );
    update(&mut state, Msg::table_listed(id, table.expect("a table")));
    insta::assert_snapshot!("deployments_table", draw(100, 20, |f| render(f, &state)));
}

/// Workload logs: lines of two pods, each prefixed with its pod and container in the pod's
/// colour; a pod joining shows as a dimmed note; the title counts pods and streams.
#[test]
fn workload_logs_view() {
    use crate::kube::log_pods::{LogContainer, LogPod};
    use crate::kube::watcher::Event;
    use crate::msg::logs::{LogSource, WorkloadLogEvent};
    use crate::state::detail::{self, DetailKind, ObjectRef};
    use ratatui::style::Color;

    let mut state = demo_state(false);
    let target = ObjectRef {
        context: None,
        resource: crate::kube::discovery::ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            kind: "Deployment".into(),
            namespaced: true,
            ..Default::default()
        },
        namespace: Some("shop".into()),
        name: "api".into(),
    };
    detail::open(&mut state, DetailKind::Logs, target);
    let id = detail_id(&state);
    let result = Ok(json!({"spec": {"selector": {"matchLabels": {"app": "api"}}}}));
    update(&mut state, Msg::ObjectFetched { id, result });
    let pod = |name: &str| LogPod {
        name: name.into(),
        containers: vec![LogContainer {
            name: "api".into(),
            init: false,
            started: true,
            restarts: 0,
        }],
        default_container: Some("api".into()),
        ..LogPod::default()
    };
    let mut send = |event| update(&mut state, Msg::WorkloadLogs { id, event });
    let page = Event::Page {
        page: vec![pod("api-7d9f8b6c5-x2x9q"), pod("api-7d9f8b6c5-k4wzn")],
        first: true,
        last: true,
    };
    send(WorkloadLogEvent::Pods(page));
    let lines = |pod: &str, text: &[&str]| WorkloadLogEvent::Lines {
        source: LogSource {
            round: 0,
            pod: pod.into(),
            container: "api".into(),
        },
        lines: text.iter().map(|t| t.to_string()).collect(),
    };
    send(lines(
        "api-7d9f8b6c5-x2x9q",
        &["INFO starting api on :8080"],
    ));
    send(lines(
        "api-7d9f8b6c5-k4wzn",
        &["INFO starting api on :8080", "WARN slow upstream"],
    ));
    let joined = crate::kube::watcher::Change::Added(pod("api-7d9f8b6c5-zq8pl"));
    send(WorkloadLogEvent::Pods(Event::Changes(vec![joined])));
    send(lines(
        "api-7d9f8b6c5-zq8pl",
        &["INFO starting api on :8080"],
    ));
    insta::assert_snapshot!(draw(100, 14, |f| render(f, &state)));

    // Colours: each prefix in its pod's colour, the note dimmed.
    let terminal = crate::ui::testing::drawn(100, 14, |f| render(f, &state));
    let buffer = terminal.backend().buffer();
    let row_of = |text: &str| {
        (0..buffer.area.height)
            .find(|&y| {
                let row: String = (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect();
                row.contains(text)
            })
            .expect("row on screen")
    };
    let first_text_cell = |y: u16| {
        (0..buffer.area.width)
            .find(|&x| {
                buffer[(x, y)].symbol().chars().all(char::is_alphanumeric)
                    && buffer[(x, y)].symbol() != " "
            })
            .map(|x| buffer[(x, y)].fg)
    };
    let y = row_of("k4wzn api │ WARN");
    assert_eq!(
        first_text_cell(y),
        Some(super::theme::pod_colour("api-7d9f8b6c5-k4wzn"))
    );
    assert_eq!(
        first_text_cell(row_of("+ api-7d9f8b6c5-zq8pl joined")),
        Some(Color::DarkGray)
    );
}
