//! `kr8s-tui api ...` end to end: the binary against the demo server over TLS.

use crate::common;

use std::process::Command;

fn api(kubeconfig: &std::path::Path, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .arg("api")
        .args(args)
        .output()
        .expect("run kr8s-tui api")
}

#[tokio::test(flavor = "multi_thread")]
async fn version_pods_yaml_errors_and_readonly() {
    let demo = common::demo::start(30).await;
    let kc = demo.kubeconfig_path.clone();
    let out = tokio::task::spawn_blocking(move || {
        let version = api(&kc, &["GET", "--version", "", "--base", "/version"]);
        let pods = api(
            &kc,
            &["GET", "--url", "pods", "-n", "default", "-o", "yaml"],
        );
        let missing = api(&kc, &["GET", "--url", "pods/nope", "-n", "default"]);
        let bad = api(&kc, &["GET", "--version", "v2", "--url", "things"]);
        let refused = api(
            &kc,
            &["--readonly", "DELETE", "--url", "pods/x", "-n", "default"],
        );
        (version, pods, missing, bad, refused)
    })
    .await
    .expect("commands ran");
    let (version, pods, missing, bad, refused) = out;

    assert!(version.status.success());
    let v: serde_json::Value = serde_json::from_slice(&version.stdout).expect("version is JSON");
    assert!(v["gitVersion"].as_str().is_some_and(|s| s.starts_with('v')));

    assert!(
        pods.status.success(),
        "{}",
        String::from_utf8_lossy(&pods.stderr)
    );
    let text = String::from_utf8_lossy(&pods.stdout);
    assert!(text.contains("kind: PodList"), "{text}");

    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("Error from server (NotFound): pods \"nope\" not found"),
        "{err}"
    );

    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("base must be specified"), "{err}");

    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--readonly"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn data_sends_the_body_like_body_does() {
    let demo = common::demo::start(3).await;
    let kc = demo.kubeconfig_path.clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("faults.yaml");
    std::fs::write(&file, "latencyMs: 7\n").expect("write body");
    let from_file = format!("@{}", file.display());
    let out = tokio::task::spawn_blocking(move || {
        // POST /demo/faults answers with the settings it applied, so the body shows it arrived.
        let post = |data: &str| {
            api(
                &kc,
                &[
                    "POST",
                    "--version",
                    "",
                    "--base",
                    "/demo/faults",
                    "--data",
                    data,
                ],
            )
        };
        (post(&from_file), post(r#"{"latencyMs": 0}"#))
    })
    .await
    .expect("commands ran");
    for (out, want) in [(&out.0, 7), (&out.1, 0)] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("answer is JSON");
        assert_eq!(v["latencyMs"], want, "{v}");
    }
}

#[test]
fn data_and_body_together_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    // clap refuses before any kubeconfig is read.
    let out = api(
        &dir.path().join("unused"),
        &["POST", "--url", "pods", "--data", "{}", "--body", "{}"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'--data <DATA>' cannot be used with '--body <BODY>'"),
        "{err}"
    );
}

/// Runs the binary with stdout into a pipe whose reader has gone, as after `| head -1` read
/// its line (closed before the first write, so every run meets it); returns the exit code
/// and stderr.
fn into_a_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kr8s-tui");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr).expect("stderr");
    }
    let status = child.wait().expect("exit");
    (status.code(), stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_quietly() {
    let (code, stderr) =
        tokio::task::spawn_blocking(|| into_a_closed_pipe(&["completions", "bash"]))
            .await
            .expect("ran");
    assert_eq!((code, stderr.as_str()), (Some(0), ""), "completions | head");
    let demo = common::demo::start(3000).await;
    let kc = demo.kubeconfig_path.display().to_string();
    let (code, stderr) = tokio::task::spawn_blocking(move || {
        let args = [
            "--kubeconfig",
            &kc,
            "api",
            "GET",
            "--url",
            "pods",
            "-n",
            "default",
        ];
        into_a_closed_pipe(&args)
    })
    .await
    .expect("ran");
    assert_eq!(stderr, "", "no panic, no error line");
    assert_eq!(code, Some(141), "api | head: the SIGPIPE status, quietly");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_warnings_reach_stderr_like_kubectl() {
    let demo = common::demo::start(3).await;
    let kc = demo.kubeconfig_path.clone();
    let out = tokio::task::spawn_blocking(move || api(&kc, &["GET", "--url", "componentstatuses"]))
        .await
        .expect("command ran");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.matches("Warning: v1 ComponentStatus is deprecated in v1.19+\n")
            .count(),
        1,
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is only JSON");
    assert_eq!(v["kind"], "ComponentStatusList");
    assert_eq!(v["items"][0]["metadata"]["name"], "controller-manager");
}
