//! The contexts pane: every kubeconfig context, the active one marked with `*`, with the
//! health of each (version and latency, `✗` when unreachable: the error shows for the
//! selected row at the bottom of the pane).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::columns::{Column, Plan, Role, SPACING, WIDE};
use super::theme::Theme;
use super::{MARKER, is_focused, pane_block, sanitize, selected_style, title};
use crate::state::health::{self, ContextHealth};
use crate::state::{Focus, State};

/// Index of the HEALTH column.
const HEALTH: usize = 3;

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
    let specs = [
        Column::new("  NAME", Role::Name, 0),
        // Narrow panes drop USER, then CLUSTER, before NAME and HEALTH get cut.
        Column::new("CLUSTER", Role::Fit, WIDE),
        Column::new("USER", Role::Fit, WIDE + 1),
        Column::new("HEALTH", Role::Fit, 0),
    ];
    let rows: Vec<(Vec<String>, Style, Style)> = state.contexts[window]
        .iter()
        .map(|ctx| {
            let active = state.context.as_deref() == Some(ctx.name.as_str())
                || crate::state::fleet::member_of(state, &ctx.name);
            let (text, health_style) = health_cell(health::of(state, &ctx.name), failing);
            // `*` open (each member of a fleet), `+` marked for the next fleet.
            let marker = match (active, state.fleet_picks.contains(&ctx.name)) {
                (_, true) => "+",
                (true, false) => "*",
                (false, false) => " ",
            };
            let cells = vec![
                format!("{marker} {}", sanitize(&ctx.name)),
                sanitize(&ctx.cluster).into_owned(),
                sanitize(&ctx.user).into_owned(),
                text,
            ];
            let style = if active {
                Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            (cells, style, health_style)
        })
        .collect();
    let texts: Vec<&Vec<String>> = rows.iter().map(|(cells, _, _)| cells).collect();
    let inner_width = block.inner(area).width;
    let plan = Plan::new(&specs, &texts, inner_width.saturating_sub(MARKER));
    let rows = rows.into_iter().map(|(cells, style, health_style)| {
        let cells = plan.cells(cells).into_iter().map(|(i, text)| {
            let cell_style = if i == HEALTH {
                health_style
            } else {
                Style::new()
            };
            Cell::new(text).style(cell_style)
        });
        Row::new(cells).style(style)
    });
    let titles = specs.into_iter().map(|c| c.title).collect();
    let header = Row::new(plan.cells(titles).into_iter().map(|(_, t)| t))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(rows, plan.constraints())
        .header(header)
        .block(block)
        .column_spacing(SPACING)
        .row_highlight_style(selected_style(focused))
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}

/// "v1.31.0 12ms", "✗ unreachable" (the error is at the bottom of the pane), "exec: select
/// to connect", or "…" until the first answer. `failing` marks unreachable in monochrome.
fn health_cell(health: ContextHealth<'_>, failing: &str) -> (String, Style) {
    let grey = Style::new().fg(Color::DarkGray);
    match health {
        ContextHealth::Unknown => ("…".into(), grey),
        ContextHealth::Up { version, latency } => (
            format!("{} {}ms", sanitize(version), latency.as_millis()),
            Style::new(),
        ),
        ContextHealth::Down(_) => (
            format!("{failing}✗ unreachable"),
            Style::new().fg(Color::Red),
        ),
        ContextHealth::NeedsExec => ("exec: select to connect".into(), grey),
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
