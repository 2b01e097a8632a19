//! `update` sequences for several contexts in one table.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::fleet::{self, MemberState};
use super::*;
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event};
use crate::kube::{Failure, FailureKind};

fn ctx(name: &str) -> ContextInfo {
    ContextInfo {
        name: name.into(),
        cluster: name.into(),
        user: name.into(),
        namespace: None,
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A row of `context` as the fleet's task tags it.
fn row(context: &str, ns: &str, name: &str) -> PodRow {
    PodRow {
        context: Some(Arc::from(context)),
        namespace: ns.into(),
        name: name.into(),
        status: "Running".into(),
        ..PodRow::default()
    }
}

fn page(state: &mut State, member: usize, rows: Vec<PodRow>, first: bool, last: bool) {
    let msg = Msg::FleetPods {
        generation: state.pods_gen,
        member,
        event: Event::Page {
            page: rows,
            first,
            last,
        },
    };
    update(state, msg);
}

/// The fleet `a,b` opened from the command line, all namespaces, nothing listed yet.
fn opened() -> (State, Vec<Effect>) {
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        ..StartOptions::default()
    });
    let effects = update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ctx("a"), ctx("b"), ctx("c")],
            selected: Some("a".into()),
            fleet: vec!["a".into(), "b".into()],
            namespace: None,
            error: None,
        },
    );
    (state, effects)
}

fn shown(state: &State) -> Vec<String> {
    let n = state.pods.visible_len();
    state
        .pods
        .visible(0..n)
        .map(|r| {
            format!(
                "{}:{}/{}",
                r.context.as_deref().unwrap_or("-"),
                r.namespace,
                r.name
            )
        })
        .collect()
}

fn counts(state: &State) -> Vec<String> {
    fleet::summary(state)
        .into_iter()
        .map(|(name, s)| match s {
            MemberState::Rows { count, listed } => {
                format!("{name} {count}{}", if listed { "" } else { "…" })
            }
            MemberState::Failing(p) => format!("{name} ✗ {}", p.failure.message),
        })
        .collect()
}

#[test]
fn a_fleet_watches_each_context_and_keeps_their_rows_apart() {
    let (mut state, effects) = opened();
    let watch = effects.iter().find_map(|e| match e {
        Effect::WatchFleetPods {
            contexts,
            namespace,
            ..
        } => Some((contexts.clone(), namespace.clone())),
        _ => None,
    });
    let both = vec![(0, "a".to_string()), (1, "b".to_string())];
    assert_eq!(watch, Some((both, None)));
    assert_eq!(
        state.context.as_deref(),
        Some("a"),
        "the first member is the open context"
    );
    // Pages of the two lists arrive interleaved; each lands among its own context's rows.
    page(&mut state, 1, vec![row("b", "shop", "web-1")], true, false);
    page(&mut state, 0, vec![row("a", "shop", "web-1")], true, false);
    page(&mut state, 1, vec![row("b", "shop", "web-2")], false, true);
    assert_eq!(
        state.pods_load,
        PodsLoad::Loading,
        "a has more pages to come"
    );
    assert_eq!(counts(&state), ["a 1…", "b 2"]);
    page(&mut state, 0, vec![row("a", "web", "api-0")], false, true);
    assert_eq!(state.pods_load, PodsLoad::Watching);
    assert_eq!(
        shown(&state),
        [
            "a:shop/web-1",
            "a:web/api-0",
            "b:shop/web-1",
            "b:shop/web-2"
        ]
    );
    // A deletion in b leaves a's pod of the same name.
    let gone = Msg::FleetPods {
        generation: state.pods_gen,
        member: 1,
        event: Event::Changes(vec![Change::Deleted(row("b", "shop", "web-1"))]),
    };
    update(&mut state, gone);
    assert_eq!(
        shown(&state),
        ["a:shop/web-1", "a:web/api-0", "b:shop/web-2"]
    );
    // A relist of b replaces b's rows only.
    page(&mut state, 1, vec![row("b", "x", "new")], true, true);
    assert_eq!(shown(&state), ["a:shop/web-1", "a:web/api-0", "b:x/new"]);
    // A late message of an older generation is dropped.
    let old = Msg::FleetPods {
        generation: state.pods_gen - 1,
        member: 0,
        event: Event::Changes(vec![Change::Deleted(row("a", "shop", "web-1"))]),
    };
    update(&mut state, old);
    assert_eq!(state.pods.len(), 3);
}

#[test]
fn a_failing_context_is_named_and_never_keeps_the_fleet_loading() {
    let (mut state, _) = opened();
    page(&mut state, 0, vec![row("a", "shop", "web-1")], true, true);
    let failure = Failure {
        kind: FailureKind::Unreachable,
        ..Failure::other("connection refused")
    };
    let failed = Msg::FleetPods {
        generation: state.pods_gen,
        member: 1,
        event: Event::Failed {
            error: failure,
            retry_at: None,
        },
    };
    update(&mut state, failed);
    assert_eq!(state.pods_load, PodsLoad::Watching);
    assert_eq!(counts(&state), ["a 1", "b ✗ connection refused"]);
    let pane = health::of(&state, "b");
    assert_eq!(
        pane,
        health::ContextHealth::Down("connection refused"),
        "the contexts pane too"
    );
    // It recovers by itself: its next list clears the failure.
    page(&mut state, 1, vec![row("b", "shop", "db-0")], true, true);
    assert_eq!(counts(&state), ["a 1", "b 1"]);
}

#[test]
fn one_sort_and_one_filter_across_contexts() {
    let (mut state, _) = opened();
    page(
        &mut state,
        0,
        vec![row("a", "api", "x"), row("a", "zoo", "y")],
        true,
        true,
    );
    page(&mut state, 1, vec![row("b", "shop", "z")], true, true);
    assert_eq!(state.pods.view().sort().column, filter::SortColumn::Context);
    update(&mut state, key('2'));
    assert_eq!(
        shown(&state),
        ["a:api/x", "b:shop/z", "a:zoo/y"],
        "by namespace across contexts"
    );
    update(&mut state, key('8'));
    assert_eq!(shown(&state), ["a:api/x", "a:zoo/y", "b:shop/z"]);
    update(&mut state, key('8'));
    assert_eq!(
        shown(&state),
        ["b:shop/z", "a:zoo/y", "a:api/x"],
        "again: reversed"
    );
    // The filter matches the CONTEXT cell too.
    update(&mut state, key('/'));
    update(&mut state, key('b'));
    update(&mut state, code(KeyCode::Enter));
    assert_eq!(shown(&state), ["b:shop/z"]);
}

#[test]
fn ctx_command_and_marked_contexts_open_a_fleet() {
    let mut state = State::new(StartOptions::default());
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ctx("a"), ctx("b"), ctx("c")],
            selected: Some("a".into()),
            fleet: Vec::new(),
            namespace: Some("default".into()),
            error: None,
        },
    );
    assert!(state.fleet.is_none());
    let run = |state: &mut State, line: &str| -> Vec<Effect> {
        let mut effects = update(state, key(':'));
        for c in line.chars() {
            effects.extend(update(state, key(c)));
        }
        effects.extend(update(state, code(KeyCode::Enter)));
        effects
    };
    run(&mut state, "ctx a,zz");
    assert!(
        state.fleet.is_none(),
        "an unknown context refuses the whole fleet"
    );
    let effects = run(&mut state, "ctx c,a");
    let names = state.fleet.as_ref().map(fleet::Fleet::names);
    assert_eq!(names, Some(vec!["c".to_string(), "a".to_string()]));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::WatchFleetPods { .. }))
    );
    // Space marks contexts in the contexts pane; Enter opens them together.
    run(&mut state, "ctx a");
    assert!(state.fleet.is_none(), "one context is a plain context");
    state.focus = Focus::Contexts;
    state.contexts_cursor.select(1, 3);
    update(&mut state, key(' '));
    update(&mut state, key(' '));
    assert_eq!(state.fleet_picks, ["b", "c"]);
    update(&mut state, code(KeyCode::Enter));
    let names = state.fleet.as_ref().map(fleet::Fleet::names);
    assert_eq!(names, Some(vec!["b".to_string(), "c".to_string()]));
    assert!(state.fleet_picks.is_empty());
}

#[test]
fn enter_on_a_members_node_shows_that_clusters_pods_and_esc_all_again() {
    use crate::kube::discovery::ApiResource;
    use crate::kube::resource_table::{ResourceTable, TableRow};
    let (mut state, _) = opened();
    let nodes = ApiResource {
        version: "v1".into(),
        plural: "nodes".into(),
        kind: "Node".into(),
        namespaced: false,
        ..ApiResource::default()
    };
    kinds::open(&mut state, nodes);
    let id = state.resource.as_ref().map(|r| r.id).unwrap_or_default();
    let node = TableRow {
        context: Some(Arc::from("b")),
        cells: vec!["worker-1".into()],
        name: "worker-1".into(),
        ..TableRow::default()
    };
    let page = ResourceTable {
        rows: vec![node],
        ..ResourceTable::default()
    };
    let event = Event::Page {
        page,
        first: true,
        last: true,
    };
    update(
        &mut state,
        Msg::FleetTable {
            id,
            member: 1,
            event,
        },
    );
    let watched = |effects: &[Effect]| {
        effects.iter().find_map(|e| match e {
            Effect::WatchFleetPods {
                contexts,
                field_selector,
                ..
            } => Some((contexts.clone(), field_selector.clone())),
            _ => None,
        })
    };
    let effects = update(&mut state, code(KeyCode::Enter));
    let only_b = vec![(1, "b".to_string())];
    let field = Some("spec.nodeName=worker-1".to_string());
    assert_eq!(watched(&effects), Some((only_b, field)));
    assert_eq!(counts(&state), ["b 0…"], "the title counts only b");
    let effects = update(&mut state, code(KeyCode::Esc));
    let both = vec![(0, "a".to_string()), (1, "b".to_string())];
    assert_eq!(watched(&effects), Some((both, None)));
}
