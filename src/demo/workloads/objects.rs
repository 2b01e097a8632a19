//! The controllers' own objects (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob)
//! as JSON, with the metadata and selectors real controllers set.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Template, after, labels_json};
use crate::demo::pods::{Owner, Scenario, ts};

/// Who an object is: namespace, name, uid and when it was created.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Id<'a> {
    pub ns: &'a str,
    pub name: &'a str,
    pub uid: &'a str,
    pub created: Timestamp,
}

/// Controller metadata: name, namespace, uid, creation, labels, generation, owner.
pub(crate) fn meta(id: &Id<'_>, labels: &[(String, String)], owner: Option<&Owner>) -> Value {
    let mut m = json!({"name": id.name, "namespace": id.ns, "uid": id.uid, "generation": 1,
        "creationTimestamp": ts(id.created), "labels": labels_json(labels)});
    if let Some(o) = owner {
        m["ownerReferences"] = o.references();
    }
    m
}

pub(crate) fn match_labels(labels: &[(String, String)]) -> Value {
    json!({"matchLabels": labels_json(labels)})
}

/// The `app=<name>` labels and selector of a controller.
fn app_label(id: &Id<'_>) -> Vec<(String, String)> {
    vec![("app".to_string(), id.name.to_string())]
}

/// A Deployment over `template` (without pod-template-hash); revision = its generation.
pub(crate) fn deployment_json(
    id: &Id<'_>,
    replicas: u32,
    revision: u64,
    template: &Template,
    status: Value,
) -> Value {
    let selector = app_label(id);
    let mut m = meta(id, &selector, None);
    m["generation"] = json!(revision);
    m["annotations"] = json!({"deployment.kubernetes.io/revision": revision.to_string()});
    json!({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": m,
        "spec": {"replicas": replicas, "selector": match_labels(&selector),
            "template": template.to_json(),
            "strategy": {"type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
        "status": status})
}

/// A ReplicaSet of a Deployment at `revision`: `template` carries its pod-template-hash label.
pub(crate) fn replicaset_json(
    id: &Id<'_>,
    (replicas, revision): (u32, u64),
    template: &Template,
    owner: &Owner,
    status: Value,
) -> Value {
    let mut m = meta(id, &template.labels, Some(owner));
    // Old ReplicaSets were scaled down once more than they were created.
    m["generation"] = json!(if replicas == 0 { 2 } else { 1 });
    let surge = replicas + replicas.div_ceil(4);
    m["annotations"] = json!({"deployment.kubernetes.io/desired-replicas": replicas.to_string(),
        "deployment.kubernetes.io/max-replicas": surge.to_string(),
        "deployment.kubernetes.io/revision": revision.to_string()});
    let selector: Vec<(String, String)> = template
        .labels
        .iter()
        .filter(|(k, _)| k == "app" || k == "pod-template-hash")
        .cloned()
        .collect();
    json!({"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": m,
        "spec": {"replicas": replicas, "selector": match_labels(&selector),
            "template": template.to_json()},
        "status": status})
}

/// A StatefulSet; its volumeClaimTemplate (`template.volume`) asks for `volume_size`.
pub(crate) fn statefulset_json(
    id: &Id<'_>,
    replicas: u32,
    template: &Template,
    volume_size: Option<&str>,
    status: Value,
) -> Value {
    let selector = app_label(id);
    let mut spec = json!({"replicas": replicas, "selector": match_labels(&selector),
        "serviceName": id.name, "template": template.to_json(),
        "podManagementPolicy": "OrderedReady",
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        "revisionHistoryLimit": 10,
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}});
    if let (Some(volume), Some(size)) = (&template.volume, volume_size) {
        spec["volumeClaimTemplates"] = json!([{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": volume},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}},
                "storageClassName": "standard", "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"}}]);
    }
    json!({"kind": "StatefulSet", "apiVersion": "apps/v1",
        "metadata": meta(id, &selector, None), "spec": spec, "status": status})
}

pub(crate) fn daemonset_json(id: &Id<'_>, template: &Template, status: Value) -> Value {
    let selector = app_label(id);
    let mut m = meta(id, &selector, None);
    m["annotations"] = json!({"deprecated.daemonset.template.generation": "1"});
    json!({"kind": "DaemonSet", "apiVersion": "apps/v1", "metadata": m,
        "spec": {"selector": match_labels(&selector), "template": template.to_json(),
            "updateStrategy": {"type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "revisionHistoryLimit": 10},
        "status": status})
}

/// How one Job went: when it was created, started and (if it did) finished.
#[derive(Debug, Clone)]
pub(crate) struct JobRun {
    pub name: String,
    pub uid: String,
    pub created: Timestamp,
    /// Completed, Error or Running: the state of its one pod.
    pub outcome: Scenario,
    /// How long the pod's container ran (finished Jobs).
    pub run_secs: i64,
}

impl JobRun {
    /// When its pod was created: a second after the Job.
    pub fn pod_created(&self) -> Timestamp {
        after(self.created, 1)
    }

    /// When it finished: its pod's container started 4 s after the pod and ran `run_secs`.
    pub fn finished(&self) -> Option<Timestamp> {
        matches!(self.outcome, Scenario::Completed | Scenario::Error)
            .then(|| after(self.pod_created(), 4 + self.run_secs + 1))
    }

    /// The Job's template: the workload's plus the labels the Job controller adds.
    pub fn template(&self, base: &Template) -> Template {
        let mut t = base.clone();
        for (k, v) in [
            ("batch.kubernetes.io/controller-uid", &self.uid),
            ("batch.kubernetes.io/job-name", &self.name),
            ("controller-uid", &self.uid),
            ("job-name", &self.name),
        ] {
            t.labels.push((k.to_string(), v.clone()));
        }
        t
    }
}

/// A Job with one pod (completions 1, no retries), owned by `owner` (its CronJob) if any.
pub(crate) fn job_json(ns: &str, run: &JobRun, base: &Template, owner: Option<&Owner>) -> Value {
    let template = run.template(base);
    let id = Id {
        ns,
        name: &run.name,
        uid: &run.uid,
        created: run.created,
    };
    let m = meta(&id, &template.labels, owner);
    let selector = vec![(
        "batch.kubernetes.io/controller-uid".to_string(),
        run.uid.clone(),
    )];
    let mut status = json!({"startTime": ts(run.created), "uncountedTerminatedPods": {},
        "terminating": 0});
    let finished = run.finished().map(ts);
    let condition = |ty: &str, reason: &str, message: &str| {
        json!({"type": ty, "status": "True", "reason": reason, "message": message,
            "lastProbeTime": finished, "lastTransitionTime": finished})
    };
    match run.outcome {
        Scenario::Completed => {
            let done = "Reached expected number of succeeded pods";
            status["succeeded"] = json!(1);
            status["ready"] = json!(0);
            status["completionTime"] = json!(finished);
            status["conditions"] = json!([
                condition("SuccessCriteriaMet", "CompletionsReached", done),
                condition("Complete", "CompletionsReached", done),
            ]);
        }
        Scenario::Error => {
            let failed = "Job has reached the specified backoff limit";
            status["failed"] = json!(1);
            status["ready"] = json!(0);
            status["conditions"] = json!([
                condition("FailureTarget", "BackoffLimitExceeded", failed),
                condition("Failed", "BackoffLimitExceeded", failed),
            ]);
        }
        _ => {
            status["active"] = json!(1);
            status["ready"] = json!(1);
        }
    }
    json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": m,
        "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 0,
            "completionMode": "NonIndexed", "suspend": false, "manualSelector": false,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": match_labels(&selector), "template": template.to_json()},
        "status": status})
}

/// A CronJob whose history is `runs` (newest first) and whose jobs run `base`.
pub(crate) fn cronjob_json(id: &Id<'_>, schedule: &str, base: &Template, runs: &[JobRun]) -> Value {
    let mut status = json!({});
    if let Some(newest) = runs.first() {
        status["lastScheduleTime"] = json!(ts(newest.created));
    }
    if let Some(done) = runs.iter().find(|r| r.outcome == Scenario::Completed) {
        status["lastSuccessfulTime"] = json!(done.finished().map(ts));
    }
    let active: Vec<Value> = runs
        .iter()
        .filter(|r| r.finished().is_none())
        .map(|r| {
            json!({"kind": "Job", "namespace": id.ns, "name": r.name, "uid": r.uid,
            "apiVersion": "batch/v1"})
        })
        .collect();
    if !active.is_empty() {
        status["active"] = Value::Array(active);
    }
    json!({"kind": "CronJob", "apiVersion": "batch/v1",
        "metadata": meta(id, &app_label(id), None),
        "spec": {"schedule": schedule, "concurrencyPolicy": "Forbid", "suspend": false,
            "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
            "jobTemplate": {"metadata": {}, "spec": {"backoffLimit": 0, "template": base.to_json()}}},
        "status": status})
}
