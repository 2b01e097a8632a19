//! Copying to the clipboard (OSC 52, run by the runtime): the selected object's name, its
//! `namespace/name`, the text of the open YAML view, or the page of log lines on screen.

use super::Notify;
use super::detail::DetailView;
use super::{Focus, Screen, State};
use crate::keys::Action;
use crate::msg::Effect;

/// True for the actions this module answers.
pub fn is_copy(action: Action) -> bool {
    matches!(
        action,
        Action::CopyName | Action::CopyPath | Action::CopyYaml
    )
}

/// Copies what `action` names, or explains in the status bar why there is nothing to copy.
pub fn on_copy(state: &mut State, action: Action) -> Vec<Effect> {
    state.dirty = true;
    let text = match action {
        Action::CopyYaml => view_text(state),
        Action::CopyName => selected(state).map(|(_, name)| name),
        _ => selected(state).map(|(ns, name)| match ns {
            Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
            _ => name,
        }),
    };
    match text {
        Some(text) if !text.is_empty() => {
            let what = match action {
                // A decoded Secret is copied as stored: the decoded text stays on screen.
                Action::CopyYaml if state.detail.as_ref().is_some_and(|d| d.decoded) => format!(
                    "{} lines (Secret data as stored, base64)",
                    text.lines().count()
                ),
                Action::CopyYaml => format!("{} lines", text.lines().count()),
                _ => text.clone(),
            };
            state.flash.info(format!("copied {what} to the clipboard"));
            vec![Effect::Copy { text }]
        }
        _ => {
            let need = match action {
                Action::CopyYaml => "open a YAML (y) or logs (l) view to copy its text",
                _ => "nothing selected to copy",
            };
            state.flash.error(need);
            Vec::new()
        }
    }
}

/// (namespace, name) of what the cursor is on: the open detail's object, else the focused
/// pane's row (a pod or resource row, a context, a namespace).
fn selected(state: &State) -> Option<(Option<String>, String)> {
    if state.screen != Screen::Main {
        return None;
    }
    if let Some(detail) = &state.detail {
        let target = &detail.target;
        return Some((target.namespace.clone(), target.name.clone()));
    }
    match state.focus {
        Focus::Pods => match &state.resource {
            Some(view) => view.selected().map(|o| (o.namespace, o.name)),
            None => state
                .pods
                .selected()
                .map(|p| (Some(p.namespace.clone()), p.name.clone())),
        },
        Focus::Contexts => state
            .contexts
            .get(state.contexts_cursor.selected())
            .map(|c| (None, c.name.clone())),
        Focus::Namespaces => match state.namespaces_cursor.selected() {
            0 => None,
            n => state.namespaces.get(n - 1).map(|ns| (None, ns.clone())),
        },
    }
}

/// The whole text of the open YAML view (as shown: managedFields only when toggled on), or
/// the log lines of the logs view's page (scroll to choose them).
fn view_text(state: &State) -> Option<String> {
    let detail = state.detail.as_ref()?;
    match &detail.view {
        DetailView::Logs(logs) => {
            let len = logs.buffer.len();
            let page = logs.page.get().max(1);
            let top = if logs.follow {
                len.saturating_sub(page)
            } else {
                logs.offset.min(len)
            };
            let lines: Vec<&str> = logs.buffer.range(top..(top + page).min(len)).collect();
            (!lines.is_empty()).then(|| lines.join("\n") + "\n")
        }
        DetailView::Yaml {
            object: Some(object),
            show_managed_fields,
            ..
        } if detail.decoded => {
            let mut text = super::detail::yaml_lines(object, *show_managed_fields).join("\n");
            text.push('\n');
            Some(text)
        }
        DetailView::Yaml {
            pane,
            object: Some(_),
            ..
        } => {
            let mut text = pane.lines.join("\n");
            text.push('\n');
            Some(text)
        }
        _ => None,
    }
}
