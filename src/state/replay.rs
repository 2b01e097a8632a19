//! `--replay`: the moment shown and the keys that move it. `<`/`>` step, `{`/`}` jump a
//! minute, `t` asks for a time (`:at HH:MM:SS`). Moving only asks the tasks to seek; every
//! open stream then answers with its rows at that moment, through the relist path.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input::Mode;
use super::nav::{Prompt, PromptKind};
use super::{Notify, State};
use crate::msg::Effect;

/// A step of `<`/`>`.
pub const STEP_MS: i64 = 5_000;
/// A jump of `{`/`}`.
pub const JUMP_MS: i64 = 60_000;

/// The recording's span and the moment shown, in ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayBar {
    pub first: i64,
    pub last: i64,
    pub at: i64,
}

/// A time-bar key over a table; `None` for any other key (it goes on to the keymap).
pub(super) fn on_key(state: &mut State, mode: Mode, key: &KeyEvent) -> Option<Vec<Effect>> {
    let bar = state.replay?;
    let table = matches!(
        mode,
        Mode::Panes | Mode::Resource | Mode::Containers | Mode::Xray
    );
    if !table
        || key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let to = match key.code {
        KeyCode::Char('<') => bar.at - STEP_MS,
        KeyCode::Char('>') => bar.at + STEP_MS,
        KeyCode::Char('{') => bar.at - JUMP_MS,
        KeyCode::Char('}') => bar.at + JUMP_MS,
        KeyCode::Char('t') => {
            state.prompt = Some(Prompt::new(PromptKind::Command, "at "));
            state.dirty = true;
            return Some(Vec::new());
        }
        _ => return None,
    };
    Some(seek(state, to))
}

/// Moves the moment shown to `t`, clamped to the recording.
pub fn seek(state: &mut State, t: i64) -> Vec<Effect> {
    let Some(bar) = state.replay.as_mut() else {
        state
            .flash
            .error("not replaying a recording (--replay FILE)");
        return Vec::new();
    };
    bar.at = t.clamp(bar.first, bar.last);
    let at = bar.at;
    state.now = now_shown(state, state.now);
    state.dirty = true;
    vec![Effect::ReplaySeek { at }]
}

/// `:at HH:MM[:SS]` (UTC, as the time bar shows): the moment on the recording's day that
/// time names.
pub fn goto(state: &mut State, arg: Option<&str>) -> Vec<Effect> {
    let Some(bar) = state.replay else {
        state
            .flash
            .error("not replaying a recording (--replay FILE)");
        return Vec::new();
    };
    let Some(t) = arg.and_then(|a| parse_time(a, bar)) else {
        state
            .flash
            .error(":at HH:MM:SS (UTC, within the recording)");
        return Vec::new();
    };
    seek(state, t)
}

/// `HH:MM[:SS]` on the day of the recording's first or last moment, whichever falls in it.
fn parse_time(text: &str, bar: ReplayBar) -> Option<i64> {
    let time: jiff::civil::Time = match text.matches(':').count() {
        1 => format!("{text}:00").parse().ok()?,
        _ => text.parse().ok()?,
    };
    let candidates = [bar.first, bar.last].map(|ms| {
        let day = jiff::Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let at = day
            .to_datetime(time)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?;
        Some(at.timestamp().as_millisecond())
    });
    let inside = candidates
        .iter()
        .flatten()
        .find(|t| (bar.first..=bar.last).contains(*t));
    inside.or(candidates[0].as_ref()).copied()
}

/// The clock ages are counted from: the moment shown under replay (a pod 5m old then is
/// shown 5m old, however long ago the recording was made), else the wall clock.
pub fn now_shown(state: &State, wall: jiff::Timestamp) -> jiff::Timestamp {
    state
        .replay
        .and_then(|bar| jiff::Timestamp::from_millisecond(bar.at).ok())
        .unwrap_or(wall)
}

/// Why a mutating action is refused: a recording is never changed; else `--readonly`.
pub fn refused(state: &State) -> &'static str {
    match state.replay {
        Some(_) => "this is a recording",
        None => "read-only mode (--readonly)",
    }
}

/// `HH:MM:SS` (UTC) of a moment.
pub fn clock(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .unwrap_or_else(|_| "??:??:??".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StartOptions;

    fn replaying() -> State {
        // 2026-12-08 10:00:00 UTC to 10:10:00.
        let first = 1_796_724_000_000;
        let mut state = State::new(StartOptions::default());
        state.replay = Some(ReplayBar {
            first,
            last: first + 600_000,
            at: first + 600_000,
        });
        state
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn keys_step_and_jump_within_the_recording() {
        let mut state = replaying();
        let first = state.replay.map(|b| b.first).unwrap_or_default();
        let effects = on_key(&mut state, Mode::Panes, &key('<'));
        let at = first + 595_000;
        assert_eq!(effects, Some(vec![Effect::ReplaySeek { at }]));
        on_key(&mut state, Mode::Panes, &key('>'));
        on_key(&mut state, Mode::Panes, &key('>'));
        assert_eq!(state.replay.map(|b| b.at), Some(first + 600_000), "clamped");
        for _ in 0..20 {
            on_key(&mut state, Mode::Panes, &key('{'));
        }
        assert_eq!(state.replay.map(|b| b.at), Some(first));
        assert_eq!(on_key(&mut state, Mode::Detail, &key('<')), None);
        assert_eq!(
            state.now.as_millisecond(),
            first,
            "ages count from the moment shown"
        );
        assert_eq!(refused(&state), "this is a recording");
    }

    #[test]
    fn t_asks_for_a_time_and_at_goes_there() {
        let mut state = replaying();
        on_key(&mut state, Mode::Panes, &key('t'));
        assert_eq!(state.prompt.as_ref().map(|p| p.input.text()), Some("at "));
        let effects = goto(&mut state, Some("10:05:30"));
        let first = state.replay.map(|b| b.first).unwrap_or_default();
        assert_eq!(
            effects,
            vec![Effect::ReplaySeek {
                at: first + 330_000
            }]
        );
        assert_eq!(clock(first + 330_000), "10:05:30");
        assert!(goto(&mut state, Some("noon")).is_empty());
    }

    #[test]
    fn without_a_recording_nothing_moves() {
        let mut state = State::new(StartOptions::default());
        assert_eq!(on_key(&mut state, Mode::Panes, &key('<')), None);
        assert!(goto(&mut state, Some("10:00")).is_empty());
    }
}
