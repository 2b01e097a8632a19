//! The one list-then-watch engine as the user meets it beyond the pods pane: a `:deploy` table
//! through an apiserver restart and a forced 410, and a namespaces list RBAC refuses. Asserted
//! on `State` (what the screen is drawn from) against the server's own answers over HTTPS.

use crate::common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};

use common::harness::{Harness, comparable, keys, server_rows};
use kr8s_tui::demo::ForbidRule;
use kr8s_tui::kube::resource_table::{ResourceTable, TableColumn, TableRow, parse_table};
use kr8s_tui::kube::{ClientOptions, Failure, ListParams};
use kr8s_tui::state::{PodsLoad, State};
use kr8s_tui::tasks::TaskOptions;

const WAIT: Duration = Duration::from_secs(10);
/// Deployments of every namespace, as `kubectl get deploy -A` asks for them.
const DEPLOYS: &str = "/apis/apps/v1/deployments";

/// Types `:deploy` and Enter as a user would; returns once the table shows the server's rows
/// and is live.
async fn open_deploy(app: &mut Harness) {
    app.command("deploy");
    let want = server_table(app).await;
    assert!(!want.rows.is_empty(), "the demo has deployments");
    app.until("the deployments table", WAIT, |s| {
        s.resource.as_ref().is_some_and(|v| v.live) && shown(s) == Some(table_key(&want))
    })
    .await;
    let view = app.state.resource.as_ref().expect("a resource view");
    assert_eq!(view.resource.plural, "deployments");
    assert_eq!(view.namespace, None, "all namespaces, as the pods");
    assert_eq!(
        kr8s_tui::ui::crumb::text(&app.state),
        "demo › all › deployments"
    );
}

/// What `kubectl get deploy -A` shows: the server's Table of every deployment, fetched with the
/// app's credentials.
async fn server_table(app: &Harness) -> ResourceTable {
    let body = app
        .client("demo")
        .list_table_page_raw(DEPLOYS, &ListParams::default())
        .await
        .expect("the server's deployments Table");
    parse_table(&body).expect("a Table")
}

/// A table as compared: columns and rows (the resourceVersion says when, not what).
type Shown = (Vec<TableColumn>, Vec<TableRow>);

fn table_key(t: &ResourceTable) -> Shown {
    (t.columns.clone(), t.rows.clone())
}

/// The open resource view's table, if any.
fn shown(s: &State) -> Option<Shown> {
    s.resource
        .as_ref()
        .and_then(|v| v.table.as_ref())
        .map(table_key)
}

fn view_error(s: &State) -> Option<String> {
    s.resource
        .as_ref()
        .and_then(|v| v.error.as_ref())
        .map(|p| p.message().to_string())
}

/// Waits until the deployments view is exactly the server's table with no error left.
async fn until_table_exact(app: &mut Harness, within: Duration) -> Duration {
    let want = table_key(&server_table(app).await);
    let result = tokio::time::timeout(
        within,
        app.until("the deployments table to match the server", within, |s| {
            shown(s).as_ref() == Some(&want) && view_error(s).is_none()
        }),
    )
    .await;
    match result {
        Ok(took) => took,
        Err(_) => {
            let names = |rows: &[TableRow]| -> Vec<String> {
                rows.iter()
                    .map(|r| format!("{}/{}", r.namespace, r.name))
                    .collect()
            };
            let rows = shown(&app.state).map(|(_, r)| r).unwrap_or_default();
            panic!(
                "deployments not exact within {within:?}:\n shown  {:?}\n server {:?}\n error  {:?}",
                names(&rows),
                names(&want.1),
                view_error(&app.state)
            )
        }
    }
}

#[tokio::test]
async fn deploy_table_recovers_from_an_apiserver_restart_and_shows_the_outage() {
    let (demo, mut app) = Harness::on_demo(30).await;
    open_deploy(&mut app).await;
    let relists = app.table_relists;
    // Without churn only a delete changes the demo: a pod goes away during the outage (its
    // ReplicaSet replaces it, which may change its Deployment's READY): the pods pane proves
    // the app caught up, the deployments table must come back exactly as the server prints it.
    let pod = app.rows()[5].clone();
    let gone = format!("{}/{}", pod.namespace, pod.name);
    let path = format!(
        "/api/v1/namespaces/{}/pods/{}?gracePeriodSeconds=1",
        pod.namespace, pod.name
    );
    app.client("demo").delete(&path).await.expect("delete");
    demo.restart(Duration::from_millis(3000))
        .await
        .expect("restart");
    // The outage is shown on the deployments view, naming what failed, with a retry.
    app.until("the outage on the deployments view", WAIT, |s| {
        view_error(s).is_some()
    })
    .await;
    let shown_error = app.state.current_error().expect("an error is shown");
    assert_eq!(shown_error.source, "deployments");
    assert!(
        shown_error.message.contains(DEPLOYS),
        "{}",
        shown_error.message
    );
    assert!(shown_error.retry_at.is_some(), "a retry is scheduled");
    let took = until_table_exact(&mut app, Duration::from_secs(2)).await;
    eprintln!("deployments exact and error cleared {took:?} after the server returned");
    let view = app.state.resource.as_ref().expect("view");
    assert!(view.live, "the table is live again");
    assert_eq!(
        app.table_relists, relists,
        "the table resumed from its resourceVersion instead of listing again"
    );
    // The rest of the screen caught up too: the pod deleted during the outage is gone.
    let want = comparable(&server_rows(&app.client("demo"), "/api/v1/pods").await);
    app.until(
        "the pods pane to match the server",
        Duration::from_secs(3),
        |s| comparable(s.pods.rows()) == want,
    )
    .await;
    assert!(!keys(&app.rows()).contains(&gone), "ghost {gone}");
    // No stream of the engine still shows the outage.
    app.until("no stream error left", Duration::from_secs(2), |s| {
        view_error(s).is_none() && s.pods_error.is_none() && s.namespaces_error.is_none()
    })
    .await;
}

#[tokio::test]
async fn deploy_table_lists_again_after_410_and_settles() {
    let (demo, mut app) = Harness::on_demo(20).await;
    open_deploy(&mut app).await;
    let before = app.table_relists;
    demo.faults.set_watch_410(true);
    // Cut the current watch: every new one is answered 410 Gone.
    demo.restart(Duration::ZERO).await.expect("restart");
    app.run_for(Duration::from_millis(2500), |_| {}).await;
    let relists = app.table_relists - before;
    eprintln!("{relists} relists in 2.5 s of 410s");
    assert!(relists >= 1, "410 makes the deployments table list again");
    assert!(
        relists <= 8,
        "a server that always answers 410 must not be hammered: {relists} relists in 2.5 s"
    );
    demo.faults.set_watch_410(false);
    let off = app.table_relists;
    // The engine is waiting out its relist backoff; the next list comes within it.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while app.table_relists == off {
        assert!(
            std::time::Instant::now() < deadline,
            "no list within 5 s after the 410s stopped"
        );
        app.run_for(Duration::from_millis(100), |_| {}).await;
    }
    until_table_exact(&mut app, Duration::from_secs(2)).await;
    // Settled: the watch holds, no more lists, the table stays exact and error-free.
    let settled = app.table_relists;
    let want = shown(&app.state);
    app.run_for(Duration::from_millis(1500), |s| {
        assert_eq!(view_error(s), None, "no error once the watch holds");
        assert_eq!(shown(s), want, "the table stays the server's");
    })
    .await;
    assert_eq!(app.table_relists, settled, "no relist once the watch holds");
    assert!(app.state.resource.as_ref().is_some_and(|v| v.live));
}

#[tokio::test]
async fn forbidden_namespaces_list_shows_403_and_keeps_the_contexts_namespace() {
    let demo = common::demo::start(30).await;
    let rules: Vec<ForbidRule> = ["list:namespaces", "watch:namespaces"]
        .iter()
        .map(|r| r.parse().expect("a rule"))
        .collect();
    demo.faults.set_forbid(rules);
    // The context's namespace, as the binary passes it without -n or -A.
    let (context, ns) = ("demo-kube-system", "kube-system");
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        context,
        Some(ns),
        ClientOptions::default(),
        TaskOptions::default(),
    );
    // What the server answers anyone listing namespaces with these credentials.
    let client = app.client(context);
    let refused = client
        .list_page_raw("/api/v1/namespaces", &ListParams::default())
        .await
        .expect_err("namespaces are forbidden");
    let truth = Failure::from(&refused);
    assert_eq!(truth.code, Some(403));
    let pods_path = format!("/api/v1/namespaces/{ns}/pods");
    let want = comparable(&server_rows(&client, &pods_path).await);
    assert!(!want.is_empty(), "the demo has pods in {ns}");
    app.until("the 403 and the pods", WAIT, |s| {
        s.namespaces_error.is_some()
            && s.pods_load == PodsLoad::Watching
            && comparable(s.pods.rows()) == want
    })
    .await;
    let problem = app
        .state
        .namespaces_error
        .clone()
        .expect("namespaces error");
    assert_eq!(problem.failure.code, Some(403));
    assert_eq!(problem.failure.reason, "Forbidden");
    assert_eq!(problem.message(), truth.message, "the server's own words");
    assert!(
        problem
            .message()
            .contains("cannot list resource \"namespaces\""),
        "{}",
        problem.message()
    );
    let shown_error = app.state.current_error().expect("an error is shown");
    assert_eq!(shown_error.source, "namespaces");
    assert_eq!(shown_error.message, truth.message);
    // The namespaces pane still offers the context's namespace, with the cursor on it.
    assert!(
        app.state.namespaces.iter().any(|n| n == ns),
        "namespaces pane: {:?}",
        app.state.namespaces
    );
    let at = app.state.namespaces_cursor.selected();
    assert_eq!(
        app.state
            .namespaces
            .get(at.wrapping_sub(1))
            .map(String::as_str),
        Some(ns),
        "cursor on the watched namespace ({at}) in {:?}",
        app.state.namespaces
    );
    assert_eq!(app.state.pods_error, None);
    // The refusal stays shown (it is retried, not forgotten) and the pods stay listed.
    app.run_for(Duration::from_millis(1500), |s| {
        assert!(
            s.namespaces_error
                .as_ref()
                .is_some_and(|p| p.failure.code == Some(403)),
            "the 403 stays shown"
        );
        assert!(s.namespaces.iter().any(|n| n == ns), "{:?}", s.namespaces);
    })
    .await;
    assert_eq!(comparable(app.state.pods.rows()), want);
}

/// A delete RBAC refuses shows the server's message and leaves the row as the server holds it
/// (it used to turn Terminating before the answer and stay so); Ctrl-R lists again.
#[tokio::test]
async fn a_refused_delete_changes_no_row() {
    let (demo, mut app) = Harness::on_demo(20).await;
    let rules: Vec<ForbidRule> = ["delete:pods"]
        .iter()
        .map(|r| r.parse().expect("a rule"))
        .collect();
    demo.faults.set_forbid(rules);
    let before = comparable(app.state.pods.rows());
    let target = app.state.pods.selected().cloned().expect("a selected pod");
    app.key(KeyCode::Char('d'), KeyModifiers::CONTROL);
    app.key(KeyCode::Char('y'), KeyModifiers::NONE);
    app.until("the refusal", WAIT, |s| {
        s.flash
            .as_ref()
            .is_some_and(|f| f.error && f.text.contains("forbidden"))
    })
    .await;
    let flash = app.state.flash.clone().expect("a message");
    assert!(
        flash
            .text
            .contains(&format!("pods \"{}\" is forbidden", target.name)),
        "{flash:?}"
    );
    app.run_for(Duration::from_millis(500), |_| {}).await;
    assert_eq!(comparable(app.state.pods.rows()), before, "no row changed");
    let client = app.client("demo");
    let truth = comparable(&server_rows(&client, "/api/v1/pods").await);
    assert_eq!(comparable(app.state.pods.rows()), truth);
    // Ctrl-R lists the pods again.
    let relists = app.relists;
    app.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    app.until("a new list", WAIT, |s| {
        s.pods_load == PodsLoad::Watching && !s.pods.is_empty()
    })
    .await;
    assert_eq!(app.relists, relists + 1);
}
