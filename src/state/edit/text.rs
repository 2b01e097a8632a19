//! The text of an edit as `kubectl edit` writes it: a comment header (with the reasons an edit
//! came back, such as a 422's field errors), comment lines ignored on save, and the unified
//! diff of two versions. Pure.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::kube::Failure;

/// kubectl's header, so the file reads as its users know it.
const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// Why an edit came back to the editor: a head line and its items (`* field: message`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reason {
    pub head: String,
    pub items: Vec<String>,
}

/// The file handed to the editor: the header, the reasons as comments, then `body`.
pub fn file_text(reasons: &[Reason], body: &str) -> String {
    let mut text = HEADER.to_string();
    for reason in reasons {
        let colon = if reason.items.is_empty() { "" } else { ":" };
        text.push_str(&format!("# {}{colon}\n", comment(&reason.head)));
        for item in &reason.items {
            text.push_str(&format!("# * {}\n", comment(item)));
        }
        text.push_str("#\n");
    }
    text.push_str(body);
    text
}

/// A message on comment lines: each line break continues the comment (kubectl's
/// `hashOnLineBreak`), so a multi-line message cannot become YAML.
fn comment(text: &str) -> String {
    text.trim_end().replace('\n', "\n# ")
}

/// The text without comment lines (a line whose first non-blank character is `#`, except a
/// `#!`), as kubectl strips a saved file before reading it.
pub fn strip_comments(text: &str) -> String {
    let kept: Vec<&str> = text
        .split('\n')
        .filter(|line| {
            let t = line.trim();
            !t.starts_with('#') || t.starts_with("#!")
        })
        .collect();
    kept.join("\n")
}

/// The reasons of a server refusal, worded as kubectl edit words them: for a 422,
/// `deployments.apps "web" was not valid:` and one `field: message` item per cause. Other
/// refusals (a 400 for an unknown field) are the server's message.
pub fn refusal(failure: &Failure, resource: &str, name: &str) -> Reason {
    let details = failure.details.as_deref();
    let causes: Vec<String> = details
        .map(|d| d.causes.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|c| match c.field.as_str() {
            "" => c.message.clone(),
            field => format!("{field}: {}", c.message),
        })
        .collect();
    if failure.code == Some(422) && !causes.is_empty() {
        // kubectl names the resource as it mapped it (`deployments.apps`), not the Status's
        // kind (`Deployment`).
        return Reason {
            head: format!("{resource} \"{name}\" was not valid"),
            items: causes,
        };
    }
    Reason {
        head: failure.message.clone(),
        items: causes,
    }
}

/// A YAML syntax error, as kubectl reports it.
pub fn syntax_error(error: &str) -> Reason {
    Reason {
        head: format!("The edited file had a syntax error: {error}"),
        items: Vec::new(),
    }
}

/// The object as YAML (the edit's text and both sides of a diff).
pub fn yaml(object: &Value) -> String {
    match serde_saphyr::to_string(object) {
        Ok(text) => text,
        Err(e) => format!("# could not render YAML: {e}\n"),
    }
}

/// The unified diff of `old` and `new` (three lines of context), headed `--- old_name` and
/// `+++ new_name`; empty when they are equal.
pub fn diff_lines(old: &str, new: &str, old_name: &str, new_name: &str) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    let mut lines = Vec::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        if lines.is_empty() {
            lines.push(format!("--- {old_name}"));
            lines.push(format!("+++ {new_name}"));
        }
        lines.push(hunk.header().to_string());
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            let value = change.value();
            lines.push(format!(
                "{sign}{}",
                value.strip_suffix('\n').unwrap_or(value)
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::FailureKind;
    use crate::kube::error::{StatusCause, StatusDetails};

    #[test]
    fn comments_are_ignored_but_a_shebang_and_text_after_a_hash_stay() {
        let text = "# header\n  # indented\napiVersion: v1\n#!keep\nkind: Pod # trailing\n";
        assert_eq!(
            strip_comments(text),
            "apiVersion: v1\n#!keep\nkind: Pod # trailing\n"
        );
        assert_eq!(strip_comments(&file_text(&[], "a: 1\n")), "a: 1\n");
    }

    /// A 422 reads as kubectl edit writes it on top of the reopened file.
    #[test]
    fn a_422_becomes_kubectls_comment_block() {
        let failure = Failure {
            kind: FailureKind::Api,
            code: Some(422),
            reason: "Invalid".into(),
            message: "Deployment.apps \"web\" is invalid: spec.replicas: ...".into(),
            details: Some(Box::new(StatusDetails {
                name: "web".into(),
                group: "apps".into(),
                kind: "deployments".into(),
                causes: vec![StatusCause {
                    reason: "FieldValueInvalid".into(),
                    message: "Invalid value: -1: must be greater than or equal to 0".into(),
                    field: "spec.replicas".into(),
                }],
                retry_after_seconds: None,
            })),
        };
        let reason = refusal(&failure, "deployments.apps", "web");
        let text = file_text(&[reason], "spec:\n  replicas: -1\n");
        assert_eq!(
            text,
            "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
# deployments.apps \"web\" was not valid:
# * spec.replicas: Invalid value: -1: must be greater than or equal to 0
#
spec:
  replicas: -1
"
        );
        // A message of several lines stays a comment.
        let text = file_text(&[syntax_error("line 1\nline 2")], "a: 1\n");
        assert_eq!(strip_comments(&text), "a: 1\n");
    }

    #[test]
    fn the_diff_is_unified_with_context() {
        let old = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n";
        let new = old.replace("e: 5", "e: 50");
        let lines = diff_lines(old, &new, "live", "dry run");
        assert_eq!(
            lines,
            [
                "--- live",
                "+++ dry run",
                "@@ -2,7 +2,7 @@",
                " b: 2",
                " c: 3",
                " d: 4",
                "-e: 5",
                "+e: 50",
                " f: 6",
                " g: 7",
                " h: 8"
            ]
        );
        assert!(diff_lines(old, old, "a", "b").is_empty());
    }
}

#[cfg(test)]
mod round_trip {
    use serde_json::{Value, json};

    /// What the editor is handed reads back as the same object: strings that look like other
    /// types stay strings, numbers stay numbers.
    #[test]
    fn the_yaml_handed_to_the_editor_reads_back_the_same() {
        let object = json!({
            "metadata": {"labels": {"a": "true", "b": "yes", "c": "1.0", "d": "0x10", "e": "null",
                "f": "~", "g": "", "h": "on", "i": "a: b", "j": "- x", "k": "#not a comment",
                "l": "007", "m": "1e3", "n": " padded "},
                "annotations": {"multi": "line one\nline two\n", "json": "{\"a\":[1,2]}"}},
            "spec": {"replicas": 3, "ratio": 0.5, "big": 9007199254740993_u64, "neg": -1,
                "flag": false, "none": null, "list": [], "map": {}, "nested": [{"x": [1, "2"]}]}
        });
        let text = super::yaml(&object);
        let back: Value = serde_saphyr::from_str(&text).expect("parses");
        assert_eq!(back, object, "{text}");
    }
}
