//! `:deleted`: objects that went away while the app watched (a DELETED event, or gone from a
//! relist), newest first: kind, namespace/name, when, and their last status. Enter shows the
//! last YAML and the events that named the object.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::{pane_block, sanitize, selected_style, text_view, title};
use crate::state::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(view) = &state.deleted_view else {
        return;
    };
    if let Some(open) = &view.open {
        let height = usize::from(area.height.saturating_sub(2));
        let key = &open.key;
        let heading = format!(
            " deleted {} {}/{}  {} ",
            key.resource,
            sanitize(&key.namespace),
            sanitize(&key.name),
            text_view::position(&open.pane, height)
        );
        let block = pane_block(Line::from(heading), !state.help_open)
            .title_bottom(Line::from(text_view::hint("esc/enter back")));
        text_view::render(frame, area, block, &open.pane, super::yaml::yaml_line);
        return;
    }
    let gone: Vec<_> = state.history.gone().collect();
    let count = gone.len().to_string();
    let block = pane_block(title("Deleted", &count), !state.help_open).title_bottom(Span::styled(
        " objects gone while watching · enter yaml & events · h history · esc back ",
        Style::new().fg(Color::DarkGray),
    ));
    let height = usize::from(area.height.saturating_sub(3));
    let window = view.cursor.window(height, gone.len());
    let selected = view.cursor.selected();
    let rows: Vec<Row> = window
        .filter_map(|i| gone.get(i).map(|g| (i, g)))
        .map(|(i, (key, entry))| {
            let Some(g) = &entry.gone else {
                return Row::default();
            };
            let name = match key.namespace.as_str() {
                "" => key.name.clone(),
                ns => format!("{ns}/{}", key.name),
            };
            let how = if g.relist { " (relist)" } else { "" };
            let when = format!(
                "{} {}{how}",
                g.when.strftime("%H:%M:%S"),
                crate::kube::table::age(Some(g.when), state.now)
            );
            let mut columns = vec![
                Cell::new(sanitize(&entry.kind).into_owned()),
                Cell::new(sanitize(&name).into_owned()),
                Cell::new(when),
                Cell::new(sanitize(&g.status).into_owned()),
            ];
            if state.fleet.is_some() {
                columns.insert(0, Cell::new(sanitize(&key.context).into_owned()));
            }
            let row = Row::new(columns);
            if i == selected {
                row.style(selected_style(!state.help_open))
            } else {
                row
            }
        })
        .collect();
    let mut head = vec!["KIND", "NAMESPACE/NAME", "DELETED", "LAST STATUS"];
    let mut widths = vec![
        Constraint::Length(14),
        Constraint::Min(24),
        Constraint::Length(24),
        Constraint::Length(18),
    ];
    if state.fleet.is_some() {
        head.insert(0, "CONTEXT");
        widths.insert(0, Constraint::Length(14));
    }
    let header =
        Row::new(head).style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(2);
    frame.render_widget(table, area);
}
