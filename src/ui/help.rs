//! The help overlay, generated from the keymap so rebinding a key changes what it says.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Padding, Row, Table};

use super::{pane_block, title};
use crate::state::State;

/// Draws the help overlay centred over `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let entries = state.keymap.help();
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| Row::new([e.keys.join(", "), e.description.clone()]))
        .collect();
    let keys_width = entries
        .iter()
        .map(|e| e.keys.join(", ").chars().count())
        .max()
        .unwrap_or(0);
    let height = u16::try_from(rows.len() + 4).unwrap_or(u16::MAX);
    let popup = centred(area, 66, height);
    let block = pane_block(title("Help", "keymap.toml"), true)
        .padding(Padding::horizontal(1))
        .title_bottom(Line::styled(
            " esc or ? to close ",
            Style::new().fg(Color::DarkGray),
        ));
    let header = Row::new(["KEYS", "ACTION"])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED))
        .bottom_margin(1);
    let widths = [
        Constraint::Length(u16::try_from(keys_width).unwrap_or(20)),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(3)
        .block(block)
        .style(Style::new().fg(Color::White));
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
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
