//! Pod rows the apiserver printed itself (`as=Table`), as kubectl and k9s list: a page of rows
//! is a third of the bytes of a page of pods and needs no `printPod` here. Servers that do not
//! print answer with a plain pod list, which decodes through [`RowFromPod`] instead.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Deserializer};

use super::model::{ObjectMeta, Text};
use super::{PodRow, RowFromPod};
use crate::kube::KubeError;

pub use crate::kube::wire::{INCLUDE_METADATA, TABLE_ACCEPT};

/// Where the pod columns are in a server's Table. Pages after the first may omit the column
/// definitions, so they are kept from page to page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodColumns {
    name: Option<usize>,
    ready: Option<usize>,
    status: Option<usize>,
    restarts: Option<usize>,
    ip: Option<usize>,
    node: Option<usize>,
    nominated: Option<usize>,
    gates: Option<usize>,
}

impl PodColumns {
    fn from_definitions(defs: &[ColumnDefinition<'_>]) -> PodColumns {
        let at = |title: &str| defs.iter().position(|d| d.name.eq_ignore_ascii_case(title));
        PodColumns {
            name: at("Name"),
            ready: at("Ready"),
            status: at("Status"),
            restarts: at("Restarts"),
            ip: at("IP"),
            node: at("Node"),
            nominated: at("Nominated Node"),
            gates: at("Readiness Gates"),
        }
    }
}

/// A page of `/pods` in either form.
#[derive(Deserialize)]
struct PodsPage<'a> {
    #[serde(default, deserialize_with = "crate::kube::wire::null_as_empty")]
    items: Vec<RowFromPod>,
    #[serde(
        default,
        borrow,
        rename = "columnDefinitions",
        deserialize_with = "crate::kube::wire::null_as_empty"
    )]
    columns: Vec<ColumnDefinition<'a>>,
    #[serde(default, borrow, deserialize_with = "crate::kube::wire::null_as_empty")]
    rows: Vec<TableRow<'a>>,
}

#[derive(Deserialize)]
struct ColumnDefinition<'a> {
    #[serde(default, borrow, deserialize_with = "super::model::text")]
    name: Text<'a>,
}

#[derive(Deserialize)]
struct TableRow<'a> {
    #[serde(default, borrow)]
    cells: Vec<Cell<'a>>,
    #[serde(default, borrow)]
    object: Option<RowObject<'a>>,
}

#[derive(Deserialize)]
struct RowObject<'a> {
    #[serde(default, borrow)]
    metadata: ObjectMeta<'a>,
}

/// A cell as text: strings as they are, numbers printed, anything else empty.
struct Cell<'a>(Text<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for Cell<'a> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visit;

        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Cell<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table cell")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Borrowed(s)))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Owned(s.to_owned())))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Owned(n.to_string())))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Owned(n.to_string())))
            }

            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Owned(n.to_string())))
            }

            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Owned(b.to_string())))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Cell<'de>, E> {
                Ok(Cell(Text::Borrowed("")))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Cell<'de>, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Cell(Text::Borrowed("")))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Cell<'de>, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Cell(Text::Borrowed("")))
            }
        }

        de.deserialize_any(Visit)
    }
}

/// Decodes a page of `/pods` that is either a Table (rows printed by the server) or a pod list.
/// `columns` carries the Table's column positions from page to page; `now` dates the
/// "(29h ago)" of RESTARTS.
pub fn decode_pods_page(
    body: &[u8],
    path: &str,
    columns: &mut Option<PodColumns>,
    now: Timestamp,
) -> Result<Vec<PodRow>, KubeError> {
    let page: PodsPage = crate::kube::wire::decode_json_borrowed(body, path)?;
    if !page.columns.is_empty() {
        *columns = Some(PodColumns::from_definitions(&page.columns));
    }
    if page.rows.is_empty() {
        return Ok(page.items.into_iter().map(|RowFromPod(row)| row).collect());
    }
    let Some(cols) = columns.as_ref() else {
        return Err(KubeError::Decode {
            path: crate::kube::url::strip_query(path),
            message: "a Table without column definitions".into(),
        });
    };
    Ok(page
        .rows
        .iter()
        .map(|r| row_from_table(r, cols, now))
        .collect())
}

fn row_from_table(row: &TableRow<'_>, cols: &PodColumns, now: Timestamp) -> PodRow {
    let cell = |at: Option<usize>| -> &str {
        at.and_then(|i| row.cells.get(i))
            .map_or("", |c| c.0.as_ref())
    };
    // kubectl prints "<none>" for an empty wide cell; the row keeps it empty.
    let value = |at: Option<usize>| -> String {
        match cell(at) {
            "<none>" => String::new(),
            text => text.to_string(),
        }
    };
    let meta = row.object.as_ref().map(|o| &o.metadata);
    let name = meta.map_or("", |m| &m.name);
    let (restarts, ago) = parse_restarts(cell(cols.restarts));
    PodRow {
        context: None,
        namespace: meta.map_or("", |m| &m.namespace).to_string(),
        name: if name.is_empty() {
            cell(cols.name)
        } else {
            name
        }
        .to_string(),
        uid: meta.map_or("", |m| &m.uid).to_string(),
        resource_version: meta.map_or("", |m| &m.resource_version).to_string(),
        ready: cell(cols.ready).to_string(),
        status: cell(cols.status).to_string(),
        restarts,
        last_restart: ago.and_then(|secs| now.checked_sub(SignedDuration::from_secs(secs)).ok()),
        created: meta.and_then(|m| m.creation_timestamp),
        ip: value(cols.ip),
        node: value(cols.node),
        nominated_node: value(cols.nominated),
        readiness_gates: value(cols.gates),
        usage: None,
        resources: None,
        object: None,
    }
}

/// `"7 (29h ago)"` → (7, Some(29 h in seconds)); `"0"` → (0, None). The server rounds the age
/// the way kubectl prints it, so the time kept is as precise as the cell; the next watch event
/// for the pod brings the exact one.
fn parse_restarts(cell: &str) -> (u32, Option<i64>) {
    let (count, rest) = cell.split_once(' ').unwrap_or((cell, ""));
    let count = count.trim().parse().unwrap_or(0);
    let ago = rest
        .trim()
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(" ago)"))
        .and_then(parse_human_duration);
    (count, ago)
}

/// Reads back kubectl's compact duration (`45s`, `3m2s`, `5d3h`, `2y30d`) in seconds.
pub(crate) fn parse_human_duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'y' => 365 * 86_400,
            _ => return None,
        };
        let n: i64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
    }
    number.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::table::{human_duration, restarts_text};

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("valid timestamp")
    }

    #[test]
    fn human_durations_read_back() {
        for secs in [
            0_i64,
            45,
            119,
            120,
            182,
            600,
            3 * 3600,
            5 * 3600 + 7 * 60,
            29 * 3600,
        ] {
            let text = human_duration(std::time::Duration::from_secs(secs as u64));
            let back = parse_human_duration(&text).expect("parses");
            // What kubectl prints is rounded down to its coarsest unit, never up.
            assert!(
                back <= secs && secs - back < 3600,
                "{secs} → {text} → {back}"
            );
        }
        assert_eq!(parse_human_duration("5d3h"), Some(5 * 86_400 + 3 * 3600));
        assert_eq!(
            parse_human_duration("2y30d"),
            Some(2 * 365 * 86_400 + 30 * 86_400)
        );
        assert_eq!(parse_human_duration("<invalid>"), None);
        assert_eq!(parse_human_duration("12"), None);
    }

    #[test]
    fn restarts_cell_round_trips() {
        let now = ts("2026-11-20T12:00:00Z");
        let last = ts("2026-11-19T07:00:00Z");
        let cell = restarts_text(7, Some(last), now);
        assert_eq!(cell, "7 (29h ago)");
        assert_eq!(parse_restarts(&cell), (7, Some(29 * 3600)));
        assert_eq!(parse_restarts("0"), (0, None));
        assert_eq!(parse_restarts("3"), (3, None));
        assert_eq!(parse_restarts("garbage (x ago)"), (0, None));
    }

    #[test]
    fn table_pages_decode_with_columns_found_by_name() {
        let body = br#"{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9"},
            "columnDefinitions":[{"name":"Name"},{"name":"Ready"},{"name":"Status"},{"name":"Restarts"},
              {"name":"Age"},{"name":"IP","priority":1},{"name":"Node","priority":1},
              {"name":"Nominated Node","priority":1},{"name":"Readiness Gates","priority":1}],
            "rows":[{"cells":["web-1","1/2","CrashLoopBackOff","4 (2m ago)","3d","10.0.0.7","node-a","<none>","<none>"],
              "object":{"kind":"PartialObjectMetadata","metadata":{"name":"web-1","namespace":"shop",
                "uid":"u1","resourceVersion":"8","creationTimestamp":"2026-11-17T12:00:00Z"}}}]}"#;
        let now = ts("2026-11-20T12:00:00Z");
        let mut cols = None;
        let rows = decode_pods_page(body, "/api/v1/pods", &mut cols, now).expect("decodes");
        let row = &rows[0];
        assert_eq!(
            (row.namespace.as_str(), row.name.as_str()),
            ("shop", "web-1")
        );
        assert_eq!(
            (row.ready.as_str(), row.status.as_str()),
            ("1/2", "CrashLoopBackOff")
        );
        assert_eq!(
            (
                row.restarts,
                row.uid.as_str(),
                row.resource_version.as_str()
            ),
            (4, "u1", "8")
        );
        assert_eq!(row.last_restart, Some(ts("2026-11-20T11:58:00Z")));
        assert_eq!(row.created, Some(ts("2026-11-17T12:00:00Z")));
        assert_eq!((row.ip.as_str(), row.node.as_str()), ("10.0.0.7", "node-a"));
        assert!(row.nominated_node.is_empty() && row.readiness_gates.is_empty());

        // A later page without definitions reuses the columns; a plain pod list still works.
        let next = br#"{"kind":"Table","metadata":{},"rows":[{"cells":["web-2","0/1","Pending","0","1s","<none>","<none>","<none>","<none>"]}]}"#;
        let rows = decode_pods_page(next, "/api/v1/pods", &mut cols, now).expect("decodes");
        assert_eq!(
            (rows[0].name.as_str(), rows[0].status.as_str()),
            ("web-2", "Pending")
        );
        let list = br#"{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p","namespace":"n"},"status":{"phase":"Running"}}]}"#;
        let rows = decode_pods_page(list, "/api/v1/pods", &mut None, now).expect("decodes");
        assert_eq!(
            (rows[0].name.as_str(), rows[0].status.as_str()),
            ("p", "Running")
        );
        assert!(decode_pods_page(next, "/api/v1/pods", &mut None, now).is_err());
    }
}
