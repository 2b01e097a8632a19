//! Pods as a workload's merged logs need them: each container (init containers first), whether
//! it has a log to read yet, its restart count, and the pod's default container as kubectl picks
//! it. Listed and watched as whole pods (JSON), through the list-then-watch engine.

use serde_json::Value;

use super::KubeError;
use super::watcher::{Change, Decoder, Item};
use super::wire::{JSON, WatchEvent, decode_list, decode_watch_event};

/// One container of a [`LogPod`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogContainer {
    pub name: String,
    /// An init container (its log exists once it ran).
    pub init: bool,
    /// Running or terminated: the kubelet has a log for it (a waiting one answers 400).
    pub started: bool,
    pub restarts: u32,
}

/// A pod whose containers' logs may be followed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogPod {
    pub name: String,
    pub resource_version: String,
    pub containers: Vec<LogContainer>,
    /// The `kubectl.kubernetes.io/default-container` annotation when it names a container,
    /// else the first app container.
    pub default_container: Option<String>,
}

impl LogPod {
    /// The pod's facts from its JSON.
    pub fn from_json(pod: &Value) -> LogPod {
        let status_of = |key: &str, name: &str| {
            pod["status"][key]
                .as_array()
                .and_then(|all| all.iter().find(|s| s["name"] == name))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let mut containers = Vec::new();
        for (spec_key, status_key, init) in [
            ("initContainers", "initContainerStatuses", true),
            ("containers", "containerStatuses", false),
        ] {
            let specs = pod["spec"][spec_key].as_array().into_iter().flatten();
            for name in specs.filter_map(|c| c["name"].as_str()) {
                let status = status_of(status_key, name);
                let state = &status["state"];
                containers.push(LogContainer {
                    name: name.to_string(),
                    init,
                    started: state.get("running").is_some() || state.get("terminated").is_some(),
                    restarts: u32::try_from(status["restartCount"].as_u64().unwrap_or(0))
                        .unwrap_or(u32::MAX),
                });
            }
        }
        let annotated = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
            .as_str()
            .filter(|n| containers.iter().any(|c| c.name == *n));
        let first_app = containers.iter().find(|c| !c.init).map(|c| c.name.as_str());
        LogPod {
            name: pod["metadata"]["name"].as_str().unwrap_or_default().into(),
            resource_version: pod["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .into(),
            default_container: annotated.or(first_app).map(str::to_string),
            containers,
        }
    }
}

/// The engine's decoder for [`LogPod`]s.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogPodRows;

impl Decoder for LogPodRows {
    type Page = Vec<LogPod>;
    type Row = LogPod;
    type Columns = ();

    fn list_accept(&self) -> &'static str {
        JSON
    }

    fn watch_accept(&self) -> &'static str {
        JSON
    }

    fn page(&self, _: &mut (), body: &[u8], path: &str) -> Result<Vec<LogPod>, KubeError> {
        let page = decode_list::<Value>(body, path)?;
        Ok(page.items.iter().map(LogPod::from_json).collect())
    }

    fn event(&self, _: &mut (), line: &[u8], path: &str) -> Result<Item<LogPod>, KubeError> {
        let event = decode_watch_event::<Value>(line).map_err(|message| KubeError::Decode {
            path: super::url::strip_query(path),
            message,
        })?;
        let change = |c: fn(LogPod) -> Change<LogPod>, object: Value| {
            let pod = LogPod::from_json(&object);
            let rv = pod.resource_version.clone();
            Item::Changes(vec![c(pod)], rv)
        };
        Ok(match event {
            WatchEvent::Added(o) => change(Change::Added, o),
            WatchEvent::Modified(o) => change(Change::Modified, o),
            WatchEvent::Deleted(o) => change(Change::Deleted, o),
            WatchEvent::Bookmark(rv) => Item::Bookmark(rv),
            WatchEvent::Error(status) => Item::Error(status),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn containers_say_whether_they_have_a_log_and_which_is_the_default() {
        let pod = json!({
            "metadata": {"name": "web-1", "resourceVersion": "7",
                "annotations": {"kubectl.kubernetes.io/default-container": "app"}},
            "spec": {"initContainers": [{"name": "migrate"}],
                "containers": [{"name": "envoy"}, {"name": "app"}]},
            "status": {
                "initContainerStatuses": [{"name": "migrate", "state": {"terminated": {"exitCode": 0}}}],
                "containerStatuses": [
                    {"name": "envoy", "restartCount": 2, "state": {"running": {}}},
                    {"name": "app", "state": {"waiting": {"reason": "ContainerCreating"}}}
                ]
            }
        });
        let pod = LogPod::from_json(&pod);
        assert_eq!(pod.name, "web-1");
        assert_eq!(pod.default_container.as_deref(), Some("app"));
        let facts: Vec<(&str, bool, bool, u32)> = pod
            .containers
            .iter()
            .map(|c| (c.name.as_str(), c.init, c.started, c.restarts))
            .collect();
        assert_eq!(
            facts,
            [
                ("migrate", true, true, 0),
                ("envoy", false, true, 2),
                ("app", false, false, 0)
            ]
        );
        // Without the annotation: the first app container, as kubectl picks it.
        let plain = json!({"metadata": {"name": "p"},
            "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "main"}]}});
        let plain = LogPod::from_json(&plain);
        assert_eq!(plain.default_container.as_deref(), Some("main"));
        assert!(plain.containers.iter().all(|c| !c.started));
    }
}
