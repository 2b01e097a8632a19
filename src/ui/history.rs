//! One object's history (`h`): a line per version, newest first, with when the watch brought
//! it and the fields that changed; Enter shows the coloured diff against the version before.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{pane_block, sanitize, selected_style, text_view};
use crate::state::State;
use crate::state::history_view::HistoryView;
use crate::state::versions::{Version, diff};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(view) = &state.history_view else {
        return;
    };
    let versions: Vec<&Version> = view
        .entry(state)
        .map(|e| e.versions().rev().collect())
        .unwrap_or_default();
    let key = &view.key;
    let what = match key.namespace.as_str() {
        "" => format!("{} {}", key.resource, key.name),
        ns => format!("{} {ns}/{}", key.resource, key.name),
    };
    let gone = view
        .entry(state)
        .and_then(|e| e.gone.as_ref())
        .map_or("", |_| " (deleted)");
    let noise = if view.noise { " · noise shown" } else { "" };
    if let Some(pane) = &view.diff {
        let height = usize::from(area.height.saturating_sub(2));
        let at = view.cursor.selected();
        let title = format!(
            " diff of {} version {} against {}  {}{noise} ",
            sanitize(&what),
            versions.len() - at.min(versions.len()),
            versions.len().saturating_sub(at + 1),
            text_view::position(pane, height)
        );
        let block = pane_block(Line::from(title), !state.help_open)
            .title_bottom(Line::from(text_view::hint("esc/enter back · m noise")));
        text_view::render(frame, area, block, pane, super::diff::diff_line);
        return;
    }
    let title = format!(
        " history of {}{gone}: {} versions{noise} ",
        sanitize(&what),
        versions.len()
    );
    let block = pane_block(Line::from(title), !state.help_open).title_bottom(Span::styled(
        " enter diff · m resourceVersion/generation noise · esc back ",
        Style::new().fg(Color::DarkGray),
    ));
    let height = usize::from(area.height.saturating_sub(3));
    let window = view.cursor.window(height, versions.len());
    let selected = view.cursor.selected();
    let rows: Vec<Row> = window
        .map(|i| {
            let row = row(state, view, &versions, i);
            if i == selected {
                row.style(selected_style(!state.help_open))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["#", "SEEN", "CHANGES"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widths = [
        Constraint::Length(3),
        Constraint::Length(19),
        Constraint::Min(20),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(2);
    frame.render_widget(table, area);
}

/// Version `i` (0 = newest): its number, when, and what changed since the one before.
fn row(state: &State, view: &HistoryView, versions: &[&Version], i: usize) -> Row<'static> {
    let version = versions[i];
    let number = versions.len() - i;
    let seen = match version.seen {
        Some(t) => {
            let ago = crate::kube::table::age(Some(t), state.now);
            format!("{} {ago}", t.strftime("%H:%M:%S"))
        }
        None => "listed".to_string(),
    };
    let changes = match versions.get(i + 1) {
        None if version.object.is_some() => "first seen (whole object)".to_string(),
        None => "first seen (the list's row)".to_string(),
        Some(before) => {
            let changes = diff::changes(before, version, view.noise);
            let words: Vec<String> = changes.iter().map(diff::FieldChange::text).collect();
            match (
                words.is_empty(),
                before.object.is_none() && version.object.is_some(),
            ) {
                (true, true) => "whole object from here on (no column changed)".to_string(),
                (true, false) => "no visible change (noise only: m shows it)".to_string(),
                (false, _) => words.join(", "),
            }
        }
    };
    let style = if version.object.is_none() {
        Style::new().fg(Color::DarkGray)
    } else {
        Style::new()
    };
    Row::new([
        Cell::new(number.to_string()),
        Cell::new(seen),
        Cell::new(sanitize(&changes).into_owned()),
    ])
    .style(style)
}
