//! Snapshots of the object history (`h`), its diff, and `:deleted`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::render;
use super::testing::{demo_state, draw, now};
use crate::kube::raw_object::RawObject;
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event};
use crate::msg::Msg;
use crate::state::{State, update};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn enter() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

/// The selected pod (the crash-looping api pod) as a watch event brings it, `ago` seconds
/// before the snapshot clock.
fn api_pod(state: &State, restarts: u32, status: &str, replicas_label: &str, ago: i64) -> PodRow {
    let row = state.pods.selected().cloned().expect("a selected pod");
    let object = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": row.name, "namespace": row.namespace, "uid": "u-1",
            "resourceVersion": (100 - ago).to_string(), "labels": {"app": "api", "track": replicas_label}},
        "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:1.4.2"}]},
        "status": {"phase": "Running", "containerStatuses": [
            {"name": "api", "restartCount": restarts, "state": {"waiting": {"reason": status}}}]}
    });
    let seen = now() - jiff::SignedDuration::from_secs(ago);
    PodRow {
        restarts,
        status: status.into(),
        object: Some(Box::new(RawObject {
            json: object.to_string().into(),
            seen,
        })),
        ..row
    }
}

fn changed(state: &mut State, change: Change<PodRow>) {
    let generation = state.pods_gen;
    update(
        state,
        Msg::Pods {
            generation,
            event: Event::Changes(vec![change]),
        },
    );
}

/// The demo state after the api pod changed twice.
fn with_history() -> State {
    let mut state = demo_state(false);
    state.now = now();
    let first = api_pod(&state, 7, "CrashLoopBackOff", "stable", 120);
    changed(&mut state, Change::Modified(first));
    let second = api_pod(&state, 8, "Error", "canary", 30);
    changed(&mut state, Change::Modified(second));
    state
}

#[test]
fn history_pane_names_the_changed_fields() {
    let mut state = with_history();
    update(&mut state, key('h'));
    insta::assert_snapshot!(draw(140, 14, |f| render(f, &state)));
}

#[test]
fn history_diff_is_against_the_version_before() {
    let mut state = with_history();
    update(&mut state, key('h'));
    update(&mut state, enter());
    insta::assert_snapshot!(draw(100, 24, |f| render(f, &state)));
}

#[test]
fn deleted_lists_gone_objects_and_opens_their_yaml() {
    let mut state = with_history();
    let gone = api_pod(&state, 8, "OOMKilled", "canary", 5);
    changed(&mut state, Change::Deleted(gone));
    update(&mut state, key(':'));
    for c in "deleted".chars() {
        update(&mut state, key(c));
    }
    update(&mut state, enter());
    insta::assert_snapshot!("deleted_list", draw(120, 10, |f| render(f, &state)));
    let effects = update(&mut state, enter());
    let Some(crate::msg::Effect::FetchEvents { id, name, .. }) = effects.first() else {
        panic!("events asked for: {effects:?}");
    };
    assert_eq!(name, "api-7d9f8b6c5-x2x9q");
    let events = vec![
        json!({"type": "Warning", "reason": "OOMKilling", "message": "Memory cgroup out of memory",
        "lastTimestamp": "2026-11-20T11:59:50Z", "involvedObject": {"kind": "Pod", "name": name}}),
    ];
    update(
        &mut state,
        Msg::EventsFetched {
            id: *id,
            result: Ok(events),
        },
    );
    insta::assert_snapshot!("deleted_yaml", draw(100, 40, |f| render(f, &state)));
}
