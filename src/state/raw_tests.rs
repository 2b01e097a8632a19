//! The raw-request pane and request log driven by messages.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::raw::Field;
use super::raw_response::BodyFormat;
use super::*;
use crate::kube::table::PodRow;
use crate::msg::history::MAX_ENTRIES;
use crate::msg::{RawRequest, RawResponse, RequestRecord};

fn press(state: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    press(state, code, KeyModifiers::NONE)
}

fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    press(state, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

/// Focus `field` with Tab from wherever the focus is.
fn focus(state: &mut State, field: Field) {
    for _ in 0..12 {
        if state.raw.focus == field {
            return;
        }
        key(state, KeyCode::Tab);
    }
    panic!("{field:?} not reachable");
}

/// Connected to "dev", namespace "shop", with two pods; pods pane focused.
fn connected(readonly: bool) -> State {
    let mut state = State::new(StartOptions {
        readonly,
        ..StartOptions::default()
    });
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ContextInfo {
                name: "dev".into(),
                cluster: "c".into(),
                user: "u".into(),
                namespace: None,
            }],
            selected: Some("dev".into()),
            fleet: Vec::new(),
            namespace: Some("shop".into()),
            error: None,
        },
    );
    let pod = |name: &str| PodRow {
        namespace: "shop".into(),
        name: name.into(),
        ..PodRow::default()
    };
    let generation = state.pods_gen;
    update(
        &mut state,
        Msg::pods_page(generation, vec![pod("api-0"), pod("web-1")], true, false),
    );
    state
}

/// The pane open with the namespace focus, not prefilled from a pod.
fn open_pane(readonly: bool) -> State {
    let mut state = connected(readonly);
    state.focus = Focus::Namespaces;
    type_text(&mut state, "R");
    assert_eq!(state.screen, Screen::Raw);
    state
}

fn sent_id(effects: &[Effect]) -> u64 {
    match effects.first() {
        Some(Effect::SendRaw { id, .. }) => *id,
        other => panic!("expected SendRaw, got {other:?}"),
    }
}

fn ok_response(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        reason: "OK".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
        total_bytes: body.len() as u64,
        truncated_bytes: 0,
        latency: Duration::from_millis(12),
    }
}

#[test]
fn opening_takes_the_current_namespace_and_esc_goes_back() {
    let mut state = open_pane(false);
    assert_eq!(state.raw.namespace.text(), "shop");
    assert_eq!(state.raw.version.text(), "v1");
    assert_eq!(
        state.raw.resolved().as_deref(),
        Ok("/api/v1/namespaces/shop/")
    );
    assert_eq!(key(&mut state, KeyCode::Esc), vec![]);
    assert_eq!(state.screen, Screen::Main);
    key(&mut state, KeyCode::Char('R'));
    assert_eq!(state.screen, Screen::Raw, "R opens it too");
}

#[test]
fn editing_fields_updates_the_url_preview_live() {
    let mut state = open_pane(false);
    focus(&mut state, Field::Url);
    type_text(&mut state, "deployments");
    focus(&mut state, Field::Version);
    key(&mut state, KeyCode::Home);
    type_text(&mut state, "apps/");
    focus(&mut state, Field::Query);
    type_text(&mut state, "limit=5");
    assert_eq!(
        state.raw.resolved().as_deref(),
        Ok("/apis/apps/v1/namespaces/shop/deployments?limit=5")
    );
    // Letters bound to actions elsewhere are text here.
    focus(&mut state, Field::Namespace);
    press(&mut state, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(state.raw.namespace.text(), "");
    type_text(&mut state, "jqn?");
    assert_eq!(state.raw.namespace.text(), "jqn?");
    assert_eq!(
        state.screen,
        Screen::Raw,
        "q did not quit, ? did not open help"
    );
    assert!(!state.help_open);
}

#[test]
fn invalid_combination_shows_kr8s_error_and_refuses_to_send() {
    let mut state = open_pane(false);
    focus(&mut state, Field::Version);
    key(&mut state, KeyCode::Backspace);
    type_text(&mut state, "2");
    let err = state.raw.resolved().expect_err("v2 needs a base");
    assert_eq!(
        err.to_string(),
        "Unknown API version \"v2\", base must be specified."
    );
    assert_eq!(ctrl(&mut state, 's'), vec![]);
    assert_eq!(state.raw.error.as_deref(), Some(err.to_string().as_str()));
    focus(&mut state, Field::Base);
    type_text(&mut state, "/apis/autoscaling");
    assert!(state.raw.resolved().is_ok());
}

#[test]
fn method_field_cycles_and_picks_by_letter_and_patch_offers_types() {
    let mut state = open_pane(false);
    assert_eq!(state.raw.method(), "GET");
    key(&mut state, KeyCode::Right);
    assert_eq!(state.raw.method(), "POST");
    type_text(&mut state, "p");
    assert_eq!(state.raw.method(), "PUT");
    type_text(&mut state, "p");
    assert_eq!(state.raw.method(), "PATCH");
    key(&mut state, KeyCode::Tab);
    assert_eq!(state.raw.focus, Field::Version);
    focus(&mut state, Field::ContentType);
    assert_eq!(
        state.raw.request().content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    key(&mut state, KeyCode::Right);
    assert_eq!(
        state.raw.request().content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    key(&mut state, KeyCode::BackTab);
    key(&mut state, KeyCode::BackTab);
    key(&mut state, KeyCode::BackTab);
    key(&mut state, KeyCode::BackTab);
    key(&mut state, KeyCode::BackTab);
    key(&mut state, KeyCode::BackTab);
    assert_eq!(state.raw.focus, Field::Method);
    type_text(&mut state, "d");
    assert_eq!(state.raw.method(), "DELETE");
    focus(&mut state, Field::Body);
    assert!(
        (0..10).all(|_| {
            key(&mut state, KeyCode::Tab);
            state.raw.focus != Field::ContentType
        }),
        "content type only for PATCH"
    );
}

#[test]
fn opening_on_a_selected_pod_prefills_its_path_once() {
    let mut state = connected(false);
    key(&mut state, KeyCode::Down);
    type_text(&mut state, "R");
    assert_eq!(state.raw.namespace.text(), "shop");
    assert_eq!(state.raw.url.text(), "pods/web-1");
    assert_eq!(
        state.raw.resolved().as_deref(),
        Ok("/api/v1/namespaces/shop/pods/web-1")
    );
    type_text(&mut state, "/log");
    key(&mut state, KeyCode::Esc);
    type_text(&mut state, "R");
    assert_eq!(
        state.raw.url.text(),
        "pods/web-1/log",
        "the draft survives reopening"
    );
}

#[test]
fn send_emits_send_raw_and_save_history_then_shows_the_response() {
    let mut state = open_pane(false);
    focus(&mut state, Field::Url);
    type_text(&mut state, "pods");
    let effects = key(&mut state, KeyCode::Enter);
    let request = RawRequest {
        method: "GET".into(),
        version: "v1".into(),
        namespace: Some("shop".into()),
        url: "pods".into(),
        ..RawRequest::default()
    };
    assert_eq!(
        effects,
        vec![
            Effect::SendRaw {
                id: 1,
                context: "dev".into(),
                request: request.clone()
            },
            Effect::SaveHistory {
                context: "dev".into(),
                entries: vec![request]
            },
        ]
    );
    assert_eq!(state.raw.in_flight, Some(1));
    assert_eq!(ctrl(&mut state, 's'), vec![], "one request at a time");
    update(
        &mut state,
        Msg::RawResponse {
            id: 1,
            result: Ok(ok_response(200, r#"{"kind":"PodList","items":[]}"#)),
        },
    );
    assert_eq!(state.raw.in_flight, None);
    assert_eq!(state.raw.focus, Field::Response);
    let response = state.raw.response.as_ref().expect("response shown");
    assert_eq!(response.format, BodyFormat::Json);
    assert_eq!(response.lines()[1], "  \"kind\": \"PodList\",");
}

#[test]
fn esc_cancels_and_a_late_answer_is_ignored() {
    let mut state = open_pane(false);
    let id = sent_id(&ctrl(&mut state, 's'));
    assert_eq!(
        key(&mut state, KeyCode::Esc),
        vec![Effect::CancelRaw { id }]
    );
    assert_eq!(state.screen, Screen::Raw, "the first esc only cancels");
    update(
        &mut state,
        Msg::RawResponse {
            id,
            result: Ok(ok_response(200, "{}")),
        },
    );
    assert!(state.raw.response.is_none(), "stale answer dropped");
    let next = sent_id(&ctrl(&mut state, 's'));
    assert!(next > id);
    update(
        &mut state,
        Msg::RawResponse {
            id,
            result: Err("late".into()),
        },
    );
    assert_eq!(state.raw.in_flight, Some(next));
    assert_eq!(state.raw.error, None);
    update(
        &mut state,
        Msg::RawResponse {
            id: next,
            result: Err("connection refused".into()),
        },
    );
    assert_eq!(state.raw.error.as_deref(), Some("connection refused"));
}

#[test]
fn readonly_refuses_non_get_before_any_effect() {
    let mut state = open_pane(true);
    type_text(&mut state, "p");
    assert_eq!(state.raw.method(), "POST");
    focus(&mut state, Field::Url);
    type_text(&mut state, "pods");
    assert_eq!(key(&mut state, KeyCode::Enter), vec![]);
    assert_eq!(
        state.raw.error.as_deref(),
        Some("--readonly: POST refused, only GET requests are sent")
    );
    assert_eq!(state.raw.in_flight, None);
    assert!(
        state.raw.history.is_empty(),
        "refused requests are not remembered"
    );
    focus(&mut state, Field::Method);
    type_text(&mut state, "g");
    assert_eq!(sent_id(&ctrl(&mut state, 's')), 1, "GET still works");
}

#[test]
fn bodies_must_parse_and_are_only_sent_when_not_get() {
    let mut state = open_pane(false);
    type_text(&mut state, "p");
    focus(&mut state, Field::Body);
    type_text(&mut state, "kind: Pod");
    key(&mut state, KeyCode::Enter);
    type_text(&mut state, "metadata: {name: x}");
    assert_eq!(
        state.raw.body_text(),
        "kind: Pod\nmetadata: {name: x}",
        "enter is a newline"
    );
    let effects = ctrl(&mut state, 's');
    let Some(Effect::SendRaw { request, .. }) = effects.first() else {
        panic!("sent: {effects:?}");
    };
    assert_eq!(
        request.body.as_deref(),
        Some("kind: Pod\nmetadata: {name: x}")
    );
    update(
        &mut state,
        Msg::RawResponse {
            id: 1,
            result: Err("x".into()),
        },
    );
    focus(&mut state, Field::Body);
    type_text(&mut state, ": [");
    assert_eq!(ctrl(&mut state, 's'), vec![]);
    let error = state.raw.error.clone().unwrap_or_default();
    assert!(
        error.starts_with("body is neither JSON nor YAML"),
        "{error}"
    );
}

#[test]
fn history_recalls_previous_requests_and_restores_the_draft() {
    let mut state = open_pane(false);
    focus(&mut state, Field::Url);
    for url in ["pods", "services", "events"] {
        press(&mut state, KeyCode::Char('u'), KeyModifiers::CONTROL);
        type_text(&mut state, url);
        let id = sent_id(&ctrl(&mut state, 's'));
        update(
            &mut state,
            Msg::RawResponse {
                id,
                result: Err("x".into()),
            },
        );
        focus(&mut state, Field::Url);
    }
    press(&mut state, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut state, "draft");
    key(&mut state, KeyCode::Up);
    assert_eq!(state.raw.url.text(), "events");
    key(&mut state, KeyCode::Up);
    ctrl(&mut state, 'p');
    assert_eq!(state.raw.url.text(), "pods");
    key(&mut state, KeyCode::Up);
    assert_eq!(state.raw.url.text(), "pods", "stops at the oldest");
    ctrl(&mut state, 'n');
    assert_eq!(state.raw.url.text(), "services");
    key(&mut state, KeyCode::Down);
    key(&mut state, KeyCode::Down);
    assert_eq!(
        state.raw.url.text(),
        "draft",
        "past the newest: the draft again"
    );
}

#[test]
fn history_is_capped_deduped_and_per_context() {
    let mut state = open_pane(false);
    let mut last = Vec::new();
    for _ in 0..3 {
        last = ctrl(&mut state, 's');
        key(&mut state, KeyCode::Esc);
    }
    let Some(Effect::SaveHistory { entries, .. }) = last.get(1) else {
        panic!("{last:?}");
    };
    assert_eq!(
        entries.len(),
        1,
        "identical consecutive sends are one entry"
    );

    let many: Vec<RawRequest> = (0..MAX_ENTRIES + 10)
        .map(|i| RawRequest {
            url: format!("u{i}"),
            ..RawRequest::default()
        })
        .collect();
    let other = Msg::HistoryLoaded {
        context: "prod".into(),
        entries: many.clone(),
    };
    update(&mut state, other);
    assert_eq!(
        state.raw.history.len(),
        1,
        "another context's history is ignored"
    );
    let mine = Msg::HistoryLoaded {
        context: "dev".into(),
        entries: many,
    };
    update(&mut state, mine);
    assert_eq!(state.raw.history.len(), MAX_ENTRIES);
    assert_eq!(state.raw.history[0].url, "u10");
}

#[test]
fn copy_keys_emit_copy_effects_and_kubectl_refuses_post() {
    let mut state = open_pane(false);
    let effects = press(&mut state, KeyCode::Char('c'), KeyModifiers::ALT);
    let Some(Effect::Copy { text }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert!(text.contains("Bearer $TOKEN") && text.contains("/api/v1/namespaces/shop/"));
    assert_eq!(
        state.raw.notice.as_deref(),
        Some("copied as curl (token redacted)")
    );
    let effects = press(&mut state, KeyCode::Char('p'), KeyModifiers::ALT);
    assert!(matches!(&effects[..], [Effect::Copy { text }] if text.contains("context=\"dev\"")));
    type_text(&mut state, "p");
    assert_eq!(
        press(&mut state, KeyCode::Char('k'), KeyModifiers::ALT),
        vec![]
    );
    assert_eq!(
        state.raw.error.as_deref(),
        Some("kubectl get --raw only sends GET, not POST")
    );
}

#[test]
fn response_scrolls_toggles_and_searches() {
    let mut state = open_pane(false);
    let id = sent_id(&ctrl(&mut state, 's'));
    let items: Vec<String> = (0..100)
        .map(|i| format!("{{\"name\":\"pod-{i}\"}}"))
        .collect();
    let body = format!("{{\"items\":[{}]}}", items.join(","));
    update(
        &mut state,
        Msg::RawResponse {
            id,
            result: Ok(ok_response(200, &body)),
        },
    );
    let top = |s: &State| s.raw.response.as_ref().map_or(usize::MAX, |r| r.top);
    type_text(&mut state, "jjj");
    assert_eq!(top(&state), 3);
    type_text(&mut state, "G");
    let bottom = top(&state);
    assert!(bottom > 200, "{bottom}");
    type_text(&mut state, "g");
    assert_eq!(top(&state), 0);
    type_text(&mut state, "/POD-42");
    key(&mut state, KeyCode::Enter);
    let response = state.raw.response.as_ref().expect("response");
    assert_eq!(response.search.matches.len(), 1, "case-insensitive");
    assert!(response.lines()[response.top].contains("pod-42"));
    type_text(&mut state, "/pod-1");
    key(&mut state, KeyCode::Enter);
    let first = top(&state);
    type_text(&mut state, "n");
    assert!(top(&state) > first);
    type_text(&mut state, "N");
    assert_eq!(top(&state), first);
    type_text(&mut state, "f");
    let response = state.raw.response.as_ref().expect("response");
    assert_eq!(response.format, BodyFormat::Yaml);
    assert_eq!(response.lines()[0], "items:");
    type_text(&mut state, "H");
    assert!(state.raw.response.as_ref().is_some_and(|r| r.show_headers));
}

#[test]
fn error_status_message_is_extracted_and_bad_bytes_are_sanitised() {
    let mut state = open_pane(false);
    let id = sent_id(&ctrl(&mut state, 's'));
    let status = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"nope\" not found","reason":"NotFound","code":404}"#;
    update(
        &mut state,
        Msg::RawResponse {
            id,
            result: Ok(ok_response(404, status)),
        },
    );
    let response = state.raw.response.as_ref().expect("response");
    assert_eq!(
        response.status_message.as_deref(),
        Some("pods \"nope\" not found")
    );

    let id = sent_id(&ctrl(&mut state, 's'));
    let mut bytes = ok_response(200, "");
    bytes.body = b"log line\x1b[2J\xff\xfe\tend\r\nnext".to_vec();
    update(
        &mut state,
        Msg::RawResponse {
            id,
            result: Ok(bytes),
        },
    );
    let response = state.raw.response.as_ref().expect("response");
    assert_eq!(response.format, BodyFormat::Text);
    assert_eq!(
        response.lines(),
        ["log line?[2J\u{fffd}\u{fffd}    end", "next"]
    );
}

#[test]
fn request_log_collects_calls_and_opens_with_l() {
    let mut state = connected(false);
    for i in 0..3 {
        update(
            &mut state,
            Msg::RequestLogged(RequestRecord {
                method: "GET".into(),
                path: format!("/api/v1/p{i}"),
                status: Some(200),
                ..RequestRecord::default()
            }),
        );
    }
    key(&mut state, KeyCode::Char('L'));
    assert_eq!(state.screen, Screen::RequestLog);
    assert_eq!(
        state.request_log.newest_first(0).map(|r| r.path.as_str()),
        Some("/api/v1/p2")
    );
    key(&mut state, KeyCode::Char('j'));
    assert_eq!(state.request_log.cursor.selected(), 1);
    assert_eq!(
        state.pods.cursor.selected(),
        0,
        "the pods cursor did not move"
    );
    key(&mut state, KeyCode::Esc);
    assert_eq!(state.screen, Screen::Main);
}
