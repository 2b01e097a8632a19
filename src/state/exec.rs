//! `:exec CMD…`: one command without a terminal in the selected pod (or the container under
//! the cursor of the containers view), its output in a detail view, then how it ended. The
//! words are split on spaces and run as given, as `kubectl exec POD -- CMD…` runs them.

use super::detail::{Detail, DetailView, ObjectRef, close};
use super::text_pane::TextPane;
use super::{Notify, State};
use crate::msg::Effect;

/// Starts `line` in the selected pod; refused under `--readonly` (`create` on `pods/exec`).
pub(super) fn run(state: &mut State, line: &str) -> Vec<Effect> {
    let command: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    if command.is_empty() {
        state
            .flash
            .info("usage: :exec COMMAND [ARG…] (runs in the selected pod)");
        return Vec::new();
    }
    if state.opts.readonly {
        let why = super::replay::refused(state);
        state
            .flash
            .error(format!("{why}: exec refused (it is create on pods/exec)"));
        return Vec::new();
    }
    let (target, container) = match &state.containers {
        Some(view) => (view.pod.clone(), view.selected().map(|c| c.name.clone())),
        None => match state.pods.selected() {
            Some(row) => (ObjectRef::of_pod_row(row), None),
            None => {
                state.flash.info("no pod selected");
                return Vec::new();
            }
        },
    };
    let Some(context) = target.context.clone().or_else(|| state.context.clone()) else {
        state.flash.info("no context open");
        return Vec::new();
    };
    let mut effects = close(state);
    let id = state.new_id();
    effects.push(Effect::ExecOnce {
        id,
        context,
        namespace: target.namespace.clone().unwrap_or_default(),
        pod: target.name.clone(),
        container,
        command: command.clone(),
    });
    state.detail = Some(Detail {
        id,
        target,
        view: DetailView::Exec {
            pane: TextPane::default(),
            command: command.join(" "),
            done: false,
        },
        error: None,
        decoded: false,
    });
    effects
}

/// The command ended: its output lines, then the outcome as the last line.
pub(super) fn on_output(
    state: &mut State,
    id: u64,
    mut lines: Vec<String>,
    outcome: Result<String, String>,
) -> Vec<Effect> {
    let Some(detail) = state.detail.as_mut().filter(|d| d.id == id) else {
        return Vec::new();
    };
    if let DetailView::Exec { pane, done, .. } = &mut detail.view {
        lines.push(String::new());
        lines.push(match outcome {
            Ok(text) | Err(text) => format!("── {text}"),
        });
        pane.set_lines(lines);
        *done = true;
        state.dirty = true;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::table::PodRow;
    use crate::msg::Msg;
    use crate::state::{StartOptions, update};

    #[test]
    fn exec_runs_in_the_selected_pod_and_shows_the_output_then_the_outcome() {
        let mut state = State::new(StartOptions::default());
        state.context = Some("dev".into());
        let row = PodRow {
            namespace: "shop".into(),
            name: "web-0".into(),
            ..PodRow::default()
        };
        let generation = state.pods_gen;
        update(
            &mut state,
            Msg::pods_page(generation, vec![row], true, true),
        );
        let effects = run(&mut state, "ls  -l /");
        let [
            Effect::ExecOnce {
                id, pod, command, ..
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}");
        };
        assert_eq!(
            (pod.as_str(), command.join(" ")),
            ("web-0", "ls -l /".to_string())
        );
        on_output(
            &mut state,
            *id,
            vec!["bin".into()],
            Ok("exited with code 0".into()),
        );
        let Some(DetailView::Exec { pane, done, .. }) = state.detail.as_ref().map(|d| &d.view)
        else {
            panic!("an exec view");
        };
        assert!(*done);
        assert_eq!(pane.lines, ["bin", "", "── exited with code 0"]);
    }
}
