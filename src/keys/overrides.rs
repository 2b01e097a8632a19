//! Key overrides from the config file (`[keys] action = ["key", ...]`) merged over a keymap.
//! An override replaces all keys of its action; one that cannot apply (unknown action or key,
//! a key still bound to another action) is ignored and reported, never fatal.

use std::collections::BTreeMap;

use super::{Action, Chord, Keymap, KeymapError, parse_key};

impl Keymap {
    /// This keymap with `overrides` applied, plus one error per ignored override. Overridden
    /// actions release their old keys first, so swapping two keys in one config works.
    pub fn with_overrides(
        &self,
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> (Keymap, Vec<KeymapError>) {
        let mut map = self.clone();
        let mut errors = Vec::new();
        let mut parsed: Vec<(Action, Vec<(String, Chord)>)> = Vec::new();
        for (name, keys) in overrides {
            let Some(action) = action_named(name) else {
                errors.push(KeymapError::UnknownAction(name.clone()));
                continue;
            };
            let chords: Result<Vec<_>, _> = keys
                .iter()
                .map(|k| {
                    parse_key(k)
                        .map(|c| (k.clone(), c))
                        .ok_or_else(|| KeymapError::UnknownKey {
                            action,
                            key: k.clone(),
                        })
                })
                .collect();
            match chords {
                Ok(chords) => parsed.push((action, chords)),
                Err(e) => errors.push(e),
            }
        }
        let overridden: Vec<Action> = parsed.iter().map(|(a, _)| *a).collect();
        map.chords.retain(|_, a| !overridden.contains(a));
        map.detail.retain(|_, a| !overridden.contains(a));
        let mut applied = Vec::new();
        for (action, chords) in parsed {
            // Detail-only actions have keys of their own, which may repeat a table key.
            let target = if action.detail_only() {
                &map.detail
            } else {
                &map.chords
            };
            let conflict = chords.iter().find_map(|(key, chord)| {
                target
                    .get(chord)
                    .filter(|other| **other != action)
                    .map(|other| (key.clone(), *other))
            });
            if let Some((key, first)) = conflict {
                errors.push(KeymapError::Conflict {
                    key,
                    first,
                    second: action,
                });
                continue;
            }
            let target = if action.detail_only() {
                &mut map.detail
            } else {
                &mut map.chords
            };
            for (_, chord) in &chords {
                target.insert(*chord, action);
            }
            let keys = chords.into_iter().map(|(k, _)| k).collect();
            if let Some(entry) = map.help.iter_mut().find(|h| h.action == action) {
                entry.keys = keys;
            }
            applied.push(action);
        }
        // Conflicting overrides keep their action's built-in keys where those are still free.
        for (chord, action) in &self.chords {
            if overridden.contains(action) && !applied.contains(action) {
                map.chords.entry(*chord).or_insert(*action);
            }
        }
        (map, errors)
    }
}

/// `"page_down"` → `Action::PageDown`, with the names of `assets/keymap.toml`.
fn action_named(name: &str) -> Option<Action> {
    Action::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name))
        .ok()
}

use serde::Deserialize;

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn overrides(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(a, keys)| (a.to_string(), keys.iter().map(|k| k.to_string()).collect()))
            .collect()
    }

    #[test]
    fn override_replaces_keys_and_help_shows_them() {
        let (map, errors) = Keymap::builtin().with_overrides(&overrides(&[("quit", &["x"])]));
        assert_eq!(errors, []);
        assert_eq!(map.action(&press('x')), Some(Action::Quit));
        assert_eq!(map.action(&press('q')), None);
        let help = map.help().iter().find(|h| h.action == Action::Quit);
        assert_eq!(help.map(|h| h.keys.clone()), Some(vec!["x".to_string()]));
    }

    #[test]
    fn swapping_two_keys_is_not_a_conflict() {
        let (map, errors) =
            Keymap::builtin().with_overrides(&overrides(&[("up", &["j"]), ("down", &["k"])]));
        assert_eq!(errors, []);
        assert_eq!(map.action(&press('j')), Some(Action::Up));
        assert_eq!(map.action(&press('k')), Some(Action::Down));
    }

    #[test]
    fn conflict_is_reported_and_the_override_ignored() {
        let (map, errors) = Keymap::builtin().with_overrides(&overrides(&[("quit", &["j"])]));
        assert_eq!(
            errors,
            [KeymapError::Conflict {
                key: "j".into(),
                first: Action::Down,
                second: Action::Quit
            }]
        );
        assert_eq!(map.action(&press('j')), Some(Action::Down));
        assert_eq!(
            map.action(&press('q')),
            Some(Action::Quit),
            "built-in keys kept"
        );
        let help = map.help().iter().find(|h| h.action == Action::Quit);
        assert_eq!(help.map(|h| h.keys[0].clone()), Some("q".to_string()));
    }

    #[test]
    fn unknown_actions_and_keys_are_reported() {
        let (map, errors) = Keymap::builtin()
            .with_overrides(&overrides(&[("fly", &["f"]), ("quit", &["hyper-q"])]));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0], KeymapError::UnknownAction("fly".into()));
        assert!(matches!(errors[1], KeymapError::UnknownKey { .. }));
        assert_eq!(map.action(&press('q')), Some(Action::Quit));
    }
}
