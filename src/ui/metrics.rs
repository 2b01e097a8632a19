//! Metrics cells as `kubectl top` prints them, for the pods pane and the nodes table. Facts
//! (millicores, bytes) live in state; the words are made here, per visible row only.

use crate::kube::metrics::{NodeUsage, PodResources, Usage, cpu_cell, mem_cell, percent};

/// What a pod without a sample (not running, or newer than the last poll) shows.
const NO_SAMPLE: &str = "n/a";

/// CPU, %CPU/R, %CPU/L, MEM, %MEM/R, %MEM/L of a pod. A percentage is `n/a` without a
/// sample or without that request or limit (as k9s shows it), blank while the pod's requests
/// and limits are not read yet.
pub fn pod_cells(usage: Option<Usage>, resources: Option<PodResources>) -> [String; 6] {
    let Some(u) = usage else {
        return [NO_SAMPLE; 6].map(String::from);
    };
    let share = |used: u64, of: fn(&PodResources) -> u64| match resources {
        None => String::new(),
        Some(r) => percent(used, of(&r)).map_or_else(|| NO_SAMPLE.into(), |p| p.to_string()),
    };
    [
        cpu_cell(u.cpu_milli),
        share(u.cpu_milli, |r| r.requests.cpu_milli),
        share(u.cpu_milli, |r| r.limits.cpu_milli),
        mem_cell(u.mem_bytes),
        share(u.mem_bytes, |r| r.requests.mem_bytes),
        share(u.mem_bytes, |r| r.limits.mem_bytes),
    ]
}

/// Titles of the node columns, in kubectl top node's order.
pub const NODE_TITLES: [&str; 4] = ["CPU", "%CPU", "MEM", "%MEM"];

/// CPU, its % of allocatable, MEM, its % of allocatable, of a node.
pub fn node_cells(node: Option<&NodeUsage>) -> [String; 4] {
    let Some(node) = node else {
        return [NO_SAMPLE; 4].map(String::from);
    };
    let share = |used: u64, of: Option<u64>| {
        of.and_then(|of| percent(used, of))
            .map_or_else(|| NO_SAMPLE.to_string(), |p| format!("{p}%"))
    };
    let alloc = node.allocatable;
    [
        cpu_cell(node.usage.cpu_milli),
        share(node.usage.cpu_milli, alloc.map(|a| a.cpu_milli)),
        mem_cell(node.usage.mem_bytes),
        share(node.usage.mem_bytes, alloc.map(|a| a.mem_bytes)),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use crate::kube::metrics::{NodeUsage, PodUsage, Usage};
    use crate::kube::resource_table::parse_table;
    use crate::msg::{MetricsReport, Msg};
    use crate::state::{State, update};
    use crate::ui::testing::{demo_state, draw, open_kind};

    const MI: u64 = 1024 * 1024;

    /// A sample for every pod of `state` but the init one (not running: no metrics).
    fn sample(state: &State, nodes: HashMap<String, NodeUsage>) -> Msg {
        let mut pods = PodUsage::new();
        for (i, row) in state.pods.rows().iter().enumerate() {
            if row.status.starts_with("Init") {
                continue;
            }
            let i = i as u64;
            let usage = Usage {
                cpu_milli: 3 + i * 97,
                mem_bytes: (20 + i * 150) * MI + 12345,
            };
            pods.entry(row.namespace.clone())
                .or_default()
                .insert(row.name.clone(), usage);
        }
        Msg::Metrics {
            generation: state.pods_gen,
            report: MetricsReport::Sample {
                pods: Arc::new(pods),
                nodes: Arc::new(nodes),
            },
        }
    }

    /// Requests for every pod, limits for every other one, nothing for the crash-looping one.
    fn resources(state: &State) -> Msg {
        let mut map = crate::kube::metrics::ResourcesMap::new();
        for (i, row) in state.pods.rows().iter().enumerate() {
            if row.status == "CrashLoopBackOff" {
                continue;
            }
            let requests = Usage {
                cpu_milli: 250,
                mem_bytes: 512 * MI,
            };
            let limits = if i % 2 == 0 {
                Usage {
                    cpu_milli: 1000,
                    mem_bytes: 2048 * MI,
                }
            } else {
                Usage::default()
            };
            let r = crate::kube::metrics::PodResources { requests, limits };
            map.entry(row.namespace.clone())
                .or_default()
                .insert(row.name.clone(), r);
        }
        Msg::Metrics {
            generation: state.pods_gen,
            report: MetricsReport::Resources(Arc::new(map)),
        }
    }

    #[test]
    fn pods_pane_with_cpu_and_mem() {
        let mut state = demo_state(true);
        let msg = resources(&state);
        update(&mut state, msg);
        let msg = sample(&state, HashMap::new());
        update(&mut state, msg);
        insta::assert_snapshot!(draw(180, 12, |f| crate::ui::pods::render(
            f,
            f.area(),
            &state
        )));
    }

    #[test]
    fn pods_sort_by_cpu_with_the_arrow_on_its_title() {
        let mut state = demo_state(false);
        let msg = sample(&state, HashMap::new());
        update(&mut state, msg);
        let six = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('6'));
        update(&mut state, Msg::Key(six));
        update(&mut state, Msg::Key(six));
        let screen = draw(120, 12, |f| crate::ui::pods::render(f, f.area(), &state));
        assert!(screen.contains("CPU↓"), "{screen}");
        let order: Vec<&str> = screen
            .lines()
            .filter_map(|l| {
                l.split_whitespace()
                    .find(|w| w.ends_with('m') && w.len() > 1)
            })
            .collect();
        assert_eq!(order.first(), Some(&"585m"), "{screen}");
    }

    #[test]
    fn nodes_with_percent_of_allocatable() {
        let mut state = demo_state(false);
        let id = open_kind(&mut state, "", "nodes");
        let table = parse_table(
            br#"{"kind":"Table","columnDefinitions":[{"name":"Name"},{"name":"Status"},
            {"name":"Roles"},{"name":"Version"}],
            "rows":[{"object":{"metadata":{"name":"worker-1"}},"cells":["worker-1","Ready","<none>","v1.31.0"]},
              {"object":{"metadata":{"name":"worker-2"}},"cells":["worker-2","Ready","<none>","v1.31.0"]},
              {"object":{"metadata":{"name":"worker-3"}},"cells":["worker-3","NotReady","<none>","v1.31.0"]}]}"#,
        )
        .expect("a table");
        update(&mut state, Msg::table_listed(id, table));
        let alloc = Usage {
            cpu_milli: 8000,
            mem_bytes: 32 * 1024 * MI,
        };
        let node = |cpu_milli, mem_gi: u64, allocatable| NodeUsage {
            usage: Usage {
                cpu_milli,
                mem_bytes: mem_gi * 1024 * MI,
            },
            allocatable,
        };
        let nodes = HashMap::from([
            ("worker-1".to_string(), node(2999, 16, Some(alloc))),
            ("worker-2".to_string(), node(7999, 31, None)),
        ]);
        let msg = sample(&state, nodes);
        update(&mut state, msg);
        insta::assert_snapshot!(draw(100, 10, |f| crate::ui::render(f, &state)));
    }
}
