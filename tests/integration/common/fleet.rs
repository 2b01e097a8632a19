//! Several demo clusters as separate `kr8s-tui demo-server` processes, listed in one merged
//! `KUBECONFIG`: a fleet to test against. Each server has a fixed port and keeps its identity
//! in the fleet's directory, so `kill` then `restart` is an apiserver going down and coming back
//! as the same cluster (same address, CA and token; newer resourceVersions).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long a server may take to seed and listen (debug builds seed slowly).
const READY_TIMEOUT: Duration = Duration::from_secs(120);

struct Server {
    name: String,
    port: u16,
    args: Vec<String>,
    child: Option<Child>,
}

/// Running demo servers; every one is killed on drop.
pub struct Fleet {
    dir: tempfile::TempDir,
    servers: Vec<Server>,
}

/// A port nothing listens on now, below Linux's ephemeral range (32768+): a killed server's
/// port must still be free for its restart, and an outgoing connection could take one of
/// those meanwhile.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = u64::from(std::process::id())
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos().into());
    loop {
        // Spread over 20000..32000 so parallel test binaries rarely try the same port.
        let n = seed.wrapping_add(NEXT.fetch_add(7919, Ordering::Relaxed));
        let port = 20_000 + (n % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Fleet {
    /// Starts one server per name (its contexts are NAME, NAME-cert, NAME-kube-system), each
    /// with `extra` demo options (e.g. `["--demo-pods", "500", "--demo-churn", "0"]`), and
    /// waits until all serve.
    pub fn start(names: &[&str], extra: &[&str]) -> Fleet {
        let dir = tempfile::tempdir().expect("temp dir for the fleet");
        let mut servers: Vec<Server> = names
            .iter()
            .map(|name| {
                let port = free_port();
                let args = server_args(dir.path(), name, port, extra);
                Server {
                    name: name.to_string(),
                    port,
                    args,
                    child: None,
                }
            })
            .collect();
        // Spawned together, then waited for: they seed in parallel.
        let ready: Vec<_> = servers.iter_mut().map(|s| s.spawn(dir.path())).collect();
        for (server, ready) in servers.iter().zip(ready) {
            server.wait_ready(dir.path(), ready);
        }
        Fleet { dir, servers }
    }

    /// The `KUBECONFIG` value listing every server's kubeconfig, in start order.
    pub fn kubeconfig(&self) -> String {
        let paths: Vec<String> = self
            .servers
            .iter()
            .map(|s| {
                kubeconfig_path(self.dir.path(), &s.name)
                    .display()
                    .to_string()
            })
            .collect();
        paths.join(":")
    }

    /// Server `name`'s own kubeconfig (contexts NAME, NAME-cert, NAME-kube-system).
    pub fn kubeconfig_of(&self, name: &str) -> PathBuf {
        kubeconfig_path(self.dir.path(), &self.server(name).name)
    }

    /// The directory holding the kubeconfigs, identities and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn port(&self, name: &str) -> u16 {
        self.server(name).port
    }

    /// Kills server `name` at once (SIGKILL): its port refuses connections until `restart`.
    pub fn kill(&mut self, name: &str) {
        let server = self.server_mut(name);
        if let Some(mut child) = server.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts server `name` again with the same arguments (port, identity) and waits until it
    /// serves. Kills it first if it still runs.
    pub fn restart(&mut self, name: &str) {
        self.kill(name);
        let dir = self.dir.path().to_path_buf();
        let server = self.server_mut(name);
        let ready = server.spawn(&dir);
        server.wait_ready(&dir, ready);
    }

    /// Runs kubectl with the merged `KUBECONFIG` and `--context CONTEXT` (a server's name is
    /// its main context), whatever the outcome.
    pub fn kubectl(&self, context: &str, args: &[&str]) -> Output {
        Command::new("kubectl")
            .env("KUBECONFIG", self.kubeconfig())
            .arg("--context")
            .arg(context)
            .args(args)
            .output()
            .expect("kubectl runs")
    }

    /// [`Fleet::kubectl`] that must succeed; its stdout.
    pub fn kubectl_ok(&self, context: &str, args: &[&str]) -> String {
        let out = self.kubectl(context, args);
        assert!(
            out.status.success(),
            "kubectl --context {context} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn server(&self, name: &str) -> &Server {
        self.servers
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no fleet server named {name}"))
    }

    fn server_mut(&mut self, name: &str) -> &mut Server {
        self.servers
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no fleet server named {name}"))
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for server in &mut self.servers {
            if let Some(mut child) = server.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

fn kubeconfig_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.yaml"))
}

fn server_args(dir: &Path, name: &str, port: u16, extra: &[&str]) -> Vec<String> {
    let path = |p: PathBuf| p.display().to_string();
    let mut args = vec![
        "demo-server".to_string(),
        "--demo-name".into(),
        name.into(),
        "--port".into(),
        port.to_string(),
        "--kubeconfig-out".into(),
        path(kubeconfig_path(dir, name)),
        "--demo-identity".into(),
        path(dir.join(name)),
        "--log-file".into(),
        path(dir.join(format!("{name}.log"))),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

impl Server {
    /// Spawns the process; the receiver gets one message once it printed its kubeconfig line
    /// (written by then), or closes if it exits first.
    fn spawn(&mut self, dir: &Path) -> mpsc::Receiver<()> {
        let stderr = std::fs::File::create(dir.join(format!("{}.stderr", self.name)))
            .expect("stderr file for a fleet server");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start a demo-server");
        let stdout = child.stdout.take().expect("piped stdout");
        self.child = Some(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Read to the end so the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("kubeconfig:") {
                    let _ = tx.send(());
                }
            }
        });
        rx
    }

    fn wait_ready(&self, dir: &Path, ready: mpsc::Receiver<()>) {
        if ready.recv_timeout(READY_TIMEOUT).is_err() {
            let stderr = std::fs::read_to_string(dir.join(format!("{}.stderr", self.name)))
                .unwrap_or_default();
            panic!(
                "demo-server {} did not start on port {}: {stderr}",
                self.name, self.port
            );
        }
    }
}
