//! Property tests for the parsers that see untrusted input: the kubeconfig loader, kr8s's URL
//! builder and the watch-event decoder. Case counts are bounded so CI stays fast.

use std::io::Write;

use proptest::prelude::*;

use kr8s_tui::kube::client::{WatchEvent, decode_watch_event};
use kr8s_tui::kube::kubeconfig::Kubeconfig;
use kr8s_tui::kube::table::RowFromPod;
use kr8s_tui::kube::url::construct_path;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A YAML scalar or small structure of any type, to put where a string or list is expected.
fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9./:-]{0,12}",
        Just("~".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[a, {b: c}]".to_string()),
        Just("{server: [1, 2]}".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        Just("\"\\u001b[2J\"".to_string()),
        Just("!!binary aGVsbG8=".to_string()),
    ]
}

fn field() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "server",
        "certificate-authority",
        "certificate-authority-data",
        "insecure-skip-tls-verify",
        "tls-server-name",
        "proxy-url",
        "cluster",
        "user",
        "namespace",
        "token",
        "tokenFile",
        "client-certificate-data",
        "client-key-data",
        "username",
        "password",
        "exec",
        "auth-provider",
    ])
    .prop_map(str::to_string)
}

/// Kubeconfigs with the right shape but random field names, values and types.
fn kubeconfig_text() -> impl Strategy<Value = String> {
    let stanza = || {
        (
            "[a-z]{1,4}",
            prop::collection::vec((field(), yaml_value()), 0..5),
        )
    };
    (
        prop::collection::vec(stanza(), 0..3),
        prop::collection::vec(stanza(), 0..3),
        prop::collection::vec(stanza(), 0..3),
        prop::option::of("[a-z]{1,4}"),
    )
        .prop_map(|(clusters, contexts, users, current)| {
            let mut out = String::from("apiVersion: v1\nkind: Config\n");
            if let Some(c) = current {
                out.push_str(&format!("current-context: {c}\n"));
            }
            for (key, inner, list) in [
                ("clusters", "cluster", clusters),
                ("contexts", "context", contexts),
                ("users", "user", users),
            ] {
                out.push_str(&format!("{key}:\n"));
                for (name, fields) in list {
                    out.push_str(&format!("- name: {name}\n  {inner}:\n"));
                    for (f, v) in fields {
                        out.push_str(&format!("    {f}: {v}\n"));
                    }
                }
            }
            out
        })
}

fn load(text: &[u8]) -> (tempfile::NamedTempFile, Result<Kubeconfig, String>) {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(text).expect("write");
    let result = Kubeconfig::from_files(&[file.path().to_path_buf()]).map_err(|e| e.to_string());
    (file, result)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn kubeconfig_loader_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (file, result) = load(&bytes);
        if let Err(e) = result {
            let name = file.path().file_name().and_then(|n| n.to_str()).unwrap_or_default();
            prop_assert!(e.contains(name), "error names the file: {}", e);
        }
    }

    #[test]
    fn kubeconfig_stanzas_fail_alone_and_never_panic(text in kubeconfig_text()) {
        let (file, result) = load(text.as_bytes());
        let config = match result {
            Ok(c) => c,
            Err(e) => {
                let name = file.path().file_name().and_then(|n| n.to_str()).unwrap_or_default();
                prop_assert!(e.contains(name), "{}", e);
                return Ok(());
            }
        };
        for ctx in config.contexts() {
            // Resolving reads no network; any problem is an error, never a panic.
            // (Errors may quote names from the file; the UI sanitizes whatever it draws.)
            if let Err(e) = config.connection(&ctx.name, None) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn url_builder_follows_kr8s_rules(
        version in prop_oneof![Just(String::new()), Just("v1".to_string()), Just("apps/v1".to_string()), "[a-z0-9/]{0,8}"],
        base in prop_oneof![Just(String::new()), Just("/version".to_string()), "/[a-z]{0,6}"],
        namespace in prop::option::of("[a-z0-9-]{0,8}"),
        url in "[a-z0-9/._-]{0,16}",
    ) {
        let result = construct_path(&version, &base, namespace.as_deref(), &url);
        let needs_base = base.is_empty() && version != "v1" && !version.contains('/');
        match result {
            Err(e) => prop_assert!(needs_base, "unexpected error {}", e),
            Ok(path) => {
                prop_assert!(!needs_base);
                let expect_base = if !base.is_empty() { base.as_str() } else if version == "v1" { "/api" } else { "/apis" };
                prop_assert!(path.starts_with(expect_base), "{}", path);
                prop_assert!(path.ends_with(&format!("/{url}")), "{}", path);
                match namespace.as_deref().filter(|n| !n.is_empty()) {
                    Some(ns) => { let want = format!("/namespaces/{ns}/"); prop_assert!(path.contains(&want), "{}", path) }
                    None => prop_assert!(!path.contains("/namespaces//")),
                }
                let mut parts = vec![expect_base.to_string()];
                if !version.is_empty() { parts.push(version.clone()); }
                if let Some(ns) = namespace.as_deref().filter(|n| !n.is_empty()) { parts.push("namespaces".into()); parts.push(ns.into()); }
                parts.push(url.clone());
                prop_assert_eq!(path, parts.join("/"));
            }
        }
    }

    #[test]
    fn watch_decoder_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_watch_event::<RowFromPod>(&bytes);
    }

    #[test]
    fn watch_events_round_trip_and_truncations_are_errors(
        kind in prop::sample::select(vec!["ADDED", "MODIFIED", "DELETED"]),
        name in "\\PC{1,40}",
        namespace in "[a-z0-9-]{1,12}",
        rv in 1u64..u64::MAX,
        cut in 0usize..1000,
    ) {
        let object = serde_json::json!({
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": rv.to_string()},
            "status": {"phase": "Running"}
        });
        let line = serde_json::json!({"type": kind, "object": object}).to_string();
        let event = decode_watch_event::<RowFromPod>(line.as_bytes()).expect("valid line decodes");
        let row = match (kind, event) {
            ("ADDED", WatchEvent::Added(RowFromPod(r))) | ("MODIFIED", WatchEvent::Modified(RowFromPod(r))) | ("DELETED", WatchEvent::Deleted(RowFromPod(r))) => r,
            (k, other) => { prop_assert!(false, "{} decoded as {:?}", k, other); unreachable!() }
        };
        prop_assert_eq!(&row.name, &name);
        prop_assert_eq!(&row.namespace, &namespace);
        prop_assert_eq!(row.resource_version, rv.to_string());
        let cut = cut % line.len();
        prop_assert!(decode_watch_event::<RowFromPod>(&line.as_bytes()[..cut]).is_err(), "truncated at {} decoded", cut);
    }
}
