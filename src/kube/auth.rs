//! What a client needs to reach one cluster: server, TLS material and credentials, resolved from a
//! kubeconfig context or the in-cluster service account. Secrets are wrapped so `Debug` never shows them.

use std::path::PathBuf;

use secrecy::SecretString;

/// A resolved context: everything `Client::new` needs, with file references already read or kept
/// as paths where they must be re-read (token files).
#[derive(Debug, Clone)]
pub struct ConnectionConfig {
    /// Context name ("in-cluster" for the service-account fallback).
    pub context: String,
    /// Server URL, e.g. `https://127.0.0.1:6443` (no trailing slash).
    pub server: String,
    /// Namespace from the flag, the context, or "default".
    pub namespace: String,
    pub tls: TlsConfig,
    pub auth: AuthConfig,
    /// `proxy-url` of the cluster stanza; when `None`, HTTPS_PROXY/NO_PROXY apply.
    pub proxy_url: Option<String>,
}

/// TLS material as PEM bytes (file contents or decoded `*-data`).
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    pub ca_pem: Option<Vec<u8>>,
    pub insecure_skip_verify: bool,
    pub server_name: Option<String>,
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<SecretBytes>,
}

/// PEM private key bytes that never appear in `Debug` output.
#[derive(Clone)]
pub struct SecretBytes(pub std::sync::Arc<Vec<u8>>);

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes([REDACTED])")
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone, Default)]
pub enum AuthConfig {
    #[default]
    None,
    Token(SecretString),
    /// Re-read on 401 (service-account tokens rotate).
    TokenFile(PathBuf),
    Basic {
        username: String,
        password: SecretString,
    },
    Exec(ExecConfig),
}

/// A `users[].user.exec` stanza (client.authentication.k8s.io/v1 or v1beta1).
#[derive(Debug, Clone, Default)]
pub struct ExecConfig {
    pub api_version: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The directory of the kubeconfig file that defined it (relative commands resolve here).
    pub base_dir: Option<PathBuf>,
    pub interactive_mode: Option<String>,
    pub provide_cluster_info: bool,
    /// Server and CA for `KUBERNETES_EXEC_INFO` when `provideClusterInfo` is set.
    pub cluster_server: String,
    pub cluster_ca_pem: Option<Vec<u8>>,
    pub install_hint: Option<String>,
}
