//! `kr8s-tui api METHOD ...`: one `call_api` from the shell, through the same client as the UI.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use bytes::Bytes;
use http::Method;

use crate::cli::{ApiArgs, GlobalArgs, OutputFormat};
use crate::kube::kubeconfig::{LoadOptions, discover};
use crate::kube::warning::warning_texts;
use crate::kube::{ApiCache, ApiRequest, Client, ClientOptions, KubeError};

/// Sends the request and prints the body; exit code 1 on an error status, like kubectl.
pub async fn run(global: &GlobalArgs, args: ApiArgs) -> anyhow::Result<ExitCode> {
    let req = build_request(global, &args)?;
    let client = client_for(global)?;
    let resp = client.send(&req).await?;
    if args.verbose {
        eprintln!(
            "{} {} -> {} {} ({} bytes, {} ms)",
            req.method,
            req.path()?,
            resp.status,
            resp.reason,
            resp.body.len(),
            resp.latency.as_millis()
        );
    }
    // kubectl's wording, on stderr so the body on stdout stays clean.
    for warning in warning_texts(&resp.headers) {
        eprintln!("Warning: {warning}");
    }
    if resp.status >= 400 {
        let err = KubeError::from_response(resp.status, &resp.reason, &resp.body);
        if let KubeError::Api { status, .. } = &err {
            eprintln!("Error from server ({}): {}", status.reason, status.message);
        }
        return Ok(ExitCode::from(1));
    }
    print_body(&resp.body, args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// The client the subcommands (`api`, `exec`, `port-forward`) use: kubeconfig, context,
/// namespace, timeout and `--readonly` from the global flags, as the UI resolves them.
pub fn client_for(global: &GlobalArgs) -> anyhow::Result<Client> {
    let source = discover(&LoadOptions {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.clone(),
        namespace: global.namespace.clone(),
    })?;
    let opts = ClientOptions {
        request_timeout: global.request_timeout.0,
        readonly: global.readonly,
        ..ClientOptions::default()
    };
    let cache = ApiCache::new(source, global.namespace.clone(), opts);
    Ok(cache.api(global.context.as_deref(), None)?)
}

fn build_request(global: &GlobalArgs, args: &ApiArgs) -> anyhow::Result<ApiRequest> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .with_context(|| format!("invalid method {:?}", args.method))?;
    let body = match args.body.as_ref().or(args.data.as_ref()) {
        Some(b) => Some(body_to_json(&read_body(b)?)?),
        None => None,
    };
    let content_type = args
        .content_type
        .clone()
        .or_else(|| (method == Method::PATCH).then(|| "application/merge-patch+json".to_string()));
    let req = ApiRequest {
        method,
        version: args.version.clone(),
        base: args.base.clone(),
        namespace: global.namespace.clone(),
        url: args.url.clone(),
        query: args.query.clone(),
        body,
        content_type,
    };
    req.path()?; // kr8s's ValueError before anything is sent
    Ok(req)
}

/// `@FILE`, `-` (stdin) or the literal text.
fn read_body(spec: &str) -> anyhow::Result<String> {
    if spec == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else if let Some(path) = spec.strip_prefix('@') {
        std::fs::read_to_string(path).with_context(|| format!("reading body from {path}"))
    } else {
        Ok(spec.to_string())
    }
}

/// Bodies may be typed as JSON or YAML; the API gets JSON.
pub fn body_to_json(text: &str) -> anyhow::Result<Bytes> {
    crate::kube::wire::json_body(text)
        .map(Bytes::from)
        .map_err(anyhow::Error::msg)
}

fn print_body(body: &[u8], output: OutputFormat) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let parsed = serde_json::from_slice::<serde_json::Value>(body);
    match (output, parsed) {
        (OutputFormat::Json, Ok(v)) => writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?,
        (OutputFormat::Yaml, Ok(v)) => write!(out, "{}", serde_saphyr::to_string(&v)?)?,
        // Not JSON (logs, /healthz) or raw asked for: the bytes as they came.
        _ => out.write_all(body)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_bodies_become_json() {
        let b = body_to_json("metadata:\n  labels:\n    a: b\n").expect("valid yaml");
        assert_eq!(&b[..], br#"{"metadata":{"labels":{"a":"b"}}}"#);
        let b = body_to_json(r#"{"x": 1}"#).expect("valid json");
        assert_eq!(&b[..], br#"{"x": 1}"#);
        assert!(body_to_json("a: [unclosed").is_err());
    }
}
