//! Reading an object for an edit and replacing it (PUT), optionally as a server-side dry run.
//! The body carries the resourceVersion it was read at, so a concurrent change is a 409 and
//! never overwritten. Errors keep the server's `Status` (409 message, 422 field causes).

use bytes::Bytes;
use http::Method;
use serde_json::Value;

use super::client::{ApiRequest, Client};
use super::error::KubeError;
use super::wire::JSON;

/// Query of every replace: unknown or duplicate fields are errors, as kubectl asks
/// (`--validate=strict`, its default), rather than silently dropped; managedFields name us
/// (kubectl edit is `kubectl-edit`).
const STRICT: &str = "fieldManager=kr8s-tui&fieldValidation=Strict";

/// `GET path` as JSON: the object to edit.
pub async fn get_for_edit(client: &Client, path: &str) -> Result<Value, KubeError> {
    let resp = client.get_accept(path, JSON).await?;
    decode(&resp.body, path)
}

/// `PUT path` with `body`; with `dry_run`, `?dryRun=All`: the server validates, defaults and
/// runs admission but stores nothing. Returns the object the server stored (or would store).
pub async fn replace(
    client: &Client,
    path: &str,
    body: &Value,
    dry_run: bool,
) -> Result<Value, KubeError> {
    let body = serde_json::to_vec(body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    let query = if dry_run {
        format!("dryRun=All&{STRICT}")
    } else {
        STRICT.to_string()
    };
    // `ApiRequest` joins base, version, namespace and url: an object path is its collection
    // (base) and its name (url).
    let (base, name) = path.rsplit_once('/').unwrap_or(("", path));
    let req = ApiRequest {
        method: Method::PUT,
        version: String::new(),
        base: base.to_string(),
        url: name.to_string(),
        query,
        body: Some(Bytes::from(body)),
        ..ApiRequest::default()
    };
    let resp = client.call_api(&req).await?;
    decode(&resp.body, path)
}

fn decode(body: &[u8], path: &str) -> Result<Value, KubeError> {
    serde_json::from_slice(body).map_err(|e| KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// The object as `kubectl edit` shows it: without `metadata.managedFields` (its default,
/// `--show-managed-fields=false`); status and the rest are kept, as kubectl keeps them.
pub fn strip_for_edit(mut object: Value) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    object
}

/// The resourceVersion of `object`, if it has one.
pub fn resource_version(object: &Value) -> Option<&str> {
    object["metadata"]["resourceVersion"].as_str()
}

/// Sets `metadata.resourceVersion` of an edited object to `version` (the one it was read at),
/// whatever the user did to it: the precondition is the read, not the text.
pub fn with_resource_version(mut object: Value, version: Option<&str>) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        match version {
            Some(v) => {
                meta.insert("resourceVersion".into(), Value::String(v.to_string()));
            }
            None => {
                meta.remove("resourceVersion");
            }
        }
    }
    object
}

/// The JSON merge patch (RFC 7386) that turns `from` into `to`: changed and added keys with
/// their new values, removed keys as `null`; arrays are replaced whole.
pub fn merge_patch(from: &Value, to: &Value) -> Option<Value> {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => {
            let mut patch = serde_json::Map::new();
            for (key, old) in a {
                match b.get(key) {
                    None => {
                        patch.insert(key.clone(), Value::Null);
                    }
                    Some(new) => {
                        if let Some(p) = merge_patch(old, new) {
                            patch.insert(key.clone(), p);
                        }
                    }
                }
            }
            for (key, new) in b {
                if !a.contains_key(key) {
                    patch.insert(key.clone(), new.clone());
                }
            }
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (a, b) if a == b => None,
        (_, b) => Some(b.clone()),
    }
}

/// Applies a JSON merge patch (RFC 7386) to `target`.
pub fn apply_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(map) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            apply_merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn managed_fields_go_and_everything_else_stays() {
        let object = json!({
            "metadata": {"name": "web", "managedFields": [{"manager": "kubectl"}], "resourceVersion": "7"},
            "spec": {"replicas": 2},
            "status": {"readyReplicas": 2}
        });
        let stripped = strip_for_edit(object);
        assert_eq!(
            stripped,
            json!({
                "metadata": {"name": "web", "resourceVersion": "7"},
                "spec": {"replicas": 2},
                "status": {"readyReplicas": 2}
            })
        );
    }

    #[test]
    fn the_read_resource_version_wins_over_the_text() {
        let edited = json!({"metadata": {"name": "web", "resourceVersion": "99"}});
        let body = with_resource_version(edited.clone(), Some("7"));
        assert_eq!(resource_version(&body), Some("7"));
        let body = with_resource_version(edited, None);
        assert_eq!(body["metadata"].get("resourceVersion"), None);
    }

    /// Your change (a label added, replicas changed, an annotation removed) carried onto a
    /// newer version that someone else changed meanwhile: both changes are in the result.
    #[test]
    fn a_merge_patch_carries_an_edit_onto_a_newer_version() {
        let original = json!({
            "metadata": {"name": "web", "resourceVersion": "7", "labels": {"app": "web"},
                         "annotations": {"old": "x"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "a"}]}}}
        });
        let edited = json!({
            "metadata": {"name": "web", "resourceVersion": "7", "labels": {"app": "web", "team": "blue"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "c", "image": "a"}]}}}
        });
        let latest = json!({
            "metadata": {"name": "web", "resourceVersion": "9", "labels": {"app": "web", "owner": "ops"},
                         "annotations": {"old": "x"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "b"}]}}}
        });
        let patch = merge_patch(&original, &edited).expect("there is a change");
        assert_eq!(
            patch,
            json!({"metadata": {"labels": {"team": "blue"}, "annotations": null}, "spec": {"replicas": 3}})
        );
        let mut carried = latest;
        apply_merge_patch(&mut carried, &patch);
        assert_eq!(
            carried,
            json!({
                "metadata": {"name": "web", "resourceVersion": "9",
                             "labels": {"app": "web", "owner": "ops", "team": "blue"}},
                "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "c", "image": "b"}]}}}
            })
        );
        assert_eq!(
            merge_patch(&original, &original),
            None,
            "no change, no patch"
        );
    }
}
