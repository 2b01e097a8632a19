//! Label and field selectors as the apiserver accepts them in `labelSelector`/`fieldSelector`.

use super::resources::Kind;
use super::store::Obj;

/// One label requirement.
#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl LabelReq {
    fn matches(&self, obj: &Obj) -> bool {
        match self {
            LabelReq::Eq(k, v) => obj.label(k) == Some(v.as_str()),
            LabelReq::NotEq(k, v) => obj.label(k) != Some(v.as_str()),
            LabelReq::In(k, vs) => obj.label(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            LabelReq::NotIn(k, vs) => !obj.label(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            LabelReq::Exists(k) => obj.label(k).is_some(),
            LabelReq::NotExists(k) => obj.label(k).is_none(),
        }
    }
}

/// A field requirement: `field=value` or `field!=value`.
#[derive(Debug, Clone, PartialEq)]
struct FieldReq {
    field: String,
    value: String,
    equal: bool,
}

/// The selectors of one list or watch request; empty matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Selector {
    labels: Vec<LabelReq>,
    fields: Vec<FieldReq>,
}

impl Selector {
    /// Parses both selectors; the error text is the 400 message.
    pub fn parse(kind: Kind, labels: &str, fields: &str) -> Result<Selector, String> {
        Ok(Selector {
            labels: parse_labels(labels)?,
            fields: parse_fields(kind, fields)?,
        })
    }

    pub fn matches(&self, kind: Kind, obj: &Obj) -> bool {
        self.labels.iter().all(|r| r.matches(obj))
            && self.fields.iter().all(|f| {
                let actual = obj.field(kind, &f.field).unwrap_or_default();
                (actual == f.value) == f.equal
            })
    }
}

/// Splits on commas outside parentheses (`app in (a,b),tier=web`).
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_labels(s: &str) -> Result<Vec<LabelReq>, String> {
    split_top_level(s).into_iter().map(parse_label).collect()
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn parse_label(req: &str) -> Result<LabelReq, String> {
    let bad = || format!("unable to parse requirement: invalid label selector {req:?}");
    if let Some(key) = req.strip_prefix('!') {
        let key = key.trim();
        return valid_key(key)
            .then(|| LabelReq::NotExists(key.into()))
            .ok_or_else(bad);
    }
    if let Some((k, v)) = req.split_once("!=") {
        return Ok(LabelReq::NotEq(checked_key(k, &bad)?, v.trim().into()));
    }
    if let Some((k, v)) = req.split_once("==").or_else(|| req.split_once('=')) {
        return Ok(LabelReq::Eq(checked_key(k, &bad)?, v.trim().into()));
    }
    for (word, is_in) in [(" notin ", false), (" in ", true)] {
        if let Some((k, rest)) = req.split_once(word) {
            let key = checked_key(k, &bad)?;
            let list = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(bad)?;
            let values = list.split(',').map(|v| v.trim().to_string()).collect();
            return Ok(if is_in {
                LabelReq::In(key, values)
            } else {
                LabelReq::NotIn(key, values)
            });
        }
    }
    valid_key(req)
        .then(|| LabelReq::Exists(req.into()))
        .ok_or_else(bad)
}

fn checked_key(k: &str, bad: &dyn Fn() -> String) -> Result<String, String> {
    let k = k.trim();
    valid_key(k).then(|| k.to_string()).ok_or_else(bad)
}

fn parse_fields(kind: Kind, s: &str) -> Result<Vec<FieldReq>, String> {
    split_top_level(s)
        .into_iter()
        .map(|req| {
            let (field, value, equal) = if let Some((f, v)) = req.split_once("!=") {
                (f, v, false)
            } else if let Some((f, v)) = req.split_once("==").or_else(|| req.split_once('=')) {
                (f, v, true)
            } else {
                return Err(format!(
                    "invalid selector: '{req}'; can't understand '{req}'"
                ));
            };
            let field = field.trim();
            let known = matches!(field, "metadata.name" | "metadata.namespace")
                || kind.indexed_fields().contains(&field);
            if !known {
                return Err(format!(
                    "field label not supported: {field} (for {})",
                    kind.plural()
                ));
            }
            Ok(FieldReq {
                field: field.into(),
                value: value.trim().into(),
                equal,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_set_based_requirements_outside_parentheses() {
        let reqs = parse_labels("app in (a,b), tier!=db,!canary,env").unwrap();
        assert_eq!(
            reqs,
            vec![
                LabelReq::In("app".into(), vec!["a".into(), "b".into()]),
                LabelReq::NotEq("tier".into(), "db".into()),
                LabelReq::NotExists("canary".into()),
                LabelReq::Exists("env".into()),
            ]
        );
        assert!(matches!(
            parse_labels("app notin (x)").unwrap()[0],
            LabelReq::NotIn(..)
        ));
        assert!(parse_labels("app in a,b").is_err());
    }

    #[test]
    fn field_selectors_reject_unknown_fields() {
        assert!(parse_fields(Kind::Pod, "status.phase=Running,spec.nodeName!=n1").is_ok());
        assert!(parse_fields(Kind::Pod, "spec.foo=bar").is_err());
        assert!(parse_fields(Kind::Event, "involvedObject.name=x").is_ok());
    }
}
