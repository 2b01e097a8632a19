//! A real kube-apiserver (1.20, with etcd, on loopback; see `scripts/real-apiserver`) shared by
//! the tests of one test binary, and kubectl against it. Tests skip, with the reason printed,
//! when the server has not been built.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

pub const SKIPPED: &str =
    "skipped: real kube-apiserver not built (run scripts/real-apiserver build)";
/// Pods the shared server is seeded with: every status the seeder makes, ten times over.
pub const SEEDED_PODS: usize = 200;
/// What kubectl shows for the seeded pods: the comparisons cover every one of these.
pub const SEEDED_STATUSES: [&str; 11] = [
    "Running",
    "Pending",
    "ContainerCreating",
    "CrashLoopBackOff",
    "Completed",
    "Error",
    "Init:0/2",
    "ImagePullBackOff",
    "OOMKilled",
    "Evicted",
    "Terminating",
];
pub const WAIT: Duration = Duration::from_secs(30);

/// A running server; stopped when the last test holding it lets go.
pub struct RealServer {
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let out = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .output();
        if let Err(e) = out {
            eprintln!("real-apiserver stop failed: {e}");
        }
    }
}

pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/real-apiserver")
}

/// Where `scripts/real-apiserver build` leaves the binary (same lookup as the script).
pub fn built_apiserver() -> Option<PathBuf> {
    let cache = match std::env::var_os("KR8S_REAL_APISERVER_CACHE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/kr8s-tui/real-apiserver"),
    };
    let bin = cache.join("bin/kube-apiserver");
    bin.is_file().then_some(bin)
}

pub fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The server shared by the tests running now (started on first use, seeded with
/// [`SEEDED_PODS`]); `None`, with the reason printed, when it cannot run here.
pub fn server() -> Option<Arc<RealServer>> {
    if built_apiserver().is_none() {
        println!("{SKIPPED}");
        return None;
    }
    if !kubectl_available() {
        println!("skipped: kubectl not found in PATH");
        return None;
    }
    static SHARED: Mutex<Weak<RealServer>> = Mutex::new(Weak::new());
    // Held while starting, so concurrent tests wait for this server instead of starting theirs.
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(server) = shared.upgrade() {
        return Some(server);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(script())
        .arg("start")
        .arg(dir.path())
        .args(["--pods", &SEEDED_PODS.to_string()])
        .output()
        .expect("run scripts/real-apiserver start");
    let server = Arc::new(RealServer {
        kubeconfig: dir.path().join("kubeconfig"),
        dir,
    });
    assert!(
        out.status.success(),
        "scripts/real-apiserver start failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    *shared = Arc::downgrade(&server);
    Some(server)
}

pub async fn kubectl(server: &RealServer, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&server.kubeconfig)
        .args(args)
        .output()
        .await
        .expect("kubectl runs")
}

pub async fn kubectl_ok(server: &RealServer, args: &[&str]) -> String {
    let out = kubectl(server, args).await;
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
