//! Keys inside detail views, sorting, the all-namespaces toggle and log stream results.

use super::Notify;
use super::detail::{self, DetailKind, DetailView};
use super::filter::{SortColumn, SortOrder};
use super::nav::{Prompt, PromptKind, restart_pods};
use super::{Effect, State};
use crate::keys::Action;

/// Sorts the pods by `column`; the same column again reverses the order.
pub fn sort_by(state: &mut State, column: SortColumn) -> Vec<Effect> {
    let current = state.pods.view().sort();
    let descending = current.column == column && !current.descending;
    state.pods.set_sort(SortOrder { column, descending });
    Vec::new()
}

/// `a`: all namespaces, or back to the namespace before.
pub fn toggle_all_namespaces(state: &mut State) -> Vec<Effect> {
    if state.context.is_none() {
        return Vec::new();
    }
    super::drill::leave(state);
    let selector = state.label_selector.clone();
    let target = match &state.namespace {
        Some(ns) => {
            state.last_namespace = Some(ns.clone());
            None
        }
        None => Some(
            state
                .last_namespace
                .clone()
                .or_else(|| state.connection.as_ref().map(|c| c.namespace.clone()))
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| "default".into()),
        ),
    };
    sync_namespace_cursor(state, target.as_deref());
    let mut effects = vec![restart_pods(state, target, selector)];
    effects.extend(super::kinds::reopen(state));
    effects
}

/// Keeps the namespaces pane's cursor on the namespace being shown.
pub fn sync_namespace_cursor(state: &mut State, namespace: Option<&str>) {
    let index = match namespace {
        None => 0,
        Some(ns) => state
            .namespaces
            .iter()
            .position(|n| n == ns)
            .map_or(0, |i| i + 1),
    };
    let len = state.namespace_entries();
    state.namespaces_cursor.select(index, len);
}

/// Keys while a detail view is open; everything is consumed so panes below stay still.
pub fn on_detail_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = pick_container(state, action) {
        return effects;
    }
    match action {
        Action::Close => detail::close(state),
        Action::Decode => super::secret::toggle(state),
        Action::Search => {
            state.prompt = Some(Prompt::new(PromptKind::Search, ""));
            Vec::new()
        }
        Action::Yaml | Action::Describe | Action::Logs | Action::Delete | Action::Edit => {
            switch_view(state, action)
        }
        Action::Container | Action::Previous | Action::Timestamps | Action::TailLines => {
            log_option(state, action)
        }
        Action::AllContainers => super::workload_logs::toggle_all_containers(state),
        Action::SaveLogs => save_logs(state),
        _ => {
            move_in_detail(state, action);
            Vec::new()
        }
    }
}

/// From one detail view to another of the same object (or delete it).
fn switch_view(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(detail) = &state.detail else {
        return Vec::new();
    };
    let same = matches!(
        (detail.kind(), action),
        (DetailKind::Yaml, Action::Yaml)
            | (DetailKind::Describe, Action::Describe)
            | (DetailKind::Logs, Action::Logs)
    );
    if same {
        return Vec::new();
    }
    let target = detail.target.clone();
    super::nav::act_on(state, action, target)
}

fn log_option(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(DetailView::Logs(logs)) = state.detail.as_ref().map(|d| &d.view) else {
        return Vec::new();
    };
    match action {
        Action::Container if logs.workload.is_some() => {
            state
                .flash
                .info("0 follows every container of each pod, or only its default one");
            Vec::new()
        }
        Action::Container => {
            if logs.containers.len() < 2 {
                state.flash.info("this pod has one container");
                return Vec::new();
            }
            let current = logs
                .containers
                .iter()
                .position(|c| Some(c) == logs.options.container.as_ref());
            if let Some(DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view) {
                logs.picking = Some(current.unwrap_or(0));
            }
            Vec::new()
        }
        Action::Previous => {
            detail::restart_logs(state, |l| l.options.previous = !l.options.previous)
        }
        Action::TailLines => detail::restart_logs(state, |l| {
            l.options.tail = super::logs::next_tail(l.options.tail)
        }),
        _ => detail::restart_logs(state, |l| l.options.timestamps = !l.options.timestamps),
    }
}

/// Keys while the container picker is open: move, pick (Enter, or `c` again for the next one),
/// or close it (Esc). `None` when no picker is open.
fn pick_container(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let Some(DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view) else {
        return None;
    };
    let at = logs.picking?;
    let last = logs.containers.len().saturating_sub(1);
    let moved = match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::Container => (at + 1) % (last + 1),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Select => {
            logs.picking = None;
            let chosen = logs.containers.get(at).cloned();
            if chosen.is_none() || chosen == logs.options.container {
                return Some(Vec::new());
            }
            return Some(detail::restart_logs(state, |l| {
                l.options.container = chosen
            }));
        }
        Action::Close => {
            logs.picking = None;
            return Some(Vec::new());
        }
        _ => at,
    };
    logs.picking = Some(moved);
    Some(Vec::new())
}

/// Scrolling, search jumps and view toggles that need no I/O.
fn move_in_detail(state: &mut State, action: Action) {
    let Some(detail) = state.detail.as_mut() else {
        return;
    };
    if action == Action::ManagedFields {
        detail::toggle_managed_fields(detail);
        return;
    }
    if let DetailView::Logs(logs) = &mut detail.view {
        let page = isize::try_from(logs.page.get().max(1)).unwrap_or(1);
        match action {
            Action::Up => logs.scroll(-1),
            Action::Down => logs.scroll(1),
            Action::PageUp => logs.scroll(-page),
            Action::PageDown => logs.scroll(page),
            Action::Top => logs.scroll(isize::MIN / 2),
            Action::Bottom => logs.follow = true,
            Action::SearchNext => logs.jump(1),
            Action::SearchPrev => logs.jump(-1),
            Action::Wrap => logs.wrap = !logs.wrap,
            Action::Follow => logs.toggle_follow(),
            _ => {}
        }
        return;
    }
    let Some(pane) = detail.pane_mut() else {
        return;
    };
    match action {
        Action::Up => pane.scroll(-1),
        Action::Down => pane.scroll(1),
        Action::PageUp => pane.page_by(-1),
        Action::PageDown => pane.page_by(1),
        Action::Top => pane.jump_end(false),
        Action::Bottom => pane.jump_end(true),
        Action::SearchNext => pane.jump(1),
        Action::SearchPrev => pane.jump(-1),
        _ => {}
    }
}

/// `S`: the logs view's buffer to a file, named after the object (the runtime adds the time).
fn save_logs(state: &mut State) -> Vec<Effect> {
    let Some(detail) = state.detail.as_ref() else {
        return Vec::new();
    };
    let DetailView::Logs(logs) = &detail.view else {
        state.flash.info("S saves the lines of a logs view");
        return Vec::new();
    };
    let target = &detail.target;
    let mut name = target.resource.singular.clone();
    for part in [target.namespace.as_deref(), Some(target.name.as_str())] {
        name.extend(part.map(|p| format!("-{p}")));
    }
    if let (None, Some(container)) = (&logs.workload, &logs.options.container) {
        name.push_str(&format!("-{container}"));
    }
    let lines = logs.buffer.range(0..logs.buffer.len()).map(str::to_string);
    let lines = lines.collect();
    state.flash.info("saving logs…");
    vec![Effect::SaveLogs { name, lines }]
}

/// The logs were saved (the path in the status bar), or not.
pub fn on_logs_saved(state: &mut State, result: Result<String, String>) -> Vec<Effect> {
    state.dirty = true;
    match result {
        Ok(path) => state.flash.info(format!("logs saved to {path}")),
        Err(why) => state.flash.error(why),
    }
    Vec::new()
}

/// New log lines for the open logs view.
pub fn on_log_lines(state: &mut State, lines: Vec<String>) {
    if let Some(DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view) {
        logs.push(lines);
    }
}

/// The log stream ended.
pub fn on_log_end(state: &mut State, error: Option<crate::kube::Failure>) {
    if let Some(DetailView::Logs(logs)) = state.detail.as_mut().map(|d| &mut d.view) {
        logs.ended = Some(error.map_or_else(|| "stream ended".into(), |e| e.message));
    }
}
