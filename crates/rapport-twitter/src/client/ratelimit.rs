//! Rate limits: the `x-rate-limit-*` headers of every response, the 24-hour app and user caps, and the
//! policy for a 429.
//!
//! X advertises a 15-minute window per endpoint in `x-rate-limit-{limit,remaining,reset}` (reset is a
//! Unix timestamp in seconds) and daily caps in `x-app-limit-24hour-*` and `x-user-limit-24hour-*`.
//! Full-archive search and counts have an extra, unadvertised limit of one request per second: a 429
//! that still shows `remaining > 0` means that one was hit, and a short backoff is enough.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;
use serde::Serialize;

use super::clock::until;

/// One limit window as the headers describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset_at: Option<DateTime<Utc>>,
}

impl RateLimit {
    fn from_headers(headers: &HeaderMap, prefix: &str) -> Option<Self> {
        let num = |suffix: &str| -> Option<u64> {
            headers
                .get(format!("{prefix}-{suffix}"))?
                .to_str()
                .ok()?
                .trim()
                .parse()
                .ok()
        };
        let limit = num("limit");
        let remaining = num("remaining");
        let reset_at =
            num("reset").and_then(|s| Utc.timestamp_opt(i64::try_from(s).ok()?, 0).single());
        if limit.is_none() && remaining.is_none() && reset_at.is_none() {
            None
        } else {
            Some(Self {
                limit,
                remaining,
                reset_at,
            })
        }
    }

    /// True when the headers say no request is left in this window.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// Everything about limits and access that one response's headers say. Exposed on every page.
///
/// ```
/// use rapport_twitter::client::RateLimitInfo;
/// use reqwest::header::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("x-rate-limit-limit", HeaderValue::from_static("450"));
/// h.insert("x-rate-limit-remaining", HeaderValue::from_static("448"));
/// h.insert("x-rate-limit-reset", HeaderValue::from_static("1665183229"));
/// let info = RateLimitInfo::from_headers(&h);
/// let w = info.window.unwrap();
/// assert_eq!((w.limit, w.remaining), (Some(450), Some(448)));
/// assert_eq!(w.reset_at.unwrap().to_rfc3339(), "2022-10-07T22:53:49+00:00");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RateLimitInfo {
    /// The per-endpoint window (`x-rate-limit-*`, 15 minutes).
    pub window: Option<RateLimit>,
    /// The app's 24-hour cap (`x-app-limit-24hour-*`).
    pub app_24h: Option<RateLimit>,
    /// The user's 24-hour cap (`x-user-limit-24hour-*`).
    pub user_24h: Option<RateLimit>,
    /// `x-access-level` (e.g. `read`).
    pub access_level: Option<String>,
    /// `api-version` (e.g. `2.52`).
    pub api_version: Option<String>,
}

impl RateLimitInfo {
    /// Reads the limit and access headers. Absent or unparsable headers are `None`, never an error.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Self {
            window: RateLimit::from_headers(headers, "x-rate-limit"),
            app_24h: RateLimit::from_headers(headers, "x-app-limit-24hour"),
            user_24h: RateLimit::from_headers(headers, "x-user-limit-24hour"),
            access_level: text("x-access-level"),
            api_version: text("api-version"),
        }
    }

    /// The latest reset among the exhausted windows: the earliest time a retry can succeed. Falls back
    /// to the 15-minute window's reset when none says `remaining: 0`.
    pub fn blocking_reset(&self) -> Option<DateTime<Utc>> {
        let exhausted = [self.window, self.app_24h, self.user_24h]
            .into_iter()
            .flatten()
            .filter(RateLimit::is_exhausted)
            .filter_map(|w| w.reset_at)
            .max();
        exhausted.or(self.window.and_then(|w| w.reset_at))
    }

    /// True when a 429 came with requests left in every advertised window: the per-second limit.
    pub fn is_per_second_limit(&self) -> bool {
        let any_exhausted = [self.window, self.app_24h, self.user_24h]
            .into_iter()
            .flatten()
            .any(|w| w.is_exhausted());
        let window_has_remaining = self.window.and_then(|w| w.remaining).is_some_and(|r| r > 0);
        window_has_remaining && !any_exhausted
    }
}

/// What to do on a 429.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitPolicy {
    /// Wait for the reset and retry (true, the default) or return `RateLimited` at once (false).
    pub wait: bool,
    /// Added to the reset time, for clock skew between us and X. Default 2 s.
    pub margin: Duration,
    /// The longest wait; a reset further away than this returns `RateLimited` instead. Default 15 min.
    pub max_wait: Duration,
    /// Backoff after a 429 with `remaining > 0` (the per-second limit); doubled on each repeat. Default 2 s.
    pub per_second_backoff: Duration,
    /// Wait used when a 429 carries no usable reset header. Default 60 s.
    pub fallback_wait: Duration,
    /// How many 429s in a row one request may wait through before giving up. Default 5.
    pub max_waits: u32,
    /// Minimum interval between requests to the paced endpoints (full-archive search and counts/all).
    /// Default 1.05 s: one request per second with a little room for clock jitter.
    pub paced_interval: Duration,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        Self {
            wait: true,
            margin: Duration::from_secs(2),
            max_wait: Duration::from_secs(15 * 60),
            per_second_backoff: Duration::from_secs(2),
            fallback_wait: Duration::from_secs(60),
            max_waits: 5,
            paced_interval: Duration::from_millis(1050),
        }
    }
}

/// The decision for one 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then retry.
    Wait(Duration),
    /// Give up with `RateLimited { reset_at }`.
    GiveUp(Option<DateTime<Utc>>),
}

impl RateLimitPolicy {
    /// Decides what to do about a 429 with these headers, the `n`-th in a row (0-based).
    ///
    /// ```
    /// use rapport_twitter::client::{RateLimitPolicy, RateLimitInfo, RateLimit, Decision};
    /// use chrono::{TimeZone, Utc};
    /// use std::time::Duration;
    /// let now = Utc.timestamp_opt(1_000, 0).unwrap();
    /// let info = RateLimitInfo { window: Some(RateLimit { limit: Some(450), remaining: Some(0),
    ///     reset_at: Some(Utc.timestamp_opt(1_060, 0).unwrap()) }), ..Default::default() };
    /// // 60 s to the reset plus the default 2 s margin.
    /// assert_eq!(RateLimitPolicy::default().decide(&info, now, 0), Decision::Wait(Duration::from_secs(62)));
    /// ```
    pub fn decide(&self, info: &RateLimitInfo, now: DateTime<Utc>, n: u32) -> Decision {
        let reset = info.blocking_reset();
        if !self.wait || n >= self.max_waits {
            return Decision::GiveUp(reset);
        }
        if info.is_per_second_limit() {
            let factor = 1u32.checked_shl(n.min(16)).unwrap_or(u32::MAX);
            let wait = self
                .per_second_backoff
                .saturating_mul(factor)
                .min(self.max_wait);
            return Decision::Wait(wait);
        }
        let wait = match reset {
            Some(at) => until(now, at) + self.margin,
            None => self.fallback_wait,
        };
        if wait > self.max_wait {
            Decision::GiveUp(reset)
        } else {
            Decision::Wait(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(s, 0).unwrap()
    }

    #[test]
    fn reads_24h_headers_and_picks_latest_exhausted_reset() {
        let h = headers(&[
            ("x-rate-limit-limit", "300"),
            ("x-rate-limit-remaining", "12"),
            ("x-rate-limit-reset", "1000"),
            ("x-app-limit-24hour-limit", "10000"),
            ("x-app-limit-24hour-remaining", "0"),
            ("x-app-limit-24hour-reset", "80000"),
            ("x-user-limit-24hour-limit", "bogus"),
        ]);
        let info = RateLimitInfo::from_headers(&h);
        assert_eq!(info.app_24h.unwrap().limit, Some(10_000));
        assert_eq!(
            info.user_24h, None,
            "an unparsable header is absent, not an error"
        );
        assert_eq!(info.blocking_reset(), Some(at(80_000)));
        assert!(
            !info.is_per_second_limit(),
            "the daily cap is exhausted, so not the per-second limit"
        );
    }

    #[test]
    fn per_second_limit_backs_off_exponentially() {
        let h = headers(&[
            ("x-rate-limit-remaining", "297"),
            ("x-rate-limit-reset", "5000"),
        ]);
        let info = RateLimitInfo::from_headers(&h);
        let p = RateLimitPolicy::default();
        // 2 s, then 2 s * 2^1, then 2 s * 2^2.
        assert_eq!(
            p.decide(&info, at(0), 0),
            Decision::Wait(Duration::from_secs(2))
        );
        assert_eq!(
            p.decide(&info, at(0), 1),
            Decision::Wait(Duration::from_secs(4))
        );
        assert_eq!(
            p.decide(&info, at(0), 2),
            Decision::Wait(Duration::from_secs(8))
        );
    }

    #[test]
    fn far_reset_or_waiting_off_gives_up() {
        let h = headers(&[
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "2000"),
        ]);
        let info = RateLimitInfo::from_headers(&h);
        let p = RateLimitPolicy::default();
        // 2000 - 0 = 2000 s > 900 s maximum.
        assert_eq!(p.decide(&info, at(0), 0), Decision::GiveUp(Some(at(2000))));
        let off = RateLimitPolicy {
            wait: false,
            ..RateLimitPolicy::default()
        };
        assert_eq!(
            off.decide(&info, at(1990), 0),
            Decision::GiveUp(Some(at(2000)))
        );
        // Reset already passed: only the margin.
        assert_eq!(
            p.decide(&info, at(2100), 0),
            Decision::Wait(Duration::from_secs(2))
        );
        assert_eq!(
            p.decide(&info, at(1990), 5),
            Decision::GiveUp(Some(at(2000)))
        );
    }
}
