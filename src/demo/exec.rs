//! `pods/exec` and `pods/attach` over WebSocket (`v5.channel.k8s.io`, else `v4`), refusing as
//! the apiserver and kubelet do (unknown pod or container, a completed pod, a missing binary),
//! then running the container's tiny shell (`super::shell`) over the channel protocol.

mod session;

use axum::response::Response;
use http::request::Parts;
use serde_json::Value;

use super::resources::Kind;
use super::routes::{AppState, Reject, bad_request, not_found};
use super::shell::{Shell, program};

/// The protocols served, best first.
const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

/// What the client asked to run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub command: Vec<String>,
    pub container: String,
    pub stdin: bool,
    pub tty: bool,
    pub attach: bool,
    /// The container's image, which decides which binaries it has.
    pub image: String,
}

impl Request {
    fn parse(query: Option<&str>, attach: bool) -> Request {
        let mut req = Request {
            attach,
            ..Request::default()
        };
        let on = |v: &str| matches!(v, "1" | "true" | "True");
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match &*key {
                "command" => req.command.push(value.into_owned()),
                "container" => req.container = value.into_owned(),
                "stdin" => req.stdin = on(&value),
                "tty" => req.tty = on(&value),
                _ => {}
            }
        }
        req
    }
}

/// Answers an exec or attach: a refusal, or 101 with the session running on its own task.
pub(crate) fn upgrade(
    app: &AppState,
    ns: &str,
    name: &str,
    parts: &mut Parts,
    attach: bool,
) -> Response {
    let mut req = Request::parse(parts.uri.query(), attach);
    let shell = match admit(app, ns, name, &mut req) {
        Ok(shell) => shell,
        Err(reject) => return reject.into(),
    };
    let drop_after = app.faults.drop_after();
    let protocols = app.faults.speaks(&PROTOCOLS);
    super::upgrade::accept(parts, &protocols, "exec", move |ws, protocol| async move {
        session::run(ws, protocol.starts_with("v5."), req, shell, drop_after).await;
    })
}

/// The refusals the apiserver and kubelet give before any stream starts.
fn admit(app: &AppState, ns: &str, name: &str, req: &mut Request) -> Result<Shell, Reject> {
    let pod = app
        .store
        .get(Kind::Pod, ns, name)
        .ok_or_else(|| not_found(Kind::Pod, name))?
        .value();
    let phase = pod["status"]["phase"].as_str().unwrap_or_default();
    if matches!(phase, "Succeeded" | "Failed") {
        return Err(bad_request(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        )));
    }
    let names: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    if req.container.is_empty() {
        match names.as_slice() {
            [only] => req.container = only.to_string(),
            _ => {
                return Err(bad_request(format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    names.join(" ")
                )));
            }
        }
    }
    if !names.contains(&req.container.as_str()) {
        return Err(bad_request(format!(
            "container {} is not valid for pod {name}",
            req.container
        )));
    }
    req.image = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == req.container.as_str())
        .and_then(|c| c["image"].as_str())
        .unwrap_or_default()
        .to_string();
    if pod["spec"]["nodeName"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
    {
        return Err(bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    if !running(&pod, &req.container) {
        return Err(super::routes::Reject::internal(format!(
            "unable to upgrade connection: container not found (\"{}\")",
            req.container
        )));
    }
    if req.command.is_empty() && !req.attach {
        return Err(bad_request("you must specify at least 1 command"));
    }
    Ok(Shell {
        pod: name.to_string(),
        namespace: ns.to_string(),
        container: req.container.clone(),
        rows: 24,
        cols: 80,
        last: 0,
    })
}

fn running(pod: &Value, container: &str) -> bool {
    pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == container)
        .is_some_and(|s| s["state"]["running"].is_object())
}

/// Why a command cannot start in this container, as the container runtime words it; None when
/// it can. Minimal images have no bash, distroless ones no shell at all.
pub(crate) fn missing_binary(image: &str, command: &str) -> Option<String> {
    let minimal = [
        "alpine",
        "busybox",
        "coredns",
        "kube-proxy",
        "metrics-server",
    ];
    let bare = ["distroless", "pause"];
    let name = command.rsplit('/').next().unwrap_or(command);
    let absent = program(command).is_none()
        || bare.iter().any(|b| image.contains(b))
        || (name == "bash" && minimal.iter().any(|m| image.contains(m)));
    if !absent {
        return None;
    }
    let why = if command.contains('/') {
        format!("stat {command}: no such file or directory")
    } else {
        format!("exec: \"{command}\": executable file not found in $PATH")
    };
    Some(format!(
        "OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown"
    ))
}
