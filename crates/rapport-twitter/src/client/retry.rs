//! Retries of transient failures: 5xx answers and transport errors (connect, reset, timeout) are
//! retried with capped exponential backoff and jitter; 4xx answers never are (a 429 goes to the
//! rate-limit policy instead).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How transient failures are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 4 (so at most 5 attempts).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled per retry. Default 1 s.
    pub base: Duration,
    /// The largest backoff. Default 60 s.
    pub max_backoff: Duration,
    /// Randomise each backoff to between half and all of its nominal value ("equal jitter"), so
    /// many clients do not retry in lockstep. Default true.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The nominal (jitter-free) backoff before retry number `attempt` (0-based):
    /// `min(max_backoff, base * 2^attempt)`.
    ///
    /// ```
    /// use rapport_twitter::client::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy::default();
    /// assert_eq!(p.nominal_backoff(0), Duration::from_secs(1));
    /// assert_eq!(p.nominal_backoff(3), Duration::from_secs(8));
    /// assert_eq!(p.nominal_backoff(10), Duration::from_secs(60));
    /// ```
    pub fn nominal_backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max_backoff)
    }

    /// The backoff to sleep before retry number `attempt`, with jitter if enabled.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let nominal = self.nominal_backoff(attempt);
        if !self.jitter {
            return nominal;
        }
        let half = nominal / 2;
        let extra = (half.as_nanos() as f64 * unit_random()) as u64;
        half + Duration::from_nanos(extra)
    }
}

/// A uniform number in [0, 1) from a process-wide splitmix64 sequence seeded by the time. Jitter
/// needs spread, not cryptographic quality, so no dependency is pulled in for it.
fn unit_random() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.load(Ordering::Relaxed);
    if seed == 0 {
        seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
            | 1;
    }
    let next = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    STATE.store(next, Ordering::Relaxed);
    let mut z = next;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_between_half_and_full() {
        let p = RetryPolicy::default();
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..200 {
            let b = p.backoff(2); // nominal 4 s
            assert!(
                b >= Duration::from_secs(2) && b <= Duration::from_secs(4),
                "{b:?}"
            );
            distinct.insert(b);
        }
        assert!(
            distinct.len() > 100,
            "jitter should spread the backoffs, got {}",
            distinct.len()
        );
        let fixed = RetryPolicy { jitter: false, ..p };
        assert_eq!(fixed.backoff(2), Duration::from_secs(4));
    }
}
