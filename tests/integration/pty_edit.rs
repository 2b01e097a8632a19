//! `e` in the real binary against a demo server in the test, with `EDITOR` set to a small
//! script the test writes; kubectl, against the same server, checks what was stored.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::live::LiveDemo;
use common::pty::PtyApp;

const WAIT: Duration = Duration::from_secs(30);

/// A quiet demo server, its kubeconfig, and a directory for the editor script; `None` (with the
/// reason printed) when kubectl is not installed.
struct Fixture {
    demo: LiveDemo,
    kubeconfig: String,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn start() -> Option<Fixture> {
        if !common::live::kubectl_available() {
            return None;
        }
        let demo = LiveDemo::start();
        let kubeconfig = demo.kubeconfig_arg();
        let dir = tempfile::tempdir().expect("temp dir");
        Some(Fixture {
            demo,
            kubeconfig,
            dir,
        })
    }

    fn kubectl(&self, args: &[&str]) -> String {
        self.demo.kubectl(args)
    }

    /// Runs `e` with an editor script that makes a bad edit the first time and, once the editor
    /// comes back with the server's errors on top, saves that text to `$OUT/second.yaml`
    /// unchanged (which cancels); returns that second text.
    fn reopened_text(&self, editor_body: &str) -> String {
        let editor = self.editor(editor_body);
        let mut app = self.app_on_hello_web(&editor, &[]);
        app.send("e");
        app.wait_text("edit cancelled, no changes", WAIT);
        app.send("q");
        assert!(app.wait_exit(WAIT));
        std::fs::read_to_string(self.dir.path().join("second.yaml"))
            .expect("the editor ran a second time")
    }

    /// hello-web's `jsonpath` value.
    fn hello_web(&self, jsonpath: &str) -> String {
        let jsonpath = format!("jsonpath={jsonpath}");
        self.kubectl(&[
            "get",
            "deploy",
            "hello-web",
            "-n",
            "default",
            "-o",
            &jsonpath,
        ])
    }

    /// Writes the editor script (`body` runs with the file as `$1`; `$OUT` is the test's
    /// directory, every run is counted in `$OUT/runs`).
    fn editor(&self, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join("editor.sh");
        let script = format!("#!/bin/sh\nf=\"$1\"\necho run >> \"$OUT/runs\"\n{body}\n");
        std::fs::write(&path, script).expect("write the editor script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make it executable");
        path
    }

    fn runs(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("runs"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }

    /// The app on the demo with `editor`, on the deployments table, the cursor on hello-web.
    fn app_on_hello_web(&self, editor: &Path, extra: &[&str]) -> PtyApp {
        let out = self.dir.path().display().to_string();
        let editor = editor.display().to_string();
        let env = [
            ("EDITOR", editor.as_str()),
            ("OUT", out.as_str()),
            ("DEMO_KUBECONFIG", self.kubeconfig.as_str()),
        ];
        let mut args = vec!["--kubeconfig", &self.kubeconfig, "-n", "default"];
        args.extend_from_slice(extra);
        let mut app = PtyApp::spawn_with_env(&args, &env, 140, 40);
        app.wait_text("Pods(default)", WAIT);
        app.send(":deploy\r");
        app.wait_text("UP-TO-DATE", WAIT);
        app.send("/hello-web\r");
        app.wait_for("hello-web selected", WAIT, |s| {
            s.lines().any(|l| l.contains("▶ hello-web"))
        });
        app
    }
}

/// Adds `team: blue` to metadata.labels unless it is there.
const ADD_LABEL: &str = "grep -q '^    team: blue$' \"$f\" || sed -i 's/^  labels:$/  labels:\\n    team: blue/' \"$f\"";

#[test]
fn an_edit_shows_the_dry_run_diff_then_applies() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let editor = fx.editor(ADD_LABEL);
    let mut app = fx.app_on_hello_web(&editor, &[]);
    app.send("e");
    let screen = app.wait_text("diff (dry run)", WAIT);
    assert!(
        screen.contains("+    team: blue"),
        "the label is in the diff:\n{screen}"
    );
    assert_eq!(
        fx.hello_web("{.metadata.labels.team}"),
        "",
        "not applied yet"
    );
    app.send("y");
    app.wait_text("deployment.apps/hello-web edited", WAIT);
    assert_eq!(fx.hello_web("{.metadata.labels.team}"), "blue");
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Someone changes the object while the diff is on screen: the apply gets a 409, nothing is
/// overwritten, and `e` carries the label onto the latest version.
#[test]
fn a_conflict_overwrites_nothing_and_keeps_the_edit() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let editor = fx.editor(ADD_LABEL);
    let mut app = fx.app_on_hello_web(&editor, &[]);
    app.send("e");
    app.wait_text("+    team: blue", WAIT);
    fx.kubectl(&[
        "annotate",
        "deploy",
        "hello-web",
        "-n",
        "default",
        "owner=ops",
        "--overwrite",
    ]);
    app.send("y");
    let screen = app.wait_text("the object has been modified", WAIT);
    assert!(screen.contains("conflict (409)"), "{screen}");
    let screen = app.wait_text("+    owner: ops", WAIT);
    assert!(
        screen.contains("on the server now"),
        "what changed on the server:\n{screen}"
    );
    assert_eq!(fx.hello_web("{.metadata.annotations.owner}"), "ops");
    assert_eq!(
        fx.hello_web("{.metadata.labels.team}"),
        "",
        "nothing applied"
    );
    // Re-edit: the latest version with the label carried over; saved as is, it applies.
    app.send("e");
    let screen = app.wait_text("diff (dry run)", WAIT);
    assert!(screen.contains("+    team: blue"), "{screen}");
    app.send("y");
    app.wait_text("deployment.apps/hello-web edited", WAIT);
    assert_eq!(fx.hello_web("{.metadata.labels.team}"), "blue");
    assert_eq!(fx.hello_web("{.metadata.annotations.owner}"), "ops");
    assert_eq!(fx.runs(), 2);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// Negative replicas: the editor comes back with the server's field error on top.
#[test]
fn an_invalid_edit_reopens_the_editor_with_the_errors() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let before = fx.hello_web("{.spec.replicas}");
    let second = fx.reopened_text(
        "if grep -q '^# \\* ' \"$f\"; then cp \"$f\" \"$OUT/second.yaml\"; \
         else sed -i '/^spec:$/,/^status:$/s/^  replicas: .*/  replicas: -1/' \"$f\"; fi",
    );
    assert!(
        second.contains("# deployments.apps \"hello-web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"),
        "{second}"
    );
    assert!(second.contains("\n  replicas: -1\n"), "your text is kept");
    assert_eq!(fx.hello_web("{.spec.replicas}"), before);
}

/// An unknown field is refused by the dry run (`fieldValidation=Strict`), not dropped: the
/// editor comes back with the server's words.
#[test]
fn an_unknown_field_is_an_error_not_dropped() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let version = fx.hello_web("{.metadata.resourceVersion}");
    let second = fx.reopened_text(
        "if grep -q '^# strict decoding error' \"$f\"; then cp \"$f\" \"$OUT/second.yaml\"; \
         else sed -i 's/^spec:$/spec:\\n  replicaz: 3/' \"$f\"; fi",
    );
    assert!(
        second.contains("# strict decoding error: unknown field \"spec.replicaz\""),
        "{second}"
    );
    assert!(second.contains("\n  replicaz: 3\n"), "your text is kept");
    assert_eq!(fx.hello_web("{.metadata.resourceVersion}"), version);
}

#[test]
fn an_unchanged_file_cancels() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let editor = fx.editor("true");
    let version = fx.hello_web("{.metadata.resourceVersion}");
    let mut app = fx.app_on_hello_web(&editor, &[]);
    app.send("e");
    app.wait_text("edit cancelled, no changes", WAIT);
    assert_eq!(fx.runs(), 1);
    assert_eq!(fx.hello_web("{.metadata.resourceVersion}"), version);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

/// ctrl-c while the editor runs stops the editor, not the app; nothing is sent.
#[test]
fn ctrl_c_in_the_editor_stops_only_the_editor() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let editor = fx.editor("sleep 30");
    let version = fx.hello_web("{.metadata.resourceVersion}");
    let mut app = fx.app_on_hello_web(&editor, &[]);
    app.send("e");
    app.wait_for("the editor has the screen", WAIT, |_| fx.runs() == 1);
    std::thread::sleep(Duration::from_millis(300));
    app.send("\u{3}");
    let screen = app.wait_text("edit deployments/hello-web: the editor", WAIT);
    assert!(screen.contains("signal"), "{screen}");
    assert!(app.running());
    assert_eq!(fx.hello_web("{.metadata.resourceVersion}"), version);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}

#[test]
fn readonly_refuses_before_the_editor() {
    let Some(fx) = Fixture::start() else {
        return;
    };
    let editor = fx.editor(ADD_LABEL);
    let version = fx.hello_web("{.metadata.resourceVersion}");
    let mut app = fx.app_on_hello_web(&editor, &["--readonly"]);
    app.send("e");
    app.wait_text("read-only mode (--readonly): edit refused", WAIT);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(fx.runs(), 0, "the editor never ran");
    assert_eq!(fx.hello_web("{.metadata.resourceVersion}"), version);
    app.send("q");
    assert!(app.wait_exit(WAIT));
}
