//! Listing: one page (decoded, raw, as a Table, or with any Accept) and every page.

use bytes::Bytes;
use http::Method;
use serde::de::DeserializeOwned;

use super::{Client, ListPage, ListParams, decode_list};
use crate::kube::error::KubeError;
use crate::kube::url::with_query;
use crate::kube::wire::{INCLUDE_METADATA, TABLE_ACCEPT};

impl Client {
    /// One page of a list at `path` (e.g. `/api/v1/pods`).
    pub async fn list_page<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &ListParams,
    ) -> Result<ListPage<T>, KubeError> {
        let body = self.list_page_raw(path, params).await?;
        decode_list(&body, path)
    }

    /// One page of a list, undecoded: callers that pipeline pages read the `continue` token with
    /// [`list_head`](super::list_head) and decode the items elsewhere with [`decode_list`].
    pub async fn list_page_raw(&self, path: &str, params: &ListParams) -> Result<Bytes, KubeError> {
        let full = with_query(path, &params.query());
        let resp = self
            .send_path(&Method::GET, &full, None, None)
            .await?
            .error_for_status()?;
        Ok(resp.body)
    }

    /// One page of a list as the server prints it (`as=Table`, with each object's metadata),
    /// undecoded; a server that cannot print answers with the plain list. Decode it with
    /// [`crate::kube::table::server::decode_pods_page`] (pods).
    pub async fn list_table_page_raw(
        &self,
        path: &str,
        params: &ListParams,
    ) -> Result<Bytes, KubeError> {
        self.list_page_accept(path, params, TABLE_ACCEPT, INCLUDE_METADATA)
            .await
    }

    /// One page of a list asking for `accept` with `extra` added to the query (the list-watch
    /// engine's request), undecoded.
    pub async fn list_page_accept(
        &self,
        path: &str,
        params: &ListParams,
        accept: &str,
        extra: &str,
    ) -> Result<Bytes, KubeError> {
        let query = match (params.query(), extra) {
            (q, "") => q,
            (q, extra) if q.is_empty() => extra.to_string(),
            (q, extra) => format!("{q}&{extra}"),
        };
        let full = with_query(path, &query);
        let resp = self
            .send_path_accept(&Method::GET, &full, None, None, accept, None)
            .await?
            .error_for_status()?;
        Ok(resp.body)
    }

    /// Every page of a list, following `continue` tokens.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &ListParams,
    ) -> Result<ListPage<T>, KubeError> {
        let mut params = params.clone();
        let mut all = Vec::new();
        loop {
            let page = self.list_page::<T>(path, &params).await?;
            all.extend(page.items);
            if page.continue_token.is_empty() {
                return Ok(ListPage {
                    items: all,
                    resource_version: page.resource_version,
                    continue_token: String::new(),
                    remaining: None,
                });
            }
            params.continue_token = Some(page.continue_token);
        }
    }
}
