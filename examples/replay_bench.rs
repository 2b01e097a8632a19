//! Replay cost on a large recording (issue 19): builds one from real demo traffic, then times
//! opening it, the first screen's state and a jump.
//!
//! ```text
//! cargo run --release --example replay_bench -- --pods 100000 --size-mib 1024 --out FILE
//! ```
//! The demo (in process) is listed once and churned for a few seconds through a recording
//! client; its list pages and watch lines are then written again and again with times 2 ms
//! apart (500 events/s), each line with 256 random bytes so zstd cannot fold the repeats
//! away, until the file reaches --size-mib. Prints one JSON line.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use kr8s_tui::demo::{self, DemoOptions, ServeOptions};
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::watcher::{Decoder, Item, ListWatch, PodRows};
use kr8s_tui::kube::{ApiCache, ClientOptions};
use kr8s_tui::record::format::{FOOTER_LEN, Record};
use kr8s_tui::record::{Recorder, Recording, Replay};

struct Args {
    pods: usize,
    size_mib: u64,
    out: PathBuf,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        pods: 100_000,
        size_mib: 1024,
        out: PathBuf::from("big.kr8s"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--pods" => args.pods = value.parse()?,
            "--size-mib" => args.size_mib = value.parse()?,
            "--out" => args.out = value.into(),
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(args)
}

/// Real list pages and watch lines of the demo at `pods` pods.
async fn sample(pods: usize, dir: &std::path::Path) -> anyhow::Result<(Vec<Record>, Vec<Vec<u8>>)> {
    let opts = DemoOptions {
        pods,
        namespaces: 50,
        churn: 500.0,
        ..DemoOptions::default()
    };
    let demo = demo::start(opts, ServeOptions::default()).await?;
    let file = dir.join("sample.kr8s");
    let recorder = Arc::new(Recorder::create(&file)?);
    let source = discover(&LoadOptions {
        kubeconfig: Some(demo.kubeconfig_path.clone()),
        ..LoadOptions::default()
    })?;
    let client_opts = ClientOptions {
        recorder: Some(Arc::clone(&recorder)),
        ..ClientOptions::default()
    };
    let client = ApiCache::new(source, None, client_opts).api(None, None)?;
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = ListWatch {
        client,
        path: "/api/v1/pods".into(),
        label_selector: None,
        field_selector: None,
        page_size: 500,
        max_backoff: Duration::from_secs(1),
        decoder: PodRows::default(),
    };
    let task = tokio::spawn(engine.run(move |event| {
        if let kr8s_tui::kube::watcher::Event::Page { last: true, .. } = event {
            let _ = done_tx.send(());
        }
        true
    }));
    done_rx.recv().await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    task.abort();
    recorder.finish()?;
    let rec = Recording::open(&file)?;
    let (mut head, mut lines) = (Vec::new(), Vec::new());
    for frame in rec.frames() {
        for r in rec.read_frame(frame)? {
            match r {
                Record::Line { line, .. } => lines.push(line),
                Record::Stream { .. } | Record::Page { .. } => head.push(r),
                Record::Doc { .. } => {}
            }
        }
    }
    Ok((head, lines))
}

/// 256 pseudo-random hex-ish bytes (xorshift): incompressible enough for a size test.
fn noise(state: &mut u64) -> String {
    let mut s = String::with_capacity(256);
    while s.len() < 256 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        s.push_str(&format!("{:016x}", *state));
    }
    s
}

/// Decodes the pods stream of a state as the replayed view does: (listed rows, changes since).
fn decode(state: &kr8s_tui::record::Keyframe) -> anyhow::Result<(usize, usize)> {
    let stream = state.streams.values().next().context("no stream")?;
    let mut columns = Default::default();
    let mut rows = 0;
    for (_, _, body) in stream.pages() {
        rows += PodRows::default()
            .page(&mut columns, &body, "/api/v1/pods")?
            .len();
    }
    let mut changes = 0;
    for line in stream.lines() {
        if let Ok(Item::Changes(c, _)) =
            PodRows::default().event(&mut columns, &line, "/api/v1/pods")
        {
            changes += c.len();
        }
    }
    Ok((rows, changes))
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 10.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let dir = tempfile::tempdir()?;
    let (head, lines) = sample(args.pods, dir.path()).await?;
    anyhow::ensure!(!lines.is_empty(), "the demo churned nothing");

    let t_write = Instant::now();
    let t0 = 1_796_724_000_000i64;
    let rec = Recorder::create(&args.out)?;
    for r in head {
        rec.push(match r {
            Record::Page {
                id,
                first,
                last,
                body,
                ..
            } => Record::Page {
                t: t0,
                id,
                first,
                last,
                body,
            },
            other => other,
        });
    }
    let target = args.size_mib << 20;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut i = 0u64;
    loop {
        let line = &lines[(i as usize) % lines.len()];
        let text = String::from_utf8_lossy(line);
        let noisy = text.replacen(
            "{\"type\":",
            &format!("{{\"nonce\":\"{}\",\"type\":", noise(&mut seed)),
            1,
        );
        rec.push(Record::Line {
            t: t0 + 1000 + i as i64 * 2,
            id: 1,
            line: noisy.into_bytes(),
        });
        i += 1;
        if i % 500 == 0 {
            rec.cut();
        }
        if i % 20_000 == 0 {
            rec.sync();
            if std::fs::metadata(&args.out)?.len() >= target {
                break;
            }
        }
    }
    rec.finish()?;
    let write_s = t_write.elapsed().as_secs_f64();
    let size = std::fs::metadata(&args.out)?.len();

    // Drop the page cache's advantage as far as we can without root: read nothing beforehand.
    let t_open = Instant::now();
    let replay = Replay::open(&args.out)?;
    let open = t_open.elapsed();
    let (first, last) = replay.recording().span();
    let t_first = Instant::now();
    let state = replay.state_at(last)?;
    let rows = decode(&state)?;
    let first_screen = t_first.elapsed() + open;
    let mut jumps = Vec::new();
    for frac in [0.5, 0.25, 0.9] {
        let at = first + ((last - first) as f64 * frac) as i64;
        let t = Instant::now();
        let state = replay.state_at(at)?;
        decode(&state)?;
        jumps.push(ms(t.elapsed()));
    }
    let frames = replay.recording().frames();
    let keyframes = frames
        .iter()
        .filter(|f| f.kind == kr8s_tui::record::format::FrameKind::Keyframe)
        .count();
    let n_frames = frames.len();
    drop(replay);

    // The same file after a crash: no footer, the index rebuilt by hopping frame headers.
    let f = std::fs::OpenOptions::new().write(true).open(&args.out)?;
    f.set_len(size - FOOTER_LEN)?;
    let t_rebuild = Instant::now();
    let rebuilt = Recording::open(&args.out)?;
    let rebuild = t_rebuild.elapsed();
    anyhow::ensure!(!rebuilt.indexed(), "the footer was still found");

    println!(
        "{}",
        serde_json::json!({
            "pods": args.pods,
            "rows_listed_at_end": rows.0,
            "changes_since_list_at_end": rows.1,
            "sample_lines": lines.len(),
            "events": i,
            "recorded_minutes": ((last - first) as f64 / 60_000.0 * 10.0).round() / 10.0,
            "file_mib": (size as f64 / 1048576.0).round(),
            "frames": n_frames,
            "keyframes": keyframes,
            "write_s": (write_s * 10.0).round() / 10.0,
            "open_ms": ms(open),
            "first_screen_state_ms": ms(first_screen),
            "jump_ms": jumps,
            "open_without_index_ms": ms(rebuild),
        })
    );
    Ok(())
}
