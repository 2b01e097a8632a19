//! `kr8s-tui port-forward [--address A] TARGET LOCAL:REMOTE…`: kubectl's shape, through the
//! same client as the UI, until ctrl-c. Each local connection gets its own stream.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::cli::{GlobalArgs, PortForwardArgs};
use crate::kube::Client;
use crate::kube::remote::target::resolve;
use crate::kube::remote::{ForwardStats, forward_connection};

/// A line on stdout; a closed stdout (`| head`) is no reason to stop forwarding.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// `8080:80`, `80` (same local port) or `:80` (any free local port).
fn parse_mapping(text: &str) -> anyhow::Result<(u16, u16)> {
    let (local, remote) = text.split_once(':').unwrap_or((text, text));
    let remote: u16 = remote
        .parse()
        .with_context(|| format!("invalid remote port in {text:?}"))?;
    let local: u16 = match local {
        "" => 0,
        l => l
            .parse()
            .with_context(|| format!("invalid local port in {text:?}"))?,
    };
    Ok((local, remote))
}

pub async fn run(global: &GlobalArgs, args: PortForwardArgs) -> anyhow::Result<ExitCode> {
    let client = crate::api_cmd::client_for(global)?;
    if client.readonly() {
        eprintln!(
            "error: refused: port-forward is create on pods/portforward, not allowed in --readonly mode"
        );
        return Ok(ExitCode::from(1));
    }
    let namespace = client.namespace().to_string();
    let mut listeners = Vec::new();
    for mapping in &args.ports {
        let (local, remote) = parse_mapping(mapping)?;
        let target = resolve(&client, &namespace, &args.target, remote).await;
        let target = match target {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(1));
            }
        };
        let addr: SocketAddr = format!("{}:{local}", args.address)
            .parse()
            .with_context(|| format!("invalid --address {:?}", args.address))?;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("unable to listen on {addr}"))?;
        let bound = listener.local_addr()?;
        say(&format!("Forwarding from {bound} -> {}", target.port));
        listeners.push((listener, target, bound));
    }
    for (listener, target, bound) in listeners {
        let (client, namespace) = (client.clone(), namespace.clone());
        tokio::spawn(accept(listener, client, namespace, target, bound));
    }
    tokio::signal::ctrl_c().await?;
    Ok(ExitCode::SUCCESS)
}

async fn accept(
    listener: TcpListener,
    client: Client,
    namespace: String,
    target: crate::kube::remote::target::PodPort,
    bound: SocketAddr,
) {
    let stats = Arc::new(ForwardStats::default());
    while let Ok((tcp, _)) = listener.accept().await {
        say(&format!("Handling connection for {}", bound.port()));
        let (client, namespace, pod) = (client.clone(), namespace.clone(), target.pod.clone());
        let (port, stats) = (target.port, stats.clone());
        tokio::spawn(async move {
            if let Err(e) = forward_connection(&client, &namespace, &pod, port, tcp, stats).await {
                let line = format!("error: forwarding {} -> {pod}:{port}: {e}\n", bound.port());
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
        });
    }
}
