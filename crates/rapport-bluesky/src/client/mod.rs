//! # The XRPC client
//!
//! An async client for the AT Protocol endpoints rapport reads. Without credentials it talks to the
//! public AppView (`https://public.api.bsky.app`), which serves profiles, feeds, threads, quotes,
//! followers and lists to anyone. With an app password (`identifier` plus the *name* of an
//! environment variable holding the password) it logs in through `com.atproto.server.createSession` at
//! the account's PDS (`https://bsky.social` by default) and sends every call there with the session
//! token (`searchPosts` may need it).
//!
//! Shaped like the X client:
//! - **One place for politeness** (`transport.rs`): `ratelimit-remaining`/`ratelimit-reset` read on
//!   every answer; a window at zero is waited out before the next call, a 429 is waited out until its
//!   reset (bounded), 5xx and transport errors are retried with capped exponential backoff and jitter
//!   (backon), other 4xx never are.
//! - **Pages are kept.** Every call returns [`RawPage`]s (the JSON as received, the URL, the time);
//!   they are written to JSONL ([`crate::jsonl`]) and the corpus is built from them by the same code
//!   that imports the file, so a saved collection re-imports to the same corpus.
//! - **Nothing secret leaks.** The password is read from its variable only when logging in and is
//!   never kept; the session token is a [`Secret`], whose `Debug` and `Display` print `***`.
//! - **Time is injectable.** A [`Clock`] does all sleeping, so tests see every wait without waiting.

mod endpoints;
mod transport;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::ExponentialBuilder;
use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;
use serde::Serialize;

pub use endpoints::{Fetch, RawPage, SearchOptions};

use crate::error::ClientError;

/// The public AppView: unauthenticated reads.
pub const PUBLIC_APPVIEW: &str = "https://public.api.bsky.app";
/// The default PDS for logging in (Bluesky's own).
pub const DEFAULT_PDS: &str = "https://bsky.social";

/// A secret (the session token) that never prints itself.
///
/// ```
/// use rapport_bluesky::client::Secret;
/// let s = Secret::new("eyJhbGciOi...");
/// assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
/// assert_eq!(s.expose_secret(), "eyJhbGciOi...");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A boxed, sendable future returned by [`Clock::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The wall clock and the sleeper (rate-limit resets are Unix times, so it is a wall clock).
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: `sleep` returns at once, advances the time and records the duration.
///
/// ```
/// use rapport_bluesky::client::{Clock, FakeClock};
/// use chrono::{TimeZone, Utc};
/// use std::time::Duration;
/// let clock = FakeClock::new(Utc.timestamp_opt(1_000, 0).unwrap());
/// futures::executor::block_on(clock.sleep(Duration::from_secs(2)));
/// assert_eq!(clock.now().timestamp(), 1_002);
/// assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
/// ```
#[derive(Debug, Clone)]
pub struct FakeClock {
    state: Arc<Mutex<(DateTime<Utc>, Vec<Duration>)>>,
}

impl FakeClock {
    /// A fake clock starting at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        FakeClock {
            state: Arc::new(Mutex::new((start, Vec::new()))),
        }
    }

    /// Every sleep so far.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().1.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (DateTime<Utc>, Vec<Duration>)> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.lock().0
    }
    fn sleep(&self, duration: Duration) -> SleepFuture {
        {
            let mut s = self.lock();
            s.0 += chrono::Duration::from_std(duration).unwrap_or_default();
            s.1.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}

/// The rate-limit headers of one answer (`ratelimit-limit`, `-remaining`, `-reset` in Unix seconds,
/// `-policy`).
///
/// ```
/// use rapport_bluesky::client::RateLimitInfo;
/// use reqwest::header::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("ratelimit-limit", HeaderValue::from_static("3000"));
/// h.insert("ratelimit-remaining", HeaderValue::from_static("2999"));
/// h.insert("ratelimit-reset", HeaderValue::from_static("1714554000"));
/// h.insert("ratelimit-policy", HeaderValue::from_static("3000;w=300"));
/// let r = RateLimitInfo::from_headers(&h);
/// assert_eq!((r.limit, r.remaining), (Some(3000), Some(2999)));
/// assert_eq!(r.reset_at.unwrap().to_rfc3339(), "2024-05-01T09:00:00+00:00");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RateLimitInfo {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset_at: Option<DateTime<Utc>>,
    /// The policy (`3000;w=300`).
    pub policy: Option<String>,
}

impl RateLimitInfo {
    /// Reads the headers; absent or unparsable ones are `None`.
    pub fn from_headers(h: &HeaderMap) -> Self {
        let text = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
        let num = |n: &str| text(n).and_then(|s| s.parse::<u64>().ok());
        RateLimitInfo {
            limit: num("ratelimit-limit"),
            remaining: num("ratelimit-remaining"),
            reset_at: num("ratelimit-reset")
                .and_then(|s| Utc.timestamp_opt(i64::try_from(s).ok()?, 0).single()),
            policy: text("ratelimit-policy").map(str::to_owned),
        }
    }
}

/// Retries of 5xx answers and transport errors: capped exponential backoff with jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 4.
    pub max_retries: u32,
    /// The first backoff. Default 1 s.
    pub base: Duration,
    /// The longest backoff. Default 60 s.
    pub max_backoff: Duration,
    /// Random jitter. Default on.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The backoffs, one per retry.
    ///
    /// ```
    /// use rapport_bluesky::client::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy { max_retries: 3, jitter: false, ..RetryPolicy::default() };
    /// assert_eq!(p.backoffs().collect::<Vec<_>>(), [1, 2, 4].map(Duration::from_secs));
    /// ```
    pub fn backoffs(&self) -> impl Iterator<Item = Duration> + Send + Sync + Unpin + use<> {
        let b = ExponentialBuilder::default()
            .with_factor(2.0)
            .with_max_times(self.max_retries as usize);
        let b = if self.jitter {
            // backon's jitter adds up to the delay itself: halving gives [d/2, d).
            b.with_min_delay(self.base / 2)
                .with_max_delay(self.max_backoff / 2)
                .with_jitter()
        } else {
            b.with_min_delay(self.base).with_max_delay(self.max_backoff)
        };
        backon::BackoffBuilder::build(b)
    }
}

/// What to do when the rate limit is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitPolicy {
    /// Wait for the reset (true, the default) or return [`ClientError::RateLimited`] at once.
    pub wait: bool,
    /// Added to the reset time for clock skew. Default 1 s.
    pub margin: Duration,
    /// The longest wait; a reset further away returns `RateLimited`. Default 15 min.
    pub max_wait: Duration,
    /// The wait when a 429 has no usable `ratelimit-reset`. Default 60 s.
    pub fallback_wait: Duration,
    /// 429s one call may wait through. Default 5.
    pub max_waits: u32,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        RateLimitPolicy {
            wait: true,
            margin: Duration::from_secs(1),
            max_wait: Duration::from_secs(15 * 60),
            fallback_wait: Duration::from_secs(60),
            max_waits: 5,
        }
    }
}

/// The client's settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Where unauthenticated calls go. Default [`PUBLIC_APPVIEW`].
    pub base_url: String,
    /// Where the session is made and authenticated calls go. Default [`DEFAULT_PDS`].
    pub pds_url: String,
    /// The whole-request timeout. Default 30 s.
    pub timeout: Duration,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// The rate-limit policy.
    pub rate_limit: RateLimitPolicy,
    /// The largest body read. Default 64 MiB.
    pub max_body_bytes: usize,
    /// The `User-Agent`.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: PUBLIC_APPVIEW.to_owned(),
            pds_url: DEFAULT_PDS.to_owned(),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            rate_limit: RateLimitPolicy::default(),
            max_body_bytes: 64 * 1024 * 1024,
            user_agent: concat!("rapport/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// An app-password login: the account's handle or DID, and the name of the environment variable
/// that holds the password (read at login, never stored).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Handle, DID or e-mail.
    pub identifier: String,
    /// The environment variable with the app password.
    pub password_env: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("identifier", &self.identifier)
            .field("password_env", &self.password_env)
            .finish()
    }
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) access: Secret,
    pub(crate) did: String,
    pub(crate) handle: String,
}

/// Builds a [`BskyClient`].
///
/// ```
/// use rapport_bluesky::client::BskyClient;
/// let c = BskyClient::builder().base_url("http://127.0.0.1:9").build().unwrap();
/// assert_eq!(c.config().base_url, "http://127.0.0.1:9");
/// assert!(!c.has_credentials());
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    config: ClientConfig,
    credentials: Option<Credentials>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// Where unauthenticated calls go.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = url.into();
        self
    }

    /// Where the session is made and authenticated calls go.
    pub fn pds_url(mut self, url: impl Into<String>) -> Self {
        self.config.pds_url = url.into();
        self
    }

    /// Logs in with an app password read from the environment variable `password_env`.
    pub fn app_password(
        mut self,
        identifier: impl Into<String>,
        password_env: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials {
            identifier: identifier.into(),
            password_env: password_env.into(),
        });
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.config.retry = retry;
        self
    }

    /// The rate-limit policy.
    pub fn rate_limit(mut self, policy: RateLimitPolicy) -> Self {
        self.config.rate_limit = policy;
        self
    }

    /// The clock (a [`FakeClock`] in tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The whole configuration.
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ClientError::Config`] for a base URL that is not http(s), or an HTTP client that cannot be
    /// made.
    pub fn build(self) -> Result<BskyClient, ClientError> {
        let mut config = self.config;
        for (name, url) in [
            ("base_url", &mut config.base_url),
            ("pds_url", &mut config.pds_url),
        ] {
            let parsed = url::Url::parse(url)
                .map_err(|e| ClientError::Config(format!("{name} {url:?}: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ClientError::Config(format!(
                    "{name} {url:?}: expected an http:// or https:// URL"
                )));
            }
            while url.ends_with('/') {
                url.pop();
            }
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(config.user_agent.clone())
            .gzip(true)
            .build()
            .map_err(|e| ClientError::Config(format!("HTTP client: {e}")))?;
        Ok(BskyClient {
            inner: Arc::new(Inner {
                config,
                credentials: self.credentials,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                http,
                session: tokio::sync::Mutex::new(None),
                last_limit: Mutex::new(None),
            }),
        })
    }
}

/// The Bluesky XRPC client. Cheap to clone; `Send + Sync`; its futures are `'static`.
#[derive(Clone)]
pub struct BskyClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) http: reqwest::Client,
    pub(crate) session: tokio::sync::Mutex<Option<Session>>,
    pub(crate) last_limit: Mutex<Option<RateLimitInfo>>,
}

impl fmt::Debug for BskyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BskyClient")
            .field("base_url", &self.inner.config.base_url)
            .field("pds_url", &self.inner.config.pds_url)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl BskyClient {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the public AppView, without credentials.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn public() -> Result<Self, ClientError> {
        Self::builder().build()
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// True when the client logs in.
    pub fn has_credentials(&self) -> bool {
        self.inner.credentials.is_some()
    }

    /// The rate-limit headers of the last answer.
    pub fn last_rate_limit(&self) -> Option<RateLimitInfo> {
        self.inner
            .last_limit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The DID and handle of the logged-in account, logging in first if needed; `None` without
    /// credentials.
    ///
    /// # Errors
    /// The login's error.
    pub async fn session_account(&self) -> Result<Option<(String, String)>, ClientError> {
        if self.inner.credentials.is_none() {
            return Ok(None);
        }
        let s = self.session(false).await?;
        Ok(s.map(|s| (s.did, s.handle)))
    }
}
