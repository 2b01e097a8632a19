//! `/version` and the discovery documents kubectl and kube-rs read before anything else.
//!
//! Newer kubectl first asks for aggregated discovery (`as=APIGroupDiscoveryList`); answering with
//! the plain documents and `Content-Type: application/json` makes it fall back, so one shape
//! serves every client.

use axum::response::Response;
use http::HeaderMap;
use serde_json::{Value, json};

use super::resources::{GROUPS, Kind, VERSION};
use super::routes::json_value;

/// The discovery document a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doc {
    Api,
    CoreV1,
    Apis,
    /// `/apis/<group>`: one of [`GROUPS`].
    Group(&'static str),
    /// `/apis/<group>/v1`.
    GroupVersion(&'static str),
    /// `/apis/metrics.k8s.io` (see [`super::metrics`]).
    Metrics,
    /// `/apis/metrics.k8s.io/v1beta1`.
    MetricsVersion,
}

impl Doc {
    /// The served group named by a path segment.
    pub fn group(name: &str) -> Option<&'static str> {
        GROUPS.into_iter().find(|g| *g == name)
    }
}

/// What `/version` reports.
pub(crate) fn version() -> Response {
    json_value(&json!({
        "major": "1", "minor": "31", "gitVersion": "v1.31.0-kr8s-demo",
        "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
        "buildDate": "2024-08-13T07:28:49Z", "goVersion": "go1.22.5", "compiler": "gc",
        "platform": "linux/amd64"
    }))
}

fn resource(kind: Kind) -> Value {
    let mut verbs = vec!["get", "list"];
    if kind.can_watch() {
        verbs.push("watch");
    }
    if kind.writable() {
        verbs = vec!["create", "delete", "get", "list", "patch", "update"];
        if kind.can_watch() {
            verbs.push("watch");
        }
    }
    let mut r = json!({"name": kind.plural(), "singularName": kind.singular(),
        "namespaced": kind.namespaced(), "kind": kind.kind(), "verbs": verbs});
    if !kind.short_names().is_empty() {
        r["shortNames"] = json!(kind.short_names());
    }
    if !kind.categories().is_empty() {
        r["categories"] = json!(kind.categories());
    }
    r
}

/// The `status` and `scale` subresources the demo serves for `kind`.
fn subresources(kind: Kind) -> Vec<Value> {
    let mut subs = Vec::new();
    if kind.scalable() {
        subs.push(
            json!({"name": format!("{}/scale", kind.plural()), "singularName": "",
            "namespaced": true, "group": "autoscaling", "version": "v1", "kind": "Scale",
            "verbs": ["get", "patch", "update"]}),
        );
    }
    if kind.has_status() {
        subs.push(
            json!({"name": format!("{}/status", kind.plural()), "singularName": "",
            "namespaced": kind.namespaced(), "kind": kind.kind(),
            "verbs": ["get", "patch", "update"]}),
        );
    }
    subs
}

fn resource_list(group_version: &str, kinds: &[Kind], extra: Vec<Value>) -> Value {
    let mut resources: Vec<Value> = Vec::new();
    for k in kinds {
        resources.push(resource(*k));
        resources.extend(subresources(*k));
    }
    resources.extend(extra);
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
        "resources": resources})
}

fn group(name: &str) -> Value {
    let gv = json!({"groupVersion": format!("{name}/{VERSION}"), "version": VERSION});
    json!({"name": name, "versions": [gv], "preferredVersion": gv})
}

/// One discovery document as plain JSON, whatever the Accept header asked for; `/apis` lists
/// metrics.k8s.io only while `metrics` are served.
pub(crate) fn document(doc: Doc, _headers: &HeaderMap, metrics: bool) -> Response {
    let log = json!({"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod",
        "verbs": ["get"]});
    // kubectl drain looks for exactly this entry before it uses the Eviction API.
    let eviction = json!({"name": "pods/eviction", "singularName": "", "namespaced": true,
        "group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]});
    let value = match doc {
        Doc::Api => json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        Doc::CoreV1 => resource_list("v1", &Kind::of_group(""), vec![log, eviction]),
        Doc::Apis => {
            let mut groups: Vec<Value> = GROUPS.iter().map(|g| group(g)).collect();
            if metrics {
                groups.push(super::metrics::group());
            }
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        }
        Doc::Group(name) => {
            let mut g = group(name);
            g["kind"] = json!("APIGroup");
            g["apiVersion"] = json!("v1");
            g
        }
        Doc::Metrics => {
            let mut g = super::metrics::group();
            g["kind"] = json!("APIGroup");
            g["apiVersion"] = json!("v1");
            g
        }
        Doc::MetricsVersion => super::metrics::resource_list(),
        Doc::GroupVersion(name) => {
            resource_list(&format!("{name}/{VERSION}"), &Kind::of_group(name), vec![])
        }
    };
    json_value(&value)
}
