//! How a name typed by a user (`deploy`, `cronjobs.batch`, `cronjobs.v1beta1.batch`) resolves
//! to one discovered resource, the way kubectl's short-name expander and RESTMapper do it.
//!
//! The resources are expected in kubectl's priority order, as [`super::discover`] returns them:
//! the core group first, then the groups in the server's `/apis` order (its priority order),
//! each group's preferred version before its other served versions. "The first match" below is
//! always the first in that order.

use std::collections::HashSet;

use super::ApiResource;

/// Why a typed name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the server doesn't have a resource type \"{0}\"")]
    Unknown(String),
    /// Only when one group version has several resources of that name, which kubectl refuses
    /// too; across groups the first in priority order wins.
    #[error("\"{name}\" is ambiguous: {}", candidates.join(", "))]
    Ambiguous {
        name: String,
        /// Qualified names of the matches, e.g. `foos.example.com, bars.example.com`.
        candidates: Vec<String>,
    },
}

/// A resolved name and what kubectl would warn about while resolving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'a> {
    pub resource: &'a ApiResource,
    /// `short name "ing" could also match lower priority resource ingresses.extensions`.
    pub warnings: Vec<String>,
}

/// Finds the resource `name` means: plural, singular, short name or kind (case-insensitive),
/// optionally qualified with a group (`deployments.apps`) or version and group
/// (`cronjobs.v1beta1.batch`). Several groups matching is no error: the first in priority
/// order wins, in the first version that serves it, as with kubectl.
pub fn resolve<'a>(
    name: &str,
    resources: &'a [ApiResource],
) -> Result<&'a ApiResource, ResolveError> {
    resolve_noting(name, resources).map(|r| r.resource)
}

/// [`resolve`], keeping kubectl's warnings (a short name shadowing other resources).
pub fn resolve_noting<'a>(
    name: &str,
    resources: &'a [ApiResource],
) -> Result<Resolved<'a>, ResolveError> {
    let typed = name.trim();
    let wanted = typed.to_ascii_lowercase();
    for query in Query::readings(typed, &wanted) {
        if let Some(found) = query.find(resources)? {
            return Ok(found);
        }
    }
    Err(ResolveError::Unknown(typed.to_string()))
}

/// One resource per group/resource, in its preferred serving version (what lists show).
pub fn preferred(resources: &[ApiResource]) -> Vec<&ApiResource> {
    first_per_resource(resources)
}

/// Every name a user could type for the resources, for completion (sorted, unique).
pub fn completion_names(resources: &[ApiResource]) -> Vec<String> {
    let mut names: Vec<String> = preferred(resources)
        .into_iter()
        .flat_map(|r| {
            let mut n = vec![r.plural.clone(), r.singular.clone()];
            n.extend(r.short_names.iter().cloned());
            n
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// One reading of a typed name: `name`, `name.group` or `name.version.group`.
#[derive(Debug, Clone, Copy)]
struct Query<'a> {
    /// As typed (trimmed), for error messages.
    typed: &'a str,
    name: &'a str,
    version: Option<&'a str>,
    group: Option<&'a str>,
}

/// How the typed group is compared with a resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupMatch {
    Exact,
    /// `events.events` for `events.k8s.io`: whole dot-separated labels only.
    Prefix,
}

impl<'a> Query<'a> {
    /// With two dots kubectl first reads `plural.version.group`, then `plural.group`.
    fn readings(typed: &'a str, wanted: &'a str) -> Vec<Query<'a>> {
        let Some((name, rest)) = wanted.split_once('.') else {
            return vec![Query {
                typed,
                name: wanted,
                version: None,
                group: None,
            }];
        };
        let mut readings = Vec::new();
        if let Some((version, group)) = rest.split_once('.') {
            readings.push(Query {
                typed,
                name,
                version: Some(version),
                group: Some(group),
            });
        }
        readings.push(Query {
            typed,
            name,
            version: None,
            group: Some(rest),
        });
        readings
    }

    /// Full names before short names (a short name never hides a resource's own name), then
    /// the same with the group as a prefix.
    fn find<'r>(self, resources: &'r [ApiResource]) -> Result<Option<Resolved<'r>>, ResolveError> {
        let mut modes = vec![GroupMatch::Exact];
        if self.group.is_some() && self.version.is_none() {
            modes.push(GroupMatch::Prefix);
        }
        for mode in modes {
            let full: Vec<&ApiResource> = resources
                .iter()
                .filter(|r| self.fits(r, mode) && full_name(r, self.name))
                .collect();
            if let Some(found) = self.first_by_priority(&full)? {
                return Ok(Some(found));
            }
            if let Some(found) = self.short(resources, mode) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn fits(&self, r: &ApiResource, mode: GroupMatch) -> bool {
        let group = match (self.group, mode) {
            (None, _) => true,
            (Some(g), GroupMatch::Exact) => r.group == g,
            (Some(g), GroupMatch::Prefix) => r
                .group
                .strip_prefix(g)
                .is_some_and(|rest| rest.starts_with('.')),
        };
        group && self.version.is_none_or(|v| r.version == v)
    }

    /// The first match; several matches in that one group version are ambiguous.
    fn first_by_priority<'r>(
        &self,
        matches: &[&'r ApiResource],
    ) -> Result<Option<Resolved<'r>>, ResolveError> {
        let Some(first) = matches.first().copied() else {
            return Ok(None);
        };
        let same_gv = first_per_resource(
            matches
                .iter()
                .copied()
                .filter(|r| r.group == first.group && r.version == first.version),
        );
        if same_gv.len() > 1 {
            return Err(ResolveError::Ambiguous {
                name: self.typed.to_string(),
                candidates: same_gv.iter().map(|r| r.qualified_name()).collect(),
            });
        }
        Ok(Some(Resolved {
            resource: first,
            warnings: Vec::new(),
        }))
    }

    /// The first group defining the short name wins (then its preferred serving version);
    /// like kubectl 1.29+, the other resources it could mean are warned about.
    fn short<'r>(self, resources: &'r [ApiResource], mode: GroupMatch) -> Option<Resolved<'r>> {
        let mut hits = resources
            .iter()
            .filter(|r| self.fits(r, mode) && r.short_names.iter().any(|s| s == self.name));
        let first = hits.next()?;
        let resource = resources
            .iter()
            .find(|r| r.group == first.group && r.plural == first.plural && self.fits(r, mode))
            .unwrap_or(first);
        let mut warnings: Vec<String> = Vec::new();
        for other in hits.filter(|r| r.group != first.group || r.plural != first.plural) {
            let warning = format!(
                "short name {:?} could also match lower priority resource {}",
                self.name,
                other.qualified_name()
            );
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        Some(Resolved { resource, warnings })
    }
}

/// Plural, singular or kind: the names kubectl matches before trying short names.
fn full_name(r: &ApiResource, name: &str) -> bool {
    r.plural == name || r.singular == name || r.kind.eq_ignore_ascii_case(name)
}

/// The first of each group/resource, in the given order.
fn first_per_resource<'a>(
    resources: impl IntoIterator<Item = &'a ApiResource>,
) -> Vec<&'a ApiResource> {
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    resources
        .into_iter()
        .filter(|r| seen.insert((r.group.as_str(), r.plural.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(group: &str, version: &str, plural: &str, kind: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: version.into(),
            plural: plural.into(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.into(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            namespaced: true,
            verbs: vec!["list".into()],
        }
    }

    /// In priority order, as discovery returns it.
    fn catalog() -> Vec<ApiResource> {
        vec![
            ApiResource::pods(),
            res("", "v1", "events", "Event", &["ev"]),
            res("", "v1", "services", "Service", &["svc"]),
            res("apps", "v1", "deployments", "Deployment", &["deploy"]),
            res("events.k8s.io", "v1", "events", "Event", &["ev"]),
            res("example.com", "v1", "widgets", "Widget", &["wd"]),
            res("other.io", "v1", "widgets", "Widget", &["wd"]),
            res("other.io", "v1", "gadgets", "Gadget", &["pods"]),
        ]
    }

    fn group_of(name: &str, all: &[ApiResource]) -> Result<String, ResolveError> {
        resolve(name, all).map(|r| r.group.clone())
    }

    #[test]
    fn plural_singular_short_and_kind_resolve() {
        let all = catalog();
        for name in [
            "deployments",
            "deployment",
            "deploy",
            "Deployment",
            "DEPLOY",
        ] {
            assert_eq!(
                resolve(name, &all).map(|r| r.plural.as_str()),
                Ok("deployments"),
                "{name}"
            );
        }
        assert_eq!(resolve("po", &all).map(|r| r.is_pods()), Ok(true));
        assert_eq!(resolve("svc", &all).map(|r| r.kind.as_str()), Ok("Service"));
    }

    #[test]
    fn groups_qualify_and_the_first_group_wins() {
        let all = catalog();
        assert_eq!(group_of("events", &all).as_deref(), Ok(""));
        assert_eq!(
            group_of("events.events.k8s.io", &all).as_deref(),
            Ok("events.k8s.io")
        );
        assert_eq!(
            group_of("events.events", &all).as_deref(),
            Ok("events.k8s.io")
        );
        assert_eq!(group_of("deployments.apps", &all).as_deref(), Ok("apps"));
        assert_eq!(
            group_of("wd.example.com", &all).as_deref(),
            Ok("example.com")
        );
        // kubectl does not call this ambiguous: the group listed first wins.
        assert_eq!(group_of("widgets", &all).as_deref(), Ok("example.com"));
        assert_eq!(
            group_of("widgets.other.io", &all).as_deref(),
            Ok("other.io")
        );
    }

    #[test]
    fn a_short_name_never_hides_a_full_name_and_warns_about_the_others() {
        let all = catalog();
        // `pods` is a short name of gadgets.other.io, but the plural of core pods.
        assert_eq!(resolve("pods", &all).map(|r| r.is_pods()), Ok(true));
        let wd = resolve_noting("wd", &all).expect("first group wins");
        assert_eq!(wd.resource.group, "example.com");
        assert_eq!(
            wd.warnings,
            ["short name \"wd\" could also match lower priority resource widgets.other.io"]
        );
        let ev = resolve_noting("ev", &all).expect("core first");
        assert_eq!(ev.resource.group, "");
        assert_eq!(
            ev.warnings,
            ["short name \"ev\" could also match lower priority resource events.events.k8s.io"]
        );
        assert!(
            resolve_noting("svc", &all)
                .expect("svc")
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn versions_pick_the_first_serving_one_and_can_be_named() {
        let all = vec![
            res("batch", "v1", "jobs", "Job", &[]),
            res("batch", "v2alpha1", "jobs", "Job", &[]),
            res("batch", "v2alpha1", "cronjobs", "CronJob", &[]),
            res("batch", "v1beta1", "cronjobs", "CronJob", &["cj"]),
        ];
        let version = |name: &str| resolve(name, &all).map(|r| r.version.clone());
        assert_eq!(version("jobs").as_deref(), Ok("v1"));
        assert_eq!(version("cronjobs").as_deref(), Ok("v2alpha1"));
        // The short name only v1beta1 lists still means the resource's first serving version.
        assert_eq!(version("cj").as_deref(), Ok("v2alpha1"));
        assert_eq!(version("cronjobs.v1beta1.batch").as_deref(), Ok("v1beta1"));
        assert_eq!(version("cj.v1beta1.batch").as_deref(), Ok("v1beta1"));
        assert_eq!(version("jobs.v2alpha1.batch").as_deref(), Ok("v2alpha1"));
        assert_eq!(
            version("cronjobs.v1.batch"),
            Err(ResolveError::Unknown("cronjobs.v1.batch".into()))
        );
        assert_eq!(preferred(&all).len(), 2, "one entry per group/resource");
    }

    #[test]
    fn ambiguity_and_unknown_are_reported() {
        let mut all = catalog();
        // Two resources of one group version answering to one name: kubectl refuses too.
        all.push(res("odd.io", "v1", "things", "Thing", &[]));
        all.push(res("odd.io", "v1", "stuff", "Things", &[]));
        assert_eq!(
            resolve("things", &all),
            Err(ResolveError::Ambiguous {
                name: "things".into(),
                candidates: vec!["things.odd.io".into(), "stuff.odd.io".into()],
            })
        );
        let err = resolve(" gizmo ", &all).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "the server doesn't have a resource type \"gizmo\""
        );
        assert!(resolve("deployments.batch", &all).is_err());
    }

    #[test]
    fn completion_lists_each_name_once() {
        let names = completion_names(&catalog());
        assert_eq!(
            names,
            [
                "deploy",
                "deployment",
                "deployments",
                "ev",
                "event",
                "events",
                "gadget",
                "gadgets",
                "po",
                "pod",
                "pods",
                "service",
                "services",
                "svc",
                "wd",
                "widget",
                "widgets"
            ]
        );
    }
}
