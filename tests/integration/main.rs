//! Every integration test in one binary: one crate to compile and link rather than one per
//! file (each with its own copy of `common`), which was most of a clean CI build's test step on
//! two cores. Run one file's tests with `cargo test --test integration pty_fleet::`.

mod common;

mod ages;
mod api_cmd;
mod bad_input;
mod chaos;
mod client;
mod demo_kinds;
mod demo_kubectl;
mod demo_server;
mod demo_writes;
mod describe_kubectl;
mod drill;
mod engine;
mod exec;
mod faults;
mod fleet;
mod fleet_servers;
mod health;
mod kubeconfig;
mod metrics;
mod nav;
mod portforward;
mod props;
mod pty;
mod pty_comfort;
mod pty_drill;
mod pty_edit;
mod pty_fleet;
mod pty_forward;
mod pty_history;
mod pty_layout;
mod pty_nav;
mod pty_ops;
mod pty_pods;
mod pty_raw;
mod pty_replay;
mod pty_safety;
mod pty_shell;
mod pty_workload_logs;
mod raw_fleet;
mod real_apiserver;
mod record;
mod secrets;
mod tls_auth;
