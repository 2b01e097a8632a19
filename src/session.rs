//! A remote terminal session in the foreground (a shell, an attach, `exec -t`): the local
//! terminal's keys go to the pod and the pod's output to the terminal, untouched, with resizes
//! forwarded. Input is read only while the session runs (a poll-and-read thread that stops at
//! once), so no key typed afterwards is lost to it.

use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::kube::KubeError;
use crate::kube::remote::{ExitStatus, Input, Output, Session};

/// How long the input thread waits before checking whether to stop.
const POLL: Duration = Duration::from_millis(50);

/// Reads the terminal until stopped; dropping it stops the thread within [`POLL`].
pub struct TerminalInput {
    pub bytes: mpsc::Receiver<Bytes>,
    stop: Arc<AtomicBool>,
}

impl Drop for TerminalInput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts reading the controlling terminal (stdin when it is one, else /dev/tty).
pub fn terminal_input() -> std::io::Result<TerminalInput> {
    // SAFETY: isatty only inspects the descriptor.
    let tty = if unsafe { libc::isatty(0) } == 1 {
        None
    } else {
        Some(std::fs::File::open("/dev/tty")?)
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, bytes) = mpsc::channel(64);
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            let fd = tty.as_ref().map_or(0, AsRawFd::as_raw_fd);
            read_until_stopped(fd, &flag, &tx);
            drop(tty);
        })?;
    Ok(TerminalInput { bytes, stop })
}

fn read_until_stopped(fd: RawFd, stop: &AtomicBool, tx: &mpsc::Sender<Bytes>) {
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let timeout = i32::try_from(POLL.as_millis()).unwrap_or(50);
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if ready <= 0 || stop.load(Ordering::Relaxed) {
            continue;
        }
        // SAFETY: reads at most buf.len() bytes into buf.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let Ok(n) = usize::try_from(n) else {
            return;
        };
        if n == 0 || tx.blocking_send(Bytes::copy_from_slice(&buf[..n])).is_err() {
            return;
        }
    }
}

/// A key that ends an attach without ending the process in the pod (ctrl-p ctrl-q, as docker
/// and kubectl attach have it).
const DETACH: &[u8] = b"\x10\x11";

/// How a foreground session ended.
#[derive(Debug)]
pub enum Ended {
    Exited(Result<ExitStatus, KubeError>),
    Detached,
}

/// Runs `session` on this terminal (already in raw mode) until it ends; with `detach`, the
/// detach keys end it locally.
pub async fn run_on_terminal(mut session: Session, detach: bool) -> std::io::Result<Ended> {
    let mut input = terminal_input()?;
    let mut winch = signal(SignalKind::window_change())?;
    let _ = session.input.send(resize()).await;
    let mut stdout = std::io::stdout();
    let mut pending: Vec<u8> = Vec::new();
    loop {
        tokio::select! {
            out = session.output.recv() => match out {
                Some(Output::Stdout(b) | Output::Stderr(b)) => {
                    stdout.write_all(&b)?;
                    stdout.flush()?;
                }
                Some(Output::Exit(exit)) => return Ok(Ended::Exited(exit)),
                None => return Ok(Ended::Exited(Err(KubeError::Streaming("the session ended".into())))),
            },
            bytes = input.bytes.recv() => {
                let Some(bytes) = bytes else {
                    let _ = session.input.send(Input::CloseStdin).await;
                    continue;
                };
                if detach {
                    pending.extend_from_slice(&bytes);
                    if pending.windows(DETACH.len()).any(|w| w == DETACH) {
                        return Ok(Ended::Detached);
                    }
                    let keep = pending.len().saturating_sub(DETACH.len() - 1);
                    pending.drain(..keep);
                }
                if session.input.send(Input::Stdin(bytes)).await.is_err() {
                    continue;
                }
            },
            _ = winch.recv() => {
                let _ = session.input.send(resize()).await;
            }
        }
    }
}

fn resize() -> Input {
    let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
    Input::Resize { width, height }
}

/// A shell (`shells` tried in order until the image has one) or an attach in a pod, on this
/// terminal; the words for the status bar after it, an error text when it failed.
pub async fn shell_in_pod(
    client: &crate::kube::Client,
    namespace: &str,
    pod: &str,
    container: Option<String>,
    attach: bool,
    shells: &[String],
) -> Result<String, String> {
    use crate::kube::remote::{EXEC_PROTOCOLS, ExecParams, attach_path, exec_path};
    let container = match container {
        Some(c) => c,
        None => default_container(client, namespace, pod).await?,
    };
    let what = format!("{namespace}/{pod} ({container})");
    let mut stdout = std::io::stdout();
    let tried: Vec<String> = if attach {
        vec![String::new()]
    } else {
        shells.to_vec()
    };
    for command in &tried {
        let params = ExecParams {
            container: Some(container.clone()),
            command: vec![command.clone()],
            stdin: true,
            tty: true,
        };
        let path = if attach {
            attach_path(namespace, pod, &params)
        } else {
            exec_path(namespace, pod, &params)
        };
        let banner = if attach {
            format!("kr8s-tui: attached to {what}; ctrl-p ctrl-q detaches\r\n")
        } else {
            format!("kr8s-tui: {command} in {what}; exit to return\r\n")
        };
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
        let upgrade = client
            .upgrade(&path, &EXEC_PROTOCOLS)
            .await
            .map_err(|e| format!("{} in {what}: {e}", if attach { "attach" } else { "shell" }))?;
        let session = Session::start(upgrade.socket, &upgrade.protocol);
        let ended = run_on_terminal(session, attach)
            .await
            .map_err(|e| format!("terminal: {e}"))?;
        let exit = match ended {
            Ended::Detached => return Ok(format!("detached from {what}")),
            Ended::Exited(exit) => exit,
        };
        match exit {
            Ok(ExitStatus::Code(0)) => return Ok(format!("shell in {what} exited")),
            Ok(ExitStatus::Code(code)) => {
                return Ok(format!("shell in {what} exited with code {code}"));
            }
            // The image lacks this shell: try the next one.
            Ok(ExitStatus::Failed(why)) if missing(&why) => continue,
            Ok(ExitStatus::Failed(why)) => return Err(format!("shell in {what}: {why}")),
            Err(e) => return Err(format!("shell in {what} ended: {e}")),
        }
    }
    Err(format!(
        "no shell in {what}: tried {} (set `shells` in the config file)",
        tried.join(", ")
    ))
}

fn missing(why: &str) -> bool {
    why.contains("no such file or directory") || why.contains("executable file not found")
}

/// The container kubectl would pick: the `kubectl.kubernetes.io/default-container` annotation,
/// else the first one.
async fn default_container(
    client: &crate::kube::Client,
    namespace: &str,
    pod: &str,
) -> Result<String, String> {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}");
    let resp = client
        .get_accept(&path, crate::kube::wire::JSON)
        .await
        .map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_slice(&resp.body).map_err(|e| format!("pod {pod}: {e}"))?;
    let annotated = value["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
        .as_str()
        .map(str::to_string);
    let first = value["spec"]["containers"][0]["name"]
        .as_str()
        .map(str::to_string);
    annotated
        .or(first)
        .ok_or_else(|| format!("pod {pod} has no containers"))
}
