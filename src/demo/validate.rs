//! What the apiserver checks before it stores a write, with its words: 409 Conflict, 422
//! Invalid with field causes, and the unknown fields that `fieldValidation` reports (Strict: a
//! 400, Warn: a `Warning` header; either way the field is dropped, as decoding drops it).

use serde_json::{Value, json};

use super::resources::Kind;
use super::routes::Reject;
use crate::kube::error::{Status, StatusCause, StatusDetails};

/// `deployments.apps`, or `pods`: how 404/409 messages name a resource.
pub(crate) fn group_resource(kind: Kind) -> String {
    match kind.group() {
        "" => kind.plural().to_string(),
        g => format!("{}.{g}", kind.plural()),
    }
}

fn reject(code: u16, reason: &str, message: String, details: StatusDetails) -> Reject {
    let mut status = Status::failure(code, reason, message);
    status.details = Some(Box::new(details));
    Reject::from_status(status)
}

/// The 409 of a write carrying a stale resourceVersion.
pub(crate) fn conflict(kind: Kind, resource: &str, name: &str) -> Reject {
    let message = format!(
        "Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
    );
    let details = StatusDetails {
        name: name.into(),
        group: kind.group().into(),
        kind: kind.plural().into(),
        ..StatusDetails::default()
    };
    reject(409, "Conflict", message, details)
}

/// The 409 of a create whose name is taken.
pub(crate) fn already_exists(kind: Kind, name: &str) -> Reject {
    let message = format!("{} \"{name}\" already exists", group_resource(kind));
    let details = StatusDetails {
        name: name.into(),
        group: kind.group().into(),
        kind: kind.plural().into(),
        ..StatusDetails::default()
    };
    reject(409, "AlreadyExists", message, details)
}

/// One field error: (reason, field, body) as `field.Error` prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub reason: &'static str,
    pub field: String,
    pub body: String,
}

impl FieldError {
    pub fn invalid(field: &str, value: &str, detail: &str) -> FieldError {
        FieldError {
            reason: "FieldValueInvalid",
            field: field.into(),
            body: format!("Invalid value: {value}: {detail}"),
        }
    }

    pub fn required(field: &str) -> FieldError {
        FieldError {
            reason: "FieldValueRequired",
            field: field.into(),
            body: "Required value".into(),
        }
    }
}

/// The 422 `<Kind>.<group> "<name>" is invalid: <field>: <error>` (errors in brackets when
/// there are several), `kind_name` as the message names the kind.
pub(crate) fn invalid_as(kind_name: &str, group: &str, name: &str, errs: &[FieldError]) -> Reject {
    let list: Vec<String> = errs
        .iter()
        .map(|e| format!("{}: {}", e.field, e.body))
        .collect();
    let all = match list.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    let qualified = match group {
        "" => kind_name.to_string(),
        g => format!("{kind_name}.{g}"),
    };
    let details = StatusDetails {
        name: name.into(),
        group: group.into(),
        kind: kind_name.into(),
        causes: errs
            .iter()
            .map(|e| StatusCause {
                reason: e.reason.into(),
                message: e.body.clone(),
                field: e.field.clone(),
            })
            .collect(),
        retry_after_seconds: None,
    };
    reject(
        422,
        "Invalid",
        format!("{qualified} \"{name}\" is invalid: {all}"),
        details,
    )
}

pub(crate) fn invalid(kind: Kind, name: &str, errs: &[FieldError]) -> Reject {
    invalid_as(kind.kind(), kind.group(), name, errs)
}

/// Go's `%#v` of a `map[string]string`, as the apiserver prints label maps.
fn go_map(labels: &Value) -> String {
    let pairs: Vec<String> = labels
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k:?}:{v}")).collect())
        .unwrap_or_default();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

/// Go's `%#v` of a `v1.LabelSelector`.
fn go_selector(sel: &Value) -> String {
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}",
        go_map(&sel["matchLabels"])
    )
}

/// Whether `kind` has `spec.replicas` and a scale subresource.
pub(crate) fn scalable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
    )
}

/// `spec.replicas`: a non-negative integer.
pub(crate) fn check_replicas(field: &str, value: &Value) -> Option<FieldError> {
    match value {
        Value::Null => None,
        Value::Number(n) if n.as_u64().is_some_and(|r| r <= i32::MAX as u64) => None,
        Value::Number(n) => Some(FieldError::invalid(
            field,
            &n.to_string(),
            "must be greater than or equal to 0",
        )),
        other => Some(FieldError::invalid(
            field,
            &other.to_string(),
            "must be an integer",
        )),
    }
}

/// The apiserver's refusal of a pod spec change beyond the few mutable fields (it adds a
/// diff of the two specs, left out here).
const POD_UPDATE: &str = "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// Whether a pod spec changed in a field a running pod cannot change.
fn pod_spec_changed(old: &Value, new: &Value) -> bool {
    let masked = |spec: &Value| {
        let mut spec = spec.clone();
        for list in ["containers", "initContainers"] {
            for c in spec[list].as_array_mut().into_iter().flatten() {
                c["image"] = Value::Null;
            }
        }
        if let Some(m) = spec.as_object_mut() {
            for key in [
                "activeDeadlineSeconds",
                "tolerations",
                "terminationGracePeriodSeconds",
            ] {
                m.remove(key);
            }
        }
        spec
    };
    masked(old) != masked(new)
}

/// The apiserver's validation of an update of `old` to `new` (or of a create when `old` is
/// None), reduced to the checks users run into.
pub(crate) fn check(kind: Kind, old: Option<&Value>, new: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(old) = old
        && old["metadata"]["name"] != new["metadata"]["name"]
    {
        let name = new["metadata"]["name"].to_string();
        errs.push(FieldError::invalid(
            "metadata.name",
            &name,
            "field is immutable",
        ));
    }
    if new["metadata"]["name"].as_str().is_none_or(str::is_empty) {
        errs.push(FieldError::required("metadata.name"));
    }
    if scalable(kind) {
        errs.extend(check_replicas("spec.replicas", &new["spec"]["replicas"]));
    }
    let workload = matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet
    );
    if workload {
        let sel = &new["spec"]["selector"];
        if let Some(old) = old
            && old["spec"]["selector"] != *sel
        {
            errs.push(FieldError::invalid(
                "spec.selector",
                &go_selector(sel),
                "field is immutable",
            ));
        }
        let labels = &new["spec"]["template"]["metadata"]["labels"];
        let matches = sel["matchLabels"]
            .as_object()
            .is_some_and(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)));
        if !matches {
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                &go_map(labels),
                "`selector` does not match template `labels`",
            ));
        }
    }
    if kind == Kind::Pod
        && let Some(old) = old
        && pod_spec_changed(&old["spec"], &new["spec"])
    {
        errs.push(FieldError {
            reason: "FieldValueForbidden",
            field: "spec".into(),
            body: POD_UPDATE.into(),
        });
    }
    let (containers, at) = match kind {
        Kind::Pod => (&new["spec"]["containers"], "spec.containers"),
        _ if workload => (
            &new["spec"]["template"]["spec"]["containers"],
            "spec.template.spec.containers",
        ),
        _ => (&Value::Null, ""),
    };
    for (i, c) in containers.as_array().into_iter().flatten().enumerate() {
        if c["image"].as_str().is_none_or(|s| s.trim().is_empty()) {
            errs.push(FieldError::required(&format!("{at}[{i}].image")));
        }
    }
    errs
}

pub(crate) use super::fields::prune_unknown;

/// The 400 of `fieldValidation=Strict` with unknown fields.
pub(crate) fn strict_error(fields: &[String]) -> Reject {
    let list: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    let message = format!("strict decoding error: {}", list.join(", "));
    Reject::from_status(Status::failure(400, "BadRequest", message))
}

/// The warnings of `fieldValidation=Warn`, one per field.
pub(crate) fn warnings(fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect()
}

/// A Status body of a successful call (an eviction's 201).
pub(crate) fn success(code: u16) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "code": code})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_replicas_read_like_the_apiserver() {
        let new = json!({"metadata": {"name": "hello-web"}, "spec": {"replicas": -1,
            "selector": {"matchLabels": {"app": "hello-web"}},
            "template": {"metadata": {"labels": {"app": "hello-web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let errs = check(Kind::Deployment, Some(&new), &new);
        assert_eq!(
            errs,
            [FieldError::invalid(
                "spec.replicas",
                "-1",
                "must be greater than or equal to 0"
            )]
        );
        let reject = invalid(Kind::Deployment, "hello-web", &errs);
        assert_eq!(
            reject.status().message,
            "Deployment.apps \"hello-web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    #[test]
    fn a_pod_takes_a_new_image_but_no_other_spec_change() {
        let old = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "a"}]}});
        let image = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "b"}]}});
        assert_eq!(check(Kind::Pod, Some(&old), &image), []);
        let renamed = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "d", "image": "a"}]}});
        let errs = check(Kind::Pod, Some(&old), &renamed);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].reason, "FieldValueForbidden");
        let reject = invalid(Kind::Pod, "p", &errs);
        assert!(reject.status().message.starts_with(
            "Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than"
        ));
    }

    #[test]
    fn unknown_fields_are_found_where_the_types_are_known() {
        let old = json!({"metadata": {"name": "a"}, "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c"}]}}}});
        let mut new = json!({"metadata": {"name": "a", "labels": {"x": "y"}}, "spec": {"replicas": 1, "foo": 1,
            "template": {"spec": {"containers": [{"name": "c", "bar": 2}]}}}});
        let found = prune_unknown(Kind::Deployment, Some(&old), &mut new);
        assert_eq!(found, ["spec.foo", "spec.template.spec.containers[0].bar"]);
        assert!(new["spec"].get("foo").is_none());
    }
}
