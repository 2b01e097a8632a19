//! Writes as the apiserver takes them: PUT (replace), PATCH (three patch types) and POST
//! (create), each with `dryRun=All`, `fieldValidation`, resourceVersion preconditions (409),
//! validation (422) and the server-owned fields kept; the `scale` and `status` subresources.
//! A stored write bumps the resourceVersion and emits MODIFIED; the controllers then react
//! (see `rollout`).

use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, header};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::patch::{self, PatchError, PatchType};
use super::pods::ts;
use super::resources::Kind;
use super::rng::{Rng, hash};
use super::routes::{AppState, Params, Reject, Sub, bad_request, json_bytes, not_found, respond};
use super::validate::{self, FieldError};

pub(crate) use super::remove::delete;

/// The object (or subresource) a write names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub kind: Kind,
    pub ns: &'a str,
    pub name: &'a str,
    pub sub: Option<Sub>,
}

/// `fieldValidation`: what to do about fields the types do not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldValidation {
    Strict,
    Warn,
    Ignore,
}

/// The query options every write shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WriteOptions {
    pub dry_run: bool,
    pub validation: FieldValidation,
}

impl WriteOptions {
    /// `options` names the kind of options in the 422 (`UpdateOptions`, `PatchOptions`, …).
    pub fn parse(params: &Params, options: &str) -> Result<WriteOptions, Reject> {
        let unsupported = |field: &str, value: String, supported: &str| {
            let err = FieldError {
                reason: "FieldValueNotSupported",
                field: field.into(),
                body: format!("Unsupported value: {value}: supported values: {supported}"),
            };
            validate::invalid_as(options, "meta.k8s.io", "", &[err])
        };
        let dry_run = match params.get("dryRun") {
            None | Some("") => false,
            Some("All") => true,
            Some(v) => {
                return Err(unsupported(
                    "dryRun",
                    format!("[]string{{{v:?}}}"),
                    "\"All\"",
                ));
            }
        };
        let validation = match params.get("fieldValidation") {
            None | Some("" | "Warn") => FieldValidation::Warn,
            Some("Strict") => FieldValidation::Strict,
            Some("Ignore") => FieldValidation::Ignore,
            Some(v) => {
                let all = "\"\", \"Ignore\", \"Strict\", \"Warn\"";
                return Err(unsupported("fieldValidation", format!("{v:?}"), all));
            }
        };
        Ok(WriteOptions {
            dry_run,
            validation,
        })
    }
}

/// The parsed JSON body, or the decoder's 400.
fn body_json(body: &[u8]) -> Result<Value, Reject> {
    serde_json::from_slice(body)
        .map_err(|e| bad_request(format!("error decoding request body: {e}")))
}

/// What a write request asks for, applied to the stored object's (or subresource's) view.
enum Edit {
    Replace(Value),
    Patch(PatchType, Value),
}

impl Edit {
    fn from_request(method: &Method, headers: &HeaderMap, body: &[u8]) -> Result<Edit, Reject> {
        let value = body_json(body)?;
        if *method == Method::PUT {
            return Ok(Edit::Replace(value));
        }
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let ty = PatchType::from_content_type(ct).ok_or_else(|| {
            Reject::from_status(crate::kube::error::Status::failure(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
            ))
        })?;
        Ok(Edit::Patch(ty, value))
    }

    fn apply(&self, kind: Kind, name: &str, view: &Value) -> Result<Value, Reject> {
        match self {
            Edit::Replace(v) => Ok(v.clone()),
            Edit::Patch(ty, p) => patch::apply(*ty, view, p).map_err(|e| match e {
                PatchError::Malformed(m) => bad_request(m),
                PatchError::Failed(m) => {
                    let err = FieldError::invalid("patch", &format!("{:?}", p.to_string()), &m);
                    validate::invalid(kind, name, &[err])
                }
            }),
        }
    }
}

/// `PUT` or `PATCH` of an object or its `scale`/`status` subresource.
pub(crate) fn update(
    app: &AppState,
    t: Target<'_>,
    method: &Method,
    params: &Params,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let options = if *method == Method::PUT {
        "UpdateOptions"
    } else {
        "PatchOptions"
    };
    respond((|| {
        let opts = WriteOptions::parse(params, options)?;
        let edit = Edit::from_request(method, headers, body)?;
        let (stored, warnings) = commit(app, t, opts, *method == Method::PUT, &edit)?;
        let shown = match t.sub {
            Some(Sub::Scale) => super::scale::view(t.kind, &stored),
            _ => stored,
        };
        let mut resp = json_bytes(
            StatusCode::OK,
            serde_json::to_vec(&shown).unwrap_or_default(),
        );
        add_warnings(&mut resp, &warnings);
        Ok(resp)
    })())
}

/// `GET` of a `scale` or `status` subresource.
pub(crate) fn get_sub(app: &AppState, kind: Kind, ns: &str, name: &str, sub: Sub) -> Response {
    let Some(obj) = app.store.get(kind, ns, name) else {
        return not_found(kind, name).into();
    };
    match sub {
        Sub::Scale => super::routes::json_value(&super::scale::view(kind, &obj.value())),
        _ => json_bytes(StatusCode::OK, obj.json_bytes()),
    }
}

/// `Warning: 299 - "<text>"` headers, as the apiserver sends them.
pub(crate) fn add_warnings(resp: &mut Response, warnings: &[String]) {
    for w in warnings {
        let quoted = w.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(value) = http::HeaderValue::from_str(&format!("299 - \"{quoted}\"")) {
            resp.headers_mut().append(header::WARNING, value);
        }
    }
}

/// Reads, edits, checks and (unless a dry run) stores, retrying when another write got in
/// between (as the apiserver's GuaranteedUpdate does). Returns what was (or would be) stored.
fn commit(
    app: &AppState,
    t: Target<'_>,
    opts: WriteOptions,
    put: bool,
    edit: &Edit,
) -> Result<(Value, Vec<String>), Reject> {
    for _ in 0..8 {
        let old = app
            .store
            .get(t.kind, t.ns, t.name)
            .ok_or_else(|| not_found(t.kind, t.name))?
            .value();
        let (new, warnings) = match t.sub {
            Some(Sub::Scale) => (super::scale::edited(t, &old, edit_fn(t, edit))?, vec![]),
            Some(Sub::Status) => {
                let edited = edit.apply(t.kind, t.name, &old)?;
                check_identity(t, &edited, put)?;
                let mut new = old.clone();
                new["status"] = edited["status"].clone();
                precondition(t, &old, &edited)?;
                (new, vec![])
            }
            _ => main_resource(t, opts, put, edit, &old)?,
        };
        if new == old {
            return Ok((old, warnings));
        }
        if opts.dry_run {
            return Ok((new, warnings));
        }
        let old_rv = old["metadata"]["resourceVersion"].clone();
        let stored = app.store.update_if(t.kind, t.ns, t.name, |cur| {
            if cur["metadata"]["resourceVersion"] != old_rv {
                return false;
            }
            *cur = new.clone();
            true
        });
        if let Some(change) = stored {
            let stored = change.obj.value();
            super::rollout::on_write(&app.store, t.kind, &old, &stored);
            return Ok((stored, warnings));
        }
    }
    Err(validate::conflict(
        t.kind,
        &validate::group_resource(t.kind),
        t.name,
    ))
}

fn edit_fn<'e>(t: Target<'e>, edit: &'e Edit) -> impl Fn(&Value) -> Result<Value, Reject> + 'e {
    move |view| edit.apply(t.kind, t.name, view)
}

/// A write to the object itself: the edit, unknown fields, identity, preconditions, the
/// server's own fields and validation.
fn main_resource(
    t: Target<'_>,
    opts: WriteOptions,
    put: bool,
    edit: &Edit,
    old: &Value,
) -> Result<(Value, Vec<String>), Reject> {
    let mut new = edit.apply(t.kind, t.name, old)?;
    if !new.is_object() {
        return Err(bad_request("the body of the request must be a JSON object"));
    }
    let unknown = validate::prune_unknown(t.kind, Some(old), &mut new);
    let warnings = match opts.validation {
        FieldValidation::Strict if !unknown.is_empty() => {
            return Err(validate::strict_error(&unknown));
        }
        FieldValidation::Warn => validate::warnings(&unknown),
        _ => vec![],
    };
    check_identity(t, &new, put)?;
    precondition(t, old, &new)?;
    keep_server_fields(t.kind, old, &mut new);
    let errs = validate::check(t.kind, Some(old), &new);
    if !errs.is_empty() {
        return Err(validate::invalid(t.kind, t.name, &errs));
    }
    Ok((new, warnings))
}

/// A PUT body must name the same object as the URL (400 otherwise); a PATCH that renames is
/// left to validation (422, immutable name).
fn check_identity(t: Target<'_>, new: &Value, put: bool) -> Result<(), Reject> {
    let api_version = new["apiVersion"].as_str().unwrap_or_default();
    if !api_version.is_empty() && api_version != t.kind.api_version() {
        return Err(bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({})",
            t.kind.api_version()
        )));
    }
    let kind = new["kind"].as_str().unwrap_or_default();
    if !kind.is_empty() && kind != t.kind.kind() {
        return Err(bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            t.kind.kind()
        )));
    }
    let ns = new["metadata"]["namespace"].as_str().unwrap_or_default();
    if !ns.is_empty() && ns != t.ns {
        return Err(bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    let name = new["metadata"]["name"].as_str().unwrap_or_default();
    if put && !name.is_empty() && name != t.name {
        return Err(bad_request(format!(
            "the name of the object ({name}) does not match the name on the URL ({})",
            t.name
        )));
    }
    Ok(())
}

/// A resourceVersion in the request that is not the stored one is a 409.
pub(crate) fn precondition(t: Target<'_>, old: &Value, new: &Value) -> Result<(), Reject> {
    let asked = new["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default();
    if !asked.is_empty() && old["metadata"]["resourceVersion"] != asked {
        return Err(validate::conflict(
            t.kind,
            &validate::group_resource(t.kind),
            t.name,
        ));
    }
    Ok(())
}

/// What the client cannot set: identity, timestamps, generation (bumped when the spec
/// changes), the status of kinds that have a status subresource.
fn keep_server_fields(kind: Kind, old: &Value, new: &mut Value) {
    new["apiVersion"] = json!(kind.api_version());
    new["kind"] = json!(kind.kind());
    let (om, nm) = (&old["metadata"], &mut new["metadata"]);
    if !nm.is_object() {
        *nm = json!({});
    }
    for key in [
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "resourceVersion",
    ] {
        match om.get(key) {
            Some(v) if key != "name" || nm.get(key).is_none() => nm[key] = v.clone(),
            Some(_) => {}
            None => {
                if let Some(m) = nm.as_object_mut() {
                    m.remove(key);
                }
            }
        }
    }
    if let Some(m) = nm.as_object_mut() {
        m.remove("managedFields");
        m.remove("selfLink");
    }
    if kind.has_status() {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    if let Some(g) = old["metadata"]["generation"].as_u64()
        && old.get("spec") != new.get("spec")
    {
        new["metadata"]["generation"] = json!(g + 1);
    }
}

/// `POST` to a collection: a new object with the server's fields filled in (201).
pub(crate) fn create(
    app: &AppState,
    kind: Kind,
    ns: &str,
    params: &Params,
    body: &[u8],
) -> Response {
    respond((|| {
        let opts = WriteOptions::parse(params, "CreateOptions")?;
        let mut new = body_json(body)?;
        if !new.is_object() {
            return Err(bad_request("the body of the request must be a JSON object"));
        }
        let now = Timestamp::now();
        let mut rng = Rng::new(hash(&[ns, &body.len().to_string()]) ^ now.as_nanosecond() as u64);
        let meta = &mut new["metadata"];
        if meta["name"].as_str().is_none_or(str::is_empty)
            && let Some(prefix) = meta["generateName"].as_str()
        {
            meta["name"] = json!(format!("{prefix}{}", rng.suffix(5)));
        }
        let name = new["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let t = Target {
            kind,
            ns,
            name: &name,
            sub: None,
        };
        check_identity(t, &new, false)?;
        let unknown = validate::prune_unknown(kind, None, &mut new);
        if opts.validation == FieldValidation::Strict && !unknown.is_empty() {
            return Err(validate::strict_error(&unknown));
        }
        new["apiVersion"] = json!(kind.api_version());
        new["kind"] = json!(kind.kind());
        let meta = &mut new["metadata"];
        if kind.namespaced() {
            meta["namespace"] = json!(ns);
        }
        meta["uid"] = json!(rng.uid());
        meta["creationTimestamp"] = json!(ts(now));
        if let Some(m) = meta.as_object_mut() {
            m.remove("resourceVersion");
            m.remove("managedFields");
        }
        if new.get("spec").is_some() && kind != Kind::Pod {
            new["metadata"]["generation"] = json!(1);
        }
        if kind.has_status() {
            new["status"] = if kind == Kind::Pod {
                json!({"phase": "Pending", "qosClass": "BestEffort"})
            } else {
                json!({})
            };
        }
        let errs = validate::check(kind, None, &new);
        if !errs.is_empty() {
            return Err(validate::invalid(kind, &name, &errs));
        }
        if app.store.get(kind, ns, &name).is_some() {
            return Err(validate::already_exists(kind, &name));
        }
        let stored = if opts.dry_run {
            new
        } else {
            let change = app.store.put(kind, new);
            let stored = change.obj.value();
            super::rollout::on_write(&app.store, kind, &Value::Null, &stored);
            stored
        };
        let mut resp = json_bytes(
            StatusCode::CREATED,
            serde_json::to_vec(&stored).unwrap_or_default(),
        );
        if opts.validation == FieldValidation::Warn {
            add_warnings(&mut resp, &validate::warnings(&unknown));
        }
        Ok(resp)
    })())
}
