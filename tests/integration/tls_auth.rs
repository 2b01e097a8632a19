//! Exec credential plugins through `Authenticator`, with the fixture plugin in tests/fixtures/exec.

use std::path::{Path, PathBuf};
use std::time::Duration;

use kr8s_tui::kube::auth::{AuthConfig, Authenticator, ExecConfig};
use secrecy::ExposeSecret;

const V1: &str = "client.authentication.k8s.io/v1";

/// A plugin setup with its own counter file, so tests can run in parallel.
struct Plugin {
    dir: tempfile::TempDir,
    config: ExecConfig,
}

impl Plugin {
    fn new(token: &str) -> Plugin {
        let dir = tempfile::tempdir().expect("temp dir");
        let counter = dir.path().join("runs");
        let config = ExecConfig {
            api_version: V1.into(),
            command: "./plugin.sh".into(),
            base_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exec")),
            env: vec![
                ("FIXTURE_TOKEN".into(), token.into()),
                (
                    "FIXTURE_COUNTER".into(),
                    counter.to_string_lossy().into_owned(),
                ),
            ],
            ..ExecConfig::default()
        };
        Plugin { dir, config }
    }

    fn env(mut self, key: &str, value: &str) -> Plugin {
        self.config.env.push((key.into(), value.into()));
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn runs(&self) -> usize {
        std::fs::read_to_string(self.path("runs"))
            .map(|s| s.lines().count())
            .unwrap_or(0)
    }

    fn authenticator(&self) -> Authenticator {
        Authenticator::with_exec_timeout(
            AuthConfig::Exec(self.config.clone()),
            Duration::from_secs(10),
        )
    }
}

async fn header(auth: &Authenticator) -> String {
    auth.authorization()
        .await
        .expect("plugin succeeds")
        .expect("a header")
        .expose_secret()
        .to_string()
}

async fn error(auth: &Authenticator) -> String {
    auth.authorization()
        .await
        .expect_err("plugin fails")
        .to_string()
}

fn in_one_hour() -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    at.to_string()
}

#[tokio::test]
async fn token_is_cached_until_expiry() {
    let plugin = Plugin::new("tok-1").env("FIXTURE_EXPIRY", &in_one_hour());
    let auth = plugin.authenticator();
    assert_eq!(header(&auth).await, "Bearer tok-1");
    assert_eq!(header(&auth.clone()).await, "Bearer tok-1");
    assert_eq!(plugin.runs(), 1, "second call served from the cache");
}

#[tokio::test]
async fn token_without_expiry_is_cached_until_invalidated() {
    let plugin = Plugin::new("tok-2");
    let auth = plugin.authenticator();
    header(&auth).await;
    header(&auth).await;
    assert_eq!(plugin.runs(), 1);
    assert!(auth.invalidate().await, "a rerun could help");
    header(&auth).await;
    assert_eq!(plugin.runs(), 2);
}

#[tokio::test]
async fn expired_token_runs_the_plugin_again() {
    let plugin = Plugin::new("old").env("FIXTURE_EXPIRY", "2001-02-03T04:05:06Z");
    let auth = plugin.authenticator();
    header(&auth).await;
    header(&auth).await;
    assert_eq!(plugin.runs(), 2);
}

#[tokio::test]
async fn concurrent_callers_share_one_run() {
    let plugin = Plugin::new("shared");
    let auth = plugin.authenticator();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { header(&auth).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task"), "Bearer shared");
    }
    assert_eq!(plugin.runs(), 1);
}

#[tokio::test]
async fn failing_plugin_reports_exit_code_and_stderr_but_not_stdout() {
    let plugin = Plugin::new("leaked-token-value").env("FIXTURE_MODE", "fail");
    let err = error(&plugin.authenticator()).await;
    assert!(err.contains("exit code 3"), "{err}");
    assert!(err.contains("error: session expired, run login"), "{err}");
    assert!(
        !err.contains("refreshing credentials"),
        "only the last line: {err}"
    );
    assert!(!err.contains("leaked-token-value"), "{err}");
}

#[tokio::test]
async fn hanging_plugin_times_out() {
    let plugin = Plugin::new("never").env("FIXTURE_MODE", "hang");
    let auth = Authenticator::with_exec_timeout(
        AuthConfig::Exec(plugin.config.clone()),
        Duration::from_millis(300),
    );
    let started = std::time::Instant::now();
    let err = error(&auth).await;
    assert!(err.contains("timed out after 0.3s"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn exec_info_is_passed_with_cluster_when_asked() {
    let info = tempfile::tempdir().expect("temp dir");
    let info_path = info.path().join("info.json");
    let mut plugin = Plugin::new("t").env("FIXTURE_EXEC_INFO", &info_path.to_string_lossy());
    plugin.config.provide_cluster_info = true;
    plugin.config.cluster_server = "https://10.1.2.3:6443".into();
    plugin.config.cluster_ca_pem = Some(b"CA".to_vec());
    header(&plugin.authenticator()).await;
    let text = std::fs::read_to_string(&info_path).expect("plugin wrote it");
    let info: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        info,
        serde_json::json!({
            "apiVersion": V1,
            "kind": "ExecCredential",
            "spec": {
                "interactive": false,
                "cluster": {"server": "https://10.1.2.3:6443", "certificate-authority-data": "Q0E="},
            },
        })
    );

    plugin.config.provide_cluster_info = false;
    header(&plugin.authenticator()).await;
    let text = std::fs::read_to_string(&info_path).expect("plugin wrote it");
    assert!(!text.contains("cluster"), "{text}");
}

#[tokio::test]
async fn v1beta1_works_and_v1alpha1_is_rejected() {
    let beta = "client.authentication.k8s.io/v1beta1";
    let mut plugin = Plugin::new("beta").env("FIXTURE_API", beta);
    plugin.config.api_version = beta.into();
    assert_eq!(header(&plugin.authenticator()).await, "Bearer beta");

    plugin.config.api_version = "client.authentication.k8s.io/v1alpha1".into();
    let err = error(&plugin.authenticator()).await;
    assert!(err.contains("v1alpha1 is no longer supported"), "{err}");

    // The plugin answering with another version than asked is an error too.
    plugin.config.api_version = V1.into();
    let err = error(&plugin.authenticator()).await;
    assert!(err.contains("returned apiVersion"), "{err}");
}

#[tokio::test]
async fn interactive_and_certificate_plugins_are_refused_clearly() {
    let mut plugin = Plugin::new("t");
    plugin.config.interactive_mode = Some("Always".into());
    let err = error(&plugin.authenticator()).await;
    assert!(err.contains("cannot run interactive plugins"), "{err}");
    assert_eq!(plugin.runs(), 0);

    let plugin = Plugin::new("t").env("FIXTURE_MODE", "cert");
    let err = error(&plugin.authenticator()).await;
    assert!(
        err.contains("exec plugin client certificates are not supported yet"),
        "{err}"
    );
}

#[tokio::test]
async fn missing_command_shows_the_install_hint() {
    let mut plugin = Plugin::new("t");
    plugin.config.command = "kr8s-tui-no-such-plugin".into();
    plugin.config.install_hint = Some("Install it with: brew install no-such-plugin".into());
    let err = error(&plugin.authenticator()).await;
    assert!(err.contains("kr8s-tui-no-such-plugin"), "{err}");
    assert!(err.contains("brew install no-such-plugin"), "{err}");
}
