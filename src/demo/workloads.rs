//! Workload controllers as a real cluster has them: Deployments own ReplicaSets own pods
//! (`<deploy>-<pod-template-hash>-<5 chars>`), StatefulSets own `<name>-<ordinal>`, DaemonSets
//! one pod per node they tolerate, CronJobs own Jobs own pods.
//!
//! One [`Template`] builds every pod of a controller, at seeding and when a controller replaces
//! a pod ([`pod_for_replicaset`] and friends in `controller`), and every controller's status is
//! counted from the pods that exist ([`Tally`]), so the two always agree.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use super::pods::{Container, Owner, PodPlan, Scenario, template_spec};
use super::rng::Rng;

mod objects;
mod status;

pub(crate) use objects::*;
pub(crate) use status::*;

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
