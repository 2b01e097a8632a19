//! Port-forward over WebSocket, one socket per forwarded TCP connection (as kubectl and
//! kube-rs do): `pods/NAME/portforward?ports=N`, channel 0 carries data and channel 1 errors,
//! and the first message the server sends on each channel starts with the port (2 bytes, LE).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::{BufMut, BytesMut};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::kube::client::Client;
use crate::kube::error::KubeError;

/// The protocols offered for port-forward, best first.
pub const PORT_FORWARD_PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "portforward.k8s.io"];

/// Bytes read from the local connection per message (also the most held per direction).
const CHUNK: usize = 64 * 1024;

/// What a forward has carried, shared with whoever shows it.
#[derive(Debug, Default)]
pub struct ForwardStats {
    /// Connections open now.
    pub open: AtomicU64,
    /// Connections handled in all.
    pub total: AtomicU64,
    /// Bytes from the local side to the pod, and back.
    pub sent: AtomicU64,
    pub received: AtomicU64,
}

/// `pods/NAME/portforward` for one port.
pub fn port_forward_path(namespace: &str, pod: &str, port: u16) -> String {
    format!("/api/v1/namespaces/{namespace}/pods/{pod}/portforward?ports={port}")
}

/// Carries one local TCP connection to `port` of `pod` until either side closes. An error
/// the pod side reports (nothing listens on the port…) comes back as `Err`.
pub async fn forward_connection(
    client: &Client,
    namespace: &str,
    pod: &str,
    port: u16,
    mut tcp: TcpStream,
    stats: Arc<ForwardStats>,
) -> Result<(), KubeError> {
    let path = port_forward_path(namespace, pod, port);
    let upgrade = client.upgrade(&path, &PORT_FORWARD_PROTOCOLS).await?;
    stats.open.fetch_add(1, Ordering::Relaxed);
    stats.total.fetch_add(1, Ordering::Relaxed);
    let result = pump(upgrade.socket, &mut tcp, &stats).await;
    stats.open.fetch_sub(1, Ordering::Relaxed);
    let _ = tcp.shutdown().await;
    result
}

async fn pump(
    mut ws: super::Socket,
    tcp: &mut TcpStream,
    stats: &ForwardStats,
) -> Result<(), KubeError> {
    let broke = |e: &dyn std::fmt::Display| KubeError::Streaming(format!("port-forward: {e}"));
    let (mut reader, mut writer) = tcp.split();
    let mut buf = vec![0u8; CHUNK];
    // The port prefix still to skip on the data and the error channel.
    let mut prefix = [2usize, 2usize];
    let mut error = Vec::new();
    let mut local_open = true;
    loop {
        tokio::select! {
            read = reader.read(&mut buf), if local_open => {
                let n = read.map_err(|e| broke(&e))?;
                if n == 0 {
                    // The local side finished sending; the pod's answer may still come.
                    local_open = false;
                    continue;
                }
                let mut frame = BytesMut::with_capacity(n + 1);
                frame.put_u8(0);
                frame.put_slice(&buf[..n]);
                ws.send(Message::Binary(frame.freeze())).await.map_err(|e| broke(&e))?;
                stats.sent.fetch_add(n as u64, Ordering::Relaxed);
            }
            msg = ws.next() => match msg {
                None | Some(Ok(Message::Close(_))) => break,
                Some(Err(e)) => return Err(broke(&e)),
                Some(Ok(Message::Binary(data))) => {
                    let Some((&channel, rest)) = data.split_first() else { continue };
                    let index = usize::from(channel & 1);
                    let skip = prefix[index].min(rest.len());
                    prefix[index] -= skip;
                    let rest = &rest[skip..];
                    if channel == 1 {
                        error.extend_from_slice(rest);
                    } else if !rest.is_empty() {
                        writer.write_all(rest).await.map_err(|e| broke(&e))?;
                        stats.received.fetch_add(rest.len() as u64, Ordering::Relaxed);
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    }
    match String::from_utf8_lossy(&error).trim() {
        "" => Ok(()),
        why => Err(KubeError::Streaming(why.to_string())),
    }
}
