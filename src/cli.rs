//! Command-line arguments, spelled as kubectl spells them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::demo::{DemoOptions, ServeOptions};

const EXAMPLES: &str = "\
Examples:
  kr8s-tui                                  # $KUBECONFIG or ~/.kube/config, current context
  kr8s-tui --kubeconfig ./dev.yaml --context staging -n payments
  kr8s-tui -A --readonly                    # all namespaces, refuse every mutating request
  kr8s-tui --demo                           # built-in demo cluster, no Kubernetes needed
  kr8s-tui api GET --url pods -n default    # kr8s call_api from the shell
  kr8s-tui demo-server --demo-pods 100000   # the demo cluster alone, for kubectl and benchmarks
  kr8s-tui record -A --for 10m --kinds deploy,nodes incident.kr8s   # record without the UI
  kr8s-tui --replay incident.kr8s           # look back at it, offline";

/// A fast, trustworthy terminal UI for Kubernetes clusters.
#[derive(Debug, Parser)]
#[command(name = "kr8s-tui", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Start the built-in demo cluster and open the UI on it.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub demo_options: DemoOptions,
    /// On quitting, write the pods table (`NAMESPACE NAME READY STATUS RESTARTS` lines, sorted)
    /// to this file, for soak tests that compare it with the server.
    #[arg(long = "dump-on-exit", value_name = "FILE")]
    pub dump_on_exit: Option<PathBuf>,
    /// Record what the app receives (lists, watch events, /version, discovery) to this file
    /// as it goes, for `--replay`. Secret data is never written.
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    pub record: Option<PathBuf>,
    /// Open a recording instead of a cluster: no network, nothing can be changed; `<`/`>`
    /// step, `{`/`}` jump a minute, `t` goes to a time.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags shared by the UI and the subcommands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file to use (only this file).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use; for the UI, several separated by commas show their pods
    /// in one table (`--context prod-eu,prod-us`).
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// Show every context of the kubeconfig in one table.
    #[arg(long)]
    pub all_contexts: bool,
    /// Namespace to show (for `api`: the namespace of the request; omitted = cluster-wide).
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// Show pods of all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Time limit of a single request, like kubectl: "0" (none), "30s", "2m", or seconds.
    #[arg(long, global = true, default_value = "120s", value_parser = parse_timeout)]
    pub request_timeout: Timeout,
    /// Refuse every request that is not a GET (delete, raw POST/PUT/PATCH/DELETE).
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Where logs go (never to the terminal). Default: the XDG state dir.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Lines of pod log kept in the logs view (the oldest are dropped beyond this).
    /// Default: `log_lines` of the config file, 50000.
    #[arg(long, value_name = "N")]
    pub log_lines: Option<usize>,
    /// Config file to read instead of $XDG_CONFIG_HOME/kr8s-tui/config.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log level or tracing filter, e.g. "info" or "kr8s_tui=debug".
    #[arg(long, global = true, default_value = "info")]
    pub log_level: String,
}

/// `--request-timeout`; `None` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send one API request the way kr8s's call_api builds it and print the response.
    Api(ApiArgs),
    /// Run a command in a container, as `kubectl exec` does (output and exit code pass through).
    Exec(ExecArgs),
    /// Forward local ports to a pod (or a service's or deployment's pod) until ctrl-c.
    PortForward(PortForwardArgs),
    /// Record a cluster without the UI (pods, namespaces and --kinds) until --for ends or ctrl-c.
    Record(RecordArgs),
    /// Run the demo cluster alone and print its kubeconfig path.
    DemoServer {
        #[command(flatten)]
        serve: ServeOptions,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `kr8s-tui record [--context X] [-A | -n NS] [--for 10m] [--kinds deploy,nodes] FILE`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The recording to write (replaced if it exists).
    pub file: PathBuf,
    /// How long to record: "30s", "10m", "1h"; "0" records until ctrl-c.
    #[arg(long = "for", default_value = "0", value_parser = parse_timeout)]
    pub duration: Timeout,
    /// Other kinds to record besides pods and namespaces, as `:kind` names them.
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<String>,
}

/// `kr8s-tui exec POD [-c C] [-i] [-t] -- CMD...`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The pod to run in (in --namespace, else the context's namespace).
    pub pod: String,
    /// The container (required when the pod has several).
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Pass stdin to the command.
    #[arg(short = 'i', long = "stdin")]
    pub stdin: bool,
    /// Give the command a terminal (stdin must be one).
    #[arg(short = 't', long)]
    pub tty: bool,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// `kr8s-tui port-forward [--address A] TARGET LOCAL:REMOTE...`.
#[derive(Debug, Args)]
pub struct PortForwardArgs {
    /// pod/NAME, NAME, svc/NAME or deploy/NAME.
    pub target: String,
    /// LOCAL:REMOTE, REMOTE (same local port) or :REMOTE (any free local port).
    #[arg(required = true)]
    pub ports: Vec<String>,
    /// Local address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub address: String,
}

/// `kr8s-tui api METHOD ...`: kr8s's `call_api(method, version, base, namespace, url, body)`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// API version: "v1", a group version like "apps/v1", or "" with --base.
    #[arg(long = "version", default_value = "v1")]
    pub version: String,
    /// Base path; "" picks /api or /apis from the version, as kr8s does.
    #[arg(long, default_value = "")]
    pub base: String,
    /// Path after the namespace, e.g. "pods" or "pods/web-0/log".
    #[arg(long, default_value = "")]
    pub url: String,
    /// Extra query string, e.g. "limit=10&labelSelector=app%3Dweb".
    #[arg(long, default_value = "")]
    pub query: String,
    /// Request body: JSON or YAML text, @FILE, or - for stdin.
    #[arg(long)]
    pub body: Option<String>,
    /// Same as --body, spelled as curl and kr8s (httpx) spell it.
    #[arg(long, conflicts_with = "body")]
    pub data: Option<String>,
    /// Content type of the body (PATCH defaults to application/merge-patch+json).
    #[arg(long)]
    pub content_type: Option<String>,
    /// Output format of the response body.
    #[arg(short = 'o', long, value_enum, default_value = "json")]
    pub output: OutputFormat,
    /// Print the status line and latency to stderr.
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Yaml,
    Raw,
}

/// Parses kubectl's `--request-timeout`: "0" disables; a bare number is seconds.
pub fn parse_timeout(s: &str) -> Result<Timeout, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("invalid timeout {s:?}: use e.g. 30s, 2m, 1h or 0"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "invalid timeout unit {unit:?} in {s:?}: use ms, s, m or h"
            ));
        }
    };
    if secs == 0.0 {
        Ok(Timeout(None))
    } else {
        Ok(Timeout(Some(Duration::from_secs_f64(secs))))
    }
}

impl GlobalArgs {
    /// The contexts `--context a,b` names (empty for one context or none).
    pub fn context_list(&self) -> Vec<String> {
        let Some(text) = self.context.as_deref().filter(|c| c.contains(',')) else {
            return Vec::new();
        };
        text.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeout_like_kubectl() {
        assert_eq!(parse_timeout("0"), Ok(Timeout(None)));
        assert_eq!(
            parse_timeout("5"),
            Ok(Timeout(Some(Duration::from_secs(5))))
        );
        assert_eq!(
            parse_timeout("30s"),
            Ok(Timeout(Some(Duration::from_secs(30))))
        );
        assert_eq!(
            parse_timeout("2m"),
            Ok(Timeout(Some(Duration::from_secs(120))))
        );
        assert_eq!(
            parse_timeout("250ms"),
            Ok(Timeout(Some(Duration::from_millis(250))))
        );
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("3d").is_err());
    }

    #[test]
    fn completions_cover_flags_and_subcommands_for_every_shell() {
        use clap::CommandFactory;
        use clap_complete::Shell;
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kr8s-tui", &mut out);
            let script = String::from_utf8(out).expect("completions are UTF-8");
            for word in [
                "kr8s-tui",
                "kubeconfig",
                "config",
                "demo-server",
                "completions",
            ] {
                assert!(script.contains(word), "{shell}: {word} missing");
            }
        }
        let cli = Cli::try_parse_from(["kr8s-tui", "completions", "zsh"]).expect("valid");
        assert!(matches!(
            cli.command,
            Some(Command::Completions { shell: Shell::Zsh })
        ));
    }

    #[test]
    fn config_and_log_lines_flags() {
        let cli = Cli::try_parse_from(["kr8s-tui", "--config", "my.toml", "--log-lines", "9"])
            .expect("valid flags");
        assert_eq!(cli.global.config, Some(PathBuf::from("my.toml")));
        assert_eq!(cli.global.log_lines, Some(9));
        let cli = Cli::try_parse_from(["kr8s-tui"]).expect("no flags");
        assert_eq!(cli.global.log_lines, None, "the config file decides");
    }

    #[test]
    fn demo_forbid_takes_comma_separated_rbac_rules() {
        let cli = Cli::try_parse_from([
            "kr8s-tui",
            "--demo",
            "--demo-forbid",
            "list:namespaces,delete:pods",
            "--demo-forbid",
            "*:deployments",
        ])
        .expect("valid rules");
        let rules: Vec<String> = cli
            .demo_options
            .forbid
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rules, ["list:namespaces", "delete:pods", "*:deployments"]);
        let err = Cli::try_parse_from(["kr8s-tui", "--demo-forbid", "lst:pods"])
            .expect_err("unknown verb");
        assert!(err.to_string().contains("unknown verb \"lst\""), "{err}");
    }

    #[test]
    fn flags_parse_as_kubectl_spells_them() {
        let cli = Cli::try_parse_from([
            "kr8s-tui",
            "--kubeconfig",
            "k.yaml",
            "--context",
            "c",
            "-n",
            "ns",
            "-A",
            "--readonly",
        ])
        .expect("valid flags");
        assert_eq!(cli.global.context.as_deref(), Some("c"));
        assert_eq!(cli.global.namespace.as_deref(), Some("ns"));
        assert!(cli.global.all_namespaces && cli.global.readonly);
        let cli = Cli::try_parse_from(["kr8s-tui", "api", "GET", "--url", "pods", "-n", "default"])
            .expect("valid api flags");
        assert!(matches!(cli.command, Some(Command::Api(_))));
    }
}
