//! A native `describe` of a pod: the fields people look for (containers, state, conditions,
//! volumes, node, IP) and the pod's events, newest last, with ages. Built from the JSON object
//! so unknown or missing fields never fail; written for this app, laid out the familiar way.

use serde_json::Value;

mod generic;
pub use generic::describe_object;

use crate::kube::table::human_signed_duration;

/// Width of the label column of top-level fields.
const LABEL: usize = 18;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text.to_string()
    }
}

fn field(out: &mut Vec<String>, indent: usize, label: &str, value: &str) {
    // At least two spaces between a long label and its value.
    let width = LABEL.saturating_sub(indent).max(label.len() + 3);
    out.push(format!(
        "{:indent$}{:width$}{}",
        "",
        format!("{label}:"),
        value
    ));
}

/// `key=value` lines of a map (labels, node selectors), aligned under the first.
fn map_field(out: &mut Vec<String>, label: &str, map: &Value) {
    let entries: Vec<String> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(&v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        field(out, 0, label, "<none>");
        return;
    }
    for (i, e) in entries.iter().enumerate() {
        if i == 0 {
            field(out, 0, label, e);
        } else {
            out.push(format!("{:LABEL$}{e}", ""));
        }
    }
}

fn age_of(v: &Value, now: jiff::Timestamp) -> Option<String> {
    let t: jiff::Timestamp = s(v).parse().ok()?;
    Some(human_signed_duration(now.duration_since(t)))
}

/// The describe text of `pod` and its `events`.
pub fn describe_pod(pod: &Value, events: &[Value], now: jiff::Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    let meta = &pod["metadata"];
    let spec = &pod["spec"];
    let status = &pod["status"];
    field(&mut out, 0, "Name", s(&meta["name"]));
    field(&mut out, 0, "Namespace", s(&meta["namespace"]));
    // Like kubectl: only when the admission controller set one.
    if let Some(priority) = spec["priority"].as_i64() {
        field(&mut out, 0, "Priority", &priority.to_string());
    }
    if !s(&spec["priorityClassName"]).is_empty() {
        field(
            &mut out,
            0,
            "Priority Class Name",
            s(&spec["priorityClassName"]),
        );
    }
    field(
        &mut out,
        0,
        "Service Account",
        &or_none(s(&spec["serviceAccountName"])),
    );
    let node = match (s(&spec["nodeName"]), s(&status["hostIP"])) {
        ("", _) => "<none>".to_string(),
        (n, "") => n.to_string(),
        (n, ip) => format!("{n}/{ip}"),
    };
    field(&mut out, 0, "Node", &node);
    field(&mut out, 0, "Start Time", &or_none(s(&status["startTime"])));
    map_field(&mut out, "Labels", &meta["labels"]);
    map_field(&mut out, "Annotations", &meta["annotations"]);
    let phase = if meta["deletionTimestamp"].is_string() {
        "Terminating".to_string()
    } else {
        s(&status["phase"]).to_string()
    };
    field(&mut out, 0, "Status", &phase);
    if !s(&status["reason"]).is_empty() {
        field(&mut out, 0, "Reason", s(&status["reason"]));
    }
    field(&mut out, 0, "IP", &or_none(s(&status["podIP"])));
    controlled_by(&mut out, meta);
    containers(
        &mut out,
        "Init Containers",
        spec,
        status,
        "initContainers",
        "initContainerStatuses",
        now,
    );
    containers(
        &mut out,
        "Containers",
        spec,
        status,
        "containers",
        "containerStatuses",
        now,
    );
    conditions(&mut out, status);
    volumes(&mut out, spec);
    field(&mut out, 0, "QoS Class", &or_none(s(&status["qosClass"])));
    map_field(&mut out, "Node-Selectors", &spec["nodeSelector"]);
    tolerations(&mut out, spec);
    events_section(&mut out, events, now);
    out
}

fn controlled_by(out: &mut Vec<String>, meta: &Value) {
    let owners = meta["ownerReferences"].as_array();
    let controller = owners.and_then(|o| o.iter().find(|r| r["controller"] == true));
    if let Some(r) = controller {
        field(
            out,
            0,
            "Controlled By",
            &format!("{}/{}", s(&r["kind"]), s(&r["name"])),
        );
    }
}

fn containers(
    out: &mut Vec<String>,
    title: &str,
    spec: &Value,
    status: &Value,
    spec_key: &str,
    status_key: &str,
    now: jiff::Timestamp,
) {
    let Some(list) = spec[spec_key].as_array().filter(|l| !l.is_empty()) else {
        return;
    };
    out.push(format!("{title}:"));
    let statuses = status[status_key].as_array();
    for c in list {
        let name = s(&c["name"]);
        let st = statuses
            .and_then(|l| l.iter().find(|x| s(&x["name"]) == name))
            .unwrap_or(&Value::Null);
        out.push(format!("  {name}:"));
        if !s(&st["containerID"]).is_empty() {
            field(out, 4, "Container ID", s(&st["containerID"]));
        }
        field(out, 4, "Image", s(&c["image"]));
        if !s(&st["imageID"]).is_empty() {
            field(out, 4, "Image ID", s(&st["imageID"]));
        }
        ports(out, c);
        container_state(out, "State", &st["state"], now);
        if st["lastState"].as_object().is_some_and(|m| !m.is_empty()) {
            container_state(out, "Last State", &st["lastState"], now);
        }
        let ready = if st["ready"] == true { "True" } else { "False" };
        field(out, 4, "Ready", ready);
        let restarts = st["restartCount"].as_u64().unwrap_or(0).to_string();
        field(out, 4, "Restart Count", &restarts);
        resources(out, "Limits", &c["resources"]["limits"]);
        resources(out, "Requests", &c["resources"]["requests"]);
        env_names(out, c);
        mounts(out, c);
    }
}

fn ports(out: &mut Vec<String>, c: &Value) {
    let ports: Vec<String> = c["ports"]
        .as_array()
        .map(|p| {
            p.iter()
                .map(|p| {
                    let proto = p["protocol"].as_str().unwrap_or("TCP");
                    format!("{}/{proto}", p["containerPort"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default();
    field(out, 4, "Port", &or_none(&ports.join(", ")));
}

fn container_state(out: &mut Vec<String>, label: &str, state: &Value, now: jiff::Timestamp) {
    let Some((name, detail)) = state.as_object().and_then(|m| m.iter().next()) else {
        field(out, 4, label, "Waiting");
        return;
    };
    let mut title = name.clone();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    field(out, 4, label, &title);
    for (key, text) in [
        ("reason", "Reason"),
        ("message", "Message"),
        ("exitCode", "Exit Code"),
        ("startedAt", "Started"),
        ("finishedAt", "Finished"),
    ] {
        let value = &detail[key];
        let shown = match value {
            Value::String(v) if key.ends_with("At") => match age_of(value, now) {
                Some(age) => format!("{v} ({age} ago)"),
                None => v.clone(),
            },
            Value::String(v) => v.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        field(out, 6, text, &shown);
    }
}

/// `cpu: 100m` lines of a container's limits or requests (nothing when unset).
fn resources(out: &mut Vec<String>, label: &str, map: &Value) {
    let Some(map) = map.as_object().filter(|m| !m.is_empty()) else {
        return;
    };
    out.push(format!("    {label}:"));
    for (k, v) in map {
        out.push(format!(
            "      {k}:  {}",
            v.as_str().map_or_else(|| v.to_string(), str::to_string)
        ));
    }
}

fn env_names(out: &mut Vec<String>, c: &Value) {
    let names: Vec<&str> = c["env"]
        .as_array()
        .map(|e| e.iter().map(|v| s(&v["name"])).collect())
        .unwrap_or_default();
    if names.is_empty() {
        field(out, 4, "Environment", "<none>");
        return;
    }
    out.push("    Environment:".into());
    for n in names {
        out.push(format!("      {n}"));
    }
}

fn mounts(out: &mut Vec<String>, c: &Value) {
    let Some(list) = c["volumeMounts"].as_array().filter(|l| !l.is_empty()) else {
        field(out, 4, "Mounts", "<none>");
        return;
    };
    out.push("    Mounts:".into());
    for m in list {
        let ro = if m["readOnly"] == true { "ro" } else { "rw" };
        out.push(format!(
            "      {} from {} ({ro})",
            s(&m["mountPath"]),
            s(&m["name"])
        ));
    }
}

fn conditions(out: &mut Vec<String>, status: &Value) {
    let Some(list) = status["conditions"].as_array().filter(|l| !l.is_empty()) else {
        return;
    };
    out.push("Conditions:".into());
    out.push(format!("  {:28}{}", "Type", "Status"));
    for c in list {
        out.push(format!("  {:28}{}", s(&c["type"]), s(&c["status"])));
    }
}

fn volumes(out: &mut Vec<String>, spec: &Value) {
    let Some(list) = spec["volumes"].as_array().filter(|l| !l.is_empty()) else {
        field(out, 0, "Volumes", "<none>");
        return;
    };
    out.push("Volumes:".into());
    for v in list {
        out.push(format!("  {}:", s(&v["name"])));
        let kind = v
            .as_object()
            .and_then(|m| m.keys().find(|k| k.as_str() != "name"))
            .map_or("<unknown>", String::as_str);
        field(out, 4, "Type", kind);
    }
}

fn tolerations(out: &mut Vec<String>, spec: &Value) {
    let list: Vec<String> = spec["tolerations"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|t| {
                    let mut text = s(&t["key"]).to_string();
                    if !s(&t["value"]).is_empty() {
                        text = format!("{text}={}", s(&t["value"]));
                    }
                    if !s(&t["effect"]).is_empty() {
                        text = format!("{text}:{}", s(&t["effect"]));
                    }
                    if let Some(secs) = t["tolerationSeconds"].as_i64() {
                        text = format!("{text} for {secs}s");
                    }
                    text
                })
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        field(out, 0, "Tolerations", "<none>");
    }
    for (i, t) in list.iter().enumerate() {
        if i == 0 {
            field(out, 0, "Tolerations", t);
        } else {
            out.push(format!("{:LABEL$}{t}", ""));
        }
    }
}

/// When an event last happened (lastTimestamp, eventTime, or creation).
fn event_time(e: &Value) -> Option<jiff::Timestamp> {
    ["lastTimestamp", "eventTime", "firstTimestamp"]
        .iter()
        .find_map(|k| s(&e[*k]).parse().ok())
        .or_else(|| s(&e["metadata"]["creationTimestamp"]).parse().ok())
}

fn event_age(e: &Value, now: jiff::Timestamp) -> String {
    let last = event_time(e).map(|t| human_signed_duration(now.duration_since(t)));
    let last = last.unwrap_or_else(|| "<unknown>".into());
    let count = e["count"].as_u64().unwrap_or(1);
    match age_of(&e["firstTimestamp"], now) {
        Some(first) if count > 1 => format!("{last} (x{count} over {first})"),
        _ => last,
    }
}

fn events_section(out: &mut Vec<String>, events: &[Value], now: jiff::Timestamp) {
    if events.is_empty() {
        field(out, 0, "Events", "<none>");
        return;
    }
    let mut sorted: Vec<&Value> = events.iter().collect();
    sorted.sort_by_key(|e| event_time(e));
    let rows: Vec<[String; 5]> = sorted
        .iter()
        .map(|e| {
            let from = s(&e["source"]["component"]);
            let from = if from.is_empty() {
                s(&e["reportingComponent"])
            } else {
                from
            };
            [
                s(&e["type"]).to_string(),
                s(&e["reason"]).to_string(),
                event_age(e, now),
                from.to_string(),
                s(&e["message"]).to_string(),
            ]
        })
        .collect();
    let header = ["Type", "Reason", "Age", "From", "Message"];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..4).map(width).collect();
    let line = |cells: [&str; 5]| {
        let mut text = String::from("  ");
        for (i, c) in cells.iter().take(4).enumerate() {
            text.push_str(&format!("{c:w$}  ", w = widths[i]));
        }
        text.push_str(cells[4]);
        text
    };
    out.push("Events:".into());
    out.push(line(header));
    out.push(line(["----", "------", "----", "----", "-------"]));
    for r in &rows {
        out.push(line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
}
