//! The cluster-level objects around the pods: namespaces, nodes, services and the (deprecated)
//! component statuses.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::pods::ts;
use super::resources::Kind;
use super::store::Store;

fn after(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t)
}

pub(crate) fn namespace_json(name: &str, created: Timestamp) -> Value {
    json!({"kind": "Namespace", "apiVersion": "v1",
        "metadata": {"name": name, "uid": format!("ns-{:016x}", super::rng::hash(&[name])),
            "creationTimestamp": ts(created), "labels": {"kubernetes.io/metadata.name": name}},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
}

pub(crate) fn node_json(name: &str, ip: &str, control_plane: bool, created: Timestamp) -> Value {
    let mut labels = json!({"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64"});
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
    }
    let t = ts(created);
    let mut spec = json!({"podCIDR": "10.244.0.0/24"});
    // Only pods that tolerate it (kube-proxy) run on the control plane.
    if control_plane {
        spec["taints"] = json!([{"key": "node-role.kubernetes.io/control-plane",
            "effect": "NoSchedule"}]);
    }
    json!({"kind": "Node", "apiVersion": "v1",
        "metadata": {"name": name, "uid": format!("node-{:016x}", super::rng::hash(&[name])),
            "creationTimestamp": t, "labels": labels},
        "spec": spec,
        "status": {
            "capacity": {"cpu": "8", "memory": "32827268Ki", "pods": "110"},
            "allocatable": {"cpu": "8", "memory": "32724868Ki", "pods": "110"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "lastTransitionTime": t},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "lastTransitionTime": t},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "lastTransitionTime": t},
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastTransitionTime": t}],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.31.0", "kubeProxyVersion": "v1.31.0",
                "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.8.0-45-generic",
                "containerRuntimeVersion": "containerd://1.7.18", "operatingSystem": "linux",
                "architecture": "amd64"}}})
}

pub(crate) fn service_json(
    ns: &str,
    name: &str,
    ip: &str,
    port: u16,
    app: Option<&str>,
    now: Timestamp,
) -> Value {
    let mut spec = json!({"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip],
        "ports": [{"name": "http", "port": if port == 443 { 443 } else { 80 }, "targetPort": port, "protocol": "TCP"}]});
    if let Some(app) = app {
        spec["selector"] = json!({"app": app});
    }
    json!({"kind": "Service", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": ns, "uid": format!("svc-{:016x}", super::rng::hash(&[ns, name])),
            "creationTimestamp": ts(after(now, -(80 * 86_400))), "labels": {"app": name}},
        "spec": spec, "status": {"loadBalancer": {}}})
}

/// `kubectl get cs` on a healthy cluster. Like the real ones, they have no uid or timestamps.
pub(crate) fn seed_component_statuses(store: &Store) {
    for name in ["controller-manager", "etcd-0", "scheduler"] {
        let cs = json!({"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name},
            "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]});
        store.seed(Kind::ComponentStatus, cs);
    }
}
