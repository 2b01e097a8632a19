//! A watch event's whole object as the server sent it: raw JSON, never parsed into a tree, so a
//! busy watch stays cheap; whoever needs fields (the history's diff) parses it on demand.

use serde::Deserialize;
use serde_json::value::RawValue;

/// One object version from a watch event, with when the watch delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawObject {
    /// The object's JSON, byte for byte as the server sent it.
    pub json: Box<str>,
    /// When the event was decoded (the task's clock, so state stays pure).
    pub seen: jiff::Timestamp,
}

impl RawObject {
    pub fn new(json: &RawValue, seen: jiff::Timestamp) -> Box<RawObject> {
        Box::new(RawObject {
            json: json.get().into(),
            seen,
        })
    }
}

/// The row objects of a Table, raw, in row order (`None` where a row has none).
pub fn table_row_objects(table: &str) -> Vec<Option<Box<RawValue>>> {
    #[derive(Deserialize)]
    struct Rows {
        #[serde(default, deserialize_with = "crate::kube::wire::null_as_empty")]
        rows: Vec<Row>,
    }
    #[derive(Deserialize)]
    struct Row {
        #[serde(default)]
        object: Option<Box<RawValue>>,
    }
    serde_json::from_str::<Rows>(table)
        .map(|t| t.rows.into_iter().map(|r| r.object).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_objects_stay_raw_and_in_order() {
        let table = r#"{"kind":"Table","rows":[{"cells":["a"],"object":{"metadata":{"name":"a"},"spec":{"x":1}}},{"cells":["b"]}]}"#;
        let objects = table_row_objects(table);
        let got: Vec<Option<&str>> = objects
            .iter()
            .map(|o| o.as_deref().map(RawValue::get))
            .collect();
        assert_eq!(
            got,
            vec![Some(r#"{"metadata":{"name":"a"},"spec":{"x":1}}"#), None]
        );
        assert!(table_row_objects(r#"{"rows":null}"#).is_empty());
    }
}
