//! The pulse view at the sizes people use, and without colour: pods by phase of the demo-like
//! pods, a restart the watch saw, nodes with a pressure and a cordon, and a session of samples.

use ratatui::style::Color;

use super::tests_layout::demo_pods;
use crate::kube::nodes::NodeHealth;
use crate::kube::watcher::Change;
use crate::msg::{Effect, Msg};
use crate::state::{State, pulse, update};
use crate::ui::render;
use crate::ui::testing::{demo_state, draw, now};

fn node(name: &str, ready: bool, problems: &[&str], cordoned: bool) -> NodeHealth {
    NodeHealth {
        name: name.into(),
        ready: Some(ready),
        problems: problems.iter().map(|p| p.to_string()).collect(),
        unschedulable: cordoned,
    }
}

/// All namespaces of the demo-like pods, coredns seen crashing once more, two minutes of
/// samples, four nodes.
fn pulse_state() -> State {
    let mut state = demo_state(true);
    let _watch = state.watch_pods(None, None);
    let generation = state.pods_gen;
    update(
        &mut state,
        Msg::pods_page(generation, demo_pods(), true, false),
    );
    state.now = now();
    let mut crash = demo_pods()
        .into_iter()
        .find(|p| p.status == "CrashLoopBackOff")
        .expect("a crash-looping pod");
    crash.restarts += 1;
    crash.last_restart = Some(now());
    update(
        &mut state,
        Msg::pod_changes(generation, vec![Change::Modified(crash)]),
    );
    for i in 0..120u64 {
        state
            .pulse
            .events
            .push((i * 37) % 23 + if i % 30 == 0 { 60 } else { 0 });
    }
    for i in 0..40u64 {
        state.pulse.latency.push(2_000 + (i * 1_300) % 9_000);
    }
    let effects = pulse::open(&mut state);
    let Some(Effect::PulseNodes { id, .. }) = effects.first() else {
        panic!("the pulse lists nodes: {effects:?}");
    };
    let nodes = vec![
        node("demo-control-plane", true, &[], false),
        node("demo-worker", true, &[], false),
        node("demo-worker-2", true, &["MemoryPressure"], false),
        node("demo-worker-3", true, &[], true),
    ];
    update(
        &mut state,
        Msg::PulseNodes {
            id: *id,
            result: Ok(nodes),
        },
    );
    state
}

#[test]
fn pulse_80x24() {
    let state = pulse_state();
    insta::assert_snapshot!(draw(80, 24, |f| render(f, &state)));
}

#[test]
fn pulse_160x48() {
    let state = pulse_state();
    insta::assert_snapshot!(draw(160, 48, |f| render(f, &state)));
}

/// Under NO_COLOR no cell keeps a colour, and every chart still says what it shows in words.
#[test]
fn pulse_no_color() {
    let mut state = pulse_state();
    state.opts.theme = crate::config::ThemeName::Mono;
    let terminal = crate::ui::testing::drawn(80, 24, |f| render(f, &state));
    let buffer = terminal.backend().buffer();
    let coloured = buffer
        .content
        .iter()
        .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
    assert!(!coloured, "no colour anywhere");
    let text = terminal.backend().to_string();
    for word in ["Running", "Failing", "Ready", "Pressure", "Cordoned", "+1"] {
        assert!(text.contains(word), "{word} is on screen:\n{text}");
    }
    insta::assert_snapshot!(text);
}

/// Before any sample or node list the panes say so rather than draw nothing.
#[test]
fn pulse_before_any_sample() {
    let mut state = demo_state(false);
    let _ = pulse::open(&mut state);
    let text = draw(80, 24, |f| render(f, &state));
    assert!(text.contains("listing nodes…"), "{text}");
    assert!(text.contains("no samples yet"), "{text}");
}
