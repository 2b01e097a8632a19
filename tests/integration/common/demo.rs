//! Starts the demo server for a test: no churn, so what a test sees is what it did.

use kr8s_tui::demo::{self, DemoHandle, DemoOptions, ServeOptions};

pub async fn start(pods: usize) -> DemoHandle {
    let opts = DemoOptions {
        pods,
        namespaces: 3,
        churn: 0.0,
        ..DemoOptions::default()
    };
    demo::start(opts, ServeOptions::default())
        .await
        .expect("demo server starts")
}

/// The default demo (its 60 pods in 6 namespaces) without churn.
pub async fn quiet() -> DemoHandle {
    let opts = DemoOptions {
        churn: 0.0,
        ..DemoOptions::default()
    };
    demo::start(opts, ServeOptions::default())
        .await
        .expect("demo server starts")
}
