//! Several clusters in one table, keys in and screen out: two `kr8s-tui demo-server`
//! processes in one KUBECONFIG, `--context a,b -A`. A pod deleted with kubectl in b leaves the
//! table; killing b names it with ✗ while a keeps updating; b started again comes back.

use crate::common;

use std::time::Duration;

use common::fleet::Fleet;
use common::live::kubectl_available;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(60);

/// The table's lines naming pod `name`, as (context, line).
fn rows_of(screen: &str, name: &str) -> Vec<(String, String)> {
    screen
        .lines()
        .filter(|l| l.contains(name) && !l.contains("Pods(") && !l.contains("no pods match"))
        .map(|l| {
            let cells: Vec<&str> = l
                .trim_matches(|c: char| c == '┃' || c == '│' || c.is_whitespace() || c == '▶')
                .split_whitespace()
                .collect();
            (cells.first().unwrap_or(&"").to_string(), l.to_string())
        })
        .collect()
}

#[test]
fn two_demo_servers_in_one_table_survive_a_kill_and_a_restart() {
    if !kubectl_available() {
        return;
    }
    let mut fleet = Fleet::start(&["a", "b"], &["--demo-pods", "40", "--demo-churn", "0"]);
    let kubeconfig = fleet.kubeconfig();
    let env = [("KUBECONFIG", kubeconfig.as_str())];
    let mut app = PtyApp::spawn_with_env(&["--context", "a,b", "-A"], &env, 160, 40);
    let screen = app.wait_text("a 40 · b 40", WAIT);
    assert!(screen.contains("CONTEXT"), "{screen}");
    app.wait_text("80 pods", WAIT);

    // A pod both clusters have (same seed): the filter shows a's row and b's.
    let listed = fleet.kubectl_ok("b", &["get", "pods", "-n", "web", "-o", "name"]);
    let pod = listed
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("pod/"))
        .expect("a pod in b's web namespace")
        .to_string();
    app.send("/");
    app.send(&pod);
    app.send("\r");
    let screen = app.wait_for("both rows", WAIT, |s| rows_of(s, &pod).len() == 2);
    let contexts: Vec<String> = rows_of(&screen, &pod).into_iter().map(|(c, _)| c).collect();
    assert_eq!(contexts, ["a", "b"], "{screen}");

    // Deleted through kubectl in b: b's row goes, a's stays.
    fleet.kubectl_ok("b", &["delete", "pod", "-n", "web", &pod, "--wait=false"]);
    app.wait_for("b's row gone", WAIT, |s| {
        let rows = rows_of(s, &pod);
        rows.len() == 1 && rows[0].0 == "a"
    });

    // b killed: named with ✗; a keeps updating (its copy of the pod is deleted too).
    fleet.kill("b");
    app.wait_text("b ✗", WAIT);
    fleet.kubectl_ok("a", &["delete", "pod", "-n", "web", &pod, "--wait=false"]);
    app.wait_for("a's row gone while b is down", WAIT, |s| {
        rows_of(s, &pod).is_empty()
    });
    assert!(app.screen().contains("b ✗"), "{}", app.screen());

    // b again (same address, CA and token): its rows come back, the pod among them.
    fleet.restart("b");
    // b's last rows (the pod gone) may count 40 before its relist lands: wait for the pod.
    let screen = app.wait_for("b listed again", WAIT, |s| {
        s.contains("b 40") && !s.contains("b ✗") && !rows_of(s, &pod).is_empty()
    });
    let back = rows_of(&screen, &pod);
    assert_eq!(back.len(), 1, "{screen}");
    assert_eq!(
        back[0].0, "b",
        "the new b holds its seeded pod again: {screen}"
    );
    app.send("q");
    assert!(app.wait_exit(Duration::from_secs(10)));
}

#[test]
fn all_contexts_opens_every_context_and_an_unknown_one_is_named() {
    let fleet = Fleet::start(&["a"], &["--demo-pods", "12", "--demo-churn", "0"]);
    let kubeconfig = fleet.kubeconfig();
    let env = [("KUBECONFIG", kubeconfig.as_str())];
    // The demo's kubeconfig has three contexts on one cluster (a token, a client certificate,
    // and kube-system as the default namespace).
    let mut app = PtyApp::spawn_with_env(&["--all-contexts", "-A"], &env, 160, 30);
    app.wait_text("a 12 · a-cert 12 · a-kube-system 12", WAIT);
    app.wait_text("36 pods", WAIT);
    app.send("q");
    assert!(app.wait_exit(Duration::from_secs(10)));

    let mut app = PtyApp::spawn_with_env(&["--context", "a,nope,a-cert", "-A"], &env, 160, 30);
    app.wait_text("a 12 · a-cert 12", WAIT);
    // A frame can be caught half drawn: wait for the status bar's own text rather than read it
    // from the screen that showed the counts.
    app.wait_text("no such context in the kubeconfig: nope", WAIT);
    app.send("q");
    assert!(app.wait_exit(Duration::from_secs(10)));
}
