//! Reading discovery from a server: core v1 plus the preferred version of each group.

use super::{ApiGroupList, ApiResource, ApiResourceList, ApiVersions, group_version_path};
use crate::kube::wire::JSON;
use crate::kube::{Client, KubeError};

/// Every listable resource type: core v1 plus the preferred version of each group. Groups that
/// fail to answer are skipped (like kubectl's partial discovery); the core group may not fail.
pub async fn discover(client: &Client) -> Result<Vec<ApiResource>, KubeError> {
    let core: ApiVersions = get_doc(client, "/api").await?;
    let mut paths: Vec<String> = core
        .versions
        .iter()
        .map(|v| group_version_path(v))
        .collect();
    let groups: ApiGroupList = get_doc(client, "/apis").await.unwrap_or_default();
    paths.extend(
        groups
            .groups
            .iter()
            .filter_map(|g| g.preferred())
            .map(group_version_path),
    );
    let lists =
        futures::future::join_all(paths.iter().map(|p| get_doc::<ApiResourceList>(client, p)))
            .await;
    let mut resources = Vec::new();
    for (path, list) in paths.iter().zip(lists) {
        match list {
            Ok(list) => resources.extend(list.into_resources()),
            Err(e) if path.starts_with("/api/") => return Err(e),
            Err(e) => tracing::warn!(path, error = %e, "discovery: skipping group"),
        }
    }
    Ok(resources)
}

async fn get_doc<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<T, KubeError> {
    let resp = client.get_accept(path, JSON).await?;
    serde_json::from_slice(&resp.body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}
