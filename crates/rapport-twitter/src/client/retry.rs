//! Retries of transient failures: 5xx answers and transport errors (connect, reset, timeout) are
//! retried with capped exponential backoff and jitter; 4xx answers never are (a 429 goes to the
//! rate-limit policy instead). The schedule is `backon`'s exponential backoff, so the client has no
//! retry arithmetic or random number generator of its own.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

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

    /// The sequence of backoffs, one per retry, ending after `max_retries`.
    ///
    /// `backon` adds a jitter of up to the current delay on top of it (`[d, 2d)`); starting from half
    /// the base and capping at half the maximum turns that into "equal jitter", `[d/2, d)` of the
    /// nominal `d`, as documented on [`RetryPolicy::jitter`].
    ///
    /// ```
    /// use rapport_twitter::client::RetryPolicy;
    /// use std::time::Duration;
    /// let fixed = RetryPolicy { max_retries: 3, jitter: false, ..RetryPolicy::default() };
    /// let waits: Vec<Duration> = fixed.backoffs().collect();
    /// assert_eq!(waits, [1, 2, 4].map(Duration::from_secs));
    /// ```
    pub fn backoffs(&self) -> impl Iterator<Item = Duration> + Send + Sync + Unpin + use<> {
        let builder = ExponentialBuilder::default()
            .with_factor(2.0)
            .with_max_times(self.max_retries as usize);
        let builder = if self.jitter {
            builder
                .with_min_delay(self.base / 2)
                .with_max_delay(self.max_backoff / 2)
                .with_jitter()
        } else {
            builder
                .with_min_delay(self.base)
                .with_max_delay(self.max_backoff)
        };
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_between_half_and_full() {
        let p = RetryPolicy {
            max_retries: 3,
            ..RetryPolicy::default()
        };
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..200 {
            let waits: Vec<Duration> = p.backoffs().collect();
            assert_eq!(waits.len(), 3);
            for (i, w) in waits.iter().enumerate() {
                let nominal = p.nominal_backoff(i as u32);
                assert!(*w >= nominal / 2 && *w <= nominal, "retry {i}: {w:?}");
            }
            distinct.insert(waits[2]); // nominal 4 s
        }
        assert!(
            distinct.len() > 100,
            "jitter should spread the backoffs, got {}",
            distinct.len()
        );
    }

    #[test]
    fn backoff_is_capped_and_counted() {
        let p = RetryPolicy {
            max_retries: 9,
            base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            jitter: false,
        };
        let waits: Vec<u64> = p.backoffs().map(|d| d.as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        for (i, w) in waits.iter().enumerate() {
            assert_eq!(p.nominal_backoff(i as u32).as_secs(), *w);
        }
        assert_eq!(RetryPolicy::none().backoffs().count(), 0);
        // Jittered, the cap holds too.
        let j = RetryPolicy { jitter: true, ..p };
        assert!(j.backoffs().all(|d| d <= Duration::from_secs(60)));
    }
}
