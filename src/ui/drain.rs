//! The drain view: a summary line, then one line per pod of the node with where its eviction
//! is (retry times counted down from the state's clock).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{crumb_block, sanitize};
use crate::kube::ops::drain::{PodProgress, Skip};
use crate::state::State;
use crate::state::drain::{DrainPod, DrainView, Phase, PodState};

/// Draws `view` into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &DrainView) {
    let hint = if view.running() {
        " Esc stops the drain (the node stays cordoned) "
    } else {
        " Esc closes "
    };
    let block = crumb_block(state, &format!("drain {}", view.node))
        .title_bottom(Line::styled(hint, Style::new().fg(Color::DarkGray)));
    let (summary, colour) = summary(view);
    let mut lines = vec![
        Line::styled(
            sanitize(&summary).into_owned(),
            Style::new().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
    ];
    let width = view
        .pods
        .iter()
        .map(|p| p.namespace.len() + p.name.len() + 1)
        .max()
        .unwrap_or(0);
    lines.extend(
        view.pods
            .iter()
            .skip(view.offset)
            .map(|pod| pod_line(pod, width, state.now)),
    );
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(text, area);
}

/// The line above the pods, and its colour.
fn summary(view: &DrainView) -> (String, Color) {
    let node = format!("node/{}", view.node);
    let (done, total, waiting, failed) = view.counts();
    let cordoned = if view.cordoned {
        format!("{node} cordoned")
    } else {
        node.clone()
    };
    match &view.phase {
        Phase::Starting => (
            format!("cordoning {node} and listing its pods…"),
            Color::Yellow,
        ),
        Phase::Evicting => {
            let mut text = format!("{cordoned} · {done}/{total} pods evicted");
            if waiting > 0 {
                text.push_str(&format!(" · {waiting} waiting for a PodDisruptionBudget"));
            }
            if failed > 0 {
                text.push_str(&format!(" · {failed} failed"));
            }
            (text, Color::Yellow)
        }
        Phase::Finished if failed == 0 => (
            format!("{node} drained: {done}/{total} pods evicted"),
            Color::Green,
        ),
        Phase::Finished => (
            format!("{node} cordoned, not drained: {done}/{total} pods evicted, {failed} failed"),
            Color::Red,
        ),
        Phase::Refused(refusal) => (
            format!("drain refused, nothing evicted ({cordoned}; u uncordons): {refusal}"),
            Color::Red,
        ),
        Phase::Failed(e) => (format!("drain {node} failed: {e}"), Color::Red),
        Phase::Stopped => (
            format!("drain stopped: {cordoned} ({done}/{total} pods evicted)"),
            Color::Yellow,
        ),
    }
}

fn pod_line(pod: &DrainPod, width: usize, now: jiff::Timestamp) -> Line<'static> {
    let name = sanitize(&format!("{}/{}", pod.namespace, pod.name)).into_owned();
    let (words, colour) = match &pod.state {
        PodState::Pending => ("waiting to evict".to_string(), Color::DarkGray),
        PodState::Skipped(Skip::DaemonSet) => ("skipped (DaemonSet)".into(), Color::DarkGray),
        PodState::Skipped(Skip::Mirror) => ("skipped (mirror pod)".into(), Color::DarkGray),
        PodState::Progress(PodProgress::Evicting) => ("evicting".into(), Color::Yellow),
        PodState::Progress(PodProgress::Terminating) => {
            ("evicted, terminating".into(), Color::Yellow)
        }
        PodState::Progress(PodProgress::Waiting {
            attempt,
            retry_at,
            message,
        }) => {
            let secs = (retry_at.as_millisecond() - now.as_millisecond()).max(0);
            let secs = (secs + 999) / 1000;
            let text = format!(
                "waiting for PDB (attempt {attempt}): retrying in {secs}s: {}",
                sanitize(message)
            );
            (text, Color::Magenta)
        }
        PodState::Progress(PodProgress::Evicted) => ("evicted".into(), Color::Green),
        PodState::Progress(PodProgress::Gone) => ("evicted (already gone)".into(), Color::Green),
        PodState::Progress(PodProgress::Failed(e)) => {
            (format!("failed: {}", sanitize(e)), Color::Red)
        }
    };
    Line::from(vec![
        Span::raw(format!("  {name:<width$}  ")),
        Span::styled(words, Style::new().fg(colour)),
    ])
}
