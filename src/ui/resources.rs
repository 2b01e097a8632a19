//! A resource table as the server prints it (`as=Table`): priority-0 columns, all of them on
//! wide terminals.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::{WIDE, crumb_block, group_thousands, is_focused, sanitize, selected_style};
use crate::state::kinds::ResourceView;
use crate::state::{Focus, State};

/// Draws `view` into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &ResourceView) {
    let focused = is_focused(state, Focus::Pods);
    let count = match view.len() {
        0 => "0".to_string(),
        n => format!(
            "{}/{}",
            group_thousands(view.cursor.selected() + 1),
            group_thousands(n)
        ),
    };
    let mut block = crumb_block(state, &count);
    if !view.query.is_empty() {
        block = block.title(Line::styled(
            format!("/{} ", sanitize(&view.query)),
            Style::new().fg(Color::Magenta),
        ));
    }
    // A table already shown stays while its stream recovers; the status bar says why.
    let table = match (&view.table, &view.error) {
        (None, Some(p)) => {
            let text = super::status::problem_words(p.message(), p.retry_at, state.now);
            return message(frame, area, block, &sanitize(&text), Color::Red);
        }
        (None, None) => return message(frame, area, block, "loading…", Color::DarkGray),
        (Some(t), _) if t.rows.is_empty() => {
            let text = format!("no {}", view.resource.plural);
            return message(frame, area, block, &text, Color::DarkGray);
        }
        (Some(t), _) => t,
    };
    let wide = frame.area().width >= WIDE;
    let shown: Vec<usize> = (0..table.columns.len())
        .filter(|&i| wide || table.columns[i].priority == 0)
        .collect();
    let height = usize::from(block.inner(area).height.saturating_sub(1));
    let visible = view.visible();
    let window = view.cursor.window(height, visible.len());
    let selected = view.cursor.selected().checked_sub(window.start);
    // Like kubectl -A: the server's table has no namespace column, the client adds it.
    let with_ns = view.resource.namespaced && view.namespace.is_none();
    let rows: Vec<Vec<String>> = visible[window]
        .iter()
        .map(|r| {
            let ns = with_ns.then(|| sanitize(&r.namespace).into_owned());
            ns.into_iter()
                .chain(
                    shown
                        .iter()
                        .map(|&i| sanitize(r.cells.get(i).map_or("", String::as_str)).into_owned()),
                )
                .collect()
        })
        .collect();
    let mut titles: Vec<String> = with_ns
        .then(|| "NAMESPACE".to_string())
        .into_iter()
        .collect();
    titles.extend(
        shown
            .iter()
            .map(|&i| sanitize(&table.columns[i].name).to_uppercase()),
    );
    let widths = widths(&titles, with_ns, &rows);
    let header = Row::new(titles.into_iter().map(Cell::new))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let widget = Table::new(rows.into_iter().map(Row::new), widths)
        .header(header)
        .block(block)
        .column_spacing(2)
        .row_highlight_style(selected_style(focused))
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut table_state = TableState::new().with_selected(selected);
    frame.render_stateful_widget(widget, area, &mut table_state);
}

fn message(
    frame: &mut Frame,
    area: Rect,
    block: ratatui::widgets::Block<'static>,
    text: &str,
    colour: Color,
) {
    let p = Paragraph::new(text.to_string())
        .alignment(Alignment::Center)
        .style(Style::new().fg(colour))
        .block(block);
    frame.render_widget(p, area);
}

/// The name column fills; others fit their visible cells up to 40.
fn widths(titles: &[String], with_ns: bool, rows: &[Vec<String>]) -> Vec<Constraint> {
    super::fit_widths(titles, usize::from(with_ns), rows, 40, |_| 0)
}
