//! Retry delays of the list-watch engine: capped exponential backoff with jitter, on a short
//! schedule while the server cannot be reached at all and a longer one while it answers with
//! errors.

use std::time::Duration;

use crate::kube::KubeError;

/// First retry delay when the server cannot be reached (refused, reset): connecting is cheap and
/// the user wants the table back as soon as the apiserver is.
const RECONNECT_FIRST: Duration = Duration::from_millis(250);
/// Longest retry delay while the server cannot be reached.
const RECONNECT_MAX: Duration = Duration::from_secs(1);
/// First retry delay after an error the server answered (5xx, 429, 403, timeouts): it is up but
/// struggling or refusing, so back off up to the engine's maximum.
const BACKOFF_FIRST: Duration = Duration::from_secs(1);

/// Capped exponential backoff. Each delay is drawn from [½·d, d] (client-go's jitter idea), so
/// many clients that failed together do not come back in lockstep.
#[derive(Debug)]
pub struct Backoff {
    failures: u32,
    max: Duration,
    seed: u64,
}

impl Backoff {
    /// A schedule that never waits longer than `max`.
    pub fn new(max: Duration) -> Self {
        // Any varying seed will do: jitter only has to differ between processes and streams.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64)
            | 1;
        Backoff {
            failures: 0,
            max,
            seed,
        }
    }

    /// Back to the first delay (the stream worked again).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// The delay before the next attempt after `error`.
    pub fn next(&mut self, error: &KubeError) -> Duration {
        self.step(matches!(error, KubeError::Transport { .. }))
    }

    /// The next delay; `unreachable` picks the short schedule. A server's `Retry-After` is not
    /// seen here: the engine waits at least that long itself.
    pub fn step(&mut self, unreachable: bool) -> Duration {
        let (first, max) = if unreachable {
            (RECONNECT_FIRST, RECONNECT_MAX.min(self.max))
        } else {
            (BACKOFF_FIRST, self.max)
        };
        let factor = 1u32 << self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        let full = first.saturating_mul(factor).min(max);
        self.jitter(full)
    }

    /// A delay in [½·d, d], from a xorshift step.
    fn jitter(&mut self, d: Duration) -> Duration {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let half = d / 2;
        let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX).max(1);
        half + Duration::from_micros(self.seed % spread)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_jittered_and_capped() {
        let mut b = Backoff::new(Duration::from_secs(30));
        let delays: Vec<Duration> = (0..8).map(|_| b.step(false)).collect();
        let bounds = [1, 2, 4, 8, 16, 30, 30, 30];
        for (d, full) in delays.iter().zip(bounds) {
            let full = Duration::from_secs(full);
            assert!(
                *d <= full && *d >= full / 2,
                "{d:?} within [{:?}, {full:?}]",
                full / 2
            );
        }
        b.reset();
        assert!(b.step(false) <= Duration::from_secs(1));
        assert!(
            b.step(true) <= Duration::from_millis(500),
            "unreachable: short schedule"
        );
        for _ in 0..10 {
            assert!(b.step(true) <= RECONNECT_MAX);
        }
    }
}
