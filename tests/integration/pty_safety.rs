//! The real binary in a pty: panics restore the terminal, insecure TLS is flagged, a slow server
//! never freezes the keyboard, odd terminal sizes do not crash, and nothing the app writes (screen
//! or log) contains the bearer token.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(20);

/// A runtime that keeps an in-process demo server serving while the test thread blocks on the pty.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The selected row of the focused pane (drawn with thick `┃` borders).
fn selected_line(screen: &str) -> Option<String> {
    screen
        .lines()
        .filter_map(|l| l.split('┃').nth(1))
        .find(|pane| pane.contains('▶'))
        .map(str::to_string)
}

#[test]
fn panic_in_a_background_task_restores_the_terminal_and_names_the_log() {
    let mut app = PtyApp::spawn_with_env(
        &["--demo", "--demo-churn", "0"],
        &[("KR8S_TUI_TEST_PANIC", "1500")],
        100,
        30,
    );
    app.wait_text("Running", WAIT);
    assert!(app.alternate_screen());
    let code = app.wait_exit_code(WAIT);
    assert_eq!(code, 101, "non-zero exit after a panic");
    assert!(!app.alternate_screen(), "back on the main screen");
    let out = String::from_utf8_lossy(&app.output()).into_owned();
    let log = app.log_file.display().to_string();
    assert!(
        out.contains(&format!("kr8s-tui crashed; details are in {log}")),
        "message with the log path:\n{}",
        app.screen()
    );
    // Raw mode is off again: the restore sequence came after the last UI frame.
    let restore_at = out
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let last_frame = out.rfind("\u{1b}[?1049h").unwrap_or(0);
    assert!(restore_at > last_frame);
    let logged = std::fs::read_to_string(&app.log_file).expect("log file");
    assert!(logged.contains("PANIC"), "panic logged:\n{logged}");
    assert!(logged.contains("test-only panic in a background task"));
}

/// The demo server's kubeconfig rewritten to skip TLS verification (no CA).
fn insecure_kubeconfig(demo_kubeconfig: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(demo_kubeconfig).expect("demo kubeconfig");
    let text: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("certificate-authority-data:") {
                "    insecure-skip-tls-verify: true".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join("insecure.yaml");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

#[test]
fn insecure_skip_tls_verify_is_a_warning_in_the_status_bar() {
    let rt = runtime();
    let demo = rt.block_on(common::demo::start(12));
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = insecure_kubeconfig(&demo.kubeconfig_path, dir.path());
    let path = kubeconfig.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 140, 30);
    app.wait_text("INSECURE TLS", WAIT);
    // It still works (over the unverified connection), and the warning stays.
    let screen = app.wait_text("hello-web", WAIT);
    assert!(screen.contains("INSECURE TLS"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));

    // And the verified demo context does not carry the warning.
    let path = demo.kubeconfig_path.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 140, 30);
    let screen = app.wait_text("hello-web", WAIT);
    assert!(!screen.contains("INSECURE"), "{screen}");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn slow_server_keeps_the_keyboard_responsive() {
    let mut app = PtyApp::spawn(
        &["--demo", "--demo-churn", "0", "--demo-latency-ms", "8000"],
        120,
        30,
    );
    let t0 = Instant::now();
    let screen = app.wait_text("loading", WAIT);
    eprintln!("loading shown after {:?}", t0.elapsed());
    assert!(!screen.contains("Running"), "nothing loaded yet:\n{screen}");
    // The spinner turns while the server is slow.
    std::thread::sleep(Duration::from_millis(1100));
    let later = app.screen();
    assert!(later.contains("loading"), "{later}");
    assert_ne!(screen, later, "spinner/clock moved");
    // Focus the contexts pane and move: each key shows within half a second.
    app.send("\t");
    let before = app.wait_for("the contexts pane focused", WAIT, |s| {
        selected_line(s).is_some_and(|l| l.contains("demo"))
    });
    let before = selected_line(&before).unwrap_or_default();
    let sent = Instant::now();
    app.send("j");
    let moved = app.wait_for("the cursor to move", Duration::from_secs(2), |s| {
        selected_line(s).is_some_and(|l| l != before)
    });
    let took = sent.elapsed();
    eprintln!("key to screen with an 8 s server: {took:?}");
    assert!(took < Duration::from_millis(500), "{took:?}");
    assert!(
        moved.contains("loading"),
        "still waiting on the server:\n{moved}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT), "quits promptly while requests hang");
}

#[test]
fn tiny_and_huge_terminals_do_not_crash() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0"], 100, 30);
    app.wait_text("Running", WAIT);
    for (cols, rows) in [(20, 5), (1, 1), (400, 120), (20, 5), (80, 24)] {
        app.resize(cols, rows);
        std::thread::sleep(Duration::from_millis(300));
        assert!(app.running(), "crashed at {cols}x{rows}:\n{}", app.screen());
    }
    app.send("j");
    app.wait_text("Running", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn the_token_never_reaches_the_screen_or_the_log() {
    let rt = runtime();
    let demo = rt.block_on(common::demo::start(20));
    let path = demo.kubeconfig_path.to_str().expect("utf-8 path");
    // Errors too: a bad request path and 500s get logged.
    demo.faults.set_error_rate(0.3);
    let mut app = PtyApp::spawn(
        &["--kubeconfig", path, "--log-level", "trace", "-A"],
        140,
        30,
    );
    app.wait_text("hello-web", WAIT);
    app.send("?");
    app.wait_text("Move down", WAIT);
    app.send("\x1b");
    app.wait_for("help to close", WAIT, |s| !s.contains("Move down"));
    app.send("\t");
    app.send("g");
    for _ in 0..5 {
        if selected_line(&app.screen()).is_some_and(|l| l.contains("demo-kube-system")) {
            break;
        }
        app.send("j");
        std::thread::sleep(Duration::from_millis(150));
    }
    app.send("\r");
    app.wait_text("ctx demo-kube-system", WAIT);
    std::thread::sleep(Duration::from_secs(2));
    app.send("q");
    assert!(app.wait_exit(WAIT));
    let token = demo.token.as_bytes();
    let out = app.output();
    assert!(!out.is_empty());
    assert!(
        !out.windows(token.len()).any(|w| w == token),
        "token on the terminal"
    );
    let log = std::fs::read(&app.log_file).expect("log file");
    assert!(log.len() > 1000, "trace logging wrote something");
    assert!(
        !log.windows(token.len()).any(|w| w == token),
        "token in the log file"
    );
    // A prefix of the token is not there either (no partially redacted copies).
    let prefix = &token[..12];
    assert!(!log.windows(prefix.len()).any(|w| w == prefix));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&app.log_file), 0o600, "log file is private");
        assert_eq!(
            mode(&demo.kubeconfig_path),
            0o600,
            "demo kubeconfig is private"
        );
    }
}

/// Every small size (and a huge one) renders every screen without panicking, on TestBackend.
#[test]
fn rendering_survives_any_terminal_size() {
    use kr8s_tui::kube::kubeconfig::ContextInfo;
    use kr8s_tui::kube::table::PodRow;
    use kr8s_tui::msg::Msg;
    use kr8s_tui::state::{StartOptions, State, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let mut state = State::new(StartOptions {
        readonly: true,
        ..StartOptions::default()
    });
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ContextInfo {
                name: "ctx-\u{1b}[2J".repeat(20),
                cluster: "c".into(),
                user: "u".into(),
                namespace: None,
            }],
            selected: Some("ctx-\u{1b}[2J".repeat(20)),
            fleet: Vec::new(),
            namespace: Some("default".into()),
            error: Some("kubeconfig /x.yaml: users[\"u\"].token: broken".into()),
        },
    );
    let rows = (0..50)
        .map(|i| PodRow {
            namespace: "default".into(),
            name: format!("pod-{i}-{}", "ü漢".repeat(i * 10)),
            ready: "1/1".into(),
            status: "Running".into(),
            ..PodRow::default()
        })
        .collect();
    let generation = state.pods_gen;
    update(&mut state, Msg::pods_page(generation, rows, true, false));
    let mut help = state.clone();
    help.help_open = true;
    let mut fatal = state.clone();
    fatal.fatal = Some("no kubeconfig ".repeat(30));
    let mut sizes: Vec<(u16, u16)> = (0..=30)
        .flat_map(|w| (0..=8).map(move |h| (w, h)))
        .collect();
    sizes.extend([(400, 120), (1000, 3), (3, 300)]);
    for s in [&state, &help, &fatal] {
        for &(w, h) in &sizes {
            let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
            term.draw(|f| kr8s_tui::ui::render(f, s))
                .unwrap_or_else(|e| panic!("{w}x{h}: {e}"));
            if w > 0 && h > 0 {
                let text = term.backend().to_string();
                assert!(!text.contains('\u{1b}'), "{w}x{h}: raw escape drawn");
            }
        }
    }
}

/// The demo server's cluster with users whose exec plugin fails or hangs.
fn exec_kubeconfig(demo: &kr8s_tui::demo::DemoHandle, dir: &Path) -> PathBuf {
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exec/plugin.sh");
    let text = std::fs::read_to_string(&demo.kubeconfig_path).expect("demo kubeconfig");
    let ca = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("certificate-authority-data: "))
        .expect("CA data")
        .to_string();
    let user = |name: &str, mode: &str| {
        format!(
            "- name: {name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n      env:\n      - name: FIXTURE_MODE\n        value: {mode}\n      - name: FIXTURE_TOKEN\n        value: exec-stdout-secret-4711\n",
            plugin.display()
        )
    };
    let context = |name: &str| {
        format!(
            "- name: {name}\n  context:\n    cluster: demo\n    user: {name}\n    namespace: default\n"
        )
    };
    let config = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: exec-fail\nclusters:\n- name: demo\n  cluster:\n    server: {}\n    certificate-authority-data: {ca}\nusers:\n{}{}contexts:\n{}{}",
        demo.base_url(),
        user("exec-fail", "fail"),
        user("exec-hang", "hang"),
        context("exec-fail"),
        context("exec-hang"),
    );
    let path = dir.join("exec.yaml");
    std::fs::write(&path, config).expect("write kubeconfig");
    path
}

#[test]
fn failing_or_hanging_exec_plugins_are_errors_in_the_ui_not_on_the_screen() {
    let rt = runtime();
    let demo = rt.block_on(common::demo::start(5));
    let dir = tempfile::tempdir().expect("dir");
    let kubeconfig = exec_kubeconfig(&demo, dir.path());
    let path = kubeconfig.to_str().expect("utf-8 path");
    let mut app = PtyApp::spawn(&["--kubeconfig", path], 160, 30);
    // Failing plugin: its last stderr line explains, in the status bar.
    let screen = app.wait_for("the exec error", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("✗") && l.contains("exec plugin") && l.contains("exit code 3"))
    });
    assert!(screen.contains("session expired, run login"), "{screen}");
    // Hanging plugin: the UI keeps answering keys and quits at once.
    app.send("\t");
    app.send("j\r");
    app.wait_text("ctx exec-hang", WAIT);
    let screen = app.wait_text("loading", WAIT);
    assert!(
        !screen.contains("exit code 3"),
        "old context's error gone:\n{screen}"
    );
    app.send("k");
    app.wait_for("the cursor to move", Duration::from_secs(2), |s| {
        selected_line(s).is_some_and(|l| l.contains("exec-fail"))
    });
    let quit = Instant::now();
    app.send("q");
    assert!(app.wait_exit(WAIT));
    assert!(
        quit.elapsed() < Duration::from_secs(3),
        "{:?}",
        quit.elapsed()
    );
    // Nothing the plugin wrote was drawn raw: not its stdout (the token) nor other stderr lines.
    let out = String::from_utf8_lossy(&app.output()).into_owned();
    assert!(
        !out.contains("exec-stdout-secret-4711"),
        "plugin stdout on screen"
    );
    assert!(
        !out.contains("refreshing credentials..."),
        "plugin stderr on screen"
    );
    let log = std::fs::read_to_string(&app.log_file).expect("log");
    assert!(
        !log.contains("exec-stdout-secret-4711"),
        "plugin stdout in the log"
    );
}
