//! Core v1 Events for pods, the way the scheduler and kubelet report them.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::pods::{PodPlan, Scenario, ts};
use super::rng::Rng;

/// (type, reason, message, component) of the events a pod in this state has seen.
fn story(plan: &PodPlan) -> Vec<(&'static str, &'static str, String, &'static str)> {
    let c = &plan.containers[0];
    let node = plan.node.clone().unwrap_or_default();
    let scheduled = (
        "Normal",
        "Scheduled",
        format!(
            "Successfully assigned {}/{} to {node}",
            plan.namespace, plan.name
        ),
        "default-scheduler",
    );
    let pulled = (
        "Normal",
        "Pulled",
        format!("Container image \"{}\" already present on machine", c.image),
        "kubelet",
    );
    let created = (
        "Normal",
        "Created",
        format!("Created container {}", c.name),
        "kubelet",
    );
    let started = (
        "Normal",
        "Started",
        format!("Started container {}", c.name),
        "kubelet",
    );
    match plan.scenario {
        Scenario::Unschedulable => vec![(
            "Warning",
            "FailedScheduling",
            "0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 5 No preemption victims found for incoming pod.".into(),
            "default-scheduler",
        )],
        Scenario::ContainerCreating => vec![
            scheduled,
            ("Normal", "Pulling", format!("Pulling image \"{}\"", c.image), "kubelet"),
        ],
        Scenario::ImagePullBackOff => vec![
            scheduled,
            ("Normal", "Pulling", format!("Pulling image \"{}\"", c.image), "kubelet"),
            ("Warning", "Failed", format!("Failed to pull image \"{}\": rpc error: code = NotFound desc = failed to pull and unpack image: not found", c.image), "kubelet"),
            ("Warning", "BackOff", format!("Back-off pulling image \"{}\"", c.image), "kubelet"),
        ],
        Scenario::CrashLoop => vec![
            scheduled, pulled, created, started,
            ("Warning", "BackOff", format!("Back-off restarting failed container {} in pod {}_{}", c.name, plan.name, plan.namespace), "kubelet"),
        ],
        Scenario::NotReady => vec![
            scheduled, pulled, created, started,
            ("Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503".into(), "kubelet"),
        ],
        Scenario::Terminating => vec![
            scheduled, pulled, created, started,
            ("Normal", "Killing", format!("Stopping container {}", c.name), "kubelet"),
        ],
        _ => vec![scheduled, pulled, created, started],
    }
}

/// The events of one pod, newest last, each with an involvedObject pointing at the pod.
pub(crate) fn for_pod(plan: &PodPlan, now: Timestamp, rng: &mut Rng) -> Vec<Value> {
    let entries = story(plan);
    let total = entries.len() as i64;
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (ty, reason, message, component))| {
            // Repeating warnings keep happening; the rest happened around creation.
            let repeating = ty == "Warning";
            let first = plan
                .created
                .checked_add(SignedDuration::from_secs(i as i64))
                .unwrap_or(now);
            // Within the last two minutes, never before the pod existed; as often as the
            // back-off allows since.
            let age = now.duration_since(first).as_secs().max(0);
            let last = if repeating {
                let ago = rng.below(120) as i64;
                now.checked_sub(SignedDuration::from_secs(ago.min(age)))
                    .unwrap_or(now)
            } else {
                first
            };
            let count = if repeating {
                1 + rng.below(40).min(age as u64 / 10)
            } else {
                1
            };
            let name = format!(
                "{}.{:x}{:08x}",
                plan.name,
                total - i as i64,
                rng.next_u64() as u32
            );
            json!({"kind": "Event", "apiVersion": "v1",
                "metadata": {"name": name, "namespace": plan.namespace, "uid": rng.uid(),
                    "creationTimestamp": ts(first)},
                "involvedObject": {"kind": "Pod", "namespace": plan.namespace, "name": plan.name,
                    "uid": plan.uid, "apiVersion": "v1",
                    "fieldPath": format!("spec.containers{{{}}}", plan.containers[0].name)},
                "reason": reason, "message": message, "type": ty, "count": count,
                "source": {"component": component, "host": plan.node.clone().unwrap_or_default()},
                "firstTimestamp": ts(first), "lastTimestamp": ts(last),
                "reportingComponent": component, "reportingInstance": ""})
        })
        .collect()
}
