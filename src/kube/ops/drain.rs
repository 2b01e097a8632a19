//! Which pods a drain evicts, skips or refuses, by `kubectl drain`'s rules: DaemonSet-managed
//! and mirror pods are skipped; pods without a controller, or with emptyDir data, stop the
//! drain before anything is evicted unless the user chose to go on (`--force`,
//! `--delete-emptydir-data`).

use serde_json::Value;

/// The annotation the kubelet puts on mirror pods of static pods.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// What the user allowed in the drain dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DrainOptions {
    /// Evict pods no controller will recreate (kubectl's `--force`).
    pub force: bool,
    /// Evict pods whose emptyDir data is lost with them (`--delete-emptydir-data`).
    pub delete_emptydir: bool,
}

/// Why a pod is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A DaemonSet would put it back at once (kubectl's `--ignore-daemonsets`).
    DaemonSet,
    /// A mirror of a static pod: the API cannot delete it.
    Mirror,
}

/// One pod of the node and what the drain does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPod {
    pub namespace: String,
    pub name: String,
    /// Its uid: a StatefulSet's replacement has the same name, not the same uid.
    pub uid: String,
    /// `None`: evict it.
    pub skip: Option<Skip>,
}

/// Pods that stop the drain (nothing is evicted): the user has to allow them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Refusal {
    /// `namespace/name` of pods without a controller.
    pub unmanaged: Vec<String>,
    /// `namespace/name` of pods with emptyDir volumes.
    pub emptydir: Vec<String>,
}

impl std::fmt::Display for Refusal {
    /// kubectl's words, naming the option that would allow them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if !self.unmanaged.is_empty() {
            parts.push(format!(
                "cannot delete Pods that declare no controller (allow \"force\" to override): {}",
                self.unmanaged.join(", ")
            ));
        }
        if !self.emptydir.is_empty() {
            parts.push(format!(
                "cannot delete Pods with local storage (allow \"delete emptyDir data\" to override): {}",
                self.emptydir.join(", ")
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

/// How the eviction of one pod is going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodProgress {
    /// The Eviction was sent.
    Evicting,
    /// The server accepted it; the pod is terminating.
    Terminating,
    /// A PodDisruptionBudget forbids it now (429): tried `attempt` times, next at `retry_at`.
    Waiting {
        attempt: u32,
        retry_at: jiff::Timestamp,
        message: String,
    },
    /// The pod is gone (as `kubectl drain` says "evicted" once it is deleted).
    Evicted,
    /// The pod was already gone (404).
    Gone,
    /// Any other answer: the drain goes on with the other pods.
    Failed(String),
}

/// What a drain reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrainEvent {
    /// The node is unschedulable now.
    Cordoned,
    /// The node's pods and what happens to each (indices of later events point here).
    Planned(Vec<PlannedPod>),
    /// Some pods stop the drain: nothing was evicted (the node stays cordoned).
    Refused(Refusal),
    /// Pod `index` of the plan moved on.
    Pod { index: usize, progress: PodProgress },
    /// Every pod to evict has been evicted, was gone, or failed.
    Finished,
    /// Cordoning or listing the pods failed: nothing was evicted.
    Failed(crate::kube::Failure),
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// The kind of the pod's controller (`ReplicaSet`, `DaemonSet`, …), if it has one.
fn controller_kind(pod: &Value) -> Option<&str> {
    let owners = pod.pointer("/metadata/ownerReferences")?.as_array()?;
    owners
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|o| o.get("kind")?.as_str())
}

fn has_emptydir(pod: &Value) -> bool {
    let volumes = pod.pointer("/spec/volumes").and_then(Value::as_array);
    volumes.is_some_and(|vs| vs.iter().any(|v| v.get("emptyDir").is_some()))
}

/// A pod that has ended: deleting it loses nothing, controller or not.
fn finished(pod: &Value) -> bool {
    matches!(
        str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

/// Sorts the node's `pods` into evict and skip, or refuses the whole drain.
pub fn plan(pods: &[Value], opts: DrainOptions) -> Result<Vec<PlannedPod>, Refusal> {
    let mut planned = Vec::with_capacity(pods.len());
    let mut refusal = Refusal::default();
    for pod in pods {
        let namespace = str_at(pod, &["metadata", "namespace"]).unwrap_or_default();
        let name = str_at(pod, &["metadata", "name"]).unwrap_or_default();
        let full = format!("{namespace}/{name}");
        let mirror = pod
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(MIRROR_ANNOTATION))
            .is_some();
        let kind = controller_kind(pod);
        let skip = if mirror {
            Some(Skip::Mirror)
        } else if kind == Some("DaemonSet") {
            Some(Skip::DaemonSet)
        } else {
            None
        };
        if skip.is_none() {
            if kind.is_none() && !finished(pod) && !opts.force {
                refusal.unmanaged.push(full.clone());
            }
            if has_emptydir(pod) && !opts.delete_emptydir {
                refusal.emptydir.push(full);
            }
        }
        planned.push(PlannedPod {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: str_at(pod, &["metadata", "uid"])
                .unwrap_or_default()
                .to_string(),
            skip,
        });
    }
    if refusal.unmanaged.is_empty() && refusal.emptydir.is_empty() {
        Ok(planned)
    } else {
        Err(refusal)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(name: &str, owner: Option<&str>) -> Value {
        let owners: Vec<Value> = owner
            .map(|k| json!({"kind": k, "name": "x", "controller": true}))
            .into_iter()
            .collect();
        json!({"metadata": {"namespace": "shop", "name": name, "ownerReferences": owners},
               "status": {"phase": "Running"}})
    }

    #[test]
    fn daemonset_and_mirror_pods_are_skipped_the_rest_evicted() {
        let mut mirror = pod("etcd", None);
        mirror["metadata"]["annotations"] = json!({MIRROR_ANNOTATION: "abc"});
        let pods = [
            pod("web-1", Some("ReplicaSet")),
            pod("agent", Some("DaemonSet")),
            mirror,
        ];
        let planned = plan(&pods, DrainOptions::default()).expect("no refusal");
        let skips: Vec<_> = planned.iter().map(|p| (p.name.as_str(), p.skip)).collect();
        assert_eq!(
            skips,
            [
                ("web-1", None),
                ("agent", Some(Skip::DaemonSet)),
                ("etcd", Some(Skip::Mirror))
            ]
        );
    }

    #[test]
    fn unmanaged_and_emptydir_pods_refuse_the_drain_unless_allowed() {
        let mut scratch = pod("cache", Some("ReplicaSet"));
        scratch["spec"] = json!({"volumes": [{"name": "tmp", "emptyDir": {}}]});
        let mut done = pod("job-done", None);
        done["status"]["phase"] = json!("Succeeded");
        let pods = [pod("lonely", None), scratch, done];
        let refusal = plan(&pods, DrainOptions::default()).expect_err("refused");
        assert_eq!(refusal.unmanaged, ["shop/lonely"]);
        assert_eq!(refusal.emptydir, ["shop/cache"]);
        assert!(refusal.to_string().contains("declare no controller"));
        let force = DrainOptions {
            force: true,
            delete_emptydir: false,
        };
        assert_eq!(plan(&pods, force).expect_err("emptyDir").unmanaged.len(), 0);
        let both = DrainOptions {
            force: true,
            delete_emptydir: true,
        };
        assert_eq!(plan(&pods, both).expect("allowed").len(), 3);
    }
}
