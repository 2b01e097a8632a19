//! `update` sequences for workload logs: selector, merge with prefixes, pods joining and
//! leaving, containers retried once running, all containers, the stream cap, options, save.

use serde_json::json;

use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::discovery::ApiResource;
use crate::kube::log_pods::{LogContainer, LogPod};
use crate::kube::watcher::{Change, Event};
use crate::msg::logs::{LogSource, WorkloadLogEvent};
use crate::msg::{Effect, Msg};
use crate::state::detail::{self, DetailKind, DetailView, ObjectRef};
use crate::state::tests_pods::{key, started};
use crate::state::{State, update, workload_logs};

fn deployment() -> ObjectRef {
    ObjectRef {
        context: None,
        resource: ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            kind: "Deployment".into(),
            short_names: vec!["deploy".into()],
            namespaced: true,
            verbs: vec!["get".into(), "list".into()],
        },
        namespace: Some("shop".into()),
        name: "web".into(),
    }
}

fn container(name: &str, init: bool, started: bool, restarts: u32) -> LogContainer {
    LogContainer {
        name: name.into(),
        init,
        started,
        restarts,
    }
}

/// A pod with an init container that ran, a running `app` (the default) and a `proxy`.
fn pod(name: &str) -> LogPod {
    LogPod {
        name: name.into(),
        resource_version: "1".into(),
        containers: vec![
            container("init", true, true, 0),
            container("app", false, true, 0),
            container("proxy", false, true, 0),
        ],
        default_container: Some("app".into()),
    }
}

/// Workload logs of `shop/web` open, its selector read; returns the view id.
fn open(state: &mut State) -> u64 {
    let effects = detail::open(state, DetailKind::Logs, deployment());
    let id = state.detail.as_ref().map(|d| d.id).expect("logs view");
    assert!(matches!(effects.last(), Some(Effect::FetchObject { .. })));
    let object = json!({"spec": {"selector": {"matchLabels": {"app": "web"}}}});
    let result = Ok(object);
    let effects = update(state, Msg::ObjectFetched { id, result });
    assert_eq!(
        effects,
        vec![Effect::WatchLogPods {
            id,
            context: "dev".into(),
            namespace: "shop".into(),
            label_selector: "app=web".into(),
        }]
    );
    id
}

fn pods_event(state: &mut State, id: u64, event: Event<Vec<LogPod>, LogPod>) -> Vec<Effect> {
    let event = WorkloadLogEvent::Pods(event);
    update(state, Msg::WorkloadLogs { id, event })
}

fn listed(state: &mut State, id: u64, pods: Vec<LogPod>) -> Vec<Effect> {
    let page = Event::Page {
        page: pods,
        first: true,
        last: true,
    };
    pods_event(state, id, page)
}

fn source(round: u64, pod: &str, container: &str) -> LogSource {
    LogSource {
        round,
        pod: pod.into(),
        container: container.into(),
    }
}

fn lines(state: &mut State, id: u64, source: LogSource, text: &[&str]) {
    let lines = text.iter().map(|t| t.to_string()).collect();
    let event = WorkloadLogEvent::Lines { source, lines };
    update(state, Msg::WorkloadLogs { id, event });
}

/// (pod, container) pairs.
type Pairs = Vec<(String, String)>;

/// (pod, container) of each stream an effect starts, and of each it stops.
fn streams(effects: &[Effect]) -> (Pairs, Pairs) {
    let (mut started, mut stopped) = (Vec::new(), Vec::new());
    for effect in effects {
        match effect {
            Effect::StreamPodLog { source, .. } => {
                started.push((source.pod.clone(), source.container.clone()))
            }
            Effect::StopPodLog { source } => {
                stopped.push((source.pod.clone(), source.container.clone()))
            }
            _ => {}
        }
    }
    (started, stopped)
}

fn pairs(list: &[(&str, &str)]) -> Pairs {
    list.iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect()
}

fn buffer(state: &State) -> Vec<String> {
    match state.detail.as_ref().map(|d| &d.view) {
        Some(DetailView::Logs(logs)) => {
            logs.buffer.range(0..usize::MAX).map(String::from).collect()
        }
        _ => Vec::new(),
    }
}

fn workload(state: &State) -> &workload_logs::WorkloadLogs {
    match state.detail.as_ref().map(|d| &d.view) {
        Some(DetailView::Logs(logs)) => logs.workload.as_deref().expect("workload logs"),
        _ => panic!("no logs view"),
    }
}

#[test]
fn default_containers_of_every_pod_merge_with_their_prefix() {
    let mut state = started(false);
    let id = open(&mut state);
    let effects = listed(&mut state, id, vec![pod("web-a"), pod("web-b")]);
    assert_eq!(
        streams(&effects).0,
        pairs(&[("web-a", "app"), ("web-b", "app")])
    );
    let Some(Effect::StreamPodLog { request, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (request.namespace.as_str(), request.container.as_deref()),
        ("shop", Some("app"))
    );
    lines(&mut state, id, source(0, "web-a", "app"), &["GET /"]);
    lines(
        &mut state,
        id,
        source(0, "web-b", "app"),
        &["GET /cart", "GET /"],
    );
    // Lines of a stream the view does not hold (another round, another view) are dropped.
    lines(&mut state, id, source(7, "web-a", "app"), &["stale"]);
    lines(
        &mut state,
        id + 100,
        source(0, "web-a", "app"),
        &["other view"],
    );
    assert_eq!(
        buffer(&state),
        [
            "web-a app │ GET /",
            "web-b app │ GET /cart",
            "web-b app │ GET /"
        ]
    );
}

#[test]
fn pods_join_and_leave_with_the_watch() {
    let mut state = started(false);
    let id = open(&mut state);
    listed(&mut state, id, vec![pod("web-a"), pod("web-b")]);
    let changes = vec![Change::Deleted(pod("web-a")), Change::Added(pod("web-c"))];
    let effects = pods_event(&mut state, id, Event::Changes(changes));
    assert_eq!(
        streams(&effects).1,
        pairs(&[("web-a", "app")]),
        "{effects:?}"
    );
    assert_eq!(
        streams(&effects).0,
        pairs(&[("web-c", "app")]),
        "{effects:?}"
    );
    assert_eq!(buffer(&state), ["— web-a left", "+ web-c joined"]);
    // The deleted pod's late lines are dropped; the newcomer's carry its name.
    lines(&mut state, id, source(0, "web-a", "app"), &["late"]);
    lines(&mut state, id, source(0, "web-c", "app"), &["hello"]);
    assert_eq!(
        buffer(&state).last().map(String::as_str),
        Some("web-c app │ hello")
    );
    // A relist that misses a pod: it left.
    let effects = listed(&mut state, id, vec![pod("web-c")]);
    assert_eq!(streams(&effects).1, pairs(&[("web-b", "app")]));
    assert_eq!(
        buffer(&state).last().map(String::as_str),
        Some("— web-b left")
    );
    assert_eq!(workload(&state).live_streams(), 1);
}

#[test]
fn a_container_waiting_to_start_is_followed_once_it_runs() {
    let mut state = started(false);
    let id = open(&mut state);
    let mut waiting = pod("web-a");
    waiting.containers[1].started = false;
    let effects = listed(&mut state, id, vec![waiting.clone()]);
    assert!(
        streams(&effects).0.is_empty(),
        "no log to read yet: {effects:?}"
    );
    let mut running = waiting;
    running.containers[1].started = true;
    let effects = pods_event(
        &mut state,
        id,
        Event::Changes(vec![Change::Modified(running.clone())]),
    );
    assert_eq!(streams(&effects).0, pairs(&[("web-a", "app")]));
    // A stream that fails is not retried in a loop: on the pod's next change (or a backoff).
    let error = Some(Failure::from(crate::kube::KubeError::NoConfig));
    let event = WorkloadLogEvent::Ended {
        source: source(0, "web-a", "app"),
        error,
    };
    let effects = update(&mut state, Msg::WorkloadLogs { id, event });
    assert!(streams(&effects).0.is_empty());
    assert!(
        buffer(&state)
            .last()
            .is_some_and(|l| l.starts_with("! web-a app: "))
    );
    let effects = pods_event(
        &mut state,
        id,
        Event::Changes(vec![Change::Modified(running.clone())]),
    );
    assert_eq!(streams(&effects).0, pairs(&[("web-a", "app")]));
    // A clean end (the container exited) is followed again only for its next instance.
    let event = WorkloadLogEvent::Ended {
        source: source(0, "web-a", "app"),
        error: None,
    };
    update(&mut state, Msg::WorkloadLogs { id, event });
    let effects = pods_event(
        &mut state,
        id,
        Event::Changes(vec![Change::Modified(running.clone())]),
    );
    assert!(streams(&effects).0.is_empty());
    running.containers[1].restarts = 1;
    let effects = pods_event(
        &mut state,
        id,
        Event::Changes(vec![Change::Modified(running)]),
    );
    assert_eq!(streams(&effects).0, pairs(&[("web-a", "app")]));
}

#[test]
fn zero_toggles_every_container_including_init_ones_that_ran() {
    let mut state = started(false);
    let id = open(&mut state);
    let mut never_ran = pod("web-b");
    never_ran.containers[0].started = false;
    listed(&mut state, id, vec![pod("web-a"), never_ran]);
    assert_eq!(
        state
            .keymap
            .detail_action(&crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('0')
            )),
        Some(Action::AllContainers)
    );
    let effects = update(&mut state, key('0'));
    assert_eq!(
        streams(&effects).0,
        pairs(&[("web-a", "init"), ("web-a", "proxy"), ("web-b", "proxy")])
    );
    assert!(workload(&state).all_containers);
    let effects = update(&mut state, key('0'));
    assert_eq!(
        streams(&effects).1,
        pairs(&[("web-a", "init"), ("web-a", "proxy"), ("web-b", "proxy")])
    );
    assert_eq!(workload(&state).live_streams(), 2);
}

#[test]
fn streams_are_capped_and_a_freed_slot_is_used() {
    let mut state = started(false);
    let id = open(&mut state);
    let pods: Vec<LogPod> = (0..workload_logs::MAX_STREAMS + 2)
        .map(|i| pod(&format!("web-{i:03}")))
        .collect();
    let effects = listed(&mut state, id, pods);
    assert_eq!(streams(&effects).0.len(), workload_logs::MAX_STREAMS);
    assert_eq!(workload(&state).over_cap, 2);
    assert!(
        state
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("at most 50"))
    );
    let event = WorkloadLogEvent::Ended {
        source: source(0, "web-000", "app"),
        error: None,
    };
    let effects = update(&mut state, Msg::WorkloadLogs { id, event });
    assert_eq!(streams(&effects).0, pairs(&[("web-050", "app")]));
    assert_eq!(workload(&state).over_cap, 1);
}

#[test]
fn new_options_restart_every_stream_in_a_new_round() {
    let mut state = started(false);
    let id = open(&mut state);
    listed(&mut state, id, vec![pod("web-a"), pod("web-b")]);
    lines(&mut state, id, source(0, "web-a", "app"), &["one"]);
    let effects = update(&mut state, key('t'));
    let (started_again, stopped) = streams(&effects);
    assert_eq!(stopped, pairs(&[("web-a", "app"), ("web-b", "app")]));
    assert_eq!(started_again, stopped);
    assert!(effects.iter().all(|e| match e {
        Effect::StreamPodLog {
            source, request, ..
        } => source.round == 1 && request.timestamps,
        Effect::StopPodLog { source } => source.round == 0,
        _ => false,
    }));
    assert!(buffer(&state).is_empty(), "a fresh buffer");
    lines(&mut state, id, source(0, "web-a", "app"), &["old round"]);
    lines(
        &mut state,
        id,
        source(1, "web-a", "app"),
        &["2026-12-07T18:00:00Z two"],
    );
    assert_eq!(buffer(&state), ["web-a app │ 2026-12-07T18:00:00Z two"]);
}

#[test]
fn save_writes_the_buffer_as_the_runtime_names_it() {
    let mut state = started(false);
    let id = open(&mut state);
    listed(&mut state, id, vec![pod("web-a")]);
    lines(&mut state, id, source(0, "web-a", "app"), &["one", "two"]);
    let effects = update(&mut state, key('S'));
    assert_eq!(
        effects,
        vec![Effect::SaveLogs {
            name: "deployment-shop-web".into(),
            lines: vec!["web-a app │ one".into(), "web-a app │ two".into()],
        }]
    );
    update(
        &mut state,
        Msg::LogsSaved(Ok("/state/kr8s-tui/logs/x.log".into())),
    );
    let flash = state.flash.as_ref().map(|f| f.text.as_str());
    assert_eq!(flash, Some("logs saved to /state/kr8s-tui/logs/x.log"));
}

#[test]
fn services_select_by_their_map_and_a_selectorless_one_says_so() {
    let mut state = started(false);
    let mut svc = deployment();
    svc.resource = ApiResource {
        group: String::new(),
        plural: "services".into(),
        singular: "service".into(),
        kind: "Service".into(),
        ..svc.resource
    };
    detail::open(&mut state, DetailKind::Logs, svc.clone());
    let id = state.detail.as_ref().map(|d| d.id).expect("view");
    let result = Ok(json!({"spec": {"selector": {"app": "web", "tier": "front"}}}));
    let effects = update(&mut state, Msg::ObjectFetched { id, result });
    assert!(
        matches!(&effects[..], [Effect::WatchLogPods { label_selector, .. }] if label_selector == "app=web,tier=front"),
        "{effects:?}"
    );
    detail::open(&mut state, DetailKind::Logs, svc);
    let id = state.detail.as_ref().map(|d| d.id).expect("view");
    let result = Ok(json!({"spec": {}}));
    assert!(update(&mut state, Msg::ObjectFetched { id, result }).is_empty());
    let Some(DetailView::Logs(logs)) = state.detail.as_ref().map(|d| &d.view) else {
        panic!("logs view");
    };
    assert_eq!(
        logs.ended.as_deref(),
        Some("service shop/web has no selector: no pods to follow")
    );
}

/// A stream that fails while its container keeps running (a dropped connection) is tried
/// again by itself after a backoff that doubles: 5 s, then 10 s.
#[test]
fn a_failed_stream_is_retried_after_a_growing_backoff() {
    let mut state = started(false);
    let id = open(&mut state);
    listed(&mut state, id, vec![pod("web-a")]);
    let start = state.now;
    let at = |s: i64| start + jiff::SignedDuration::from_secs(s);
    let fail = |state: &mut State| {
        let error = Some(Failure::from(crate::kube::KubeError::NoConfig));
        let event = WorkloadLogEvent::Ended {
            source: source(0, "web-a", "app"),
            error,
        };
        update(state, Msg::WorkloadLogs { id, event });
    };
    fail(&mut state);
    assert!(streams(&update(&mut state, Msg::Tick(at(4)))).0.is_empty());
    let retried = update(&mut state, Msg::Tick(at(5)));
    assert_eq!(streams(&retried).0, pairs(&[("web-a", "app")]));
    state.now = at(5);
    fail(&mut state);
    assert!(streams(&update(&mut state, Msg::Tick(at(14)))).0.is_empty());
    let retried = update(&mut state, Msg::Tick(at(15)));
    assert_eq!(streams(&retried).0, pairs(&[("web-a", "app")]));
}
