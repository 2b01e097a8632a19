//! Just enough OpenAPI v3 for kubectl: its `--validate=strict` (the default of `edit`,
//! `replace` and `apply`) first checks that the server takes `fieldValidation` on a kind's
//! PATCH, and leaves validation to the server when it does.

use serde_json::{Map, Value, json};

use super::resources::{GROUPS, Kind, VERSION};

/// `api/v1` or `apis/<group>/v1`.
fn group_path(group: &str) -> String {
    match group {
        "" => format!("api/{VERSION}"),
        g => format!("apis/{g}/{VERSION}"),
    }
}

/// `GET /openapi/v3`: where each group version's document is.
pub(crate) fn root() -> Value {
    let paths: Map<String, Value> = std::iter::once("")
        .chain(GROUPS)
        .map(|g| {
            let path = group_path(g);
            let url = format!("/openapi/v3/{path}?hash=kr8s-demo");
            (path, json!({"serverRelativeURL": url}))
        })
        .collect();
    json!({"paths": paths})
}

/// The group a `/openapi/v3/...` path names, if served.
pub(crate) fn group_of(rest: &[&str]) -> Option<&'static str> {
    match rest {
        ["api", VERSION] => Some(""),
        ["apis", g, VERSION] => GROUPS.into_iter().find(|x| x == g),
        _ => None,
    }
}

/// One group version's document: every kind's object and collection paths with the write
/// operations and the query parameters they take.
pub(crate) fn document(group: &str) -> Value {
    let params = json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}}
    ]);
    let mut paths = Map::new();
    for kind in Kind::of_group(group).into_iter().filter(|k| k.writable()) {
        let gvk = json!({"group": group, "version": VERSION, "kind": kind.kind()});
        let op = |id: String| {
            json!({"operationId": id, "parameters": params,
                "x-kubernetes-group-version-kind": gvk})
        };
        let base = match kind.namespaced() {
            true => format!(
                "/{}/namespaces/{{namespace}}/{}",
                group_path(group),
                kind.plural()
            ),
            false => format!("/{}/{}", group_path(group), kind.plural()),
        };
        let k = kind.kind();
        paths.insert(
            format!("{base}/{{name}}"),
            json!({"put": op(format!("replace{k}")), "patch": op(format!("patch{k}")),
                "delete": op(format!("delete{k}"))}),
        );
        paths.insert(base, json!({"post": op(format!("create{k}"))}));
    }
    json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.31.0"},
        "paths": paths, "components": {"schemas": {}}})
}
