//! Exec and attach over WebSocket against the demo server (real TLS): the session protocol
//! through our client, the `kr8s-tui exec` CLI, and kubectl 1.33's own exec as the referee.

use crate::common;
#[path = "exec/credentials.rs"]
mod credentials;

use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use kr8s_tui::demo::{DemoHandle, FaultSettings};
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::remote::{
    EXEC_PROTOCOLS, ExecParams, ExitStatus, Input, Output, Session, exec_path,
};
use kr8s_tui::kube::{ApiCache, Client, ClientOptions, KubeError};

const WAIT: Duration = Duration::from_secs(20);

fn client(demo: &DemoHandle, readonly: bool) -> Client {
    let source = discover(&LoadOptions {
        kubeconfig: Some(demo.kubeconfig_path.clone()),
        ..LoadOptions::default()
    })
    .expect("kubeconfig loads");
    let opts = ClientOptions {
        readonly,
        ..ClientOptions::default()
    };
    ApiCache::new(source, None, opts)
        .api(None, None)
        .expect("client")
}

/// A Running pod of `namespace` with one container, and that container's name.
async fn running_pod(client: &Client, namespace: &str) -> (String, String) {
    let path = format!("/api/v1/namespaces/{namespace}/pods");
    let resp = client
        .get_accept(&path, "application/json")
        .await
        .expect("pods list");
    let list: serde_json::Value = serde_json::from_slice(&resp.body).expect("json");
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| {
            p["status"]["phase"] == "Running"
                && p["spec"]["containers"].as_array().map(Vec::len) == Some(1)
                && p["status"]["containerStatuses"][0]["state"]["running"].is_object()
        })
        .map(|p| {
            let name = p["metadata"]["name"].as_str().unwrap_or_default();
            let container = p["spec"]["containers"][0]["name"]
                .as_str()
                .unwrap_or_default();
            (name.to_string(), container.to_string())
        })
        .expect("a running single-container pod")
}

/// Reads the session's output until `pred` holds on it; the text so far.
async fn read_until(session: &mut Session, seen: &mut String, pred: impl Fn(&str) -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !pred(seen) {
        let out = tokio::time::timeout_at(deadline, session.output.recv())
            .await
            .unwrap_or_else(|_| panic!("timed out; output so far:\n{seen}"));
        match out {
            Some(Output::Stdout(b) | Output::Stderr(b)) => {
                seen.push_str(&String::from_utf8_lossy(&b))
            }
            other => panic!("session ended early: {other:?}\n{seen}"),
        }
    }
}

async fn exit_of(session: &mut Session) -> Result<ExitStatus, KubeError> {
    loop {
        match tokio::time::timeout(WAIT, session.output.recv()).await {
            Ok(Some(Output::Exit(exit))) => return exit,
            Ok(Some(_)) => {}
            Ok(None) => panic!("output closed without an exit"),
            Err(_) => panic!("no exit within {WAIT:?}"),
        }
    }
}

async fn send(session: &Session, text: &str) {
    let input = Input::Stdin(Bytes::copy_from_slice(text.as_bytes()));
    session
        .input
        .send(input)
        .await
        .expect("session takes input");
}

/// Opens `path` (exec or attach) with the best protocol of `EXEC_PROTOCOLS` and starts the session.
async fn session_at(client: &Client, path: &str) -> Session {
    let upgrade = client
        .upgrade(path, &EXEC_PROTOCOLS)
        .await
        .expect("upgrade");
    Session::start(upgrade.socket, &upgrade.protocol)
}

fn tty_shell(container: &str) -> ExecParams {
    ExecParams {
        container: Some(container.to_string()),
        command: vec!["/bin/sh".into()],
        stdin: true,
        tty: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_shell_echoes_sees_resizes_and_reports_its_exit_code() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    for protocols in [&EXEC_PROTOCOLS[..], &EXEC_PROTOCOLS[1..]] {
        let path = exec_path("default", &pod, &tty_shell(&container));
        let upgrade = client.upgrade(&path, protocols).await.expect("upgrade");
        assert_eq!(upgrade.protocol, protocols[0], "the best protocol offered");
        let mut session = Session::start(upgrade.socket, &upgrade.protocol);
        let mut seen = String::new();
        read_until(&mut session, &mut seen, |s| s.ends_with("$ ")).await;
        send(&session, "echo shell-ok\r").await;
        read_until(&mut session, &mut seen, |s| s.contains("\r\nshell-ok\r\n")).await;
        let resize = Input::Resize {
            width: 101,
            height: 33,
        };
        session.input.send(resize).await.expect("resize");
        send(&session, "stty size\r").await;
        read_until(&mut session, &mut seen, |s| s.contains("33 101")).await;
        send(&session, "exit 3\r").await;
        assert_eq!(
            exit_of(&mut session).await.expect("exit"),
            ExitStatus::Code(3)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_the_servers_words_and_readonly_sends_nothing() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    let mut params = tty_shell(&container);
    params.container = Some("nope".into());
    let err = client
        .upgrade(&exec_path("default", &pod, &params), &EXEC_PROTOCOLS)
        .await
        .err()
        .expect("an unknown container is refused");
    assert!(
        err.to_string()
            .contains(&format!("container nope is not valid for pod {pod}")),
        "{err}"
    );
    let err = client
        .upgrade(
            &exec_path("default", "no-such-pod", &tty_shell(&container)),
            &EXEC_PROTOCOLS,
        )
        .await
        .err()
        .expect("a missing pod is refused");
    assert_eq!(err.code(), Some(404), "{err}");

    // --readonly: refused before anything is sent (the request log sees no call).
    let readonly = client_readonly_counting(&demo);
    let err = readonly
        .upgrade(
            &exec_path("default", &pod, &tty_shell(&container)),
            &EXEC_PROTOCOLS,
        )
        .await
        .err()
        .expect("readonly refuses exec");
    assert!(matches!(err, KubeError::ReadOnly(_)), "{err}");
    assert!(
        err.to_string().contains("pods/") && err.to_string().contains("/exec"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_our_websocket_protocols_is_named_with_its_version() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    // As a server from before v4.channel.k8s.io would: only the first channel protocol.
    demo.faults.apply(&FaultSettings {
        streaming_protocols: Some(vec!["channel.k8s.io".into()]),
        ..FaultSettings::default()
    });
    let err = client
        .upgrade(
            &exec_path("default", &pod, &tty_shell(&container)),
            &EXEC_PROTOCOLS,
        )
        .await
        .err()
        .expect("refused");
    let text = err.to_string();
    let version = client.version().await.expect("version").0.git_version;
    assert!(
        text.contains(&format!("the server (Kubernetes {version})")),
        "{text}"
    );
    assert!(
        text.contains("it must accept one of v5.channel.k8s.io, v4.channel.k8s.io"),
        "{text}"
    );
    assert!(
        text.contains("it said: none of the offered subprotocols"),
        "{text}"
    );
}

fn client_readonly_counting(demo: &DemoHandle) -> Client {
    client(demo, true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_ends_the_session_with_a_message_not_a_hang() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    demo.faults.set_drop_after(Some(Duration::from_millis(700)));
    let path = exec_path("default", &pod, &tty_shell(&container));
    let mut session = session_at(&client, &path).await;
    let err = exit_of(&mut session).await.expect_err("the stream broke");
    assert!(
        err.to_string().contains("connection") || err.to_string().contains("exit status"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_shell_fails_with_the_runtimes_words() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    let params = ExecParams {
        command: vec!["/bin/zsh".into()],
        ..tty_shell(&container)
    };
    let mut session = session_at(&client, &exec_path("default", &pod, &params)).await;
    match exit_of(&mut session).await {
        Ok(ExitStatus::Failed(why)) => {
            assert!(
                why.contains("stat /bin/zsh: no such file or directory"),
                "{why}"
            )
        }
        other => panic!("expected a runtime failure, got {other:?}"),
    }
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_exec_and_our_cli_agree_on_output_and_exit_codes() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, _) = running_pod(&client, "default").await;
    let kubeconfig = demo.kubeconfig_path.clone();
    let ours = env!("CARGO_BIN_EXE_kr8s-tui");
    tokio::task::spawn_blocking(move || {
        let run = |program: &str, args: &[&str]| {
            let out = Command::new(program)
                .arg("--kubeconfig")
                .arg(&kubeconfig)
                .args(args)
                .output()
                .expect("runs");
            (
                String::from_utf8_lossy(&out.stdout).to_string(),
                String::from_utf8_lossy(&out.stderr).to_string(),
                out.status.code(),
            )
        };
        let mut programs = vec![ours];
        if kubectl_available() {
            programs.push("kubectl");
        } else {
            println!("kubectl not found: checking our CLI only");
        }
        for program in programs {
            let (out, _, code) = run(
                program,
                &["exec", "-n", "default", &pod, "--", "echo", "hello"],
            );
            assert_eq!((out.as_str(), code), ("hello\n", Some(0)), "{program}");
            let args = [
                "exec",
                "-n",
                "default",
                &pod,
                "--",
                "sh",
                "-c",
                "echo out; exit 3",
            ];
            let (out, err, code) = run(program, &args);
            assert_eq!((out.as_str(), code), ("out\n", Some(3)), "{program}: {err}");
            assert!(
                err.contains("command terminated with exit code 3"),
                "{program}: {err}"
            );
            let (_, err, code) = run(
                program,
                &["exec", "-n", "default", "no-such-pod", "--", "ls"],
            );
            assert_eq!(code, Some(1), "{program}");
            assert!(
                err.contains("pods \"no-such-pod\" not found"),
                "{program}: {err}"
            );
        }
        let (_, err, code) = run(
            ours,
            &["--readonly", "exec", "-n", "default", &pod, "--", "ls"],
        );
        assert_eq!(code, Some(1));
        assert!(err.contains("--readonly"), "{err}");
    })
    .await
    .expect("exec thread");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_reaches_the_containers_main_process() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    let params = ExecParams {
        command: Vec::new(),
        ..tty_shell(&container)
    };
    let path = kr8s_tui::kube::remote::attach_path("default", &pod, &params);
    let mut session = session_at(&client, &path).await;
    let mut seen = String::new();
    // The demo container's main process is its shell.
    read_until(&mut session, &mut seen, |s| s.ends_with("$ ")).await;
    send(&session, "echo attached\r").await;
    read_until(&mut session, &mut seen, |s| s.contains("\r\nattached\r\n")).await;
    session
        .input
        .send(Input::CloseStdin)
        .await
        .expect("close stdin");
    let exit = exit_of(&mut session).await;
    assert!(exit.is_ok(), "closing stdin ends the attach: {exit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resize_storm_ends_at_the_last_size_and_a_printing_shell_stays_bounded() {
    let demo = common::demo::quiet().await;
    let client = client(&demo, false);
    let (pod, container) = running_pod(&client, "default").await;
    let path = exec_path("default", &pod, &tty_shell(&container));
    let mut session = session_at(&client, &path).await;
    let mut seen = String::new();
    read_until(&mut session, &mut seen, |s| s.ends_with("$ ")).await;
    // 500 resizes as fast as a window manager could send them; the last one wins.
    for i in 0..500u16 {
        let resize = Input::Resize {
            width: 40 + i % 200,
            height: 10 + i % 50,
        };
        session.input.send(resize).await.expect("resize");
    }
    let last = Input::Resize {
        width: 132,
        height: 43,
    };
    session.input.send(last).await.expect("resize");
    send(&session, "stty size\r").await;
    read_until(&mut session, &mut seen, |s| s.contains("43 132")).await;

    // `yes` prints as fast as the pod can: the session holds a bounded queue, so reading
    // slowly for a while costs no memory; ^C stops it and the shell answers again.
    send(&session, "yes kr8s\r").await;
    let mut printed = 0usize;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        if let Some(Output::Stdout(b)) = session.output.recv().await {
            printed += b.len();
        }
    }
    assert!(printed > 1 << 20, "only {printed} bytes printed");
    send(&session, "\u{3}").await;
    // Drain what was already on its way, up to the interrupt.
    loop {
        match tokio::time::timeout(WAIT, session.output.recv()).await {
            Ok(Some(Output::Stdout(b))) if String::from_utf8_lossy(&b).contains("^C") => break,
            Ok(Some(_)) => {}
            other => panic!("no ^C echoed: {other:?}"),
        }
    }
    let mut tail = String::new();
    read_until(&mut session, &mut tail, |s| s.ends_with("$ ")).await;
    send(&session, "exit 0\r").await;
    assert_eq!(
        exit_of(&mut session).await.expect("exit"),
        ExitStatus::Code(0)
    );
}
