//! `update` sequences for the operations: scale, restart, cordon/uncordon, drain, marks and
//! bulk delete, Secret decoding, and `--readonly` refusing each.

use crossterm::event::KeyCode;

use super::super::tests_pods::{code, ctrl, key, started, typed};
use super::super::*;
use crate::kube::discovery::ApiResource;
use crate::kube::ops::drain::{DrainEvent, DrainOptions, PlannedPod, PodProgress, Skip};
use crate::kube::resource_table::parse_table;
use crate::kube::watcher::Change;
use crate::msg::Op;

fn resource(group: &str, plural: &str, singular: &str, namespaced: bool) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: "v1".into(),
        plural: plural.into(),
        singular: singular.into(),
        kind: String::new(),
        short_names: Vec::new(),
        namespaced,
        verbs: ["list", "delete", "patch"].map(String::from).to_vec(),
    }
}

/// A table of `columns`, one row per (name, cells).
fn table_of(ns: &str, columns: &[&str], rows: &[(&str, &[&str])]) -> Msg {
    let columns: Vec<String> = columns
        .iter()
        .map(|c| format!(r#"{{"name":"{c}","priority":0}}"#))
        .collect();
    let rows: Vec<String> = rows
        .iter()
        .map(|(name, cells)| {
            let cells: Vec<String> = cells.iter().map(|c| format!("{c:?}")).collect();
            format!(
                r#"{{"cells":[{}],"object":{{"metadata":{{"name":"{name}","namespace":"{ns}"}}}}}}"#,
                cells.join(",")
            )
        })
        .collect();
    let body = format!(
        r#"{{"kind":"Table","columnDefinitions":[{}],"rows":[{}]}}"#,
        columns.join(","),
        rows.join(",")
    );
    let table = parse_table(body.as_bytes()).expect("a table");
    Msg::table_listed(0, table)
}

/// `state` showing the deployments web (2/2) and api (1/3) in shop.
fn deployments(readonly: bool) -> State {
    let mut state = started(readonly);
    kinds::open(
        &mut state,
        resource("apps", "deployments", "deployment", true),
    );
    let id = state.resource.as_ref().map(|r| r.id).expect("view");
    let Msg::Table { event, .. } = table_of(
        "shop",
        &["Name", "Ready", "Up-to-date"],
        &[("api", &["api", "1/3", "1"]), ("web", &["web", "2/2", "2"])],
    ) else {
        unreachable!()
    };
    update(&mut state, Msg::Table { id, event });
    state
}

/// `state` showing the nodes worker-1 and worker-2.
fn nodes(readonly: bool) -> State {
    let mut state = started(readonly);
    kinds::open(&mut state, resource("", "nodes", "node", false));
    let id = state.resource.as_ref().map(|r| r.id).expect("view");
    let Msg::Table { event, .. } = table_of(
        "",
        &["Name", "Status"],
        &[
            ("worker-1", &["worker-1", "Ready"]),
            ("worker-2", &["worker-2", "Ready"]),
        ],
    ) else {
        unreachable!()
    };
    update(&mut state, Msg::Table { id, event });
    state
}

fn flash(state: &State) -> String {
    state
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[test]
fn scale_asks_for_the_replicas_then_patches_and_says_so() {
    let mut state = deployments(false);
    assert!(update(&mut state, key('s')).is_empty());
    let Some(ops::Dialog::Scale { current, input, .. }) = &state.ops.dialog else {
        panic!("scale dialog: {:?}", state.ops.dialog);
    };
    assert_eq!((*current, input.as_str()), (Some(3), "3"), "api wants 3");
    update(&mut state, key('+'));
    update(&mut state, code(KeyCode::Backspace));
    typed(&mut state, "5");
    update(&mut state, key('-'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Operate {
            context: "dev".into(),
            path: "/apis/apps/v1/namespaces/shop/deployments/api".into(),
            what: "deployment.apps/api".into(),
            op: Op::Scale(4),
        }]
    );
    assert_eq!(state.ops.dialog, None);
    update(
        &mut state,
        Msg::Operated {
            what: "deployment.apps/api".into(),
            op: Op::Scale(4),
            result: Ok(()),
        },
    );
    assert_eq!(flash(&state), "deployment.apps/api scaled to 4");
    // Esc cancels; nothing is sent.
    update(&mut state, key('s'));
    assert!(update(&mut state, code(KeyCode::Esc)).is_empty());
    assert_eq!(flash(&state), "scale cancelled");
}

#[test]
fn s_on_the_pods_table_is_still_the_shell() {
    let mut state = started(false);
    let effects = update(&mut state, key('s'));
    assert!(
        matches!(effects.as_slice(), [Effect::Foreground(_)]),
        "{effects:?}"
    );
    assert_eq!(state.ops.dialog, None);
}

#[test]
fn restart_confirms_then_patches() {
    let mut state = deployments(false);
    update(&mut state, key('j'));
    assert!(update(&mut state, key('r')).is_empty());
    assert!(matches!(
        state.ops.dialog,
        Some(ops::Dialog::Restart { .. })
    ));
    let effects = update(&mut state, key('y'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Operate { what, op: Op::Restart, .. }] if what == "deployment.apps/web"
    ));
    let failed = crate::kube::Failure::other("boom");
    update(
        &mut state,
        Msg::Operated {
            what: "deployment.apps/web".into(),
            op: Op::Restart,
            result: Err(failed),
        },
    );
    assert_eq!(flash(&state), "rollout restart deployment.apps/web: boom");
}

#[test]
fn node_keys_cordon_uncordon_and_ask_before_draining() {
    let mut state = nodes(false);
    let effects = update(&mut state, key('c'));
    assert_eq!(
        effects,
        vec![Effect::Operate {
            context: "dev".into(),
            path: "/api/v1/nodes/worker-1".into(),
            what: "node/worker-1".into(),
            op: Op::Cordon,
        }]
    );
    update(
        &mut state,
        Msg::Operated {
            what: "node/worker-1".into(),
            op: Op::Cordon,
            result: Ok(()),
        },
    );
    assert_eq!(flash(&state), "node/worker-1 cordoned");
    let effects = update(&mut state, key('u'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Operate {
            op: Op::Uncordon,
            ..
        }]
    ));
    // `r` means nothing on nodes and says so.
    assert!(update(&mut state, key('r')).is_empty());
    assert!(
        flash(&state).contains("not in this view"),
        "{}",
        flash(&state)
    );
    // Drain: toggles, then start.
    update(&mut state, key('D'));
    update(&mut state, key('f'));
    let effects = update(&mut state, code(KeyCode::Enter));
    let id = state.ops.drain.as_ref().map(|d| d.id).expect("drain view");
    assert_eq!(
        effects,
        vec![Effect::Drain {
            id,
            context: "dev".into(),
            node: "worker-1".into(),
            options: DrainOptions {
                force: true,
                delete_emptydir: false
            },
        }]
    );
}

#[test]
fn drain_progress_and_esc_stops_leaving_the_node_cordoned() {
    let mut state = started(false);
    update(&mut state, key(':'));
    typed(&mut state, "drain worker-2");
    update(&mut state, code(KeyCode::Enter));
    let effects = update(&mut state, key('y'));
    let id = state.ops.drain.as_ref().map(|d| d.id).expect("drain view");
    assert!(matches!(effects.as_slice(), [Effect::Drain { node, .. }] if node == "worker-2"));
    let pod = |name: &str, skip| PlannedPod {
        namespace: "shop".into(),
        name: name.into(),
        uid: String::new(),
        skip,
    };
    let events = [
        DrainEvent::Cordoned,
        DrainEvent::Planned(vec![
            pod("web-1", None),
            pod("agent", Some(Skip::DaemonSet)),
        ]),
        DrainEvent::Pod {
            index: 0,
            progress: PodProgress::Waiting {
                attempt: 1,
                retry_at: state.now,
                message: "Cannot evict pod".into(),
            },
        },
    ];
    for event in events {
        update(&mut state, Msg::Drain { id, event });
    }
    let view = state.ops.drain.as_ref().expect("view");
    assert_eq!(view.counts(), (0, 1, 1, 0));
    // Esc stops the task and says the node stays cordoned; a second Esc closes.
    let effects = update(&mut state, code(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::StopDrain { id }]);
    assert_eq!(
        flash(&state),
        "drain stopped: node/worker-2 left cordoned (u uncordons it)"
    );
    let late = DrainEvent::Pod {
        index: 0,
        progress: PodProgress::Evicted,
    };
    update(&mut state, Msg::Drain { id, event: late });
    assert_eq!(
        state.ops.drain.as_ref().map(|d| d.counts().0),
        Some(0),
        "ignored"
    );
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(state.ops.drain, None);
}

#[test]
fn the_mouse_leaves_the_tables_under_a_dialog_or_the_drain_view_alone() {
    let mut state = nodes(false);
    update(&mut state, key('D'));
    let click = Msg::Click {
        pane: Focus::Contexts,
        row: Some(1),
    };
    update(&mut state, click.clone());
    assert_eq!(state.focus, Focus::Pods, "the dialog is on top");
    update(&mut state, key('y'));
    update(&mut state, click);
    assert_eq!(state.focus, Focus::Pods, "the drain view is on top");
    assert_eq!(state.contexts_cursor.selected(), 0);
}

#[test]
fn a_finished_drain_says_drained() {
    let mut state = nodes(false);
    update(&mut state, key('D'));
    update(&mut state, key('y'));
    let id = state.ops.drain.as_ref().map(|d| d.id).expect("drain view");
    let planned = vec![PlannedPod {
        namespace: "shop".into(),
        name: "web-1".into(),
        uid: String::new(),
        skip: None,
    }];
    let events = [
        DrainEvent::Cordoned,
        DrainEvent::Planned(planned),
        DrainEvent::Pod {
            index: 0,
            progress: PodProgress::Evicted,
        },
        DrainEvent::Finished,
    ];
    for event in events {
        update(&mut state, Msg::Drain { id, event });
    }
    assert_eq!(flash(&state), "node/worker-1 drained");
}

#[test]
fn marks_survive_the_filter_and_updates_and_bulk_delete_asks_once() {
    let mut state = started(false);
    // Space marks and moves down.
    update(&mut state, key(' '));
    update(&mut state, key(' '));
    assert_eq!(marks::count(&state), 2);
    assert_eq!(state.pods.cursor.selected(), 2);
    // The filter hides a marked row; it stays marked.
    update(&mut state, key('/'));
    typed(&mut state, "web");
    update(&mut state, code(KeyCode::Enter));
    update(&mut state, key(' '));
    assert_eq!(marks::count(&state), 3);
    update(&mut state, code(KeyCode::Esc));
    // A row the server deleted loses its mark.
    let gone = state.pods.selected().cloned().expect("a pod");
    let generation = state.pods_gen;
    let deleted = crate::kube::table::PodRow {
        namespace: "shop".into(),
        name: "db-0".into(),
        ..Default::default()
    };
    update(
        &mut state,
        Msg::pod_changes(generation, vec![Change::Deleted(deleted)]),
    );
    assert_eq!(marks::count(&state), 2, "{gone:?}");
    // Ctrl-D asks once, naming the count and the names.
    assert!(update(&mut state, ctrl('d')).is_empty());
    let Some(ops::Dialog::BulkDelete { targets }) = &state.ops.dialog else {
        panic!("bulk dialog");
    };
    assert_eq!(
        crate::ui::dialog::bulk_question(targets),
        "Delete 2 pods: api-1, web-1?"
    );
    let effects = update(&mut state, key('y'));
    assert_eq!(effects.len(), 2);
    assert!(effects.iter().all(|e| matches!(e, Effect::Delete { .. })));
    assert_eq!(marks::count(&state), 0);
    let what = |name: &str| format!("pod shop/{name}");
    update(
        &mut state,
        Msg::Deleted {
            what: what("api-1"),
            result: Err(crate::kube::Failure::other("forbidden")),
        },
    );
    update(
        &mut state,
        Msg::Deleted {
            what: what("web-1"),
            result: Ok(()),
        },
    );
    assert_eq!(
        flash(&state),
        "deleted 1 of 2 pods; failed: pod shop/api-1: forbidden"
    );
}

#[test]
fn a_relist_without_a_marked_row_drops_its_mark() {
    let mut state = deployments(false);
    update(&mut state, key(' '));
    update(&mut state, key(' '));
    assert_eq!(marks::count(&state), 2);
    let id = state.resource.as_ref().map(|r| r.id).expect("view");
    let Msg::Table { event, .. } = table_of("shop", &["Name"], &[("web", &["web"])]) else {
        unreachable!()
    };
    update(&mut state, Msg::Table { id, event });
    assert_eq!(marks::count(&state), 1, "api is gone, web stays marked");
}

#[test]
fn esc_clears_marks_before_anything_else() {
    let mut state = deployments(false);
    update(&mut state, key(' '));
    assert_eq!(marks::count(&state), 1);
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(marks::count(&state), 0);
    assert!(state.resource.is_some(), "the table stays");
    assert_eq!(flash(&state), "marks cleared");
}

#[test]
fn readonly_refuses_every_operation_before_sending() {
    let mut state = deployments(true);
    let check = |state: &mut State, msg: Msg, what: &str| {
        assert!(update(state, msg).is_empty(), "{what}: nothing sent");
        assert_eq!(state.ops.dialog, None, "{what}: no dialog");
        assert_eq!(
            flash(state),
            format!("read-only mode (--readonly): {what} refused")
        );
    };
    check(&mut state, key('s'), "scale");
    check(&mut state, key('r'), "rollout restart");
    update(&mut state, key(' '));
    check(&mut state, ctrl('d'), "bulk delete");
    let mut state = nodes(true);
    check(&mut state, key('c'), "cordon");
    check(&mut state, key('u'), "uncordon");
    check(&mut state, key('D'), "drain");
    update(&mut state, key(':'));
    typed(&mut state, "drain worker-1");
    check(&mut state, code(KeyCode::Enter), "drain");
    assert_eq!(state.ops.drain, None);
}

#[test]
fn x_decodes_a_secret_and_y_copies_it_as_stored() {
    let mut state = started(false);
    let target = detail::ObjectRef {
        context: None,
        resource: resource("", "secrets", "secret", true),
        namespace: Some("shop".into()),
        name: "db".into(),
    };
    detail::open(&mut state, detail::DetailKind::Yaml, target);
    let id = state.detail.as_ref().map(|d| d.id).expect("detail");
    let secret = serde_json::json!({"kind": "Secret", "metadata": {"name": "db"},
        "data": {"password": "aHVudGVyMg=="}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(secret),
        },
    );
    let text = |state: &State| match &state.detail.as_ref().expect("detail").view {
        detail::DetailView::Yaml { pane, .. } => pane.lines.join("\n"),
        _ => String::new(),
    };
    assert!(!text(&state).contains("hunter2"), "encoded until asked");
    update(&mut state, key('x'));
    assert!(
        text(&state).contains("password: hunter2"),
        "{}",
        text(&state)
    );
    let effects = update(&mut state, key('Y'));
    let [Effect::Copy { text: copied }] = effects.as_slice() else {
        panic!("a copy: {effects:?}");
    };
    assert!(copied.contains("aHVudGVyMg==") && !copied.contains("hunter2"));
    assert!(
        flash(&state).contains("Secret data as stored"),
        "{}",
        flash(&state)
    );
    update(&mut state, key('x'));
    assert!(!text(&state).contains("hunter2"));
    // The describe view decodes into a section of its own.
    update(&mut state, key('d'));
    let id = state.detail.as_ref().map(|d| d.id).expect("detail");
    let secret = serde_json::json!({"kind": "Secret", "metadata": {"name": "db"},
        "data": {"password": "aHVudGVyMg=="}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(secret),
        },
    );
    update(
        &mut state,
        Msg::EventsFetched {
            id,
            result: Ok(Vec::new()),
        },
    );
    let lines = |state: &State| match &state.detail.as_ref().expect("detail").view {
        detail::DetailView::Describe { pane, .. } => pane.lines.join("\n"),
        _ => String::new(),
    };
    assert!(!lines(&state).contains("hunter2"));
    update(&mut state, key('x'));
    assert!(
        lines(&state).contains("  password: hunter2"),
        "{}",
        lines(&state)
    );
    update(&mut state, key('x'));
    assert!(!lines(&state).contains("hunter2"));
}
