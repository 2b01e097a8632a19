//! `update` sequences of an edit: the read, the editor, the dry run and its diff, the apply,
//! and the 409, 422, syntax-error and unchanged paths.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use super::Step;
use crate::kube::discovery::ApiResource;
use crate::kube::error::{StatusCause, StatusDetails};
use crate::kube::{Failure, FailureKind};
use crate::msg::edit::{EditEffect, EditEvent};
use crate::msg::{Effect, Foreground, Msg};
use crate::state::detail::ObjectRef;
use crate::state::{StartOptions, State, update};
use crate::ui::testing::demo_state;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn deployment() -> ObjectRef {
    ObjectRef {
        context: None,
        resource: ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            kind: "Deployment".into(),
            namespaced: true,
            verbs: ["get", "list", "update"].map(String::from).to_vec(),
            ..ApiResource::default()
        },
        namespace: Some("shop".into()),
        name: "web".into(),
    }
}

fn live() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7", "labels": {"app": "web"}},
        "spec": {"replicas": 2}})
}

fn id(state: &State) -> u64 {
    state.edit.as_ref().map(|e| e.id).expect("an edit")
}

fn event(state: &mut State, event: EditEvent) -> Vec<Effect> {
    let id = id(state);
    update(state, Msg::Edit { id, event })
}

fn flash(state: &State) -> String {
    state
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// The text the editor was handed.
fn handed(effects: &[Effect]) -> String {
    match effects {
        [Effect::Foreground(Foreground::Edit { text, name, .. })] => {
            assert_eq!(name, "deployments-web");
            text.clone()
        }
        other => panic!("expected the editor, got {other:?}"),
    }
}

/// Starts an edit of the deployment and reads it: the editor gets its YAML.
fn opened(state: &mut State) -> String {
    let effects = super::start(state, deployment());
    let id = id(state);
    assert_eq!(
        effects,
        vec![Effect::Edit(EditEffect::Fetch {
            id,
            context: "kind-dev".into(),
            path: "/apis/apps/v1/namespaces/shop/deployments/web".into()
        })]
    );
    handed(&event(state, EditEvent::Fetched(Ok(live()))))
}

fn labelled(text: &str) -> String {
    text.replace("    app: web\n", "    app: web\n    team: blue\n")
}

fn failure(code: u16, message: &str, causes: Vec<StatusCause>) -> Failure {
    Failure {
        kind: FailureKind::Api,
        code: Some(code),
        reason: String::new(),
        message: message.into(),
        details: Some(Box::new(StatusDetails {
            name: "web".into(),
            group: "apps".into(),
            kind: "deployments".into(),
            causes,
            retry_after_seconds: None,
        })),
    }
}

#[test]
fn a_label_goes_through_a_dry_run_and_its_diff_before_the_apply() {
    let mut state = demo_state(false);
    let text = opened(&mut state);
    assert!(
        text.starts_with("# Please edit the object below."),
        "{text}"
    );
    assert!(text.contains("resourceVersion: '7'") || text.contains("resourceVersion: \"7\""));
    let effects = event(&mut state, EditEvent::Edited(Ok(labelled(&text))));
    let [
        Effect::Edit(EditEffect::Replace {
            body,
            dry_run: true,
            ..
        }),
    ] = effects.as_slice()
    else {
        panic!("a dry run: {effects:?}");
    };
    assert_eq!(body["metadata"]["labels"]["team"], "blue");
    assert_eq!(body["metadata"]["resourceVersion"], "7", "the version read");
    // The server's answer shows what it would store, defaults included.
    let mut answer = live();
    answer["metadata"]["labels"]["team"] = json!("blue");
    answer["metadata"]["generation"] = json!(2);
    event(&mut state, EditEvent::DryRun(Ok(answer.clone())));
    let edit = state.edit.as_ref().expect("still editing");
    assert_eq!(edit.step, Step::Review);
    let lines = &edit.pane.lines;
    assert!(lines.contains(&"+    team: blue".to_string()), "{lines:#?}");
    assert!(
        lines.contains(&"+  generation: 2".to_string()),
        "{lines:#?}"
    );
    // `y` applies the same body, for real.
    let effects = update(&mut state, key('y'));
    let [
        Effect::Edit(EditEffect::Replace {
            body: applied,
            dry_run: false,
            ..
        }),
    ] = effects.as_slice()
    else {
        panic!("the apply: {effects:?}");
    };
    assert_eq!(applied, body);
    event(&mut state, EditEvent::Applied(Ok(answer)));
    assert!(state.edit.is_none());
    assert_eq!(flash(&state), "deployment.apps/web edited");
}

/// A late answer for an edit that was replaced by another leaves the new one alone.
#[test]
fn answers_of_an_older_edit_are_dropped() {
    let mut state = demo_state(false);
    opened(&mut state);
    let old = id(&state);
    opened(&mut state);
    let current = id(&state);
    assert_ne!(old, current);
    let stale = EditEvent::DryRun(Ok(live()));
    assert!(
        update(
            &mut state,
            Msg::Edit {
                id: old,
                event: stale
            }
        )
        .is_empty()
    );
    let edit = state.edit.as_ref().expect("the current edit stays");
    assert_eq!((edit.id, &edit.step), (current, &Step::Editing));
}

#[test]
fn an_unchanged_or_empty_file_cancels_and_esc_discards() {
    let mut state = demo_state(false);
    let text = opened(&mut state);
    // Comments do not count as a change.
    let edited = format!("# my note\n{text}");
    assert!(event(&mut state, EditEvent::Edited(Ok(edited))).is_empty());
    assert_eq!(flash(&state), "edit cancelled, no changes");
    assert!(state.edit.is_none());

    let text = opened(&mut state);
    let _ = text;
    event(&mut state, EditEvent::Edited(Ok("# nothing\n\n".into())));
    assert_eq!(flash(&state), "edit cancelled, saved file was empty");

    let text = opened(&mut state);
    event(&mut state, EditEvent::Edited(Ok(labelled(&text))));
    event(&mut state, EditEvent::DryRun(Ok(live())));
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert_eq!(flash(&state), "edit discarded");
    assert!(state.edit.is_none());
}

/// A syntax error or a 422 reopens the editor on the user's text, the errors on top.
#[test]
fn invalid_edits_come_back_to_the_editor_with_the_errors() {
    let mut state = demo_state(false);
    let text = opened(&mut state);
    let broken = text.replace("replicas: 2", "replicas: [2");
    let again = handed(&event(&mut state, EditEvent::Edited(Ok(broken))));
    assert!(
        again.contains("# The edited file had a syntax error:"),
        "{again}"
    );
    assert!(again.contains("replicas: [2"), "the user's text is kept");

    let negative = text.replace("replicas: 2", "replicas: -1");
    event(&mut state, EditEvent::Edited(Ok(negative)));
    let cause = StatusCause {
        reason: "FieldValueInvalid".into(),
        message: "Invalid value: -1: must be greater than or equal to 0".into(),
        field: "spec.replicas".into(),
    };
    let refused = failure(422, "Deployment.apps \"web\" is invalid", vec![cause]);
    let again = handed(&event(&mut state, EditEvent::DryRun(Err(refused))));
    assert!(
        again.contains(
            "# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"
        ),
        "{again}"
    );
    assert!(again.contains("replicas: -1"));
    // Saved again without a change: cancelled, as kubectl does.
    event(&mut state, EditEvent::Edited(Ok(again)));
    assert_eq!(flash(&state), "edit cancelled, no changes");
}

/// A 409: nothing applied; the server's change is shown, and `e` reopens the latest version
/// with the user's change carried onto it.
#[test]
fn a_conflict_never_overwrites_and_carries_the_edit_over() {
    let mut state = demo_state(false);
    let text = opened(&mut state);
    event(&mut state, EditEvent::Edited(Ok(labelled(&text))));
    event(&mut state, EditEvent::DryRun(Ok(live())));
    update(&mut state, key('y'));
    let message = "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again";
    let effects = event(
        &mut state,
        EditEvent::Applied(Err(failure(409, message, vec![]))),
    );
    let id = id(&state);
    assert_eq!(
        effects,
        vec![Effect::Edit(EditEffect::Fetch {
            id,
            context: "kind-dev".into(),
            path: "/apis/apps/v1/namespaces/shop/deployments/web".into()
        })]
    );
    let edit = state.edit.as_ref().expect("still editing");
    assert_eq!(edit.note, vec![message.to_string()]);
    let mut latest = live();
    latest["metadata"]["resourceVersion"] = json!("9");
    latest["metadata"]["labels"]["owner"] = json!("ops");
    event(&mut state, EditEvent::Fetched(Ok(latest)));
    let lines = &state.edit.as_ref().expect("editing").pane.lines;
    assert!(lines.contains(&"+    owner: ops".to_string()), "{lines:#?}");
    assert!(lines[0].contains("resourceVersion 7") && lines[1].contains("resourceVersion 9"));
    // `y` does nothing here: only `e` or a discard.
    assert!(update(&mut state, key('y')).is_empty());
    let again = handed(&update(&mut state, key('e')));
    assert!(
        again.contains("owner: ops") && again.contains("team: blue"),
        "{again}"
    );
    assert!(
        again.contains("# The object changed on the server"),
        "{again}"
    );
    // Saved as it came: the carried change is a change. The next apply carries the latest
    // version's resourceVersion.
    let effects = event(&mut state, EditEvent::Edited(Ok(again)));
    let [Effect::Edit(EditEffect::Replace { body, .. })] = effects.as_slice() else {
        panic!("a dry run: {effects:?}");
    };
    assert_eq!(body["metadata"]["resourceVersion"], "9");
}

#[test]
fn readonly_refuses_before_anything_is_read() {
    let mut state = demo_state(false);
    state.opts.readonly = true;
    assert!(update(&mut state, key('e')).is_empty());
    assert_eq!(flash(&state), "read-only mode (--readonly): edit refused");
    assert!(state.edit.is_none());
    // Without --readonly, `e` on the pods table reads the selected pod.
    let mut state = State::new(StartOptions::default());
    assert!(
        update(&mut state, key('e')).is_empty(),
        "no pod, nothing read"
    );
    let mut state = demo_state(false);
    let effects = update(&mut state, key('e'));
    assert!(
        matches!(effects.as_slice(), [Effect::Edit(EditEffect::Fetch { path, .. })] if path.starts_with("/api/v1/namespaces/shop/pods/")),
        "{effects:?}"
    );
}

/// Other failures keep the text in a file and say where.
#[test]
fn other_failures_keep_the_text() {
    let mut state = demo_state(false);
    let text = opened(&mut state);
    event(&mut state, EditEvent::Edited(Ok(labelled(&text))));
    let effects = event(
        &mut state,
        EditEvent::DryRun(Err(failure(500, "etcd is down", vec![]))),
    );
    let [Effect::Edit(EditEffect::Keep { text: kept, .. })] = effects.as_slice() else {
        panic!("keep the text: {effects:?}");
    };
    assert!(kept.contains("team: blue") && !kept.contains("# Please"));
    event(
        &mut state,
        EditEvent::Kept(Ok("/tmp/kr8s-tui-edit-1.yaml".into())),
    );
    assert_eq!(
        flash(&state),
        "edit deployments/web failed: etcd is down; your text is kept in /tmp/kr8s-tui-edit-1.yaml"
    );
    assert!(state.edit.is_none());
}

/// `e` in a YAML view edits its object; after the apply the view reads it again.
#[test]
fn e_in_a_yaml_view_edits_that_object_and_refreshes_it() {
    let mut state = demo_state(false);
    update(&mut state, key('y'));
    let detail = state.detail.as_ref().map(|d| (d.id, d.target.clone()));
    let (detail_id, target) = detail.expect("a YAML view");
    let effects = update(&mut state, key('e'));
    assert!(
        matches!(effects.as_slice(), [Effect::Edit(EditEffect::Fetch { path, .. })] if *path == target.path()),
        "{effects:?}"
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": target.name, "namespace": "shop", "resourceVersion": "3"}});
    let text = handed_any(&event(&mut state, EditEvent::Fetched(Ok(pod.clone()))));
    event(
        &mut state,
        EditEvent::Edited(Ok(
            text.replace("resourceVersion", "labels:\n    a: b\n  resourceVersion")
        )),
    );
    event(&mut state, EditEvent::DryRun(Ok(pod.clone())));
    update(&mut state, key('y'));
    let effects = event(&mut state, EditEvent::Applied(Ok(pod)));
    assert!(
        effects.contains(&Effect::FetchObject {
            id: detail_id,
            context: "kind-dev".into(),
            path: target.path()
        }),
        "{effects:?}"
    );
    assert!(flash(&state).starts_with("pod/"), "{}", flash(&state));
    assert!(flash(&state).ends_with(" edited"));
}

fn handed_any(effects: &[Effect]) -> String {
    match effects {
        [Effect::Foreground(Foreground::Edit { text, .. })] => text.clone(),
        other => panic!("expected the editor, got {other:?}"),
    }
}
