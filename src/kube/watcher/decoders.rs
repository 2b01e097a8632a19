//! The decoders the app lists and watches with: pod rows (server-printed Tables, or whole pods
//! through the printPod port), any kind's server Table, and bare names (namespaces).

use serde::Deserialize;
use serde_json::Value;

use super::{Change, Decoder, Item};
use crate::kube::KubeError;
use crate::kube::raw_object::{RawObject, table_row_objects};
use crate::kube::resource_table::{
    ResourceTable, TableRow, parse_table, parse_table_rows, resource_version,
};
use crate::kube::table::server::{PodColumns, decode_pods_page};
use crate::kube::table::{PodRow, RowFromPod};
use crate::kube::wire::{
    INCLUDE_METADATA, INCLUDE_OBJECT, JSON, TABLE_ACCEPT, WatchEvent, decode_list,
    decode_watch_event,
};

/// A watch line that is not what the API promises.
fn undecodable(path: &str, message: impl Into<String>) -> KubeError {
    KubeError::Decode {
        path: crate::kube::url::strip_query(path),
        message: message.into(),
    }
}

/// A decoded JSON watch event as changes plus the version it reached; `version` reads an
/// object's resourceVersion.
fn json_item<T, R>(
    event: WatchEvent<T>,
    version: impl Fn(&T) -> String,
    row: impl Fn(T) -> R,
) -> Item<R> {
    let change = |c: fn(R) -> Change<R>, object: T| {
        let rv = version(&object);
        Item::Changes(vec![c(row(object))], rv)
    };
    match event {
        WatchEvent::Added(o) => change(Change::Added, o),
        WatchEvent::Modified(o) => change(Change::Modified, o),
        WatchEvent::Deleted(o) => change(Change::Deleted, o),
        WatchEvent::Bookmark(rv) => Item::Bookmark(rv),
        WatchEvent::Error(status) => Item::Error(status),
    }
}

/// Decodes one line of a Table watch: each object is a Table of the changed rows.
fn parse_table_event(line: &[u8]) -> Result<Item<TableRow>, String> {
    #[derive(Deserialize)]
    struct RawEvent {
        #[serde(rename = "type")]
        kind: String,
        object: Value,
    }
    let event: RawEvent = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let change: fn(TableRow) -> Change<TableRow> = match event.kind.as_str() {
        "ADDED" => Change::Added,
        "MODIFIED" => Change::Modified,
        "DELETED" => Change::Deleted,
        "BOOKMARK" => return Ok(Item::Bookmark(resource_version(&event.object))),
        "ERROR" => {
            let status = serde_json::from_value(event.object).map_err(|e| e.to_string())?;
            return Ok(Item::Error(status));
        }
        other => return Err(format!("unknown watch event type {other:?}")),
    };
    let (rows, rv) = parse_table_rows(event.object)?;
    Ok(Item::Changes(rows.into_iter().map(change).collect(), rv))
}

/// Pods as rows the server printed, listed and watched as Tables (as `kubectl get -w` does:
/// the same printer for every row, whichever way it arrived). A server that cannot print
/// answers with whole pods, printed here by the printPod port.
#[derive(Debug, Clone, Copy, Default)]
pub struct PodRows {
    /// Watch events carry whole pods (`includeObject=Object`), kept raw on each row for the
    /// object history; lists stay metadata-only either way.
    pub objects: bool,
}

impl PodRows {
    /// Rows whose watch events carry whole pods when `objects` is set.
    pub fn watching_objects(objects: bool) -> PodRows {
        PodRows { objects }
    }
}

impl Decoder for PodRows {
    type Page = Vec<PodRow>;
    type Row = PodRow;
    type Columns = Option<PodColumns>;

    fn list_accept(&self) -> &'static str {
        TABLE_ACCEPT
    }

    fn list_query(&self) -> &'static str {
        INCLUDE_METADATA
    }

    fn watch_accept(&self) -> &'static str {
        TABLE_ACCEPT
    }

    fn watch_query(&self) -> &'static str {
        if self.objects {
            INCLUDE_OBJECT
        } else {
            INCLUDE_METADATA
        }
    }

    fn page(
        &self,
        columns: &mut Self::Columns,
        body: &[u8],
        path: &str,
    ) -> Result<Vec<PodRow>, KubeError> {
        decode_pods_page(body, path, columns, jiff::Timestamp::now())
    }

    fn event(
        &self,
        columns: &mut Self::Columns,
        line: &[u8],
        path: &str,
    ) -> Result<Item<PodRow>, KubeError> {
        let event: RawEvent =
            serde_json::from_slice(line).map_err(|e| undecodable(path, e.to_string()))?;
        let head: ObjectHead = serde_json::from_str(event.object.get()).unwrap_or_default();
        let change: fn(PodRow) -> Change<PodRow> = match (event.kind.as_str(), head.kind.as_str()) {
            ("ADDED", "Table") => Change::Added,
            ("MODIFIED", "Table") => Change::Modified,
            ("DELETED", "Table") => Change::Deleted,
            // Whole pods (a server that cannot print), bookmarks and errors.
            _ => return pod_event(line, path, self.objects),
        };
        let body = event.object.get().as_bytes();
        let now = jiff::Timestamp::now();
        let mut rows = decode_pods_page(body, path, columns, now)?;
        if self.objects {
            let objects = table_row_objects(event.object.get());
            for (row, object) in rows.iter_mut().zip(objects) {
                row.object = object.map(|o| RawObject::new(&o, now));
            }
        }
        // The Table's own version, else its (last) row's object's.
        let rv = match head.metadata.resource_version {
            rv if rv.is_empty() => rows
                .last()
                .map(|r| r.resource_version.clone())
                .unwrap_or_default(),
            rv => rv,
        };
        Ok(Item::Changes(rows.into_iter().map(change).collect(), rv))
    }
}

/// A watch line with its object undecoded.
#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "type")]
    kind: String,
    object: Box<serde_json::value::RawValue>,
}

/// What an object is and the version it carries.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ObjectHead {
    kind: String,
    metadata: NameMeta,
}

/// A watch line carrying a whole pod, printed here.
fn pod_event(line: &[u8], path: &str, objects: bool) -> Result<Item<PodRow>, KubeError> {
    let event = decode_watch_event::<RowFromPod>(line).map_err(|m| undecodable(path, m))?;
    let mut item = json_item(
        event,
        |RowFromPod(row)| row.resource_version.clone(),
        |RowFromPod(row)| row,
    );
    // The line is the whole pod already: keep it raw too.
    if let (true, Item::Changes(changes, _)) = (objects, &mut item)
        && let Ok(raw) = serde_json::from_slice::<RawEvent>(line)
    {
        let object = RawObject::new(&raw.object, jiff::Timestamp::now());
        for change in changes {
            let (Change::Added(row) | Change::Modified(row) | Change::Deleted(row)) = change;
            row.object = Some(object.clone());
        }
    }
    Ok(item)
}

/// Any kind as the server prints it (`kubectl get` columns), listed and watched as Tables
/// whose rows carry what their age columns count from: each object's metadata
/// (creationTimestamp, for AGE), or for events the whole object (LAST SEEN).
#[derive(Debug, Clone, Copy)]
pub struct TableRows {
    /// `includeObject=…` of lists and watches.
    include: &'static str,
    /// Watch events carry whole objects, kept raw on each row for the object history.
    objects: bool,
    /// A Secrets collection: never whole objects.
    secrets: bool,
}

impl Default for TableRows {
    fn default() -> Self {
        TableRows {
            include: INCLUDE_METADATA,
            objects: false,
            secrets: false,
        }
    }
}

impl TableRows {
    /// The decoder for the collection at `path` (`/api/v1/namespaces/x/events`, …).
    pub fn for_collection(path: &str) -> TableRows {
        let include = if is_events(path) {
            INCLUDE_OBJECT
        } else {
            INCLUDE_METADATA
        };
        TableRows {
            include,
            objects: false,
            secrets: is_core(path, "secrets"),
        }
    }

    /// Watch events carry whole objects (`includeObject=Object`) when `objects` is set; lists
    /// keep what their columns need. Never for Secrets: their values would reach the history,
    /// `:deleted` and recordings.
    pub fn watching_objects(self, objects: bool) -> TableRows {
        TableRows {
            objects: objects && !self.secrets,
            ..self
        }
    }
}

/// True for a core collection of `plural` (any namespace or all).
fn is_core(path: &str, plural: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    path.starts_with("/api/v1/") && path.rsplit('/').next() == Some(plural)
}

/// True for core and `events.k8s.io` events, whose LAST SEEN the apiserver prints from fields
/// beyond metadata.
fn is_events(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let core = path.starts_with("/api/v1/");
    let events_api = path.starts_with("/apis/events.k8s.io/");
    (core || events_api) && path.rsplit('/').next() == Some("events")
}

impl Decoder for TableRows {
    type Page = ResourceTable;
    type Row = TableRow;
    type Columns = ();

    fn list_accept(&self) -> &'static str {
        TABLE_ACCEPT
    }

    fn list_query(&self) -> &'static str {
        self.include
    }

    fn watch_accept(&self) -> &'static str {
        TABLE_ACCEPT
    }

    fn watch_query(&self) -> &'static str {
        if self.objects {
            INCLUDE_OBJECT
        } else {
            self.include
        }
    }

    fn page(&self, _: &mut (), body: &[u8], path: &str) -> Result<ResourceTable, KubeError> {
        parse_table(body).map_err(|m| undecodable(path, m))
    }

    fn event(&self, _: &mut (), line: &[u8], path: &str) -> Result<Item<TableRow>, KubeError> {
        let mut item = parse_table_event(line).map_err(|m| undecodable(path, m))?;
        if let (true, Item::Changes(changes, _)) = (self.objects, &mut item) {
            attach_table_objects(line, changes);
        }
        Ok(item)
    }
}

/// Puts each row's whole object (raw) on its change, from a second, shallow pass over the line.
fn attach_table_objects(line: &[u8], changes: &mut [Change<TableRow>]) {
    let Ok(event) = serde_json::from_slice::<RawEvent>(line) else {
        return;
    };
    let now = jiff::Timestamp::now();
    let objects = table_row_objects(event.object.get());
    for (change, object) in changes.iter_mut().zip(objects) {
        let (Change::Added(row) | Change::Modified(row) | Change::Deleted(row)) = change;
        row.object = object.map(|o| RawObject::new(&o, now));
    }
}

/// Objects by name only (the namespaces pane).
#[derive(Debug, Clone, Copy, Default)]
pub struct NameRows;

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    metadata: NameMeta,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct NameMeta {
    name: String,
    resource_version: String,
}

impl Decoder for NameRows {
    type Page = Vec<String>;
    type Row = String;
    type Columns = ();

    fn list_accept(&self) -> &'static str {
        JSON
    }

    fn watch_accept(&self) -> &'static str {
        JSON
    }

    fn page(&self, _: &mut (), body: &[u8], path: &str) -> Result<Vec<String>, KubeError> {
        let page = decode_list::<Named>(body, path)?;
        Ok(page.items.into_iter().map(|o| o.metadata.name).collect())
    }

    fn event(&self, _: &mut (), line: &[u8], path: &str) -> Result<Item<String>, KubeError> {
        let event = decode_watch_event::<Named>(line).map_err(|m| undecodable(path, m))?;
        Ok(json_item(
            event,
            |o| o.metadata.resource_version.clone(),
            |o| o.metadata.name,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Watched pods keep the server's printing (a 1.20 server prints RESTARTS `7`, no "ago"),
    /// with the columns learnt from the list; servers that send whole pods are printed here.
    #[test]
    fn pod_watch_events_are_the_servers_rows() {
        let page = br#"{"kind":"Table","metadata":{"resourceVersion":"9"},"columnDefinitions":[
            {"name":"Name"},{"name":"Ready"},{"name":"Status"},{"name":"Restarts"},{"name":"Age"}],"rows":[]}"#;
        let mut columns = None;
        let rows = PodRows::default()
            .page(&mut columns, page, "/api/v1/pods")
            .expect("page");
        assert!(rows.is_empty() && columns.is_some());
        let line =
            br#"{"type":"MODIFIED","object":{"kind":"Table","metadata":{"resourceVersion":"10"},
            "rows":[{"cells":["web-1","0/1","CrashLoopBackOff","7","3m"],
            "object":{"metadata":{"name":"web-1","namespace":"shop","resourceVersion":"10"}}}]}}"#;
        let item = PodRows::default()
            .event(&mut columns, line, "/api/v1/pods")
            .expect("event");
        let Item::Changes(changes, rv) = item else {
            panic!("changes: {item:?}");
        };
        let [Change::Modified(row)] = changes.as_slice() else {
            panic!("one modified row: {changes:?}");
        };
        assert_eq!(rv, "10");
        let shown = (
            row.name.as_str(),
            row.status.as_str(),
            row.restarts,
            row.last_restart,
        );
        assert_eq!(shown, ("web-1", "CrashLoopBackOff", 7, None));
        let pod = br#"{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"db-0","namespace":"shop","resourceVersion":"11"},
            "status":{"phase":"Succeeded"}}}"#;
        let item = PodRows::default()
            .event(&mut columns, pod, "/api/v1/pods")
            .expect("event");
        assert!(
            matches!(&item, Item::Changes(c, rv) if rv == "11" && matches!(c.as_slice(), [Change::Deleted(r)] if r.name == "db-0" && r.status == "Succeeded")),
            "{item:?}"
        );
        let bookmark =
            br#"{"type":"BOOKMARK","object":{"kind":"Table","metadata":{"resourceVersion":"12"}}}"#;
        let item = PodRows::default()
            .event(&mut columns, bookmark, "/api/v1/pods")
            .expect("bookmark");
        assert_eq!(item, Item::Bookmark("12".into()));
    }

    /// With the history on, watches ask for whole objects and each row keeps its object raw,
    /// byte for byte; lists stay metadata-only.
    #[test]
    fn watched_rows_keep_their_whole_object_raw() {
        let pods = PodRows::watching_objects(true);
        assert_eq!(
            (pods.list_query(), pods.watch_query()),
            (INCLUDE_METADATA, INCLUDE_OBJECT)
        );
        let page = br#"{"kind":"Table","metadata":{"resourceVersion":"9"},"columnDefinitions":[
            {"name":"Name"},{"name":"Ready"},{"name":"Status"},{"name":"Restarts"},{"name":"Age"}],"rows":[]}"#;
        let mut columns = None;
        pods.page(&mut columns, page, "/api/v1/pods").expect("page");
        let pod = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-1","namespace":"shop","uid":"u1","resourceVersion":"10"},"spec":{"containers":[{"name":"app"}]},"status":{"phase":"Running"}}"#;
        let line = format!(
            r#"{{"type":"MODIFIED","object":{{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{{"resourceVersion":"10"}},"rows":[{{"cells":["web-1","1/1","Running","0","3m"],"object":{pod}}}]}}}}"#
        );
        let item = pods.event(&mut columns, line.as_bytes(), "/api/v1/pods");
        let Ok(Item::Changes(changes, _)) = item else {
            panic!("changes: {item:?}");
        };
        let [Change::Modified(row)] = changes.as_slice() else {
            panic!("one row: {changes:?}");
        };
        assert_eq!(row.object.as_ref().map(|o| &*o.json), Some(pod));
        assert_eq!((row.name.as_str(), row.uid.as_str()), ("web-1", "u1"));
        // Without the history nothing is kept.
        let item = PodRows::default().event(&mut columns, line.as_bytes(), "/api/v1/pods");
        assert!(
            matches!(item, Ok(Item::Changes(c, _)) if matches!(c.as_slice(), [Change::Modified(r)] if r.object.is_none()))
        );
        for path in ["/api/v1/secrets", "/api/v1/namespaces/shop/secrets?watch=1"] {
            let secrets = TableRows::for_collection(path).watching_objects(true);
            assert_eq!(
                secrets.watch_query(),
                INCLUDE_METADATA,
                "{path}: no Secret values"
            );
        }
        let deploys = TableRows::for_collection("/apis/apps/v1/deployments").watching_objects(true);
        assert_eq!(
            (deploys.list_query(), deploys.watch_query()),
            (INCLUDE_METADATA, INCLUDE_OBJECT)
        );
        let deploy = r#"{"kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":3}}"#;
        let line = format!(
            r#"{{"type":"ADDED","object":{{"kind":"Table","metadata":{{"resourceVersion":"5"}},"rows":[{{"cells":["web","3/3"],"object":{deploy}}}]}}}}"#
        );
        let item = deploys.event(&mut (), line.as_bytes(), "/apis/apps/v1/deployments");
        assert!(
            matches!(&item, Ok(Item::Changes(c, _)) if matches!(c.as_slice(), [Change::Added(r)] if r.object.as_ref().is_some_and(|o| &*o.json == deploy))),
            "{item:?}"
        );
    }

    #[test]
    fn tables_ask_for_what_their_age_columns_count_from() {
        for (path, include) in [
            ("/apis/apps/v1/deployments", INCLUDE_METADATA),
            ("/api/v1/namespaces", INCLUDE_METADATA),
            ("/api/v1/namespaces/events/pods", INCLUDE_METADATA),
            ("/apis/example.com/v1/events", INCLUDE_METADATA),
            ("/api/v1/events", INCLUDE_OBJECT),
            ("/api/v1/namespaces/shop/events", INCLUDE_OBJECT),
            (
                "/apis/events.k8s.io/v1/namespaces/shop/events",
                INCLUDE_OBJECT,
            ),
        ] {
            let rows = TableRows::for_collection(path);
            assert_eq!(
                (rows.list_query(), rows.watch_query()),
                (include, include),
                "{path}"
            );
        }
        assert_eq!(TableRows::default().watch_query(), INCLUDE_METADATA);
    }

    #[test]
    fn table_watch_rows_carry_their_creation_time() {
        let line = br#"{"type":"ADDED","object":{"kind":"Table","metadata":{"resourceVersion":"5"},
            "rows":[{"cells":["sa","1m"],"object":{"kind":"PartialObjectMetadata",
                "metadata":{"name":"sa","namespace":"shop","creationTimestamp":"2026-11-20T11:59:00Z"}}}]}}"#;
        let Ok(Item::Changes(rows, _)) = parse_table_event(line) else {
            panic!("a change");
        };
        let [Change::Added(row)] = rows.as_slice() else {
            panic!("one added row: {rows:?}");
        };
        assert_eq!(row.created, "2026-11-20T11:59:00Z".parse().ok());
    }

    #[test]
    fn table_watch_events_decode() {
        let line = br#"{"type":"MODIFIED","object":{"kind":"Table","metadata":{"resourceVersion":"42"},
            "rows":[{"cells":["web","3/3"],"object":{"metadata":{"name":"web","namespace":"shop"}}}]}}"#;
        let Ok(Item::Changes(rows, rv)) = parse_table_event(line) else {
            panic!("a change");
        };
        let [Change::Modified(row)] = rows.as_slice() else {
            panic!("one modified row: {rows:?}");
        };
        assert_eq!(
            (row.name.as_str(), row.cells[1].as_str(), rv.as_str()),
            ("web", "3/3", "42")
        );
        let gone = br#"{"type":"DELETED","object":{"kind":"Table","metadata":{"resourceVersion":"43"},"rows":[{"cells":["web"],"object":{"metadata":{"name":"web","namespace":"shop"}}}]}}"#;
        assert!(
            matches!(parse_table_event(gone), Ok(Item::Changes(r, v)) if matches!(r.as_slice(), [Change::Deleted(_)]) && v == "43")
        );
        let expired =
            br#"{"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old"}}"#;
        let Ok(Item::Error(status)) = parse_table_event(expired) else {
            panic!("an error event");
        };
        assert_eq!((status.code, status.message.as_str()), (410, "too old"));
        assert!(parse_table_event(b"{").is_err());
    }
}
