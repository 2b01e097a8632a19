//! Kubeconfig files and kubectl's rules for finding, merging and resolving them.

use std::path::PathBuf;

/// Where to look and what to pick, straight from the command line.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--kubeconfig`: only this file; missing is an error.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `-n/--namespace`.
    pub namespace: Option<String>,
}

/// A context as the contexts pane lists it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextInfo {
    pub name: String,
    pub cluster: String,
    pub user: String,
    pub namespace: Option<String>,
}
