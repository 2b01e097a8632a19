//! The plain paginated HTTP baseline of `scripts/bench-e2e`: lists every pod page by page through
//! kr8s-tui's own client (same kubeconfig, TLS, HTTP version and page size as the app) and prints
//! one JSON line with the timings.
//!
//! ```text
//! cargo run --release --example list_baseline -- --kubeconfig F [--limit 500] [--mode raw|table|rows] [--repeat 3]
//! ```
//! `raw` only downloads (the baseline); `table` only downloads the server-printed Table the app
//! asks for; `rows` also decodes each page into `PodRow`s, as the app's
//! list task does, but one page after another (the app decodes while the next page downloads).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::table::RowFromPod;
use kr8s_tui::kube::{ApiCache, ApiRequest, Client, ClientOptions, ListParams};

struct Args {
    kubeconfig: std::path::PathBuf,
    limit: u32,
    mode: String,
    repeat: usize,
    in_process: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        kubeconfig: std::path::PathBuf::new(),
        limit: 500,
        mode: "raw".into(),
        repeat: 1,
        in_process: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--kubeconfig" => args.kubeconfig = value()?.into(),
            "--limit" => args.limit = value()?.parse()?,
            "--mode" => args.mode = value()?,
            "--repeat" => args.repeat = value()?.parse()?,
            "--bench" => {}
            "--in-process" => args.in_process = value()?.parse()?,
            other => bail!("unknown argument {other}"),
        }
    }
    if args.kubeconfig.as_os_str().is_empty() && args.in_process == 0 {
        bail!("--kubeconfig FILE is required");
    }
    Ok(args)
}

/// The `continue` token of a list body. The apiserver writes `metadata` before `items`, so the
/// head of the body is enough; anything else falls back to decoding the metadata.
fn continue_token(body: &[u8]) -> anyhow::Result<String> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default, rename = "continue")]
        cont: String,
    }
    #[derive(serde::Deserialize)]
    struct List {
        metadata: Meta,
    }
    let head = &body[..body.len().min(2048)];
    let needle = b"\"continue\":\"";
    if let Some(at) = head.windows(needle.len()).position(|w| w == needle) {
        let rest = &head[at + needle.len()..];
        if let Some(end) = rest.iter().position(|b| *b == b'"') {
            return Ok(String::from_utf8_lossy(&rest[..end]).into_owned());
        }
    }
    if head.windows(7).any(|w| w == b"\"items\"") {
        return Ok(String::new());
    }
    let list: List = serde_json::from_slice(body)?;
    Ok(list.metadata.cont)
}

/// One full paginated list; returns (pods, bytes, pages).
async fn list_once(
    client: &Client,
    limit: u32,
    mode: &str,
) -> anyhow::Result<(usize, usize, usize)> {
    let (mut pods, mut bytes, mut pages) = (0, 0, 0);
    let mut cont = String::new();
    loop {
        pages += 1;
        if mode == "value" {
            let req = ApiRequest {
                url: "pods".into(),
                query: format!("limit={limit}&continue={cont}"),
                ..ApiRequest::default()
            };
            let resp = client.call_api(&req).await?;
            let t = Instant::now();
            let v: serde_json::Value = serde_json::from_slice(&resp.body)?;
            eprintln!("value parse {:?}", t.elapsed());
            pods += v["items"].as_array().map_or(0, Vec::len);
            cont = v["metadata"]["continue"].as_str().unwrap_or("").to_string();
        } else if mode == "raw" {
            let req = ApiRequest {
                url: "pods".into(),
                query: format!("limit={limit}&continue={cont}"),
                ..ApiRequest::default()
            };
            let resp = client.call_api(&req).await?;
            bytes += resp.body.len();
            cont = continue_token(&resp.body)?;
            pods += memchr_count(&resp.body);
        } else if mode == "table" {
            let params = ListParams {
                limit: Some(limit),
                continue_token: Some(cont.clone()),
                ..ListParams::default()
            };
            let body = client.list_table_page_raw("/api/v1/pods", &params).await?;
            bytes += body.len();
            cont = kr8s_tui::kube::client::list_head(&body, "/api/v1/pods")?.1;
            pods += body.windows(9).filter(|w| w == b"{\"cells\":").count();
        } else {
            let params = ListParams {
                limit: Some(limit),
                continue_token: Some(cont.clone()),
                ..ListParams::default()
            };
            let page = client
                .list_page::<RowFromPod>("/api/v1/pods", &params)
                .await?;
            pods += page.items.len();
            std::hint::black_box(page.items);
            cont = page.continue_token;
        }
        if cont.is_empty() {
            return Ok((pods, bytes, pages));
        }
    }
}

/// Counts `"kind":"Pod"` occurrences: the number of pods in a raw page without decoding it.
fn memchr_count(body: &[u8]) -> usize {
    let needle = b"\"kind\":\"Pod\"";
    body.windows(needle.len()).filter(|w| w == needle).count()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = parse_args()?;
    let _demo = if args.in_process > 0 {
        let opts = kr8s_tui::demo::DemoOptions {
            pods: args.in_process,
            churn: 0.0,
            ..Default::default()
        };
        let h = kr8s_tui::demo::start(opts, kr8s_tui::demo::ServeOptions::default()).await?;
        args.kubeconfig = h.kubeconfig_path.clone();
        Some(h)
    } else {
        None
    };
    let source = discover(&LoadOptions {
        kubeconfig: Some(args.kubeconfig.clone()),
        context: None,
        namespace: None,
    })?;
    let cache = ApiCache::new(source, None, ClientOptions::default());
    let client = cache.api(None, None)?;
    // Connect and authenticate first, as the app has done by the time it lists.
    client.version().await?;
    let mut times = Vec::new();
    let mut last = (0, 0, 0);
    for _ in 0..args.repeat {
        let started = Instant::now();
        last = list_once(&client, args.limit, &args.mode).await?;
        times.push(started.elapsed());
    }
    times.sort();
    let median = times
        .get(times.len() / 2)
        .copied()
        .unwrap_or(Duration::ZERO);
    let all: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    println!(
        "{}",
        serde_json::json!({
            "mode": args.mode, "limit": args.limit, "pods": last.0, "bytes": last.1,
            "pages": last.2, "median_s": median.as_secs_f64(), "runs_s": all,
        })
    );
    Ok(())
}
