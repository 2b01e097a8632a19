//! The filter over every cell (or `name:`), where the cursor goes, and the filter line's
//! shell-like editing, driven through `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests_pods::{code, ctrl, key, started, typed};
use super::*;
use crate::kube::table::PodRow;

fn visible(state: &State) -> Vec<String> {
    state
        .pods
        .visible(0..usize::MAX)
        .map(|r| r.name.clone())
        .collect()
}

fn selected(state: &State) -> Option<String> {
    state.pods.selected().map(|r| r.name.clone())
}

fn prompt(state: &State) -> String {
    let prompt = state.prompt.as_ref().expect("the prompt is open");
    let (before, after) = prompt.input.split();
    format!("{before}|{after}")
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

/// Pods of `started` with READY, IP and NODE filled in.
fn with_cells() -> State {
    let mut state = started(false);
    let cell = |name: &str, ready: &str, status: &str, node: &str| PodRow {
        namespace: "shop".into(),
        name: name.into(),
        ready: ready.into(),
        status: status.into(),
        restarts: if name == "db-0" { 9 } else { 0 },
        ip: "10.244.0.7".into(),
        node: node.into(),
        ..PodRow::default()
    };
    let rows = vec![
        cell("api-1", "1/1", "Running", "worker-a"),
        cell("db-0", "0/1", "CrashLoopBackOff", "worker-b"),
        cell("web-1", "2/2", "Running", "worker-b"),
        cell("web-2", "0/2", "Pending", ""),
    ];
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    state
}

#[test]
fn the_filter_matches_every_cell_and_name_prefix_narrows_to_names() {
    let mut state = with_cells();
    update(&mut state, key('/'));
    typed(&mut state, "running");
    assert_eq!(visible(&state), ["api-1", "web-1"], "STATUS, any case");
    update(&mut state, ctrl('u'));
    typed(&mut state, "2/2");
    assert_eq!(visible(&state), ["web-1"], "READY");
    update(&mut state, ctrl('u'));
    typed(&mut state, "worker-b");
    assert_eq!(visible(&state), ["db-0", "web-1"], "NODE");
    update(&mut state, ctrl('u'));
    typed(&mut state, "9");
    assert_eq!(visible(&state), ["db-0"], "the RESTARTS count");
    update(&mut state, ctrl('u'));
    typed(&mut state, "~^0/");
    assert_eq!(
        visible(&state),
        ["db-0", "web-2"],
        "a regex anchors to a cell"
    );
    update(&mut state, ctrl('u'));
    typed(&mut state, "name:worker");
    assert!(visible(&state).is_empty(), "name: looks at NAME only");
    update(&mut state, ctrl('u'));
    typed(&mut state, "name:~-\\d$");
    assert_eq!(visible(&state), ["api-1", "db-0", "web-1", "web-2"]);
    update(&mut state, ctrl('u'));
    typed(&mut state, "shop");
    assert!(
        visible(&state).is_empty(),
        "the namespace is not a column of a one-namespace table"
    );
}

#[test]
fn the_cursor_stays_on_a_matching_row_else_goes_to_the_first_match() {
    let mut state = with_cells();
    update(&mut state, key('G')); // web-2, Pending
    update(&mut state, key('/'));
    typed(&mut state, "web");
    assert_eq!(selected(&state).as_deref(), Some("web-2"), "still matches");
    update(&mut state, ctrl('u'));
    typed(&mut state, "running");
    assert_eq!(
        selected(&state).as_deref(),
        Some("api-1"),
        "the first match"
    );
    update(&mut state, code(KeyCode::Esc));
    assert_eq!(
        selected(&state).as_deref(),
        Some("api-1"),
        "clearing keeps it"
    );
}

#[test]
fn the_filter_line_edits_like_a_shell_and_filters_as_it_changes() {
    let mut state = with_cells();
    update(&mut state, key('/'));
    typed(&mut state, "web-2");
    assert_eq!(visible(&state), ["web-2"]);
    update(&mut state, code(KeyCode::Left));
    update(&mut state, code(KeyCode::Left));
    assert_eq!(prompt(&state), "web|-2");
    update(&mut state, ctrl('k'));
    assert_eq!(prompt(&state), "web|");
    assert_eq!(
        visible(&state),
        ["web-1", "web-2"],
        "filters as the line changes"
    );
    update(&mut state, ctrl('a'));
    typed(&mut state, "name:");
    assert_eq!(prompt(&state), "name:|web");
    update(&mut state, ctrl('e'));
    update(&mut state, alt('b'));
    assert_eq!(prompt(&state), "name:|web");
    update(&mut state, code(KeyCode::Home));
    update(&mut state, alt('f'));
    assert_eq!(prompt(&state), "name|:web");
    update(&mut state, code(KeyCode::End));
    update(&mut state, ctrl('w'));
    assert_eq!(prompt(&state), "|", "ctrl-w kills back to whitespace");
    assert_eq!(visible(&state).len(), 4);
    typed(&mut state, "api");
    update(&mut state, code(KeyCode::Home));
    update(&mut state, code(KeyCode::Delete));
    assert_eq!(prompt(&state), "|pi");
    assert_eq!(
        update(&mut state, ctrl('c')),
        vec![Effect::Quit],
        "ctrl-c still quits"
    );
}

#[test]
fn the_command_line_edits_the_same_way() {
    let mut state = with_cells();
    update(&mut state, key(':'));
    typed(&mut state, "ns default");
    update(&mut state, ctrl('w'));
    typed(&mut state, "shop");
    assert_eq!(prompt(&state), "ns shop|");
    update(&mut state, code(KeyCode::Home));
    update(&mut state, ctrl('k'));
    typed(&mut state, "ctx prod");
    let effects = update(&mut state, code(KeyCode::Enter));
    assert!(
        matches!(effects.first(), Some(Effect::Connect { context, .. }) if context == "prod"),
        "{effects:?}"
    );
}
