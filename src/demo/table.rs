//! `as=Table` responses (meta.k8s.io/v1 Table), as kubectl asks for them. Pod rows come from the
//! shared printPod port in `kube::table`; other kinds get kubectl's usual columns.

use std::sync::Arc;

use axum::response::Response;
use http::{HeaderMap, header};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::crd;
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

const NAME: Column = (
    "Name",
    "string",
    "name",
    0,
    "Name must be unique within a namespace.",
);
const AGE: Column = ("Age", "string", "", 0, "Time since the object was created.");
const CONTAINERS: Column = (
    "Containers",
    "string",
    "",
    1,
    "Names of each container in the template.",
);
const IMAGES: Column = (
    "Images",
    "string",
    "",
    1,
    "Images referenced by each container in the template.",
);
const SELECTOR: Column = ("Selector", "string", "", 1, "The label selector.");

/// Columns of the kinds printed like a controller: desired/current/ready counts.
fn workload_columns(kind: Kind) -> Vec<Column> {
    let int = |name: &'static str, description: &'static str| (name, "integer", "", 0, description);
    match kind {
        Kind::ReplicaSet => vec![
            NAME,
            int("Desired", "Number of desired replicas."),
            int("Current", "Number of replicas that exist."),
            int("Ready", "Number of ready replicas."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        Kind::StatefulSet => vec![
            NAME,
            (
                "Ready",
                "string",
                "",
                0,
                "Number of the pod with ready state",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
        ],
        Kind::DaemonSet => vec![
            NAME,
            int("Desired", "Number of nodes that should run the daemon pod."),
            int(
                "Current",
                "Number of nodes running at least one daemon pod.",
            ),
            int("Ready", "Number of nodes whose daemon pod is ready."),
            int(
                "Up-to-date",
                "Number of nodes running the updated daemon pod.",
            ),
            int(
                "Available",
                "Number of nodes whose daemon pod is available.",
            ),
            (
                "Node Selector",
                "string",
                "",
                0,
                "The node selector of the pod template.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        Kind::Job => vec![
            NAME,
            ("Status", "string", "", 0, "Status of the job."),
            (
                "Completions",
                "string",
                "",
                0,
                "The number of pods which reached phase Succeeded.",
            ),
            (
                "Duration",
                "string",
                "",
                0,
                "Time required to complete the job.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        _ => vec![
            NAME,
            ("Schedule", "string", "", 0, "The schedule in Cron format."),
            (
                "Timezone",
                "string",
                "",
                0,
                "The time zone name for the given schedule.",
            ),
            (
                "Suspend",
                "boolean",
                "",
                0,
                "Whether subsequent executions are suspended.",
            ),
            int("Active", "A list of pointers to currently running jobs."),
            (
                "Last Schedule",
                "string",
                "",
                0,
                "When the job was last successfully scheduled.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
    }
}

fn columns(kind: Kind) -> Vec<Column> {
    let text = |name: &'static str, description: &'static str| (name, "string", "", 0, description);
    match kind {
        Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet | Kind::Job | Kind::CronJob => {
            workload_columns(kind)
        }
        Kind::ConfigMap => vec![
            NAME,
            text("Data", "Data contains the configuration data."),
            AGE,
        ],
        Kind::Secret => vec![
            NAME,
            text(
                "Type",
                "Used to facilitate programmatic handling of secret data.",
            ),
            text("Data", "Data contains the secret data."),
            AGE,
        ],
        Kind::PersistentVolumeClaim => vec![
            NAME,
            text("Status", "The current phase of the claim."),
            text(
                "Volume",
                "The binding reference to the volume backing this claim.",
            ),
            text("Capacity", "The actual resources of the underlying volume."),
            text("Access Modes", "The actual access modes the volume has."),
            text("StorageClass", "StorageClass of the pvc"),
            text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            AGE,
            (
                "VolumeMode",
                "string",
                "",
                1,
                "What type of volume is required by the claim.",
            ),
        ],
        Kind::Ingress => vec![
            NAME,
            text(
                "Class",
                "The name of the IngressClass resource that should be used for additional configuration",
            ),
            text(
                "Hosts",
                "Hosts that incoming requests are matched against before the ingress rule",
            ),
            text(
                "Address",
                "Address is a list containing ingress points for the load-balancer",
            ),
            text("Ports", "Ports of TLS configurations that open"),
            AGE,
        ],
        // The apiserver's default table convertor (no printer of its own).
        Kind::CustomResourceDefinition => vec![
            NAME,
            (
                "Created At",
                "date",
                "",
                0,
                "CreationTimestamp is a timestamp representing the server time when this object was created.",
            ),
        ],
        Kind::Widget => std::iter::once(NAME)
            .chain(
                crd::WIDGET_COLUMNS
                    .iter()
                    .map(|c| (c.name, c.ty, "", c.priority, c.description)),
            )
            .collect(),
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
    let [names, images] = container_cells(&v["spec"]["template"]);
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
        names,
        images,
        json!(labels_text(&v["spec"]["selector"]["matchLabels"])),
    ]
}

/// `metav1.FormatLabelSelector`: requirements sorted by key, `<none>` when empty.
fn selector_text(selector: &Value) -> String {
    let mut parts: Vec<String> = selector["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    parts.sort();
    or_none(parts.join(","))
}

/// `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty.
fn sorted_labels(v: &Value) -> String {
    let mut parts: Vec<String> = labels_text(v)
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    parts.sort();
    or_none(parts.join(","))
}

/// The names and the images of a pod template's containers, as `layoutContainerCells`.
fn container_cells(template: &Value) -> [Value; 2] {
    let containers = template["spec"]["containers"]
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
    [json!(join("name")), json!(join("image"))]
}

fn created(v: &Value) -> Option<Timestamp> {
    time(&v["metadata"]["creationTimestamp"])
}

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn workload_cells(kind: Kind, v: &Value, now: Timestamp) -> Vec<Value> {
    let (spec, st) = (&v["spec"], &v["status"]);
    let name = json!(s(&v["metadata"]["name"]));
    let since = |t: Option<Timestamp>| age(t, now);
    let age = json!(since(created(v)));
    let [names, images] = container_cells(&spec["template"]);
    match kind {
        Kind::ReplicaSet => vec![
            name,
            json!(count(&spec["replicas"])),
            json!(count(&st["replicas"])),
            json!(count(&st["readyReplicas"])),
            age,
            names,
            images,
            json!(selector_text(&spec["selector"])),
        ],
        Kind::StatefulSet => vec![
            name,
            json!(format!(
                "{}/{}",
                count(&st["readyReplicas"]),
                count(&spec["replicas"])
            )),
            age,
            names,
            images,
        ],
        Kind::DaemonSet => vec![
            name,
            json!(count(&st["desiredNumberScheduled"])),
            json!(count(&st["currentNumberScheduled"])),
            json!(count(&st["numberReady"])),
            json!(count(&st["updatedNumberScheduled"])),
            json!(count(&st["numberAvailable"])),
            json!(sorted_labels(&spec["template"]["spec"]["nodeSelector"])),
            age,
            names,
            images,
            json!(selector_text(&spec["selector"])),
        ],
        Kind::Job => job_cells(v, now),
        _ => {
            let job_template = &spec["jobTemplate"]["spec"];
            let [names, images] = container_cells(&job_template["template"]);
            let last = time(&st["lastScheduleTime"]).map_or("<none>".into(), |t| since(Some(t)));
            let suspend = match spec["suspend"].as_bool() {
                Some(true) => "True",
                Some(false) => "False",
                None => "<unset>",
            };
            vec![
                name,
                json!(s(&spec["schedule"])),
                json!(spec["timeZone"].as_str().unwrap_or("<none>")),
                json!(suspend),
                json!(st["active"].as_array().map_or(0, Vec::len)),
                json!(last),
                age,
                names,
                images,
                json!(selector_text(&job_template["selector"])),
            ]
        }
    }
}

/// printJob: the first true condition of Complete, Failed (or a deletion), Suspended,
/// FailureTarget decides the status; the duration runs until completion.
fn job_cells(v: &Value, now: Timestamp) -> Vec<Value> {
    let (spec, st) = (&v["spec"], &v["status"]);
    let has = |ty: &str| {
        st["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == ty))
            .is_some_and(|c| c["status"] == "True")
    };
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if v["metadata"].get("deletionTimestamp").is_some() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let succeeded = count(&st["succeeded"]);
    let completions = match spec["completions"].as_u64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match spec["parallelism"].as_u64() {
            Some(p) if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (time(&st["startTime"]), time(&st["completionTime"])) {
        (None, _) => String::new(),
        (Some(start), None) => age(Some(start), now),
        (Some(start), Some(done)) => age(Some(start), done),
    };
    let [names, images] = container_cells(&spec["template"]);
    vec![
        json!(s(&v["metadata"]["name"])),
        json!(status),
        json!(completions),
        json!(duration),
        json!(age(created(v), now)),
        names,
        images,
        json!(selector_text(&spec["selector"])),
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

fn claim_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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
fn ingress_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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

fn data_count(v: &Value) -> usize {
    let len = |k: &str| v[k].as_object().map_or(0, serde_json::Map::len);
    len("data") + len("binaryData")
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
        Kind::CustomResourceDefinition => vec![
            json!(s(&v["metadata"]["name"])),
            json!(s(&v["metadata"]["creationTimestamp"])),
        ],
        Kind::Widget => std::iter::once(json!(s(&v["metadata"]["name"])))
            .chain(crd::widget_cells(v, now))
            .collect(),
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
