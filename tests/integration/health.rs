//! Multi-context health (contexts pane): contexts with token credentials are checked, contexts
//! with exec-plugin credentials are not — the plugin must not run for a context the user has
//! not selected — and unreachable ones report their error.

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use kr8s_tui::kube::kubeconfig::{Kubeconfig, Source};
use kr8s_tui::kube::{ApiCache, ClientOptions};
use kr8s_tui::msg::{Effect, HealthResult, Msg};
use kr8s_tui::tasks::{TaskOptions, Tasks};

/// A kubeconfig with three contexts on the demo server: `token` (bearer token), `exec` (an
/// exec plugin that records each run in `runs`) and `down` (a closed port).
fn kubeconfig(dir: &Path, demo: &kr8s_tui::demo::DemoHandle, runs: &Path) -> std::path::PathBuf {
    let tokens = dir.join("tokens");
    std::fs::write(&tokens, format!("{}\n", demo.token)).expect("write tokens");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/client/exec-rotating.sh");
    let ca = base64::engine::general_purpose::STANDARD.encode(demo.ca_pem.as_bytes());
    let text = format!(
        "apiVersion: v1
kind: Config
current-context: token
clusters:
- name: demo
  cluster:
    server: https://{addr}
    certificate-authority-data: {ca}
- name: closed
  cluster:
    server: https://127.0.0.1:9
    certificate-authority-data: {ca}
users:
- name: token
  user:
    token: {token}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {script}
      interactiveMode: Never
      env:
      - name: TOKENS_FILE
        value: {tokens}
      - name: COUNT_FILE
        value: {runs}
contexts:
- name: token
  context: {{cluster: demo, user: token}}
- name: exec
  context: {{cluster: demo, user: exec}}
- name: down
  context: {{cluster: closed, user: token}}
",
        addr = demo.addr,
        token = demo.token,
        script = script.display(),
        tokens = tokens.display(),
        runs = runs.display(),
    );
    let path = dir.join("config");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

async fn next_msg(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an answer in time")
        .expect("channel open")
}

#[tokio::test]
async fn exec_plugin_never_runs_for_unselected_contexts() {
    let demo = common::demo::start(3).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let runs = dir.path().join("runs");
    let path = kubeconfig(dir.path(), &demo, &runs);
    let k = Kubeconfig::from_files(&[path]).expect("kubeconfig loads");
    let cache = Arc::new(ApiCache::new(
        Source::Kubeconfig(k),
        None,
        ClientOptions::default(),
    ));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = TaskOptions {
        data_dir: None,
        ..TaskOptions::default()
    };
    let mut tasks = Tasks::new(Some(cache), tx, opts);
    let contexts = ["token", "exec", "down"].map(String::from).to_vec();
    tasks.run(Effect::CheckHealth { contexts });
    let mut answers = std::collections::HashMap::new();
    while answers.len() < 3 {
        if let Msg::Health { context, result } = next_msg(&mut rx).await {
            answers.insert(context, result);
        }
    }
    assert!(
        matches!(&answers["token"], HealthResult::Up { version, .. } if version.starts_with('v')),
        "{:?}",
        answers["token"]
    );
    assert_eq!(answers["exec"], HealthResult::NeedsExec);
    assert!(matches!(&answers["down"], HealthResult::Down(e) if !e.message.is_empty()));
    assert!(
        !runs.exists(),
        "the exec plugin ran for an unselected context"
    );

    // Control: selecting the exec context does run the plugin (so the fixture works).
    tasks.run(Effect::Connect {
        generation: 1,
        context: "exec".into(),
    });
    loop {
        if let Msg::Version { result, .. } = next_msg(&mut rx).await {
            result.expect("the selected exec context connects");
            break;
        }
    }
    assert!(runs.exists(), "selecting the context runs the plugin");
}
