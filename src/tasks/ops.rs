//! Effects that change objects: scale, rollout restart, cordon/uncordon (one PATCH each), and
//! drains (a task per drain, stopped by `Effect::StopDrain`).

use super::{Tasks, drain};
use crate::kube::Failure;
use crate::kube::nodes::node_health;
use crate::kube::ops;
use crate::msg::{Effect, Msg, Op};

impl Tasks {
    /// Starts `Operate`, `Drain` or `StopDrain`.
    pub(super) fn run_ops(&mut self, effect: Effect) {
        match effect {
            Effect::Operate {
                context,
                path,
                what,
                op,
            } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = match op {
                        Op::Scale(replicas) => ops::scale(&client, &path, replicas).await,
                        // The clock is read here, never in the state.
                        Op::Restart => ops::restart(&client, &path, jiff::Timestamp::now()).await,
                        Op::Cordon | Op::Uncordon => {
                            let node = path.rsplit('/').next().unwrap_or_default();
                            ops::cordon(&client, node, op == Op::Cordon).await
                        }
                    };
                    let result = result.map(|_| ()).map_err(Failure::from);
                    let _ = tx.send(Msg::Operated { what, op, result });
                });
            }
            Effect::Drain {
                id,
                context,
                node,
                options,
            } => {
                self.drains.retain(|_, t| !t.is_finished());
                let task = self.spawn_with(&context, move |client, tx| {
                    drain::run(client, id, node, options, tx)
                });
                if let Some(task) = task {
                    self.drains.insert(id, task);
                }
            }
            Effect::PulseNodes { id, context } => {
                self.spawn_with(&context, move |client, tx| async move {
                    let result = node_health(&client).await.map_err(Failure::from);
                    let _ = tx.send(Msg::PulseNodes { id, result });
                });
            }
            Effect::StopDrain { id } => {
                if let Some(task) = self.drains.remove(&id) {
                    task.abort();
                }
            }
            _ => {}
        }
    }
}
