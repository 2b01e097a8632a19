//! Short constructors for the stream messages (tests, benches and harnesses build many).

use super::Msg;
use crate::kube::Failure;
use crate::kube::resource_table::ResourceTable;
use crate::kube::table::PodRow;
use crate::kube::watcher::{Change, Event};

impl Msg {
    /// A page of the pods list; `more` is false on the last page.
    pub fn pods_page(generation: u64, rows: Vec<PodRow>, first: bool, more: bool) -> Msg {
        let event = Event::Page {
            page: rows,
            first,
            last: !more,
        };
        Msg::Pods { generation, event }
    }

    /// Changes from the pods watch.
    pub fn pod_changes(generation: u64, changes: Vec<Change<PodRow>>) -> Msg {
        let event = Event::Changes(changes);
        Msg::Pods { generation, event }
    }

    /// The pods stream failed and tries again at `retry_at`.
    pub fn pods_failed(
        generation: u64,
        error: impl Into<Failure>,
        retry_at: Option<jiff::Timestamp>,
    ) -> Msg {
        let error = error.into();
        let event = Event::Failed { error, retry_at };
        Msg::Pods { generation, event }
    }

    /// The whole namespaces list in one page.
    pub fn namespaces_listed(generation: u64, names: Vec<String>) -> Msg {
        let event = Event::Page {
            page: names,
            first: true,
            last: true,
        };
        Msg::Namespaces { generation, event }
    }

    /// A whole server Table for resource view `id` in one page.
    pub fn table_listed(id: u64, table: ResourceTable) -> Msg {
        let event = Event::Page {
            page: table,
            first: true,
            last: true,
        };
        Msg::Table { id, event }
    }
}
