//! The contexts pane: every kubeconfig context, the active one marked with `*`, with the
//! health of each (version and latency, `✗` when unreachable: the error shows for the
//! selected row at the bottom of the pane).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::theme::Theme;
use super::{is_focused, pane_block, sanitize, selected_style, title};
use crate::state::health::{self, ContextHealth};
use crate::state::{Focus, State};

/// Draws the contexts pane into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let focused = is_focused(state, Focus::Contexts);
    let mut block = pane_block(
        title("Contexts", &state.contexts.len().to_string()),
        focused,
    );
    let marker = Theme::new(state.opts.theme).failing_marker();
    let selected_ctx = state.contexts.get(state.contexts_cursor.selected());
    if let Some(ctx) = selected_ctx
        && let ContextHealth::Down(error) = health::of(state, &ctx.name)
    {
        let text = format!(" {marker}✗ {} ", sanitize(error));
        block = block.title_bottom(Line::styled(text, Style::new().fg(Color::Red)));
    }
    let inner_height = usize::from(block.inner(area).height.saturating_sub(1));
    let cursor = &state.contexts_cursor;
    let window = cursor.window(inner_height, state.contexts.len());
    let selected = cursor.selected().checked_sub(window.start);
    let failing = marker;
    // Narrow panes drop USER, then CLUSTER, before NAME and HEALTH get cramped.
    let inner_width = block.inner(area).width;
    let (show_cluster, show_user) = (inner_width >= 40, inner_width >= 60);
    let health_width = if inner_width >= 90 { 24 } else { 16 };
    let rows = state.contexts[window].iter().map(|ctx| {
        let active = state.context.as_deref() == Some(ctx.name.as_str());
        let marker = if active { "*" } else { " " };
        let style = if active {
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let mut cells = vec![
            Cell::new(marker.to_string()),
            Cell::new(sanitize(&ctx.name).into_owned()),
        ];
        if show_cluster {
            cells.push(Cell::new(sanitize(&ctx.cluster).into_owned()));
        }
        if show_user {
            cells.push(Cell::new(sanitize(&ctx.user).into_owned()));
        }
        cells.push(health_cell(health::of(state, &ctx.name), failing));
        Row::new(cells).style(style)
    });
    let mut header = vec![" ", "NAME"];
    let mut widths = vec![Constraint::Length(1), Constraint::Fill(3)];
    if show_cluster {
        header.push("CLUSTER");
        widths.push(Constraint::Fill(2));
    }
    if show_user {
        header.push("USER");
        widths.push(Constraint::Fill(2));
    }
    header.push("HEALTH");
    widths.push(Constraint::Length(health_width));
    let header =
        Row::new(header).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(selected_style(focused))
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}

/// "v1.31.0 12ms", "✗ unreachable" (the error is at the bottom of the pane), "exec: select
/// to connect", or "…" until the first answer. `failing` marks unreachable in monochrome.
fn health_cell(health: ContextHealth<'_>, failing: &str) -> Cell<'static> {
    match health {
        ContextHealth::Unknown => Cell::new("…").style(Style::new().fg(Color::DarkGray)),
        ContextHealth::Up { version, latency } => {
            Cell::new(format!("{} {}ms", sanitize(version), latency.as_millis()))
        }
        ContextHealth::Down(_) => {
            Cell::new(format!("{failing}✗ unreachable")).style(Style::new().fg(Color::Red))
        }
        ContextHealth::NeedsExec => {
            Cell::new("exec: select to connect").style(Style::new().fg(Color::DarkGray))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::state::Focus;
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn contexts_pane() {
        let mut state = demo_state(false);
        state.focus = Focus::Contexts;
        insta::assert_snapshot!(draw(60, 8, |f| super::render(f, f.area(), &state)));
    }

    #[test]
    fn health_of_every_context_and_the_error_of_the_selected_one() {
        use crate::kube::kubeconfig::ContextInfo;
        use crate::msg::{HealthResult, Msg};
        let mut state = demo_state(false);
        state.focus = Focus::Contexts;
        state.contexts.push(ContextInfo {
            name: "sso-prod".into(),
            cluster: "eks-prod".into(),
            user: "aws-sso".into(),
            namespace: None,
        });
        state.contexts.push(ContextInfo {
            name: "staging".into(),
            cluster: "staging".into(),
            user: "admin".into(),
            namespace: None,
        });
        let answers = [
            (
                "prod-eu",
                HealthResult::Down("dial tcp 10.0.0.1:443: connection refused".into()),
            ),
            ("sso-prod", HealthResult::NeedsExec),
            (
                "staging",
                HealthResult::Up {
                    version: "v1.30.4".into(),
                    latency: std::time::Duration::from_millis(87),
                },
            ),
        ];
        for (context, result) in answers {
            let context = context.into();
            crate::state::update(&mut state, Msg::Health { context, result });
        }
        state.contexts_cursor.select(1, state.contexts.len());
        insta::assert_snapshot!(draw(100, 8, |f| super::render(f, f.area(), &state)));
    }
}
