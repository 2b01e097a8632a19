//! Port-forwards from the UI: `F` on a container fills the command line with `:pf LOCAL:REMOTE`
//! (its declared ports offered as completions), Enter starts the forward in the background,
//! and `:pf` lists them all (address → pod:port, connections, bytes each way, last error);
//! ctrl-d there stops one. Refused under `--readonly` (it is `create` on `pods/portforward`).

use super::cursor::Cursor;
use super::nav::{PromptKind, open_prompt};
use super::{Notify, Screen, State};
use crate::keys::Action;
use crate::msg::{Effect, ForwardRow};

/// The forwards and where the next one goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwards {
    pub rows: Vec<ForwardRow>,
    pub cursor: Cursor,
    /// The pod `:pf LOCAL:REMOTE` forwards to (in its own context in a fleet).
    target: Option<super::detail::ObjectRef>,
}

/// `F` on a container: the command line, prefilled with its first port.
pub(super) fn prompt(
    state: &mut State,
    pod: &super::detail::ObjectRef,
    ports: &[u16],
) -> Vec<Effect> {
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state.flash.error(format!(
            "{why}: port-forward refused (it is create on pods/portforward)"
        ));
        return Vec::new();
    }
    state.forwards.target = Some(pod.clone());
    let first = ports.first().map_or(String::new(), |p| format!("{p}:{p}"));
    open_prompt(state, PromptKind::Command, &format!("pf {first}"));
    if let Some(prompt) = state.prompt.as_mut() {
        prompt.completions = ports.iter().map(|p| format!("{p}:{p}")).collect();
    }
    if ports.is_empty() {
        state
            .flash
            .info(format!("{} declares no ports: type LOCAL:REMOTE", pod.name));
    }
    Vec::new()
}

/// `:pf` (the list) or `:pf LOCAL:REMOTE` (a forward to the pod `F` chose).
pub(super) fn command(state: &mut State, arg: Option<&str>) -> Vec<Effect> {
    let Some(arg) = arg else {
        state.screen = Screen::Forwards;
        return Vec::new();
    };
    let Some(target) = state.forwards.target.clone() else {
        state.flash.info("pick a pod's container first: F on a pod");
        return Vec::new();
    };
    let Some((local, remote)) = parse(arg) else {
        state
            .flash
            .error(format!("{arg}: expected LOCAL:REMOTE, e.g. 8080:80"));
        return Vec::new();
    };
    let context = target.context_in(state);
    let (namespace, pod) = (target.namespace.unwrap_or_default(), target.name);
    let id = state.new_id();
    // In a fleet the list says which cluster each forward reaches.
    let shown = match &target.context {
        Some(c) => format!("{c}:{namespace}/{pod}:{remote}"),
        None => format!("{namespace}/{pod}:{remote}"),
    };
    state.forwards.rows.push(ForwardRow {
        id,
        wanted: local,
        target: shown,
        ..ForwardRow::default()
    });
    state
        .flash
        .info(format!("forwarding to {pod}:{remote} · :pf lists forwards"));
    vec![Effect::StartForward {
        id,
        context,
        namespace,
        pod,
        local,
        remote,
    }]
}

/// `8080:80`, `80` or `:80` (any free local port).
fn parse(text: &str) -> Option<(u16, u16)> {
    let (local, remote) = text.split_once(':').unwrap_or((text, text));
    let remote = remote.parse().ok()?;
    let local = match local {
        "" => 0,
        l => l.parse().ok()?,
    };
    Some((local, remote))
}

pub(super) fn on_row(state: &mut State, row: ForwardRow) -> Vec<Effect> {
    state.dirty = true;
    if row.ended && row.error.is_some() {
        let why = row.error.clone().unwrap_or_default();
        state
            .flash
            .error(format!("forward to {} ended: {why}", row.target));
    }
    match state.forwards.rows.iter_mut().find(|r| r.id == row.id) {
        Some(slot) => {
            if slot.local.is_empty() {
                if let Some(instead) = moved(&row) {
                    state.flash.info(instead);
                }
            }
            *slot = row;
        }
        None => state.forwards.rows.push(row),
    }
    Vec::new()
}

/// The words for a forward that listens on another port than the one asked for (it was taken).
fn moved(row: &ForwardRow) -> Option<String> {
    let port = row.local.rsplit_once(':')?.1.parse::<u16>().ok()?;
    (row.wanted != 0 && port != row.wanted).then(|| {
        format!(
            "127.0.0.1:{} is in use: forwarding from {} to {} instead",
            row.wanted, row.local, row.target
        )
    })
}

pub(super) fn on_stopped(state: &mut State, id: u64) -> Vec<Effect> {
    state.dirty = true;
    state.forwards.rows.retain(|r| r.id != id);
    Vec::new()
}

/// Keys on the `:pf` list; `None` leaves them to the common ones.
pub(super) fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let len = state.forwards.rows.len();
    if state.forwards.cursor.on_move(action, len) {
        return Some(Vec::new());
    }
    if action != Action::Delete {
        return None;
    }
    let selected = state.forwards.cursor.selected();
    let Some(row) = state.forwards.rows.get(selected) else {
        state.flash.info("no forward selected");
        return Some(Vec::new());
    };
    state
        .flash
        .info(format!("stopped the forward to {}", row.target));
    Some(vec![Effect::StopForward { id: row.id }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StartOptions;

    fn state() -> State {
        let mut state = State::new(StartOptions::default());
        state.context = Some("dev".into());
        state
    }

    #[test]
    fn f_fills_the_command_line_and_enter_starts_the_forward() {
        let mut state = state();
        prompt(
            &mut state,
            &crate::state::detail::ObjectRef::pod("shop", "web-0"),
            &[8080, 9090],
        );
        let prompt_text = state.prompt.as_ref().map(|p| p.text());
        assert_eq!(prompt_text, Some("pf 8080:8080"));
        let effects = command(&mut state, Some("18080:8080"));
        let [
            Effect::StartForward {
                pod,
                local,
                remote,
                namespace,
                ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}");
        };
        assert_eq!(
            (namespace.as_str(), pod.as_str(), *local, *remote),
            ("shop", "web-0", 18080, 8080)
        );
        assert_eq!(state.forwards.rows[0].target, "shop/web-0:8080");

        // The task found 18080 taken and listens on the next free port: the user is told.
        let id = state.forwards.rows[0].id;
        let listening = ForwardRow {
            id,
            wanted: 18080,
            local: "127.0.0.1:18081".into(),
            target: "shop/web-0:8080".into(),
            ..ForwardRow::default()
        };
        on_row(&mut state, listening.clone());
        let flash = state.flash.take().map(|f| f.text);
        assert_eq!(
            flash.as_deref(),
            Some(
                "127.0.0.1:18080 is in use: forwarding from 127.0.0.1:18081 to shop/web-0:8080 instead"
            )
        );
        // Later counts say nothing more.
        on_row(&mut state, listening);
        assert_eq!(state.flash, None);
    }

    #[test]
    fn the_list_stops_the_selected_forward_and_readonly_refuses() {
        let mut state = state();
        prompt(
            &mut state,
            &crate::state::detail::ObjectRef::pod("shop", "web-0"),
            &[80],
        );
        command(&mut state, Some(":80"));
        command(&mut state, None);
        assert_eq!(state.screen, Screen::Forwards);
        let id = state.forwards.rows[0].id;
        assert_eq!(
            on_action(&mut state, Action::Delete),
            Some(vec![Effect::StopForward { id }])
        );
        on_stopped(&mut state, id);
        assert!(state.forwards.rows.is_empty());

        let mut readonly = State::new(StartOptions {
            readonly: true,
            ..StartOptions::default()
        });
        prompt(
            &mut readonly,
            &crate::state::detail::ObjectRef::pod("shop", "web-0"),
            &[80],
        );
        assert!(readonly.prompt.is_none());
        let flash = readonly.flash.map(|f| f.text).unwrap_or_default();
        assert!(flash.contains("port-forward refused"), "{flash}");
    }
}
