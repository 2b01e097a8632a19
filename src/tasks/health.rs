//! `Effect::CheckHealth`: `/version` of contexts other than the open one. A context whose user
//! authenticates with an exec plugin is never contacted here — running the plugin may prompt,
//! open a browser or take long — it is answered `NeedsExec` from the kubeconfig alone.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::Tasks;
use crate::kube::auth::AuthConfig;
use crate::kube::{Client, Failure, KubeError};
use crate::msg::{HealthResult, Msg, ServerVersion};

/// A health check gives up after this long (the context is shown as unreachable).
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

impl Tasks {
    /// Checks each of `contexts` concurrently; every one is answered with one `Msg::Health`.
    pub(super) fn check_health(&mut self, contexts: Vec<String>) {
        let Some(cache) = self.cache.clone() else {
            return;
        };
        for context in contexts {
            let tx = self.tx.clone();
            let resolved = match cache.kubeconfig() {
                Some(k) => k.connection(&context, None).map(|c| c.auth),
                None => Ok(AuthConfig::None),
            };
            let client = match resolved {
                Ok(AuthConfig::Exec(_)) => Err(HealthResult::NeedsExec),
                Ok(_) => cache
                    .api(Some(&context), None)
                    .map_err(|e| HealthResult::Down(e.into())),
                Err(e) => Err(HealthResult::Down(e.into())),
            };
            let client = match client {
                Ok(client) => client,
                Err(result) => {
                    let _ = tx.send(Msg::Health { context, result });
                    continue;
                }
            };
            tokio::spawn(async move {
                let result = match tokio::time::timeout(CHECK_TIMEOUT, client.version()).await {
                    Ok(Ok((v, latency))) => HealthResult::Up {
                        version: v.git_version,
                        latency,
                    },
                    Ok(Err(e)) => HealthResult::Down(e.into()),
                    Err(_) => HealthResult::Down(Failure::from(KubeError::Timeout {
                        method: "GET".into(),
                        path: "/version/".into(),
                        timeout: CHECK_TIMEOUT,
                    })),
                };
                let _ = tx.send(Msg::Health { context, result });
            });
        }
    }
}

/// Polls `/version` of the open context every `interval` for the status bar.
pub(super) async fn poll_version(
    client: Client,
    generation: u64,
    interval: Duration,
    tx: UnboundedSender<Msg>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let result = client
            .version()
            .await
            .map(|(v, latency)| {
                let version = ServerVersion {
                    git_version: v.git_version,
                    platform: v.platform,
                };
                (version, latency)
            })
            .map_err(Failure::from);
        if tx.send(Msg::Version { generation, result }).is_err() {
            return;
        }
    }
}
