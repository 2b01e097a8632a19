//! The raw-request pane: the `call_api` form with its live URL preview, the body editor and
//! the response below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::{key_for, pane_block, raw_fanout, raw_response, sanitize, title};
use crate::keys::Action;
use crate::state::State;
use crate::state::raw::{Field, LineInput, RawPane};

/// Width of the field labels: the focus marker, the name, a space.
const LABEL: usize = 11;

/// Draws the pane over `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let raw = &state.raw;
    let body_height = if raw.method() == "GET" && raw.focus != Field::Body {
        3
    } else {
        8
    };
    let [form, body, response] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(body_height),
        Constraint::Min(3),
    ])
    .areas(area);
    render_form(frame, form, state);
    render_body(frame, body, raw);
    match &raw.fanout {
        Some(fanout) => raw_fanout::render(frame, response, state, fanout),
        None => raw_response::render(frame, response, state),
    }
}

fn render_form(frame: &mut Frame, area: Rect, state: &State) {
    let raw = &state.raw;
    let hints = format!(
        " {} send · tab field · ↑↓ history · {} curl · {} kubectl · {} python · esc back ",
        key_for(state, Action::RawSend),
        key_for(state, Action::CopyCurl),
        key_for(state, Action::CopyKubectl),
        key_for(state, Action::CopyPython),
    );
    // In a fleet the title offers the fan-out (the hints line is full).
    let detail = match &state.fleet {
        Some(fleet) => format!(
            "call_api · {} GET to all {}",
            key_for(state, Action::RawSendAll),
            fleet.members.len()
        ),
        None => "call_api".to_string(),
    };
    let block = pane_block(title("Raw request", &detail), !state.help_open)
        .title_bottom(Line::styled(hints, Style::new().fg(Color::DarkGray)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 5]).split(inner);
    let [method, version, base] = Layout::horizontal([
        Constraint::Length(22),
        Constraint::Percentage(40),
        Constraint::Fill(1),
    ])
    .areas(rows[0]);
    choice(
        frame,
        method,
        "Method",
        raw.method(),
        raw.focus == Field::Method,
    );
    input(frame, version, "Version", &raw.version, raw, Field::Version);
    input(frame, base, "Base", &raw.base, raw, Field::Base);
    let [namespace, url] =
        Layout::horizontal([Constraint::Length(32), Constraint::Fill(1)]).areas(rows[1]);
    input(
        frame,
        namespace,
        "Namespace",
        &raw.namespace,
        raw,
        Field::Namespace,
    );
    input(frame, url, "URL", &raw.url, raw, Field::Url);
    let [query, content_type] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(56)]).areas(rows[2]);
    input(frame, query, "Query", &raw.query, raw, Field::Query);
    if raw.method() == "PATCH" {
        let focused = raw.focus == Field::ContentType;
        choice(frame, content_type, "Type", raw.patch_type(), focused);
    }
    frame.render_widget(Paragraph::new(preview_line(raw)), rows[3]);
    frame.render_widget(Paragraph::new(message_line(raw)), rows[4]);
}

/// A field's label; the focused one is marked `▶` and bright, so focus shows without colour.
fn label(name: &str, focused: bool) -> Span<'static> {
    let width = LABEL - 2;
    if focused {
        let style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        Span::styled(format!("▶{name:<width$} "), style)
    } else {
        Span::styled(
            format!(" {name:<width$} "),
            Style::new().fg(Color::DarkGray),
        )
    }
}

fn focused_style(focused: bool) -> Style {
    if focused {
        Style::new()
            .bg(Color::Cyan)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// A choice field (method, PATCH type) shown as `‹ VALUE ›`.
fn choice(frame: &mut Frame, area: Rect, name: &str, value: &str, focused: bool) {
    let value = Span::styled(format!("‹ {value} ›"), focused_style(focused));
    let line = Line::from(vec![label(name, focused), value]);
    frame.render_widget(Paragraph::new(line), area);
}

/// A one-line input; the focused one gets a highlight and the terminal cursor.
fn input(
    frame: &mut Frame,
    area: Rect,
    name: &str,
    value: &LineInput,
    raw: &RawPane,
    field: Field,
) {
    let focused = raw.focus == field;
    let width = usize::from(area.width).saturating_sub(LABEL + 1);
    let text = format!("{:<width$}", sanitize(value.text()));
    let spans = vec![
        label(name, focused),
        Span::styled(text, focused_style(focused)),
    ];
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if focused {
        let column = LABEL + value.cursor().min(width);
        let x = area
            .x
            .saturating_add(u16::try_from(column).unwrap_or(u16::MAX));
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// `→ GET /api/v1/…` as kr8s would build it, or kr8s's error in its place.
fn preview_line(raw: &RawPane) -> Line<'static> {
    match raw.resolved() {
        Ok(path) => Line::from(vec![
            Span::styled("→ ", Style::new().fg(Color::DarkGray)),
            Span::styled(
                format!("{} ", raw.method()),
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::raw(sanitize(&path).into_owned()),
        ]),
        Err(e) => Line::styled(
            format!("✗ {}", sanitize(&e.to_string())),
            Style::new().fg(Color::Red),
        ),
    }
}

/// The last refusal or failure in red, else a confirmation in green.
fn message_line(raw: &RawPane) -> Line<'static> {
    match (&raw.error, &raw.notice) {
        (Some(error), _) => Line::styled(
            format!("✗ {}", sanitize(error)),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        (None, Some(notice)) => Line::styled(
            format!("✓ {}", sanitize(notice)),
            Style::new().fg(Color::Green),
        ),
        (None, None) => Line::default(),
    }
}

fn render_body(frame: &mut Frame, area: Rect, raw: &RawPane) {
    let focused = raw.focus == Field::Body;
    let note = if raw.method() == "GET" {
        " (not sent with GET) "
    } else {
        " "
    };
    let (border, border_type, name) = if focused {
        (Color::Cyan, BorderType::Thick, "▶ Body ")
    } else {
        (Color::DarkGray, BorderType::Plain, " Body ")
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(Style::new().fg(border))
        .title(Line::from(vec![
            Span::styled(name, Style::new().add_modifier(Modifier::BOLD)),
            Span::styled(
                format!("JSON or YAML{note}"),
                Style::new().fg(Color::DarkGray),
            ),
        ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&raw.body, inner);
}

#[cfg(test)]
pub(crate) mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::msg::Msg;
    use crate::state::{Focus, State, update};
    use crate::ui::testing::{demo_state, draw};

    fn keys(state: &mut State, text: &str) {
        for c in text.chars() {
            let code = match c {
                '\t' => KeyCode::Tab,
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        }
    }

    /// The demo state with the pane open and nothing prefilled from a pod.
    pub fn open() -> State {
        let mut state = demo_state(false);
        state.focus = Focus::Namespaces;
        keys(&mut state, "R");
        state
    }

    #[test]
    fn raw_pane_empty() {
        let state = open();
        insta::assert_snapshot!(draw(100, 30, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn raw_pane_filled_patch() {
        let mut state = open();
        // method PATCH, version apps/v1, url, query, strategic type, a YAML body.
        keys(&mut state, "ppp\t");
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)),
        );
        keys(
            &mut state,
            "apps/\t\t\tdeployments/web\tfieldManager=kr8s-tui\t \t",
        );
        keys(&mut state, "spec:\n  replicas: 3\n");
        assert_eq!(state.raw.method(), "PATCH");
        assert_eq!(state.raw.in_flight, None, "enter in the body is a newline");
        insta::assert_snapshot!(draw(100, 30, |f| crate::ui::render(f, &state)));
    }

    /// The focused field is marked `▶` (visible without colour), drawn reversed in
    /// monochrome, and holds the terminal cursor.
    #[test]
    fn the_focused_field_is_marked_and_holds_the_cursor() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::style::Modifier;
        let mut state = open();
        state.opts.theme = crate::config::ThemeName::Mono;
        keys(&mut state, "\t");
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test backend");
        terminal
            .draw(|f| crate::ui::render(f, &state))
            .expect("test backend");
        let screen = terminal.backend().to_string();
        let marked: Vec<&str> = screen.lines().filter(|l| l.contains('▶')).collect();
        assert_eq!(marked.len(), 1, "{screen}");
        assert!(marked[0].contains("▶Version   v1"), "{screen}");
        // Version starts after the 22 cells of Method; its text after the 11-cell label.
        let (x, y) = (1 + 22 + 11, 2);
        let cell = &terminal.backend().buffer()[(x, y)];
        assert_eq!(cell.symbol(), "v");
        assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
        terminal.backend_mut().assert_cursor_position((x + 2, y));
        // The body: its frame turns thick and its title is marked.
        keys(&mut state, "\t\t\t\t\t");
        let screen = draw(100, 30, |f| crate::ui::render(f, &state));
        assert!(screen.contains("┏▶ Body"), "{screen}");
    }

    #[test]
    fn raw_pane_shows_kr8s_error_and_readonly_refusal() {
        let mut state = open();
        state.opts.readonly = true;
        keys(&mut state, "d\t");
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
        );
        keys(&mut state, "2\n");
        let screen = draw(100, 30, |f| crate::ui::render(f, &state));
        assert!(
            screen.contains("✗ Unknown API version \"v2\", base must be specified."),
            "{screen}"
        );
        assert!(
            screen.contains("✗ --readonly: DELETE refused, only GET requests are sent"),
            "{screen}"
        );
    }
}
