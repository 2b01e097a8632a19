//! Snapshots of several contexts in one table: the CONTEXT column, the counts per context in
//! the title (a failing context named with ✗), on pods and on a `:kind` table.

use std::sync::Arc;

use crate::kube::kubeconfig::ContextInfo;
use crate::kube::resource_table::{ResourceTable, TableColumn, TableRow};
use crate::kube::watcher::Event;
use crate::kube::{Failure, FailureKind};
use crate::msg::Msg;
use crate::state::{StartOptions, State, update};
use crate::ui::testing::{draw, now, open_kind, pods};

/// The fleet prod-eu, prod-us, staging (-A): the first two listed, staging unreachable.
fn fleet() -> State {
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        ..StartOptions::default()
    });
    let names = ["prod-eu", "prod-us", "staging"];
    let contexts = names
        .iter()
        .map(|n| ContextInfo {
            name: n.to_string(),
            cluster: n.to_string(),
            user: "alice".into(),
            namespace: None,
        })
        .collect();
    update(
        &mut state,
        Msg::Contexts {
            contexts,
            selected: Some("prod-eu".into()),
            fleet: names.iter().map(|n| n.to_string()).collect(),
            namespace: None,
            error: None,
        },
    );
    state.now = now();
    for (member, (context, ns)) in [("prod-eu", "shop"), ("prod-us", "web")]
        .into_iter()
        .enumerate()
    {
        let rows = pods(ns)
            .into_iter()
            .take(3)
            .map(|mut r| {
                r.context = Some(Arc::from(context));
                r
            })
            .collect();
        let event = Event::Page {
            page: rows,
            first: true,
            last: true,
        };
        let generation = state.pods_gen;
        update(
            &mut state,
            Msg::FleetPods {
                generation,
                member,
                event,
            },
        );
    }
    let error = Failure {
        kind: FailureKind::Unreachable,
        ..Failure::other("dial tcp 10.0.0.9:443: connection refused")
    };
    let event = Event::Failed {
        error,
        retry_at: None,
    };
    let generation = state.pods_gen;
    update(
        &mut state,
        Msg::FleetPods {
            generation,
            member: 2,
            event,
        },
    );
    state
}

#[test]
fn fleet_pods_pane() {
    let state = fleet();
    insta::assert_snapshot!(draw(140, 10, |f| super::pods::render(f, f.area(), &state)));
}

#[test]
fn fleet_pods_pane_narrow() {
    let state = fleet();
    insta::assert_snapshot!(draw(80, 10, |f| super::pods::render(f, f.area(), &state)));
}

#[test]
fn fleet_resource_table() {
    let mut state = fleet();
    let id = open_kind(&mut state, "apps", "deployments");
    let columns = ["Name", "Ready", "Up-to-date", "Available"]
        .map(|n| TableColumn {
            name: n.into(),
            priority: 0,
        })
        .to_vec();
    for (member, context) in ["prod-eu", "prod-us"].into_iter().enumerate() {
        let row = |ns: &str, name: &str, ready: &str| TableRow {
            context: Some(Arc::from(context)),
            cells: vec![name.into(), ready.into(), "3".into(), "3".into()],
            name: name.into(),
            namespace: ns.into(),
            ..TableRow::default()
        };
        let page = ResourceTable {
            columns: columns.clone(),
            rows: vec![row("shop", "api", "3/3"), row("web", "frontend", "2/3")],
            resource_version: "1".into(),
        };
        let event = Event::Page {
            page,
            first: true,
            last: true,
        };
        update(&mut state, Msg::FleetTable { id, member, event });
    }
    let error = Failure {
        code: Some(403),
        ..Failure::other("deployments.apps is forbidden")
    };
    let event = Event::Failed {
        error,
        retry_at: None,
    };
    update(
        &mut state,
        Msg::FleetTable {
            id,
            member: 2,
            event,
        },
    );
    let Some(view) = state.resource.as_ref() else {
        panic!("a resource view");
    };
    insta::assert_snapshot!(draw(110, 9, |f| super::resources::render(
        f,
        f.area(),
        &state,
        view
    )));
}
