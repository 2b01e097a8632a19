//! Back and forward through visited views, and `J` to a row's controlling owner.

use crossterm::event::KeyCode;
use serde_json::json;

use super::tests_pods::{code, key, started, typed};
use super::*;
use crate::kube::discovery::ApiResource;
use crate::kube::resource_table::parse_table;
use crate::kube::table::PodRow;

fn resource(group: &str, plural: &str, kind: &str, short: &str) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: "v1".into(),
        plural: plural.into(),
        singular: kind.to_lowercase(),
        kind: kind.into(),
        short_names: vec![short.into()],
        namespaced: true,
        verbs: vec!["list".into(), "get".into()],
    }
}

fn discovered(state: &mut State) -> Vec<Effect> {
    kinds::ensure_discovery(state);
    let generation = state.context_gen;
    let resources = vec![
        ApiResource::pods(),
        resource("apps", "deployments", "Deployment", "deploy"),
        resource("apps", "replicasets", "ReplicaSet", "rs"),
    ];
    update(
        state,
        Msg::Discovered {
            generation,
            result: Ok(resources),
        },
    )
}

/// `:line` and Enter.
fn command(state: &mut State, line: &str) -> Vec<Effect> {
    let mut effects = update(state, key(':'));
    effects.extend(typed(state, line));
    effects.extend(update(state, code(KeyCode::Enter)));
    effects
}

/// The table of the open resource view listing `names` in "shop".
fn list_table(state: &mut State, names: &[&str]) {
    let rows: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                r#"{{"cells":["{n}"],"object":{{"metadata":{{"name":"{n}","namespace":"shop"}}}}}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"kind":"Table","columnDefinitions":[{{"name":"Name"}}],"rows":[{}]}}"#,
        rows.join(",")
    );
    let id = state.resource.as_ref().map(|v| v.id).expect("a table");
    let table = parse_table(body.as_bytes()).expect("a table");
    update(state, Msg::table_listed(id, table));
}

fn selected_pod(state: &State) -> Option<String> {
    state.pods.selected().map(|r| r.name.clone())
}

fn selected_row(state: &State) -> Option<String> {
    state.resource.as_ref()?.selected().map(|o| o.name)
}

fn crumb(state: &State) -> String {
    crate::ui::crumb::text(state)
}

/// pods (cursor on web-1) → `:deploy` (cursor on api) → `[` pods on web-1 → `]` deploy on api.
#[test]
fn back_and_forward_restore_the_kind_and_the_selected_row() {
    let mut state = started(false);
    discovered(&mut state);
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    assert_eq!(selected_pod(&state).as_deref(), Some("web-1"));
    command(&mut state, "deploy");
    list_table(&mut state, &["api", "web"]);
    assert_eq!(crumb(&state), "dev › shop › deployments");

    let effects = update(&mut state, key('['));
    assert_eq!(effects, vec![Effect::StopTable]);
    assert_eq!(crumb(&state), "dev › shop › pods");
    assert_eq!(selected_pod(&state).as_deref(), Some("web-1"));

    let effects = update(&mut state, key(']'));
    assert!(matches!(effects.as_slice(), [Effect::WatchTable { .. }]));
    assert_eq!(crumb(&state), "dev › shop › deployments");
    list_table(&mut state, &["api", "web"]);
    assert_eq!(selected_row(&state).as_deref(), Some("api"));
    // The cursor moved on the deployments: that visit now remembers `web`.
    update(&mut state, key('j'));
    update(&mut state, key('['));
    update(&mut state, key(']'));
    list_table(&mut state, &["api", "web"]);
    assert_eq!(selected_row(&state).as_deref(), Some("web"));
    // Nothing beyond the last visit.
    update(&mut state, key(']'));
    let flash = state.flash.as_ref().map(|f| f.text.as_str());
    assert_eq!(flash, Some("no view to go forward to"));
}

/// `-` toggles the last two views; moving the cursor adds no visit.
#[test]
fn dash_toggles_the_last_two_views() {
    let mut state = started(false);
    discovered(&mut state);
    command(&mut state, "deploy");
    list_table(&mut state, &["api", "web"]);
    update(&mut state, key('j'));
    update(&mut state, key('k'));
    assert_eq!(state.visits.entries().0.len(), 2, "pods, deployments");
    update(&mut state, key('-'));
    assert_eq!(crumb(&state), "dev › shop › pods");
    update(&mut state, key('-'));
    assert_eq!(crumb(&state), "dev › shop › deployments");
    update(&mut state, key('-'));
    assert_eq!(crumb(&state), "dev › shop › pods");
}

/// Going back restores the namespace (or all namespaces), the filter and the detail view.
#[test]
fn back_restores_namespace_filter_and_detail_view() {
    let mut state = started(false);
    update(&mut state, key('/'));
    typed(&mut state, "web");
    update(&mut state, code(KeyCode::Enter));
    update(&mut state, key('j'));
    assert_eq!(selected_pod(&state).as_deref(), Some("web-2"));
    // All namespaces: a new visit.
    update(&mut state, key('0'));
    assert_eq!(state.namespace, None);
    // YAML of a pod there: another.
    let generation = state.pods_gen;
    let rows = vec![PodRow {
        namespace: "default".into(),
        name: "web-0".into(),
        ..PodRow::default()
    }];
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    update(&mut state, key('y'));
    assert_eq!(crumb(&state), "dev › all › pods › web-0 › yaml");
    // Esc out of the YAML is going back: forward opens it again.
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(crumb(&state), "dev › all › pods");
    let effects = update(&mut state, key(']'));
    assert!(
        matches!(effects.as_slice(), [Effect::FetchObject { path, .. }]
        if path == "/api/v1/namespaces/default/pods/web-0")
    );
    // Two back: the shop namespace, the filter, the cursor on web-2 once listed again.
    update(&mut state, key('['));
    let effects = update(&mut state, key('['));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::WatchPods { namespace: Some(ns), .. } if ns == "shop"))
    );
    assert_eq!(state.pods.view().query(), "web");
    let generation = state.pods_gen;
    let rows = ["api-1", "web-1", "web-2"].map(|name| PodRow {
        namespace: "shop".into(),
        name: name.into(),
        ..PodRow::default()
    });
    update(
        &mut state,
        Msg::pods_page(generation, rows.to_vec(), true, false),
    );
    assert_eq!(selected_pod(&state).as_deref(), Some("web-2"));
}

/// History keeps the last fifty visits (each label selector is a view of its own).
#[test]
fn history_is_bounded() {
    let mut state = started(false);
    for n in 0..70 {
        update(&mut state, key('/'));
        typed(&mut state, &format!("-l app=v{n}"));
        update(&mut state, code(KeyCode::Enter));
    }
    let (entries, at) = state.visits.entries();
    assert_eq!(entries.len(), visits::MAX_VISITS);
    assert_eq!(at, visits::MAX_VISITS - 1);
}

/// `J` on a pod reads it, finds its controller and opens the owner's table on its row.
#[test]
fn j_jumps_to_the_controlling_owner() {
    let mut state = started(false);
    let effects = update(&mut state, key('J'));
    let id = match effects.as_slice() {
        [
            Effect::Discover { .. },
            Effect::FetchObject { id, path, .. },
        ] => {
            assert_eq!(path, "/api/v1/namespaces/shop/pods/api-1");
            *id
        }
        other => panic!("expected discovery and a fetch, got {other:?}"),
    };
    let pod = json!({"metadata": {"name": "api-1", "namespace": "shop", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-5d", "controller": true}]}});
    let effects = update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod),
        },
    );
    assert!(effects.is_empty(), "waits for discovery");
    let effects = discovered(&mut state);
    assert!(
        matches!(effects.as_slice(), [Effect::WatchTable { path, .. }]
        if path == "/apis/apps/v1/namespaces/shop/replicasets")
    );
    list_table(&mut state, &["api-5d", "web-7f"]);
    assert_eq!(selected_row(&state).as_deref(), Some("api-5d"));
    // `[` goes back to the pod.
    update(&mut state, key('['));
    assert_eq!(selected_pod(&state).as_deref(), Some("api-1"));
}

/// No controller, or one of a kind the server does not list: a word, nothing opens.
#[test]
fn j_without_an_owner_says_so() {
    let mut state = started(false);
    discovered(&mut state);
    let effects = update(&mut state, key('J'));
    let [Effect::FetchObject { id, .. }] = effects.as_slice() else {
        panic!("expected a fetch, got {effects:?}");
    };
    let pod = json!({"metadata": {"name": "api-1", "namespace": "shop"}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id: *id,
            result: Ok(pod),
        },
    );
    let flash = state.flash.as_ref().map(|f| f.text.as_str());
    assert_eq!(flash, Some("api-1 has no controlling owner"));
    assert!(state.resource.is_none());

    let effects = update(&mut state, key('J'));
    let [Effect::FetchObject { id, .. }] = effects.as_slice() else {
        panic!("expected a fetch, got {effects:?}");
    };
    let pod = json!({"metadata": {"name": "api-1", "namespace": "shop", "ownerReferences": [
        {"apiVersion": "acme.io/v1", "kind": "Widget", "name": "w", "controller": true}]}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id: *id,
            result: Ok(pod),
        },
    );
    let flash = state.flash.as_ref().map(|f| f.text.as_str());
    assert_eq!(
        flash,
        Some("api-1's owner Widget w (acme.io/v1) is not a kind this server lists")
    );
}

fn xray_lists() -> Vec<serde_json::Value> {
    let deploy = json!({"metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
        "spec": {"replicas": 2}, "status": {"readyReplicas": 2}});
    let rs = json!({"metadata": {"name": "web-5d", "namespace": "shop", "uid": "r1",
        "ownerReferences": [{"uid": "d1", "controller": true}]},
        "spec": {"replicas": 2}, "status": {"readyReplicas": 2}});
    let pod = |name: &str| {
        json!({"metadata": {"name": name, "namespace": "shop",
            "ownerReferences": [{"uid": "r1", "controller": true}]},
        "spec": {"containers": [{"name": "app"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": true, "state": {"running": {}}}]}})
    };
    vec![
        json!({"items": [deploy]}),
        json!({"items": [rs]}),
        json!({"items": [pod("web-5d-a"), pod("web-5d-b")]}),
    ]
}

fn xray_names(state: &State) -> Vec<String> {
    let view = state.xray.as_ref().expect("a tree");
    view.nodes().iter().map(|n| n.name.clone()).collect()
}

/// `:xray deploy` reads three lists once; `/` filters the tree; Enter on a container shows
/// its logs; `[` returns to the tree without reading it again.
#[test]
fn xray_reads_three_lists_and_opens_nodes() {
    let mut state = started(false);
    discovered(&mut state);
    let effects = command(&mut state, "xray deploy");
    let id = state.xray.as_ref().map(|x| x.id).expect("a tree");
    let paths = vec![
        "/apis/apps/v1/namespaces/shop/deployments".to_string(),
        "/apis/apps/v1/namespaces/shop/replicasets".into(),
        "/api/v1/namespaces/shop/pods".into(),
    ];
    let context = "dev".to_string();
    assert_eq!(effects, vec![Effect::FetchLists { id, context, paths }]);
    assert_eq!(crumb(&state), "dev › shop › xray deployments");
    update(
        &mut state,
        Msg::ListsFetched {
            id,
            result: Ok(xray_lists()),
        },
    );
    let all = ["web", "web-5d", "web-5d-a", "app", "web-5d-b", "app"];
    assert_eq!(xray_names(&state), all);

    update(&mut state, key('/'));
    typed(&mut state, "5d-b");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(xray_names(&state), ["web", "web-5d", "web-5d-b", "app"]);
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(xray_names(&state), all);

    update(&mut state, key('G'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::FetchObject { path, .. }]
        if path == "/api/v1/namespaces/shop/pods/web-5d-b")
    );
    assert_eq!(crumb(&state), "dev › shop › pods › web-5d-b › logs");
    let effects = update(&mut state, key('['));
    assert_eq!(effects, vec![Effect::StopLogs], "the tree stays as it was");
    assert_eq!(crumb(&state), "dev › shop › xray deployments");
    let view = state.xray.as_ref().expect("a tree");
    assert_eq!(view.cursor.selected(), 5);

    // Esc closes the tree: the pods, as before it opened.
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(crumb(&state), "dev › shop › pods");
    assert!(state.xray.is_none());
}

/// An unknown kind or one without an owner tree: a word, no tree.
#[test]
fn xray_of_a_kind_without_a_tree_says_so() {
    let mut state = started(false);
    discovered(&mut state);
    command(&mut state, "xray rs");
    assert!(state.xray.is_none());
    let flash = state
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        flash.starts_with("xray: replicasets have no owner tree"),
        "{flash}"
    );
}

/// `0` in the tree: the tree of all namespaces, read again from cluster-wide lists.
#[test]
fn xray_follows_all_namespaces() {
    let mut state = started(false);
    discovered(&mut state);
    command(&mut state, "xray deploy");
    let effects = update(&mut state, key('0'));
    let paths = effects.iter().find_map(|e| match e {
        Effect::FetchLists { paths, .. } => Some(paths.clone()),
        _ => None,
    });
    let want = [
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/replicasets",
        "/api/v1/pods",
    ];
    assert_eq!(paths, Some(want.map(String::from).to_vec()));
    assert_eq!(crumb(&state), "dev › all › xray deployments");
}

/// `J` on a node of the tree reads that object for its owner (a container: its pod).
#[test]
fn j_in_the_tree_starts_from_the_node() {
    let mut state = started(false);
    discovered(&mut state);
    command(&mut state, "xray deploy");
    let id = state.xray.as_ref().map(|x| x.id).expect("a tree");
    update(
        &mut state,
        Msg::ListsFetched {
            id,
            result: Ok(xray_lists()),
        },
    );
    let path_of_j = |state: &mut State| match update(state, key('J')).as_slice() {
        [Effect::FetchObject { path, .. }] => path.clone(),
        other => panic!("expected a fetch, got {other:?}"),
    };
    update(&mut state, key('j'));
    let rs = "/apis/apps/v1/namespaces/shop/replicasets/web-5d";
    assert_eq!(path_of_j(&mut state), rs);
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    assert_eq!(
        path_of_j(&mut state),
        "/api/v1/namespaces/shop/pods/web-5d-a"
    );
}

/// A `J` whose answer comes after the user went elsewhere takes them nowhere.
#[test]
fn a_late_owner_answer_is_dropped_once_the_user_moved_on() {
    let mut state = started(false);
    discovered(&mut state);
    let effects = update(&mut state, key('J'));
    let [Effect::FetchObject { id, .. }] = effects.as_slice() else {
        panic!("expected a fetch, got {effects:?}");
    };
    let id = *id;
    command(&mut state, "deploy");
    let pod = json!({"metadata": {"name": "api-1", "namespace": "shop", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-5d", "controller": true}]}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod),
        },
    );
    assert_eq!(crumb(&state), "dev › shop › deployments");
}
