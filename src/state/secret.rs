//! `x` in a Secret's YAML or describe view: its `data` decoded, on demand only. UTF-8 text is
//! shown as text (a block when it has several lines), anything else as its size. The decoded
//! text lives in the view's lines alone: never in the history, the logs or a copy (`Y` copies
//! the data as stored).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::detail::{DetailView, yaml_lines};
use super::{Effect, Notify, State};

/// The line that starts the decoded section of a describe view.
pub const DESCRIBE_HEADER: &str = "Decoded data (x hides it):";

/// Toggles the decoded view of the open Secret.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    let is_secret =
        detail.target.resource.group.is_empty() && detail.target.resource.plural == "secrets";
    if !is_secret {
        state.flash.info("x decodes the data of a Secret");
        return Vec::new();
    }
    let decoded = !detail.decoded;
    match &mut detail.view {
        DetailView::Yaml {
            pane,
            object: Some(object),
            show_managed_fields,
        } => {
            let lines = yaml_lines(object, *show_managed_fields);
            let lines = if decoded {
                decoded_yaml(lines, object)
            } else {
                lines
            };
            pane.set_lines(lines);
        }
        DetailView::Describe {
            pane,
            object: Some(object),
            ..
        } => {
            let mut lines = std::mem::take(&mut pane.lines);
            if let Some(at) = lines.iter().position(|l| l == DESCRIBE_HEADER) {
                lines.truncate(at);
            }
            if decoded {
                lines.push(DESCRIBE_HEADER.to_string());
                lines.extend(decoded_entries(object, "  "));
            }
            pane.set_lines(lines);
        }
        _ => {
            state.flash.info("x: wait for the Secret to load");
            return Vec::new();
        }
    }
    detail.decoded = decoded;
    let words = if decoded {
        "data decoded (x shows it as stored)"
    } else {
        "data as stored (base64)"
    };
    state.flash.info(words);
    Vec::new()
}

/// The YAML lines with the `data:` block replaced by the decoded entries.
fn decoded_yaml(lines: Vec<String>, object: &Value) -> Vec<String> {
    let Some(start) = lines.iter().position(|l| l == "data:") else {
        return lines;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.starts_with(' '))
        .map_or(lines.len(), |n| start + 1 + n);
    let mut out = lines[..start].to_vec();
    out.push("data:  # decoded by kr8s-tui (x: as stored)".to_string());
    out.extend(decoded_entries(object, "  "));
    out.extend_from_slice(&lines[end..]);
    out
}

/// One entry per key of `data`, each value decoded, indented by `indent`.
pub fn decoded_entries(object: &Value, indent: &str) -> Vec<String> {
    let Some(data) = object.get("data").and_then(Value::as_object) else {
        return vec![format!("{indent}# no data")];
    };
    let mut lines = Vec::new();
    for (key, value) in data {
        let bytes = value.as_str().and_then(|v| STANDARD.decode(v).ok());
        match bytes.as_deref().map(std::str::from_utf8) {
            Some(Ok(text)) if text.contains('\n') => {
                lines.push(format!("{indent}{key}: |"));
                let body = text.strip_suffix('\n').unwrap_or(text);
                lines.extend(body.split('\n').map(|l| format!("{indent}  {l}")));
            }
            Some(Ok(text)) => lines.push(format!("{indent}{key}: {text}")),
            Some(Err(_)) => {
                let n = bytes.as_ref().map_or(0, Vec::len);
                lines.push(format!("{indent}{key}: <{n} bytes>"));
            }
            None => lines.push(format!("{indent}{key}: <not base64>")),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_is_shown_as_text_blocks_for_lines_and_binary_as_its_size() {
        let secret = json!({"kind": "Secret", "data": {
            "user": STANDARD.encode("admin"),
            "cert": STANDARD.encode("line one\nline two\n"),
            "blob": STANDARD.encode([0xff_u8, 0xfe, 0x00]),
        }});
        let lines = decoded_entries(&secret, "  ");
        assert_eq!(
            lines,
            [
                "  user: admin",
                "  cert: |",
                "    line one",
                "    line two",
                "  blob: <3 bytes>",
            ]
        );
        let yaml = vec![
            "data:".to_string(),
            "  user: YWRtaW4=".to_string(),
            "kind: Secret".to_string(),
        ];
        let decoded = decoded_yaml(yaml, &json!({"data": {"user": "YWRtaW4="}}));
        assert_eq!(
            decoded,
            [
                "data:  # decoded by kr8s-tui (x: as stored)",
                "  user: admin",
                "kind: Secret"
            ]
        );
    }
}
