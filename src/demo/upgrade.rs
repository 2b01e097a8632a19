//! The server side of a WebSocket upgrade (exec, attach, port-forward): the subprotocol both
//! sides speak, the 101 answer, and the socket once the client switches.

use std::future::Future;

use axum::response::Response;
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::routes::status;

/// The server's end of an upgraded connection.
pub(crate) type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Answers 101 with the first of `protocols` the client offered and runs `serve` on the
/// socket once the client has switched; a Status (400) when it cannot upgrade.
pub(crate) fn accept<F, Fut>(
    parts: &mut Parts,
    protocols: &[&'static str],
    what: &str,
    serve: F,
) -> Response
where
    F: FnOnce(Ws, &'static str) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(key) = parts.headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return status(
            400,
            "BadRequest",
            format!("{what} is served over WebSocket only (no SPDY)"),
        );
    };
    let offered = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let Some(protocol) = protocols
        .iter()
        .copied()
        .find(|p| offered.split(',').any(|o| o.trim() == *p))
    else {
        let message = format!(
            "none of the offered subprotocols [{offered}] is supported for {what}; use one of {protocols:?}"
        );
        return status(400, "BadRequest", message);
    };
    let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        return status(
            400,
            "BadRequest",
            "the connection cannot be upgraded (HTTP/2?)",
        );
    };
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        serve(ws, protocol).await;
    });
    let mut resp = Response::new(axum::body::Body::empty());
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = resp.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    headers.insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol),
    );
    resp
}
