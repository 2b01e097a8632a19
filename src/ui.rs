//! Drawing: one pane per file, layout decided here. Pure functions of `State`; the only state
//! they touch is each pane's scroll window (see `state::Cursor::window`).

pub mod columns;
pub mod confirm;
pub mod containers;
pub mod contexts;
pub mod crumb;
pub mod deleted;
pub mod describe;
pub mod dialog;
pub mod diff;
pub mod drain;
mod exec_output;
mod fleet;
mod forwards;
pub mod help;
pub mod history;
pub mod logs;
mod marks;
mod metrics;
pub mod namespaces;
pub mod pods;
pub mod pulse;
pub mod raw;
pub mod raw_fanout;
pub mod raw_response;
mod replay;
pub mod request_log;
pub mod resources;
pub mod status;
pub mod text_view;
pub mod theme;
pub mod xray;
pub mod yaml;

#[cfg(test)]
mod tests_columns;
#[cfg(test)]
mod tests_detail;
#[cfg(test)]
mod tests_fleet;
#[cfg(test)]
mod tests_history;
#[cfg(test)]
mod tests_layout;
#[cfg(test)]
mod tests_ops;
#[cfg(test)]
mod tests_pulse;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Margin, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::state::detail::{Detail, DetailKind};
use crate::state::{Focus, Screen, State};

/// Width of the selection marker (`▶ `) before the rows of a table.
pub const MARKER: u16 = 2;

/// Height of the status bar.
const STATUS_HEIGHT: u16 = 2;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    draw_screen(frame, state);
    theme::Theme::new(state.opts.theme).paint(frame.buffer_mut());
}

/// Draws every pane in the dark palette (the theme repaints it afterwards).
fn draw_screen(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if let Some(problem) = &state.fatal {
        render_fatal(frame, area, problem, state.opts.log_file.as_deref());
        return;
    }
    let [top, main, status_area] = screen_areas(area, state);
    if let Some(bar) = &state.replay {
        replay::render(frame, Rect { height: 1, ..area }, bar);
    }
    crumb::render(frame, top, state);
    match state.screen {
        Screen::Main => match (&state.edit, &state.ops.drain, &state.detail) {
            (Some(edit), _, _) if edit.shown() => diff::render(frame, main, state, edit),
            (_, Some(view), _) => drain::render(frame, main, state, view),
            (_, None, Some(detail)) => render_detail(frame, main, state, detail),
            _ => {
                for (pane, rect) in layout_panes(main, state, area.height) {
                    match pane {
                        Focus::Contexts => contexts::render(frame, rect, state),
                        Focus::Namespaces => namespaces::render(frame, rect, state),
                        Focus::Pods => match (&state.xray, &state.containers, &state.resource) {
                            (Some(view), _, _) => xray::render(frame, rect, state, view),
                            (None, Some(view), _) => containers::render(frame, rect, state, view),
                            (None, None, Some(view)) => resources::render(frame, rect, state, view),
                            (None, None, None) => pods::render(frame, rect, state),
                        },
                    }
                }
            }
        },
        Screen::Raw => raw::render(frame, main, state),
        Screen::RequestLog => request_log::render(frame, main, state),
        Screen::Forwards => forwards::render(frame, main, state),
        Screen::Pulse => pulse::render(frame, main, state),
        Screen::History => history::render(frame, main, state),
        Screen::Deleted => deleted::render(frame, main, state),
    }
    status::render(frame, status_area, state);
    if let Some(confirm) = &state.confirm {
        confirm::render(frame, area, confirm);
    }
    if let Some(dialog) = &state.ops.dialog {
        dialog::render(frame, area, dialog);
    }
    if state.help_open {
        help::render(frame, area, state);
    }
}

/// Breadcrumb line, main area, status bar; under `--replay`, below the time bar's row.
fn screen_areas(area: Rect, state: &State) -> [Rect; 3] {
    let area = match state.replay {
        Some(_) => Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        },
        None => area,
    };
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(STATUS_HEIGHT),
    ])
    .areas(area)
}

/// What the mouse at column `x`, row `y` of a screen of size `area` points at: the pane, by
/// the same layout `render` uses, and the list row under it (0 = the first row below the
/// pane's header; `None` on a border or header). `None` outside every pane.
pub fn pane_at(state: &State, area: Rect, x: u16, y: u16) -> Option<(Focus, Option<usize>)> {
    let [_, main, _] = screen_areas(area, state);
    let position = Position { x, y };
    let (focus, rect) = layout_panes(main, state, area.height)
        .into_iter()
        .find(|(_, rect)| rect.contains(position))?;
    // Contexts and pods tables have a header row; the namespaces list has none.
    let header = u16::from(focus != Focus::Namespaces);
    let inner = rect.inner(Margin::new(1, 1));
    let row = inner
        .contains(position)
        .then(|| y - inner.y)
        .and_then(|r| r.checked_sub(header))
        .map(usize::from);
    Some((focus, row))
}

/// A detail view over the whole main area.
fn render_detail(frame: &mut Frame, area: Rect, state: &State, detail: &Detail) {
    match detail.kind() {
        DetailKind::Yaml => yaml::render(frame, area, state, detail),
        DetailKind::Describe => describe::render(frame, area, state, detail),
        DetailKind::Logs => logs::render(frame, area, state, detail),
        DetailKind::Exec => exec_output::render(frame, area, state, detail),
    }
}

/// A focused pane frame titled with the breadcrumb and `detail` (counts, position).
pub fn crumb_block(state: &State, detail: &str) -> Block<'static> {
    pane_block(
        title(&crumb::text(state), &sanitize(detail)),
        !state.help_open,
    )
}

/// "loading…" or the error of a detail view that has nothing to show yet.
pub fn detail_status(detail: &Detail) -> Option<String> {
    match (&detail.error, detail.loading()) {
        (Some(e), _) => Some(format!("error: {}", sanitize(&e.message))),
        (None, true) => Some("loading…".into()),
        (None, false) => None,
    }
}

/// Where each pane goes on a screen `rows` high. Above the table: contexts and namespaces side
/// by side in a short strip, the table below at full width (it needs the columns far more).
/// Folded (short screens, or hidden): the table alone, or the focused pane as a full view.
fn layout_panes(area: Rect, state: &State, rows: u16) -> Vec<(Focus, Rect)> {
    if !crate::state::panes::strip_shown(state.panes, rows) {
        return vec![(state.focus, area)];
    }
    let strip_height = if area.height >= 40 { 9 } else { 7 };
    let [strip, pods] =
        Layout::vertical([Constraint::Length(strip_height), Constraint::Min(0)]).areas(area);
    let [contexts, namespaces] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(strip);
    vec![
        (Focus::Contexts, contexts),
        (Focus::Namespaces, namespaces),
        (Focus::Pods, pods),
    ]
}

/// The bordered frame of a pane: bright and thick when focused, dim otherwise.
pub fn pane_block(title: Line<'static>, focused: bool) -> Block<'static> {
    let (border, border_type, title_style) = if focused {
        (
            Style::new().fg(Color::Cyan),
            BorderType::Thick,
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )
    } else {
        (
            Style::new().fg(Color::DarkGray),
            BorderType::Plain,
            Style::new().add_modifier(Modifier::BOLD),
        )
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(border)
        .title(title.style(title_style))
}

/// Style of the row under the cursor; the focused pane's is brighter.
pub fn selected_style(focused: bool) -> Style {
    if focused {
        Style::new()
            .bg(Color::Cyan)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

/// Whether `pane` has the keyboard (never while the help overlay is up).
pub fn is_focused(state: &State, pane: Focus) -> bool {
    state.focus == pane && !state.help_open
}

/// " Title [count] " as a pane title.
pub fn title(name: &str, detail: &str) -> Line<'static> {
    let mut spans = vec![Span::raw(format!(" {name} "))];
    if !detail.is_empty() {
        spans.push(Span::styled(
            format!("[{detail}] "),
            Style::new().fg(Color::Yellow),
        ));
    }
    Line::from(spans)
}

pub use crate::text::sanitize;

/// The first key bound to `action` in the keymap in effect ("?" when none), for hints that
/// follow rebinding.
pub fn key_for(state: &State, action: crate::keys::Action) -> String {
    let keys = state.keymap.keys_for(action);
    keys.first().cloned().unwrap_or_else(|| "?".into())
}

/// `12500` → `12 500`, like the progress line shows it.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(d);
    }
    out
}

/// No kubeconfig at all: say so and point at the demo cluster.
fn render_fatal(frame: &mut Frame, area: Rect, problem: &str, log_file: Option<&str>) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::styled("No Kubernetes configuration found", bold.fg(Color::Red)),
        Line::raw(""),
        Line::raw(sanitize(problem).into_owned()),
        Line::raw(""),
        Line::raw("kr8s-tui reads --kubeconfig, $KUBECONFIG or ~/.kube/config."),
        Line::from(vec![
            Span::raw("To try it without a cluster, run "),
            Span::styled("kr8s-tui --demo", bold.fg(Color::Cyan)),
            Span::raw(" (a built-in demo cluster)."),
        ]),
    ];
    if let Some(path) = log_file {
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            "Details are logged to {}",
            sanitize(path)
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Press q to quit.",
        Style::new().fg(Color::DarkGray),
    ));
    let block = pane_block(title("kr8s-tui", ""), true);
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(text, area);
}

/// Fixtures shared by the pane snapshot tests.
#[cfg(test)]
pub(crate) mod testing {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::kube::kubeconfig::ContextInfo;
    use crate::kube::table::PodRow;
    use crate::msg::{ConnectionInfo, Msg, ServerVersion};
    use crate::state::{StartOptions, State, update};

    /// Opens the `:kind` view of `plural` (a core kind unless `group`) on `state`; its view id.
    pub fn open_kind(state: &mut State, group: &str, plural: &str) -> u64 {
        let resource = crate::kube::discovery::ApiResource {
            group: group.into(),
            version: "v1".into(),
            plural: plural.into(),
            namespaced: true,
            ..Default::default()
        };
        crate::state::kinds::open(state, resource);
        state
            .resource
            .as_ref()
            .map(|r| r.id)
            .expect("a resource view")
    }

    /// The fixed clock of every snapshot.
    pub fn now() -> jiff::Timestamp {
        "2026-11-20T12:00:00Z".parse().expect("valid fixture time")
    }

    fn at(s: &str) -> Option<jiff::Timestamp> {
        Some(s.parse().expect("valid fixture time"))
    }

    fn pod(ns: &str, name: &str, ready: &str, status: &str, restarts: u32) -> PodRow {
        PodRow {
            namespace: ns.into(),
            name: name.into(),
            ready: ready.into(),
            status: status.into(),
            restarts,
            created: at("2026-11-15T09:00:00Z"),
            ip: "10.244.1.17".into(),
            node: "worker-eu-west-1a-7f9c".into(),
            ..PodRow::default()
        }
    }

    /// Realistic pods: crash loops, init, completed, terminating, long names, a hostile name.
    pub fn pods(ns: &str) -> Vec<PodRow> {
        let mut crash = pod(ns, "api-7d9f8b6c5-x2x9q", "0/1", "CrashLoopBackOff", 7);
        crash.last_restart = at("2026-11-19T07:00:00Z");
        let mut init = pod(ns, "db-migrate-0", "0/1", "Init:0/1", 0);
        init.created = at("2026-11-20T11:59:15Z");
        init.ip.clear();
        let mut job = pod(ns, "nightly-report-29145600-abcde", "0/1", "Completed", 0);
        job.created = at("2026-10-06T02:00:00Z");
        let long =
            "payments-reconciliation-worker-with-a-very-long-deployment-name-5f6d7c8b9-qwert";
        vec![
            crash,
            init,
            job,
            pod(ns, "frontend-5c8d7b9f4-abcde", "2/2", "Running", 0),
            pod(ns, "frontend-5c8d7b9f4-fghij", "1/2", "Terminating", 1),
            pod(ns, long, "1/1", "Running", 0),
            pod(ns, "evil-\u{1b}[2J-name", "1/1", "ImagePullBackOff", 0),
        ]
    }

    /// A connected state: two contexts, three namespaces, the pods above.
    pub fn demo_state(all_namespaces: bool) -> State {
        let mut state = State::new(StartOptions {
            all_namespaces,
            ..StartOptions::default()
        });
        let context = |name: &str, cluster: &str, user: &str| ContextInfo {
            name: name.into(),
            cluster: cluster.into(),
            user: user.into(),
            namespace: None,
        };
        update(
            &mut state,
            Msg::Contexts {
                contexts: vec![
                    context("kind-dev", "kind-dev", "kind-dev-admin"),
                    context("prod-eu", "gke_acme_europe-west1_prod", "oidc-alice"),
                ],
                selected: Some("kind-dev".into()),
                fleet: Vec::new(),
                namespace: Some("shop".into()),
                error: None,
            },
        );
        let (ctx_gen, pods_gen) = (state.context_gen, state.pods_gen);
        update(
            &mut state,
            Msg::Connected {
                generation: ctx_gen,
                result: Ok(ConnectionInfo {
                    server: "https://127.0.0.1:6443".into(),
                    namespace: "shop".into(),
                    insecure: false,
                }),
            },
        );
        let names = ["default", "kube-system", "shop"]
            .map(String::from)
            .to_vec();
        update(&mut state, Msg::namespaces_listed(ctx_gen, names));
        update(
            &mut state,
            Msg::Version {
                generation: ctx_gen,
                result: Ok((
                    ServerVersion {
                        git_version: "v1.31.0".into(),
                        platform: "linux/amd64".into(),
                    },
                    std::time::Duration::from_millis(12),
                )),
            },
        );
        let mut rows = pods("shop");
        if all_namespaces {
            rows.extend(pods("kube-system").into_iter().take(2));
        }
        update(&mut state, Msg::pods_page(pods_gen, rows, true, false));
        state.now = now();
        state
    }

    /// Renders with `draw` on a `width`×`height` test terminal and returns the screen text.
    pub fn draw(width: u16, height: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> String {
        drawn(width, height, draw).backend().to_string()
    }

    /// Renders with `draw` on a `width`×`height` test terminal and returns it, for tests that
    /// look at the cells' colours as well as the text.
    pub fn drawn(
        width: u16,
        height: u16,
        draw: impl FnOnce(&mut ratatui::Frame),
    ) -> Terminal<TestBackend> {
        let mut terminal =
            Terminal::new(TestBackend::new(width, height)).expect("test backend never fails");
        terminal.draw(draw).expect("test backend never fails");
        terminal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_screen_narrow() {
        let state = testing::demo_state(false);
        insta::assert_snapshot!(testing::draw(80, 24, |f| render(f, &state)));
    }

    #[test]
    fn whole_screen_wide_all_namespaces() {
        let state = testing::demo_state(true);
        insta::assert_snapshot!(testing::draw(160, 40, |f| render(f, &state)));
    }

    #[test]
    fn no_kubeconfig_screen() {
        let mut state = State::new(crate::state::StartOptions {
            log_file: Some("/home/me/.local/state/kr8s-tui/log".into()),
            ..Default::default()
        });
        state.fatal =
            Some("no kubeconfig: ~/.kube/config does not exist and $KUBECONFIG is unset".into());
        insta::assert_snapshot!(testing::draw(80, 24, |f| render(f, &state)));
    }

    #[test]
    fn mouse_positions_map_to_panes_and_rows() {
        // 80x30: crumb row 0; strip rows 1..8 (contexts x 0..48, namespaces 48..80); pods below.
        let mut state = testing::demo_state(false);
        let area = Rect::new(0, 0, 80, 30);
        let at = |state: &State, x, y| pane_at(state, area, x, y);
        assert_eq!(at(&state, 5, 3), Some((Focus::Contexts, Some(0))));
        assert_eq!(at(&state, 5, 2), Some((Focus::Contexts, None)), "header");
        assert_eq!(at(&state, 60, 2), Some((Focus::Namespaces, Some(0))));
        assert_eq!(at(&state, 10, 10), Some((Focus::Pods, Some(0))));
        assert_eq!(at(&state, 0, 10), Some((Focus::Pods, None)), "border");
        assert_eq!(at(&state, 10, 0), None, "breadcrumb");
        assert_eq!(at(&state, 10, 29), None, "status bar");
        // 80x24: the panes are folded; the table starts right below the breadcrumb.
        let area = Rect::new(0, 0, 80, 24);
        let at = |state: &State, x, y| pane_at(state, area, x, y);
        assert_eq!(at(&state, 5, 3), Some((Focus::Pods, Some(0))));
        state.focus = Focus::Namespaces;
        assert_eq!(
            at(&state, 5, 2),
            Some((Focus::Namespaces, Some(0))),
            "full view"
        );
    }

    #[test]
    fn no_color_screen_is_monochrome_with_markers() {
        let mut state = testing::demo_state(false);
        state.opts.theme = crate::config::ThemeName::Mono;
        let terminal = testing::drawn(80, 24, |f| render(f, &state));
        let buffer = terminal.backend().buffer();
        assert!(
            buffer
                .content
                .iter()
                .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
            "no colour anywhere"
        );
        let selected_reversed = buffer
            .content
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED));
        assert!(selected_reversed, "the selection stays visible");
        let text = terminal.backend().to_string();
        assert!(text.contains("!CrashLoop"), "failing states are marked");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn thousands_are_grouped() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1 000"),
            (12500, "12 500"),
            (1234567, "1 234 567"),
        ];
        for (n, want) in cases {
            assert_eq!(group_thousands(n), want);
        }
    }
}

/// A `width`×`height` rectangle in the middle of `area` (shrunk to fit): dialogs and overlays.
pub(crate) fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
