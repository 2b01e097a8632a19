//! `as=Table` responses (meta.k8s.io/v1 Table), as kubectl asks for them. Pod rows come from the
//! shared printPod port in `kube::table`; other kinds get kubectl's usual columns.

mod builtin;
mod columns;
mod pods;
mod workloads;

use std::sync::Arc;

use axum::response::Response;
use http::{HeaderMap, header};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::crd;
use super::resources::Kind;
use super::routes::json_bytes;
use super::routes::{Params, Reject, bad_request, json_value};
use super::store::Obj;
use crate::kube::table::age;
use builtin::{
    claim_cells, component_status_cells, data_count, event_cells, ingress_cells, node_cells,
    service_cells,
};
use columns::columns;
pub(crate) use pods::pod_print;
use pods::{pod_cells, pod_table_bytes};
use workloads::{deployment_cells, workload_cells};

/// What each row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncludeObject {
    None,
    Metadata,
    Object,
}

/// `Some` when the Accept header offers `as=Table` among its alternatives.
pub(crate) fn requested(
    headers: &HeaderMap,
    params: &Params,
) -> Result<Option<IncludeObject>, Reject> {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|alt| alt.split(';').any(|p| p.trim() == "as=Table"));
    if !accept {
        return Ok(None);
    }
    match params.get("includeObject") {
        None | Some("" | "Metadata") => Ok(Some(IncludeObject::Metadata)),
        Some("None") => Ok(Some(IncludeObject::None)),
        Some("Object") => Ok(Some(IncludeObject::Object)),
        Some(v) => Err(bad_request(format!("invalid includeObject: {v:?}"))),
    }
}
fn time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

fn labels_text(v: &Value) -> String {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}
fn created(v: &Value) -> Option<Timestamp> {
    time(&v["metadata"]["creationTimestamp"])
}
fn cells(kind: Kind, obj: &Obj, v: &Value, now: Timestamp) -> Vec<Value> {
    match kind {
        Kind::Pod => pod_cells(obj, now),
        Kind::Namespace => vec![
            json!(s(&v["metadata"]["name"])),
            json!(s(&v["status"]["phase"])),
            json!(age(time(&v["metadata"]["creationTimestamp"]), now)),
        ],
        Kind::Node => node_cells(v, now),
        Kind::Service => service_cells(v, now),
        Kind::Deployment => deployment_cells(v, now),
        Kind::Event => event_cells(v, now),
        Kind::ComponentStatus => component_status_cells(v),
        Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet | Kind::Job | Kind::CronJob => {
            workload_cells(kind, v, now)
        }
        Kind::ConfigMap => vec![
            json!(s(&v["metadata"]["name"])),
            json!(data_count(v)),
            json!(age(created(v), now)),
        ],
        Kind::Secret => vec![
            json!(s(&v["metadata"]["name"])),
            json!(s(&v["type"])),
            json!(data_count(v)),
            json!(age(created(v), now)),
        ],
        Kind::PersistentVolumeClaim => claim_cells(v, now),
        Kind::Ingress => ingress_cells(v, now),
        Kind::PodDisruptionBudget => {
            let or_na = |x: &Value| match x {
                Value::Null => "N/A".to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![
                json!(s(&v["metadata"]["name"])),
                json!(or_na(&v["spec"]["minAvailable"])),
                json!(or_na(&v["spec"]["maxUnavailable"])),
                json!(v["status"]["disruptionsAllowed"].as_u64().unwrap_or(0)),
                json!(age(created(v), now)),
            ]
        }
        Kind::CustomResourceDefinition => vec![
            json!(s(&v["metadata"]["name"])),
            json!(s(&v["metadata"]["creationTimestamp"])),
        ],
        Kind::Widget => std::iter::once(json!(s(&v["metadata"]["name"])))
            .chain(crd::widget_cells(v, now))
            .collect(),
    }
}
/// One Table row: cells plus the object as `includeObject` asks.
pub(crate) fn row(kind: Kind, obj: &Obj, include: IncludeObject, now: Timestamp) -> Value {
    let v = obj.value();
    let mut row = json!({"cells": cells(kind, obj, &v, now)});
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": v["metadata"]});
        }
        IncludeObject::Object => row["object"] = v,
    }
    row
}

/// A Table of `items`.
pub(crate) fn table_value(
    kind: Kind,
    rv: u64,
    cont: Option<String>,
    items: &[Arc<Obj>],
    include: IncludeObject,
) -> Value {
    table_value_at(kind, rv, cont, items, include, Timestamp::now())
}

fn table_value_at(
    kind: Kind,
    rv: u64,
    cont: Option<String>,
    items: &[Arc<Obj>],
    include: IncludeObject,
    now: Timestamp,
) -> Value {
    let defs: Vec<Value> = columns(kind)
        .into_iter()
        .map(|(name, ty, format, priority, description)| {
            json!({"name": name, "type": ty, "format": format, "description": description, "priority": priority})
        })
        .collect();
    let rows: Vec<Value> = items.iter().map(|o| row(kind, o, include, now)).collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
        "columnDefinitions": defs, "rows": rows})
}

/// A Table response.
pub(crate) fn list(
    kind: Kind,
    rv: u64,
    cont: Option<String>,
    items: &[Arc<Obj>],
    include: IncludeObject,
) -> Response {
    if kind == Kind::Pod {
        if let Some(body) = pod_table_bytes(rv, cont.clone(), items, include, Timestamp::now()) {
            return json_bytes(http::StatusCode::OK, body);
        }
    }
    json_value(&table_value(kind, rv, cont, items, include))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoOptions;
    use crate::demo::store::Store;

    /// The stored print must give exactly the rows that printing each pod's JSON gives, for
    /// every status the demo data has and every `includeObject`.
    #[test]
    fn pod_rows_from_the_stored_print_match_printing_the_json() {
        let store = Store::new(1);
        let opts = DemoOptions {
            pods: 400,
            ..DemoOptions::default()
        };
        crate::demo::data::seed(&store, &opts);
        let page = store.page(Kind::Pod, None, None, 0, |_| true);
        assert!(page.items.len() >= 400);
        for include in [
            IncludeObject::None,
            IncludeObject::Metadata,
            IncludeObject::Object,
        ] {
            let now = Timestamp::now();
            let fast = pod_table_bytes(7, Some("next".into()), &page.items, include, now)
                .expect("every pod has a print");
            let fast: Value = serde_json::from_slice(&fast).expect("valid JSON");
            let slow = table_value_at(Kind::Pod, 7, Some("next".into()), &page.items, include, now);
            assert_eq!(fast, slow, "{include:?}");
        }
    }
}
