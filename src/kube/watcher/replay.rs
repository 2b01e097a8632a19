//! The engine under `--replay`: instead of listing and watching a server, a stream shows what
//! was recorded of it at the replay clock's moment, decoded by the same decoder, and shows it
//! again through the relist path (a first page replaces the rows) whenever the clock moves.

use std::sync::Arc;

use super::{Change, Decoder, Event, Item, ListWatch, Sink};
use crate::kube::ListParams;
use crate::kube::error::{Failure, KubeError};
use crate::record::{Recorder, Replay, StreamState};

impl<D: Decoder> ListWatch<D> {
    /// The recorder and this stream's id in it, under `--record`.
    pub(super) fn recording(&self) -> Option<(Arc<Recorder>, u32)> {
        let recorder = self.client.recorder()?;
        let id = recorder.stream(self.client.context(), &self.path, &self.stream_query());
        Some((Arc::clone(recorder), id))
    }

    /// What names this stream besides its path: the selectors (never tokens, continue
    /// tokens or resourceVersions).
    fn stream_query(&self) -> String {
        ListParams {
            label_selector: self.label_selector.clone(),
            field_selector: self.field_selector.clone(),
            ..ListParams::default()
        }
        .query()
    }
}

/// Shows the recorded stream at each moment the clock is set to, until nobody listens.
pub(super) async fn run<D: Decoder, S: Sink<D::Page, D::Row>>(
    this: ListWatch<D>,
    replay: Arc<Replay>,
    sink: S,
) {
    let this = Arc::new(this);
    let mut clock = replay.subscribe();
    loop {
        let t = *clock.borrow_and_update();
        let state = {
            let replay = Arc::clone(&replay);
            tokio::task::spawn_blocking(move || replay.state_at(t)).await
        };
        let events = match state {
            Ok(Ok(state)) => {
                let query = this.stream_query();
                let stream = state.streams.values().find(|s| {
                    s.context == this.client.context() && s.path == this.path && s.query == query
                });
                match stream {
                    Some(stream) => replayed(&this, stream),
                    None => Err(KubeError::NotRecorded(this.path.clone())),
                }
            }
            Ok(Err(e)) => Err(KubeError::Decode {
                path: this.path.clone(),
                message: e.to_string(),
            }),
            Err(e) => Err(KubeError::Decode {
                path: this.path.clone(),
                message: format!("replay stopped: {e}"),
            }),
        };
        let events = events.unwrap_or_else(|error| {
            vec![Event::Failed {
                error: Failure::from(&error),
                retry_at: None,
            }]
        });
        for event in events {
            if !sink.send(event) {
                return;
            }
        }
        if clock.changed().await.is_err() {
            return;
        }
    }
}

/// What a replayed stream sends for one moment.
type Events<D> = Vec<Event<<D as Decoder>::Page, <D as Decoder>::Row>>;

/// The events that bring a view to the recorded state: the list's pages (the first replaces
/// what was shown), the watch changes since, then `Live`.
fn replayed<D: Decoder>(this: &ListWatch<D>, stream: &StreamState) -> Result<Events<D>, KubeError> {
    let mut columns = D::Columns::default();
    let pages: Vec<_> = stream.pages().collect();
    if pages.is_empty() {
        // Declared but not yet listed at this moment.
        return Err(KubeError::NotRecorded(format!(
            "{} (at this moment)",
            this.path
        )));
    }
    let mut events = Vec::with_capacity(pages.len() + 2);
    let n = pages.len();
    for (i, (_, _, body)) in pages.into_iter().enumerate() {
        let page = this.decoder.page(&mut columns, &body, &this.path)?;
        events.push(Event::Page {
            page,
            first: i == 0,
            last: i + 1 == n,
        });
    }
    let mut changes: Vec<Change<D::Row>> = Vec::new();
    for line in stream.lines() {
        // A line that did not decode live did not change the screen either.
        if let Ok(Item::Changes(batch, _)) = this.decoder.event(&mut columns, &line, &this.path) {
            changes.extend(batch);
        }
    }
    if !changes.is_empty() {
        events.push(Event::Changes(changes));
    }
    events.push(Event::Live);
    Ok(events)
}
