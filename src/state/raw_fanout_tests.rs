//! The raw pane in a fleet: aimed at the selected row's context, and fanned out to all.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::kube::Failure;
use crate::kube::kubeconfig::ContextInfo;
use crate::kube::table::PodRow;
use crate::msg::{Msg, RawRequest};
use crate::state::fleet::Fleet;
use crate::state::{Focus, Screen, StartOptions, update};

fn key(state: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn send_all(state: &mut State) -> Vec<Effect> {
    key(state, KeyCode::Char('a'), KeyModifiers::ALT)
}

/// A fleet of "a", "b", "c" (the open context is "a") showing one pod of each.
fn fleet(readonly: bool) -> State {
    let mut state = State::new(StartOptions {
        readonly,
        ..StartOptions::default()
    });
    let info = |name: &str| ContextInfo {
        name: name.into(),
        cluster: "c".into(),
        user: "u".into(),
        namespace: None,
    };
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![info("a"), info("b"), info("c")],
            selected: Some("a".into()),
            fleet: Vec::new(),
            namespace: Some("shop".into()),
            error: None,
        },
    );
    let names = ["a", "b", "c"].map(String::from);
    state.fleet = Some(Fleet::new(&names));
    let pod = |context: &str| PodRow {
        namespace: "shop".into(),
        name: format!("web-{context}"),
        context: Some(context.into()),
        ..PodRow::default()
    };
    let generation = state.pods_gen;
    let rows = vec![pod("a"), pod("b"), pod("c")];
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    state
}

/// The pane open on the fleet, aimed at the open context.
fn open(readonly: bool) -> State {
    let mut state = fleet(readonly);
    state.focus = Focus::Namespaces;
    key(&mut state, KeyCode::Char('R'), KeyModifiers::NONE);
    assert_eq!(state.screen, Screen::Raw);
    state
}

/// (id, context) of every `SendRaw`.
fn sends(effects: &[Effect]) -> Vec<(u64, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SendRaw { id, context, .. } => Some((*id, context.clone())),
            _ => None,
        })
        .collect()
}

fn ok(body: &str) -> Result<RawResponse, Failure> {
    Ok(RawResponse {
        status: 200,
        reason: "OK".into(),
        body: body.as_bytes().to_vec(),
        total_bytes: body.len() as u64,
        latency: Duration::from_millis(5),
        ..RawResponse::default()
    })
}

fn column<'a>(state: &'a State, context: &str) -> &'a Answer {
    let fanout = state.raw.fanout.as_ref().expect("a fan-out");
    let found = fanout.columns.iter().find(|c| c.context == context);
    &found.expect("a column").answer
}

fn received_body(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Received(view) => Some(view.lines().join("")),
        _ => None,
    }
}

#[test]
fn opening_on_a_fleet_row_aims_at_its_context_and_loads_its_history() {
    let mut state = fleet(false);
    state.focus = Focus::Pods;
    key(&mut state, KeyCode::Char('j'), KeyModifiers::NONE);
    let effects = key(&mut state, KeyCode::Char('R'), KeyModifiers::NONE);
    assert_eq!(state.raw.target.as_deref(), Some("b"));
    assert_eq!(
        effects,
        vec![Effect::LoadHistory {
            context: "b".into()
        }]
    );
    // The open context's history is not this pane's; b's is.
    let entry = |url: &str| RawRequest {
        method: "GET".into(),
        url: url.into(),
        ..RawRequest::default()
    };
    let a = Msg::HistoryLoaded {
        context: "a".into(),
        entries: vec![entry("from-a")],
    };
    update(&mut state, a);
    assert!(state.raw.history.is_empty());
    let b = Msg::HistoryLoaded {
        context: "b".into(),
        entries: vec![entry("from-b")],
    };
    update(&mut state, b);
    assert_eq!(state.raw.history.len(), 1);
    let effects = key(&mut state, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(sends(&effects).first().map(|s| s.1.as_str()), Some("b"));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveHistory { context, .. } if context == "b")),
        "{effects:?}"
    );
}

#[test]
fn fanout_sends_one_get_per_context_and_answers_land_in_their_column() {
    let mut state = open(true);
    let effects = send_all(&mut state);
    let sent = sends(&effects);
    let contexts: Vec<&str> = sent.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(contexts, ["a", "b", "c"]);
    let ids: Vec<u64> = sent.iter().map(|s| s.0).collect();
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "{ids:?}");
    assert!(matches!(effects.last(), Some(Effect::SaveHistory { .. })));
    // The spinner turns while answers are awaited.
    let spinner = state.spinner;
    let now = state.now;
    crate::state::on_tick(&mut state, now);
    assert_eq!(state.spinner, spinner.wrapping_add(1));
    // b answers first, then a fails; c is still waiting and blocks no one.
    update(
        &mut state,
        Msg::RawResponse {
            id: ids[1],
            result: ok(r#"{"b":1}"#),
        },
    );
    assert_eq!(state.raw.focus, Field::Response);
    let failed = Err(Failure::other("connection refused"));
    update(
        &mut state,
        Msg::RawResponse {
            id: ids[0],
            result: failed,
        },
    );
    assert!(received_body(column(&state, "b")).is_some_and(|b| b.contains("\"b\": 1")));
    assert!(matches!(column(&state, "a"), Answer::Failed(e) if e == "connection refused"));
    assert!(matches!(column(&state, "c"), Answer::Waiting));
    // Esc cancels only what is still waiting.
    let effects = key(&mut state, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(effects, vec![Effect::CancelRaw { id: ids[2] }]);
    assert!(matches!(column(&state, "c"), Answer::Failed(e) if e == "cancelled"));
    assert_eq!(state.screen, Screen::Raw);
    // A single send replaces the fan-out.
    let effects = key(&mut state, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(sends(&effects).len(), 1);
    assert!(state.raw.fanout.is_none());
}

#[test]
fn late_answers_of_an_older_fanout_are_dropped() {
    let mut state = open(false);
    let first = sends(&send_all(&mut state));
    // A second fan-out waits for the first.
    assert!(sends(&send_all(&mut state)).is_empty());
    key(&mut state, KeyCode::Esc, KeyModifiers::NONE);
    let second = sends(&send_all(&mut state));
    assert_eq!(second.len(), 3);
    for (id, _) in &first {
        update(
            &mut state,
            Msg::RawResponse {
                id: *id,
                result: ok("{}"),
            },
        );
    }
    for context in ["a", "b", "c"] {
        assert!(matches!(column(&state, context), Answer::Waiting));
    }
    update(
        &mut state,
        Msg::RawResponse {
            id: second[2].0,
            result: ok("{}"),
        },
    );
    assert!(received_body(column(&state, "c")).is_some());
}

#[test]
fn mutating_fanout_and_fanout_without_a_fleet_are_refused() {
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let mut state = open(false);
        while state.raw.method() != method {
            key(&mut state, KeyCode::Right, KeyModifiers::NONE);
        }
        key(&mut state, KeyCode::Tab, KeyModifiers::NONE);
        let effects = send_all(&mut state);
        assert!(effects.is_empty(), "{method}: {effects:?}");
        let error = state.raw.error.clone().unwrap_or_default();
        assert!(error.contains("not sent to the whole fleet"), "{error}");
        assert!(state.raw.fanout.is_none());
    }
    let mut state = open(false);
    state.fleet = None;
    assert!(send_all(&mut state).is_empty());
    let error = state.raw.error.clone().unwrap_or_default();
    assert!(error.contains("every context of a fleet"), "{error}");
}
