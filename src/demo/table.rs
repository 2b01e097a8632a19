//! `as=Table` responses (meta.k8s.io/v1 Table), as kubectl asks for them. Pod rows come from the
//! shared printPod port in `kube::table`; other kinds get kubectl's usual columns.

use std::sync::Arc;

use axum::response::Response;
use http::{HeaderMap, header};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::resources::Kind;
use super::routes::json_bytes;
use super::routes::{Params, Reject, bad_request, json_value};
use super::store::{Obj, PodPrint, PrintTimes};
use crate::kube::resource_table::event_seen;
use crate::kube::table::{POD_COLUMNS, Pod, PodRow, age, restarts_text, table_cells};

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

/// (name, type, format, priority, description) of a column.
type Column = (&'static str, &'static str, &'static str, u8, &'static str);

fn columns(kind: Kind) -> Vec<Column> {
    const NAME: Column = (
        "Name",
        "string",
        "name",
        0,
        "Name must be unique within a namespace.",
    );
    const AGE: Column = ("Age", "string", "", 0, "Time since the object was created.");
    match kind {
        Kind::Pod => POD_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, title)| {
                let (ty, format) = if i == 0 {
                    ("string", "name")
                } else {
                    ("string", "")
                };
                let priority = u8::from(i >= 5);
                (pod_column_name(title), ty, format, priority, "")
            })
            .collect(),
        Kind::Namespace => vec![
            NAME,
            ("Status", "string", "", 0, "The phase of the namespace."),
            AGE,
        ],
        Kind::Node => vec![
            NAME,
            ("Status", "string", "", 0, "The status of the node."),
            ("Roles", "string", "", 0, "The roles of the node."),
            AGE,
            ("Version", "string", "", 0, "Kubelet version."),
            ("Internal-IP", "string", "", 1, "The node's internal IP."),
            ("OS-Image", "string", "", 1, "OS image."),
            ("Kernel-Version", "string", "", 1, "Kernel version."),
            (
                "Container-Runtime",
                "string",
                "",
                1,
                "Container runtime version.",
            ),
        ],
        Kind::Service => vec![
            NAME,
            ("Type", "string", "", 0, "The type of the service."),
            (
                "Cluster-IP",
                "string",
                "",
                0,
                "The cluster IP of the service.",
            ),
            (
                "External-IP",
                "string",
                "",
                0,
                "External IPs of the service.",
            ),
            ("Port(s)", "string", "", 0, "Ports of the service."),
            AGE,
            (
                "Selector",
                "string",
                "",
                1,
                "The label selector of the service.",
            ),
        ],
        Kind::Deployment => vec![
            NAME,
            ("Ready", "string", "", 0, "Ready replicas out of desired."),
            ("Up-to-date", "integer", "", 0, "Updated replicas."),
            ("Available", "integer", "", 0, "Available replicas."),
            AGE,
            ("Containers", "string", "", 1, "Container names."),
            ("Images", "string", "", 1, "Container images."),
            ("Selector", "string", "", 1, "The label selector."),
        ],
        Kind::Event => vec![
            (
                "Last Seen",
                "string",
                "",
                0,
                "Time since the event was last seen.",
            ),
            ("Type", "string", "", 0, "Normal or Warning."),
            ("Reason", "string", "", 0, "Why the event happened."),
            ("Object", "string", "", 0, "The object the event is about."),
            ("Message", "string", "", 0, "What happened."),
        ],
        Kind::ComponentStatus => vec![
            NAME,
            (
                "Status",
                "string",
                "",
                0,
                "Status of the component conditions",
            ),
            (
                "Message",
                "string",
                "",
                0,
                "Message of the component conditions",
            ),
            (
                "Error",
                "string",
                "",
                0,
                "Error of the component conditions",
            ),
        ],
    }
}

/// "NOMINATED NODE" → "Nominated Node": the apiserver names columns in title case.
fn pod_column_name(title: &str) -> &'static str {
    match title {
        "NAME" => "Name",
        "READY" => "Ready",
        "STATUS" => "Status",
        "RESTARTS" => "Restarts",
        "AGE" => "Age",
        "IP" => "IP",
        "NODE" => "Node",
        "NOMINATED NODE" => "Nominated Node",
        _ => "Readiness Gates",
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

fn pod_cells(obj: &Obj, now: Timestamp) -> Vec<Value> {
    let pod: Pod = serde_json::from_slice(obj.json()).unwrap_or_default();
    let row = PodRow::from_pod(&pod);
    table_cells(&row, now)
        .into_iter()
        .map(Value::String)
        .collect()
}

/// A pod's row as the store keeps it: the cells that do not change with the clock, as JSON.
pub(crate) struct PrintedPod {
    pub head: String,
    pub tail: String,
    pub times: PrintTimes,
}

/// Prints a pod when it is stored (see `store::Obj`).
pub(crate) fn pod_print(value: &Value) -> PrintedPod {
    use serde::Deserialize;
    let pod = Pod::deserialize(value).unwrap_or_default();
    let row = PodRow::from_pod(&pod);
    // RESTARTS and AGE (cells 3 and 4) are printed per request; `now` does not matter here.
    let cells = table_cells(&row, Timestamp::UNIX_EPOCH);
    let json = |cells: &[String]| {
        cells
            .iter()
            .map(|c| Value::String(c.clone()).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    PrintedPod {
        head: json(&cells[..3]),
        tail: json(&cells[5..]),
        times: PrintTimes {
            restarts: row.restarts,
            last_restart: row.last_restart,
            created: row.created,
        },
    }
}

/// One pod row written straight from the stored print: no JSON is parsed per request.
fn write_pod_row(
    out: &mut Vec<u8>,
    obj: &Obj,
    print: PodPrint<'_>,
    include: IncludeObject,
    now: Timestamp,
) {
    let t = print.times;
    out.extend_from_slice(b"{\"cells\":[");
    out.extend_from_slice(print.head.as_bytes());
    for cell in [
        restarts_text(t.restarts, t.last_restart, now),
        age(t.created, now),
    ] {
        out.push(b',');
        out.extend_from_slice(Value::String(cell).to_string().as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(print.tail.as_bytes());
    out.push(b']');
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            out.extend_from_slice(
                br#","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#,
            );
            out.extend_from_slice(obj.metadata_json());
            out.push(b'}');
        }
        IncludeObject::Object => {
            out.extend_from_slice(br#","object":"#);
            out.extend_from_slice(obj.json());
        }
    }
    out.push(b'}');
}

/// A Table of pods written as bytes; `None` when an object has no stored print.
fn pod_table_bytes(
    rv: u64,
    cont: Option<String>,
    items: &[Arc<Obj>],
    include: IncludeObject,
    now: Timestamp,
) -> Option<Vec<u8>> {
    let mut head = table_value_at(Kind::Pod, rv, cont, &[], include, now);
    let rows_at = head.as_object_mut()?;
    rows_at.remove("rows");
    let head = head.to_string();
    let mut out = Vec::with_capacity(head.len() + items.len() * 600);
    // The head without its closing brace, then the rows.
    out.extend_from_slice(head.strip_suffix('}')?.as_bytes());
    out.extend_from_slice(br#","rows":["#);
    for (i, obj) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_pod_row(&mut out, obj, obj.pod_print()?, include, now);
    }
    out.extend_from_slice(b"]}");
    Some(out)
}

fn node_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let ready = v["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
        .is_some_and(|c| c["status"] == "True");
    let roles: Vec<&str> = v["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .collect()
        })
        .unwrap_or_default();
    let info = &v["status"]["nodeInfo"];
    let ip = v["status"]["addresses"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["type"] == "InternalIP"))
        .map(|x| s(&x["address"]))
        .unwrap_or_default();
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(if ready { "Ready" } else { "NotReady" }),
        json!(or_none(roles.join(","))),
        json!(age(time(&v["metadata"]["creationTimestamp"]), now)),
        json!(s(&info["kubeletVersion"])),
        json!(or_none(ip)),
        json!(s(&info["osImage"])),
        json!(s(&info["kernelVersion"])),
        json!(s(&info["containerRuntimeVersion"])),
    ]
}

fn service_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let ports: Vec<String> = v["spec"]["ports"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                .collect()
        })
        .unwrap_or_default();
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(s(&v["spec"]["type"])),
        json!(s(&v["spec"]["clusterIP"])),
        json!("<none>"),
        json!(ports.join(",")),
        json!(age(time(&v["metadata"]["creationTimestamp"]), now)),
        json!(or_none(labels_text(&v["spec"]["selector"]))),
    ]
}

fn deployment_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let st = &v["status"];
    let containers = v["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let join = |field: &str| {
        containers
            .iter()
            .map(|c| s(&c[field]))
            .collect::<Vec<_>>()
            .join(",")
    };
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(format!(
            "{}/{}",
            st["readyReplicas"].as_u64().unwrap_or(0),
            v["spec"]["replicas"].as_u64().unwrap_or(0)
        )),
        json!(st["updatedReplicas"].as_u64().unwrap_or(0)),
        json!(st["availableReplicas"].as_u64().unwrap_or(0)),
        json!(age(time(&v["metadata"]["creationTimestamp"]), now)),
        json!(join("name")),
        json!(join("image")),
        json!(labels_text(&v["spec"]["selector"]["matchLabels"])),
    ]
}

fn event_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let io = &v["involvedObject"];
    let object = format!("{}/{}", s(&io["kind"]).to_lowercase(), s(&io["name"]));
    // LAST SEEN as printEvent picks it (lastTimestamp, else firstTimestamp, else eventTime).
    let seen = event_seen(v).unwrap_or_default();
    vec![
        json!(age(seen.last, now)),
        json!(s(&v["type"])),
        json!(s(&v["reason"])),
        json!(object),
        json!(s(&v["message"])),
    ]
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
    }
}

/// The apiserver's printer: the Healthy condition decides, Unknown without one.
fn component_status_cells(v: &Value) -> Vec<Value> {
    let healthy = v["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Healthy"));
    let (status, message, error) = match healthy {
        Some(c) if c["status"] == "True" => ("Healthy", s(&c["message"]), s(&c["error"])),
        Some(c) => ("Unhealthy", s(&c["message"]), s(&c["error"])),
        None => ("Unknown", String::new(), String::new()),
    };
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(status),
        json!(message),
        json!(error),
    ]
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
        let store = Store::new();
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
