//! The shared setup: a demo server kept serving by its own runtime, the app on it in a pty, and
//! kubectl on the same kubeconfig.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::live::LiveDemo;
pub use crate::common::live::kubectl;
use crate::common::pty::PtyApp;

pub const WAIT: Duration = Duration::from_secs(30);

/// A demo server without churn, the app on it (`extra` flags after the kubeconfig), and the
/// kubeconfig for kubectl. `None` (with the reason printed) when kubectl is not installed.
pub struct Setup {
    // Dropped first: the app ends before its server.
    pub app: PtyApp,
    pub kubeconfig: PathBuf,
    _demo: LiveDemo,
}

pub fn setup(extra: &[&str]) -> Option<Setup> {
    if !common::live::kubectl_available() {
        return None;
    }
    let demo = LiveDemo::start();
    let path = demo.kubeconfig_arg();
    let mut args = vec!["--kubeconfig", path.as_str()];
    args.extend_from_slice(extra);
    let app = PtyApp::spawn(&args, 140, 36);
    app.wait_text("Running", WAIT);
    Some(Setup {
        app,
        kubeconfig: demo.kubeconfig.clone(),
        _demo: demo,
    })
}

/// Polls kubectl `args` until `done` holds for its output; the last output otherwise.
pub fn kubectl_until(
    kubeconfig: &Path,
    args: &[&str],
    timeout: Duration,
    done: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let start = Instant::now();
    loop {
        let out = kubectl(kubeconfig, args);
        if done(&out) {
            return Ok(out);
        }
        if start.elapsed() > timeout {
            return Err(out);
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Names of the live (not terminating) pods of `args` (`get pods …`), sorted.
pub fn live_pods(kubeconfig: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["get", "pods", "-o", "json"];
    all.extend_from_slice(args);
    let out = kubectl(kubeconfig, &all);
    let list: serde_json::Value = serde_json::from_str(&out).expect("kubectl json");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let mut names: Vec<String> = items
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The live hello-web pods.
pub fn hello_web_pods(kubeconfig: &Path) -> Vec<String> {
    live_pods(kubeconfig, &["-n", "default", "-l", "app=hello-web"])
}
