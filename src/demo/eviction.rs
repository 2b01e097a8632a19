//! The Eviction API.

use axum::response::Response;

use super::routes::{AppState, Params, status};

pub(crate) fn evict(
    _app: &AppState,
    _ns: &str,
    _name: &str,
    _params: &Params,
    _body: &[u8],
) -> Response {
    status(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
    )
}
