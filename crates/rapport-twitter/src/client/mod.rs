//! # The X API v2 client
//!
//! An async client for the endpoints rapport needs to follow an organisation's conversations: search
//! (recent and full-archive) and counts, post and user lookup, timelines and mentions, followers and
//! following, lists, quote posts, reposted-by, liking users, whole conversations and the filtered
//! stream.
//!
//! Why it is shaped this way:
//! - **One place for politeness.** Pacing, the 429 policy and retries live in the transport
//!   (`transport.rs`), not in the endpoints; every page carries the rate-limit headers it came with.
//! - **Builders are the query string.** Each endpoint is a `Serialize` struct checked against the
//!   OpenAPI bounds before anything is sent, so a bad `max_results` fails here, readably, not as a 400.
//! - **Nothing secret leaks.** The token is a [`SecretToken`]; it only ever reaches the
//!   `Authorization` header, which is marked sensitive.
//! - **Time is injectable.** A [`Clock`] does all sleeping, so tests measure pacing and waits on a
//!   [`FakeClock`] instead of sleeping.

mod auth;
mod clock;
mod config;
mod conversation;
mod endpoints;
mod error;
mod jsonl;
pub mod oauth2;
mod outcome;
mod page;
mod pagination;
mod params;
mod ratelimit;
mod retry;
mod source;
mod transport;
pub mod user_client;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use auth::{Auth, SecretToken};
pub use clock::{Clock, FakeClock, SleepFuture, SystemClock};
pub use config::{
    ClientBuilder, ClientConfig, DEFAULT_BASE_URL, DEFAULT_MAX_BODY_BYTES, StreamConfig,
};
pub use conversation::{ConversationFetch, ConversationRequest, PartFailure};
pub use endpoints::stream::{Rule, RuleSpec, RulesResponse, StreamEvent, StreamRequest};
pub use endpoints::{
    ByIdParams, CountsAll, CountsParams, CountsRecent, Endpoint, Followers, Following, LikingUsers,
    ListMembers, ListMemberships, ListTweets, OwnedLists, QuoteTweets, Request, RetweetedBy,
    SearchAll, SearchParams, SearchRecent, TimelineParams, TokenParam, TweetById, TweetsByIds,
    UserById, UserByUsername, UserMentions, UserTweets, UsersByIds, UsersByUsernames,
};
pub use error::ClientError;
pub use jsonl::JsonlWriter;
pub use outcome::IdOutcome;
pub use page::{Page, PageBody, TWARC_VERSION};
pub use pagination::Collected;
pub use params::{Fields, Returns};
pub use ratelimit::{Decision, RateLimit, RateLimitInfo, RateLimitPolicy};
pub use retry::RetryPolicy;
pub use source::drop_bad_items;
pub use user_client::{UserClientError, WriteRequest, WriteResult, XUserClient};

/// The X API v2 client. Cheap to clone (the state is shared); `Send + Sync`, and its futures and
/// streams are `'static`, so it can be driven from any runtime thread (the Python binding does).
#[derive(Clone)]
pub struct XClient {
    inner: Arc<Inner>,
}

struct Inner {
    auth: Auth,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
    http: reqwest::Client,
    stream_http: reqwest::Client,
    pacing: tokio::sync::Mutex<HashMap<&'static str, chrono::DateTime<chrono::Utc>>>,
    last_limits: Mutex<HashMap<&'static str, RateLimitInfo>>,
}

impl std::fmt::Debug for XClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XClient")
            .field("auth", &self.inner.auth)
            .field("base_url", &self.inner.config.base_url)
            .finish_non_exhaustive()
    }
}

impl XClient {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with an app-only bearer token and every default.
    pub fn new(bearer_token: impl Into<SecretToken>) -> Result<Self, ClientError> {
        Self::builder().bearer_token(bearer_token).build()
    }

    fn from_parts(
        auth: Auth,
        config: ClientConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .gzip(true)
            .build()
            .map_err(|e| ClientError::Config(format!("HTTP client: {e}")))?;
        // The stream has no whole-request timeout (it never ends); stalls are detected per chunk.
        let stream_http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .gzip(true)
            .build()
            .map_err(|e| ClientError::Config(format!("HTTP client: {e}")))?;
        let inner = Inner {
            auth,
            config,
            clock,
            http,
            stream_http,
            pacing: tokio::sync::Mutex::new(HashMap::new()),
            last_limits: Mutex::new(HashMap::new()),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The credential kind (`"bearer"` or `"oauth2-user"`).
    pub fn auth_kind(&self) -> &'static str {
        self.inner.auth.kind()
    }

    /// The clock in use.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The rate-limit headers of the last response from `endpoint` (e.g. `"GET /2/tweets/search/recent"`).
    pub fn last_rate_limit(&self, endpoint: &str) -> Option<RateLimitInfo> {
        self.limits().get(endpoint).cloned()
    }

    fn remember(&self, endpoint: &'static str, info: &RateLimitInfo) {
        self.limits().insert(endpoint, info.clone());
    }

    fn limits(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, RateLimitInfo>> {
        self.inner
            .last_limits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
