//! `pods/portforward` over WebSocket, as the kubelet serves it behind the apiserver: for each
//! port a data and an error channel, each opened by a message carrying the port. Behind every
//! declared containerPort of a demo container is a tiny HTTP server: its page names the pod
//! and the port, and `/bytes/N` sends N bytes (for throughput and memory checks).

use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use http::request::Parts;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::resources::Kind;
use super::routes::{AppState, not_found, status};

const PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "portforward.k8s.io"];
/// Bytes per message of a `/bytes/N` answer.
const CHUNK: usize = 64 * 1024;

use super::upgrade::Ws;

/// Answers a port-forward: a refusal, or 101 with the connection served on its own task.
pub(crate) fn upgrade(app: &AppState, ns: &str, name: &str, parts: &mut Parts) -> Response {
    let Some(pod) = app.store.get(Kind::Pod, ns, name).map(|o| o.value()) else {
        return not_found(Kind::Pod, name).into();
    };
    let query = parts.uri.query().unwrap_or_default();
    let port = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "ports")
        .and_then(|(_, v)| {
            v.split(',')
                .next()
                .and_then(|p| p.trim().parse::<u16>().ok())
        });
    let Some(port) = port else {
        return status(400, "BadRequest", "query parameter \"ports\" is required");
    };
    if pod["status"]["phase"] != "Running" {
        let phase = pod["status"]["phase"].as_str().unwrap_or("Unknown");
        return status(
            400,
            "BadRequest",
            format!("pod {name} is not running (phase {phase})"),
        );
    }
    let listening = declared(&pod, port);
    let page = Page {
        pod: format!("{ns}/{name}"),
        port,
    };
    let protocols = app.faults.speaks(&PROTOCOLS);
    super::upgrade::accept(parts, &protocols, "port-forward", move |ws, _| {
        serve(ws, page, listening)
    })
}

/// Whether a container of `pod` declares `port`.
fn declared(pod: &serde_json::Value, port: u16) -> bool {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .any(|p| p["containerPort"].as_u64() == Some(u64::from(port)))
}

struct Page {
    pod: String,
    port: u16,
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut out = BytesMut::with_capacity(data.len() + 1);
    out.put_u8(channel);
    out.put_slice(data);
    Message::Binary(out.freeze())
}

async fn serve(ws: Ws, page: Page, listening: bool) {
    let (mut sink, mut stream) = ws.split();
    let port = page.port.to_le_bytes();
    for channel in [0, 1] {
        if sink.send(frame(channel, &port)).await.is_err() {
            return;
        }
    }
    if !listening {
        let why = format!(
            "error forwarding port {} to pod {}: failed to connect to localhost:{}: connection refused",
            page.port, page.pod, page.port
        );
        let _ = sink.send(frame(1, why.as_bytes())).await;
        let _ = sink.close().await;
        return;
    }
    let mut request = Vec::new();
    while let Some(Ok(msg)) = stream.next().await {
        if let Message::Binary(data) = msg
            && data.first() == Some(&0)
        {
            request.extend_from_slice(&data[1..]);
            if request.windows(4).any(|w| w == b"\r\n\r\n") || request.len() > 64 * 1024 {
                break;
            }
        }
    }
    answer(&mut sink, &page, &request).await;
    let normal = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = sink.send(Message::Close(Some(normal))).await;
    let _ = sink.close().await;
}

/// The HTTP answer: the page, or `/bytes/N` zero bytes sent as they are taken.
async fn answer(sink: &mut futures::stream::SplitSink<Ws, Message>, page: &Page, request: &[u8]) {
    let line = String::from_utf8_lossy(request);
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let size = path
        .strip_prefix("/bytes/")
        .and_then(|n| n.parse::<u64>().ok());
    let body = format!("kr8s-tui demo: pod {} port {}\n", page.pod, page.port);
    let length = size.unwrap_or(body.len() as u64);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    if sink.send(frame(0, head.as_bytes())).await.is_err() {
        return;
    }
    let Some(mut left) = size else {
        let _ = sink.send(frame(0, body.as_bytes())).await;
        return;
    };
    let zeros = Bytes::from(vec![0u8; CHUNK]);
    while left > 0 {
        let n = usize::try_from(left.min(CHUNK as u64)).unwrap_or(CHUNK);
        if sink.send(frame(0, &zeros[..n])).await.is_err() {
            return;
        }
        left -= n as u64;
    }
}
