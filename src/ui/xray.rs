//! The `:xray` owner tree in the place of the table: one row per node with tree guides, a
//! status mark that means the same without colour (✓ ready, … progressing, ✗ failing), the
//! kind, the name and a few words of state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Row, Table, TableState};

use super::resources::message;
use super::{crumb_block, is_focused, sanitize, selected_style};
use crate::state::xray::{Mark, Node, XrayView};
use crate::state::{Focus, State};

/// Draws `view` into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &XrayView) {
    let nodes = view.nodes();
    let count = match (nodes.len(), view.query.as_str()) {
        (0, _) => "0".to_string(),
        (n, "") => format!("{}/{n}", view.cursor.selected() + 1),
        (n, query) => format!("{}/{n} /{query}", view.cursor.selected() + 1),
    };
    let block = crumb_block(state, &count);
    match (&view.nodes, &view.error) {
        (_, Some(e)) => {
            let text = format!("error: {}", sanitize(&e.message));
            return message(frame, area, block, &text, Color::Red);
        }
        (None, None) => return message(frame, area, block, "loading…", Color::DarkGray),
        (Some(_), None) if nodes.is_empty() && !view.query.is_empty() => {
            let text = format!("nothing matches {}", view.query);
            return message(frame, area, block, &text, Color::DarkGray);
        }
        (Some(n), None) if n.is_empty() => {
            let text = format!("no {} here", view.resource.plural);
            return message(frame, area, block, &text, Color::DarkGray);
        }
        _ => {}
    }
    // One line for the header, as every table has (a click maps rows below it).
    let height = usize::from(block.inner(area).height.saturating_sub(1));
    let window = view.cursor.window(height, nodes.len());
    let selected = view.cursor.selected().checked_sub(window.start);
    let info_width = nodes[window.clone()]
        .iter()
        .map(|n| n.info.chars().count())
        .max()
        .unwrap_or(0)
        .max("STATE".len());
    let all_namespaces = view.namespace.is_none();
    let rows = nodes[window].iter().map(|node| {
        Row::new([
            Cell::new(tree_line(node, all_namespaces)),
            Cell::new(Span::styled(
                sanitize(&node.info).into_owned(),
                Style::new().fg(colour(node.mark)),
            )),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(info_width).unwrap_or(u16::MAX)),
    ];
    let header = Row::new(["OWNER TREE", "STATE"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(2)
        .row_highlight_style(selected_style(is_focused(state, Focus::Pods)))
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut table_state);
}

/// `│  ├─ ✓ pod hello-web-5d-abc`: guides, the branch, the mark, kind and name (a root's
/// with its namespace when all namespaces are shown).
fn tree_line(node: &Node, all_namespaces: bool) -> Line<'static> {
    let mut prefix: String = node
        .guides
        .iter()
        .skip(1)
        .map(|&more| if more { "│  " } else { "   " })
        .collect();
    if node.depth() > 0 {
        prefix.push_str(if node.last { "└─ " } else { "├─ " });
    }
    Line::from(vec![
        Span::styled(prefix, Style::new().fg(Color::DarkGray)),
        Span::styled(node.mark.symbol(), Style::new().fg(colour(node.mark))),
        Span::raw(" "),
        Span::styled(node.kind.short(), Style::new().fg(Color::DarkGray)),
        Span::raw(" "),
        Span::raw(name(node, all_namespaces)),
    ])
}

fn name(node: &Node, all_namespaces: bool) -> String {
    match all_namespaces && node.depth() == 0 && !node.namespace.is_empty() {
        true => sanitize(&format!("{}/{}", node.namespace, node.name)).into_owned(),
        false => sanitize(&node.name).into_owned(),
    }
}

fn colour(mark: Mark) -> Color {
    match mark {
        Mark::Ready => Color::Green,
        Mark::Progressing => Color::Yellow,
        Mark::Failing => Color::Red,
    }
}
