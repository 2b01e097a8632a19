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
        let listener = match TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                let free = next_free(addr).await;
                let offer = free.map_or(String::new(), |p| format!("; {p} is free ({p}:{remote})"));
                eprintln!("error: unable to listen on {addr}: the port is in use{offer}");
                return Ok(ExitCode::from(1));
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("unable to listen on {addr}")));
            }
        };
        let bound = listener.local_addr()?;
        say(&format!("Forwarding from {bound} -> {}", target.port));
        listeners.push((listener, target, bound));
    }
    let pods: Vec<String> = listeners.iter().map(|(_, t, _)| t.pod.clone()).collect();
    for (listener, target, bound) in listeners {
        let (client, namespace) = (client.clone(), namespace.clone());
        tokio::spawn(accept(listener, client, namespace, target, bound));
    }
    tokio::select! {
        result = tokio::signal::ctrl_c() => {
            result?;
            Ok(ExitCode::SUCCESS)
        }
        gone = pod_gone(&client, &namespace, &pods) => {
            eprintln!("error: pod {namespace}/{gone} is gone; the forward ends");
            Ok(ExitCode::from(1))
        }
    }
}

/// How often a forward checks that its pod still exists.
const POD_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Returns the first of `pods` the server no longer has (checked every [`POD_CHECK`]); other
/// errors (an unreachable server) are not a reason to stop forwarding.
async fn pod_gone(client: &Client, namespace: &str, pods: &[String]) -> String {
    loop {
        tokio::time::sleep(POD_CHECK).await;
        for pod in pods {
            let path = format!("/api/v1/namespaces/{namespace}/pods/{pod}");
            if let Err(e) = client.get_accept(&path, "application/json").await
                && e.code() == Some(404)
            {
                return pod.clone();
            }
        }
    }
}

/// The next port after `addr`'s that can be bound, if one of the next hundred can.
async fn next_free(addr: SocketAddr) -> Option<u16> {
    let start = addr.port().checked_add(1)?;
    for port in start..start.saturating_add(100) {
        if TcpListener::bind(SocketAddr::new(addr.ip(), port))
            .await
            .is_ok()
        {
            return Some(port);
        }
    }
    None
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
