//! One rule for the columns of every table (pods, and any kind the server prints): each column
//! fits its widest visible cell; when the screen is too narrow, columns give way in a fixed
//! order, and spare room goes to message-like columns, never to NAME.
//!
//! Giving way, in order, until the columns fit:
//! 1. wide columns (the server's priority > 0, pods' NODE and IP) are dropped, highest rank
//!    first, until message-like columns would have a comfortable width;
//! 2. message-like columns are cut down to a third of the width (at least [`TEXT_MIN`]);
//! 3. other columns wider than [`FIT_MIN`] are cut, the widest first;
//! 4. optional columns (RESTARTS, then AGE and the like) are dropped;
//! 5. NAMESPACE is cut down to [`NAMESPACE_MIN`], then NAME down to [`NAME_MIN`];
//! 6. columns are dropped from the right, message-like ones after the others, NAME last;
//! 7. what is left is cut to the width.
//!
//! NAME and NAMESPACE are held to [`KEY_CAP`] (and other columns to [`FIT_CAP`]) before that, and
//! get their whole width back from spare room. Cut cells end in `…`. Only the visible rows are
//! measured, so a frame costs the same at 100 000 rows as at 30.

use std::borrow::Cow;

use ratatui::layout::Constraint;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Row, Table};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Blank cells between two columns.
pub const SPACING: u16 = 2;
/// NAME and NAMESPACE wider than this (or than 3/5 of the table) give way first, and get the
/// rest back from spare room.
pub const KEY_CAP: usize = 50;
/// Other columns (not message-like) are held to this unless there is spare room.
pub const FIT_CAP: usize = 40;
/// Message-like columns are cut no narrower than this (or a third of the table).
pub const TEXT_MIN: usize = 20;
/// Other columns are cut no narrower than this before optional columns are dropped.
pub const FIT_MIN: usize = 12;
/// NAMESPACE is cut no narrower than this before columns are dropped.
pub const NAMESPACE_MIN: usize = 9;
/// NAME is cut no narrower than this before columns are dropped.
pub const NAME_MIN: usize = 16;
/// Columns ranked this or higher are the "wide" ones, dropped before anything is cut.
pub const WIDE: u8 = 3;

/// What a column is, for the layout rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The object's name: cut last, dropped last.
    Name,
    /// The namespace (tables of all namespaces): cut just before NAME.
    Namespace,
    /// MESSAGE, DESCRIPTION: long free text that gets the spare room and is cut first.
    Text,
    /// Anything else: as wide as its content.
    Fit,
}

/// One column: its title, role and how early it is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    pub role: Role,
    /// 0: never dropped early; 1–2: optional, dropped after cutting (higher first);
    /// [`WIDE`] and up: wide, dropped first (higher first).
    pub drop: u8,
}

impl Column {
    pub fn new(title: impl Into<String>, role: Role, drop: u8) -> Column {
        Column {
            title: title.into(),
            role,
            drop,
        }
    }

    /// A column of a server-printed table: NAME at priority 0 is the name, message-like names
    /// are text, priority > 0 is wide, and age columns are optional.
    pub fn server(title: &str, priority: u32, age: bool) -> Column {
        let upper = title.to_uppercase();
        let role = match upper.as_str() {
            "NAME" if priority == 0 => Role::Name,
            "MESSAGE" | "DESCRIPTION" | "NOTE" => Role::Text,
            _ => Role::Fit,
        };
        let drop = match (priority, age) {
            (0, true) => 1,
            (0, false) => 0,
            _ => WIDE,
        };
        Column::new(upper, role, drop)
    }
}

/// Display width of `text` in terminal cells.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to `max` cells, ending in `…` when cut.
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    if text.width() <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::with_capacity(max + 2);
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// The widths chosen for one frame: `Some(width)` for a shown column, `None` for a dropped one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub widths: Vec<Option<usize>>,
}

impl Plan {
    /// Lays out `columns` holding the visible `rows` (cells in column order) in `available`
    /// cells (the table's inner width without the selection marker).
    pub fn new<R, S>(columns: &[Column], rows: &[R], available: u16) -> Plan
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        let natural: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                rows.iter()
                    .filter_map(|r| r.as_ref().get(i))
                    .map(|s| width(s.as_ref()))
                    .max()
                    .unwrap_or(0)
                    .max(width(&c.title))
            })
            .collect();
        let mut layout = Layout::new(columns, natural, usize::from(available));
        layout.squeeze();
        layout.spread();
        Plan {
            widths: layout.shown_widths(),
        }
    }

    /// Indexes of the shown columns, left to right.
    pub fn shown(&self) -> impl Iterator<Item = usize> + '_ {
        self.widths
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.map(|_| i))
    }

    /// Ratatui constraints of the shown columns.
    pub fn constraints(&self) -> Vec<Constraint> {
        self.widths
            .iter()
            .flatten()
            .map(|&w| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX)))
            .collect()
    }

    /// The shown cells of `row`, each cut to its column: `(column index, text)`.
    pub fn cells(&self, row: Vec<String>) -> Vec<(usize, String)> {
        row.into_iter()
            .enumerate()
            .filter_map(|(i, text)| {
                let width = (*self.widths.get(i)?)?;
                let text = match fit(&text, width) {
                    Cow::Borrowed(_) => text,
                    Cow::Owned(cut) => cut,
                };
                Some((i, text))
            })
            .collect()
    }

    /// The table widget of `rows` under the header `titles` (cut like any row), drawn the same
    /// way in every pane that lists objects so they look and select alike.
    pub fn table<'a>(
        &self,
        titles: Vec<String>,
        rows: impl IntoIterator<Item = Row<'a>>,
        block: Block<'a>,
        focused: bool,
    ) -> Table<'a> {
        let header = Row::new(self.cells(titles).into_iter().map(|(_, t)| Cell::new(t)))
            .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
        Table::new(rows, self.constraints())
            .header(header)
            .block(block)
            .column_spacing(SPACING)
            .row_highlight_style(super::selected_style(focused))
            .highlight_symbol("▶ ")
            .highlight_spacing(HighlightSpacing::Always)
    }
}

/// The working state of one layout.
struct Layout<'a> {
    columns: &'a [Column],
    natural: Vec<usize>,
    widths: Vec<usize>,
    shown: Vec<bool>,
    available: usize,
}

impl<'a> Layout<'a> {
    fn new(columns: &'a [Column], natural: Vec<usize>, available: usize) -> Layout<'a> {
        let key_cap = (available * 3 / 5).clamp(NAME_MIN, KEY_CAP);
        let widths = columns
            .iter()
            .zip(&natural)
            .map(|(c, &n)| match c.role {
                Role::Name | Role::Namespace => n.min(key_cap),
                Role::Fit => n.min(FIT_CAP),
                Role::Text => n,
            })
            .collect();
        Layout {
            columns,
            shown: vec![true; natural.len()],
            natural,
            widths,
            available,
        }
    }

    /// Cells the shown columns take, with spacing.
    fn used(&self) -> usize {
        let (sum, count) = self
            .widths
            .iter()
            .zip(&self.shown)
            .filter(|(_, shown)| **shown)
            .fold((0, 0usize), |(sum, count), (w, _)| (sum + w, count + 1));
        sum + usize::from(SPACING) * count.saturating_sub(1)
    }

    fn excess(&self) -> usize {
        self.used().saturating_sub(self.available)
    }

    fn of_role(&self, role: Role) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| self.shown[i] && self.columns[i].role == role)
            .collect()
    }

    /// The narrowest message-like columns may become and still read well.
    fn text_floor(&self, i: usize) -> usize {
        self.natural[i].min(TEXT_MIN.max(self.available / 3))
    }

    /// Gives way step by step until the shown columns fit.
    fn squeeze(&mut self) {
        self.drop_wide();
        let texts = self.of_role(Role::Text);
        let floors: Vec<usize> = texts.iter().map(|&i| self.text_floor(i)).collect();
        self.cut(&texts, &floors);
        let fits = self.of_role(Role::Fit);
        self.cut(&fits, &vec![FIT_MIN; fits.len()]);
        self.drop_ranked(1..WIDE);
        let namespaces = self.of_role(Role::Namespace);
        self.cut(&namespaces, &vec![NAMESPACE_MIN; namespaces.len()]);
        let names = self.of_role(Role::Name);
        self.cut(&names, &vec![NAME_MIN; names.len()]);
        self.drop_from_right();
        let all: Vec<usize> = (0..self.columns.len()).filter(|&i| self.shown[i]).collect();
        self.cut(&all, &vec![1; all.len()]);
    }

    /// Drops wide columns until message-like ones would fit at a comfortable width.
    fn drop_wide(&mut self) {
        for i in self.ranked(WIDE..=u8::MAX) {
            let texts = self.of_role(Role::Text);
            let comfortable = self.available.max(160) / 2;
            let saved: usize = texts
                .iter()
                .map(|&t| self.widths[t].saturating_sub(comfortable))
                .sum();
            if self.used().saturating_sub(saved) <= self.available {
                return;
            }
            self.shown[i] = false;
        }
    }

    /// Drops columns ranked in `ranks`, highest rank first, rightmost first, until they fit.
    fn drop_ranked(&mut self, ranks: std::ops::Range<u8>) {
        for i in self.ranked(ranks) {
            if self.excess() == 0 {
                return;
            }
            self.shown[i] = false;
        }
    }

    /// Shown columns ranked in `ranks`, in the order they are dropped.
    fn ranked(&self, ranks: impl std::ops::RangeBounds<u8>) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.shown[i] && ranks.contains(&self.columns[i].drop))
            .collect();
        order.sort_by_key(|&i| {
            (
                std::cmp::Reverse(self.columns[i].drop),
                std::cmp::Reverse(i),
            )
        });
        order
    }

    /// Drops columns from the right until they fit: message-like ones after the others,
    /// NAMESPACE and NAME last.
    fn drop_from_right(&mut self) {
        let mut order: Vec<usize> = (0..self.columns.len()).filter(|&i| self.shown[i]).collect();
        order.sort_by_key(|&i| {
            let keep = match self.columns[i].role {
                Role::Name => 3,
                Role::Namespace => 2,
                Role::Text => 1,
                Role::Fit => 0,
            };
            (keep, std::cmp::Reverse(i))
        });
        let last = order.len().saturating_sub(1);
        for &i in &order[..last] {
            if self.excess() == 0 {
                return;
            }
            self.shown[i] = false;
        }
    }

    /// Cuts `which` columns (the widest first) no narrower than their `floors` until they fit.
    fn cut(&mut self, which: &[usize], floors: &[usize]) {
        let mut excess = self.excess();
        while excess > 0 {
            let widest = which
                .iter()
                .zip(floors)
                .filter(|&(&i, &floor)| self.widths[i] > floor)
                .max_by_key(|&(&i, _)| (self.widths[i], std::cmp::Reverse(i)));
            let Some((&i, _)) = widest else {
                return;
            };
            self.widths[i] -= 1;
            excess -= 1;
        }
    }

    /// Spare room restores cut columns: message-like first, then the others, then NAMESPACE and
    /// NAME beyond their cap.
    fn spread(&mut self) {
        let mut spare = self.available.saturating_sub(self.used());
        for role in [Role::Text, Role::Fit, Role::Namespace, Role::Name] {
            for i in self.of_role(role) {
                let grow = self.natural[i].saturating_sub(self.widths[i]).min(spare);
                self.widths[i] += grow;
                spare -= grow;
            }
        }
    }

    fn shown_widths(&self) -> Vec<Option<usize>> {
        self.widths
            .iter()
            .zip(&self.shown)
            .map(|(&w, &shown)| shown.then_some(w))
            .collect()
    }
}
