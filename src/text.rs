//! Text from outside (names, server messages, log bytes) made safe to draw, and the small string
//! helpers both `state` and `ui` need. It sits below both, so neither imports the other for them.

use std::borrow::Cow;

mod tabs;
pub use tabs::align_tabs;

/// True for characters that must never reach the terminal as they are: control characters
/// (escape sequences, newlines) and bidirectional overrides, which would reorder what follows.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

/// Bidirectional marks, embeddings, overrides and isolates.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Makes untrusted text safe to draw: every unsafe character becomes `?`. Borrows when there is
/// nothing to replace (the common case).
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { '?' } else { c })
            .collect(),
    )
}

/// Turns raw log bytes into a displayable line: invalid UTF-8 decoded lossily, a trailing CR
/// dropped, tabs expanded, other unsafe characters made visible as `?`.
pub fn clean_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\r').unwrap_or(&text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if is_unsafe(c) => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Splits a chunk of bytes into complete, cleaned lines, keeping an unfinished tail in
/// `pending` for the next chunk.
pub fn split_lines(pending: &mut Vec<u8>, chunk: &[u8]) -> Vec<String> {
    pending.extend_from_slice(chunk);
    let Some(last) = pending.iter().rposition(|&b| b == b'\n') else {
        return Vec::new();
    };
    let rest = pending.split_off(last + 1);
    let lines = pending[..last]
        .split(|&b| b == b'\n')
        .map(clean_line)
        .collect();
    *pending = rest;
    lines
}

/// Case-insensitive substring test; `needle` must already be lowercase. The lowercasing and
/// search run in the standard library, which is fast even in debug builds.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() {
        haystack.to_ascii_lowercase().contains(needle)
    } else {
        haystack.to_lowercase().contains(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_replaces_escapes_and_bidi() {
        assert!(matches!(sanitize("web-1"), Cow::Borrowed("web-1")));
        assert_eq!(sanitize("a\u{1b}[2Jb\nc\u{202e}d\u{7f}"), "a?[2Jb?c?d?");
    }

    #[test]
    fn log_lines_are_cleaned_like_names() {
        let mut pending = Vec::new();
        let lines = split_lines(&mut pending, b"a\tb\r\nevil\xe2\x80\xaeright\n\x1b[2Jpart");
        assert_eq!(lines, ["a    b", "evil?right"]);
        assert_eq!(pending, b"\x1b[2Jpart");
        let lines = split_lines(&mut pending, b"ial\n");
        assert_eq!(lines, ["?[2Jpartial"]);
    }

    #[test]
    fn substring_ignores_case() {
        assert!(contains_ignore_case("API-Server", "i-s"));
        assert!(contains_ignore_case("Ünïcode-Pod", "ünï"));
        assert!(!contains_ignore_case("web", "webs"));
    }
}
