//! Reading discovery from a server: every served version of the core group and of each group.

use bytes::Bytes;

use super::{ApiGroupList, ApiResource, ApiResourceList, ApiVersions, group_version_path};
use crate::kube::wire::JSON;
use crate::kube::{Client, KubeError};

/// Every listable resource type of every served version, in kubectl's priority order: core
/// first, then the groups as `/apis` lists them, each group's preferred version first; this
/// order is what [`super::resolve()`] relies on. Versions are read concurrently; groups that
/// fail to answer are skipped (like kubectl's partial discovery); the core group may not fail.
pub async fn discover(client: &Client) -> Result<Vec<ApiResource>, KubeError> {
    discover_with(|path| async move { client.get_doc(&path, JSON).await }).await
}

/// [`discover`] over any way of reading a document (tests answer from fixtures).
pub(super) async fn discover_with<F, Fut>(get: F) -> Result<Vec<ApiResource>, KubeError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Bytes, KubeError>>,
{
    let core: ApiVersions = decode("/api", get("/api".into()).await?)?;
    let groups = match get("/apis".into()).await.and_then(|b| decode("/apis", b)) {
        Ok(groups) => groups,
        Err(e) => {
            tracing::warn!(error = %e, "discovery: no API groups");
            ApiGroupList::default()
        }
    };
    let group_versions = priority_order(&core, &groups);
    let lists = futures::future::join_all(group_versions.iter().map(|gv| {
        let path = group_version_path(gv);
        let fetched = get(path.clone());
        async move { decode::<ApiResourceList>(&path, fetched.await?) }
    }))
    .await;
    let mut resources = Vec::new();
    for (gv, list) in group_versions.iter().zip(lists) {
        match list {
            Ok(list) => resources.extend(list.into_resources()),
            Err(e) if !gv.contains('/') => return Err(e),
            Err(e) => tracing::warn!(group_version = %gv, error = %e, "discovery: skipping"),
        }
    }
    Ok(resources)
}

/// The group versions to read, in the order kubectl prefers them: core first, then the groups
/// as `/apis` lists them (the server sorts them by priority), each one's preferred version
/// before its others.
fn priority_order(core: &ApiVersions, groups: &ApiGroupList) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let all = core.versions.iter().map(String::as_str).chain(
        groups
            .groups
            .iter()
            .flat_map(|g| g.versions_by_preference()),
    );
    for gv in all {
        if !order.iter().any(|seen| seen == gv) {
            order.push(gv.to_string());
        }
    }
    order
}

fn decode<T: serde::de::DeserializeOwned>(path: &str, body: Bytes) -> Result<T, KubeError> {
    serde_json::from_slice(&body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}
