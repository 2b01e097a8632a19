//! Label selectors of objects as the `labelSelector` query parameter spells them: a workload's
//! `metav1.LabelSelector` (`matchLabels` and `matchExpressions`, as apimachinery's
//! `LabelSelectorAsSelector` turns them into a selector) or a Service's plain map.

use serde_json::Value;

/// Why an object's selector cannot select pods.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// No `spec.selector` (a Service without one has its endpoints managed by hand).
    #[error("has no selector")]
    Missing,
    /// A selector that is not an object of the expected shape.
    #[error("has a selector this client cannot read: {0}")]
    Malformed(String),
    /// A `matchExpressions` operator Kubernetes does not define.
    #[error("has an unknown selector operator {0:?}")]
    Operator(String),
}

/// `spec.selector` of a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job. An empty
/// selector selects everything (`Ok("")`), as apimachinery reads it; a missing one nothing.
pub fn from_label_selector(selector: &Value) -> Result<String, SelectorError> {
    let object = match selector {
        Value::Null => return Err(SelectorError::Missing),
        Value::Object(o) => o,
        other => return Err(SelectorError::Malformed(other.to_string())),
    };
    let mut requirements = Vec::new();
    match object.get("matchLabels") {
        None | Some(Value::Null) => {}
        Some(labels) => requirements.extend(equalities(labels)?),
    }
    match object.get("matchExpressions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(exprs)) => {
            for expr in exprs {
                requirements.push(expression(expr)?);
            }
        }
        Some(other) => return Err(SelectorError::Malformed(other.to_string())),
    }
    Ok(requirements.join(","))
}

/// `spec.selector` of a Service or ReplicationController: `key: value` pairs. Missing or
/// empty selects nothing (a Service without a selector).
pub fn from_map(selector: &Value) -> Result<String, SelectorError> {
    match selector {
        Value::Null => Err(SelectorError::Missing),
        Value::Object(o) if o.is_empty() => Err(SelectorError::Missing),
        other => Ok(equalities(other)?.join(",")),
    }
}

/// `k=v` for each entry of a string map.
fn equalities(map: &Value) -> Result<Vec<String>, SelectorError> {
    let Value::Object(map) = map else {
        return Err(SelectorError::Malformed(map.to_string()));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(v) => Ok(format!("{k}={v}")),
            other => Err(SelectorError::Malformed(format!("{k}: {other}"))),
        })
        .collect()
}

/// One `matchExpressions` entry: `k in (a,b)`, `k notin (a,b)`, `k` or `!k`.
fn expression(expr: &Value) -> Result<String, SelectorError> {
    let key = expr["key"]
        .as_str()
        .ok_or_else(|| SelectorError::Malformed(expr.to_string()))?;
    let mut values: Vec<&str> = match &expr["values"] {
        Value::Null => Vec::new(),
        Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
        other => return Err(SelectorError::Malformed(other.to_string())),
    };
    // apimachinery sorts the values of a set requirement.
    values.sort_unstable();
    let set = values.join(",");
    match expr["operator"].as_str().unwrap_or_default() {
        "In" => Ok(format!("{key} in ({set})")),
        "NotIn" => Ok(format!("{key} notin ({set})")),
        "Exists" => Ok(key.to_string()),
        "DoesNotExist" => Ok(format!("!{key}")),
        other => Err(SelectorError::Operator(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn workload_selectors_become_label_selectors() {
        let deploy = json!({"matchLabels": {"app": "web", "tier": "frontend"}});
        assert_eq!(
            from_label_selector(&deploy).as_deref(),
            Ok("app=web,tier=frontend")
        );
        let job = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "0d1e"}});
        assert_eq!(
            from_label_selector(&job).as_deref(),
            Ok("batch.kubernetes.io/controller-uid=0d1e")
        );
        let mixed = json!({
            "matchLabels": {"app": "db"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "canary"]},
                {"key": "zone", "operator": "NotIn", "values": ["b"]},
                {"key": "managed", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist", "values": null}
            ]
        });
        assert_eq!(
            from_label_selector(&mixed).as_deref(),
            Ok("app=db,env in (canary,prod),zone notin (b),managed,!legacy")
        );
        assert_eq!(
            from_label_selector(&json!({})).as_deref(),
            Ok(""),
            "everything"
        );
    }

    #[test]
    fn selectors_that_select_nothing_or_cannot_be_read_say_why() {
        assert_eq!(
            from_label_selector(&Value::Null),
            Err(SelectorError::Missing)
        );
        let bad_op = json!({"matchExpressions": [{"key": "a", "operator": "Near"}]});
        assert_eq!(
            from_label_selector(&bad_op),
            Err(SelectorError::Operator("Near".into()))
        );
        assert!(matches!(
            from_label_selector(&json!({"matchLabels": {"a": 1}})),
            Err(SelectorError::Malformed(_))
        ));
        assert!(matches!(
            from_label_selector(&json!("app=web")),
            Err(SelectorError::Malformed(_))
        ));
    }

    #[test]
    fn service_selectors_are_maps_and_may_be_absent() {
        assert_eq!(from_map(&json!({"app": "web"})).as_deref(), Ok("app=web"));
        assert_eq!(from_map(&Value::Null), Err(SelectorError::Missing));
        assert_eq!(from_map(&json!({})), Err(SelectorError::Missing));
    }
}
