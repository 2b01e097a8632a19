//! `:exec`: one command without a terminal, its output kept (capped) for the detail view.

use crate::kube::Client;

/// Most output an `:exec` keeps; the rest is counted and dropped.
const EXEC_CAP: usize = 1 << 20;

/// Runs `command` once in `pod` without a terminal: its output lines (stdout and stderr as
/// they came, capped) and how it ended.
pub(super) async fn exec_once(
    client: Client,
    namespace: String,
    pod: String,
    container: Option<String>,
    command: Vec<String>,
) -> (Vec<String>, Result<String, String>) {
    use crate::kube::remote::{EXEC_PROTOCOLS, ExecParams, ExitStatus, Output, Session, exec_path};
    let params = ExecParams {
        container,
        command,
        stdin: false,
        tty: false,
    };
    let path = exec_path(&namespace, &pod, &params);
    let upgrade = match client.upgrade(&path, &EXEC_PROTOCOLS).await {
        Ok(upgrade) => upgrade,
        Err(e) => return (Vec::new(), Err(e.to_string())),
    };
    let mut session = Session::start(upgrade.socket, &upgrade.protocol);
    drop(session.input);
    let (mut kept, mut dropped) = (Vec::new(), 0usize);
    let exit = loop {
        match session.output.recv().await {
            Some(Output::Stdout(b) | Output::Stderr(b)) => {
                let room = EXEC_CAP.saturating_sub(kept.len()).min(b.len());
                kept.extend_from_slice(&b[..room]);
                dropped += b.len() - room;
            }
            Some(Output::Exit(exit)) => break exit,
            None => {
                break Err(crate::kube::KubeError::Streaming(
                    "the session ended".into(),
                ));
            }
        }
    };
    kept.push(b'\n');
    let mut pending = Vec::new();
    let mut lines = crate::text::split_lines(&mut pending, &kept);
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    if dropped > 0 {
        lines.push(format!("… {dropped} more bytes not kept"));
    }
    let outcome = match exit {
        Ok(ExitStatus::Code(0)) => Ok(format!("{pod}: exited with code 0")),
        Ok(ExitStatus::Code(code)) => Ok(format!("{pod}: exited with code {code}")),
        Ok(ExitStatus::Failed(why)) => Err(format!("{pod}: {why}")),
        Err(e) => Err(format!("{pod}: {e}")),
    };
    (lines, outcome)
}
