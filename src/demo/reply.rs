//! The small response helpers every handler shares: query parameters, Status bodies and JSON
//! responses.

use std::collections::HashMap;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{StatusCode, header};

use super::resources::Kind;
use crate::kube::error::Status;

/// Query parameters of one request.
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes());
        Params(pairs.into_owned().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn str(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// `true`/`1` or `false`/`0`/absent; anything else is a 400.
    pub fn flag(&self, name: &str) -> Result<bool, Reject> {
        match self.get(name) {
            None | Some("" | "false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(v) => Err(bad_request(format!("invalid value for {name}: {v:?}"))),
        }
    }

    /// A non-negative integer or absent; anything else is a 400.
    pub fn number(&self, name: &str) -> Result<Option<u64>, Reject> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| bad_request(format!("invalid value for {name}: {v:?}"))),
        }
    }
}

/// A Status response.
pub(crate) fn status(code: u16, reason: &str, message: impl Into<String>) -> Response {
    let body = Status::failure(code, reason, message);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_bytes(code, Bytes::from(bytes))
}

/// A request refused with a Status; boxed so `Result`s stay small.
pub(crate) struct Reject(Box<Status>);

impl From<Reject> for Response {
    fn from(r: Reject) -> Response {
        let bytes = serde_json::to_vec(&r.0).unwrap_or_default();
        let code = StatusCode::from_u16(r.0.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_bytes(code, Bytes::from(bytes))
    }
}

/// Either outcome of a handler is a response.
pub(crate) fn respond(result: Result<Response, Reject>) -> Response {
    result.unwrap_or_else(Response::from)
}

impl Reject {
    pub(crate) fn from_status(status: Status) -> Reject {
        Reject(Box::new(status))
    }

    #[cfg(test)]
    pub(crate) fn status(&self) -> &Status {
        &self.0
    }

    /// A 500 with the server's words (what the kubelet's refusals become).
    pub(crate) fn internal(message: impl Into<String>) -> Reject {
        Reject(Box::new(Status::failure(500, "InternalError", message)))
    }
}

pub(crate) fn bad_request(message: impl Into<String>) -> Reject {
    Reject(Box::new(Status::failure(400, "BadRequest", message)))
}

pub(crate) fn not_found(kind: Kind, name: &str) -> Reject {
    let what = match kind.group() {
        "" => kind.plural().to_string(),
        g => format!("{}.{g}", kind.plural()),
    };
    Reject(Box::new(Status::failure(
        404,
        "NotFound",
        format!("{what} \"{name}\" not found"),
    )))
}

/// A JSON body with the right content type.
pub(crate) fn json_bytes(code: StatusCode, body: impl Into<Body>) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = code;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

pub(crate) fn json_value(value: &serde_json::Value) -> Response {
    json_bytes(
        StatusCode::OK,
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

pub(crate) fn text(code: StatusCode, body: &'static str) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = code;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}
