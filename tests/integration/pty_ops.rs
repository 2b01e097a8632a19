//! The real binary in a pty changing things on an in-process demo server, each result checked
//! afterwards with kubectl against the same server: scale, rollout restart, cordon/uncordon,
//! drain past a PodDisruptionBudget, marks with a bulk delete, `--readonly` refusing each, and a
//! Secret decoded on screen only.

#[path = "pty_ops/kubectl.rs"]
mod kubectl;
#[path = "pty_ops/nodes.rs"]
mod nodes;
#[path = "pty_ops/secrets.rs"]
mod secrets;
#[path = "pty_ops/workloads.rs"]
mod workloads;
