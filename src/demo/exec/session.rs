//! One exec or attach session on the server side: a reader task turns channel messages into
//! events; this task runs the shell and writes stdout, then the exit status on the error channel.

use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{Request, missing_binary};
use crate::demo::shell::{Shell, Step, program};
use crate::kube::remote::channel;

use crate::demo::upgrade::Ws;

/// What the client sent.
#[derive(Debug)]
enum In {
    Stdin(Bytes),
    Resize(u16, u16),
    StdinClosed,
    Gone,
}

/// The writing half and how lines end (a terminal wants `\r\n`).
struct Out {
    sink: SplitSink<Ws, Message>,
    newline: &'static str,
}

impl Out {
    async fn write(&mut self, text: &str) -> bool {
        let mut frame = BytesMut::with_capacity(text.len() + 1);
        frame.put_u8(channel::STDOUT);
        frame.put_slice(text.as_bytes());
        self.sink
            .send(Message::Binary(frame.freeze()))
            .await
            .is_ok()
    }

    async fn lines(&mut self, lines: &[String]) -> bool {
        if lines.is_empty() {
            return true;
        }
        let nl = self.newline;
        let text: String = lines.iter().map(|l| format!("{l}{nl}")).collect();
        self.write(&text).await
    }

    /// The error channel's Status: success, or the exit code as the kubelet reports it.
    async fn finish(mut self, code: Result<i32, String>, command: &[String]) {
        let status = match code {
            Ok(0) => serde_json::json!({"metadata": {}, "status": "Success"}),
            Ok(code) => serde_json::json!({
                "metadata": {}, "status": "Failure",
                "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", command.join(" ")),
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
            }),
            Err(message) => serde_json::json!({
                "metadata": {}, "status": "Failure", "message": message, "reason": "InternalError",
            }),
        };
        let mut frame = vec![channel::ERROR];
        frame.extend(serde_json::to_vec(&status).unwrap_or_default());
        let _ = self.sink.send(Message::Binary(frame.into())).await;
        // A normal-closure code: kubectl reads it as the end of every stream (1005, no code,
        // is an error to it).
        let normal = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let _ = self.sink.send(Message::Close(Some(normal))).await;
        let _ = self.sink.close().await;
    }
}

/// Runs the session to its end; `drop_after` (a fault switch) cuts it off without a status.
pub(super) async fn run(
    ws: Ws,
    v5: bool,
    req: Request,
    shell: Shell,
    drop_after: Option<Duration>,
) {
    let (sink, stream) = ws.split();
    let (tx, events) = mpsc::channel(64);
    let reader = tokio::spawn(read(stream, tx, v5));
    let out = Out {
        sink,
        newline: if req.tty { "\r\n" } else { "\n" },
    };
    let work = serve(out, events, req, shell);
    match drop_after {
        // Dropping both halves drops the socket: the client sees the connection break.
        Some(after) => {
            let _ = tokio::time::timeout(after, work).await;
            reader.abort();
        }
        None => work.await,
    }
}

async fn read(mut stream: futures::stream::SplitStream<Ws>, tx: mpsc::Sender<In>, v5: bool) {
    while let Some(Ok(msg)) = stream.next().await {
        let Message::Binary(data) = msg else {
            if matches!(msg, Message::Close(_)) {
                break;
            }
            continue;
        };
        let event = match data.first() {
            Some(&channel::STDIN) => In::Stdin(data.slice(1..)),
            Some(&channel::RESIZE) => match size(&data[1..]) {
                Some((w, h)) => In::Resize(w, h),
                None => continue,
            },
            Some(&channel::CLOSE) if v5 && data.get(1) == Some(&channel::STDIN) => In::StdinClosed,
            _ => continue,
        };
        if tx.send(event).await.is_err() {
            return;
        }
    }
    let _ = tx.send(In::Gone).await;
}

fn size(body: &[u8]) -> Option<(u16, u16)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some((
        u16::try_from(v["Width"].as_u64()?).ok()?,
        u16::try_from(v["Height"].as_u64()?).ok()?,
    ))
}

async fn serve(mut out: Out, mut events: mpsc::Receiver<In>, req: Request, mut shell: Shell) {
    let command = if req.attach {
        vec!["sh".to_string()]
    } else {
        req.command.clone()
    };
    let first = command.first().cloned().unwrap_or_default();
    if let Some(why) = missing_binary(&req.image, &first) {
        return out.finish(Err(why), &command).await;
    }
    let bare_shell = matches!(program(&first), Some("sh" | "bash")) && command.len() == 1;
    let code = if bare_shell && req.tty {
        interactive(&mut out, &mut events, &mut shell).await
    } else if bare_shell && req.stdin {
        script(&mut out, &mut events, &mut shell).await
    } else {
        let mut lines = Vec::new();
        let step = shell.run(&command, &mut lines);
        if !out.lines(&lines).await {
            return;
        }
        finish_step(&mut out, &mut events, &mut shell, step).await
    };
    if let Some(code) = code {
        out.finish(Ok(code), &command).await;
    }
}

/// A step that takes time or input; None when the client went away.
async fn finish_step(
    out: &mut Out,
    events: &mut mpsc::Receiver<In>,
    shell: &mut Shell,
    step: Step,
) -> Option<i32> {
    match step {
        Step::Done(code) | Step::Exit(code) => Some(code),
        Step::Sleep(secs) => {
            let sleep = tokio::time::sleep(Duration::from_secs(secs));
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    () = &mut sleep => return Some(0),
                    ev = events.recv() => match ev {
                        Some(In::Stdin(b)) if b.contains(&3) => return interrupted(out).await,
                        Some(In::Resize(w, h)) => (shell.cols, shell.rows) = (w, h),
                        Some(In::Gone) | None => return None,
                        _ => {}
                    },
                }
            }
        }
        Step::Yes(text) => {
            let chunk: String =
                std::iter::repeat_n(format!("{text}{}", out.newline), 256).collect();
            loop {
                match events.try_recv() {
                    Ok(In::Stdin(b)) if b.contains(&3) => return interrupted(out).await,
                    Ok(In::Gone) | Err(mpsc::error::TryRecvError::Disconnected) => return None,
                    _ => {}
                }
                if !out.write(&chunk).await {
                    return None;
                }
            }
        }
        Step::Cat => loop {
            match events.recv().await {
                Some(In::Stdin(b)) if b.contains(&4) || b.contains(&3) => return Some(0),
                Some(In::Stdin(b)) => {
                    if !out.write(&String::from_utf8_lossy(&b)).await {
                        return None;
                    }
                }
                Some(In::StdinClosed) => return Some(0),
                Some(In::Gone) | None => return None,
                Some(In::Resize(..)) => {}
            }
        },
    }
}

async fn interrupted(out: &mut Out) -> Option<i32> {
    out.write(&format!("^C{}", out.newline))
        .await
        .then_some(130)
}

/// A shell fed by stdin without a terminal (`exec -i POD -- sh`): each line runs.
async fn script(out: &mut Out, events: &mut mpsc::Receiver<In>, shell: &mut Shell) -> Option<i32> {
    let mut pending = String::new();
    loop {
        match events.recv().await {
            Some(In::Stdin(b)) => pending.push_str(&String::from_utf8_lossy(&b)),
            Some(In::StdinClosed) => return Some(shell.last),
            Some(In::Gone) | None => return None,
            Some(In::Resize(..)) => continue,
        }
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            let mut lines = Vec::new();
            let step = shell.run_line(line.trim_end(), &mut lines);
            if !out.lines(&lines).await {
                return None;
            }
            if let Step::Exit(code) = step {
                return Some(code);
            }
            let code = Box::pin(finish_step(out, events, shell, step)).await?;
            shell.last = code;
        }
    }
}

/// A shell on a terminal: a prompt, echo and line editing, Ctrl-C and Ctrl-D as a shell has them.
async fn interactive(
    out: &mut Out,
    events: &mut mpsc::Receiver<In>,
    shell: &mut Shell,
) -> Option<i32> {
    if !out.write(&shell.prompt()).await {
        return None;
    }
    let mut line = String::new();
    loop {
        let bytes = match events.recv().await {
            Some(In::Stdin(b)) => b,
            Some(In::Resize(w, h)) => {
                (shell.cols, shell.rows) = (w, h);
                continue;
            }
            Some(In::StdinClosed) => return Some(shell.last),
            Some(In::Gone) | None => return None,
        };
        for c in String::from_utf8_lossy(&bytes).chars() {
            let echo = match c {
                '\r' | '\n' => {
                    out.write("\r\n").await;
                    let mut lines = Vec::new();
                    let step = shell.run_line(&std::mem::take(&mut line), &mut lines);
                    if !out.lines(&lines).await {
                        return None;
                    }
                    if let Step::Exit(code) = step {
                        return Some(code);
                    }
                    shell.last = Box::pin(finish_step(out, events, shell, step)).await?;
                    shell.prompt()
                }
                '\u{3}' => {
                    line.clear();
                    shell.last = 130;
                    format!("^C\r\n{}", shell.prompt())
                }
                '\u{4}' if line.is_empty() => {
                    out.write("exit\r\n").await;
                    return Some(shell.last);
                }
                '\u{7f}' | '\u{8}' => match line.pop() {
                    Some(_) => "\u{8} \u{8}".to_string(),
                    None => continue,
                },
                c if !c.is_control() => {
                    line.push(c);
                    c.to_string()
                }
                _ => continue,
            };
            if !out.write(&echo).await {
                return None;
            }
        }
    }
}
