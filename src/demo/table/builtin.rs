//! Cells of the other built-in kinds: nodes, services, claims, ingresses, events, component statuses.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{created, labels_text, or_none, s, time};
use crate::kube::resource_table::event_seen;
use crate::kube::table::age;

/// STATUS as kubectl prints it: a cordoned node is `Ready,SchedulingDisabled`.
fn node_status(ready: bool, cordoned: bool) -> String {
    let ready = if ready { "Ready" } else { "NotReady" };
    if cordoned {
        format!("{ready},SchedulingDisabled")
    } else {
        ready.to_string()
    }
}

pub(super) fn node_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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
        json!(node_status(ready, v["spec"]["unschedulable"] == true)),
        json!(or_none(roles.join(","))),
        json!(age(time(&v["metadata"]["creationTimestamp"]), now)),
        json!(s(&info["kubeletVersion"])),
        json!(or_none(ip)),
        json!(s(&info["osImage"])),
        json!(s(&info["kernelVersion"])),
        json!(s(&info["containerRuntimeVersion"])),
    ]
}

pub(super) fn service_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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
/// `helper.GetAccessModesAsString`.
fn access_modes(modes: &Value) -> String {
    let has = |m: &str| modes.as_array().is_some_and(|ms| ms.iter().any(|x| x == m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

pub(super) fn claim_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let (spec, st) = (&v["spec"], &v["status"]);
    let phase = if v["metadata"].get("deletionTimestamp").is_some() {
        "Terminating".to_string()
    } else {
        s(&st["phase"])
    };
    let volume = s(&spec["volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            s(&st["capacity"]["storage"]),
            access_modes(&st["accessModes"]),
        )
    };
    let class = spec["storageClassName"]
        .as_str()
        .or(v["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str())
        .unwrap_or_default();
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(phase),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(class),
        json!(
            spec["volumeAttributesClassName"]
                .as_str()
                .unwrap_or("<unset>")
        ),
        json!(age(created(v), now)),
        json!(spec["volumeMode"].as_str().unwrap_or("<unset>")),
    ]
}

/// printIngress: up to three hosts (`*` for none), the load balancer's addresses, 80 or
/// `80, 443` with TLS.
pub(super) fn ingress_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let spec = &v["spec"];
    let rules = spec["rules"].as_array().cloned().unwrap_or_default();
    let hosts: Vec<String> = rules
        .iter()
        .filter_map(|r| r["host"].as_str().filter(|h| !h.is_empty()))
        .take(3)
        .map(str::to_string)
        .collect();
    let hosts = match hosts.len() {
        0 => "*".to_string(),
        3 if rules.len() > 3 => format!("{} + {} more...", hosts.join(","), rules.len() - 3),
        _ => hosts.join(","),
    };
    let mut addresses: Vec<String> = v["status"]["loadBalancer"]["ingress"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|i| i["ip"].as_str().or(i["hostname"].as_str()))
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    addresses.sort();
    addresses.dedup();
    let tls = spec["tls"].as_array().is_some_and(|t| !t.is_empty());
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(spec["ingressClassName"].as_str().unwrap_or("<none>")),
        json!(hosts),
        json!(addresses.join(",")),
        json!(if tls { "80, 443" } else { "80" }),
        json!(age(created(v), now)),
    ]
}

pub(super) fn data_count(v: &Value) -> usize {
    let len = |k: &str| v[k].as_object().map_or(0, serde_json::Map::len);
    len("data") + len("binaryData")
}

pub(super) fn event_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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
/// The apiserver's printer: the Healthy condition decides, Unknown without one.
pub(super) fn component_status_cells(v: &Value) -> Vec<Value> {
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
