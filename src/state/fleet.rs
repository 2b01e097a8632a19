//! Several contexts in one table (a fleet): each member context has its own client and
//! list-watch; their rows share one table, one filter and one sort, and every action acts on
//! the row's own context.

use std::sync::Arc;

use super::{PodsLoad, Problem};

/// The contexts shown together, in the order asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    pub members: Vec<Member>,
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
        Fleet { members }
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
