//! A custom resource: the CustomResourceDefinition `widgets.demo.kr8s.dev` and a few Widgets.
//! Their Table is made the way the apiextensions server makes it: NAME, then the CRD's
//! additionalPrinterColumns, each cell the value at the column's JSONPath (dates as ages).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::config::uid_of;
use super::pods::ts;
use super::resources::Kind;
use super::rng::Rng;
use super::store::Store;
use super::workloads::after;

/// One of the CRD's additionalPrinterColumns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrinterColumn {
    pub name: &'static str,
    /// OpenAPI type: string, integer, number, boolean or date.
    pub ty: &'static str,
    pub json_path: &'static str,
    pub priority: u8,
    pub description: &'static str,
}

/// The columns `kubectl get widgets` shows (Owner only with `-o wide`).
pub(crate) const WIDGET_COLUMNS: [PrinterColumn; 5] = [
    PrinterColumn {
        name: "Color",
        ty: "string",
        json_path: ".spec.color",
        priority: 0,
        description: "The color the widget is painted.",
    },
    PrinterColumn {
        name: "Size",
        ty: "integer",
        json_path: ".spec.size",
        priority: 0,
        description: "How many sprockets it has.",
    },
    PrinterColumn {
        name: "Phase",
        ty: "string",
        json_path: ".status.phase",
        priority: 0,
        description: "Where the widget is in its life.",
    },
    PrinterColumn {
        name: "Owner",
        ty: "string",
        json_path: ".spec.owner",
        priority: 1,
        description: "The team that looks after it.",
    },
    PrinterColumn {
        name: "Age",
        ty: "date",
        json_path: ".metadata.creationTimestamp",
        priority: 0,
        description: "",
    },
];

const GROUP: &str = "demo.kr8s.dev";

fn names() -> Value {
    json!({"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList",
        "shortNames": Kind::Widget.short_names(), "categories": Kind::Widget.categories()})
}

/// The CustomResourceDefinition, Established.
pub(crate) fn crd_json(created: Timestamp) -> Value {
    let name = format!("widgets.{GROUP}");
    let columns: Vec<Value> = WIDGET_COLUMNS
        .iter()
        .map(|c| {
            let mut col = json!({"name": c.name, "type": c.ty, "jsonPath": c.json_path});
            if c.priority > 0 {
                col["priority"] = json!(c.priority);
            }
            if !c.description.is_empty() {
                col["description"] = json!(c.description);
            }
            col
        })
        .collect();
    let schema = json!({"openAPIV3Schema": {"type": "object",
        "description": "Widget is the demo cluster's custom resource.",
        "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {"type": "object", "required": ["color", "size"], "properties": {
                "color": {"type": "string", "enum": ["red", "green", "blue", "yellow"]},
                "size": {"type": "integer", "minimum": 1},
                "owner": {"type": "string"}}},
            "status": {"type": "object", "properties": {
                "phase": {"type": "string"}, "observedGeneration": {"type": "integer"}}}}}});
    let t = ts(created);
    json!({"kind": "CustomResourceDefinition", "apiVersion": "apiextensions.k8s.io/v1",
        "metadata": {"name": name, "uid": uid_of(&[name.as_str()]), "generation": 1,
            "creationTimestamp": t,
            "annotations": {"controller-gen.kubebuilder.io/version": "v0.16.1"}},
        "spec": {"group": GROUP, "names": names(), "scope": "Namespaced",
            "conversion": {"strategy": "None"},
            "versions": [{"name": "v1", "served": true, "storage": true, "schema": schema,
                "subresources": {"status": {}}, "additionalPrinterColumns": columns}]},
        "status": {"acceptedNames": names(), "storedVersions": ["v1"], "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
                "message": "no conflicts found", "lastTransitionTime": t},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted", "lastTransitionTime": t}]}})
}

fn widget_json(
    ns: &str,
    name: &str,
    color: &str,
    size: u32,
    owner: &str,
    phase: &str,
    created: Timestamp,
) -> Value {
    json!({"kind": "Widget", "apiVersion": "demo.kr8s.dev/v1",
        "metadata": {"name": name, "namespace": ns, "uid": uid_of(&[ns, name, "widget"]),
            "generation": 1, "creationTimestamp": ts(created), "labels": {"team": owner}},
        "spec": {"color": color, "size": size, "owner": owner},
        "status": {"phase": phase, "observedGeneration": 1}})
}

/// (namespace, name, phase) of the Widgets; only those in namespaces that exist are seeded.
const WIDGETS: [(&str, &str, &str); 8] = [
    ("default", "hello-widget", "Ready"),
    ("payments", "invoice-sprocket", "Ready"),
    ("payments", "ledger-gear", "Ready"),
    ("payments", "refund-cog", "Pending"),
    ("web", "banner-gizmo", "Ready"),
    ("data", "etl-flange", "Degraded"),
    ("monitoring", "alert-spring", "Ready"),
    ("monitoring", "dashboard-dial", "Ready"),
];

/// Seeds the CRD and the Widgets of the namespaces that exist.
pub(crate) fn seed(store: &Store, namespaces: &[String], now: Timestamp, rng: &mut Rng) {
    let crd_created = after(now, -(85 * 86_400));
    store.seed(Kind::CustomResourceDefinition, crd_json(crd_created));
    for (ns, name, phase) in WIDGETS {
        if !namespaces.iter().any(|n| n == ns) {
            continue;
        }
        let color = *rng.pick(&["red", "green", "blue", "yellow"]);
        let size = 1 + rng.below(12) as u32;
        let owner = format!("team-{}", ns.split('-').next().unwrap_or(ns));
        let created = after(now, -(3_600 + rng.below(60 * 86_400) as i64));
        let w = widget_json(ns, name, color, size, &owner, phase, created);
        store.seed(Kind::Widget, w);
    }
}

/// The value at a simple JSONPath (`.spec.color`).
fn at_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    obj.pointer(&path.replace('.', "/"))
}

/// A Widget's cells after NAME, as the apiextensions server's table convertor prints them:
/// strings as text (other values as JSON), integers as numbers, dates as the time since, null
/// when the path is missing.
pub(crate) fn widget_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    WIDGET_COLUMNS
        .iter()
        .map(|c| match (c.ty, at_path(obj, c.json_path)) {
            (_, None | Some(Value::Null)) => Value::Null,
            ("string", Some(Value::String(s))) => json!(s),
            ("string", Some(v)) => json!(v.to_string()),
            ("integer", Some(v)) => v.as_i64().map_or(Value::Null, |n| json!(n)),
            ("date", Some(v)) => {
                let t = v.as_str().and_then(|s| s.parse::<Timestamp>().ok());
                json!(t.map_or("<invalid>".into(), |t| crate::kube::table::age(
                    Some(t),
                    now
                )))
            }
            (_, Some(v)) => v.clone(),
        })
        .collect()
}
