//! Workload logs on the runtime side: the pods watch of the open view, one task per followed
//! container (started and stopped one by one as state decides), and saving a log buffer.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::task::JoinHandle;

use super::work::follow_logs;
use super::{Tasks, feeds};
use crate::kube::Failure;
use crate::msg::logs::{LogSource, WorkloadLogEvent};
use crate::msg::{Effect, Msg};

/// The tasks of the open workload logs view.
#[derive(Default)]
pub(super) struct WorkloadTasks {
    watch: Option<JoinHandle<()>>,
    streams: HashMap<LogSource, JoinHandle<()>>,
}

impl Tasks {
    /// Starts one of the workload-logs effects (or saves a buffer).
    pub(super) fn run_pod_logs(&mut self, effect: Effect) {
        match effect {
            Effect::WatchLogPods {
                id,
                context,
                namespace,
                label_selector,
            } => {
                self.stop_workload_logs();
                let watch = match self.client(&context) {
                    Ok(client) => {
                        let tx = self.tx.clone();
                        feeds::log_pods(client, &namespace, label_selector, id, &self.opts, tx)
                    }
                    Err(error) => {
                        let event = crate::kube::watcher::Event::Failed {
                            error,
                            retry_at: None,
                        };
                        let event = WorkloadLogEvent::Pods(event);
                        let _ = self.tx.send(Msg::WorkloadLogs { id, event });
                        return;
                    }
                };
                self.workload_logs.watch = Some(watch);
            }
            Effect::StreamPodLog {
                id,
                context,
                source,
                request,
            } => {
                let key = source.clone();
                let task = self.spawn_with(&context, move |client, tx| async move {
                    let send = |lines| {
                        let source = source.clone();
                        let event = WorkloadLogEvent::Lines { source, lines };
                        tx.send(Msg::WorkloadLogs { id, event }).is_ok()
                    };
                    let error = follow_logs(&client, &request, send).await.err();
                    let error = error.map(Failure::from);
                    let event = WorkloadLogEvent::Ended { source, error };
                    let _ = tx.send(Msg::WorkloadLogs { id, event });
                });
                let streams = &mut self.workload_logs.streams;
                streams.retain(|_, t| !t.is_finished());
                if let Some(old) = task.and_then(|t| streams.insert(key, t)) {
                    old.abort();
                }
            }
            Effect::StopPodLog { source } => {
                if let Some(t) = self.workload_logs.streams.remove(&source) {
                    t.abort();
                }
            }
            Effect::SaveLogs { name, lines } => {
                let dir = self.opts.logs_dir.clone();
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = match dir {
                        Some(dir) => save(&dir, &name, &lines, jiff::Timestamp::now()),
                        None => Err("no state directory to save logs in".into()),
                    };
                    let _ = tx.send(Msg::LogsSaved(result));
                });
            }
            _ => {}
        }
    }

    /// Aborts the pods watch and every stream of workload logs.
    pub(super) fn stop_workload_logs(&mut self) {
        if let Some(t) = self.workload_logs.watch.take() {
            t.abort();
        }
        for (_, t) in self.workload_logs.streams.drain() {
            t.abort();
        }
    }
}

/// Writes `lines` to `dir/NAME-TIME.log` (dir 0700, file 0600, never over an existing file:
/// a second save in the same second gets `-2`, …); the path written, or why not.
pub fn save(
    dir: &Path,
    name: &str,
    lines: &[String],
    now: jiff::Timestamp,
) -> Result<String, String> {
    let mut path = log_file_path(dir, name, now, 1);
    let mut result = write_private(dir, &path, lines);
    for n in 2..100 {
        match &result {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                path = log_file_path(dir, name, now, n);
                result = write_private(dir, &path, lines);
            }
            _ => break,
        }
    }
    result.map_err(|e| format!("could not save logs to {}: {e}", path.display()))?;
    tracing::info!(path = %path.display(), lines = lines.len(), "logs saved");
    Ok(path.display().to_string())
}

/// `dir/deployment-default-hello-web-20261207T180102Z.log` (`…Z-2.log` for the second one):
/// the name kept to safe characters.
fn log_file_path(dir: &Path, name: &str, now: jiff::Timestamp, n: u32) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stamp = now.strftime("%Y%m%dT%H%M%SZ");
    let suffix = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    dir.join(format!("{safe}-{stamp}{suffix}.log"))
}

fn write_private(dir: &Path, path: &Path, lines: &[String]) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        builder.mode(0o700);
        options.mode(0o600);
    }
    builder.create(dir)?;
    let mut file = std::io::BufWriter::new(options.open(path)?);
    for line in lines {
        file.write_all(line.as_bytes())?;
        file.write_all(b"\n")?;
    }
    file.into_inner().map_err(|e| e.into_error())?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_logs_are_private_and_hold_the_lines() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("state").join("logs");
        let now: jiff::Timestamp = "2026-12-07T18:01:02Z".parse().expect("time");
        let lines = vec!["web-1 app │ one".to_string(), "+ web-2 joined".to_string()];
        let path = save(&dir, "deployment-default/hello web", &lines, now).expect("saved");
        assert!(
            path.ends_with("deployment-default-hello-web-20261207T180102Z.log"),
            "{path}"
        );
        let text = std::fs::read_to_string(&path).expect("read back");
        assert_eq!(text, "web-1 app │ one\n+ web-2 joined\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(Path::new(&path)), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        // The same second again never overwrites the first file.
        let again = save(&dir, "deployment-default/hello web", &[], now).expect("saved");
        assert!(again.ends_with("Z-2.log"), "{again}");
        assert_eq!(std::fs::read_to_string(&path).expect("first file"), text);
    }
}
