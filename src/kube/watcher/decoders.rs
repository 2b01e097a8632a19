//! The decoders the app lists and watches with: pod rows (server-printed Tables, or whole pods
//! through the printPod port), any kind's server Table, and bare names (namespaces).

use serde::Deserialize;
use serde_json::Value;

use super::{Change, Decoder, Item};
use crate::kube::KubeError;
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

/// Pods as rows: the list asks the server to print them (`as=Table`, as kubectl does: a third
/// of the bytes, no printPod here); the watch sends whole pods, printed by the printPod port.
#[derive(Debug, Clone, Copy, Default)]
pub struct PodRows;

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
        JSON
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
        _: &mut Self::Columns,
        line: &[u8],
        path: &str,
    ) -> Result<Item<PodRow>, KubeError> {
        let event = decode_watch_event::<RowFromPod>(line).map_err(|m| undecodable(path, m))?;
        Ok(json_item(
            event,
            |RowFromPod(row)| row.resource_version.clone(),
            |RowFromPod(row)| row,
        ))
    }
}

/// Any kind as the server prints it (`kubectl get` columns), listed and watched as Tables
/// whose rows carry what their age columns count from: each object's metadata
/// (creationTimestamp, for AGE), or for events the whole object (LAST SEEN).
#[derive(Debug, Clone, Copy)]
pub struct TableRows {
    /// `includeObject=…` of lists and watches.
    include: &'static str,
}

impl Default for TableRows {
    fn default() -> Self {
        TableRows {
            include: INCLUDE_METADATA,
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
        TableRows { include }
    }
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
        self.include
    }

    fn page(&self, _: &mut (), body: &[u8], path: &str) -> Result<ResourceTable, KubeError> {
        parse_table(body).map_err(|m| undecodable(path, m))
    }

    fn event(&self, _: &mut (), line: &[u8], path: &str) -> Result<Item<TableRow>, KubeError> {
        parse_table_event(line).map_err(|m| undecodable(path, m))
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
