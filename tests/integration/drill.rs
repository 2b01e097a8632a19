//! Enter on a node or a service against the demo server over HTTPS: the pods shown are the
//! server's for the selector (listed and watched by the server), and Esc comes back.

use crate::common;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};

use common::harness::{Harness, keys};
use kr8s_tui::kube::table::{PodRow, RowFromPod};
use kr8s_tui::kube::{Client, ListParams};
use kr8s_tui::state::{PodsLoad, State};

const WAIT: Duration = Duration::from_secs(10);

/// The server's pods of every namespace that match the selectors, ordered as the table.
async fn server_pods(client: &Client, label: Option<&str>, field: Option<&str>) -> Vec<PodRow> {
    let params = ListParams {
        label_selector: label.map(str::to_string),
        field_selector: field.map(str::to_string),
        ..ListParams::default()
    };
    let list = client
        .list_all::<RowFromPod>("/api/v1/pods", &params)
        .await
        .expect("list from the server");
    let mut rows: Vec<PodRow> = list.items.into_iter().map(|RowFromPod(r)| r).collect();
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    rows
}

/// Opens `:kind` and waits for its rows.
async fn open(app: &mut Harness, kind: &str) {
    app.command(kind);
    app.until(kind, WAIT, |s| {
        s.resource.as_ref().is_some_and(|v| v.live && !v.is_empty())
    })
    .await;
}

/// Puts the resource table's cursor on the row named `name`.
fn select(app: &mut Harness, name: &str) {
    let view = app.state.resource.as_ref().expect("a table");
    let at = view
        .visible()
        .iter()
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"));
    app.key(KeyCode::Home, KeyModifiers::NONE);
    for _ in 0..at {
        app.key(KeyCode::Down, KeyModifiers::NONE);
    }
}

fn listed(s: &State) -> bool {
    s.resource.is_none() && s.pods_load == PodsLoad::Watching
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_and_a_service_lead_to_the_servers_pods() {
    let (_demo, mut app) = Harness::on_demo(300).await;
    let client = app.client("demo");
    let before = keys(&app.rows());

    // A node: its pods in every namespace, by spec.nodeName on the server.
    open(&mut app, "nodes").await;
    let node = {
        let view = app.state.resource.as_ref().expect("nodes");
        let last = view.visible().last().map(|r| r.name.clone());
        last.expect("a node")
    };
    select(&mut app, &node);
    app.key(KeyCode::Enter, KeyModifiers::NONE);
    app.until("the node's pods", WAIT, listed).await;
    let field = format!("spec.nodeName={node}");
    let want = server_pods(&client, None, Some(&field)).await;
    assert!(
        !want.is_empty() && want.len() < before.len(),
        "a node holds some pods"
    );
    assert_eq!(keys(&app.rows()), keys(&want));
    assert_eq!(
        kr8s_tui::ui::crumb::text(&app.state),
        format!("demo › all › pods (node/{node})")
    );

    // The watch is the server's too: a pod deleted there goes away here.
    let gone = &want[0];
    let path = format!("/api/v1/namespaces/{}/pods/{}", gone.namespace, gone.name);
    client.delete(&path).await.expect("delete");
    app.until("the deleted pod to change", WAIT, |s| {
        let row = s.pods.get(&gone.namespace, &gone.name);
        row.is_none_or(|r| r.status == "Terminating")
    })
    .await;

    // Esc: the nodes again, the cursor on the node.
    app.key(KeyCode::Esc, KeyModifiers::NONE);
    let selected = app.state.resource.as_ref().and_then(|v| v.selected());
    assert_eq!(selected.map(|o| o.name), Some(node));
    assert_eq!(app.state.field_selector, None);

    // A service with a selector: the pods of its namespace that the selector picks.
    open(&mut app, "svc").await;
    let (namespace, name, selector) = {
        let svc = app.client("demo");
        let list = svc
            .get_accept("/api/v1/services", kr8s_tui::kube::wire::JSON)
            .await
            .expect("services");
        let list: serde_json::Value = serde_json::from_slice(&list.body).expect("JSON");
        let items = list["items"].as_array().cloned().unwrap_or_default();
        let with = items
            .iter()
            .find(|s| s["spec"]["selector"].is_object())
            .expect("a service with a selector");
        let selector =
            kr8s_tui::kube::selector::from_map(&with["spec"]["selector"]).expect("a selector");
        let meta = &with["metadata"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        (text(&meta["namespace"]), text(&meta["name"]), selector)
    };
    select(&mut app, &name);
    app.key(KeyCode::Enter, KeyModifiers::NONE);
    app.until("the service's pods", WAIT, |s| {
        listed(s) && s.label_selector.as_deref() == Some(selector.as_str())
    })
    .await;
    let want: Vec<PodRow> = server_pods(&client, Some(&selector), None)
        .await
        .into_iter()
        .filter(|r| r.namespace == namespace)
        .collect();
    assert!(!want.is_empty(), "the service selects pods");
    assert_eq!(keys(&app.rows()), keys(&want));
    assert_eq!(app.state.namespace.as_deref(), Some(namespace.as_str()));
}
