//! A tiny HTTPS server that answers every request with whatever bytes a test wants (malformed
//! JSON, truncated chunked streams, hostile names), over real TLS with its own throwaway CA.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, SanType,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// What to send for a request: raw bytes after the TLS handshake (status line included).
pub type Responder = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

pub struct GarbageServer {
    pub addr: SocketAddr,
    pub ca_pem: String,
}

impl GarbageServer {
    pub async fn start(respond: Responder) -> GarbageServer {
        let ca_key = KeyPair::generate().expect("key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).expect("ca");
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &issuer).expect("cert");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let respond = respond.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    // One request per connection: read the head, answer, close.
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let target = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let _ = tls.write_all(&respond(&target)).await;
                    let _ = tls.flush().await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        GarbageServer {
            addr,
            ca_pem: ca_cert.pem(),
        }
    }

    /// A kubeconfig with one context `g` (namespace default) for this server.
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        let ca = base64::engine::general_purpose::STANDARD.encode(&self.ca_pem);
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: g\nclusters:\n- name: g\n  cluster:\n    server: https://{}\n    certificate-authority-data: {ca}\nusers:\n- name: g\n  user:\n    token: garbage-test-token\ncontexts:\n- name: g\n  context:\n    cluster: g\n    user: g\n    namespace: default\n",
            self.addr
        );
        let path = dir.join("garbage.yaml");
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }
}

/// A complete `200 OK` JSON response with a Content-Length.
pub fn ok_json(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A chunked `200 OK` whose chunks are `chunks`; without the final `0` chunk when `truncated`.
pub fn chunked(chunks: &[&[u8]], truncated: bool) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for c in chunks {
        out.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    if !truncated {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    out
}

/// A pod object as JSON with `name` (any characters; JSON-escaped here).
pub fn pod_json(namespace: &str, name: &str, rv: u32) -> String {
    serde_json::json!({
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": format!("uid-{rv}"),
            "resourceVersion": rv.to_string(),
            "creationTimestamp": "2026-11-20T10:00:00Z"
        },
        "spec": {"containers": [{"name": "c"}], "nodeName": "node-1"},
        "status": {"phase": "Running", "podIP": "10.0.0.1"}
    })
    .to_string()
}
