//! `describe` of any other kind, the way kubectl describes objects it has no describer for
//! (CRDs among them): identity first, then every field of the object as an indented outline
//! with camelCase keys spelt out ("creationTimestamp" → "Creation Timestamp"), then the
//! object's events. Secret values are never shown, only their sizes, as kubectl does.

use serde_json::Value;

use super::{events_section, field, map_field, s};

/// Metadata fields shown at the top or not at all (managedFields is noise here, as in kubectl).
const METADATA_SHOWN_ABOVE: [&str; 5] = [
    "name",
    "namespace",
    "labels",
    "annotations",
    "managedFields",
];

/// The describe text of `object` and its `events`.
pub fn describe_object(object: &Value, events: &[Value], now: jiff::Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    let meta = &object["metadata"];
    field(&mut out, 0, "Name", s(&meta["name"]));
    if let Some(ns) = meta["namespace"].as_str() {
        field(&mut out, 0, "Namespace", ns);
    }
    map_field(&mut out, "Labels", &meta["labels"]);
    map_field(&mut out, "Annotations", &meta["annotations"]);
    field(&mut out, 0, "API Version", s(&object["apiVersion"]));
    field(&mut out, 0, "Kind", s(&object["kind"]));
    let secret = s(&object["kind"]) == "Secret";
    if let Some(meta) = meta.as_object() {
        out.push("Metadata:".into());
        for (k, v) in meta {
            if !METADATA_SHOWN_ABOVE.contains(&k.as_str()) {
                outline(&mut out, 2, k, v);
            }
        }
    }
    for (key, value) in object.as_object().into_iter().flatten() {
        if matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        if secret && matches!(key.as_str(), "data" | "stringData") {
            sizes(&mut out, key, value);
        } else {
            outline(&mut out, 0, key, value);
        }
    }
    events_section(&mut out, events, now);
    out
}

/// One field and, for maps and lists, everything under it, two spaces deeper per level.
fn outline(out: &mut Vec<String>, indent: usize, key: &str, value: &Value) {
    outline_as(out, indent, &spelt_out(key), value);
}

fn outline_as(out: &mut Vec<String>, indent: usize, label: &str, value: &Value) {
    match value {
        Value::Object(map) if map.is_empty() => out.push(format!("{:indent$}{label}:", "")),
        // Below the top level, a map of strings is data (labels, selectors, requests): its
        // keys stay as written.
        Value::Object(map) if indent > 0 && map.values().all(Value::is_string) => {
            out.push(format!("{:indent$}{label}:", ""));
            for (k, v) in map {
                outline_as(out, indent + 2, k, v);
            }
        }
        Value::Object(map) => {
            out.push(format!("{:indent$}{label}:", ""));
            for (k, v) in map {
                outline(out, indent + 2, k, v);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let text: Vec<String> = items.iter().map(scalar).collect();
            out.push(format!("{:indent$}{label}:  {}", "", text.join(", ")));
        }
        Value::Array(items) => {
            out.push(format!("{:indent$}{label}:", ""));
            for item in items {
                list_item(out, indent + 2, item);
            }
        }
        other => out.push(format!("{:indent$}{label}:  {}", "", scalar(other))),
    }
}

/// A list entry: a map's fields with the first one marked `-`, so entries stay apart.
fn list_item(out: &mut Vec<String>, indent: usize, item: &Value) {
    let Some(map) = item.as_object() else {
        out.push(format!("{:indent$}- {}", "", scalar(item)));
        return;
    };
    let start = out.len();
    for (k, v) in map {
        outline(out, indent + 2, k, v);
    }
    if let Some(first) = out.get_mut(start) {
        first.replace_range(indent..indent + 2, "- ");
    }
}

/// Secret data as kubectl shows it: each key and its size, never the value.
fn sizes(out: &mut Vec<String>, key: &str, value: &Value) {
    out.push(format!("{}:", spelt_out(key)));
    for (k, v) in value.as_object().into_iter().flatten() {
        let len = match key {
            // `data` values are base64: the decoded size is what the Secret holds.
            "data" => s(v).trim_end_matches('=').len() * 3 / 4,
            _ => s(v).len(),
        };
        out.push(format!("  {k}:  {len} bytes"));
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// `creationTimestamp` → `Creation Timestamp`, `podIPs` → `Pod IPs`. Keys that are not plain
/// camelCase (label keys such as `app.kubernetes.io/name`) stay as they are.
fn spelt_out(key: &str) -> String {
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return key.to_string();
    }
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if starts_word {
            out.push(' ');
        }
        out.push(if i == 0 { c.to_ascii_uppercase() } else { c });
    }
    // "IPs": a trailing lowercase `s` after capitals stays with them.
    out.replace(" I Ps", " IPs")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_are_spelt_out_like_kubectl() {
        assert_eq!(spelt_out("creationTimestamp"), "Creation Timestamp");
        assert_eq!(spelt_out("replicas"), "Replicas");
        assert_eq!(spelt_out("podIP"), "Pod IP");
        assert_eq!(spelt_out("apiVersion"), "Api Version");
        assert_eq!(
            spelt_out("app.kubernetes.io/name"),
            "app.kubernetes.io/name"
        );
    }

    #[test]
    fn objects_describe_as_an_outline_with_events_and_no_secret_values() {
        let now: jiff::Timestamp = "2026-11-20T12:00:00Z".parse().expect("time");
        let deploy = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                "uid": "u1", "managedFields": [{"manager": "kubectl"}]},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"conditions": [{"type": "Available", "status": "True"}]}
        });
        let text = describe_object(&deploy, &[], now).join("\n");
        for want in [
            "Name:",
            "web",
            "Namespace:",
            "Labels:",
            "app=web",
            "Kind:",
            "Deployment",
            "Uid:  u1",
            "Spec:",
            "  Replicas:  3",
            "    Match Labels:",
            "      app:  web",
            "Status:",
            "    - Type:  Available",
            "      Status:  True",
            "Events:",
        ] {
            assert!(text.contains(want), "{want:?} missing:\n{text}");
        }
        assert!(!text.contains("kubectl"), "managedFields hidden:\n{text}");

        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
            "type": "Opaque", "data": {"password": "c2VjcmV0LXZhbHVl"}});
        let text = describe_object(&secret, &[], now).join("\n");
        assert!(text.contains("password:  12 bytes"), "{text}");
        assert!(!text.contains("c2VjcmV0LXZhbHVl"), "{text}");
    }
}
