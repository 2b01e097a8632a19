//! A resource table across a fleet: every member lists and watches the same path; rows carry
//! their context and stay in (context, namespace, name) order, so one member's pages and
//! events never disturb another's rows.

use std::sync::Arc;

use super::kinds::ResourceView;
use super::{Problem, State};
use crate::kube::resource_table::{ResourceTable, TableRow};
use crate::kube::watcher::{Change, Event};
use crate::msg::TableFeedEvent;

fn key(row: &TableRow) -> (&str, &str, &str) {
    let context = row.context.as_deref().unwrap_or("");
    (context, &row.namespace, &row.name)
}

/// An event of member `member`'s list-watch for resource view `id`.
pub fn on_event(state: &mut State, id: u64, member: usize, event: TableFeedEvent) {
    let Some(fleet) = &state.fleet else {
        return;
    };
    let Some(name) = fleet.members.get(member).map(|m| Arc::clone(&m.name)) else {
        return;
    };
    let Some(view) = state.resource.as_mut().filter(|v| v.id == id) else {
        return;
    };
    state.dirty = true;
    let keep = view.selected_key();
    // While the members list, a cursor at the top stays there as rows arrive above it.
    let mut top = view.cursor.selected() == 0 && view.awaited.is_none();
    let mut failing = None;
    match event {
        Event::Page { page, first, last } => {
            page_in(view, &name, page, first);
            view.live = last;
        }
        Event::Changes(changes) => {
            top = false;
            if let Some(table) = view.table.as_mut() {
                apply(&mut table.rows, changes);
            }
        }
        Event::Live => {}
        Event::Failed { error, retry_at } => {
            failing = Some(Problem {
                failure: error,
                retry_at,
            })
        }
    }
    if let Some(slot) = view.failing.get_mut(member) {
        *slot = failing;
    }
    view.reselect_listed(keep);
    if top && matches!(view.cursor.selected(), 1..) {
        let len = view.len();
        view.cursor.select(0, len);
    }
}

/// A page of `context`'s list: the first replaces its rows, a later one follows them. The
/// columns are those of the first member to answer.
fn page_in(view: &mut ResourceView, context: &str, page: ResourceTable, first: bool) {
    let table = view.table.get_or_insert_with(|| ResourceTable {
        columns: page.columns.clone(),
        ..ResourceTable::default()
    });
    if table.columns.is_empty() {
        table.columns = page.columns;
    }
    let rows = &mut table.rows;
    let lo = rows.partition_point(|r| key(r).0 < context);
    let hi = rows.partition_point(|r| key(r).0 <= context);
    let at = if first { lo } else { hi };
    rows.splice(at..hi, page.rows);
    if !rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        rows.sort_by(|a, b| key(a).cmp(&key(b)));
    }
}

/// Watch changes of one member: replaced, inserted at their place, or removed.
fn apply(rows: &mut Vec<TableRow>, changes: Vec<Change<TableRow>>) {
    for change in changes {
        match change {
            Change::Added(row) | Change::Modified(row) => {
                match rows.binary_search_by(|r| key(r).cmp(&key(&row))) {
                    Ok(i) => rows[i] = row,
                    Err(i) => rows.insert(i, row),
                }
            }
            Change::Deleted(row) => {
                if let Ok(i) = rows.binary_search_by(|r| key(r).cmp(&key(&row))) {
                    rows.remove(i);
                }
            }
        }
    }
}
