//! Cells of the controller kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{created, labels_text, or_none, s, time};
use crate::demo::resources::Kind;
use crate::kube::table::age;

pub(super) fn deployment_cells(v: &Value, now: Timestamp) -> Vec<Value> {
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

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

pub(super) fn workload_cells(kind: Kind, v: &Value, now: Timestamp) -> Vec<Value> {
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
