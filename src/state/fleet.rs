//! Several contexts in one table (a fleet): each member context has its own client and
//! list-watch; their rows share one table, one filter and one sort, and every action acts on
//! the row's own context.

use std::sync::Arc;

use super::{Effect, Notify, PodsLoad, Problem, State};
use crate::kube::watcher::Event;
use crate::msg::PodsEvent;

/// The contexts shown together, in the order asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    pub members: Vec<Member>,
    /// Pods reached by Enter on one member's row (a workload's, a node's) come from that
    /// member alone: the index of it.
    pub only: Option<usize>,
}

/// One context of the fleet and what its streams report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: Arc<str>,
    /// Progress of its pods list-watch.
    pub load: PodsLoad,
    /// Its streams failed (unreachable, 401/403, exec plugin); cleared when one answers.
    pub problem: Option<Problem>,
}

impl Member {
    fn new(name: &str) -> Member {
        Member {
            name: Arc::from(name),
            load: PodsLoad::Loading,
            problem: None,
        }
    }
}

impl Fleet {
    /// A fleet of `names` (duplicates dropped, order kept).
    pub fn new(names: &[String]) -> Fleet {
        let mut members: Vec<Member> = Vec::new();
        for name in names {
            if !members.iter().any(|m| &*m.name == name.as_str()) {
                members.push(Member::new(name));
            }
        }
        Fleet {
            members,
            only: None,
        }
    }

    /// Whether member `index`'s pods are shown.
    pub fn shows(&self, index: usize) -> bool {
        self.only.is_none_or(|only| only == index)
    }

    /// The member names, in order.
    pub fn names(&self) -> Vec<String> {
        self.members.iter().map(|m| m.name.to_string()).collect()
    }
}

/// The context an action on the selected row goes to: the row's own in a fleet, else the open
/// context.
pub fn selected_context(state: &super::State) -> Option<String> {
    let row = match &state.resource {
        Some(view) => view.selected_context(),
        None => state.pods.selected().and_then(|r| r.context.clone()),
    };
    row.map(|c| c.to_string()).or_else(|| state.context.clone())
}

/// What the title says of one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState<'a> {
    /// Rows so far (all of them once listed).
    Rows { count: usize, listed: bool },
    /// Its streams fail; the rows it listed before (if any) stay until it answers again.
    Failing(&'a Problem),
}

/// Opens `names` together (the first becomes the open context) in `namespace` (`None`: all).
pub fn open(state: &mut State, names: &[String], namespace: Option<String>) -> Vec<Effect> {
    let fleet = Fleet::new(names);
    let Some(first) = fleet.members.first().map(|m| m.name.to_string()) else {
        return Vec::new();
    };
    if fleet.members.len() == 1 {
        state.fleet = None;
        return state.open_context(first, namespace);
    }
    state.fleet = Some(fleet);
    state.resource = None;
    state.label_selector = None;
    let mut effects = super::detail::close(state);
    effects.extend(state.open_context(first, namespace));
    effects
}

/// The pods stream of the fleet, with every member loading again.
pub fn watch_pods(
    fleet: &mut Fleet,
    generation: u64,
    namespace: Option<String>,
    (label_selector, field_selector): (Option<String>, Option<String>),
) -> Effect {
    let mut contexts = Vec::new();
    let only = fleet.only;
    for (i, m) in fleet.members.iter_mut().enumerate() {
        m.problem = None;
        m.load = PodsLoad::Watching;
        if only.is_none_or(|only| only == i) {
            m.load = PodsLoad::Loading;
            contexts.push((i, m.name.to_string()));
        }
    }
    Effect::WatchFleetPods {
        generation,
        contexts,
        namespace,
        label_selector,
        field_selector,
    }
}

/// An event of member `member`'s pods list-watch (of the current pods generation).
pub fn on_pods(state: &mut State, member: usize, event: PodsEvent) -> Vec<Effect> {
    let Some(name) = state.fleet.as_ref().and_then(|f| f.members.get(member)) else {
        return Vec::new();
    };
    let name = Arc::clone(&name.name);
    state.dirty = true;
    let (mut load, mut problem) = (None, None);
    match event {
        Event::Page { page, first, last } => {
            load = last.then_some(PodsLoad::Watching);
            state.pods.page_in(&name, page, first);
        }
        Event::Changes(changes) => {
            super::pulse::on_pod_changes(state, &changes);
            state.pods.apply(changes);
        }
        Event::Live => {}
        Event::Failed { error, retry_at } => {
            problem = Some(Problem {
                failure: error,
                retry_at,
            })
        }
    }
    if let Some(m) = state.fleet.as_mut().and_then(|f| f.members.get_mut(member)) {
        m.problem = problem;
        if let Some(load) = load {
            m.load = load;
        }
    }
    state.pods_load = fleet_load(state);
    if state.pods_load == PodsLoad::Watching {
        state.pods.list_done();
    }
    super::containers::on_pods_changed(state)
}

/// The fleet is listed once every member has listed or failed: one context that cannot be
/// reached never keeps the others "loading".
fn fleet_load(state: &State) -> PodsLoad {
    let Some(fleet) = &state.fleet else {
        return state.pods_load;
    };
    let pending = fleet
        .members
        .iter()
        .any(|m| m.load == PodsLoad::Loading && m.problem.is_none());
    if pending {
        PodsLoad::Loading
    } else {
        PodsLoad::Watching
    }
}

/// Each member's name and state, in order, for the title.
pub fn summary(state: &State) -> Vec<(&str, MemberState<'_>)> {
    let Some(fleet) = &state.fleet else {
        return Vec::new();
    };
    fleet
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| fleet.shows(*i))
        .map(|(_, m)| {
            let shown = match &m.problem {
                Some(p) => MemberState::Failing(p),
                None => MemberState::Rows {
                    count: state.pods.count_in(&m.name),
                    listed: m.load == PodsLoad::Watching,
                },
            };
            (&*m.name, shown)
        })
        .collect()
}

/// Each member's name and state for the title of a fleet's resource table.
pub fn table_summary<'a>(
    state: &'a State,
    view: &'a super::kinds::ResourceView,
) -> Vec<(&'a str, MemberState<'a>)> {
    let Some(fleet) = &state.fleet else {
        return Vec::new();
    };
    let rows = view.table.as_ref().map_or(&[][..], |t| &t.rows[..]);
    fleet
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let shown = match view.failing.get(i).and_then(Option::as_ref) {
                Some(p) => MemberState::Failing(p),
                // Fleet tables keep rows in (context, namespace, name) order: two binary
                // searches per member per frame, not a scan of every row.
                None => MemberState::Rows {
                    count: rows.partition_point(|r| r.context.as_deref() <= Some(&*m.name))
                        - rows.partition_point(|r| r.context.as_deref() < Some(&*m.name)),
                    listed: view.live,
                },
            };
            (&*m.name, shown)
        })
        .collect()
}

/// What the screen calls the open context: the members joined by commas in a fleet.
pub fn label(state: &State) -> Option<String> {
    match &state.fleet {
        Some(fleet) => Some(fleet.names().join(",")),
        None => state.context.clone(),
    }
}

/// The open context in a few characters: a fleet is its first member and how many more
/// (`prod-eu +2`).
pub fn short_label(state: &State) -> Option<String> {
    match &state.fleet {
        Some(fleet) if fleet.members.len() > 1 => {
            let first = &fleet.members[0].name;
            Some(format!("{first} +{}", fleet.members.len() - 1))
        }
        _ => label(state),
    }
}

/// Members whose streams fail now (their rows in the table are the last they sent).
pub fn failing_names(state: &State) -> Vec<Arc<str>> {
    let Some(fleet) = &state.fleet else {
        return Vec::new();
    };
    fleet
        .members
        .iter()
        .filter(|m| m.problem.is_some())
        .map(|m| Arc::clone(&m.name))
        .collect()
}

/// True when `name` is a member of the open fleet.
pub fn member_of(state: &State, name: &str) -> bool {
    member_index(state, name).is_some()
}

/// Index of member `name`.
pub fn member_index(state: &State, name: &str) -> Option<usize> {
    state
        .fleet
        .as_ref()?
        .members
        .iter()
        .position(|m| &*m.name == name)
}

/// Space on the contexts pane: marks or unmarks the context under the cursor for a fleet.
pub fn toggle_pick(state: &mut State) {
    let Some(info) = state.contexts.get(state.contexts_cursor.selected()) else {
        return;
    };
    let name = info.name.clone();
    match state.fleet_picks.iter().position(|p| *p == name) {
        Some(i) => {
            state.fleet_picks.remove(i);
        }
        None => state.fleet_picks.push(name),
    }
    let n = state.fleet_picks.len();
    state.flash.info(format!(
        "{n} contexts marked: Enter opens them in one table"
    ));
    let len = state.contexts.len();
    state
        .contexts_cursor
        .on_move(crate::keys::Action::Down, len);
    state.dirty = true;
}

/// Enter on the contexts pane with contexts marked: they open together, in kubeconfig order.
pub fn open_picks(state: &mut State) -> Vec<Effect> {
    let picks = std::mem::take(&mut state.fleet_picks);
    let names: Vec<String> = state
        .contexts
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| picks.contains(n))
        .collect();
    let namespace = state.namespace.clone();
    let mut effects = open(state, &names, namespace);
    super::panes::after_pick(state);
    effects.extend(super::kinds::reopen(state));
    effects
}

/// `:ctx a,b`: those contexts together; unknown names are refused, not skipped.
pub fn open_named(state: &mut State, list: &str) -> Vec<Effect> {
    let names: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !state.contexts.iter().any(|c| &c.name == *n))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let text = format!("no such context: {}", unknown.join(", "));
        state.flash.error(text);
        return Vec::new();
    }
    let namespace = state.namespace.clone();
    open(state, &names, namespace)
}
