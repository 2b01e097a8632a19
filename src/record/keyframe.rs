//! The recorded state of every stream at one moment: its last list's pages and, per object,
//! the last watch line that named it. The writer keeps one to write keyframes; a reader builds
//! one for a seek (a keyframe plus the records after it).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::format::Record;

/// One list-watch as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamState {
    pub context: String,
    pub path: String,
    pub query: String,
    /// The pages of the last list, in order: (time, first, last, body).
    pages: Vec<(i64, bool, bool, Vec<u8>)>,
    /// The last line per object (key: namespace/name of every row it carries): (order, time, line).
    lines: HashMap<String, (u64, i64, Vec<u8>)>,
    /// Bodies and lines are held zstd-compressed (the writer's copy: a 100 000-pod list is
    /// ~100 MB as received, a few MB packed).
    packed: bool,
}

impl StreamState {
    /// The list pages, in order: (first, last, body).
    pub fn pages(&self) -> impl Iterator<Item = (bool, bool, Cow<'_, [u8]>)> {
        self.pages
            .iter()
            .map(|(_, f, l, b)| (*f, *l, unpack(self.packed, b)))
    }

    /// The watch lines since the list, oldest first; one per object.
    pub fn lines(&self) -> Vec<Cow<'_, [u8]>> {
        let mut lines: Vec<_> = self.lines.values().collect();
        lines.sort_by_key(|(seq, _, _)| *seq);
        lines
            .into_iter()
            .map(|(_, _, l)| unpack(self.packed, l))
            .collect()
    }
}

/// zstd level 1 for what the writer holds: cheap, and JSON shrinks ~10×.
fn pack(packed: bool, bytes: Vec<u8>) -> Vec<u8> {
    match packed {
        true => zstd::bulk::compress(&bytes, 1).unwrap_or(bytes),
        false => bytes,
    }
}

fn unpack(packed: bool, bytes: &[u8]) -> Cow<'_, [u8]> {
    match packed {
        true => Cow::Owned(zstd::stream::decode_all(bytes).unwrap_or_default()),
        false => Cow::Borrowed(bytes),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keyframe {
    pub streams: BTreeMap<u32, StreamState>,
    /// The last answer per (context, path) of `/version` and discovery: (time, body).
    pub docs: BTreeMap<(String, String), (i64, Vec<u8>)>,
    seq: u64,
    /// Streams hold their bodies compressed (the writer's keyframe).
    packed: bool,
}

impl Keyframe {
    /// A keyframe that holds bodies and lines compressed: the writer keeps one for as long
    /// as it records.
    pub fn packed() -> Keyframe {
        Keyframe {
            packed: true,
            ..Keyframe::default()
        }
    }

    pub fn apply(&mut self, record: Record) {
        let packed = self.packed;
        match record {
            Record::Stream {
                id,
                context,
                path,
                query,
            } => {
                self.streams.entry(id).or_insert(StreamState {
                    context,
                    path,
                    query,
                    packed,
                    ..StreamState::default()
                });
            }
            Record::Page {
                t,
                id,
                first,
                last,
                body,
            } => {
                let Some(s) = self.streams.get_mut(&id) else {
                    return;
                };
                if first {
                    s.pages.clear();
                    s.lines.clear();
                }
                s.pages.push((t, first, last, pack(packed, body)));
            }
            Record::Line { t, id, line } => {
                let Some(s) = self.streams.get_mut(&id) else {
                    return;
                };
                // Bookmarks and errors name no object and change no row.
                if let Some(key) = object_key(&line) {
                    self.seq += 1;
                    s.lines.insert(key, (self.seq, t, pack(packed, line)));
                }
            }
            Record::Doc {
                t,
                context,
                path,
                body,
            } => {
                self.docs.insert((context, path), (t, body));
            }
        }
    }

    /// The records that rebuild this state, stream by stream.
    pub fn records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        for (id, s) in &self.streams {
            out.push(Record::Stream {
                id: *id,
                context: s.context.clone(),
                path: s.path.clone(),
                query: s.query.clone(),
            });
        }
        for ((context, path), (t, body)) in &self.docs {
            out.push(Record::Doc {
                t: *t,
                context: context.clone(),
                path: path.clone(),
                body: body.clone(),
            });
        }
        for (id, s) in &self.streams {
            for (t, first, last, body) in &s.pages {
                out.push(Record::Page {
                    t: *t,
                    id: *id,
                    first: *first,
                    last: *last,
                    body: unpack(s.packed, body).into_owned(),
                });
            }
            let mut lines: Vec<_> = s.lines.values().collect();
            lines.sort_by_key(|(seq, _, _)| *seq);
            for (_, t, line) in lines {
                out.push(Record::Line {
                    t: *t,
                    id: *id,
                    line: unpack(s.packed, line).into_owned(),
                });
            }
        }
        out
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for r in self.records() {
            r.encode(&mut out);
        }
        out
    }
}

/// `namespace/name` of the object a watch line carries (of each row, for a Table event), or
/// `None` for a line that names none (bookmark, error, undecodable).
fn object_key(line: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(default)]
        namespace: String,
        #[serde(default)]
        name: String,
    }
    #[derive(Deserialize)]
    struct Row {
        object: Option<Obj>,
    }
    #[derive(Deserialize)]
    struct Obj {
        metadata: Option<Meta>,
        rows: Option<Vec<Row>>,
    }
    #[derive(Deserialize)]
    struct Line {
        #[serde(rename = "type")]
        kind: String,
        object: Obj,
    }
    let line: Line = serde_json::from_slice(line).ok()?;
    if !matches!(line.kind.as_str(), "ADDED" | "MODIFIED" | "DELETED") {
        return None;
    }
    let key = |m: &Meta| format!("{}/{}", m.namespace, m.name);
    match (line.object.rows, line.object.metadata) {
        (Some(rows), _) => {
            let keys: Vec<String> = rows
                .iter()
                .filter_map(|r| r.object.as_ref()?.metadata.as_ref().map(key))
                .collect();
            (!keys.is_empty()).then(|| keys.join("\n"))
        }
        (None, Some(m)) if !m.name.is_empty() => Some(key(&m)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_objects_of_json_and_table_events() {
        let json = br#"{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"namespace":"a","name":"p"}}}"#;
        assert_eq!(object_key(json).as_deref(), Some("a/p"));
        let table = br#"{"type":"ADDED","object":{"kind":"Table","rows":[{"cells":[],"object":{"metadata":{"namespace":"a","name":"q"}}}]}}"#;
        assert_eq!(object_key(table).as_deref(), Some("a/q"));
        let bookmark = br#"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"#;
        assert_eq!(object_key(bookmark), None);
    }

    #[test]
    fn a_relist_replaces_pages_and_lines_and_each_object_keeps_its_last_line() {
        let mut k = Keyframe::default();
        let stream = |id| Record::Stream {
            id,
            context: "c".into(),
            path: "/api/v1/pods".into(),
            query: String::new(),
        };
        let page = |first, body: &str| Record::Page {
            t: 1,
            id: 1,
            first,
            last: true,
            body: body.into(),
        };
        let line = |name: &str, n: u32| {
            Record::Line {
            t: 2,
            id: 1,
            line: format!(r#"{{"type":"MODIFIED","object":{{"metadata":{{"name":"{name}","namespace":"x"}},"n":{n}}}}}"#).into_bytes(),
        }
        };
        k.apply(stream(1));
        k.apply(page(true, "one"));
        k.apply(line("a", 1));
        k.apply(line("b", 1));
        k.apply(line("a", 2));
        let s = &k.streams[&1];
        assert_eq!(s.pages().count(), 1);
        let lines: Vec<String> = s
            .lines()
            .iter()
            .map(|l| String::from_utf8_lossy(l).into())
            .collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains(r#""b""#) && lines[1].contains(r#""n":2"#));
        k.apply(page(true, "two"));
        assert_eq!(k.streams[&1].lines().len(), 0);
        let mut again = Keyframe::default();
        for r in k.records() {
            again.apply(r);
        }
        assert_eq!(again.streams, k.streams);
    }
}
