//! Fan-out: the raw pane's request sent once to every context of the fleet, the answers side
//! by side. Each context gets its own request id, so a slow or unreachable one never holds
//! up the others, and answers of an older fan-out find no column and are dropped.

use std::cell::Cell;

use super::raw::Field;
use super::raw_response::ResponseView;
use super::{State, raw_keys};
use crate::keys::Action;
use crate::msg::history::{self, MAX_ENTRIES};
use crate::msg::{Effect, RawResponse};

/// One request sent to several contexts.
#[derive(Debug, Clone)]
pub struct Fanout {
    /// Method and path as sent, for the header.
    pub method: String,
    pub path: String,
    /// One per context, in the fleet's order.
    pub columns: Vec<Column>,
    /// First column shown, when not all fit (←/→ move it).
    pub first: usize,
    /// Columns that fit at the last draw (set by the renderer).
    shown: Cell<usize>,
}

/// One context's part of a fan-out.
#[derive(Debug, Clone)]
pub struct Column {
    pub context: String,
    /// The id its answer carries.
    pub id: u64,
    pub answer: Answer,
}

/// Where one context's request stands.
#[derive(Debug, Clone)]
pub enum Answer {
    Waiting,
    /// Any HTTP status (errors are answers too, as in the single view).
    Received(Box<ResponseView>),
    /// No HTTP answer: transport error, timeout, refused by the client, cancelled.
    Failed(String),
}

impl Fanout {
    fn new(method: String, path: String, columns: Vec<Column>) -> Fanout {
        Fanout {
            method,
            path,
            columns,
            first: 0,
            shown: Cell::new(0),
        }
    }

    /// Remembers how many columns fit (from the renderer) and keeps the window within them.
    pub fn set_shown(&self, columns: usize) {
        self.shown.set(columns.max(1));
    }

    /// The columns that fit from `first` on, given room for `fit` of them.
    pub fn window(&self, fit: usize) -> std::ops::Range<usize> {
        let fit = fit.clamp(1, self.columns.len().max(1));
        let first = self.first.min(self.columns.len().saturating_sub(fit));
        first..(first + fit).min(self.columns.len())
    }

    /// Shows the columns `step` further right (negative: left).
    pub fn shift(&mut self, step: isize) {
        let shown = self.shown.get().max(1);
        let last = self.columns.len().saturating_sub(shown);
        self.first = self.first.min(last).saturating_add_signed(step).min(last);
    }

    /// Ids still waiting for an answer.
    pub fn pending(&self) -> Vec<u64> {
        self.columns
            .iter()
            .filter(|c| matches!(c.answer, Answer::Waiting))
            .map(|c| c.id)
            .collect()
    }

    /// How many contexts answered (or failed).
    pub fn done(&self) -> usize {
        self.columns.len() - self.pending().len()
    }

    /// Lands the answer to `id`; false when no waiting column has that id.
    pub fn land(&mut self, id: u64, result: Result<RawResponse, crate::kube::Failure>) -> bool {
        let column = self
            .columns
            .iter_mut()
            .find(|c| c.id == id && matches!(c.answer, Answer::Waiting));
        let Some(column) = column else {
            return false;
        };
        column.answer = match result {
            Ok(response) => Answer::Received(Box::new(ResponseView::new(response))),
            Err(e) => Answer::Failed(e.message),
        };
        true
    }

    /// The received responses, for scrolling them together.
    pub fn views_mut(&mut self) -> impl Iterator<Item = &mut ResponseView> {
        self.columns.iter_mut().filter_map(|c| match &mut c.answer {
            Answer::Received(view) => Some(view.as_mut()),
            _ => None,
        })
    }
}

/// Sends the form to every fleet context. Only reads fan out: one key must not change N
/// clusters. Every refusal is explained in the pane and emits nothing.
pub(super) fn send_all(state: &mut State) -> Vec<Effect> {
    let request = state.raw.request();
    let contexts = state.fleet.as_ref().map(|f| f.names()).unwrap_or_default();
    let checked = match refusal(state, &request.method, contexts.is_empty()) {
        Some(why) => Err(why),
        None => raw_keys::refuse(&request, state.opts.readonly, raw_keys::target(state)),
    };
    let raw = &mut state.raw;
    raw.notice = None;
    if raw.waiting() {
        raw.notice = Some("requests are in flight: esc cancels them".into());
        return Vec::new();
    }
    let target = match checked {
        Ok(target) => target,
        Err(why) => {
            raw.error = Some(why);
            return Vec::new();
        }
    };
    let path = raw.resolved().unwrap_or_default();
    let mut effects = Vec::new();
    let mut columns = Vec::new();
    for context in contexts {
        raw.last_id += 1;
        let id = raw.last_id;
        columns.push(Column {
            context: context.clone(),
            id,
            answer: Answer::Waiting,
        });
        effects.push(Effect::SendRaw {
            id,
            context,
            request: request.clone(),
        });
    }
    raw.fanout = Some(Fanout::new(request.method.clone(), path, columns));
    raw.response = None;
    raw.error = None;
    if raw.focus == Field::Response {
        raw.focus = Field::Url;
    }
    history::push(&mut raw.history, request, MAX_ENTRIES);
    raw.stop_recall();
    effects.push(Effect::SaveHistory {
        context: target,
        entries: raw.history.clone(),
    });
    effects
}

/// Why a fan-out is refused before the form itself is checked.
fn refusal(state: &State, method: &str, no_fleet: bool) -> Option<String> {
    if no_fleet {
        let key = state.keymap.keys_for(Action::RawSendAll).first().cloned();
        let key = key.unwrap_or_else(|| "this key".into());
        return Some(format!(
            "{key} sends to every context of a fleet: open several contexts first"
        ));
    }
    (method != "GET").then(|| {
        format!(
            "{method} is not sent to the whole fleet (only GET fans out): send it to one context"
        )
    })
}

/// An answer that is not the single request's: lands in its fan-out column, or is dropped.
pub(super) fn on_response(
    state: &mut State,
    id: u64,
    result: Result<RawResponse, crate::kube::Failure>,
) {
    let raw = &mut state.raw;
    let Some(fanout) = raw.fanout.as_mut() else {
        return;
    };
    if fanout.land(id, result) {
        // The first answer takes the focus, as a single response does.
        if fanout.done() == 1 {
            raw.focus = Field::Response;
            raw.style_body();
        }
        state.dirty = true;
    }
}

/// Esc while answers are pending: cancel them (the columns say so). False when none were.
pub(super) fn cancel(state: &mut State) -> Option<Vec<Effect>> {
    let fanout = state.raw.fanout.as_mut()?;
    let pending = fanout.pending();
    if pending.is_empty() {
        return None;
    }
    for column in &mut fanout.columns {
        if matches!(column.answer, Answer::Waiting) {
            column.answer = Answer::Failed("cancelled".into());
        }
    }
    state.raw.notice = Some("requests cancelled".into());
    Some(
        pending
            .into_iter()
            .map(|id| Effect::CancelRaw { id })
            .collect(),
    )
}

/// Scrolling and format keys on the side-by-side answers (all columns move together).
pub(super) fn response_action(state: &mut State, action: Action) -> bool {
    let Some(fanout) = state.raw.fanout.as_mut() else {
        return false;
    };
    for view in fanout.views_mut() {
        match action {
            Action::Up => view.scroll(-1),
            Action::Down => view.scroll(1),
            Action::PageUp => view.scroll_pages(-1),
            Action::PageDown => view.scroll_pages(1),
            Action::Top => view.scroll_to_top(),
            Action::Bottom => view.scroll_to_bottom(),
            Action::ToggleFormat => view.toggle_format(),
            _ => {}
        }
    }
    true
}

#[cfg(test)]
#[path = "raw_fanout_tests.rs"]
mod tests;
