//! `update` sequences for the pulse view: the samples it keeps, the counts it draws, and the
//! node list it renews only while open.

use std::time::Duration;

use crossterm::event::KeyCode;

use super::*;
use crate::kube::table::PodRow;
use crate::msg::{Msg, ServerVersion};
use crate::state::tests_pods::{code, key, started, typed};
use crate::state::update;

fn at(second: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_790_000_000 + second).expect("valid time")
}

fn tick(state: &mut State, second: i64) -> Vec<Effect> {
    update(state, Msg::Tick(at(second)))
}

fn row(ns: &str, name: &str, status: &str, restarts: u32, last: Option<i64>) -> PodRow {
    PodRow {
        namespace: ns.into(),
        name: name.into(),
        status: status.into(),
        restarts,
        last_restart: last.map(at),
        ..PodRow::default()
    }
}

fn changes(state: &mut State, changes: Vec<Change<PodRow>>) {
    let generation = state.pods_gen;
    update(state, Msg::pod_changes(generation, changes));
}

fn version(state: &mut State, millis: u64) {
    let generation = state.context_gen;
    let version = ServerVersion {
        git_version: "v1.33.0".into(),
        platform: "linux/amd64".into(),
    };
    let result = Ok((version, Duration::from_millis(millis)));
    update(state, Msg::Version { generation, result });
}

fn open_pulse(state: &mut State) -> u64 {
    update(state, key(':'));
    typed(state, "pulse");
    let effects = update(state, code(KeyCode::Enter));
    assert_eq!(state.screen, Screen::Pulse);
    match effects.as_slice() {
        [Effect::PulseNodes { id, context }] if context == "dev" => *id,
        other => panic!("expected one node list of dev, got {other:?}"),
    }
}

/// Each whole second closes one sample of the watch events received in it; quiet seconds are
/// zeros, so a stalled watch shows as a flat line.
#[test]
fn watch_events_become_one_sample_a_second() {
    let mut state = started(false);
    tick(&mut state, 0);
    let modified = |n| Change::Modified(row("shop", "web-1", "Running", n, None));
    changes(&mut state, vec![modified(0), modified(0), modified(0)]);
    tick(&mut state, 1);
    changes(&mut state, vec![modified(0)]);
    tick(&mut state, 4);
    assert_eq!(state.pulse.events.newest(10), [3, 1, 0, 0]);
    assert_eq!(state.pulse.events.peak(), Some(3));
}

/// A pod whose restart count goes up while watched ranks first among the pods that restarted
/// in the last hour; an hour later it has dropped out.
#[test]
fn restarts_seen_rank_the_last_hour() {
    let mut state = started(false);
    tick(&mut state, 0);
    let generation = state.pods_gen;
    let rows = vec![
        row("shop", "api-1", "Running", 3, Some(-600)),
        row("shop", "db-0", "CrashLoopBackOff", 9, Some(-300)),
        row("shop", "old-0", "Running", 40, Some(-7200)),
        row("shop", "web-1", "Running", 0, None),
    ];
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    changes(
        &mut state,
        vec![Change::Modified(row(
            "shop",
            "api-1",
            "Running",
            5,
            Some(0),
        ))],
    );
    tick(&mut state, 1);
    let now = state.now.as_second();
    let top = top_restarts(state.pods.rows(), &state.pulse, now);
    let names: Vec<(&str, u32)> = top.iter().map(|r| (r.row.name.as_str(), r.seen)).collect();
    // api-1 went 3→5 while watched; db-0 restarted 5 minutes ago (9 in all); old-0 two hours ago.
    assert_eq!(names, [("api-1", 2), ("db-0", 0)]);
    tick(&mut state, 3700);
    let now = state.now.as_second();
    let top = top_restarts(state.pods.rows(), &state.pulse, now);
    assert!(
        top.is_empty(),
        "nothing restarted in the last hour: {top:?}"
    );
    assert_eq!(state.pulse.restarts_seen("shop", "api-1", now), 0);
}

/// STATUS words fall into phases; the namespaces with failing pods come first.
#[test]
fn pods_group_by_phase_per_namespace() {
    assert_eq!(phase("Running"), Phase::Running);
    assert_eq!(phase("Init:1/3"), Phase::Pending);
    assert_eq!(phase("Init:CrashLoopBackOff"), Phase::Failing);
    assert_eq!(phase("ImagePullBackOff"), Phase::Failing);
    assert_eq!(phase("Completed"), Phase::Succeeded);
    assert_eq!(phase("Terminating"), Phase::Terminating);
    let rows = vec![
        row("big", "a", "Running", 0, None),
        row("big", "b", "Running", 0, None),
        row("big", "c", "Running", 0, None),
        row("small", "d", "CrashLoopBackOff", 0, None),
        row("small", "e", "Pending", 0, None),
    ];
    let counts = by_namespace(&rows);
    let got: Vec<(&str, [u64; 5])> = counts.iter().map(|n| (n.namespace, n.counts)).collect();
    assert_eq!(got, [("small", [0, 1, 1, 0, 0]), ("big", [3, 0, 0, 0, 0])]);
}

/// `:pulse` lists the nodes; a list answered for an older ask is dropped; while open the list
/// is renewed every 15 s, and not once the view is closed.
#[test]
fn nodes_are_listed_while_the_view_is_open() {
    let mut state = started(false);
    tick(&mut state, 0);
    let id = open_pulse(&mut state);
    let node = |name: &str| NodeHealth {
        name: name.into(),
        ready: Some(true),
        ..NodeHealth::default()
    };
    update(
        &mut state,
        Msg::PulseNodes {
            id: id + 100,
            result: Ok(vec![node("stale")]),
        },
    );
    assert_eq!(state.pulse.nodes, None);
    let result = Ok(vec![node("w1"), node("w2")]);
    update(&mut state, Msg::PulseNodes { id, result });
    let names = |s: &State| match &s.pulse.nodes {
        Some(Ok(nodes)) => nodes.iter().map(|n| n.name.clone()).collect(),
        _ => Vec::new(),
    };
    assert_eq!(names(&state), ["w1", "w2"]);
    let lists = |effects: Vec<Effect>| {
        let lists = effects
            .iter()
            .filter(|e| matches!(e, Effect::PulseNodes { .. }));
        lists.count()
    };
    assert_eq!(lists(tick(&mut state, 10)), 0);
    assert_eq!(lists(tick(&mut state, 15)), 1);
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(state.screen, Screen::Main);
    assert_eq!(lists(tick(&mut state, 40)), 0);
}

/// Every `/version` answer is a latency sample; a new context starts its own series.
#[test]
fn latency_is_sampled_per_context() {
    let mut state = started(false);
    version(&mut state, 12);
    version(&mut state, 3);
    assert_eq!(state.pulse.latency.newest(5), [12_000, 3_000]);
    let _ = state.open_context("prod".into(), None);
    assert!(state.pulse.latency.is_empty());
}

/// In the view, movement scrolls the namespaces of the phases chart, within bounds.
#[test]
fn movement_scrolls_the_namespaces() {
    let mut state = started(false);
    let generation = state.pods_gen;
    let rows = vec![
        row("a", "p", "Running", 0, None),
        row("b", "p", "Running", 0, None),
        row("c", "p", "Running", 0, None),
    ];
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    open_pulse(&mut state);
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    update(&mut state, key('j'));
    assert_eq!(state.pulse.scroll, 2);
    update(&mut state, key('g'));
    assert_eq!(state.pulse.scroll, 0);
}
