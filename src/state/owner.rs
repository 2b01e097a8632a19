//! `J`: from any row to its controlling owner (the `ownerReferences` entry with
//! `controller: true`): pod → ReplicaSet → Deployment, pod → Job → CronJob, pod →
//! StatefulSet/DaemonSet. One GET of the object brings its references; the owner's kind is
//! found in discovery, and its table opens with the owner's row selected.

use serde_json::Value;

use super::detail::{self, ObjectRef};
use super::views::sync_namespace_cursor;
use super::{Effect, Focus, Notify, State, drill, kinds, xray};
use crate::kube::Failure;
use crate::kube::discovery::ApiResource;

/// A `J` waiting for the object (then for discovery, when it was not read yet).
#[derive(Debug, Clone)]
pub struct Jump {
    pub id: u64,
    target: ObjectRef,
    /// The controller found, waiting for discovery to name its resource.
    owner: Option<Owner>,
}

/// A controller as `ownerReferences` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

/// The controlling owner in `object`'s metadata, if any.
pub fn controller_of(object: &Value) -> Option<Owner> {
    let refs = object["metadata"]["ownerReferences"].as_array()?;
    let owner = refs
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))?;
    Some(Owner {
        api_version: owner["apiVersion"].as_str()?.to_string(),
        kind: owner["kind"].as_str()?.to_string(),
        name: owner["name"].as_str()?.to_string(),
    })
}

/// The resource type of `owner` among `resources`: same group and kind, its version preferred.
fn resource_of<'a>(owner: &Owner, resources: &'a [ApiResource]) -> Option<&'a ApiResource> {
    let (group, version) = match owner.api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", owner.api_version.as_str()),
    };
    let mut fitting = resources
        .iter()
        .filter(|r| r.group == group && r.kind == owner.kind && !r.plural.contains('/'));
    let first = fitting.clone().next();
    fitting.find(|r| r.version == version).or(first)
}

/// `J` on `target` (the selected row); a word when nothing is selected.
pub fn jump(state: &mut State, target: Option<ObjectRef>) -> Vec<Effect> {
    let Some(target) = target else {
        state.flash.info("no row selected");
        return Vec::new();
    };
    let id = state.new_id();
    let path = target.path();
    let context = target.context_in(state);
    state
        .flash
        .info(format!("{}: finding its owner…", target.describe()));
    state.jump = Some(Jump {
        id,
        target,
        owner: None,
    });
    let mut effects = kinds::ensure_discovery(state);
    effects.push(Effect::FetchObject { id, context, path });
    effects
}

/// The object of a `J` arrived: its controller, or why there is none.
pub fn on_object(state: &mut State, result: Result<Value, Failure>) -> Vec<Effect> {
    state.dirty = true;
    let Some(mut pending) = state.jump.take() else {
        return Vec::new();
    };
    let object = match result {
        Ok(object) => object,
        Err(e) => {
            state
                .flash
                .error(format!("{}: {e}", pending.target.describe()));
            return Vec::new();
        }
    };
    let Some(owner) = controller_of(&object) else {
        let name = &pending.target.name;
        state.flash.info(format!("{name} has no controlling owner"));
        return Vec::new();
    };
    pending.owner = Some(owner);
    state.jump = Some(pending);
    on_discovered(state)
}

/// Discovery is ready (or was already): opens the owner a `J` found.
pub fn on_discovered(state: &mut State) -> Vec<Effect> {
    let waiting = state.jump.as_ref().is_some_and(|j| j.owner.is_some());
    if !waiting || !state.discovery.ready_for(state.context_gen) {
        if waiting && state.discovery.error.is_some() {
            state.jump = None;
        }
        return Vec::new();
    }
    let Some(Jump {
        target,
        owner: Some(owner),
        ..
    }) = state.jump.take()
    else {
        return Vec::new();
    };
    let Some(resource) = resource_of(&owner, &state.discovery.resources).cloned() else {
        state.flash.error(format!(
            "{}'s owner {} {} ({}) is not a kind this server lists",
            target.name, owner.kind, owner.name, owner.api_version
        ));
        return Vec::new();
    };
    let namespace = target.namespace.clone().filter(|_| resource.namespaced);
    open_owner(state, resource, namespace, owner.name)
}

/// Shows `resource`'s table with row `namespace/name` selected; the namespace switches to the
/// owner's unless all namespaces are on (the row is listed there too).
fn open_owner(
    state: &mut State,
    resource: ApiResource,
    namespace: Option<String>,
    name: String,
) -> Vec<Effect> {
    state.flash = None;
    let mut effects = detail::close(state);
    effects.extend(xray::close(state));
    state.containers = None;
    let switch = state.namespace.is_some() && namespace.is_some() && state.namespace != namespace;
    if switch || state.label_selector.is_some() || state.field_selector.is_some() {
        drill::leave(state);
        state.field_selector = None;
        let target = if switch {
            namespace.clone()
        } else {
            state.namespace.clone()
        };
        sync_namespace_cursor(state, target.as_deref());
        effects.push(state.watch_pods(target, None));
    }
    state.drill.origin = None;
    effects.extend(kinds::open(state, resource));
    if let Some(view) = state.resource.as_mut() {
        view.awaited = Some((namespace.unwrap_or_default(), name));
    }
    state.focus = Focus::Pods;
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Only the reference marked as controller counts.
    #[test]
    fn the_controller_is_the_owner() {
        let pod = json!({"metadata": {"ownerReferences": [
            {"apiVersion": "v1", "kind": "ConfigMap", "name": "other"},
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d", "controller": true},
        ]}});
        let owner = controller_of(&pod).expect("a controller");
        assert_eq!(owner.kind, "ReplicaSet");
        assert_eq!(owner.name, "web-5d");
        assert_eq!(controller_of(&json!({"metadata": {}})), None);
    }
}
