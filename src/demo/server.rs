//! The TLS listener: accepts on 127.0.0.1, serves HTTP/1.1 and HTTP/2 through hyper-util's auto
//! builder, and can be bounced (every connection dropped, then the same port again).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::DemoError;
use super::routes::{AppState, router};

/// A listening server and the task that owns its connections.
pub(crate) struct Server {
    addr: SocketAddr,
    acceptor: TlsAcceptor,
    router: axum::Router,
    task: Mutex<Option<JoinHandle<()>>>,
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // Lets a restart take the same port back while old connections sit in TIME_WAIT.
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
    ) -> Result<Arc<Server>, DemoError> {
        let listener = bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let server = Arc::new(Server {
            addr: listener.local_addr()?,
            acceptor: TlsAcceptor::from(tls),
            router: router(app),
            task: Mutex::new(None),
        });
        server.serve(listener);
        Ok(server)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn serve(&self, listener: TcpListener) {
        let task = tokio::spawn(accept_loop(
            listener,
            self.acceptor.clone(),
            self.router.clone(),
        ));
        let mut slot = self.task.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = slot.replace(task) {
            old.abort();
        }
    }

    /// Stops accepting and drops every open connection (aborting the task drops its JoinSet).
    pub fn stop(&self) {
        let mut slot = self.task.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(task) = slot.take() {
            task.abort();
        }
    }

    /// Stops, waits `down_for`, and listens on the same address again.
    pub async fn restart(&self, down_for: Duration) -> Result<(), DemoError> {
        tracing::info!(?down_for, "demo server restarting");
        self.stop();
        tokio::time::sleep(down_for).await;
        let mut attempt = 0;
        let listener = loop {
            match bind(self.addr) {
                Ok(l) => break l,
                Err(e) if attempt < 20 => {
                    tracing::debug!(error = %e, "rebind failed, retrying");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.serve(listener);
        Ok(())
    }
}

/// Runs restarts asked for by `POST /demo/restart` (a handler cannot restart the server that
/// runs it, so it hands the job over here).
pub(crate) fn spawn_restarter(
    server: Arc<Server>,
    mut rx: mpsc::UnboundedReceiver<Duration>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(mut down_for) = rx.recv().await {
            // Let the 202 reach the client before its connection is dropped.
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Restarts asked for meanwhile are one restart: a backlog of them (a fast chaos
            // schedule) would keep the server bouncing long after the asking stopped.
            while let Ok(more) = rx.try_recv() {
                down_for = down_for.max(more);
            }
            if let Err(e) = server.restart(down_for).await {
                tracing::warn!(error = %e, "demo server restart failed");
            }
        }
    })
}

async fn accept_loop(listener: TcpListener, acceptor: TlsAcceptor, router: axum::Router) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => {
                    conns.spawn(serve_connection(tcp, acceptor.clone(), router.clone()));
                }
                Err(e) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "demo accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
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
