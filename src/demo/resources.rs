//! The resource kinds the demo server knows and their API facts (names, scope, verbs, fields).

/// A kind served by the demo cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Event,
    Deployment,
    /// Deprecated since v1.19 and still served: the real apiserver warns on every request.
    ComponentStatus,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::Event,
        Kind::Deployment,
        Kind::ComponentStatus,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The plural resource name used in URLs.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Event => "events",
            Kind::Deployment => "deployments",
            Kind::ComponentStatus => "componentstatuses",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Namespace => "namespace",
            Kind::Node => "node",
            Kind::Pod => "pod",
            Kind::Service => "service",
            Kind::Event => "event",
            Kind::Deployment => "deployment",
            Kind::ComponentStatus => "componentstatus",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Service => "Service",
            Kind::Event => "Event",
            Kind::Deployment => "Deployment",
            Kind::ComponentStatus => "ComponentStatus",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Deployment => "apps/v1",
            _ => "v1",
        }
    }

    /// The API group ("" for the core group).
    pub fn group(self) -> &'static str {
        match self {
            Kind::Deployment => "apps",
            _ => "",
        }
    }

    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::Namespace | Kind::Node | Kind::ComponentStatus)
    }

    pub fn short_names(self) -> &'static [&'static str] {
        match self {
            Kind::Namespace => &["ns"],
            Kind::Node => &["no"],
            Kind::Pod => &["po"],
            Kind::Service => &["svc"],
            Kind::Event => &["ev"],
            Kind::Deployment => &["deploy"],
            Kind::ComponentStatus => &["cs"],
        }
    }

    pub fn can_delete(self) -> bool {
        self == Kind::Pod
    }

    /// ComponentStatus has no watch; the apiserver answers a watch with 405.
    pub fn can_watch(self) -> bool {
        self != Kind::ComponentStatus
    }

    /// The deprecation warning the real apiserver sends with every request for the kind.
    pub fn deprecation(self) -> Option<&'static str> {
        match self {
            Kind::ComponentStatus => Some("v1 ComponentStatus is deprecated in v1.19+"),
            _ => None,
        }
    }

    /// Finds a kind by its plural within a group ("" = core).
    pub fn from_plural(group: &str, plural: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.group() == group && k.plural() == plural)
    }

    /// Field labels a fieldSelector may use beyond `metadata.name`/`metadata.namespace`; the
    /// values are indexed when an object is stored.
    pub fn indexed_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Pod => &[
                "status.phase",
                "spec.nodeName",
                "spec.restartPolicy",
                "status.podIP",
            ],
            Kind::Event => &[
                "involvedObject.kind",
                "involvedObject.namespace",
                "involvedObject.name",
                "involvedObject.uid",
                "reason",
                "type",
            ],
            Kind::Namespace => &["status.phase"],
            Kind::Node => &["spec.unschedulable"],
            Kind::Service | Kind::Deployment | Kind::ComponentStatus => &[],
        }
    }
}
