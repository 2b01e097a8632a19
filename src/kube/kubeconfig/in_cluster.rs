//! The in-cluster fallback: the pod's service account, as client-go's `InClusterConfig` reads it.

use std::io::ErrorKind;
use std::path::Path;

use crate::kube::KubeError;
use crate::kube::auth::{AuthConfig, ConnectionConfig, TlsConfig};

/// Where Kubernetes mounts the service account into every pod.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The context name used for the in-cluster connection.
const IN_CLUSTER_CONTEXT: &str = "in-cluster";

/// The in-cluster connection when running in a pod (`KUBERNETES_SERVICE_HOST`/`_PORT` set and a
/// service-account token mounted), else `Ok(None)`.
pub fn in_cluster(namespace_override: Option<&str>) -> Result<Option<ConnectionConfig>, KubeError> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").ok();
    let port = std::env::var("KUBERNETES_SERVICE_PORT").ok();
    in_cluster_from(
        host.as_deref(),
        port.as_deref(),
        Path::new(SERVICE_ACCOUNT_DIR),
        namespace_override,
    )
}

/// [`in_cluster`] with the environment and the service-account directory passed in (for tests).
/// The token is referenced as a file because kubelet rotates it.
pub fn in_cluster_from(
    host: Option<&str>,
    port: Option<&str>,
    dir: &Path,
    namespace_override: Option<&str>,
) -> Result<Option<ConnectionConfig>, KubeError> {
    let (Some(host), Some(port)) = (
        host.map(str::trim).filter(|h| !h.is_empty()),
        port.map(str::trim).filter(|p| !p.is_empty()),
    ) else {
        return Ok(None);
    };
    let invalid = |message: String| KubeError::InvalidContext {
        context: IN_CLUSTER_CONTEXT.to_string(),
        message,
    };
    let token_path = dir.join("token");
    // Read once so an unreadable token fails now, with a clear message, rather than on each request.
    match std::fs::metadata(&token_path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err(invalid(format!("{} is not a file", token_path.display()))),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(invalid(format!(
                "cannot read {}: {e}",
                token_path.display()
            )));
        }
    }
    if let Err(e) = std::fs::read(&token_path) {
        return Err(invalid(format!(
            "cannot read {}: {e}",
            token_path.display()
        )));
    }
    let ca_path = dir.join("ca.crt");
    let ca_pem = match std::fs::read(&ca_path) {
        Ok(pem) => Some(pem),
        // client-go only logs a missing CA and falls back to the system roots.
        Err(e) if e.kind() == ErrorKind::NotFound => {
            tracing::warn!(
                "in-cluster CA {} not found; using system roots",
                ca_path.display()
            );
            None
        }
        Err(e) => return Err(invalid(format!("cannot read {}: {e}", ca_path.display()))),
    };
    let namespace = match namespace_override.filter(|ns| !ns.is_empty()) {
        Some(ns) => ns.to_string(),
        None => std::fs::read_to_string(dir.join("namespace"))
            .ok()
            .map(|ns| ns.trim().to_string())
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_string()),
    };
    // An IPv6 literal needs brackets in a URL (client-go uses net.JoinHostPort).
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Ok(Some(ConnectionConfig {
        context: IN_CLUSTER_CONTEXT.to_string(),
        server: format!("https://{host}:{port}"),
        namespace,
        tls: TlsConfig {
            ca_pem,
            ..TlsConfig::default()
        },
        auth: AuthConfig::TokenFile(token_path),
        proxy_url: None,
    }))
}
