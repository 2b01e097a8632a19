//! Themes. Panes draw with the dark theme's palette, whose colours name roles (cyan: accent
//! and focus, green: healthy, yellow: in progress/warning, red: failing, magenta: going away,
//! dark grey: secondary text, black background: the status bar). After a frame is drawn,
//! [`Theme::paint`] maps every cell of the buffer to the active theme, so no pane can leak a
//! colour the theme does not define — which is what `NO_COLOR` needs.
//!
//! In monochrome, meaning that colour carried must survive: coloured backgrounds (selection,
//! search matches, warnings) become reverse video, and failing states get a `!` marker
//! (see [`Theme::failing_marker`]).

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::config::ThemeName;

/// Marker put before a failing state (CrashLoopBackOff, unreachable) when colours are off.
pub const FAILING: &str = "!";

/// Colours that tell pods apart in merged logs (red, which means failing, left out). Drawn in
/// the dark palette like everything else, so the themes map them (mono drops them: the prefix
/// text still names the pod).
pub const POD_COLOURS: [Color; 5] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Magenta,
    Color::Blue,
];

/// The colour of pod `name`: a stable hash (FNV-1a) of the name, so a pod keeps its colour.
pub fn pod_colour(name: &str) -> Color {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    POD_COLOURS[(hash % POD_COLOURS.len() as u64) as usize]
}

/// The active colours; built from the configured [`ThemeName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
}

impl Theme {
    /// The theme called `name`.
    pub fn new(name: ThemeName) -> Theme {
        Theme { name }
    }

    /// True when colour is off and states need text markers.
    pub fn monochrome(&self) -> bool {
        self.name == ThemeName::Mono
    }

    /// `"!"` before a failing value in monochrome, nothing when colour says it already.
    pub fn failing_marker(&self) -> &'static str {
        if self.monochrome() { FAILING } else { "" }
    }

    /// Rewrites the colours of every cell of `buf` (drawn in the dark palette) for this theme.
    pub fn paint(&self, buf: &mut Buffer) {
        if self.name == ThemeName::Dark {
            return;
        }
        for cell in buf.content.iter_mut() {
            let (fg, bg, modifier) = match self.name {
                ThemeName::Dark => continue,
                ThemeName::Light => (light_fg(cell.fg, cell.bg), light_bg(cell.bg), cell.modifier),
                ThemeName::Mono => (
                    Color::Reset,
                    Color::Reset,
                    mono_modifier(cell.bg, cell.modifier),
                ),
            };
            cell.fg = fg;
            cell.bg = bg;
            cell.modifier = modifier;
        }
    }
}

/// Foregrounds readable on a light background: the bright ones darkened.
fn light_fg(fg: Color, bg: Color) -> Color {
    match (fg, bg) {
        // Text on a coloured background (selection, search match) stays dark on light.
        (Color::Black, Color::Cyan) => Color::White,
        (Color::Cyan, _) => Color::Blue,
        (Color::Yellow, _) => Color::Indexed(130),
        (Color::Green, _) => Color::Indexed(28),
        (Color::Magenta, _) => Color::Indexed(90),
        (Color::White, _) => Color::Black,
        (Color::DarkGray, _) => Color::Indexed(242),
        (other, _) => other,
    }
}

fn light_bg(bg: Color) -> Color {
    match bg {
        Color::Black => Color::Indexed(254),
        Color::Cyan => Color::Blue,
        Color::DarkGray => Color::Indexed(252),
        other => other,
    }
}

/// A coloured background meant "look here": keep that as reverse video. The status bar's
/// black background is just a strip and is dropped.
fn mono_modifier(bg: Color, modifier: Modifier) -> Modifier {
    match bg {
        Color::Reset | Color::Black => modifier,
        _ => modifier | Modifier::REVERSED,
    }
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    fn painted(name: ThemeName, style: Style) -> ratatui::buffer::Cell {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        buf.set_string(0, 0, "x", style);
        Theme::new(name).paint(&mut buf);
        buf.content[0].clone()
    }

    #[test]
    fn mono_drops_every_colour_and_keeps_highlights_visible() {
        let selected = Style::new().bg(Color::Cyan).fg(Color::Black);
        let cell = painted(ThemeName::Mono, selected);
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
        assert!(cell.modifier.contains(Modifier::REVERSED));
        let error = painted(ThemeName::Mono, Style::new().fg(Color::Red));
        assert_eq!(
            (error.fg, error.modifier),
            (Color::Reset, Modifier::empty())
        );
        let bar = painted(ThemeName::Mono, Style::new().bg(Color::Black));
        assert_eq!((bar.bg, bar.modifier), (Color::Reset, Modifier::empty()));
    }

    #[test]
    fn light_darkens_bright_colours_and_dark_is_untouched() {
        let cell = painted(ThemeName::Light, Style::new().fg(Color::Yellow));
        assert_eq!(cell.fg, Color::Indexed(130));
        let bar = painted(ThemeName::Light, Style::new().bg(Color::Black));
        assert_eq!(bar.bg, Color::Indexed(254));
        let dark = painted(ThemeName::Dark, Style::new().fg(Color::Yellow));
        assert_eq!(dark.fg, Color::Yellow);
    }

    #[test]
    fn a_pod_keeps_its_colour() {
        assert_eq!(pod_colour("web-1"), pod_colour("web-1"));
        let names = [
            "web-7d9c-abcde",
            "web-7d9c-fghij",
            "web-7d9c-klmno",
            "db-0",
            "db-1",
        ];
        let colours: std::collections::HashSet<_> = names.iter().map(|n| pod_colour(n)).collect();
        assert!(colours.len() > 1, "pods are told apart");
    }

    #[test]
    fn marker_only_without_colour() {
        assert_eq!(Theme::new(ThemeName::Mono).failing_marker(), "!");
        assert_eq!(Theme::new(ThemeName::Light).failing_marker(), "");
    }
}
