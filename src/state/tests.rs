//! `update` driven by sequences of messages.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::kube::table::PodRow;
use crate::kube::watcher::Change;

fn ctx(name: &str, namespace: Option<&str>) -> ContextInfo {
    ContextInfo {
        name: name.into(),
        cluster: format!("{name}-cluster"),
        user: format!("{name}-user"),
        namespace: namespace.map(String::from),
    }
}

fn contexts_msg(selected: Option<&str>, namespace: Option<&str>) -> Msg {
    Msg::Contexts {
        contexts: vec![ctx("dev", Some("shop")), ctx("prod", None)],
        selected: selected.map(String::from),
        fleet: Vec::new(),
        namespace: namespace.map(String::from),
        error: None,
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn row(ns: &str, name: &str) -> PodRow {
    PodRow {
        namespace: ns.into(),
        name: name.into(),
        status: "Running".into(),
        ..PodRow::default()
    }
}

fn names(state: &State) -> Vec<String> {
    state
        .pods
        .rows()
        .iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect()
}

fn page(state: &State, rows: Vec<PodRow>, first: bool, more: bool) -> Msg {
    Msg::pods_page(state.pods_gen, rows, first, more)
}

/// A state connected to "dev", namespace "shop".
fn started() -> State {
    let mut state = State::new(StartOptions::default());
    update(&mut state, contexts_msg(Some("dev"), Some("shop")));
    state
}

#[test]
fn selected_context_connects_and_watches() {
    let mut state = State::new(StartOptions::default());
    let effects = update(&mut state, contexts_msg(Some("dev"), Some("shop")));
    assert_eq!(
        effects,
        vec![
            Effect::Connect {
                generation: 1,
                context: "dev".into()
            },
            Effect::WatchPods {
                generation: 1,
                context: "dev".into(),
                namespace: Some("shop".into()),
                label_selector: None,
                field_selector: None,
            },
        ]
    );
    assert!(state.dirty);
    assert_eq!(state.pods_load, PodsLoad::Loading);
}

#[test]
fn all_namespaces_flag_watches_everything() {
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        ..StartOptions::default()
    });
    let effects = update(&mut state, contexts_msg(Some("dev"), Some("shop")));
    assert!(matches!(
        &effects[1],
        Effect::WatchPods {
            namespace: None,
            ..
        }
    ));
}

#[test]
fn no_current_context_focuses_the_picker() {
    let mut state = State::new(StartOptions::default());
    let effects = update(&mut state, contexts_msg(None, None));
    assert!(effects.is_empty());
    assert_eq!(state.focus, Focus::Contexts);
    assert_eq!(
        state.hint.as_deref(),
        Some("no current context: pick one and press Enter")
    );
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![
            Effect::Connect {
                generation: 1,
                context: "prod".into()
            },
            Effect::WatchPods {
                generation: 1,
                context: "prod".into(),
                namespace: Some("default".into()),
                label_selector: None,
                field_selector: None,
            },
        ]
    );
    assert_eq!(state.hint, None);
}

#[test]
fn missing_kubeconfig_is_fatal() {
    let mut state = State::new(StartOptions::default());
    let effects = update(
        &mut state,
        Msg::Contexts {
            contexts: vec![],
            selected: None,
            fleet: Vec::new(),
            namespace: None,
            error: Some("no kubeconfig".into()),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(state.fatal.as_deref(), Some("no kubeconfig"));
    assert_eq!(update(&mut state, key('q')), vec![Effect::Quit]);
}

#[test]
fn first_page_replaces_later_pages_append() {
    let mut state = started();
    let msg = page(&state, vec![row("shop", "a"), row("shop", "c")], true, true);
    update(&mut state, msg);
    assert_eq!(state.pods_load, PodsLoad::Loading);
    let msg = page(
        &state,
        vec![row("shop", "d"), row("shop", "b")],
        false,
        false,
    );
    update(&mut state, msg);
    assert_eq!(names(&state), ["shop/a", "shop/b", "shop/c", "shop/d"]);
    assert_eq!(state.pods_load, PodsLoad::Watching);

    // Relist (e.g. after 410 Gone): cursor stays on "c" which moved from index 2 to 1.
    update(&mut state, key('G'));
    update(&mut state, key('k'));
    assert_eq!(state.pods.selected().map(|r| r.name.as_str()), Some("c"));
    let msg = page(
        &state,
        vec![row("shop", "a"), row("shop", "c")],
        true,
        false,
    );
    update(&mut state, msg);
    assert_eq!(state.pods.selected().map(|r| r.name.as_str()), Some("c"));
    // The selected pod is gone: clamp.
    let msg = page(&state, vec![row("shop", "a")], true, false);
    update(&mut state, msg);
    assert_eq!(state.pods.cursor.selected(), 0);
}

#[test]
fn watch_events_keep_order_and_cursor() {
    let mut state = started();
    let msg = page(&state, vec![row("a", "x"), row("b", "m")], true, false);
    update(&mut state, msg);
    update(&mut state, key('j'));
    let mut modified = row("b", "m");
    modified.status = "CrashLoopBackOff".into();
    let events = vec![
        Change::Added(row("b", "z")),
        Change::Added(row("a", "a")),
        Change::Added(row("b", "a")),
        Change::Modified(modified),
        Change::Deleted(row("a", "x")),
        Change::Deleted(row("nope", "x")),
    ];
    let generation = state.pods_gen;
    update(&mut state, Msg::pod_changes(generation, events));
    assert_eq!(names(&state), ["a/a", "b/a", "b/m", "b/z"]);
    let selected = state
        .pods
        .selected()
        .map(|r| (r.name.as_str(), r.status.as_str()));
    assert_eq!(selected, Some(("m", "CrashLoopBackOff")));
}

#[test]
fn stale_generations_are_dropped_after_context_switch() {
    let mut state = started();
    let (old_ctx, old_pods) = (state.context_gen, state.pods_gen);
    state.focus = Focus::Contexts;
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![
            Effect::Connect {
                generation: 2,
                context: "prod".into()
            },
            Effect::WatchPods {
                generation: 2,
                context: "prod".into(),
                namespace: Some("default".into()),
                label_selector: None,
                field_selector: None,
            },
        ]
    );
    state.dirty = false;
    let stale = [
        Msg::pods_page(old_pods, vec![row("shop", "old")], true, false),
        Msg::pod_changes(old_pods, vec![Change::Added(row("shop", "old"))]),
        Msg::pods_failed(old_pods, "boom", None),
        Msg::namespaces_listed(old_ctx, vec!["shop".into()]),
        Msg::Version {
            generation: old_ctx,
            result: Err("timeout".into()),
        },
        Msg::Connected {
            generation: old_ctx,
            result: Err("refused".into()),
        },
    ];
    for msg in stale {
        assert!(update(&mut state, msg).is_empty());
    }
    assert!(!state.dirty);
    assert!(state.pods.is_empty() && state.namespaces.is_empty());
    assert_eq!(state.current_error(), None);
}

#[test]
fn namespace_switch_rewatches() {
    let mut state = started();
    let msg = page(&state, vec![row("shop", "a")], true, false);
    update(&mut state, msg);
    let generation = state.context_gen;
    let names = vec!["shop".into(), "default".into()];
    update(&mut state, Msg::namespaces_listed(generation, names));
    assert_eq!(state.namespaces, ["default", "shop"]);
    assert_eq!(
        state.namespaces_cursor.selected(),
        2,
        "cursor on the watched namespace"
    );
    state.focus = Focus::Namespaces;
    update(&mut state, key('g'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::WatchPods {
            generation: 2,
            context: "dev".into(),
            namespace: None,
            label_selector: None,
            field_selector: None,
        }]
    );
    assert!(state.pods.is_empty());
    update(&mut state, key('j'));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::WatchPods {
            generation: 3,
            context: "dev".into(),
            namespace: Some("default".into()),
            label_selector: None,
            field_selector: None,
        }]
    );
}

#[test]
fn errors_show_without_clearing_pods() {
    let mut state = started();
    let msg = page(&state, vec![row("shop", "a")], true, false);
    update(&mut state, msg);
    let retry_at = state
        .now
        .checked_add(jiff::SignedDuration::from_secs(2))
        .ok();
    let error = Msg::pods_failed(state.pods_gen, "connection reset", retry_at);
    update(&mut state, error);
    assert_eq!(state.pods.len(), 1);
    let shown = state
        .current_error()
        .map(|e| (e.source, e.message, e.retry_at));
    assert_eq!(shown, Some(("pods", "connection reset", retry_at)));
    let generation = state.context_gen;
    let forbidden = Msg::Namespaces {
        generation,
        event: crate::kube::watcher::Event::Failed {
            error: "namespaces is forbidden".into(),
            retry_at: None,
        },
    };
    update(&mut state, forbidden);
    assert_eq!(state.namespace.as_deref(), Some("shop"));
    assert_eq!(state.pods.len(), 1);
    // A fresh list clears the pods error; the namespaces one stays.
    let msg = page(&state, vec![row("shop", "a")], true, false);
    update(&mut state, msg);
    let shown = state.current_error().map(|e| (e.source, e.message));
    assert_eq!(shown, Some(("namespaces", "namespaces is forbidden")));
}

#[test]
fn help_toggles_and_swallows_motion() {
    let mut state = started();
    update(&mut state, key('?'));
    assert!(state.help_open);
    let before = state.focus;
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.focus, before);
    update(&mut state, code(KeyCode::Esc));
    assert!(!state.help_open);
    update(&mut state, key('?'));
    update(&mut state, key('?'));
    assert!(!state.help_open);
}

#[test]
fn quit_and_focus_cycle() {
    let mut state = started();
    assert_eq!(update(&mut state, key('q')), vec![Effect::Quit]);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(update(&mut state, ctrl_c), vec![Effect::Quit]);
    assert_eq!(state.focus, Focus::Pods);
    update(&mut state, code(KeyCode::Tab));
    assert_eq!(state.focus, Focus::Contexts);
    let back_tab = Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    update(&mut state, back_tab);
    assert_eq!(state.focus, Focus::Pods);
}

#[test]
fn silent_keys_and_same_second_ticks_do_not_redraw() {
    let mut state = started();
    let msg = page(&state, vec![row("shop", "a")], true, false);
    update(&mut state, msg);
    state.dirty = false;
    update(&mut state, code(KeyCode::F(5)));
    assert!(!state.dirty);
    let now = state.now;
    on_tick(&mut state, now);
    assert!(!state.dirty);
    on_tick(&mut state, now + jiff::SignedDuration::from_secs(1));
    assert!(state.dirty);
}

#[test]
fn cursor_moves_at_scale_without_rescanning() {
    let mut state = started();
    let rows: Vec<PodRow> = (0..100_000)
        .map(|i| row("shop", &format!("pod-{i:06}")))
        .collect();
    let msg = page(&state, rows, true, false);
    update(&mut state, msg);
    update(&mut state, key('G'));
    assert_eq!(state.pods.cursor.selected(), 99_999);
    update(&mut state, code(KeyCode::PageUp));
    assert_eq!(state.pods.cursor.selected(), 99_989);
    let events = vec![Change::Added(row("shop", "pod-050000a"))];
    let generation = state.pods_gen;
    update(&mut state, Msg::pod_changes(generation, events));
    assert_eq!(state.pods.rows()[50_001].name, "pod-050000a");
    assert_eq!(
        state.pods.selected().map(|r| r.name.as_str()),
        Some("pod-099989")
    );
}
