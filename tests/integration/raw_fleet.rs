//! The raw pane over a fleet of two demo servers (real TLS, one merged kubeconfig): a GET fanned
//! out answers once per context, a slow context does not hold up the other, and every call
//! of the request log names its context.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use crossterm::event::{KeyCode, KeyModifiers};

use common::harness::Harness;
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::kube::{CallRecord, ClientOptions};
use kr8s_tui::state::State;
use kr8s_tui::state::fleet::Fleet;
use kr8s_tui::state::raw_fanout::Answer;
use kr8s_tui::tasks::TaskOptions;

const WAIT: Duration = Duration::from_secs(15);

/// One kubeconfig with a context per demo server, named `names`, as a merged file would be.
fn merged_kubeconfig(dir: &Path, demos: &[(&str, &DemoHandle)]) -> PathBuf {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let (mut clusters, mut users, mut contexts) = (String::new(), String::new(), String::new());
    for (name, demo) in demos {
        let (addr, ca) = (demo.addr, b64(&demo.ca_pem));
        clusters += &format!(
            "- name: {name}\n  cluster:\n    server: https://{addr}\n    certificate-authority-data: {ca}\n"
        );
        users += &format!("- name: {name}\n  user:\n    token: {}\n", demo.token);
        contexts += &format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n"
        );
    }
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {}\nclusters:\n{clusters}users:\n{users}contexts:\n{contexts}",
        demos[0].0
    );
    let path = dir.join("config");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

fn answer<'a>(state: &'a State, context: &str) -> Option<&'a Answer> {
    let fanout = state.raw.fanout.as_ref()?;
    let column = fanout.columns.iter().find(|c| c.context == context)?;
    Some(&column.answer)
}

fn received(state: &State, context: &str) -> bool {
    matches!(answer(state, context), Some(Answer::Received(_)))
}

/// The body of `context`'s answer, parsed.
fn version(state: &State, context: &str) -> serde_json::Value {
    match answer(state, context) {
        Some(Answer::Received(view)) => {
            assert_eq!(view.status, 200, "{context}");
            serde_json::from_str(&view.lines().join("\n")).expect("JSON body")
        }
        other => panic!("{context}: no answer: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_fanned_out_answers_once_per_context() {
    let (a, b) = (common::demo::start(3).await, common::demo::start(3).await);
    // b is slow: a's answer must not wait for it.
    b.faults.set_latency(Duration::from_millis(1500));
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = merged_kubeconfig(dir.path(), &[("a", &a), ("b", &b)]);
    let calls: Arc<Mutex<Vec<CallRecord>>> = Arc::default();
    let seen = calls.clone();
    let client = ClientOptions {
        on_call: Some(Arc::new(move |r: CallRecord| {
            seen.lock().expect("not poisoned").push(r)
        })),
        ..ClientOptions::default()
    };
    let mut app = Harness::start(
        &kubeconfig,
        "a",
        Some("default"),
        client,
        TaskOptions::default(),
    );
    // The fleet itself is opened by other code; here only its membership matters.
    app.state.fleet = Some(Fleet::new(&["a".to_string(), "b".to_string()]));
    app.state.focus = kr8s_tui::state::Focus::Namespaces;
    app.key(KeyCode::Char('R'), KeyModifiers::NONE);
    // kr8s's version(): base /version, no version, cluster-wide.
    app.key(KeyCode::Tab, KeyModifiers::NONE);
    app.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    app.key(KeyCode::Tab, KeyModifiers::NONE);
    for c in "/version".chars() {
        app.key(KeyCode::Char(c), KeyModifiers::NONE);
    }
    app.key(KeyCode::Tab, KeyModifiers::NONE);
    app.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(app.state.raw.resolved().as_deref(), Ok("/version/"));
    app.key(KeyCode::Char('a'), KeyModifiers::ALT);

    let sent = app.state.raw.fanout.as_ref().map(|f| f.columns.len());
    assert_eq!(sent, Some(2), "{:?}", app.state.raw.error);

    app.until("a's answer", WAIT, |s| received(s, "a")).await;
    assert!(
        matches!(answer(&app.state, "b"), Some(Answer::Waiting)),
        "the slow context is still on its way"
    );
    app.until("b's answer", WAIT, |s| received(s, "b")).await;
    for context in ["a", "b"] {
        let body = version(&app.state, context);
        assert!(body["gitVersion"].is_string(), "{context}: {body}");
    }
    // Each /version/ call of the fan-out is logged under its own context.
    let calls = calls.lock().expect("not poisoned").clone();
    for context in ["a", "b"] {
        let logged = calls
            .iter()
            .any(|c| c.path == "/version/" && c.context.as_deref() == Some(context));
        assert!(logged, "{context}: {calls:#?}");
    }
}
