//! The raw request as a command to paste elsewhere: curl, `kubectl get --raw`, or kr8s
//! Python. The pane never holds a token, so credentials are placeholders by construction.

use crate::msg::RawRequest;

use super::raw::resolve;

/// POSIX-shell single quoting: `it's` → `'it'\''s'`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A Python string literal (JSON string syntax is valid Python for any text).
fn py_str(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The body as JSON text: YAML is converted (the API server wants JSON), anything that does
/// not parse is kept as typed.
pub fn body_as_json(body: &str) -> String {
    crate::kube::wire::json_body(body).unwrap_or_else(|_| body.to_string())
}

/// The content type a request is sent with.
pub fn content_type(request: &RawRequest) -> &str {
    request
        .content_type
        .as_deref()
        .unwrap_or("application/json")
}

/// `curl` for `request`. `$SERVER` and `$TOKEN` stand for the cluster URL and the bearer
/// token, which kr8s-tui deliberately does not put in the text.
pub fn curl(request: &RawRequest) -> Result<String, String> {
    let path = resolve(request).map_err(|e| e.to_string())?;
    let mut lines = vec![
        "# token redacted: set SERVER (and --cacert) and TOKEN for your cluster".to_string(),
        format!(
            "curl -sS -X {} \"$SERVER\"{} \\",
            request.method,
            shell_quote(&path)
        ),
        "  -H \"Authorization: Bearer $TOKEN\" \\".to_string(),
        "  -H 'Accept: application/json'".to_string(),
    ];
    if let Some(body) = &request.body {
        append_continuation(&mut lines);
        lines.push(format!(
            "  -H {} \\",
            shell_quote(&format!("Content-Type: {}", content_type(request)))
        ));
        lines.push(format!(
            "  --data-binary {}",
            shell_quote(&body_as_json(body))
        ));
    }
    Ok(lines.join("\n"))
}

fn append_continuation(lines: &mut [String]) {
    if let Some(last) = lines.last_mut() {
        last.push_str(" \\");
    }
}

/// `kubectl get --raw` for a GET request (it can only GET); uses kubectl's own credentials.
pub fn kubectl(request: &RawRequest, context: &str) -> Result<String, String> {
    if request.method != "GET" {
        return Err(format!(
            "kubectl get --raw only sends GET, not {}",
            request.method
        ));
    }
    let path = resolve(request).map_err(|e| e.to_string())?;
    Ok(format!(
        "kubectl --context {} get --raw {}",
        shell_quote(context),
        shell_quote(&path)
    ))
}

/// A kr8s script making the same `call_api` call. `call_api` exists only in kr8s's asyncio
/// API, so the snippet runs an async main.
pub fn python(request: &RawRequest, context: &str) -> Result<String, String> {
    resolve(request).map_err(|e| e.to_string())?;
    let namespace = match &request.namespace {
        Some(ns) if !ns.is_empty() => py_str(ns),
        _ => "None".to_string(),
    };
    let mut args = vec![
        py_str(&request.method),
        format!("version={}", py_str(&request.version)),
        format!("base={}", py_str(&request.base)),
        format!("namespace={namespace}"),
        format!("url={}", py_str(&request.url)),
    ];
    if !request.query.is_empty() {
        args.push(format!("params={}", py_params(&request.query)));
    }
    if let Some(body) = &request.body {
        args.push(format!("content={}", py_str(&body_as_json(body))));
        args.push(format!(
            "headers={{\"Content-Type\": {}}}",
            py_str(content_type(request))
        ));
    }
    let args: String = args.iter().map(|a| format!("        {a},\n")).collect();
    Ok(format!(
        "import asyncio\n\nimport kr8s.asyncio\n\n\nasync def main():\n    \
         api = await kr8s.asyncio.api(context={})\n    \
         async with api.call_api(\n{args}    ) as r:\n        \
         print(r.text)\n\n\nasyncio.run(main())\n",
        py_str(context)
    ))
}

/// `a=1&b=x%3Dy` → `{"a": "1", "b": "x=y"}` (httpx encodes params itself).
fn py_params(query: &str) -> String {
    let pairs: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| format!("{}: {}", py_str(&k), py_str(&v)))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pods_get() -> RawRequest {
        RawRequest {
            method: "GET".into(),
            version: "v1".into(),
            namespace: Some("shop".into()),
            url: "pods".into(),
            query: "labelSelector=app%3Dweb&limit=5".into(),
            ..RawRequest::default()
        }
    }

    fn patch() -> RawRequest {
        RawRequest {
            method: "PATCH".into(),
            version: "apps/v1".into(),
            namespace: Some("shop".into()),
            url: "deployments/web".into(),
            body: Some("spec:\n  replicas: 3\n".into()),
            content_type: Some("application/merge-patch+json".into()),
            ..RawRequest::default()
        }
    }

    #[test]
    fn curl_uses_placeholders_and_json_bodies() {
        let get = curl(&pods_get()).expect("valid");
        assert_eq!(
            get,
            "# token redacted: set SERVER (and --cacert) and TOKEN for your cluster\n\
             curl -sS -X GET \"$SERVER\"'/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&limit=5' \\\n  \
             -H \"Authorization: Bearer $TOKEN\" \\\n  \
             -H 'Accept: application/json'"
        );
        let patch = curl(&patch()).expect("valid");
        assert!(
            patch.contains("-X PATCH \"$SERVER\"'/apis/apps/v1/namespaces/shop/deployments/web'")
        );
        assert!(patch.contains("-H 'Content-Type: application/merge-patch+json' \\\n"));
        assert!(
            patch.ends_with("--data-binary '{\"spec\":{\"replicas\":3}}'"),
            "{patch}"
        );
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        let mut request = patch();
        request.body = Some(r#"{"metadata":{"annotations":{"note":"it's"}}}"#.into());
        let text = curl(&request).expect("valid");
        assert!(
            text.contains(r#"'{"metadata":{"annotations":{"note":"it'\''s"}}}'"#),
            "{text}"
        );
    }

    #[test]
    fn kubectl_only_for_get() {
        assert_eq!(
            kubectl(&pods_get(), "kind-dev").expect("GET"),
            "kubectl --context 'kind-dev' get --raw \
             '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&limit=5'"
        );
        let err = kubectl(&patch(), "kind-dev").expect_err("PATCH");
        assert_eq!(err, "kubectl get --raw only sends GET, not PATCH");
    }

    #[test]
    fn python_uses_the_async_call_api() {
        let text = python(&pods_get(), "kind-dev").expect("valid");
        assert_eq!(
            text,
            r#"import asyncio

import kr8s.asyncio


async def main():
    api = await kr8s.asyncio.api(context="kind-dev")
    async with api.call_api(
        "GET",
        version="v1",
        base="",
        namespace="shop",
        url="pods",
        params={"labelSelector": "app=web", "limit": "5"},
    ) as r:
        print(r.text)


asyncio.run(main())
"#
        );
        let patch = python(&patch(), "prod").expect("valid");
        assert!(
            patch.contains(r#"content="{\"spec\":{\"replicas\":3}}","#),
            "{patch}"
        );
        assert!(patch.contains(r#"headers={"Content-Type": "application/merge-patch+json"},"#));
        let mut cluster = pods_get();
        cluster.namespace = None;
        assert!(
            python(&cluster, "x")
                .expect("valid")
                .contains("namespace=None,")
        );
    }

    #[test]
    fn invalid_urls_are_refused_with_kr8s_error() {
        let mut bad = pods_get();
        bad.version = "v2".into();
        let want = "Unknown API version \"v2\", base must be specified.";
        assert_eq!(curl(&bad).expect_err("invalid"), want);
        assert_eq!(python(&bad, "x").expect_err("invalid"), want);
        assert_eq!(kubectl(&bad, "x").expect_err("invalid"), want);
    }
}
