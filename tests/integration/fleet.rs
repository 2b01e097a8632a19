//! Several contexts in one table, driven through the app's own state machine and tasks
//! against two demo servers over TLS: rows of both, each with its context, counts per context,
//! a deletion in one cluster leaving the same-named pod of the other alone, and exec plugins
//! run only for the contexts shown (a failing one never hides the others' rows).

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use common::harness::Harness;
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::state::PodsLoad;
use kr8s_tui::state::fleet::{self, MemberState};
use kr8s_tui::tasks::TaskOptions;

const WAIT: Duration = Duration::from_secs(20);

/// One kubeconfig over two demo servers: `a` and `b` (their tokens), `broken` (on `a`, with an
/// exec plugin that fails) and `recorded` (on `a`, with an exec plugin that records its runs
/// in `runs`).
fn kubeconfig(dir: &Path, a: &DemoHandle, b: &DemoHandle, runs: &Path) -> PathBuf {
    let tokens = dir.join("tokens");
    std::fs::write(&tokens, format!("{}\n", a.token)).expect("write tokens");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/client");
    let recording = fixtures.join("exec-rotating.sh");
    let ca = |h: &DemoHandle| base64::engine::general_purpose::STANDARD.encode(h.ca_pem.as_bytes());
    let text = format!(
        "apiVersion: v1
kind: Config
current-context: a
clusters:
- name: a
  cluster: {{server: 'https://{a_addr}', certificate-authority-data: {a_ca}}}
- name: b
  cluster: {{server: 'https://{b_addr}', certificate-authority-data: {b_ca}}}
users:
- name: a
  user: {{token: {a_token}}}
- name: b
  user: {{token: {b_token}}}
- name: broken
  user:
    exec: {{apiVersion: client.authentication.k8s.io/v1, command: /bin/false, interactiveMode: Never}}
- name: recorded
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {recording}
      interactiveMode: Never
      env:
      - {{name: TOKENS_FILE, value: {tokens}}}
      - {{name: COUNT_FILE, value: {runs}}}
contexts:
- name: a
  context: {{cluster: a, user: a}}
- name: b
  context: {{cluster: b, user: b}}
- name: broken
  context: {{cluster: a, user: broken}}
- name: recorded
  context: {{cluster: a, user: recorded}}
",
        a_addr = a.addr,
        b_addr = b.addr,
        a_ca = ca(a),
        b_ca = ca(b),
        a_token = a.token,
        b_token = b.token,
        recording = recording.display(),
        tokens = tokens.display(),
        runs = runs.display(),
    );
    let path = dir.join("config");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

fn start(config: &Path, contexts: &[&str]) -> Harness {
    let opts = TaskOptions {
        max_backoff: Duration::from_millis(500),
        ..TaskOptions::default()
    };
    Harness::start_fleet(config, contexts, None, ClientOptions::default(), opts)
}

/// (member, rows) as the title counts them; failing members as -1.
fn counts(h: &Harness) -> Vec<(String, i64)> {
    fleet::summary(&h.state)
        .into_iter()
        .map(|(name, state)| match state {
            MemberState::Rows { count, .. } => (name.to_string(), count as i64),
            MemberState::Failing(_) => (name.to_string(), -1),
        })
        .collect()
}

fn runs(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[tokio::test]
async fn two_clusters_share_one_table_and_a_deletion_stays_in_its_cluster() {
    // The same size and seed: the two clusters hold pods of the same names.
    let (a, b) = (common::demo::start(30).await, common::demo::start(30).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = kubeconfig(dir.path(), &a, &b, &dir.path().join("runs"));
    let mut h = start(&config, &["a", "b"]);
    h.until("both listed", WAIT, |s| s.pods_load == PodsLoad::Watching)
        .await;
    assert_eq!(h.state.pods.len(), 60, "the count is the sum");
    assert_eq!(counts(&h), vec![("a".into(), 30), ("b".into(), 30)]);
    let of = |h: &Harness, ctx: &str| {
        let rows = h.rows();
        rows.iter()
            .filter(|r| r.context.as_deref() == Some(ctx))
            .map(|r| format!("{}/{}", r.namespace, r.name))
            .collect::<Vec<_>>()
    };
    let victim = of(&h, "b")[0].clone();
    assert!(
        of(&h, "a").contains(&victim),
        "{victim} is in both clusters"
    );
    let (ns, name) = victim.split_once('/').expect("ns/name");
    h.client("b")
        .delete(&format!(
            "/api/v1/namespaces/{ns}/pods/{name}?gracePeriodSeconds=0"
        ))
        .await
        .expect("delete in b");
    h.until("b's pod gone", WAIT, |s| {
        s.pods.get_in(Some("b"), ns, name).is_none()
    })
    .await;
    assert!(
        h.state.pods.get_in(Some("a"), ns, name).is_some(),
        "a's pod of the same name stays"
    );
    // b's controller may replace the pod; a's count never moves.
    assert_eq!(counts(&h)[0], ("a".into(), 30));
}

#[tokio::test]
async fn a_failing_exec_plugin_hides_nothing_and_plugins_outside_the_fleet_never_run() {
    let (a, b) = (common::demo::start(30).await, common::demo::start(5).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let runs_file = dir.path().join("runs");
    let config = kubeconfig(dir.path(), &a, &b, &runs_file);
    let mut h = start(&config, &["a", "broken"]);
    h.until("a listed, broken failing", WAIT, |s| {
        s.pods_load == PodsLoad::Watching
    })
    .await;
    assert_eq!(counts(&h), vec![("a".into(), 30), ("broken".into(), -1)]);
    let first_context = |h: &Harness| {
        h.state
            .pods
            .rows()
            .iter()
            .all(|r| r.context.as_deref() == Some("a"))
    };
    assert!(first_context(&h));
    h.run_for(Duration::from_secs(2), |_| {}).await;
    assert_eq!(
        runs(&runs_file),
        0,
        "the plugin of a context outside the fleet never ran"
    );

    // In the fleet, the recording plugin runs, and once: every stream shares its client.
    let mut h = start(&config, &["b", "recorded"]);
    h.until("both listed", WAIT, |s| s.pods_load == PodsLoad::Watching)
        .await;
    assert_eq!(counts(&h), vec![("b".into(), 5), ("recorded".into(), 30)]);
    h.command("deploy");
    h.run_for(Duration::from_secs(2), |_| {}).await;
    assert_eq!(
        runs(&runs_file),
        1,
        "one run for every stream of that context"
    );
}

#[tokio::test]
async fn delete_on_a_row_goes_to_the_rows_cluster_and_says_which() {
    use crossterm::event::{KeyCode, KeyModifiers};
    let (a, b) = (common::demo::start(20).await, common::demo::start(20).await);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = kubeconfig(dir.path(), &a, &b, &dir.path().join("runs"));
    let mut h = start(&config, &["a", "b"]);
    h.until("both listed", WAIT, |s| s.pods_load == PodsLoad::Watching)
        .await;
    // A name both clusters have: the filter leaves a's row, then b's (sorted by context).
    let row = h.rows()[0].clone();
    h.key(KeyCode::Char('/'), KeyModifiers::NONE);
    for c in row.name.chars() {
        h.key(KeyCode::Char(c), KeyModifiers::NONE);
    }
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(h.state.pods.visible_len(), 2);
    h.key(KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(
        h.state.pods.selected().and_then(|r| r.context.as_deref()),
        Some("b")
    );
    h.key(KeyCode::Char('d'), KeyModifiers::CONTROL);
    let asked = h.state.confirm.as_ref().map(|c| c.target.describe());
    let expected = format!("pod {}/{} in b", row.namespace, row.name);
    assert_eq!(asked.as_deref(), Some(expected.as_str()));
    h.key(KeyCode::Char('y'), KeyModifiers::NONE);
    let (ns, name) = (row.namespace.clone(), row.name.clone());
    h.until("b's pod gone or terminating", WAIT, |s| {
        s.pods
            .get_in(Some("b"), &ns, &name)
            .is_none_or(|r| r.status == "Terminating")
    })
    .await;
    let a_row = h
        .state
        .pods
        .get_in(Some("a"), &ns, &name)
        .expect("a keeps its pod");
    assert_ne!(a_row.status, "Terminating");
    let path = format!("/api/v1/namespaces/{ns}/pods/{name}");
    let on_a = h.client("a").get_accept(&path, "application/json").await;
    assert!(on_a.is_ok(), "a's server still has it: {on_a:?}");
}
