//! Workload controllers as a real cluster has them: Deployments own ReplicaSets own pods
//! (`<deploy>-<pod-template-hash>-<5 chars>`), StatefulSets own `<name>-<ordinal>`, DaemonSets
//! one pod per node they tolerate, CronJobs own Jobs own pods.
//!
//! One [`Template`] builds every pod of a controller, at seeding and when a controller replaces
//! a pod ([`pod_for_replicaset`] and friends in `controller`), and every controller's status is
//! counted from the pods that exist ([`Tally`]), so the two always agree.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use super::pods::{Container, Owner, PodPlan, Scenario, template_spec, ts};
use super::rng::Rng;
use super::store::Obj;

pub(crate) fn after(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t)
}

/// A controller's pod template: what every pod it makes has in common.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    /// The template's labels, in order (a ReplicaSet's include `pod-template-hash`, a Job's its
    /// `controller-uid` and `job-name`).
    pub labels: Vec<(String, String)>,
    pub containers: Vec<Container>,
    pub init: Option<Container>,
    /// A restartable init container (native sidecar).
    pub sidecar: Option<Container>,
    /// The first container's port; the i-th listens on `port + i`.
    pub port: u16,
    pub restart_policy: &'static str,
    pub tolerate_all: bool,
    /// The volumeClaimTemplate a StatefulSet's pods mount (`<volume>-<pod>`).
    pub volume: Option<String>,
}

impl Template {
    /// `spec.template` as the API shows it.
    pub fn to_json(&self) -> Value {
        let claim = self.volume.as_deref().map(|v| (v, v));
        let mut spec = template_spec(
            &self.containers,
            self.init.as_ref(),
            self.sidecar.as_ref(),
            self.port,
            self.restart_policy,
            self.tolerate_all,
            claim,
        );
        // The claim itself comes from volumeClaimTemplates, one per pod.
        if let Some(obj) = spec.as_object_mut() {
            obj.remove("volumes");
        }
        json!({"metadata": {"labels": labels_json(&self.labels)}, "spec": spec})
    }

    /// Reads `spec.template` of a stored controller back (what a controller does before it
    /// makes a pod).
    pub fn from_json(template: &Value) -> Option<Template> {
        let spec = &template["spec"];
        let container = |c: &Value| Container {
            name: c["name"].as_str().unwrap_or_default().to_string(),
            image: c["image"].as_str().unwrap_or_default().to_string(),
        };
        let containers: Vec<Container> = spec["containers"]
            .as_array()?
            .iter()
            .map(container)
            .collect();
        let inits = spec["initContainers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sidecar = |c: &&Value| c["restartPolicy"] == "Always";
        let restart_policy = match spec["restartPolicy"].as_str() {
            Some("Never") => "Never",
            Some("OnFailure") => "OnFailure",
            _ => "Always",
        };
        let tolerate_all = spec["tolerations"].as_array().is_some_and(|ts| {
            ts.iter()
                .any(|t| t["operator"] == "Exists" && t.get("key").is_none())
        });
        Some(Template {
            labels: label_pairs(&template["metadata"]["labels"]),
            port: spec
                .pointer("/containers/0/ports/0/containerPort")
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(8080),
            init: inits.iter().find(|c| !sidecar(c)).map(container),
            sidecar: inits.iter().find(sidecar).map(container),
            containers,
            restart_policy,
            tolerate_all,
            volume: spec
                .pointer("/containers/0/volumeMounts/0/name")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }
}

pub(crate) fn labels_json(labels: &[(String, String)]) -> Value {
    let map: Map<String, Value> = labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Value::Object(map)
}

pub(crate) fn label_pairs(labels: &Value) -> Vec<(String, String)> {
    labels
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Where and how one pod of a template starts.
#[derive(Debug, Clone)]
pub(crate) struct Spot {
    pub name: String,
    /// (name, internal IP) of its node; None = not scheduled yet (or unschedulable).
    pub node: Option<(String, String)>,
    /// Picks the pod IP.
    pub index: usize,
    pub created: Timestamp,
    pub scenario: Scenario,
    /// How long it ran, for pods that finished.
    pub run_secs: i64,
    /// Labels the controller adds to each pod beyond the template's (a StatefulSet's pod name).
    pub extra_labels: Vec<(String, String)>,
}

/// Restarts the kubelet's back-off (10 s doubling to 5 min) allows in `age` seconds: five in the
/// first five minutes, then one every five minutes.
pub(crate) fn max_restarts(age: i64) -> u32 {
    if age < 310 {
        (age.max(0) / 60) as u32
    } else {
        5 + ((age - 310) / 300).min(100_000) as u32
    }
}

/// How often a pod's containers restarted and when they last exited: never before the pod
/// existed, no more often than the back-off allows, and within the last 5 minutes for a crash
/// loop (the longest back-off).
fn restart_history(
    scenario: Scenario,
    restart_policy: &str,
    created: Timestamp,
    now: Timestamp,
    rng: &mut Rng,
) -> (u32, Option<Timestamp>) {
    let age = now.duration_since(created).as_secs();
    if restart_policy == "Never" {
        return (0, None);
    }
    let (restarts, ago) = match scenario {
        Scenario::CrashLoop => (3 + rng.below(40) as u32, 30 + rng.below(270) as i64),
        Scenario::Running if rng.unit() < 0.1 => {
            let n = 1 + rng.below(5) as u32;
            (n, 30 + rng.below(age.max(1) as u64) as i64)
        }
        _ => return (0, None),
    };
    let restarts = restarts.min(max_restarts(age));
    if restarts == 0 {
        return (0, None);
    }
    // The first exit comes at least ten seconds into the pod's life.
    let exit = after(now, -ago).max(after(created, 10)).min(now);
    (restarts, Some(exit))
}

/// Plans one pod of `template` for its controller `owner` at `spot`.
pub(crate) fn plan_pod(
    template: &Template,
    namespace: &str,
    owner: Owner,
    spot: Spot,
    now: Timestamp,
    rng: &mut Rng,
) -> PodPlan {
    let mut init = template.init.clone();
    if spot.scenario == Scenario::Initializing && init.is_none() {
        init = Some(Container {
            name: "wait-for-deps".into(),
            image: "busybox:1.36".into(),
        });
    }
    let (restarts, last_exit) = restart_history(
        spot.scenario,
        template.restart_policy,
        spot.created,
        now,
        rng,
    );
    let scheduled = spot.scenario != Scenario::Unschedulable;
    let mut labels = template.labels.clone();
    labels.extend(spot.extra_labels);
    let i = spot.index;
    PodPlan {
        namespace: namespace.to_string(),
        uid: rng.uid(),
        labels,
        owner: Some(owner),
        containers: template.containers.clone(),
        init,
        sidecar: template.sidecar.clone(),
        node: spot
            .node
            .as_ref()
            .filter(|_| scheduled)
            .map(|n| n.0.clone()),
        host_ip: spot.node.map(|n| n.1).unwrap_or_default(),
        pod_ip: format!(
            "10.{}.{}.{}",
            244 + (i >> 16) % 10,
            (i >> 8) & 0xff,
            i & 0xff
        ),
        volume: template
            .volume
            .as_ref()
            .map(|v| (v.clone(), format!("{v}-{}", spot.name))),
        name: spot.name,
        created: spot.created,
        scenario: spot.scenario,
        restarts,
        last_exit,
        run_secs: spot.run_secs,
        port: template.port,
        restart_policy: template.restart_policy,
        tolerate_all: template.tolerate_all,
    }
}

/// What a controller counts of one of its pods, read from the pod's stored Table row (READY
/// and STATUS as kubectl prints them), so seeding and later changes count alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PodFacts {
    /// Every container ready and the pod Running.
    pub ready: bool,
    /// Has a deletionTimestamp (printed Terminating).
    pub terminating: bool,
    /// Finished: Completed or Error (a Job's pod).
    pub succeeded: bool,
    pub failed: bool,
    pub created: Option<Timestamp>,
}

impl PodFacts {
    pub fn of(pod: &Obj) -> Option<PodFacts> {
        let print = pod.pod_print()?;
        // `"name","1/1","Running"`: plain JSON strings without escapes in those three cells.
        let mut cells = print.head.split("\",\"");
        let (_, ready, status) = (cells.next()?, cells.next()?, cells.next()?);
        let status = status.trim_end_matches('"');
        let ready_all = ready
            .split_once('/')
            .is_some_and(|(r, t)| r == t && t != "0");
        Some(PodFacts {
            ready: ready_all && status == "Running",
            terminating: status == "Terminating",
            succeeded: status == "Completed",
            failed: status == "Error",
            created: print.times.created,
        })
    }
}

/// A controller's pods counted the way its status reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Every pod it owns, terminating ones included.
    pub pods: u32,
    pub terminating: u32,
    /// Ready and not terminating.
    pub ready: u32,
    pub succeeded: u32,
    pub failed: u32,
    /// Running (or starting) and not terminating: a Job's `active`.
    pub active: u32,
    pub oldest: Option<Timestamp>,
}

impl Tally {
    pub fn add(&mut self, f: PodFacts) {
        self.pods += 1;
        if f.terminating {
            self.terminating += 1;
        } else if f.ready {
            self.ready += 1;
        }
        self.succeeded += u32::from(f.succeeded);
        self.failed += u32::from(f.failed);
        self.active += u32::from(!f.terminating && !f.succeeded && !f.failed);
        if let Some(c) = f.created {
            self.oldest = Some(self.oldest.map_or(c, |o| o.min(c)));
        }
    }

    /// Pods not on their way out: what a ReplicaSet keeps at `spec.replicas`.
    pub fn live(&self) -> u32 {
        self.pods - self.terminating
    }
}

/// Puts `n` in `obj[key]` unless zero, as the API omits zero counts.
fn put_count(obj: &mut Value, key: &str, n: u32) {
    if n > 0 {
        obj[key] = json!(n);
    }
}

/// A ReplicaSet's status: terminating pods do not count (the ReplicaSet has replaced them).
pub(crate) fn replicaset_status(t: &Tally, generation: u64) -> Value {
    let mut s = json!({"replicas": t.live(), "observedGeneration": generation});
    put_count(&mut s, "fullyLabeledReplicas", t.live());
    put_count(&mut s, "readyReplicas", t.ready);
    put_count(&mut s, "availableReplicas", t.ready);
    s
}

/// The counts of a ReplicaSet's status: (replicas, ready, available).
pub(crate) fn replicaset_counts(st: &Value) -> (u64, u64, u64) {
    let n = |k: &str| st[k].as_u64().unwrap_or(0);
    (n("replicas"), n("readyReplicas"), n("availableReplicas"))
}

/// What a Deployment's status is counted from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rollout<'a> {
    pub spec_replicas: u64,
    pub generation: u64,
    /// The current ReplicaSet's name and counts (replicas, ready, available).
    pub new_rs: &'a str,
    pub current: (u64, u64, u64),
    /// The older ReplicaSets' counts.
    pub old: &'a [(u64, u64, u64)],
    /// Since when the current ReplicaSet has been progressing.
    pub since: Timestamp,
}

/// A Deployment's status from its ReplicaSets' and its spec; a condition keeps the time of
/// `prev_conditions` while its status does not change.
pub(crate) fn deployment_status(
    r: &Rollout<'_>,
    prev_conditions: Option<&Value>,
    now: Timestamp,
) -> Value {
    let (current, old) = (r.current, r.old);
    let sum = |f: fn(&(u64, u64, u64)) -> u64| f(&current) + old.iter().map(f).sum::<u64>();
    let replicas = sum(|c| c.0);
    let ready = sum(|c| c.1);
    let available = sum(|c| c.2);
    let mut s = json!({"observedGeneration": r.generation});
    for (k, n) in [
        ("replicas", replicas),
        ("updatedReplicas", current.0),
        ("readyReplicas", ready),
        ("availableReplicas", available),
        ("unavailableReplicas", replicas.saturating_sub(available)),
    ] {
        if n > 0 {
            s[k] = json!(n);
        }
    }
    // maxUnavailable 25%, rounded down: that many may be missing and the Deployment is still
    // Available.
    let min_available = r.spec_replicas - r.spec_replicas / 4;
    let (status, reason, message) = if available >= min_available {
        (
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        (
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    let prev_since = prev_conditions
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["type"] == "Available" && c["status"] == status)
        })
        .and_then(|c| c["lastTransitionTime"].as_str().map(str::to_string));
    let available_since = prev_since.unwrap_or_else(|| match prev_conditions {
        Some(_) => ts(now),
        None => ts(r.since),
    });
    s["conditions"] = json!([
        {"type": "Available", "status": status, "reason": reason, "message": message,
            "lastUpdateTime": available_since, "lastTransitionTime": available_since},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
            "message": format!("ReplicaSet \"{}\" has successfully progressed.", r.new_rs),
            "lastUpdateTime": ts(r.since), "lastTransitionTime": ts(r.since)},
    ]);
    s
}

/// A StatefulSet's status: every pod counts (a terminating one is replaced only once gone).
pub(crate) fn statefulset_status(t: &Tally, revision: &str) -> Value {
    let mut s = json!({"observedGeneration": 1, "replicas": t.pods, "currentReplicas": t.pods,
        "updatedReplicas": t.pods, "currentRevision": revision, "updateRevision": revision,
        "collisionCount": 0});
    put_count(&mut s, "readyReplicas", t.ready);
    put_count(&mut s, "availableReplicas", t.ready);
    s
}

/// A DaemonSet's status for `desired` nodes.
pub(crate) fn daemonset_status(t: &Tally, desired: u32) -> Value {
    let mut s = json!({"currentNumberScheduled": t.pods, "desiredNumberScheduled": desired,
        "numberMisscheduled": 0, "numberReady": t.ready, "observedGeneration": 1,
        "updatedNumberScheduled": t.pods});
    put_count(&mut s, "numberAvailable", t.ready);
    put_count(&mut s, "numberUnavailable", desired.saturating_sub(t.ready));
    s
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template {
            labels: vec![
                ("app".into(), "db".into()),
                ("pod-template-hash".into(), "5c9d8f7b6".into()),
            ],
            containers: vec![
                Container {
                    name: "db".into(),
                    image: "postgres:16.4".into(),
                },
                Container {
                    name: "envoy".into(),
                    image: "envoyproxy/envoy:v1.31.2".into(),
                },
            ],
            init: Some(Container {
                name: "init".into(),
                image: "busybox:1.36".into(),
            }),
            sidecar: Some(Container {
                name: "log-shipper".into(),
                image: "fluent/fluent-bit:3.1.9".into(),
            }),
            port: 5432,
            restart_policy: "Always",
            tolerate_all: true,
            volume: Some("data".into()),
        }
    }

    #[test]
    fn a_template_reads_back_from_its_json() {
        let t = template();
        assert_eq!(Template::from_json(&t.to_json()), Some(t));
    }

    #[test]
    fn restarts_never_predate_the_pod_and_fit_its_age() {
        let now = Timestamp::now();
        let mut rng = Rng::new(3);
        for age in [0, 20, 90, 200, 400, 3_600, 86_400, 5_000_000] {
            for scenario in [Scenario::CrashLoop, Scenario::Running] {
                for _ in 0..50 {
                    let created = after(now, -age);
                    let (n, exit) = restart_history(scenario, "Always", created, now, &mut rng);
                    assert!(n <= max_restarts(age), "{n} restarts at {age}s");
                    assert_eq!(n > 0, exit.is_some());
                    if let Some(exit) = exit {
                        assert!(exit >= created && exit <= now, "{age}s: {exit}");
                        if scenario == Scenario::CrashLoop {
                            assert!(now.duration_since(exit).as_secs() <= 300);
                        }
                    }
                }
            }
        }
        let created = after(now, -86_400);
        assert_eq!(
            restart_history(Scenario::CrashLoop, "Never", created, now, &mut rng),
            (0, None)
        );
    }
}
