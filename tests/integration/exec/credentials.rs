//! Exec-plugin credentials and streams: a 401 on the upgrade runs the plugin again, and a
//! credential that expires while a session is open leaves the session alone while the next
//! stream gets a fresh one.

use std::path::{Path, PathBuf};

use base64::Engine;
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::kube::kubeconfig::Kubeconfig;
use kr8s_tui::kube::remote::exec_path;
use kr8s_tui::kube::{Client, ClientOptions};

use super::{read_until, running_pod, send, session_at, tty_shell};

/// A client of the demo whose token comes from `script`, run with `env`.
fn plugin_client(demo: &DemoHandle, dir: &Path, script: &str, env: &[(&str, String)]) -> Client {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/client")
        .join(script);
    let ca = base64::engine::general_purpose::STANDARD.encode(demo.ca_pem.as_bytes());
    let env: String = env
        .iter()
        .map(|(name, value)| format!("      - name: {name}\n        value: \"{value}\"\n"))
        .collect();
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: c\n  cluster:\n    server: https://{}\n    certificate-authority-data: {ca}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n      env:\n{env}contexts:\n- name: t\n  context:\n    cluster: c\n    user: u\n    namespace: default\n",
        demo.addr,
        script.display()
    );
    let path = dir.join("config");
    std::fs::write(&path, text).expect("write kubeconfig");
    let k = Kubeconfig::from_files(&[path]).expect("kubeconfig loads");
    let conn = k.connection("t", None).expect("context resolves");
    Client::new(conn, ClientOptions::default()).expect("client builds")
}

fn runs(count: &PathBuf) -> usize {
    std::fs::read_to_string(count).map_or(0, |t| t.lines().count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_on_the_upgrade_runs_the_plugin_again_and_the_shell_opens() {
    let demo = crate::common::demo::quiet().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (tokens, count) = (dir.path().join("tokens"), dir.path().join("count"));
    // The plugin's first token is refused; its second is the demo's.
    std::fs::write(&tokens, format!("expired-token\n{}\n", demo.token)).expect("tokens");
    let env = [
        ("TOKENS_FILE", tokens.display().to_string()),
        ("COUNT_FILE", count.display().to_string()),
    ];
    let client = plugin_client(&demo, dir.path(), "exec-rotating.sh", &env);
    // Listing pods spends the refused token first: the upgrade below must not need a refresh
    // then, so start over with a fresh client whose first request is the upgrade.
    let (pod, container) = running_pod(&client, "default").await;
    std::fs::remove_file(&count).expect("reset the count");
    let client = plugin_client(&demo, dir.path(), "exec-rotating.sh", &env);
    let path = exec_path("default", &pod, &tty_shell(&container));
    let mut session = session_at(&client, &path).await;
    let mut seen = String::new();
    read_until(&mut session, &mut seen, |s| s.ends_with("$ ")).await;
    send(&session, "echo fresh-credential\r").await;
    read_until(&mut session, &mut seen, |s| {
        s.contains("\nfresh-credential")
    })
    .await;
    assert_eq!(runs(&count), 2, "one run refused with 401, one refresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_expiring_mid_session_leaves_it_open_and_the_next_stream_renews_it() {
    let demo = crate::common::demo::quiet().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let count = dir.path().join("count");
    // Valid for 12 s; the client renews 10 s early, so it is stale after about 2 s.
    let env = [
        ("TOKEN", demo.token.clone()),
        ("TTL", "12".to_string()),
        ("COUNT_FILE", count.display().to_string()),
    ];
    let client = plugin_client(&demo, dir.path(), "exec-expiring.sh", &env);
    let (pod, container) = running_pod(&client, "default").await;
    let path = exec_path("default", &pod, &tty_shell(&container));
    let mut session = session_at(&client, &path).await;
    let mut seen = String::new();
    read_until(&mut session, &mut seen, |s| s.ends_with("$ ")).await;
    assert_eq!(
        runs(&count),
        1,
        "the list and the upgrade share one credential"
    );

    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    send(&session, "echo still-open\r").await;
    read_until(&mut session, &mut seen, |s| s.contains("\nstill-open")).await;

    let mut second = session_at(&client, &path).await;
    let mut more = String::new();
    read_until(&mut second, &mut more, |s| s.ends_with("$ ")).await;
    assert_eq!(
        runs(&count),
        2,
        "the next stream ran the plugin for a fresh credential"
    );
}
