//! `DELETE` of one object of any writable kind, with `dryRun=All`: pods terminate gracefully,
//! a namespace is Terminating for a moment and then gone with everything in it, other objects
//! go at once and take their dependents with them (background cascading deletion, as the
//! garbage collector does).

use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::api::graceful_delete;
use super::controller::controller_of;
use super::pods::{Scenario, ts};
use super::resources::Kind;
use super::routes::{AppState, Params, json_bytes, not_found, respond};
use super::store::Store;
use super::write::WriteOptions;

/// `DELETE` of an object.
pub(crate) fn delete(
    app: &AppState,
    kind: Kind,
    ns: &str,
    name: &str,
    params: &Params,
    body: &[u8],
) -> Response {
    respond((|| {
        let opts = WriteOptions::parse(params, "DeleteOptions")?;
        let from_body = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v["gracePeriodSeconds"].as_u64());
        let grace = params.number("gracePeriodSeconds")?.or(from_body);
        let obj = app
            .store
            .get(kind, ns, name)
            .ok_or_else(|| not_found(kind, name))?;
        let json = match (kind, opts.dry_run) {
            (Kind::Pod | Kind::Namespace, true) => {
                serde_json::to_vec(&terminating(obj.value(), grace)).unwrap_or_default()
            }
            (_, true) => obj.json().to_vec(),
            (Kind::Pod, false) => {
                graceful_delete(&app.store, ns, name, grace, Some(Scenario::Running))
                    .ok_or_else(|| not_found(kind, name))?
                    .to_vec()
            }
            (Kind::Namespace, false) => {
                delete_namespace(&app.store, name).ok_or_else(|| not_found(kind, name))?
            }
            (_, false) => {
                let gone = app
                    .store
                    .delete_if(kind, ns, name, |_| true)
                    .ok_or_else(|| not_found(kind, name))?;
                let value = gone.obj.value();
                cascade(&app.store, ns, &value);
                gone.obj.json().to_vec()
            }
        };
        Ok(json_bytes(StatusCode::OK, json))
    })())
}

/// The object as a graceful delete leaves it: deletionTimestamp set.
fn terminating(mut v: Value, grace: Option<u64>) -> Value {
    let grace = grace.unwrap_or(30);
    let at = Timestamp::now()
        .checked_add(SignedDuration::from_secs(grace as i64))
        .unwrap_or(Timestamp::now());
    if v["metadata"].get("deletionTimestamp").is_none() {
        v["metadata"]["deletionTimestamp"] = json!(ts(at));
        v["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
    }
    v
}

/// Deletes what `owner` controlled (ReplicaSets of a Deployment, pods of a ReplicaSet, …).
pub(crate) fn cascade(store: &Arc<Store>, ns: &str, owner: &Value) {
    let uid = owner["metadata"]["uid"].as_str().unwrap_or_default();
    if uid.is_empty() || ns.is_empty() {
        return;
    }
    for kind in [Kind::ReplicaSet, Kind::Job, Kind::Pod] {
        let owned = store.page(kind, Some(ns), None, 0, |_| true).items;
        for obj in owned {
            let v = obj.value();
            if controller_of(&v).is_none_or(|o| o.uid != uid) {
                continue;
            }
            if kind == Kind::Pod {
                graceful_delete(store, ns, obj.name(), None, Some(Scenario::Running));
            } else if let Some(gone) = store.delete_if(kind, ns, obj.name(), |_| true) {
                cascade(store, ns, &gone.obj.value());
            }
        }
    }
}

/// Marks a namespace Terminating and removes it and its objects a second later.
fn delete_namespace(store: &Arc<Store>, name: &str) -> Option<Vec<u8>> {
    let change = store.update(Kind::Namespace, "", name, |v| {
        *v = terminating(v.take(), Some(0));
        v["status"]["phase"] = json!("Terminating");
    })?;
    let (store, name) = (store.clone(), name.to_string());
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        for kind in Kind::ALL.into_iter().filter(|k| k.namespaced()) {
            for obj in store.page(kind, Some(&name), None, 0, |_| true).items {
                store.delete_if(kind, &name, obj.name(), |_| true);
            }
        }
        store.delete_if(Kind::Namespace, "", &name, |_| true);
    });
    Some(change.obj.json().to_vec())
}
