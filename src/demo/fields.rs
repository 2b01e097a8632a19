//! The fields the API types define, where the demo models them, so unknown ones can be found
//! and dropped as the apiserver's decoder drops them.

use serde_json::Value;

use super::resources::Kind;

const META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
];
const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];
const TEMPLATE: &[&str] = &["metadata", "spec"];

/// The fields the API types define at `path` (`[]` stands for any list item); None = not
/// modelled here, so anything is accepted.
fn known(kind: Kind, path: &str) -> Option<&'static [&'static str]> {
    let workload = matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet
    );
    Some(match path {
        "" => match kind {
            Kind::ConfigMap => &[
                "apiVersion",
                "kind",
                "metadata",
                "data",
                "binaryData",
                "immutable",
            ],
            Kind::Secret => &[
                "apiVersion",
                "kind",
                "metadata",
                "data",
                "stringData",
                "type",
                "immutable",
            ],
            Kind::Event | Kind::ComponentStatus => return None,
            _ => &["apiVersion", "kind", "metadata", "spec", "status"],
        },
        "metadata" | "spec.template.metadata" => META,
        "spec" => match kind {
            Kind::Deployment => &[
                "replicas",
                "selector",
                "template",
                "strategy",
                "minReadySeconds",
                "revisionHistoryLimit",
                "paused",
                "progressDeadlineSeconds",
            ],
            Kind::ReplicaSet => &["replicas", "minReadySeconds", "selector", "template"],
            Kind::StatefulSet => &[
                "replicas",
                "selector",
                "template",
                "volumeClaimTemplates",
                "serviceName",
                "podManagementPolicy",
                "updateStrategy",
                "revisionHistoryLimit",
                "minReadySeconds",
                "persistentVolumeClaimRetentionPolicy",
                "ordinals",
            ],
            Kind::DaemonSet => &[
                "selector",
                "template",
                "updateStrategy",
                "minReadySeconds",
                "revisionHistoryLimit",
            ],
            Kind::Node => &[
                "podCIDR",
                "podCIDRs",
                "providerID",
                "unschedulable",
                "taints",
                "configSource",
                "externalID",
            ],
            Kind::Pod => POD_SPEC,
            _ => return None,
        },
        "spec.template" if workload => TEMPLATE,
        "spec.template.spec" if workload => POD_SPEC,
        "spec.template.spec.containers[]" | "spec.template.spec.initContainers[]" if workload => {
            CONTAINER
        }
        "spec.containers[]" | "spec.initContainers[]" if kind == Kind::Pod => CONTAINER,
        _ => return None,
    })
}

/// Removes from `new` the fields the API types do not define (that `old` did not already
/// have) and returns their paths as the apiserver names them (`spec.template.spec.foo`).
pub(crate) fn prune_unknown(kind: Kind, old: Option<&Value>, new: &mut Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(kind, old, new, "", "", &mut found);
    found
}

fn walk(
    kind: Kind,
    old: Option<&Value>,
    new: &mut Value,
    pattern: &str,
    shown: &str,
    found: &mut Vec<String>,
) {
    let join = |base: &str, k: &str| {
        if base.is_empty() {
            k.to_string()
        } else {
            format!("{base}.{k}")
        }
    };
    match new {
        Value::Object(map) => {
            let allowed = known(kind, pattern);
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let had = old.and_then(|o| o.get(&k));
                if let Some(allowed) = allowed
                    && !allowed.contains(&k.as_str())
                    && had.is_none()
                {
                    map.remove(&k);
                    found.push(join(shown, &k));
                    continue;
                }
                if let Some(child) = map.get_mut(&k) {
                    walk(
                        kind,
                        had,
                        child,
                        &join(pattern, &k),
                        &join(shown, &k),
                        found,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let had = old.and_then(|o| o.get(i));
                let shown = format!("{shown}[{i}]");
                walk(kind, had, item, &format!("{pattern}[]"), &shown, found);
            }
        }
        _ => {}
    }
}
