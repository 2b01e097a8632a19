//! Entering and leaving the terminal's raw/alternate-screen mode, and a panic hook that always
//! restores it before anything is printed.

use std::io::{self, Stdout};
use std::path::PathBuf;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Switches the terminal into the UI's mode; `mouse` captures clicks and the wheel.
pub fn enter(mouse: bool) -> io::Result<Tui> {
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    let entered = execute!(stdout, EnterAlternateScreen).and_then(|()| {
        if mouse {
            execute!(stdout, EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    if let Err(e) = entered {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(stdout))
}

/// Puts the terminal back; safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        LeaveAlternateScreen,
        DisableMouseCapture,
        crossterm::cursor::Show
    );
}

/// Gives the screen to a foreground job (a shell in a container): the normal screen, the
/// cursor shown, no mouse capture. Raw mode stays on: the job's keys go to the pod untouched.
pub fn suspend() -> io::Result<()> {
    execute!(
        io::stdout(),
        LeaveAlternateScreen,
        DisableMouseCapture,
        crossterm::cursor::Show
    )
}

/// Takes the screen back after a foreground job. Modes a program in the pod may have left on
/// (mouse reporting, bracketed paste, application keypad, colours) are reset first, so nothing
/// of the session leaks into the UI.
///
/// Dropping the UI's input stream before the job woke crossterm's poller; when no thread was
/// polling then, that wake-up is still pending. Left there, the first poll after the job could
/// see it together with the next key and lose the key's (edge-triggered) readiness, so the key
/// would wait for another one. Polling once here, before the UI is back and a key is due, takes
/// it. (Not earlier: before the job, a thread of the dropped stream may still need it to stop.)
pub fn resume(mouse: bool) -> io::Result<()> {
    use std::io::Write;
    let _ = crossterm::event::poll(std::time::Duration::ZERO);
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    stdout.write_all(b"\x1b[0m\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b>")?;
    execute!(stdout, EnterAlternateScreen)?;
    if mouse {
        execute!(stdout, EnableMouseCapture)?;
    }
    Ok(())
}

/// Restores the terminal before the default hook prints the panic, writes the panic (with a
/// backtrace) to the log file, names the log file and ends the process with status 101.
///
/// Exiting matters: a panic on any thread — a background task included — has already put the
/// terminal back into cooked mode, so carrying on would draw a broken UI over the user's shell.
pub fn install_panic_hook(log_file: PathBuf) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        // Written directly: the non-blocking log writer would not flush before the exit below.
        if let Ok(mut f) = crate::logging::open_private(&log_file) {
            use std::io::Write;
            let backtrace = std::backtrace::Backtrace::force_capture();
            let _ = writeln!(f, "PANIC {info}\n{backtrace}");
        }
        default(info);
        eprintln!("kr8s-tui crashed; details are in {}", log_file.display());
        std::process::exit(101);
    }));
}
