//! Our native describe next to `kubectl describe pod`, line by line: every pod of the demo, and
//! on a real kube-apiserver every seeded pod plus one using most of what describe prints
//! (tests/fixtures/rich-pod.yaml). Skipped when kubectl (or the real server) is missing.
//!
//! Accepted differences: times are printed in UTC (kubectl uses the local zone, so it runs with
//! TZ=UTC here); an env var from `metadata.labels['…']` shows its value (kubectl 1.33 leaves it
//! empty); a projected source's `optional: true` shows `true` (kubectl prints a Go pointer).

use crate::common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::real;
use kr8s_tui::demo::{self, DemoOptions, ServeOptions};
use kr8s_tui::state::describe::describe_pod;

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .env("TZ", "UTC")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn json(kubeconfig: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&kubectl(kubeconfig, args)).expect("kubectl prints JSON")
}

/// Ages ("4d21h", "12s") depend on the instant each side looked; everything else must match.
fn is_age(word: &str) -> bool {
    let units = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !word.is_empty()
        && word.chars().next().is_some_and(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || "smhdy".contains(c))
        && !units.is_empty()
}

/// Event lines compared word by word with ages masked (an age's width may shift the columns);
/// every other line compared exactly, trailing spaces aside.
fn assert_same(pod: &str, ours: &[String], theirs: &str) {
    let theirs: Vec<&str> = theirs.lines().collect();
    let context = format!(
        "pod {pod}\n--- ours\n{}\n--- kubectl\n{}",
        ours.join("\n"),
        theirs.join("\n")
    );
    assert_eq!(ours.len(), theirs.len(), "line count, {context}");
    let mut in_events = false;
    for (a, b) in ours.iter().zip(&theirs) {
        in_events |= a.starts_with("Events:");
        if in_events {
            let mask = |l: &str| -> Vec<String> {
                l.split_whitespace()
                    .map(|w| match is_age(w.trim_matches(['(', ')'])) {
                        true => "AGE".into(),
                        false => w.to_string(),
                    })
                    .collect()
            };
            assert_eq!(mask(a), mask(b), "{context}");
        } else {
            assert_eq!(a.trim_end(), b.trim_end(), "{context}");
        }
    }
}

/// `kubectl describe pods -A` split into one text per pod (kubectl puts two blank lines between
/// objects), keyed by namespace/name.
fn kubectl_describe_all(kubeconfig: &Path) -> HashMap<String, String> {
    let all = kubectl(kubeconfig, &["describe", "pods", "-A"]);
    all.split("\n\n\n")
        .map(|text| {
            let value = |label: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(label))
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let key = format!("{}/{}", value("Namespace:"), value("Name:"));
            (key, text.to_string())
        })
        .collect()
}

/// Describes every pod both ways and compares them; `skip` lists lines allowed to differ.
fn compare_all(kubeconfig: &Path, skip: &[&str]) -> usize {
    let pods = json(kubeconfig, &["get", "pods", "-A", "-o", "json"]);
    let events = json(kubeconfig, &["get", "events", "-A", "-o", "json"]);
    let described = kubectl_describe_all(kubeconfig);
    let events = events["items"].as_array().cloned().unwrap_or_default();
    let pods = pods["items"].as_array().cloned().unwrap_or_default();
    for pod in &pods {
        let key = format!(
            "{}/{}",
            pod["metadata"]["namespace"].as_str().unwrap_or_default(),
            pod["metadata"]["name"].as_str().unwrap_or_default(),
        );
        let theirs = described
            .get(&key)
            .unwrap_or_else(|| panic!("kubectl described {key}"));
        let about: Vec<Value> = events
            .iter()
            .filter(|e| e["involvedObject"]["uid"] == pod["metadata"]["uid"])
            .cloned()
            .collect();
        let ours = describe_pod(pod, &about, jiff::Timestamp::now());
        let keep = |l: &&str| !skip.iter().any(|s| l.trim_start().starts_with(s));
        let ours: Vec<String> = ours
            .iter()
            .map(String::as_str)
            .filter(keep)
            .map(str::to_string)
            .collect();
        let theirs: String = theirs.lines().filter(keep).collect::<Vec<_>>().join("\n");
        assert_same(&key, &ours, &theirs);
    }
    pods.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_pod_describes_as_kubectl_does_line_by_line() {
    if !kubectl_available() {
        println!("skipping: kubectl not found in PATH");
        return;
    }
    let opts = DemoOptions {
        churn: 0.0,
        ..DemoOptions::default()
    };
    let handle = demo::start(opts, ServeOptions::default())
        .await
        .expect("demo starts");
    let kc = handle.kubeconfig_path.clone();
    let compared = tokio::task::spawn_blocking(move || compare_all(&kc, &[]))
        .await
        .expect("kubectl thread");
    assert!(compared >= 50, "only {compared} demo pods compared");
    drop(handle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_apiserver_pods_describe_as_kubectl_does_line_by_line() {
    let Some(server) = real::server() else {
        return;
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich-pod.yaml");
    let kc = server.kubeconfig.clone();
    let compared = tokio::task::spawn_blocking(move || {
        kubectl(&kc, &["apply", "-f", &fixture.to_string_lossy()]);
        compare_all(&kc, &["TIER:", "ConfigMapOptional:"])
    })
    .await
    .expect("kubectl thread");
    assert!(compared > real::SEEDED_PODS, "{compared} pods compared");
}
