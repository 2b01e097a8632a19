//! The app against a real kube-apiserver (1.20, with etcd, on loopback; see
//! `scripts/real-apiserver`), with kubectl as the referee: the demo server is ours and cannot show
//! where we are wrong, this one can. Every test skips, with the reason printed, when the server
//! has not been built.

use crate::common;

use std::process::Command;

use crossterm::event::{KeyCode, KeyModifiers};

use common::harness::{Harness, server_rows};
use common::real::{RealServer, SEEDED_STATUSES, WAIT, kubectl, kubectl_ok, script, server};
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::kube::table::PodRow;
use kr8s_tui::state::PodsLoad;
use kr8s_tui::tasks::TaskOptions;

/// The columns of `kubectl get pods -o wide` both sides print the same way (AGE aside: the two
/// reads happen at different instants). RESTARTS is the count only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct WideRow {
    namespace: String,
    name: String,
    ready: String,
    status: String,
    restarts: String,
    ip: String,
    node: String,
    nominated: String,
    gates: String,
}

/// One line of `kubectl get pods -A -o wide --no-headers`. RESTARTS may be `7 (5m ago)` (two
/// words) on newer servers; the count is kept.
fn parse_kubectl_line(line: &str) -> WideRow {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut rest = words[5..].to_vec();
    if rest.first().is_some_and(|w| w.starts_with('(')) {
        rest.drain(..2);
    }
    assert_eq!(rest.len(), 5, "AGE IP NODE NOMINATED GATES in {line:?}");
    WideRow {
        namespace: words[0].into(),
        name: words[1].into(),
        ready: words[2].into(),
        status: words[3].into(),
        restarts: words[4].into(),
        ip: rest[1].into(),
        node: rest[2].into(),
        nominated: rest[3].into(),
        gates: rest[4].into(),
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.into()
    }
}

fn wide(row: &PodRow) -> WideRow {
    WideRow {
        namespace: row.namespace.clone(),
        name: row.name.clone(),
        ready: row.ready.clone(),
        status: row.status.clone(),
        restarts: row.restarts.to_string(),
        ip: or_none(&row.ip),
        node: or_none(&row.node),
        nominated: or_none(&row.nominated_node),
        gates: or_none(&row.readiness_gates),
    }
}

fn sorted_wide(rows: &[PodRow]) -> Vec<WideRow> {
    let mut rows: Vec<WideRow> = rows.iter().map(wide).collect();
    rows.sort();
    rows
}

/// Fails with every differing row (by namespace/name), so one run shows all the mismatches.
fn assert_same_rows(what: &str, ours: &[WideRow], kubectl: &[WideRow]) {
    let key = |r: &WideRow| (r.namespace.clone(), r.name.clone());
    let mut problems = Vec::new();
    for k in kubectl {
        match ours.iter().find(|o| key(o) == key(k)) {
            None => problems.push(format!("missing {}/{}", k.namespace, k.name)),
            Some(o) if o != k => problems.push(format!("\n  ours    {o:?}\n  kubectl {k:?}")),
            Some(_) => {}
        }
    }
    for o in ours {
        if !kubectl.iter().any(|k| key(k) == key(o)) {
            problems.push(format!("extra {}/{}", o.namespace, o.name));
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: {} of {} rows differ from kubectl:{}",
        problems.len(),
        kubectl.len(),
        problems.join("")
    );
}

/// `kubectl get pods -o wide --no-headers` in `namespace` (`None`: all), sorted.
async fn kubectl_wide(server: &RealServer, namespace: Option<&str>) -> Vec<WideRow> {
    let mut args = vec!["get", "pods", "-o", "wide", "--no-headers"];
    match namespace {
        Some(ns) => args.extend(["-n", ns]),
        None => args.push("-A"),
    }
    let text = kubectl_ok(server, &args).await;
    let mut rows: Vec<WideRow> = text
        .lines()
        .map(|line| match namespace {
            // One namespace: kubectl leaves its column out.
            Some(ns) => parse_kubectl_line(&format!("{ns} {line}")),
            None => parse_kubectl_line(line),
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_rows_equal_kubectl_get_pods_wide() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    let want = kubectl_wide(&server, None).await;
    let statuses: std::collections::BTreeSet<&str> =
        want.iter().map(|r| r.status.as_str()).collect();
    for seeded in SEEDED_STATUSES {
        assert!(statuses.contains(seeded), "no {seeded} pod in {statuses:?}");
    }

    let mut app = app_as(&server, "admin", None);
    app.until("every pod listed", WAIT, |s| {
        s.pods_load == PodsLoad::Watching && s.pods.rows().len() == want.len()
    })
    .await;
    // As listed: rows the server printed (as=Table), read by the app.
    assert_same_rows("listed rows", &sorted_wide(&app.rows()), &want);
    // As watch events make them: rows the app computes from pod objects itself.
    let computed = server_rows(&app.client("admin"), "/api/v1/pods").await;
    assert_same_rows("rows computed from pods", &sorted_wide(&computed), &want);
}

/// Tests that change the shared server's pods hold this exclusively; tests comparing reads
/// hold it shared, so no change lands between their two reads.
static CHANGES: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());
const TOUCHED_NS: &str = "checkout";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_stay_equal_to_kubectl_through_watch_events() {
    let Some(server) = server() else { return };
    let _changing = CHANGES.write().await;
    let listed = kubectl_wide(&server, Some(TOUCHED_NS)).await;
    let mut app = app_as(&server, "admin", Some(TOUCHED_NS));
    app.until("the namespace listed", WAIT, |s| {
        s.pods_load == PodsLoad::Watching && s.pods.rows().len() == listed.len()
    })
    .await;
    let relists = app.relists;
    let before: Vec<(String, String)> = app
        .rows()
        .iter()
        .map(|r| (r.name.clone(), r.resource_version.clone()))
        .collect();

    // Every pod changes (a label: no column moves), so every row is remade from a watch event;
    // one Running pod goes away for good.
    let gone = listed
        .iter()
        .find(|r| r.status == "Running")
        .expect("a Running pod")
        .name
        .clone();
    let touch = [
        "label",
        "pods",
        "--all",
        "kr8s.dev/touched=yes",
        "-n",
        TOUCHED_NS,
    ];
    kubectl_ok(&server, &touch).await;
    let delete = [
        "delete",
        "pod",
        &gone,
        "--grace-period=0",
        "--force",
        "-n",
        TOUCHED_NS,
    ];
    kubectl_ok(&server, &delete).await;
    let want = kubectl_wide(&server, Some(TOUCHED_NS)).await;
    assert_eq!(want.len(), listed.len() - 1);
    app.until("every row remade from a watch event", WAIT, |s| {
        s.pods.rows().len() == want.len()
            && s.pods.rows().iter().all(|r| {
                !before
                    .iter()
                    .any(|(name, rv)| *name == r.name && *rv == r.resource_version)
            })
    })
    .await;
    assert_same_rows("rows after watch events", &sorted_wide(&app.rows()), &want);
    assert_eq!(
        app.relists, relists,
        "events arrived on the watch, no relist"
    );
    assert_eq!(app.state.pods_error, None, "{:?}", app.pods_errors);
}

/// The app (state and tasks, no terminal) on the real server as `context`, watching
/// `namespace` (`None`: all).
fn app_as(server: &RealServer, context: &str, namespace: Option<&str>) -> Harness {
    Harness::start(
        &server.kubeconfig,
        context,
        namespace,
        ClientOptions::default(),
        TaskOptions::default(),
    )
}

/// `kr8s-tui api ...` with the kubeconfig's current context (admin).
fn kr8s_api(server: &RealServer, args: &[&str]) -> std::process::Output {
    let log = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_kr8s-tui"))
        .arg("--kubeconfig")
        .arg(&server.kubeconfig)
        .arg("--log-file")
        .arg(log.path().join("log"))
        .arg("api")
        .args(args)
        .output()
        .expect("run kr8s-tui api")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_get_pods_equals_kubectl_get_raw() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    for ns in ["payments", "batch"] {
        let path = format!("/api/v1/namespaces/{ns}/pods");
        let raw = kubectl_ok(&server, &["get", "--raw", &path]).await;
        let want: serde_json::Value = serde_json::from_str(&raw).expect("kubectl gave JSON");
        let shared = server.clone();
        let out = tokio::task::spawn_blocking(move || {
            kr8s_api(&shared, &["GET", "--url", "pods", "-n", ns])
        })
        .await
        .expect("kr8s-tui ran");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("kr8s-tui gave JSON");
        assert_eq!(got["kind"], "PodList");
        assert!(
            got["items"].as_array().is_some_and(|i| !i.is_empty()),
            "pods in {ns}"
        );
        assert_eq!(got, want, "kr8s-tui api GET --url pods -n {ns}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewer_is_refused_namespaces_with_the_servers_words_but_lists_its_pods() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    let refused = kubectl(&server, &["--context", "viewer", "get", "namespaces"]).await;
    assert!(!refused.status.success(), "viewer may not list namespaces");
    let kubectl_says = String::from_utf8_lossy(&refused.stderr);
    let pods = kubectl_ok(
        &server,
        &["--context", "viewer", "get", "pods", "-o", "name"],
    )
    .await;
    let want = pods.lines().count();
    assert!(want > 0, "pods in payments");

    let mut app = app_as(&server, "viewer", Some("payments"));
    app.until("pods listed and namespaces refused", WAIT, |s| {
        s.pods_load == PodsLoad::Watching
            && s.pods.rows().len() == want
            && s.namespaces_error.is_some()
    })
    .await;
    let problem = app
        .state
        .namespaces_error
        .clone()
        .expect("namespaces error");
    assert_eq!(problem.failure.code, Some(403), "{problem:?}");
    let words = r#"namespaces is forbidden: User "viewer" cannot list resource "namespaces" in API group "" at the cluster scope"#;
    assert!(kubectl_says.contains(words), "kubectl: {kubectl_says}");
    assert!(
        problem.message().contains(words),
        "the app shows {:?}",
        problem.message()
    );
    assert_eq!(app.state.pods_error, None);
    assert!(app.rows().iter().all(|r| r.namespace == "payments"));

    // RBAC gives the viewer no delete: the server's 403 reaches the caller.
    let row = app.rows()[0].clone();
    let path = format!("/api/v1/namespaces/payments/pods/{}", row.name);
    let err = app
        .client("viewer")
        .delete(&path)
        .await
        .expect_err("viewer may not delete");
    assert!(err.to_string().contains("forbidden"), "{err}");
}

/// Types `:kind` and Enter, then waits for the view to be live or to fail.
async fn open_view(app: &mut Harness, kind: &str) {
    app.command(kind);
    app.until(&format!("the {kind} view"), WAIT, |s| {
        s.resource
            .as_ref()
            .is_some_and(|v| v.live || v.error.is_some())
    })
    .await;
}

/// Names `kubectl get KIND -o name` prints, without the `kind/` prefix, sorted.
async fn kubectl_names(server: &RealServer, kind: &str) -> Vec<String> {
    let text = kubectl_ok(server, &["get", kind, "-A", "-o", "name"]).await;
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once('/').map(|(_, name)| name.to_string()))
        .collect();
    names.sort();
    names
}

/// The names the open resource view shows, sorted; panics with its error if it failed.
fn view_names(app: &Harness) -> Vec<String> {
    let view = app.state.resource.as_ref().expect("a resource view");
    assert_eq!(view.error, None, "{} view failed", view.resource.plural);
    let mut names: Vec<String> = view.visible().iter().map(|r| r.name.clone()).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_views_list_what_kubectl_gets() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    let mut app = app_as(&server, "admin", None);
    for kind in ["nodes", "services", "clusterroles", "apiservices"] {
        open_view(&mut app, kind).await;
        let want = kubectl_names(&server, kind).await;
        assert!(!want.is_empty(), "kubectl get {kind}");
        assert_eq!(view_names(&app), want, ":{kind}");
        app.key(KeyCode::Esc, KeyModifiers::NONE);
    }
}

/// 1.20's apiextensions server prints an empty list as a Table with `"rows": null` (the core
/// resources send `[]`); kubectl says "No resources found".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_crd_list_is_an_empty_view() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    assert!(kubectl_names(&server, "crd").await.is_empty());
    let mut app = app_as(&server, "admin", None);
    open_view(&mut app, "crd").await;
    assert_eq!(view_names(&app), Vec::<String>::new());
}

/// On 1.20 CronJobs are served only in `batch/v1beta1` (the group prefers v1), and Ingress in
/// `networking.k8s.io` and the lower-priority `extensions`: both open as kubectl resolves them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_resolve_as_kubectl_does_across_versions_and_groups() {
    let Some(server) = server() else { return };
    let _reading = CHANGES.read().await;
    let mut app = app_as(&server, "admin", None);
    for (typed, group_version, kubectl_kind) in [
        ("cj", "batch/v1beta1", "cronjobs"),
        ("cronjobs.batch", "batch/v1beta1", "cronjobs"),
        ("ingress", "networking.k8s.io/v1", "ingresses"),
        ("ing", "networking.k8s.io/v1", "ingresses"),
    ] {
        open_view(&mut app, typed).await;
        let view = app.state.resource.as_ref().expect("a view");
        let shown = format!("{}/{}", view.resource.group, view.resource.version);
        assert_eq!(shown, group_version, ":{typed}");
        assert_eq!(view_names(&app), kubectl_names(&server, kubectl_kind).await);
        app.key(KeyCode::Esc, KeyModifiers::NONE);
    }
}

/// The apiserver restarts (etcd keeps the data) with a `:deploy` view open: the outage shows as
/// one fact, and once the server is back the table is exact again, including a deployment
/// created after the restart, with no error left on screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_view_recovers_from_an_apiserver_restart() {
    let Some(server) = server() else { return };
    let _changing = CHANGES.write().await;
    let ns = "restart-check";
    kubectl_ok(&server, &["create", "namespace", ns]).await;
    let create = [
        "create",
        "deployment",
        "before",
        "--image",
        "nginx",
        "-n",
        ns,
    ];
    kubectl_ok(&server, &create).await;
    let mut app = app_as(&server, "admin", None);
    open_view(&mut app, "deploy").await;
    assert_eq!(
        view_names(&app),
        kubectl_names(&server, "deployments").await
    );
    let dir = server.dir.path().to_path_buf();
    let restart = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let out = Command::new(script())
            .arg("restart")
            .arg(&dir)
            .arg("2")
            .output();
        (out, started)
    });
    app.until("the outage on screen", WAIT, |s| {
        s.resource.as_ref().is_some_and(|v| v.error.is_some()) && s.unreachable().is_some()
    })
    .await;
    let (out, started) = restart.await.expect("restart ran");
    let out = out.expect("run the script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let create = [
        "create",
        "deployment",
        "after",
        "--image",
        "nginx",
        "-n",
        ns,
    ];
    kubectl_ok(&server, &create).await;
    let want = kubectl_names(&server, "deployments").await;
    let took = app
        .until("the table exact again", WAIT, |s| {
            s.resource
                .as_ref()
                .is_some_and(|v| v.error.is_none() && v.live)
                && s.unreachable().is_none()
                && {
                    let view = s.resource.as_ref().expect("view");
                    let mut names: Vec<String> =
                        view.visible().iter().map(|r| r.name.clone()).collect();
                    names.sort();
                    names == want
                }
        })
        .await;
    eprintln!(
        "exact again {took:?} after the server was back ({:?} since the restart began)",
        started.elapsed()
    );
    assert_eq!(app.state.current_error().map(|e| e.source), None);
    kubectl_ok(&server, &["delete", "namespace", ns, "--wait=false"]).await;
}
