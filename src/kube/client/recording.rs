//! The client's side of `--record` and `--replay`: `/version` is recorded or served from the
//! recording, and under replay nothing else leaves the process.

use std::sync::Arc;
use std::time::Duration;

use super::{ApiRequest, Client, VersionInfo, decode_json};
use crate::kube::error::KubeError;
use crate::kube::url::strip_query;
use crate::record::{Recorder, Replay};

impl Client {
    pub fn recorder(&self) -> Option<&Arc<Recorder>> {
        self.inner.opts.recorder.as_ref()
    }

    pub fn replay(&self) -> Option<&Arc<Replay>> {
        self.inner.opts.replay.as_ref()
    }

    /// Under `--replay` every request that reaches the network layer is refused.
    pub(super) fn refuse_in_replay(&self, path: &str) -> Result<(), KubeError> {
        match self.replay() {
            Some(_) => Err(KubeError::NotRecorded(strip_query(path))),
            None => Ok(()),
        }
    }

    /// kr8s's `version()`: `GET /version/`.
    pub async fn version(&self) -> Result<(VersionInfo, Duration), KubeError> {
        if let Some(replay) = self.replay() {
            return self.replayed_version(replay);
        }
        let req = ApiRequest {
            version: String::new(),
            base: "/version".into(),
            ..ApiRequest::default()
        };
        let resp = self.call_api(&req).await?;
        let info = decode_json(&resp.body, "/version/")?;
        if let Some(recorder) = self.recorder() {
            recorder.version(self.context(), &resp.body);
        }
        Ok((info, resp.latency))
    }

    /// The last `/version` recorded for this context up to the moment shown. Reads the file
    /// only when the moment moved (the state is cached per moment).
    fn replayed_version(&self, replay: &Replay) -> Result<(VersionInfo, Duration), KubeError> {
        let not_recorded = || KubeError::NotRecorded("/version".into());
        let state = replay
            .state_at(replay.now())
            .map_err(|e| KubeError::Decode {
                path: "/version/".into(),
                message: e.to_string(),
            })?;
        let (_, body) = state
            .versions
            .get(self.context())
            .ok_or_else(not_recorded)?;
        Ok((decode_json(body, "/version/")?, Duration::ZERO))
    }
}
