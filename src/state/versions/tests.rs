//! The object history as `update` feeds it: what a user finds behind `h` and `:deleted`.

use std::sync::Arc;

use super::*;
use crate::kube::kubeconfig::ContextInfo;
use crate::kube::raw_object::RawObject;
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event};
use crate::msg::Msg;
use crate::state::{StartOptions, State, update};

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).expect("a time")
}

fn pod(name: &str, status: &str, restarts: u32) -> PodRow {
    PodRow {
        namespace: "shop".into(),
        name: name.into(),
        uid: format!("uid-{name}"),
        ready: "1/1".into(),
        status: status.into(),
        restarts,
        ..PodRow::default()
    }
}

/// The row as a watch event brings it: with its whole object, seen at `secs`.
fn watched(name: &str, status: &str, restarts: u32, secs: i64) -> PodRow {
    let json = format!(
        r#"{{"kind":"Pod","metadata":{{"name":"{name}","namespace":"shop","uid":"uid-{name}","resourceVersion":"{secs}"}},"status":{{"containerStatuses":[{{"name":"app","restartCount":{restarts}}}],"phase":"{status}"}}}}"#
    );
    PodRow {
        object: Some(Box::new(RawObject {
            json: json.into(),
            seen: at(secs),
        })),
        ..pod(name, status, restarts)
    }
}

/// A state watching the pods of context `dev`, listed with `rows`.
fn listed(history: History, rows: Vec<PodRow>) -> State {
    let mut state = State::new(StartOptions::default());
    update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ContextInfo {
                name: "dev".into(),
                cluster: "dev".into(),
                user: "dev".into(),
                namespace: Some("shop".into()),
            }],
            selected: Some("dev".into()),
            fleet: Vec::new(),
            namespace: None,
            error: None,
        },
    );
    state.history = history;
    page(&mut state, rows, true, true);
    state
}

fn page(state: &mut State, rows: Vec<PodRow>, first: bool, last: bool) {
    let event = Event::Page {
        page: rows,
        first,
        last,
    };
    let generation = state.pods_gen;
    update(state, Msg::Pods { generation, event });
}

fn changes(state: &mut State, changes: Vec<Change<PodRow>>) {
    let generation = state.pods_gen;
    let event = Event::Changes(changes);
    update(state, Msg::Pods { generation, event });
}

fn key(context: &str, name: &str) -> ObjectKey {
    ObjectKey {
        context: Arc::from(context),
        resource: Arc::from("pods"),
        namespace: "shop".into(),
        name: name.into(),
    }
}

/// What the history of `name` says, version by version: when, and what changed.
fn story(state: &State, name: &str) -> Vec<String> {
    let Some(entry) = state.history.get(&key("dev", name)) else {
        return Vec::new();
    };
    let versions: Vec<&Version> = entry.versions().collect();
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let when = v
                .seen
                .map_or("listed".to_string(), |t| t.as_second().to_string());
            let what = match i {
                0 => "first".to_string(),
                _ => diff::changes(versions[i - 1], v, false)
                    .iter()
                    .map(diff::FieldChange::text)
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            format!("{when}: {what}")
        })
        .collect()
}

#[test]
fn a_pod_changed_twice_has_three_versions_naming_the_fields() {
    let mut state = listed(History::default(), vec![pod("web-1", "Running", 3)]);
    changes(
        &mut state,
        vec![Change::Modified(watched("web-1", "Running", 3, 10))],
    );
    changes(
        &mut state,
        vec![Change::Modified(watched("web-1", "Error", 4, 20))],
    );
    assert_eq!(
        story(&state, "web-1"),
        [
            "listed: first".to_string(),
            format!("{}: ", at(10).as_second()),
            format!(
                "{}: STATUS Running→Error, RESTARTS 3→4, status.containerStatuses[app].restartCount 3→4, status.phase Running→Error",
                at(20).as_second()
            )
        ]
    );
    // The tables never keep the whole objects.
    assert!(state.pods.rows().iter().all(|r| r.object.is_none()));
}

#[test]
fn each_object_keeps_its_last_n_versions() {
    let mut state = listed(
        History::new(3, DEFAULT_MAX_BYTES),
        vec![pod("web-1", "Running", 0)],
    );
    for n in 1..=5 {
        changes(
            &mut state,
            vec![Change::Modified(watched(
                "web-1",
                "Running",
                n,
                i64::from(n),
            ))],
        );
    }
    let entry = state.history.get(&key("dev", "web-1")).expect("a history");
    let restarts: Vec<&str> = entry.versions().map(|v| v.cells[2].1.as_str()).collect();
    assert_eq!(restarts, ["3", "4", "5"]);
}

#[test]
fn the_byte_cap_drops_the_oldest_versions_first() {
    let rows = vec![pod("a", "Running", 0), pod("b", "Running", 0)];
    let mut state = listed(History::default(), rows);
    changes(
        &mut state,
        vec![Change::Modified(watched("a", "Running", 1, 1))],
    );
    changes(
        &mut state,
        vec![Change::Modified(watched("b", "Running", 1, 2))],
    );
    let full = state.history.bytes();
    // Room for what is there now, less a little: the oldest version (a's listed row) goes.
    state.history.max_bytes = full - 1;
    changes(
        &mut state,
        vec![Change::Modified(watched("b", "Running", 1, 2))],
    );
    state.history.evict();
    let counts =
        |s: &State| ["a", "b"].map(|n| s.history.get(&key("dev", n)).map_or(0, Entry::len));
    assert_eq!(counts(&state), [1, 2]);
    assert!(state.history.bytes() <= state.history.max_bytes);
    // b's next version pushes out a's last one: a is forgotten.
    changes(
        &mut state,
        vec![Change::Modified(watched("b", "Running", 2, 3))],
    );
    assert_eq!(counts(&state), [0, 3]);
    assert!(state.history.bytes() <= state.history.max_bytes);
}

#[test]
fn deleted_pods_and_pods_gone_after_a_relist_are_listed_as_deleted() {
    let rows = vec![
        pod("web-1", "Running", 0),
        pod("job-1", "Completed", 0),
        pod("db-0", "Running", 0),
    ];
    let mut state = listed(History::default(), rows);
    changes(
        &mut state,
        vec![Change::Deleted(watched("web-1", "OOMKilled", 1, 30))],
    );
    state.now = at(40);
    // A relist (after a 410) no longer has job-1.
    page(&mut state, vec![pod("db-0", "Running", 0)], true, false);
    page(&mut state, Vec::new(), false, true);
    let gone: Vec<String> = state
        .history
        .gone()
        .map(|(k, e)| {
            let g = e.gone.as_ref().expect("gone");
            format!(
                "{} {} {} relist={}",
                k.name,
                g.status,
                g.when.as_second() - at(0).as_second(),
                g.relist
            )
        })
        .collect();
    assert_eq!(
        gone,
        [
            "job-1 Completed 40 relist=true",
            "web-1 OOMKilled 30 relist=false"
        ]
    );
    let web = state.history.get(&key("dev", "web-1")).expect("web-1");
    assert!(
        web.last()
            .and_then(|v| v.object.as_deref())
            .is_some_and(|o| o.contains("restartCount"))
    );
}

#[test]
fn fleet_rows_keep_their_context() {
    let mut state = listed(History::default(), Vec::new());
    state.fleet = Some(crate::state::fleet::Fleet::new(&[
        "dev".to_string(),
        "prod".to_string(),
    ]));
    let tagged = |row: PodRow, context: &str| PodRow {
        context: Some(Arc::from(context)),
        ..row
    };
    let generation = state.pods_gen;
    let listed = Event::Page {
        page: vec![tagged(pod("web-1", "Running", 0), "prod")],
        first: true,
        last: true,
    };
    update(
        &mut state,
        Msg::FleetPods {
            generation,
            member: 1,
            event: listed,
        },
    );
    let modified = Event::Changes(vec![Change::Modified(tagged(
        watched("web-1", "Error", 1, 5),
        "prod",
    ))]);
    update(
        &mut state,
        Msg::FleetPods {
            generation,
            member: 1,
            event: modified,
        },
    );
    assert_eq!(
        state.history.get(&key("prod", "web-1")).map(Entry::len),
        Some(2)
    );
    assert!(state.history.get(&key("dev", "web-1")).is_none());
}

#[test]
fn noise_fields_are_hidden_unless_asked() {
    let v = |rv: &str, replicas: u32| {
        Version {
        seen: None,
        cells: Vec::new(),
        object: Some(
            format!(r#"{{"metadata":{{"resourceVersion":"{rv}","generation":{replicas},"managedFields":[]}},"spec":{{"replicas":{replicas}}}}}"#)
                .into(),
        ),
    }
    };
    let texts = |noise| -> Vec<String> {
        diff::changes(&v("1", 10), &v("2", 3), noise)
            .iter()
            .map(diff::FieldChange::text)
            .collect()
    };
    assert_eq!(texts(false), ["spec.replicas 10→3"]);
    assert_eq!(
        texts(true),
        [
            "metadata.generation 10→3",
            "metadata.resourceVersion 1→2",
            "spec.replicas 10→3"
        ]
    );
}

/// `h` works on any kind's table: a deployment scaled shows `spec.replicas 10→3`.
#[test]
fn h_on_a_deployment_row_shows_its_versions() {
    use crate::kube::discovery::ApiResource;
    use crate::kube::resource_table::{TableRow, parse_table};
    let mut state = listed(History::default(), Vec::new());
    let deploys = ApiResource {
        group: "apps".into(),
        version: "v1".into(),
        plural: "deployments".into(),
        singular: "deployment".into(),
        kind: "Deployment".into(),
        namespaced: true,
        ..ApiResource::default()
    };
    crate::state::kinds::open(&mut state, deploys);
    let id = state.resource.as_ref().map(|v| v.id).expect("a table");
    let body = r#"{"kind":"Table","columnDefinitions":[{"name":"Name"},{"name":"Ready"},{"name":"Age"}],
        "rows":[{"cells":["web","10/10","5d"],"object":{"metadata":{"name":"web","namespace":"shop"}}}]}"#;
    let table = parse_table(body.as_bytes()).expect("a table");
    update(&mut state, Msg::table_listed(id, table));
    let scaled = |replicas: u32, ready: &str, secs: i64| {
        TableRow {
        cells: vec!["web".into(), ready.into(), "5d".into()],
        name: "web".into(),
        namespace: "shop".into(),
        object: Some(Box::new(RawObject {
            json: format!(r#"{{"metadata":{{"name":"web","uid":"d1","generation":{replicas}}},"spec":{{"replicas":{replicas}}}}}"#).into(),
            seen: at(secs),
        })),
        ..TableRow::default()
    }
    };
    for (replicas, ready, secs) in [(10, "10/10", 1), (3, "3/3", 2)] {
        let event = Event::Changes(vec![Change::Modified(scaled(replicas, ready, secs))]);
        update(&mut state, Msg::Table { id, event });
    }
    let rows = state
        .resource
        .as_ref()
        .and_then(|v| v.table.as_ref())
        .map(|t| &t.rows);
    assert!(rows.is_some_and(|r| r.iter().all(|r| r.object.is_none())));
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('h'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert_eq!(state.screen, crate::state::Screen::History);
    let view = state.history_view.as_ref().expect("the history");
    let entry = view.entry(&state).expect("its versions");
    let versions: Vec<&Version> = entry.versions().collect();
    assert_eq!(versions.len(), 3);
    let newest: Vec<String> = diff::changes(versions[1], versions[2], false)
        .iter()
        .map(diff::FieldChange::text)
        .collect();
    assert_eq!(newest, ["READY 10/10→3/3", "spec.replicas 10→3"]);
}

/// A StatefulSet's pod comes back under the same name: a new object, a new history, and the
/// old one leaves `:deleted`.
#[test]
fn a_name_reused_by_a_new_object_starts_a_new_history() {
    let mut state = listed(History::default(), vec![pod("db-0", "Running", 0)]);
    changes(
        &mut state,
        vec![Change::Deleted(watched("db-0", "Error", 2, 10))],
    );
    assert_eq!(state.history.gone().count(), 1);
    let mut again = watched("db-0", "Pending", 0, 20);
    again.uid = "uid-db-0-new".into();
    if let Some(o) = again.object.as_mut() {
        o.json = o.json.replace("uid-db-0", "uid-db-0-new").into();
    }
    changes(&mut state, vec![Change::Added(again)]);
    assert_eq!(state.history.gone().count(), 0);
    let entry = state.history.get(&key("dev", "db-0")).expect("db-0");
    assert_eq!((entry.len(), entry.uid.as_str()), (1, "uid-db-0-new"));
}
