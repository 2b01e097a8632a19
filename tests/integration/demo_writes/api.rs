//! Writes over HTTPS: conflicts, validation, dry runs, patch types, scale, eviction.

use kr8s_tui::demo::DemoOptions;
use reqwest::Method;
use serde_json::{Value, json};

use super::{HELLO, eventually, get, merge_patch, rv, write};
use crate::common::kubectl::{client, quiet, server};

const CONFLICT: &str = "Operation cannot be fulfilled on deployments.apps \"hello-web\": the object has been modified; please apply your changes to the latest version and try again";

#[tokio::test]
async fn put_with_a_stale_resource_version_is_a_409_and_changes_nothing() {
    let h = server(quiet()).await;
    let read = get(&h, HELLO).await.body;
    let mut mine = read.clone();
    mine["metadata"]["labels"]["mine"] = json!("1");
    // Someone else changes it first.
    let theirs = merge_patch(&h, HELLO, &json!({"metadata": {"labels": {"theirs": "1"}}})).await;
    assert_eq!(theirs.code, 200);
    let stale = write(&h, Method::PUT, HELLO, None, &mine).await;
    assert_eq!(stale.code, 409, "{}", stale.body);
    assert_eq!(stale.body["reason"], "Conflict");
    assert_eq!(stale.body["message"], CONFLICT);
    assert_eq!(
        stale.body["details"],
        json!({"name": "hello-web", "group": "apps", "kind": "deployments"})
    );
    let now = get(&h, HELLO).await.body;
    assert_eq!(now["metadata"]["labels"]["theirs"], "1");
    assert!(now["metadata"]["labels"].get("mine").is_none());

    // With the current resourceVersion the same PUT goes through and bumps it.
    mine["metadata"]["resourceVersion"] = now["metadata"]["resourceVersion"].clone();
    let put = write(&h, Method::PUT, HELLO, None, &mine).await;
    assert_eq!(put.code, 200, "{}", put.body);
    assert_eq!(put.body["metadata"]["labels"]["mine"], "1");
    assert!(rv(&put.body).parse::<u64>().unwrap() > rv(&now).parse::<u64>().unwrap());
    // The server keeps what is its own: uid, creation time, status.
    assert_eq!(put.body["metadata"]["uid"], read["metadata"]["uid"]);
    assert_eq!(put.body["status"], now["status"]);
}

#[tokio::test]
async fn every_stored_write_is_a_modified_event_and_a_dry_run_is_none() {
    let h = server(quiet()).await;
    let list = get(&h, "/apis/apps/v1/namespaces/default/deployments")
        .await
        .body;
    let watch = format!(
        "{}/apis/apps/v1/namespaces/default/deployments?watch=1&resourceVersion={}&timeoutSeconds=2",
        h.base_url(),
        rv(&list)
    );
    let stream = client(&h)
        .get(watch)
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap();
    let dry = merge_patch(
        &h,
        &format!("{HELLO}?dryRun=All"),
        &json!({"metadata": {"labels": {"dry": "run"}}}),
    )
    .await;
    assert_eq!(dry.code, 200);
    assert_eq!(dry.body["metadata"]["labels"]["dry"], "run");
    let stored = get(&h, HELLO).await.body;
    assert_eq!(
        rv(&dry.body),
        rv(&stored),
        "a dry run keeps the resourceVersion"
    );
    assert!(stored["metadata"]["labels"].get("dry").is_none());
    let real = merge_patch(&h, HELLO, &json!({"metadata": {"labels": {"real": "1"}}})).await;
    assert_eq!(real.code, 200);
    let text = stream.text().await.unwrap();
    let events: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(events.len(), 1, "{text}");
    assert_eq!(events[0]["type"], "MODIFIED");
    assert_eq!(events[0]["object"]["metadata"]["labels"]["real"], "1");
    assert_eq!(rv(&events[0]["object"]), rv(&real.body));

    let bad = merge_patch(&h, &format!("{HELLO}?dryRun=Some"), &json!({})).await;
    assert_eq!(bad.code, 422, "{}", bad.body);
    assert_eq!(
        bad.body["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: supported values: \"All\""
    );
    // A dry-run delete answers with what would happen and deletes nothing.
    let pods = get(&h, "/api/v1/namespaces/default/pods").await.body;
    let pod = pods["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/namespaces/default/pods/{pod}");
    let del = write(
        &h,
        Method::DELETE,
        &format!("{path}?dryRun=All"),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(del.code, 200);
    assert!(del.body["metadata"]["deletionTimestamp"].is_string());
    let still = get(&h, &path).await.body;
    assert!(still["metadata"].get("deletionTimestamp").is_none());
}

#[tokio::test]
async fn invalid_writes_are_422_with_field_causes() {
    let h = server(quiet()).await;
    let neg = merge_patch(&h, HELLO, &json!({"spec": {"replicas": -1}})).await;
    assert_eq!(neg.code, 422);
    assert_eq!(neg.body["reason"], "Invalid");
    assert_eq!(
        neg.body["message"],
        "Deployment.apps \"hello-web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    assert_eq!(
        neg.body["details"],
        json!({"name": "hello-web", "group": "apps", "kind": "Deployment", "causes": [
            {"reason": "FieldValueInvalid",
             "message": "Invalid value: -1: must be greater than or equal to 0",
             "field": "spec.replicas"}]})
    );
    let selector = json!({"spec": {"selector": {"matchLabels": {"app": "other"}},
        "template": {"metadata": {"labels": {"app": "other"}}}}});
    let immutable = merge_patch(&h, HELLO, &selector).await;
    assert_eq!(immutable.code, 422);
    assert_eq!(
        immutable.body["details"]["causes"][0]["field"],
        "spec.selector"
    );
    let renamed = merge_patch(&h, HELLO, &json!({"metadata": {"name": "x"}})).await;
    assert_eq!(renamed.code, 422);
    assert_eq!(
        renamed.body["details"]["causes"][0]["field"],
        "metadata.name"
    );
    // A PUT of another object is the decoder's 400.
    let mut other = get(&h, HELLO).await.body;
    other["metadata"]["name"] = json!("x");
    let put = write(&h, Method::PUT, HELLO, None, &other).await;
    assert_eq!(put.code, 400);
    assert_eq!(
        put.body["message"],
        "the name of the object (x) does not match the name on the URL (hello-web)"
    );
    // Nothing changed.
    assert_eq!(
        get(&h, HELLO).await.body["spec"]["selector"]["matchLabels"]["app"],
        "hello-web"
    );
}

#[tokio::test]
async fn unknown_fields_are_a_400_when_strict_and_a_warning_otherwise() {
    let h = server(quiet()).await;
    let foo = json!({"spec": {"foo": 1}});
    let strict = merge_patch(&h, &format!("{HELLO}?fieldValidation=Strict"), &foo).await;
    assert_eq!(strict.code, 400);
    assert_eq!(strict.body["reason"], "BadRequest");
    assert_eq!(
        strict.body["message"],
        "strict decoding error: unknown field \"spec.foo\""
    );
    let warn = merge_patch(&h, &format!("{HELLO}?fieldValidation=Warn"), &foo).await;
    assert_eq!(warn.code, 200);
    assert_eq!(warn.warnings, ["299 - \"unknown field \\\"spec.foo\\\"\""]);
    assert!(
        warn.body["spec"].get("foo").is_none(),
        "the field is dropped"
    );
}

#[tokio::test]
async fn json_patch_strategic_merge_and_unknown_patch_types() {
    let h = server(quiet()).await;
    let ct = Some("application/json-patch+json");
    let ops = json!([{"op": "test", "path": "/metadata/name", "value": "hello-web"},
        {"op": "add", "path": "/metadata/labels/tier", "value": "web"}]);
    let ok = write(&h, Method::PATCH, HELLO, ct, &ops).await;
    assert_eq!(
        (ok.code, &ok.body["metadata"]["labels"]["tier"]),
        (200, &json!("web"))
    );
    let failed = json!([{"op": "test", "path": "/spec/replicas", "value": 99}]);
    let test = write(&h, Method::PATCH, HELLO, ct, &failed).await;
    assert_eq!(test.code, 422, "{}", test.body);
    assert!(
        test.body["message"]
            .as_str()
            .unwrap()
            .contains("test failed")
    );

    let smp = Some("application/strategic-merge-patch+json");
    let image = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "hello-web"}],
        "containers": [{"name": "hello-web", "image": "nginx:1.28.0"}]}}}});
    let patched = write(&h, Method::PATCH, HELLO, smp, &image).await;
    assert_eq!(patched.code, 200, "{}", patched.body);
    let c = &patched.body["spec"]["template"]["spec"]["containers"];
    assert_eq!(c.as_array().map(Vec::len), Some(1));
    assert_eq!(c[0]["image"], "nginx:1.28.0");
    assert!(
        c[0]["ports"].is_array(),
        "merged by name, the rest kept: {c}"
    );
    assert_eq!(
        patched.body["metadata"]["generation"], 4,
        "a spec change bumps the generation"
    );

    let yaml = write(&h, Method::PATCH, HELLO, Some("text/plain"), &json!({})).await;
    assert_eq!(yaml.code, 415);
}

#[tokio::test]
async fn the_scale_subresource_reads_and_writes_replicas() {
    let h = server(quiet()).await;
    let path = format!("{HELLO}/scale");
    let scale = get(&h, &path).await;
    assert_eq!(scale.code, 200);
    assert_eq!(scale.body["kind"], "Scale");
    assert_eq!(scale.body["apiVersion"], "autoscaling/v1");
    assert_eq!(scale.body["status"]["selector"], "app=hello-web");
    let patched = merge_patch(&h, &path, &json!({"spec": {"replicas": 2}})).await;
    assert_eq!(
        (patched.code, &patched.body["spec"]["replicas"]),
        (200, &json!(2))
    );
    assert_eq!(get(&h, HELLO).await.body["spec"]["replicas"], 2);
    let neg = merge_patch(&h, &path, &json!({"spec": {"replicas": -3}})).await;
    assert_eq!(neg.code, 422);
    assert_eq!(
        neg.body["message"],
        "Scale.autoscaling \"hello-web\" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0"
    );
    let apps = get(&h, "/apis/apps/v1").await.body;
    let names: Vec<&str> = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    for sub in [
        "deployments/scale",
        "deployments/status",
        "statefulsets/scale",
    ] {
        assert!(names.contains(&sub), "{sub} in {names:?}");
    }
    let pods = || async {
        let list = get(&h, "/api/v1/namespaces/default/pods").await.body;
        let live = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["metadata"].get("deletionTimestamp").is_none())
            .count();
        if live == 2 {
            Ok(())
        } else {
            Err(format!("{live} pods"))
        }
    };
    eventually(5, "scaled to 2 pods", pods).await;
}

#[tokio::test]
async fn a_refused_patch_is_a_403_like_rbac() {
    let opts = DemoOptions {
        forbid: vec!["patch:deployments".parse().unwrap()],
        ..quiet()
    };
    let h = server(opts).await;
    let refused = merge_patch(&h, HELLO, &json!({"metadata": {"labels": {"a": "b"}}})).await;
    assert_eq!(refused.code, 403);
    assert_eq!(
        refused.body["message"],
        "deployments.apps \"hello-web\" is forbidden: User \"demo\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"default\""
    );
    let mut obj = get(&h, HELLO).await.body;
    obj["metadata"]["labels"]["a"] = json!("b");
    assert_eq!(
        write(&h, Method::PUT, HELLO, None, &obj).await.code,
        200,
        "update is allowed"
    );
}

#[tokio::test]
async fn an_eviction_a_budget_forbids_is_a_429_and_allowed_ones_delete_the_pod() {
    let h = server(quiet()).await;
    let pdbs = get(&h, "/apis/policy/v1/poddisruptionbudgets").await.body;
    let pdb = &pdbs["items"][0];
    let (ns, app) = (
        pdb["metadata"]["namespace"].as_str().unwrap(),
        pdb["spec"]["selector"]["matchLabels"]["app"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(pdb["status"]["disruptionsAllowed"], 1);
    let pods = get(
        &h,
        &format!("/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{app}"),
    )
    .await;
    let names: Vec<String> = pods.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 2, "{names:?}");
    let evict = |name: &str| {
        let path = format!("/api/v1/namespaces/{ns}/pods/{name}/eviction");
        let body = json!({"apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": {"name": name, "namespace": ns}});
        let h = &h;
        async move { write(h, Method::POST, &path, None, &body).await }
    };
    let first = evict(&names[0]).await;
    assert_eq!(first.code, 201, "{}", first.body);
    assert_eq!(first.body["status"], "Success");
    let second = evict(&names[1]).await;
    assert_eq!(second.code, 429, "{}", second.body);
    assert_eq!(second.body["reason"], "TooManyRequests");
    assert_eq!(
        second.body["message"],
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let name = pdb["metadata"]["name"].as_str().unwrap();
    let n = names.len() - 1;
    assert_eq!(
        second.body["details"]["causes"][0],
        json!({"reason": "DisruptionBudget",
            "message": format!("The disruption budget {name} needs {n} healthy pods and has {n} currently")})
    );
    // Once the replacement is Ready the budget allows the next one.
    let retry = || async {
        let again = evict(&names[1]).await;
        if again.code == 201 {
            Ok(())
        } else {
            Err(again.body.to_string())
        }
    };
    eventually(
        8,
        "the eviction goes through after the replacement is ready",
        retry,
    )
    .await;
    let pod = get(&h, &format!("/api/v1/namespaces/{ns}/pods/{}", names[1])).await;
    assert!(
        pod.body["metadata"]["deletionTimestamp"].is_string(),
        "{}",
        pod.body
    );
}
