//! One `Client` per context over reqwest: kr8s's `call_api` and `version()`, plus the paginated
//! list, watch, logs and delete helpers the UI's background tasks use.

use std::sync::Arc;
use std::time::{Duration, Instant};

mod list;
mod recording;
mod stream;

use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, Method};
use secrecy::ExposeSecret;

use super::auth::{Authenticator, ConnectionConfig};
use super::error::KubeError;
use super::tls;
use super::url::strip_query;
use super::url::{construct_path, with_query};
use super::warning::warning_texts;
use super::wire::{JSON, decode_json};

/// One finished API call, for the request log. Holds no credentials: only method, path and sizes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallRecord {
    /// The context of the client that made the call; `None` when it has no name (a bare
    /// server from a kubeconfig without contexts).
    pub context: Option<Arc<str>>,
    pub method: String,
    /// Path and query as sent.
    pub path: String,
    /// `None` when no response arrived.
    pub status: Option<u16>,
    pub latency: Duration,
    /// Body bytes received (0 for streams, whose size is open-ended).
    pub bytes: u64,
    pub error: Option<String>,
    /// The server's `Warning` headers (deprecations...), unwrapped as kubectl prints them.
    pub warnings: Vec<String>,
}

/// Called after every API call of every client built with these options.
pub type CallHook = Arc<dyn Fn(CallRecord) + Send + Sync>;

/// Timeouts and policy shared by every request of a client.
#[derive(Clone)]
pub struct ClientOptions {
    /// kr8s has none; an unreachable server must not hang the UI.
    pub connect_timeout: Duration,
    /// Whole-request limit for non-streaming calls (`--request-timeout`); `None` disables it.
    pub request_timeout: Option<Duration>,
    /// `--readonly`: every verb but GET/HEAD is refused here, the one place all requests pass.
    pub readonly: bool,
    /// Sees every call (the UI's request log).
    pub on_call: Option<CallHook>,
    /// `--record`: list pages, watch lines and `/version` answers go here too.
    pub recorder: Option<Arc<crate::record::Recorder>>,
    /// `--replay`: answers come from the recording and nothing goes to the network.
    pub replay: Option<Arc<crate::record::Replay>>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("readonly", &self.readonly)
            .field("on_call", &self.on_call.is_some())
            .finish()
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(30),
            request_timeout: Some(Duration::from_secs(120)),
            readonly: false,
            on_call: None,
            recorder: None,
            replay: None,
        }
    }
}

/// A request in kr8s's `call_api` terms.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub version: String,
    pub base: String,
    /// `None` or `Some("")` is cluster-wide.
    pub namespace: Option<String>,
    pub url: String,
    /// Extra query string, `a=b&c=d`.
    pub query: String,
    pub body: Option<Bytes>,
    /// Content type of `body`; JSON when unset (PATCH callers pick merge/strategic/json-patch).
    pub content_type: Option<String>,
}

impl Default for ApiRequest {
    fn default() -> Self {
        ApiRequest {
            method: Method::GET,
            version: "v1".into(),
            base: String::new(),
            namespace: None,
            url: String::new(),
            query: String::new(),
            body: None,
            content_type: None,
        }
    }
}

impl ApiRequest {
    /// The path and query this request goes to, exactly as kr8s builds it.
    pub fn path(&self) -> Result<String, KubeError> {
        let path = construct_path(
            &self.version,
            &self.base,
            self.namespace.as_deref(),
            &self.url,
        )?;
        Ok(with_query(&path, &self.query))
    }
}

/// A response of any status: the raw pane shows error bodies too.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub reason: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Body bytes received: more than `body.len()` when [`Client::send_capped`] cut the body.
    pub total_bytes: u64,
    pub latency: Duration,
}

impl ApiResponse {
    /// Turns non-2xx answers into `KubeError::Api` carrying the server's Status.
    pub fn error_for_status(self) -> Result<ApiResponse, KubeError> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(KubeError::from_response(
                self.status,
                &self.reason,
                &self.body,
            ))
        }
    }
}

/// A cheap-to-clone handle on one cluster; all background tasks share it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// HTTP/1.1 only, for WebSocket upgrades (an h2 connection cannot upgrade); built on first
    /// use from the same TLS settings and proxy.
    upgrade_http: std::sync::OnceLock<reqwest::Client>,
    tls: rustls::ClientConfig,
    proxy: Option<reqwest::Proxy>,
    server: String,
    /// Shared with every call record, so logging a call does not copy the name.
    context: Arc<str>,
    namespace: String,
    insecure: bool,
    auth: Authenticator,
    opts: ClientOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("context", &self.inner.context)
            .field("server", &self.inner.server)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client for a resolved context. Reads no files and runs no plugins: credentials
    /// are fetched on the first request.
    pub fn new(conn: ConnectionConfig, opts: ClientOptions) -> Result<Client, KubeError> {
        let tls = tls::client_config(&conn.tls)?;
        let proxy = match conn.proxy_url.as_deref().filter(|p| !p.is_empty()) {
            Some(url) => Some(
                reqwest::Proxy::all(url).map_err(|e| KubeError::InvalidContext {
                    context: conn.context.clone(),
                    message: format!("proxy-url: {e}"),
                })?,
            ),
            None => None,
        };
        let http = http_client(tls.clone(), proxy.clone(), &opts)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                upgrade_http: std::sync::OnceLock::new(),
                tls,
                proxy,
                server: conn.server.trim_end_matches('/').to_string(),
                context: Arc::from(conn.context),
                namespace: conn.namespace,
                insecure: conn.tls.insecure_skip_verify,
                auth: Authenticator::new(conn.auth),
                opts,
            }),
        })
    }

    pub fn context(&self) -> &str {
        &self.inner.context
    }

    /// A request on the HTTP/1.1-only client (for upgrades), with credentials.
    pub(super) async fn upgrade_request(
        &self,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, KubeError> {
        self.refuse_in_replay(path)?;
        let http = match self.inner.upgrade_http.get() {
            Some(http) => http.clone(),
            None => {
                let mut tls = self.inner.tls.clone();
                tls.alpn_protocols = vec![b"http/1.1".to_vec()];
                let http = http_client(tls, self.inner.proxy.clone(), &self.inner.opts)?;
                self.inner.upgrade_http.get_or_init(|| http).clone()
            }
        };
        let rb = http.get(format!("{}{}", self.inner.server, path));
        self.authorize(rb).await
    }

    /// Sends a GET whose answer streams on (a watch, a log, an upgrade): only the wait for the
    /// headers is time-limited.
    pub(super) async fn send_streaming(
        &self,
        rb: reqwest::RequestBuilder,
        path: &str,
    ) -> Result<reqwest::Response, KubeError> {
        let send = rb.send();
        let sent = match self.inner.opts.request_timeout {
            Some(t) => tokio::time::timeout(t, send)
                .await
                .map_err(|_| KubeError::Timeout {
                    method: "GET".into(),
                    path: strip_query(path),
                    timeout: t,
                })?,
            None => send.await,
        };
        sent.map_err(|e| self.map_err(&Method::GET, path, &e))
    }

    /// Drops cached credentials after a 401; true when new ones may differ (worth one retry).
    pub(super) async fn invalidate_auth(&self) -> bool {
        self.inner.auth.invalidate().await
    }

    /// Reports a WebSocket upgrade to the request log (101 and no body when it worked).
    pub(super) fn record_call<T>(
        &self,
        method: &Method,
        path: &str,
        started: Instant,
        result: &Result<T, KubeError>,
    ) {
        static NONE: std::sync::LazyLock<HeaderMap> = std::sync::LazyLock::new(HeaderMap::new);
        self.record(method, path, started, result, |_| Answered {
            status: 101,
            bytes: 0,
            headers: &NONE,
        });
    }

    pub fn server(&self) -> &str {
        &self.inner.server
    }

    /// The default namespace of this client (flag, context, or "default").
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    /// True when the context skips TLS verification (the UI warns).
    pub fn insecure(&self) -> bool {
        self.inner.insecure
    }

    pub fn readonly(&self) -> bool {
        self.inner.opts.readonly
    }

    /// Sends a request and returns the response whatever its status (for the raw pane).
    pub async fn send(&self, req: &ApiRequest) -> Result<ApiResponse, KubeError> {
        self.send_request(req, None).await
    }

    /// [`Self::send`] keeping at most `cap` bytes of the body: the rest is counted
    /// (`total_bytes`) as it streams by, never held, so a huge answer costs no memory.
    pub async fn send_capped(
        &self,
        req: &ApiRequest,
        cap: usize,
    ) -> Result<ApiResponse, KubeError> {
        self.send_request(req, Some(cap)).await
    }

    async fn send_request(
        &self,
        req: &ApiRequest,
        cap: Option<usize>,
    ) -> Result<ApiResponse, KubeError> {
        let path = req.path()?;
        self.send_path_accept(
            &req.method,
            &path,
            req.body.clone(),
            req.content_type.as_deref(),
            JSON,
            cap,
        )
        .await
    }

    /// kr8s's `call_api`: sends and turns error statuses into `KubeError::Api`.
    pub async fn call_api(&self, req: &ApiRequest) -> Result<ApiResponse, KubeError> {
        self.send(req).await?.error_for_status()
    }

    /// Deletes the object at `path` (graceful; the server decides the grace period).
    pub async fn delete(&self, path: &str) -> Result<ApiResponse, KubeError> {
        self.send_path(&Method::DELETE, path, None, None)
            .await?
            .error_for_status()
    }

    /// `GET path` with a custom Accept header (e.g. the server's Table format); error
    /// statuses become `KubeError::Api`.
    pub async fn get_accept(&self, path: &str, accept: &str) -> Result<ApiResponse, KubeError> {
        self.send_path_accept(&Method::GET, path, None, None, accept, None)
            .await?
            .error_for_status()
    }

    async fn send_path(
        &self,
        method: &Method,
        path: &str,
        body: Option<Bytes>,
        content_type: Option<&str>,
    ) -> Result<ApiResponse, KubeError> {
        self.send_path_accept(method, path, body, content_type, JSON, None)
            .await
    }

    /// The one place every request goes through: readonly check, auth, 401 refresh, timeout,
    /// and the request log.
    async fn send_path_accept(
        &self,
        method: &Method,
        path: &str,
        body: Option<Bytes>,
        content_type: Option<&str>,
        accept: &str,
        cap: Option<usize>,
    ) -> Result<ApiResponse, KubeError> {
        let started = Instant::now();
        let result = self
            .send_path_once(method, path, body, content_type, accept, cap)
            .await;
        self.record(method, path, started, &result, |r| Answered {
            status: r.status,
            bytes: r.total_bytes,
            headers: &r.headers,
        });
        result
    }

    /// Reports a finished call to the hook, if any.
    fn record<T>(
        &self,
        method: &Method,
        path: &str,
        started: Instant,
        result: &Result<T, KubeError>,
        answered: impl Fn(&T) -> Answered<'_>,
    ) {
        let Some(hook) = &self.inner.opts.on_call else {
            return;
        };
        let (status, bytes, error, warnings) = match result {
            Ok(r) => {
                let a = answered(r);
                (Some(a.status), a.bytes, None, warning_texts(a.headers))
            }
            Err(e) => (e.code(), 0, Some(e.to_string()), Vec::new()),
        };
        let context = Some(self.inner.context.clone()).filter(|c| !c.is_empty());
        hook(CallRecord {
            context,
            method: method.to_string(),
            path: path.to_string(),
            status,
            latency: started.elapsed(),
            bytes,
            error,
            warnings,
        });
    }

    async fn send_path_once(
        &self,
        method: &Method,
        path: &str,
        body: Option<Bytes>,
        content_type: Option<&str>,
        accept: &str,
        cap: Option<usize>,
    ) -> Result<ApiResponse, KubeError> {
        self.check_readonly(method, path)?;
        let started = Instant::now();
        let mut refreshed = false;
        loop {
            let mut rb = self.request_accept(method, path, accept).await?;
            if let Some(body) = body.clone() {
                rb = rb
                    .header(
                        http::header::CONTENT_TYPE,
                        content_type.unwrap_or("application/json"),
                    )
                    .body(body);
            }
            if let Some(t) = self.inner.opts.request_timeout {
                rb = rb.timeout(t);
            }
            let resp = rb
                .send()
                .await
                .map_err(|e| self.map_err(method, path, &e))?;
            if resp.status().as_u16() == 401 && !refreshed && self.inner.auth.invalidate().await {
                tracing::info!(path, "401: refreshing credentials and retrying once");
                refreshed = true;
                continue;
            }
            let status = resp.status();
            let headers = resp.headers().clone();
            let (body, total_bytes) = read_body(resp, cap)
                .await
                .map_err(|e| self.map_err(method, path, &e))?;
            let latency = started.elapsed();
            tracing::debug!(%method, path, status = status.as_u16(), bytes = total_bytes, ?latency, "api call");
            return Ok(ApiResponse {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                headers,
                body,
                total_bytes,
                latency,
            });
        }
    }

    async fn request_accept(
        &self,
        method: &Method,
        path: &str,
        accept: &str,
    ) -> Result<reqwest::RequestBuilder, KubeError> {
        self.refuse_in_replay(path)?;
        let url = format!("{}{}", self.inner.server, path);
        let rb = self
            .inner
            .http
            .request(method.clone(), url)
            .header(http::header::ACCEPT, accept);
        self.authorize(rb).await
    }

    /// Adds the credentials, marked sensitive so no debug output shows them.
    async fn authorize(
        &self,
        mut rb: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, KubeError> {
        if let Some(value) = self.inner.auth.authorization().await? {
            let mut header = http::HeaderValue::from_str(value.expose_secret())
                .map_err(|_| KubeError::Auth("credential is not a valid header value".into()))?;
            header.set_sensitive(true);
            rb = rb.header(http::header::AUTHORIZATION, header);
        }
        Ok(rb)
    }

    fn check_readonly(&self, method: &Method, path: &str) -> Result<(), KubeError> {
        if self.inner.opts.readonly && method != Method::GET && method != Method::HEAD {
            return Err(KubeError::ReadOnly(format!(
                "{method} {}",
                strip_query(path)
            )));
        }
        Ok(())
    }

    fn map_err(&self, method: &Method, path: &str, e: &reqwest::Error) -> KubeError {
        if e.is_timeout() {
            if let Some(timeout) = self.inner.opts.request_timeout {
                return KubeError::Timeout {
                    method: method.to_string(),
                    path: strip_query(path),
                    timeout,
                };
            }
        }
        transport(method.as_str(), path, e)
    }
}

/// The reqwest client of a context: its TLS settings, proxy and connect timeout.
fn http_client(
    tls: rustls::ClientConfig,
    proxy: Option<reqwest::Proxy>,
    opts: &ClientOptions,
) -> Result<reqwest::Client, KubeError> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(opts.connect_timeout)
        .user_agent(concat!("kr8s-tui/", env!("CARGO_PKG_VERSION")));
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| KubeError::Tls(e.to_string()))
}

/// What the request log takes from a response.
struct Answered<'a> {
    status: u16,
    bytes: u64,
    headers: &'a HeaderMap,
}

/// The whole body, or its first `cap` bytes and the count of all of them.
async fn read_body(
    resp: reqwest::Response,
    cap: Option<usize>,
) -> Result<(Bytes, u64), reqwest::Error> {
    let Some(cap) = cap else {
        let body = resp.bytes().await?;
        let total = body.len() as u64;
        return Ok((body, total));
    };
    let (mut kept, mut total) = (bytes::BytesMut::new(), 0u64);
    let mut chunks = resp.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        total += chunk.len() as u64;
        let room = cap.saturating_sub(kept.len()).min(chunk.len());
        kept.extend_from_slice(&chunk[..room]);
    }
    Ok((kept.freeze(), total))
}

/// A transport error with its causes (reqwest's top-level message alone says little).
fn transport(method: &str, path: &str, e: &reqwest::Error) -> KubeError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    KubeError::Transport {
        method: method.to_string(),
        path: strip_query(path),
        message,
    }
}

pub use super::wire::{
    ListPage, ListParams, LogParams, VersionInfo, WatchEvent, decode_list, decode_watch_event,
    list_head,
};
