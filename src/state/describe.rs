//! A native `describe`: of a pod, laid out exactly as `kubectl describe pod` lays it out (the
//! same sections, words and tabwriter alignment), and of any other kind as an outline. Built
//! from the JSON object, so unknown or missing fields never fail.

use serde_json::Value;

mod generic;
mod pod;
mod volumes;
pub use generic::describe_object;
pub use pod::describe_pod;

use crate::kube::table::human_signed_duration;
use crate::text::align_tabs;

/// Width of the label column of the outline describer's top-level fields.
const LABEL: usize = 18;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text.to_string()
    }
}

/// Text written the way kubectl's describers write it: each write indented two spaces per
/// level, cells separated by tabs, then aligned block by block as Go's tabwriter does.
/// `flush` ends the alignment there (kubectl flushes before the events table).
#[derive(Default)]
struct Tabbed {
    text: String,
    flushed: Vec<usize>,
}

impl Tabbed {
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(text);
    }

    fn flush(&mut self) {
        self.flushed.push(self.text.len());
    }

    fn lines(self) -> Vec<String> {
        let mut out = Vec::new();
        let mut start = 0;
        for end in self.flushed.iter().copied().chain([self.text.len()]) {
            let lines: Vec<String> = self.text[start..end]
                .split_terminator('\n')
                .map(str::to_string)
                .collect();
            out.extend(align_tabs(&lines));
            start = end;
        }
        out
    }
}

fn field(out: &mut Vec<String>, indent: usize, label: &str, value: &str) {
    // At least two spaces between a long label and its value.
    let width = LABEL.saturating_sub(indent).max(label.len() + 3);
    out.push(format!(
        "{:indent$}{:width$}{}",
        "",
        format!("{label}:"),
        value
    ));
}

/// `key=value` lines of a map (labels), aligned under the first.
fn map_field(out: &mut Vec<String>, label: &str, map: &Value) {
    let entries: Vec<String> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(&v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        field(out, 0, label, "<none>");
        return;
    }
    for (i, e) in entries.iter().enumerate() {
        if i == 0 {
            field(out, 0, label, e);
        } else {
            out.push(format!("{:LABEL$}{e}", ""));
        }
    }
}

fn timestamp(v: &Value) -> Option<jiff::Timestamp> {
    s(v).parse().ok()
}

/// kubectl's `translateTimestampSince`: the age of a time, `<unknown>` when it is missing.
fn since(v: &Value, now: jiff::Timestamp) -> String {
    match timestamp(v) {
        Some(t) => human_signed_duration(now.duration_since(t)),
        None => "<unknown>".into(),
    }
}

/// The Age cell of an event, as kubectl writes it: its first time, or "last (xN over first)".
fn event_age(e: &Value, now: jiff::Timestamp) -> String {
    let first = if timestamp(&e["eventTime"]).is_some() {
        since(&e["eventTime"], now)
    } else {
        since(&e["firstTimestamp"], now)
    };
    if e["series"].is_object() {
        let count = e["series"]["count"].as_u64().unwrap_or(0);
        let last = since(&e["series"]["lastObservedTime"], now);
        return format!("{last} (x{count} over {first})");
    }
    match e["count"].as_u64() {
        Some(count) if count > 1 => {
            let last = since(&e["lastTimestamp"], now);
            format!("{last} (x{count} over {first})")
        }
        _ => first,
    }
}

/// The events table, oldest first by lastTimestamp (a stable sort, as kubectl's is for the
/// handful of events an object has), aligned on its own as kubectl flushes before it.
fn write_events(w: &mut Tabbed, events: &[Value], now: jiff::Timestamp) {
    if events.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Value> = events.iter().collect();
    sorted.sort_by_key(|e| timestamp(&e["lastTimestamp"]));
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let from = match s(&e["source"]["component"]) {
            "" => s(&e["reportingComponent"]),
            component => component,
        };
        let line = format!(
            "{}\t{}\t{}\t{from}\t{}\n",
            s(&e["type"]),
            s(&e["reason"]),
            event_age(e, now),
            s(&e["message"]).trim()
        );
        w.w(1, &line);
    }
}

/// The events section for the outline describer.
fn events_section(out: &mut Vec<String>, events: &[Value], now: jiff::Timestamp) {
    let mut w = Tabbed::default();
    write_events(&mut w, events, now);
    out.extend(w.lines());
}
