//! Port-forwards started from the UI: a listener on 127.0.0.1 (the next free port when the
//! asked one is taken), one stream per connection, the counts reported every second while
//! they change, and an end with the reason when the pod goes away.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

use super::Tasks;
use crate::kube::Client;
use crate::kube::remote::{ForwardStats, forward_connection};
use crate::msg::{ForwardRow, Msg};

/// How often the counts are reported and the pod checked.
const REPORT: Duration = Duration::from_secs(1);

impl Tasks {
    pub(super) fn start_forward(
        &mut self,
        id: u64,
        context: &str,
        namespace: String,
        pod: String,
        local: u16,
        remote: u16,
    ) {
        self.forwards.retain(|_, t| !t.is_finished());
        let mut row = ForwardRow {
            id,
            wanted: local,
            target: format!("{namespace}/{pod}:{remote}"),
            ..ForwardRow::default()
        };
        let client = match self.client(context) {
            Ok(client) => client,
            Err(e) => {
                row.error = Some(e.to_string());
                row.ended = true;
                let _ = self.tx.send(Msg::Forward(row));
                return;
            }
        };
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let forward = Forward {
                client,
                namespace,
                pod,
                remote,
                tx,
            };
            forward.run(row, local).await;
        });
        self.forwards.insert(id, task);
    }

    pub(super) fn stop_forward(&mut self, id: u64) {
        if let Some(task) = self.forwards.remove(&id) {
            task.abort();
        }
        let _ = self.tx.send(Msg::ForwardStopped { id });
    }
}

struct Forward {
    client: Client,
    namespace: String,
    pod: String,
    remote: u16,
    tx: UnboundedSender<Msg>,
}

impl Forward {
    async fn run(self, mut row: ForwardRow, local: u16) {
        let listener = match bind(local).await {
            Ok(listener) => listener,
            Err(why) => return self.end(row, why),
        };
        row.local = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = self.tx.send(Msg::Forward(row.clone()));
        let stats = Arc::new(ForwardStats::default());
        let (errors_tx, mut errors) = tokio::sync::mpsc::unbounded_channel();
        let mut report = tokio::time::interval(REPORT);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((tcp, _)) = accepted else { continue };
                    let (client, ns, pod) = (self.client.clone(), self.namespace.clone(), self.pod.clone());
                    let (port, stats, errors_tx) = (self.remote, stats.clone(), errors_tx.clone());
                    tokio::spawn(async move {
                        if let Err(e) = forward_connection(&client, &ns, &pod, port, tcp, stats).await {
                            let _ = errors_tx.send(e.to_string());
                        }
                    });
                }
                Some(error) = errors.recv() => row.error = Some(error),
                _ = report.tick() => {
                    if self.pod_gone().await {
                        return self.end(row, format!("pod {} is gone", self.pod));
                    }
                    let fresh = counted(&row, &stats);
                    if fresh != row {
                        row = fresh;
                        let _ = self.tx.send(Msg::Forward(row.clone()));
                    }
                }
            }
        }
    }

    async fn pod_gone(&self) -> bool {
        let path = format!("/api/v1/namespaces/{}/pods/{}", self.namespace, self.pod);
        let answer = self.client.get_accept(&path, "application/json").await;
        answer.is_err_and(|e| e.code() == Some(404))
    }

    fn end(&self, mut row: ForwardRow, why: String) {
        row.error = Some(why);
        row.ended = true;
        let _ = self.tx.send(Msg::Forward(row));
    }
}

/// `row` with the current counts.
fn counted(row: &ForwardRow, stats: &ForwardStats) -> ForwardRow {
    ForwardRow {
        open: stats.open.load(Ordering::Relaxed),
        total: stats.total.load(Ordering::Relaxed),
        sent: stats.sent.load(Ordering::Relaxed),
        received: stats.received.load(Ordering::Relaxed),
        ..row.clone()
    }
}

/// Listens on 127.0.0.1:`port`, or the next free port of the following hundred when it is
/// taken (the row then shows the port actually used).
async fn bind(port: u16) -> Result<TcpListener, String> {
    match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
            for next in port.saturating_add(1)..port.saturating_add(100) {
                if let Ok(listener) = TcpListener::bind(("127.0.0.1", next)).await {
                    return Ok(listener);
                }
            }
            Err(format!("127.0.0.1:{port} and the next 99 ports are in use"))
        }
        Err(e) => Err(format!("unable to listen on 127.0.0.1:{port}: {e}")),
    }
}
