//! What a client needs to reach one cluster: server, TLS material and credentials, resolved from a
//! kubeconfig context or the in-cluster service account. Secrets are wrapped so `Debug` never shows them.

mod exec;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use super::KubeError;

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
    /// Where each piece came from, so TLS errors name the file and field.
    pub origin: TlsOrigin,
}

/// Human-readable sources of TLS material, e.g.
/// `kubeconfig /home/me/.kube/config: clusters["prod"].certificate-authority-data`.
#[derive(Debug, Clone, Default)]
pub struct TlsOrigin {
    pub ca: Option<String>,
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
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
#[derive(Clone, Default)]
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

// Hand-written so env values (which sometimes carry secrets) and the CA bytes stay out of logs.
impl std::fmt::Debug for ExecConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env_names: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ExecConfig")
            .field("api_version", &self.api_version)
            .field("command", &self.command)
            .field("args", &self.args)
            .field("env_names", &env_names)
            .field("base_dir", &self.base_dir)
            .field("interactive_mode", &self.interactive_mode)
            .field("provide_cluster_info", &self.provide_cluster_info)
            .field("cluster_server", &self.cluster_server)
            .field("has_cluster_ca", &self.cluster_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

/// How long an exec plugin may run before it is killed (client-go has no limit; a TUI needs one).
pub const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(30);

/// Token files are re-read this often even without a 401, as client-go does, so a rotated
/// service-account token is picked up before the old one expires.
const TOKEN_FILE_REFRESH: Duration = Duration::from_secs(60);

/// A credential is renewed this long before `expirationTimestamp`, so it does not expire in flight.
const EXPIRY_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(10);

/// Produces the `Authorization` header for one client: caches token-file and exec-plugin
/// credentials and refreshes them on expiry or after a 401. Cheap to clone; clones share the cache,
/// so concurrent requests share one plugin run.
#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

struct Inner {
    auth: AuthConfig,
    exec_timeout: Duration,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

/// A header value and when it must be fetched again.
struct Cached {
    header: SecretString,
    /// Exec: `expirationTimestamp` (None = never expires).
    expires: Option<jiff::Timestamp>,
    /// Token file: when it was read.
    read_at: Instant,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.inner.auth {
            AuthConfig::None => "none",
            AuthConfig::Token(_) => "token",
            AuthConfig::TokenFile(_) => "token-file",
            AuthConfig::Basic { .. } => "basic",
            AuthConfig::Exec(_) => "exec",
        };
        f.debug_struct("Authenticator")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// An authenticator with the default exec-plugin timeout.
    pub fn new(auth: AuthConfig) -> Self {
        Self::with_exec_timeout(auth, DEFAULT_EXEC_TIMEOUT)
    }

    /// An authenticator whose exec plugin is killed after `exec_timeout`.
    pub fn with_exec_timeout(auth: AuthConfig, exec_timeout: Duration) -> Self {
        Authenticator {
            inner: Arc::new(Inner {
                auth,
                exec_timeout,
                cache: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// The full `Authorization` header value (`Bearer …` or `Basic …`), or `None` when the
    /// context has no credentials. Runs the exec plugin or reads the token file when needed.
    pub async fn authorization(&self) -> Result<Option<SecretString>, KubeError> {
        match &self.inner.auth {
            AuthConfig::None => Ok(None),
            AuthConfig::Token(token) => Ok(Some(bearer(token.expose_secret()))),
            AuthConfig::Basic { username, password } => {
                let pair = format!("{username}:{}", password.expose_secret());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                Ok(Some(SecretString::from(format!("Basic {encoded}"))))
            }
            AuthConfig::TokenFile(path) => {
                // Holding the lock while reading keeps concurrent callers to one read.
                let mut cache = self.inner.cache.lock().await;
                if let Some(c) = cache
                    .as_ref()
                    .filter(|c| c.read_at.elapsed() < TOKEN_FILE_REFRESH)
                {
                    return Ok(Some(c.header.clone()));
                }
                let header = read_token_file(path).await?;
                *cache = Some(Cached {
                    header: header.clone(),
                    expires: None,
                    read_at: Instant::now(),
                });
                Ok(Some(header))
            }
            AuthConfig::Exec(config) => {
                // One plugin run at a time; callers that waited find the fresh credential cached.
                let mut cache = self.inner.cache.lock().await;
                if let Some(c) = cache.as_ref().filter(|c| still_valid(c.expires)) {
                    return Ok(Some(c.header.clone()));
                }
                let credential = exec::run(config, self.inner.exec_timeout).await?;
                let header = bearer(credential.token.expose_secret());
                *cache = Some(Cached {
                    header: header.clone(),
                    expires: credential.expires,
                    read_at: Instant::now(),
                });
                Ok(Some(header))
            }
        }
    }

    /// Drops cached credentials after a 401. True when fetching again could help (exec plugin or
    /// token file); false for static tokens, basic auth and no auth.
    pub async fn invalidate(&self) -> bool {
        match &self.inner.auth {
            AuthConfig::TokenFile(_) | AuthConfig::Exec(_) => {
                *self.inner.cache.lock().await = None;
                true
            }
            AuthConfig::None | AuthConfig::Token(_) | AuthConfig::Basic { .. } => false,
        }
    }
}

fn bearer(token: &str) -> SecretString {
    SecretString::from(format!("Bearer {token}"))
}

fn still_valid(expires: Option<jiff::Timestamp>) -> bool {
    match expires {
        None => true,
        Some(at) => jiff::Timestamp::now() < at.saturating_sub(EXPIRY_SKEW).unwrap_or(at),
    }
}

async fn read_token_file(path: &std::path::Path) -> Result<SecretString, KubeError> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| KubeError::Auth(format!("cannot read token file {}: {e}", path.display())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(KubeError::Auth(format!(
            "token file {} is empty",
            path.display()
        )));
    }
    Ok(bearer(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        let conn = ConnectionConfig {
            context: "c".into(),
            server: "https://x".into(),
            namespace: "default".into(),
            tls: TlsConfig {
                client_key_pem: Some(SecretBytes(Arc::new(
                    b"-----BEGIN PRIVATE KEY-----s3cr3tkey".to_vec(),
                ))),
                ..TlsConfig::default()
            },
            auth: AuthConfig::Token(SecretString::from("s3cr3t-token")),
            proxy_url: None,
        };
        let text = format!("{conn:?}");
        assert!(!text.contains("s3cr3t"), "{text}");
        let exec = AuthConfig::Exec(ExecConfig {
            env: vec![("API_KEY".into(), "s3cr3t-env".into())],
            ..ExecConfig::default()
        });
        let text = format!("{exec:?} {:?}", Authenticator::new(exec.clone()));
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("API_KEY"), "{text}");
    }

    #[tokio::test]
    async fn static_credentials_build_headers_and_cannot_be_refreshed() {
        let auth = Authenticator::new(AuthConfig::Token(SecretString::from("abc")));
        let header = auth.authorization().await.expect("token").expect("some");
        assert_eq!(header.expose_secret(), "Bearer abc");
        assert!(!auth.invalidate().await);
        let auth = Authenticator::new(AuthConfig::Basic {
            username: "admin".into(),
            password: SecretString::from("pw"),
        });
        let header = auth.authorization().await.expect("basic").expect("some");
        assert_eq!(header.expose_secret(), "Basic YWRtaW46cHc=");
        assert!(!auth.invalidate().await);
        let none = Authenticator::new(AuthConfig::None);
        assert!(none.authorization().await.expect("none").is_none());
    }

    #[tokio::test]
    async fn token_file_is_cached_and_reread_after_invalidate() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("token");
        std::fs::write(&path, "first\n").expect("write");
        let auth = Authenticator::new(AuthConfig::TokenFile(path.clone()));
        let get = || async { auth.authorization().await.expect("read").expect("some") };
        assert_eq!(get().await.expose_secret(), "Bearer first");
        std::fs::write(&path, "second").expect("write");
        assert_eq!(get().await.expose_secret(), "Bearer first", "cached");
        assert!(auth.invalidate().await);
        assert_eq!(get().await.expose_secret(), "Bearer second");
        std::fs::remove_file(&path).expect("rm");
        assert!(auth.invalidate().await);
        let err = auth.authorization().await.expect_err("missing file");
        assert!(err.to_string().contains("cannot read token file"), "{err}");
    }
}
