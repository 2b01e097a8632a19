//! The client's side of `--record` and `--replay`: `/version` is recorded or served from the
//! recording, and under replay nothing else leaves the process.

use std::sync::Arc;

use bytes::Bytes;
use std::time::Duration;

use super::{ApiRequest, Client, VersionInfo, decode_json};
use crate::kube::error::KubeError;
use crate::kube::url::strip_query;
use crate::record::{Recorder, Replay};

const VERSION: &str = "/version/";

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
            recorder.doc(self.context(), VERSION, &resp.body);
        }
        Ok((info, resp.latency))
    }

    /// The last `/version` recorded for this context up to the moment shown.
    fn replayed_version(&self, replay: &Replay) -> Result<(VersionInfo, Duration), KubeError> {
        let body = self.replayed_doc(replay, VERSION)?;
        Ok((decode_json(&body, VERSION)?, Duration::ZERO))
    }

    /// A document (`/version`, discovery) as recorded for this context. Reads the file only
    /// when the moment moved (the state is cached per moment).
    fn replayed_doc(&self, replay: &Replay, path: &str) -> Result<Bytes, KubeError> {
        let doc = replay
            .doc(self.context(), path)
            .map_err(|e| KubeError::Decode {
                path: path.into(),
                message: e.to_string(),
            })?;
        doc.map(Bytes::from)
            .ok_or_else(|| KubeError::NotRecorded(path.into()))
    }

    /// GET of a document (discovery): recorded under `--record`, served from the recording
    /// under `--replay`.
    pub async fn get_doc(&self, path: &str, accept: &str) -> Result<Bytes, KubeError> {
        if let Some(replay) = self.replay() {
            return self.replayed_doc(replay, path);
        }
        let body = self.get_accept(path, accept).await?.body;
        if let Some(recorder) = self.recorder() {
            recorder.doc(self.context(), path, &body);
        }
        Ok(body)
    }
}
