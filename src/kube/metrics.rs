//! `metrics.k8s.io/v1beta1`: PodMetrics and NodeMetrics as numbers (millicores, bytes), read with
//! one list per namespace or cluster, and the cells `kubectl top` prints for them.
//!
//! kubectl top adds up a pod's containers as exact quantities, then prints CPU as
//! `MilliValue()` (rounded up) with `m` and memory as whole MiB (rounded down) with `Mi`; node
//! percentages are usage over allocatable, truncated. The same rules are followed here so the
//! cells match kubectl's.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{SeqAccess, Visitor};

use super::client::Client;
use super::error::KubeError;
use super::table::{Pod, PodSpec, ResourceList, Text};
use super::wire::ListParams;

/// Where the metrics API lives.
pub const METRICS_BASE: &str = "/apis/metrics.k8s.io/v1beta1";

/// CPU and memory of a pod or node: 16 bytes, so 100 000 pods stay small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Usage {
    /// Millicores, rounded up as kubectl rounds them.
    pub cpu_milli: u64,
    /// Bytes.
    pub mem_bytes: u64,
}

/// Pods' usage by namespace, then name: looked up by `&str` without building keys.
pub type PodUsage = HashMap<String, HashMap<String, Usage>>;

/// A node's usage and, when the node list gave it, its allocatable CPU and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeUsage {
    pub usage: Usage,
    pub allocatable: Option<Usage>,
}

/// A pod's summed requests and limits (zero where none is set), as k9s sums them: the main
/// containers and the sidecars, each container's requests falling back to its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PodResources {
    pub requests: Usage,
    pub limits: Usage,
}

/// Pods' requests and limits by namespace, then name.
pub type ResourcesMap = HashMap<String, HashMap<String, PodResources>>;

/// Sums the requests and limits of `spec` (exact, then rounded up to millicores once).
pub fn pod_resources(spec: &PodSpec<'_>) -> PodResources {
    #[derive(Default)]
    struct Sum(u64, u64);
    impl Sum {
        fn add(&mut self, list: &ResourceList<'_>) {
            let cpu = list.cpu.as_deref().and_then(|q| quantity(q, 9));
            let mem = list.memory.as_deref().and_then(|q| quantity(q, 0));
            self.0 = self.0.saturating_add(cpu.unwrap_or(0));
            self.1 = self.1.saturating_add(mem.unwrap_or(0));
        }
        fn usage(&self) -> Usage {
            Usage {
                cpu_milli: self.0.div_ceil(1_000_000),
                mem_bytes: self.1,
            }
        }
    }
    let (mut requests, mut limits) = (Sum::default(), Sum::default());
    let sidecars = spec
        .init_containers
        .iter()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    for c in sidecars.chain(&spec.containers) {
        let r = &c.resources;
        // The apiserver defaults requests to limits; k9s reads them the same way.
        requests.add(if r.requests.is_empty() {
            &r.limits
        } else {
            &r.requests
        });
        limits.add(&r.limits);
    }
    PodResources {
        requests: requests.usage(),
        limits: limits.usage(),
    }
}

/// One pod's (namespace, name, requests and limits) decoded from its JSON; nothing else kept.
struct ResourcesOfPod(String, String, PodResources);

impl<'de> Deserialize<'de> for ResourcesOfPod {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let pod = Pod::deserialize(de)?;
        let meta = &pod.metadata;
        let resources = pod_resources(&pod.spec);
        Ok(ResourcesOfPod(
            meta.namespace.to_string(),
            meta.name.to_string(),
            resources,
        ))
    }
}

/// Looks up pod `ns/name`.
pub fn pod_usage(usage: &PodUsage, ns: &str, name: &str) -> Option<Usage> {
    usage.get(ns)?.get(name).copied()
}

/// `12m`, as kubectl top prints CPU.
pub fn cpu_cell(milli: u64) -> String {
    format!("{milli}m")
}

/// `34Mi`, as kubectl top prints memory (whole MiB, rounded down).
pub fn mem_cell(bytes: u64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

/// `used` as a whole percentage of `of`, truncated as kubectl top truncates; None without a
/// denominator.
pub fn percent(used: u64, of: u64) -> Option<u64> {
    (of > 0).then(|| (u128::from(used) * 100 / u128::from(of)) as u64)
}

/// A Kubernetes quantity (`250m`, `1.5`, `34Ki`, `12345678n`, `1e3`) times 10^`scale`,
/// rounded up; None when it is not a quantity or is negative.
pub fn quantity(text: &str, scale: i32) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number = number.strip_prefix('+').unwrap_or(number);
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    // The digits as one integer, without building a string (this runs per container per poll).
    let mut mantissa: u128 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(u128::from(b - b'0'))?;
    }
    let (binary, exp10) = suffix_factor(suffix)?;
    let exp = exp10 + scale - i32::try_from(frac.len()).ok()?;
    let value = mantissa.checked_mul(binary)?;
    let scaled = if exp >= 0 {
        value.checked_mul(10u128.checked_pow(exp.unsigned_abs())?)?
    } else {
        let div = 10u128.checked_pow(exp.unsigned_abs())?;
        value.div_ceil(div)
    };
    u64::try_from(scaled).ok()
}

/// (binary multiplier, power of ten) of a quantity suffix.
fn suffix_factor(suffix: &str) -> Option<(u128, i32)> {
    let binary = |power: u32| Some((1u128 << (10 * power), 0));
    match suffix {
        "" => Some((1, 0)),
        "n" => Some((1, -9)),
        "u" => Some((1, -6)),
        "m" => Some((1, -3)),
        "k" => Some((1, 3)),
        "M" => Some((1, 6)),
        "G" => Some((1, 9)),
        "T" => Some((1, 12)),
        "P" => Some((1, 15)),
        "E" => Some((1, 18)),
        "Ki" => binary(1),
        "Mi" => binary(2),
        "Gi" => binary(3),
        "Ti" => binary(4),
        "Pi" => binary(5),
        "Ei" => binary(6),
        s => {
            let exp = s.strip_prefix(['e', 'E'])?.parse::<i32>().ok()?;
            Some((1, exp))
        }
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct List<T> {
    #[serde(default, deserialize_with = "super::wire::null_as_empty")]
    items: Vec<T>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Meta {
    name: String,
    namespace: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resources {
    cpu: String,
    memory: String,
}

/// A PodMetrics's name and namespace, borrowed from the body.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MetaRef<'a> {
    #[serde(borrow, deserialize_with = "crate::kube::table::borrowed_text")]
    name: Text<'a>,
    #[serde(borrow, deserialize_with = "crate::kube::table::borrowed_text")]
    namespace: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResourcesRef<'a> {
    #[serde(borrow, deserialize_with = "crate::kube::table::borrowed_text")]
    cpu: Text<'a>,
    #[serde(borrow, deserialize_with = "crate::kube::table::borrowed_text")]
    memory: Text<'a>,
}

#[derive(Deserialize)]
struct PodMetricsRef<'a> {
    #[serde(default, borrow)]
    metadata: MetaRef<'a>,
    #[serde(default)]
    containers: ContainersSum,
}

#[derive(Deserialize)]
struct ContainerRef<'a> {
    #[serde(default, borrow)]
    usage: ResourcesRef<'a>,
}

/// A pod's containers added up while they are read (exact nanocores and bytes), so no list of
/// containers is built.
#[derive(Default)]
struct ContainersSum {
    nanos: u64,
    bytes: u64,
}

impl<'de> Deserialize<'de> for ContainersSum {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Sum;
        impl<'de> Visitor<'de> for Sum {
            type Value = ContainersSum;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of container metrics")
            }
            fn visit_unit<E>(self) -> Result<ContainersSum, E> {
                Ok(ContainersSum::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ContainersSum, A::Error> {
                let mut sum = ContainersSum::default();
                while let Some(c) = seq.next_element::<ContainerRef<'de>>()? {
                    let cpu = quantity(&c.usage.cpu, 9).unwrap_or(0);
                    sum.nanos = sum.nanos.saturating_add(cpu);
                    let mem = quantity(&c.usage.memory, 0).unwrap_or(0);
                    sum.bytes = sum.bytes.saturating_add(mem);
                }
                Ok(sum)
            }
        }
        de.deserialize_any(Sum)
    }
}

/// The `items` of a PodMetricsList, put straight into the map as they are read: no list of
/// items, and one allocation per pod (its name) at 100 000 pods.
#[derive(Default)]
struct PodsInto(PodUsage);

impl<'de> Deserialize<'de> for PodsInto {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = PodUsage;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of pod metrics")
            }
            fn visit_unit<E>(self) -> Result<PodUsage, E> {
                Ok(PodUsage::new())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PodUsage, A::Error> {
                let mut out = PodUsage::new();
                while let Some(pod) = seq.next_element::<PodMetricsRef<'de>>()? {
                    let (ns, name) = (pod.metadata.namespace, pod.metadata.name);
                    let usage = Usage {
                        // Summed exactly, rounded once, as kubectl does.
                        cpu_milli: pod.containers.nanos.div_ceil(1_000_000),
                        mem_bytes: pod.containers.bytes,
                    };
                    let pods = match out.get_mut(ns.as_ref()) {
                        Some(pods) => pods,
                        None => out.entry(ns.into_owned()).or_default(),
                    };
                    pods.insert(name.into_owned(), usage);
                }
                Ok(out)
            }
        }
        de.deserialize_any(Items).map(PodsInto)
    }
}

#[derive(Deserialize)]
struct PodsList {
    #[serde(default)]
    items: PodsInto,
}

#[derive(Deserialize)]
struct NodeMetrics {
    #[serde(default)]
    metadata: Meta,
    #[serde(default)]
    usage: Resources,
}

#[derive(Deserialize)]
struct Node {
    #[serde(default)]
    metadata: Meta,
    #[serde(default)]
    status: NodeStatus,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NodeStatus {
    allocatable: Resources,
}

fn usage_of(r: &Resources) -> Usage {
    Usage {
        cpu_milli: quantity(&r.cpu, 3).unwrap_or(0),
        mem_bytes: quantity(&r.memory, 0).unwrap_or(0),
    }
}

/// Decodes a PodMetricsList body.
pub fn decode_pods(body: &[u8]) -> Result<PodUsage, serde_json::Error> {
    let list: PodsList = serde_json::from_slice(body)?;
    Ok(list.items.0)
}

/// Decodes a NodeMetricsList body and a NodeList body into usage and allocatable per node.
pub fn decode_nodes(
    metrics: &[u8],
    nodes: Option<&[u8]>,
) -> Result<HashMap<String, NodeUsage>, serde_json::Error> {
    let list: List<NodeMetrics> = serde_json::from_slice(metrics)?;
    let mut out: HashMap<String, NodeUsage> = list
        .items
        .into_iter()
        .map(|n| {
            let usage = usage_of(&n.usage);
            let node = NodeUsage {
                usage,
                allocatable: None,
            };
            (n.metadata.name, node)
        })
        .collect();
    if let Some(body) = nodes {
        let nodes: List<Node> = serde_json::from_slice(body)?;
        for node in nodes.items {
            if let Some(entry) = out.get_mut(&node.metadata.name) {
                entry.allocatable = Some(usage_of(&node.status.allocatable));
            }
        }
    }
    Ok(out)
}

fn decode_error(path: &str, e: serde_json::Error) -> KubeError {
    KubeError::Decode {
        path: path.to_string(),
        message: e.to_string(),
    }
}

impl Client {
    /// Every pod's usage in `namespace` (`None`: all namespaces), in one list.
    pub async fn pod_metrics(&self, namespace: Option<&str>) -> Result<PodUsage, KubeError> {
        let path = match namespace {
            Some(ns) => format!("{METRICS_BASE}/namespaces/{ns}/pods"),
            None => format!("{METRICS_BASE}/pods"),
        };
        let body = self.list_page_raw(&path, &ListParams::default()).await?;
        decode_pods(&body).map_err(|e| decode_error(&path, e))
    }

    /// Requests and limits of every pod in `namespace` (`None`: all), from a paginated list of
    /// whole pods: the pods table's own list is printed by the server and carries no spec.
    pub async fn pod_resources(&self, namespace: Option<&str>) -> Result<ResourcesMap, KubeError> {
        let path = match namespace {
            Some(ns) => format!("/api/v1/namespaces/{ns}/pods"),
            None => "/api/v1/pods".to_string(),
        };
        let params = ListParams {
            limit: Some(500),
            ..ListParams::default()
        };
        let list = self.list_all::<ResourcesOfPod>(&path, &params).await?;
        let mut out = ResourcesMap::new();
        for ResourcesOfPod(ns, name, resources) in list.items {
            out.entry(ns).or_default().insert(name, resources);
        }
        Ok(out)
    }

    /// Every node's usage, with its allocatable from the node list when that can be read.
    pub async fn node_metrics(&self) -> Result<HashMap<String, NodeUsage>, KubeError> {
        let path = format!("{METRICS_BASE}/nodes");
        let body = self.list_page_raw(&path, &ListParams::default()).await?;
        let nodes = self
            .list_page_raw("/api/v1/nodes", &ListParams::default())
            .await
            .ok();
        decode_nodes(&body, nodes.as_deref()).map_err(|e| decode_error(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_scale_and_round_up() {
        assert_eq!(quantity("12345678n", 9), Some(12_345_678));
        assert_eq!(quantity("250m", 3), Some(250));
        assert_eq!(quantity("1.5", 3), Some(1500));
        assert_eq!(quantity("8", 9), Some(8_000_000_000));
        assert_eq!(quantity("34Ki", 0), Some(34 * 1024));
        assert_eq!(quantity("1.5Gi", 0), Some(1_610_612_736));
        assert_eq!(quantity("1e3", 0), Some(1000));
        assert_eq!(quantity("100M", 0), Some(100_000_000));
        assert_eq!(quantity("1n", 3), Some(1), "rounded up");
        assert_eq!(quantity("-1", 0), None);
        assert_eq!(quantity("lots", 0), None);
        assert_eq!(quantity("", 0), None);
    }

    #[test]
    fn pods_sum_containers_before_rounding_like_kubectl() {
        let body = br#"{"items":[{"metadata":{"name":"a","namespace":"shop"},"containers":[
            {"name":"x","usage":{"cpu":"1500000n","memory":"1024Ki"}},
            {"name":"y","usage":{"cpu":"1500000n","memory":"1048576"}}]}]}"#;
        let pods = decode_pods(body).unwrap();
        let usage = pod_usage(&pods, "shop", "a").unwrap();
        assert_eq!(usage.cpu_milli, 3, "1.5m + 1.5m, not 2m + 2m");
        assert_eq!(cpu_cell(usage.cpu_milli), "3m");
        assert_eq!(mem_cell(usage.mem_bytes), "2Mi");
        assert_eq!(pod_usage(&pods, "shop", "b"), None);
    }

    #[test]
    fn requests_fall_back_to_limits_and_count_sidecars_like_k9s() {
        let pod: Pod<'_> = serde_json::from_str(
            r#"{"spec":{"initContainers":[
              {"name":"init","resources":{"requests":{"cpu":"1"}}},
              {"name":"proxy","restartPolicy":"Always","resources":{"requests":{"cpu":"50m","memory":"64Mi"}}}],
             "containers":[
              {"name":"app","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"512Mi"}}},
              {"name":"only-limits","resources":{"limits":{"cpu":"250m"}}},
              {"name":"none"}]}}"#,
        )
        .unwrap();
        let r = pod_resources(&pod.spec);
        assert_eq!(
            r.requests.cpu_milli,
            50 + 100 + 250,
            "the plain init container is left out"
        );
        assert_eq!(r.requests.mem_bytes, 192 * 1024 * 1024);
        assert_eq!(r.limits.cpu_milli, 750);
        assert_eq!(r.limits.mem_bytes, 512 * 1024 * 1024);
    }

    #[test]
    fn nodes_get_allocatable_and_truncated_percentages() {
        let metrics = br#"{"items":[{"metadata":{"name":"n1"},"usage":{"cpu":"2999999999n","memory":"16Gi"}}]}"#;
        let nodes = br#"{"items":[{"metadata":{"name":"n1"},"status":{"allocatable":{"cpu":"8","memory":"32Gi"}}}]}"#;
        let all = decode_nodes(metrics, Some(nodes)).unwrap();
        let n1 = all["n1"];
        assert_eq!(n1.usage.cpu_milli, 3000);
        let alloc = n1.allocatable.unwrap();
        assert_eq!(percent(n1.usage.cpu_milli, alloc.cpu_milli), Some(37));
        assert_eq!(percent(n1.usage.mem_bytes, alloc.mem_bytes), Some(50));
        assert_eq!(percent(1, 0), None);
    }
}
