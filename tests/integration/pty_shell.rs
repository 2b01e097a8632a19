//! `s` on a pod: the real binary in a pty against `--demo`. The shell takes the screen, sees
//! typed keys and resizes, and on `exit 3` the pods table comes back with the exit code shown.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// The binary on the quiet built-in demo, in `default`, with `extra` flags, once pods run.
fn on_default(extra: &[&str], cols: u16) -> PtyApp {
    let mut args = vec!["--demo", "--demo-churn", "0", "-n", "default"];
    args.extend_from_slice(extra);
    let app = PtyApp::spawn(&args, cols, 30);
    app.wait_text("Running", WAIT);
    app
}

#[test]
fn a_shell_in_a_pod_and_back_to_the_table() {
    let mut app = on_default(&[], 120);
    app.wait_text("Pods(default)", WAIT);
    app.send("s");
    app.wait_for("the prompt", WAIT, |s| s.contains(":/# $"));
    assert!(
        !app.alternate_screen(),
        "the shell runs on the normal screen"
    );
    app.send("echo shell-ok\r");
    app.wait_for("the echo", WAIT, |s| {
        s.lines().any(|l| l.trim() == "shell-ok")
    });
    app.resize(100, 28);
    // The resize and the next keys travel separately (a signal, then stdin); a person's next
    // key never beats the signal, a test's can.
    std::thread::sleep(Duration::from_millis(300));
    app.send("stty size\r");
    app.wait_text("28 100", WAIT);
    app.send("exit 3\r");
    let screen = app.wait_text("exited with code 3", WAIT);
    assert!(
        screen.contains("Pods(default)"),
        "the table is back:\n{screen}"
    );
    assert!(app.alternate_screen(), "the UI is back on its own screen");
    assert!(
        !screen.contains("shell-ok"),
        "nothing of the session is left:\n{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn readonly_refuses_shell_and_attach_before_sending() {
    let mut app = on_default(&["--readonly"], 120);
    app.send("s");
    app.wait_text("shell refused (it is create on pods/exec)", WAIT);
    app.send("a");
    app.wait_text("attach refused (it is create on pods/attach)", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn rbac_refusing_exec_shows_the_servers_words_and_the_table_stays() {
    // Wide enough for the server's whole message on the status line.
    let mut app = on_default(&["--demo-forbid", "create:pods/exec"], 220);
    app.send("s");
    let screen = app.wait_text(r#"cannot create resource "pods/exec""#, WAIT);
    assert!(screen.contains("forbidden"), "{screen}");
    assert!(app.alternate_screen(), "the UI kept the screen");
    assert!(screen.contains("Pods(default)"), "{screen}");
    // Attach is another subresource: not refused.
    app.send("a");
    app.wait_text("ctrl-p ctrl-q", WAIT);
    app.send("\x10\x11");
    app.wait_text("Pods(default)", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn exec_shows_a_commands_output_and_exit_code_in_a_view() {
    let mut app = on_default(&[], 120);
    app.send(":exec cat /etc/hostname\r");
    let screen = app.wait_text("exited with code 0", WAIT);
    assert!(
        screen.contains("exec"),
        "the breadcrumb names the view:\n{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains("hello-web-") && !l.contains("exited")),
        "the pod's hostname is the output:\n{screen}"
    );
    app.send("\x1b");
    // An escape followed at once by `:` would read as alt-:.
    app.wait_text("Pods(default)", WAIT);
    std::thread::sleep(Duration::from_millis(100));
    app.send(":exec false\r");
    app.wait_text("exited with code 1", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn a_connection_dropped_mid_shell_restores_the_terminal_with_a_message() {
    // The demo cuts every stream (watches too, which the app resumes) 2.5 s after it starts.
    let mut app = on_default(&["--demo-drop-after-ms", "2500"], 120);
    app.send("s");
    app.wait_for("the prompt", WAIT, |s| s.contains(":/# $"));
    app.wait_for("the table and the message", WAIT, |s| {
        s.contains("ended: the connection to the server broke") && s.contains("Pods(default)")
    });
    assert!(app.alternate_screen(), "the UI is back");
    // The screen is back and the very next key is the UI's (it once waited for a second key:
    // crossterm's poller kept a stale wake-up from the dropped input stream).
    app.send("j");
    app.wait_for("the cursor moved", WAIT, |s| {
        !s.contains("ended: the connection")
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
