//! Pod logs: believable, deterministic lines per pod and container (access logs, JSON app logs,
//! database logs) with kubectl's options, and a steady trickle while following.

use std::time::Duration;

use axum::response::Response;
use bytes::Bytes;
use http::{StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokio::sync::mpsc;

use super::resources::Kind;
use super::rng::{Rng, hash};
use super::routes::{AppState, Params, Reject, bad_request, not_found, respond};
use super::watch::{channel_body, dropped};

/// The log flavour of a container, chosen from its image.
#[derive(Debug, Clone, Copy)]
enum Style {
    Access,
    Json,
    Postgres,
}

fn style(image: &str) -> Style {
    if image.contains("nginx") || image.contains("envoy") || image.contains("frontend") {
        Style::Access
    } else if image.contains("postgres") {
        Style::Postgres
    } else {
        Style::Json
    }
}

const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/cart",
    "/healthz",
    "/",
    "/static/app.js",
    "/api/v1/users/me",
    "/metrics",
];
const MESSAGES: &[&str] = &[
    "request completed",
    "cache hit",
    "processed batch",
    "connected to upstream",
    "flushed metrics",
    "scheduled job run",
];
const WARNINGS: &[&str] = &[
    "slow upstream response",
    "retrying request",
    "connection pool nearly exhausted",
];
const ERRORS: &[&str] = &[
    "upstream timed out",
    "failed to write to database: deadlock detected",
    "context deadline exceeded",
];

/// Line `i` of a container's log (without timestamp prefix), the same every time.
fn line(seed: u64, i: u64, style: Style, at: Timestamp) -> String {
    let mut r = Rng::new(seed ^ i.wrapping_mul(0x100_0000_01b3));
    let roll = r.below(100);
    let at = at.to_string();
    match style {
        Style::Access => {
            let status = match roll {
                0..=1 => 500,
                2..=5 => 404,
                6..=8 => 302,
                _ => 200,
            };
            format!(
                "10.244.{}.{} - - [{at}] \"GET {} HTTP/1.1\" {status} {} \"-\" \"Mozilla/5.0\" {:.3}",
                r.below(20),
                r.below(250),
                r.pick(PATHS),
                200 + r.below(9000),
                r.unit() * 0.2
            )
        }
        Style::Postgres => match roll {
            0..=3 => format!(
                "{at} UTC [{}] WARNING:  checkpoints are occurring too frequently ({} seconds apart)",
                100 + r.below(900),
                10 + r.below(20)
            ),
            4 => format!(
                "{at} UTC [{}] ERROR:  duplicate key value violates unique constraint \"orders_pkey\"",
                100 + r.below(900)
            ),
            _ => format!(
                "{at} UTC [{}] LOG:  checkpoint complete: wrote {} buffers",
                100 + r.below(900),
                r.below(5000)
            ),
        },
        Style::Json => {
            let (level, msg) = match roll {
                0..=1 => ("error", *r.pick(ERRORS)),
                2..=6 => ("warn", *r.pick(WARNINGS)),
                _ => ("info", *r.pick(MESSAGES)),
            };
            format!(
                "{{\"ts\":\"{at}\",\"level\":\"{level}\",\"msg\":\"{msg}\",\"request_id\":\"{:016x}\",\"duration_ms\":{}}}",
                r.next_u64(),
                r.below(900)
            )
        }
    }
}

/// The container the request is about, or the apiserver's 400.
fn pick_container<'a>(pod: &'a Value, name: &str, wanted: &str) -> Result<&'a Value, Reject> {
    let list = |key: &str| pod["spec"][key].as_array().cloned().unwrap_or_default();
    let names = |key: &str| {
        list(key)
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let (main, init) = (names("containers"), names("initContainers"));
    let wanted = match (wanted, main.as_slice()) {
        ("", [only]) => only.clone(),
        ("", _) => {
            let mut msg = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                main.join(" ")
            );
            if !init.is_empty() {
                msg.push_str(&format!(
                    " or one of the init containers: [{}]",
                    init.join(" ")
                ));
            }
            return Err(bad_request(msg));
        }
        (w, _) => w.to_string(),
    };
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|k| pod["status"][k].as_array())
        .flatten()
        .find(|c| c["name"] == wanted.as_str())
        .ok_or_else(|| {
            if main.contains(&wanted) || init.contains(&wanted) {
                bad_request(format!("container \"{wanted}\" in pod \"{name}\" is waiting to start: ContainerCreating"))
            } else {
                bad_request(format!("container {wanted} is not valid for pod {name}"))
            }
        })
}

/// Options of one log request.
struct LogRequest {
    follow: bool,
    timestamps: bool,
    tail: Option<u64>,
    limit_bytes: Option<u64>,
    since: Option<u64>,
    previous: bool,
}

impl LogRequest {
    fn parse(p: &Params) -> Result<LogRequest, Reject> {
        Ok(LogRequest {
            follow: p.flag("follow")?,
            timestamps: p.flag("timestamps")?,
            tail: p.number("tailLines")?,
            limit_bytes: p.number("limitBytes")?,
            since: p.number("sinceSeconds")?,
            previous: p.flag("previous")?,
        })
    }
}

/// What the log of one container instance looks like.
struct LogSource {
    seed: u64,
    style: Style,
    lines: u64,
    end: Timestamp,
    step: i64,
    /// The instance is running, so following it waits for more; a finished one (Completed,
    /// Error, or crashed and waiting to restart) has written its last line.
    running: bool,
}

fn source(
    ns: &str,
    pod: &str,
    status: &Value,
    req: &LogRequest,
    now: Timestamp,
) -> Result<LogSource, Reject> {
    let name = status["name"].as_str().unwrap_or_default();
    let restarts = status["restartCount"].as_u64().unwrap_or(0);
    let state = if req.previous {
        &status["lastState"]
    } else {
        &status["state"]
    };
    if req.previous && restarts == 0 {
        return Err(bad_request(format!(
            "previous terminated container \"{name}\" in pod \"{pod}\" not found"
        )));
    }
    if let Some(reason) = state["waiting"]["reason"]
        .as_str()
        .filter(|r| *r != "CrashLoopBackOff")
    {
        return Err(bad_request(format!(
            "container \"{name}\" in pod \"{pod}\" is waiting to start: {reason}"
        )));
    }
    let instance = if req.previous { restarts - 1 } else { restarts };
    let seed = hash(&[ns, pod, name, &instance.to_string()]);
    let started = state
        .pointer("/running/startedAt")
        .or(state.pointer("/terminated/startedAt"));
    let start: Timestamp = started
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(now);
    let end = state
        .pointer("/terminated/finishedAt")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(now);
    let end = Timestamp::from_second(end.as_second()).unwrap_or(end);
    let lines = 40 + seed % 260;
    let span = end.duration_since(start).as_secs().max(1);
    Ok(LogSource {
        seed,
        style: style(status["image"].as_str().unwrap_or_default()),
        lines,
        end,
        step: (span / lines as i64).clamp(1, 600),
        running: !req.previous && state.get("running").is_some(),
    })
}

fn render(src: &LogSource, i: u64, at: Timestamp, timestamps: bool) -> String {
    let text = line(
        src.seed,
        i,
        src.style,
        Timestamp::from_second(at.as_second()).unwrap_or(at),
    );
    if timestamps {
        format!("{at} {text}\n")
    } else {
        format!("{text}\n")
    }
}

/// The lines already written, after sinceSeconds, tailLines and limitBytes.
fn history(src: &LogSource, req: &LogRequest, now: Timestamp) -> String {
    let at = |i: u64| {
        src.end
            .checked_sub(SignedDuration::from_secs((src.lines - i) as i64 * src.step))
            .unwrap_or(src.end)
    };
    let since = req
        .since
        .and_then(|s| now.checked_sub(SignedDuration::from_secs(s as i64)).ok());
    let mut first = 0;
    if let Some(tail) = req.tail {
        first = src.lines.saturating_sub(tail);
    }
    let mut out = String::new();
    for i in first..src.lines {
        if since.is_some_and(|s| at(i) < s) {
            continue;
        }
        out.push_str(&render(src, i, at(i), req.timestamps));
    }
    if let Some(limit) = req.limit_bytes {
        let mut cut = (limit as usize).min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

fn text_response(body: axum::body::Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain"),
    );
    resp
}

/// `GET /api/v1/namespaces/NS/pods/NAME/log`.
pub(crate) fn serve(app: &AppState, ns: &str, name: &str, params: &Params) -> Response {
    respond(serve_inner(app, ns, name, params))
}

fn serve_inner(app: &AppState, ns: &str, name: &str, params: &Params) -> Result<Response, Reject> {
    let req = LogRequest::parse(params)?;
    let pod = app
        .store
        .get(Kind::Pod, ns, name)
        .ok_or_else(|| not_found(Kind::Pod, name))?
        .value();
    let status = pick_container(&pod, name, params.str("container"))?;
    let now = Timestamp::now();
    let src = source(ns, name, status, &req, now)?;
    let backlog = history(&src, &req, now);
    // Following a finished container gives its log and ends, as the kubelet does.
    if !req.follow || !src.running {
        return Ok(text_response(backlog.into()));
    }
    let (tx, rx) = mpsc::channel(16);
    let ctx = Follow {
        app: app.clone(),
        ns: ns.into(),
        pod: name.into(),
        src,
        timestamps: req.timestamps,
    };
    tokio::spawn(follow(ctx, Bytes::from(backlog), tx));
    Ok(text_response(channel_body(rx)))
}

struct Follow {
    app: AppState,
    ns: String,
    pod: String,
    src: LogSource,
    timestamps: bool,
}

/// Sends the backlog, then new lines at the configured rate until the client leaves, the pod
/// is gone or the drop fault fires.
async fn follow(ctx: Follow, backlog: Bytes, tx: mpsc::Sender<std::io::Result<Bytes>>) {
    if tx.send(Ok(backlog)).await.is_err() {
        return;
    }
    let rate = if ctx.app.log_rate > 0.0 {
        ctx.app.log_rate
    } else {
        2.0
    };
    // Timers tick at 1 ms at best: at high rates every tick sends all lines due since the
    // start, so the rate holds (sleeping 1/rate per line gave ~470 lines/s when asked 1000).
    let every = Duration::from_secs_f64(1.0 / rate).max(Duration::from_millis(10));
    let started = tokio::time::Instant::now();
    let drop_at = ctx.app.faults.drop_after().map(|d| started + d);
    let mut ticks = tokio::time::interval_at(started + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (first, mut sent) = (ctx.src.lines, 0u64);
    loop {
        ticks.tick().await;
        let now = tokio::time::Instant::now();
        if drop_at.is_some_and(|t| now >= t) {
            let _ = tx.send(Err(dropped())).await;
            return;
        }
        if ctx.app.store.get(Kind::Pod, &ctx.ns, &ctx.pod).is_none() {
            return;
        }
        // At most a second's worth at once, so a stalled reader does not get a flood.
        let due = ((now - started).as_secs_f64() * rate) as u64;
        let batch = due.saturating_sub(sent).min(rate.ceil() as u64);
        let mut text = String::new();
        for k in 0..batch {
            text.push_str(&render(
                &ctx.src,
                first + sent + k,
                Timestamp::now(),
                ctx.timestamps,
            ));
        }
        sent += batch;
        if !text.is_empty() && tx.send(Ok(Bytes::from(text))).await.is_err() {
            return;
        }
    }
}
