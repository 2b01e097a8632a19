//! Secrets stay secret (Debug output, errors) and `--readonly` refuses every mutating verb in the
//! client — the one place all requests pass — before anything reaches the server.

use crate::common;

use std::path::Path;

use bytes::Bytes;
use http::Method;
use kr8s_tui::kube::kubeconfig::{Kubeconfig, LoadOptions, discover};
use kr8s_tui::kube::{ApiCache, ApiRequest, Client, ClientOptions, KubeError};

fn client(kubeconfig: &Path, readonly: bool) -> Client {
    let source = discover(&LoadOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        ..LoadOptions::default()
    })
    .expect("kubeconfig loads");
    let cache = ApiCache::new(
        source,
        None,
        ClientOptions {
            readonly,
            ..ClientOptions::default()
        },
    );
    cache.api(Some("demo"), None).expect("client")
}

#[tokio::test]
async fn readonly_refuses_every_mutating_verb_before_the_server_sees_it() {
    let demo = common::demo::start(6).await;
    let ro = client(&demo.kubeconfig_path, true);
    let list = ro
        .call_api(&ApiRequest {
            namespace: Some("default".into()),
            url: "pods".into(),
            ..ApiRequest::default()
        })
        .await
        .expect("GET is allowed");
    let body: serde_json::Value = serde_json::from_slice(&list.body).expect("json");
    let name = body["items"][0]["metadata"]["name"]
        .as_str()
        .expect("a pod")
        .to_string();
    let pod_path = format!("/api/v1/namespaces/default/pods/{name}");

    let err = ro.delete(&pod_path).await.expect_err("delete refused");
    assert!(matches!(err, KubeError::ReadOnly(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("refused: DELETE {pod_path} is not allowed in --readonly mode")
    );
    for method in [
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::from_bytes(b"PROPFIND").expect("method"),
    ] {
        let req = ApiRequest {
            method: method.clone(),
            namespace: Some("default".into()),
            url: format!("pods/{name}"),
            body: Some(Bytes::from_static(b"{}")),
            ..ApiRequest::default()
        };
        for result in [ro.send(&req).await, ro.call_api(&req).await] {
            let err = result.expect_err("refused");
            assert!(matches!(err, KubeError::ReadOnly(_)), "{method}: {err:?}");
        }
    }
    // Nothing reached the server: the pod is still there and not terminating.
    let rw = client(&demo.kubeconfig_path, false);
    let pod = rw
        .call_api(&ApiRequest {
            namespace: Some("default".into()),
            url: format!("pods/{name}"),
            ..ApiRequest::default()
        })
        .await
        .expect("pod still exists");
    let pod: serde_json::Value = serde_json::from_slice(&pod.body).expect("json");
    assert!(pod["metadata"]["deletionTimestamp"].is_null());
    // Without --readonly the same delete goes through.
    rw.delete(&pod_path).await.expect("delete allowed");
}

#[tokio::test]
async fn debug_output_and_errors_never_show_credentials() {
    let demo = common::demo::start(2).await;
    let config = Kubeconfig::from_files(std::slice::from_ref(&demo.kubeconfig_path)).expect("load");
    let conn = config.connection("demo", None).expect("resolve");
    let c = client(&demo.kubeconfig_path, false);
    let source = discover(&LoadOptions {
        kubeconfig: Some(demo.kubeconfig_path.clone()),
        ..LoadOptions::default()
    })
    .expect("load");
    let dumps = [
        format!("{conn:?}"),
        format!("{conn:#?}"),
        format!("{c:?}"),
        format!("{config:?}"),
        format!("{source:?}"),
    ];
    for dump in &dumps {
        assert!(!dump.contains(&demo.token), "token in Debug output: {dump}");
    }
    // A server that rejects the token: the 401 error does not quote it back.
    let dir = tempfile::tempdir().expect("dir");
    let text = std::fs::read_to_string(&demo.kubeconfig_path).expect("read");
    let wrong = "wrong-token-0123456789abcdef";
    let path = dir.path().join("wrong.yaml");
    std::fs::write(&path, text.replace(&demo.token, wrong)).expect("write");
    let err = client(&path, false)
        .version()
        .await
        .expect_err("401")
        .to_string();
    assert!(err.contains("401"), "{err}");
    assert!(!err.contains(wrong) && !err.contains(&demo.token), "{err}");
}
