//! The pods pipeline at 100 000 pods: decode a page, build rows, filter, render a frame, apply a
//! watch event. Pod JSON comes from the demo cluster's own generator (an in-process demo server
//! with 100 000 pods, listed once at start-up), so the data is what the app really sees.
//!
//! `cargo bench --bench pods` (add `-- decode` etc. to run one group).

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kr8s_tui::demo::{self, DemoOptions, ServeOptions};
use kr8s_tui::kube::client::decode_list;
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::table::server::decode_pods_page;
use kr8s_tui::kube::table::{Pod, PodRow, RowFromPod};
use kr8s_tui::kube::watcher::Change;
use kr8s_tui::kube::{ApiCache, ClientOptions, ListParams};
use kr8s_tui::msg::Msg;
use kr8s_tui::state::{self, StartOptions, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PODS: usize = 100_000;
const PAGE: u32 = 500;

/// Raw list pages (limit 500) of a 100 000-pod demo cluster, and the first two pages as the
/// server prints them (`as=Table`, what the app lists).
struct Data {
    pages: Vec<Bytes>,
    tables: Vec<Bytes>,
}

fn data() -> Data {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async {
        let opts = DemoOptions {
            pods: PODS,
            churn: 0.0,
            ..DemoOptions::default()
        };
        let handle = demo::start(opts, ServeOptions::default())
            .await
            .expect("demo server starts");
        let source = discover(&LoadOptions {
            kubeconfig: Some(handle.kubeconfig_path.clone()),
            context: None,
            namespace: None,
        })
        .expect("demo kubeconfig loads");
        let client = ApiCache::new(source, None, ClientOptions::default())
            .api(None, None)
            .expect("client");
        let mut params = ListParams {
            limit: Some(PAGE),
            ..ListParams::default()
        };
        let mut pages = Vec::new();
        loop {
            let body = client
                .list_page_raw("/api/v1/pods", &params)
                .await
                .expect("list page");
            let (_, cont) =
                kr8s_tui::kube::client::list_head(&body, "/api/v1/pods").expect("list head");
            pages.push(body);
            if cont.is_empty() {
                break;
            }
            params.continue_token = Some(cont);
        }
        let mut params = ListParams {
            limit: Some(PAGE),
            ..ListParams::default()
        };
        let mut tables = Vec::new();
        for _ in 0..2 {
            let body = client
                .list_table_page_raw("/api/v1/pods", &params)
                .await
                .expect("table page");
            let (_, cont) =
                kr8s_tui::kube::client::list_head(&body, "/api/v1/pods").expect("list head");
            tables.push(body);
            params.continue_token = Some(cont);
        }
        Data { pages, tables }
    })
}

/// A page decoded into rows, as the app's list task does.
fn decode(page: &[u8]) -> Vec<PodRow> {
    decode_list::<RowFromPod>(page, "/api/v1/pods")
        .expect("page decodes")
        .items
        .into_iter()
        .map(|RowFromPod(row)| row)
        .collect()
}

/// A page's pods, borrowing from the page (to time `printPod` on its own).
#[derive(serde::Deserialize)]
struct Pods<'a> {
    #[serde(borrow)]
    items: Vec<Pod<'a>>,
}

fn all_rows(data: &Data) -> Vec<PodRow> {
    data.pages.iter().flat_map(|p| decode(p)).collect()
}

/// A state watching all namespaces of context "demo" with `rows` loaded.
fn loaded_state(rows: Vec<PodRow>) -> State {
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        ..StartOptions::default()
    });
    state.now = jiff::Timestamp::now();
    let ctx = kr8s_tui::kube::kubeconfig::ContextInfo {
        name: "demo".into(),
        cluster: "demo".into(),
        user: "demo".into(),
        namespace: None,
    };
    state::update(
        &mut state,
        Msg::Contexts {
            contexts: vec![ctx],
            selected: Some("demo".into()),
            fleet: Vec::new(),
            namespace: None,
            error: None,
        },
    );
    let generation = state.pods_gen;
    state::update(&mut state, Msg::pods_page(generation, rows, true, false));
    state
}

/// A state showing the fleet `ctx-0` … `ctx-{n-1}`, all namespaces, nothing listed.
fn fleet_state(n: usize) -> State {
    let mut state = State::new(StartOptions {
        all_namespaces: true,
        ..StartOptions::default()
    });
    let names: Vec<String> = (0..n).map(|i| format!("ctx-{i}")).collect();
    let contexts = names
        .iter()
        .map(|name| kr8s_tui::kube::kubeconfig::ContextInfo {
            name: name.clone(),
            cluster: name.clone(),
            user: name.clone(),
            namespace: None,
        })
        .collect();
    state::update(
        &mut state,
        Msg::Contexts {
            contexts,
            selected: names.first().cloned(),
            fleet: names,
            namespace: None,
            error: None,
        },
    );
    state
}

/// `rows` split over `n` contexts, as (member, page, first, last) in round-robin order: the
/// order pages of concurrent lists arrive in.
fn fleet_pages(rows: &[PodRow], n: usize) -> Vec<(usize, Vec<PodRow>, bool, bool)> {
    let per = rows.len() / n;
    let lists: Vec<Vec<Vec<PodRow>>> = (0..n)
        .map(|m| {
            let context: std::sync::Arc<str> = std::sync::Arc::from(format!("ctx-{m}"));
            rows[m * per..(m + 1) * per]
                .chunks(PAGE as usize)
                .map(|page| {
                    page.iter()
                        .map(|r| PodRow {
                            context: Some(context.clone()),
                            ..r.clone()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    let pages = lists.first().map_or(0, Vec::len);
    for i in 0..pages {
        for (m, list) in lists.iter().enumerate() {
            if let Some(page) = list.get(i) {
                out.push((m, page.clone(), i == 0, i + 1 == list.len()));
            }
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let data = data();
    let middle = &data.pages[data.pages.len() / 2];

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(middle.len() as u64));
    g.bench_function("page_500_pods", |b| b.iter(|| decode(black_box(middle))));
    g.finish();

    // What the list does: a page of server-printed rows (column positions from the first page).
    let mut columns = None;
    let now = jiff::Timestamp::now();
    decode_pods_page(&data.tables[0], "/api/v1/pods", &mut columns, now).expect("first table");
    let table = &data.tables[1];
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(table.len() as u64));
    g.bench_function("table_page_500_rows", |b| {
        b.iter(|| {
            let mut cols = columns.clone();
            decode_pods_page(black_box(table), "/api/v1/pods", &mut cols, now).expect("table")
        })
    });
    g.finish();

    let text = std::str::from_utf8(middle).expect("UTF-8 page");
    let pods = serde_json::from_str::<Pods>(text)
        .expect("page decodes")
        .items;
    let mut g = c.benchmark_group("rows");
    g.throughput(Throughput::Elements(pods.len() as u64));
    g.bench_function("from_pod_500", |b| {
        b.iter(|| {
            black_box(&pods)
                .iter()
                .map(PodRow::from_pod)
                .collect::<Vec<_>>()
        })
    });
    g.finish();

    let rows = all_rows(&data);
    assert_eq!(rows.len(), PODS);
    let mut state = loaded_state(rows.clone());
    assert_eq!(state.pods.len(), PODS);

    // No filter exists in the state yet: this is the scan a filter has to do per keystroke.
    let mut g = c.benchmark_group("filter");
    g.throughput(Throughput::Elements(PODS as u64));
    g.bench_function("substring_scan_100k_names", |b| {
        b.iter(|| {
            let needle = black_box("web-7");
            state
                .pods
                .rows()
                .iter()
                .filter(|r| r.name.contains(needle) || r.namespace.contains(needle))
                .count()
        })
    });
    // What typing a query then erasing it does to the view over 100k rows (the app's filter):
    // "web" over every cell, "name:web" over names only (what the filter did before it matched
    // every cell), and "Running", which only STATUS holds.
    let typing = [
        ("type_and_erase_web_100k", ""),
        ("type_and_erase_name_web_100k", "name:"),
    ];
    for (bench, prefix) in typing {
        g.bench_function(bench, |b| {
            let rows = state.pods.rows();
            let mut view = kr8s_tui::state::filter::View::default();
            view.set_with_namespace(true, rows);
            let queries = ["w", "we", "web", "we", "w", ""].map(|q| format!("{prefix}{q}"));
            b.iter(|| {
                for q in &queries {
                    view.set_query(black_box(q), rows);
                }
                view.indices().len()
            })
        });
    }
    g.bench_function("type_and_erase_running_100k", |b| {
        let rows = state.pods.rows();
        let mut view = kr8s_tui::state::filter::View::default();
        view.set_with_namespace(true, rows);
        let word = "Running";
        let typed: Vec<&str> = (1..=word.len()).map(|n| &word[..n]).collect();
        b.iter(|| {
            for q in typed.iter().chain(typed.iter().rev().skip(1)) {
                view.set_query(black_box(q), rows);
            }
            view.set_query("", rows);
            view.indices().len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("render");
    g.bench_function("frame_160x48_100k_rows", |b| {
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
        b.iter(|| {
            term.draw(|f| kr8s_tui::ui::render(f, &state))
                .expect("draw");
        })
    });
    g.bench_function("frame_160x48_100k_rows_middle", |b| {
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
        state.pods.cursor.select(PODS / 2, PODS);
        b.iter(|| {
            term.draw(|f| kr8s_tui::ui::render(f, &state))
                .expect("draw");
        })
    });
    g.finish();

    let mut g = c.benchmark_group("watch_event");
    let generation = state.pods_gen;
    let existing = rows[PODS / 2].clone();
    g.bench_function("modified_100k", |b| {
        b.iter_batched(
            || Msg::pod_changes(generation, vec![Change::Modified(existing.clone())]),
            |msg| state::update(&mut state, msg),
            BatchSize::SmallInput,
        )
    });
    let mut fresh = existing.clone();
    fresh.name.push_str("-new");
    g.bench_function("added_then_deleted_100k", |b| {
        b.iter_batched(
            || {
                let changes = vec![Change::Added(fresh.clone()), Change::Deleted(fresh.clone())];
                Msg::pod_changes(generation, changes)
            },
            |msg| state::update(&mut state, msg),
            BatchSize::SmallInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("list");
    g.sample_size(10);
    g.bench_function("pages_into_state_100k", |b| {
        b.iter_batched(
            || {
                rows.chunks(PAGE as usize)
                    .map(<[_]>::to_vec)
                    .collect::<Vec<_>>()
            },
            |pages| {
                let mut s = loaded_state(Vec::new());
                let generation = s.pods_gen;
                let n = pages.len();
                for (i, rows) in pages.into_iter().enumerate() {
                    let msg = Msg::pods_page(generation, rows, i == 0, i + 1 < n);
                    state::update(&mut s, msg);
                }
                s
            },
            BatchSize::LargeInput,
        )
    });
    // A fleet of 10 contexts of 10 000 pods each: their pages arrive interleaved, each one
    // landing among its own context's rows (the --contexts figure of scripts/bench-e2e).
    g.bench_function("fleet_pages_into_state_10x10k", |b| {
        b.iter_batched(
            || fleet_pages(&rows, 10),
            |pages| {
                let mut s = fleet_state(10);
                let generation = s.pods_gen;
                for (member, rows, first, last) in pages {
                    let event = kr8s_tui::kube::watcher::Event::Page {
                        page: rows,
                        first,
                        last,
                    };
                    let msg = Msg::FleetPods {
                        generation,
                        member,
                        event,
                    };
                    state::update(&mut s, msg);
                }
                s
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = pods;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(pods);
