//! The column layout rule (`columns`): caps, the order columns give way in, `…` cutting and
//! where spare room goes.

use super::columns::*;

fn pods_columns(namespace: bool) -> Vec<Column> {
    let mut columns = Vec::new();
    if namespace {
        columns.push(Column::new("NAMESPACE", Role::Namespace, 0));
    }
    columns.extend([
        Column::new("NAME", Role::Name, 0),
        Column::new("READY", Role::Fit, 0),
        Column::new("STATUS", Role::Fit, 0),
        Column::new("RESTARTS", Role::Fit, 2),
        Column::new("AGE", Role::Fit, 1),
        Column::new("IP", Role::Fit, WIDE),
        Column::new("NODE", Role::Fit, WIDE + 1),
    ]);
    columns
}

fn pod(name: &str, status: &str, restarts: &str) -> Vec<String> {
    [
        name,
        "1/1",
        status,
        restarts,
        "5d3h",
        "10.244.1.17",
        "worker-eu-west-1a-7f9c",
    ]
    .map(String::from)
    .to_vec()
}

fn titles(columns: &[Column], plan: &Plan) -> Vec<String> {
    plan.shown().map(|i| columns[i].title.clone()).collect()
}

fn used(plan: &Plan) -> usize {
    let widths: Vec<usize> = plan.widths.iter().flatten().copied().collect();
    widths.iter().sum::<usize>() + 2 * (widths.len() - 1)
}

#[test]
fn columns_fit_their_content_and_wide_ones_show_when_there_is_room() {
    let columns = pods_columns(false);
    let rows = vec![pod("coredns-5dsbtbjq7w-x2x9q", "Running", "0")];
    let plan = Plan::new(&columns, &rows, 200);
    let widths: Vec<usize> = plan.widths.iter().flatten().copied().collect();
    assert_eq!(
        widths,
        [24, 5, 7, 8, 4, 11, 22],
        "content or title, nothing more"
    );
}

#[test]
fn wide_columns_drop_first_node_before_ip() {
    let columns = pods_columns(false);
    let rows = vec![pod("coredns-5dsbtbjq7w-x2x9q", "Running", "0")];
    // Everything needs 24+5+7+8+4+11+22 + 6×2 = 93.
    let plan = Plan::new(&columns, &rows, 92);
    assert_eq!(
        titles(&columns, &plan),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP"]
    );
    let plan = Plan::new(&columns, &rows, 60);
    assert_eq!(
        titles(&columns, &plan),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(plan.widths[0], Some(24), "the name is whole");
}

#[test]
fn names_stay_whole_while_other_columns_give_way() {
    // 80 columns minus borders and marker; a long name with -A.
    let columns = pods_columns(true);
    let mut row = vec!["ingress".to_string()];
    row.extend(pod(
        "ingress-nginx-controller-7b9c5d8f6b-abcde",
        "CrashLoopBackOff",
        "3 (2m24s ago)",
    ));
    let plan = Plan::new(&columns, &[row], 76);
    assert_eq!(plan.widths[1], Some(41), "NAME whole");
    assert_eq!(plan.widths[0], Some(9), "NAMESPACE whole (its title)");
    assert_eq!(
        titles(&columns, &plan),
        ["NAMESPACE", "NAME", "READY", "STATUS"],
        "RESTARTS, then AGE, dropped before NAME is cut"
    );
    assert!(used(&plan) <= 76);
}

#[test]
fn long_names_are_capped_then_get_spare_room_back() {
    let columns = pods_columns(false);
    let long = "payments-reconciliation-worker-with-a-very-long-deployment-name-5f6d7c8b9-qwert";
    let rows = vec![pod(long, "Running", "0")];
    // Narrow: beyond its cap the name gives way like any column; what is left comes back.
    let plan = Plan::new(&columns, &rows, 76);
    assert_eq!(titles(&columns, &plan), ["NAME", "READY", "STATUS", "AGE"]);
    assert_eq!(plan.widths[0], Some(76 - (5 + 7 + 4) - 3 * 2));
    // Wider: IP and NODE come back, and the name gets the spare room.
    let plan = Plan::new(&columns, &rows, 140);
    assert_eq!(titles(&columns, &plan).len(), 7);
    assert_eq!(
        plan.widths[0],
        Some(140 - (5 + 7 + 8 + 4 + 11 + 22) - 6 * 2)
    );
    let plan = Plan::new(&columns, &rows, 200);
    assert_eq!(plan.widths[0], Some(79), "whole, no swelling beyond it");
}

#[test]
fn the_name_survives_a_tiny_screen() {
    let mut columns = pods_columns(false);
    let row = pod(
        "metrics-server-5dsbtbjq7w-x2x9q",
        "CrashLoopBackOff",
        "3 (2m ago)",
    );
    let plan = Plan::new(&columns, std::slice::from_ref(&row), 56);
    assert_eq!(plan.widths[0], Some(31), "NAME whole at 60 columns");
    assert_eq!(titles(&columns, &plan), ["NAME", "READY", "STATUS"]);
    assert_eq!(plan.widths[2], Some(16), "STATUS whole again once AGE went");
    // With NAMESPACE: both cut a little, STATUS still there.
    columns.insert(0, Column::new("NAMESPACE", Role::Namespace, 0));
    let mut row = row;
    row.insert(0, "kube-system".to_string());
    let plan = Plan::new(&columns, std::slice::from_ref(&row), 56);
    assert_eq!(
        titles(&columns, &plan),
        ["NAMESPACE", "NAME", "READY", "STATUS"]
    );
    assert!(plan.widths[1] >= Some(NAME_MIN), "{:?}", plan.widths);
    assert_eq!(used(&plan), 56);
    let plan = Plan::new(&columns, &[row], 20);
    assert_eq!(titles(&columns, &plan), ["NAME"]);
    assert_eq!(plan.widths[1], Some(20));
}

#[test]
fn cells_are_cut_with_an_ellipsis() {
    assert_eq!(fit("metrics-server", 14), "metrics-server");
    assert_eq!(fit("metrics-server", 10), "metrics-s…");
    assert_eq!(fit("metrics-server", 1), "…");
    assert_eq!(fit("metrics-server", 0), "");
    assert_eq!(
        fit("日本語のなまえ", 5),
        "日本…",
        "wide characters count twice"
    );
    let plan = Plan {
        widths: vec![Some(4), None, Some(6)],
    };
    let cells = plan.cells(vec!["api".into(), "x".into(), "Back-off restarting".into()]);
    assert_eq!(cells, [(0, "api".into()), (2, "Back-…".into())]);
}

fn events_columns() -> Vec<Column> {
    [
        ("Last Seen", 0, true),
        ("Type", 0, false),
        ("Reason", 0, false),
        ("Object", 0, false),
        ("Subobject", 1, false),
        ("Source", 1, false),
        ("Message", 0, false),
        ("First Seen", 1, true),
        ("Count", 1, false),
        ("Name", 1, false),
    ]
    .iter()
    .map(|&(t, p, age)| Column::server(t, p, age))
    .collect()
}

fn event() -> Vec<String> {
    let message = "Back-off restarting failed container api in pod api-7d9f8b6c5-x2x9q_shop(0c9e)";
    [
        "5m30s",
        "Warning",
        "BackOff",
        "pod/api-7d9f8b6c5-x2x9q",
        "spec.containers{api}",
        "kubelet, worker-1",
        message,
        "2d",
        "312",
        "api-7d9f8b6c5-x2x9q.17a8b9c0d1e2f3a4",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn message_gets_the_room_not_the_first_column() {
    let columns = events_columns();
    let rows = vec![event()];
    let message = width(&rows[0][6]);
    // 80 columns: the wide columns go, MESSAGE takes what is left.
    let plan = Plan::new(&columns, &rows, 76);
    assert_eq!(
        titles(&columns, &plan),
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert_eq!(plan.widths[0], Some(9), "LAST SEEN fits its title");
    assert_eq!(used(&plan), 76, "MESSAGE takes the rest");
    assert!(plan.widths[6] >= Some(20), "{:?}", plan.widths);
    // 160: MESSAGE whole before any wide column.
    let plan = Plan::new(&columns, &rows, 156);
    assert_eq!(plan.widths[6], Some(message));
    // 250: everything, MESSAGE whole.
    let plan = Plan::new(&columns, &rows, 246);
    assert_eq!(plan.widths[6], Some(message));
    assert!(plan.widths[9].is_some(), "{:?}", plan.widths);
}

#[test]
fn spare_room_goes_to_message_like_columns() {
    let columns = vec![
        Column::new("NAME", Role::Name, 0),
        Column::new("MESSAGE", Role::Text, 0),
        Column::new("AGE", Role::Fit, 1),
    ];
    let long = "x".repeat(300);
    let rows = vec![vec!["web".to_string(), long, "5d".into()]];
    let plan = Plan::new(&columns, &rows, 100);
    assert_eq!(plan.widths, [Some(4), Some(100 - 4 - 3 - 4), Some(3)]);
}
