//! kr8s-tui: arguments, logging, terminal set-up and restore; the work happens in the library.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser};
use crossterm::event::EventStream;

use kr8s_tui::cli::{Cli, Command, GlobalArgs};
use kr8s_tui::keys::Keymap;
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::{ApiCache, CallRecord, ClientOptions};
use kr8s_tui::msg::{Foreground, Msg};
use kr8s_tui::record::{Recorder, Replay};
use kr8s_tui::state::{StartOptions, State};
use kr8s_tui::tasks::{TaskOptions, Tasks};
use kr8s_tui::{
    api_cmd, app, config, demo, editor, exec_cmd, logging, portforward_cmd, record_cmd, session,
    terminal,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        // Output piped into `head` that stopped reading: end quietly, as a process killed by
        // SIGPIPE would (128 + 13), not with an error line.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(141),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// True when the error is a write to a closed pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let log_file = cli
        .global
        .log_file
        .clone()
        .unwrap_or_else(logging::default_log_file);
    let _guard = logging::init(&log_file, &cli.global.log_level)?;
    match cli.command {
        Some(Command::Completions { shell }) => {
            // Generated into memory: clap_complete panics when it cannot write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kr8s-tui", &mut script);
            match std::io::stdout().lock().write_all(&script) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                // A reader that stopped early (`| head`) got what it wanted.
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        Some(Command::DemoServer { serve, demo }) => {
            demo::run_standalone(demo, serve).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Api(args)) => api_cmd::run(&cli.global, args).await,
        Some(Command::Exec(args)) => exec_cmd::run(&cli.global, args).await,
        Some(Command::PortForward(args)) => portforward_cmd::run(&cli.global, args).await,
        Some(Command::Record(args)) => record_cmd::run(&cli.global, args).await,
        None => run_tui(cli, log_file).await,
    }
}

async fn run_tui(cli: Cli, log_file: std::path::PathBuf) -> anyhow::Result<ExitCode> {
    let mut global = cli.global;
    let dump = cli.dump_on_exit;
    // A bad recording is an error before the screen changes, with its byte offset.
    let replay = match &cli.replay {
        Some(path) => Some(Arc::new(Replay::open(path)?)),
        None => None,
    };
    let _replay_config = match &replay {
        Some(replay) => Some(replay_setup(replay, &mut global)?),
        None => None,
    };
    let recorder = match &cli.record {
        Some(path) => Some(Arc::new(Recorder::create(path)?)),
        None => None,
    };
    // The demo cluster goes through exactly the same kubeconfig path as a real one.
    let _demo = if cli.demo {
        let handle = demo::start(cli.demo_options, demo::ServeOptions::default()).await?;
        global.kubeconfig = Some(handle.kubeconfig_path.clone());
        Some(handle)
    } else {
        None
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        demo = cli.demo,
        "kr8s-tui starting"
    );
    let settings = config::load(global.config.as_deref());
    if let Some(path) = &settings.path {
        tracing::info!(path = %path.display(), error = ?settings.error, "config file read");
    }
    let cfg = &settings.config;
    let (keymap, key_errors) = Keymap::builtin().with_overrides(&cfg.keys);
    let mut config_error = config::startup_problems(settings.error.clone(), &key_errors);
    if let Some(at) = replay.as_ref().and_then(|r| r.recording().tail_cut()) {
        config_error = Some(format!(
            "recording cut at byte {at} (the app stopped mid-write): replaying what is whole"
        ));
    }
    if let Some(problem) = &config_error {
        tracing::warn!(%problem, "config");
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let cache = load(&global, &tx, (recorder.clone(), replay.clone()));
    let task_opts = TaskOptions {
        page_size: cfg.page_size,
        version_interval: cfg.version_interval(),
        watch_objects: cfg.history_objects && cfg.history_versions > 0,
        replay: replay.clone(),
        ..TaskOptions::default()
    };
    let tasks = Tasks::new(cache, tx, task_opts)
        .with_clipboard(Box::new(copy_osc52))
        .with_title(Box::new(set_title));
    let mut state = State::new(StartOptions {
        all_namespaces: global.all_namespaces,
        readonly: global.readonly,
        log_file: Some(log_file.display().to_string()),
        log_lines: global.log_lines.unwrap_or(cfg.log_lines),
        theme: config::effective_theme(cfg.theme, std::env::var_os("NO_COLOR").as_deref()),
        config_error,
        panes: cfg.ui.panes,
        history_versions: Some(cfg.history_versions),
        history_max_bytes: Some(cfg.history_max_mib.saturating_mul(1 << 20)),
        replay: replay.as_ref().map(|r| r.recording().span()),
    });
    state.keymap = keymap;

    terminal::install_panic_hook(log_file);
    let mut term = terminal::enter(cfg.mouse)?;
    // Test-only: tests/integration/pty_safety.rs sets KR8S_TUI_TEST_PANIC=<ms> to prove that a panic in a
    // background task, with the UI on screen, restores the terminal, names the log file and
    // exits non-zero. Read once, here; it does nothing else.
    if let Some(ms) = std::env::var_os("KR8S_TUI_TEST_PANIC") {
        let ms = ms.to_str().and_then(|s| s.parse().ok()).unwrap_or(500);
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            panic!("KR8S_TUI_TEST_PANIC is set: test-only panic in a background task");
        });
    }
    let mut console = TerminalConsole {
        mouse: cfg.mouse,
        shells: cfg.shells.clone(),
    };
    let result = app::run(&mut term, state, &mut console, tasks, rx).await;
    terminal::restore();
    if let Some(recorder) = &recorder {
        recorder.finish()?;
    }
    let state = result?;
    if let Some(path) = dump {
        std::fs::write(&path, kr8s_tui::dump::all(&state))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The real terminal: crossterm's input, and shells run in the normal screen.
struct TerminalConsole {
    mouse: bool,
    shells: Vec<String>,
}

impl app::Console for TerminalConsole {
    type Events = EventStream;

    fn events(&mut self) -> EventStream {
        EventStream::new()
    }

    async fn foreground(
        &mut self,
        job: Foreground,
        client: Result<kr8s_tui::kube::Client, kr8s_tui::kube::Failure>,
    ) -> Result<String, String> {
        let (namespace, pod, container, attach) = match job {
            Foreground::Shell {
                namespace,
                pod,
                container,
                attach,
                ..
            } => (namespace, pod, container, attach),
            Foreground::Edit { name, text, .. } => {
                return editor::edit_on_terminal(text, name, self.mouse).await;
            }
        };
        let client = client.map_err(|e| e.to_string())?;
        terminal::suspend().map_err(|e| format!("terminal: {e}"))?;
        let outcome =
            session::shell_in_pod(&client, &namespace, &pod, container, attach, &self.shells).await;
        terminal::resume(self.mouse).map_err(|e| format!("terminal: {e}"))?;
        outcome
    }
}

/// Replay reads a kubeconfig written from the recording (its contexts and namespaces), is
/// read-only, and starts in all namespaces when that is what was recorded.
fn replay_setup(replay: &Replay, global: &mut GlobalArgs) -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("recording.kubeconfig");
    std::fs::write(&path, replay.kubeconfig_yaml()?)?;
    global.kubeconfig = Some(path);
    global.readonly = true;
    if global.namespace.is_none() && replay.all_namespaces()? {
        global.all_namespaces = true;
    }
    Ok(dir)
}

/// Reads the kubeconfig and queues the `Contexts` message; problems are shown in the UI.
fn load(
    global: &GlobalArgs,
    tx: &tokio::sync::mpsc::UnboundedSender<Msg>,
    (recorder, replay): (Option<Arc<Recorder>>, Option<Arc<Replay>>),
) -> Option<Arc<ApiCache>> {
    let listed = global.context_list();
    let opts = LoadOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: match listed.first() {
            Some(first) => Some(first.clone()),
            None => global.context.clone(),
        },
        namespace: global.namespace.clone(),
    };
    let log_tx = tx.clone();
    let client_opts = ClientOptions {
        request_timeout: global.request_timeout.0,
        readonly: global.readonly,
        on_call: Some(Arc::new(move |c: CallRecord| {
            let _ = log_tx.send(Msg::RequestLogged(c));
        })),
        recorder,
        replay,
        ..ClientOptions::default()
    };
    let source = match discover(&opts) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "no usable kubeconfig");
            let _ = tx.send(Msg::Contexts {
                contexts: Vec::new(),
                selected: None,
                fleet: Vec::new(),
                namespace: None,
                error: Some(e.to_string()),
            });
            return None;
        }
    };
    let cache = Arc::new(ApiCache::new(source, global.namespace.clone(), client_opts));
    let contexts = cache.contexts();
    if let Some(k) = cache.kubeconfig() {
        tracing::info!(files = ?k.files(), contexts = contexts.len(), "kubeconfig loaded");
    }
    let (fleet, missing) = fleet_members(global, &listed, &contexts);
    let wanted = match fleet.first() {
        Some(first) => Some(first.clone()),
        None => opts.context.clone().or_else(|| cache.default_context()),
    };
    let skipped = cache
        .kubeconfig()
        .and_then(|k| k.skipped().first().cloned());
    let (selected, error) = match wanted {
        Some(c) if contexts.iter().any(|i| i.name == c) => (Some(c), missing.or(skipped)),
        Some(c) => (None, Some(format!("context \"{c}\" does not exist"))),
        None => (None, missing.or(skipped)),
    };
    let namespace = if global.all_namespaces {
        None
    } else {
        let from_context = selected
            .as_ref()
            .and_then(|s| contexts.iter().find(|i| &i.name == s))
            .and_then(|i| i.namespace.clone());
        Some(
            global
                .namespace
                .clone()
                .or(from_context)
                .unwrap_or_else(|| "default".into()),
        )
    };
    let _ = tx.send(Msg::Contexts {
        contexts,
        selected,
        fleet,
        namespace,
        error,
    });
    Some(cache)
}

/// The contexts to show together (`--context a,b`, `--all-contexts`) that the kubeconfig
/// has, and a problem naming those it lacks.
fn fleet_members(
    global: &GlobalArgs,
    listed: &[String],
    contexts: &[kr8s_tui::kube::kubeconfig::ContextInfo],
) -> (Vec<String>, Option<String>) {
    if global.all_contexts {
        return (contexts.iter().map(|c| c.name.clone()).collect(), None);
    }
    let (known, unknown): (Vec<String>, Vec<String>) = listed
        .iter()
        .cloned()
        .partition(|name| contexts.iter().any(|c| &c.name == name));
    let missing = (!unknown.is_empty())
        .then(|| format!("no such context in the kubeconfig: {}", unknown.join(", ")));
    (known, missing)
}

/// Sets the terminal window title (the text is already free of control characters).
fn set_title(title: &str) {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::terminal::SetTitle(title));
}

/// Puts text on the clipboard of the terminal (works over SSH) with an OSC 52 sequence.
fn copy_osc52(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_all(kr8s_tui::clipboard::osc52(text).as_bytes())
        .and_then(|_| out.flush());
}
