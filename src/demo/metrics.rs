//! `metrics.k8s.io/v1beta1` as metrics-server serves it: PodMetrics (per container) and
//! NodeMetrics, listed per namespace, across all namespaces or got one by one, so `kubectl top`
//! works against the demo. Usage is made up from the object's identity and a time bucket: stable
//! for [`BUCKET_SECS`] (so a client and kubectl asked in the same bucket agree), different in the
//! next one.

use axum::response::Response;
use bytes::{BufMut, BytesMut};
use http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use super::pods::ts;
use super::resources::Kind;
use super::rng::hash;
use super::routes::{AppState, Params, json_bytes, json_value, respond, status};
use super::store::Obj;

/// The group and the one version it serves.
pub(crate) const GROUP: &str = "metrics.k8s.io";
pub(crate) const VERSION: &str = "v1beta1";

/// Seconds a sample stays the same (metrics-server scrapes every 15 s too).
pub(crate) const BUCKET_SECS: i64 = 15;

/// What a path under `/apis/metrics.k8s.io/v1beta1` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// PodMetrics of one namespace (`Some`) or all of them.
    Pods(Option<&'a str>),
    Pod {
        ns: &'a str,
        name: &'a str,
    },
    Nodes,
    Node(&'a str),
}

impl Target<'_> {
    /// The kind whose objects the metrics describe (what RBAC's resource is named after).
    pub fn kind(self) -> Kind {
        match self {
            Target::Pods(_) | Target::Pod { .. } => Kind::Pod,
            Target::Nodes | Target::Node(_) => Kind::Node,
        }
    }
}

/// Parses the rest of a path after `/apis/metrics.k8s.io/v1beta1/`.
pub(crate) fn parse<'a>(rest: &[&'a str]) -> Option<Target<'a>> {
    Some(match *rest {
        ["pods"] => Target::Pods(None),
        ["namespaces", ns, "pods"] => Target::Pods(Some(ns)),
        ["namespaces", ns, "pods", name] => Target::Pod { ns, name },
        ["nodes"] => Target::Nodes,
        ["nodes", name] => Target::Node(name),
        _ => return None,
    })
}

/// `/apis/metrics.k8s.io` as an entry of `/apis` (and, with kind and apiVersion, on its own).
pub(crate) fn group() -> Value {
    let gv = json!({"groupVersion": format!("{GROUP}/{VERSION}"), "version": VERSION});
    json!({"name": GROUP, "versions": [gv], "preferredVersion": gv})
}

/// `/apis/metrics.k8s.io/v1beta1`: pods and nodes, get and list only.
pub(crate) fn resource_list() -> Value {
    let resource = |name: &str, kind: &str, namespaced: bool| {
        json!({"name": name, "singularName": "", "namespaced": namespaced, "kind": kind,
            "verbs": ["get", "list"]})
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": format!("{GROUP}/{VERSION}"),
        "resources": [resource("nodes", "NodeMetrics", false),
            resource("pods", "PodMetrics", true)]})
}

/// Answers a metrics request at `now`.
pub(crate) fn serve(
    app: &AppState,
    target: Target<'_>,
    params: &Params,
    now: Timestamp,
) -> Response {
    let bucket = now.as_second().div_euclid(BUCKET_SECS);
    let sample = Sample {
        bucket,
        stamp: ts(Timestamp::from_second(bucket * BUCKET_SECS).unwrap_or(now)),
    };
    match target {
        Target::Pods(ns) => respond(pod_list(app, ns, params, &sample)),
        Target::Pod { ns, name } => {
            let pod = app.store.get(Kind::Pod, ns, name).filter(|o| running(o));
            match pod {
                Some(obj) => json_value(&pod_metrics(&obj, &sample)),
                None => not_found_metrics(Kind::Pod, name),
            }
        }
        Target::Nodes => {
            let page = app.store.page(Kind::Node, None, None, 0, |_| true);
            let items: Vec<Value> = page
                .items
                .iter()
                .map(|n| node_metrics(n, &sample))
                .collect();
            json_value(
                &json!({"kind": "NodeMetricsList", "apiVersion": format!("{GROUP}/{VERSION}"),
                "metadata": {}, "items": items}),
            )
        }
        Target::Node(name) => match app.store.get(Kind::Node, "", name) {
            Some(obj) => json_value(&node_metrics(&obj, &sample)),
            None => not_found_metrics(Kind::Node, name),
        },
    }
}

/// metrics-server's 404 names the metrics resource, not the pod or node.
fn not_found_metrics(kind: Kind, name: &str) -> Response {
    let resource = match kind {
        Kind::Node => "nodemetrics",
        _ => "podmetrics",
    };
    status(
        404,
        "NotFound",
        format!("{resource}.{GROUP} {name:?} not found"),
    )
}

/// The time bucket a sample belongs to and its `timestamp`.
struct Sample {
    bucket: i64,
    stamp: String,
}

/// metrics-server only reports pods whose containers run.
fn running(obj: &Obj) -> bool {
    obj.field(Kind::Pod, "status.phase") == Some("Running")
}

fn pod_list(
    app: &AppState,
    ns: Option<&str>,
    params: &Params,
    sample: &Sample,
) -> Result<Response, super::routes::Reject> {
    let sel = super::api::selector(Kind::Pod, params)?;
    let page = app.store.page(Kind::Pod, ns, None, 0, |o| {
        running(o) && sel.matches(Kind::Pod, o)
    });
    // Written straight into one buffer: at 100 000 pods a Value tree per item costs more than
    // the answer itself.
    let mut buf = BytesMut::with_capacity(64 + page.items.len() * 320);
    buf.put_slice(
        format!(r#"{{"kind":"PodMetricsList","apiVersion":"{GROUP}/{VERSION}","metadata":{{}},"items":["#)
            .as_bytes(),
    );
    for (i, obj) in page.items.iter().enumerate() {
        if i > 0 {
            buf.put_slice(b",");
        }
        let _ = serde_json::to_writer((&mut buf).writer(), &pod_metrics(obj, sample));
    }
    buf.put_slice(b"]}");
    Ok(json_bytes(StatusCode::OK, buf.freeze()))
}

/// Just the container names of a pod's JSON; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Names<'a> {
    #[serde(borrow, default)]
    spec: Spec<'a>,
}

#[derive(Deserialize, Default)]
struct Spec<'a> {
    #[serde(borrow, default)]
    containers: Vec<Named<'a>>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow)]
    name: std::borrow::Cow<'a, str>,
}

/// One PodMetrics: every container's usage in the bucket, CPU in nanocores (as metrics-server
/// reports it) and memory in KiB.
fn pod_metrics(obj: &Obj, sample: &Sample) -> Value {
    let names: Names<'_> = serde_json::from_slice(obj.json()).unwrap_or(Names {
        spec: Spec::default(),
    });
    let bucket = sample.bucket.to_string();
    let containers: Vec<Value> = names
        .spec
        .containers
        .iter()
        .map(|c| {
            let (cpu, mem) = container_usage(obj.namespace(), obj.name(), &c.name, &bucket);
            json!({"name": c.name, "usage": {"cpu": format!("{cpu}n"), "memory": format!("{mem}Ki")}})
        })
        .collect();
    json!({"kind": "PodMetrics", "apiVersion": format!("{GROUP}/{VERSION}"),
        "metadata": {"name": obj.name(), "namespace": obj.namespace(),
            "creationTimestamp": sample.stamp, "labels": {}},
        "timestamp": sample.stamp, "window": "15s", "containers": containers})
}

/// (nanocores, KiB) of one container in one bucket: a steady level per container (1–250m,
/// 16–400 MiB) that wanders ±20 % from bucket to bucket.
pub(crate) fn container_usage(ns: &str, pod: &str, container: &str, bucket: &str) -> (u64, u64) {
    let base = hash(&[ns, pod, container]);
    let wobble = hash(&[ns, pod, container, bucket]);
    let level_milli = 1 + base % 250;
    let level_kib = 16 * 1024 + (base >> 16) % (384 * 1024);
    let factor = |w: u64| 80 + w % 41; // percent, 80–120
    let cpu = level_milli * 1_000_000 * factor(wobble) / 100 + (wobble >> 32) % 1_000_000;
    let mem = level_kib * factor(wobble >> 8) / 100;
    (cpu, mem)
}

/// One NodeMetrics: 15–75 % of its allocatable CPU and 20–80 % of its memory.
fn node_metrics(obj: &Obj, sample: &Sample) -> Value {
    let h = hash(&[obj.name(), &sample.bucket.to_string()]);
    // Demo nodes all have 8 CPUs and 32724868Ki allocatable.
    let cpu_nano = 8_000_000_000u64 * (15 + h % 61) / 100 + (h >> 40) % 1_000_000;
    let mem_kib = 32_724_868u64 * (20 + (h >> 8) % 61) / 100;
    json!({"kind": "NodeMetrics", "apiVersion": format!("{GROUP}/{VERSION}"),
        "metadata": {"name": obj.name(), "creationTimestamp": sample.stamp, "labels": {}},
        "timestamp": sample.stamp, "window": "15s",
        "usage": {"cpu": format!("{cpu_nano}n"), "memory": format!("{mem_kib}Ki")}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_pods_and_nodes() {
        assert_eq!(parse(&["pods"]), Some(Target::Pods(None)));
        assert_eq!(
            parse(&["namespaces", "shop", "pods", "web-1"]),
            Some(Target::Pod {
                ns: "shop",
                name: "web-1"
            })
        );
        assert_eq!(parse(&["nodes", "n1"]), Some(Target::Node("n1")));
        assert_eq!(parse(&["namespaces", "shop", "nodes"]), None);
    }

    #[test]
    fn usage_is_stable_in_a_bucket_and_moves_between_buckets() {
        let a = container_usage("shop", "web-1", "app", "7");
        assert_eq!(a, container_usage("shop", "web-1", "app", "7"));
        let moved = (8..20).any(|b| container_usage("shop", "web-1", "app", &b.to_string()) != a);
        assert!(moved);
        assert!(a.0 >= 800_000 && a.0 < 302_000_000, "{a:?}");
    }
}
