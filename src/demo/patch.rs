//! The three patch types the apiserver accepts on built-in kinds: JSON merge patch (RFC 7386),
//! JSON patch (RFC 6902) and strategic merge patch, the last reduced to what kubectl sends
//! (lists of containers and friends merged by their merge key, `$patch`, `$retainKeys`,
//! `$setElementOrder` and `$deleteFromPrimitiveList` directives).

use serde_json::{Map, Value};

/// A patch content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatchType {
    Merge,
    Json,
    Strategic,
}

impl PatchType {
    /// From the request's Content-Type; None = 415.
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        match ct.split(';').next().unwrap_or_default().trim() {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/json-patch+json" => Some(PatchType::Json),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            _ => None,
        }
    }
}

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PatchError {
    /// The body is not a patch of that type (a 400).
    #[error("{0}")]
    Malformed(String),
    /// A JSON patch operation failed, e.g. a `test` (a 422).
    #[error("{0}")]
    Failed(String),
}

/// Applies `patch` (already parsed) of type `ty` to `target`.
pub(crate) fn apply(ty: PatchType, target: &Value, patch: &Value) -> Result<Value, PatchError> {
    match ty {
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(PatchError::Malformed(
                    "merge patch must be a JSON object".into(),
                ));
            }
            Ok(merge(target, patch))
        }
        PatchType::Json => json_patch(target, patch),
        PatchType::Strategic => match patch {
            Value::Object(p) => Ok(strategic(target, p, "")),
            _ => Err(PatchError::Malformed(
                "strategic merge patch must be a JSON object".into(),
            )),
        },
    }
}

/// RFC 7386: objects merge key by key, `null` removes, anything else replaces.
pub(crate) fn merge(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// One RFC 6901 pointer split into unescaped tokens.
fn tokens(pointer: &str) -> Result<Vec<String>, PatchError> {
    if pointer.is_empty() {
        return Ok(vec![]);
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| PatchError::Malformed(format!("invalid JSON pointer {pointer:?}")))?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// The container of the last token and that token.
fn parent<'a>(
    doc: &'a mut Value,
    toks: &[String],
    path: &str,
) -> Result<&'a mut Value, PatchError> {
    let missing = || PatchError::Failed(format!("doc is missing path: {path:?}"));
    let mut at = doc;
    for t in &toks[..toks.len().saturating_sub(1)] {
        at = match at {
            Value::Object(m) => m.get_mut(t).ok_or_else(missing)?,
            Value::Array(a) => {
                let i: usize = t.parse().map_err(|_| missing())?;
                a.get_mut(i).ok_or_else(missing)?
            }
            _ => return Err(missing()),
        };
    }
    Ok(at)
}

fn get<'a>(doc: &'a Value, path: &str) -> Result<&'a Value, PatchError> {
    let toks = tokens(path)?;
    let mut at = doc;
    for t in &toks {
        let next = match at {
            Value::Object(m) => m.get(t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        at = next.ok_or_else(|| PatchError::Failed(format!("doc is missing path: {path:?}")))?;
    }
    Ok(at)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let toks = tokens(path)?;
    let Some(last) = toks.last() else {
        *doc = value;
        return Ok(());
    };
    match parent(doc, &toks, path)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= a.len())
                    .ok_or_else(|| PatchError::Failed(format!("invalid index in {path:?}")))?
            };
            a.insert(i, value);
            Ok(())
        }
        _ => Err(PatchError::Failed(format!("doc is missing path: {path:?}"))),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, PatchError> {
    let toks = tokens(path)?;
    let missing = || PatchError::Failed(format!("doc is missing path: {path:?}"));
    let last = toks.last().ok_or_else(missing)?;
    match parent(doc, &toks, path)? {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            (i < a.len()).then(|| a.remove(i)).ok_or_else(missing)
        }
        _ => Err(missing()),
    }
}

/// RFC 6902: a list of operations applied in order; any failure leaves `target` untouched.
pub(crate) fn json_patch(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops = patch
        .as_array()
        .ok_or_else(|| PatchError::Malformed("json patch must be a JSON array".into()))?;
    let mut doc = target.clone();
    for op in ops {
        let path = op["path"]
            .as_str()
            .ok_or_else(|| PatchError::Malformed(format!("operation missing \"path\": {op}")))?;
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| PatchError::Malformed(format!("operation missing \"value\": {op}")))
        };
        let from = || {
            op["from"]
                .as_str()
                .ok_or_else(|| PatchError::Malformed(format!("operation missing \"from\": {op}")))
        };
        match op["op"].as_str().unwrap_or_default() {
            "add" => add(&mut doc, path, value()?)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path)?;
                add(&mut doc, path, value()?)?;
            }
            "move" => {
                let moved = remove(&mut doc, from()?)?;
                add(&mut doc, path, moved)?;
            }
            "copy" => {
                let copied = get(&doc, from()?)?.clone();
                add(&mut doc, path, copied)?;
            }
            "test" => {
                if *get(&doc, path)? != value()? {
                    return Err(PatchError::Failed(format!(
                        "testing value {path} failed: test failed"
                    )));
                }
            }
            other => {
                return Err(PatchError::Malformed(format!("Unexpected kind: {other:?}")));
            }
        }
    }
    Ok(doc)
}

/// The merge key of a list field in a strategic merge patch (from the Kubernetes API types'
/// `patchMergeKey` tags); None = the list is replaced whole.
fn merge_key(path: &str, field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => "name",
        // A Service's ports merge by port, a container's by containerPort.
        "ports"
            if path.ends_with("spec")
                && !path.contains("template")
                && !path.contains("containers") =>
        {
            "port"
        }
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ownerReferences" => "uid",
        "conditions" | "addresses" => "type",
        _ => return None,
    })
}

/// Lists of scalars that merge as sets instead of being replaced.
fn merges_scalars(field: &str) -> bool {
    field == "finalizers"
}

/// A strategic merge patch over an object. `path` is the dotted path of `target` (for merge
/// keys that depend on where a list sits).
fn strategic(target: &Value, patch: &Map<String, Value>, path: &str) -> Value {
    if patch.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut p = patch.clone();
        p.remove("$patch");
        return Value::Object(p);
    }
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, v) in patch {
        if k.starts_with('$') {
            continue;
        }
        let here = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        let merged = match (out.get(k), v) {
            (_, Value::Null) => None,
            (_, Value::Object(p)) if p.get("$patch").and_then(Value::as_str) == Some("delete") => {
                None
            }
            (Some(old), Value::Object(p)) => Some(strategic(old, p, &here)),
            (None, Value::Object(p)) => Some(strategic(&Value::Null, p, &here)),
            (Some(Value::Array(old)), Value::Array(p)) => Some(merge_list(path, k, old, p)),
            (_, Value::Array(p)) => Some(Value::Array(strip_directives(p))),
            (_, other) => Some(other.clone()),
        };
        match merged {
            Some(m) => {
                out.insert(k.clone(), m);
            }
            None => {
                out.remove(k);
            }
        }
    }
    apply_list_directives(&mut out, patch);
    if let Some(keep) = patch.get("$retainKeys").and_then(Value::as_array) {
        out.retain(|k, _| keep.iter().any(|r| r == k.as_str()));
    }
    Value::Object(out)
}

/// Patch list elements without their `$patch` directives (a list given where none was).
fn strip_directives(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|i| i.get("$patch").is_none_or(|d| d != "delete"))
        .map(|i| match i {
            Value::Object(m) => {
                let mut m = m.clone();
                m.remove("$patch");
                Value::Object(m)
            }
            other => other.clone(),
        })
        .collect()
}

fn merge_list(path: &str, field: &str, old: &[Value], patch: &[Value]) -> Value {
    if merges_scalars(field) {
        let mut out = old.to_vec();
        for v in patch {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        return Value::Array(out);
    }
    let Some(key) = merge_key(path, field) else {
        return Value::Array(strip_directives(patch));
    };
    let here = if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    };
    let mut out = old.to_vec();
    for p in patch {
        let Value::Object(pm) = p else {
            continue;
        };
        let found = out.iter().position(|o| o.get(key) == pm.get(key));
        let delete = pm.get("$patch").and_then(Value::as_str) == Some("delete");
        match (found, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => out[i] = strategic(&out[i], pm, &here),
            (None, false) => out.push(strategic(&Value::Null, pm, &here)),
        }
    }
    Value::Array(out)
}

/// `$setElementOrder/<field>` (reorders a merged list by its merge key) and
/// `$deleteFromPrimitiveList/<field>` (removes scalars).
fn apply_list_directives(out: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/")
            && let (Some(Value::Array(list)), Some(gone)) = (out.get_mut(field), v.as_array())
        {
            list.retain(|x| !gone.contains(x));
        }
        if let Some(field) = k.strip_prefix("$setElementOrder/")
            && let (Some(Value::Array(list)), Some(order)) = (out.get_mut(field), v.as_array())
        {
            reorder(list, order);
        }
    }
}

/// Puts the elements named in `order` (by their one key) first, in that order; the rest keep
/// their place after them.
fn reorder(list: &mut Vec<Value>, order: &[Value]) {
    let mut rest = std::mem::take(list);
    for o in order {
        let same = |item: &Value| match (o, item) {
            (Value::Object(om), Value::Object(im)) => om.iter().all(|(k, v)| im.get(k) == Some(v)),
            _ => o == item,
        };
        if let Some(i) = rest.iter().position(same) {
            list.push(rest.remove(i));
        }
    }
    list.append(&mut rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        let patch = json!({"a": "z", "c": {"f": null}});
        assert_eq!(merge(&doc, &patch), json!({"a": "z", "c": {"d": "e"}}));
        assert_eq!(
            merge(&json!({"a": [1]}), &json!({"a": [2]})),
            json!({"a": [2]})
        );
    }

    #[test]
    fn json_patch_ops_and_a_failed_test() {
        let doc = json!({"spec": {"replicas": 1, "list": [1, 2]}});
        let patch = json!([
            {"op": "test", "path": "/spec/replicas", "value": 1},
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/-", "value": 3},
            {"op": "add", "path": "/spec/list/0", "value": 0},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
            {"op": "move", "from": "/spec/copy", "path": "/moved"},
            {"op": "remove", "path": "/spec/list/1"},
            {"op": "add", "path": "/metadata~1x", "value": "y"}
        ]);
        assert_eq!(
            json_patch(&doc, &patch),
            Ok(json!({"spec": {"replicas": 3, "list": [0, 2, 3]}, "moved": 3, "metadata/x": "y"}))
        );
        let failed = json!([{"op": "test", "path": "/spec/replicas", "value": 2}]);
        assert_eq!(
            json_patch(&doc, &failed),
            Err(PatchError::Failed(
                "testing value /spec/replicas failed: test failed".into()
            ))
        );
        let missing = json!([{"op": "remove", "path": "/nope"}]);
        assert!(matches!(
            json_patch(&doc, &missing),
            Err(PatchError::Failed(_))
        ));
    }

    #[test]
    fn strategic_merge_merges_containers_by_name_and_honours_directives() {
        let doc = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}]},
            {"name": "envoy", "image": "envoy:1"}
        ]}}}, "metadata": {"finalizers": ["a"], "labels": {"x": "1"}}});
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "envoy"}, {"name": "web"}],
            "containers": [{"name": "web", "image": "nginx:2"}, {"name": "gone", "$patch": "delete"}]
        }}}, "metadata": {"finalizers": ["b"], "labels": {"x": null, "y": "2"}}});
        let out = apply(PatchType::Strategic, &doc, &patch).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "envoy", "image": "envoy:1"},
                {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 80}]}])
        );
        assert_eq!(
            out["metadata"],
            json!({"finalizers": ["a", "b"], "labels": {"y": "2"}})
        );
        let del = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "envoy", "$patch": "delete"}]}}}});
        let out = apply(PatchType::Strategic, &doc, &del).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        let retain = json!({"spec": {"$retainKeys": ["template"], "template": {}}});
        let doc2 = json!({"spec": {"template": {"a": 1}, "other": 1}});
        let out = apply(PatchType::Strategic, &doc2, &retain).unwrap();
        assert_eq!(out, json!({"spec": {"template": {"a": 1}}}));
    }
}
