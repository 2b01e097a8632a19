//! The `Volumes:` section of `describe pod`, in kubectl's words for the common volume types
//! (a type kubectl describes in more detail shows its type name here).

use serde_json::Value;

use super::{Tabbed, s};

pub(super) fn write_volumes(w: &mut Tabbed, volumes: &Value) {
    let list = volumes.as_array().map_or(&[][..], Vec::as_slice);
    if list.is_empty() {
        w.w(0, "Volumes:\t<none>\n");
        return;
    }
    w.w(0, "Volumes:\n");
    for v in list {
        w.w(1, &format!("{}:\n", s(&v["name"])));
        volume(w, v);
    }
}

fn optional(v: &Value) -> bool {
    v["optional"] == true
}

/// kubectl prints a projected source's optional flag as a Go pointer: `<nil>` when unset (and
/// an address when set, which says nothing; the value is shown here instead).
fn optional_pointer(v: &Value) -> String {
    v["optional"]
        .as_bool()
        .map_or_else(|| "<nil>".to_string(), |b| b.to_string())
}

fn volume(w: &mut Tabbed, v: &Value) {
    let text = if let Some(h) = v.get("hostPath") {
        let kind = match s(&h["type"]) {
            "" if h["type"].is_null() => "<none>",
            t => t,
        };
        format!(
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{kind}\n",
            s(&h["path"])
        )
    } else if let Some(e) = v.get("emptyDir") {
        let limit = match s(&e["sizeLimit"]) {
            "" | "0" => "<unset>",
            limit => limit,
        };
        format!(
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n",
            s(&e["medium"])
        )
    } else if let Some(sec) = v.get("secret") {
        format!(
            "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
            s(&sec["secretName"]),
            optional(sec)
        )
    } else if let Some(cm) = v.get("configMap") {
        format!(
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
            s(&cm["name"]),
            optional(cm)
        )
    } else if let Some(pvc) = v.get("persistentVolumeClaim") {
        format!(
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
            s(&pvc["claimName"]),
            pvc["readOnly"] == true
        )
    } else if let Some(p) = v.get("projected") {
        projected(p)
    } else if let Some(d) = v.get("downwardAPI") {
        downward(d)
    } else {
        let kind = v.as_object().and_then(|m| m.keys().find(|k| *k != "name"));
        match kind {
            Some(kind) => format!("Type:\t{kind}\n"),
            None => {
                w.w(1, "<unknown>\n");
                return;
            }
        }
    };
    w.w(2, &text);
}

fn projected(p: &Value) -> String {
    let mut text =
        "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
            .to_string();
    for source in p["sources"].as_array().into_iter().flatten() {
        if let Some(sec) = source.get("secret") {
            text.push_str(&format!(
                "    SecretName:\t{}\n    SecretOptionalName:\t{}\n",
                s(&sec["name"]),
                optional_pointer(sec)
            ));
        } else if source.get("downwardAPI").is_some() {
            text.push_str("    DownwardAPI:\ttrue\n");
        } else if let Some(cm) = source.get("configMap") {
            text.push_str(&format!(
                "    ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n",
                s(&cm["name"]),
                optional_pointer(cm)
            ));
        } else if let Some(token) = source.get("serviceAccountToken") {
            let secs = token["expirationSeconds"].as_i64().unwrap_or(0);
            text.push_str(&format!("    TokenExpirationSeconds:\t{secs}\n"));
        }
    }
    text
}

fn downward(d: &Value) -> String {
    let mut text =
        "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n"
            .to_string();
    for item in d["items"].as_array().into_iter().flatten() {
        let path = s(&item["path"]);
        if let Some(f) = item.get("fieldRef") {
            text.push_str(&format!("      {} -> {path}\n", s(&f["fieldPath"])));
        }
        if let Some(r) = item.get("resourceFieldRef") {
            text.push_str(&format!("      {} -> {path}\n", s(&r["resource"])));
        }
    }
    text
}
