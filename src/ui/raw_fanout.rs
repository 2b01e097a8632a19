//! The answers of a request sent to every fleet context, side by side: one column per context
//! with its status (or error) and latency over its body, cut to the column.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::raw_response::{SPINNER, body_window, status_colour};
use super::{key_for, pane_block, sanitize};
use crate::keys::Action;
use crate::state::State;
use crate::state::raw::Field;
use crate::state::raw_fanout::{Answer, Column, Fanout};

/// Narrowest column worth drawing; more contexts than fit scroll sideways.
const MIN_COLUMN: u16 = 24;

/// Draws `fanout` over `area` (the raw pane's response area).
pub fn render(frame: &mut Frame, area: Rect, state: &State, fanout: &Fanout) {
    let focused = state.raw.focus == Field::Response && !state.help_open;
    let inner = area.inner(Margin::new(1, 1));
    let window = fanout.window(usize::from((inner.width / MIN_COLUMN).max(1)));
    fanout.set_shown(window.len());
    let block = pane_block(title(fanout), focused).title_bottom(Line::styled(
        hints(state, fanout, &window),
        Style::new().fg(Color::DarkGray),
    ));
    frame.render_widget(block, area);
    let count = u32::try_from(window.len().max(1)).unwrap_or(u32::MAX);
    let areas = Layout::horizontal(vec![Constraint::Ratio(1, count); window.len()]).split(inner);
    for (index, (column, &cell)) in fanout.columns[window].iter().zip(areas.iter()).enumerate() {
        // A rule between columns; the first sits against the pane's own border.
        let borders = if index == 0 {
            Borders::NONE
        } else {
            Borders::LEFT
        };
        let frame_block = Block::new()
            .borders(borders)
            .border_style(Style::new().fg(Color::DarkGray));
        let body = frame_block.inner(cell);
        frame.render_widget(frame_block, cell);
        render_column(frame, body, state, column);
    }
}

/// The keys that apply; sideways scrolling only when some contexts do not fit.
fn hints(state: &State, fanout: &Fanout, window: &Range<usize>) -> String {
    let total = fanout.columns.len();
    let sideways = match window.len() < total {
        true => format!(
            "←→ contexts {}–{} of {total} · ",
            window.start + 1,
            window.end
        ),
        false => String::new(),
    };
    let esc = match fanout.pending().is_empty() {
        true => "back",
        false => "cancels",
    };
    format!(
        " {sideways}↑↓ scroll · {} json/yaml · esc {esc} ",
        key_for(state, Action::ToggleFormat),
    )
}

/// ` Fleet GET /version/ · 2/3 answered `.
fn title(fanout: &Fanout) -> Line<'static> {
    let total = fanout.columns.len();
    Line::from(vec![
        Span::raw(" Fleet "),
        Span::styled(
            format!("{} ", fanout.method),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::raw(sanitize(&fanout.path).into_owned()),
        Span::styled(
            format!(" · {}/{total} answered ", fanout.done()),
            Style::new().fg(Color::Yellow),
        ),
    ])
}

/// The context's name, then its status line and body, or its error wrapped to the column.
fn render_column(frame: &mut Frame, area: Rect, state: &State, column: &Column) {
    let name = Line::styled(
        sanitize(&column.context).into_owned(),
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    );
    let mut lines = vec![name];
    match &column.answer {
        Answer::Waiting => lines.push(Line::styled(
            format!("{} waiting…", SPINNER[state.spinner % SPINNER.len()]),
            Style::new().fg(Color::Yellow),
        )),
        Answer::Failed(error) => {
            lines.push(Line::styled(
                format!("✗ {}", sanitize(error)),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ));
            let text = Paragraph::new(lines).wrap(Wrap { trim: false });
            frame.render_widget(text, area);
            return;
        }
        Answer::Received(view) => {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} {}", view.status, sanitize(&view.reason)),
                    Style::new()
                        .fg(status_colour(view.status))
                        .add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {} ms", view.latency.as_millis())),
            ]));
            if let Some(message) = &view.status_message {
                lines.push(Line::styled(
                    format!("✗ {message}"),
                    Style::new().fg(Color::Red),
                ));
            }
            let rows = usize::from(area.height).saturating_sub(lines.len());
            lines.extend(body_window(view, rows));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::kube::Failure;
    use crate::msg::{Effect, Msg, RawResponse};
    use crate::state::fleet::Fleet;
    use crate::state::{State, update};
    use crate::ui::testing::draw;

    fn version(git: &str, ms: u64) -> RawResponse {
        let body = format!(
            r#"{{"major":"1","minor":"31","gitVersion":"{git}","platform":"linux/amd64"}}"#
        );
        RawResponse {
            status: 200,
            reason: "OK".into(),
            total_bytes: body.len() as u64,
            body: body.into_bytes(),
            latency: Duration::from_millis(ms),
            ..RawResponse::default()
        }
    }

    /// `/version/` fanned out to three contexts: two answered, one unreachable.
    fn fanned_out() -> State {
        let names = ["kind-dev", "prod-eu", "prod-us"].map(String::from);
        let unreachable = "connect to 10.0.0.9:6443: timed out after 30s";
        let answers = vec![
            Ok(version("v1.31.0", 12)),
            Err(Failure::other(unreachable)),
            Ok(version("v1.30.4+k3s1", 48)),
        ];
        fanned_out_to(&names, answers)
    }

    /// `/version/` fanned out to `names`, answered in order by `answers` (the rest wait).
    fn fanned_out_to(names: &[String], answers: Vec<Result<RawResponse, Failure>>) -> State {
        let mut state = super::super::raw::tests::open();
        state.fleet = Some(Fleet::new(names));
        // Base /version, no version: GET /version/ as kr8s's version() does.
        for _ in 0..2 {
            update(&mut state, key(KeyCode::Tab, KeyModifiers::NONE));
        }
        for c in "/version".chars() {
            update(&mut state, key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        // Cluster-wide, and no version.
        update(&mut state, key(KeyCode::Tab, KeyModifiers::NONE));
        update(&mut state, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
        update(&mut state, key(KeyCode::BackTab, KeyModifiers::SHIFT));
        update(&mut state, key(KeyCode::BackTab, KeyModifiers::SHIFT));
        update(&mut state, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(state.raw.resolved().as_deref(), Ok("/version/"));
        let effects = update(&mut state, key(KeyCode::Char('a'), KeyModifiers::ALT));
        let ids: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::SendRaw { id, .. } => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), names.len(), "{effects:?}");
        for (id, result) in ids.into_iter().zip(answers) {
            update(&mut state, Msg::RawResponse { id, result });
        }
        state
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Msg {
        Msg::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn fanout_side_by_side_80x24() {
        let state = fanned_out();
        insta::assert_snapshot!(draw(80, 24, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn fanout_side_by_side_wide() {
        let state = fanned_out();
        insta::assert_snapshot!(draw(160, 30, |f| crate::ui::render(f, &state)));
    }

    /// More contexts than fit: a window of them, moved with ←/→, says which.
    #[test]
    fn many_contexts_scroll_sideways() {
        let names: Vec<String> = (1..=5).map(|i| format!("edge-{i}")).collect();
        let answers = (1..=4)
            .map(|i| Ok(version(&format!("v1.3{i}.0"), i)))
            .collect();
        let mut state = fanned_out_to(&names, answers);
        let screen = draw(80, 24, |f| crate::ui::render(f, &state));
        assert!(screen.contains("←→ contexts 1–3 of 5"), "{screen}");
        assert!(
            screen.contains("edge-3") && !screen.contains("edge-4"),
            "{screen}"
        );
        for _ in 0..3 {
            update(&mut state, key(KeyCode::Right, KeyModifiers::NONE));
        }
        insta::assert_snapshot!(draw(80, 24, |f| crate::ui::render(f, &state)));
    }
}
