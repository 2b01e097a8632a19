//! The end-to-end harness of `scripts/bench-e2e`: runs a command (the real `kr8s-tui`) in a
//! 160×48 pseudo-terminal, parses what it draws with vt100 on a reader thread and prints one
//! JSON line. A native screen model keeps the harness off the app's CPU (pyte spent ~8 ms a
//! frame, on a machine with 2 cores).
//!
//! ```text
//! tui_bench --pods N [--idle 10] [--keys 60] [--query web] [--timeout 120] -- CMD [ARGS…]
//! tui_bench --pods N --log-follow SECS [--timeout 120] -- CMD [ARGS…]
//! ```
//! Pods mode: launch → first row (`first_rows_s`), launch → "N pods … watching"
//! (`full_list_s`), `peak_rss_mib`, `idle_cpu_pct` over `--idle` seconds, then keypress → frame
//! latency for `j`, PgDn and filter typing (`key_to_frame_ms`). Log-follow mode: after the full
//! list, opens the logs of the first Running pod (`l`) and samples RSS and the lines the view
//! holds every 5 s for SECS seconds (`log_follow`). On a timeout the JSON holds `error` and the
//! screen, and the exit code is 1.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use regex::Regex;
use serde_json::{Map, Value, json};

const COLS: u16 = 160;
const ROWS: u16 = 48;
/// Clock ticks per second of /proc/PID/stat (`getconf CLK_TCK`; libc is no dependency here).
const CLK_TCK: f64 = 100.0;
/// Period of the peak-RSS sampler.
const RSS_EVERY: Duration = Duration::from_millis(5);
/// The longest a single key may take to show its frame.
const KEY_TIMEOUT: Duration = Duration::from_secs(5);
/// Output must pause this long after a key's frame before the next key, so that a frame split
/// over several reads is complete before the next "before" snapshot.
const QUIET: Duration = Duration::from_millis(5);
/// ... but the app may redraw on its own (ticks, followed logs): stop waiting for quiet then.
const QUIET_MAX: Duration = Duration::from_millis(200);
/// Period of the log-follow samples.
const LOG_SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// Escape sequences of the keys sent.
const PGDN: &[u8] = b"\x1b[6~";
const PGUP: &[u8] = b"\x1b[5~";
const BACKSPACE: &[u8] = b"\x7f";
const ESC: &[u8] = b"\x1b";

const USAGE: &str = "usage: tui_bench --pods N [--idle SECS] [--keys K] [--query TEXT] \
                     [--timeout SECS] [--log-follow SECS] [--churn] -- CMD [ARGS...]";

struct Args {
    pods: usize,
    idle: Duration,
    keys: usize,
    query: String,
    timeout: Duration,
    log_follow: Duration,
    /// The server churns: the list is complete at any count near `pods` ("watching").
    churn: bool,
    cmd: Vec<String>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        pods: 0,
        idle: Duration::from_secs(10),
        keys: 60,
        query: "web".into(),
        timeout: Duration::from_secs(120),
        log_follow: Duration::ZERO,
        churn: false,
        cmd: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--pods" => args.pods = value()?.parse()?,
            "--idle" => args.idle = Duration::try_from_secs_f64(value()?.parse()?)?,
            "--keys" => args.keys = value()?.parse()?,
            "--query" => args.query = value()?,
            "--timeout" => args.timeout = Duration::try_from_secs_f64(value()?.parse()?)?,
            "--log-follow" => args.log_follow = Duration::try_from_secs_f64(value()?.parse()?)?,
            "--churn" => args.churn = true,
            "--" => {
                args.cmd = it.by_ref().collect();
                break;
            }
            other => bail!("unknown argument {other}"),
        }
    }
    if args.pods == 0 || args.cmd.is_empty() {
        bail!("--pods N and a command after -- are required");
    }
    if args.query.is_empty() {
        bail!("--query must not be empty");
    }
    Ok(args)
}

/// A screen condition, checked on the reader thread against the screen text after each read.
type Cond = Box<dyn FnMut(&str) -> bool + Send>;

struct Watch {
    id: u64,
    cond: Cond,
    hit: Option<Instant>,
}

/// What the reader thread and the driver share, behind one mutex.
struct Shared {
    parser: vt100::Parser,
    watches: Vec<Watch>,
    next_id: u64,
    last_read: Instant,
    ended: bool,
}

impl Shared {
    /// Marks the pending watches that the screen now satisfies, with the time of this read.
    fn check(&mut self, at: Instant) {
        if self.watches.iter().all(|w| w.hit.is_some()) {
            return;
        }
        let text = self.parser.screen().contents();
        for w in self.watches.iter_mut().filter(|w| w.hit.is_none()) {
            if (w.cond)(&text) {
                w.hit = Some(at);
            }
        }
    }

    fn remove(&mut self, id: u64) -> Option<Watch> {
        let at = self.watches.iter().position(|w| w.id == id)?;
        Some(self.watches.swap_remove(at))
    }
}

type Link = Arc<(Mutex<Shared>, Condvar)>;

fn lock(sync: &Link) -> MutexGuard<'_, Shared> {
    sync.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// Feeds the parser and checks the watches as each chunk arrives; no polling interval.
fn read_loop(mut reader: Box<dyn Read + Send>, sync: Link) {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).unwrap_or(0);
        let mut s = lock(&sync);
        if n == 0 {
            s.ended = true;
            sync.1.notify_all();
            return;
        }
        s.parser.process(&buf[..n]);
        let now = Instant::now();
        s.last_read = now;
        s.check(now);
        drop(s);
        sync.1.notify_all();
    }
}

/// Samples VmRSS every few ms until stopped or the process is gone; keeps the peak in KiB.
fn sample_peak_rss(pid: u32, peak: Arc<AtomicU64>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let Some(kib) = rss_kib(pid) else { return };
        peak.fetch_max(kib, Ordering::Relaxed);
        std::thread::sleep(RSS_EVERY);
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime + stime of the process, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: fields are counted after its closing parenthesis,
    // where field 3 (state) comes first, so utime (14) and stime (15) are 11 and 12.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / CLK_TCK)
}

fn mib(kib: u64) -> f64 {
    round3(kib as f64 / 1024.0)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The app under test in its pty.
struct Term {
    sync: Link,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    started: Instant,
    peak_kib: Arc<AtomicU64>,
    stop_sampler: Arc<AtomicBool>,
    // Dropping the master hangs up the pty: keep it for the app's lifetime.
    _master: Box<dyn MasterPty + Send>,
}

impl Term {
    /// Starts `cmd` with `watches` registered before its first byte is read, so launch
    /// milestones are timed from the spawn.
    fn spawn(cmd: &[String], watches: Vec<Cond>) -> anyhow::Result<(Term, Vec<u64>)> {
        let pair = native_pty_system().openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let (program, args) = cmd.split_first().context("no command to run")?;
        let mut builder = CommandBuilder::new(program);
        builder.args(args);
        builder.env("TERM", "xterm-256color");
        // portable-pty starts in $HOME otherwise; relative paths are the caller's.
        builder.cwd(std::env::current_dir()?);
        let mut shared = Shared {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            watches: Vec::new(),
            next_id: 0,
            last_read: Instant::now(),
            ended: false,
        };
        let ids = watches.into_iter().map(|c| add(&mut shared, c)).collect();
        let sync: Link = Arc::new((Mutex::new(shared), Condvar::new()));
        let reader = pair.master.try_clone_reader()?;
        let writer = pair.master.take_writer()?;
        let started = Instant::now();
        let child = pair.slave.spawn_command(builder)?;
        // Our copy of the slave would keep the pty open after the app exits.
        drop(pair.slave);
        let pid = child.process_id().context("the child has no process id")?;
        let reader_sync = Arc::clone(&sync);
        std::thread::spawn(move || read_loop(reader, reader_sync));
        let peak_kib = Arc::new(AtomicU64::new(0));
        let stop_sampler = Arc::new(AtomicBool::new(false));
        let (peak, stop) = (Arc::clone(&peak_kib), Arc::clone(&stop_sampler));
        std::thread::spawn(move || sample_peak_rss(pid, peak, stop));
        let term = Term {
            sync,
            writer,
            child,
            pid,
            started,
            peak_kib,
            stop_sampler,
            _master: pair.master,
        };
        Ok((term, ids))
    }

    fn text(&self) -> String {
        lock(&self.sync).parser.screen().contents()
    }

    /// Whether the pty reached EOF (the app exited).
    fn ended(&self) -> bool {
        lock(&self.sync).ended
    }

    fn peak_rss_mib(&self) -> f64 {
        mib(self.peak_kib.load(Ordering::Relaxed))
    }

    fn send(&mut self, keys: &[u8]) -> anyhow::Result<()> {
        self.writer.write_all(keys)?;
        self.writer.flush()?;
        Ok(())
    }

    /// Waits for watch `id` and removes it; its hit time, or None on timeout or EOF.
    fn wait_hit(&self, id: u64, deadline: Instant) -> Option<Instant> {
        let mut s = lock(&self.sync);
        loop {
            if let Some(at) = s.watches.iter().find(|w| w.id == id).and_then(|w| w.hit) {
                s.remove(id);
                return Some(at);
            }
            let now = Instant::now();
            if s.ended || now >= deadline {
                s.remove(id);
                return None;
            }
            s = match self.sync.1.wait_timeout(s, deadline - now) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// Waits until the screen satisfies `cond`, now or later (a precondition, not a measure).
    fn wait_for(&self, what: &str, timeout: Duration, mut cond: Cond) -> anyhow::Result<()> {
        let id = {
            let mut s = lock(&self.sync);
            if cond(&s.parser.screen().contents()) {
                return Ok(());
            }
            add(&mut s, cond)
        };
        match self.wait_hit(id, Instant::now() + timeout) {
            Some(_) => Ok(()),
            None => bail!("timed out after {timeout:?} waiting for {what}"),
        }
    }

    /// Sends `keys` and returns the milliseconds until a read leaves the screen satisfying
    /// `cond`, which must be false before the keys.
    fn press(&mut self, keys: &[u8], cond: Cond) -> anyhow::Result<f64> {
        let id = add(&mut lock(&self.sync), cond);
        let sent = Instant::now();
        self.send(keys)?;
        let Some(at) = self.wait_hit(id, sent + KEY_TIMEOUT) else {
            bail!("no frame for key {keys:?} within {KEY_TIMEOUT:?}");
        };
        self.settle();
        Ok(at.saturating_duration_since(sent).as_secs_f64() * 1000.0)
    }

    /// Waits until the app has written nothing for QUIET (at most QUIET_MAX).
    fn settle(&self) {
        let start = Instant::now();
        let mut s = lock(&self.sync);
        loop {
            let since = s.last_read.elapsed();
            if since >= QUIET || start.elapsed() >= QUIET_MAX || s.ended {
                return;
            }
            s = match self.sync.1.wait_timeout(s, QUIET - since) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
    }

    fn cpu(&self) -> anyhow::Result<f64> {
        cpu_seconds(self.pid).context("cannot read /proc/PID/stat of the app")
    }

    /// Leaves any prompt or view, quits with `q`, and reaps the app (killing it after 5 s).
    fn quit(&mut self) -> Value {
        // Separate writes: "\x1bq" in one read would be Alt-q.
        let _ = self.send(ESC);
        std::thread::sleep(Duration::from_millis(150));
        let _ = self.send(b"q");
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut how = "q";
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => {
                    how = "killed";
                    let _ = self.child.kill();
                    break self.child.wait().ok();
                }
            }
        };
        self.stop_sampler.store(true, Ordering::Relaxed);
        json!({"how": how, "exit_code": status.map(|s| s.exit_code())})
    }
}

/// Registers a watch for the reader thread to check; its id.
fn add(s: &mut Shared, cond: Cond) -> u64 {
    s.next_id += 1;
    s.watches.push(Watch {
        id: s.next_id,
        cond,
        hit: None,
    });
    s.next_id
}

/// "100 000": numbers as the app groups them.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(d);
    }
    out
}

/// A number as the app prints it ("1 234") in a regex.
const NUM: &str = r"\d{1,3}(?: \d{3})*";

fn parse_grouped(s: &str) -> Option<usize> {
    s.replace(' ', "").parse().ok()
}

/// The pods pane title: "Pods(all) [7/100 000]" or, filtered, "[1/2 of 7]".
#[derive(Clone)]
struct Title(Regex);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Position {
    selected: usize,
    visible: usize,
    /// "[1/2 of 7]": a filter hides rows.
    filtered: bool,
}

impl Title {
    fn new() -> anyhow::Result<Title> {
        Ok(Title(Regex::new(&format!(
            r"Pods\([^)]*\) \[({NUM})/({NUM})( of {NUM})?\]"
        ))?))
    }

    fn position(&self, text: &str) -> Option<Position> {
        let c = self.0.captures(text)?;
        Some(Position {
            selected: parse_grouped(c.get(1)?.as_str())?,
            visible: parse_grouped(c.get(2)?.as_str())?,
            filtered: c.get(3).is_some(),
        })
    }
}

fn launch_conds(pods: usize, churn: bool) -> anyhow::Result<Vec<Cond>> {
    let first = Regex::new(r"\[1/\d")?;
    // The status bar: "│ 100 000 pods │ watching"; the bar before the count rules out
    // "11 000" matching "1 000". Under churn the count moves: any count once watching.
    let count = if churn {
        r"[\d ]+".to_string()
    } else {
        grouped(pods)
    };
    let full = Regex::new(&format!(r"(?m)│ {count} pods\b.*watching"))?;
    Ok(vec![
        Box::new(move |t: &str| first.is_match(t)),
        Box::new(move |t: &str| full.is_match(t)),
    ])
}

/// Waits for the launch milestones and records them; seconds since the spawn.
fn launch(
    term: &Term,
    ids: &[u64],
    timeout: Duration,
    out: &mut Map<String, Value>,
) -> anyhow::Result<()> {
    let deadline = term.started + timeout;
    for (id, key) in ids.iter().zip(["first_rows_s", "full_list_s"]) {
        let Some(at) = term.wait_hit(*id, deadline) else {
            if term.ended() {
                bail!("the app closed its terminal before {key}");
            }
            bail!("timed out after {timeout:?} waiting for {key}");
        };
        let secs = at.saturating_duration_since(term.started).as_secs_f64();
        out.insert(key.into(), json!(round3(secs)));
    }
    Ok(())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let i = ((p / 100.0) * last as f64).round() as usize;
    sorted.get(i.min(last)).copied().unwrap_or(f64::NAN)
}

fn stats(samples: &[f64]) -> Value {
    if samples.is_empty() {
        return json!({"n": 0});
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let mean = s.iter().sum::<f64>() / s.len() as f64;
    json!({
        "n": s.len(), "min": round3(s[0]), "p50": round3(pct(&s, 50.0)),
        "p90": round3(pct(&s, 90.0)), "p99": round3(pct(&s, 99.0)),
        "max": round3(s[s.len() - 1]), "mean": round3(mean),
    })
}

/// p50 and max of each filter key ("+w", "-w", …), in the order first typed.
fn per_key(lat: &[(String, f64)]) -> Value {
    let mut m = Map::new();
    for (label, _) in lat {
        if m.contains_key(label) {
            continue;
        }
        let mut s: Vec<f64> = lat
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, ms)| *ms)
            .collect();
        s.sort_by(f64::total_cmp);
        m.insert(
            label.clone(),
            json!({"n": s.len(), "p50": round3(pct(&s, 50.0)), "max": round3(pct(&s, 100.0))}),
        );
    }
    Value::Object(m)
}

fn idle_cpu(term: &Term, idle: Duration) -> anyhow::Result<f64> {
    let (c0, t0) = (term.cpu()?, Instant::now());
    std::thread::sleep(idle);
    let (c1, secs) = (term.cpu()?, t0.elapsed().as_secs_f64());
    Ok(round3(100.0 * (c1 - c0) / secs))
}

/// `j` × keys: each is done when the title shows the next row selected.
fn keys_down(term: &mut Term, title: &Title, keys: usize) -> anyhow::Result<Vec<f64>> {
    let mut lat = Vec::new();
    for _ in 0..keys {
        let now = title
            .position(&term.text())
            .context("no pods title on screen")?;
        if now.selected >= now.visible {
            break;
        }
        let (t, want) = (title.clone(), now.selected + 1);
        lat.push(term.press(
            b"j",
            Box::new(move |s| t.position(s).is_some_and(|p| p.selected == want)),
        )?);
    }
    Ok(lat)
}

/// PgDn × pages (PgUp once the last row is reached): done when the selected row moved and
/// the screen changed.
fn keys_page(term: &mut Term, title: &Title, pages: usize) -> anyhow::Result<Vec<f64>> {
    let mut lat = Vec::new();
    let mut key = PGDN;
    for _ in 0..pages {
        let before = term.text();
        let now = title.position(&before).context("no pods title on screen")?;
        if now.selected >= now.visible {
            key = PGUP;
        }
        let t = title.clone();
        let moved =
            move |s: &str| s != before && t.position(s).is_some_and(|p| p.selected != now.selected);
        lat.push(term.press(key, Box::new(moved))?);
    }
    Ok(lat)
}

/// Latencies of filter keys, labelled "+w" (typed) or "-w" (erased), and how many rows the
/// whole query matched.
struct FilterRun {
    by_key: Vec<(String, f64)>,
    matched: Option<usize>,
}

/// Filter typing: `/`, then the query's characters typed and erased, `keys` keys in all. Each
/// is done when the prompt line shows the text typed so far and the screen changed.
fn keys_filter(
    term: &mut Term,
    title: &Title,
    query: &str,
    keys: usize,
) -> anyhow::Result<FilterRun> {
    term.send(b"/")?;
    let open = prompt_shows(String::new(), None);
    term.wait_for("the filter prompt", KEY_TIMEOUT, open)?;
    term.settle();
    let chars: Vec<char> = query.chars().collect();
    let mut typed = String::new();
    let mut run = FilterRun {
        by_key: Vec::new(),
        matched: None,
    };
    for i in 0..keys {
        let (key, label) = filter_key(&chars, i, &mut typed);
        let before = term.text();
        let ms = term.press(&key, prompt_shows(typed.clone(), Some(before)))?;
        run.by_key.push((label, ms));
        if typed == query && run.matched.is_none() {
            run.matched = title.position(&term.text()).map(|p| p.visible);
        }
    }
    // Esc drops the prompt and the filter.
    term.send(ESC)?;
    let t = title.clone();
    let unfiltered = move |s: &str| t.position(s).is_some_and(|p| !p.filtered);
    term.wait_for("the filter to clear", KEY_TIMEOUT, Box::new(unfiltered))?;
    term.settle();
    Ok(run)
}

/// Key `i` of the typing cycle (the query's characters, then as many backspaces): its bytes
/// and label; `typed` becomes the prompt's text after it.
fn filter_key(chars: &[char], i: usize, typed: &mut String) -> (Vec<u8>, String) {
    if (i / chars.len()) % 2 == 1 {
        let c = typed.pop().unwrap_or_default();
        return (BACKSPACE.to_vec(), format!("-{c}"));
    }
    let c = chars[i % chars.len()];
    typed.push(c);
    (c.to_string().into_bytes(), format!("+{c}"))
}

/// The top line is the filter prompt holding exactly `typed` (the cursor, a reverse-video cell,
/// reads as a space after it).
fn prompt_shows(typed: String, before: Option<String>) -> Cond {
    let want = format!(" /{typed} ");
    Box::new(move |s: &str| {
        s.lines().next().is_some_and(|l| l.starts_with(&want)) && before.as_deref() != Some(s)
    })
}

fn pods_bench(
    term: &mut Term,
    ids: &[u64],
    args: &Args,
    out: &mut Map<String, Value>,
) -> anyhow::Result<()> {
    launch(term, ids, args.timeout, out)?;
    // The last page's frames settle before the app counts as idle.
    std::thread::sleep(Duration::from_millis(500));
    out.insert("idle_cpu_pct".into(), json!(idle_cpu(term, args.idle)?));
    // What the app holds after the idle window (under churn: after that much history).
    let rss_after = rss_kib(term.pid).map(|kib| (kib as f64 / 1024.0 * 10.0).round() / 10.0);
    out.insert("rss_after_idle_mib".into(), json!(rss_after));
    let title = Title::new()?;
    let mut lat = Map::new();
    let mut all = Vec::new();
    let down = keys_down(term, &title, args.keys)?;
    let page = keys_page(term, &title, args.keys / 2)?;
    let FilterRun { by_key, matched } = keys_filter(term, &title, &args.query, args.keys)?;
    let filter: Vec<f64> = by_key.iter().map(|(_, ms)| *ms).collect();
    for (name, group) in [("j", &down), ("page", &page), ("filter", &filter)] {
        lat.insert(name.into(), stats(group));
        all.extend_from_slice(group);
    }
    lat.insert("all".into(), stats(&all));
    let mut sorted = all;
    sorted.sort_by(f64::total_cmp);
    lat.insert("p99".into(), json!(round3(pct(&sorted, 99.0))));
    out.insert("key_to_frame_ms".into(), Value::Object(lat));
    out.insert(
        "filter".into(),
        json!({"query": args.query, "matches": matched, "by_key_ms": per_key(&by_key)}),
    );
    Ok(())
}

/// The logs view title: "· 50 000 lines (oldest 1234 dropped, cap 50 000)".
struct LogTitle(Regex);

struct LogCount {
    held: usize,
    dropped: usize,
    cap: Option<usize>,
}

impl LogTitle {
    fn new() -> anyhow::Result<LogTitle> {
        Ok(LogTitle(Regex::new(&format!(
            r"› logs \[.*· ({NUM}) lines(?: \(oldest (\d+) dropped, cap ({NUM})\))?"
        ))?))
    }

    fn count(&self, text: &str) -> Option<LogCount> {
        let c = self.0.captures(text)?;
        Some(LogCount {
            held: parse_grouped(c.get(1)?.as_str())?,
            dropped: c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(0),
            cap: c.get(3).and_then(|m| parse_grouped(m.as_str())),
        })
    }
}

/// The first Running pod: `j` until the selected row (the ▶ line of the focused, heavy-bordered
/// pane) says Running.
fn select_running(term: &mut Term, title: &Title) -> anyhow::Result<String> {
    for _ in 0..200 {
        let text = term.text();
        if let Some(row) = text.lines().find(|l| l.starts_with('┃') && l.contains('▶')) {
            if row.contains("Running") {
                let fields = row.trim_start_matches(['┃', ' ', '▶']).split_whitespace();
                return Ok(fields.take(2).collect::<Vec<_>>().join(" "));
            }
        }
        let now = title.position(&text).context("no pods title on screen")?;
        let (t, want) = (title.clone(), now.selected + 1);
        term.press(
            b"j",
            Box::new(move |s| t.position(s).is_some_and(|p| p.selected == want)),
        )?;
    }
    bail!("no Running pod among the first 200 rows")
}

struct LogSample {
    at: f64,
    rss_kib: u64,
    count: Option<LogCount>,
}

fn log_follow(
    term: &mut Term,
    ids: &[u64],
    args: &Args,
    out: &mut Map<String, Value>,
) -> anyhow::Result<()> {
    launch(term, ids, args.timeout, out)?;
    let (title, logs) = (Title::new()?, LogTitle::new()?);
    let pod = select_running(term, &title)?;
    term.send(b"l")?;
    let lt = LogTitle::new()?;
    let has_lines =
        move |s: &str| lt.count(s).is_some_and(|c| c.held > 0) && s.contains("● following");
    term.wait_for("followed log lines", args.timeout, Box::new(has_lines))?;
    let (c0, t0) = (term.cpu()?, Instant::now());
    let samples = sample_logs(term, &logs, args.log_follow)?;
    let cpu_pct = 100.0 * (term.cpu()? - c0) / t0.elapsed().as_secs_f64();
    let following = term.text().contains("● following");
    let mut lf = log_summary(&samples);
    lf.insert("pod".into(), json!(pod));
    lf.insert("cpu_pct".into(), json!(round3(cpu_pct)));
    lf.insert("following_at_end".into(), json!(following));
    out.insert("log_follow".into(), Value::Object(lf));
    Ok(())
}

/// RSS and the logs view's line count now and every LOG_SAMPLE_EVERY for `secs`.
fn sample_logs(term: &Term, logs: &LogTitle, secs: Duration) -> anyhow::Result<Vec<LogSample>> {
    let t0 = Instant::now();
    let mut samples = Vec::new();
    let mut next = t0;
    while next <= t0 + secs {
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        let rss_kib = rss_kib(term.pid).context("the app is gone")?;
        samples.push(LogSample {
            at: t0.elapsed().as_secs_f64(),
            rss_kib,
            count: logs.count(&term.text()),
        });
        next += LOG_SAMPLE_EVERY;
    }
    Ok(samples)
}

fn log_summary(samples: &[LogSample]) -> Map<String, Value> {
    let rss: Vec<f64> = samples.iter().map(|s| mib(s.rss_kib)).collect();
    let total = |s: &LogSample| s.count.as_ref().map(|c| c.held + c.dropped);
    let received: Vec<Option<usize>> = samples.iter().map(total).collect();
    let held: Vec<Option<usize>> = samples
        .iter()
        .map(|s| s.count.as_ref().map(|c| c.held))
        .collect();
    // Lines received (held + dropped) over the run: the backlog came before the first sample.
    let rate = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) if b.at > a.at => total(a)
            .zip(total(b))
            .map(|(x, y)| round3((y as f64 - x as f64) / (b.at - a.at))),
        _ => None,
    };
    let last = samples.last().and_then(|s| s.count.as_ref());
    let mut m = Map::new();
    m.insert(
        "seconds".into(),
        json!(samples.last().map(|s| round3(s.at))),
    );
    m.insert("sample_every_s".into(), json!(LOG_SAMPLE_EVERY.as_secs()));
    m.insert("rate_lines_per_s".into(), json!(rate));
    m.insert("rss_mib_samples".into(), json!(rss));
    m.insert("rss_first_mib".into(), json!(rss.first()));
    m.insert(
        "rss_max_mib".into(),
        json!(rss.iter().copied().reduce(f64::max)),
    );
    m.insert("rss_last_mib".into(), json!(rss.last()));
    m.insert("lines_held_samples".into(), json!(held));
    m.insert("lines_received_samples".into(), json!(received));
    m.insert("lines_held_last".into(), json!(last.map(|c| c.held)));
    m.insert("lines_dropped_last".into(), json!(last.map(|c| c.dropped)));
    m.insert("cap".into(), json!(last.and_then(|c| c.cap)));
    m
}

fn run(args: &Args, out: &mut Map<String, Value>) -> bool {
    let conds = match launch_conds(args.pods, args.churn) {
        Ok(c) => c,
        Err(e) => return fail(out, &e, None),
    };
    let (mut term, ids) = match Term::spawn(&args.cmd, conds) {
        Ok(t) => t,
        Err(e) => return fail(out, &e, None),
    };
    let res = if args.log_follow.is_zero() {
        pods_bench(&mut term, &ids, args, out)
    } else {
        log_follow(&mut term, &ids, args, out)
    };
    let ok = match res {
        Ok(()) => true,
        Err(e) => fail(out, &e, Some(term.text())),
    };
    out.insert("peak_rss_mib".into(), json!(term.peak_rss_mib()));
    out.insert("quit".into(), term.quit());
    // The harness' own CPU (reader thread, samplers): what it took from the app.
    let own = cpu_seconds(std::process::id()).map(round3);
    out.insert("harness_cpu_s".into(), json!(own));
    ok
}

fn fail(out: &mut Map<String, Value>, e: &anyhow::Error, screen: Option<String>) -> bool {
    out.insert("error".into(), json!(format!("{e:#}")));
    if let Some(screen) = screen {
        out.insert("screen".into(), json!(screen));
    }
    false
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tui_bench: {e:#}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut out = Map::new();
    let ok = run(&args, &mut out);
    println!("{}", Value::Object(out));
    if !ok {
        std::process::exit(1);
    }
}
