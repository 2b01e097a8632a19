//! Recordings of what the app receives (list pages, watch lines, `/version`), for replay
//! offline. No UI and no network here: writers are fed by the list-watch engine and the client.

pub mod format;
pub mod keyframe;
pub mod reader;
pub mod replay;
pub mod scrub;
pub mod writer;

#[cfg(test)]
mod tests;

pub use format::{FormatError, Record};
pub use keyframe::{Keyframe, StreamState};
pub use reader::Recording;
pub use replay::Replay;
pub use writer::Recorder;
