//! Server warnings: the `Warning` response headers (RFC 7234 style, `299 - "text"`) the API
//! server adds for deprecated APIs and the like, parsed as client-go does.

use http::HeaderMap;

/// One `warning-value`: `warn-code SP warn-agent SP warn-text [SP warn-date]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: u16,
    pub agent: String,
    pub text: String,
}

/// Why a `Warning` header value could not be read; client-go drops such values too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningError {
    #[error("invalid warning header: fewer than 3 segments")]
    TooFewSegments,
    #[error("invalid warning header: code segment is not 3 digits between 100-299")]
    BadCode,
    #[error("invalid warning header: invalid agent")]
    BadAgent,
    #[error("invalid warning header: {0}")]
    BadText(&'static str),
    #[error("invalid warning header: unterminated date segment")]
    UnterminatedDate,
    #[error("invalid warning header: unexpected token after warn-date")]
    UnexpectedToken,
}

/// The texts kubectl prints as `Warning: <text>`: code-299 warnings of every `Warning` header,
/// in order, without repeats. Malformed values are skipped.
pub fn warning_texts(headers: &HeaderMap) -> Vec<String> {
    let values = headers
        .get_all(http::header::WARNING)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    texts(values)
}

/// [`warning_texts`] over header values already read as strings (the raw pane keeps pairs).
pub fn texts<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        for warning in parse_values(value.as_ref()) {
            if warning.code == 299 && !warning.text.is_empty() && !out.contains(&warning.text) {
                out.push(warning.text);
            }
        }
    }
    out
}

/// Every warning of one header value (comma-separated), up to the first malformed one.
pub fn parse_values(value: &str) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        match parse_one(rest) {
            Ok((warning, remainder)) => {
                warnings.push(warning);
                rest = remainder;
            }
            Err(e) => {
                tracing::debug!(error = %e, value, "skipping a Warning header");
                break;
            }
        }
    }
    warnings
}

/// One warning and what follows it (after the separating comma).
fn parse_one(value: &str) -> Result<(Warning, &str), WarningError> {
    let mut parts = value.splitn(3, ' ');
    let (Some(code), Some(agent), Some(text_and_rest)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(WarningError::TooFewSegments);
    };
    let code = parse_code(code)?;
    if agent.is_empty() || agent.chars().any(char::is_control) {
        return Err(WarningError::BadAgent);
    }
    let (text, after_text) = parse_quoted(text_and_rest)?;
    if text.chars().any(char::is_control) {
        return Err(WarningError::BadText("text contains control characters"));
    }
    let remainder = skip_date(after_text)?;
    let remainder = match remainder.strip_prefix(',') {
        Some(next) => next.trim(),
        None if remainder.is_empty() => remainder,
        None => return Err(WarningError::UnexpectedToken),
    };
    let warning = Warning {
        code,
        agent: agent.to_string(),
        text,
    };
    Ok((warning, remainder))
}

fn parse_code(code: &str) -> Result<u16, WarningError> {
    let three_digits = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
    match code.parse::<u16>() {
        Ok(n) if three_digits && (100..=299).contains(&n) => Ok(n),
        _ => Err(WarningError::BadCode),
    }
}

/// A quoted-string: `\x` stands for `x`. Returns the text and what follows, trimmed.
fn parse_quoted(s: &str) -> Result<(String, &str), WarningError> {
    let body = s
        .strip_prefix('"')
        .ok_or(WarningError::BadText("missing initial quote"))?;
    let mut text = String::new();
    let mut escaping = false;
    for (i, c) in body.char_indices() {
        match c {
            '\\' if !escaping => escaping = true,
            '"' if !escaping => return Ok((text, body[i + 1..].trim())),
            c => {
                text.push(c);
                escaping = false;
            }
        }
    }
    Err(WarningError::BadText("missing closing quote"))
}

/// Skips an optional quoted `warn-date`.
fn skip_date(s: &str) -> Result<&str, WarningError> {
    let Some(date) = s.strip_prefix('"') else {
        return Ok(s);
    };
    date.find('"')
        .map(|end| date[end + 1..].trim())
        .ok_or(WarningError::UnterminatedDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecation_warnings_are_unwrapped() {
        let value = r#"299 - "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob""#;
        assert_eq!(
            texts([value]),
            [
                "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob"
            ]
        );
    }

    #[test]
    fn escapes_dates_and_lists_are_read() {
        let value = r#"299 - "say \"hi\" \\ there" "Sat, 01 Jan 2000 00:00:00 GMT", 299 kube-apiserver "second""#;
        let parsed = parse_values(value);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].text, r#"say "hi" \ there"#);
        assert_eq!(parsed[1].agent, "kube-apiserver");
        assert_eq!(parsed[1].text, "second");
    }

    #[test]
    fn only_299_with_text_is_shown_once_and_bad_values_are_skipped() {
        let values = [
            r#"299 - "once""#,
            r#"299 - "once""#,
            r#"199 - "miscellaneous""#,
            r#"299 - """#,
            "299 -",
            r#"2999 - "long code""#,
            r#"299 - "unterminated"#,
            r#"299 - "ok" trailing"#,
            "299 - \"bell\u{7}\"",
        ];
        assert_eq!(texts(values), ["once"]);
        assert_eq!(parse_one("abc - \"x\""), Err(WarningError::BadCode));
        assert_eq!(
            parse_one("299 - \"x\" \"date"),
            Err(WarningError::UnterminatedDate)
        );
    }

    #[test]
    fn header_maps_are_read_in_order() {
        let mut headers = HeaderMap::new();
        for v in [r#"299 - "first""#, r#"299 - "second""#] {
            headers.append(http::header::WARNING, http::HeaderValue::from_static(v));
        }
        assert_eq!(warning_texts(&headers), ["first", "second"]);
    }
}
