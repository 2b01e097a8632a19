//! The user's config file, `$XDG_CONFIG_HOME/kr8s-tui/config.toml` (or `--config FILE`).
//! Documented defaults ship as `assets/config.toml`. A file that cannot be read or parsed never
//! stops the app: the defaults are used and the problem, naming file and line, is returned for
//! the status bar.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The documented defaults, shipped in the binary (and parsed by a test to keep them honest).
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// Which colours the UI draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// Bright colours on a dark terminal background.
    #[default]
    Dark,
    /// Darker colours for a light terminal background.
    Light,
    /// No colours at all (`NO_COLOR`): selection by reverse video, states by markers.
    Mono,
}

/// Where the contexts and namespaces panes go (`[ui] panes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaneMode {
    /// Above the table on tall terminals; folded into the breadcrumb on short ones.
    #[default]
    Auto,
    /// Always above the table.
    Shown,
    /// Always folded: Tab, `:ctx` and `:ns` open them as full views.
    Hidden,
}

/// The `[ui]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    pub panes: PaneMode,
}

/// Every setting of the config file, with the defaults of `assets/config.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub theme: ThemeName,
    /// Seconds between `/version` polls of the current context.
    pub version_poll_seconds: u64,
    /// Items per list page.
    pub page_size: u32,
    /// Lines a logs view keeps.
    pub log_lines: usize,
    /// Mouse capture: click to focus/select, wheel to scroll.
    pub mouse: bool,
    /// Layout settings.
    pub ui: UiConfig,
    /// Key overrides: action name → keys (replacing that action's keys).
    pub keys: BTreeMap<String, Vec<String>>,
    /// Shells `s` tries in a container, in order (the first one the image has wins).
    pub shells: Vec<String>,
    /// Versions of each watched object the history keeps (`h`); 0 turns the history off.
    pub history_versions: usize,
    /// MiB all kept versions (and deleted objects) may take; the oldest go first.
    pub history_max_mib: usize,
    /// Watches ask for whole objects, so versions carry spec and status (not only columns).
    pub history_objects: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: ThemeName::Dark,
            version_poll_seconds: 10,
            page_size: 500,
            log_lines: 50_000,
            mouse: true,
            ui: UiConfig::default(),
            keys: BTreeMap::new(),
            shells: vec!["/bin/bash".into(), "/bin/sh".into()],
            history_versions: 20,
            history_max_mib: 64,
            history_objects: true,
        }
    }
}

impl Config {
    /// The `/version` poll interval (at least one second, so `0` cannot spin).
    pub fn version_interval(&self) -> Duration {
        Duration::from_secs(self.version_poll_seconds.max(1))
    }

    /// Parses config text; `origin` names the file in the error, which carries the line.
    pub fn parse(text: &str, origin: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            // toml points an unknown key at its whole table; point at the key's own line.
            let line = unknown_key_line(text, &message).or_else(|| {
                e.span()
                    .map(|span| text[..span.start.min(text.len())].lines().count().max(1))
            });
            match line {
                Some(line) => format!("{origin} line {line}: {message}"),
                None => format!("{origin}: {message}"),
            }
        })?;
        if config.page_size == 0 {
            return Err(format!("{origin}: page_size must be at least 1"));
        }
        Ok(config)
    }
}

/// The line (1-based) of the key named in toml's "unknown field `name`" message.
fn unknown_key_line(text: &str, message: &str) -> Option<usize> {
    let rest = message.strip_prefix("unknown field `")?;
    let name = &rest[..rest.find('`')?];
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(name)
                .is_some_and(|after| after.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// The config in effect and what went wrong reading it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loaded {
    pub config: Config,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Why the file was not used ("<file> line 3: invalid type ..."), for the status bar.
    pub error: Option<String>,
}

/// Where the config file lives by default: `<config dir>/kr8s-tui/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kr8s-tui").join("config.toml"))
}

/// Reads `explicit` (`--config`, which must exist) or the default file (absence is fine).
pub fn load(explicit: Option<&Path>) -> Loaded {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match default_path() {
            Some(p) if p.exists() => p,
            _ => return Loaded::default(),
        },
    };
    let origin = path.display().to_string();
    let result = std::fs::read_to_string(&path)
        .map_err(|e| format!("{origin}: {e}"))
        .and_then(|text| Config::parse(&text, &origin));
    match result {
        Ok(config) => Loaded {
            config,
            path: Some(path),
            error: None,
        },
        Err(e) => Loaded {
            config: Config::default(),
            path: Some(path),
            error: Some(format!("config ignored, defaults used: {e}")),
        },
    }
}

/// One status-bar line for a config file that was ignored and key overrides that were not
/// applied (conflicts, unknown names); `None` when everything applied.
pub fn startup_problems(
    file_error: Option<String>,
    key_errors: &[crate::keys::KeymapError],
) -> Option<String> {
    let mut problems: Vec<String> = file_error.into_iter().collect();
    problems.extend(
        key_errors
            .iter()
            .map(|e| format!("[keys] override ignored: {e}")),
    );
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// `NO_COLOR` (set and not empty, see no-color.org) forces the monochrome theme.
pub fn effective_theme(configured: ThemeName, no_color: Option<&std::ffi::OsStr>) -> ThemeName {
    match no_color {
        Some(v) if !v.is_empty() => ThemeName::Mono,
        _ => configured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_parse_to_the_builtin_defaults() {
        assert_eq!(
            Config::parse(DEFAULT_CONFIG, "assets/config.toml"),
            Ok(Config::default())
        );
    }

    #[test]
    fn valid_file_sets_every_key() {
        let text = "theme = \"light\"\nversion_poll_seconds = 30\npage_size = 100\n\
                    log_lines = 2000\nmouse = false\n[ui]\npanes = \"hidden\"\n\
                    [keys]\nquit = [\"x\"]\n";
        let config = Config::parse(text, "c.toml").expect("valid config");
        assert_eq!(config.theme, ThemeName::Light);
        assert_eq!(config.version_interval(), Duration::from_secs(30));
        assert_eq!((config.page_size, config.log_lines), (100, 2000));
        assert!(!config.mouse);
        assert_eq!(config.ui.panes, PaneMode::Hidden);
        assert_eq!(config.keys["quit"], ["x"]);
    }

    #[test]
    fn partial_file_keeps_defaults_for_the_rest() {
        let config = Config::parse("page_size = 50\n", "c.toml").expect("valid config");
        assert_eq!(
            config,
            Config {
                page_size: 50,
                ..Config::default()
            }
        );
        assert_eq!(Config::parse("", "c.toml"), Ok(Config::default()));
    }

    #[test]
    fn broken_file_names_file_and_line() {
        let cases = [
            ("theme = \"dark\"\npage_size = \"many\"\n", "c.toml line 2:"),
            ("mouse = true\n\ntheme = \"pink\"\n", "c.toml line 3:"),
            ("theme = \"dark\"\nmuose = true\n", "c.toml line 2:"),
            ("[keys\n", "c.toml line 1:"),
            ("[ui]\npanes = \"sometimes\"\n", "c.toml line 2:"),
            ("page_size = 0\n", "c.toml: page_size"),
        ];
        for (text, want) in cases {
            let err = Config::parse(text, "c.toml").expect_err(text);
            assert!(err.starts_with(want), "{text:?} → {err}");
        }
    }

    #[test]
    fn load_falls_back_to_defaults_and_reports() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "theme = \"light\"\n").expect("write config");
        let loaded = load(Some(&path));
        assert_eq!(loaded.config.theme, ThemeName::Light);
        assert_eq!(loaded.error, None);

        std::fs::write(&path, "theme = \"light\"\nlog_lines = -1\n").expect("write config");
        let loaded = load(Some(&path));
        assert_eq!(loaded.config, Config::default());
        let error = loaded.error.expect("an error for the status bar");
        assert!(
            error.contains(&format!("{} line 2", path.display())),
            "{error}"
        );

        let missing = load(Some(&dir.path().join("nope.toml")));
        assert_eq!(missing.config, Config::default());
        assert!(missing.error.is_some_and(|e| e.contains("nope.toml")));
    }

    #[test]
    fn key_conflicts_are_reported_at_startup() {
        let config = Config::parse("[keys]\nquit = [\"j\"]\n", "c.toml").expect("valid");
        let (_, errors) = crate::keys::Keymap::builtin().with_overrides(&config.keys);
        assert_eq!(
            startup_problems(None, &errors).as_deref(),
            Some("[keys] override ignored: key \"j\" is bound to both Down and Quit")
        );
        assert_eq!(startup_problems(None, &[]), None);
    }

    #[test]
    fn no_color_wins_when_set_and_not_empty() {
        use std::ffi::OsStr;
        assert_eq!(effective_theme(ThemeName::Light, None), ThemeName::Light);
        assert_eq!(
            effective_theme(ThemeName::Light, Some(OsStr::new(""))),
            ThemeName::Light
        );
        assert_eq!(
            effective_theme(ThemeName::Dark, Some(OsStr::new("1"))),
            ThemeName::Mono
        );
    }
}
