//! The containers of a pod: NAME, TYPE, IMAGE, READY, STATE, RESTARTS, PORTS, in the place of
//! the pods table. Enter opens the logs of the container under the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Cell, Row, TableState};

use super::columns::{Column, Plan, Role};
use super::resources::message;
use super::{MARKER, crumb_block, is_focused, sanitize};
use crate::state::containers::{ContainerKind, ContainerRow, ContainerState, ContainersView};
use crate::state::{Focus, State};

const TITLES: [&str; 7] = [
    "NAME", "TYPE", "IMAGE", "READY", "STATE", "RESTARTS", "PORTS",
];

/// Draws `view` into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &ContainersView) {
    let focused = is_focused(state, Focus::Pods);
    let count = match view.len() {
        0 => "0".to_string(),
        n => format!("{}/{n}", view.cursor.selected() + 1),
    };
    let block = crumb_block(state, &count);
    let rows = match (&view.rows, &view.error) {
        (None, Some(e)) => {
            let text = format!("error: {}", sanitize(&e.message));
            return message(frame, area, block, &text, Color::Red);
        }
        (None, None) => return message(frame, area, block, "loading…", Color::DarkGray),
        (Some(rows), _) if rows.is_empty() => {
            return message(frame, area, block, "no containers", Color::DarkGray);
        }
        (Some(rows), _) => rows,
    };
    let mut block = block;
    if view.deleted {
        block = block.title_bottom(" the pod is gone ");
    }
    let height = usize::from(block.inner(area).height.saturating_sub(1));
    let window = view.cursor.window(height, rows.len());
    let selected = view.cursor.selected().checked_sub(window.start);
    let cells: Vec<Vec<String>> = rows[window.clone()].iter().map(cells).collect();
    let specs = [
        Column::new("NAME", Role::Name, 0),
        Column::new("TYPE", Role::Fit, 2),
        Column::new("IMAGE", Role::Text, 0),
        Column::new("READY", Role::Fit, 0),
        Column::new("STATE", Role::Fit, 0),
        Column::new("RESTARTS", Role::Fit, 1),
        Column::new("PORTS", Role::Fit, 2),
    ];
    let inner = block.inner(area).width.saturating_sub(MARKER);
    let plan = Plan::new(&specs, &cells, inner);
    let table_rows = rows[window]
        .iter()
        .zip(cells)
        .map(|(row, cells)| styled(row, plan.cells(cells)));
    let titles = TITLES.iter().map(|t| t.to_string()).collect();
    let table = plan.table(titles, table_rows, block, focused);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}

fn cells(row: &ContainerRow) -> Vec<String> {
    let ports: Vec<String> = row
        .ports
        .iter()
        .map(|p| match p.name.as_str() {
            "" => format!("{}/{}", p.number, p.protocol),
            name => format!("{name}:{}/{}", p.number, p.protocol),
        })
        .collect();
    vec![
        sanitize(&row.name).into_owned(),
        kind_word(row.kind).to_string(),
        sanitize(&row.image).into_owned(),
        row.ready.to_string(),
        sanitize(&state_words(&row.state)).into_owned(),
        row.restarts.to_string(),
        sanitize(&ports.join(",")).into_owned(),
    ]
}

fn kind_word(kind: ContainerKind) -> &'static str {
    match kind {
        ContainerKind::Init => "init",
        ContainerKind::Sidecar => "sidecar",
        ContainerKind::App => "-",
        ContainerKind::Ephemeral => "ephemeral",
    }
}

/// `Running`, the waiting reason (`CrashLoopBackOff`), or `Error (exit 1)` with the signal if any.
fn state_words(state: &ContainerState) -> String {
    match state {
        ContainerState::Running { .. } => "Running".into(),
        ContainerState::Waiting { reason } if reason.is_empty() => "Waiting".into(),
        ContainerState::Waiting { reason } => reason.clone(),
        ContainerState::Terminated {
            reason,
            exit_code,
            signal,
        } => {
            let reason = if reason.is_empty() {
                "Terminated"
            } else {
                reason
            };
            match signal {
                0 => format!("{reason} (exit {exit_code})"),
                s => format!("{reason} (exit {exit_code}, signal {s})"),
            }
        }
        ContainerState::Unknown => "-".into(),
    }
}

/// Green running and ready, yellow on its way, red broken, grey done.
fn styled(row: &ContainerRow, cells: Vec<(usize, String)>) -> Row<'static> {
    let state_colour = match &row.state {
        ContainerState::Running { .. } if row.ready => Color::Green,
        ContainerState::Running { .. } => Color::Yellow,
        ContainerState::Waiting { reason }
            if reason.is_empty()
                || reason == "ContainerCreating"
                || reason == "PodInitializing" =>
        {
            Color::Yellow
        }
        ContainerState::Terminated { exit_code: 0, .. } => Color::DarkGray,
        ContainerState::Unknown => Color::DarkGray,
        _ => Color::Red,
    };
    let cells = cells.into_iter().map(|(i, text)| {
        let style = match i {
            3 if !row.ready => Style::new().fg(Color::Yellow),
            4 => Style::new().fg(state_colour),
            _ => Style::new(),
        };
        Cell::new(text).style(style)
    });
    Row::new(cells)
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;

    use crate::msg::Msg;
    use crate::state::update;
    use crate::ui::render;
    use crate::ui::testing::{demo_state, draw};

    /// Init container done, a sidecar, an app container in a crash loop, one running with
    /// ports, an ephemeral debugger, and one without a status yet.
    #[test]
    fn containers_of_a_pod() {
        let mut state = demo_state(false);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        update(&mut state, Msg::Key(enter));
        let id = state.containers.as_ref().map(|c| c.id).expect("the view");
        let pod = json!({
            "metadata": {"name": "api-7d9f8b6c5-x2x9q", "namespace": "shop", "resourceVersion": "7"},
            "spec": {
                "initContainers": [
                    {"name": "migrate", "image": "ghcr.io/acme/migrate:1.4.0"},
                    {"name": "log-shipper", "image": "fluent/fluent-bit:3.1.9", "restartPolicy": "Always"}],
                "containers": [
                    {"name": "api", "image": "ghcr.io/acme/api:1.4.2",
                     "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                               {"containerPort": 9090, "protocol": "TCP"}]},
                    {"name": "proxy", "image": "envoyproxy/envoy:v1.31", "ports": [{"containerPort": 15001}]},
                    {"name": "cache", "image": "redis:7"}],
                "ephemeralContainers": [{"name": "debugger-x7", "image": "busybox:1.36"}]},
            "status": {
                "initContainerStatuses": [
                    {"name": "migrate", "ready": false, "restartCount": 0,
                     "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
                    {"name": "log-shipper", "ready": true, "restartCount": 1,
                     "state": {"running": {"startedAt": "2026-11-15T09:00:03Z"}}}],
                "containerStatuses": [
                    {"name": "api", "ready": false, "restartCount": 7,
                     "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
                    {"name": "proxy", "ready": true, "restartCount": 0,
                     "state": {"running": {"startedAt": "2026-11-15T09:00:05Z"}}}],
                "ephemeralContainerStatuses": [
                    {"name": "debugger-x7", "ready": false, "restartCount": 0,
                     "state": {"terminated": {"reason": "Error", "exitCode": 137, "signal": 9}}}]}
        });
        update(
            &mut state,
            Msg::ObjectFetched {
                id,
                result: Ok(pod),
            },
        );
        insta::assert_snapshot!(draw(120, 20, |f| render(f, &state)));
    }
}
