//! Where the contexts and namespaces panes go. On tall terminals they sit above the table; on
//! short ones (or when hidden) they fold into the breadcrumb, and focusing one (Tab, `:ctx`,
//! `:ns`) shows it as a full view until Esc or a pick returns to the table.

use super::{Focus, State};
use crate::config::PaneMode;

/// Terminals with fewer rows fold the panes away under `auto`.
pub const AUTO_MIN_ROWS: u16 = 30;

/// Whether the panes sit above the table on a terminal of `rows` rows.
pub fn strip_shown(mode: PaneMode, rows: u16) -> bool {
    match mode {
        PaneMode::Shown => true,
        PaneMode::Hidden => false,
        PaneMode::Auto => rows >= AUTO_MIN_ROWS,
    }
}

impl State {
    /// Whether the panes sit above the table on the terminal last reported.
    pub fn strip_shown(&self) -> bool {
        strip_shown(self.panes, self.screen_rows.unwrap_or(u16::MAX))
    }

    /// Whether the contexts pane is on screen (above the table, or as the full view).
    pub fn contexts_visible(&self) -> bool {
        self.strip_shown() || self.focus == Focus::Contexts
    }
}

/// The toggle key: hide the panes when they show, show them when they do not.
pub fn toggle(state: &mut State) {
    if state.strip_shown() {
        state.panes = PaneMode::Hidden;
        state.focus = Focus::Pods;
    } else {
        state.panes = PaneMode::Shown;
    }
}

/// `:ctx` / `:ns` without a name: focus that pane (a full view when the panes are folded).
pub fn show(state: &mut State, pane: Focus) {
    state.focus = pane;
    state.dirty = true;
}

/// After a pick in a full view, the table comes back; above the table the pane keeps focus.
pub fn after_pick(state: &mut State) {
    if !state.strip_shown() {
        state.focus = Focus::Pods;
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent};

    use super::*;
    use crate::msg::{Effect, Msg};
    use crate::state::{StartOptions, update};

    fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
        update(state, Msg::Key(KeyEvent::from(code)))
    }

    fn type_line(state: &mut State, line: &str) -> Vec<Effect> {
        press(state, KeyCode::Char(':'));
        for c in line.chars() {
            press(state, KeyCode::Char(c));
        }
        press(state, KeyCode::Enter)
    }

    /// A short terminal: Tab and `:ns`/`:ctx` open the folded panes, Esc returns, a pick
    /// returns too and opens what was picked.
    #[test]
    fn folded_panes_open_as_full_views_and_return() {
        let mut state = crate::ui::testing::demo_state(false);
        update(
            &mut state,
            Msg::Resize {
                width: 80,
                height: 24,
            },
        );
        assert!(!state.strip_shown());
        press(&mut state, KeyCode::Tab);
        assert_eq!(state.focus, Focus::Contexts);
        press(&mut state, KeyCode::Tab);
        assert_eq!(state.focus, Focus::Namespaces);
        press(&mut state, KeyCode::Esc);
        assert_eq!(state.focus, Focus::Pods);
        type_line(&mut state, "ns");
        assert_eq!(state.focus, Focus::Namespaces);
        // "all", default, kube-system, shop: pick kube-system.
        press(&mut state, KeyCode::Char('g'));
        press(&mut state, KeyCode::Char('j'));
        press(&mut state, KeyCode::Char('j'));
        let effects = press(&mut state, KeyCode::Enter);
        assert_eq!(state.namespace.as_deref(), Some("kube-system"));
        assert!(matches!(effects.as_slice(), [Effect::WatchPods { .. }, ..]));
        assert_eq!(state.focus, Focus::Pods, "back to the table");
        type_line(&mut state, "ctx");
        assert_eq!(state.focus, Focus::Contexts);
        press(&mut state, KeyCode::Esc);
        assert_eq!(state.focus, Focus::Pods);
    }

    /// On a tall terminal the panes stay above the table: a pick keeps the pane focused, and
    /// the toggle key folds them away.
    #[test]
    fn panes_above_the_table_keep_focus_and_fold_on_the_toggle() {
        let mut state = crate::ui::testing::demo_state(false);
        update(
            &mut state,
            Msg::Resize {
                width: 120,
                height: 40,
            },
        );
        assert!(state.strip_shown());
        press(&mut state, KeyCode::Tab);
        press(&mut state, KeyCode::Tab);
        press(&mut state, KeyCode::Char('g'));
        press(&mut state, KeyCode::Enter);
        assert_eq!(state.namespace, None, "all namespaces");
        assert_eq!(state.focus, Focus::Namespaces);
        press(&mut state, KeyCode::Char('z'));
        assert_eq!((state.panes, state.focus), (PaneMode::Hidden, Focus::Pods));
        press(&mut state, KeyCode::Char('z'));
        assert_eq!(state.panes, PaneMode::Shown);
    }

    #[test]
    fn auto_folds_on_short_terminals_and_the_toggle_flips_what_shows() {
        assert!(strip_shown(PaneMode::Auto, 30) && !strip_shown(PaneMode::Auto, 29));
        assert!(strip_shown(PaneMode::Shown, 10) && !strip_shown(PaneMode::Hidden, 80));
        let mut state = State::new(StartOptions::default());
        assert!(state.strip_shown(), "unknown height counts as tall");
        state.screen_rows = Some(24);
        assert!(!state.strip_shown());
        toggle(&mut state);
        assert_eq!(state.panes, PaneMode::Shown);
        state.focus = Focus::Namespaces;
        toggle(&mut state);
        assert_eq!((state.panes, state.focus), (PaneMode::Hidden, Focus::Pods));
    }
}
