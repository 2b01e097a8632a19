//! Request dispatch: authentication, RBAC-like refusals, fault injection, path parsing (with the apiserver's 404 and
//! 405 answers) and the small response helpers every handler shares.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, header};
use tokio::sync::mpsc;

use super::chaos::{Chaos, ChaosRequest};
use super::faults::{FaultSettings, Faults};
use super::forbid::Access;
pub(crate) use super::reply::{
    Params, Reject, bad_request, json_bytes, json_value, not_found, respond, status, text,
};
use super::resources::{Kind, VERSION};
use super::store::Store;
use super::{api, discovery, logs, metrics, openapi, watch, write};

/// Shared by every request.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Arc<Store>,
    pub tokens: Arc<super::tokens::Tokens>,
    pub faults: Arc<Faults>,
    pub log_rate: f64,
    /// Asks the restarter task to bounce the listener (see `server::spawn_restarter`).
    pub restart: mpsc::UnboundedSender<Duration>,
    pub chaos: Arc<Chaos>,
}

/// The router: one fallback handler that does its own path matching, so unknown paths and wrong
/// methods get the apiserver's Status bodies.
pub(crate) fn router(state: AppState) -> axum::Router {
    axum::Router::new().fallback(dispatch).with_state(state)
}

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    Version,
    Health,
    Discovery(discovery::Doc),
    /// A list or watch; `ns` None = all namespaces (or a cluster-scoped kind).
    Collection {
        kind: Kind,
        ns: Option<&'a str>,
    },
    /// One object; `ns` is "" for cluster-scoped kinds.
    Object {
        kind: Kind,
        ns: &'a str,
        name: &'a str,
    },
    /// A subresource of one object: `scale`, `status` or a pod's `eviction`.
    Sub {
        kind: Kind,
        ns: &'a str,
        name: &'a str,
        sub: Sub,
    },
    Log {
        ns: &'a str,
        name: &'a str,
    },
    /// `pods/portforward` (a WebSocket upgrade).
    PortForward {
        ns: &'a str,
        name: &'a str,
    },
    /// `pods/exec` or `pods/attach` (a WebSocket upgrade).
    Exec {
        ns: &'a str,
        name: &'a str,
        attach: bool,
    },
    /// metrics.k8s.io's PodMetrics and NodeMetrics (404 while the demo serves no metrics).
    Metrics(metrics::Target<'a>),
    /// `/openapi/v3` (None) or one group version's document (its group, "" = core).
    OpenApi(Option<&'static str>),
    Faults,
    Restart,
    Chaos,
}

/// The subresources the demo serves besides log, exec, attach and portforward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sub {
    Scale,
    Status,
    Eviction,
}

impl Sub {
    pub fn name(self) -> &'static str {
        match self {
            Sub::Scale => "scale",
            Sub::Status => "status",
            Sub::Eviction => "eviction",
        }
    }
}

/// Methods that change an object.
fn is_write(method: &Method) -> bool {
    [Method::PUT, Method::PATCH, Method::DELETE].contains(method)
}

impl Route<'_> {
    fn allows(&self, method: &Method) -> bool {
        match self {
            Route::Object { kind, .. } => {
                method == Method::GET || (is_write(method) && kind.writable())
            }
            Route::Collection { kind, .. } => {
                method == Method::GET || (method == Method::POST && kind.writable())
            }
            Route::Sub {
                sub: Sub::Eviction, ..
            } => method == Method::POST,
            Route::Sub { .. } => [Method::GET, Method::PUT, Method::PATCH].contains(method),
            Route::Faults | Route::Chaos => method == Method::GET || method == Method::POST,
            Route::Restart => method == Method::POST,
            // kubectl's WebSocket upgrade is a GET; older clients POST.
            Route::Exec { .. } | Route::PortForward { .. } => {
                method == Method::GET || method == Method::POST
            }
            _ => method == Method::GET,
        }
    }
}

/// Parses a request path; None = 404.
pub(crate) fn parse_route(path: &str) -> Option<Route<'_>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => Some(Route::Version),
        ["healthz" | "livez" | "readyz"] => Some(Route::Health),
        ["openapi", "v3"] => Some(Route::OpenApi(None)),
        ["openapi", "v3", rest @ ..] => Some(Route::OpenApi(Some(openapi::group_of(rest)?))),
        ["demo", "faults"] => Some(Route::Faults),
        ["demo", "restart"] => Some(Route::Restart),
        ["demo", "chaos"] => Some(Route::Chaos),
        ["api"] => Some(Route::Discovery(discovery::Doc::Api)),
        ["api", "v1"] => Some(Route::Discovery(discovery::Doc::CoreV1)),
        ["apis"] => Some(Route::Discovery(discovery::Doc::Apis)),
        ["apis", metrics::GROUP] => Some(Route::Discovery(discovery::Doc::Metrics)),
        ["apis", metrics::GROUP, metrics::VERSION] => {
            Some(Route::Discovery(discovery::Doc::MetricsVersion))
        }
        ["apis", metrics::GROUP, metrics::VERSION, rest @ ..] => {
            metrics::parse(rest).map(Route::Metrics)
        }
        ["apis", group] => Some(Route::Discovery(discovery::Doc::Group(
            discovery::Doc::group(group)?,
        ))),
        ["apis", group, VERSION] => Some(Route::Discovery(discovery::Doc::GroupVersion(
            discovery::Doc::group(group)?,
        ))),
        ["api", "v1", rest @ ..] => resource_route("", rest),
        ["apis", group, VERSION, rest @ ..] => resource_route(discovery::Doc::group(group)?, rest),
        _ => None,
    }
}

fn resource_route<'a>(group: &str, rest: &[&'a str]) -> Option<Route<'a>> {
    let kind_of = |plural: &str| Kind::from_plural(group, plural);
    match *rest {
        [plural] => Some(Route::Collection {
            kind: kind_of(plural)?,
            ns: None,
        }),
        ["namespaces", ns, plural] => {
            let kind = kind_of(plural).filter(|k| k.namespaced())?;
            Some(Route::Collection { kind, ns: Some(ns) })
        }
        ["namespaces", ns, "pods", name, "log"] if group.is_empty() => {
            Some(Route::Log { ns, name })
        }
        ["namespaces", ns, "pods", name, "portforward"] if group.is_empty() => {
            Some(Route::PortForward { ns, name })
        }
        ["namespaces", ns, "pods", name, sub @ ("exec" | "attach")] if group.is_empty() => {
            Some(Route::Exec {
                ns,
                name,
                attach: sub == "attach",
            })
        }
        ["namespaces", ns, "pods", name, "eviction"] if group.is_empty() => Some(Route::Sub {
            kind: Kind::Pod,
            ns,
            name,
            sub: Sub::Eviction,
        }),
        ["namespaces", ns, plural, name] => {
            let kind = kind_of(plural).filter(|k| k.namespaced())?;
            Some(Route::Object { kind, ns, name })
        }
        ["namespaces", ns, plural, name, sub @ ("scale" | "status")] => {
            let kind = kind_of(plural).filter(|k| k.namespaced())?;
            sub_route(kind, ns, name, sub)
        }
        [plural, name, "status"] => {
            let kind = kind_of(plural).filter(|k| !k.namespaced())?;
            sub_route(kind, "", name, "status")
        }
        [plural, name] => {
            let kind = kind_of(plural).filter(|k| !k.namespaced())?;
            Some(Route::Object { kind, ns: "", name })
        }
        _ => None,
    }
}

fn sub_route<'a>(kind: Kind, ns: &'a str, name: &'a str, sub: &str) -> Option<Route<'a>> {
    let sub = match sub {
        "scale" if kind.scalable() => Sub::Scale,
        "status" if kind.has_status() => Sub::Status,
        _ => return None,
    };
    Some(Route::Sub {
        kind,
        ns,
        name,
        sub,
    })
}

/// Whether the connection presented a client certificate the TLS layer verified against the CA.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientCertificate(pub bool);

async fn dispatch(State(app): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let params = Params::parse(parts.uri.query());
    let Some(route) = parse_route(&path) else {
        return authorized_or(&app, &parts.headers, || {
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        });
    };
    if route == Route::Health {
        return text(StatusCode::OK, "ok");
    }
    let by_cert = parts
        .extensions
        .get::<ClientCertificate>()
        .is_some_and(|c| c.0);
    if !by_cert && !app.tokens.authorized(&parts.headers) {
        return status(401, "Unauthorized", "Unauthorized");
    }
    // Authorization comes before the handler, so a refused POST is a 403, not a 405.
    if let Some(access) = Access::of(route, &parts.method, &params)
        && app.faults.refuses(&access)
    {
        return access.forbidden();
    }
    if !route.allows(&parts.method) {
        return status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        );
    }
    if let Route::Exec { ns, name, attach } = route {
        let mut parts = parts;
        return super::exec::upgrade(&app, ns, name, &mut parts, attach);
    }
    if let Route::PortForward { ns, name } = route {
        let mut parts = parts;
        return super::portforward::upgrade(&app, ns, name, &mut parts);
    }
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        return status(413, "RequestEntityTooLarge", "request body too large");
    };
    if let Some(resp) = control(&app, route, &parts.method, &params, &body) {
        return resp;
    }
    if let Some(resp) = inject_faults(&app.faults).await {
        return resp;
    }
    tracing::debug!(method = %parts.method, %path, "demo request");
    let mut resp = serve(&app, route, &parts.method, &params, &parts.headers, &body);
    if app.faults.cut_bodies()
        && parts.method == Method::GET
        && matches!(route, Route::Collection { .. })
        && resp.status().is_success()
    {
        resp = super::chaos::cut(resp, &app.faults);
    } else if app.faults.drop_pages()
        && parts.method == Method::GET
        && matches!(route, Route::Collection { .. })
        && params.get("continue").is_some()
        && resp.status().is_success()
    {
        resp = super::chaos::drop_page(resp, &app.faults);
    }
    warn_if_deprecated(route, &mut resp);
    resp
}

/// The real apiserver's `Warning: 299 - "<text>"` on every request that reaches a deprecated
/// kind's handler.
fn warn_if_deprecated(route: Route<'_>, resp: &mut Response) {
    let (Route::Collection { kind, .. } | Route::Object { kind, .. } | Route::Sub { kind, .. }) =
        route
    else {
        return;
    };
    let Some(text) = kind.deprecation() else {
        return;
    };
    let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
    if let Ok(value) = http::HeaderValue::from_str(&format!("299 - \"{quoted}\"")) {
        resp.headers_mut().append(header::WARNING, value);
    }
}

fn authorized_or(app: &AppState, headers: &HeaderMap, ok: impl FnOnce() -> Response) -> Response {
    if app.tokens.authorized(headers) {
        ok()
    } else {
        status(401, "Unauthorized", "Unauthorized")
    }
}

/// The `/demo/*` control endpoints; never subject to faults.
fn control(
    app: &AppState,
    route: Route<'_>,
    method: &Method,
    params: &Params,
    body: &[u8],
) -> Option<Response> {
    match route {
        Route::Faults if method == Method::POST => {
            Some(match serde_json::from_slice::<FaultSettings>(body) {
                Ok(settings) => {
                    app.faults.apply(&settings);
                    json_value(&serde_json::json!(app.faults.settings()))
                }
                Err(e) => bad_request(format!("invalid fault settings: {e}")).into(),
            })
        }
        Route::Faults => Some(json_value(&serde_json::json!(app.faults.settings()))),
        Route::Chaos if method == Method::POST => {
            Some(match serde_json::from_slice::<ChaosRequest>(body) {
                Ok(req) => {
                    app.chaos.apply(&req);
                    json_value(&serde_json::json!(app.chaos.report()))
                }
                Err(e) => bad_request(format!("invalid chaos request: {e}")).into(),
            })
        }
        Route::Chaos => Some(json_value(&serde_json::json!(app.chaos.report()))),
        Route::Restart => Some(match params.number("downMs") {
            Ok(ms) => {
                let _ = app.restart.send(Duration::from_millis(ms.unwrap_or(1000)));
                json_bytes(StatusCode::ACCEPTED, r#"{"restarting":true}"#)
            }
            Err(reject) => reject.into(),
        }),
        _ => None,
    }
}

async fn inject_faults(faults: &Faults) -> Option<Response> {
    let latency = faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if faults.throttled() {
        let mut resp = status(
            429,
            "TooManyRequests",
            "demo fault: too many requests, please try again later",
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, http::HeaderValue::from_static("1"));
        return Some(resp);
    }
    match faults.injected_error()? {
        503 => Some(status(
            503,
            "ServiceUnavailable",
            "demo fault: the server is currently unable to handle the request",
        )),
        code => Some(status(
            code,
            "InternalError",
            "demo fault: an error on the server (\"injected\") has prevented the request from succeeding",
        )),
    }
}

fn serve(
    app: &AppState,
    route: Route<'_>,
    method: &Method,
    params: &Params,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    match route {
        Route::Version => discovery::version(),
        Route::OpenApi(None) => json_value(&openapi::root()),
        Route::OpenApi(Some(group)) => json_value(&openapi::document(group)),
        Route::Discovery(discovery::Doc::Metrics | discovery::Doc::MetricsVersion)
        | Route::Metrics(_)
            if !app.faults.metrics() =>
        {
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
        Route::Discovery(doc) => discovery::document(doc, headers, app.faults.metrics()),
        Route::Metrics(target) => metrics::serve(app, target, params, jiff::Timestamp::now()),
        Route::Collection { kind, ns } if method == Method::POST => {
            write::create(app, kind, ns.unwrap_or_default(), params, body)
        }
        Route::Collection { kind, ns } => match params.flag("watch") {
            Ok(true) if !kind.can_watch() => status(
                405,
                "MethodNotAllowed",
                format!(
                    "watch is not supported on resources of kind {:?}",
                    kind.plural()
                ),
            ),
            Ok(true) => watch::serve(app, kind, ns, params, headers),
            Ok(false) => api::list(app, kind, ns, params, headers),
            Err(reject) => reject.into(),
        },
        Route::Object { kind, ns, name } if method == Method::DELETE => {
            write::delete(app, kind, ns, name, params, body)
        }
        Route::Object { kind, ns, name } if method == Method::GET => {
            api::get(app, kind, ns, name, headers, params)
        }
        Route::Object { kind, ns, name } => {
            let target = write::Target {
                kind,
                ns,
                name,
                sub: None,
            };
            write::update(app, target, method, params, headers, body)
        }
        Route::Sub {
            ns,
            name,
            sub: Sub::Eviction,
            ..
        } => super::eviction::evict(app, ns, name, params, body),
        Route::Sub {
            kind,
            ns,
            name,
            sub,
        } if method == Method::GET => write::get_sub(app, kind, ns, name, sub),
        Route::Sub {
            kind,
            ns,
            name,
            sub,
        } => {
            let target = write::Target {
                kind,
                ns,
                name,
                sub: Some(sub),
            };
            write::update(app, target, method, params, headers, body)
        }
        Route::Log { ns, name } => logs::serve(app, ns, name, params),
        Route::Health | Route::Faults | Route::Restart | Route::Chaos => text(StatusCode::OK, "ok"),
        // Upgrades are answered in `dispatch`, which still holds the connection.
        Route::Exec { .. } | Route::PortForward { .. } => {
            status(400, "BadRequest", "this needs a WebSocket upgrade")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes() {
        assert_eq!(
            parse_route("/api/v1/pods"),
            Some(Route::Collection {
                kind: Kind::Pod,
                ns: None
            })
        );
        assert_eq!(
            parse_route("/api/v1/namespaces/web/pods/x/log"),
            Some(Route::Log {
                ns: "web",
                name: "x"
            })
        );
        assert_eq!(
            parse_route("/api/v1/namespaces/web"),
            Some(Route::Object {
                kind: Kind::Namespace,
                ns: "",
                name: "web"
            })
        );
        assert_eq!(
            parse_route("/apis/apps/v1/namespaces/web/deployments"),
            Some(Route::Collection {
                kind: Kind::Deployment,
                ns: Some("web")
            })
        );
        assert_eq!(
            parse_route("/apis/batch/v1/namespaces/web/cronjobs/nightly"),
            Some(Route::Object {
                kind: Kind::CronJob,
                ns: "web",
                name: "nightly"
            })
        );
        assert_eq!(
            parse_route("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"),
            Some(Route::Collection {
                kind: Kind::CustomResourceDefinition,
                ns: None
            })
        );
        assert_eq!(
            parse_route("/apis/demo.kr8s.dev/v1"),
            Some(Route::Discovery(discovery::Doc::GroupVersion(
                "demo.kr8s.dev"
            )))
        );
        assert_eq!(parse_route("/apis/demo.kr8s.dev/v2/widgets"), None);
        assert_eq!(parse_route("/apis/apps/v1/jobs"), None);
        assert_eq!(parse_route("/apis/nope.io/v1"), None);
        assert_eq!(parse_route("/api/v1/namespaces/web/nodes"), None);
        assert_eq!(parse_route("/api/v1/deployments"), None);
        assert_eq!(parse_route("/nope"), None);
    }
}
