//! Logs go to a file (never the terminal the UI draws on), created 0600 because request paths
//! and errors may name private resources.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The default log file: `$XDG_STATE_HOME/kr8s-tui/kr8s-tui.log` (or the cache dir).
pub fn default_log_file() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("kr8s-tui")
        .join("kr8s-tui.log")
}

/// Opens (creating with mode 0600) the log file and installs the tracing subscriber.
/// Keep the guard alive: dropping it flushes the log.
pub fn init(path: &Path, level: &str) -> std::io::Result<WorkerGuard> {
    let file = open_private(path)?;
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = tracing_appender::non_blocking(Escaping(file));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .finish();
    // A second init (tests) keeps the first subscriber; that is harmless.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(guard)
}

/// Escapes terminal control characters on their way into the log: server-supplied text (error
/// bodies, names) is logged, and `cat`/`less -R` on the log must not run escape sequences.
/// C0 controls other than newline and tab, DEL and UTF-8 encoded C1 controls become `\xNN`.
struct Escaping<W>(W);

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            let c1 = b == 0xc2 && buf.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
            if c1 {
                out.extend_from_slice(format!("\\x{:02x}", buf[i + 1]).as_bytes());
                i += 2;
                continue;
            }
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            } else {
                out.push(b);
            }
            i += 1;
        }
        self.0.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Opens a file for appending, creating it (and its directory) readable only by the user.
pub fn open_private(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let mut out = Escaping(Vec::new());
        out.write_all("a\u{1b}]0;x\u{7}b\tc\u{9b}d é\n".as_bytes())
            .expect("write");
        assert_eq!(
            String::from_utf8(out.0).expect("utf-8"),
            "a\\x1b]0;x\\x07b\tc\\x9bd é\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("x.log");
        open_private(&path).expect("created");
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
