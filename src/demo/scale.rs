//! The `scale` subresource (`autoscaling/v1` Scale) of Deployments, ReplicaSets and
//! StatefulSets: what `kubectl scale` reads and patches.

use serde_json::{Value, json};

use super::resources::Kind;
use super::routes::Reject;
use super::validate::{self, check_replicas};
use super::write::{Target, precondition};

/// A label selector as its string form (`app=web,tier=frontend`, keys sorted).
pub(crate) fn selector_text(sel: &Value) -> String {
    let mut pairs: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs.join(",")
}

/// The Scale of a stored object.
pub(crate) fn view(_kind: Kind, obj: &Value) -> Value {
    let m = &obj["metadata"];
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
            "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"]},
        "spec": {"replicas": obj["spec"]["replicas"].as_u64().unwrap_or(0)},
        "status": {"replicas": obj["status"]["replicas"].as_u64().unwrap_or(0),
            "selector": selector_text(&obj["spec"]["selector"])}})
}

/// The object after an edit of its Scale: only `spec.replicas` (and the generation) change.
pub(crate) fn edited(
    t: Target<'_>,
    old: &Value,
    edit: impl Fn(&Value) -> Result<Value, Reject>,
) -> Result<Value, Reject> {
    let scale = edit(&view(t.kind, old))?;
    precondition(t, old, &scale)?;
    let replicas = &scale["spec"]["replicas"];
    if let Some(err) = check_replicas("spec.replicas", replicas) {
        return Err(validate::invalid_as("Scale", "autoscaling", t.name, &[err]));
    }
    let mut new = old.clone();
    let replicas = replicas.as_u64().unwrap_or(0);
    if old["spec"]["replicas"].as_u64() != Some(replicas) {
        new["spec"]["replicas"] = json!(replicas);
        let generation = old["metadata"]["generation"].as_u64().unwrap_or(1);
        new["metadata"]["generation"] = json!(generation + 1);
    }
    Ok(new)
}
