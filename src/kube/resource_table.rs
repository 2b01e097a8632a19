//! The server's own table format (`as=Table;g=meta.k8s.io;v=v1`): column definitions and cells
//! exactly as kubectl prints them, for any resource type.

use serde::Deserialize;
use serde_json::Value;

use super::watcher::{Change, Item};

pub use super::wire::TABLE_ACCEPT;

/// One column of a server Table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableColumn {
    pub name: String,
    /// 0 for the default columns; higher ones are shown only in wide mode (`-o wide`).
    pub priority: u32,
}

/// One row: its cells as text plus the object it names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub name: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
}

/// A decoded Table response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceTable {
    pub columns: Vec<TableColumn>,
    pub rows: Vec<TableRow>,
    /// The list's resourceVersion, to watch from.
    pub resource_version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTable {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    metadata: RawMeta,
    #[serde(default)]
    column_definitions: Vec<RawColumn>,
    #[serde(default)]
    rows: Vec<RawRow>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawMeta {
    resource_version: String,
}

#[derive(Deserialize)]
struct RawColumn {
    #[serde(default)]
    name: String,
    #[serde(default)]
    priority: u32,
}

#[derive(Deserialize)]
struct RawRow {
    #[serde(default)]
    cells: Vec<Value>,
    #[serde(default)]
    object: Value,
}

/// Decodes a Table body; an error when the server answered with something else.
pub fn parse_table(body: &[u8]) -> Result<ResourceTable, String> {
    let raw: RawTable = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if raw.kind != "Table" {
        return Err(format!(
            "the server did not answer with a Table (kind {:?})",
            raw.kind
        ));
    }
    let columns = raw
        .column_definitions
        .into_iter()
        .map(|c| TableColumn {
            name: c.name,
            priority: c.priority,
        })
        .collect();
    let rows = raw.rows.into_iter().map(decode_row).collect();
    Ok(ResourceTable {
        columns,
        rows,
        resource_version: raw.metadata.resource_version,
    })
}

/// Decodes one line of a Table watch: each object is a Table of the changed rows.
pub fn parse_table_event(line: &[u8]) -> Result<Item<TableRow>, String> {
    #[derive(Deserialize)]
    struct RawEvent {
        #[serde(rename = "type")]
        kind: String,
        object: Value,
    }
    let event: RawEvent = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let version = |v: &Value| {
        v["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let change: fn(TableRow) -> Change<TableRow> = match event.kind.as_str() {
        "ADDED" => Change::Added,
        "MODIFIED" => Change::Modified,
        "DELETED" => Change::Deleted,
        "BOOKMARK" => return Ok(Item::Bookmark(version(&event.object))),
        "ERROR" => {
            let status = serde_json::from_value(event.object).map_err(|e| e.to_string())?;
            return Ok(Item::Error(status));
        }
        other => return Err(format!("unknown watch event type {other:?}")),
    };
    let table: RawTable = serde_json::from_value(event.object).map_err(|e| e.to_string())?;
    // The Table's own version, else the (last) row's object's.
    let rv = match table.metadata.resource_version.as_str() {
        "" => table
            .rows
            .last()
            .map(|r| version(&r.object))
            .unwrap_or_default(),
        rv => rv.to_string(),
    };
    let rows = table
        .rows
        .into_iter()
        .map(|r| change(decode_row(r)))
        .collect();
    Ok(Item::Changes(rows, rv))
}

fn decode_row(row: RawRow) -> TableRow {
    let meta = &row.object["metadata"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    TableRow {
        cells: row.cells.iter().map(cell_text).collect(),
        name: text(&meta["name"]),
        namespace: text(&meta["namespace"]),
    }
}

/// A cell as kubectl prints it: strings as-is, numbers and booleans in JSON form, null empty.
fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_decode_with_names_and_priorities() {
        let body = br#"{"kind":"Table","columnDefinitions":[{"name":"Name","priority":0},
            {"name":"Ready","priority":0},{"name":"Images","priority":1}],
            "rows":[{"cells":["web","2/2",3],"object":{"metadata":{"name":"web","namespace":"shop"}}},
                    {"cells":["db",null,true]}]}"#;
        let t = parse_table(body).expect("a table");
        assert_eq!(t.columns[2].priority, 1);
        assert_eq!(t.rows[0].cells, ["web", "2/2", "3"]);
        assert_eq!(
            (t.rows[0].namespace.as_str(), t.rows[0].name.as_str()),
            ("shop", "web")
        );
        assert_eq!(t.rows[1].cells, ["db", "", "true"]);
        assert!(parse_table(br#"{"kind":"PodList","items":[]}"#).is_err());
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
