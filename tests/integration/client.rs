//! kr8s-tui's own client against the demo server over real TLS: certificates, tokens, token
//! files, exec plugins, proxies, timeouts, Status errors, pagination, watch, logs, delete.

use crate::common;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use futures::StreamExt;
use http::Method;
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::kube::kubeconfig::Kubeconfig;
use kr8s_tui::kube::table::RowFromPod;
use kr8s_tui::kube::{
    ApiRequest, CallRecord, Client, ClientOptions, KubeError, ListParams, WatchEvent,
};

use common::proxy::ConnectProxy;

async fn start_demo(pods: usize) -> DemoHandle {
    common::demo::start(pods).await
}

/// Writes a kubeconfig for the demo server with the given cluster and user stanza bodies.
fn kubeconfig(dir: &Path, cluster: &str, user: &str) -> std::path::PathBuf {
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: c\n  cluster:\n{cluster}\nusers:\n- name: u\n  user:\n{user}\ncontexts:\n- name: t\n  context:\n    cluster: c\n    user: u\n    namespace: default\n"
    );
    let path = dir.join("config");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

fn ca_data(demo: &DemoHandle) -> String {
    base64::engine::general_purpose::STANDARD.encode(demo.ca_pem.as_bytes())
}

/// A cluster stanza that trusts exactly the demo CA.
fn verified_cluster(demo: &DemoHandle) -> String {
    format!(
        "    server: {}\n    certificate-authority-data: {}",
        server(demo),
        ca_data(demo)
    )
}

fn server(demo: &DemoHandle) -> String {
    format!("https://{}", demo.addr)
}

fn client_for(path: &Path, opts: ClientOptions) -> Client {
    let k = Kubeconfig::from_files(&[path.to_path_buf()]).expect("kubeconfig loads");
    let conn = k.connection("t", None).expect("context resolves");
    Client::new(conn, opts).expect("client builds")
}

fn token_client(demo: &DemoHandle, dir: &Path) -> Client {
    let path = kubeconfig(
        dir,
        &format!(
            "    server: {}\n    certificate-authority-data: {}",
            server(demo),
            ca_data(demo)
        ),
        &format!("    token: {}", demo.token),
    );
    client_for(&path, ClientOptions::default())
}

#[tokio::test]
async fn token_auth_and_version_over_verified_tls() {
    let demo = start_demo(20).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let (version, latency) = client.version().await.expect("version");
    assert!(version.git_version.starts_with('v'), "{version:?}");
    assert!(latency < Duration::from_secs(5));
}

#[tokio::test]
async fn unknown_ca_is_rejected() {
    let demo = start_demo(5).await;
    let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(
        dir.path(),
        &format!(
            "    server: {}\n    certificate-authority-data: {}",
            server(&demo),
            base64::engine::general_purpose::STANDARD.encode(other.cert.pem())
        ),
        &format!("    token: {}", demo.token),
    );
    let err = client_for(&path, ClientOptions::default())
        .version()
        .await
        .expect_err("an unknown CA must fail");
    let text = err.to_string();
    assert!(matches!(err, KubeError::Transport { .. }), "{text}");
    assert!(text.to_lowercase().contains("certificate"), "{text}");
}

#[tokio::test]
async fn insecure_skip_verify_and_tls_server_name() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let user = format!("    token: {}", demo.token);
    let path = kubeconfig(
        dir.path(),
        &format!(
            "    server: {}\n    insecure-skip-tls-verify: true",
            server(&demo)
        ),
        &user,
    );
    let client = client_for(&path, ClientOptions::default());
    assert!(client.insecure());
    client.version().await.expect("insecure works");

    for (name, ok) in [("localhost", true), ("wrong.example", false)] {
        let path = kubeconfig(
            dir.path(),
            &format!(
                "    server: {}\n    certificate-authority-data: {}\n    tls-server-name: {name}",
                server(&demo),
                ca_data(&demo)
            ),
            &user,
        );
        let result = client_for(&path, ClientOptions::default()).version().await;
        assert_eq!(result.is_ok(), ok, "tls-server-name {name}: {result:?}");
    }
}

#[tokio::test]
async fn client_certificate_auth() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let id = demo.issue_client_cert("alice").expect("client cert");
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cluster = format!(
        "    server: {}\n    certificate-authority-data: {}",
        server(&demo),
        ca_data(&demo)
    );
    // Certificate and key as files, relative to the kubeconfig (the usual kubeadm layout).
    std::fs::write(dir.path().join("alice.crt"), &id.cert_pem).expect("write cert");
    std::fs::write(dir.path().join("alice.key"), &id.key_pem).expect("write key");
    let path = kubeconfig(
        dir.path(),
        &cluster,
        "    client-certificate: alice.crt\n    client-key: alice.key",
    );
    let client = client_for(&path, ClientOptions::default());
    client.version().await.expect("client certificate accepted");
    let list = client
        .list_page::<RowFromPod>("/api/v1/pods", &ListParams::default())
        .await
        .expect("authenticated by certificate alone");
    assert_eq!(list.items.len(), 5);

    // The same as inline data; and a certificate from another CA is not accepted.
    let other = rcgen::generate_simple_self_signed(vec!["mallory".into()]).expect("cert");
    let path = kubeconfig(
        dir.path(),
        &cluster,
        &format!(
            "    client-certificate-data: {}\n    client-key-data: {}",
            b64(&other.cert.pem()),
            b64(&other.signing_key.serialize_pem())
        ),
    );
    let result = client_for(&path, ClientOptions::default()).version().await;
    assert!(result.is_err(), "untrusted client certificate: {result:?}");
}

#[tokio::test]
async fn missing_token_gives_the_servers_401_status() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(dir.path(), &verified_cluster(&demo), "    {}");
    let err = client_for(&path, ClientOptions::default())
        .version()
        .await
        .expect_err("no token");
    assert_eq!(err.code(), Some(401), "{err}");
}

#[tokio::test]
async fn token_file_is_reread_after_401() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "stale-token").expect("write token");
    let path = kubeconfig(dir.path(), &verified_cluster(&demo), "    tokenFile: token");
    let client = client_for(&path, ClientOptions::default());
    assert_eq!(
        client.version().await.map_err(|e| e.code()).err(),
        Some(Some(401))
    );
    // The token rotates on disk: the next 401 makes the client read it again.
    std::fs::write(&token_file, &demo.token).expect("rotate token");
    client.version().await.expect("re-read token works");
}

#[tokio::test]
async fn exec_plugin_is_cached_and_refreshed_once_after_401() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let tokens = dir.path().join("tokens");
    let count = dir.path().join("count");
    std::fs::write(&tokens, format!("expired-token\n{}\n", demo.token)).expect("tokens");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/client/exec-rotating.sh");
    let path = kubeconfig(
        dir.path(),
        &verified_cluster(&demo),
        &format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n      env:\n      - name: TOKENS_FILE\n        value: {}\n      - name: COUNT_FILE\n        value: {}",
            script.display(),
            tokens.display(),
            count.display()
        ),
    );
    let client = client_for(&path, ClientOptions::default());
    client
        .version()
        .await
        .expect("401 then refresh then success");
    client.version().await.expect("cached credential");
    let runs = std::fs::read_to_string(&count)
        .expect("count file")
        .lines()
        .count();
    assert_eq!(
        runs, 2,
        "one run, one refresh after the 401, then the cache"
    );
}

#[tokio::test]
async fn proxy_url_tunnels_requests() {
    let demo = start_demo(5).await;
    let proxy = ConnectProxy::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(
        dir.path(),
        &format!(
            "    server: {}\n    certificate-authority-data: {}\n    proxy-url: {}",
            server(&demo),
            ca_data(&demo),
            proxy.url
        ),
        &format!("    token: {}", demo.token),
    );
    client_for(&path, ClientOptions::default())
        .version()
        .await
        .expect("through the proxy");
    assert!(proxy.tunnels() >= 1);
}

#[tokio::test]
async fn request_timeout_is_a_typed_error_not_a_hang() {
    let demo = start_demo(5).await;
    demo.faults.set_latency(Duration::from_secs(3));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(
        dir.path(),
        &verified_cluster(&demo),
        &format!("    token: {}", demo.token),
    );
    let opts = ClientOptions {
        request_timeout: Some(Duration::from_millis(300)),
        ..ClientOptions::default()
    };
    let started = Instant::now();
    let err = client_for(&path, opts)
        .version()
        .await
        .expect_err("too slow");
    assert!(matches!(err, KubeError::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn server_errors_carry_the_status_message() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let req = ApiRequest {
        namespace: Some("default".into()),
        url: "pods/does-not-exist".into(),
        ..ApiRequest::default()
    };
    let err = client.call_api(&req).await.expect_err("404");
    assert_eq!(err.code(), Some(404));
    assert!(
        err.to_string()
            .contains("pods \"does-not-exist\" not found"),
        "{err}"
    );
}

#[tokio::test]
async fn pagination_returns_every_pod_once() {
    let demo = start_demo(60).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let params = ListParams {
        limit: Some(7),
        ..ListParams::default()
    };
    let first = client
        .list_page::<RowFromPod>("/api/v1/pods", &params)
        .await
        .expect("first page");
    assert_eq!(first.items.len(), 7);
    assert!(!first.continue_token.is_empty());
    let all = client
        .list_all::<RowFromPod>("/api/v1/pods", &params)
        .await
        .expect("all pages");
    let names: HashSet<_> = all
        .items
        .iter()
        .map(|RowFromPod(p)| (p.namespace.clone(), p.name.clone()))
        .collect();
    assert_eq!(all.items.len(), 60);
    assert_eq!(names.len(), 60);
}

#[tokio::test]
async fn watch_sees_a_graceful_delete_and_logs_stream() {
    let demo = start_demo(12).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let list = client
        .list_all::<RowFromPod>("/api/v1/pods", &ListParams::default())
        .await
        .expect("list");
    let RowFromPod(pod) = list.items.first().expect("seeded pods").clone();
    let (ns, name) = (pod.namespace.clone(), pod.name.clone());
    let params = ListParams {
        resource_version: Some(list.resource_version.clone()),
        ..ListParams::default()
    };
    let mut events = Box::pin(
        client
            .watch::<RowFromPod>(&format!("/api/v1/namespaces/{ns}/pods"), &params)
            .await
            .expect("watch starts"),
    );
    client
        .delete(&format!(
            "/api/v1/namespaces/{ns}/pods/{name}?gracePeriodSeconds=0"
        ))
        .await
        .expect("delete");
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut deleted = false;
    while Instant::now() < deadline && !deleted {
        let next = tokio::time::timeout(Duration::from_secs(15), events.next()).await;
        match next {
            Ok(Some(Ok(WatchEvent::Deleted(RowFromPod(p))))) if p.name == name => deleted = true,
            Ok(Some(Ok(_))) => {}
            other => panic!("watch ended early: {other:?}"),
        }
    }
    assert!(deleted, "DELETED event for {name}");

    let pods = client
        .list_all::<serde_json::Value>("/api/v1/pods", &ListParams::default())
        .await
        .expect("list as JSON");
    let pod = &pods.items[1];
    let container = pod["spec"]["containers"][0]["name"]
        .as_str()
        .map(str::to_string);
    let (ns, name) = (
        pod["metadata"]["namespace"].as_str().unwrap_or_default(),
        pod["metadata"]["name"].as_str().unwrap_or_default(),
    );
    let params = kr8s_tui::kube::client::LogParams {
        container,
        tail_lines: Some(3),
        ..Default::default()
    };
    let mut stream = Box::pin(client.logs(ns, name, &params).await.expect("logs"));
    let mut text = Vec::new();
    while let Some(chunk) = stream.next().await {
        text.extend_from_slice(&chunk.expect("log bytes"));
    }
    assert_eq!(String::from_utf8_lossy(&text).lines().count(), 3);
}

#[tokio::test]
async fn readonly_refuses_mutations_before_sending() {
    let demo = start_demo(5).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(
        dir.path(),
        &verified_cluster(&demo),
        &format!("    token: {}", demo.token),
    );
    let client = client_for(
        &path,
        ClientOptions {
            readonly: true,
            ..ClientOptions::default()
        },
    );
    let req = ApiRequest {
        method: Method::DELETE,
        namespace: Some("default".into()),
        url: "pods/x".into(),
        ..ApiRequest::default()
    };
    let err = client.send(&req).await.expect_err("refused");
    assert!(matches!(err, KubeError::ReadOnly(_)), "{err}");
    client.version().await.expect("GET still allowed");
}

/// The pods list the app makes: the server prints the rows (`as=Table`), page by page, and they
/// are the rows our printPod port makes from the whole pods, for every status the demo has.
#[tokio::test]
async fn server_printed_pages_match_our_printpod_rows() {
    use kr8s_tui::kube::table::server::decode_pods_page;
    let demo = start_demo(300).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let mut params = ListParams {
        limit: Some(70),
        ..ListParams::default()
    };
    let (mut printed, mut columns, mut pages) = (Vec::new(), None, 0);
    loop {
        let body = client
            .list_table_page_raw("/api/v1/pods", &params)
            .await
            .expect("table page");
        assert!(body.starts_with(br#"{"kind":"Table""#), "a Table came back");
        let now = jiff::Timestamp::now();
        printed
            .extend(decode_pods_page(&body, "/api/v1/pods", &mut columns, now).expect("decodes"));
        pages += 1;
        let (_, cont) = kr8s_tui::kube::client::list_head(&body, "/api/v1/pods").expect("head");
        if cont.is_empty() {
            break;
        }
        params.continue_token = Some(cont);
    }
    let ours: Vec<_> = client
        .list_all::<RowFromPod>("/api/v1/pods", &ListParams::default())
        .await
        .expect("pods")
        .items
        .into_iter()
        .map(|RowFromPod(row)| row)
        .collect();
    assert!(pages >= 5 && printed.len() == ours.len() && ours.len() >= 300);
    let mut restarted = 0;
    for (p, o) in printed.iter().zip(&ours) {
        // The printed "(29h ago)" is rounded down to its unit, coarser the older the restart
        // (seconds, minutes, hours, then days); everything else is exact.
        if let (Some(pt), Some(ot)) = (p.last_restart, o.last_restart) {
            let slack = pt.duration_since(ot).as_secs();
            let unit = match jiff::Timestamp::now().duration_since(ot).as_secs() {
                ago if ago < 600 => 1,
                ago if ago < 8 * 3600 => 60,
                ago if ago < 8 * 86_400 => 3600,
                _ => 86_400,
            };
            assert!(
                (0..=unit + 5).contains(&slack),
                "{}: restart time off by {slack}s",
                o.name
            );
            restarted += 1;
        }
        assert_eq!(
            p.last_restart.is_some(),
            o.last_restart.is_some() && o.restarts > 0
        );
        let (mut p, mut o) = (p.clone(), o.clone());
        (p.last_restart, o.last_restart) = (None, None);
        // A printed row has no spec, so no requests and limits (the metrics poll reads them).
        (p.resources, o.resources) = (None, None);
        assert_eq!(p, o);
    }
    assert!(restarted > 0, "the demo has restarted pods");
}

/// A capped send keeps the first bytes and counts the rest without holding them (the raw pane
/// shows "truncated N" instead of buffering a 100k-pod list).
#[tokio::test]
async fn capped_send_keeps_the_head_and_counts_the_rest() {
    let demo = start_demo(40).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let client = token_client(&demo, dir.path());
    let req = ApiRequest {
        url: "pods".into(),
        ..ApiRequest::default()
    };
    let whole = client.send(&req).await.expect("list");
    assert!(whole.body.len() > 4096);
    assert_eq!(whole.total_bytes, whole.body.len() as u64);
    let capped = client.send_capped(&req, 1000).await.expect("capped list");
    assert_eq!(capped.status, 200);
    assert_eq!(capped.body.len(), 1000);
    assert_eq!(capped.total_bytes, whole.total_bytes);
    assert_eq!(capped.body[..], whole.body[..1000]);
}

/// The server's deprecation warnings land on the call's record (the request log), and
/// discovery finds the deprecated kind by its short name; every record names its context.
#[tokio::test]
async fn server_warnings_are_recorded_per_call() {
    let demo = start_demo(3).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = kubeconfig(
        dir.path(),
        &verified_cluster(&demo),
        &format!("    token: {}", demo.token),
    );
    let records = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = records.clone();
    let opts = ClientOptions {
        on_call: Some(std::sync::Arc::new(move |r: CallRecord| {
            seen.lock().expect("not poisoned").push(r)
        })),
        ..ClientOptions::default()
    };
    let client = client_for(&path, opts);
    let found = kr8s_tui::kube::discovery::discover(&client)
        .await
        .expect("discovery");
    let cs = kr8s_tui::kube::discovery::resolve("cs", &found).expect("cs resolves");
    client
        .get_accept(&cs.collection_path(None), "application/json")
        .await
        .expect("componentstatuses list");
    // Like the real apiserver, the demo has no watch for them.
    let watch = client
        .watch::<serde_json::Value>(&cs.collection_path(None), &ListParams::default())
        .await
        .err();
    assert!(
        matches!(watch, Some(KubeError::Api { code: 405, .. })),
        "{watch:?}"
    );
    let records = records.lock().expect("not poisoned").clone();
    let warned: Vec<(&str, &[String])> = records
        .iter()
        .map(|r| (r.path.as_str(), r.warnings.as_slice()))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let text = ["v1 ComponentStatus is deprecated in v1.19+".to_string()];
    assert_eq!(
        warned,
        [("/api/v1/componentstatuses", &text[..])],
        "{records:#?}"
    );
    // Each call names the context of its client, for the request log's CONTEXT column.
    assert!(
        records.iter().all(|r| r.context.as_deref() == Some("t")),
        "{records:#?}"
    );
}
