//! The controllers' reaction to a stored write.

use serde_json::Value;

use super::resources::Kind;
use super::store::Store;

/// A write of `kind` changed `old` (Null for a create) into `new`.
pub(crate) fn on_write(_store: &Store, _kind: Kind, _old: &Value, _new: &Value) {}
