//! Back and forward through the views the user visited, as a browser does: `[` back, `]`
//! forward, `-` the view shown before this one. After each key (and each answer a key waits
//! for) the place on screen (kind, namespace, selectors, detail view, xray) is compared with
//! the current visit: a new
//! place is a new visit; the same place only refreshes the visit's filter and selected row, so
//! moving the cursor never adds history. Rows are remembered by identity, not index.

use super::detail::{self, DetailKind, DetailView, ObjectRef};
use super::views::sync_namespace_cursor;
use super::{Effect, Focus, Notify, State, drill, kinds, xray};
use crate::kube::discovery::ApiResource;

/// Visits kept; the oldest goes first.
pub const MAX_VISITS: usize = 50;

/// What makes one view another: changing any of it is a new visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The `:kind` table on screen (`None`: the pods).
    pub kind: Option<ApiResource>,
    /// `None`: all namespaces.
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// What the pods were reached from by Enter (`deploy/hello-web`).
    pub origin: Option<String>,
    /// The YAML, describe or logs view open over the table.
    pub detail: Option<(DetailKind, ObjectRef, Option<String>)>,
    /// The `:xray` tree open, by the word typed (`deploy`).
    pub xray: Option<String>,
}

/// One visited view: its place, and the filter and row it was left with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub place: Place,
    pub query: String,
    /// (namespace, name) of the selected row (xray: (namespace, `kind/name`)).
    pub selected: Option<(String, String)>,
}

/// The visited views of the current context.
#[derive(Debug, Clone, Default)]
pub struct Visits {
    /// The context they belong to: another context starts a new history.
    context: Option<String>,
    entries: Vec<Visit>,
    /// The visit on screen.
    at: usize,
    /// The visit shown before this one (`-`).
    previous: Option<usize>,
}

impl Visits {
    /// The visits, oldest first, and which one is on screen.
    pub fn entries(&self) -> (&[Visit], usize) {
        (&self.entries, self.at)
    }

    fn push(&mut self, visit: Visit) {
        self.entries.truncate(self.at + 1);
        let was = (!self.entries.is_empty()).then_some(self.at);
        self.entries.push(visit);
        self.previous = was;
        if self.entries.len() > MAX_VISITS {
            self.entries.remove(0);
            self.previous = self.previous.and_then(|p| p.checked_sub(1));
        }
        self.at = self.entries.len() - 1;
    }

    fn step_to(&mut self, index: usize) {
        if index != self.at {
            self.previous = Some(self.at);
            self.at = index;
        }
    }
}

/// Where the screen is now. Full-screen panes that are not views of the cluster (raw
/// requests, the request log) and a pod's containers are no places of their own.
fn place_of(state: &State) -> Place {
    let detail = state.detail.as_ref().and_then(|d| {
        let container = match &d.view {
            DetailView::Logs(logs) => logs.options.container.clone(),
            _ => None,
        };
        // An `:exec` output cannot be opened again: it is not a place.
        (d.kind() != DetailKind::Exec).then(|| (d.kind(), d.target.clone(), container))
    });
    Place {
        kind: state.resource.as_ref().map(|v| v.resource.clone()),
        namespace: state.namespace.clone(),
        label_selector: state.label_selector.clone(),
        field_selector: state.field_selector.clone(),
        origin: state.drill.origin.clone(),
        detail,
        xray: state.xray.as_ref().map(|x| x.word.clone()),
    }
}

/// The filter text of the table on screen.
fn query_of(state: &State) -> String {
    match (&state.xray, &state.resource) {
        (Some(view), _) => view.query.clone(),
        (None, Some(view)) => view.query.clone(),
        (None, None) => state.pods.view().query().to_string(),
    }
}

/// The selected row, once the table settled (not while a list is still to bring the row a
/// restored visit asked for).
fn selected_of(state: &State) -> Option<(String, String)> {
    if let Some(view) = &state.xray {
        return view.selected_key();
    }
    match &state.resource {
        Some(view) if view.awaited.is_some() => None,
        Some(view) => view.selected_key(),
        None if state.pods.awaiting() => None,
        None => state.pods.selected_pod(),
    }
}

/// True for messages after which the view may have changed: the user's and the answers they
/// wait for (ticks and streams move no view, and need not pay for the look).
pub fn noted(msg: &crate::msg::Msg) -> bool {
    use crate::msg::Msg;
    matches!(
        msg,
        Msg::Key(_)
            | Msg::Click { .. }
            | Msg::Scroll { .. }
            | Msg::Contexts { .. }
            | Msg::ObjectFetched { .. }
            | Msg::Discovered { .. }
    )
}

/// After a message: record a new visit, step onto a neighbour the screen went back to (Esc
/// out of a detail view is going back), or refresh the current visit's row and filter.
pub fn observe(state: &mut State) {
    if state.context.is_none() {
        return;
    }
    // A fleet's views are its own history, apart from its first member's alone.
    let context = super::fleet::label(state);
    if state.visits.context != context {
        state.visits = Visits {
            context,
            ..Visits::default()
        };
    }
    let place = place_of(state);
    let query = query_of(state);
    let selected = selected_of(state);
    let visits = &mut state.visits;
    let at = visits.at;
    let same = |i: usize| visits.entries.get(i).is_some_and(|v| v.place == place);
    let known = [Some(at), at.checked_sub(1), Some(at + 1)]
        .into_iter()
        .flatten()
        .find(|&i| same(i));
    if known != Some(at) {
        // The user went elsewhere: a `J` still waiting would take them away from it.
        state.jump = None;
    }
    let visits = &mut state.visits;
    let Some(index) = known else {
        visits.push(Visit {
            place,
            query,
            selected,
        });
        return;
    };
    visits.step_to(index);
    if let Some(visit) = visits.entries.get_mut(index) {
        visit.query = query;
        if selected.is_some() {
            visit.selected = selected;
        }
    }
}

/// `[`, `]` or `-`: shows the visit before, after, or the one shown last.
pub fn go(state: &mut State, action: crate::keys::Action) -> Vec<Effect> {
    use crate::keys::Action;
    let visits = &state.visits;
    let target = match action {
        Action::Back => visits.at.checked_sub(1),
        Action::Forward => Some(visits.at + 1).filter(|&i| i < visits.entries.len()),
        _ => visits.previous.filter(|&i| i < visits.entries.len()),
    };
    let Some(index) = target else {
        let word = match action {
            Action::Back => "no view to go back to",
            Action::Forward => "no view to go forward to",
            _ => "no other view yet",
        };
        state.flash.info(word);
        return Vec::new();
    };
    let visit = state.visits.entries[index].clone();
    state.visits.step_to(index);
    restore(state, visit)
}

/// Puts the screen back as `visit` left it. What is already on screen as it was stays (no
/// list again); what changed is listed again, the row selected once the list brings it.
fn restore(state: &mut State, visit: Visit) -> Vec<Effect> {
    let Visit {
        place,
        query,
        selected,
    } = visit;
    state.flash = None;
    state.prompt = None;
    state.jump = None;
    let mut effects = detail::close(state);
    state.containers = None;
    state.focus = Focus::Pods;
    let pods_same = state.namespace == place.namespace
        && state.label_selector == place.label_selector
        && state.field_selector == place.field_selector;
    if !pods_same {
        drill::leave(state);
        state.field_selector = place.field_selector.clone();
        sync_namespace_cursor(state, place.namespace.as_deref());
        effects.push(state.watch_pods(place.namespace.clone(), place.label_selector.clone()));
    }
    state.drill.origin = place.origin.clone();
    let (table_selected, xray_selected) = match place.xray {
        Some(_) => (None, selected),
        None => (selected, None),
    };
    let table_query = if place.xray.is_some() {
        ""
    } else {
        query.as_str()
    };
    effects.extend(match &place.kind {
        Some(resource) => restore_table(state, resource, table_query, table_selected),
        None => restore_pods(state, table_query, table_selected),
    });
    effects.extend(restore_xray(state, place.xray.as_deref(), xray_selected));
    if let Some(view) = state.xray.as_mut() {
        view.set_query(&query);
    }
    if let Some((kind, target, container)) = place.detail {
        effects.extend(match kind {
            DetailKind::Logs => detail::open_logs(state, target, container),
            kind => detail::open(state, kind, target),
        });
    }
    effects
}

/// The table of `resource` with its filter and row.
fn restore_table(
    state: &mut State,
    resource: &ApiResource,
    query: &str,
    selected: Option<(String, String)>,
) -> Vec<Effect> {
    let namespace = state.namespace.clone().filter(|_| resource.namespaced);
    let open = state.resource.as_ref();
    let same = open.is_some_and(|v| v.resource == *resource && v.namespace == namespace);
    let effects = match same {
        true => Vec::new(),
        false => kinds::open(state, resource.clone()),
    };
    if let Some(view) = state.resource.as_mut() {
        view.set_query(query);
        let found = selected.as_ref().is_some_and(|k| view.select_key(k));
        // A row missing from a table already listed is gone: waiting for it would never end.
        view.awaited = selected.filter(|_| !found && !same);
    }
    effects
}

/// The pods with their filter and row.
fn restore_pods(state: &mut State, query: &str, selected: Option<(String, String)>) -> Vec<Effect> {
    let effects = kinds::close(state);
    state.pods.set_query(query);
    let found = selected.as_ref().is_some_and(|k| state.pods.select_pod(k));
    let listing = state.pods_load != super::PodsLoad::Watching;
    state
        .pods
        .await_cursor(selected.filter(|_| !found && listing));
    effects
}

/// The xray tree of `word` (kept when it is the one open), or none.
fn restore_xray(
    state: &mut State,
    word: Option<&str>,
    selected: Option<(String, String)>,
) -> Vec<Effect> {
    let open = state.xray.as_ref();
    let same =
        open.is_some_and(|x| Some(x.word.as_str()) == word && x.namespace == state.namespace);
    match word {
        Some(_) if same => {
            if let (Some(view), Some(key)) = (state.xray.as_mut(), selected) {
                view.select_key(&key);
            }
            Vec::new()
        }
        Some(word) => xray::open_word(state, word, selected),
        None => xray::close(state),
    }
}
