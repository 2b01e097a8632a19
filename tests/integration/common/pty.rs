//! Runs the real `kr8s-tui` binary in a pseudo-terminal and reads its screen through vt100:
//! keys in, screen text out.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct PtyApp {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the app wrote, for checks the screen cannot show (OSC 52, leaks).
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    pub log_file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl PtyApp {
    /// Starts the binary with `args` in a `cols`×`rows` terminal, logging to a temp file.
    pub fn spawn(args: &[&str], cols: u16, rows: u16) -> PtyApp {
        Self::spawn_with_env(args, &[], cols, rows)
    }

    /// [`PtyApp::spawn`] with extra environment variables.
    pub fn spawn_with_env(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> PtyApp {
        let dir = tempfile::tempdir().expect("temp dir for the pty test");
        let log_file = dir.path().join("kr8s-tui.log");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kr8s-tui"));
        cmd.args(args);
        cmd.arg("--log-file");
        cmd.arg(&log_file);
        cmd.env("TERM", "xterm-256color");
        // Tests must not read the developer's own clusters.
        cmd.env("KUBECONFIG", dir.path().join("no-such-kubeconfig"));
        cmd.env("HOME", dir.path());
        for (var, sub) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(var, dir.path().join(sub));
        }
        cmd.env_remove("KUBERNETES_SERVICE_HOST");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn kr8s-tui");
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = Arc::clone(&parser);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut p = sink.lock().unwrap_or_else(|e| e.into_inner());
                let bytes = &buf[..n];
                let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    p.process(bytes);
                }));
                if parsed.is_err() {
                    // vt100 0.16 can overflow when output drawn for the old size lands just
                    // after a resize: start a fresh screen of the current size; the app's next
                    // frame fills it.
                    let (rows, cols) = p.screen().size();
                    *p = vt100::Parser::new(rows, cols, 0);
                }
                drop(p);
                if let Ok(mut r) = raw_sink.lock() {
                    r.extend_from_slice(&buf[..n]);
                }
            }
        });
        PtyApp {
            parser,
            raw,
            writer,
            child,
            master: pty.master,
            log_file,
            _dir: dir,
        }
    }

    /// The temp directory standing in for HOME and the XDG dirs (data is `<home>/data`).
    pub fn home(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Everything the app has written to the terminal so far.
    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The screen as text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Resizes the terminal (the app gets SIGWINCH) and the screen model.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        if let Ok(mut p) = self.parser.lock() {
            p.screen_mut().set_size(rows, cols);
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit_code(&mut self, timeout: Duration) -> u32 {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread drain the last bytes (terminal restore sequences).
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "kr8s-tui did not exit within {timeout:?}; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false)
    }

    /// Waits until the screen satisfies `pred`; panics with the screen after `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `text` appears on screen.
    pub fn wait_text(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(&format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// Waits for an OSC 52 clipboard sequence and returns the copied text.
    pub fn wait_copied(&self, timeout: Duration) -> String {
        use base64::Engine;
        let start = Instant::now();
        loop {
            let out = String::from_utf8_lossy(&self.output()).into_owned();
            if let Some(rest) = out.split("\x1b]52;c;").nth(1) {
                if let Some(end) = rest.find('\x07') {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(&rest[..end])
                        .expect("OSC 52 payload is base64");
                    return String::from_utf8_lossy(&decoded).into_owned();
                }
            }
            if start.elapsed() > timeout {
                panic!("no OSC 52 sequence within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends raw bytes (keys) to the app.
    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .and_then(|_| self.writer.flush())
            .expect("write keys to the pty");
    }

    /// Waits for the process to exit and returns whether it succeeded.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        self.wait_exit_code(timeout) == 0
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
