//! The response of a raw request, prepared once when it arrives: the body pretty-printed and
//! split into sanitised lines, so drawing a multi-MB body only touches the visible window.

use std::cell::Cell;
use std::time::Duration;

use crate::kube::error::Status;
use crate::kube::warning;
use crate::msg::RawResponse;
use crate::text::sanitize;

/// How the body is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Yaml,
    /// Not JSON (plain text, or JSON cut by the size cap): shown as received.
    Text,
}

/// Rows scrolled per page before the first draw.
const DEFAULT_PAGE: usize = 20;

/// Search in the response body: the query, whether it is being typed, and matching lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// The `/` prompt is open and takes the keys.
    pub editing: bool,
    /// Indices of lines containing the query (ASCII case-insensitive), ascending.
    pub matches: Vec<usize>,
    /// Index into `matches` of the current match.
    pub current: Option<usize>,
}

/// A received response ready to draw.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub latency: Duration,
    pub total_bytes: u64,
    pub truncated_bytes: u64,
    /// The `message` of a `Status` body on an error response.
    pub status_message: Option<String>,
    /// The server's `Warning` headers (deprecations...), as kubectl prints them.
    pub warnings: Vec<String>,
    pub format: BodyFormat,
    pub show_headers: bool,
    /// First visible body line.
    pub top: usize,
    pub search: Search,
    /// The body as received, kept to build the other format on first toggle.
    raw: Vec<u8>,
    json_lines: Vec<String>,
    /// Built on the first switch to YAML, then cached.
    yaml_lines: Option<Vec<String>>,
    /// Rows visible at the last draw (set by the renderer).
    page: Cell<usize>,
}

impl ResponseView {
    /// Prepares `response` for display: JSON bodies pretty-printed, anything else as text.
    pub fn new(response: RawResponse) -> ResponseView {
        let parsed = serde_json::from_slice::<serde_json::Value>(&response.body).ok();
        let (format, json_lines) = match &parsed {
            Some(value) => (BodyFormat::Json, pretty_json(value)),
            None => (BodyFormat::Text, text_lines(&response.body)),
        };
        let status_message = (response.status >= 400)
            .then(|| serde_json::from_slice::<Status>(&response.body).ok())
            .flatten()
            .map(|s| s.message)
            .filter(|m| !m.is_empty())
            .map(|m| sanitize(&m).into_owned());
        let warnings = warning::texts(
            response
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("warning"))
                .map(|(_, value)| value),
        );
        ResponseView {
            warnings,
            status: response.status,
            reason: response.reason,
            headers: response.headers,
            latency: response.latency,
            total_bytes: response.total_bytes,
            truncated_bytes: response.truncated_bytes,
            status_message,
            format,
            show_headers: false,
            top: 0,
            search: Search::default(),
            raw: response.body,
            json_lines,
            yaml_lines: None,
            page: Cell::new(0),
        }
    }

    /// The body lines in the current format.
    pub fn lines(&self) -> &[String] {
        match (self.format, &self.yaml_lines) {
            (BodyFormat::Yaml, Some(yaml)) => yaml,
            _ => &self.json_lines,
        }
    }

    /// Switches JSON ⇄ YAML (text bodies stay text); YAML is rendered once, on first use.
    pub fn toggle_format(&mut self) {
        self.format = match self.format {
            BodyFormat::Json => BodyFormat::Yaml,
            BodyFormat::Yaml => BodyFormat::Json,
            BodyFormat::Text => return,
        };
        if self.format == BodyFormat::Yaml && self.yaml_lines.is_none() {
            self.yaml_lines = Some(self.render_yaml());
        }
        self.top = 0;
        self.refresh_search();
    }

    fn render_yaml(&self) -> Vec<String> {
        let value = serde_json::from_slice::<serde_json::Value>(&self.raw).unwrap_or_default();
        match serde_saphyr::to_string(&value) {
            Ok(yaml) => yaml.lines().map(clean_line).collect(),
            Err(e) => vec![format!("cannot show as YAML: {e}")],
        }
    }

    /// Remembers the visible height (from the renderer) for paging and clamping.
    pub fn set_page(&self, rows: usize) {
        self.page.set(rows.max(1));
    }

    fn page(&self) -> usize {
        match self.page.get() {
            0 => DEFAULT_PAGE,
            n => n,
        }
    }

    fn max_top(&self) -> usize {
        self.lines().len().saturating_sub(self.page())
    }

    /// Scrolls by `delta` lines (negative: up).
    pub fn scroll(&mut self, delta: isize) {
        self.top = self.top.saturating_add_signed(delta).min(self.max_top());
    }

    /// Scrolls by `direction` pages.
    pub fn scroll_pages(&mut self, direction: isize) {
        let page = isize::try_from(self.page()).unwrap_or(isize::MAX);
        self.scroll(direction.saturating_mul(page));
    }

    pub fn scroll_to_top(&mut self) {
        self.top = 0;
    }

    pub fn scroll_to_bottom(&mut self) {
        self.top = self.max_top();
    }

    /// Opens the `/` prompt with an empty query.
    pub fn start_search(&mut self) {
        self.search = Search {
            editing: true,
            ..Search::default()
        };
    }

    /// Enter in the prompt: finds the matches and jumps to the first one at or below the top.
    pub fn confirm_search(&mut self) {
        self.search.editing = false;
        self.refresh_search();
        let first = self
            .search
            .matches
            .iter()
            .position(|&line| line >= self.top);
        self.search.current = first.or((!self.search.matches.is_empty()).then_some(0));
        self.show_current_match();
    }

    fn refresh_search(&mut self) {
        let needle = self.search.query.to_ascii_lowercase();
        self.search.current = None;
        self.search.matches = if needle.is_empty() {
            Vec::new()
        } else {
            let lines = self.lines();
            (0..lines.len())
                .filter(|&i| lines[i].to_ascii_lowercase().contains(&needle))
                .collect()
        };
    }

    /// n / N: the next (`+1`) or previous (`-1`) match, wrapping around.
    pub fn next_match(&mut self, step: isize) {
        let len = self.search.matches.len();
        if len == 0 {
            return;
        }
        let next = match self.search.current {
            None => 0,
            Some(i) => (i as isize + step).rem_euclid(len as isize) as usize,
        };
        self.search.current = Some(next);
        self.show_current_match();
    }

    fn show_current_match(&mut self) {
        let line = self
            .search
            .current
            .and_then(|i| self.search.matches.get(i).copied());
        if let Some(line) = line {
            self.top = line.min(self.max_top());
        }
    }
}

/// Pretty JSON split into display lines.
fn pretty_json(value: &serde_json::Value) -> Vec<String> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.lines().map(clean_line).collect()
}

/// A non-JSON body, decoded lossily, one display line per line.
fn text_lines(body: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(body)
        .lines()
        .map(clean_line)
        .collect()
}

/// Tabs become spaces and other control characters `?`, so the body cannot drive the
/// terminal.
fn clean_line(line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    sanitize(&line.replace('\t', "    ")).into_owned()
}
