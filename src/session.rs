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
