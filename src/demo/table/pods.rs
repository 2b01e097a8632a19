//! Pod rows: printed once when a pod is stored, then written straight to bytes per request.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::{IncludeObject, table_value_at};
use crate::demo::resources::Kind;
use crate::demo::store::{Obj, PodPrint, PrintTimes};
use crate::kube::table::{Pod, PodRow, age, restarts_text, table_cells};

pub(super) fn pod_cells(obj: &Obj, now: Timestamp) -> Vec<Value> {
    let pod: Pod = serde_json::from_slice(obj.json()).unwrap_or_default();
    let row = PodRow::from_pod(&pod);
    table_cells(&row, now)
        .into_iter()
        .map(Value::String)
        .collect()
}

/// A pod's row as the store keeps it: the cells that do not change with the clock, as JSON.
pub(crate) struct PrintedPod {
    pub head: String,
    pub tail: String,
    pub times: PrintTimes,
}

/// Prints a pod when it is stored (see `store::Obj`).
pub(crate) fn pod_print(value: &Value) -> PrintedPod {
    use serde::Deserialize;
    let pod = Pod::deserialize(value).unwrap_or_default();
    let row = PodRow::from_pod(&pod);
    // RESTARTS and AGE (cells 3 and 4) are printed per request; `now` does not matter here.
    let cells = table_cells(&row, Timestamp::UNIX_EPOCH);
    let json = |cells: &[String]| {
        cells
            .iter()
            .map(|c| Value::String(c.clone()).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    PrintedPod {
        head: json(&cells[..3]),
        tail: json(&cells[5..]),
        times: PrintTimes {
            restarts: row.restarts,
            last_restart: row.last_restart,
            created: row.created,
        },
    }
}

/// One pod row written straight from the stored print: no JSON is parsed per request.
fn write_pod_row(
    out: &mut Vec<u8>,
    obj: &Obj,
    print: PodPrint<'_>,
    include: IncludeObject,
    now: Timestamp,
) {
    let t = print.times;
    out.extend_from_slice(b"{\"cells\":[");
    out.extend_from_slice(print.head.as_bytes());
    for cell in [
        restarts_text(t.restarts, t.last_restart, now),
        age(t.created, now),
    ] {
        out.push(b',');
        out.extend_from_slice(Value::String(cell).to_string().as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(print.tail.as_bytes());
    out.push(b']');
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            out.extend_from_slice(
                br#","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#,
            );
            out.extend_from_slice(obj.metadata_json());
            out.push(b'}');
        }
        IncludeObject::Object => {
            out.extend_from_slice(br#","object":"#);
            out.extend_from_slice(obj.json());
        }
    }
    out.push(b'}');
}

/// A Table of pods written as bytes; `None` when an object has no stored print.
pub(super) fn pod_table_bytes(
    rv: u64,
    cont: Option<String>,
    items: &[Arc<Obj>],
    include: IncludeObject,
    now: Timestamp,
) -> Option<Vec<u8>> {
    let mut head = table_value_at(Kind::Pod, rv, cont, &[], include, now);
    let rows_at = head.as_object_mut()?;
    rows_at.remove("rows");
    let head = head.to_string();
    let mut out = Vec::with_capacity(head.len() + items.len() * 600);
    // The head without its closing brace, then the rows.
    out.extend_from_slice(head.strip_suffix('}')?.as_bytes());
    out.extend_from_slice(br#","rows":["#);
    for (i, obj) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_pod_row(&mut out, obj, obj.pod_print()?, include, now);
    }
    out.extend_from_slice(b"]}");
    Some(out)
}
