//! Running the user's editor on a text, as `kubectl edit` does: `$KUBE_EDITOR`, else `$EDITOR`,
//! else `vi`, on a private temporary file that is always removed afterwards.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// Why the editor could not give a text back.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("temporary file: {0}")]
    File(#[source] std::io::Error),
    #[error("cannot start the editor {command:?}: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the editor {command:?} exited with {status}")]
    Failed { command: String, status: String },
}

/// The editor command line from the value of `$KUBE_EDITOR` or `$EDITOR` (`None`: unset or
/// empty, which means `vi`), split as kubectl splits it: on spaces when the value has no
/// quotes or backslashes (`code -w`), else handed whole to the shell (`sh -c`). The second
/// value says whether the file name must be appended inside the shell command.
pub fn editor_command(value: Option<&str>, shell: Option<&str>) -> (Vec<String>, bool) {
    let editor = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("vi");
    if !editor.contains(' ') {
        return (vec![editor.to_string()], false);
    }
    if !editor.contains(['"', '\'', '\\']) {
        return (
            editor.split_whitespace().map(str::to_string).collect(),
            false,
        );
    }
    let shell = shell.filter(|s| !s.is_empty()).unwrap_or("/bin/sh");
    (
        vec![shell.to_string(), "-c".into(), editor.to_string()],
        true,
    )
}

/// The editor of this environment (`KUBE_EDITOR`, `EDITOR`, `vi`).
pub fn from_env() -> (Vec<String>, bool) {
    let value = ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty());
    let shell = std::env::var("SHELL").ok();
    editor_command(value.as_deref(), shell.as_deref())
}

/// Writes `text` to a file readable only by the user (mode 0600, in a directory only the user
/// can enter), runs `editor` on it with the terminal as it is, and returns the saved text. The
/// file and its directory are removed on every path out, errors included. `name` ends the
/// file name (`deployments-hello-web`), so the editor shows what is edited.
pub fn edit_text(
    text: &str,
    name: &str,
    editor: &(Vec<String>, bool),
) -> Result<String, EditorError> {
    let dir = tempfile::Builder::new()
        .prefix("kr8s-tui-edit-")
        .tempdir()
        .map_err(EditorError::File)?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = dir.path().join(format!("{safe}.yaml"));
    write_private(&path, text).map_err(EditorError::File)?;
    run(editor, &path)?;
    std::fs::read_to_string(&path).map_err(EditorError::File)
}

/// [`edit_text`] with the TUI suspended: the normal screen, cooked mode (the editor sets up
/// the terminal as it likes), then the UI's screen back.
pub async fn edit_on_terminal(text: String, name: String, mouse: bool) -> Result<String, String> {
    crate::terminal::suspend().map_err(|e| format!("terminal: {e}"))?;
    let _ = crossterm::terminal::disable_raw_mode();
    let editor = from_env();
    let edited = tokio::task::spawn_blocking(move || edit_text(&text, &name, &editor)).await;
    crate::terminal::resume(mouse).map_err(|e| format!("terminal: {e}"))?;
    match edited {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(e) => Err(format!("editor: {e}")),
    }
}

/// Creates `path` with mode 0600 and writes `text` to it.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// Keeps `text` in a new 0600 file in the temporary directory (as kubectl keeps a failed edit
/// in `/tmp/kubectl-edit-*.yaml`) and returns its path.
pub fn keep_text(text: &str) -> std::io::Result<std::path::PathBuf> {
    let file = tempfile::Builder::new()
        .prefix("kr8s-tui-edit-")
        .suffix(".yaml")
        .tempfile()?;
    let (mut handle, path) = file.keep().map_err(|e| e.error)?;
    handle.write_all(text.as_bytes())?;
    handle.flush()?;
    Ok(path)
}

fn run((args, shell): &(Vec<String>, bool), path: &Path) -> Result<(), EditorError> {
    let mut args = args.clone();
    let file = path.display().to_string();
    if *shell {
        // `sh -c 'EDITOR "file"'`: the file name quoted for the shell.
        if let Some(last) = args.last_mut() {
            last.push_str(&format!(" '{}'", file.replace('\'', r"'\''")));
        }
    } else {
        args.push(file);
    }
    let command = args.join(" ");
    let Some((program, rest)) = args.split_first() else {
        return Err(EditorError::Failed {
            command,
            status: "no command".into(),
        });
    };
    let mut cmd = Command::new(program);
    cmd.args(rest);
    // In cooked mode ctrl-c reaches the whole foreground group: it may stop the editor, never
    // the app behind it (as git does while its editor runs). The editor gets the defaults back.
    let _ignored = IgnoreInterrupts::new();
    // SAFETY: between fork and exec only async-signal-safe calls (signal(2)) are made.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
            Ok(())
        });
    }
    let status = cmd.status().map_err(|source| EditorError::Spawn {
        command: command.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(EditorError::Failed {
            command,
            status: status.to_string(),
        })
    }
}

/// SIGINT and SIGQUIT ignored by this process until dropped.
struct IgnoreInterrupts {
    int: libc::sighandler_t,
    quit: libc::sighandler_t,
}

impl IgnoreInterrupts {
    fn new() -> IgnoreInterrupts {
        // SAFETY: signal(2) with SIG_IGN installs no handler code.
        unsafe {
            IgnoreInterrupts {
                int: libc::signal(libc::SIGINT, libc::SIG_IGN),
                quit: libc::signal(libc::SIGQUIT, libc::SIG_IGN),
            }
        }
    }
}

impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        // SAFETY: puts back the dispositions signal(2) returned.
        unsafe {
            libc::signal(libc::SIGINT, self.int);
            libc::signal(libc::SIGQUIT, self.quit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_editor_command_splits_as_kubectl_splits_it() {
        assert_eq!(editor_command(None, None), (words(&["vi"]), false));
        assert_eq!(editor_command(Some("  "), None), (words(&["vi"]), false));
        assert_eq!(
            editor_command(Some("nano"), None),
            (words(&["nano"]), false)
        );
        assert_eq!(
            editor_command(Some("code -w"), None),
            (words(&["code", "-w"]), false)
        );
        assert_eq!(
            editor_command(Some("emacs  -nw"), None),
            (words(&["emacs", "-nw"]), false),
            "runs of spaces are one separator"
        );
        assert_eq!(
            editor_command(Some(r#""/opt/my editor/bin/ed" -x"#), Some("/bin/bash")),
            (
                words(&["/bin/bash", "-c", r#""/opt/my editor/bin/ed" -x"#]),
                true
            ),
            "quotes go to the shell"
        );
    }

    #[test]
    fn the_file_is_private_and_gone_afterwards() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("seen");
        // The "editor" records the file's mode and path, then appends a line.
        let script = format!(
            "stat -c %a \"$1\" > {log}; echo \"$1\" >> {log}; echo 'b: 2' >> \"$1\"",
            log = log.display()
        );
        let editor = (words(&["sh", "-c", &script, "editor"]), false);
        let text = edit_text("a: 1\n", "deployments-web", &editor).expect("edited");
        assert_eq!(text, "a: 1\nb: 2\n");
        let seen = std::fs::read_to_string(&log).expect("log");
        let mut lines = seen.lines();
        assert_eq!(lines.next(), Some("600"));
        let file = lines.next().expect("path");
        assert!(file.ends_with("deployments-web.yaml"), "{file}");
        assert!(!Path::new(file).exists(), "removed afterwards");
        let failing = (words(&["false"]), false);
        assert!(matches!(
            edit_text("a: 1\n", "x", &failing),
            Err(EditorError::Failed { .. })
        ));
        let kept = keep_text("a: 1\n").expect("kept");
        let mode = std::fs::metadata(&kept).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_file(kept).expect("clean up");
    }
}
