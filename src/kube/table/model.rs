//! A minimal serde model of a v1 Pod: only the fields `printPod` reads. Every field defaults, so
//! partial objects (and `null`s, which the apiserver emits for e.g. `creationTimestamp`) decode;
//! unknown fields are ignored.

use serde::{Deserialize, Deserializer};

/// A v1 Pod, reduced to what the pods table needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Pod {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: PodSpec,
    #[serde(deserialize_with = "null_default")]
    pub status: PodStatus,
}

/// The part of `metadata` the table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub namespace: String,
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
    #[serde(deserialize_with = "null_default")]
    pub resource_version: String,
    #[serde(deserialize_with = "timestamp")]
    pub creation_timestamp: Option<jiff::Timestamp>,
    #[serde(deserialize_with = "timestamp")]
    pub deletion_timestamp: Option<jiff::Timestamp>,
}

/// `spec`: where it runs and which containers it declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(deserialize_with = "null_default")]
    pub node_name: String,
    #[serde(deserialize_with = "null_default")]
    pub init_containers: Vec<Container>,
    #[serde(deserialize_with = "null_default")]
    pub containers: Vec<Container>,
    #[serde(deserialize_with = "null_default")]
    pub readiness_gates: Vec<ReadinessGate>,
}

/// A declared container; `restart_policy` is only set on init containers (sidecars: "Always").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub restart_policy: Option<String>,
}

/// An extra condition the pod must meet to be ready.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadinessGate {
    #[serde(deserialize_with = "null_default")]
    pub condition_type: String,
}

/// `status` as the kubelet and scheduler report it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(deserialize_with = "null_default")]
    pub phase: String,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(rename = "podIP", deserialize_with = "null_default")]
    pub pod_ip: String,
    #[serde(rename = "podIPs", deserialize_with = "null_default")]
    pub pod_ips: Vec<PodIp>,
    #[serde(deserialize_with = "null_default")]
    pub nominated_node_name: String,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<PodCondition>,
    #[serde(deserialize_with = "null_default")]
    pub init_container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "null_default")]
    pub container_statuses: Vec<ContainerStatus>,
}

/// One entry of `status.podIPs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodIp {
    #[serde(deserialize_with = "null_default")]
    pub ip: String,
}

/// A pod condition such as `Ready`, `Initialized` or `PodScheduled`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodCondition {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    #[serde(deserialize_with = "null_default")]
    pub status: String,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
}

/// The observed state of one (init) container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub ready: bool,
    pub restart_count: i32,
    pub started: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub state: ContainerState,
    #[serde(deserialize_with = "null_default")]
    pub last_state: ContainerState,
}

/// At most one of the three is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContainerState {
    pub waiting: Option<StateWaiting>,
    pub running: Option<StateRunning>,
    pub terminated: Option<StateTerminated>,
}

/// The container has not started (yet): `ContainerCreating`, `CrashLoopBackOff`...
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StateWaiting {
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
}

/// The container is running.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StateRunning {
    #[serde(deserialize_with = "timestamp")]
    pub started_at: Option<jiff::Timestamp>,
}

/// The container exited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StateTerminated {
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    pub exit_code: i32,
    pub signal: i32,
    #[serde(deserialize_with = "timestamp")]
    pub finished_at: Option<jiff::Timestamp>,
}

/// `null` decodes like a missing field.
fn null_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// An RFC 3339 timestamp; `null` or an empty string mean "not set". Parsed from the borrowed
/// text, without allocating a `String` per timestamp.
fn timestamp<'de, D>(de: D) -> Result<Option<jiff::Timestamp>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Visit;

    impl<'de> serde::de::Visitor<'de> for Visit {
        type Value = Option<jiff::Timestamp>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp or null")
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            if s.is_empty() {
                return Ok(None);
            }
            s.parse().map(Some).map_err(E::custom)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, de: D2) -> Result<Self::Value, D2::Error> {
            de.deserialize_str(Visit)
        }
    }

    de.deserialize_option(Visit)
}
