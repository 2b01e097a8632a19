//! Typed errors of the kube layer. Server errors keep the API's own `Status` so the UI can show
//! exactly what the apiserver said.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::url::UrlError;

/// The `Status` object the apiserver returns with errors (meta/v1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub code: u16,
    /// Field causes (422), the exit code of an exec, or how long to wait (429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<StatusDetails>>,
}

/// `Status.details` (meta/v1 `StatusDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
}

/// One cause of a failure: a field error of a 422, or `ExitCode` of an exec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCause {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
}

impl Status {
    /// A `Failure` status as the apiserver builds it (used by the demo server and for non-Status bodies).
    pub fn failure(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Status {
            kind: "Status".into(),
            api_version: "v1".into(),
            status: "Failure".into(),
            message: message.into(),
            reason: reason.into(),
            code,
            details: None,
        }
    }
}

/// Everything that can go wrong between a kubeconfig and an API response.
#[derive(Debug, Error)]
pub enum KubeError {
    /// A kubeconfig file that is missing, unreadable or malformed; names the file.
    #[error("kubeconfig {}: {message}", path.display())]
    Kubeconfig { path: PathBuf, message: String },
    /// Every kubeconfig file in use defines nothing; names them, as "no current-context" would not.
    #[error("{}", empty_message(.0))]
    EmptyKubeconfig(Vec<PathBuf>),
    /// No kubeconfig file and no in-cluster service account.
    #[error(
        "no kubeconfig found (tried --kubeconfig, $KUBECONFIG, ~/.kube/config) and not running in a cluster"
    )]
    NoConfig,
    /// kubectl's wording, so users recognise it.
    #[error("context \"{0}\" does not exist")]
    ContextNotFound(String),
    /// No --context and no current-context.
    #[error("no context selected: the kubeconfig has no current-context")]
    NoCurrentContext,
    /// A context that names a cluster or user the kubeconfig lacks, or similar config problems.
    #[error("context \"{context}\": {message}")]
    InvalidContext { context: String, message: String },
    /// Credentials could not be obtained (token file, exec plugin, ...). Never contains secrets.
    #[error("authentication: {0}")]
    Auth(String),
    /// CA, client certificate or key problems.
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Url(#[from] UrlError),
    /// Connection refused, reset, DNS, TLS handshake failure...
    #[error("{method} {path}: {message}")]
    Transport {
        method: String,
        path: String,
        message: String,
    },
    #[error("{method} {path}: timed out after {}s", timeout.as_secs_f64())]
    Timeout {
        method: String,
        path: String,
        timeout: Duration,
    },
    /// The server answered with an error status; `status.message` is the server's own words.
    #[error("{} ({})", status.message, code_and_reason(*code, &status.reason))]
    Api { code: u16, status: Box<Status> },
    /// A response body that is not what the API promises.
    #[error("{path}: cannot decode response: {message}")]
    Decode { path: String, message: String },
    /// A WebSocket stream (exec, attach, port-forward) could not start or broke off.
    #[error("{0}")]
    Streaming(String),
    /// The operation was refused locally because the app runs with --readonly.
    #[error("refused: {0} is not allowed in --readonly mode")]
    ReadOnly(String),
    /// `--replay`: the request was not recorded, and a recording is never changed.
    #[error("this is a recording: {0} was not recorded")]
    NotRecorded(String),
}

/// "404 NotFound"; just "500" when the server gave no reason (never a dangling space).
fn code_and_reason(code: u16, reason: &str) -> String {
    match reason.trim() {
        "" => code.to_string(),
        reason => format!("{code} {reason}"),
    }
}

fn empty_message(files: &[PathBuf]) -> String {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let what = if files.len() == 1 {
        "the file is empty"
    } else {
        "the files are empty"
    };
    format!(
        "kubeconfig {}: {what} (no clusters, users or contexts)",
        names.join(", ")
    )
}

impl KubeError {
    /// HTTP status code for API errors, e.g. to detect 410 Gone or 401.
    pub fn code(&self) -> Option<u16> {
        match self {
            KubeError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Builds an `Api` error from a response body, falling back to the raw text when the
    /// body is not a `Status`.
    pub fn from_response(code: u16, reason: &str, body: &[u8]) -> Self {
        let status = match serde_json::from_slice::<Status>(body) {
            Ok(s) if !s.message.is_empty() => s,
            _ => {
                let text = String::from_utf8_lossy(body);
                let text = text.trim();
                let message = if text.is_empty() {
                    reason.to_string()
                } else {
                    text.chars().take(500).collect()
                };
                Status::failure(code, reason, message)
            }
        };
        KubeError::Api {
            code,
            status: Box::new(status),
        }
    }
}

/// What kind of thing went wrong, for the state to react to without reading text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The server answered with an error status (`code` is set).
    Api,
    /// The server could not be reached (refused, reset, DNS, TLS handshake).
    Unreachable,
    Timeout,
    /// Kubeconfig, context, TLS material or URL problems.
    Config,
    /// Credentials could not be obtained.
    Auth,
    /// A body that is not what the API promises.
    Decode,
    /// Refused locally under `--readonly`.
    ReadOnly,
    /// Anything else (a local problem described in words).
    Other,
}

/// A failure as it crosses from a background task to the state: cheap to clone, carrying the
/// facts (kind, HTTP code, the server's reason and Status) and the words to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// HTTP status of a server answer.
    pub code: Option<u16>,
    /// The server's `reason` (`Forbidden`, `NotFound`, `Expired`, …); empty for local failures.
    pub reason: String,
    /// The whole message, as [`KubeError`] words it.
    pub message: String,
    /// The server's Status details (422 field causes, 429 retry time), when it sent any.
    pub details: Option<Box<StatusDetails>>,
}

impl Failure {
    /// A local failure described in words.
    pub fn other(message: impl Into<String>) -> Failure {
        Failure {
            kind: FailureKind::Other,
            code: None,
            reason: String::new(),
            message: message.into(),
            details: None,
        }
    }

    /// True for a 403 (RBAC said no).
    pub fn is_forbidden(&self) -> bool {
        self.code == Some(403)
    }

    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        self.code == Some(404)
    }

    /// True when the server could not be reached or did not answer in time: the connection,
    /// not the request, is what failed.
    pub fn is_unreachable(&self) -> bool {
        matches!(self.kind, FailureKind::Unreachable | FailureKind::Timeout)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<&KubeError> for Failure {
    fn from(e: &KubeError) -> Failure {
        let kind = match e {
            KubeError::Api { .. } => FailureKind::Api,
            KubeError::Transport { .. } | KubeError::Streaming(_) => FailureKind::Unreachable,
            KubeError::Timeout { .. } => FailureKind::Timeout,
            KubeError::Auth(_) => FailureKind::Auth,
            KubeError::Decode { .. } => FailureKind::Decode,
            KubeError::ReadOnly(_) | KubeError::NotRecorded(_) => FailureKind::ReadOnly,
            KubeError::Kubeconfig { .. }
            | KubeError::NoConfig
            | KubeError::EmptyKubeconfig(_)
            | KubeError::ContextNotFound(_)
            | KubeError::NoCurrentContext
            | KubeError::InvalidContext { .. }
            | KubeError::Tls(_)
            | KubeError::Url(_) => FailureKind::Config,
        };
        let (reason, details) = match e {
            KubeError::Api { status, .. } => (status.reason.clone(), status.details.clone()),
            _ => (String::new(), None),
        };
        Failure {
            kind,
            code: e.code(),
            reason,
            message: e.to_string(),
            details,
        }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::other(message)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::other(message)
    }
}

impl From<KubeError> for Failure {
    fn from(e: KubeError) -> Failure {
        Failure::from(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_shows_the_servers_status_message() {
        let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404}"#;
        let err = KubeError::from_response(404, "Not Found", body);
        assert_eq!(err.to_string(), "pods \"x\" not found (404 NotFound)");
        assert_eq!(err.code(), Some(404));
    }

    #[test]
    fn non_status_bodies_are_kept_as_text() {
        let err = KubeError::from_response(502, "Bad Gateway", b"upstream down\n");
        assert_eq!(err.to_string(), "upstream down (502 Bad Gateway)");
        let err =
            KubeError::from_response(500, "", br#"{"kind":"Status","message":"boom","code":500}"#);
        assert_eq!(err.to_string(), "boom (500)", "no empty reason");
        let failure = Failure::from(&err);
        assert_eq!((failure.kind, failure.code), (FailureKind::Api, Some(500)));
        let err = KubeError::from_response(503, "Service Unavailable", b"");
        assert_eq!(
            err.to_string(),
            "Service Unavailable (503 Service Unavailable)"
        );
    }
}
