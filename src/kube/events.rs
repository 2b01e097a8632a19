//! Events about one object, found the way `kubectl describe` finds them.

use serde_json::Value;

use super::{Client, KubeError, ListParams};

/// The events naming `name` (in `namespace`; "" for a cluster-scoped object), via the
/// `involvedObject` field selector.
pub async fn events_about(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<Vec<Value>, KubeError> {
    let path = if namespace.is_empty() {
        "/api/v1/events".to_string()
    } else {
        format!("/api/v1/namespaces/{namespace}/events")
    };
    let mut selector = format!("involvedObject.name={name}");
    if !namespace.is_empty() {
        selector.push_str(&format!(",involvedObject.namespace={namespace}"));
    }
    let params = ListParams {
        field_selector: Some(selector),
        limit: Some(500),
        ..ListParams::default()
    };
    Ok(client.list_all::<Value>(&path, &params).await?.items)
}
