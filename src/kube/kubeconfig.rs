//! Kubeconfig files and kubectl's rules for finding, merging and resolving them.
//!
//! Files are merged as kubectl does: the first file to define a cluster, context or user name
//! wins the whole stanza, and `current-context` comes from the first file that sets it. Each
//! stanza is checked on its own, so a broken one only fails when it is used.

mod file;
mod in_cluster;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use self::file::{Cluster, Context, Stanza, User};
use super::KubeError;
use super::auth::{AuthConfig, ConnectionConfig, ExecConfig, SecretBytes, TlsConfig};

pub use self::in_cluster::{SERVICE_ACCOUNT_DIR, in_cluster, in_cluster_from};

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

/// The merged view of one or more kubeconfig files.
#[derive(Debug, Clone, Default)]
pub struct Kubeconfig {
    files: Vec<PathBuf>,
    /// Files of a `$KUBECONFIG` list that could not be read or parsed and were left out.
    skipped: Vec<String>,
    /// Merged files that define nothing (they add nothing to the merge, as in kubectl).
    empty_files: Vec<PathBuf>,
    current_context: Option<String>,
    clusters: BTreeMap<String, Stanza<Cluster>>,
    contexts: BTreeMap<String, Stanza<Context>>,
    users: BTreeMap<String, Stanza<User>>,
}

/// Where the connection settings come from.
// Built once at start-up; boxing would only complicate matching on it.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Source {
    /// One or more kubeconfig files were found.
    Kubeconfig(Kubeconfig),
    /// No kubeconfig, but a service account is mounted: running inside a pod.
    InCluster(ConnectionConfig),
}

/// Finds the configuration kubectl would use: a kubeconfig if any file exists, else the in-cluster
/// service account, else [`KubeError::NoConfig`].
pub fn discover(opts: &LoadOptions) -> Result<Source, KubeError> {
    if let Some(config) = Kubeconfig::load(opts)? {
        return Ok(Source::Kubeconfig(config));
    }
    match in_cluster(opts.namespace.as_deref())? {
        Some(conn) => Ok(Source::InCluster(conn)),
        None => Err(KubeError::NoConfig),
    }
}

impl Kubeconfig {
    /// Loads the kubeconfig kubectl would: `--kubeconfig` alone, else `$KUBECONFIG`, else
    /// `~/.kube/config`. `Ok(None)` when no file exists at all; an error when every file is
    /// empty.
    pub fn load(opts: &LoadOptions) -> Result<Option<Kubeconfig>, KubeError> {
        let env = std::env::var("KUBECONFIG").ok();
        Self::load_with(opts, env.as_deref(), dirs::home_dir().as_deref())
    }

    /// [`Kubeconfig::load`] with `$KUBECONFIG` and the home directory passed in (for tests).
    pub fn load_with(
        opts: &LoadOptions,
        kubeconfig_env: Option<&str>,
        home: Option<&Path>,
    ) -> Result<Option<Kubeconfig>, KubeError> {
        if let Some(path) = &opts.kubeconfig {
            // An explicit file must exist; parse_file names it in the error.
            return Self::from_files(std::slice::from_ref(path))?
                .with_content()
                .map(Some);
        }
        let candidates: Vec<PathBuf> = match kubeconfig_env.filter(|v| !v.is_empty()) {
            Some(list) => std::env::split_paths(list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect(),
            None => home
                .map(|h| vec![h.join(".kube").join("config")])
                .unwrap_or_default(),
        };
        let mut existing: Vec<PathBuf> = Vec::new();
        for path in candidates {
            // Missing files in $KUBECONFIG are skipped silently, as kubectl does.
            if !path.exists() {
                continue;
            }
            let path = absolute(&path);
            if !existing.contains(&path) {
                existing.push(path);
            }
        }
        if existing.is_empty() {
            return Ok(None);
        }
        Self::from_files_lenient(&existing)?
            .with_content()
            .map(Some)
    }

    /// Refuses a merge of only empty files, naming them: kubectl would fail later with "no
    /// configuration has been provided", which names no file.
    fn with_content(self) -> Result<Kubeconfig, KubeError> {
        if !self.files.is_empty() && self.empty_files.len() == self.files.len() {
            return Err(KubeError::EmptyKubeconfig(self.files));
        }
        Ok(self)
    }

    /// Like [`Kubeconfig::from_files`], but a file that cannot be read or parsed is left out
    /// (and listed by [`Kubeconfig::skipped`]) as long as another file loads: one broken file in
    /// `$KUBECONFIG` must not hide every other context. (kubectl refuses to start instead.)
    fn from_files_lenient(paths: &[PathBuf]) -> Result<Kubeconfig, KubeError> {
        let mut good = Vec::new();
        let mut skipped = Vec::new();
        let mut first_error = None;
        let mut has_content = false;
        for path in paths {
            match file::parse_file(&absolute(path)) {
                Ok(parsed) => {
                    has_content |= !parsed.is_empty();
                    good.push(path.clone());
                }
                Err(e) => {
                    tracing::warn!(error = %e, "kubeconfig file skipped");
                    skipped.push(e.to_string());
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            // Nothing usable: the broken file's error says more than "the others are empty".
            Some(e) if !has_content => Err(e),
            _ => {
                let mut merged = Self::from_files(&good)?;
                merged.skipped = skipped;
                Ok(merged)
            }
        }
    }

    /// Problems with files that were left out of the merge, one message each (file named).
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// Loads and merges these files in order; every one must exist.
    pub fn from_files(paths: &[PathBuf]) -> Result<Kubeconfig, KubeError> {
        let mut merged = Kubeconfig::default();
        for path in paths {
            let path = absolute(path);
            let parsed = file::parse_file(&path)?;
            if parsed.is_empty() {
                merged.empty_files.push(path.clone());
            }
            if merged.current_context.is_none() {
                merged.current_context = parsed.current_context;
            }
            // First definition of a name wins, across files and within one file.
            for (name, stanza) in parsed.clusters {
                merged.clusters.entry(name).or_insert(stanza);
            }
            for (name, stanza) in parsed.contexts {
                merged.contexts.entry(name).or_insert(stanza);
            }
            for (name, stanza) in parsed.users {
                merged.users.entry(name).or_insert(stanza);
            }
            merged.files.push(path);
        }
        Ok(merged)
    }

    /// All contexts, sorted by name. A context whose stanza is malformed is still listed (with
    /// empty cluster and user) so the user can see it and get its error by selecting it.
    pub fn contexts(&self) -> Vec<ContextInfo> {
        self.contexts
            .iter()
            .map(|(name, stanza)| {
                let ctx = stanza.parsed.as_ref().ok();
                let field = |f: fn(&Context) -> &Option<String>| {
                    ctx.and_then(|c| f(c).clone()).unwrap_or_default()
                };
                ContextInfo {
                    name: name.clone(),
                    cluster: field(|c| &c.cluster),
                    user: field(|c| &c.user),
                    namespace: ctx.and_then(|c| c.namespace.clone()),
                }
            })
            .collect()
    }

    /// `current-context` of the first file that sets it.
    pub fn current_context(&self) -> Option<&str> {
        self.current_context.as_deref()
    }

    /// The files that were merged, in merge order (absolute paths).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The context to use: `--context` if given, else `current-context`.
    pub fn selected_context<'a>(
        &'a self,
        requested: Option<&'a str>,
    ) -> Result<&'a str, KubeError> {
        requested
            .filter(|c| !c.is_empty())
            .or(self.current_context())
            .ok_or(KubeError::NoCurrentContext)
    }

    /// Resolves the connection for the command-line options (`--context`, `-n`).
    pub fn resolve(&self, opts: &LoadOptions) -> Result<ConnectionConfig, KubeError> {
        let context = self.selected_context(opts.context.as_deref())?;
        self.connection(context, opts.namespace.as_deref())
    }

    /// Everything needed to reach the cluster of `context`: server, TLS material (files read,
    /// `*-data` decoded) and credentials. Namespace: `namespace_override`, else the context's,
    /// else "default".
    pub fn connection(
        &self,
        context: &str,
        namespace_override: Option<&str>,
    ) -> Result<ConnectionConfig, KubeError> {
        let invalid = |message: String| KubeError::InvalidContext {
            context: context.to_string(),
            message,
        };
        let ctx_stanza = self
            .contexts
            .get(context)
            .ok_or_else(|| KubeError::ContextNotFound(context.to_string()))?;
        let ctx = checked(ctx_stanza)?;
        let cluster_name = ctx
            .cluster
            .as_deref()
            .ok_or_else(|| invalid("the context names no cluster".into()))?;
        let cluster_stanza = self
            .clusters
            .get(cluster_name)
            .ok_or_else(|| invalid(format!("cluster \"{cluster_name}\" does not exist")))?;
        let cluster = checked(cluster_stanza)?;
        let server = cluster
            .server
            .as_deref()
            .ok_or_else(|| invalid(format!("no server found for cluster \"{cluster_name}\"")))?
            .trim_end_matches('/')
            .to_string();
        let cluster_at = format!("clusters[{cluster_name:?}]");
        let ca_field = format!("{cluster_at}.certificate-authority");
        let mut tls = TlsConfig {
            ca_pem: read_material(
                &cluster_stanza.file,
                &ca_field,
                cluster.ca_data.as_deref(),
                cluster.ca_file.as_deref(),
            )?,
            insecure_skip_verify: cluster.insecure_skip_tls_verify,
            server_name: cluster.tls_server_name.clone(),
            ..TlsConfig::default()
        };
        tls.origin.ca = origin(
            &cluster_stanza.file,
            &ca_field,
            cluster.ca_data.as_deref(),
            cluster.ca_file.as_deref(),
        );
        // A context without a user is allowed: requests go out unauthenticated.
        let auth = match ctx.user.as_deref() {
            None => AuthConfig::None,
            Some(user_name) => {
                let user_stanza = self
                    .users
                    .get(user_name)
                    .ok_or_else(|| invalid(format!("user \"{user_name}\" does not exist")))?;
                let user = checked(user_stanza)?;
                let at = format!("users[{user_name:?}]");
                add_client_identity(&user_stanza.file, &at, user, &mut tls)?;
                auth_config(user, &server, &tls.ca_pem)
                    .map_err(|m| invalid(format!("user \"{user_name}\": {m}")))?
            }
        };
        let namespace = namespace_override
            .filter(|ns| !ns.is_empty())
            .or(ctx.namespace.as_deref())
            .unwrap_or("default");
        Ok(ConnectionConfig {
            context: context.to_string(),
            server,
            namespace: namespace.to_string(),
            tls,
            auth,
            proxy_url: cluster.proxy_url.clone(),
        })
    }
}

/// A stanza's parsed value, or its error naming the file that defined it.
fn checked<T>(stanza: &Stanza<T>) -> Result<&T, KubeError> {
    stanza
        .parsed
        .as_ref()
        .map_err(|message| KubeError::Kubeconfig {
            path: stanza.file.clone(),
            message: message.clone(),
        })
}

/// `field-data` (base64) if set, else the contents of the `field` file. `field` is the full field
/// path for errors, e.g. `users["bob"].client-key`.
fn read_material(
    file: &Path,
    field: &str,
    data: Option<&str>,
    path: Option<&Path>,
) -> Result<Option<Vec<u8>>, KubeError> {
    let error = |message: String| KubeError::Kubeconfig {
        path: file.to_path_buf(),
        message,
    };
    if let Some(data) = data {
        // Go's base64 decoder skips line breaks; wrapped data is common in hand-edited files.
        let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        return base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(Some)
            .map_err(|_| error(format!("{field}-data: invalid base64")));
    }
    match path {
        None => Ok(None),
        Some(p) => std::fs::read(p)
            .map(Some)
            .map_err(|e| error(format!("{field}: cannot read {}: {e}", p.display()))),
    }
}

/// Where TLS material came from, for error messages: the file and `field-data` or `field (path)`.
fn origin(file: &Path, field: &str, data: Option<&str>, path: Option<&Path>) -> Option<String> {
    let field = match (data, path) {
        (Some(_), _) => format!("{field}-data"),
        (None, Some(p)) => format!("{field} ({})", p.display()),
        (None, None) => return None,
    };
    Some(format!("kubeconfig {}: {field}", file.display()))
}

/// Client certificate and key; one without the other is an error, as in client-go.
fn add_client_identity(
    file: &Path,
    at: &str,
    user: &User,
    tls: &mut TlsConfig,
) -> Result<(), KubeError> {
    let cert_field = format!("{at}.client-certificate");
    let cert = read_material(
        file,
        &cert_field,
        user.client_cert_data.as_deref(),
        user.client_cert_file.as_deref(),
    )?;
    let key_data = user.client_key_data.as_ref().map(|k| k.expose_secret());
    let key_field = format!("{at}.client-key");
    let key = read_material(file, &key_field, key_data, user.client_key_file.as_deref())?;
    let missing = |have: &str, need: &str| KubeError::Kubeconfig {
        path: file.to_path_buf(),
        message: format!("{at}: {have} is set but {need} and {need}-data are not"),
    };
    match (cert, key) {
        (Some(cert), Some(key)) => {
            tls.origin.client_cert = origin(
                file,
                &cert_field,
                user.client_cert_data.as_deref(),
                user.client_cert_file.as_deref(),
            );
            tls.origin.client_key =
                origin(file, &key_field, key_data, user.client_key_file.as_deref());
            tls.client_cert_pem = Some(cert);
            tls.client_key_pem = Some(SecretBytes(std::sync::Arc::new(key)));
            Ok(())
        }
        (Some(_), None) => Err(missing("a client certificate", "client-key")),
        (None, Some(_)) => Err(missing("a client key", "client-certificate")),
        (None, None) => Ok(()),
    }
}

/// The user's credential. Like client-go: token and basic auth together are refused; a static
/// token beats an exec plugin; tokenFile beats token (it is the rotating source).
fn auth_config(user: &User, server: &str, ca_pem: &Option<Vec<u8>>) -> Result<AuthConfig, String> {
    let has_token = user.token.is_some() || user.token_file.is_some();
    let has_basic = user.username.is_some() || user.password.is_some();
    if has_token && has_basic {
        return Err(
            "more than one authentication method found (token and basic auth); only one is allowed"
                .into(),
        );
    }
    if let Some(path) = &user.token_file {
        return Ok(AuthConfig::TokenFile(path.clone()));
    }
    if let Some(token) = &user.token {
        return Ok(AuthConfig::Token(token.clone()));
    }
    if has_basic {
        return Ok(AuthConfig::Basic {
            username: user.username.clone().unwrap_or_default(),
            password: user
                .password
                .clone()
                .unwrap_or_else(|| SecretString::from(String::new())),
        });
    }
    if let Some(exec) = &user.exec {
        return Ok(AuthConfig::Exec(ExecConfig {
            api_version: exec.api_version.clone(),
            command: exec.command.clone(),
            args: exec.args.clone(),
            env: exec.env.clone(),
            base_dir: Some(exec.base_dir.clone()),
            interactive_mode: exec.interactive_mode.clone(),
            provide_cluster_info: exec.provide_cluster_info,
            cluster_server: server.to_string(),
            cluster_ca_pem: ca_pem.clone(),
            install_hint: exec.install_hint.clone(),
        }));
    }
    if let Some(provider) = &user.auth_provider {
        return Err(format!(
            "auth-provider \"{provider}\" is not supported; configure an exec plugin instead \
             (e.g. kubelogin for oidc)"
        ));
    }
    Ok(AuthConfig::None)
}

/// Makes a path absolute against the working directory without resolving symlinks, so relative
/// references inside the file resolve the same way kubectl resolves them.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
