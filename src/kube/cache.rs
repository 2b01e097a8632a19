//! kr8s's `api()` factory: one cached `Client` per (context, namespace), shared by every
//! background task. Unlike kr8s, a cache hit does no I/O (no re-auth, no /version call):
//! credentials refresh on expiry or 401 inside the client.

use std::collections::HashMap;
use std::sync::Mutex;

use super::auth::ConnectionConfig;
use super::client::{Client, ClientOptions};
use super::error::KubeError;
use super::kubeconfig::{ContextInfo, Kubeconfig, Source};

/// The name the in-cluster service account appears under.
pub const IN_CLUSTER_CONTEXT: &str = "in-cluster";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ApiKey {
    context: String,
    namespace: Option<String>,
}

/// The cache behind `api()`.
pub struct ApiCache {
    source: Source,
    /// `-n` from the command line: the namespace a client defaults to.
    namespace: Option<String>,
    opts: ClientOptions,
    clients: Mutex<HashMap<ApiKey, Client>>,
}

impl ApiCache {
    pub fn new(source: Source, namespace: Option<String>, opts: ClientOptions) -> Self {
        ApiCache {
            source,
            namespace,
            opts,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Contexts to offer the user (the in-cluster account appears as one context).
    pub fn contexts(&self) -> Vec<ContextInfo> {
        match &self.source {
            Source::Kubeconfig(k) => k.contexts(),
            Source::InCluster(c) => vec![ContextInfo {
                name: IN_CLUSTER_CONTEXT.into(),
                cluster: c.server.clone(),
                user: "serviceaccount".into(),
                namespace: Some(c.namespace.clone()),
            }],
        }
    }

    /// The context opened by default: kubeconfig's current-context, or the in-cluster account.
    pub fn default_context(&self) -> Option<String> {
        match &self.source {
            Source::Kubeconfig(k) => k.current_context().map(str::to_string),
            Source::InCluster(_) => Some(IN_CLUSTER_CONTEXT.into()),
        }
    }

    /// The kubeconfig in use, if any.
    pub fn kubeconfig(&self) -> Option<&Kubeconfig> {
        match &self.source {
            Source::Kubeconfig(k) => Some(k),
            Source::InCluster(_) => None,
        }
    }

    /// kr8s's `api(context=..., namespace=...)`: the cached client for these arguments, created
    /// on first use. `None` context means the default context.
    pub fn api(&self, context: Option<&str>, namespace: Option<&str>) -> Result<Client, KubeError> {
        let context = match context {
            Some(c) => c.to_string(),
            None => self.default_context().ok_or(KubeError::NoCurrentContext)?,
        };
        let key = ApiKey {
            context,
            namespace: namespace.or(self.namespace.as_deref()).map(str::to_string),
        };
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| KubeError::Auth("client cache poisoned by a panic".into()))?;
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = self.build(&key.context, key.namespace.as_deref())?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// kr8s's `bypass_factory=True`: a fresh client that is not cached.
    pub fn bypass_factory(
        &self,
        context: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Client, KubeError> {
        let context = match context {
            Some(c) => c.to_string(),
            None => self.default_context().ok_or(KubeError::NoCurrentContext)?,
        };
        self.build(&context, namespace.or(self.namespace.as_deref()))
    }

    /// How many clients are cached (for tests and the request log).
    pub fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn build(&self, context: &str, namespace: Option<&str>) -> Result<Client, KubeError> {
        let conn = self.connection(context, namespace)?;
        Client::new(conn, self.opts.clone())
    }

    fn connection(
        &self,
        context: &str,
        namespace: Option<&str>,
    ) -> Result<ConnectionConfig, KubeError> {
        match &self.source {
            Source::Kubeconfig(k) => k.connection(context, namespace),
            Source::InCluster(c) if context == IN_CLUSTER_CONTEXT => {
                let mut c = c.clone();
                if let Some(ns) = namespace {
                    c.namespace = ns.to_string();
                }
                Ok(c)
            }
            Source::InCluster(_) => Err(KubeError::ContextNotFound(context.to_string())),
        }
    }
}
