//! Talking to the demo apiserver as kubectl does: over HTTPS trusting only the demo's CA, with
//! its bearer token. Shared by the tests that check what the demo serves.

use kr8s_tui::demo::{self, DemoHandle, DemoOptions, ServeOptions};

pub async fn server(opts: DemoOptions) -> DemoHandle {
    demo::start(opts, ServeOptions::default())
        .await
        .expect("demo server starts")
}

/// The default demo without churn, so what a test reads stays put; extend with `..quiet()`.
pub fn quiet() -> DemoOptions {
    DemoOptions {
        churn: 0.0,
        ..DemoOptions::default()
    }
}

pub fn client(h: &DemoHandle) -> reqwest::Client {
    let tls = h.client_tls_config().expect("client TLS config");
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client builds")
}

/// An authorised GET of `path`, whatever its status.
pub async fn send(c: &reqwest::Client, h: &DemoHandle, path: &str) -> reqwest::Response {
    c.get(format!("{}{path}", h.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .expect("request succeeds")
}
