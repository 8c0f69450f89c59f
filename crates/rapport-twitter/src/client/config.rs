//! The client's configuration and its builder.

use std::sync::Arc;
use std::time::Duration;

use super::XClient;
use super::auth::{Auth, SecretToken};
use super::clock::{Clock, SystemClock};
use super::error::ClientError;
use super::params::Fields;
use super::ratelimit::RateLimitPolicy;
use super::retry::RetryPolicy;

/// The default base URL (the OpenAPI document's server). `https://api.twitter.com` also works.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";

/// Reconnection timings of the filtered stream, after X's guidance. All configurable so tests run fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamConfig {
    /// No byte (not even the ~20 s keep-alive newline) for this long means the connection stalled.
    /// Default 21 s (keep-alive period plus a second, as tweepy does).
    pub stall_timeout: Duration,
    /// Network-level errors, stalls and dropped connections: back off linearly by this step. Default 250 ms.
    pub tcp_backoff_step: Duration,
    /// ... up to this. Default 16 s.
    pub tcp_backoff_max: Duration,
    /// HTTP errors: exponential backoff from this. Default 5 s.
    pub http_backoff_start: Duration,
    /// ... up to this. Default 320 s.
    pub http_backoff_max: Duration,
    /// A 429 on connect: exponential backoff from this. Default 60 s.
    pub rate_limit_backoff_start: Duration,
    /// Reconnections allowed in a row without a message in between; `None` for no limit. Default 50.
    pub max_reconnects: Option<u32>,
    /// The longest line (one message) kept in memory, in bytes. A longer line is dropped as it
    /// arrives and reported as [`StreamEvent::Skipped`](super::StreamEvent::Skipped); the stream goes
    /// on. Default 4 MiB (a message with every expansion is a few tens of KiB).
    pub max_line_bytes: usize,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            stall_timeout: Duration::from_secs(21),
            tcp_backoff_step: Duration::from_millis(250),
            tcp_backoff_max: Duration::from_secs(16),
            http_backoff_start: Duration::from_secs(5),
            http_backoff_max: Duration::from_secs(320),
            rate_limit_backoff_start: Duration::from_secs(60),
            max_reconnects: Some(50),
            max_line_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Everything that shapes the client's behaviour, fixed at build time.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// Whole-request timeout for REST calls. Default 30 s.
    pub timeout: Duration,
    /// Connect timeout. Default 10 s.
    pub connect_timeout: Duration,
    /// `User-Agent`.
    pub user_agent: String,
    /// Retry of 5xx and transport errors.
    pub retry: RetryPolicy,
    /// The 429 policy and the pacing of full-archive endpoints.
    pub rate_limit: RateLimitPolicy,
    /// The longest search query accepted before sending (characters). Default 512, the Basic tier's
    /// limit; raise it for Pro (1024) or the current spec's 4096.
    pub max_query_len: usize,
    /// Default fields and expansions.
    pub fields: Fields,
    /// The filtered stream's timings.
    pub stream: StreamConfig,
    /// The largest response body read, in bytes; a larger one fails with
    /// [`ClientError::BodyTooLarge`] without being kept. Default 64 MiB ([`DEFAULT_MAX_BODY_BYTES`]).
    pub max_body_bytes: usize,
}

/// The default cap on a response body: 64 MiB, far above the largest page X sends (a 500-post
/// full-archive page with every expansion is a few MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Builds an [`XClient`].
///
/// ```
/// use rapport_twitter::client::{XClient, RetryPolicy};
/// use std::time::Duration;
/// let client = XClient::builder()
///     .bearer_token("AAAA-secret")
///     .base_url("http://127.0.0.1:9")
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::none())
///     .build()
///     .unwrap();
/// assert_eq!(client.config().base_url, "http://127.0.0.1:9");
/// assert!(!format!("{client:?}").contains("AAAA-secret"));
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    auth: Option<Auth>,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            auth: None,
            config: ClientConfig {
                base_url: DEFAULT_BASE_URL.to_owned(),
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(10),
                user_agent: concat!("rapport/", env!("CARGO_PKG_VERSION")).to_owned(),
                retry: RetryPolicy::default(),
                rate_limit: RateLimitPolicy::default(),
                max_query_len: 512,
                fields: Fields::default(),
                stream: StreamConfig::default(),
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            },
            clock: Arc::new(SystemClock),
        }
    }
}

impl ClientBuilder {
    /// An app-only bearer token.
    pub fn bearer_token(mut self, token: impl Into<SecretToken>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// An OAuth 2.0 user access token.
    pub fn user_token(mut self, token: impl Into<SecretToken>) -> Self {
        self.auth = Some(Auth::OAuth2User(token.into()));
        self
    }

    /// Either kind of credential.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The base URL (default `https://api.x.com`); a local mock server in tests.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        url.into()
            .trim_end_matches('/')
            .clone_into(&mut self.config.base_url);
        self
    }

    /// Whole-request timeout for REST calls.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.config.user_agent = ua.into();
        self
    }

    /// Retry policy for 5xx and transport errors.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.config.retry = retry;
        self
    }

    /// Rate-limit policy (429 waits, pacing).
    pub fn rate_limit(mut self, policy: RateLimitPolicy) -> Self {
        self.config.rate_limit = policy;
        self
    }

    /// Shorthand: wait on 429 (true, default) or return `RateLimited` at once (false).
    pub fn wait_on_rate_limit(mut self, wait: bool) -> Self {
        self.config.rate_limit.wait = wait;
        self
    }

    /// The longest query accepted before sending, in characters.
    pub fn max_query_len(mut self, len: usize) -> Self {
        self.config.max_query_len = len;
        self
    }

    /// Default fields and expansions for every request.
    pub fn fields(mut self, fields: Fields) -> Self {
        self.config.fields = fields;
        self
    }

    /// The largest response body read, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]). A larger
    /// answer fails with [`ClientError::BodyTooLarge`], naming the URL and the cap.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.config.max_body_bytes = limit;
        self
    }

    /// Filtered-stream timings and the line cap.
    pub fn stream_config(mut self, stream: StreamConfig) -> Self {
        self.config.stream = stream;
        self
    }

    /// The clock used for pacing, waits and backoff (a [`FakeClock`](super::FakeClock) in tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Builds the client. Fails on a missing or empty token, a token that cannot be an HTTP header,
    /// or a base URL that is not http(s).
    pub fn build(self) -> Result<XClient, ClientError> {
        let auth = self.auth.ok_or_else(|| {
            ClientError::Config("no token: call bearer_token(..) or user_token(..)".to_owned())
        })?;
        if auth.token().is_empty() {
            return Err(ClientError::Config("the token is empty".to_owned()));
        }
        let parsed = url::Url::parse(&self.config.base_url).map_err(|e| {
            ClientError::Config(format!("base URL {:?}: {e}", self.config.base_url))
        })?;
        if self.config.max_body_bytes == 0 || self.config.stream.max_line_bytes == 0 {
            return Err(ClientError::Config(
                "max_body_bytes and stream.max_line_bytes must be at least 1".to_owned(),
            ));
        }
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Config(format!(
                "base URL {:?}: expected http or https",
                self.config.base_url
            )));
        }
        XClient::from_parts(auth, self.config, self.clock)
    }
}
