//! One kubeconfig file, parsed leniently: the file's shape (top-level keys, the three named lists)
//! must be right, but each cluster/context/user stanza is checked on its own so one broken stanza
//! leaves the others usable. Relative paths are resolved here, against the file's directory.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::kube::KubeError;

/// The top level of a kubeconfig; stanza bodies stay untyped until [`parse_file`] checks them.
#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    clusters: Option<Vec<RawNamed>>,
    #[serde(default)]
    contexts: Option<Vec<RawNamed>>,
    #[serde(default)]
    users: Option<Vec<RawNamed>>,
    #[serde(default, rename = "current-context")]
    current_context: Option<String>,
}

/// `{name, cluster|context|user}` — one struct serves the three lists.
#[derive(Deserialize)]
struct RawNamed {
    name: String,
    #[serde(default)]
    cluster: Option<Value>,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default)]
    user: Option<Value>,
}

/// A stanza and the file that defined it; `parsed` holds a message naming the bad field.
#[derive(Debug, Clone)]
pub(super) struct Stanza<T> {
    pub file: PathBuf,
    pub parsed: Result<T, String>,
}

/// `clusters[].cluster`.
#[derive(Debug, Clone, Default)]
pub(super) struct Cluster {
    pub server: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub ca_data: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
    pub proxy_url: Option<String>,
}

/// `contexts[].context`.
#[derive(Debug, Clone, Default)]
pub(super) struct Context {
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
}

/// `users[].user` (client-go calls it AuthInfo).
#[derive(Debug, Clone, Default)]
pub(super) struct User {
    pub client_cert_file: Option<PathBuf>,
    pub client_cert_data: Option<String>,
    pub client_key_file: Option<PathBuf>,
    pub client_key_data: Option<SecretString>,
    pub token: Option<SecretString>,
    pub token_file: Option<PathBuf>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub exec: Option<Exec>,
    pub auth_provider: Option<String>,
}

/// `users[].user.exec`, with the command already resolved against the file's directory.
#[derive(Debug, Clone, Default)]
pub(super) struct Exec {
    pub api_version: String,
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub install_hint: Option<String>,
    pub provide_cluster_info: bool,
    pub interactive_mode: Option<String>,
    pub base_dir: PathBuf,
}

/// One file's contents in file order (the merge decides who wins).
pub(super) struct ParsedFile {
    pub current_context: Option<String>,
    pub clusters: Vec<(String, Stanza<Cluster>)>,
    pub contexts: Vec<(String, Stanza<Context>)>,
    pub users: Vec<(String, Stanza<User>)>,
}

impl ParsedFile {
    /// Defines nothing at all: a 0-byte file, only comments, or only `kind`/`apiVersion`.
    pub fn is_empty(&self) -> bool {
        self.current_context.is_none()
            && self.clusters.is_empty()
            && self.contexts.is_empty()
            && self.users.is_empty()
    }
}

/// Reads and parses one kubeconfig. `path` should be absolute so relative references resolve
/// independently of the working directory.
pub(super) fn parse_file(path: &Path) -> Result<ParsedFile, KubeError> {
    let file_error = |message: String| KubeError::Kubeconfig {
        path: path.to_path_buf(),
        message,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| file_error(format!("cannot read: {e}")))?;
    let raw: Option<RawFile> =
        serde_saphyr::from_str_with_options(&text, yaml_options()).map_err(|e| {
            // Without snippets the message is "<problem> at line L, column C" and quotes no file
            // content, which may hold tokens.
            file_error(format!("invalid YAML: {e}"))
        })?;
    // An empty file (or only comments) is a valid empty config, as in kubectl.
    let Some(raw) = raw else {
        return Ok(ParsedFile {
            current_context: None,
            clusters: Vec::new(),
            contexts: Vec::new(),
            users: Vec::new(),
        });
    };
    let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    Ok(ParsedFile {
        current_context: raw.current_context.filter(|c| !c.is_empty()),
        clusters: collect(path, raw.clusters, "clusters", |f| parse_cluster(f, &dir)),
        contexts: collect(path, raw.contexts, "contexts", parse_context),
        users: collect(path, raw.users, "users", |f| parse_user(f, &dir)),
    })
}

/// Checks each stanza of one list on its own; `kind` is the list's key.
fn collect<T>(
    path: &Path,
    list: Option<Vec<RawNamed>>,
    kind: &str,
    parse: impl Fn(&Fields<'_>) -> Result<T, String>,
) -> Vec<(String, Stanza<T>)> {
    list.unwrap_or_default()
        .into_iter()
        .map(|n| {
            let body = match kind {
                "clusters" => n.cluster,
                "contexts" => n.context,
                _ => n.user,
            };
            let fields = Fields::of(body.as_ref(), format!("{kind}[{:?}]", n.name));
            let parsed = parse(&fields);
            (
                n.name,
                Stanza {
                    file: path.to_path_buf(),
                    parsed,
                },
            )
        })
        .collect()
}

/// Keeps scalars textual where kubectl would (`namespace: 0123`, `user: yes`), and renders
/// errors without source snippets.
fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    options
}

fn parse_cluster(f: &Fields<'_>, dir: &Path) -> Result<Cluster, String> {
    f.check_mapping()?;
    Ok(Cluster {
        server: f.string("server")?,
        ca_file: f.path("certificate-authority", dir)?,
        ca_data: f.string("certificate-authority-data")?,
        insecure_skip_tls_verify: f.flag("insecure-skip-tls-verify")?,
        tls_server_name: f.string("tls-server-name")?,
        proxy_url: f.string("proxy-url")?,
    })
}

fn parse_context(f: &Fields<'_>) -> Result<Context, String> {
    f.check_mapping()?;
    Ok(Context {
        cluster: f.string("cluster")?,
        user: f.string("user")?,
        namespace: f.string("namespace")?,
    })
}

fn parse_user(f: &Fields<'_>, dir: &Path) -> Result<User, String> {
    f.check_mapping()?;
    let secret = |key: &str| -> Result<Option<SecretString>, String> {
        Ok(f.string(key)?.map(SecretString::from))
    };
    let exec = match f.child("exec")? {
        Some(e) => Some(parse_exec(&e, dir)?),
        None => None,
    };
    let auth_provider = match f.child("auth-provider")? {
        Some(p) => Some(p.string("name")?.unwrap_or_default()),
        None => None,
    };
    Ok(User {
        client_cert_file: f.path("client-certificate", dir)?,
        client_cert_data: f.string("client-certificate-data")?,
        client_key_file: f.path("client-key", dir)?,
        client_key_data: secret("client-key-data")?,
        token: secret("token")?,
        token_file: f.path("tokenFile", dir)?,
        username: f.string("username")?,
        password: secret("password")?,
        exec,
        auth_provider,
    })
}

fn parse_exec(f: &Fields<'_>, dir: &Path) -> Result<Exec, String> {
    let command = f
        .string("command")?
        .ok_or_else(|| format!("{}.command: missing", f.at))?;
    // client-go: a command with a separator is a path relative to the kubeconfig; a bare name is
    // looked up in PATH.
    let command = if command.contains('/') && Path::new(&command).is_relative() {
        dir.join(&command).to_string_lossy().into_owned()
    } else {
        command
    };
    let mut env = Vec::new();
    if let Some(list) = f.get("env") {
        let items = list
            .as_array()
            .ok_or_else(|| format!("{}.env: expected a list", f.at))?;
        for (i, item) in items.iter().enumerate() {
            let e = Fields::of(Some(item), format!("{}.env[{i}]", f.at));
            e.check_mapping()?;
            let name = e
                .string("name")?
                .ok_or_else(|| format!("{}.name: missing", e.at))?;
            env.push((name, e.string("value")?.unwrap_or_default()));
        }
    }
    Ok(Exec {
        api_version: f.string("apiVersion")?.unwrap_or_default(),
        command,
        args: f.strings("args")?,
        env,
        install_hint: f.string("installHint")?,
        provide_cluster_info: f.flag("provideClusterInfo")?,
        interactive_mode: f.string("interactiveMode")?,
        base_dir: dir.to_path_buf(),
    })
}

/// Typed access to one untyped mapping; errors name the field path but never its value.
struct Fields<'a> {
    value: Option<&'a Value>,
    at: String,
}

impl<'a> Fields<'a> {
    fn of(value: Option<&'a Value>, at: String) -> Self {
        Fields { value, at }
    }

    /// A missing or null stanza body is an empty stanza (as in client-go); anything but a
    /// mapping is an error.
    fn check_mapping(&self) -> Result<(), String> {
        match self.value {
            None | Some(Value::Null) | Some(Value::Object(_)) => Ok(()),
            Some(_) => Err(format!("{}: expected a mapping", self.at)),
        }
    }

    fn map(&self) -> Option<&'a Map<String, Value>> {
        self.value.and_then(Value::as_object)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map().and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    fn child(&self, key: &str) -> Result<Option<Fields<'a>>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => {
                Ok(Some(Fields::of(Some(v), format!("{}.{key}", self.at))))
            }
            Some(_) => Err(format!("{}.{key}: expected a mapping", self.at)),
        }
    }

    /// A string; numbers and booleans are taken as their text, empty means unset (Go's zero value).
    fn string(&self, key: &str) -> Result<Option<String>, String> {
        let text = match self.get(key) {
            None => return Ok(None),
            Some(v) => {
                scalar_text(v).ok_or_else(|| format!("{}.{key}: expected a string", self.at))?
            }
        };
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    fn path(&self, key: &str, dir: &Path) -> Result<Option<PathBuf>, String> {
        Ok(self.string(key)?.map(|p| dir.join(p)))
    }

    fn flag(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(format!("{}.{key}: expected true or false", self.at)),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let bad = || format!("{}.{key}: expected a list of strings", self.at);
        v.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|item| scalar_text(item).ok_or_else(bad))
            .collect()
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
