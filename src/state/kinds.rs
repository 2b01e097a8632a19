//! Other kinds than pods: the discovered resource types of the context and the table of one of
//! them, as the server prints it (`as=Table`).

use super::Notify;
use super::cursor::Cursor;
use super::detail::ObjectRef;
use super::filter::Query;
use super::{Effect, State};
use crate::keys::Action;
use crate::kube::Failure;
use crate::kube::discovery::ApiResource;
use crate::kube::resource_table::{ResourceTable, TableRow};
use crate::kube::watcher::{Change, Event};
use crate::msg::TableFeedEvent;

/// A row's identity: (namespace, name).
fn row_key(r: &TableRow) -> (String, String) {
    (r.namespace.clone(), r.name.clone())
}

/// Resource types of the current context.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Context generation the list belongs to (0: none yet).
    pub generation: u64,
    pub resources: Vec<ApiResource>,
    /// A request is under way for this context generation.
    pub loading: bool,
    pub error: Option<Failure>,
    /// A `:kind` typed before discovery finished; run when it does.
    pub pending_command: Option<String>,
}

impl Discovery {
    /// True when `resources` describe the context of generation `generation`.
    pub fn ready_for(&self, generation: u64) -> bool {
        self.generation == generation && !self.loading && self.error.is_none()
    }
}

/// The table of one resource type.
#[derive(Debug, Clone)]
pub struct ResourceView {
    pub id: u64,
    pub resource: ApiResource,
    /// Namespace listed (`None`: all, or cluster-scoped).
    pub namespace: Option<String>,
    pub table: Option<ResourceTable>,
    /// The list-watch failed; it tries again at the problem's `retry_at`.
    pub error: Option<super::Problem>,
    /// The list is complete and a watch keeps it live.
    pub live: bool,
    pub cursor: Cursor,
    /// Local filter over every cell (and the namespace), or NAME with `name:` (`/`).
    pub query: String,
    /// A row to put the cursor on once a list brings it (the view was restored by Esc and is
    /// listed again); dropped when the list is complete.
    pub awaited: Option<(String, String)>,
    /// In a fleet: each member's failure (`None`: answering), by member index.
    pub failing: Vec<Option<super::Problem>>,
}

impl ResourceView {
    /// Rows passing the filter, in server order.
    pub fn visible(&self) -> Vec<&TableRow> {
        let Some(table) = &self.table else {
            return Vec::new();
        };
        let query = Query::parse(&self.query);
        if query.is_all() {
            return table.rows.iter().collect();
        }
        let mut buf = String::new();
        table
            .rows
            .iter()
            .filter(|r| {
                let cells = r
                    .context
                    .as_deref()
                    .into_iter()
                    .chain(std::iter::once(r.namespace.as_str()))
                    .chain(r.cells.iter().map(String::as_str));
                query.matches_cells(&r.name, cells, &mut buf)
            })
            .collect()
    }

    /// Changes the filter; the cursor stays on its row if it still matches, else goes to the
    /// first match.
    pub fn set_query(&mut self, query: &str) {
        let keep = self.selected_key();
        self.query = query.to_string();
        let visible = self.visible();
        let at = keep.and_then(|k| visible.iter().position(|r| row_key(r) == k));
        let len = visible.len();
        self.cursor.select(at.unwrap_or(0), len);
    }

    /// After list rows arrived: the cursor on the awaited row if it came, else on the row it
    /// was on, else where it was (clamped).
    pub(super) fn reselect_listed(&mut self, keep: Option<(String, String)>) {
        let visible = self.visible();
        let find = |k: &(String, String)| visible.iter().position(|r| row_key(r) == *k);
        let awaited = self.awaited.as_ref().and_then(find);
        let at = awaited
            .or_else(|| keep.as_ref().and_then(find))
            .unwrap_or(self.cursor.selected());
        let len = visible.len();
        if awaited.is_some() {
            self.awaited = None;
        }
        self.cursor.select(at, len);
    }

    /// Puts the cursor on row `key` now; false when it is not visible.
    pub fn select_key(&mut self, key: &(String, String)) -> bool {
        let visible = self.visible();
        let at = visible.iter().position(|r| row_key(r) == *key);
        let len = visible.len();
        if let Some(at) = at {
            self.cursor.select(at, len);
        }
        at.is_some()
    }

    /// (namespace, name) of the row under the cursor.
    pub fn selected_key(&self) -> Option<(String, String)> {
        let visible = self.visible();
        visible.get(self.cursor.selected()).map(|r| row_key(r))
    }

    /// The context of the row under the cursor (fleet tables only).
    pub fn selected_context(&self) -> Option<std::sync::Arc<str>> {
        let visible = self.visible();
        visible.get(self.cursor.selected())?.context.clone()
    }

    /// The object under the cursor.
    pub fn selected(&self) -> Option<ObjectRef> {
        let visible = self.visible();
        let row = visible.get(self.cursor.selected())?;
        Some(ObjectRef {
            context: row.context.as_deref().map(str::to_string),
            resource: self.resource.clone(),
            namespace: (!row.namespace.is_empty()).then(|| row.namespace.clone()),
            name: row.name.clone(),
        })
    }

    /// Rows shown (after the filter).
    pub fn len(&self) -> usize {
        self.visible().len()
    }

    /// True before the table arrived or when it has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Asks for discovery unless it is loaded or loading for the current context.
pub fn ensure_discovery(state: &mut State) -> Vec<Effect> {
    let d = &state.discovery;
    let current = d.generation == state.context_gen && d.error.is_none();
    match &state.context {
        Some(context) if !current => {
            state.discovery = Discovery {
                generation: state.context_gen,
                loading: true,
                ..Discovery::default()
            };
            vec![Effect::Discover {
                generation: state.context_gen,
                context: context.clone(),
            }]
        }
        _ => Vec::new(),
    }
}

/// Discovery finished; runs a command that waited for it.
pub fn on_discovered(
    state: &mut State,
    generation: u64,
    result: Result<Vec<ApiResource>, Failure>,
) -> Vec<Effect> {
    if generation != state.context_gen {
        return Vec::new();
    }
    state.dirty = true;
    let d = &mut state.discovery;
    d.loading = false;
    match result {
        Ok(resources) => {
            d.resources = resources;
            d.error = None;
        }
        Err(e) => {
            d.error = Some(e.clone());
            state.flash.error(format!("discovery: {e}"));
        }
    }
    let mut effects = super::owner::on_discovered(state);
    if let Some(line) = state.discovery.pending_command.take() {
        effects.extend(super::command::run(state, &line));
    }
    effects
}

/// Shows the table of `resource` in the current namespace.
pub fn open(state: &mut State, resource: ApiResource) -> Vec<Effect> {
    let mut effects = super::detail::close(state);
    // A table opened over a pod's containers or a tree replaces them (Esc leads to the pods).
    state.containers = None;
    state.xray = None;
    let id = state.new_id();
    let namespace = state.namespace.clone().filter(|_| resource.namespaced);
    let path = resource.collection_path(namespace.as_deref());
    state.resource = Some(ResourceView {
        id,
        resource,
        namespace,
        table: None,
        error: None,
        live: false,
        cursor: Cursor::default(),
        query: String::new(),
        awaited: None,
        failing: Vec::new(),
    });
    state.focus = super::Focus::Pods;
    effects.push(watch_table(state, id, path));
    effects
}

/// The stream of resource view `id`: one per fleet member, or the open context's.
pub(super) fn watch_table(state: &mut State, id: u64, path: String) -> Effect {
    match &state.fleet {
        Some(fleet) => {
            let contexts = fleet.names();
            if let Some(view) = state.resource.as_mut() {
                view.failing = vec![None; contexts.len()];
            }
            Effect::WatchFleetTable { id, contexts, path }
        }
        None => Effect::WatchTable {
            id,
            context: state.context.clone().unwrap_or_default(),
            path,
        },
    }
}

/// Leaves the resource table (back to the pods): its stream stops with it.
pub fn close(state: &mut State) -> Vec<Effect> {
    match state.resource.take() {
        Some(_) => vec![Effect::StopTable],
        None => Vec::new(),
    }
}

/// Lists the open resource view again (after a delete, or Ctrl-R).
pub fn refresh(state: &mut State) -> Vec<Effect> {
    match &state.resource {
        Some(view) => {
            let (id, path) = (
                view.id,
                view.resource.collection_path(view.namespace.as_deref()),
            );
            vec![watch_table(state, id, path)]
        }
        None => Vec::new(),
    }
}

/// The namespace changed: list the open resource view there.
pub fn reopen(state: &mut State) -> Vec<Effect> {
    let mut effects = match state.resource.take() {
        Some(view) => open(state, view.resource),
        None => Vec::new(),
    };
    effects.extend(super::xray::reopen(state));
    effects
}

/// An event of view `id`'s list-watch: pages fill the table, changes patch it in the server's
/// order (namespace, name) with the cursor staying on its row where it can.
pub fn on_table(state: &mut State, id: u64, event: TableFeedEvent) {
    let Some(view) = state.resource.as_mut().filter(|v| v.id == id) else {
        return;
    };
    state.dirty = true;
    match event {
        Event::Page { page, first, last } => {
            let keep = view.selected_key();
            match view.table.as_mut() {
                Some(table) if !first => table.rows.extend(page.rows),
                _ => view.table = Some(page),
            }
            view.live = last;
            view.error = None;
            view.reselect_listed(keep);
            if last {
                view.awaited = None;
            }
        }
        Event::Changes(changes) => apply_changes(view, changes),
        Event::Live => view.error = None,
        Event::Failed { error, retry_at } => {
            view.error = Some(super::Problem {
                failure: error,
                retry_at,
            })
        }
    }
}

/// Watch changes: rows replaced, added at their place, or removed.
fn apply_changes(view: &mut ResourceView, changes: Vec<Change<TableRow>>) {
    let key = |r: &TableRow| (r.namespace.clone(), r.name.clone());
    let selected = view.visible().get(view.cursor.selected()).map(|r| key(r));
    let Some(table) = view.table.as_mut() else {
        return;
    };
    for change in changes {
        match change {
            Change::Added(row) | Change::Modified(row) => upsert(&mut table.rows, row),
            Change::Deleted(row) => table
                .rows
                .retain(|r| r.namespace != row.namespace || r.name != row.name),
        }
    }
    view.error = None;
    let len = view.len();
    let at = selected
        .and_then(|k| view.visible().iter().position(|r| key(r) == k))
        .unwrap_or(view.cursor.selected());
    view.cursor.select(at, len);
}

/// Replaces the row with the same (namespace, name), or inserts it where the server's order
/// would put it.
fn upsert(rows: &mut Vec<TableRow>, row: TableRow) {
    fn key(r: &TableRow) -> (&str, &str) {
        (&r.namespace, &r.name)
    }
    match rows.iter().position(|r| key(r) == key(&row)) {
        Some(i) => rows[i] = row,
        None => {
            let at = rows.partition_point(|r| key(r) < key(&row));
            rows.insert(at, row);
        }
    }
}

/// Keys on a resource table; `None` leaves the action to the panes.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let view = state.resource.as_mut()?;
    let len = view.len();
    if view.cursor.on_move(action, len) {
        return Some(Vec::new());
    }
    match action {
        Action::Close if !view.query.is_empty() => view.set_query(""),
        Action::Close => return Some(close(state)),
        Action::Select => return Some(super::drill::enter_resource(state)),
        Action::Refresh => return Some(refresh(state)),
        Action::AllNamespaces => return Some(super::views::toggle_all_namespaces(state)),
        Action::Yaml | Action::Describe | Action::Logs | Action::Delete | Action::Edit => {
            let Some(target) = view.selected() else {
                return Some(Vec::new());
            };
            return Some(super::nav::act_on(state, action, target));
        }
        Action::Search => {
            let text = view.query.clone();
            let kind = super::nav::PromptKind::Filter;
            state.prompt = Some(super::nav::Prompt::new(kind, &text));
        }
        _ => return None,
    }
    Some(Vec::new())
}
