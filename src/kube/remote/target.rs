//! What a port-forward goes to, as kubectl resolves it: a pod by name, or a service or
//! deployment through its selector to a ready pod, with a service port mapped to its target
//! port (a number, or a container port's name).

use serde_json::Value;

use crate::kube::client::Client;
use crate::kube::error::KubeError;
use crate::kube::url::encode_query_value;
use crate::kube::wire::JSON;

/// A pod and the port on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodPort {
    pub pod: String,
    pub port: u16,
}

fn bad(message: String) -> KubeError {
    KubeError::Streaming(message)
}

async fn get(client: &Client, path: &str) -> Result<Value, KubeError> {
    let resp = client.get_accept(path, JSON).await?;
    serde_json::from_slice(&resp.body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// Resolves `target` (`pod/x`, `x`, `svc/x`, `service/x`, `deploy/x`, `deployment/x`) in
/// `namespace` and `port` (the remote port as given) to a pod and a container port.
pub async fn resolve(
    client: &Client,
    namespace: &str,
    target: &str,
    port: u16,
) -> Result<PodPort, KubeError> {
    let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
    let ns = format!("/api/v1/namespaces/{namespace}");
    match kind {
        "pod" | "pods" | "po" => Ok(PodPort {
            pod: name.to_string(),
            port,
        }),
        "svc" | "service" | "services" => {
            let svc = get(client, &format!("{ns}/services/{name}")).await?;
            let selector = match_labels(&svc["spec"]["selector"]);
            if selector.is_empty() {
                return Err(bad(format!(
                    "service {name} has no selector, so no pod to forward to"
                )));
            }
            let pod = ready_pod(client, namespace, &selector, &format!("service {name}")).await?;
            let port = target_port(&svc, &pod, port, name)?;
            Ok(PodPort {
                pod: pod["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                port,
            })
        }
        "deploy" | "deployment" | "deployments" => {
            let path = format!("/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
            let deploy = get(client, &path).await?;
            let selector = match_labels(&deploy["spec"]["selector"]["matchLabels"]);
            let pod =
                ready_pod(client, namespace, &selector, &format!("deployment {name}")).await?;
            Ok(PodPort {
                pod: pod["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                port,
            })
        }
        other => Err(bad(format!(
            "cannot forward to a {other}: use pod/NAME, svc/NAME or deploy/NAME"
        ))),
    }
}

fn match_labels(map: &Value) -> String {
    let mut pairs: Vec<String> = map
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    pairs.join(",")
}

/// A Ready pod of the selector, as kubectl picks one (running and ready first).
async fn ready_pod(
    client: &Client,
    namespace: &str,
    selector: &str,
    what: &str,
) -> Result<Value, KubeError> {
    let path = format!(
        "/api/v1/namespaces/{namespace}/pods?labelSelector={}",
        encode_query_value(selector)
    );
    let list = get(client, &path).await?;
    let ready = |p: &&Value| {
        p["metadata"]["deletionTimestamp"].is_null()
            && p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
    };
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(ready)
        .cloned()
        .ok_or_else(|| bad(format!("{what} has no ready pod to forward to")))
}

/// The container port a service port leads to: `targetPort` as a number, or as the name of
/// a port of the pod's containers.
fn target_port(svc: &Value, pod: &Value, port: u16, name: &str) -> Result<u16, KubeError> {
    let ports = svc["spec"]["ports"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let entry = ports
        .iter()
        .find(|p| p["port"].as_u64() == Some(u64::from(port)))
        .ok_or_else(|| {
            bad(format!(
                "service {name} does not have a service port {port}"
            ))
        })?;
    let target = &entry["targetPort"];
    if let Some(n) = target.as_u64() {
        return u16::try_from(n).map_err(|_| bad(format!("service {name}: bad targetPort {n}")));
    }
    let Some(port_name) = target.as_str() else {
        return Ok(port);
    };
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .find(|p| p["name"] == port_name)
        .and_then(|p| p["containerPort"].as_u64())
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| {
            bad(format!(
                "no container port named {port_name} for service {name}"
            ))
        })
}
