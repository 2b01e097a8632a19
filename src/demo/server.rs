//! The TLS listener: accepts on 127.0.0.1, serves HTTP/1.1 and HTTP/2 through hyper-util's auto
//! builder, and can be restarted (every connection dropped, the port kept, new connections
//! reset for a while).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

use super::DemoError;
use super::routes::{AppState, router};

/// Restarts of the listener, shared by the server, `POST /demo/restart` and the chaos. A
/// restart drops every connection and, for its down time, resets new ones at once; the socket
/// itself stays bound, so no other socket (a client's ephemeral port) can take the port and the
/// server always comes back.
pub(crate) struct Gate {
    down_until: Mutex<Option<Instant>>,
    /// Bumped by every restart: the accept loop drops the connections it holds.
    bounces: watch::Sender<u64>,
}

impl Gate {
    pub fn new() -> Arc<Gate> {
        Arc::new(Gate {
            down_until: Mutex::new(None),
            bounces: watch::Sender::new(0),
        })
    }

    /// Drops every connection and refuses new ones for `down_for`; restarts asked for
    /// meanwhile overlap instead of queueing, so the outage ends with the longest of them.
    pub fn restart(&self, down_for: Duration) {
        tracing::info!(?down_for, "demo server restarting");
        if !down_for.is_zero() {
            let until = Instant::now() + down_for;
            let mut slot = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
            *slot = Some(slot.map_or(until, |old| old.max(until)));
        }
        self.bounces.send_modify(|n| *n += 1);
    }

    /// Ends any down time now.
    pub fn heal(&self) {
        *self.down_until.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn is_down(&self) -> bool {
        let slot = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
        slot.is_some_and(|until| Instant::now() < until)
    }
}

/// A listening server and the task that owns its connections.
pub(crate) struct Server {
    addr: SocketAddr,
    task: Mutex<Option<JoinHandle<()>>>,
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // Lets a new server take a port back while old connections sit in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

impl Server {
    /// Binds 127.0.0.1:`port` (0 = any) and starts accepting.
    pub async fn start(
        port: u16,
        tls: Arc<rustls::ServerConfig>,
        app: AppState,
        gate: Arc<Gate>,
    ) -> Result<Arc<Server>, DemoError> {
        let listener = bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(
            listener,
            TlsAcceptor::from(tls),
            router(app),
            gate,
        ));
        Ok(Arc::new(Server {
            addr,
            task: Mutex::new(Some(task)),
        }))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, drops every open connection and frees the port (aborting the task
    /// drops the listener and its JoinSet).
    pub fn stop(&self) {
        let mut slot = self.task.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = slot.take() {
            task.abort();
        }
    }
}

/// Runs restarts asked for by `POST /demo/restart` a little later, so the handler's 202 reaches
/// the client before its connection is dropped.
pub(crate) fn spawn_restarter(
    gate: Arc<Gate>,
    mut rx: mpsc::UnboundedReceiver<Duration>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(down_for) = rx.recv().await {
            tokio::time::sleep(Duration::from_millis(50)).await;
            gate.restart(down_for);
        }
    })
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: axum::Router,
    gate: Arc<Gate>,
) {
    let mut conns = JoinSet::new();
    let mut bounces = gate.bounces.subscribe();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) if gate.is_down() => {
                    // A reset, as close as a bound socket gets to "connection refused".
                    let _ = tcp.set_zero_linger();
                }
                Ok((tcp, _peer)) => {
                    conns.spawn(serve_connection(tcp, acceptor.clone(), router.clone()));
                }
                Err(e) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "demo accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Ok(()) = bounces.changed() => conns.abort_all(),
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn serve_connection(tcp: TcpStream, acceptor: TlsAcceptor, router: axum::Router) {
    let _ = tcp.set_nodelay(true);
    let tls = match acceptor.accept(tcp).await {
        Ok(tls) => tls,
        Err(e) => {
            tracing::debug!(error = %e, "demo TLS handshake failed");
            return;
        }
    };
    // A verified client certificate authenticates every request of this connection.
    let client_cert = tls.get_ref().1.peer_certificates().is_some();
    let router = router.layer(axum::Extension(super::routes::ClientCertificate(
        client_cert,
    )));
    let service = TowerToHyperService::new(router);
    let builder = auto::Builder::new(TokioExecutor::new());
    if let Err(e) = builder
        .serve_connection_with_upgrades(TokioIo::new(tls), service)
        .await
    {
        tracing::debug!(error = %e, "demo connection ended with an error");
    }
}
