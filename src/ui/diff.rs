//! An edit's view: the diff of the live object and what the server would store (dry run), or
//! after a 409 the server's message and what changed on the server meanwhile.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{pane_block, sanitize, text_view};
use crate::state::State;
use crate::state::edit::{Edit, Step};

/// Draws `edit` over `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, edit: &Edit) {
    let what = edit.what();
    let (title, hint, waiting) = match &edit.step {
        Step::Checking => ("checking (dry run)…", "n/Esc discard", true),
        Step::Review => (
            "diff (dry run)",
            "y/Enter apply  e edit again  n/Esc discard",
            false,
        ),
        Step::Applying => ("applying…", "", true),
        Step::Conflict { latest } => (
            "conflict (409): nothing applied",
            if latest.is_some() {
                "e edit the latest version, your changes kept  n/Esc discard"
            } else {
                "n/Esc discard"
            },
            latest.is_none(),
        ),
        _ => ("", "", true),
    };
    let height = usize::from(area.height.saturating_sub(2));
    let position = text_view::position(&edit.pane, height);
    let title = Line::from(format!(" edit {}: {title}  {position} ", sanitize(&what)));
    let mut block = pane_block(title, !state.help_open);
    if !hint.is_empty() {
        block = block.title_bottom(Line::from(text_view::hint(hint)));
    }
    let note: Vec<Line> = edit
        .note
        .iter()
        .map(|n| Line::styled(sanitize(n).into_owned(), note_style()))
        .collect();
    let inner = block.inner(area);
    let note_rows = if note.is_empty() {
        0
    } else {
        let width = usize::from(inner.width.max(1));
        let rows: usize = edit
            .note
            .iter()
            .map(|n| n.chars().count() / width + 1)
            .sum();
        u16::try_from(rows + 1)
            .unwrap_or(u16::MAX)
            .min(inner.height / 2)
    };
    let [note_area, diff_area] =
        Layout::vertical([Constraint::Length(note_rows), Constraint::Min(0)]).areas(inner);
    frame.render_widget(block, area);
    if note_rows > 0 {
        frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: false }), note_area);
    }
    if waiting && edit.pane.lines.is_empty() {
        let wait = if matches!(edit.step, Step::Conflict { .. }) {
            "reading the server's latest version…"
        } else {
            "waiting for the server…"
        };
        frame.render_widget(Paragraph::new(wait), diff_area);
        return;
    }
    text_view::render(
        frame,
        diff_area,
        ratatui::widgets::Block::new(),
        &edit.pane,
        diff_line,
    );
}

fn note_style() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// A diff line coloured by its sign: added green, removed red, hunk headers cyan.
pub fn diff_line(text: &str) -> Line<'static> {
    let style = if text.starts_with("+++") || text.starts_with("---") {
        Style::new().add_modifier(Modifier::BOLD)
    } else if text.starts_with('+') {
        Style::new().fg(Color::Green)
    } else if text.starts_with('-') {
        Style::new().fg(Color::Red)
    } else if text.starts_with("@@") {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new()
    };
    Line::styled(text.to_string(), style)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::kube::discovery::ApiResource;
    use crate::msg::Msg;
    use crate::msg::edit::EditEvent;
    use crate::state::detail::ObjectRef;
    use crate::state::{State, edit, update};
    use crate::ui::render;
    use crate::ui::testing::{demo_state, draw};

    fn send(state: &mut State, event: EditEvent) {
        let id = state.edit.as_ref().map(|e| e.id).expect("an edit");
        update(state, Msg::Edit { id, event });
    }

    fn hello_web() -> (ObjectRef, serde_json::Value) {
        let target = ObjectRef {
            context: None,
            resource: ApiResource {
                group: "apps".into(),
                version: "v1".into(),
                plural: "deployments".into(),
                singular: "deployment".into(),
                namespaced: true,
                ..ApiResource::default()
            },
            namespace: Some("shop".into()),
            name: "hello-web".into(),
        };
        let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "hello-web", "namespace": "shop", "generation": 1,
                "resourceVersion": "812", "labels": {"app": "hello-web"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "hello-web"}},
                "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
        (target, live)
    }

    /// A 409 on the apply: the server's message on top, then what changed on the server.
    #[test]
    fn conflict_view() {
        let mut state = demo_state(false);
        let (target, live) = hello_web();
        edit::start(&mut state, target);
        send(&mut state, EditEvent::Fetched(Ok(live.clone())));
        let mut edited = live.clone();
        edited["metadata"]["labels"]["team"] = json!("blue");
        let text = crate::state::edit::text::yaml(&edited);
        send(&mut state, EditEvent::Edited(Ok(text)));
        send(&mut state, EditEvent::DryRun(Ok(edited)));
        let y = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('y'),
            crossterm::event::KeyModifiers::NONE,
        );
        update(&mut state, Msg::Key(y));
        let message = "Operation cannot be fulfilled on deployments.apps \"hello-web\": the object has been modified; please apply your changes to the latest version and try again";
        let conflict = crate::kube::Failure {
            code: Some(409),
            ..crate::kube::Failure::other(message)
        };
        send(&mut state, EditEvent::Applied(Err(conflict)));
        let mut latest = live;
        latest["metadata"]["resourceVersion"] = json!("815");
        latest["metadata"]["annotations"] = json!({"owner": "ops"});
        send(&mut state, EditEvent::Fetched(Ok(latest)));
        let screen = draw(100, 24, |f| render(f, &state));
        insta::assert_snapshot!(screen);
    }

    /// The dry-run diff before an apply: the added label and the server's own change
    /// (generation) side by side with the live object.
    #[test]
    fn diff_view_before_apply() {
        let mut state = demo_state(false);
        let (target, live) = hello_web();
        edit::start(&mut state, target);
        send(&mut state, EditEvent::Fetched(Ok(live.clone())));
        let mut stored = live.clone();
        stored["metadata"]["labels"]["team"] = json!("blue");
        stored["metadata"]["generation"] = json!(2);
        let text = crate::state::edit::text::yaml(&stored);
        send(&mut state, EditEvent::Edited(Ok(text)));
        send(&mut state, EditEvent::DryRun(Ok(stored)));
        let screen = draw(100, 24, |f| render(f, &state));
        insta::assert_snapshot!(screen);
    }
}
