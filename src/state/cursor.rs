//! A cursor over a list of `len` rows plus the scroll window the renderer keeps in sync.

use std::cell::Cell;

/// A scroll offset (a first line shown, not a selection) moved by a movement action, kept
/// within `0..=last`, ten lines a page; `None` for any other action.
pub fn scrolled(offset: usize, action: crate::keys::Action, last: usize) -> Option<usize> {
    use crate::keys::Action;
    Some(match action {
        Action::Down => (offset + 1).min(last),
        Action::Up => offset.saturating_sub(1),
        Action::PageDown => (offset + 10).min(last),
        Action::PageUp => offset.saturating_sub(10),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

/// Selected row and scroll offset of one pane. The offset and page size are only known when
/// drawing, so the renderer updates them through `Cell`s while `State` stays borrowed immutably.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    selected: usize,
    offset: Cell<usize>,
    /// Rows visible at the last draw; PgUp/PgDn move by this much.
    page: Cell<usize>,
}

/// Page size before the first draw.
const DEFAULT_PAGE: usize = 10;

impl Cursor {
    /// Moves as a movement action says (up, down, page, top, bottom); false for any other
    /// action, which is left to the caller.
    pub fn on_move(&mut self, action: crate::keys::Action, len: usize) -> bool {
        use crate::keys::Action;
        match action {
            Action::Up => self.step(-1, len),
            Action::Down => self.step(1, len),
            Action::PageUp => self.page(-1, len),
            Action::PageDown => self.page(1, len),
            Action::Top => self.select(0, len),
            Action::Bottom => self.select(usize::MAX, len),
            _ => return false,
        }
        true
    }

    /// The selected row (0 when the list is empty).
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// First row of the scroll window at the last draw (maps a clicked screen row to an index).
    pub fn offset(&self) -> usize {
        self.offset.get()
    }

    /// The rows of a list of `len` on screen at the last draw (a default page before it).
    pub fn shown(&self, len: usize) -> std::ops::Range<usize> {
        let start = self.offset.get().min(len);
        start..start.saturating_add(self.page_size()).min(len)
    }

    /// Puts the cursor on `index`, clamped to `len`.
    pub fn select(&mut self, index: usize, len: usize) {
        self.selected = index.min(len.saturating_sub(1));
    }

    /// Moves by `delta` rows (negative is up), clamped to the list.
    pub fn step(&mut self, delta: isize, len: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, len);
    }

    /// One page down (`+1`) or up (`-1`).
    pub fn page(&mut self, direction: isize, len: usize) {
        let page = isize::try_from(self.page_size()).unwrap_or(isize::MAX);
        self.step(direction.saturating_mul(page), len);
    }

    fn page_size(&self) -> usize {
        match self.page.get() {
            0 => DEFAULT_PAGE,
            n => n,
        }
    }

    /// The rows to draw in a window of `height` rows: scrolls just enough to keep the
    /// selection visible, and remembers the result for the next draw and for paging.
    pub fn window(&self, height: usize, len: usize) -> std::ops::Range<usize> {
        self.page.set(height.max(1));
        let selected = self.selected.min(len.saturating_sub(1));
        let mut offset = self.offset.get().min(len.saturating_sub(height));
        if selected < offset {
            offset = selected;
        } else if height > 0 && selected >= offset + height {
            offset = selected + 1 - height;
        }
        self.offset.set(offset);
        offset..(offset + height).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_clamp_and_window_follows() {
        let mut c = Cursor::default();
        c.step(-1, 100);
        assert_eq!(c.selected(), 0);
        c.step(5, 100);
        assert_eq!(c.window(10, 100), 0..10);
        c.select(42, 100);
        assert_eq!(c.window(10, 100), 33..43);
        c.page(1, 100);
        assert_eq!(c.selected(), 52);
        c.select(500, 100);
        assert_eq!(c.selected(), 99);
        assert_eq!(c.window(10, 100), 90..100);
        c.select(95, 100);
        assert_eq!(c.window(10, 100), 90..100, "no scroll while visible");
        assert_eq!(c.window(10, 3), 0..3, "list shrank");
        c.select(0, 0);
        assert_eq!(c.window(10, 0), 0..0);
    }
}
