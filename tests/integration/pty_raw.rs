//! The raw-request pane in the real binary against `--demo`: call_api from inside the UI.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(20);
const BACKTAB: &str = "\x1b[Z";
const CLEAR: &str = "\x15"; // ctrl-u
const SEND: &str = "\x13"; // ctrl-s

#[test]
fn raw_requests_version_pods_404_and_readonly_refusal() {
    // The demo runs in the test so the test knows the token it must never see leaked.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt.block_on(common::demo::start(30));
    let kubeconfig = demo.kubeconfig_path.display().to_string();
    let args = [
        "--kubeconfig",
        &kubeconfig,
        "--readonly",
        "--log-level",
        "debug",
    ];
    let mut app = PtyApp::spawn(&args, 120, 40);
    app.wait_text("Running", WAIT);

    // Opened on a pod, the pane is prefilled with its path; the URL field has the focus.
    app.send("R");
    app.wait_text("Raw request", WAIT);
    app.wait_text("→ GET /api/v1/namespaces/default/pods/", WAIT);

    // kr8s's version(): version "", base "/version" → GET /version/
    app.send(CLEAR); // url
    app.send(BACKTAB);
    app.send(CLEAR); // namespace
    app.send(BACKTAB);
    app.send("/version"); // base
    app.send(BACKTAB);
    app.send(CLEAR); // version
    app.wait_text("→ GET /version/", WAIT);
    app.send(SEND);
    app.wait_text("gitVersion", WAIT);
    app.wait_text("200", WAIT);

    // After a send the response has the focus; Tab wraps to the method, then the version.
    // Pods of one namespace: version v1, base "" → /api/v1/namespaces/kube-system/pods
    app.send("\t\t");
    app.send("v1");
    app.send("\t");
    app.send(CLEAR);
    app.send("\t");
    app.send("kube-system");
    app.send("\t");
    app.send("pods");
    app.wait_text("→ GET /api/v1/namespaces/kube-system/pods", WAIT);
    app.send(SEND);
    app.wait_text("PodList", WAIT);

    // A missing pod: the server's Status message is shown.
    app.send("\t\t\t\t\t"); // method, version, base, namespace, url
    app.send(CLEAR);
    app.send("pods/nope");
    app.send(SEND);
    app.wait_text("pods \"nope\" not found", WAIT);

    // POST under --readonly is refused before anything is sent.
    app.send("\t"); // method
    app.send("\x1b[C"); // Right: GET → POST
    app.wait_text("→ POST", WAIT);
    app.send(SEND);
    let screen = app.wait_for("readonly refusal", WAIT, |s| {
        s.to_lowercase().contains("readonly")
    });
    assert!(!screen.contains("201"), "{screen}");

    // Copy as curl: an OSC 52 sequence whose text has a placeholder, not the token.
    app.send("\x1bc"); // alt-c
    let copied = app.wait_copied(WAIT);
    assert!(
        copied.contains("curl") && copied.contains("$TOKEN"),
        "{copied}"
    );

    app.send("\x03"); // ctrl-c quits from the pane
    assert!(app.wait_exit(WAIT));

    // Nothing the app wrote holds the token: screen output, log file, request history.
    let token = demo.token.as_str();
    assert!(!String::from_utf8_lossy(&app.output()).contains(token));
    let log = std::fs::read_to_string(&app.log_file).expect("log file written");
    assert!(
        log.contains("api call"),
        "debug log records requests:\n{log}"
    );
    assert!(!log.contains(token));
    let history_dir = app.home().join("data").join("kr8s-tui").join("history");
    let history: Vec<_> = std::fs::read_dir(&history_dir)
        .expect("history saved")
        .filter_map(Result::ok)
        .collect();
    assert!(!history.is_empty());
    for entry in history {
        let text = std::fs::read_to_string(entry.path()).expect("history readable");
        assert!(text.contains("/version") && !text.contains(token), "{text}");
    }
}
