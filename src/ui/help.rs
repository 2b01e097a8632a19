//! The help overlay, generated from the keymap so rebinding a key changes what it says.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Padding, Row, Table};

use super::{pane_block, title};
use crate::keys::HelpEntry;
use crate::state::State;

/// Width of one column of bindings.
const COLUMN_WIDTH: u16 = 64;
/// Narrowest column worth drawing (keys and the start of the description).
const MIN_COLUMN_WIDTH: u16 = 20;
/// Most columns ever laid out (a very wide, very short screen would ask for dozens).
const MAX_COLUMNS: usize = 6;

/// Draws the help overlay centred over `area`; bindings flow into more columns when they do
/// not fit the height.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let entries = state.keymap.help();
    let per_column = usize::from(area.height.saturating_sub(6)).max(1);
    // No more columns than the screen can show: each is a layout constraint, and dozens of
    // them on a tiny screen make the layout solver crawl.
    let fit = usize::from(area.width / MIN_COLUMN_WIDTH).clamp(1, MAX_COLUMNS);
    let columns = entries.len().div_ceil(per_column).clamp(1, fit);
    let rows_needed = entries.len().div_ceil(columns);
    let height = u16::try_from(rows_needed + 4).unwrap_or(u16::MAX);
    let width = u16::try_from(columns)
        .unwrap_or(1)
        .saturating_mul(COLUMN_WIDTH)
        .saturating_add(2);
    let popup = centred(area, width, height);
    let block = pane_block(title("Help", "keymap.toml"), true)
        .padding(Padding::horizontal(1))
        .title_bottom(Line::styled(
            " esc or ? to close ",
            Style::new().fg(Color::DarkGray),
        ));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns])
        .spacing(2)
        .split(inner);
    for (chunk, column_area) in entries.chunks(rows_needed.max(1)).zip(areas.iter()) {
        frame.render_widget(bindings_table(chunk), *column_area);
    }
}

fn bindings_table(entries: &[HelpEntry]) -> Table<'static> {
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| Row::new([e.keys.join(", "), e.description.clone()]))
        .collect();
    let keys_width = entries
        .iter()
        .map(|e| e.keys.join(", ").chars().count())
        .max()
        .unwrap_or(0);
    let header = Row::new(["KEYS", "ACTION"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
        .bottom_margin(1);
    let widths = [
        Constraint::Length(u16::try_from(keys_width).unwrap_or(20)),
        Constraint::Fill(1),
    ];
    Table::new(rows, widths)
        .header(header)
        .column_spacing(2)
        .style(Style::new().fg(Color::White))
}

/// A `width`×`height` rectangle in the middle of `area` (shrunk to fit).
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
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
