//! Keys and task results of the raw-request pane: typing goes to the focused field first, so
//! letters bound to actions elsewhere (`j`, `n`, `q`) can be typed; only non-text keys and
//! ctrl/alt chords reach the keymap here.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::raw::{Field, resolve};
use super::raw_response::ResponseView;
use super::{Focus, Screen, State};
use super::{raw_copy, raw_fanout};
use crate::keys::Action;
use crate::msg::history::{self, MAX_ENTRIES};
use crate::msg::{Effect, RawRequest, RawResponse};

/// Opens the pane aimed at the selected row's context (in a fleet; else the open one). With a
/// pod selected in the pods pane, the form asks for that pod (once per pod, so a draft
/// survives closing and reopening); the first open takes the current namespace.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Raw;
    let effects = retarget(state, super::fleet::selected_context(state));
    let pod = state
        .pods
        .selected()
        .filter(|_| state.focus == Focus::Pods)
        .map(|pod| (pod.namespace.clone(), format!("pods/{}", pod.name)));
    let raw = &mut state.raw;
    match pod {
        Some(target) if raw.prefilled.as_ref() != Some(&target) => {
            raw.prefill(&target.0, &target.1);
            raw.prefilled = Some(target);
        }
        _ if !raw.opened => {
            let namespace = state.namespace.as_deref().unwrap_or_default();
            raw.namespace.set(namespace);
        }
        _ => {}
    }
    raw.opened = true;
    raw.error = None;
    raw.notice = None;
    effects
}

/// The context the pane sends to and keeps history for.
pub(super) fn target(state: &State) -> Option<&str> {
    state.raw.target.as_deref().or(state.context.as_deref())
}

/// Aims the pane at `context`; another context's history is asked for.
fn retarget(state: &mut State, context: Option<String>) -> Vec<Effect> {
    let changed = context.is_some() && context.as_deref() != target(state);
    state.raw.target = context.clone();
    match context {
        Some(context) if changed => {
            state.raw.history.clear();
            state.raw.stop_recall();
            vec![Effect::LoadHistory { context }]
        }
        _ => Vec::new(),
    }
}

/// A key while the pane is open (and the help overlay is not).
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    state.dirty = true;
    let action = state.keymap.action(&key);
    if let Some(response) = state.raw.response.as_mut()
        && response.search.editing
    {
        search_prompt_key(response, &key);
        return Vec::new();
    }
    if edit_field(state, &key, action) {
        state.raw.stop_recall();
        return Vec::new();
    }
    match action {
        Some(action) => on_action(state, action, &key),
        None => Vec::new(),
    }
}

/// Typing into the focused field; false when the key is not an edit there.
fn edit_field(state: &mut State, key: &KeyEvent, action: Option<Action>) -> bool {
    let raw = &mut state.raw;
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match (raw.focus, key.code) {
        (Field::Method | Field::ContentType, KeyCode::Left) => raw.cycle_choice(-1),
        (Field::Method | Field::ContentType, KeyCode::Right | KeyCode::Char(' ')) => {
            raw.cycle_choice(1)
        }
        (Field::Method, KeyCode::Char(c)) if plain => return raw.pick_method(c),
        (Field::Response, KeyCode::Left | KeyCode::Right) if raw.fanout.is_some() => {
            let step = if key.code == KeyCode::Left { -1 } else { 1 };
            if let Some(fanout) = raw.fanout.as_mut() {
                fanout.shift(step);
            }
        }
        (Field::Body, _) if !reserved_in_body(action, key) => {
            raw.body.input(*key);
        }
        (Field::Version | Field::Base | Field::Namespace | Field::Url | Field::Query, _) => {
            return line_field(raw, key);
        }
        _ => return false,
    }
    true
}

fn line_field(raw: &mut super::raw::RawPane, key: &KeyEvent) -> bool {
    let input = match raw.focus {
        Field::Version => &mut raw.version,
        Field::Base => &mut raw.base,
        Field::Namespace => &mut raw.namespace,
        Field::Url => &mut raw.url,
        Field::Query => &mut raw.query,
        _ => return false,
    };
    input.input(key)
}

/// Keys the body editor leaves to the pane: leaving, sending, history, copying, quitting.
fn reserved_in_body(action: Option<Action>, key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match action {
        Some(Action::Quit) => ctrl,
        Some(action) => matches!(
            action,
            Action::FocusNext
                | Action::FocusPrev
                | Action::Close
                | Action::RawSend
                | Action::RawSendAll
                | Action::HistoryPrev
                | Action::HistoryNext
                | Action::CopyCurl
                | Action::CopyKubectl
                | Action::CopyPython
        ),
        None => false,
    }
}

fn on_action(state: &mut State, action: Action, key: &KeyEvent) -> Vec<Effect> {
    let raw = &mut state.raw;
    match action {
        Action::Close => return close(state),
        // Only ctrl-c quits from here: a stray `q` must not lose the form.
        Action::Quit if key.modifiers.contains(KeyModifiers::CONTROL) => {
            return vec![Effect::Quit];
        }
        Action::Help => {
            super::input::open_help(state);
        }
        Action::FocusNext => raw.move_focus(1),
        Action::FocusPrev => raw.move_focus(-1),
        Action::RawSend | Action::Select => return send(state),
        Action::RawSendAll => return raw_fanout::send_all(state),
        Action::HistoryPrev => raw.recall(-1),
        Action::HistoryNext => raw.recall(1),
        Action::Up | Action::Down => up_down(state, action),
        Action::CopyCurl | Action::CopyKubectl | Action::CopyPython => {
            return copy(state, action);
        }
        Action::RequestLog => state.screen = Screen::RequestLog,
        other => response_action(state, other),
    }
    Vec::new()
}

/// Up/Down: history on the method and URL fields, scrolling in the response, else the
/// previous/next field.
fn up_down(state: &mut State, action: Action) {
    let step = if action == Action::Up { -1 } else { 1 };
    let raw = &mut state.raw;
    match raw.focus {
        Field::Method | Field::Url => raw.recall(step),
        Field::Response => response_action(state, action),
        _ => raw.move_focus(step),
    }
}

/// Scrolling, format, headers and search of the response.
fn response_action(state: &mut State, action: Action) {
    if raw_fanout::response_action(state, action) {
        return;
    }
    let Some(response) = state.raw.response.as_mut() else {
        return;
    };
    match action {
        Action::Up => response.scroll(-1),
        Action::Down => response.scroll(1),
        Action::PageUp => response.scroll_pages(-1),
        Action::PageDown => response.scroll_pages(1),
        Action::Top => response.scroll_to_top(),
        Action::Bottom => response.scroll_to_bottom(),
        Action::ToggleFormat => response.toggle_format(),
        Action::ToggleHeaders => response.show_headers = !response.show_headers,
        Action::Search => response.start_search(),
        Action::SearchNext => response.next_match(1),
        Action::SearchPrev => response.next_match(-1),
        _ => state.dirty = false,
    }
}

/// Keys while the `/` prompt is open.
fn search_prompt_key(response: &mut ResponseView, key: &KeyEvent) {
    match key.code {
        KeyCode::Esc => response.search = Default::default(),
        KeyCode::Enter => response.confirm_search(),
        KeyCode::Backspace => {
            response.search.query.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            response.search.query.push(c);
        }
        _ => {}
    }
}

/// Esc: cancels the requests in flight, else leaves the pane.
fn close(state: &mut State) -> Vec<Effect> {
    if let Some(cancels) = raw_fanout::cancel(state) {
        return cancels;
    }
    match state.raw.in_flight.take() {
        Some(id) => {
            state.raw.notice = Some("request cancelled".into());
            vec![Effect::CancelRaw { id }]
        }
        None => {
            state.screen = Screen::Main;
            Vec::new()
        }
    }
}

/// Sends the form, unless something refuses it first; every refusal is explained in the pane
/// and emits nothing.
fn send(state: &mut State) -> Vec<Effect> {
    let request = state.raw.request();
    let checked = refuse(&request, state.opts.readonly, target(state));
    let raw = &mut state.raw;
    raw.notice = None;
    if raw.waiting() {
        raw.notice = Some("a request is in flight: esc cancels it".into());
        return Vec::new();
    }
    let context = match checked {
        Ok(context) => context,
        Err(why) => {
            raw.error = Some(why);
            return Vec::new();
        }
    };
    raw.last_id += 1;
    let id = raw.last_id;
    raw.in_flight = Some(id);
    raw.error = None;
    raw.response = None;
    raw.fanout = None;
    if raw.focus == Field::Response {
        raw.focus = Field::Url;
    }
    history::push(&mut raw.history, request.clone(), MAX_ENTRIES);
    raw.stop_recall();
    vec![
        Effect::SendRaw {
            id,
            context: context.clone(),
            request,
        },
        Effect::SaveHistory {
            context,
            entries: raw.history.clone(),
        },
    ]
}

/// Why `request` must not be sent, checked in this order: `--readonly`, no context, an
/// invalid URL (kr8s's own message), a body that is neither JSON nor YAML.
pub(super) fn refuse(
    request: &RawRequest,
    readonly: bool,
    context: Option<&str>,
) -> Result<String, String> {
    if readonly && request.method != "GET" {
        return Err(format!(
            "--readonly: {} refused, only GET requests are sent",
            request.method
        ));
    }
    let context = context.ok_or("no context: pick one in the contexts pane first")?;
    resolve(request).map_err(|e| e.to_string())?;
    if let Some(body) = &request.body {
        crate::kube::wire::json_body(body)?;
    }
    Ok(context.to_string())
}

/// Puts the form on the clipboard as curl, kubectl or kr8s Python.
fn copy(state: &mut State, action: Action) -> Vec<Effect> {
    let request = state.raw.request();
    let context = target(state).unwrap_or("default");
    let (what, built) = match action {
        Action::CopyCurl => ("curl (token redacted)", raw_copy::curl(&request)),
        Action::CopyKubectl => ("kubectl get --raw", raw_copy::kubectl(&request, context)),
        _ => ("kr8s Python", raw_copy::python(&request, context)),
    };
    let raw = &mut state.raw;
    match built {
        Ok(text) => {
            raw.error = None;
            raw.notice = Some(format!("copied as {what}"));
            vec![Effect::Copy { text }]
        }
        Err(why) => {
            raw.notice = None;
            raw.error = Some(why);
            Vec::new()
        }
    }
}

/// The answer to a send; answers to an older (cancelled or replaced) id are dropped.
pub(super) fn on_response(
    state: &mut State,
    id: u64,
    result: Result<RawResponse, crate::kube::Failure>,
) {
    let raw = &mut state.raw;
    if raw.in_flight != Some(id) {
        return raw_fanout::on_response(state, id, result);
    }
    raw.in_flight = None;
    match result {
        Ok(response) => {
            raw.response = Some(ResponseView::new(response));
            raw.focus = Field::Response;
            raw.style_body();
        }
        Err(e) => raw.error = Some(e.message),
    }
    state.dirty = true;
}

/// History read by the runtime; ignored unless it belongs to the pane's target.
pub(super) fn on_history(state: &mut State, context: String, mut entries: Vec<RawRequest>) {
    if target(state) != Some(context.as_str()) {
        return;
    }
    history::truncate_oldest(&mut entries, MAX_ENTRIES);
    state.raw.history = entries;
    state.raw.stop_recall();
}
