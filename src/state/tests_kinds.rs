//! `update` sequences for the command line and other kinds (discovery, tables, YAML/delete).

use crossterm::event::KeyCode;

use super::tests_pods::{code, ctrl, key, started, typed};
use super::*;
use crate::kube::discovery::ApiResource;

fn discovered(state: &mut State) -> Vec<Effect> {
    let deploy = ApiResource {
        group: "apps".into(),
        version: "v1".into(),
        plural: "deployments".into(),
        singular: "deployment".into(),
        kind: "Deployment".into(),
        short_names: vec!["deploy".into()],
        namespaced: true,
        verbs: vec!["list".into(), "delete".into()],
    };
    let generation = state.context_gen;
    update(
        state,
        Msg::Discovered {
            generation,
            result: Ok(vec![ApiResource::pods(), deploy]),
        },
    )
}

#[test]
fn command_line_opens_kinds_after_discovery() {
    let mut state = started(false);
    let effects = update(&mut state, key(':'));
    assert_eq!(
        effects,
        vec![Effect::Discover {
            generation: state.context_gen,
            context: "dev".into()
        }]
    );
    typed(&mut state, "deploy");
    assert!(
        update(&mut state, code(KeyCode::Enter)).is_empty(),
        "waits for discovery"
    );
    let effects = discovered(&mut state);
    let id = state
        .resource
        .as_ref()
        .map(|r| r.id)
        .expect("resource view");
    assert_eq!(
        effects,
        vec![Effect::WatchTable {
            id,
            context: "dev".into(),
            path: "/apis/apps/v1/namespaces/shop/deployments".into(),
        }]
    );
    assert_eq!(crate::ui::crumb::text(&state), "dev › shop › deployments");
    let table = crate::kube::resource_table::parse_table(
        br#"{"kind":"Table","columnDefinitions":[{"name":"Name","priority":0}],
        "rows":[{"cells":["web"],"object":{"metadata":{"name":"web","namespace":"shop"}}}]}"#,
    );
    update(&mut state, Msg::table_listed(id, table.expect("a table")));
    // The filter works on other kinds' tables too.
    update(&mut state, key('/'));
    typed(&mut state, "zz");
    assert_eq!(state.resource.as_ref().map(|r| r.len()), Some(0));
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(state.resource.as_ref().map(|r| r.len()), Some(1));
    // YAML and delete work on other kinds too.
    let effects = update(&mut state, key('y'));
    let path = "/apis/apps/v1/namespaces/shop/deployments/web".to_string();
    assert!(matches!(effects.as_slice(), [Effect::FetchObject { path: p, .. }] if *p == path));
    assert_eq!(
        crate::ui::crumb::text(&state),
        "dev › shop › deployments › web › yaml"
    );
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, ctrl('d'));
    let effects = update(&mut state, key('y'));
    assert!(matches!(effects.as_slice(), [Effect::Delete { path: p, .. }] if *p == path));
    let effects = update(
        &mut state,
        Msg::Deleted {
            what: "deployment shop/web".into(),
            result: Err("forbidden".into()),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::WatchTable { .. }]),
        "re-listed"
    );
    assert!(
        state
            .flash
            .as_ref()
            .is_some_and(|f| f.error && f.text.contains("forbidden"))
    );
    // Describe works on any kind: the object and its events are fetched.
    let effects = update(&mut state, key('d'));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::FetchObject { .. }, Effect::FetchEvents { .. }]
        ),
        "{effects:?}"
    );
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    typed(&mut state, "gizmo");
    update(&mut state, code(KeyCode::Enter));
    let flash = state.flash.clone().expect("a message");
    assert_eq!(
        flash.text,
        "the server doesn't have a resource type \"gizmo\""
    );
    update(&mut state, code(KeyCode::Esc));
    assert!(state.resource.is_none(), "Esc goes back to pods");
}

#[test]
fn command_line_switches_context_and_namespace_with_completion() {
    let mut state = started(false);
    discovered(&mut state);
    update(&mut state, key(':'));
    typed(&mut state, "ctx p");
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.prompt.as_ref().map(|p| p.text()), Some("ctx prod"));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Connect { context, .. }, Effect::WatchPods { .. }] if context == "prod")
    );
    let generation = state.context_gen;
    let names = ["default", "shop"].map(String::from).to_vec();
    update(&mut state, Msg::namespaces_listed(generation, names));
    update(&mut state, key(':'));
    typed(&mut state, "ns d");
    update(&mut state, code(KeyCode::Tab));
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.namespace.as_deref(), Some("default"));
    update(&mut state, key('0'));
    assert_eq!(state.namespace, None, "0: all namespaces");
    update(&mut state, key('0'));
    assert_eq!(state.namespace.as_deref(), Some("default"), "0 again: back");
    update(&mut state, key(':'));
    typed(&mut state, "ctx nope");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        state.flash.as_ref().map(|f| f.text.as_str()),
        Some("context \"nope\" does not exist")
    );
}

#[test]
fn raw_command_opens_the_raw_request_pane() {
    let mut state = started(false);
    update(&mut state, key(':'));
    typed(&mut state, "raw");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(state.screen, Screen::Raw);
    assert_eq!(crate::ui::crumb::text(&state), "dev › shop › raw request");
}

#[test]
fn watch_events_keep_a_resource_table_live_and_the_cursor_on_its_row() {
    use crate::kube::resource_table::{TableRow, parse_table};
    use crate::kube::watcher::{Change, Event};
    let mut state = started(false);
    update(&mut state, key(':'));
    typed(&mut state, "deploy");
    update(&mut state, code(KeyCode::Enter));
    discovered(&mut state);
    let id = state.resource.as_ref().map(|r| r.id).expect("view");
    let table = parse_table(
        br#"{"kind":"Table","metadata":{"resourceVersion":"5"},"columnDefinitions":[{"name":"Name"},{"name":"Ready"}],
        "rows":[{"cells":["api","1/1"],"object":{"metadata":{"name":"api","namespace":"shop"}}},
                {"cells":["web","1/2"],"object":{"metadata":{"name":"web","namespace":"shop"}}}]}"#,
    );
    assert_eq!(table.as_ref().map(|t| t.resource_version.as_str()), Ok("5"));
    update(&mut state, Msg::table_listed(id, table.expect("a table")));
    update(&mut state, key('j'));
    let row = |name: &str, ready: &str| TableRow {
        cells: vec![name.into(), ready.into()],
        name: name.into(),
        namespace: "shop".into(),
        ..TableRow::default()
    };
    let changes = vec![
        Change::Modified(row("web", "2/2")),
        Change::Added(row("db", "0/1")),
        Change::Deleted(row("api", "1/1")),
    ];
    let event = Event::Changes(changes);
    update(&mut state, Msg::Table { id, event });
    let view = state.resource.as_ref().expect("view");
    let shown: Vec<_> = view.visible().iter().map(|r| r.cells.join(" ")).collect();
    assert_eq!(shown, ["db 0/1", "web 2/2"], "in the server's order");
    assert_eq!(
        view.selected().map(|o| o.name),
        Some("web".into()),
        "cursor followed its row"
    );
    // Events for a view that is gone are dropped.
    update(
        &mut state,
        Msg::Table {
            id: id + 1,
            event: Event::Changes(vec![Change::Deleted(row("web", ""))]),
        },
    );
    assert_eq!(state.resource.as_ref().map(|r| r.len()), Some(2));
}

/// One stream per visible table: leaving a kind's table stops its list-watch.
#[test]
fn leaving_a_kind_stops_its_stream() {
    let mut state = started(false);
    update(&mut state, key(':'));
    typed(&mut state, "deploy");
    update(&mut state, code(KeyCode::Enter));
    let effects = discovered(&mut state);
    assert!(matches!(effects.as_slice(), [Effect::WatchTable { .. }]));
    update(&mut state, key(':'));
    typed(&mut state, "pods");
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::StopTable]);
    assert!(state.resource.is_none());
    // Esc from the table does the same.
    update(&mut state, key(':'));
    typed(&mut state, "deploy");
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        update(&mut state, code(KeyCode::Esc)),
        vec![Effect::StopTable]
    );
}

/// A 1.20 server: CronJobs only in `batch/v1beta1`, Ingress in networking.k8s.io and in the
/// lower-priority extensions group (discovery lists them in that priority order).
#[test]
fn command_line_reaches_non_preferred_versions_and_warns_about_short_names() {
    let res = |group: &str, version: &str, plural: &str, kind: &str, short: &str| ApiResource {
        group: group.into(),
        version: version.into(),
        plural: plural.into(),
        singular: kind.to_ascii_lowercase(),
        kind: kind.into(),
        short_names: vec![short.into()],
        namespaced: true,
        verbs: vec!["list".into()],
    };
    let resources = vec![
        ApiResource::pods(),
        res("batch", "v1", "jobs", "Job", "job"),
        res("batch", "v1beta1", "cronjobs", "CronJob", "cj"),
        res("networking.k8s.io", "v1", "ingresses", "Ingress", "ing"),
        res(
            "networking.k8s.io",
            "v1beta1",
            "ingresses",
            "Ingress",
            "ing",
        ),
        res("extensions", "v1beta1", "ingresses", "Ingress", "ing"),
    ];
    let mut state = started(false);
    let generation = state.context_gen;
    update(&mut state, key(':'));
    update(
        &mut state,
        Msg::Discovered {
            generation,
            result: Ok(resources),
        },
    );
    let path_of = |effects: &[Effect]| match effects {
        [Effect::WatchTable { path, .. }] => path.clone(),
        other => format!("{other:?}"),
    };
    typed(&mut state, "cj");
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        path_of(&effects),
        "/apis/batch/v1beta1/namespaces/shop/cronjobs"
    );
    for (typed_name, flash) in [
        ("ingress", None),
        (
            "ing",
            Some(
                "Warning: short name \"ing\" could also match lower priority resource ingresses.extensions",
            ),
        ),
    ] {
        update(&mut state, code(KeyCode::Esc));
        update(&mut state, key(':'));
        typed(&mut state, typed_name);
        let effects = update(&mut state, code(KeyCode::Enter));
        assert_eq!(
            path_of(&effects),
            "/apis/networking.k8s.io/v1/namespaces/shop/ingresses",
            "{typed_name}"
        );
        assert_eq!(state.flash.as_ref().map(|f| f.text.as_str()), flash);
    }
    update(&mut state, code(KeyCode::Esc));
    update(&mut state, key(':'));
    typed(&mut state, "cronj");
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.prompt.as_ref().map(|p| p.text()), Some("cronjob"));
}
