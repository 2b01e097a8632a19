//! `:xray`, `J` and back/forward against the demo server over HTTPS: the owner tree is the
//! server's (pods under their ReplicaSet under their Deployment), `J` climbs the owners the
//! server wrote, and `[` comes back.

use crate::common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::harness::Harness;
use kr8s_tui::kube::ClientOptions;
use kr8s_tui::state::State;
use kr8s_tui::state::xray::Kind;
use kr8s_tui::tasks::TaskOptions;

const WAIT: Duration = Duration::from_secs(10);

/// The app on the quiet demo, in namespace `default`, once its pods are listed.
async fn on_default() -> (kr8s_tui::demo::DemoHandle, Harness) {
    on_quiet_demo(Some("default")).await
}

/// The app on the quiet demo in `namespace` (`None`: all), once its pods are listed.
async fn on_quiet_demo(namespace: Option<&str>) -> (kr8s_tui::demo::DemoHandle, Harness) {
    let demo = common::demo::quiet().await;
    let mut app = Harness::start(
        &demo.kubeconfig_path,
        "demo",
        namespace,
        ClientOptions::default(),
        TaskOptions::default(),
    );
    app.until("the pods list", WAIT, |s| {
        s.pods_load == kr8s_tui::state::PodsLoad::Watching && !s.pods.is_empty()
    })
    .await;
    (demo, app)
}

/// The xray pane alone (the status bar has latencies that change from run to run).
fn xray_screen(state: &State, width: u16, height: u16) -> String {
    let view = state.xray.as_ref().expect("an xray tree");
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| kr8s_tui::ui::xray::render(f, f.area(), state, view))
        .expect("a test terminal draws");
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .map(|line| line.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn selected_row(state: &State) -> Option<(String, String)> {
    let view = state.resource.as_ref()?;
    view.selected().map(|o| (o.resource.plural, o.name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xray_deploy_shows_the_servers_owner_tree() {
    let (_demo, mut app) = on_default().await;
    app.command("xray deploy");
    app.until("the tree", WAIT, |s| {
        s.xray.as_ref().is_some_and(|x| x.nodes.is_some())
    })
    .await;
    let view = app.state.xray.as_ref().expect("a tree");
    let kinds: Vec<Kind> = view.nodes().iter().map(|n| n.kind).collect();
    assert_eq!(kinds.first(), Some(&Kind::Deployment));
    assert!(kinds.contains(&Kind::ReplicaSet) && kinds.contains(&Kind::Container));
    // Every pod of the namespace that a ReplicaSet owns is in the tree, once.
    let pods: Vec<&str> = view
        .nodes()
        .iter()
        .filter(|n| n.kind == Kind::Pod)
        .map(|n| n.name.as_str())
        .collect();
    let listed: Vec<String> = app.rows().into_iter().map(|r| r.name).collect();
    assert!(!pods.is_empty());
    for pod in &pods {
        assert!(listed.iter().any(|l| l == pod), "{pod} is a pod of default");
    }
    insta::assert_snapshot!("xray_deploy_default", xray_screen(&app.state, 90, 25));

    // Enter on the deployment describes it; Esc comes back to the tree.
    app.key(KeyCode::Enter, KeyModifiers::NONE);
    let crumb = kr8s_tui::ui::crumb::text(&app.state);
    assert_eq!(crumb, "demo › default › deployments › hello-web › describe");
    app.key(KeyCode::Esc, KeyModifiers::NONE);
    let crumb = kr8s_tui::ui::crumb::text(&app.state);
    assert_eq!(crumb, "demo › default › xray deployments");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j_climbs_from_a_pod_to_its_replicaset_and_deployment() {
    let (_demo, mut app) = on_default().await;
    let pod = app.state.pods.selected().expect("a pod").name.clone();
    assert!(pod.starts_with("hello-web-"), "{pod}");
    app.key(KeyCode::Char('J'), KeyModifiers::NONE);
    app.until("the replicaset", WAIT, |s| {
        s.resource
            .as_ref()
            .is_some_and(|v| v.live && v.awaited.is_none())
    })
    .await;
    let (kind, rs) = selected_row(&app.state).expect("a row");
    assert_eq!(kind, "replicasets");
    assert!(pod.starts_with(&format!("{rs}-")), "{pod} is of {rs}");

    app.key(KeyCode::Char('J'), KeyModifiers::NONE);
    app.until("the deployment", WAIT, |s| {
        s.resource
            .as_ref()
            .is_some_and(|v| v.resource.plural == "deployments" && v.live && v.awaited.is_none())
    })
    .await;
    let selected = selected_row(&app.state);
    assert_eq!(selected, Some(("deployments".into(), "hello-web".into())));

    // The deployment has no owner.
    app.key(KeyCode::Char('J'), KeyModifiers::NONE);
    app.until("the answer", WAIT, |s| s.jump.is_none()).await;
    let flash = app.state.flash.as_ref().map(|f| f.text.clone());
    assert_eq!(flash.as_deref(), Some("hello-web has no controlling owner"));

    // Back twice: the ReplicaSet, then the pod, each on its row.
    app.key(KeyCode::Char('['), KeyModifiers::NONE);
    app.until("the replicasets", WAIT, |s| {
        s.resource
            .as_ref()
            .is_some_and(|v| v.live && v.awaited.is_none())
    })
    .await;
    assert_eq!(selected_row(&app.state), Some(("replicasets".into(), rs)));
    app.key(KeyCode::Char('['), KeyModifiers::NONE);
    assert!(app.state.resource.is_none());
    assert_eq!(app.state.pods.selected().map(|r| r.name.clone()), Some(pod));
}

/// Every kind `:xray` knows leads to pods on the demo (all namespaces): the server's owner
/// references (and a Service's selector) link them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xray_kind_reaches_pods_in_the_demo() {
    let (_demo, mut app) = on_quiet_demo(None).await;
    for (word, root) in [
        ("deploy", Kind::Deployment),
        ("sts", Kind::StatefulSet),
        ("ds", Kind::DaemonSet),
        ("cj", Kind::CronJob),
        ("jobs", Kind::Job),
        ("svc", Kind::Service),
    ] {
        app.command(&format!("xray {word}"));
        app.until(word, WAIT, |s| {
            s.xray
                .as_ref()
                .is_some_and(|x| x.word == word && x.nodes.is_some())
        })
        .await;
        let view = app.state.xray.as_ref().expect("a tree");
        assert!(view.error.is_none(), "{word}: {:?}", view.error);
        let nodes = view.nodes();
        assert_eq!(nodes.first().map(|n| n.kind), Some(root), "{word}");
        assert!(
            nodes.iter().any(|n| n.kind == Kind::Pod && n.depth() > 0),
            "{word}: no pod in the tree"
        );
        app.key(KeyCode::Esc, KeyModifiers::NONE);
    }
}
