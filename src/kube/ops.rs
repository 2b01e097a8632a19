//! Changing objects the way kubectl does: PATCH (merge, strategic merge, JSON patch), the
//! `scale` subresource, rollout restart, cordon, and the Eviction API. Errors keep the server's
//! code and Status (409, 422, 429 from a PodDisruptionBudget) so callers can react to them.

pub mod drain;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};

use super::client::{ApiRequest, Client};
use super::error::KubeError;
use super::url::encode_query_value;

/// The annotation `kubectl rollout restart` sets on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// How a PATCH body is to be read by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 7386 JSON merge patch.
    Merge,
    /// Kubernetes strategic merge patch (lists merged by key; what kubectl sends for built-ins).
    StrategicMerge,
    /// RFC 6902 JSON patch (a list of operations).
    JsonPatch,
}

impl PatchType {
    /// The Content-Type header that names this patch type.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Merge => "application/merge-patch+json",
            PatchType::StrategicMerge => "application/strategic-merge-patch+json",
            PatchType::JsonPatch => "application/json-patch+json",
        }
    }
}

/// A call_api request for an absolute object `path`: kr8s joins base and url with '/', so the
/// path is split at its last segment.
fn request(
    method: Method,
    path: &str,
    query: &str,
    body: &Value,
    content_type: &str,
) -> ApiRequest {
    let (base, url) = path.rsplit_once('/').unwrap_or(("", path));
    ApiRequest {
        method,
        version: String::new(),
        base: base.to_string(),
        namespace: None,
        url: url.to_string(),
        query: query.to_string(),
        body: Some(Bytes::from(body.to_string())),
        content_type: Some(content_type.to_string()),
    }
}

/// Decodes an answer body as JSON (an empty body is `null`).
fn decode(path: &str, body: &[u8]) -> Result<Value, KubeError> {
    if body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// PATCHes the object at `path` with `body`; with `dry_run` the server only says what it would
/// store (`dryRun=All`). Returns the object as the server has (or would have) it.
pub async fn patch(
    client: &Client,
    path: &str,
    kind: PatchType,
    body: &Value,
    dry_run: bool,
) -> Result<Value, KubeError> {
    let query = if dry_run { "dryRun=All" } else { "" };
    let req = request(Method::PATCH, path, query, body, kind.content_type());
    let resp = client.call_api(&req).await?;
    decode(path, &resp.body)
}

/// The merge patch `kubectl scale` sends to the `scale` subresource.
pub fn scale_patch(replicas: u32) -> Value {
    json!({ "spec": { "replicas": replicas } })
}

/// Sets the replicas of the workload at `path` (a Deployment, StatefulSet or ReplicaSet)
/// through its `scale` subresource, as `kubectl scale` does.
pub async fn scale(client: &Client, path: &str, replicas: u32) -> Result<Value, KubeError> {
    let body = scale_patch(replicas);
    patch(
        client,
        &format!("{path}/scale"),
        PatchType::Merge,
        &body,
        false,
    )
    .await
}

/// `kubectl rollout restart`'s patch: the pod template's restartedAt annotation, RFC 3339 to the
/// second (Go's `time.RFC3339`).
pub fn restart_patch(now: jiff::Timestamp) -> Value {
    let at = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({ "spec": { "template": { "metadata": { "annotations": { RESTARTED_AT: at } } } } })
}

/// Restarts the rollout of the workload at `path` (Deployment, StatefulSet, DaemonSet): a
/// strategic merge patch of the restartedAt annotation, stamped `now`.
pub async fn restart(
    client: &Client,
    path: &str,
    now: jiff::Timestamp,
) -> Result<Value, KubeError> {
    let body = restart_patch(now);
    patch(client, path, PatchType::StrategicMerge, &body, false).await
}

/// kubectl's cordon patch: `unschedulable: true`, or the field removed to uncordon.
pub fn cordon_patch(cordon: bool) -> Value {
    let value = if cordon { json!(true) } else { Value::Null };
    json!({ "spec": { "unschedulable": value } })
}

/// Marks node `node` unschedulable (`cordon`) or schedulable again.
pub async fn cordon(client: &Client, node: &str, cordon: bool) -> Result<Value, KubeError> {
    let path = format!("/api/v1/nodes/{node}");
    let body = cordon_patch(cordon);
    patch(client, &path, PatchType::StrategicMerge, &body, false).await
}

/// The policy/v1 Eviction for pod `namespace/pod`.
pub fn eviction(namespace: &str, pod: &str) -> Value {
    json!({
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": { "name": pod, "namespace": namespace },
    })
}

/// Asks the server to evict pod `namespace/pod` (honouring PodDisruptionBudgets: a 429 says a
/// budget forbids it now).
pub async fn evict(client: &Client, namespace: &str, pod: &str) -> Result<(), KubeError> {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}/eviction");
    let body = eviction(namespace, pod);
    let req = request(Method::POST, &path, "", &body, "application/json");
    client.call_api(&req).await.map(|_| ())
}

/// The uid of pod `namespace/pod`; `None` once it is gone (404).
pub async fn pod_uid(
    client: &Client,
    namespace: &str,
    pod: &str,
) -> Result<Option<String>, KubeError> {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}");
    match client.get_accept(&path, super::wire::JSON).await {
        Ok(resp) => {
            let pod = decode(&path, &resp.body)?;
            let uid = pod.pointer("/metadata/uid").and_then(Value::as_str);
            Ok(Some(uid.unwrap_or_default().to_string()))
        }
        Err(e) if e.code() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every pod scheduled on `node`, in all namespaces (full objects, for drain's checks).
pub async fn pods_on_node(client: &Client, node: &str) -> Result<Vec<Value>, KubeError> {
    let path = "/api/v1/pods";
    let selector = encode_query_value(&format!("spec.nodeName={node}"));
    let resp = client
        .get_accept(
            &format!("{path}?fieldSelector={selector}"),
            super::wire::JSON,
        )
        .await?;
    let list = decode(path, &resp.body)?;
    let items = list.get("items").and_then(Value::as_array);
    Ok(items.cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_are_the_ones_kubectl_sends() {
        assert_eq!(scale_patch(3).to_string(), r#"{"spec":{"replicas":3}}"#);
        let now: jiff::Timestamp = "2026-12-07T15:04:05.123Z".parse().expect("time");
        assert_eq!(
            restart_patch(now).to_string(),
            r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-12-07T15:04:05Z"}}}}}"#
        );
        assert_eq!(
            cordon_patch(true).to_string(),
            r#"{"spec":{"unschedulable":true}}"#
        );
        assert_eq!(
            cordon_patch(false).to_string(),
            r#"{"spec":{"unschedulable":null}}"#
        );
        assert_eq!(eviction("shop", "web-1")["apiVersion"], "policy/v1");
    }

    #[test]
    fn a_path_becomes_a_call_api_request_to_the_same_path() {
        let body = json!({});
        let req = request(
            Method::PATCH,
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
            "dryRun=All",
            &body,
            PatchType::Merge.content_type(),
        );
        assert_eq!(
            req.path().expect("path"),
            "/apis/apps/v1/namespaces/default/deployments/web/scale?dryRun=All"
        );
        assert_eq!(
            req.content_type.as_deref(),
            Some("application/merge-patch+json")
        );
    }
}
