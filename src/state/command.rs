//! The `:` command line: `:ctx NAME`, `:ns NAME` (without a name: the pane to pick from),
//! `:pods`, `:deploy`, any discovered resource name or short name, `:raw`/`:api` (the raw request pane), `:pulse` and `:q`. Tab completes from the
//! known contexts, namespaces and resource names.

use super::Notify;
use super::detail;
use super::kinds;
use super::nav::restart_pods;
use super::views::sync_namespace_cursor;
use super::{Effect, Focus, State};
use crate::kube::discovery::{completion_names, resolve_noting};

/// Built-in commands, offered first by completion.
const BUILTINS: [&str; 10] = [
    "ctx", "ns", "pods", "raw", "api", "pf", "pulse", "xray", "deleted", "quit",
];

/// Runs one command line.
pub fn run(state: &mut State, line: &str) -> Vec<Effect> {
    let mut words = line.split_whitespace();
    let Some(command) = words.next() else {
        return Vec::new();
    };
    let arg = words.next();
    match command {
        "q" | "q!" | "quit" => vec![Effect::Quit],
        // Without a name: the pane to pick from (a full view when the panes are folded).
        "ns" | "namespace" if arg.is_none() => show_pane(state, Focus::Namespaces),
        "ctx" | "context" | "contexts" => switch_context(state, arg),
        "ns" | "namespace" | "namespaces" if arg.is_some() => switch_namespace(state, arg),
        "pf" | "port-forward" | "portforward" => super::forwards::command(state, arg),
        "pulse" => super::pulse::open(state),
        "deleted" => super::history_view::open_deleted(state),
        "at" => super::replay::goto(state, arg),
        "exec" => super::exec::run(state, line.trim_start().trim_start_matches("exec")),
        "drain" => match arg {
            Some(node) => super::ops::ask_drain(state, node.to_string()),
            None => {
                state.flash.error(":drain NODE");
                Vec::new()
            }
        },
        "xray" => match arg {
            Some(kind) => super::xray::open_word(state, kind, None),
            None => {
                state
                    .flash
                    .error(":xray KIND (deploy, sts, ds, job, cj, svc)");
                Vec::new()
            }
        },
        "raw" | "api" => {
            // The raw-request pane (also on R), prefilled from the selected pod.
            super::raw_keys::open(state)
        }
        kind => open_kind(state, kind, line),
    }
}

fn show_pane(state: &mut State, pane: Focus) -> Vec<Effect> {
    super::panes::show(state, pane);
    Vec::new()
}

fn switch_context(state: &mut State, arg: Option<&str>) -> Vec<Effect> {
    let Some(name) = arg else {
        return show_pane(state, Focus::Contexts);
    };
    if name.contains(',') {
        return super::fleet::open_named(state, name);
    }
    let Some(info) = state.contexts.iter().find(|c| c.name == name) else {
        state
            .flash
            .error(format!("context \"{name}\" does not exist"));
        return Vec::new();
    };
    let namespace = if state.namespace.is_none() && state.context.is_some() {
        None
    } else {
        Some(info.namespace.clone().unwrap_or_else(|| "default".into()))
    };
    let mut effects = detail::close(state);
    state.resource = None;
    state.label_selector = None;
    state.fleet = None;
    effects.extend(state.open_context(name.to_string(), namespace));
    effects
}

fn switch_namespace(state: &mut State, arg: Option<&str>) -> Vec<Effect> {
    if state.context.is_none() {
        state.flash.error("no context: pick one first");
        return Vec::new();
    }
    let namespace = match arg {
        None | Some("all" | "-A" | "*") => None,
        Some(ns) => Some(ns.to_string()),
    };
    if let Some(ns) = &namespace
        && !state.namespaces.is_empty()
        && !state.namespaces.contains(ns)
    {
        state.flash.error(format!("namespaces \"{ns}\" not found"));
        return Vec::new();
    }
    let mut effects = detail::close(state);
    super::drill::leave(state);
    sync_namespace_cursor(state, namespace.as_deref());
    let selector = state.label_selector.clone();
    effects.push(restart_pods(state, namespace, selector));
    effects.extend(kinds::reopen(state));
    effects
}

/// `:pods`, `:deploy`, `:namespaces` ...: resolved through discovery.
fn open_kind(state: &mut State, kind: &str, line: &str) -> Vec<Effect> {
    if matches!(kind, "pods" | "pod" | "po") {
        state.xray = None;
        let mut effects = kinds::close(state);
        effects.extend(detail::close(state));
        state.containers = None;
        return effects;
    }
    if !state.discovery.ready_for(state.context_gen) {
        if state.context.is_none() {
            state.flash.error("no context: pick one first");
            return Vec::new();
        }
        state.discovery.pending_command = Some(line.to_string());
        state.flash.info("reading the server's resource types…");
        return kinds::ensure_discovery(state);
    }
    let (resource, warnings) = match resolve_noting(kind, &state.discovery.resources) {
        Ok(found) => (found.resource.clone(), found.warnings),
        Err(e) => {
            state.flash.error(e.to_string());
            return Vec::new();
        }
    };
    // kubectl prints these to stderr and carries on; so does the flash line.
    if let Some(warning) = warnings.first() {
        state.flash.info(format!("Warning: {warning}"));
    }
    if resource.is_pods() {
        state.xray = None;
        let mut effects = kinds::close(state);
        effects.extend(detail::close(state));
        state.containers = None;
        return effects;
    }
    kinds::open(state, resource)
}

/// Tab: completes the word being typed, or lists the candidates when several fit.
pub fn complete(state: &mut State) {
    let Some(prompt) = &state.prompt else {
        return;
    };
    let text = prompt.text().to_string();
    let (head, partial, candidates) = match text.split_once(' ') {
        Some((cmd, arg)) => (
            format!("{cmd} "),
            arg.trim_start(),
            argument_candidates(state, cmd),
        ),
        None => (String::new(), text.as_str(), command_candidates(state)),
    };
    let fitting: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    let completed = match fitting.as_slice() {
        [] => partial.to_string(),
        [one] if head.is_empty() => format!("{one} "),
        [one] => one.clone(),
        many => common_prefix(many),
    };
    if let Some(prompt) = state.prompt.as_mut() {
        prompt.input.set(&format!("{head}{completed}"));
        prompt.completions = if fitting.len() > 1 {
            fitting
        } else {
            Vec::new()
        };
    }
}

fn command_candidates(state: &State) -> Vec<String> {
    let mut names: Vec<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
    names.extend(completion_names(&state.discovery.resources));
    names.dedup();
    names
}

fn argument_candidates(state: &State, command: &str) -> Vec<String> {
    match command {
        "ctx" | "context" => state.contexts.iter().map(|c| c.name.clone()).collect(),
        "xray" => ["deploy", "sts", "ds", "job", "cj", "svc"]
            .map(String::from)
            .to_vec(),
        "ns" | "namespace" => std::iter::once("all".to_string())
            .chain(state.namespaces.iter().cloned())
            .collect(),
        _ => Vec::new(),
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}
