//! Exec, attach and port-forward: a WebSocket to a pod subresource, opened through the same
//! client as every other call (TLS, proxy, credentials with one 401 refresh, `--readonly`, the
//! request log), speaking Kubernetes' channel protocol: every binary message starts with a
//! channel byte (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 = close).

mod portforward;
mod session;
pub mod target;

use std::time::Instant;

use http::{HeaderValue, Method, StatusCode, header};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

pub use portforward::{
    ForwardStats, PORT_FORWARD_PROTOCOLS, forward_connection, port_forward_path,
};
pub use session::{ExitStatus, Input, Output, Session, exit_status_of};

use super::client::Client;
use super::error::KubeError;
use super::url::{encode_query_value, strip_query, with_query};

/// The channel protocols of exec and attach, best first (v5 can close stdin; v4 cannot).
pub const EXEC_PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

/// The channel bytes of the remote-command protocol.
pub mod channel {
    pub const STDIN: u8 = 0;
    pub const STDOUT: u8 = 1;
    pub const STDERR: u8 = 2;
    pub const ERROR: u8 = 3;
    pub const RESIZE: u8 = 4;
    /// v5 only: the rest of the message names a channel the sender will not write to again.
    pub const CLOSE: u8 = 255;
}

/// A WebSocket over the upgraded HTTP/1.1 connection.
pub type Socket = WebSocketStream<reqwest::Upgraded>;

/// An open WebSocket and the subprotocol the server chose.
pub struct Upgrade {
    pub socket: Socket,
    pub protocol: String,
}

/// What to run, and which streams to carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecParams {
    pub container: Option<String>,
    pub command: Vec<String>,
    pub stdin: bool,
    pub tty: bool,
}

impl ExecParams {
    fn query(&self, with_command: bool) -> String {
        let mut q = Vec::new();
        if with_command {
            q.extend(
                self.command
                    .iter()
                    .map(|c| format!("command={}", encode_query_value(c))),
            );
        }
        if let Some(c) = &self.container {
            q.push(format!("container={}", encode_query_value(c)));
        }
        q.push("stdout=true".into());
        if self.stdin {
            q.push("stdin=true".into());
        }
        // With a terminal the server merges stderr into stdout, as kubectl asks.
        if !self.tty {
            q.push("stderr=true".into());
        }
        if self.tty {
            q.push("tty=true".into());
        }
        q.join("&")
    }
}

/// `pods/exec` of `pod` running `params.command`.
pub fn exec_path(namespace: &str, pod: &str, params: &ExecParams) -> String {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}/exec");
    with_query(&path, &params.query(true))
}

/// `pods/attach` of `pod` (the container's main process).
pub fn attach_path(namespace: &str, pod: &str, params: &ExecParams) -> String {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}/attach");
    with_query(&path, &params.query(false))
}

/// Largest message accepted from the server: a pod printing fast sends many small ones.
const MAX_MESSAGE: usize = 16 << 20;

impl Client {
    /// Opens a WebSocket to `path`, offering `protocols`. Exec, attach and port-forward are
    /// `create` on their subresource, so `--readonly` refuses them before anything is sent.
    pub async fn upgrade(&self, path: &str, protocols: &[&str]) -> Result<Upgrade, KubeError> {
        if self.readonly() {
            return Err(KubeError::ReadOnly(format!("create {}", strip_query(path))));
        }
        let started = Instant::now();
        let result = self.upgrade_once(path, protocols).await;
        self.record_call(&Method::GET, path, started, &result);
        result
    }

    async fn upgrade_once(&self, path: &str, protocols: &[&str]) -> Result<Upgrade, KubeError> {
        let mut refreshed = false;
        loop {
            let key = generate_key();
            let rb = self
                .upgrade_request(path)
                .await?
                .header(header::CONNECTION, "Upgrade")
                .header(header::UPGRADE, "websocket")
                .header(header::SEC_WEBSOCKET_VERSION, "13")
                .header(header::SEC_WEBSOCKET_KEY, &key)
                .header(header::SEC_WEBSOCKET_PROTOCOL, protocols.join(", "));
            let resp = self.send_streaming(rb, path).await?;
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED && !refreshed && self.invalidate_auth().await {
                refreshed = true;
                continue;
            }
            if status != StatusCode::SWITCHING_PROTOCOLS {
                let refused = self.refused(path, resp).await;
                if !about_protocols(&refused) {
                    return Err(refused);
                }
                return Err(self
                    .unsupported(path, protocols, &refused.to_string())
                    .await);
            }
            let accepted = resp.headers().get(header::SEC_WEBSOCKET_ACCEPT);
            if accepted
                != HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
                    .ok()
                    .as_ref()
            {
                return Err(KubeError::Streaming(format!(
                    "{}: the server's WebSocket handshake is invalid",
                    strip_query(path)
                )));
            }
            let Some(protocol) = chosen(&resp, protocols) else {
                let said = "it switched protocols but agreed to none of them";
                return Err(self.unsupported(path, protocols, said).await);
            };
            let upgraded = resp
                .upgrade()
                .await
                .map_err(|e| KubeError::Streaming(format!("{}: {e}", strip_query(path))))?;
            let mut config = WebSocketConfig::default();
            config.max_message_size = Some(MAX_MESSAGE);
            config.max_frame_size = Some(MAX_MESSAGE);
            let socket =
                WebSocketStream::from_raw_socket(upgraded, Role::Client, Some(config)).await;
            return Ok(Upgrade { socket, protocol });
        }
    }

    /// The server does not speak the subprotocols offered: an older server, or a proxy in the
    /// way. The message names the server's version (when `/version` answers) and what is needed.
    async fn unsupported(&self, path: &str, protocols: &[&str], said: &str) -> KubeError {
        let version = match tokio::time::timeout(VERSION_WAIT, self.version()).await {
            Ok(Ok((info, _))) => format!("Kubernetes {}", info.git_version),
            _ => "version unknown".to_string(),
        };
        KubeError::Streaming(format!(
            "{}: the server ({version}) does not stream over WebSocket as kr8s-tui needs: \
             it must accept one of {}; it said: {said}",
            strip_query(path),
            protocols.join(", ")
        ))
    }

    /// A non-101 answer: the server's Status (403 from RBAC, 404 pod, 400 container not found…).
    async fn refused(&self, path: &str, resp: reqwest::Response) -> KubeError {
        let status = resp.status();
        let reason = status.canonical_reason().unwrap_or_default().to_string();
        match resp.bytes().await {
            Ok(body) => KubeError::from_response(status.as_u16(), &reason, &body),
            Err(e) => KubeError::Streaming(format!("{}: {e}", strip_query(path))),
        }
    }
}

/// How long an upgrade refused for its protocols waits for `/version` to name the server.
const VERSION_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A 400 about the subprotocols (the kubelet's and apiserver's words, and the demo's).
fn about_protocols(err: &KubeError) -> bool {
    let text = err.to_string();
    err.code() == Some(400)
        && (text.contains("protocol(s) are not supported") || text.contains("subprotocols"))
}

/// The subprotocol the server picked, if it is one we offered.
fn chosen(resp: &reqwest::Response, protocols: &[&str]) -> Option<String> {
    let picked = resp
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?;
    protocols
        .iter()
        .find(|p| p.eq_ignore_ascii_case(picked.trim()))
        .map(|p| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_paths_carry_the_command_and_streams_as_kubectl_sends_them() {
        let params = ExecParams {
            container: Some("app".into()),
            command: vec!["sh".into(), "-c".into(), "echo a b".into()],
            stdin: true,
            tty: true,
        };
        assert_eq!(
            exec_path("default", "web-0", &params),
            "/api/v1/namespaces/default/pods/web-0/exec?command=sh&command=-c&command=echo+a+b&container=app&stdout=true&stdin=true&tty=true"
        );
        let plain = ExecParams {
            command: vec!["ls".into()],
            ..ExecParams::default()
        };
        assert_eq!(
            exec_path("ns", "p", &plain),
            "/api/v1/namespaces/ns/pods/p/exec?command=ls&stdout=true&stderr=true"
        );
        assert_eq!(
            attach_path("ns", "p", &params),
            "/api/v1/namespaces/ns/pods/p/attach?container=app&stdout=true&stdin=true&tty=true"
        );
    }
}
