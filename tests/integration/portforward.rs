//! `kr8s-tui port-forward` against the demo server: the page behind a pod's port comes back
//! through the forward, two connections at once each get their own stream, a service maps its
//! port to the pod's target port, and 1 GiB goes through with the forwarder's memory bounded.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kr8s_tui::demo::DemoHandle;

/// A running `kr8s-tui port-forward` and the local port it listens on.
struct Forward {
    child: Child,
    port: u16,
    /// Kept open: what the forwarder prints is read here, as a terminal would.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Forward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Forward {
    fn start(demo: &DemoHandle, args: &[&str]) -> Forward {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
            .arg("--kubeconfig")
            .arg(&demo.kubeconfig_path)
            .args(["port-forward", "-n", "default"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("port-forward starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let mut stdout = BufReader::new(stdout);
        stdout.read_line(&mut line).expect("a first line");
        // "Forwarding from 127.0.0.1:PORT -> REMOTE", as kubectl prints it.
        let port = line
            .strip_prefix("Forwarding from 127.0.0.1:")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Forward {
            child,
            port,
            _stdout: stdout,
        }
    }

    /// `GET path` through the forward: the status line and the body.
    fn get(&self, path: &str) -> (String, Vec<u8>) {
        let mut tcp = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        tcp.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(tcp, "GET {path} HTTP/1.1\r\nHost: demo\r\n\r\n").expect("request");
        let mut all = Vec::new();
        tcp.read_to_end(&mut all).expect("response");
        let split = all
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header");
        let head = String::from_utf8_lossy(&all[..split]).to_string();
        (head, all[split + 4..].to_vec())
    }

    /// Peak resident memory of the forwarder, in KiB.
    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmHWM")
    }
}

fn first_pod(demo: &DemoHandle) -> String {
    let path = demo.kubeconfig_path.clone();
    let out = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(path)
        .args([
            "api",
            "GET",
            "--url",
            "pods",
            "-n",
            "default",
            "--query",
            "labelSelector=app%3Dhello-web",
        ])
        .output()
        .expect("api runs");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["status"]["phase"] == "Running")
        .and_then(|p| p["metadata"]["name"].as_str())
        .expect("a running hello-web pod")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_serves_the_pods_page_to_two_connections_at_once() {
    let demo = common::demo::quiet().await;
    let pod = first_pod(&demo);
    let (pod2, demo_ref) = (pod.clone(), &demo);
    let forward = Forward::start(demo_ref, &[&format!("pod/{pod2}"), ":8080"]);
    let expected = format!("kr8s-tui demo: pod default/{pod} port 8080\n");
    let (one, two) = std::thread::scope(|s| {
        let a = s.spawn(|| forward.get("/a"));
        let b = s.spawn(|| forward.get("/b"));
        (a.join().expect("a"), b.join().expect("b"))
    });
    for (head, body) in [one, two] {
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert_eq!(String::from_utf8_lossy(&body), expected);
    }
    // A service forwards its port to the target port of a ready pod behind it.
    let service = Forward::start(&demo, &["svc/hello-web", ":80"]);
    let (_, body) = service.get("/");
    let body = String::from_utf8_lossy(&body).to_string();
    assert!(
        body.starts_with("kr8s-tui demo: pod default/hello-web-") && body.ends_with("port 8080\n"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gibibyte_goes_through_with_memory_bounded() {
    let demo = common::demo::quiet().await;
    let pod = first_pod(&demo);
    let forward = Forward::start(&demo, &[&format!("pod/{pod}"), ":8080"]);
    let size: u64 = 1 << 30;
    let started = Instant::now();
    let mut tcp = TcpStream::connect(("127.0.0.1", forward.port)).expect("connects");
    write!(tcp, "GET /bytes/{size} HTTP/1.1\r\n\r\n").expect("request");
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = tcp.read(&mut buf).expect("reads");
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    let secs = started.elapsed().as_secs_f64();
    let header = 100;
    assert!(
        total >= size && total < size + header as u64,
        "{total} bytes"
    );
    let rss = forward.peak_rss_kib();
    println!(
        "1 GiB through the forward in {secs:.2} s ({:.0} MiB/s); forwarder peak RSS {} MiB",
        1024.0 / secs,
        rss / 1024
    );
    assert!(
        rss < 100 * 1024,
        "the forwarder held {rss} KiB for a 1 GiB stream"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_nothing_listens_on_says_so_and_readonly_refuses() {
    let demo = common::demo::quiet().await;
    let pod = first_pod(&demo);
    let mut forward = Forward::start(&demo, &[&format!("pod/{pod}"), ":9999"]);
    let mut tcp = TcpStream::connect(("127.0.0.1", forward.port)).expect("connects");
    let mut rest = Vec::new();
    tcp.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let _ = tcp.read_to_end(&mut rest);
    assert!(rest.is_empty(), "nothing comes back from a closed port");
    // The reason is printed as the connection closes; give it a moment before stopping.
    std::thread::sleep(Duration::from_millis(800));
    let _ = forward.child.kill();
    let mut err = String::new();
    forward
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr text");
    assert!(
        err.contains("failed to connect to localhost:9999: connection refused"),
        "{err}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args([
            "--readonly",
            "port-forward",
            "-n",
            "default",
            &format!("pod/{pod}"),
            ":8080",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--readonly"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_port_in_use_is_named_with_a_free_one_offered() {
    let demo = common::demo::quiet().await;
    let pod = first_pod(&demo);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("addr").port();
    let out = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args([
            "port-forward",
            "-n",
            "default",
            &format!("pod/{pod}"),
            &format!("{port}:8080"),
        ])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("127.0.0.1:{port}: the port is in use;")),
        "{err}"
    );
    assert!(err.contains(" is free ("), "a free port is offered: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forward_ends_with_a_message_when_its_pod_goes_away() {
    let demo = common::demo::quiet().await;
    let pod = first_pod(&demo);
    let mut forward = Forward::start(&demo, &[&format!("pod/{pod}"), ":8080"]);
    let deleted = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args([
            "api",
            "DELETE",
            "--url",
            &format!("pods/{pod}"),
            "-n",
            "default",
        ])
        .args(["--query", "gracePeriodSeconds=0"])
        .output()
        .expect("api runs");
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = forward.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the forward did not end");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    let mut stderr = forward.child.stderr.take().expect("stderr");
    stderr.read_to_string(&mut err).expect("stderr text");
    assert!(
        err.contains(&format!("pod default/{pod} is gone; the forward ends")),
        "{err}"
    );
}
