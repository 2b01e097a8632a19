//! Runs a client-go credential plugin (client.authentication.k8s.io v1/v1beta1) without a
//! terminal: stdin closed, stdout and stderr captured, bounded by a timeout. Plugin stdout holds
//! the token, so it never reaches an error message or a log.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use secrecy::SecretString;
use serde::Deserialize;

use super::ExecConfig;
use crate::kube::KubeError;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";
const V1ALPHA1: &str = "client.authentication.k8s.io/v1alpha1";

/// A token from the plugin and when it expires (None: valid until a 401).
pub(super) struct Credential {
    pub token: SecretString,
    pub expires: Option<jiff::Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecCredential {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    status: Option<ExecStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecStatus {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    expiration_timestamp: Option<String>,
    #[serde(default)]
    client_certificate_data: Option<String>,
    #[serde(default)]
    client_key_data: Option<String>,
}

/// Runs the plugin once and parses its `ExecCredential`.
pub(super) async fn run(config: &ExecConfig, timeout: Duration) -> Result<Credential, KubeError> {
    let command = command_path(config);
    let name = command.display().to_string();
    let fail = |message: String| KubeError::Auth(format!("exec plugin {name}: {message}"));
    match config.api_version.as_str() {
        V1 | V1BETA1 => {}
        V1ALPHA1 => {
            return Err(fail(format!(
                "{V1ALPHA1} is no longer supported; use {V1} or {V1BETA1}"
            )));
        }
        other => return Err(fail(format!("unsupported apiVersion {other:?}"))),
    }
    if config.interactive_mode.as_deref() == Some("Always") {
        return Err(fail(
            "interactiveMode is Always, but kr8s-tui cannot run interactive plugins because it \
             owns the terminal; log in from a shell first or set interactiveMode: IfAvailable"
                .into(),
        ));
    }
    let mut cmd = tokio::process::Command::new(&command);
    cmd.args(&config.args)
        .envs(config.env.iter().map(|(k, v)| (k, v)))
        .env("KUBERNETES_EXEC_INFO", exec_info(config))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // Never inherited: a plugin writing to our terminal would corrupt the screen.
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().map_err(|e| {
        let hint = config
            .install_hint
            .as_deref()
            .map(|h| format!("\n{}", h.trim()))
            .unwrap_or_default();
        fail(format!("cannot start: {e}{hint}"))
    })?;
    // On timeout the future is dropped, which kills the child (kill_on_drop).
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| fail(format!("timed out after {}s", timeout.as_secs_f64())))?
        .map_err(|e| fail(format!("cannot run: {e}")))?;
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exit code {code}"),
            None => "killed by a signal".to_string(),
        };
        let stderr = last_line(&output.stderr);
        return Err(fail(if stderr.is_empty() {
            format!("failed with {status}")
        } else {
            format!("failed with {status}: {stderr}")
        }));
    }
    parse_credential(&output.stdout, &config.api_version).map_err(fail)
}

/// A relative command with a '/' is relative to the kubeconfig's directory; a bare name is
/// looked up in PATH.
fn command_path(config: &ExecConfig) -> PathBuf {
    let command = Path::new(&config.command);
    match &config.base_dir {
        Some(dir) if config.command.contains('/') && command.is_relative() => dir.join(command),
        _ => command.to_path_buf(),
    }
}

/// `KUBERNETES_EXEC_INFO`: tells the plugin it is not interactive and, when asked for, which
/// cluster the credential is for.
fn exec_info(config: &ExecConfig) -> String {
    let mut spec = serde_json::json!({ "interactive": false });
    if config.provide_cluster_info {
        let mut cluster = serde_json::json!({ "server": config.cluster_server });
        if let Some(ca) = &config.cluster_ca_pem {
            cluster["certificate-authority-data"] =
                base64::engine::general_purpose::STANDARD.encode(ca).into();
        }
        spec["cluster"] = cluster;
    }
    serde_json::json!({
        "apiVersion": config.api_version,
        "kind": "ExecCredential",
        "spec": spec,
    })
    .to_string()
}

/// The last non-empty stderr line, shortened: enough to explain a failure without dumping logs.
fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().take(300).collect()
}

fn parse_credential(stdout: &[u8], api_version: &str) -> Result<Credential, String> {
    // serde_json's messages can quote input, so only its category and position are reported.
    let parsed: ExecCredential = serde_json::from_slice(stdout).map_err(|e| {
        format!(
            "output is not a valid ExecCredential ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    if parsed.api_version != api_version {
        return Err(format!(
            "returned apiVersion {:?}, but {api_version} was requested",
            parsed.api_version
        ));
    }
    let status = parsed
        .status
        .ok_or_else(|| "output has no status".to_string())?;
    let token = match status.token.filter(|t| !t.is_empty()) {
        Some(token) => token,
        None if status.client_certificate_data.is_some() || status.client_key_data.is_some() => {
            return Err("exec plugin client certificates are not supported yet".into());
        }
        None => return Err("output has no status.token".into()),
    };
    let expires = match status.expiration_timestamp.filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<jiff::Timestamp>()
                .map_err(|e| format!("invalid status.expirationTimestamp: {e}"))?,
        ),
    };
    Ok(Credential {
        token: SecretString::from(token),
        expires,
    })
}
