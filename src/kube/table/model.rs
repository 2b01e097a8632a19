//! A minimal serde model of a v1 Pod: only the fields `printPod` reads. Every field defaults, so
//! partial objects (and `null`s, which the apiserver emits for e.g. `creationTimestamp`) decode;
//! unknown fields are ignored.
//!
//! Strings borrow from the JSON they were decoded from (copied only when they contain escapes):
//! a list page of 500 pods decodes without a heap allocation per field, which is most of what
//! made decoding slower than downloading.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

/// A string field: borrowed from the input unless it had to be unescaped.
pub type Text<'a> = Cow<'a, str>;

/// A v1 Pod, reduced to what the pods table needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Pod<'a> {
    #[serde(borrow, deserialize_with = "null_default")]
    pub metadata: ObjectMeta<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub spec: PodSpec<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub status: PodStatus<'a>,
}

/// The part of `metadata` the table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub namespace: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub uid: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub resource_version: Text<'a>,
    #[serde(deserialize_with = "timestamp")]
    pub creation_timestamp: Option<jiff::Timestamp>,
    #[serde(deserialize_with = "timestamp")]
    pub deletion_timestamp: Option<jiff::Timestamp>,
}

/// `spec`: where it runs and which containers it declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub node_name: Text<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub init_containers: Vec<Container<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub containers: Vec<Container<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub readiness_gates: Vec<ReadinessGate<'a>>,
}

/// A declared container; `restart_policy` is only set on init containers (sidecars: "Always").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Container<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Text<'a>,
    #[serde(borrow, deserialize_with = "optional_text")]
    pub restart_policy: Option<Text<'a>>,
    /// Requests and limits (for the metrics columns' percentages).
    #[serde(borrow, deserialize_with = "null_default")]
    pub resources: Requirements<'a>,
}

/// A container's `resources`: CPU and memory of its requests and limits, as quantities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Requirements<'a> {
    #[serde(borrow, deserialize_with = "null_default")]
    pub requests: ResourceList<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub limits: ResourceList<'a>,
}

/// The CPU and memory of a resource list; other resources are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ResourceList<'a> {
    #[serde(borrow, deserialize_with = "optional_text")]
    pub cpu: Option<Text<'a>>,
    #[serde(borrow, deserialize_with = "optional_text")]
    pub memory: Option<Text<'a>>,
}

impl ResourceList<'_> {
    /// Neither CPU nor memory is set.
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }
}

/// An extra condition the pod must meet to be ready.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadinessGate<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub condition_type: Text<'a>,
}

/// `status` as the kubelet and scheduler report it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub phase: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub reason: Text<'a>,
    #[serde(rename = "podIP", borrow, deserialize_with = "text")]
    pub pod_ip: Text<'a>,
    #[serde(rename = "podIPs", borrow, deserialize_with = "null_default")]
    pub pod_ips: Vec<PodIp<'a>>,
    #[serde(borrow, deserialize_with = "text")]
    pub nominated_node_name: Text<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub conditions: Vec<PodCondition<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub init_container_statuses: Vec<ContainerStatus<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub container_statuses: Vec<ContainerStatus<'a>>,
}

/// One entry of `status.podIPs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodIp<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub ip: Text<'a>,
}

/// A pod condition such as `Ready`, `Initialized` or `PodScheduled`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PodCondition<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "text")]
    pub type_: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub status: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    pub reason: Text<'a>,
}

/// The observed state of one (init) container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub name: Text<'a>,
    pub ready: bool,
    pub restart_count: i32,
    pub started: Option<bool>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub state: ContainerState<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub last_state: ContainerState<'a>,
}

/// At most one of the three is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContainerState<'a> {
    #[serde(borrow)]
    pub waiting: Option<StateWaiting<'a>>,
    pub running: Option<StateRunning>,
    #[serde(borrow)]
    pub terminated: Option<StateTerminated<'a>>,
}

/// The container has not started (yet): `ContainerCreating`, `CrashLoopBackOff`...
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StateWaiting<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub reason: Text<'a>,
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
pub struct StateTerminated<'a> {
    #[serde(borrow, deserialize_with = "text")]
    pub reason: Text<'a>,
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

/// A string; `null` decodes like a missing field (empty).
pub(crate) fn text<'de: 'a, 'a, D: Deserializer<'de>>(de: D) -> Result<Text<'a>, D::Error> {
    Ok(optional_text(de)?.unwrap_or_default())
}

/// An optional string that borrows from the input when it can. (serde's own `Cow` impl always
/// copies.)
pub(crate) fn optional_text<'de: 'a, 'a, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Text<'a>>, D::Error> {
    struct Visit;

    impl<'de> serde::de::Visitor<'de> for Visit {
        type Value = Option<Text<'de>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or null")
        }

        fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(s)))
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(s.to_owned())))
        }

        fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(s)))
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
