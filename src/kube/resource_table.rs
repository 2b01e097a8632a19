//! The server's own table format (`as=Table;g=meta.k8s.io;v=v1`): column definitions and cells
//! exactly as kubectl prints them, for any resource type, plus the timestamps behind the age
//! columns so those can be printed again as time passes.

use jiff::Timestamp;
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
    /// The context the row came from in a fleet table; `None` for a single context.
    pub context: Option<std::sync::Arc<str>>,
    pub cells: Vec<String>,
    pub name: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    /// `metadata.creationTimestamp`, behind AGE; `None` when the row came without metadata.
    pub created: Option<Timestamp>,
    /// An event's times, behind LAST SEEN and FIRST SEEN; `None` unless the row carries the
    /// whole Event (`includeObject=Object`).
    pub seen: Option<EventSeen>,
    /// The whole object as a watch event carried it (for the object history); `None` from
    /// lists, and taken out by state before the row is stored.
    pub object: Option<Box<crate::kube::raw_object::RawObject>>,
}

/// When an event was first and last seen, as the apiserver's `printEvent` takes them; `None`
/// where it prints `<unknown>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventSeen {
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

/// A column the server prints as the time elapsed since one of the row's timestamps
/// (`duration.HumanDuration`), so it goes stale unless printed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeColumn {
    /// `Age`: since `metadata.creationTimestamp`.
    Created,
    /// An event's `Last Seen`.
    LastSeen,
    /// An event's `First Seen` (wide).
    FirstSeen,
}

impl AgeColumn {
    /// The age column a Table column is, by its name in `columnDefinitions`.
    pub fn of(column: &TableColumn) -> Option<AgeColumn> {
        let name = column.name.as_str();
        [
            ("Age", AgeColumn::Created),
            ("Last Seen", AgeColumn::LastSeen),
            ("First Seen", AgeColumn::FirstSeen),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| c)
    }
}

impl TableRow {
    /// The instant `column` counts from: `None` when the row does not know it (the server's
    /// cell stands), `Some(None)` when the server itself prints `<unknown>`.
    pub fn since(&self, column: AgeColumn) -> Option<Option<Timestamp>> {
        match column {
            AgeColumn::Created => self.created.map(Some),
            AgeColumn::LastSeen => self.seen.map(|s| s.last),
            AgeColumn::FirstSeen => self.seen.map(|s| s.first),
        }
    }
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
    #[serde(default, deserialize_with = "crate::kube::wire::null_as_empty")]
    column_definitions: Vec<RawColumn>,
    /// An empty list of custom resources comes as `"rows": null` from the apiextensions
    /// server (core resources send `[]`): both are no rows.
    #[serde(default, deserialize_with = "crate::kube::wire::null_as_empty")]
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
        context: None,
        cells: row.cells.iter().map(cell_text).collect(),
        name: text(&meta["name"]),
        namespace: text(&meta["namespace"]),
        created: time(&meta["creationTimestamp"]),
        seen: event_seen(&row.object),
        object: None,
    }
}

/// A `metav1.Time` or `MicroTime`; `None` when absent, null (Go's zero time) or unreadable.
fn time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// The first and last seen times of a whole Event (core `v1`, or `events.k8s.io` with its
/// `deprecated…` names), as the apiserver's `printEvent` picks them: first is
/// `firstTimestamp`, else `eventTime`; last is `series.lastObservedTime` when a series is set,
/// else `lastTimestamp`, else first. `None` for anything else (metadata only, other kinds).
pub fn event_seen(object: &Value) -> Option<EventSeen> {
    if object["kind"] != "Event" {
        return None;
    }
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let (first_field, last_field) = match api_version.split_once('/') {
        None if api_version == "v1" => ("firstTimestamp", "lastTimestamp"),
        Some(("events.k8s.io", _)) => ("deprecatedFirstTimestamp", "deprecatedLastTimestamp"),
        _ => return None,
    };
    let first = time(&object[first_field]).or_else(|| time(&object["eventTime"]));
    let last = match &object["series"] {
        Value::Object(series) => series.get("lastObservedTime").and_then(time),
        _ => time(&object[last_field]).or(first),
    };
    Some(EventSeen { first, last })
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
        let empty = br#"{"kind":"Table","columnDefinitions":[{"name":"Name"}],"rows":null}"#;
        assert_eq!(
            parse_table(empty).map(|t| t.rows.len()),
            Ok(0),
            "Go's nil slice"
        );
        assert_eq!(
            (t.rows[0].namespace.as_str(), t.rows[0].name.as_str()),
            ("shop", "web")
        );
        assert_eq!(t.rows[1].cells, ["db", "", "true"]);
        assert!(parse_table(br#"{"kind":"PodList","items":[]}"#).is_err());
    }

    fn at(s: &str) -> Option<Timestamp> {
        Some(s.parse().expect("a valid fixture time"))
    }

    #[test]
    fn rows_keep_the_creation_time_of_their_metadata() {
        let body = br#"{"kind":"Table","metadata":{"resourceVersion":"9"},
            "columnDefinitions":[{"name":"Name"},{"name":"Age"}],
            "rows":[{"cells":["default","5m"],"object":{"kind":"PartialObjectMetadata",
                "apiVersion":"meta.k8s.io/v1","metadata":{"name":"default","namespace":"shop",
                "creationTimestamp":"2026-11-20T11:55:00Z","resourceVersion":"7"}}},
              {"cells":["bare","1d"]},
              {"cells":["odd","1d"],"object":{"metadata":{"name":"odd","creationTimestamp":null}}}]}"#;
        let t = parse_table(body).expect("a table");
        let created: Vec<_> = t.rows.iter().map(|r| r.created).collect();
        assert_eq!(created, [at("2026-11-20T11:55:00Z"), None, None]);
        assert!(t.rows.iter().all(|r| r.seen.is_none()), "no events here");
        assert_eq!(AgeColumn::of(&t.columns[1]), Some(AgeColumn::Created));
        assert_eq!(AgeColumn::of(&t.columns[0]), None);
        assert_eq!(t.rows[0].since(AgeColumn::Created), Some(created[0]));
        assert_eq!(t.rows[1].since(AgeColumn::Created), None);
        assert_eq!(t.rows[0].since(AgeColumn::LastSeen), None);
    }

    #[test]
    fn event_times_are_picked_as_print_event_picks_them() {
        let seen = |v: Value| event_seen(&v);
        let core = |extra: Value| {
            let mut v = serde_json::json!({"kind": "Event", "apiVersion": "v1",
                "metadata": {"name": "e", "creationTimestamp": "2026-11-20T09:00:00Z"}});
            v.as_object_mut()
                .expect("an object")
                .extend(extra.as_object().expect("an object").clone());
            v
        };
        let (t1, t2, t3) = (
            at("2026-11-20T10:00:00Z"),
            at("2026-11-20T11:00:00Z"),
            at("2026-11-20T11:30:00.123456Z"),
        );
        let both = core(serde_json::json!({"firstTimestamp": "2026-11-20T10:00:00Z",
            "lastTimestamp": "2026-11-20T11:00:00Z"}));
        assert_eq!(
            seen(both),
            Some(EventSeen {
                first: t1,
                last: t2
            })
        );
        // No lastTimestamp: LAST SEEN is the first (here the eventTime); creationTimestamp is
        // never used.
        let micro = core(
            serde_json::json!({"firstTimestamp": null, "lastTimestamp": null,
            "eventTime": "2026-11-20T11:30:00.123456Z"}),
        );
        assert_eq!(
            seen(micro),
            Some(EventSeen {
                first: t3,
                last: t3
            })
        );
        let series = core(serde_json::json!({"firstTimestamp": "2026-11-20T10:00:00Z",
            "lastTimestamp": "2026-11-20T11:00:00Z",
            "series": {"count": 4, "lastObservedTime": "2026-11-20T11:30:00.123456Z"}}));
        assert_eq!(
            seen(series),
            Some(EventSeen {
                first: t1,
                last: t3
            })
        );
        let unknown = core(serde_json::json!({}));
        assert_eq!(seen(unknown), Some(EventSeen::default()));
        let new_api = serde_json::json!({"kind": "Event", "apiVersion": "events.k8s.io/v1",
            "metadata": {"name": "e"}, "eventTime": null,
            "deprecatedFirstTimestamp": "2026-11-20T10:00:00Z",
            "deprecatedLastTimestamp": "2026-11-20T11:00:00Z"});
        assert_eq!(
            seen(new_api),
            Some(EventSeen {
                first: t1,
                last: t2
            })
        );
        let metadata_only = serde_json::json!({"kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1", "metadata": {"name": "e"}});
        assert_eq!(seen(metadata_only), None);
        let other_group = serde_json::json!({"kind": "Event", "apiVersion": "example.com/v1",
            "lastTimestamp": "2026-11-20T11:00:00Z"});
        assert_eq!(seen(other_group), None);
        for (name, column) in [
            ("Last Seen", AgeColumn::LastSeen),
            ("First Seen", AgeColumn::FirstSeen),
            ("AGE", AgeColumn::Created),
        ] {
            let def = TableColumn {
                name: name.into(),
                priority: 0,
            };
            assert_eq!(AgeColumn::of(&def), Some(column), "{name}");
        }
    }
}
