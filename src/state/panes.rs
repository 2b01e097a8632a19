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
    use super::*;
    use crate::state::StartOptions;

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
