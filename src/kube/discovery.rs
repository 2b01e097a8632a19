//! API discovery: the resource types a server offers (`/api`, `/apis` and their group versions)
//! and how a name typed by a user (`deploy`, `pods`, `Deployment`, `deployments.apps`) resolves
//! to one of them. Parsing and resolution are pure; `fetch` reads them from a server.

mod fetch;
mod resolve;
#[cfg(test)]
mod tests_v1_20;

use serde::Deserialize;

pub use fetch::discover;
pub use resolve::{ResolveError, Resolved, completion_names, preferred, resolve, resolve_noting};

/// One listable resource type of one group version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiResource {
    /// API group; empty for the core group.
    pub group: String,
    pub version: String,
    /// Plural resource name used in paths (`deployments`).
    pub plural: String,
    pub singular: String,
    /// The kind (`Deployment`).
    pub kind: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    pub verbs: Vec<String>,
}

impl ApiResource {
    /// The core `v1` pods resource, known without asking the server.
    pub fn pods() -> ApiResource {
        ApiResource {
            group: String::new(),
            version: "v1".into(),
            plural: "pods".into(),
            singular: "pod".into(),
            kind: "Pod".into(),
            short_names: vec!["po".into()],
            namespaced: true,
            verbs: ["get", "list", "watch", "delete"]
                .map(String::from)
                .to_vec(),
        }
    }

    /// True for core v1 pods (which the app shows in its own pods table).
    pub fn is_pods(&self) -> bool {
        self.group.is_empty() && self.plural == "pods"
    }

    /// `deployments.apps` or `pods`: the unambiguous name kubectl accepts.
    pub fn qualified_name(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether the server allows `verb` on this resource.
    pub fn allows(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    fn prefix(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The collection path, in `namespace` when the resource is namespaced and one is given.
    pub fn collection_path(&self, namespace: Option<&str>) -> String {
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{}/namespaces/{ns}/{}", self.prefix(), self.plural),
            None => format!("{}/{}", self.prefix(), self.plural),
        }
    }

    /// The path of one object.
    pub fn object_path(&self, namespace: Option<&str>, name: &str) -> String {
        format!("{}/{name}", self.collection_path(namespace))
    }
}

/// `/api` (APIVersions).
#[derive(Debug, Deserialize, Default)]
pub struct ApiVersions {
    #[serde(default)]
    pub versions: Vec<String>,
}

/// `/apis` (APIGroupList).
#[derive(Debug, Deserialize, Default)]
pub struct ApiGroupList {
    #[serde(default)]
    pub groups: Vec<ApiGroup>,
}

/// One group of `/apis`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroup {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub versions: Vec<GroupVersion>,
    pub preferred_version: Option<GroupVersion>,
}

impl ApiGroup {
    /// The served group versions, preferred first, then the others in the server's order:
    /// the order kubectl's RESTMapper tries them in.
    pub fn versions_by_preference(&self) -> Vec<&str> {
        let preferred = self
            .preferred_version
            .as_ref()
            .map(|v| v.group_version.as_str())
            .filter(|v| !v.is_empty());
        let others = self
            .versions
            .iter()
            .map(|v| v.group_version.as_str())
            .filter(|v| !v.is_empty() && Some(*v) != preferred);
        preferred.into_iter().chain(others).collect()
    }
}

/// `apps/v1` and its version.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GroupVersion {
    #[serde(default)]
    pub group_version: String,
}

/// `/api/v1`, `/apis/apps/v1` (APIResourceList).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApiResourceList {
    #[serde(default)]
    pub group_version: String,
    #[serde(default)]
    pub resources: Vec<RawResource>,
}

/// One entry of an APIResourceList as the server sends it.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RawResource {
    pub name: String,
    pub singular_name: String,
    pub namespaced: bool,
    pub kind: String,
    pub verbs: Vec<String>,
    pub short_names: Vec<String>,
}

impl ApiResourceList {
    /// The listable resources (subresources such as `pods/log` dropped).
    pub fn into_resources(self) -> Vec<ApiResource> {
        let (group, version) = match self.group_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), self.group_version.clone()),
        };
        self.resources
            .into_iter()
            .filter(|r| !r.name.contains('/') && r.verbs.iter().any(|v| v == "list"))
            .map(|r| ApiResource {
                group: group.clone(),
                version: version.clone(),
                singular: if r.singular_name.is_empty() {
                    r.kind.to_ascii_lowercase()
                } else {
                    r.singular_name
                },
                plural: r.name,
                kind: r.kind,
                short_names: r.short_names,
                namespaced: r.namespaced,
                verbs: r.verbs,
            })
            .collect()
    }
}

/// The path of a group version's resource list: `v1` → `/api/v1`, `apps/v1` → `/apis/apps/v1`.
pub fn group_version_path(group_version: &str) -> String {
    if group_version.contains('/') {
        format!("/apis/{group_version}")
    } else {
        format!("/api/{group_version}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_lists_drop_subresources_and_build_paths() {
        let list: ApiResourceList = serde_json::from_str(
            r#"{"groupVersion":"apps/v1","resources":[
              {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get","list"],"shortNames":["deploy"]},
              {"name":"deployments/scale","singularName":"","namespaced":true,"kind":"Scale","verbs":["get"]}]}"#,
        )
        .expect("valid list");
        let res = list.into_resources();
        assert_eq!(res.len(), 1);
        assert_eq!(
            res[0].collection_path(Some("shop")),
            "/apis/apps/v1/namespaces/shop/deployments"
        );
        assert_eq!(
            res[0].object_path(None, "web"),
            "/apis/apps/v1/deployments/web"
        );
        let nodes = ApiResource {
            plural: "nodes".into(),
            version: "v1".into(),
            ..ApiResource::default()
        };
        assert_eq!(nodes.object_path(Some("shop"), "n1"), "/api/v1/nodes/n1");
        assert_eq!(group_version_path("v1"), "/api/v1");
    }
}
