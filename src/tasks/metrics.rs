//! The metrics poll: every interval, one list of PodMetrics (the namespace, or all) and one of
//! NodeMetrics, answered as a `Msg::Metrics` of the pods generation. Never per pod, never in
//! the way of the table. A server without metrics.k8s.io (404) is told once and left alone; a
//! 403 is retried rarely, in case someone grants the role. Once metrics answer, the pods'
//! requests and limits are read once, for the percentage columns.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::kube::metrics::PodUsage;
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
    let send = |report| tx.send(Msg::Metrics { generation, report }).is_ok();
    let mut resources_read = false;
    loop {
        let (report, wait) = match client.pod_metrics(namespace.as_deref()).await {
            Ok(pods) => (sample(&client, pods).await, Some(interval)),
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
        let served = matches!(report, MetricsReport::Sample { .. });
        if !send(report) {
            return;
        }
        // After the first sample, so CPU and MEM show without waiting for a list of whole pods.
        if served && !resources_read {
            resources_read = true;
            match client.pod_resources(namespace.as_deref()).await {
                Ok(map) => {
                    if !send(MetricsReport::Resources(Arc::new(map))) {
                        return;
                    }
                }
                Err(e) => tracing::debug!(error = %e, "pod requests and limits unread"),
            }
        }
        match wait {
            Some(wait) => tokio::time::sleep(wait).await,
            None => return,
        }
    }
}

/// A sample of `pods` with the nodes' usage; nodes are few, and a failure there (e.g.
/// forbidden) only leaves them blank.
async fn sample(client: &Client, pods: PodUsage) -> MetricsReport {
    let nodes = client.node_metrics().await.unwrap_or_default();
    MetricsReport::Sample {
        pods: Arc::new(pods),
        nodes: Arc::new(nodes),
    }
}
