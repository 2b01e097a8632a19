//! A demo server a synchronous (pty) test can reach while the app runs against it: kept serving
//! by its own runtime, with kubectl on the same kubeconfig to check what the app changed.

use std::path::{Path, PathBuf};
use std::process::Command;

use kr8s_tui::demo::DemoHandle;

/// Whether kubectl runs here; tests that check with it print why they skip when it does not.
pub fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipping: kubectl not found in PATH");
    }
    found
}

/// kubectl's stdout with `kubeconfig`; the test fails with its stderr when it fails.
pub fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "kubectl {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The default demo without churn, serving until dropped.
pub struct LiveDemo {
    pub handle: DemoHandle,
    pub kubeconfig: PathBuf,
    // Dropped after the handle: the server's tasks run on it.
    _rt: tokio::runtime::Runtime,
}

impl LiveDemo {
    pub fn start() -> LiveDemo {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = rt.block_on(super::kubectl::server(super::kubectl::quiet()));
        let kubeconfig = handle.kubeconfig_path.clone();
        LiveDemo {
            handle,
            kubeconfig,
            _rt: rt,
        }
    }

    /// The kubeconfig path as an argument.
    pub fn kubeconfig_arg(&self) -> String {
        self.kubeconfig.display().to_string()
    }

    /// kubectl's stdout against this demo; the test fails with its stderr when it fails.
    pub fn kubectl(&self, args: &[&str]) -> String {
        kubectl(&self.kubeconfig, args)
    }
}
