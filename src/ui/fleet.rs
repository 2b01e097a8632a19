//! How the title words a fleet: each context with its rows, or ✗ and why it gives none
//! (`prod-eu 41 203 · prod-us 38 990 · staging ✗ unreachable`).

use ratatui::style::{Color, Style};
use ratatui::text::Span;

use super::{group_thousands, sanitize};
use crate::kube::Failure;
use crate::kube::error::FailureKind;
use crate::state::fleet::MemberState;

/// Spans for the members of a fleet, in order; none outside a fleet.
pub fn title_spans(members: &[(&str, MemberState<'_>)]) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, (name, member)) in members.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("· "));
        }
        let name = sanitize(name).into_owned();
        match member {
            MemberState::Rows { count, listed } => {
                let more = if *listed { "" } else { "…" };
                spans.push(Span::raw(format!(
                    "{name} {}{more} ",
                    group_thousands(*count)
                )));
            }
            MemberState::Failing(problem) => spans.push(Span::styled(
                format!("{name} ✗ {} ", why(&problem.failure)),
                Style::new().fg(Color::Red),
            )),
        }
    }
    spans
}

/// A failure in a word or two: the title has room for little.
pub fn why(failure: &Failure) -> String {
    match (failure.kind, failure.code) {
        (_, Some(401)) => "unauthorized".into(),
        (_, Some(403)) => "forbidden".into(),
        (FailureKind::Unreachable, _) => "unreachable".into(),
        (FailureKind::Timeout, _) => "timed out".into(),
        (FailureKind::Auth, _) => "credentials failed".into(),
        (FailureKind::Config, _) => "bad kubeconfig".into(),
        (_, Some(code)) => format!("HTTP {code}"),
        _ => "failing".into(),
    }
}
