//! Never write Secret values. The Secrets table is metadata-only already; this is the second
//! lock: any Secret object that reaches the recorder anyway loses `data` and `stringData`, and
//! a `last-applied-configuration` annotation that embeds a Secret (with its data) is dropped.

use serde_json::Value;

use super::format::Record;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The record with any Secret value removed; records that cannot hold one pass untouched.
pub fn record(record: Record) -> Record {
    match record {
        Record::Page {
            t,
            id,
            first,
            last,
            body,
        } => Record::Page {
            t,
            id,
            first,
            last,
            body: bytes(body),
        },
        Record::Line { t, id, line } => Record::Line {
            t,
            id,
            line: bytes(line),
        },
        other => other,
    }
}

/// JSON without Secret values. Only text that mentions `Secret` is parsed, so the usual pod
/// line costs one substring search. Text that is not JSON cannot be checked and is dropped.
pub fn bytes(body: Vec<u8>) -> Vec<u8> {
    if memchr::memmem::find(&body, b"Secret").is_none() {
        return body;
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
        return b"{}".to_vec();
    };
    scrub(&mut value);
    serde_json::to_vec(&value).unwrap_or_else(|_| b"{}".to_vec())
}

fn scrub(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("kind").and_then(Value::as_str) == Some("Secret") {
                map.remove("data");
                map.remove("stringData");
            }
            if let Some(Value::Object(annotations)) = map.get_mut("annotations")
                && annotations
                    .get(LAST_APPLIED)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.contains("Secret"))
            {
                annotations.remove(LAST_APPLIED);
            }
            map.values_mut().for_each(scrub);
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_and_their_last_applied_copy_are_removed() {
        let line = br#"{"type":"ADDED","object":{"kind":"Secret","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Secret\",\"data\":{\"k\":\"c2VjcmV0\"}}","keep":"me"}},"data":{"k":"c2VjcmV0"},"stringData":{"k":"secret"}}}"#;
        let out = String::from_utf8(bytes(line.to_vec())).unwrap_or_default();
        assert!(
            !out.contains("c2VjcmV0") && !out.contains(r#""secret""#),
            "{out}"
        );
        assert!(
            out.contains(r#""keep":"me""#) && out.contains(r#""name":"s""#),
            "{out}"
        );
    }

    #[test]
    fn lines_without_secrets_are_kept_byte_for_byte() {
        let line = br#"{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"p"}}}"#.to_vec();
        assert_eq!(bytes(line.clone()), line);
    }
}
