//! The Kubernetes client layer, modelled on kr8s (cached `api()`, `call_api`, `version`) with
//! kubectl's kubeconfig rules. Knows nothing about the UI.

pub mod auth;
pub mod cache;
pub mod client;
pub mod discovery;
pub mod error;
pub mod events;
pub mod kubeconfig;
pub mod log_pods;
pub mod metrics;
pub mod nodes;
pub mod ops;
pub mod raw_object;
pub mod remote;
pub mod resource_table;
pub mod selector;
pub mod table;
pub mod tls;
pub mod url;
pub mod warning;
pub mod watcher;
pub mod wire;
pub mod write;

pub use cache::ApiCache;
pub use client::{
    ApiRequest, ApiResponse, CallRecord, Client, ClientOptions, ListParams, WatchEvent,
};
pub use error::{Failure, FailureKind, KubeError, Status};
