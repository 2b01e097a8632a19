//! kr8s's URL rules for `call_api`, kept exact so a request typed in the raw pane
//! means the same thing it would in Python.

use thiserror::Error;

/// Raised when `call_api` cannot tell where a version lives (kr8s raises `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Unknown API version {version:?}, base must be specified.")]
pub struct UrlError {
    pub version: String,
}

/// Builds the request path the way kr8s's `Api._construct_url` does.
///
/// `base` "" becomes "/api" for version "v1" and "/apis" for a group version ("apps/v1");
/// any other version needs an explicit base. An empty namespace (or `None`) is cluster-wide.
/// The parts are joined with "/" without normalising, so `version()` is `GET /version/`.
pub fn construct_path(
    version: &str,
    base: &str,
    namespace: Option<&str>,
    url: &str,
) -> Result<String, UrlError> {
    let base = match base {
        "" if version == "v1" => "/api",
        "" if version.contains('/') => "/apis",
        "" => {
            return Err(UrlError {
                version: version.to_string(),
            });
        }
        other => other,
    };
    let mut parts: Vec<&str> = vec![base];
    if !version.is_empty() {
        parts.push(version);
    }
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        parts.push("namespaces");
        parts.push(ns);
    }
    parts.push(url);
    Ok(parts.join("/"))
}

/// Appends a query string (already `k=v&k2=v2` or with a leading '?') to a path.
pub fn with_query(path: &str, query: &str) -> String {
    let query = query.trim_start_matches('?');
    if query.is_empty() {
        path.to_string()
    } else if path.contains('?') {
        format!("{path}&{query}")
    } else {
        format!("{path}?{query}")
    }
}

/// Percent-encodes one query value (selectors contain '=', ',' and '!').
pub fn encode_query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `path` without its query string (for messages and logs: queries may be long).
pub fn strip_query(path: &str) -> String {
    path.split('?').next().unwrap_or(path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(version: &str, base: &str, ns: Option<&str>, url: &str) -> String {
        construct_path(version, base, ns, url).expect("valid combination")
    }

    #[test]
    fn kr8s_url_rules() {
        let cases: &[(&str, &str, Option<&str>, &str, &str)] = &[
            // version(): call_api(base="/version", version="")
            ("", "/version", None, "", "/version/"),
            ("v1", "", None, "pods", "/api/v1/pods"),
            (
                "v1",
                "",
                Some("default"),
                "pods",
                "/api/v1/namespaces/default/pods",
            ),
            ("v1", "", Some(""), "pods", "/api/v1/pods"),
            ("v1", "", None, "namespaces", "/api/v1/namespaces"),
            (
                "v1",
                "",
                None,
                "namespaces/kube-system",
                "/api/v1/namespaces/kube-system",
            ),
            (
                "v1",
                "",
                Some("ns1"),
                "pods/web-0",
                "/api/v1/namespaces/ns1/pods/web-0",
            ),
            (
                "v1",
                "",
                Some("ns1"),
                "pods/web-0/log",
                "/api/v1/namespaces/ns1/pods/web-0/log",
            ),
            (
                "v1",
                "",
                Some("ns1"),
                "pods/web-0/status",
                "/api/v1/namespaces/ns1/pods/web-0/status",
            ),
            ("v1", "", None, "nodes", "/api/v1/nodes"),
            ("v1", "", None, "", "/api/v1/"),
            (
                "apps/v1",
                "",
                Some("prod"),
                "deployments",
                "/apis/apps/v1/namespaces/prod/deployments",
            ),
            (
                "apps/v1",
                "",
                None,
                "deployments",
                "/apis/apps/v1/deployments",
            ),
            (
                "apps/v1",
                "",
                Some("p"),
                "deployments/web/scale",
                "/apis/apps/v1/namespaces/p/deployments/web/scale",
            ),
            (
                "batch/v1",
                "",
                Some("jobs"),
                "cronjobs",
                "/apis/batch/v1/namespaces/jobs/cronjobs",
            ),
            (
                "stable.example.com/v1",
                "",
                Some("a"),
                "crontabs",
                "/apis/stable.example.com/v1/namespaces/a/crontabs",
            ),
            (
                "cert-manager.io/v1",
                "",
                None,
                "clusterissuers",
                "/apis/cert-manager.io/v1/clusterissuers",
            ),
            ("", "/apis", None, "apps/v1", "/apis/apps/v1"),
            ("", "/apis", None, "", "/apis/"),
            ("", "/api", None, "v1", "/api/v1"),
            ("", "/healthz", None, "", "/healthz/"),
            (
                "metrics.k8s.io/v1beta1",
                "",
                Some("x"),
                "pods",
                "/apis/metrics.k8s.io/v1beta1/namespaces/x/pods",
            ),
            // an explicit base wins even for v1
            ("v1", "/custom", None, "pods", "/custom/v1/pods"),
            (
                "v2",
                "/apis/autoscaling",
                Some("d"),
                "hpa",
                "/apis/autoscaling/v2/namespaces/d/hpa",
            ),
        ];
        for (version, base, ns, url, want) in cases {
            assert_eq!(
                &ok(version, base, *ns, url),
                want,
                "{version:?} {base:?} {ns:?} {url:?}"
            );
        }
    }

    #[test]
    fn unknown_version_without_base_is_an_error() {
        for version in ["v2", "", "v1beta1", "apps"] {
            let err = construct_path(version, "", None, "pods").unwrap_err();
            assert_eq!(err.version, version);
            assert!(err.to_string().contains("base must be specified"));
        }
    }

    #[test]
    fn query_is_appended() {
        assert_eq!(with_query("/api/v1/pods", ""), "/api/v1/pods");
        assert_eq!(
            with_query("/api/v1/pods", "limit=5"),
            "/api/v1/pods?limit=5"
        );
        assert_eq!(
            with_query("/api/v1/pods", "?limit=5"),
            "/api/v1/pods?limit=5"
        );
        assert_eq!(
            with_query("/api/v1/pods?a=1", "b=2"),
            "/api/v1/pods?a=1&b=2"
        );
        assert_eq!(
            encode_query_value("app=web,tier!=db"),
            "app%3Dweb%2Ctier%21%3Ddb"
        );
    }
}
