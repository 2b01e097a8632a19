//! API discovery: the resource types a server offers (`/api`, `/apis` and their group versions)
//! and how a name typed by a user (`deploy`, `pods`, `Deployment`, `deployments.apps`) resolves
//! to one of them. Parsing and resolution are pure; `fetch` reads them from a server.

mod fetch;

use serde::Deserialize;

pub use fetch::discover;

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

/// Why a typed name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the server doesn't have a resource type \"{0}\"")]
    Unknown(String),
    #[error("\"{name}\" is ambiguous: {}", candidates.join(", "))]
    Ambiguous {
        name: String,
        /// Qualified names of the matches, e.g. `events, events.events.k8s.io`.
        candidates: Vec<String>,
    },
}

/// Finds the resource `name` means, the way kubectl does: plural, singular, short name or kind
/// (case-insensitive), optionally qualified with a group (`deployments.apps`, `deploy.apps`).
/// When several groups match, the core group wins, then a single match; otherwise ambiguous.
pub fn resolve<'a>(
    name: &str,
    resources: &'a [ApiResource],
) -> Result<&'a ApiResource, ResolveError> {
    let wanted = name.trim().to_ascii_lowercase();
    let mut matches: Vec<&ApiResource> = resources
        .iter()
        .filter(|r| names_match(r, &wanted))
        .collect();
    // Several versions of one group: keep the first listed (the preferred one).
    dedup_by_group(&mut matches);
    match matches.as_slice() {
        [] => Err(ResolveError::Unknown(name.trim().to_string())),
        [one] => Ok(one),
        many => many
            .iter()
            .find(|r| r.group.is_empty())
            .copied()
            .ok_or_else(|| ResolveError::Ambiguous {
                name: name.trim().to_string(),
                candidates: many.iter().map(|r| r.qualified_name()).collect(),
            }),
    }
}

fn names_match(r: &ApiResource, wanted: &str) -> bool {
    let bare = |w: &str| {
        r.plural == w
            || r.singular == w
            || r.kind.eq_ignore_ascii_case(w)
            || r.short_names.iter().any(|s| s == w)
    };
    if bare(wanted) {
        return true;
    }
    // `name.group`: the group must match exactly (kubectl also accepts a group prefix).
    match wanted.split_once('.') {
        Some((base, group)) if !r.group.is_empty() => {
            bare(base) && (r.group == group || r.group.starts_with(&format!("{group}.")))
        }
        _ => false,
    }
}

fn dedup_by_group(matches: &mut Vec<&ApiResource>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    matches.retain(|r| {
        let key = (r.group.as_str(), r.plural.as_str());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Every name a user could type for the resources, for completion (sorted, unique).
pub fn completion_names(resources: &[ApiResource]) -> Vec<String> {
    let mut names: Vec<String> = resources
        .iter()
        .flat_map(|r| {
            let mut n = vec![r.plural.clone(), r.singular.clone()];
            n.extend(r.short_names.iter().cloned());
            n
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
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
    /// The group version to list resources from: preferred, else the first.
    pub fn preferred(&self) -> Option<&str> {
        self.preferred_version
            .as_ref()
            .or(self.versions.first())
            .map(|v| v.group_version.as_str())
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

    fn res(group: &str, plural: &str, kind: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.into(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            namespaced: true,
            verbs: vec!["list".into()],
        }
    }

    fn catalog() -> Vec<ApiResource> {
        vec![
            ApiResource::pods(),
            res("", "events", "Event", &["ev"]),
            res("", "services", "Service", &["svc"]),
            res("apps", "deployments", "Deployment", &["deploy"]),
            res("events.k8s.io", "events", "Event", &[]),
            res("example.com", "widgets", "Widget", &["wd"]),
            res("other.io", "widgets", "Widget", &[]),
        ]
    }

    #[test]
    fn plural_singular_short_and_kind_resolve() {
        let all = catalog();
        for name in [
            "deployments",
            "deployment",
            "deploy",
            "Deployment",
            "DEPLOY",
        ] {
            assert_eq!(
                resolve(name, &all).map(|r| r.plural.as_str()),
                Ok("deployments"),
                "{name}"
            );
        }
        assert_eq!(resolve("po", &all).map(|r| r.is_pods()), Ok(true));
        assert_eq!(resolve("svc", &all).map(|r| r.kind.as_str()), Ok("Service"));
    }

    #[test]
    fn groups_qualify_and_core_wins() {
        let all = catalog();
        let ev = resolve("events", &all).expect("core events win");
        assert_eq!(ev.group, "");
        let ev = resolve("events.events.k8s.io", &all).expect("qualified");
        assert_eq!(ev.group, "events.k8s.io");
        let ev = resolve("events.events", &all).expect("group prefix");
        assert_eq!(ev.group, "events.k8s.io");
        assert_eq!(
            resolve("deployments.apps", &all).map(|r| r.group.as_str()),
            Ok("apps")
        );
        assert_eq!(
            resolve("wd.example.com", &all).map(|r| r.group.as_str()),
            Ok("example.com")
        );
    }

    #[test]
    fn ambiguity_and_unknown_are_reported() {
        let all = catalog();
        assert_eq!(
            resolve("widgets", &all),
            Err(ResolveError::Ambiguous {
                name: "widgets".into(),
                candidates: vec!["widgets.example.com".into(), "widgets.other.io".into()],
            })
        );
        let err = resolve("gizmo", &all).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "the server doesn't have a resource type \"gizmo\""
        );
        assert!(resolve("deployments.batch", &all).is_err());
    }

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
