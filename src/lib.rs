//! kr8s-tui: a terminal UI for Kubernetes clusters. The library exposes every layer so tests and
//! benches drive the app without a terminal.

pub mod demo;
pub mod kube;
pub mod msg;
