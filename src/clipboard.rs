//! Clipboard through the terminal: an OSC 52 escape sequence, which works over SSH and tmux
//! (with `set-clipboard on`) without any clipboard library. Pure; the runtime writes it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The OSC 52 sequence that puts `text` on the system clipboard (`c`), base64-encoded and
/// terminated by BEL, which more terminals accept than ST.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", STANDARD.encode(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_as_base64_between_osc_and_bel() {
        assert_eq!(osc52("hello"), "\u{1b}]52;c;aGVsbG8=\u{7}");
        assert_eq!(osc52(""), "\u{1b}]52;c;\u{7}");
    }

    #[test]
    fn control_characters_cannot_escape_the_sequence() {
        let seq = osc52("a\u{7}b\u{1b}]0;pwned\u{7}\nc é");
        let payload = seq
            .strip_prefix("\u{1b}]52;c;")
            .and_then(|s| s.strip_suffix('\u{7}'))
            .expect("framed by OSC 52 and BEL");
        assert!(
            payload
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
        );
        let decoded = STANDARD.decode(payload).expect("valid base64");
        assert_eq!(decoded, "a\u{7}b\u{1b}]0;pwned\u{7}\nc é".as_bytes());
    }
}
