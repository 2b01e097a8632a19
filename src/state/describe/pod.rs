//! `describe pod`, section for section as kubectl 1.33 prints it, so someone who knows
//! kubectl's output finds every field where they expect it (compared line by line with kubectl
//! in tests/integration/describe_kubectl.rs). Times are shown in UTC.

use serde_json::Value;

use super::volumes::write_volumes;
use super::{Tabbed, or_none, s, since, timestamp, write_events};

/// Annotation values longer than this are folded onto their own lines, as kubectl does.
const MAX_ANNOTATION: usize = 140;

/// The describe text of `pod` and its `events`.
pub fn describe_pod(pod: &Value, events: &[Value], now: jiff::Timestamp) -> Vec<String> {
    let mut w = Tabbed::default();
    let (meta, spec, status) = (&pod["metadata"], &pod["spec"], &pod["status"]);
    identity(&mut w, meta, spec, status, now);
    if let Some(list) = nonempty(&spec["initContainers"]) {
        let statuses = &status["initContainerStatuses"];
        containers(&mut w, "Init Containers", list, statuses, pod);
    }
    let regular = spec["containers"].as_array().map_or(&[][..], Vec::as_slice);
    containers(
        &mut w,
        "Containers",
        regular,
        &status["containerStatuses"],
        pod,
    );
    if let Some(list) = nonempty(&spec["ephemeralContainers"]) {
        containers(
            &mut w,
            "Ephemeral Containers",
            list,
            &status["ephemeralContainerStatuses"],
            pod,
        );
    }
    conditions(&mut w, spec, status);
    write_volumes(&mut w, &spec["volumes"]);
    w.w(0, &format!("QoS Class:\t{}\n", qos_class(spec, status)));
    multiline(
        &mut w,
        "Node-Selectors",
        &key_values(&spec["nodeSelector"], "="),
    );
    multiline(&mut w, "Tolerations", &tolerations(&spec["tolerations"]));
    write_events(&mut w, events, now);
    w.lines()
}

fn nonempty(v: &Value) -> Option<&[Value]> {
    v.as_array().map(Vec::as_slice).filter(|l| !l.is_empty())
}

fn identity(w: &mut Tabbed, meta: &Value, spec: &Value, status: &Value, now: jiff::Timestamp) {
    w.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    w.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    if let Some(priority) = spec["priority"].as_i64() {
        w.w(0, &format!("Priority:\t{priority}\n"));
    }
    for (key, label) in [
        ("priorityClassName", "Priority Class Name"),
        ("runtimeClassName", "Runtime Class Name"),
        ("serviceAccountName", "Service Account"),
    ] {
        if !s(&spec[key]).is_empty() {
            w.w(0, &format!("{label}:\t{}\n", s(&spec[key])));
        }
    }
    match s(&spec["nodeName"]) {
        "" => w.w(0, "Node:\t<none>\n"),
        node => w.w(0, &format!("Node:\t{node}/{}\n", s(&status["hostIP"]))),
    }
    if timestamp(&status["startTime"]).is_some() {
        w.w(
            0,
            &format!("Start Time:\t{}\n", rfc1123z(&status["startTime"])),
        );
    }
    multiline(w, "Labels", &key_values(&meta["labels"], "="));
    annotations(w, &meta["annotations"]);
    let phase = s(&status["phase"]);
    if meta["deletionTimestamp"].is_string() && !matches!(phase, "Failed" | "Succeeded") {
        let lasts = since(&meta["deletionTimestamp"], now);
        w.w(0, &format!("Status:\tTerminating (lasts {lasts})\n"));
        let grace = meta["deletionGracePeriodSeconds"].as_i64().unwrap_or(0);
        w.w(0, &format!("Termination Grace Period:\t{grace}s\n"));
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    for (key, label) in [("reason", "Reason"), ("message", "Message")] {
        if !s(&status[key]).is_empty() {
            w.w(0, &format!("{label}:\t{}\n", s(&status[key])));
        }
    }
    w.w(0, &format!("IP:\t{}\n", s(&status["podIP"])));
    match nonempty(&status["podIPs"]) {
        None => w.w(0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.w(0, "IPs:\n");
            for ip in ips {
                w.w(1, &format!("IP:\t{}\n", s(&ip["ip"])));
            }
        }
    }
    let owners = meta["ownerReferences"].as_array().into_iter().flatten();
    if let Some(r) = owners.into_iter().find(|r| r["controller"] == true) {
        let by = format!("{}/{}", s(&r["kind"]), s(&r["name"]));
        w.w(0, &format!("Controlled By:\t{by}\n"));
    }
    if !s(&status["nominatedNodeName"]).is_empty() {
        let node = s(&status["nominatedNodeName"]);
        w.w(0, &format!("NominatedNodeName:\t{node}\n"));
    }
}

/// Go's RFC 1123 with numeric zone, in UTC; the zero time when the field is missing, as kubectl
/// prints an unset time.
fn rfc1123z(v: &Value) -> String {
    const FORMAT: &str = "%a, %d %b %Y %H:%M:%S %z";
    match timestamp(v) {
        Some(t) => t
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime(FORMAT)
            .to_string(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

/// `key=value` (labels) or `key: value` pairs of a map, sorted by key.
fn key_values(map: &Value, sep: &str) -> Vec<String> {
    let mut entries: Vec<(&String, String)> = map
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|(k, v)| format!("{k}{sep}{v}"))
        .collect()
}

/// `Title:  first` and the rest under it, or `<none>`.
fn multiline(w: &mut Tabbed, title: &str, entries: &[String]) {
    w.w(0, &format!("{title}:\t"));
    if entries.is_empty() {
        w.w(0, "<none>\n");
    }
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            w.w(0, "\t");
        }
        w.w(0, &format!("{entry}\n"));
    }
}

fn annotations(w: &mut Tabbed, map: &Value) {
    let mut entries: Vec<(&String, &str)> = map
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .map(|(k, v)| (k, s(v)))
        .collect();
    entries.sort();
    w.w(0, "Annotations:\t");
    if entries.is_empty() {
        w.w(0, "<none>\n");
    }
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            w.w(0, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION || value.contains('\n') {
            w.w(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                w.w(0, &format!("\t  {}\n", shorten(line, MAX_ANNOTATION - 2)));
            }
        } else {
            w.w(0, &format!("{key}: {value}\n"));
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

fn containers(w: &mut Tabbed, title: &str, list: &[Value], statuses: &Value, pod: &Value) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{title}:{none}\n"));
    for c in list {
        let name = s(&c["name"]);
        let status = statuses
            .as_array()
            .and_then(|l| l.iter().find(|x| s(&x["name"]) == name));
        w.w(1, &format!("{name}:\n"));
        if let Some(st) = status {
            w.w(2, &format!("Container ID:\t{}\n", s(&st["containerID"])));
        }
        w.w(2, &format!("Image:\t{}\n", s(&c["image"])));
        if let Some(st) = status {
            w.w(2, &format!("Image ID:\t{}\n", s(&st["imageID"])));
        }
        ports(w, c);
        lines_of(w, "Command", &c["command"]);
        lines_of(w, "Args", &c["args"]);
        if let Some(st) = status {
            state(w, "State", &st["state"]);
            if st["lastState"]["terminated"].is_object() {
                state(w, "Last State", &st["lastState"]);
            }
            let ready = if st["ready"] == true { "True" } else { "False" };
            w.w(2, &format!("Ready:\t{ready}\n"));
            let restarts = st["restartCount"].as_i64().unwrap_or(0);
            w.w(2, &format!("Restart Count:\t{restarts}\n"));
        }
        resources(w, &c["resources"]);
        for (key, label) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if c[key].is_object() {
                w.w(2, &format!("{label}:\t{}\n", probe(&c[key])));
            }
        }
        env_from(w, c);
        env(w, c, pod);
        mounts(w, c);
    }
}

fn ports(w: &mut Tabbed, c: &Value) {
    let ports = c["ports"].as_array().map_or(&[][..], Vec::as_slice);
    let of = |key: &str| -> String {
        let each = ports.iter().map(|p| {
            let number = p[key].as_i64().unwrap_or(0);
            format!("{number}/{}", s(&p["protocol"]))
        });
        each.collect::<Vec<_>>().join(", ")
    };
    for (key, one, many) in [
        ("containerPort", "Port", "Ports"),
        ("hostPort", "Host Port", "Host Ports"),
    ] {
        let text = of(key);
        if text.contains(',') {
            w.w(2, &format!("{many}:\t{text}\n"));
        } else {
            w.w(2, &format!("{one}:\t{}\n", or_none(&text)));
        }
    }
}

/// `Command:`/`Args:` with one line per (line of an) entry.
fn lines_of(w: &mut Tabbed, title: &str, list: &Value) {
    let Some(list) = nonempty(list) else {
        return;
    };
    w.w(2, &format!("{title}:\n"));
    for entry in list {
        for line in s(entry).split('\n') {
            w.w(3, &format!("{line}\n"));
        }
    }
}

fn state(w: &mut Tabbed, title: &str, state: &Value) {
    if let Some(running) = state.get("running").filter(|v| v.is_object()) {
        w.w(2, &format!("{title}:\tRunning\n"));
        let started = rfc1123z(&running["startedAt"]);
        w.w(3, &format!("Started:\t{started}\n"));
    } else if let Some(done) = state.get("terminated").filter(|v| v.is_object()) {
        w.w(2, &format!("{title}:\tTerminated\n"));
        for (key, label) in [("reason", "Reason"), ("message", "Message")] {
            if !s(&done[key]).is_empty() {
                w.w(3, &format!("{label}:\t{}\n", s(&done[key])));
            }
        }
        let code = done["exitCode"].as_i64().unwrap_or(0);
        w.w(3, &format!("Exit Code:\t{code}\n"));
        if let Some(signal) = done["signal"].as_i64().filter(|n| *n > 0) {
            w.w(3, &format!("Signal:\t{signal}\n"));
        }
        w.w(3, &format!("Started:\t{}\n", rfc1123z(&done["startedAt"])));
        w.w(
            3,
            &format!("Finished:\t{}\n", rfc1123z(&done["finishedAt"])),
        );
    } else {
        w.w(2, &format!("{title}:\tWaiting\n"));
        let reason = s(&state["waiting"]["reason"]);
        if !reason.is_empty() {
            w.w(3, &format!("Reason:\t{reason}\n"));
        }
    }
}

/// Limits then requests, names sorted.
fn resources(w: &mut Tabbed, resources: &Value) {
    for (key, title) in [("limits", "Limits"), ("requests", "Requests")] {
        let entries = key_values(&resources[key], ":\t");
        if entries.is_empty() {
            continue;
        }
        w.w(2, &format!("{title}:\n"));
        for entry in entries {
            w.w(3, &format!("{entry}\n"));
        }
    }
}

/// kubectl's one-line probe: how it checks, then its timings.
fn probe(p: &Value) -> String {
    let n = |key: &str| p[key].as_i64().unwrap_or(0);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds"),
        n("timeoutSeconds"),
        n("periodSeconds"),
        n("successThreshold"),
        n("failureThreshold")
    );
    let port = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    if let Some(exec) = p.get("exec") {
        let command: Vec<&str> = exec["command"]
            .as_array()
            .into_iter()
            .flatten()
            .map(s)
            .collect();
        format!("exec [{}] {attrs}", command.join(" "))
    } else if let Some(get) = p.get("httpGet") {
        let scheme = s(&get["scheme"]).to_ascii_lowercase();
        let host = format!("{}:{}", s(&get["host"]), port(&get["port"]));
        format!("http-get {scheme}://{host}{} {attrs}", s(&get["path"]))
    } else if let Some(tcp) = p.get("tcpSocket") {
        format!(
            "tcp-socket {}:{} {attrs}",
            s(&tcp["host"]),
            port(&tcp["port"])
        )
    } else if let Some(grpc) = p.get("grpc") {
        format!(
            "grpc <pod>:{} {} {attrs}",
            port(&grpc["port"]),
            s(&grpc["service"])
        )
    } else {
        format!("unknown {attrs}")
    }
}

fn env_from(w: &mut Tabbed, c: &Value) {
    let Some(list) = nonempty(&c["envFrom"]) else {
        return;
    };
    w.w(2, "Environment Variables from:\n");
    for e in list {
        let (from, source) = match (e.get("configMapRef"), e.get("secretRef")) {
            (Some(r), _) => ("ConfigMap", r),
            (None, Some(r)) => ("Secret", r),
            (None, None) => ("", &Value::Null),
        };
        let optional = source["optional"] == true;
        let name = s(&source["name"]);
        let from = match s(&e["prefix"]) {
            "" => from.to_string(),
            prefix => format!("{from} with prefix '{prefix}'"),
        };
        w.w(3, &format!("{name}\t{from}\tOptional: {optional}\n"));
    }
}

/// Environment variables: plain values as written in the pod spec (visible to anyone who can
/// read the pod, as in kubectl), references by where they point, never a Secret's value.
fn env(w: &mut Tabbed, c: &Value, pod: &Value) {
    let Some(list) = nonempty(&c["env"]) else {
        w.w(2, "Environment:\t<none>\n");
        return;
    };
    w.w(2, "Environment:\n");
    for e in list {
        let name = s(&e["name"]);
        let from = &e["valueFrom"];
        if !from.is_object() {
            for (i, line) in s(&e["value"]).split('\n').enumerate() {
                let label = if i == 0 {
                    format!("{name}:")
                } else {
                    String::new()
                };
                w.w(3, &format!("{label}\t{line}\n"));
            }
        } else if let Some(f) = from.get("fieldRef") {
            let path = format!("{}:{}", s(&f["apiVersion"]), s(&f["fieldPath"]));
            let value = field_value(pod, s(&f["fieldPath"]));
            w.w(3, &format!("{name}:\t{value} ({path})\n"));
        } else if let Some(r) = from.get("resourceFieldRef") {
            w.w(3, &format!("{name}:\t ({})\n", s(&r["resource"])));
        } else if let Some(r) = from.get("secretKeyRef") {
            let (key, of, optional) = (s(&r["key"]), s(&r["name"]), r["optional"] == true);
            let text = format!("<set to the key '{key}' in secret '{of}'>\tOptional: {optional}");
            w.w(3, &format!("{name}:\t{text}\n"));
        } else if let Some(r) = from.get("configMapKeyRef") {
            let (key, of, optional) = (s(&r["key"]), s(&r["name"]), r["optional"] == true);
            let text =
                format!("<set to the key '{key}' of config map '{of}'>\tOptional: {optional}");
            w.w(3, &format!("{name}:\t{text}\n"));
        }
    }
}

/// The value a downward-API `fieldRef` gives the container, for the paths pods may use.
fn field_value(pod: &Value, path: &str) -> String {
    let meta = &pod["metadata"];
    let keyed = |prefix: &str, map: &Value| -> Option<String> {
        let key = path.strip_prefix(prefix)?.strip_suffix("']")?;
        Some(s(&map[key]).to_string())
    };
    if let Some(v) = keyed("metadata.labels['", &meta["labels"]) {
        return v;
    }
    if let Some(v) = keyed("metadata.annotations['", &meta["annotations"]) {
        return v;
    }
    let v = match path {
        "metadata.name" => &meta["name"],
        "metadata.namespace" => &meta["namespace"],
        "metadata.uid" => &meta["uid"],
        "spec.nodeName" => &pod["spec"]["nodeName"],
        "spec.serviceAccountName" => &pod["spec"]["serviceAccountName"],
        "status.hostIP" => &pod["status"]["hostIP"],
        "status.podIP" => &pod["status"]["podIP"],
        "status.podIPs" => {
            let ips = pod["status"]["podIPs"].as_array().into_iter().flatten();
            return ips.map(|ip| s(&ip["ip"])).collect::<Vec<_>>().join(",");
        }
        _ => &Value::Null,
    };
    s(v).to_string()
}

fn mounts(w: &mut Tabbed, c: &Value) {
    let Some(list) = nonempty(&c["volumeMounts"]) else {
        w.w(2, "Mounts:\t<none>\n");
        return;
    };
    w.w(2, "Mounts:\n");
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| s(&a["mountPath"]).cmp(s(&b["mountPath"])));
    for m in sorted {
        let mut flags = vec![if m["readOnly"] == true { "ro" } else { "rw" }.to_string()];
        if !s(&m["subPath"]).is_empty() {
            flags.push(format!("path={:?}", s(&m["subPath"])));
        }
        let (path, name) = (s(&m["mountPath"]), s(&m["name"]));
        w.w(3, &format!("{path} from {name} ({})\n", flags.join(",")));
    }
}

fn conditions(w: &mut Tabbed, spec: &Value, status: &Value) {
    let conditions = status["conditions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    if let Some(gates) = nonempty(&spec["readinessGates"]) {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let kind = s(&g["conditionType"]);
            let state = conditions
                .iter()
                .find(|c| s(&c["type"]) == kind)
                .map_or("<none>", |c| s(&c["status"]));
            w.w(1, &format!("{kind} \t{state} \n"));
        }
    }
    if conditions.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\n");
    for c in conditions {
        w.w(1, &format!("{} \t{} \n", s(&c["type"]), s(&c["status"])));
    }
}

/// The server's QoS class, or the one its rules give when the status has none yet.
fn qos_class(spec: &Value, status: &Value) -> String {
    if !s(&status["qosClass"]).is_empty() {
        return s(&status["qosClass"]).to_string();
    }
    let all = ["containers", "initContainers"]
        .iter()
        .flat_map(|k| spec[*k].as_array().into_iter().flatten());
    let (mut any, mut guaranteed) = (false, true);
    for c in all {
        for resource in ["cpu", "memory"] {
            let request = &c["resources"]["requests"][resource];
            let limit = &c["resources"]["limits"][resource];
            any |= !request.is_null() || !limit.is_null();
            guaranteed &= !limit.is_null() && (request.is_null() || request == limit);
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
    .into()
}

fn tolerations(list: &Value) -> Vec<String> {
    let mut list: Vec<&Value> = list.as_array().into_iter().flatten().collect();
    // Sorted by key, as kubectl prints them.
    list.sort_by(|a, b| s(&a["key"]).cmp(s(&b["key"])));
    list.into_iter()
        .map(|t| {
            let (key, value, effect) = (s(&t["key"]), s(&t["value"]), s(&t["effect"]));
            let mut text = key.to_string();
            if !value.is_empty() {
                text.push_str(&format!("={value}"));
            }
            if !effect.is_empty() {
                text.push_str(&format!(":{effect}"));
            }
            if s(&t["operator"]) == "Exists" && value.is_empty() {
                let space = if key.is_empty() && effect.is_empty() {
                    ""
                } else {
                    " "
                };
                text.push_str(&format!("{space}op=Exists"));
            }
            if let Some(secs) = t["tolerationSeconds"].as_i64() {
                text.push_str(&format!(" for {secs}s"));
            }
            text
        })
        .collect()
}
