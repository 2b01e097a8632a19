//! The event loop: one `select!` over terminal input, task messages and a tick. Generic over
//! ratatui's `Backend` so tests drive it on a `TestBackend`.

use std::time::Duration;

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::kube::{Client, Failure};
use crate::msg::edit::EditEvent;
use crate::msg::{Effect, Foreground, Msg};
use crate::state::{self, State};
use crate::tasks::Tasks;
use crate::ui;

/// How often `Msg::Tick` fires (spinners, ages).
const TICK: Duration = Duration::from_secs(1);
/// Most task messages folded into one frame, so a burst of pages cannot starve input.
const MAX_BATCH: usize = 256;
/// Least time between two frames caused by task messages (about 60 a second): while 200 list
/// pages arrive in half a second, drawing each one would cost more than decoding it. Input is
/// drawn at once.
const FRAME: Duration = Duration::from_millis(16);

/// Logs (at debug, every 10 s) how many tasks the runtime holds, so a soak can see a task leak.
fn log_runtime() {
    static TICKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if TICKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 10 == 0 {
        let alive = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        tracing::debug!(alive_tasks = alive, "runtime");
    }
}

/// Just after the wall clock's next whole second, so ticks (and the ages they redraw) change
/// with the second, as a clock does, rather than up to a second late.
fn next_second() -> tokio::time::Instant {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let into_second = Duration::from_nanos(u64::from(since_epoch.subsec_nanos()));
    tokio::time::Instant::now() + (TICK - into_second) + Duration::from_millis(2)
}

/// The terminal's side of the loop: its input, and jobs that take the terminal over (a shell,
/// an attach). The binary's console is the real terminal; tests use one without jobs.
pub trait Console {
    type Events: Stream<Item = std::io::Result<Event>> + Unpin;
    /// A fresh input stream (the old one is dropped while a job has the terminal, so it does
    /// not read the job's keys).
    fn events(&mut self) -> Self::Events;
    /// Runs `job` with the terminal and says how it ended (an error text when it failed); an
    /// edit answers the text the editor saved.
    fn foreground(
        &mut self,
        job: Foreground,
        client: Result<Client, Failure>,
    ) -> impl std::future::Future<Output = Result<String, String>>;
}

/// Why the inner loop stopped.
enum Stop {
    Quit,
    Job(Foreground),
}

/// What woke the loop.
enum Wake {
    Input(Msg),
    Task(Msg),
    /// A frame held back by [`FRAME`] is due.
    Frame,
}

/// Runs until the state asks to quit or input ends, and hands the final state back. Draws only when the state is dirty, at once
/// after input and at most every [`FRAME`] otherwise. A foreground job stops reading input,
/// runs, then the screen is redrawn whole.
pub async fn run<B, C>(
    terminal: &mut Terminal<B>,
    mut state: State,
    console: &mut C,
    mut tasks: Tasks,
    mut rx: UnboundedReceiver<Msg>,
) -> anyhow::Result<State>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    C: Console,
{
    let mut tick = tokio::time::interval_at(next_second(), TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // The layout depends on the height (panes fold on short screens); later sizes come as
    // resize events.
    let area = screen_area(terminal);
    let size = Msg::Resize {
        width: area.width,
        height: area.height,
    };
    if apply(&mut state, &mut tasks, size, &mut Vec::new()) {
        return Ok(state);
    }
    // A job asked for by the previous job's answer (the editor reopened on an error).
    let mut pending: Option<Foreground> = None;
    loop {
        let job = match pending.take() {
            Some(job) => job,
            None => {
                let mut events = console.events();
                let stop = serve(
                    terminal,
                    &mut state,
                    &mut events,
                    &mut tasks,
                    &mut rx,
                    &mut tick,
                )
                .await?;
                drop(events);
                let Stop::Job(job) = stop else {
                    return Ok(state);
                };
                job
            }
        };
        let (context, edit) = match &job {
            Foreground::Shell { context, .. } => (context.clone(), None),
            Foreground::Edit { id, context, .. } => (context.clone(), Some(*id)),
        };
        let outcome = console.foreground(job, tasks.client(&context)).await;
        // The screen is blank now; a blank frame makes ratatui's idea of it blank too, so the
        // next frame draws every cell. (`Terminal::clear` would ask the terminal where its
        // cursor is, and the answer could end up in the shell's input.)
        terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
        state.dirty = true;
        let ended = match edit {
            Some(id) => Msg::Edit {
                id,
                event: EditEvent::Edited(outcome),
            },
            None => Msg::ForegroundEnded(outcome),
        };
        let mut jobs = Vec::new();
        if apply(&mut state, &mut tasks, ended, &mut jobs) {
            return Ok(state);
        }
        pending = jobs.pop();
    }
}

/// The loop proper, until quit or a foreground job.
async fn serve<B, E>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    events: &mut E,
    tasks: &mut Tasks,
    rx: &mut UnboundedReceiver<Msg>,
    tick: &mut tokio::time::Interval,
) -> anyhow::Result<Stop>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    draw(terminal, state)?;
    let mut last_draw = tokio::time::Instant::now();
    let mut jobs = Vec::new();
    loop {
        let held_back = state.dirty;
        let wake = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match input_msg(ev, screen_area(terminal), state) { Some(m) => Wake::Input(m), None => continue },
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Stop::Quit),
            },
            Some(msg) = rx.recv() => Wake::Task(msg),
            _ = tick.tick() => {
                log_runtime();
                Wake::Task(Msg::Tick(jiff::Timestamp::now()))
            }
            () = tokio::time::sleep_until(last_draw + FRAME), if held_back => Wake::Frame,
        };
        let input = matches!(wake, Wake::Input(_));
        if let Wake::Input(msg) | Wake::Task(msg) = wake {
            if apply(state, tasks, msg, &mut jobs) {
                return Ok(Stop::Quit);
            }
        }
        // Fold whatever else is already queued into this frame.
        for _ in 0..MAX_BATCH {
            let Ok(msg) = rx.try_recv() else { break };
            if apply(state, tasks, msg, &mut jobs) {
                return Ok(Stop::Quit);
            }
        }
        if let Some(job) = jobs.pop() {
            draw(terminal, state)?;
            return Ok(Stop::Job(job));
        }
        if state.dirty && (input || last_draw.elapsed() >= FRAME) {
            draw(terminal, state)?;
            last_draw = tokio::time::Instant::now();
        }
    }
}

/// Updates the state and starts its effects (foreground jobs are left in `jobs` for the loop);
/// true when the app must quit.
fn apply(state: &mut State, tasks: &mut Tasks, msg: Msg, jobs: &mut Vec<Foreground>) -> bool {
    for effect in state::update(state, msg) {
        match effect {
            Effect::Quit => return true,
            Effect::Foreground(job) => jobs.push(job),
            effect => tasks.run(effect),
        }
    }
    if let Some(title) = state::title_effect(state) {
        tasks.run(title);
    }
    false
}

fn draw<B>(terminal: &mut Terminal<B>, state: &mut State) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    terminal.draw(|frame| ui::render(frame, state))?;
    state.dirty = false;
    Ok(())
}

/// Terminal events the state cares about (key releases and focus changes are dropped). Mouse
/// positions become panes and rows here, by the layout of `ui`, so the state stays pure.
fn input_msg(ev: Event, area: Rect, state: &State) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Mouse(m) => mouse_msg(m, area, state),
        _ => None,
    }
}

/// Rows one wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

/// A left click or wheel turn over a pane; other mouse events are ignored.
pub fn mouse_msg(m: MouseEvent, area: Rect, state: &State) -> Option<Msg> {
    let (pane, row) = ui::pane_at(state, area, m.column, m.row)?;
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click { pane, row }),
        MouseEventKind::ScrollDown => Some(Msg::Scroll {
            pane,
            delta: WHEEL_ROWS,
        }),
        MouseEventKind::ScrollUp => Some(Msg::Scroll {
            pane,
            delta: -WHEEL_ROWS,
        }),
        _ => None,
    }
}

/// The whole screen, for mapping mouse positions (empty if the size cannot be read).
fn screen_area<B: Backend>(terminal: &Terminal<B>) -> Rect {
    terminal
        .size()
        .map(|s| Rect::new(0, 0, s.width, s.height))
        .unwrap_or_default()
}
