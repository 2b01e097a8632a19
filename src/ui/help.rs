//! The help overlay, generated from the keymap so rebinding a key changes what it says.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Padding, Row, Table};

use super::{pane_block, title};
use crate::keys::HelpEntry;
use crate::state::State;

/// Space between two columns of bindings, and between keys and description.
const GAP: u16 = 2;
/// Most columns ever laid out (a very wide screen would ask for more than anyone reads).
const MAX_COLUMNS: usize = 4;
/// Rows taken by the border, the header and its margin.
const CHROME: u16 = 4;

/// Draws the help overlay centred over `area`. Columns are as wide as the longest binding, so
/// no description is cut; as many as fit side by side, read left to right. When the rows do
/// not fit the height, the overlay scrolls (`state.help_scroll`) and says where it is.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let entries = state.keymap.help();
    let keys_width = entries
        .iter()
        .map(|e| text_width(&keys_text(e)))
        .max()
        .unwrap_or(0);
    let desc_width = entries
        .iter()
        .map(|e| text_width(&e.description))
        .max()
        .unwrap_or(0);
    let column = keys_width + GAP + desc_width;
    // Border and padding take 4 columns.
    let room = area.width.saturating_sub(4);
    let columns = usize::from((room + GAP) / (column + GAP))
        .clamp(1, MAX_COLUMNS)
        .min(entries.len().max(1));
    let rows_total = entries.len().div_ceil(columns);
    let fit_rows = usize::from(area.height.saturating_sub(CHROME + 2)).max(1);
    let shown = rows_total.min(fit_rows);
    let first = state.help_scroll.min(rows_total - shown);
    let cols_u16 = u16::try_from(columns).unwrap_or(1);
    let width = cols_u16 * column + (cols_u16 - 1) * GAP + 4;
    let height = u16::try_from(shown)
        .unwrap_or(u16::MAX)
        .saturating_add(CHROME);
    let popup = super::centred(area, width, height);
    let footer = if shown < rows_total {
        format!(
            " j/k scroll · rows {}–{} of {rows_total} · esc or ? to close ",
            first + 1,
            first + shown
        )
    } else {
        " esc or ? to close ".to_string()
    };
    let block = pane_block(title("Help", "keymap.toml"), true)
        .padding(Padding::horizontal(1))
        .title_bottom(Line::styled(footer, Style::new().fg(Color::DarkGray)));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        bindings_table(entries, columns, first, shown, keys_width).block(block),
        popup,
    );
}

/// Rows `first..first + shown` of the bindings laid out `columns` to a row.
fn bindings_table(
    entries: &[HelpEntry],
    columns: usize,
    first: usize,
    shown: usize,
    keys_width: u16,
) -> Table<'static> {
    let rows: Vec<Row> = entries
        .chunks(columns)
        .skip(first)
        .take(shown)
        .map(|chunk| {
            Row::new(
                chunk
                    .iter()
                    .flat_map(|e| [keys_text(e), e.description.clone()]),
            )
        })
        .collect();
    let header = Row::new((0..columns).flat_map(|_| ["KEYS", "ACTION"]))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
        .bottom_margin(1);
    let widths = (0..columns).flat_map(|_| [Constraint::Length(keys_width), Constraint::Fill(1)]);
    Table::new(rows, widths)
        .header(header)
        .column_spacing(GAP)
        .style(Style::new().fg(Color::White))
}

fn keys_text(entry: &HelpEntry) -> String {
    entry.keys.join(", ")
}

fn text_width(text: &str) -> u16 {
    u16::try_from(Line::raw(text).width()).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use crate::keys::Keymap;
    use crate::ui::testing::{demo_state, draw};

    #[test]
    fn help_overlay() {
        let mut state = demo_state(false);
        state.help_open = true;
        insta::assert_snapshot!(draw(80, 24, |f| crate::ui::render(f, &state)));
    }

    #[test]
    fn every_binding_is_reachable_by_scrolling_and_none_is_cut() {
        let mut state = demo_state(false);
        state.help_open = true;
        let entries = state.keymap.help();
        let last = entries.last().expect("bindings").description.clone();
        let top = draw(80, 24, |f| crate::ui::render(f, &state));
        assert!(!top.contains(&last), "{top}");
        assert!(top.contains(&format!("of {}", entries.len())), "{top}");
        state.help_scroll = usize::MAX;
        let bottom = draw(80, 24, |f| crate::ui::render(f, &state));
        assert!(bottom.contains(&last), "{bottom}");
        // Wide enough for all: no scrolling, every description whole.
        let wide = draw(200, 60, |f| crate::ui::render(f, &state));
        for e in entries {
            assert!(
                wide.contains(&e.description),
                "{} cut:\n{wide}",
                e.description
            );
        }
        assert!(!wide.contains("scroll"), "{wide}");
    }

    #[test]
    fn help_follows_rebinding() {
        let mut state = demo_state(false);
        state.keymap = Keymap::from_toml(
            "[[binding]]\naction = \"quit\"\nkeys = [\"x\"]\ndescription = \"Leave now\"\n",
        )
        .expect("valid keymap");
        let screen = draw(80, 10, |f| super::render(f, f.area(), &state));
        assert!(screen.contains("Leave now"), "{screen}");
        assert!(!screen.contains("Move down"), "{screen}");
    }
}
