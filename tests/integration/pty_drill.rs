//! Enter drill-down and the filter in the real binary: a demo server in the test (so the test
//! can ask it what is true), the app in a pty on its kubeconfig.

use crate::common;

use std::time::Duration;

use common::pty::PtyApp;
use kr8s_tui::demo::{self, DemoHandle, DemoOptions, ServeOptions};
use kr8s_tui::kube::kubeconfig::{LoadOptions, discover};
use kr8s_tui::kube::table::RowFromPod;
use kr8s_tui::kube::wire::JSON;
use kr8s_tui::kube::{ApiCache, Client, ClientOptions, ListParams};

const WAIT: Duration = Duration::from_secs(30);

/// The demo server (no churn, so the app and the test see the same pods) and a client to it.
fn quiet_demo(rt: &tokio::runtime::Runtime) -> (DemoHandle, Client) {
    let opts = DemoOptions {
        churn: 0.0,
        ..DemoOptions::default()
    };
    let handle = rt
        .block_on(demo::start(opts, ServeOptions::default()))
        .expect("demo server starts");
    let source = discover(&LoadOptions {
        kubeconfig: Some(handle.kubeconfig_path.clone()),
        ..LoadOptions::default()
    })
    .expect("demo kubeconfig loads");
    let client = ApiCache::new(source, None, ClientOptions::default())
        .api(None, None)
        .expect("client");
    (handle, client)
}

fn get(rt: &tokio::runtime::Runtime, client: &Client, path: &str) -> serde_json::Value {
    let resp = rt
        .block_on(client.get_accept(path, JSON))
        .expect("GET from the server");
    serde_json::from_slice(&resp.body).expect("JSON")
}

/// Names of the pods the server lists at `path` with `label_selector`, sorted.
fn server_pods(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    path: &str,
    label_selector: &str,
) -> Vec<String> {
    let params = ListParams {
        label_selector: Some(label_selector.to_string()),
        ..ListParams::default()
    };
    let list = rt
        .block_on(client.list_all::<RowFromPod>(path, &params))
        .expect("list from the server");
    let mut names: Vec<String> = list.items.into_iter().map(|RowFromPod(r)| r.name).collect();
    names.sort();
    names
}

/// The rows of the table pane (below its header): the cells of each line, split on runs of
/// two or more spaces.
fn table_rows(screen: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = screen.lines().collect();
    let Some(header) = lines
        .iter()
        .position(|l| l.starts_with('┃') && l.contains("NAME"))
    else {
        return Vec::new();
    };
    lines[header + 1..]
        .iter()
        .take_while(|l| l.starts_with('┃'))
        .map(|l| {
            l.trim_matches('┃')
                .trim_start_matches([' ', '▶'])
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect::<Vec<String>>()
        })
        .filter(|cells| !cells.is_empty())
        .collect()
}

/// The NAME cell of each row.
fn names(screen: &str) -> Vec<String> {
    let mut names: Vec<String> = table_rows(screen)
        .into_iter()
        .filter_map(|cells| cells.into_iter().next())
        .collect();
    names.sort();
    names
}

#[test]
fn enter_leads_from_a_deployment_to_its_pods_their_containers_and_logs() {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (handle, client) = quiet_demo(&rt);
    let kubeconfig = handle.kubeconfig_path.display().to_string();

    // What the server says: hello-web's selector, the pods it picks, the first pod's containers.
    let deploy = get(
        &rt,
        &client,
        "/apis/apps/v1/namespaces/default/deployments/hello-web",
    );
    let selector = kr8s_tui::kube::selector::from_label_selector(&deploy["spec"]["selector"])
        .expect("the deployment has a selector");
    let expected = server_pods(&rt, &client, "/api/v1/namespaces/default/pods", &selector);
    assert!(!expected.is_empty(), "the demo deployment has pods");
    let first_pod = &expected[0];
    let pod = get(
        &rt,
        &client,
        &format!("/api/v1/namespaces/default/pods/{first_pod}"),
    );
    let containers: Vec<String> = ["initContainers", "containers"]
        .iter()
        .filter_map(|k| pod["spec"][*k].as_array())
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();

    let mut app = PtyApp::spawn(&["--kubeconfig", &kubeconfig, "-n", "default"], 140, 40);
    app.wait_text("Pods(default)", WAIT);
    app.send(":deploy\r");
    app.wait_text("UP-TO-DATE", WAIT);
    // The filter puts the cursor on hello-web (the first match).
    app.send("/hello-web\r");
    app.wait_for("hello-web alone", WAIT, |s| names(s) == ["hello-web"]);
    app.send("\r");
    let screen = app.wait_for("exactly hello-web's pods", WAIT, |s| {
        s.contains("pods (deploy/hello-web)") && names(s) == expected
    });
    assert!(screen.contains(&format!("-l {selector}")), "{screen}");

    // Its pods are sorted by name, so the cursor is on the first: Enter lists its containers.
    app.send("\r");
    let screen = app.wait_for("the containers", WAIT, |s| {
        s.contains(&format!("› {first_pod} › containers")) && !table_rows(s).is_empty()
    });
    let mut want = containers.clone();
    want.sort();
    assert_eq!(names(&screen), want, "{screen}");
    // Enter on the first container: its logs.
    let container = &containers[0];
    app.send("\r");
    app.wait_text("› logs", WAIT);
    app.wait_text(&format!("container {container}"), WAIT);
    app.wait_for("log lines", WAIT, |s| {
        s.contains(" lines]") && !s.contains("· 0 lines")
    });

    // Esc back, step by step, with the cursors where they were.
    app.send("\x1b");
    app.wait_text(&format!("› {first_pod} › containers"), WAIT);
    app.send("\x1b");
    app.wait_for("the pods again", WAIT, |s| {
        s.contains("pods (deploy/hello-web)") && names(s) == expected
    });
    app.send("\x1b");
    let screen = app.wait_for("the deployments", WAIT, |s| {
        s.contains("› deployments") && s.contains("UP-TO-DATE")
    });
    let selected = screen
        .lines()
        .find(|l| l.starts_with('┃') && l.contains('▶'))
        .unwrap_or_default();
    assert!(selected.contains("hello-web"), "{screen}");

    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit status");
}

#[test]
fn the_filter_matches_status_and_edits_like_a_shell() {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (handle, _client) = quiet_demo(&rt);
    let kubeconfig = handle.kubeconfig_path.display().to_string();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kubeconfig, "-A"], 140, 40);
    let status = |cells: &Vec<String>| cells.get(3).cloned().unwrap_or_default();
    app.wait_for("pods of several states", WAIT, |s| {
        let rows = table_rows(s);
        rows.iter().any(|r| status(r) == "Running") && rows.iter().any(|r| status(r) != "Running")
    });
    // Typed with mistakes, fixed with shell keys: the start of the line, kill the word there
    // and the space after it, then the end of the line and the missing letter.
    app.send("/oops Runnin");
    app.send("\x01"); // ctrl-a
    app.send("\x1bd"); // alt-d
    app.send("\x1b[3~"); // Delete
    app.send("\x05g"); // ctrl-e, g
    // "Runnin" already leaves only Running rows: wait for the last letter too, not just them.
    app.wait_for("only Running rows, the query whole", WAIT, |s| {
        let rows = table_rows(s);
        s.contains("/Running") && !rows.is_empty() && rows.iter().all(|r| status(r) == "Running")
    });
    app.send("\r");
    app.wait_text(" of ", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT), "clean exit status");
}
