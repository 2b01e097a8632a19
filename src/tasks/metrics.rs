//! The metrics poll: every interval, one list of PodMetrics (the namespace, or all) and one of
//! NodeMetrics, answered as a `Msg::Metrics` of the pods generation. Never per pod, never in
//! the way of the table. A server without metrics.k8s.io (404) is told once and left alone; a
//! 403 is retried rarely, in case someone grants the role.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::kube::{Client, Failure};
use crate::msg::{MetricsReport, Msg};

/// Wait after a 403 before asking again.
const FORBIDDEN_RETRY: Duration = Duration::from_secs(300);

/// Polls until the receiver is gone, the task is aborted, or the API turns out not served.
pub(super) async fn poll(
    client: Client,
    namespace: Option<String>,
    generation: u64,
    interval: Duration,
    tx: UnboundedSender<Msg>,
) {
    loop {
        let (report, wait) = match client.pod_metrics(namespace.as_deref()).await {
            Ok(pods) => {
                // Nodes are few; a failure there (e.g. forbidden) only leaves them blank.
                let nodes = client.node_metrics().await.unwrap_or_default();
                let report = MetricsReport::Sample {
                    pods: Arc::new(pods),
                    nodes: Arc::new(nodes),
                };
                (report, Some(interval))
            }
            Err(e) => {
                let failure = Failure::from(e);
                let wait = match failure.code {
                    Some(404) => None,
                    Some(401 | 403) => Some(FORBIDDEN_RETRY),
                    _ => Some(interval),
                };
                tracing::debug!(code = ?failure.code, "metrics poll failed");
                (MetricsReport::Unavailable(failure), wait)
            }
        };
        if tx.send(Msg::Metrics { generation, report }).is_err() {
            return;
        }
        match wait {
            Some(wait) => tokio::time::sleep(wait).await,
            None => return,
        }
    }
}
