//! `kr8s-tui exec POD [-c C] [-i] [-t] -- CMD…`: kubectl's shape, through the same client as the
//! UI. Output and the command's exit code pass through, so scripts can use it.

use std::io::Write;
use std::process::ExitCode;

use tokio::io::AsyncReadExt;

use crate::cli::{ExecArgs, GlobalArgs};
use crate::kube::KubeError;
use crate::kube::remote::{
    EXEC_PROTOCOLS, ExecParams, ExitStatus, Input, Output, Session, exec_path,
};
use crate::session::{Ended, run_on_terminal};

pub async fn run(global: &GlobalArgs, args: ExecArgs) -> anyhow::Result<ExitCode> {
    let client = crate::api_cmd::client_for(global)?;
    let params = ExecParams {
        container: args.container.clone(),
        command: args.command.clone(),
        stdin: args.stdin,
        tty: args.tty,
    };
    let path = exec_path(client.namespace(), &args.pod, &params);
    let upgrade = match client.upgrade(&path, &EXEC_PROTOCOLS).await {
        Ok(upgrade) => upgrade,
        Err(e) => return Ok(report(&Err(e))),
    };
    let session = Session::start(upgrade.socket, &upgrade.protocol);
    let exit = if args.tty {
        crossterm::terminal::enable_raw_mode()?;
        let ended = run_on_terminal(session, false).await;
        let _ = crossterm::terminal::disable_raw_mode();
        match ended? {
            Ended::Exited(exit) => exit,
            Ended::Detached => return Ok(ExitCode::SUCCESS),
        }
    } else {
        pipe(session, args.stdin).await
    };
    Ok(report(&exit))
}

/// Copies stdin (with `-i`) to the pod and its stdout and stderr to ours, until it exits.
async fn pipe(mut session: Session, stdin: bool) -> Result<ExitStatus, KubeError> {
    if stdin {
        let input = session.input.clone();
        tokio::spawn(async move {
            let mut stdin = tokio::io::stdin();
            let mut buf = vec![0u8; 32 * 1024];
            while let Ok(n) = stdin.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let chunk = bytes::Bytes::copy_from_slice(&buf[..n]);
                if input.send(Input::Stdin(chunk)).await.is_err() {
                    return;
                }
            }
            let _ = input.send(Input::CloseStdin).await;
        });
    }
    drop(session.input);
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    while let Some(msg) = session.output.recv().await {
        let written = match msg {
            Output::Stdout(b) => out.write_all(&b).and_then(|()| out.flush()),
            Output::Stderr(b) => err.write_all(&b).and_then(|()| err.flush()),
            Output::Exit(exit) => return exit,
        };
        // A reader that stopped early (`| head`) ends the session quietly.
        if written.is_err() {
            return Ok(ExitStatus::Code(0));
        }
    }
    Err(KubeError::Streaming(
        "the session ended without a status".into(),
    ))
}

/// kubectl's words and exit codes: the command's own code, 1 for anything else.
fn report(exit: &Result<ExitStatus, KubeError>) -> ExitCode {
    match exit {
        Ok(ExitStatus::Code(0)) => ExitCode::SUCCESS,
        Ok(ExitStatus::Code(code)) => {
            eprintln!("command terminated with exit code {code}");
            ExitCode::from(u8::try_from(*code).unwrap_or(1))
        }
        Ok(ExitStatus::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(KubeError::Api { status, .. }) => {
            eprintln!("Error from server ({}): {}", status.reason, status.message);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
