//! The demo cluster takes writes as a real apiserver does: PUT and the three PATCH types with
//! 409/422/dryRun/fieldValidation over HTTPS (here), and the real kubectl's scale, rollout
//! restart, edit, patch, replace, cordon and drain against it (`demo_writes/kubectl.rs`).

#[path = "demo_writes/api.rs"]
mod api;
use crate::common;
#[path = "demo_writes/kubectl.rs"]
mod kubectl;

use std::time::{Duration, Instant};

use kr8s_tui::demo::DemoHandle;
use serde_json::Value;

use common::kubectl::{client, send};

/// hello-web's object path.
const HELLO: &str = "/apis/apps/v1/namespaces/default/deployments/hello-web";

/// A response's status and JSON body.
pub struct Answer {
    pub code: u16,
    pub body: Value,
    pub warnings: Vec<String>,
}

async fn answer(resp: reqwest::Response) -> Answer {
    let code = resp.status().as_u16();
    let warnings = resp
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let body = resp.json().await.unwrap_or(Value::Null);
    Answer {
        code,
        body,
        warnings,
    }
}

pub async fn get(h: &DemoHandle, path: &str) -> Answer {
    answer(send(&client(h), h, path).await).await
}

/// A request with a JSON body: `content_type` None = `application/json`.
pub async fn write(
    h: &DemoHandle,
    method: reqwest::Method,
    path: &str,
    content_type: Option<&str>,
    body: &Value,
) -> Answer {
    let resp = client(h)
        .request(method, format!("{}{path}", h.base_url()))
        .bearer_auth(&h.token)
        .header("Content-Type", content_type.unwrap_or("application/json"))
        .body(body.to_string())
        .send()
        .await
        .expect("request succeeds");
    answer(resp).await
}

pub async fn merge_patch(h: &DemoHandle, path: &str, body: &Value) -> Answer {
    let ct = Some("application/merge-patch+json");
    write(h, reqwest::Method::PATCH, path, ct, body).await
}

/// Polls `check` every 100 ms until it holds, for at most `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match check().await {
            Ok(()) => return,
            Err(e) if Instant::now() > deadline => panic!("{what}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

pub fn rv(v: &Value) -> String {
    v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
