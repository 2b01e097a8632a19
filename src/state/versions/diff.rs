//! What changed between two versions: field paths for whole objects
//! (`status.containerStatuses[app].restartCount 3→4`, list items keyed by `name` where they have
//! one), columns where one side is only the list's row; and the text of a coloured diff.

use serde_json::Value;

use super::Version;
use crate::state::edit::text::{diff_lines, yaml};

/// Fields that change on every write and say nothing about the object, hidden unless asked.
const NOISE: [&str; 3] = [
    "metadata.resourceVersion",
    "metadata.managedFields",
    "metadata.generation",
];

/// One changed field or column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub path: String,
    /// `None`: absent on that side.
    pub old: Option<String>,
    pub new: Option<String>,
}

impl FieldChange {
    /// `spec.replicas 10→3`, `metadata.labels.tier +web`, `metadata.labels.old -x`.
    pub fn text(&self) -> String {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => format!("{} {old}→{new}", self.path),
            (None, Some(new)) => format!("{} +{new}", self.path),
            (Some(old), None) => format!("{} -{old}", self.path),
            (None, None) => self.path.clone(),
        }
    }
}

/// The changes from `old` to `new`: the columns both have, then field paths when both are
/// whole objects. Noise fields only when `noise` is set.
pub fn changes(old: &Version, new: &Version, noise: bool) -> Vec<FieldChange> {
    let whole = |v: &Version| {
        v.object
            .as_deref()
            .and_then(|o| serde_json::from_str::<Value>(o).ok())
    };
    let mut out = column_changes(old, new);
    if let (Some(a), Some(b)) = (whole(old), whole(new)) {
        let mut fields = Vec::new();
        walk(&mut String::new(), &a, &b, &mut fields);
        out.extend(fields.into_iter().filter(|c| noise || !is_noise(&c.path)));
    }
    out
}

/// The columns both versions have that differ (what the server printed: STATUS, RESTARTS…).
fn column_changes(old: &Version, new: &Version) -> Vec<FieldChange> {
    old.cells
        .iter()
        .filter_map(|(title, was)| {
            let (_, now) = new.cells.iter().find(|(t, _)| t == title)?;
            (was != now).then(|| FieldChange {
                path: title.to_string(),
                old: Some(was.clone()),
                new: Some(now.clone()),
            })
        })
        .collect()
}

fn is_noise(path: &str) -> bool {
    NOISE.iter().any(|n| {
        path == *n
            || path
                .strip_prefix(n)
                .is_some_and(|r| r.starts_with(['.', '[']))
    })
}

fn walk(path: &mut String, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x
                .keys()
                .chain(y.keys().filter(|k| !x.contains_key(*k)))
                .collect();
            keys.sort();
            for key in keys {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                both(path, x.get(key), y.get(key), out);
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if named(x) && named(y) => {
            let name = |v: &Value| v["name"].as_str().unwrap_or_default().to_string();
            let mut names: Vec<String> = x.iter().map(name).collect();
            names.extend(
                y.iter()
                    .map(name)
                    .filter(|n| !x.iter().any(|v| name(v) == *n)),
            );
            for n in names {
                let len = path.len();
                path.push_str(&format!("[{n}]"));
                let find = |list: &'_ [Value]| list.iter().find(|v| name(v) == n).cloned();
                both(path, find(x).as_ref(), find(y).as_ref(), out);
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(path, p, q, out);
                path.truncate(len);
            }
        }
        _ if a == b => {}
        _ => out.push(FieldChange {
            path: path.clone(),
            old: Some(short(a)),
            new: Some(short(b)),
        }),
    }
}

fn both(path: &mut String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (a, b) {
        (Some(a), Some(b)) => walk(path, a, b, out),
        (a, b) => out.push(FieldChange {
            path: path.clone(),
            old: a.map(short),
            new: b.map(short),
        }),
    }
}

/// A list whose items all have a `name` (containers, ports, conditions have a `type`, not a name).
fn named(list: &[Value]) -> bool {
    !list.is_empty() && list.iter().all(|v| v["name"].is_string())
}

/// A value as one short word: scalars as they read, objects and lists by size.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 60 => {
            format!("{}…", s.chars().take(59).collect::<String>())
        }
        Value::String(s) => s.clone(),
        Value::Object(m) => format!("{{{} fields}}", m.len()),
        Value::Array(a) => format!("[{} items]", a.len()),
        other => other.to_string(),
    }
}

/// The text a version is diffed as: its YAML (noise removed unless asked) for a whole object,
/// else its columns.
pub fn text(version: &Version, noise: bool) -> String {
    let object = version
        .object
        .as_deref()
        .and_then(|o| serde_json::from_str::<Value>(o).ok());
    match object {
        Some(mut object) => {
            if !noise && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
            {
                for field in ["resourceVersion", "managedFields", "generation"] {
                    meta.remove(field);
                }
            }
            yaml(&object)
        }
        None => version
            .cells
            .iter()
            .map(|(t, v)| format!("{t}: {v}\n"))
            .collect(),
    }
}

/// The unified diff lines from `old` to `new` (what the diff view colours). A row-only side is
/// compared by its columns only, so both sides say the same kind of thing.
pub fn diff(old: &Version, new: &Version, noise: bool) -> Vec<String> {
    let comparable = old.object.is_some() == new.object.is_some();
    let (a, b) = if comparable {
        (text(old, noise), text(new, noise))
    } else {
        let cells = |v: &Version| Version {
            object: None,
            ..v.clone()
        };
        (text(&cells(old), noise), text(&cells(new), noise))
    };
    diff_lines(&a, &b, "before", "after")
}
