//! Workload logs (`l` on a deployment, statefulset, daemonset, job or service): the logs of
//! every pod its selector matches, merged into the view's one bounded buffer, each line
//! prefixed with its pod and container as stern does. The pods come from a list-watch, so pods
//! that appear join the stream and pods that go away leave it; a container without a log yet
//! (waiting to start) is streamed once a pod change shows it running.

use std::collections::BTreeMap;

use serde_json::Value;

use super::detail::{DetailView, ObjectRef};
use super::logs::{LogOptions, LogView};
use super::{Effect, Notify, State};
use crate::kube::discovery::ApiResource;
use crate::kube::log_pods::LogPod;
use crate::kube::selector;
use crate::kube::watcher::{Change, Event};
use crate::msg::LogRequest;
use crate::msg::logs::{LogPodsEvent, LogSource, WorkloadLogEvent};

/// Most container logs followed at once (as stern's `--max-log-requests`).
pub const MAX_STREAMS: usize = 50;

/// Between a pod's (and container's) name and its line; a line without it is a note (joined,
/// left, a stream's error), which the view draws dimmed.
pub const PREFIX_END: &str = " │ ";

/// How an object's `spec.selector` picks its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A `metav1.LabelSelector` (matchLabels and matchExpressions).
    LabelSelector,
    /// A plain map (Service, ReplicationController).
    Map,
}

fn shape(resource: &ApiResource) -> Option<Shape> {
    match (resource.group.as_str(), resource.plural.as_str()) {
        ("apps", "deployments" | "statefulsets" | "daemonsets" | "replicasets")
        | ("batch", "jobs") => Some(Shape::LabelSelector),
        ("", "services" | "replicationcontrollers") => Some(Shape::Map),
        _ => None,
    }
}

/// True when `l` on this kind follows the logs of the pods it selects.
pub fn supports(resource: &ApiResource) -> bool {
    shape(resource).is_some()
}

/// One followed container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stream {
    live: bool,
    /// The container's restart count when the stream started (a new instance is followed anew).
    instance: u32,
    failed: bool,
    /// A pod change came since the stream ended: worth trying again (never in a tight loop).
    armed: bool,
    /// Failures in a row, and when the last one came (Unix seconds): a stream that fails
    /// while its container keeps running is tried again after a backoff.
    failures: u32,
    failed_at: i64,
}

/// Seconds before a failed stream is tried again: 5, 10, 20, 40, then every 60.
fn retry_after(failures: u32) -> i64 {
    (5_i64 << failures.saturating_sub(1).min(4)).min(60)
}

/// The merged logs of the pods a workload selects.
#[derive(Debug, Clone, Default)]
pub struct WorkloadLogs {
    pub namespace: String,
    pub selector: String,
    /// The matching pods, by name.
    pub pods: BTreeMap<String, LogPod>,
    /// Followed (pod, container) pairs.
    streams: BTreeMap<(String, String), Stream>,
    /// Pages of a list under way (they replace `pods` once the last arrives).
    listing: Option<Vec<LogPod>>,
    /// The first list arrived (later pods are announced as joining).
    pub listed: bool,
    /// Bumped when every stream restarts; lines of older rounds are dropped.
    pub round: u64,
    /// Every container (init containers that ran included), not only each pod's default.
    pub all_containers: bool,
    /// Containers not followed because of [`MAX_STREAMS`].
    pub over_cap: usize,
    /// Why the pods watch is failing (it retries by itself).
    pub error: Option<String>,
}

impl WorkloadLogs {
    /// Streams now following.
    pub fn live_streams(&self) -> usize {
        self.streams.values().filter(|s| s.live).count()
    }

    /// The containers worth a stream: (pod, container) → (has a log, restart count).
    fn wanted(&self) -> BTreeMap<(String, String), (bool, u32)> {
        let mut wanted = BTreeMap::new();
        for pod in self.pods.values() {
            for c in &pod.containers {
                let picked = if self.all_containers {
                    !c.init || c.started
                } else {
                    pod.default_container.as_deref() == Some(c.name.as_str())
                };
                if picked {
                    let key = (pod.name.clone(), c.name.clone());
                    wanted.insert(key, (c.started, c.restarts));
                }
            }
        }
        wanted
    }

    /// Stops the streams no longer wanted and starts the ones due, up to [`MAX_STREAMS`].
    fn reconcile(&mut self, id: u64, context: &str, options: &LogOptions) -> Vec<Effect> {
        let wanted = self.wanted();
        let mut effects = Vec::new();
        let gone: Vec<(String, String)> = self
            .streams
            .keys()
            .filter(|k| !wanted.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            if self.streams.remove(&key).is_some_and(|s| s.live) {
                let source = self.source(&key);
                effects.push(Effect::StopPodLog { source });
            }
        }
        let mut live = self.live_streams();
        self.over_cap = 0;
        for (key, (started, restarts)) in wanted {
            let due = match self.streams.get(&key) {
                None => started,
                Some(s) => started && !s.live && s.armed && (s.failed || s.instance != restarts),
            };
            if !due {
                continue;
            }
            if live >= MAX_STREAMS {
                self.over_cap += 1;
                continue;
            }
            live += 1;
            let failures = self.streams.get(&key).map_or(0, |s| s.failures);
            let stream = Stream {
                live: true,
                instance: restarts,
                failed: false,
                armed: false,
                failures,
                failed_at: 0,
            };
            self.streams.insert(key.clone(), stream);
            effects.push(self.stream_effect(id, context, &key, options));
        }
        effects
    }

    fn source(&self, (pod, container): &(String, String)) -> LogSource {
        LogSource {
            round: self.round,
            pod: pod.clone(),
            container: container.clone(),
        }
    }

    fn stream_effect(
        &self,
        id: u64,
        context: &str,
        key: &(String, String),
        options: &LogOptions,
    ) -> Effect {
        Effect::StreamPodLog {
            id,
            context: context.to_string(),
            source: self.source(key),
            request: LogRequest {
                namespace: self.namespace.clone(),
                pod: key.0.clone(),
                container: Some(key.1.clone()),
                previous: options.previous,
                timestamps: options.timestamps,
                tail_lines: options.tail,
            },
        }
    }

    /// A change of the matching pods; notes (joined, left) go to `notes`.
    fn on_pods(&mut self, event: LogPodsEvent, notes: &mut Vec<String>) {
        match event {
            Event::Page { page, first, last } => {
                let listing = self.listing.get_or_insert_with(Vec::new);
                if first {
                    listing.clear();
                }
                listing.extend(page);
                if last {
                    let pods = self.listing.take().unwrap_or_default();
                    let pods = pods.into_iter().map(|p| (p.name.clone(), p)).collect();
                    self.replace_pods(pods, notes);
                }
            }
            Event::Changes(changes) => {
                for change in changes {
                    match change {
                        Change::Added(pod) | Change::Modified(pod) => self.upsert(pod, notes),
                        Change::Deleted(pod) => {
                            if self.pods.remove(&pod.name).is_some() {
                                notes.push(format!("— {} left", pod.name));
                            }
                        }
                    }
                }
            }
            Event::Live => self.error = None,
            Event::Failed { error, .. } => self.error = Some(error.message),
        }
    }

    /// A (re)list: pods missing from it left, new ones joined (not announced on the first list).
    fn replace_pods(&mut self, pods: BTreeMap<String, LogPod>, notes: &mut Vec<String>) {
        for name in self.pods.keys().filter(|n| !pods.contains_key(*n)) {
            notes.push(format!("— {name} left"));
        }
        if self.listed {
            for name in pods.keys().filter(|n| !self.pods.contains_key(*n)) {
                notes.push(format!("+ {name} joined"));
            }
        }
        self.pods = pods;
        self.listed = true;
        self.error = None;
        self.arm_all();
    }

    fn upsert(&mut self, pod: LogPod, notes: &mut Vec<String>) {
        if self.listed && !self.pods.contains_key(&pod.name) {
            notes.push(format!("+ {} joined", pod.name));
        }
        for ((name, _), stream) in self.streams.iter_mut() {
            if *name == pod.name {
                stream.armed = true;
            }
        }
        self.pods.insert(pod.name.clone(), pod);
    }

    fn arm_all(&mut self) {
        for stream in self.streams.values_mut() {
            stream.armed = true;
        }
    }

    /// Lines of `source` prefixed with its pod and container; `None` for a stale stream.
    fn prefixed(&self, source: &LogSource, lines: Vec<String>) -> Option<Vec<String>> {
        let key = (source.pod.clone(), source.container.clone());
        if source.round != self.round || !self.streams.get(&key).is_some_and(|s| s.live) {
            return None;
        }
        let prefix = format!("{} {}{PREFIX_END}", source.pod, source.container);
        Some(lines.into_iter().map(|l| format!("{prefix}{l}")).collect())
    }

    /// A stream ended at `now`; a note when it failed.
    fn on_ended(&mut self, source: &LogSource, error: Option<String>, now: i64) -> Option<String> {
        let key = (source.pod.clone(), source.container.clone());
        let stream = self
            .streams
            .get_mut(&key)
            .filter(|_| source.round == self.round)?;
        stream.live = false;
        stream.armed = false;
        stream.failed = error.is_some();
        stream.failures = if stream.failed {
            stream.failures + 1
        } else {
            0
        };
        stream.failed_at = now;
        error.map(|e| format!("! {} {}: {e}", source.pod, source.container))
    }

    /// Arms the failed streams whose backoff has passed at `now`; true when one was.
    fn arm_due(&mut self, now: i64) -> bool {
        let mut any = false;
        for stream in self.streams.values_mut() {
            let waiting = stream.failed && !stream.live && !stream.armed;
            if waiting && now - stream.failed_at >= retry_after(stream.failures) {
                stream.armed = true;
                any = true;
            }
        }
        any
    }
}

/// The workload object of logs view `id` arrived: read its selector and watch its pods.
pub fn start(
    id: u64,
    target: &ObjectRef,
    context: &str,
    logs: &mut LogView,
    object: &Value,
) -> Vec<Effect> {
    logs.waiting_for_pod = false;
    let spec_selector = &object["spec"]["selector"];
    let selector = match shape(&target.resource) {
        Some(Shape::Map) => selector::from_map(spec_selector),
        _ => selector::from_label_selector(spec_selector),
    };
    let selector = match selector {
        Ok(s) => s,
        Err(e) => {
            logs.ended = Some(format!("{} {e}: no pods to follow", target.describe()));
            return Vec::new();
        }
    };
    let namespace = target.namespace.clone().unwrap_or_default();
    logs.workload = Some(Box::new(WorkloadLogs {
        namespace: namespace.clone(),
        selector: selector.clone(),
        ..WorkloadLogs::default()
    }));
    vec![Effect::WatchLogPods {
        id,
        context: context.to_string(),
        namespace,
        label_selector: selector,
    }]
}

/// The open logs view and its id, when a logs view is open.
fn open_view(detail: Option<&mut super::detail::Detail>) -> Option<(u64, &mut LogView)> {
    let detail = detail?;
    match &mut detail.view {
        DetailView::Logs(logs) => Some((detail.id, logs)),
        _ => None,
    }
}

/// Pods, lines or an ended stream of the open workload logs view.
pub fn on_event(state: &mut State, event: WorkloadLogEvent) -> Vec<Effect> {
    let context = super::detail::open_context(state);
    let Some((id, logs)) = open_view(state.detail.as_mut()) else {
        return Vec::new();
    };
    let Some(workload) = logs.workload.as_mut() else {
        return Vec::new();
    };
    state.dirty = true;
    let mut notes = Vec::new();
    let effects = match event {
        WorkloadLogEvent::Pods(event) => {
            workload.on_pods(event, &mut notes);
            let before = workload.over_cap;
            let effects = workload.reconcile(id, &context, &logs.options);
            if before == 0 && workload.over_cap > 0 {
                state.flash.info(format!(
                    "{} containers not followed: at most {MAX_STREAMS} log streams at once",
                    workload.over_cap
                ));
            }
            effects
        }
        WorkloadLogEvent::Lines { source, lines } => {
            if let Some(lines) = workload.prefixed(&source, lines) {
                logs.push(lines);
            }
            return Vec::new();
        }
        WorkloadLogEvent::Ended { source, error } => {
            let now = state.now.as_second();
            notes.extend(workload.on_ended(&source, error.map(|e| e.message), now));
            // A slot freed: a container over the cap may start now.
            workload.reconcile(id, &context, &logs.options)
        }
    };
    logs.push(notes);
    effects
}

/// Every second: streams that failed while their container still runs are tried again once
/// their backoff has passed.
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    let now = state.now.as_second();
    let context = super::detail::open_context(state);
    let Some((id, logs)) = open_view(state.detail.as_mut()) else {
        return Vec::new();
    };
    let Some(workload) = logs.workload.as_mut() else {
        return Vec::new();
    };
    if workload.arm_due(now) {
        workload.reconcile(id, &context, &logs.options)
    } else {
        Vec::new()
    }
}

/// `0`: every container of each pod, or only its default one.
pub fn toggle_all_containers(state: &mut State) -> Vec<Effect> {
    let context = super::detail::open_context(state);
    let workload = open_view(state.detail.as_mut())
        .and_then(|(id, logs)| Some((id, logs.workload.as_mut()?, &logs.options)));
    let Some((id, workload, options)) = workload else {
        state
            .flash
            .info("0 shows every container in a workload's logs (l on a deployment, …)");
        return Vec::new();
    };
    workload.all_containers = !workload.all_containers;
    let effects = workload.reconcile(id, &context, options);
    state.flash.info(if workload.all_containers {
        "all containers"
    } else {
        "default containers"
    });
    effects
}

/// New options: every stream starts again (new round), over a cleared buffer.
pub fn restart(id: u64, context: &str, logs: &mut LogView) -> Vec<Effect> {
    let Some(workload) = logs.workload.as_mut() else {
        return Vec::new();
    };
    let mut effects: Vec<Effect> = workload
        .streams
        .iter()
        .filter(|(_, s)| s.live)
        .map(|(key, _)| Effect::StopPodLog {
            source: workload.source(key),
        })
        .collect();
    workload.streams.clear();
    workload.round += 1;
    logs.restart();
    if let Some(workload) = logs.workload.as_mut() {
        effects.extend(workload.reconcile(id, context, &logs.options));
    }
    effects
}

#[cfg(test)]
#[path = "tests_workload_logs.rs"]
mod tests;
