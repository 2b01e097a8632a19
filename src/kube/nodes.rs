//! The health of every node from one list: Ready, the conditions that are true and should not be
//! (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, or a node-problem-detector
//! condition), and cordoning. Only these fields are decoded; whole nodes are never kept.

use serde::Deserialize;

use super::wire::ListParams;
use super::{Client, KubeError};

/// Nodes asked for per page (a 5 000-node cluster is ten pages).
const PAGE: u32 = 500;

/// One node's health.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeHealth {
    pub name: String,
    /// The Ready condition: `None` when the node reports none, or reports Unknown.
    pub ready: Option<bool>,
    /// Conditions other than Ready whose status is "True" (each one a problem), in the node's order.
    pub problems: Vec<String>,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
}

#[derive(Deserialize)]
struct Node {
    #[serde(default)]
    metadata: Meta,
    #[serde(default)]
    spec: Spec,
    #[serde(default)]
    status: Status,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize, Default)]
struct Spec {
    #[serde(default)]
    unschedulable: bool,
}

#[derive(Deserialize, Default)]
struct Status {
    #[serde(default)]
    conditions: Vec<Condition>,
}

#[derive(Deserialize)]
struct Condition {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    status: String,
}

impl From<Node> for NodeHealth {
    fn from(node: Node) -> NodeHealth {
        let mut ready = None;
        let mut problems = Vec::new();
        for c in node.status.conditions {
            match (c.kind.as_str(), c.status.as_str()) {
                ("Ready", "True") => ready = Some(true),
                ("Ready", "False") => ready = Some(false),
                ("Ready", _) => ready = None,
                (_, "True") => problems.push(c.kind),
                _ => {}
            }
        }
        NodeHealth {
            name: node.metadata.name,
            ready,
            problems,
            unschedulable: node.spec.unschedulable,
        }
    }
}

/// Every node's health, in pages.
pub async fn node_health(client: &Client) -> Result<Vec<NodeHealth>, KubeError> {
    let params = ListParams {
        limit: Some(PAGE),
        ..ListParams::default()
    };
    let list = client.list_all::<Node>("/api/v1/nodes", &params).await?;
    Ok(list.items.into_iter().map(NodeHealth::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ready decides readiness; any other true condition is a problem, in the node's order.
    #[test]
    fn conditions_become_ready_and_problems() {
        let node: Node = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "w1"},
            "spec": {"unschedulable": true},
            "status": {"conditions": [
                {"type": "MemoryPressure", "status": "True"},
                {"type": "DiskPressure", "status": "False"},
                {"type": "KernelDeadlock", "status": "True"},
                {"type": "Ready", "status": "Unknown"}
            ]}
        }))
        .expect("valid node");
        let health = NodeHealth::from(node);
        assert_eq!(health.ready, None);
        assert_eq!(health.problems, ["MemoryPressure", "KernelDeadlock"]);
        assert!(health.unschedulable);
    }
}
