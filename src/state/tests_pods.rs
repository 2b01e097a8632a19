//! `update` sequences for the pod work: filter, sort, detail views, logs, delete, commands.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::detail::DetailView;
use super::filter::SortColumn;
use super::nav::PromptKind;
use super::*;
use crate::kube::table::PodRow;
use crate::kube::watcher::Change;
use crate::msg::LogRequest;

fn ctx(name: &str) -> ContextInfo {
    ContextInfo {
        name: name.into(),
        cluster: name.into(),
        user: name.into(),
        namespace: Some("shop".into()),
    }
}

pub(super) fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(super) fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(super) fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(state, key(c))).collect()
}

fn row(ns: &str, name: &str, status: &str, restarts: u32) -> PodRow {
    PodRow {
        namespace: ns.into(),
        name: name.into(),
        status: status.into(),
        restarts,
        ..PodRow::default()
    }
}

pub(super) fn started(readonly: bool) -> State {
    let mut state = State::new(StartOptions {
        readonly,
        ..StartOptions::default()
    });
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ctx("dev"), ctx("prod")],
            selected: Some("dev".into()),
            fleet: Vec::new(),
            namespace: Some("shop".into()),
            error: None,
        },
    );
    let generation = state.context_gen;
    let names = ["default", "shop"].map(String::from).to_vec();
    update(&mut state, Msg::namespaces_listed(generation, names));
    let rows = vec![
        row("shop", "api-1", "Running", 3),
        row("shop", "db-0", "CrashLoopBackOff", 9),
        row("shop", "web-1", "Running", 0),
        row("shop", "web-2", "Pending", 1),
    ];
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    state
}

fn visible(state: &State) -> Vec<String> {
    state
        .pods
        .visible(0..usize::MAX)
        .map(|r| r.name.clone())
        .collect()
}

fn events(state: &mut State, events: Vec<Change<PodRow>>) {
    let generation = state.pods_gen;
    update(state, Msg::pod_changes(generation, events));
}

#[test]
fn filter_is_incremental_and_esc_clears() {
    let mut state = started(false);
    update(&mut state, key('/'));
    assert_eq!(
        state.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::Filter)
    );
    typed(&mut state, "WEB");
    assert_eq!(visible(&state), ["web-1", "web-2"]);
    typed(&mut state, "-2");
    assert_eq!(visible(&state), ["web-2"]);
    update(&mut state, code(KeyCode::Backspace));
    update(&mut state, code(KeyCode::Enter));
    assert!(state.prompt.is_none());
    assert_eq!(
        visible(&state),
        ["web-1", "web-2"],
        "filter kept after Enter"
    );
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(
        visible(&state).len(),
        4,
        "Esc on the table clears the filter"
    );
}

#[test]
fn regex_filter_and_invalid_regex() {
    let mut state = started(false);
    update(&mut state, key('/'));
    typed(&mut state, "~^(api|db)-");
    assert_eq!(visible(&state), ["api-1", "db-0"]);
    typed(&mut state, "(");
    assert!(visible(&state).is_empty(), "a broken regex matches nothing");
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(visible(&state).len(), 4, "Esc in the prompt clears");
}

#[test]
fn filter_stays_correct_under_watch_events() {
    let mut state = started(false);
    update(&mut state, key('/'));
    typed(&mut state, "web");
    update(&mut state, code(KeyCode::Enter));
    update(&mut state, key('j'));
    assert_eq!(
        state.pods.selected().map(|r| r.name.as_str()),
        Some("web-2")
    );
    events(
        &mut state,
        vec![
            Change::Added(row("shop", "web-0", "Pending", 0)),
            Change::Added(row("shop", "zzz", "Pending", 0)),
            Change::Added(row("shop", "aaa-web", "Pending", 0)),
            Change::Deleted(row("shop", "web-1", "Running", 0)),
            Change::Modified(row("shop", "api-1", "Running", 4)),
        ],
    );
    assert_eq!(visible(&state), ["aaa-web", "web-0", "web-2"]);
    assert_eq!(
        state.pods.selected().map(|r| r.name.as_str()),
        Some("web-2"),
        "the cursor stays on its pod"
    );
    // A big batch takes the rebuild path and gives the same answer.
    let many: Vec<Change<PodRow>> = (0..100)
        .map(|i| Change::Added(row("shop", &format!("web-x{i:03}"), "Running", 0)))
        .collect();
    events(&mut state, many);
    assert_eq!(visible(&state).len(), 103);
    assert_eq!(
        state.pods.selected().map(|r| r.name.as_str()),
        Some("web-2")
    );
}

#[test]
fn sort_by_columns_is_stable_and_reversible() {
    let mut state = started(false);
    update(&mut state, key('4'));
    assert_eq!(visible(&state), ["web-1", "web-2", "api-1", "db-0"]);
    update(&mut state, key('4'));
    assert_eq!(visible(&state), ["db-0", "api-1", "web-2", "web-1"]);
    update(&mut state, key('3'));
    assert_eq!(
        visible(&state),
        ["db-0", "web-2", "api-1", "web-1"],
        "ties by name"
    );
    assert_eq!(state.pods.view().sort().column, SortColumn::Status);
    // New rows land in sorted position.
    events(
        &mut state,
        vec![Change::Added(row("shop", "a-0", "Error", 0))],
    );
    assert_eq!(visible(&state)[1], "a-0");
    update(&mut state, key('2'));
    assert_eq!(visible(&state)[0], "a-0", "back to (namespace, name)");
}

#[test]
fn label_selector_rewatches_on_the_server() {
    let mut state = started(false);
    update(&mut state, key('/'));
    typed(&mut state, "-l app=web");
    assert_eq!(visible(&state).len(), 4, "no local filtering for selectors");
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::WatchPods {
            generation: state.pods_gen,
            context: "dev".into(),
            namespace: Some("shop".into()),
            label_selector: Some("app=web".into()),
            field_selector: None,
        }]
    );
    assert_eq!(state.label_selector.as_deref(), Some("app=web"));
    let effects = update(&mut state, code(KeyCode::Esc));
    assert!(matches!(effects.as_slice(), [Effect::WatchPods { .. }]));
    assert_eq!(state.label_selector, None);
}

/// 100 000 pods: the first keystroke scans every row, the next ones refine.
#[test]
fn filter_at_100k_rows_is_fast() {
    let mut state = started(false);
    let rows: Vec<PodRow> = (0..100_000)
        .map(|i| row("shop", &format!("app-{}-{i:06}", i % 97), "Running", 0))
        .collect();
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    update(&mut state, key('/'));
    let t = Instant::now();
    update(&mut state, key('1'));
    let first = t.elapsed();
    let t = Instant::now();
    typed(&mut state, "2-");
    let refine = t.elapsed();
    let t = Instant::now();
    update(&mut state, key('0'));
    update(&mut state, code(KeyCode::Enter));
    update(&mut state, key('4')); // sort by restarts
    let sort = t.elapsed();
    assert!(state.pods.visible_len() > 0);
    update(&mut state, code(KeyCode::Esc));
    let t = Instant::now();
    update(&mut state, key('5')); // sort all 100k by age
    let sort_all = t.elapsed();
    let t = Instant::now();
    let batch = (0..50)
        .map(|i| Change::Modified(row("shop", &format!("app-{}-{i:06}", i % 97), "Error", 1)))
        .collect();
    events(&mut state, batch);
    let patch = t.elapsed();
    eprintln!(
        "100k rows: first key {first:?}, two refining keys {refine:?}, sort of the matches \
         {sort:?}, sort of all rows {sort_all:?}, 50 watch events patched {patch:?}"
    );
    assert_eq!(state.pods.visible_len(), 100_000);
    assert!(first.as_millis() < 500, "{first:?}");
}

#[test]
fn yaml_view_fetches_renders_and_drops_stale_results() {
    let mut state = started(false);
    let effects = update(&mut state, key('y'));
    let id = state.detail.as_ref().map(|d| d.id).expect("a detail view");
    assert_eq!(
        effects,
        vec![Effect::FetchObject {
            id,
            context: "dev".into(),
            path: "/api/v1/namespaces/shop/pods/api-1".into(),
        }]
    );
    let object = json!({"metadata": {"name": "api-1", "managedFields": [{"manager": "kubectl"}]}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id: id + 100,
            result: Ok(json!({"stale": true})),
        },
    );
    assert!(state.detail.as_ref().is_some_and(|d| d.loading()));
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(object),
        },
    );
    let lines = |s: &State| match &s.detail.as_ref().map(|d| &d.view) {
        Some(DetailView::Yaml { pane, .. }) => pane.lines.join("\n"),
        _ => String::new(),
    };
    assert!(lines(&state).contains("name: api-1"));
    assert!(!lines(&state).contains("managedFields"));
    update(&mut state, key('m'));
    assert!(lines(&state).contains("managedFields"));
    update(&mut state, code(KeyCode::Esc));
    assert!(state.detail.is_none());
}

#[test]
fn logs_pick_the_container_and_restart_streams() {
    let mut state = started(false);
    update(&mut state, key('l'));
    let id = state.detail.as_ref().map(|d| d.id).expect("logs view");
    // Toggling before the pod arrived keeps waiting for it (same id), then starts with it.
    update(&mut state, key('t'));
    update(&mut state, key('t'));
    assert_eq!(state.detail.as_ref().map(|d| d.id), Some(id));
    let pod = json!({"spec": {"containers": [{"name": "app"}, {"name": "proxy"}]}});
    let effects = update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod),
        },
    );
    let request = |container: &str, previous: bool| LogRequest {
        namespace: "shop".into(),
        pod: "api-1".into(),
        container: Some(container.into()),
        previous,
        timestamps: false,
        tail_lines: Some(logs::DEFAULT_TAIL),
    };
    assert_eq!(
        effects,
        vec![Effect::StreamLogs {
            id,
            context: "dev".into(),
            request: request("app", false)
        }]
    );
    update(
        &mut state,
        Msg::LogLines {
            id,
            lines: vec!["hello".into()],
        },
    );
    // `c` opens the picker on the shown container; Esc closes it with nothing restarted.
    assert!(update(&mut state, key('c')).is_empty());
    let picking = |s: &State| match s.detail.as_ref().map(|d| &d.view) {
        Some(DetailView::Logs(l)) => l.picking,
        _ => None,
    };
    assert_eq!(picking(&state), Some(0));
    assert!(update(&mut state, code(KeyCode::Esc)).is_empty());
    assert_eq!(picking(&state), None);
    assert!(state.detail.is_some(), "Esc closed only the picker");
    // Down then Enter picks the sidecar.
    update(&mut state, key('c'));
    update(&mut state, key('j'));
    assert_eq!(picking(&state), Some(1));
    let effects = update(&mut state, code(KeyCode::Enter));
    assert_eq!(picking(&state), None);
    let new_id = state.detail.as_ref().map(|d| d.id).expect("logs view");
    assert_ne!(new_id, id);
    assert_eq!(
        effects,
        vec![Effect::StreamLogs {
            id: new_id,
            context: "dev".into(),
            request: request("proxy", false)
        }]
    );
    // Late lines of the old stream are dropped.
    update(
        &mut state,
        Msg::LogLines {
            id,
            lines: vec!["old".into()],
        },
    );
    let len = |s: &State| match &s.detail.as_ref().map(|d| &d.view) {
        Some(DetailView::Logs(l)) => l.buffer.len(),
        _ => usize::MAX,
    };
    assert_eq!(len(&state), 0);
    // `T` restarts the stream with the next tail size: 1000 → 10000 → whole log.
    let tail_of = |effects: Vec<Effect>| match effects.as_slice() {
        [Effect::StreamLogs { request, .. }] => request.tail_lines,
        other => panic!("expected one StreamLogs, got {other:?}"),
    };
    assert_eq!(tail_of(update(&mut state, key('T'))), Some(10_000));
    assert_eq!(tail_of(update(&mut state, key('T'))), None);
    update(&mut state, key('p'));
    assert_eq!(
        update(&mut state, code(KeyCode::Esc)),
        vec![Effect::StopLogs]
    );
}

#[test]
fn log_buffer_is_bounded_in_the_view() {
    let mut state = started(false);
    state.log_cap = 1000;
    update(&mut state, key('l'));
    let id = state.detail.as_ref().map(|d| d.id).expect("logs view");
    let pod = json!({"spec": {"containers": [{"name": "app"}]}});
    update(
        &mut state,
        Msg::ObjectFetched {
            id,
            result: Ok(pod),
        },
    );
    for batch in 0..50 {
        let lines = (0..100).map(|i| format!("{batch}-{i}")).collect();
        update(&mut state, Msg::LogLines { id, lines });
    }
    let Some(DetailView::Logs(logs)) = state.detail.as_ref().map(|d| &d.view) else {
        panic!("logs view");
    };
    assert_eq!(logs.buffer.len(), 1000);
    assert_eq!(logs.buffer.dropped(), 4000);
    assert_eq!(logs.buffer.get(999), Some("49-99"));
}

#[test]
fn delete_asks_and_shows_only_what_the_server_holds() {
    let mut state = started(false);
    assert!(update(&mut state, ctrl('d')).is_empty());
    let confirm = state.confirm.clone().expect("a dialog");
    assert_eq!(confirm.target.describe(), "pod shop/api-1");
    // Keys other than y/n do nothing while the dialog is up.
    assert!(update(&mut state, key('j')).is_empty());
    assert!(state.confirm.is_some());
    let effects = update(&mut state, key('y'));
    assert_eq!(
        effects,
        vec![Effect::Delete {
            context: "dev".into(),
            path: "/api/v1/namespaces/shop/pods/api-1".into(),
            what: "pod shop/api-1".into(),
        }]
    );
    // Nothing is shown that the server does not hold: the row waits for the server.
    let status = |state: &State| state.pods.visible_row(0).map(|r| r.status.clone());
    assert_eq!(status(&state).as_deref(), Some("Running"));
    update(
        &mut state,
        Msg::Deleted {
            what: "pod shop/api-1".into(),
            result: Ok(()),
        },
    );
    events(
        &mut state,
        vec![Change::Deleted(row("shop", "api-1", "Running", 0))],
    );
    assert_eq!(visible(&state), ["db-0", "web-1", "web-2"]);
    // n cancels.
    update(&mut state, ctrl('d'));
    assert!(update(&mut state, key('n')).is_empty());
    assert!(state.confirm.is_none());
    // A refused delete leaves the row as it was and says why.
    update(&mut state, ctrl('d'));
    update(&mut state, key('y'));
    let refused = crate::kube::Failure {
        kind: crate::kube::FailureKind::Api,
        code: Some(403),
        reason: "Forbidden".into(),
        message: "pods \"db-0\" is forbidden: User \"viewer\" cannot delete resource".into(),
        details: None,
    };
    let what = "pod shop/db-0".to_string();
    update(
        &mut state,
        Msg::Deleted {
            what,
            result: Err(refused),
        },
    );
    assert_eq!(status(&state).as_deref(), Some("CrashLoopBackOff"));
    let flash = state.flash.clone().expect("a message");
    assert!(flash.error && flash.text.contains("forbidden"), "{flash:?}");
}

#[test]
fn delete_is_refused_when_readonly() {
    let mut state = started(true);
    assert!(update(&mut state, ctrl('d')).is_empty());
    assert!(state.confirm.is_none());
    let flash = state.flash.clone().expect("a message");
    assert!(
        flash.error && flash.text.contains("--readonly"),
        "{flash:?}"
    );
}
