//! Fault switches: latency, error rate, 410 on every watch, streams cut short and RBAC-like
//! refusals. Atomics (and a lock for the refusals) so tests flip them on a running server;
//! `POST /demo/faults` sets them from another process.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::DemoOptions;
use super::forbid::{Access, ForbidRule};

/// Live fault settings of a demo server.
#[derive(Debug, Default)]
pub struct Faults {
    latency_ms: AtomicU64,
    /// Error rate in millionths, so it fits an atomic integer.
    error_ppm: AtomicU32,
    watch_410: AtomicBool,
    /// 0 = never drop.
    drop_after_ms: AtomicU64,
    forbid: RwLock<Vec<ForbidRule>>,
    /// metrics.k8s.io is not served (no metrics-server).
    no_metrics: AtomicBool,
    /// Empty = every subprotocol the demo speaks.
    streaming: RwLock<Vec<String>>,
    /// Every request answers 429 with Retry-After (chaos only).
    throttle: AtomicBool,
    /// List bodies stop mid-way, watch lines are cut in half (chaos only).
    cut_bodies: AtomicBool,
    /// Later pages of lists lose their connection (chaos only).
    drop_pages: AtomicBool,
    requests: AtomicU64,
    errors: AtomicU64,
    throttled: AtomicU64,
    expired: AtomicU64,
    dropped: AtomicU64,
    cut: AtomicU64,
    pages_dropped: AtomicU64,
}

/// A counter of requests or streams a fault hurt.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hit {
    Expired,
    Dropped,
    Cut,
    PageDropped,
}

/// The fault fields as JSON (`POST /demo/faults` body); absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSettings {
    pub latency_ms: Option<u64>,
    pub error_rate: Option<f64>,
    pub watch_410: Option<bool>,
    /// 0 turns dropping off.
    pub drop_after_ms: Option<u64>,
    /// `VERB:RESOURCE` rules answered with 403; an empty list refuses nothing.
    pub forbid: Option<Vec<ForbidRule>>,
    /// The only WebSocket subprotocols exec, attach and port-forward accept, as a server older
    /// than the client would; an empty list accepts all the demo speaks.
    pub streaming_protocols: Option<Vec<String>>,
    /// Whether metrics.k8s.io is served (false: discovery and its paths answer 404).
    pub metrics: Option<bool>,
}

impl Faults {
    pub(crate) fn from_options(opts: &DemoOptions) -> Faults {
        let faults = Faults::default();
        faults.apply(&FaultSettings {
            latency_ms: Some(opts.latency_ms),
            error_rate: Some(opts.error_rate),
            watch_410: Some(opts.watch_410),
            drop_after_ms: opts.drop_after_ms,
            forbid: Some(opts.forbid.clone()),
            streaming_protocols: None,
            metrics: Some(!opts.no_metrics),
        });
        faults
    }

    /// Sets every field present in `settings`.
    pub fn apply(&self, settings: &FaultSettings) {
        if let Some(ms) = settings.latency_ms {
            self.set_latency(Duration::from_millis(ms));
        }
        if let Some(rate) = settings.error_rate {
            self.set_error_rate(rate);
        }
        if let Some(on) = settings.watch_410 {
            self.set_watch_410(on);
        }
        if let Some(ms) = settings.drop_after_ms {
            self.set_drop_after((ms > 0).then(|| Duration::from_millis(ms)));
        }
        if let Some(rules) = &settings.forbid {
            self.set_forbid(rules.clone());
        }
        if let Some(on) = settings.metrics {
            self.no_metrics.store(!on, Ordering::Relaxed);
        }
        if let Some(protocols) = &settings.streaming_protocols {
            *self
                .streaming
                .write()
                .unwrap_or_else(PoisonError::into_inner) = protocols.clone();
        }
    }

    /// The current settings, every field present.
    pub fn settings(&self) -> FaultSettings {
        FaultSettings {
            latency_ms: Some(self.latency_ms.load(Ordering::Relaxed)),
            error_rate: Some(self.error_rate()),
            watch_410: Some(self.watch_410()),
            drop_after_ms: Some(self.drop_after_ms.load(Ordering::Relaxed)),
            forbid: Some(self.forbid()),
            streaming_protocols: Some(self.streaming_protocols()),
            metrics: Some(self.metrics()),
        }
    }

    pub fn streaming_protocols(&self) -> Vec<String> {
        self.streaming
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Those of `protocols` a client may use now (see `streaming_protocols`).
    pub(crate) fn speaks(&self, protocols: &[&'static str]) -> Vec<&'static str> {
        let only = self
            .streaming
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        protocols
            .iter()
            .copied()
            .filter(|p| only.is_empty() || only.iter().any(|o| o == p))
            .collect()
    }

    /// Whether metrics.k8s.io is served.
    pub fn metrics(&self) -> bool {
        !self.no_metrics.load(Ordering::Relaxed)
    }

    /// Delay added before every API request is answered.
    pub fn set_latency(&self, latency: Duration) {
        self.latency_ms
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }

    /// Fraction of API requests (clamped to 0.0–1.0) that fail with 500 or 503.
    pub fn set_error_rate(&self, rate: f64) {
        let ppm = (rate.clamp(0.0, 1.0) * 1_000_000.0).round() as u32;
        self.error_ppm.store(ppm, Ordering::Relaxed);
    }

    pub fn error_rate(&self) -> f64 {
        f64::from(self.error_ppm.load(Ordering::Relaxed)) / 1_000_000.0
    }

    /// Makes every watch end at once with a 410 `Expired` ERROR event.
    pub fn set_watch_410(&self, on: bool) {
        self.watch_410.store(on, Ordering::Relaxed);
    }

    pub fn watch_410(&self) -> bool {
        self.watch_410.load(Ordering::Relaxed)
    }

    /// Cuts watch and log streams after this long (None = never).
    pub fn set_drop_after(&self, after: Option<Duration>) {
        let ms = after.map_or(0, |d| d.as_millis().max(1) as u64);
        self.drop_after_ms.store(ms, Ordering::Relaxed);
    }

    pub fn drop_after(&self) -> Option<Duration> {
        let ms = self.drop_after_ms.load(Ordering::Relaxed);
        (ms > 0).then(|| Duration::from_millis(ms))
    }

    /// Refuses the accesses these rules match with 403 Forbidden (replacing earlier rules).
    pub fn set_forbid(&self, rules: Vec<ForbidRule>) {
        *self.forbid.write().unwrap_or_else(PoisonError::into_inner) = rules;
    }

    pub fn forbid(&self) -> Vec<ForbidRule> {
        self.forbid
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn refuses(&self, access: &Access<'_>) -> bool {
        access.refused_by(&self.forbid.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes every API request answer 429 Too Many Requests with `Retry-After: 1`.
    pub fn set_throttle(&self, on: bool) {
        self.throttle.store(on, Ordering::Relaxed);
    }

    /// Makes list bodies stop after their first chunk and watch events arrive cut in half,
    /// each followed by a dropped connection.
    pub fn set_cut_bodies(&self, on: bool) {
        self.cut_bodies.store(on, Ordering::Relaxed);
    }

    pub fn cut_bodies(&self) -> bool {
        self.cut_bodies.load(Ordering::Relaxed)
    }

    /// Makes requests for a list's later pages (`continue`) drop after their headers.
    pub fn set_drop_pages(&self, on: bool) {
        self.drop_pages.store(on, Ordering::Relaxed);
    }

    pub fn drop_pages(&self) -> bool {
        self.drop_pages.load(Ordering::Relaxed)
    }

    /// Whether this request is throttled (counted).
    pub(crate) fn throttled(&self) -> bool {
        let on = self.throttle.load(Ordering::Relaxed);
        if on {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        on
    }

    pub(crate) fn note(&self, hit: Hit) {
        let counter = match hit {
            Hit::Expired => &self.expired,
            Hit::Dropped => &self.dropped,
            Hit::Cut => &self.cut,
            Hit::PageDropped => &self.pages_dropped,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// How many requests or streams each fault hurt since the server started.
    pub fn hits(&self) -> BTreeMap<String, u64> {
        [
            ("serverErrors", &self.errors),
            ("throttle429", &self.throttled),
            ("watch410", &self.expired),
            ("dropStreams", &self.dropped),
            ("cutBodies", &self.cut),
            ("dropLists", &self.pages_dropped),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.load(Ordering::Relaxed)))
        .collect()
    }

    /// Decides whether this request fails: `Some(500 or 503)` alternately, else `None`.
    /// Deterministic spreading (a hashed counter), so a rate of 0.3 fails ~30% of requests.
    pub(crate) fn injected_error(&self) -> Option<u16> {
        let ppm = u64::from(self.error_ppm.load(Ordering::Relaxed));
        if ppm == 0 {
            return None;
        }
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let roll = super::rng::Rng::new(n).next_u64() % 1_000_000;
        if roll >= ppm {
            return None;
        }
        let k = self.errors.fetch_add(1, Ordering::Relaxed);
        Some(if k % 2 == 0 { 500 } else { 503 })
    }
}
