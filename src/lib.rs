//! kr8s-tui: a terminal UI for Kubernetes clusters. The library exposes every layer so tests and
//! benches drive the app without a terminal.

pub mod clipboard;
pub mod history;
pub mod keys;
pub mod kube;
pub mod msg;
pub mod state;
pub mod ui;
