//! Everyday comfort in the real binary: a broken config file, key overrides, NO_COLOR, the
//! window title and clipboard copies (OSC 52).

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write config");
    let path = path.display().to_string();
    (dir, path)
}

#[test]
fn broken_config_names_the_line_and_the_app_still_starts() {
    let (_dir, path) = config_file("theme = \"dark\"\npage_size = \"lots\"\n");
    let mut app = PtyApp::spawn(&["--demo", "--config", &path], 200, 30);
    let screen = app.wait_text("line 2", WAIT);
    assert!(screen.contains("config.toml"), "{screen}");
    app.wait_text("Running", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn key_override_copy_and_title() {
    let (_dir, path) = config_file("[keys]\nquit = [\"x\"]\ncopy_name = [\"ctrl-y\"]\n");
    let mut app = PtyApp::spawn(&["--demo", "--config", &path], 200, 30);
    app.wait_text("Running", WAIT);
    let out = String::from_utf8_lossy(&app.output()).into_owned();
    assert!(
        out.contains("\u{1b}]0;kr8s-tui: demo/"),
        "window title names the context"
    );
    // The status bar's hints follow the override.
    let screen = app.wait_text("x quit", WAIT);
    assert!(!screen.contains("q quit"), "{screen}");
    app.send("?");
    // The copy keys are at the end of the help, below a 30-row screen: scroll there.
    app.wait_text("Help", WAIT);
    app.send("G");
    app.wait_text("ctrl-y", WAIT);
    app.send("\u{1b}");
    std::thread::sleep(Duration::from_millis(300));
    app.send("\u{19}"); // ctrl-y
    let copied = app.wait_copied(WAIT);
    assert!(!copied.is_empty() && !copied.contains('/'), "{copied:?}");
    app.send("q");
    std::thread::sleep(Duration::from_millis(500));
    assert!(app.running(), "q no longer quits");
    app.send("x");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn no_color_draws_without_any_colour() {
    let mut app = PtyApp::spawn_with_env(&["--demo"], &[("NO_COLOR", "1")], 200, 30);
    app.wait_text("Running", WAIT);
    std::thread::sleep(Duration::from_millis(500));
    let out = String::from_utf8_lossy(&app.output()).into_owned();
    let colours = sgr_colours(&out);
    assert!(
        colours.is_empty(),
        "colour SGR parameters under NO_COLOR: {colours:?}"
    );
    assert!(
        out.contains("\u{1b}[7m"),
        "the selection is drawn in reverse video"
    );
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Colour parameters (30-38, 40-48, 90-97, 100-107; not the defaults 39/49) of every SGR
/// sequence (`ESC [ ... m`) in `out`.
fn sgr_colours(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in out.split("\u{1b}[").skip(1) {
        let Some(end) = part.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            continue;
        };
        if !part[end..].starts_with('m') {
            continue;
        }
        for param in part[..end].split(';') {
            let colour = matches!(
                param.parse::<u32>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            );
            if colour {
                found.push(part[..end].to_string());
                break;
            }
        }
    }
    found
}

/// `:pulse` on the demo: the pods of every namespace by phase, the demo's nodes from one list,
/// and a watch-events sparkline that has samples after a few seconds; Esc goes back.
#[test]
fn pulse_shows_the_demo_at_a_glance() {
    let mut app = PtyApp::spawn(&["--demo", "-A"], 160, 48);
    app.wait_text("Running", WAIT);
    app.send(":pulse\r");
    let screen = app.wait_text("Pods by phase", WAIT);
    assert!(screen.contains("kube-system ·"), "{screen}");
    let screen = app.wait_for("the nodes", WAIT, |s| {
        s.contains("Nodes [") && s.contains("Ready")
    });
    assert!(!screen.contains("listing nodes"), "{screen}");
    app.wait_for("a sample of watch events", WAIT, |s| {
        s.contains("Watch events/s [now")
    });
    app.send("\u{1b}");
    app.wait_for("the pods table again", WAIT, |s| {
        !s.contains("Pods by phase")
    });
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
