//! The column definitions of each kind's Table, as the apiserver's printers declare them.

use crate::demo::crd;
use crate::demo::resources::Kind;
use crate::kube::table::POD_COLUMNS;

/// (name, type, format, priority, description) of a column.
type Column = (&'static str, &'static str, &'static str, u8, &'static str);

const NAME: Column = (
    "Name",
    "string",
    "name",
    0,
    "Name must be unique within a namespace.",
);
const AGE: Column = ("Age", "string", "", 0, "Time since the object was created.");
const CONTAINERS: Column = (
    "Containers",
    "string",
    "",
    1,
    "Names of each container in the template.",
);
const IMAGES: Column = (
    "Images",
    "string",
    "",
    1,
    "Images referenced by each container in the template.",
);
const SELECTOR: Column = ("Selector", "string", "", 1, "The label selector.");

/// Columns of the kinds printed like a controller: desired/current/ready counts.
fn workload_columns(kind: Kind) -> Vec<Column> {
    let int = |name: &'static str, description: &'static str| (name, "integer", "", 0, description);
    match kind {
        Kind::ReplicaSet => vec![
            NAME,
            int("Desired", "Number of desired replicas."),
            int("Current", "Number of replicas that exist."),
            int("Ready", "Number of ready replicas."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        Kind::StatefulSet => vec![
            NAME,
            (
                "Ready",
                "string",
                "",
                0,
                "Number of the pod with ready state",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
        ],
        Kind::DaemonSet => vec![
            NAME,
            int("Desired", "Number of nodes that should run the daemon pod."),
            int(
                "Current",
                "Number of nodes running at least one daemon pod.",
            ),
            int("Ready", "Number of nodes whose daemon pod is ready."),
            int(
                "Up-to-date",
                "Number of nodes running the updated daemon pod.",
            ),
            int(
                "Available",
                "Number of nodes whose daemon pod is available.",
            ),
            (
                "Node Selector",
                "string",
                "",
                0,
                "The node selector of the pod template.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        Kind::Job => vec![
            NAME,
            ("Status", "string", "", 0, "Status of the job."),
            (
                "Completions",
                "string",
                "",
                0,
                "The number of pods which reached phase Succeeded.",
            ),
            (
                "Duration",
                "string",
                "",
                0,
                "Time required to complete the job.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        _ => vec![
            NAME,
            ("Schedule", "string", "", 0, "The schedule in Cron format."),
            (
                "Timezone",
                "string",
                "",
                0,
                "The time zone name for the given schedule.",
            ),
            (
                "Suspend",
                "boolean",
                "",
                0,
                "Whether subsequent executions are suspended.",
            ),
            int("Active", "A list of pointers to currently running jobs."),
            (
                "Last Schedule",
                "string",
                "",
                0,
                "When the job was last successfully scheduled.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
    }
}

pub(super) fn columns(kind: Kind) -> Vec<Column> {
    let text = |name: &'static str, description: &'static str| (name, "string", "", 0, description);
    match kind {
        Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet | Kind::Job | Kind::CronJob => {
            workload_columns(kind)
        }
        Kind::ConfigMap => vec![
            NAME,
            text("Data", "Data contains the configuration data."),
            AGE,
        ],
        Kind::Secret => vec![
            NAME,
            text(
                "Type",
                "Used to facilitate programmatic handling of secret data.",
            ),
            text("Data", "Data contains the secret data."),
            AGE,
        ],
        Kind::PersistentVolumeClaim => vec![
            NAME,
            text("Status", "The current phase of the claim."),
            text(
                "Volume",
                "The binding reference to the volume backing this claim.",
            ),
            text("Capacity", "The actual resources of the underlying volume."),
            text("Access Modes", "The actual access modes the volume has."),
            text("StorageClass", "StorageClass of the pvc"),
            text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            AGE,
            (
                "VolumeMode",
                "string",
                "",
                1,
                "What type of volume is required by the claim.",
            ),
        ],
        Kind::Ingress => vec![
            NAME,
            text(
                "Class",
                "The name of the IngressClass resource that should be used for additional configuration",
            ),
            text(
                "Hosts",
                "Hosts that incoming requests are matched against before the ingress rule",
            ),
            text(
                "Address",
                "Address is a list containing ingress points for the load-balancer",
            ),
            text("Ports", "Ports of TLS configurations that open"),
            AGE,
        ],
        // The apiserver's default table convertor (no printer of its own).
        Kind::CustomResourceDefinition => vec![
            NAME,
            (
                "Created At",
                "date",
                "",
                0,
                "CreationTimestamp is a timestamp representing the server time when this object was created.",
            ),
        ],
        Kind::Widget => std::iter::once(NAME)
            .chain(
                crd::WIDGET_COLUMNS
                    .iter()
                    .map(|c| (c.name, c.ty, "", c.priority, c.description)),
            )
            .collect(),
        Kind::Pod => POD_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, title)| {
                let (ty, format) = if i == 0 {
                    ("string", "name")
                } else {
                    ("string", "")
                };
                let priority = u8::from(i >= 5);
                (pod_column_name(title), ty, format, priority, "")
            })
            .collect(),
        Kind::Namespace => vec![
            NAME,
            ("Status", "string", "", 0, "The phase of the namespace."),
            AGE,
        ],
        Kind::Node => vec![
            NAME,
            ("Status", "string", "", 0, "The status of the node."),
            ("Roles", "string", "", 0, "The roles of the node."),
            AGE,
            ("Version", "string", "", 0, "Kubelet version."),
            ("Internal-IP", "string", "", 1, "The node's internal IP."),
            ("OS-Image", "string", "", 1, "OS image."),
            ("Kernel-Version", "string", "", 1, "Kernel version."),
            (
                "Container-Runtime",
                "string",
                "",
                1,
                "Container runtime version.",
            ),
        ],
        Kind::Service => vec![
            NAME,
            ("Type", "string", "", 0, "The type of the service."),
            (
                "Cluster-IP",
                "string",
                "",
                0,
                "The cluster IP of the service.",
            ),
            (
                "External-IP",
                "string",
                "",
                0,
                "External IPs of the service.",
            ),
            ("Port(s)", "string", "", 0, "Ports of the service."),
            AGE,
            (
                "Selector",
                "string",
                "",
                1,
                "The label selector of the service.",
            ),
        ],
        Kind::Deployment => vec![
            NAME,
            ("Ready", "string", "", 0, "Ready replicas out of desired."),
            ("Up-to-date", "integer", "", 0, "Updated replicas."),
            ("Available", "integer", "", 0, "Available replicas."),
            AGE,
            ("Containers", "string", "", 1, "Container names."),
            ("Images", "string", "", 1, "Container images."),
            ("Selector", "string", "", 1, "The label selector."),
        ],
        Kind::Event => vec![
            (
                "Last Seen",
                "string",
                "",
                0,
                "Time since the event was last seen.",
            ),
            ("Type", "string", "", 0, "Normal or Warning."),
            ("Reason", "string", "", 0, "Why the event happened."),
            ("Object", "string", "", 0, "The object the event is about."),
            ("Message", "string", "", 0, "What happened."),
        ],
        Kind::PodDisruptionBudget => vec![
            NAME,
            (
                "Min Available",
                "string",
                "",
                0,
                "The minimum number of pods that must be available.",
            ),
            (
                "Max Unavailable",
                "string",
                "",
                0,
                "The maximum number of pods that may be unavailable.",
            ),
            (
                "Allowed Disruptions",
                "integer",
                "",
                0,
                "Calculated number of pods that may be disrupted at this time.",
            ),
            AGE,
        ],
        Kind::ComponentStatus => vec![
            NAME,
            (
                "Status",
                "string",
                "",
                0,
                "Status of the component conditions",
            ),
            (
                "Message",
                "string",
                "",
                0,
                "Message of the component conditions",
            ),
            (
                "Error",
                "string",
                "",
                0,
                "Error of the component conditions",
            ),
        ],
    }
}

/// "NOMINATED NODE" → "Nominated Node": the apiserver names columns in title case.
fn pod_column_name(title: &str) -> &'static str {
    match title {
        "NAME" => "Name",
        "READY" => "Ready",
        "STATUS" => "Status",
        "RESTARTS" => "Restarts",
        "AGE" => "Age",
        "IP" => "IP",
        "NODE" => "Node",
        "NOMINATED NODE" => "Nominated Node",
        _ => "Readiness Gates",
    }
}
