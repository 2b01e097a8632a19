//! The status bar: where we are (context, namespace, server), how much is loaded, and what
//! went wrong last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::{group_thousands, sanitize};
use crate::state::{PodsLoad, Screen, State};

/// Draws the two status lines into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let (facts, spark_at) = facts_line(state);
    let lines = vec![facts, message_line(state)];
    frame.render_widget(
        Paragraph::new(lines).style(Style::new().bg(Color::Black)),
        area,
    );
    if let Some(x) = spark_at {
        latency_spark(frame, area, state, x);
    }
}

/// Cells of the `/version` latency sparkline after the latency on the facts line.
const SPARK_WIDTH: u16 = 8;

/// The latest `/version` latencies as a sparkline `x` cells into the facts line (where it
/// left room), when it fits.
fn latency_spark(frame: &mut Frame, area: Rect, state: &State, x: u16) {
    if x + SPARK_WIDTH > area.width || area.height == 0 {
        return;
    }
    let data = state.pulse.latency.newest(usize::from(SPARK_WIDTH));
    let rect = Rect::new(area.x + x, area.y, SPARK_WIDTH, 1);
    let spark = Sparkline::default()
        .data(&data)
        .style(Style::new().fg(Color::Cyan).bg(Color::Black));
    frame.render_widget(spark, rect);
}

fn separator() -> Span<'static> {
    Span::styled(" │ ", Style::new().fg(Color::DarkGray))
}

/// Context, namespace, server version and latency, pod count, loading state, flags; and
/// where the latency sparkline goes (room left after the latency once there are two samples).
fn facts_line(state: &State) -> (Line<'static>, Option<u16>) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let label = crate::state::fleet::short_label(state);
    let context = label.as_deref().map_or("-".into(), sanitize);
    let namespace = state.namespace.as_deref().map_or("all".into(), sanitize);
    let mut spans = vec![
        Span::raw(" ctx "),
        Span::styled(context.into_owned(), bold.fg(Color::Cyan)),
        separator(),
        Span::raw("ns "),
        Span::styled(namespace.into_owned(), bold.fg(Color::Cyan)),
        separator(),
        version_span(state),
    ];
    let mut spark_at = None;
    if state.version.is_some() && state.unreachable().is_none() && state.pulse.latency.len() >= 2 {
        let before: usize = spans.iter().map(Span::width).sum();
        spark_at = u16::try_from(before + 1).ok();
        spans.push(Span::raw(" ".repeat(usize::from(SPARK_WIDTH) + 1)));
    }
    spans.extend([separator(), count_span(state)]);
    if let Some(load) = load_span(state) {
        spans.extend([separator(), load]);
    }
    if let Some(hint) = state.metrics.hint() {
        let hint = Span::styled(hint, Style::new().fg(Color::DarkGray));
        spans.extend([separator(), hint]);
    }
    if state.opts.readonly {
        spans.extend([separator(), Span::styled("READONLY", bold.fg(Color::Blue))]);
    }
    if state.connection.as_ref().is_some_and(|c| c.insecure) {
        let warning = Style::new()
            .fg(Color::Black)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD);
        spans.extend([separator(), Span::styled(" INSECURE TLS ", warning)]);
    }
    (Line::from(spans), spark_at)
}

/// The state of the table on screen's stream. "watching" only while its watch is healthy: a
/// failing stream is retrying, whatever it had loaded before.
fn load_span(state: &State) -> Option<Span<'static>> {
    let (load, failing) = match &state.resource {
        Some(view) if view.live => (PodsLoad::Watching, view.error.is_some()),
        Some(view) => (PodsLoad::Loading, view.error.is_some()),
        None => (state.pods_load, state.pods_error.is_some()),
    };
    let (text, colour) = match (load, failing) {
        (PodsLoad::Idle, _) => return None,
        (_, true) => ("retrying", Color::Red),
        (PodsLoad::Loading, false) => ("loading…", Color::Yellow),
        (PodsLoad::Watching, false) => ("watching", Color::Green),
    };
    Some(Span::styled(text, Style::new().fg(colour)))
}

/// How many objects the table on screen holds: the open kind's, else the pods.
fn count_span(state: &State) -> Span<'static> {
    let (count, what) = match &state.resource {
        Some(view) => (
            view.table.as_ref().map_or(0, |t| t.rows.len()),
            view.resource.plural.as_str(),
        ),
        None => (state.pods.len(), "pods"),
    };
    Span::raw(format!("{} {}", group_thousands(count), sanitize(what)))
}

fn version_span(state: &State) -> Span<'static> {
    if state.unreachable().is_some() {
        return Span::styled("unreachable", Style::new().fg(Color::Red));
    }
    match (&state.version, &state.version_error) {
        (Some(v), _) => Span::raw(format!(
            "{} ({}ms)",
            sanitize(&v.version.git_version),
            v.latency.as_millis()
        )),
        (None, Some(e)) => Span::styled(
            format!("version: {}", version_problem(&e.message)),
            Style::new().fg(Color::Red),
        ),
        (None, None) => Span::styled("connecting…", Style::new().fg(Color::DarkGray)),
    }
}

/// Most characters of a failed `/version` the facts line gives; the message line has it all.
const VERSION_PROBLEM: usize = 60;

/// Why `/version` failed, short: the request prefix ("GET /version/: ") dropped, the server's
/// message or the transport's words kept.
fn version_problem(message: &str) -> String {
    let words = message
        .split_once(": ")
        .filter(|(head, _)| head.contains('/'))
        .map_or(message, |(_, rest)| rest);
    super::columns::fit(&sanitize(words), VERSION_PROBLEM).into_owned()
}

/// A failure's words with the time left until the stream tries again, counted down from
/// `now` each frame: "… (retrying in 3s)", then "(retrying…)" once it is due.
pub fn problem_words(
    message: &str,
    retry_at: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
) -> String {
    let Some(at) = retry_at else {
        return message.to_string();
    };
    let left = at.duration_since(now).as_secs_f64().ceil();
    if left >= 1.0 {
        format!("{message} (retrying in {left}s)")
    } else {
        format!("{message} (retrying…)")
    }
}

/// The most useful keys of the screen, as the keymap in effect binds them: "<tab> next pane
/// <enter> open / filter …". An action with no key is left out.
fn hints(state: &State) -> String {
    use crate::keys::Action as A;
    let map = &state.keymap;
    let first = |a: A| map.keys_for(a).first().map(|k| key_label(k));
    let hints: &[(&[A], &str)] = match state.screen {
        Screen::Main => &[
            (&[A::FocusNext], "next pane"),
            (&[A::Select], "open"),
            (&[A::Search], "filter"),
            (&[A::Command], "command"),
            (&[A::Yaml, A::Describe, A::Logs], "yaml/describe/logs"),
            (&[A::RawRequest], "raw"),
            (&[A::Help], "help"),
            (&[A::Quit], "quit"),
        ],
        Screen::Raw => &[
            (&[A::FocusNext], "next field"),
            (&[A::Select], "send"),
            (&[A::Close], "back"),
        ],
        Screen::RequestLog => &[
            (&[A::Down, A::Up], "move"),
            (&[A::Close], "back"),
            (&[A::Help], "help"),
            (&[A::Quit], "quit"),
        ],
        Screen::Forwards => &[
            (&[A::Down, A::Up], "move"),
            (&[A::Delete], "stop"),
            (&[A::Close], "back"),
            (&[A::Help], "help"),
            (&[A::Quit], "quit"),
        ],
        Screen::History => &[
            (&[A::Down, A::Up], "move"),
            (&[A::Select], "diff"),
            (&[A::ManagedFields], "noise"),
            (&[A::Close], "back"),
            (&[A::Help], "help"),
        ],
        Screen::Deleted => &[
            (&[A::Down, A::Up], "move"),
            (&[A::Select], "yaml & events"),
            (&[A::ObjectHistory], "history"),
            (&[A::Close], "back"),
            (&[A::Help], "help"),
        ],
        Screen::Pulse => &[
            (&[A::Down, A::Up], "scroll namespaces"),
            (&[A::Refresh], "nodes now"),
            (&[A::Close], "back"),
            (&[A::Help], "help"),
            (&[A::Quit], "quit"),
        ],
    };
    let mut line = String::new();
    for (actions, label) in hints {
        let keys: Option<Vec<String>> = actions.iter().map(|a| first(*a)).collect();
        if let Some(keys) = keys {
            line.push_str(&format!(" {} {label} ", keys.join("/")));
        }
    }
    // The raw pane takes printable keys as text: only a ctrl chord quits there.
    if state.screen == Screen::Raw
        && let Some(quit) = map
            .keys_for(A::Quit)
            .iter()
            .find(|k| k.starts_with("ctrl-"))
    {
        line.push_str(&format!(" {quit} quit "));
    }
    line.trim_end().to_string()
}

/// How a key name reads in the hints: named keys in angle brackets (`<tab>`), characters and
/// chords as they are (`/`, `ctrl-c`).
fn key_label(key: &str) -> String {
    let named = [
        "tab",
        "enter",
        "esc",
        "space",
        "backspace",
        "up",
        "down",
        "left",
        "right",
    ];
    if named.contains(&key) || key == "shift-tab" {
        format!("<{key}>")
    } else {
        key.to_string()
    }
}

/// The last error, else a hint, else the most useful keys.
fn message_line(state: &State) -> Line<'static> {
    if let Some(error) = state.current_error() {
        let words = problem_words(error.message, error.retry_at, state.now);
        let text = format!("{}: {words}", error.source);
        return Line::from(vec![
            Span::styled(
                " ✗ ",
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Span::styled(sanitize(&text).into_owned(), Style::new().fg(Color::Red)),
        ]);
    }
    if let Some(warning) = &state.warning {
        return Line::styled(
            format!(" Warning: {}", sanitize(warning)),
            Style::new().fg(Color::Yellow),
        );
    }
    if let Some(hint) = &state.hint {
        return Line::styled(
            format!(" {}", sanitize(hint)),
            Style::new().fg(Color::Yellow),
        );
    }
    let keys = hints(state);
    Line::styled(keys, Style::new().fg(Color::DarkGray))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::msg::{Msg, ServerVersion};
    use crate::state::update;
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn status_bar_connected() {
        let state = demo_state(false);
        insta::assert_snapshot!(draw(100, 2, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn status_bar_with_error_insecure_readonly() {
        let mut state = demo_state(true);
        state.opts.readonly = true;
        if let Some(c) = state.connection.as_mut() {
            c.insecure = true;
        }
        let generation = state.pods_gen;
        let retry_at = state
            .now
            .checked_add(jiff::SignedDuration::from_secs(2))
            .ok();
        let error = "pods is forbidden: User \"dev\" cannot watch pods";
        update(&mut state, Msg::pods_failed(generation, error, retry_at));
        let generation = state.context_gen;
        update(
            &mut state,
            Msg::Version {
                generation,
                result: Ok((
                    ServerVersion {
                        git_version: "v1.31.0".into(),
                        platform: "linux/amd64".into(),
                    },
                    Duration::from_millis(12),
                )),
            },
        );
        insta::assert_snapshot!(draw(120, 2, |f| super::render(f, f.area(), &state)));
    }

    /// The countdown is worded from the clock each frame, so it counts down as ticks arrive.
    #[test]
    fn retry_countdown_counts_down() {
        let mut state = demo_state(false);
        let start = state.now;
        let retry_at = start.checked_add(jiff::SignedDuration::from_secs(3)).ok();
        let generation = state.pods_gen;
        update(
            &mut state,
            Msg::pods_failed(generation, "connection refused", retry_at),
        );
        let line =
            |state: &crate::state::State| draw(100, 2, |f| super::render(f, f.area(), state));
        assert!(line(&state).contains("pods: connection refused (retrying in 3s)"));
        let later = start.checked_add(jiff::SignedDuration::from_millis(1500));
        update(&mut state, Msg::Tick(later.expect("in range")));
        assert!(
            line(&state).contains("(retrying in 2s)"),
            "{}",
            line(&state)
        );
        let due = start.checked_add(jiff::SignedDuration::from_secs(3));
        update(&mut state, Msg::Tick(due.expect("in range")));
        assert!(line(&state).contains("(retrying…)"), "{}", line(&state));
    }

    /// The hints name the keys in effect: an override in `[keys]` shows in the status bar.
    #[test]
    fn hints_follow_the_keymap() {
        let mut state = demo_state(false);
        let line =
            |state: &crate::state::State| draw(120, 2, |f| super::render(f, f.area(), state));
        assert!(line(&state).contains("? help  q quit"), "{}", line(&state));
        let overrides = [
            (
                "quit".to_string(),
                vec!["x".to_string(), "ctrl-c".to_string()],
            ),
            ("raw_request".to_string(), vec!["alt-r".to_string()]),
        ];
        let (keymap, errors) = state
            .keymap
            .with_overrides(&overrides.into_iter().collect());
        assert!(errors.is_empty(), "{errors:?}");
        state.keymap = keymap;
        let shown = line(&state);
        assert!(
            shown.contains("x quit") && !shown.contains("q quit"),
            "{shown}"
        );
        assert!(shown.contains("alt-r raw"), "{shown}");
        state.screen = crate::state::Screen::Raw;
        assert!(line(&state).contains("ctrl-c quit"), "{}", line(&state));
    }

    /// An outage is one fact: while the watch cannot reach the server, neither the version nor
    /// the load state says all is well; once the watch is back, the poll's stale error goes.
    #[test]
    fn an_outage_shows_everywhere_and_clears_everywhere() {
        use crate::kube::watcher::Event;
        use crate::kube::{Failure, FailureKind};
        let mut state = demo_state(false);
        let line =
            |state: &crate::state::State| draw(120, 2, |f| super::render(f, f.area(), state));
        assert!(line(&state).contains("watching"), "{}", line(&state));
        let refused = Failure {
            kind: FailureKind::Unreachable,
            code: None,
            reason: String::new(),
            message: "GET /api/v1/pods: connection refused".into(),
            details: None,
        };
        let generation = state.pods_gen;
        update(
            &mut state,
            Msg::pods_failed(generation, refused.clone(), None),
        );
        let generation = state.context_gen;
        update(
            &mut state,
            Msg::Version {
                generation,
                result: Err(refused),
            },
        );
        let down = line(&state);
        assert!(
            down.contains("unreachable") && down.contains("retrying"),
            "{down}"
        );
        assert!(
            !down.contains("watching") && !down.contains("v1.31.0"),
            "{down}"
        );
        let generation = state.pods_gen;
        update(
            &mut state,
            Msg::Pods {
                generation,
                event: Event::Live,
            },
        );
        let up = line(&state);
        assert!(up.contains("watching") && up.contains("v1.31.0"), "{up}");
        assert!(
            !up.contains("refused") && !up.contains("unreachable"),
            "{up}"
        );
    }

    /// A failed /version says why in the facts line: the server's words, or the request's.
    #[test]
    fn a_failed_version_shows_its_reason() {
        use crate::kube::{Failure, FailureKind};
        let mut state = demo_state(false);
        state.version = None;
        let forbidden = Failure {
            kind: FailureKind::Api,
            code: Some(403),
            reason: "Forbidden".into(),
            message: "forbidden: User \"dev\" cannot get path \"/version/\" (403 Forbidden)".into(),
            details: None,
        };
        let generation = state.context_gen;
        let result = Err(forbidden);
        update(&mut state, Msg::Version { generation, result });
        let facts = |state: &crate::state::State| {
            let screen = draw(160, 2, |f| super::render(f, f.area(), state));
            screen.lines().next().unwrap_or_default().to_string()
        };
        let line = facts(&state);
        assert!(
            line.contains("version: forbidden: User \"dev\" cannot get path \"/version/\""),
            "{line}"
        );
        assert!(!line.contains("version ?"), "{line}");
        let result = Err(Failure::other("GET /version/: cannot decode response: EOF"));
        update(&mut state, Msg::Version { generation, result });
        let line = facts(&state);
        assert!(
            line.contains("version: cannot decode response: EOF"),
            "{line}"
        );
    }

    /// A server's deprecation warning shows as kubectl prints it, until the next key.
    #[test]
    fn server_warnings_show_until_the_next_key() {
        use crate::kube::CallRecord;
        let mut state = demo_state(false);
        let record = CallRecord {
            warnings: vec!["v1 ComponentStatus is deprecated in v1.19+".into()],
            ..CallRecord::default()
        };
        update(&mut state, Msg::RequestLogged(record));
        let line =
            |state: &crate::state::State| draw(100, 2, |f| super::render(f, f.area(), state));
        assert!(line(&state).contains("Warning: v1 ComponentStatus is deprecated in v1.19+"));
        update(
            &mut state,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char('j'),
            )),
        );
        assert!(!line(&state).contains("Warning"), "{}", line(&state));
    }
}
