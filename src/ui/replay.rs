//! The time bar of `--replay`: the moment shown, where it sits in the recording, the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::replay::{ReplayBar, clock};

const KEYS: &str = " </> 5s  {/} 1m  t time";

pub fn render(frame: &mut Frame, area: Rect, bar: &ReplayBar) {
    let head = format!(" REPLAY {} UTC ", clock(bar.at));
    let span = format!(" {} ", clock(bar.first));
    let end = format!(" {}", clock(bar.last));
    let used = head.chars().count() + span.len() + end.len() + KEYS.len();
    let track = usize::from(area.width).saturating_sub(used).max(3);
    let line = Line::from(vec![
        Span::styled(
            head,
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(span),
        Span::styled(track_text(bar, track), Style::default().fg(Color::Yellow)),
        Span::raw(end),
        Span::styled(KEYS, Style::default().fg(Color::DarkGray)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// `━━━━●────` with the marker where the moment sits in the recording.
fn track_text(bar: &ReplayBar, width: usize) -> String {
    let length = (bar.last - bar.first).max(1) as f64;
    let done = ((bar.at - bar.first) as f64 / length).clamp(0.0, 1.0);
    let at = ((width - 1) as f64 * done).round() as usize;
    (0..width)
        .map(|i| match i.cmp(&at) {
            std::cmp::Ordering::Less => '━',
            std::cmp::Ordering::Equal => '●',
            std::cmp::Ordering::Greater => '─',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_sits_where_the_moment_is() {
        let bar = ReplayBar {
            first: 0,
            last: 100_000,
            at: 50_000,
        };
        assert_eq!(track_text(&bar, 11), "━━━━━●─────");
        let start = ReplayBar { at: 0, ..bar };
        assert_eq!(track_text(&start, 5), "●────");
    }

    #[test]
    fn the_bar_names_the_moment_the_span_and_the_keys() {
        let bar = ReplayBar {
            first: 1_796_724_000_000,
            last: 1_796_724_600_000,
            at: 1_796_724_330_000,
        };
        let text = crate::ui::testing::draw(80, 1, |f| render(f, f.area(), &bar));
        assert!(text.contains("REPLAY 10:05:30 UTC"), "{text}");
        assert!(
            text.contains("10:00:00") && text.contains("10:10:00"),
            "{text}"
        );
        assert!(text.contains("{/} 1m"), "{text}");
    }
}
