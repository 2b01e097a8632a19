//! Our native describe next to `kubectl describe pod` on the same demo pod, field by field.
//! Skipped when kubectl is not installed.
//!
//! Accepted differences: `Start Time` and state timestamps are RFC 3339 here (kubectl prints
//! RFC 1123) with the age added; env vars are listed by name only; volumes show their type, not
//! every source field; no `IPs:` block, `Host Port` or readiness/liveness probe lines; label
//! column widths differ (kubectl realigns some sections).

use std::process::Command;

use kr8s_tui::demo::{self, DemoOptions, ServeOptions};
use kr8s_tui::state::describe::describe_pod;

fn kubectl(kubeconfig: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
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

/// The value of the first `Label:  value` line.
fn value_of(text: &str, label: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix(&format!("{label}:"))?;
        Some(rest.trim().to_string())
    })
}

/// Event reasons in the order printed.
fn event_reasons(text: &str) -> Vec<String> {
    let Some(start) = text.find("Events:") else {
        return Vec::new();
    };
    text[start..]
        .lines()
        .skip(3)
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_matches_kubectl_field_by_field() {
    if !Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
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
    let kc2 = kc.clone();
    let (theirs, pod, events) = tokio::task::spawn_blocking(move || {
        let names = kubectl(&kc2, &["get", "pods", "-n", "payments", "-o", "name"]);
        let name = names
            .lines()
            .find(|l| l.contains("payments-api"))
            .and_then(|l| l.strip_prefix("pod/"))
            .expect("a payments-api pod")
            .to_string();
        let theirs = kubectl(&kc2, &["describe", "pod", "-n", "payments", &name]);
        let pod = kubectl(&kc2, &["get", "pod", "-n", "payments", &name, "-o", "json"]);
        let selector = format!("involvedObject.name={name},involvedObject.namespace=payments");
        let events = kubectl(
            &kc2,
            &[
                "get",
                "events",
                "-n",
                "payments",
                "--field-selector",
                &selector,
                "-o",
                "json",
            ],
        );
        (theirs, pod, events)
    })
    .await
    .expect("kubectl thread");
    let pod: serde_json::Value = serde_json::from_str(&pod).expect("pod json");
    let events: serde_json::Value = serde_json::from_str(&events).expect("events json");
    let items = events["items"].as_array().cloned().unwrap_or_default();
    let ours = describe_pod(&pod, &items, jiff::Timestamp::now()).join("\n");

    let fields = [
        "Name",
        "Namespace",
        "Priority",
        "Container ID",
        "Image ID",
        "Service Account",
        "Node",
        "Status",
        "IP",
        "Controlled By",
        "QoS Class",
        "Image",
        "Port",
        "Ready",
        "Restart Count",
    ];
    for field in fields {
        assert_eq!(
            value_of(&ours, field),
            value_of(&theirs, field),
            "field {field}\n--- ours\n{ours}\n--- kubectl\n{theirs}"
        );
    }
    assert_eq!(
        event_reasons(&ours),
        event_reasons(&theirs),
        "events, newest last\n--- ours\n{ours}\n--- kubectl\n{theirs}"
    );
    drop(handle);
    let _ = kc;
}
