//! A drain as `kubectl drain` does it: cordon, list the node's pods, refuse or plan, then evict
//! every pod through the Eviction API at once, retrying 429s (a PodDisruptionBudget) with a
//! jittered backoff. Every step is reported as a `Msg::Drain`.

use std::time::Duration;

use futures::future::join_all;
use tokio::sync::mpsc::UnboundedSender;

use crate::kube::ops::drain::{DrainEvent, DrainOptions, PlannedPod, PodProgress, plan};
use crate::kube::ops::{cordon, evict, pod_uid, pods_on_node};
use crate::kube::{Client, Failure, KubeError};
use crate::msg::Msg;

/// How often a terminating pod is looked at.
const GONE_POLL: Duration = Duration::from_secs(1);

/// First wait after a 429, and the longest.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// Drains `node`; ends after the last eviction (or the first failure before any).
pub async fn run(
    client: Client,
    id: u64,
    node: String,
    options: DrainOptions,
    tx: UnboundedSender<Msg>,
) {
    let send = |event| {
        let _ = tx.send(Msg::Drain { id, event });
    };
    if let Err(e) = cordon(&client, &node, true).await {
        return send(DrainEvent::Failed(Failure::from(e)));
    }
    send(DrainEvent::Cordoned);
    let pods = match pods_on_node(&client, &node).await {
        Ok(pods) => pods,
        Err(e) => return send(DrainEvent::Failed(Failure::from(e))),
    };
    let planned = match plan(&pods, options) {
        Ok(planned) => planned,
        Err(refusal) => return send(DrainEvent::Refused(refusal)),
    };
    send(DrainEvent::Planned(planned.clone()));
    let evictions = planned
        .iter()
        .enumerate()
        .filter(|(_, p)| p.skip.is_none())
        .map(|(index, pod)| evict_one(&client, index, pod, &send));
    join_all(evictions).await;
    send(DrainEvent::Finished);
}

/// Evicts one pod, waiting out PodDisruptionBudgets.
async fn evict_one(client: &Client, index: usize, pod: &PlannedPod, send: &impl Fn(DrainEvent)) {
    let report = |progress| send(DrainEvent::Pod { index, progress });
    report(PodProgress::Evicting);
    let mut delay = FIRST_RETRY;
    let mut attempt = 0;
    loop {
        let progress = match evict(client, &pod.namespace, &pod.name).await {
            Ok(()) => {
                report(PodProgress::Terminating);
                wait_gone(client, pod).await;
                PodProgress::Evicted
            }
            Err(e) if e.code() == Some(404) => PodProgress::Gone,
            Err(e) if e.code() == Some(429) => {
                attempt += 1;
                let wait = jittered(delay);
                let retry_at = jiff::Timestamp::now() + wait;
                let message = server_message(&e);
                report(PodProgress::Waiting {
                    attempt,
                    retry_at,
                    message,
                });
                tokio::time::sleep(wait).await;
                delay = (delay * 2).min(MAX_RETRY);
                continue;
            }
            Err(e) => PodProgress::Failed(server_message(&e)),
        };
        return report(progress);
    }
}

/// Waits until the pod is deleted, or replaced by one of the same name (a new uid), as
/// `kubectl drain` waits; a failed look is tried again (Esc stops the drain).
async fn wait_gone(client: &Client, pod: &PlannedPod) {
    loop {
        match pod_uid(client, &pod.namespace, &pod.name).await {
            Ok(None) => return,
            Ok(Some(uid)) if uid != pod.uid => return,
            Ok(Some(_)) | Err(_) => tokio::time::sleep(GONE_POLL).await,
        }
    }
}

/// The server's own words (the Status message), else the whole error.
fn server_message(e: &KubeError) -> String {
    match e {
        KubeError::Api { status, .. } => status.message.clone(),
        other => other.to_string(),
    }
}

/// `delay` ± 20 %, so many drains do not retry in step.
fn jittered(delay: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let factor = 0.8 + f64::from(nanos % 1000) / 2500.0;
    delay.mul_f64(factor)
}
