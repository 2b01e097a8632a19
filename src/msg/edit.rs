//! Messages and effects of an edit (`e`): read the object, the editor, a dry run, the apply.
//! Every one carries the id of the edit it belongs to; answers for another edit are dropped.

use serde_json::Value;

use crate::kube::Failure;

/// What came back from one step of an edit.
#[derive(Debug, Clone, PartialEq)]
pub enum EditEvent {
    /// The object as read (`managedFields` already stripped).
    Fetched(Result<Value, Failure>),
    /// The editor closed: the saved text, or why there is none.
    Edited(Result<String, String>),
    /// The server's answer to the dry run: what it would store (stripped).
    DryRun(Result<Value, Failure>),
    /// The server's answer to the apply: what it stored.
    Applied(Result<Value, Failure>),
    /// The text of a failed edit was kept in this file (or could not be).
    Kept(Result<String, String>),
}

/// Work an edit asks the runtime for; each answers `Msg::Edit` with the same `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditEffect {
    /// GET `path` (answers `Fetched`).
    Fetch {
        id: u64,
        context: String,
        path: String,
    },
    /// PUT `body` to `path`, as a dry run or for real (answers `DryRun` or `Applied`).
    Replace {
        id: u64,
        context: String,
        path: String,
        body: Value,
        dry_run: bool,
    },
    /// Keep `text` in a private file so a failed edit is not lost (answers `Kept`).
    Keep { id: u64, text: String },
}

impl EditEffect {
    /// The context whose client the effect needs (`None`: none).
    pub fn context(&self) -> Option<&str> {
        match self {
            EditEffect::Fetch { context, .. } | EditEffect::Replace { context, .. } => {
                Some(context)
            }
            EditEffect::Keep { .. } => None,
        }
    }
}
