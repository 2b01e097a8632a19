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
    INCLUDE_METADATA, JSON, TABLE_ACCEPT, WatchEvent, decode_list, decode_watch_event,
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

/// Any kind as the server prints it (`kubectl get` columns), listed and watched as Tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableRows;

impl Decoder for TableRows {
    type Page = ResourceTable;
    type Row = TableRow;
    type Columns = ();

    fn list_accept(&self) -> &'static str {
        TABLE_ACCEPT
    }

    fn watch_accept(&self) -> &'static str {
        TABLE_ACCEPT
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
