//! A running exec or attach: the socket pumped on a task of its own, input in and output out
//! through bounded channels (a slow reader slows the pod, it never grows memory), and the exit
//! status from the error channel at the end.

use bytes::{BufMut, Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::{Socket, channel};
use crate::kube::error::{KubeError, Status};

/// Messages buffered each way.
const QUEUE: usize = 64;

/// What the user sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin(Bytes),
    /// The terminal's new size, in columns and rows.
    Resize {
        width: u16,
        height: u16,
    },
    /// End of input (v5 only; v4 has no way to say it).
    CloseStdin,
}

/// What the pod sends.
#[derive(Debug)]
pub enum Output {
    Stdout(Bytes),
    Stderr(Bytes),
    /// The last message: how the command ended, or why the stream broke off.
    Exit(Result<ExitStatus, KubeError>),
}

/// How a remote command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitStatus {
    /// Its exit code (0 = success).
    Code(i32),
    /// The server's reason when there is no exit code (no such container, no shell…).
    Failed(String),
}

/// The handles on a running session; dropping `input` ends stdin, dropping `output` ends it.
pub struct Session {
    pub input: mpsc::Sender<Input>,
    pub output: mpsc::Receiver<Output>,
}

impl Session {
    /// Pumps `socket` (speaking `protocol`) until the command ends or a side hangs up.
    pub fn start(socket: Socket, protocol: &str) -> Session {
        let (input, input_rx) = mpsc::channel(QUEUE);
        let (output_tx, output) = mpsc::channel(QUEUE);
        let v5 = protocol.starts_with("v5.");
        tokio::spawn(pump(socket, v5, input_rx, output_tx));
        Session { input, output }
    }
}

async fn pump(
    mut socket: Socket,
    v5: bool,
    mut input: mpsc::Receiver<Input>,
    output: mpsc::Sender<Output>,
) {
    let mut status = None;
    let mut input_open = true;
    let ended = loop {
        tokio::select! {
            msg = socket.next() => match msg {
                None | Some(Ok(Message::Close(_))) => break None,
                Some(Err(e)) => break Some(KubeError::Streaming(format!("the connection to the server broke: {e}"))),
                Some(Ok(Message::Binary(data))) => {
                    let out = match data.first() {
                        Some(&channel::STDOUT) => Output::Stdout(data.slice(1..)),
                        Some(&channel::STDERR) => Output::Stderr(data.slice(1..)),
                        Some(&channel::ERROR) => {
                            status = Some(exit_status_of(&data[1..]));
                            continue;
                        }
                        _ => continue,
                    };
                    if output.send(out).await.is_err() {
                        let _ = socket.close(None).await;
                        return;
                    }
                }
                Some(Ok(_)) => {}
            },
            msg = input.recv(), if input_open => {
                let frame = match msg {
                    Some(Input::Stdin(data)) => framed(channel::STDIN, &data),
                    Some(Input::Resize { width, height }) => {
                        let size = format!(r#"{{"Width":{width},"Height":{height}}}"#);
                        framed(channel::RESIZE, size.as_bytes())
                    }
                    Some(Input::CloseStdin) | None => {
                        input_open = false;
                        if !v5 {
                            continue;
                        }
                        framed(channel::CLOSE, &[channel::STDIN])
                    }
                };
                if let Err(e) = socket.send(Message::Binary(frame)).await {
                    break Some(KubeError::Streaming(format!("the connection to the server broke: {e}")));
                }
            }
        }
    };
    let exit = match (status, ended) {
        (Some(status), _) => Ok(status),
        (None, Some(e)) => Err(e),
        (None, None) => Err(KubeError::Streaming(
            "the connection closed before the command's exit status arrived".into(),
        )),
    };
    let _ = output.send(Output::Exit(exit)).await;
}

fn framed(channel: u8, data: &[u8]) -> Bytes {
    let mut frame = BytesMut::with_capacity(data.len() + 1);
    frame.put_u8(channel);
    frame.put_slice(data);
    frame.freeze()
}

/// The exit status in an error-channel message: a `Status`, `Success`, or `Failure` with the
/// code in `details.causes[reason=ExitCode]`.
pub fn exit_status_of(body: &[u8]) -> ExitStatus {
    let Ok(status) = serde_json::from_slice::<Status>(body) else {
        let text = String::from_utf8_lossy(body).trim().to_string();
        return ExitStatus::Failed(text);
    };
    if status.status == "Success" {
        return ExitStatus::Code(0);
    }
    let code = status.details.as_ref().and_then(|d| {
        d.causes
            .iter()
            .find(|c| c.reason == "ExitCode")
            .and_then(|c| c.message.parse().ok())
    });
    match code {
        Some(code) => ExitStatus::Code(code),
        None => ExitStatus::Failed(status.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_read_as_kubectl_reads_them() {
        assert_eq!(
            exit_status_of(br#"{"metadata":{},"status":"Success"}"#),
            ExitStatus::Code(0)
        );
        let failed = br#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#;
        assert_eq!(exit_status_of(failed), ExitStatus::Code(3));
        let refused = br#"{"status":"Failure","message":"container not found (\"x\")","reason":"InternalError"}"#;
        assert_eq!(
            exit_status_of(refused),
            ExitStatus::Failed("container not found (\"x\")".into())
        );
    }
}
