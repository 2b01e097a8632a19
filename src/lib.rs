//! kr8s-tui: a terminal UI for Kubernetes clusters. The library exposes every layer so tests and
//! benches drive the app without a terminal.

pub mod api_cmd;
pub mod app;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod demo;
pub mod dump;
pub mod editor;
pub mod exec_cmd;
pub mod history;
pub mod keys;
pub mod kube;
pub mod logging;
pub mod msg;
pub mod portforward_cmd;
pub mod record;
pub mod record_cmd;
pub mod session;
pub mod state;
pub mod tasks;
pub mod terminal;
pub mod text;
pub mod ui;
