//! AGE and LAST SEEN of server-printed tables move with the app's clock: `:deploy` and `:events`
//! opened through keys over real TLS against the demo server, drawn as the screen draws them,
//! and the AGE shown compared with `kubectl get deploy -A` where kubectl is installed.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::harness::Harness;
use kr8s_tui::demo::DemoHandle;
use kr8s_tui::state::State;

const WAIT: Duration = Duration::from_secs(10);

/// Types `:{kind}` and Enter as a user would; returns once the table is listed and live.
async fn open(app: &mut Harness, kind: &str) {
    app.command(kind);
    app.until(kind, WAIT, |s| {
        s.resource.as_ref().is_some_and(|v| v.live && !v.is_empty())
    })
    .await;
}

/// The screen as drawn on a tall terminal (every row of the demo's tables fits).
fn screen(state: &State) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(160, 200)).expect("a test terminal");
    terminal
        .draw(|f| kr8s_tui::ui::render(f, state))
        .expect("a test terminal draws");
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content
        .chunks(width)
        .map(|line| line.iter().map(|c| c.symbol()).collect())
        .collect()
}

/// The text of every row of the resource table (the focused pane, heavy border) under the
/// header naming `column` (columns are left-aligned under their titles, two spaces apart): one
/// entry a row, top to bottom.
fn column(screen: &[String], column: &str) -> Vec<String> {
    let chars: Vec<Vec<char>> = screen.iter().map(|l| l.chars().collect()).collect();
    let title: Vec<char> = column.chars().collect();
    let pane = chars
        .iter()
        .position(|l| l.contains(&'┏'))
        .unwrap_or_else(|| panic!("no focused pane in\n{}", screen.join("\n")));
    let (header, at) = chars
        .iter()
        .enumerate()
        .skip(pane + 1)
        .find_map(|(i, line)| {
            let starts = line.windows(title.len() + 2).position(|w| {
                w[..title.len()] == title[..] && w[title.len()..].iter().all(|c| *c == ' ')
            })?;
            // Titles are preceded by two spaces (or the highlight column).
            line[..starts].ends_with(&[' ', ' ']).then_some((i, starts))
        })
        .unwrap_or_else(|| panic!("no {column} column in\n{}", screen.join("\n")));
    chars[header + 1..]
        .iter()
        .map(|line| {
            let cell: String = line[at..].iter().collect();
            let end = cell
                .find("  ")
                .or_else(|| cell.find('┃'))
                .unwrap_or(cell.len());
            cell[..end].trim().to_string()
        })
        .take_while(|cell| !cell.is_empty() && !cell.starts_with('━'))
        .collect()
}

fn later(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(secs))
        .expect("test times are in range")
}

fn kubectl_available() -> bool {
    std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `kubectl get deploy -A`: AGE by "namespace/name".
async fn kubectl_ages(demo: &DemoHandle) -> BTreeMap<String, String> {
    let out = tokio::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&demo.kubeconfig_path)
        .args(["get", "deploy", "-A"])
        .output()
        .await
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "kubectl failed: {stdout}");
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE"
        ]
    );
    lines
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (format!("{}/{}", w[0], w[1]), w[5].to_string())
        })
        .collect()
}

/// The app's AGE by "namespace/name" at `now`.
fn app_ages(app: &mut Harness, now: Timestamp) -> BTreeMap<String, String> {
    app.state.now = now;
    let screen = screen(&app.state);
    let keys = column(&screen, "NAMESPACE")
        .into_iter()
        .zip(column(&screen, "NAME"))
        .map(|(ns, name)| format!("{ns}/{name}"));
    keys.zip(column(&screen, "AGE")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_age_is_kubectls_and_moves_with_the_clock() {
    let (demo, mut app) = Harness::on_demo(30).await;
    open(&mut app, "deploy").await;
    let now = Timestamp::now();
    let shown = app_ages(&mut app, now);
    assert!(!shown.is_empty(), "deployments are shown");
    if kubectl_available() {
        assert_eq!(shown, kubectl_ages(&demo).await, "AGE as kubectl prints it");
    } else {
        println!("kubectl not found: AGE not compared with it");
    }
    // The demo's deployments are 80 days old: ten minutes leave "80d", two days make "82d".
    assert_eq!(app_ages(&mut app, later(now, 600)), shown);
    let moved = app_ages(&mut app, later(now, 2 * 86_400));
    for (key, age) in &shown {
        let days: u32 = age
            .strip_suffix('d')
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("{key}: AGE {age:?} in whole days"));
        assert_eq!(moved[key], format!("{}d", days + 2), "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_last_seen_moves_with_the_clock() {
    let (_demo, mut app) = Harness::on_demo(30).await;
    open(&mut app, "events").await;
    let now = Timestamp::now();
    app.state.now = now;
    let before = column(&screen(&app.state), "LAST SEEN");
    app.state.now = later(now, 600);
    let after = column(&screen(&app.state), "LAST SEEN");
    assert_eq!(before.len(), after.len());
    // Repeating warnings were last seen under two minutes ago ("37s"): ten minutes on, "10m37s".
    let recent: Vec<(&String, &String)> = before
        .iter()
        .zip(&after)
        .filter(|(b, _)| b.ends_with('s') && !b.contains('m'))
        .collect();
    assert!(
        !recent.is_empty(),
        "some events were seen seconds ago: {before:?}"
    );
    for (b, a) in recent {
        assert!(a.starts_with("10m") || a.starts_with("11m"), "{b} then {a}");
    }
}
