//! Discovery and resolution against the documents of a Kubernetes 1.20 server: CronJobs only in
//! `batch/v1beta1` (not the preferred `batch/v1`), Ingress in `networking.k8s.io` and in the
//! deprecated `extensions/v1beta1`, and a metrics group whose aggregated server is down.

use std::cell::RefCell;

use bytes::Bytes;
use futures::executor::block_on;

use super::fetch::discover_with;
use super::*;
use crate::kube::KubeError;

fn document(path: &str) -> Option<&'static str> {
    Some(match path {
        "/api" => include_str!("fixtures/v1.20/api.json"),
        "/api/v1" => include_str!("fixtures/v1.20/api_v1.json"),
        // Since 1.20 (kubernetes#94309) extensions comes after networking.k8s.io.
        "/apis" => include_str!("fixtures/v1.20/apis.json"),
        "/apis/apps/v1" => include_str!("fixtures/v1.20/apis_apps_v1.json"),
        "/apis/events.k8s.io/v1" => include_str!("fixtures/v1.20/apis_events.k8s.io_v1.json"),
        "/apis/events.k8s.io/v1beta1" => {
            include_str!("fixtures/v1.20/apis_events.k8s.io_v1beta1.json")
        }
        "/apis/batch/v1" => include_str!("fixtures/v1.20/apis_batch_v1.json"),
        "/apis/batch/v1beta1" => include_str!("fixtures/v1.20/apis_batch_v1beta1.json"),
        "/apis/networking.k8s.io/v1" => {
            include_str!("fixtures/v1.20/apis_networking.k8s.io_v1.json")
        }
        "/apis/networking.k8s.io/v1beta1" => {
            include_str!("fixtures/v1.20/apis_networking.k8s.io_v1beta1.json")
        }
        "/apis/extensions/v1beta1" => include_str!("fixtures/v1.20/apis_extensions_v1beta1.json"),
        _ => return None,
    })
}

/// The server's answer: the fixture, or 503 like an aggregated API whose backend is down.
fn answer(path: &str) -> Result<Bytes, KubeError> {
    document(path).map(|d| Bytes::from_static(d.as_bytes())).ok_or_else(|| {
        let status = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"service unavailable","reason":"ServiceUnavailable","code":503}"#;
        KubeError::from_response(503, "Service Unavailable", status)
    })
}

/// Discovery of the 1.20 server, with the paths asked for in order.
fn discover_1_20(apis: Option<String>) -> (Vec<ApiResource>, Vec<String>) {
    let asked = RefCell::new(Vec::new());
    let found = block_on(discover_with(|path: String| {
        asked.borrow_mut().push(path.clone());
        let body = match (&apis, path.as_str()) {
            (Some(apis), "/apis") => Ok(Bytes::from(apis.clone())),
            _ => answer(&path),
        };
        std::future::ready(body)
    }))
    .expect("the core group answers");
    (found, asked.into_inner())
}

/// `/apis` as a 1.19 server ordered it: extensions before networking.k8s.io.
fn apis_1_19() -> String {
    let mut apis: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/v1.20/apis.json")).expect("valid fixture");
    if let Some(groups) = apis["groups"].as_array_mut() {
        let at = groups.iter().position(|g| g["name"] == "extensions");
        let extensions = at.map(|i| groups.remove(i));
        groups.splice(3..3, extensions);
    }
    apis.to_string()
}

fn gvr(name: &str, all: &[ApiResource]) -> Result<String, ResolveError> {
    resolve(name, all).map(|r| format!("{}/{}/{}", r.group, r.version, r.plural))
}

#[test]
fn every_served_version_is_read_in_priority_order() {
    let (found, asked) = discover_1_20(None);
    assert_eq!(
        asked,
        [
            "/api",
            "/apis",
            "/api/v1",
            "/apis/apps/v1",
            "/apis/events.k8s.io/v1",
            "/apis/events.k8s.io/v1beta1",
            "/apis/batch/v1",
            "/apis/batch/v1beta1",
            "/apis/networking.k8s.io/v1",
            "/apis/networking.k8s.io/v1beta1",
            "/apis/extensions/v1beta1",
            "/apis/metrics.k8s.io/v1beta1",
        ]
    );
    // The unavailable metrics group is skipped; subresources are dropped.
    assert!(found.iter().all(|r| r.group != "metrics.k8s.io"));
    assert!(found.iter().all(|r| !r.plural.contains('/')));
    let cronjobs: Vec<&ApiResource> = found.iter().filter(|r| r.plural == "cronjobs").collect();
    assert_eq!(cronjobs.len(), 1);
    // 1.20 sends no singular names; the kind stands in.
    assert_eq!(cronjobs[0].singular, "cronjob");
}

#[test]
fn a_kind_only_in_a_non_preferred_version_resolves() {
    let (all, _) = discover_1_20(None);
    for name in [
        "cronjobs",
        "cj",
        "cronjob",
        "CronJob",
        "cronjobs.batch",
        "cj.batch",
    ] {
        assert_eq!(
            gvr(name, &all).as_deref(),
            Ok("batch/v1beta1/cronjobs"),
            "{name}"
        );
    }
    assert_eq!(
        gvr("cronjobs.v1beta1.batch", &all).as_deref(),
        Ok("batch/v1beta1/cronjobs")
    );
    assert_eq!(
        gvr("cronjobs.v1.batch", &all),
        Err(ResolveError::Unknown("cronjobs.v1.batch".into()))
    );
    assert_eq!(gvr("jobs", &all).as_deref(), Ok("batch/v1/jobs"));
    let cj = resolve("cj", &all).expect("cronjobs");
    assert_eq!(
        cj.collection_path(Some("shop")),
        "/apis/batch/v1beta1/namespaces/shop/cronjobs"
    );
}

#[test]
fn ingress_follows_the_servers_group_priority() {
    let (all, _) = discover_1_20(None);
    for name in ["ingress", "ingresses", "ing", "Ingress"] {
        assert_eq!(
            gvr(name, &all).as_deref(),
            Ok("networking.k8s.io/v1/ingresses"),
            "{name}"
        );
    }
    let ing = resolve_noting("ing", &all).expect("ingresses");
    assert_eq!(
        ing.warnings,
        ["short name \"ing\" could also match lower priority resource ingresses.extensions"]
    );
    assert_eq!(
        gvr("ingresses.extensions", &all).as_deref(),
        Ok("extensions/v1beta1/ingresses")
    );
    assert_eq!(
        gvr("ingresses.v1beta1.networking.k8s.io", &all).as_deref(),
        Ok("networking.k8s.io/v1beta1/ingresses")
    );
    assert_eq!(gvr("events", &all).as_deref(), Ok("/v1/events"));

    // On a 1.19 server, which listed extensions first, kubectl picked extensions too.
    let (old, _) = discover_1_20(Some(apis_1_19()));
    assert_eq!(
        gvr("ingress", &old).as_deref(),
        Ok("extensions/v1beta1/ingresses")
    );
}

#[test]
fn completion_shows_each_group_resource_once() {
    let (all, _) = discover_1_20(None);
    let names = completion_names(&all);
    for name in ["cronjobs", "cj", "ingresses", "ing", "jobs"] {
        assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{name}");
    }
    let shown: Vec<String> = preferred(&all).iter().map(|r| r.qualified_name()).collect();
    let ingresses: Vec<&String> = shown
        .iter()
        .filter(|n| n.starts_with("ingresses"))
        .collect();
    assert_eq!(
        ingresses,
        ["ingresses.networking.k8s.io", "ingresses.extensions"]
    );
    assert_eq!(shown.iter().filter(|n| *n == "events").count(), 1);
}

#[test]
fn a_failing_core_group_fails_discovery() {
    let result = block_on(discover_with(|path: String| {
        std::future::ready(match path.as_str() {
            "/api/v1" => Err(KubeError::from_response(500, "Internal Server Error", b"")),
            other => answer(other),
        })
    }));
    assert!(matches!(result, Err(KubeError::Api { code: 500, .. })));
}
