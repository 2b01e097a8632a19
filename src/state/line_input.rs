//! A one-line text field that edits as a shell line does (readline's emacs keys): the text plus
//! a cursor counted in characters, so multi-byte input never splits a UTF-8 sequence.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Text and cursor of a single-line field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Cursor position in characters, `0..=chars`.
    cursor: usize,
}

impl LineInput {
    /// A field holding `text` with the cursor at the end.
    pub fn new(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before and from the cursor (for drawing the cursor in place).
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte_at(self.cursor))
    }

    /// Replaces the text; the cursor goes to the end.
    pub fn set(&mut self, text: &str) {
        *self = LineInput::new(text);
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an editing key; returns false for keys that are not editing keys (Enter, Esc,
    /// Tab, ctrl chords the field does not know), which the caller handles.
    pub fn input(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if ctrl => return self.ctrl_key(c),
            KeyCode::Char(c) if alt => return self.alt_key(c),
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Backspace if alt || ctrl => self.kill_back_to(self.word_start()),
            KeyCode::Backspace => self.kill_back_to(self.cursor.saturating_sub(1)),
            KeyCode::Delete => self.kill_forward_to((self.cursor + 1).min(self.len())),
            KeyCode::Left if alt || ctrl => self.cursor = self.word_start(),
            KeyCode::Right if alt || ctrl => self.cursor = self.word_end(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.len(),
            _ => return false,
        }
        true
    }

    /// Ctrl-A/E (start, end), Ctrl-U/K (kill to start, to end), Ctrl-W (kill the word before,
    /// up to whitespace as bash does). Others (Ctrl-C quits, Ctrl-S sends) are not edits.
    fn ctrl_key(&mut self, c: char) -> bool {
        match c.to_ascii_lowercase() {
            'a' => self.cursor = 0,
            'e' => self.cursor = self.len(),
            'u' => self.kill_back_to(0),
            'k' => self.kill_forward_to(self.len()),
            'w' => self.kill_back_to(self.blank_word_start()),
            _ => return false,
        }
        true
    }

    /// Alt-B/F move by words, Alt-D kills the word after the cursor.
    fn alt_key(&mut self, c: char) -> bool {
        match c {
            'b' => self.cursor = self.word_start(),
            'f' => self.cursor = self.word_end(),
            'd' => self.kill_forward_to(self.word_end()),
            _ => return false,
        }
        true
    }

    fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Removes the characters from `start` to the cursor.
    fn kill_back_to(&mut self, start: usize) {
        let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.drain(from..to);
        self.cursor = start;
    }

    /// Removes the characters from the cursor to `end`.
    fn kill_forward_to(&mut self, end: usize) {
        let (from, to) = (self.byte_at(self.cursor), self.byte_at(end));
        self.text.drain(from..to);
    }

    /// Start of the word before the cursor, words being letters and digits (readline's
    /// `backward-word`): `-l app=we|b` goes to `we`.
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
        let end = chars
            .iter()
            .rposition(|c| c.is_alphanumeric())
            .map_or(0, |i| i + 1);
        chars[..end]
            .iter()
            .rposition(|c| !c.is_alphanumeric())
            .map_or(0, |i| i + 1)
    }

    /// End of the word after the cursor (readline's `forward-word`).
    fn word_end(&self) -> usize {
        let rest: Vec<char> = self.text.chars().skip(self.cursor).collect();
        let start = rest
            .iter()
            .position(|c| c.is_alphanumeric())
            .unwrap_or(rest.len());
        let len = rest[start..]
            .iter()
            .position(|c| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        self.cursor + start + len
    }

    /// Start of the whitespace-delimited word before the cursor (`unix-word-rubout`).
    fn blank_word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
        let end = chars
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map_or(0, |i| i + 1);
        chars[..end]
            .iter()
            .rposition(|c| c.is_whitespace())
            .map_or(0, |i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode) -> bool {
        input.input(&KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(input: &mut LineInput, c: char) -> bool {
        input.input(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn alt(input: &mut LineInput, code: KeyCode) -> bool {
        input.input(&KeyEvent::new(code, KeyModifiers::ALT))
    }

    /// The text with `|` at the cursor.
    fn shown(input: &LineInput) -> String {
        let (before, after) = input.split();
        format!("{before}|{after}")
    }

    #[test]
    fn edits_at_the_cursor_with_multibyte_text() {
        let mut input = LineInput::new("pöds");
        assert_eq!(input.cursor(), 4);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Backspace);
        assert_eq!(input.text(), "pds");
        press(&mut input, KeyCode::Char('o'));
        assert_eq!((input.text(), input.cursor()), ("pods", 2));
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.text(), "pos");
        press(&mut input, KeyCode::Home);
        press(&mut input, KeyCode::Backspace);
        press(&mut input, KeyCode::End);
        press(&mut input, KeyCode::Delete);
        press(&mut input, KeyCode::Char('/'));
        assert_eq!(input.text(), "pos/");
        assert!(!press(&mut input, KeyCode::Enter), "enter is not an edit");
        press(&mut input, KeyCode::Left);
        assert!(ctrl(&mut input, 'u'));
        assert_eq!((input.text(), input.cursor()), ("/", 0));
    }

    #[test]
    fn start_end_and_kills_like_a_shell() {
        let mut input = LineInput::new("-l app=web");
        assert!(ctrl(&mut input, 'a'));
        assert_eq!(shown(&input), "|-l app=web");
        assert!(ctrl(&mut input, 'e'));
        assert_eq!(shown(&input), "-l app=web|");
        for _ in 0..3 {
            press(&mut input, KeyCode::Left);
        }
        assert!(ctrl(&mut input, 'k'), "kill to the end");
        assert_eq!(shown(&input), "-l app=|");
        assert!(ctrl(&mut input, 'w'), "kill the word before, to whitespace");
        assert_eq!(shown(&input), "-l |");
        assert!(ctrl(&mut input, 'w'));
        assert_eq!(shown(&input), "|");
        assert!(
            ctrl(&mut input, 'w'),
            "nothing left to kill is still an edit"
        );
        assert!(!ctrl(&mut input, 'c'), "ctrl-c is not an edit: it quits");
        assert!(!ctrl(&mut input, 's'));
    }

    #[test]
    fn moves_and_kills_by_words() {
        let mut input = LineInput::new("name:web-api pöd");
        assert!(alt(&mut input, KeyCode::Char('b')));
        assert_eq!(shown(&input), "name:web-api |pöd");
        alt(&mut input, KeyCode::Char('b'));
        assert_eq!(shown(&input), "name:web-|api pöd");
        let ctrl_left = KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL);
        input.input(&ctrl_left);
        assert_eq!(shown(&input), "name:|web-api pöd");
        input.input(&ctrl_left);
        input.input(&ctrl_left);
        assert_eq!(shown(&input), "|name:web-api pöd", "stops at the start");
        assert!(alt(&mut input, KeyCode::Char('f')));
        assert_eq!(shown(&input), "name|:web-api pöd");
        let ctrl_right = KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL);
        input.input(&ctrl_right);
        assert_eq!(shown(&input), "name:web|-api pöd");
        assert!(alt(&mut input, KeyCode::Char('d')), "kill the next word");
        assert_eq!(shown(&input), "name:web| pöd");
        press(&mut input, KeyCode::End);
        assert!(alt(&mut input, KeyCode::Backspace), "kill the word before");
        assert_eq!(shown(&input), "name:web |");
        alt(&mut input, KeyCode::Char('f'));
        assert_eq!(shown(&input), "name:web |", "stops at the end");
        assert!(!alt(&mut input, KeyCode::Char('c')), "alt-c is not an edit");
    }
}
