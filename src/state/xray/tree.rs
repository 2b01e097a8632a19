//! The owner tree of `:xray`, built from whole lists (the kind, its ReplicaSets or Jobs, the
//! pods): children are found by the controller's uid in `ownerReferences` (a Service's by its
//! selector), so the tree costs a few lists, never one call per row.

use std::collections::HashMap;

use serde_json::Value;

/// The kinds `:xray` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Service,
}

impl Root {
    /// The root kind of resource `group`/`plural`.
    pub fn of(group: &str, plural: &str) -> Option<Root> {
        Some(match (group, plural) {
            ("apps", "deployments") => Root::Deployment,
            ("apps", "statefulsets") => Root::StatefulSet,
            ("apps", "daemonsets") => Root::DaemonSet,
            ("batch", "jobs") => Root::Job,
            ("batch", "cronjobs") => Root::CronJob,
            ("", "services") => Root::Service,
            _ => return None,
        })
    }

    /// The kind between the root and the pods, as (group, plural).
    pub fn middle(self) -> Option<(&'static str, &'static str)> {
        match self {
            Root::Deployment => Some(("apps", "replicasets")),
            Root::CronJob => Some(("batch", "jobs")),
            _ => None,
        }
    }

    fn kind(self) -> Kind {
        match self {
            Root::Deployment => Kind::Deployment,
            Root::StatefulSet => Kind::StatefulSet,
            Root::DaemonSet => Kind::DaemonSet,
            Root::Job => Kind::Job,
            Root::CronJob => Kind::CronJob,
            Root::Service => Kind::Service,
        }
    }
}

/// What a node of the tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Service,
    Pod,
    Container,
}

impl Kind {
    /// kubectl's short name, as the tree shows it.
    pub fn short(self) -> &'static str {
        match self {
            Kind::Deployment => "deploy",
            Kind::ReplicaSet => "rs",
            Kind::StatefulSet => "sts",
            Kind::DaemonSet => "ds",
            Kind::Job => "job",
            Kind::CronJob => "cj",
            Kind::Service => "svc",
            Kind::Pod => "pod",
            Kind::Container => "container",
        }
    }
}

/// A node's health; the mark drawn carries it without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Ready,
    Progressing,
    Failing,
}

impl Mark {
    /// `✓`, `…` or `✗`.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Ready => "✓",
            Mark::Progressing => "…",
            Mark::Failing => "✗",
        }
    }
}

/// One row of the tree, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// Its own state and its descendants', the worst of them.
    pub mark: Mark,
    /// A few words: `2/2 ready`, `Running`, `CrashLoopBackOff`.
    pub info: String,
    /// For each ancestor level: whether a sibling follows there (a `│` guide is drawn).
    pub guides: Vec<bool>,
    /// The last of its siblings (`└─`, else `├─`).
    pub last: bool,
}

impl Node {
    /// Depth in the tree (0: a root).
    pub fn depth(&self) -> usize {
        self.guides.len()
    }
}

/// The nodes whose name contains `query` (any case), with their ancestors and descendants,
/// the guides redrawn for what is left.
pub fn filter(nodes: &[Node], query: &str) -> Vec<Node> {
    if query.is_empty() {
        return nodes.to_vec();
    }
    let query = query.to_lowercase();
    let hit: Vec<bool> = nodes
        .iter()
        .map(|n| n.name.to_lowercase().contains(&query))
        .collect();
    let mut keep = vec![false; nodes.len()];
    let mut path: Vec<usize> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        path.truncate(node.depth());
        if hit[i] || path.iter().any(|&a| hit[a]) {
            keep[i] = true;
            path.iter().for_each(|&a| keep[a] = true);
        }
        path.push(i);
    }
    let mut kept: Vec<Node> = nodes
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(n, _)| n.clone())
        .collect();
    relink(&mut kept);
    kept
}

/// Recomputes `last` and the guides of a flattened tree some nodes were taken out of.
fn relink(nodes: &mut [Node]) {
    for i in 0..nodes.len() {
        let depth = nodes[i].depth();
        let next = nodes[i + 1..].iter().find(|n| n.depth() <= depth);
        nodes[i].last = next.is_none_or(|n| n.depth() < depth);
    }
    let mut path: Vec<bool> = Vec::new();
    for node in nodes.iter_mut() {
        path.truncate(node.depth());
        node.guides.clone_from(&path);
        path.push(!node.last);
    }
}

/// A node before it is flattened.
struct Tree {
    kind: Kind,
    namespace: String,
    name: String,
    mark: Mark,
    info: String,
    children: Vec<Tree>,
}

fn items(list: Option<&Value>) -> &[Value] {
    list.and_then(|l| l["items"].as_array())
        .map_or(&[], Vec::as_slice)
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn number(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

/// Objects by the uid of their controller.
fn by_controller(objects: &[Value]) -> HashMap<&str, Vec<&Value>> {
    let mut map: HashMap<&str, Vec<&Value>> = HashMap::new();
    for object in objects {
        let refs = object["metadata"]["ownerReferences"].as_array();
        let controller = refs.and_then(|r| r.iter().find(|o| o["controller"] == true));
        if let Some(uid) = controller.and_then(|o| o["uid"].as_str()) {
            map.entry(uid).or_default().push(object);
        }
    }
    map
}

/// The tree of `root` objects from `lists`: the roots, then (Deployment, CronJob) the middle
/// kind, then the pods. Flattened in display order.
pub fn build(root: Root, lists: &[Value]) -> Vec<Node> {
    let pods = items(lists.last());
    let owned = Owned {
        middle: by_controller(root.middle().map_or(&[], |_| items(lists.get(1)))),
        pods: by_controller(pods),
    };
    let trees: Vec<Tree> = items(lists.first())
        .iter()
        .map(|object| {
            let children = match root {
                Root::Deployment => owned.middles(object, Kind::ReplicaSet),
                Root::CronJob => owned.middles(object, Kind::Job),
                Root::Service => selected_pods(object, pods),
                _ => owned.pods_of(object),
            };
            workload_tree(root.kind(), object, children)
        })
        .collect();
    let mut nodes = Vec::new();
    let count = trees.len();
    for (i, tree) in trees.into_iter().enumerate() {
        flatten(tree, &mut Vec::new(), i + 1 == count, &mut nodes);
    }
    nodes
}

/// The middle objects and the pods, by the uid of their controller.
struct Owned<'a> {
    middle: HashMap<&'a str, Vec<&'a Value>>,
    pods: HashMap<&'a str, Vec<&'a Value>>,
}

impl Owned<'_> {
    fn pods_of(&self, owner: &Value) -> Vec<Tree> {
        let pods = self.pods.get(text(owner, "/metadata/uid"));
        pods.map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|pod| pod_tree(pod))
            .collect()
    }

    /// The ReplicaSets (or Jobs) of `owner` with their pods. Old ReplicaSets scaled to zero
    /// with no pod left are history, not tree.
    fn middles(&self, owner: &Value, kind: Kind) -> Vec<Tree> {
        let middles = self.middle.get(text(owner, "/metadata/uid"));
        middles
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|m| (m, self.pods_of(m)))
            .filter(|(m, pods)| {
                kind != Kind::ReplicaSet
                    || !pods.is_empty()
                    || number(m, "/spec/replicas") != Some(0)
            })
            .map(|(m, pods)| workload_tree(kind, m, pods))
            .collect()
    }
}

fn flatten(tree: Tree, guides: &mut Vec<bool>, last: bool, out: &mut Vec<Node>) {
    out.push(Node {
        kind: tree.kind,
        namespace: tree.namespace,
        name: tree.name,
        mark: tree.mark,
        info: tree.info,
        guides: guides.clone(),
        last,
    });
    let count = tree.children.len();
    guides.push(!last);
    for (i, child) in tree.children.into_iter().enumerate() {
        flatten(child, guides, i + 1 == count, out);
    }
    guides.pop();
}

/// The pods a Service's selector matches (a Service without a selector has none).
fn selected_pods(service: &Value, pods: &[Value]) -> Vec<Tree> {
    let Some(selector) = service["spec"]["selector"]
        .as_object()
        .filter(|s| !s.is_empty())
    else {
        return Vec::new();
    };
    let namespace = text(service, "/metadata/namespace");
    pods.iter()
        .filter(|pod| text(pod, "/metadata/namespace") == namespace)
        .filter(|pod| {
            let labels = &pod["metadata"]["labels"];
            selector.iter().all(|(k, v)| labels[k] == *v)
        })
        .map(pod_tree)
        .collect()
}

/// A workload or Service node: its own readiness, made worse by a failing descendant.
fn workload_tree(kind: Kind, object: &Value, children: Vec<Tree>) -> Tree {
    let worst = children.iter().map(|c| c.mark).max();
    let (own, info) = match kind {
        Kind::DaemonSet => {
            let desired = number(object, "/status/desiredNumberScheduled").unwrap_or(0);
            let ready = number(object, "/status/numberReady").unwrap_or(0);
            ready_of(ready, desired)
        }
        Kind::Job => job_state(object),
        Kind::CronJob => {
            let schedule = text(object, "/spec/schedule").to_string();
            let suspended = object["spec"]["suspend"] == true;
            let info = if suspended {
                format!("{schedule} (suspended)")
            } else {
                schedule
            };
            (Mark::Ready, info)
        }
        Kind::Service => {
            let info = match children.len() {
                0 if object["spec"]["selector"]
                    .as_object()
                    .is_none_or(|s| s.is_empty()) =>
                {
                    "no selector".to_string()
                }
                1 => "1 pod".to_string(),
                n => format!("{n} pods"),
            };
            let own = match children.len() {
                0 => Mark::Progressing,
                _ => Mark::Ready,
            };
            (own, info)
        }
        _ => {
            let desired = number(object, "/spec/replicas").unwrap_or(1);
            let ready = number(object, "/status/readyReplicas").unwrap_or(0);
            ready_of(ready, desired)
        }
    };
    Tree {
        kind,
        namespace: text(object, "/metadata/namespace").to_string(),
        name: text(object, "/metadata/name").to_string(),
        mark: worst.map_or(own, |w| w.max(own)),
        info,
        children,
    }
}

fn ready_of(ready: i64, desired: i64) -> (Mark, String) {
    let mark = if ready >= desired {
        Mark::Ready
    } else {
        Mark::Progressing
    };
    (mark, format!("{ready}/{desired} ready"))
}

fn job_state(job: &Value) -> (Mark, String) {
    let conditions = job["status"]["conditions"].as_array();
    let has = |kind: &str| {
        conditions.is_some_and(|c| c.iter().any(|c| c["type"] == kind && c["status"] == "True"))
    };
    let completions = number(job, "/spec/completions").unwrap_or(1);
    let succeeded = number(job, "/status/succeeded").unwrap_or(0);
    let info = format!("{succeeded}/{completions} done");
    if has("Failed") {
        (Mark::Failing, "failed".to_string())
    } else if has("Complete") || succeeded >= completions {
        (Mark::Ready, info)
    } else {
        (Mark::Progressing, info)
    }
}

/// Reasons a container waits that will not fix themselves.
const BAD_WAITING: [&str; 7] = [
    "CrashLoopBackOff",
    "ErrImagePull",
    "ImagePullBackOff",
    "CreateContainerConfigError",
    "CreateContainerError",
    "InvalidImageName",
    "RunContainerError",
];

/// A pod and its containers.
fn pod_tree(pod: &Value) -> Tree {
    let statuses = pod["status"]["containerStatuses"].as_array();
    let status_of = |name: &str| statuses.and_then(|s| s.iter().find(|c| c["name"] == name));
    let containers: Vec<Tree> = pod["spec"]["containers"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|c| {
            let name = text(c, "/name");
            let (mark, info) = container_state(status_of(name));
            Tree {
                kind: Kind::Container,
                namespace: text(pod, "/metadata/namespace").to_string(),
                name: name.to_string(),
                mark,
                info,
                children: Vec::new(),
            }
        })
        .collect();
    let phase = text(pod, "/status/phase");
    let worst = containers
        .iter()
        .map(|c| c.mark)
        .max()
        .unwrap_or(Mark::Progressing);
    let deleting = pod["metadata"]["deletionTimestamp"].is_string();
    let (mark, info) = match phase {
        _ if deleting => (Mark::Progressing, "Terminating".to_string()),
        "Succeeded" => (Mark::Ready, "Completed".to_string()),
        "Failed" => (Mark::Failing, "Failed".to_string()),
        "Running" => (worst, phase.to_string()),
        "" => (Mark::Progressing, "Unknown".to_string()),
        _ => (worst.max(Mark::Progressing), phase.to_string()),
    };
    Tree {
        kind: Kind::Pod,
        namespace: text(pod, "/metadata/namespace").to_string(),
        name: text(pod, "/metadata/name").to_string(),
        mark,
        info,
        children: containers,
    }
}

fn container_state(status: Option<&Value>) -> (Mark, String) {
    let Some(status) = status else {
        return (Mark::Progressing, "waiting".to_string());
    };
    let state = &status["state"];
    if let Some(reason) = state["waiting"]["reason"].as_str() {
        let mark = if BAD_WAITING.contains(&reason) {
            Mark::Failing
        } else {
            Mark::Progressing
        };
        return (mark, reason.to_string());
    }
    if state["terminated"].is_object() {
        let code = number(state, "/terminated/exitCode").unwrap_or(0);
        let mark = if code == 0 {
            Mark::Ready
        } else {
            Mark::Failing
        };
        return (mark, format!("exited {code}"));
    }
    match status["ready"].as_bool() {
        Some(true) => (Mark::Ready, "ready".to_string()),
        _ => (Mark::Progressing, "not ready".to_string()),
    }
}
