//! Which error the status bar shows, from every stream's latest answer: facts, worded by the ui.

use super::{Problem, State};
use crate::kube::Failure;

/// The error the status bar shows: facts, worded by the ui.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownError<'a> {
    /// What failed: `pods`, `namespaces`, `connect`, the open kind (`deployments`), …
    pub source: &'a str,
    pub message: &'a str,
    /// When the stream tries again (the ui counts down to it).
    pub retry_at: Option<jiff::Timestamp>,
}

impl State {
    /// The server cannot be reached right now, as the latest answer of any stream says (the
    /// pods watch, the namespaces watch, the /version poll): one fact every indicator shows.
    pub fn unreachable(&self) -> Option<&Failure> {
        let streams = [&self.pods_error, &self.namespaces_error];
        let from_streams = streams.into_iter().flatten().map(|p| &p.failure);
        self.connection_error
            .iter()
            .chain(from_streams)
            .chain(self.version_error.iter())
            .find(|f| f.is_unreachable())
    }

    /// The most important error for the status bar: where it came from, its words, and when
    /// it is tried again.
    pub fn current_error(&self) -> Option<ShownError<'_>> {
        type Shown<'a> = Option<(&'a str, Option<jiff::Timestamp>)>;
        fn problem(p: &Option<Problem>) -> Shown<'_> {
            p.as_ref().map(|p| (p.message(), p.retry_at))
        }
        fn failure(f: &Option<Failure>) -> Shown<'_> {
            f.as_ref().map(|f| (f.message.as_str(), None))
        }
        fn text(t: &Option<String>) -> Shown<'_> {
            t.as_ref().map(|t| (t.as_str(), None))
        }
        let table = self.resource.as_ref();
        let sources = [
            ("connect", failure(&self.connection_error)),
            (
                table.map_or("", |v| v.resource.plural.as_str()),
                table.and_then(|v| problem(&v.error)),
            ),
            ("pods", problem(&self.pods_error)),
            ("namespaces", problem(&self.namespaces_error)),
            ("version", failure(&self.version_error)),
            ("kubeconfig", text(&self.kubeconfig_error)),
            ("config", text(&self.opts.config_error)),
        ];
        let (source, (message, retry_at)) = sources.into_iter().find_map(|(s, e)| Some((s, e?)))?;
        Some(ShownError {
            source,
            message,
            retry_at,
        })
    }
}
