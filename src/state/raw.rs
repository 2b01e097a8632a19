//! The raw-request pane: a form mirroring kr8s's `call_api(method, version, base, namespace,
//! url, body)`, its live URL preview, history recall and the response of the last send.
//! Key handling lives in `raw_keys.rs`, the response view in `raw_response.rs`.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use super::raw_fanout::Fanout;
use super::raw_response::ResponseView;
use crate::kube::url::{UrlError, construct_path, with_query};
use crate::msg::RawRequest;

/// Methods the pane offers, in cycling order.
pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Content types offered for PATCH; the first is the default (kr8s's own default too).
pub const PATCH_TYPES: [&str; 3] = [
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
];

/// A focusable part of the pane, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Method,
    Version,
    Base,
    Namespace,
    Url,
    Query,
    /// Only reachable while the method is PATCH.
    ContentType,
    Body,
    /// Only reachable once a response (or a fan-out) arrived.
    Response,
}

const TAB_ORDER: [Field; 9] = [
    Field::Method,
    Field::Version,
    Field::Base,
    Field::Namespace,
    Field::Url,
    Field::Query,
    Field::ContentType,
    Field::Body,
    Field::Response,
];

pub use super::line_input::LineInput;

/// Everything the raw-request pane shows and edits.
#[derive(Debug, Clone)]
pub struct RawPane {
    /// Index into [`METHODS`].
    pub method: usize,
    pub version: LineInput,
    pub base: LineInput,
    pub namespace: LineInput,
    pub url: LineInput,
    pub query: LineInput,
    /// Index into [`PATCH_TYPES`].
    pub patch_type: usize,
    /// Multi-line JSON or YAML body.
    pub body: TextArea<'static>,
    pub focus: Field,
    /// Id of the request in flight, if any; answers with another id are stale.
    pub in_flight: Option<u64>,
    /// Last id handed out; ids are never reused.
    pub last_id: u64,
    pub response: Option<ResponseView>,
    /// The last request sent to the whole fleet (replaces `response` while shown).
    pub fanout: Option<Fanout>,
    /// Why the last send was refused or failed (shown in red).
    pub error: Option<String>,
    /// A passing confirmation, e.g. "copied as curl".
    pub notice: Option<String>,
    /// The context requests go to, taken when the pane opens: the selected row's own in a
    /// fleet (`None` until the first open: the open context).
    pub target: Option<String>,
    /// Requests of the target context, oldest first.
    pub history: Vec<RawRequest>,
    /// Position while recalling history (`None`: editing the draft).
    history_pos: Option<usize>,
    /// The form as it was before recalling history, restored when going past the newest.
    draft: Option<RawRequest>,
    /// Whether the pane was opened before (the first open prefills the namespace).
    pub opened: bool,
    /// (namespace, url) of the pod the form was last prefilled from.
    pub prefilled: Option<(String, String)>,
}

impl Default for RawPane {
    fn default() -> Self {
        let mut pane = RawPane {
            method: 0,
            version: LineInput::new("v1"),
            base: LineInput::default(),
            namespace: LineInput::default(),
            url: LineInput::default(),
            query: LineInput::default(),
            patch_type: 0,
            body: TextArea::default(),
            focus: Field::Method,
            in_flight: None,
            last_id: 0,
            response: None,
            fanout: None,
            error: None,
            notice: None,
            target: None,
            history: Vec::new(),
            history_pos: None,
            draft: None,
            opened: false,
            prefilled: None,
        };
        pane.style_body();
        pane
    }
}

impl RawPane {
    /// The selected method ("GET", …).
    pub fn method(&self) -> &'static str {
        METHODS.get(self.method).copied().unwrap_or("GET")
    }

    /// The PATCH content type in use.
    pub fn patch_type(&self) -> &'static str {
        PATCH_TYPES
            .get(self.patch_type)
            .copied()
            .unwrap_or(PATCH_TYPES[0])
    }

    /// The body text as typed (lines joined with '\n').
    pub fn body_text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// The request the form describes. The body is sent for every method but GET, when not
    /// blank; PATCH carries its content type, others default to JSON.
    pub fn request(&self) -> RawRequest {
        let method = self.method();
        let body = self.body_text();
        let namespace = Some(self.namespace.text()).filter(|ns| !ns.is_empty());
        RawRequest {
            method: method.to_string(),
            version: self.version.text().to_string(),
            base: self.base.text().to_string(),
            namespace: namespace.map(String::from),
            url: self.url.text().to_string(),
            query: self.query.text().trim_start_matches('?').to_string(),
            body: Some(body).filter(|b| method != "GET" && !b.trim().is_empty()),
            content_type: (method == "PATCH").then(|| self.patch_type().to_string()),
        }
    }

    /// The path and query kr8s would request, or kr8s's error for this combination.
    pub fn resolved(&self) -> Result<String, UrlError> {
        resolve(&self.request())
    }

    /// Fills the form from `request` (history recall).
    pub fn load(&mut self, request: &RawRequest) {
        self.method = METHODS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(&request.method))
            .unwrap_or(0);
        self.version.set(&request.version);
        self.base.set(&request.base);
        self.namespace
            .set(request.namespace.as_deref().unwrap_or_default());
        self.url.set(&request.url);
        self.query.set(&request.query);
        self.patch_type = request
            .content_type
            .as_deref()
            .and_then(|ct| PATCH_TYPES.iter().position(|t| *t == ct))
            .unwrap_or(0);
        let body = request.body.as_deref().unwrap_or_default();
        self.body = TextArea::from(body.lines());
        self.style_body();
    }

    /// Prefills a GET of `url` in `namespace` (the pod selected in the pods pane).
    pub fn prefill(&mut self, namespace: &str, url: &str) {
        self.method = 0;
        self.version.set("v1");
        self.base.set("");
        self.namespace.set(namespace);
        self.url.set(url);
        self.query.set("");
        self.focus = Field::Url;
        self.style_body();
    }

    /// Moves the focus `step` fields along the Tab order (negative: backwards), skipping the
    /// content type unless PATCH and the response until there is one.
    pub fn move_focus(&mut self, step: isize) {
        let len = TAB_ORDER.len();
        let mut index = TAB_ORDER.iter().position(|f| *f == self.focus).unwrap_or(0);
        for _ in 0..len {
            index = (index as isize + step).rem_euclid(len as isize) as usize;
            if self.reachable(TAB_ORDER[index]) {
                break;
            }
        }
        self.focus = TAB_ORDER[index];
        self.style_body();
    }

    fn reachable(&self, field: Field) -> bool {
        match field {
            Field::ContentType => self.method() == "PATCH",
            Field::Response => self.response.is_some() || self.fanout.is_some(),
            _ => true,
        }
    }

    /// Cycles the method (or, on the content type field, the PATCH type) by `step`.
    pub fn cycle_choice(&mut self, step: isize) {
        let (index, len) = match self.focus {
            Field::ContentType => (&mut self.patch_type, PATCH_TYPES.len()),
            _ => (&mut self.method, METHODS.len()),
        };
        *index = (*index as isize + step).rem_euclid(len as isize) as usize;
    }

    /// Picks the next method starting with `letter` (P cycles POST → PUT → PATCH).
    pub fn pick_method(&mut self, letter: char) -> bool {
        let letter = letter.to_ascii_uppercase();
        let len = METHODS.len();
        let found = (1..=len)
            .map(|offset| (self.method + offset) % len)
            .find(|&i| METHODS[i].starts_with(letter));
        if let Some(index) = found {
            self.method = index;
        }
        found.is_some()
    }

    /// Steps back (`-1`) or forward (`+1`) through the history; going past the newest entry
    /// restores the draft that was being edited.
    pub fn recall(&mut self, step: isize) {
        if self.history.is_empty() {
            return;
        }
        let newest = self.history.len() - 1;
        let target = match (self.history_pos, step < 0) {
            (None, true) => Some(newest),
            (None, false) => None,
            (Some(pos), true) => Some(pos.saturating_sub(1)),
            (Some(pos), false) if pos >= newest => None,
            (Some(pos), false) => Some(pos + 1),
        };
        if self.history_pos.is_none() && target.is_some() {
            self.draft = Some(self.request());
        }
        let request = match target {
            Some(pos) => self.history.get(pos).cloned(),
            None => self.draft.take(),
        };
        if let Some(request) = request {
            self.load(&request);
        }
        self.history_pos = target;
    }

    /// Whether an answer is awaited (the single request or any context of a fan-out).
    pub fn waiting(&self) -> bool {
        self.in_flight.is_some()
            || self
                .fanout
                .as_ref()
                .is_some_and(|f| !f.pending().is_empty())
    }

    /// Another context was opened: its history is on its way and the pane follows it.
    pub fn new_context(&mut self) {
        self.history.clear();
        self.stop_recall();
        self.target = None;
    }

    /// Leaves history navigation (after a send or an edit).
    pub fn stop_recall(&mut self) {
        self.history_pos = None;
        self.draft = None;
    }

    /// The body editor shows a cursor only while focused.
    pub fn style_body(&mut self) {
        let cursor = if self.focus == Field::Body {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        self.body.set_cursor_style(cursor);
        self.body.set_cursor_line_style(Style::new());
    }
}

/// The path and query `call_api` builds for `request` (shared by the preview, the copy
/// builders and the send check, so they cannot disagree).
pub fn resolve(request: &RawRequest) -> Result<String, UrlError> {
    let path = construct_path(
        &request.version,
        &request.base,
        request.namespace.as_deref(),
        &request.url,
    )?;
    Ok(with_query(&path, &request.query))
}
