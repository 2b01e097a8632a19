//! RBAC-like refusals: `VERB:RESOURCE` rules, the verb a request asks for (worked out as the
//! apiserver's RequestInfo does) and the 403 Status a real apiserver sends when its authorizer
//! says no.

use std::fmt;
use std::str::FromStr;

use axum::response::Response;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::resources::Kind;
use super::routes::{Params, Route, json_bytes};

/// Who the refusals name; the kubeconfig's token user is called `demo`.
const USER: &str = "demo";

/// RBAC's verbs for resource requests.
const VERBS: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// Subresources the demo serves, named as RBAC names them.
const SUBRESOURCES: [&str; 15] = [
    "pods/log",
    "pods/exec",
    "pods/attach",
    "pods/portforward",
    "pods/eviction",
    "pods/status",
    "nodes/status",
    "deployments/scale",
    "deployments/status",
    "replicasets/scale",
    "replicasets/status",
    "statefulsets/scale",
    "statefulsets/status",
    "daemonsets/status",
    "poddisruptionbudgets/status",
];

/// Resources of other groups than the kinds', named `resource.group` as kubectl does.
const METRICS: [&str; 2] = ["pods.metrics.k8s.io", "nodes.metrics.k8s.io"];

/// One refused verb on one resource, as in an RBAC rule; `*` stands for any verb or resource.
/// Spelt `VERB:RESOURCE`, e.g. `list:namespaces`, `get:pods/log` or `list:pods.metrics.k8s.io`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ForbidRule {
    verb: String,
    resource: String,
}

impl ForbidRule {
    fn matches(&self, verb: &str, resource: &str) -> bool {
        (self.verb == "*" || self.verb == verb)
            && (self.resource == "*" || self.resource == resource)
    }
}

impl FromStr for ForbidRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (verb, resource) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not VERB:RESOURCE, e.g. list:namespaces"))?;
        if verb != "*" && !VERBS.contains(&verb) {
            return Err(format!(
                "unknown verb {verb:?} in {s:?}: use * or one of {}",
                VERBS.join(", ")
            ));
        }
        let known = Kind::ALL.iter().any(|k| k.plural() == resource)
            || SUBRESOURCES.contains(&resource)
            || METRICS.contains(&resource)
            || resource == "*";
        if !known {
            let plurals: Vec<&str> = Kind::ALL.iter().map(|k| k.plural()).collect();
            return Err(format!(
                "unknown resource {resource:?} in {s:?}: use * or one of {}, {}, {}",
                plurals.join(", "),
                SUBRESOURCES.join(", "),
                METRICS.join(", ")
            ));
        }
        Ok(ForbidRule {
            verb: verb.to_string(),
            resource: resource.to_string(),
        })
    }
}

impl TryFrom<String> for ForbidRule {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ForbidRule> for String {
    fn from(rule: ForbidRule) -> String {
        rule.to_string()
    }
}

impl fmt::Display for ForbidRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.verb, self.resource)
    }
}

/// What a resource request asks to do, in the authorizer's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Access<'a> {
    verb: &'static str,
    kind: Kind,
    subresource: Option<&'static str>,
    /// "" = cluster scope.
    ns: &'a str,
    /// "" = no object named.
    name: &'a str,
    /// The metrics.k8s.io resource of the same name (PodMetrics, NodeMetrics).
    metrics: bool,
}

impl<'a> Access<'a> {
    /// The access a request asks for; None for non-resource paths (version, discovery, health,
    /// `/demo/*`) and methods no verb belongs to, which are never refused.
    pub fn of(route: Route<'a>, method: &Method, params: &'a Params) -> Option<Access<'a>> {
        let (kind, subresource, ns, name) = match route {
            Route::Collection { kind, ns } => (kind, None, ns.unwrap_or_default(), ""),
            // The apiserver takes a namespace's own name as its namespace.
            Route::Object {
                kind: Kind::Namespace,
                name,
                ..
            } => (Kind::Namespace, None, name, name),
            Route::Object { kind, ns, name } => (kind, None, ns, name),
            Route::Log { ns, name } => (Kind::Pod, Some("log"), ns, name),
            Route::Metrics(target) => {
                let (ns, name) = match target {
                    super::metrics::Target::Pods(ns) => (ns.unwrap_or_default(), ""),
                    super::metrics::Target::Pod { ns, name } => (ns, name),
                    super::metrics::Target::Nodes => ("", ""),
                    super::metrics::Target::Node(name) => ("", name),
                };
                (target.kind(), None, ns, name)
            }
            Route::Sub {
                kind,
                ns,
                name,
                sub,
            } => (kind, Some(sub.name()), ns, name),
            // A WebSocket upgrade is a GET, authorized as `create` on the subresource.
            Route::Exec { ns, name, attach } => {
                let sub = if attach { "attach" } else { "exec" };
                let access = Access {
                    verb: "create",
                    kind: Kind::Pod,
                    subresource: Some(sub),
                    ns,
                    name,
                    metrics: false,
                };
                return Some(access);
            }
            Route::PortForward { ns, name } => {
                let access = Access {
                    verb: "create",
                    kind: Kind::Pod,
                    subresource: Some("portforward"),
                    ns,
                    name,
                    metrics: false,
                };
                return Some(access);
            }
            _ => return None,
        };
        let verb = match *method {
            Method::GET | Method::HEAD => "get",
            Method::POST => "create",
            Method::PUT => "update",
            Method::PATCH => "patch",
            Method::DELETE => "delete",
            _ => return None,
        };
        let mut access = Access {
            verb,
            kind,
            subresource,
            ns,
            name,
            metrics: matches!(route, Route::Metrics(_)),
        };
        if name.is_empty() {
            access.name_collection(params);
        }
        Some(access)
    }

    /// A request without a name: a get is a list or watch, a delete a deletecollection, and a
    /// fieldSelector on one `metadata.name` names the object (so `kubectl get pod x -w` is
    /// refused by name).
    fn name_collection(&mut self, params: &'a Params) {
        match self.verb {
            "get" => {
                // An unreadable watch flag counts as a list, as in the apiserver.
                self.verb = if matches!(params.flag("watch"), Ok(true)) {
                    "watch"
                } else {
                    "list"
                };
                self.name = params
                    .str("fieldSelector")
                    .split(',')
                    .find_map(|term| {
                        let value = term.strip_prefix("metadata.name")?;
                        value.strip_prefix("==").or_else(|| value.strip_prefix('='))
                    })
                    .unwrap_or_default();
            }
            "delete" => self.verb = "deletecollection",
            _ => {}
        }
    }

    /// The resource as RBAC names it: `pods`, or `pods/log` for a subresource.
    fn resource(&self) -> String {
        match self.subresource {
            Some(sub) => format!("{}/{sub}", self.kind.plural()),
            None => self.kind.plural().to_string(),
        }
    }

    /// The group of the resource.
    fn group(&self) -> &'static str {
        if self.metrics {
            super::metrics::GROUP
        } else {
            self.kind.group()
        }
    }

    /// Whether any rule refuses this access.
    pub fn refused_by(&self, rules: &[ForbidRule]) -> bool {
        let resource = match self.metrics {
            true => format!("{}.{}", self.resource(), self.group()),
            false => self.resource(),
        };
        rules.iter().any(|r| r.matches(self.verb, &resource))
    }

    /// The 403 the apiserver sends, word for word (`responsewriters.Forbidden`).
    pub fn forbidden(&self) -> Response {
        json_bytes(
            StatusCode::FORBIDDEN,
            serde_json::to_vec(&self.status()).unwrap_or_default(),
        )
    }

    fn status(&self) -> serde_json::Value {
        let group = self.group();
        let qualified = match group {
            "" => self.kind.plural().to_string(),
            g => format!("{}.{g}", self.kind.plural()),
        };
        let subject = match self.name {
            "" => qualified,
            name => format!("{qualified} {name:?}"),
        };
        let scope = match self.ns {
            "" => "at the cluster scope".to_string(),
            ns => format!("in the namespace {ns:?}"),
        };
        let message = format!(
            "{subject} is forbidden: User {USER:?} cannot {} resource {:?} in API group {group:?} {scope}",
            self.verb,
            self.resource(),
        );
        let mut details = serde_json::Map::new();
        if !self.name.is_empty() {
            details.insert("name".into(), json!(self.name));
        }
        if !group.is_empty() {
            details.insert("group".into(), json!(group));
        }
        details.insert("kind".into(), json!(self.kind.plural()));
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": "Forbidden", "details": details, "code": 403,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::routes::parse_route;

    fn access<'a>(method: Method, path: &'a str, params: &'a Params) -> Option<Access<'a>> {
        Access::of(parse_route(path)?, &method, params)
    }

    fn verb_of(method: Method, path: &str, query: &str) -> &'static str {
        let params = Params::parse(Some(query));
        access(method, path, &params).map_or("none", |a| a.verb)
    }

    #[test]
    fn rules_parse_like_rbac_and_refuse_typos() {
        let rule: ForbidRule = "list:namespaces".parse().unwrap();
        assert_eq!(rule.to_string(), "list:namespaces");
        assert!(rule.matches("list", "namespaces"));
        assert!(
            !rule.matches("watch", "namespaces"),
            "watch is its own verb"
        );
        let any: ForbidRule = "*:pods".parse().unwrap();
        assert!(any.matches("delete", "pods") && !any.matches("delete", "pods/log"));
        assert!("get:pods/log".parse::<ForbidRule>().is_ok());
        assert!("list:*".parse::<ForbidRule>().is_ok());
        for bad in ["list", "lst:pods", "list:namespace", "list:"] {
            assert!(bad.parse::<ForbidRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn verbs_come_from_method_name_and_watch() {
        assert_eq!(verb_of(Method::GET, "/api/v1/pods", ""), "list");
        assert_eq!(verb_of(Method::GET, "/api/v1/pods", "watch=true"), "watch");
        assert_eq!(verb_of(Method::GET, "/api/v1/pods", "watch=maybe"), "list");
        assert_eq!(
            verb_of(Method::GET, "/api/v1/namespaces/a/pods/x", "watch=1"),
            "get"
        );
        assert_eq!(
            verb_of(Method::DELETE, "/api/v1/namespaces/a/pods/x", ""),
            "delete"
        );
        assert_eq!(
            verb_of(Method::DELETE, "/api/v1/namespaces/a/pods", ""),
            "deletecollection"
        );
        assert_eq!(
            verb_of(Method::POST, "/api/v1/namespaces/a/pods", ""),
            "create"
        );
        assert_eq!(verb_of(Method::GET, "/version", ""), "none");
        assert_eq!(verb_of(Method::GET, "/api/v1", ""), "none");
        assert_eq!(verb_of(Method::POST, "/demo/faults", ""), "none");
    }

    #[test]
    fn namespaces_and_field_selected_names_scope_like_the_apiserver() {
        let none = Params::parse(None);
        let ns = access(Method::GET, "/api/v1/namespaces/shop", &none).unwrap();
        assert_eq!((ns.ns, ns.name), ("shop", "shop"));
        let params = Params::parse(Some("watch=1&fieldSelector=metadata.name%3Dweb-1"));
        let one = access(Method::GET, "/api/v1/namespaces/shop/pods", &params).unwrap();
        assert_eq!((one.verb, one.name), ("watch", "web-1"));
        let log = access(Method::GET, "/api/v1/namespaces/shop/pods/web-1/log", &none).unwrap();
        assert_eq!(log.resource(), "pods/log");
    }

    #[test]
    fn group_resources_are_qualified_in_the_subject_only() {
        let none = Params::parse(None);
        let deploys = access(
            Method::GET,
            "/apis/apps/v1/namespaces/shop/deployments",
            &none,
        );
        let status = deploys.unwrap().status();
        assert_eq!(
            status["message"],
            "deployments.apps is forbidden: User \"demo\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"shop\""
        );
        assert_eq!(
            status["details"],
            json!({"group": "apps", "kind": "deployments"})
        );
        let log = access(Method::GET, "/api/v1/namespaces/shop/pods/web-1/log", &none);
        assert_eq!(
            log.unwrap().status()["message"],
            "pods \"web-1\" is forbidden: User \"demo\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"shop\""
        );
    }

    #[test]
    fn metrics_are_refused_by_their_own_rules_only() {
        let none = Params::parse(None);
        let top = access(Method::GET, "/apis/metrics.k8s.io/v1beta1/pods", &none).unwrap();
        let pods: ForbidRule = "list:pods".parse().unwrap();
        let metrics: ForbidRule = "list:pods.metrics.k8s.io".parse().unwrap();
        assert!(!top.refused_by(std::slice::from_ref(&pods)));
        assert!(top.refused_by(&[metrics]));
        assert_eq!(
            top.status()["message"],
            "pods.metrics.k8s.io is forbidden: User \"demo\" cannot list resource \"pods\" in API group \"metrics.k8s.io\" at the cluster scope"
        );
        let nodes = access(Method::GET, "/apis/metrics.k8s.io/v1beta1/nodes", &none).unwrap();
        assert!(nodes.refused_by(&["*:nodes.metrics.k8s.io".parse().unwrap()]));
    }
}
