//! The keymap: which key triggers which [`Action`]. Defaults live in `assets/keymap.toml`; the
//! help overlay is generated from the same table, so a rebinding shows up in the help.

mod overrides;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;

/// The built-in bindings, compiled into the binary.
const DEFAULT_KEYMAP: &str = include_str!("../assets/keymap.toml");

/// Something the user asked for, independent of the key that asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    FocusNext,
    FocusPrev,
    /// Show or hide the contexts and namespaces panes above the table.
    TogglePanes,
    Select,
    Help,
    Close,
    Quit,
    /// Open the raw-request pane (`call_api`).
    RawRequest,
    /// Open the request log.
    RequestLog,
    /// Send the raw request.
    RawSend,
    /// Send the raw request (GET only) to every context of the fleet.
    RawSendAll,
    /// Recall the previous / next request of the history.
    HistoryPrev,
    HistoryNext,
    /// Copy the raw request as a command.
    CopyCurl,
    CopyKubectl,
    CopyPython,
    /// Response view: JSON ⇄ YAML, show/hide headers.
    ToggleFormat,
    ToggleHeaders,
    /// Response view: search, next and previous match.
    Search,
    SearchNext,
    SearchPrev,
    /// `:`: the command line (`:ctx`, `:ns`, `:deploy` ...).
    Command,
    Yaml,
    Describe,
    Logs,
    Delete,
    /// Edit the object in `$EDITOR`, with a dry-run diff before applying.
    Edit,
    /// A shell in the selected pod's container.
    Shell,
    /// Attach to the selected pod's main process.
    Attach,
    /// Forward a local port to the selected pod's container.
    PortForward,
    /// Toggle all namespaces.
    AllNamespaces,
    SortName,
    SortNamespace,
    SortStatus,
    SortRestarts,
    SortAge,
    /// Sort pods by CPU usage (metrics.k8s.io).
    SortCpu,
    /// Sort pods by memory usage (metrics.k8s.io).
    SortMemory,
    /// Sort a fleet's pods by context (their stored order).
    SortContext,
    /// Logs: pick the container.
    Container,
    /// Logs: previous container instance.
    Previous,
    Timestamps,
    /// Logs: cycle how many lines to start from (tailLines).
    TailLines,
    Wrap,
    /// Logs: pause or resume following.
    Follow,
    /// Workload logs: every container of each pod, or only its default one.
    AllContainers,
    /// Logs: write the buffer to a file in the state directory.
    SaveLogs,
    /// YAML: show or hide metadata.managedFields.
    ManagedFields,
    /// Re-list the current resource view.
    Refresh,
    /// Copy the selected object's name / `namespace/name` / the open YAML (OSC 52).
    CopyName,
    CopyPath,
    CopyYaml,
    /// Scale the selected Deployment, StatefulSet or ReplicaSet (a dialog).
    Scale,
    /// Rollout restart of the selected Deployment, StatefulSet or DaemonSet.
    Restart,
    /// Cordon / uncordon / drain the selected node.
    Cordon,
    Uncordon,
    Drain,
    /// Mark or unmark the selected row (for a bulk delete).
    Mark,
    /// Secret YAML/describe: decode `data` or show it as stored.
    Decode,
    /// Jump to the selected object's controlling owner (pod → ReplicaSet → Deployment).
    JumpOwner,
    /// The versions the app saw of the selected object.
    ObjectHistory,
    /// Back / forward through the visited views; the view before this one.
    Back,
    Forward,
    ToggleView,
}

/// Why a keymap could not be loaded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeymapError {
    #[error("keymap is not valid TOML: {0}")]
    Parse(String),
    #[error("unknown action {0:?}")]
    UnknownAction(String),
    #[error("unknown key {key:?} for action {action:?}")]
    UnknownKey { action: Action, key: String },
    #[error("key {key:?} is bound to both {first:?} and {second:?}")]
    Conflict {
        key: String,
        first: Action,
        second: Action,
    },
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    pub action: Action,
    /// Key names as written in the TOML, e.g. `["j", "down"]`.
    pub keys: Vec<String>,
    pub description: String,
}

/// A key as the map stores it: shift is folded into the character (`G`, `?`) or the code
/// (`BackTab`), because terminals disagree on whether they report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Chord {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

#[derive(Deserialize)]
struct KeymapFile {
    binding: Vec<Binding>,
}

#[derive(Deserialize)]
struct Binding {
    action: Action,
    keys: Vec<String>,
    #[serde(default)]
    description: String,
}

/// Key → action lookup plus the help text, in the order of the TOML.
#[derive(Debug, Clone)]
pub struct Keymap {
    chords: HashMap<Chord, Action>,
    /// Actions of the detail views only (logs, YAML): their keys may also mean something on a
    /// table (`s` follows logs there, opens a shell on a pod), as in k9s.
    detail: HashMap<Chord, Action>,
    /// Actions of a `:kind` table only (scale, restart, node actions): their keys may mean
    /// something else on the pods table (`s` is the shell there).
    kinds: HashMap<Chord, Action>,
    help: Vec<HelpEntry>,
}

impl Action {
    /// True for actions that only mean something in a YAML, describe or logs view.
    pub fn detail_only(self) -> bool {
        matches!(
            self,
            Action::Container
                | Action::Previous
                | Action::Timestamps
                | Action::TailLines
                | Action::Wrap
                | Action::Follow
                | Action::AllContainers
                | Action::SaveLogs
                | Action::ManagedFields
                | Action::Decode
        )
    }

    /// True for actions that only mean something on a `:kind` table (deployments, nodes, …).
    pub fn kind_only(self) -> bool {
        matches!(
            self,
            Action::Scale | Action::Restart | Action::Cordon | Action::Uncordon | Action::Drain
        )
    }
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::builtin()
    }
}

impl Keymap {
    /// The bindings of `assets/keymap.toml`.
    pub fn builtin() -> Keymap {
        Keymap::from_toml(DEFAULT_KEYMAP).expect("the embedded keymap is valid (tested)")
    }

    /// Parses a keymap in the format of `assets/keymap.toml`; rejects unknown keys and keys
    /// bound to two actions.
    pub fn from_toml(text: &str) -> Result<Keymap, KeymapError> {
        let file: KeymapFile =
            toml::from_str(text).map_err(|e| KeymapError::Parse(e.to_string()))?;
        let mut chords = HashMap::new();
        let mut detail = HashMap::new();
        let mut kinds = HashMap::new();
        let mut help = Vec::with_capacity(file.binding.len());
        for binding in file.binding {
            for key in &binding.keys {
                let chord = parse_key(key).ok_or_else(|| KeymapError::UnknownKey {
                    action: binding.action,
                    key: key.clone(),
                })?;
                let map = if binding.action.detail_only() {
                    &mut detail
                } else if binding.action.kind_only() {
                    &mut kinds
                } else {
                    &mut chords
                };
                if let Some(first) = map.insert(chord, binding.action)
                    && first != binding.action
                {
                    return Err(KeymapError::Conflict {
                        key: key.clone(),
                        first,
                        second: binding.action,
                    });
                }
            }
            help.push(HelpEntry {
                action: binding.action,
                keys: binding.keys,
                description: binding.description,
            });
        }
        Ok(Keymap {
            chords,
            detail,
            kinds,
            help,
        })
    }

    /// The action bound to `key` outside detail views, if any. Key releases are ignored.
    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        self.lookup(key, false)
    }

    /// The action of `key` in a detail view: its detail-only action first.
    pub fn detail_action(&self, key: &KeyEvent) -> Option<Action> {
        self.lookup(key, true)
    }

    /// The action of `key` on a `:kind` table: its kind-only action first.
    pub fn kind_action(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let chord = chord_of(key);
        self.kinds
            .get(&chord)
            .copied()
            .or_else(|| self.lookup(key, false))
    }

    fn lookup(&self, key: &KeyEvent, in_detail: bool) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let chord = chord_of(key);
        let (first, then) = if in_detail {
            (&self.detail, &self.chords)
        } else {
            (&self.chords, &self.detail)
        };
        // Kind-only keys last: elsewhere they only name what they do on a table.
        let found = first.get(&chord).or_else(|| then.get(&chord));
        found.or_else(|| self.kinds.get(&chord)).copied()
    }

    /// Every binding with its keys and description, in keymap order.
    pub fn help(&self) -> &[HelpEntry] {
        &self.help
    }

    /// The key names bound to `action` as the map spells them (`["q", "ctrl-c"]`); empty when
    /// it has none.
    pub fn keys_for(&self, action: Action) -> &[String] {
        self.help
            .iter()
            .find(|e| e.action == action)
            .map_or(&[], |e| e.keys.as_slice())
    }
}

fn chord_of(key: &KeyEvent) -> Chord {
    let mut code = key.code;
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    if code == KeyCode::Tab && shift {
        code = KeyCode::BackTab;
    }
    if let KeyCode::Char(c) = code
        && key.modifiers.contains(KeyModifiers::CONTROL)
    {
        // Terminals report ctrl-C as 'c' or 'C' depending on caps lock / shift.
        code = KeyCode::Char(c.to_ascii_lowercase());
    }
    Chord {
        code,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    }
}

/// "ctrl-c", "shift-tab", "pgdn", "G", "?" → a chord; `None` for names we do not know.
fn parse_key(name: &str) -> Option<Chord> {
    let mut rest = name;
    let (mut ctrl, mut alt, mut shift) = (false, false, false);
    // A bare "-" is a key, not a separator.
    while rest.len() > 1 {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            (ctrl, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("alt-") {
            (alt, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("shift-") {
            (shift, rest) = (true, r);
        } else {
            break;
        }
    }
    let code = match rest {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "tab" if shift => KeyCode::BackTab,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        _ => single_char(rest, shift, ctrl)?,
    };
    Some(Chord { code, ctrl, alt })
}

fn single_char(rest: &str, shift: bool, ctrl: bool) -> Option<KeyCode> {
    let mut chars = rest.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    let c = match (shift, ctrl) {
        (_, true) => c.to_ascii_lowercase(),
        (true, false) => c.to_ascii_uppercase(),
        (false, false) => c,
    };
    Some(KeyCode::Char(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn builtin_keymap_binds_the_documented_keys() {
        let map = Keymap::builtin();
        let none = KeyModifiers::NONE;
        let cases = [
            (key(KeyCode::Char('j'), none), Action::Down),
            (key(KeyCode::Down, none), Action::Down),
            (key(KeyCode::Char('k'), none), Action::Up),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Bottom),
            (key(KeyCode::Char('g'), none), Action::Top),
            (key(KeyCode::Home, none), Action::Top),
            (key(KeyCode::PageDown, none), Action::PageDown),
            (key(KeyCode::Tab, none), Action::FocusNext),
            (
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                Action::FocusPrev,
            ),
            (key(KeyCode::Tab, KeyModifiers::SHIFT), Action::FocusPrev),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help),
            (key(KeyCode::Char('?'), none), Action::Help),
            (key(KeyCode::Esc, none), Action::Close),
            (key(KeyCode::Enter, none), Action::Select),
            (key(KeyCode::Char('q'), none), Action::Quit),
            (key(KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit),
            (key(KeyCode::Char('z'), none), Action::TogglePanes),
        ];
        for (event, action) in cases {
            assert_eq!(map.action(&event), Some(action), "{event:?}");
        }
        assert_eq!(map.action(&key(KeyCode::Char('v'), none)), None);
    }

    #[test]
    fn releases_are_ignored() {
        let mut event = key(KeyCode::Char('q'), KeyModifiers::NONE);
        event.kind = KeyEventKind::Release;
        assert_eq!(Keymap::builtin().action(&event), None);
    }

    #[test]
    fn help_lists_every_action_in_file_order() {
        let map = Keymap::builtin();
        let help = map.help();
        let bindings = DEFAULT_KEYMAP
            .lines()
            .filter(|l| l.trim() == "[[binding]]")
            .count();
        assert_eq!(help.len(), bindings);
        assert_eq!(help[0].action, Action::Down);
        assert_eq!(help[0].keys, ["j", "down"]);
        assert!(help.iter().all(|h| !h.description.is_empty()));
    }

    #[test]
    fn rebinding_changes_lookup_and_help() {
        let map = Keymap::from_toml(
            "[[binding]]\naction = \"quit\"\nkeys = [\"x\", \"alt-q\"]\ndescription = \"Leave\"\n",
        )
        .expect("valid keymap");
        assert_eq!(
            map.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&key(KeyCode::Char('q'), KeyModifiers::ALT)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(map.help()[0].description, "Leave");
    }

    #[test]
    fn loader_reports_conflicts_and_bad_keys() {
        let conflict = "[[binding]]\naction = \"up\"\nkeys = [\"k\"]\n\
                        [[binding]]\naction = \"quit\"\nkeys = [\"k\"]\n";
        assert_eq!(
            Keymap::from_toml(conflict).err(),
            Some(KeymapError::Conflict {
                key: "k".into(),
                first: Action::Up,
                second: Action::Quit
            })
        );
        let bad = "[[binding]]\naction = \"up\"\nkeys = [\"hyper-k\"]\n";
        assert!(matches!(
            Keymap::from_toml(bad),
            Err(KeymapError::UnknownKey { .. })
        ));
        let unknown_action = "[[binding]]\naction = \"fly\"\nkeys = [\"f\"]\n";
        assert!(matches!(
            Keymap::from_toml(unknown_action),
            Err(KeymapError::Parse(_))
        ));
    }
}
