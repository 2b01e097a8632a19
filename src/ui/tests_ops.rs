//! Snapshots of the operations: the scale dialog, the drain progress view and a table with
//! marked rows.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::kube::discovery::ApiResource;
use crate::kube::ops::drain::{DrainEvent, DrainOptions, PlannedPod, PodProgress, Skip};
use crate::msg::Msg;
use crate::state::detail::ObjectRef;
use crate::state::{ops, update};
use crate::ui::render;
use crate::ui::testing::{demo_state, draw};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn scale_dialog() {
    let mut state = demo_state(false);
    state.ops.dialog = Some(ops::Dialog::Scale {
        target: ObjectRef {
            context: None,
            resource: ApiResource {
                group: "apps".into(),
                plural: "deployments".into(),
                singular: "deployment".into(),
                ..ApiResource::default()
            },
            namespace: Some("shop".into()),
            name: "hello-web".into(),
        },
        current: Some(2),
        input: "2".into(),
    });
    update(&mut state, key('+'));
    insta::assert_snapshot!(draw(80, 20, |f| render(f, &state)));
}

#[test]
fn drain_progress_view() {
    let mut state = demo_state(false);
    let effects =
        crate::state::drain::start(&mut state, "worker-2".into(), DrainOptions::default());
    assert_eq!(effects.len(), 1);
    let id = state.ops.drain.as_ref().map(|d| d.id).expect("drain");
    let pod = |ns: &str, name: &str, skip| PlannedPod {
        namespace: ns.into(),
        name: name.into(),
        uid: String::new(),
        skip,
    };
    let retry_at = state.now + jiff::SignedDuration::from_secs(3);
    let events = [
        DrainEvent::Cordoned,
        DrainEvent::Planned(vec![
            pod("default", "hello-web-7d9f8-abcde", None),
            pod("shop", "api-5f6d7-qwert", None),
            pod("shop", "cache-0", None),
            pod("kube-system", "node-agent-x2x9q", Some(Skip::DaemonSet)),
        ]),
        DrainEvent::Pod {
            index: 0,
            progress: PodProgress::Evicted,
        },
        DrainEvent::Pod {
            index: 1,
            progress: PodProgress::Waiting {
                attempt: 2,
                retry_at,
                message: "Cannot evict pod as it would violate the pod's disruption budget.".into(),
            },
        },
        DrainEvent::Pod {
            index: 2,
            progress: PodProgress::Evicting,
        },
    ];
    for event in events {
        update(&mut state, Msg::Drain { id, event });
    }
    insta::assert_snapshot!(draw(110, 16, |f| render(f, &state)));
}

#[test]
fn marked_rows_and_the_count_in_the_title() {
    let mut state = demo_state(false);
    update(&mut state, key(' '));
    update(&mut state, key('j'));
    update(&mut state, key(' '));
    insta::assert_snapshot!(draw(100, 14, |f| render(f, &state)));
}
