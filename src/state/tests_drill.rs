//! Enter drill-down and Esc back: workloads, services, nodes and namespaces lead to their
//! pods, a pod to its containers, a container to its logs; Esc restores what was on screen.

use crossterm::event::KeyCode;
use serde_json::json;

use super::tests_pods::{code, key, started};
use super::*;
use crate::kube::discovery::ApiResource;
use crate::kube::resource_table::parse_table;
use crate::kube::table::PodRow;
use crate::kube::watcher::Change;

fn resource(group: &str, plural: &str, singular: &str, namespaced: bool) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: "v1".into(),
        plural: plural.into(),
        singular: singular.into(),
        namespaced,
        verbs: vec!["list".into(), "get".into()],
        ..ApiResource::default()
    }
}

/// Opens the table of `resource` listing `names` (in namespace "shop" when namespaced).
fn showing(state: &mut State, resource: ApiResource, names: &[&str]) -> u64 {
    let namespace = if resource.namespaced { "shop" } else { "" };
    kinds::open(state, resource);
    let id = state.resource.as_ref().map(|v| v.id).expect("a table");
    update(state, Msg::table_listed(id, table(namespace, names)));
    id
}

fn table(namespace: &str, names: &[&str]) -> crate::kube::resource_table::ResourceTable {
    let rows: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                r#"{{"cells":["{n}","1/1"],"object":{{"metadata":{{"name":"{n}","namespace":"{namespace}"}}}}}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"kind":"Table","columnDefinitions":[{{"name":"Name"}},{{"name":"Ready"}}],"rows":[{}]}}"#,
        rows.join(",")
    );
    parse_table(body.as_bytes()).expect("a table")
}

fn crumb(state: &State) -> String {
    crate::ui::crumb::text(state)
}

fn selected_row(state: &State) -> Option<String> {
    let view = state.resource.as_ref()?;
    view.selected().map(|o| o.name)
}

fn pod(name: &str) -> PodRow {
    PodRow {
        namespace: "shop".into(),
        name: name.into(),
        status: "Running".into(),
        resource_version: "1".into(),
        ..PodRow::default()
    }
}

fn watch_pods(namespace: Option<&str>, label: Option<&str>, field: Option<&str>) -> Effect {
    Effect::WatchPods {
        generation: 0,
        context: "dev".into(),
        namespace: namespace.map(String::from),
        label_selector: label.map(String::from),
        field_selector: field.map(String::from),
    }
}

/// The effects with the pods generation zeroed (it counts every restart).
fn plain(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .map(|e| match e {
            Effect::WatchPods {
                context,
                namespace,
                label_selector,
                field_selector,
                ..
            } => Effect::WatchPods {
                generation: 0,
                context,
                namespace,
                label_selector,
                field_selector,
            },
            other => other,
        })
        .collect()
}

fn fetched_id(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::FetchObject { id, .. }] => *id,
        other => panic!("expected one fetch, got {other:?}"),
    }
}

/// A started state showing the table of `resource` with `names` (see `showing`).
fn started_on(resource: ApiResource, names: &[&str]) -> State {
    let mut state = started(false);
    showing(&mut state, resource, names);
    state
}

/// Enter on a row whose pods need its object read first: the id of that one GET.
fn enter_fetching(state: &mut State) -> u64 {
    fetched_id(&update(state, code(KeyCode::Enter)))
}

/// The answer to the GET `id`, as the client reports it.
fn answer(state: &mut State, id: u64, object: serde_json::Value) -> Vec<Effect> {
    update(
        state,
        Msg::ObjectFetched {
            id,
            result: Ok(object),
        },
    )
}

/// What a drill does once it knows the selector: the table stops, the pods are watched.
fn drilled(namespace: Option<&str>, label: Option<&str>, field: Option<&str>) -> Vec<Effect> {
    vec![Effect::StopTable, watch_pods(namespace, label, field)]
}

fn flash(state: &State) -> Option<&str> {
    state.flash.as_ref().map(|f| f.text.as_str())
}

#[test]
fn a_deployment_leads_to_the_pods_its_selector_picks_and_esc_comes_back() {
    let mut state = started(false);
    update(&mut state, key('j')); // the pods cursor on db-0
    let deploy = resource("apps", "deployments", "deployment", true);
    showing(&mut state, deploy, &["api", "web", "worker"]);
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    let path = "/apis/apps/v1/namespaces/shop/deployments/web";
    assert!(
        matches!(effects.as_slice(), [Effect::FetchObject { path: p, .. }] if p == path),
        "one GET of the object for its selector: {effects:?}"
    );
    let id = fetched_id(&effects);
    let object = json!({"spec": {"selector": {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]}]}}});
    let effects = answer(&mut state, id, object);
    let selector = "app=web,tier in (edge,front)";
    assert_eq!(plain(effects), drilled(Some("shop"), Some(selector), None));
    assert!(state.resource.is_none());
    assert_eq!(crumb(&state), "dev › shop › pods (deploy/web)");
    let rows = vec![pod("web-1"), pod("web-2")];
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));

    // Esc: the deployments as they were, cursor on web, and the pods watch as before.
    let effects = update(&mut state, code(KeyCode::Esc));
    let table_id = state.resource.as_ref().map(|v| v.id).expect("table back");
    assert_eq!(
        plain(effects),
        vec![
            watch_pods(Some("shop"), None, None),
            Effect::WatchTable {
                id: table_id,
                context: "dev".into(),
                path: "/apis/apps/v1/namespaces/shop/deployments".into(),
            }
        ]
    );
    assert_eq!(selected_row(&state).as_deref(), Some("web"));
    assert_eq!(crumb(&state), "dev › shop › deployments");
    // The table is listed again (a new row before web): the cursor stays on web.
    let relisted = table("shop", &["api", "auth", "web", "worker"]);
    update(&mut state, Msg::table_listed(table_id, relisted));
    assert_eq!(selected_row(&state).as_deref(), Some("web"));

    // The pods come back with the cursor on the pod it was on, whichever page brings it.
    let generation = state.pods_gen;
    update(
        &mut state,
        Msg::pods_page(generation, vec![pod("api-1")], true, true),
    );
    update(
        &mut state,
        Msg::pods_page(generation, vec![pod("db-0")], false, false),
    );
    update(&mut state, code(KeyCode::Esc));
    assert!(state.resource.is_none());
    assert_eq!(state.pods.selected().map(|r| r.name.as_str()), Some("db-0"));
    assert_eq!(crumb(&state), "dev › shop › pods");
}

#[test]
fn a_late_selector_answer_after_leaving_the_table_is_dropped() {
    let mut state = started_on(
        resource("apps", "statefulsets", "statefulset", true),
        &["db"],
    );
    let id = enter_fetching(&mut state);
    assert_eq!(flash(&state), Some("sts/db: reading its selector…"));
    update(&mut state, code(KeyCode::Esc)); // back to the pods
    let object = json!({"spec": {"selector": {"matchLabels": {"app": "db"}}}});
    let effects = answer(&mut state, id, object);
    assert!(effects.is_empty());
    assert_eq!(state.label_selector, None);
    assert_eq!(crumb(&state), "dev › shop › pods");
}

#[test]
fn a_job_uses_its_controller_uid_selector() {
    let mut state = started_on(resource("batch", "jobs", "job", true), &["report-29145600"]);
    let id = enter_fetching(&mut state);
    let uid = "batch.kubernetes.io/controller-uid=6f1c";
    let object = json!({"spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "6f1c"}}}});
    let effects = answer(&mut state, id, object);
    assert_eq!(plain(effects), drilled(Some("shop"), Some(uid), None));
    assert_eq!(crumb(&state), "dev › shop › pods (job/report-29145600)");
}

#[test]
fn a_service_leads_to_its_pods_or_says_it_has_no_selector() {
    let mut state = started_on(
        resource("", "services", "service", true),
        &["external", "web"],
    );
    let id = enter_fetching(&mut state);
    let object = json!({"spec": {"type": "ExternalName", "externalName": "db.example.com"}});
    let effects = answer(&mut state, id, object);
    assert!(effects.is_empty());
    assert_eq!(flash(&state), Some("svc/external has no selector: no pods"));
    assert!(state.resource.is_some(), "still on the services");

    update(&mut state, key('j'));
    let id = enter_fetching(&mut state);
    let object = json!({"spec": {"selector": {"app": "web"}}});
    let effects = answer(&mut state, id, object);
    assert_eq!(plain(effects), drilled(Some("shop"), Some("app=web"), None));
    assert_eq!(crumb(&state), "dev › shop › pods (svc/web)");
}

#[test]
fn a_node_leads_to_its_pods_in_every_namespace() {
    let mut state = started_on(resource("", "nodes", "node", false), &["cp-1", "worker-1"]);
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    let field = "spec.nodeName=worker-1";
    assert_eq!(
        plain(effects),
        drilled(None, None, Some(field)),
        "no fetch: the node's name is the selector"
    );
    assert_eq!(crumb(&state), "dev › all › pods (node/worker-1)");
    // Ctrl-R lists again with the same selector.
    let effects = update(&mut state, super::tests_pods::ctrl('r'));
    assert_eq!(plain(effects), vec![watch_pods(None, None, Some(field))]);
    // Esc: the nodes again, cursor on worker-1; the pods of "shop" underneath.
    let effects = plain(update(&mut state, code(KeyCode::Esc)));
    assert_eq!(effects[0], watch_pods(Some("shop"), None, None));
    assert_eq!(selected_row(&state).as_deref(), Some("worker-1"));
    assert_eq!(state.field_selector, None);
}

#[test]
fn a_namespace_leads_to_its_pods_and_the_panes_follow() {
    let mut state = started_on(
        resource("", "namespaces", "namespace", false),
        &["default", "shop"],
    );
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(plain(effects), drilled(Some("default"), None, None));
    assert_eq!(crumb(&state), "dev › default › pods (ns/default)");
    assert_eq!(
        state.namespaces_cursor.selected(),
        1,
        "the namespaces pane follows"
    );
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(state.namespace.as_deref(), Some("shop"));
    assert_eq!(state.namespaces_cursor.selected(), 2);
    assert_eq!(selected_row(&state).as_deref(), Some("default"));
}

#[test]
fn kinds_without_pods_say_so() {
    let mut state = started_on(resource("", "configmaps", "configmap", true), &["settings"]);
    let effects = update(&mut state, code(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(
        flash(&state),
        Some("enter: configmaps have no pods to open · y shows the YAML")
    );
}

#[test]
fn choosing_another_namespace_leaves_the_drill_and_its_selector() {
    let mut state = started_on(resource("", "services", "service", true), &["web"]);
    let id = enter_fetching(&mut state);
    let object = json!({"spec": {"selector": {"app": "web"}}});
    answer(&mut state, id, object);
    assert_eq!(state.label_selector.as_deref(), Some("app=web"));
    let effects = plain(update(&mut state, key('0')));
    assert_eq!(effects, vec![watch_pods(None, None, None)]);
    assert!(state.drill.frames.is_empty());
    assert_eq!(crumb(&state), "dev › all › pods");
    assert!(
        update(&mut state, code(KeyCode::Esc)).is_empty(),
        "nothing to go back to"
    );
}

/// A pod with an init container, two app containers and a debugger.
fn pod_object(resource_version: &str) -> serde_json::Value {
    json!({
        "metadata": {"name": "api-1", "namespace": "shop", "resourceVersion": resource_version},
        "spec": {
            "initContainers": [{"name": "migrate", "image": "migrate:1"}],
            "containers": [
                {"name": "api", "image": "api:2", "ports": [{"containerPort": 8080}]},
                {"name": "envoy", "image": "envoy:1"}],
            "ephemeralContainers": [{"name": "debugger", "image": "busybox"}]},
        "status": {
            "initContainerStatuses": [{"name": "migrate", "ready": false, "restartCount": 0,
                "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}],
            "containerStatuses": [
                {"name": "api", "ready": true, "restartCount": 2, "state": {"running": {}}},
                {"name": "envoy", "ready": false, "restartCount": 0,
                 "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}
    })
}

#[test]
fn a_pod_leads_to_its_containers_and_a_container_to_its_logs() {
    use super::containers::{ContainerKind, ContainerState};
    let mut state = started(false);
    let effects = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::FetchObject { path, .. }] if path == "/api/v1/namespaces/shop/pods/api-1")
    );
    assert_eq!(crumb(&state), "dev › shop › pods › api-1 › containers");
    let id = fetched_id(&effects);
    answer(&mut state, id, pod_object("5"));
    let view = state.containers.as_ref().expect("the containers view");
    let rows = view.rows.as_ref().expect("rows");
    let summary: Vec<_> = rows.iter().map(|r| (r.name.as_str(), r.kind)).collect();
    assert_eq!(
        summary,
        [
            ("migrate", ContainerKind::Init),
            ("api", ContainerKind::App),
            ("envoy", ContainerKind::App),
            ("debugger", ContainerKind::Ephemeral)
        ]
    );
    assert_eq!(
        rows[0].state,
        ContainerState::Terminated {
            reason: "Completed".into(),
            exit_code: 0,
            signal: 0
        }
    );
    assert_eq!(
        rows[2].state,
        ContainerState::Waiting {
            reason: "ImagePullBackOff".into()
        }
    );
    assert_eq!(
        (rows[1].ready, rows[1].restarts, rows[1].ports[0].number),
        (true, 2, 8080)
    );

    // Enter on envoy: its logs (the pod is read, then the stream asks for envoy).
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    let logs_id = fetched_id(&effects);
    assert_eq!(crumb(&state), "dev › shop › pods › api-1 › logs");
    let effects = answer(&mut state, logs_id, pod_object("5"));
    match effects.as_slice() {
        [Effect::StreamLogs { request, .. }] => {
            assert_eq!(request.container.as_deref(), Some("envoy"))
        }
        other => panic!("expected the log stream, got {other:?}"),
    }
    // Esc: the containers, cursor still on envoy; Esc again: the pods, cursor on api-1.
    assert_eq!(
        update(&mut state, code(KeyCode::Esc)),
        vec![Effect::StopLogs]
    );
    let view = state.containers.as_ref().expect("containers again");
    assert_eq!(view.selected().map(|c| c.name.as_str()), Some("envoy"));
    update(&mut state, code(KeyCode::Esc));
    assert!(state.containers.is_none());
    assert_eq!(
        state.pods.selected().map(|r| r.name.as_str()),
        Some("api-1")
    );
}

#[test]
fn the_containers_follow_the_pods_watch() {
    let mut state = started(false);
    let generation = state.pods_gen;
    let id = enter_fetching(&mut state);
    // The watch reports a change while the first read is under way: nothing more is asked.
    let mut changed = pod("api-1");
    changed.resource_version = "6".into();
    let change = |row: PodRow| vec![Change::Modified(row)];
    let effects = update(
        &mut state,
        Msg::pod_changes(generation, change(changed.clone())),
    );
    assert!(effects.is_empty());
    answer(&mut state, id, pod_object("5"));
    // A newer version in the watch: the pod is read again, the cursor stays.
    update(&mut state, key('j'));
    let effects = update(&mut state, Msg::pod_changes(generation, change(changed)));
    let again = fetched_id(&effects);
    answer(&mut state, again, pod_object("6"));
    let view = state.containers.as_ref().expect("the view");
    assert_eq!(view.selected().map(|c| c.name.as_str()), Some("api"));
    // Another pod changing reads nothing; this pod leaving says so.
    let effects = update(
        &mut state,
        Msg::pod_changes(generation, change(pod("web-1"))),
    );
    assert!(effects.is_empty());
    let gone = vec![Change::Deleted(pod("api-1"))];
    update(&mut state, Msg::pod_changes(generation, gone));
    assert!(state.containers.as_ref().is_some_and(|v| v.deleted));
}

#[test]
fn a_key_bound_elsewhere_names_its_action() {
    let mut state = started(false);
    update(&mut state, key('m'));
    assert_eq!(
        flash(&state),
        Some(
            "m (YAML, history: show/hide managedFields and similar noise): not in this view · ? for keys"
        )
    );
    update(&mut state, key('v'));
    assert_eq!(flash(&state), Some("v: no action here · ? for keys"));
}
