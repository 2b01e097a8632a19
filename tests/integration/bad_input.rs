//! Bad input: broken kubeconfigs (tests/fixtures/bad/) and a server that sends garbage —
//! malformed JSON, wrong types, truncated chunked streams, huge bodies, terminal escape
//! sequences and very long names. The app reports, keeps running and never lets the terminal
//! interpret server text.

use crate::common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::garbage::{GarbageServer, chunked, ok_json, pod_json};
use common::harness::Harness;
use common::pty::PtyApp;
use kr8s_tui::kube::kubeconfig::{Kubeconfig, LoadOptions, discover};
use kr8s_tui::kube::{ApiCache, ClientOptions};
use kr8s_tui::state::PodsLoad;
use kr8s_tui::tasks::TaskOptions;

const WAIT: Duration = Duration::from_secs(20);

fn bad(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

#[test]
fn broken_kubeconfig_files_name_the_file_and_the_problem() {
    let empty = Kubeconfig::from_files(&[bad("empty.yaml")]).expect("empty is a valid config");
    assert!(empty.contexts().is_empty());
    for (file, want) in [
        ("not-yaml.yaml", "invalid YAML"),
        // The YAML error gives the position of the bad value (`clusters: 5`).
        ("wrong-types.yaml", "line 3"),
    ] {
        let err = Kubeconfig::from_files(&[bad(file)])
            .expect_err(file)
            .to_string();
        assert!(err.contains(file) && err.contains(want), "{file}: {err}");
        assert!(!err.contains('\u{1b}'), "no raw file bytes echoed: {err:?}");
    }
}

#[test]
fn each_broken_context_fails_alone_naming_the_field() {
    let path = bad("mixed.yaml");
    let source = discover(&LoadOptions {
        kubeconfig: Some(path.clone()),
        ..LoadOptions::default()
    })
    .expect("the file loads");
    let cache = ApiCache::new(source, None, ClientOptions::default());
    assert!(cache.api(Some("good"), None).is_ok(), "good context usable");
    let cases = [
        ("missing-cluster", vec![r#"cluster "nope" does not exist"#]),
        ("missing-user", vec![r#"user "ghost" does not exist"#]),
        (
            "unreadable-ca",
            vec![
                "mixed.yaml",
                r#"clusters["unreadable-ca"].certificate-authority: cannot read"#,
            ],
        ),
        (
            "bad-base64",
            vec![
                "mixed.yaml",
                r#"clusters["bad-base64"].certificate-authority-data: invalid base64"#,
            ],
        ),
        (
            "bad-pem",
            vec![
                "mixed.yaml",
                r#"clusters["bad-pem"].certificate-authority-data: no certificate found in PEM data"#,
            ],
        ),
        ("wrong-type", vec!["mixed.yaml", "server"]),
        (
            "no-server",
            vec![r#"no server found for cluster "no-server""#],
        ),
        (
            "bad-key",
            vec![
                "mixed.yaml",
                r#"users["bad-key"].client-key-data: invalid base64"#,
            ],
        ),
        (
            "bad-key-pem",
            vec![
                "mixed.yaml",
                r#"users["bad-key-pem"].client-certificate-data: no certificate found in PEM data"#,
            ],
        ),
        (
            "not-a-mapping",
            vec!["mixed.yaml", r#"contexts["not-a-mapping"]"#],
        ),
    ];
    for (context, wants) in cases {
        let err = cache
            .api(Some(context), None)
            .expect_err(context)
            .to_string();
        eprintln!("{context}: {err}");
        for want in wants {
            assert!(err.contains(want), "{context}: {err:?} lacks {want:?}");
        }
        assert!(!err.contains("fixture-token-do-not-print"), "{err}");
    }
    assert!(cache.api(Some("good"), None).is_ok(), "still usable after");
}

#[test]
fn a_broken_file_in_kubeconfig_list_is_skipped_and_reported() {
    let list = format!(
        "{}:{}",
        bad("not-yaml.yaml").display(),
        bad("mixed.yaml").display()
    );
    let opts = LoadOptions::default();
    let config = Kubeconfig::load_with(&opts, Some(&list), None)
        .expect("the good file loads")
        .expect("files exist");
    assert!(config.contexts().iter().any(|c| c.name == "good"));
    assert_eq!(config.skipped().len(), 1);
    assert!(config.skipped()[0].contains("not-yaml.yaml: invalid YAML"));
    // Only broken files: the error, as before.
    let only_bad = bad("not-yaml.yaml").display().to_string();
    let err = Kubeconfig::load_with(&opts, Some(&only_bad), None).expect_err("nothing loads");
    assert!(err.to_string().contains("not-yaml.yaml"));
    // Broken and empty: the broken file's error says why nothing loaded.
    let list = format!(
        "{}:{}",
        bad("empty.yaml").display(),
        bad("not-yaml.yaml").display()
    );
    let err = Kubeconfig::load_with(&opts, Some(&list), None).expect_err("nothing defined");
    assert!(
        err.to_string().contains("not-yaml.yaml: invalid YAML"),
        "{err}"
    );
    // An explicit --kubeconfig is still strict.
    let strict = LoadOptions {
        kubeconfig: Some(bad("not-yaml.yaml")),
        ..LoadOptions::default()
    };
    assert!(Kubeconfig::load_with(&strict, None, None).is_err());
}

#[test]
fn an_empty_kubeconfig_is_named_by_the_cli_and_the_ui() {
    let path = bad("empty.yaml");
    let want = format!(
        "kubeconfig {}: the file is empty (no clusters, users or contexts)",
        path.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(&path)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .args(["api", "GET", "--url", "pods"])
        .output()
        .expect("run kr8s-tui api");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end(), format!("error: {want}"));

    let kubeconfig = path.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", kubeconfig], 200, 30);
    let screen = app.wait_text("the file is empty", WAIT);
    assert!(screen.lines().any(|l| l.contains(&want)), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn app_starts_with_broken_contexts_and_the_good_ones_stay_usable() {
    let rt = runtime();
    let demo = rt.block_on(common::demo::start(12));
    let list = format!(
        "{}:{}:{}",
        demo.kubeconfig_path.display(),
        bad("not-yaml.yaml").display(),
        bad("mixed.yaml").display()
    );
    let mut app = PtyApp::spawn_with_env(&[], &[("KUBECONFIG", &list)], 140, 40);
    // A frame can arrive in several reads: wait for the status line too, not the rows alone.
    let reported = |s: &str| s.lines().any(|l| l.contains("✗ kubeconfig:"));
    let screen = app.wait_for("the pods and the status line", WAIT, |s| {
        s.contains("hello-web") && reported(s)
    });
    assert!(
        screen
            .lines()
            .any(|l| l.contains("✗ kubeconfig:") && l.contains("not-yaml.yaml")),
        "the skipped file is reported:\n{screen}"
    );
    // Contexts pane: pick "bad-pem" (sorted: bad-base64, bad-key, bad-key-pem, bad-pem, ...).
    app.send("\t");
    app.send("g");
    for _ in 0..3 {
        app.send("j");
    }
    app.send("\r");
    app.wait_text("ctx bad-pem", WAIT);
    let screen = app.wait_for("the error in the status bar", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("✗") && l.contains("certificate"))
    });
    assert!(!screen.contains("hello-web"), "no stale rows:\n{screen}");
    // The next context is the demo one: everything works again.
    app.send("j\r");
    app.wait_text("ctx demo │", WAIT);
    let screen = app.wait_text("hello-web", WAIT);
    // The status bar's message line (the contexts pane marks the broken contexts `✗` too).
    let status: Vec<&str> = screen.lines().filter(|l| l.starts_with(" ✗")).collect();
    assert!(
        status
            .iter()
            .all(|l| !l.contains("certificate") && l.contains("not-yaml.yaml")),
        "only the skipped-file warning is left:\n{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// A garbage server whose list and watch answers come from `list` and `watch`.
async fn garbage(
    list: impl Fn() -> Vec<u8> + Send + Sync + 'static,
    watch: impl Fn() -> Vec<u8> + Send + Sync + 'static,
) -> GarbageServer {
    GarbageServer::start(Arc::new(move |target: &str| {
        if target.contains("watch=true") {
            watch()
        } else if target.starts_with("/api/v1/namespaces?") || target == "/api/v1/namespaces" {
            ok_json(br#"{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"default"}}]}"#)
        } else if target.starts_with("/version") {
            ok_json(br#"{"gitVersion":"v1.31.0-garbage","platform":"linux/amd64"}"#)
        } else {
            list()
        }
    }))
    .await
}

fn list_of(pods: &[String]) -> Vec<u8> {
    ok_json(
        format!(
            r#"{{"metadata":{{"resourceVersion":"10"}},"items":[{}]}}"#,
            pods.join(",")
        )
        .as_bytes(),
    )
}

/// A watch that never sends anything and ends (the app re-watches).
fn idle_watch() -> Vec<u8> {
    chunked(&[], false)
}

async fn app_on(server: &GarbageServer, dir: &tempfile::TempDir) -> Harness {
    Harness::start(
        &server.kubeconfig(dir.path()),
        "g",
        Some("default"),
        ClientOptions::default(),
        TaskOptions::default(),
    )
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_decode_errors_with_a_retry() {
    let dir = tempfile::tempdir().expect("dir");
    for body in [
        &br#"{"metadata":{"resourceVersion":"1"},"items":[{"metadata":"#[..],
        br#"{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":5}}]}"#,
        br#"{"items":"not a list"}"#,
        b"\xff\xfe not json at all",
    ] {
        let body = body.to_vec();
        let server = garbage(move || ok_json(&body), idle_watch).await;
        let mut app = app_on(&server, &dir).await;
        app.until("a decode error", WAIT, |s| s.pods_error.is_some())
            .await;
        let error = app.pods_error_text();
        assert!(
            error.contains("/api/v1/namespaces/default/pods: cannot decode response"),
            "{error}"
        );
        let retry = app.state.pods_error.as_ref().and_then(|p| p.retry_at);
        assert!(retry.is_some(), "a retry is scheduled: {error}");
        assert_eq!(app.state.pods.len(), 0);
    }
}

#[tokio::test]
async fn truncated_chunked_watch_keeps_complete_events_and_recovers() {
    let dir = tempfile::tempdir().expect("dir");
    let a = pod_json("default", "pod-a", 10);
    let b = pod_json("default", "pod-b", 11);
    let server = garbage(
        move || list_of(std::slice::from_ref(&a)),
        move || {
            let event = format!(r#"{{"type":"ADDED","object":{b}}}"#) + "\n";
            chunked(
                &[
                    event.as_bytes(),
                    br#"{"type":"ADDED","object":{"metadata":{"na"#,
                ],
                true,
            )
        },
    )
    .await;
    let mut app = app_on(&server, &dir).await;
    app.until("pod-b from the truncated watch", WAIT, |s| {
        s.pods.rows().iter().any(|r| r.name == "pod-b")
    })
    .await;
    app.run_for(Duration::from_secs(2), |s| {
        let names: Vec<&str> = s.pods.rows().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["pod-a", "pod-b"], "no half-decoded rows");
    })
    .await;
}

#[tokio::test]
async fn a_50_mb_response_is_handled() {
    let dir = tempfile::tempdir().expect("dir");
    let huge = "x".repeat(50 * 1024 * 1024);
    let pod = format!(
        r#"{{"metadata":{{"name":"big","namespace":"default","resourceVersion":"10","annotations":{{"a":"{huge}"}}}},"spec":{{}},"status":{{}}}}"#
    );
    let body = Arc::new(list_of(&[pod]));
    let server = garbage(move || body.as_ref().clone(), idle_watch).await;
    let mut app = app_on(&server, &dir).await;
    let took = app
        .until("the big pod", Duration::from_secs(60), |s| {
            s.pods.len() == 1
        })
        .await;
    eprintln!("50 MB list shown after {took:?}");
    assert_eq!(app.state.pods_load, PodsLoad::Watching);
}

/// Names that try to drive the terminal: OSC title and clipboard, clear screen, bidi override.
fn hostile_names() -> Vec<String> {
    vec![
        "osc-\u{1b}]0;PWNED-TITLE\u{7}-x".into(),
        "clip-\u{1b}]52;c;cHduZWQ=\u{7}-x".into(),
        "clear-\u{1b}[2J\u{1b}[H-x".into(),
        "bidi-\u{202e}gnp.exe-x".into(),
        "c1-\u{9b}31m-x".into(),
        format!("long-{}", "n".repeat(10_000)),
    ]
}

#[test]
fn escape_sequences_in_server_text_are_never_interpreted() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let server = rt.block_on(async {
        let pods: Vec<String> = hostile_names()
            .iter()
            .enumerate()
            .map(|(i, n)| pod_json("default", n, 10 + i as u32))
            .collect();
        garbage(move || list_of(&pods), idle_watch).await
    });
    let kubeconfig = server.kubeconfig(dir.path());
    let path = kubeconfig.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 140, 30);
    let screen = app.wait_text("osc-?]0;PWNED-TITLE?-x", WAIT);
    assert!(screen.contains("clear-?[2J?[H-x"), "{screen}");
    assert!(screen.contains("bidi-?gnp.exe-x"), "{screen}");
    assert!(screen.contains("long-nnnn"), "{screen}");
    app.send("G");
    std::thread::sleep(Duration::from_millis(500));
    app.send("q");
    assert!(app.wait_exit(WAIT));
    let out = app.output();
    let text = without_window_title(&String::from_utf8_lossy(&out));
    assert!(
        !text.contains("\u{1b}]"),
        "no OSC sequence reached the terminal"
    );
    assert!(!text.contains("PWNED-TITLE\u{7}"));
    assert!(!text.contains('\u{202e}'), "no bidi override");
    assert!(!text.contains('\u{9b}'), "no C1 CSI");
}

#[test]
fn escape_sequences_in_server_errors_reach_neither_the_screen_nor_the_log() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let server = rt.block_on(garbage(
        || {
            let body = b"\x1b]0;PWNED-ERR\x07\x1b[2J upstream exploded";
            let mut out = format!(
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(body);
            out
        },
        idle_watch,
    ));
    let kubeconfig = server.kubeconfig(dir.path());
    let path = kubeconfig.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 140, 30);
    let screen = app.wait_text("upstream exploded", WAIT);
    assert!(
        screen.contains("?]0;PWNED-ERR??[2J upstream exploded"),
        "{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
    let out = without_window_title(&String::from_utf8_lossy(&app.output()));
    assert!(!out.contains("\u{1b}]"), "no OSC reached the terminal");
    let log = std::fs::read(&app.log_file).expect("log");
    let text = String::from_utf8_lossy(&log);
    assert!(text.contains("upstream exploded"), "the error is logged");
    assert!(
        !log.contains(&0x1b),
        "raw ESC in the log file (cat/less -R would run it)"
    );
}

#[test]
fn log_lines_with_escapes_and_invalid_utf8_are_shown_inert() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let pod = pod_json("default", "chatty", 10);
    let server = rt.block_on(GarbageServer::start(Arc::new(move |target: &str| {
        if target.contains("/log") {
            let body: &[u8] =
                b"first \x1b]0;LOGPWN\x07 line\nbad utf8 \xff\xfe here\n\x1b[2J\x1b]52;c;cHduZWQ=\x07cleared\n";
            let mut out = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(body);
            out
        } else if target.contains("watch=true") {
            idle_watch()
        } else if target.starts_with("/version") {
            ok_json(br#"{"gitVersion":"v1.31.0","platform":"linux/amd64"}"#)
        } else if target.starts_with("/api/v1/namespaces?") {
            ok_json(br#"{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"default"}}]}"#)
        } else {
            list_of(std::slice::from_ref(&pod))
        }
    })));
    let kubeconfig = server.kubeconfig(dir.path());
    let path = kubeconfig.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 140, 30);
    app.wait_text("chatty", WAIT);
    app.send("l");
    let screen = app.wait_text("?]0;LOGPWN? line", WAIT);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("bad utf8 ") && l.contains(" here")),
        "{screen}"
    );
    assert!(screen.contains("?[2J?]52;c;cHduZWQ=?cleared"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
    let out = String::from_utf8_lossy(&app.output()).into_owned();
    assert!(out.contains('\u{fffd}'), "invalid UTF-8 drawn as U+FFFD");
    assert!(
        !out.contains("\u{1b}]0;LOGPWN"),
        "no OSC title from a log line"
    );
    assert!(
        !out.contains("\u{1b}]52;c;cHduZWQ="),
        "no clipboard write from a log line"
    );
}

/// `out` without the app's own window-title sequences (`ESC ] 0 ; kr8s-tui... BEL`, built from
/// sanitised names), so tests can check that no other OSC sequence reached the terminal.
fn without_window_title(out: &str) -> String {
    let mut rest = out;
    let mut kept = String::with_capacity(out.len());
    while let Some(start) = rest.find("\u{1b}]0;kr8s-tui") {
        kept.push_str(&rest[..start]);
        let title = &rest[start..];
        match title.find('\u{7}') {
            Some(end) => {
                let inner = &title[..end];
                assert!(
                    !inner[1..].contains(['\u{1b}', '\u{9b}']),
                    "escape inside the window title: {inner:?}"
                );
                rest = &title[end + 1..];
            }
            None => {
                rest = title;
                break;
            }
        }
    }
    kept.push_str(rest);
    kept
}
