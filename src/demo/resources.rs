//! The resource kinds the demo server knows and their API facts (names, scope, verbs, fields).

/// The API groups the demo serves under `/apis`, in the order `/apis` lists them (each serves
/// one version, `v1`). The core group ("") is under `/api`.
pub(crate) const GROUPS: [&str; 6] = [
    "apps",
    "batch",
    "networking.k8s.io",
    "policy",
    "apiextensions.k8s.io",
    "demo.kr8s.dev",
];

/// The one version every group serves.
pub(crate) const VERSION: &str = "v1";

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
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Ingress,
    PodDisruptionBudget,
    CustomResourceDefinition,
    /// The custom resource of the CRD `widgets.demo.kr8s.dev`.
    Widget,
}

impl Kind {
    pub const ALL: [Kind; 19] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Service,
        Kind::Event,
        Kind::Deployment,
        Kind::ComponentStatus,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::PersistentVolumeClaim,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::CronJob,
        Kind::Ingress,
        Kind::PodDisruptionBudget,
        Kind::CustomResourceDefinition,
        Kind::Widget,
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
            Kind::ConfigMap => "configmaps",
            Kind::Secret => "secrets",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::ReplicaSet => "replicasets",
            Kind::StatefulSet => "statefulsets",
            Kind::DaemonSet => "daemonsets",
            Kind::Job => "jobs",
            Kind::CronJob => "cronjobs",
            Kind::Ingress => "ingresses",
            Kind::PodDisruptionBudget => "poddisruptionbudgets",
            Kind::CustomResourceDefinition => "customresourcedefinitions",
            Kind::Widget => "widgets",
        }
    }

    /// The kind in lower case, as discovery's `singularName` has it.
    pub fn singular(self) -> String {
        self.kind().to_lowercase()
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
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::Ingress => "Ingress",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::CustomResourceDefinition => "CustomResourceDefinition",
            Kind::Widget => "Widget",
        }
    }

    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(self) -> &'static str {
        match self.group() {
            "apps" => "apps/v1",
            "batch" => "batch/v1",
            "networking.k8s.io" => "networking.k8s.io/v1",
            "policy" => "policy/v1",
            "apiextensions.k8s.io" => "apiextensions.k8s.io/v1",
            "demo.kr8s.dev" => "demo.kr8s.dev/v1",
            _ => VERSION,
        }
    }

    /// The API group ("" for the core group).
    pub fn group(self) -> &'static str {
        match self {
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet => "apps",
            Kind::Job | Kind::CronJob => "batch",
            Kind::Ingress => "networking.k8s.io",
            Kind::PodDisruptionBudget => "policy",
            Kind::CustomResourceDefinition => "apiextensions.k8s.io",
            Kind::Widget => "demo.kr8s.dev",
            _ => "",
        }
    }

    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Namespace | Kind::Node | Kind::ComponentStatus | Kind::CustomResourceDefinition
        )
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
            Kind::ConfigMap => &["cm"],
            Kind::Secret | Kind::Job => &[],
            Kind::PersistentVolumeClaim => &["pvc"],
            Kind::ReplicaSet => &["rs"],
            Kind::StatefulSet => &["sts"],
            Kind::DaemonSet => &["ds"],
            Kind::CronJob => &["cj"],
            Kind::Ingress => &["ing"],
            Kind::PodDisruptionBudget => &["pdb"],
            Kind::CustomResourceDefinition => &["crd", "crds"],
            Kind::Widget => &["wdg"],
        }
    }

    /// The categories discovery lists (`kubectl get all` is the `all` category).
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Kind::Pod
            | Kind::Service
            | Kind::Deployment
            | Kind::ReplicaSet
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::Job
            | Kind::CronJob => &["all"],
            Kind::CustomResourceDefinition => &["api-extensions"],
            Kind::Widget => &["demo"],
            _ => &[],
        }
    }

    /// ComponentStatus is read-only (get and list); every other kind takes create, update,
    /// patch and delete.
    pub fn writable(self) -> bool {
        self != Kind::ComponentStatus
    }

    /// Whether `status` is a subresource: writes to the object itself leave it alone.
    pub fn has_status(self) -> bool {
        !matches!(
            self,
            Kind::Event
                | Kind::ComponentStatus
                | Kind::ConfigMap
                | Kind::Secret
                | Kind::CustomResourceDefinition
                | Kind::Widget
        )
    }

    /// Whether it has `spec.replicas` and a `scale` subresource.
    pub fn scalable(self) -> bool {
        matches!(
            self,
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
        )
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

    /// The kinds of one group ("" = core), in the order discovery lists them.
    pub fn of_group(group: &str) -> Vec<Kind> {
        let order: &[Kind] = match group {
            "" => &[
                Kind::Pod,
                Kind::Namespace,
                Kind::Event,
                Kind::Node,
                Kind::Service,
                Kind::ConfigMap,
                Kind::Secret,
                Kind::PersistentVolumeClaim,
                Kind::ComponentStatus,
            ],
            "apps" => &[
                Kind::Deployment,
                Kind::ReplicaSet,
                Kind::StatefulSet,
                Kind::DaemonSet,
            ],
            "batch" => &[Kind::Job, Kind::CronJob],
            "networking.k8s.io" => &[Kind::Ingress],
            "policy" => &[Kind::PodDisruptionBudget],
            "apiextensions.k8s.io" => &[Kind::CustomResourceDefinition],
            "demo.kr8s.dev" => &[Kind::Widget],
            _ => &[],
        };
        order.to_vec()
    }

    /// Field labels a fieldSelector may use beyond `metadata.name`/`metadata.namespace` (those
    /// the real apiserver accepts for the kind); the values are indexed when an object is stored.
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
            Kind::Secret => &["type"],
            Kind::ReplicaSet => &["status.replicas"],
            Kind::Job => &["status.successful"],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_in_exactly_one_group_list_and_all_is_in_index_order() {
        for (i, kind) in Kind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i);
            let groups = std::iter::once("").chain(GROUPS);
            let listed = groups
                .filter(|g| Kind::of_group(g).contains(kind))
                .collect::<Vec<_>>();
            assert_eq!(listed, [kind.group()], "{kind:?}");
            assert_eq!(Kind::from_plural(kind.group(), kind.plural()), Some(*kind));
        }
    }
}
