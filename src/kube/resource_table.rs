//! The server's own table format (`as=Table;g=meta.k8s.io;v=v1`): column definitions and cells
//! exactly as kubectl prints them, for any resource type.

use serde::Deserialize;
use serde_json::Value;

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

/// Decodes the Table a watch event carries: its rows, and the resourceVersion they bring the
/// watch to (the Table's own, else the (last) row's object's).
pub fn parse_table_rows(object: Value) -> Result<(Vec<TableRow>, String), String> {
    let table: RawTable = serde_json::from_value(object).map_err(|e| e.to_string())?;
    let rv = match table.metadata.resource_version.as_str() {
        "" => table
            .rows
            .last()
            .map(|r| resource_version(&r.object))
            .unwrap_or_default(),
        rv => rv.to_string(),
    };
    Ok((table.rows.into_iter().map(decode_row).collect(), rv))
}

/// An object's `metadata.resourceVersion`, empty when it has none.
pub fn resource_version(object: &Value) -> String {
    object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string()
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
}
