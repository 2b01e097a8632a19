//! The I/O of an edit: read the object, dry run or apply a replace, keep a failed edit's text.
//! Each step answers `Msg::Edit` with the id of the edit.

use super::Tasks;
use crate::kube::write::{get_for_edit, replace, strip_for_edit};
use crate::kube::{Failure, KubeError};
use crate::msg::Msg;
use crate::msg::edit::{EditEffect, EditEvent};

impl Tasks {
    /// Starts one step of an edit.
    pub(super) fn run_edit(&mut self, effect: EditEffect) {
        let tx = self.tx.clone();
        let send = move |id: u64, event: EditEvent| {
            let _ = tx.send(Msg::Edit { id, event });
        };
        let client = match effect.context().map(|c| self.client(c)) {
            Some(Err(e)) => {
                // No client: the step fails with the reason, so the edit does not hang.
                let event = match &effect {
                    EditEffect::Replace { dry_run: true, .. } => EditEvent::DryRun(Err(e)),
                    EditEffect::Replace { .. } => EditEvent::Applied(Err(e)),
                    _ => EditEvent::Fetched(Err(e)),
                };
                send(edit_id(&effect), event);
                return;
            }
            Some(Ok(client)) => Some(client),
            None => None,
        };
        match (effect, client) {
            (EditEffect::Fetch { id, path, .. }, Some(client)) => {
                tokio::spawn(async move {
                    let result = get_for_edit(&client, &path).await;
                    send(id, EditEvent::Fetched(stripped(result)));
                });
            }
            (
                EditEffect::Replace {
                    id,
                    path,
                    body,
                    dry_run,
                    ..
                },
                Some(client),
            ) => {
                tokio::spawn(async move {
                    let result = stripped(replace(&client, &path, &body, dry_run).await);
                    let event = match dry_run {
                        true => EditEvent::DryRun(result),
                        false => EditEvent::Applied(result),
                    };
                    send(id, event);
                });
            }
            (EditEffect::Keep { id, text }, _) => {
                tokio::task::spawn_blocking(move || {
                    let kept = crate::editor::keep_text(&text)
                        .map(|p| p.display().to_string())
                        .map_err(|e| e.to_string());
                    send(id, EditEvent::Kept(kept));
                });
            }
            (EditEffect::Fetch { .. } | EditEffect::Replace { .. }, None) => {}
        }
    }
}

fn edit_id(effect: &EditEffect) -> u64 {
    match effect {
        EditEffect::Fetch { id, .. }
        | EditEffect::Replace { id, .. }
        | EditEffect::Keep { id, .. } => *id,
    }
}

fn stripped(result: Result<serde_json::Value, KubeError>) -> Result<serde_json::Value, Failure> {
    result.map(strip_for_edit).map_err(Failure::from)
}
