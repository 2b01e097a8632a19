//! `F` in the real binary against `--demo`: the containers view is the picker, `F` there fills
//! `:pf LOCAL:REMOTE`, Enter starts the forward, `:pf` lists it with its counts, an HTTP GET
//! through it reaches the pod, and ctrl-d stops it. A taken local port is named with the one
//! used instead, and a forward whose pod is deleted ends with a message.

use crate::common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// The local port in the `:pf` list's first row (`127.0.0.1:PORT`).
fn listed_port(screen: &str) -> Option<u16> {
    let at = screen.find("127.0.0.1:")? + "127.0.0.1:".len();
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn a_forward_from_the_ui_reaches_the_pod_and_stops() {
    let mut app = PtyApp::spawn(&["--demo", "--demo-churn", "0", "-n", "default"], 140, 40);
    app.wait_text("Running", WAIT);
    app.send("F");
    app.wait_text("port-forward: pick a container, then F", WAIT);
    app.wait_text("8080/TCP", WAIT);
    app.send("F");
    app.wait_text(":pf 8080:8080", WAIT);
    // Any free local port, edited as a shell line: ctrl-u clears it.
    app.send("\x15pf :8080\r");
    app.wait_text("forwarding to", WAIT);
    app.send(":pf\r");
    let screen = app.wait_for("the listening row", WAIT, |s| listed_port(s).is_some());
    let port = listed_port(&screen).expect("a port");
    assert!(screen.contains("default/hello-web-"), "{screen}");

    let mut tcp = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    tcp.set_read_timeout(Some(WAIT)).expect("timeout");
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("request");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).expect("answer");
    assert!(
        answer.contains("kr8s-tui demo: pod default/hello-web-"),
        "{answer}"
    );
    assert!(answer.contains("port 8080"), "{answer}");
    app.wait_text("0/1", WAIT);

    app.send("\x04");
    app.wait_text("stopped the forward", WAIT);
    app.wait_for("the row gone", WAIT, |s| listed_port(s).is_none());
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is closed"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn a_taken_local_port_is_named_and_a_deleted_pod_ends_its_forward() {
    let demo = common::live::LiveDemo::start();
    let kubeconfig = demo.kubeconfig_arg();
    // 8080 is taken, by this listener or by whatever already holds it.
    let _taken = TcpListener::bind("127.0.0.1:8080");
    let args = ["--kubeconfig", kubeconfig.as_str(), "-n", "default"];
    let mut app = PtyApp::spawn(&args, 140, 40);
    app.wait_text("Running", WAIT);
    app.send("F");
    app.wait_text("8080/TCP", WAIT);
    app.send("F");
    app.wait_text(":pf 8080:8080", WAIT);
    app.send("\r");
    app.wait_text("127.0.0.1:8080 is in use: forwarding from 127.0.0.1:", WAIT);
    app.send(":pf\r");
    // The row, not the message above it (which names both ports).
    let row = |s: &str| {
        s.lines()
            .find(|l| l.contains("default/hello-web-") && !l.contains("in use"))
            .map(str::to_string)
    };
    let screen = app.wait_for("the listening row", WAIT, |s| {
        row(s).is_some_and(|r| listed_port(&r).is_some())
    });
    let target = row(&screen).expect("the forward's row");
    let port = listed_port(&target).expect("a port");
    assert_ne!(port, 8080, "{screen}");
    let pod = target
        .split("default/")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .expect("the pod in the row")
        .to_string();

    let deleted = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .args(["--kubeconfig", &kubeconfig, "api", "DELETE", "--url"])
        .arg(format!("pods/{pod}"))
        .args(["-n", "default", "--query", "gracePeriodSeconds=0"])
        .output()
        .expect("api runs");
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    let screen = app.wait_text(&format!("pod {pod} is gone"), WAIT);
    assert!(
        screen.contains(&format!("forward to default/{pod}:8080 ended")),
        "{screen}"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the ended forward's port is closed"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
    drop(demo);
}
