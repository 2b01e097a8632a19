//! Runs the `Effect`s `state::update` asks for on tokio, and reports back as `Msg`s tagged with
//! the generation they were started for. A new generation aborts the older tasks.

mod drain;
mod edit;
mod exec;
mod feeds;
mod fleet;
mod forwards;
mod health;
mod metrics;
mod ops;
mod pod_logs;
mod raw;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::kube::watcher::Event;
use crate::kube::{ApiCache, Client, Failure, KubeError};
use crate::msg::{ConnectionInfo, Effect, Msg};

pub use feeds::pods_path;

mod work;

/// Tunables of the background work.
#[derive(Debug, Clone)]
pub struct TaskOptions {
    /// Items per list page.
    pub page_size: u32,
    /// How often `/version` is polled for the status bar.
    pub version_interval: Duration,
    /// How often pod and node metrics are listed (metrics.k8s.io).
    pub metrics_interval: Duration,
    /// Longest wait between reconnect attempts.
    pub max_backoff: Duration,
    /// Where per-context raw-request history lives (`None`: not persisted).
    pub data_dir: Option<PathBuf>,
    /// Where `S` saves logs (`None`: saving says there is no state directory).
    pub logs_dir: Option<PathBuf>,
    /// Watches ask for whole objects (`includeObject=Object`) for the object history.
    pub watch_objects: bool,
    /// `--replay`: the recording whose clock `Effect::ReplaySeek` moves.
    pub replay: Option<Arc<crate::record::Replay>>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            page_size: 500,
            version_interval: Duration::from_secs(10),
            metrics_interval: Duration::from_secs(15),
            max_backoff: Duration::from_secs(30),
            data_dir: dirs::data_dir().map(|d| d.join("kr8s-tui")),
            logs_dir: dirs::state_dir()
                .or_else(dirs::cache_dir)
                .map(|d| d.join("kr8s-tui").join("logs")),
            watch_objects: true,
            replay: None,
        }
    }
}

/// The runtime side of effects.
pub struct Tasks {
    cache: Option<Arc<ApiCache>>,
    tx: UnboundedSender<Msg>,
    opts: TaskOptions,
    context_tasks: Vec<JoinHandle<()>>,
    /// The pods list-watch, one per context in a fleet.
    pods_tasks: Vec<JoinHandle<()>>,
    /// The metrics poll of the pods generation.
    metrics_task: Option<JoinHandle<()>>,
    /// The log stream of the open logs view.
    logs_task: Option<JoinHandle<()>>,
    /// The pods watch and the per-container streams of workload logs.
    workload_logs: pod_logs::WorkloadTasks,
    /// The list-then-watch of the open resource table, one per context in a fleet.
    table_tasks: Vec<JoinHandle<()>>,
    raw_tasks: HashMap<u64, JoinHandle<()>>,
    /// Port-forwards, running until stopped (they outlive every view).
    forwards: HashMap<u64, JoinHandle<()>>,
    /// Drains under way (Esc stops one).
    drains: HashMap<u64, JoinHandle<()>>,
    clipboard: Clipboard,
    /// Where `Effect::SetTitle` goes (main: crossterm `SetTitle`).
    title: Clipboard,
}

/// Where `Effect::Copy` text goes: the real terminal (OSC 52) or a test's sink.
pub type Clipboard = Box<dyn Fn(&str) + Send>;

impl Drop for Tasks {
    fn drop(&mut self) {
        self.abort_context();
        self.abort_pods();
        self.stop_logs();
        self.stop_table();
        for (_, t) in self
            .raw_tasks
            .drain()
            .chain(self.forwards.drain())
            .chain(self.drains.drain())
        {
            t.abort();
        }
    }
}

impl Tasks {
    /// `cache` is `None` when no kubeconfig was found: effects then report that as an error.
    pub fn new(cache: Option<Arc<ApiCache>>, tx: UnboundedSender<Msg>, opts: TaskOptions) -> Self {
        Tasks {
            cache,
            tx,
            opts,
            context_tasks: Vec::new(),
            pods_tasks: Vec::new(),
            metrics_task: None,
            logs_task: None,
            workload_logs: pod_logs::WorkloadTasks::default(),
            table_tasks: Vec::new(),
            raw_tasks: HashMap::new(),
            forwards: HashMap::new(),
            drains: HashMap::new(),
            clipboard: Box::new(|_| tracing::debug!("copy ignored: no clipboard sink")),
            title: Box::new(|_| {}),
        }
    }

    /// Sets where copied text goes (main: an OSC 52 sequence on the terminal).
    pub fn with_clipboard(mut self, clipboard: Clipboard) -> Self {
        self.clipboard = clipboard;
        self
    }

    /// Sets where the window title goes (main: the terminal's title).
    pub fn with_title(mut self, title: Clipboard) -> Self {
        self.title = title;
        self
    }

    /// Starts the work an effect describes. `Quit` and foreground jobs are the app loop's.
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Quit | Effect::Foreground(_) => {}
            Effect::Connect {
                generation,
                context,
            } => self.connect(generation, &context),
            Effect::WatchPods {
                generation,
                context,
                namespace,
                label_selector,
                field_selector,
            } => {
                let selectors = (label_selector, field_selector);
                self.watch_pods(generation, &context, namespace, selectors)
            }
            Effect::WatchFleetPods {
                generation,
                contexts,
                namespace,
                label_selector,
                field_selector,
            } => {
                self.abort_pods();
                let selectors = (label_selector, field_selector);
                self.watch_fleet_pods(generation, contexts, namespace, selectors)
            }
            Effect::WatchFleetTable { id, contexts, path } => {
                self.stop_table();
                self.watch_fleet_table(id, contexts, path)
            }
            Effect::PollMetrics {
                generation,
                context,
                namespace,
            } => self.poll_metrics(generation, &context, namespace),
            Effect::SendRaw {
                id,
                context,
                request,
            } => self.send_raw(id, &context, request),
            Effect::CancelRaw { id } => {
                if let Some(t) = self.raw_tasks.remove(&id) {
                    t.abort();
                }
            }
            Effect::LoadHistory { context } => {
                if let Some(dir) = self.opts.data_dir.clone() {
                    tokio::spawn(raw::load_history(dir, context, self.tx.clone()));
                }
            }
            Effect::SaveHistory { context, entries } => {
                if let Some(dir) = self.opts.data_dir.clone() {
                    tokio::spawn(raw::save_history(dir, context, entries));
                }
            }
            Effect::Copy { text } => (self.clipboard)(&text),
            Effect::SetTitle { title } => (self.title)(&title),
            Effect::ReplaySeek { at } => {
                if let Some(replay) = &self.opts.replay {
                    replay.seek(at);
                }
            }
            Effect::CheckHealth { contexts } => self.check_health(contexts),
            Effect::StartForward {
                id,
                context,
                namespace,
                pod,
                local,
                remote,
            } => self.start_forward(id, &context, namespace, pod, local, remote),
            Effect::StopForward { id } => self.stop_forward(id),
            Effect::Edit(step) => self.run_edit(step),
            Effect::ExecOnce {
                id,
                context,
                namespace,
                pod,
                container,
                command,
            } => {
                let tx = self.tx.clone();
                match self.client(&context) {
                    Ok(client) => {
                        let run = exec::exec_once(client, namespace, pod, container, command);
                        tokio::spawn(async move {
                            let (lines, outcome) = run.await;
                            let _ = tx.send(Msg::ExecOutput { id, lines, outcome });
                        });
                    }
                    Err(e) => {
                        let outcome = Err(e.to_string());
                        let _ = tx.send(Msg::ExecOutput {
                            id,
                            lines: Vec::new(),
                            outcome,
                        });
                    }
                }
            }
            Effect::Operate { .. }
            | Effect::Drain { .. }
            | Effect::StopDrain { .. }
            | Effect::PulseNodes { .. } => self.run_ops(effect),
            Effect::WatchLogPods { .. }
            | Effect::StreamPodLog { .. }
            | Effect::StopPodLog { .. }
            | Effect::SaveLogs { .. } => self.run_pod_logs(effect),
            other => self.run_work(other),
        }
    }

    fn send_raw(&mut self, id: u64, context: &str, request: crate::msg::RawRequest) {
        self.raw_tasks.retain(|_, t| !t.is_finished());
        match self.client(context) {
            Ok(client) => {
                let task = tokio::spawn(raw::send(client, id, request, self.tx.clone()));
                self.raw_tasks.insert(id, task);
            }
            Err(e) => {
                let _ = self.tx.send(Msg::RawResponse { id, result: Err(e) });
            }
        }
    }

    /// The shared client of `context` (also lent to foreground jobs).
    pub fn client(&self, context: &str) -> Result<Client, Failure> {
        let cache = self.cache.as_ref().ok_or(KubeError::NoConfig)?;
        Ok(cache.api(Some(context), None)?)
    }

    fn connect(&mut self, generation: u64, context: &str) {
        self.abort_context();
        let client = match self.client(context) {
            Ok(c) => c,
            Err(e) => {
                let _ = self.tx.send(Msg::Connected {
                    generation,
                    result: Err(e),
                });
                return;
            }
        };
        let _ = self.tx.send(Msg::Connected {
            generation,
            result: Ok(ConnectionInfo {
                server: client.server().to_string(),
                namespace: client.namespace().to_string(),
                insecure: client.insecure(),
            }),
        });
        let tx = self.tx.clone();
        let interval = self.opts.version_interval;
        let poll = tokio::spawn(health::poll_version(
            client.clone(),
            generation,
            interval,
            tx,
        ));
        let ns = feeds::namespaces(client, generation, &self.opts, self.tx.clone());
        self.context_tasks = vec![poll, ns];
        if let Some(dir) = self.opts.data_dir.clone() {
            let load = raw::load_history(dir, context.to_string(), self.tx.clone());
            self.context_tasks.push(tokio::spawn(load));
        }
    }

    fn watch_pods(
        &mut self,
        generation: u64,
        context: &str,
        namespace: Option<String>,
        selectors: (Option<String>, Option<String>),
    ) {
        self.abort_pods();
        let client = match self.client(context) {
            Ok(c) => c,
            Err(error) => {
                // No client, so nothing will retry: the failure has no retry time.
                let event = Event::Failed {
                    error,
                    retry_at: None,
                };
                let _ = self.tx.send(Msg::Pods { generation, event });
                return;
            }
        };
        let tx = self.tx.clone();
        let ns = namespace.as_deref();
        let task = feeds::pods(client, ns, selectors, generation, &self.opts, tx);
        self.pods_tasks.push(task);
    }

    /// Starts the metrics poll of the pods generation (stopped with the pods stream).
    fn poll_metrics(&mut self, generation: u64, context: &str, namespace: Option<String>) {
        if let Some(t) = self.metrics_task.take() {
            t.abort();
        }
        // Without a client the pods stream has said why already.
        let Ok(client) = self.client(context) else {
            return;
        };
        let interval = self.opts.metrics_interval;
        let poll = metrics::poll(client, namespace, generation, interval, self.tx.clone());
        self.metrics_task = Some(tokio::spawn(poll));
    }

    fn abort_context(&mut self) {
        for t in self.context_tasks.drain(..) {
            t.abort();
        }
        self.stop_table();
    }

    fn abort_pods(&mut self) {
        for t in self.pods_tasks.drain(..) {
            t.abort();
        }
        if let Some(t) = self.metrics_task.take() {
            t.abort();
        }
    }
}
