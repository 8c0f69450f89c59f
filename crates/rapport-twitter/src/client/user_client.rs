//! The user-context client: acting for one X user, one call at a time.
//!
//! [`XUserClient`] replies, follows and unfollows, likes and reposts (and undoes a like or a repost)
//! with a user access token from a [`UserSession`]. It is deliberately unlike the read client:
//!
//! - **No write is ever sent twice.** There are no retries and no waiting out of 429s. A write whose
//!   answer was lost after it left (a timeout, a dropped connection, a 5xx) fails as
//!   [`UserClientError::UnknownOutcome`], carrying the text of a post, so a person can look at the
//!   account before trying again. Only a connection that was refused (nothing sent) is a plain
//!   transport error.
//! - **Scopes are checked before sending** when the token's scopes are known, and a 403 that names a
//!   scope (or that the granted scopes explain) is [`UserClientError::MissingScope`], naming it.
//! - **Dry run** builds the request (method, URL, JSON body) and returns it without sending it
//!   ([`UserClientConfig::dry_run`]). Reads needed to fill in ids (your own id, a handle's id) still
//!   happen unless the ids are given.
//!
//! The request and response shapes follow the OpenAPI document (`createPosts`, `followUser`,
//! `unfollowUser`, `likePost`, `unlikePost`, `repostPost`, `unrepostPost`, `getUsersMe`).

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde_json::{Value, json};

use super::error::{ClientError, ProblemBody, clip};
use super::oauth2::{OAuthError, UserSession};
use super::ratelimit::RateLimitInfo;
use super::transport::{BodyError, ERROR_BODY_LIMIT, read_capped};
use super::{DEFAULT_BASE_URL, DEFAULT_MAX_BODY_BYTES};

/// A failed user-context call. No variant carries a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UserClientError {
    /// Getting or refreshing the access token failed.
    #[error(transparent)]
    Auth(#[from] OAuthError),

    /// The token lacks a scope this call needs (known before sending, or from a 403).
    #[error(
        "{endpoint} needs the scope `{scope}`, which this user token was not granted (granted: {}). \
         Log in again asking for it: `rapport auth login`",
        if granted.is_empty() { "unknown".to_owned() } else { granted.join(" ") }
    )]
    MissingScope {
        /// The endpoint, e.g. `POST /2/tweets`.
        endpoint: String,
        /// The missing scope, e.g. `tweet.write`.
        scope: String,
        /// The scopes the token has (empty when unknown).
        granted: Vec<String>,
    },

    /// 403: X does not let this user do this (replies restricted by the author, a duplicate post,
    /// a blocked or protected account, a follow limit).
    #[error("{endpoint}: not permitted (403): {detail}")]
    NotPermitted {
        /// The endpoint.
        endpoint: String,
        /// X's detail.
        detail: String,
    },

    /// A 2xx answer without `data`, only `errors`: X refused the action.
    #[error("{endpoint}: refused: {detail}")]
    Rejected {
        /// The endpoint.
        endpoint: String,
        /// The errors' details.
        detail: String,
    },

    /// The write left, and its answer was lost (timeout, dropped connection, a 5xx): it may or may
    /// not have been applied. It was NOT sent again.
    #[error(
        "{endpoint}: unknown outcome ({reason}): the request was sent and may have been applied; it was \
         NOT sent again. Check the account before trying again.{}",
        text.as_deref().map(|t| format!(" Text: {t:?}")).unwrap_or_default()
    )]
    UnknownOutcome {
        /// The endpoint.
        endpoint: String,
        /// What happened.
        reason: String,
        /// The text of the post, for a reply.
        text: Option<String>,
    },

    /// An argument rejected before anything was sent.
    #[error("{what}: {message}")]
    InvalidArgument {
        /// The argument.
        what: String,
        /// What was expected.
        message: String,
    },

    /// Any other API error: 401, 404, 429 (`ClientError::RateLimited`, with the reset time), 400,
    /// a malformed body, a read that timed out, a refused connection.
    #[error(transparent)]
    Api(#[from] ClientError),
}

impl UserClientError {
    /// True when the same call may succeed later unchanged (a rate limit; a read that timed out; a
    /// refused connection). An unknown outcome is never retryable: check first.
    pub fn is_retryable(&self) -> bool {
        match self {
            UserClientError::Api(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            UserClientError::NotPermitted { .. } => Some(403),
            UserClientError::Api(e) => e.status(),
            _ => None,
        }
    }
}

/// The request a write sends; what a dry run returns. The `Authorization` header is not part of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteRequest {
    /// `POST` or `DELETE`.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The JSON body, when there is one.
    pub body: Option<Value>,
}

impl fmt::Display for WriteRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)?;
        if let Some(b) = &self.body {
            write!(f, " {b}")?;
        }
        Ok(())
    }
}

/// What a write did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteResult {
    /// `reply`, `follow`, `unfollow`, `like`, `unlike`, `repost`, `unrepost`.
    pub action: &'static str,
    /// True when nothing was sent.
    pub dry_run: bool,
    /// The request (sent, or to send).
    pub request: WriteRequest,
    /// The answer's `data` (`None` in a dry run): `{id, text}` for a reply, `{following,
    /// pending_follow}` for a follow, `{liked}`, `{retweeted, rest_id}`.
    pub data: Option<Value>,
    /// The new post's id, for a reply that was sent.
    pub post_id: Option<String>,
    /// The rate-limit headers of the answer.
    pub rate_limit: Option<RateLimitInfo>,
}

/// Settings of an [`XUserClient`].
#[derive(Debug, Clone)]
pub struct UserClientConfig {
    /// Base URL without a trailing slash. Default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// Whole-request timeout. Default 30 s.
    pub timeout: Duration,
    /// Build requests and return them without sending. Default false.
    pub dry_run: bool,
    /// The acting user's id, when known (saves `GET /2/users/me`).
    pub user_id: Option<String>,
}

impl Default for UserClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Duration::from_secs(30),
            dry_run: false,
            user_id: None,
        }
    }
}

/// A user as `GET /2/users/me` or a username lookup returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRef {
    /// The user id.
    pub id: String,
    /// The username (handle), when returned.
    pub username: Option<String>,
}

/// What one call is: the endpoint template, the method, the path, the body and the scope it needs.
struct Spec {
    endpoint: &'static str,
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
    /// The scopes the OpenAPI document lists for the call.
    scopes: &'static [&'static str],
    /// A write (never re-sent; lost answers are unknown outcomes).
    write: bool,
    /// The text of a post, for the unknown-outcome error.
    text: Option<String>,
}

/// The user-context client. Cheap to clone.
///
/// ```
/// use rapport_twitter::client::oauth2::{TokenSet, UserSession};
/// use rapport_twitter::client::user_client::{UserClientConfig, XUserClient};
/// let session = UserSession::new(TokenSet::access_only("user-SECRET"), None);
/// let client = XUserClient::new(session, UserClientConfig { dry_run: true, user_id: Some("6253282".into()), ..Default::default() }).unwrap();
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let r = rt.block_on(client.reply("1790000000000000000", "Thanks, happy to help!")).unwrap();
/// assert!(r.dry_run);
/// assert_eq!(r.request.to_string(), r#"POST https://api.x.com/2/tweets {"reply":{"in_reply_to_tweet_id":"1790000000000000000"},"text":"Thanks, happy to help!"}"#);
/// let f = rt.block_on(client.follow("2244994945")).unwrap();
/// assert_eq!(f.request.to_string(), r#"POST https://api.x.com/2/users/6253282/following {"target_user_id":"2244994945"}"#);
/// assert!(!format!("{client:?}").contains("SECRET"));
/// ```
#[derive(Clone)]
pub struct XUserClient {
    session: UserSession,
    http: reqwest::Client,
    config: UserClientConfig,
    me: std::sync::Arc<tokio::sync::Mutex<Option<UserRef>>>,
}

impl fmt::Debug for XUserClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XUserClient")
            .field("session", &self.session)
            .field("base_url", &self.config.base_url)
            .field("dry_run", &self.config.dry_run)
            .finish_non_exhaustive()
    }
}

fn check_post_id(what: &str, id: &str) -> Result<(), UserClientError> {
    if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UserClientError::InvalidArgument {
            what: what.to_owned(),
            message: format!("expected a post id of 1 to 19 digits, got {:?}", clip(id)),
        });
    }
    Ok(())
}

impl XUserClient {
    /// A client acting with `session`'s tokens.
    pub fn new(session: UserSession, config: UserClientConfig) -> Result<Self, UserClientError> {
        let mut config = config;
        let keep = config.base_url.trim_end_matches('/').len();
        config.base_url.truncate(keep);
        let parsed = url::Url::parse(&config.base_url)
            .map_err(|e| ClientError::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Config(format!(
                "base URL {:?}: expected http or https",
                config.base_url
            ))
            .into());
        }
        if let Some(id) = &config.user_id {
            check_post_id("user_id", id)?;
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("rapport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Config(format!("HTTP client: {e}")))?;
        let me = config
            .user_id
            .clone()
            .map(|id| UserRef { id, username: None });
        Ok(Self {
            session,
            http,
            config,
            me: std::sync::Arc::new(tokio::sync::Mutex::new(me)),
        })
    }

    /// The settings.
    pub fn config(&self) -> &UserClientConfig {
        &self.config
    }

    /// The session (tokens and their refresh).
    pub fn session(&self) -> &UserSession {
        &self.session
    }

    /// The acting user (`GET /2/users/me`, asked once and remembered; the configured id if given).
    pub async fn me(&self) -> Result<UserRef, UserClientError> {
        let mut me = self.me.lock().await;
        if let Some(m) = &*me {
            return Ok(m.clone());
        }
        let spec = Spec {
            endpoint: "GET /2/users/me",
            method: reqwest::Method::GET,
            path: "/2/users/me".to_owned(),
            body: None,
            scopes: &["users.read", "tweet.read"],
            write: false,
            text: None,
        };
        let (data, _) = self.send(&spec).await?;
        let user = user_ref(spec.endpoint, &data)?;
        *me = Some(user.clone());
        Ok(user)
    }

    /// The id of a user given as a handle (`@name` or `name`) or as an id (all digits); a handle that
    /// is all digits needs its `@`. Handles are looked up (`GET /2/users/by/username/:username`).
    pub async fn resolve_user(&self, user: &str) -> Result<UserRef, UserClientError> {
        let user = user.trim();
        if !user.starts_with('@') && !user.is_empty() && user.bytes().all(|b| b.is_ascii_digit()) {
            check_post_id("user", user)?;
            return Ok(UserRef {
                id: user.to_owned(),
                username: None,
            });
        }
        let name = user.trim_start_matches('@');
        if name.is_empty()
            || name.len() > 15
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(UserClientError::InvalidArgument {
                what: "user".to_owned(),
                message: format!(
                    "expected a handle (1 to 15 letters, digits or _) or a user id, got {:?}",
                    clip(user)
                ),
            });
        }
        let spec = Spec {
            endpoint: "GET /2/users/by/username/:username",
            method: reqwest::Method::GET,
            path: format!("/2/users/by/username/{name}"),
            body: None,
            scopes: &["users.read", "tweet.read"],
            write: false,
            text: None,
        };
        let (data, _) = self.send(&spec).await?;
        user_ref(spec.endpoint, &data)
    }

    /// Replies to a post: `POST /2/tweets` with `{"text", "reply": {"in_reply_to_tweet_id"}}`.
    pub async fn reply(&self, post_id: &str, text: &str) -> Result<WriteResult, UserClientError> {
        check_post_id("post_id", post_id)?;
        if text.trim().is_empty() {
            return Err(UserClientError::InvalidArgument {
                what: "text".to_owned(),
                message: "the reply is empty".to_owned(),
            });
        }
        let spec = Spec {
            endpoint: "POST /2/tweets",
            method: reqwest::Method::POST,
            path: "/2/tweets".to_owned(),
            body: Some(json!({"text": text, "reply": {"in_reply_to_tweet_id": post_id}})),
            scopes: &["tweet.write", "tweet.read", "users.read"],
            write: true,
            text: Some(text.to_owned()),
        };
        self.write("reply", spec).await
    }

    /// Follows a user (handle or id): `POST /2/users/:me/following` with `{"target_user_id"}`.
    pub async fn follow(&self, user: &str) -> Result<WriteResult, UserClientError> {
        let target = self.resolve_user(user).await?;
        let me = self.me().await?;
        let spec = Spec {
            endpoint: "POST /2/users/:id/following",
            method: reqwest::Method::POST,
            path: format!("/2/users/{}/following", me.id),
            body: Some(json!({"target_user_id": target.id})),
            scopes: &["follows.write", "tweet.read", "users.read"],
            write: true,
            text: None,
        };
        self.write("follow", spec).await
    }

    /// Unfollows a user (handle or id): `DELETE /2/users/:me/following/:target`.
    pub async fn unfollow(&self, user: &str) -> Result<WriteResult, UserClientError> {
        let target = self.resolve_user(user).await?;
        let me = self.me().await?;
        let spec = Spec {
            endpoint: "DELETE /2/users/:source_user_id/following/:target_user_id",
            method: reqwest::Method::DELETE,
            path: format!("/2/users/{}/following/{}", me.id, target.id),
            body: None,
            scopes: &["follows.write", "tweet.read", "users.read"],
            write: true,
            text: None,
        };
        self.write("unfollow", spec).await
    }

    /// Likes a post: `POST /2/users/:me/likes` with `{"tweet_id"}` (scope `like.write`).
    pub async fn like(&self, post_id: &str) -> Result<WriteResult, UserClientError> {
        self.post_action(
            "like",
            "POST /2/users/:id/likes",
            "likes",
            post_id,
            &["like.write", "tweet.read", "users.read"],
        )
        .await
    }

    /// Undoes a like: `DELETE /2/users/:me/likes/:tweet_id`.
    pub async fn unlike(&self, post_id: &str) -> Result<WriteResult, UserClientError> {
        self.undo_action(
            "unlike",
            "DELETE /2/users/:id/likes/:tweet_id",
            "likes",
            post_id,
            &["like.write", "tweet.read", "users.read"],
        )
        .await
    }

    /// Reposts a post: `POST /2/users/:me/retweets` with `{"tweet_id"}` (scope `tweet.write`).
    pub async fn repost(&self, post_id: &str) -> Result<WriteResult, UserClientError> {
        self.post_action(
            "repost",
            "POST /2/users/:id/retweets",
            "retweets",
            post_id,
            &["tweet.write", "tweet.read", "users.read"],
        )
        .await
    }

    /// Undoes a repost: `DELETE /2/users/:me/retweets/:source_tweet_id`.
    pub async fn unrepost(&self, post_id: &str) -> Result<WriteResult, UserClientError> {
        self.undo_action(
            "unrepost",
            "DELETE /2/users/:id/retweets/:source_tweet_id",
            "retweets",
            post_id,
            &["tweet.write", "tweet.read", "users.read"],
        )
        .await
    }

    async fn post_action(
        &self,
        action: &'static str,
        endpoint: &'static str,
        segment: &str,
        post_id: &str,
        scopes: &'static [&'static str],
    ) -> Result<WriteResult, UserClientError> {
        check_post_id("post_id", post_id)?;
        let me = self.me().await?;
        let spec = Spec {
            endpoint,
            method: reqwest::Method::POST,
            path: format!("/2/users/{}/{segment}", me.id),
            body: Some(json!({"tweet_id": post_id})),
            scopes,
            write: true,
            text: None,
        };
        self.write(action, spec).await
    }

    async fn undo_action(
        &self,
        action: &'static str,
        endpoint: &'static str,
        segment: &str,
        post_id: &str,
        scopes: &'static [&'static str],
    ) -> Result<WriteResult, UserClientError> {
        check_post_id("post_id", post_id)?;
        let me = self.me().await?;
        let spec = Spec {
            endpoint,
            method: reqwest::Method::DELETE,
            path: format!("/2/users/{}/{segment}/{post_id}", me.id),
            body: None,
            scopes,
            write: true,
            text: None,
        };
        self.write(action, spec).await
    }

    fn request_of(&self, spec: &Spec) -> Result<(url::Url, WriteRequest), UserClientError> {
        let url = url::Url::parse(&format!("{}{}", self.config.base_url, spec.path))
            .map_err(|e| ClientError::Config(format!("URL for {}: {e}", spec.path)))?;
        let req = WriteRequest {
            method: spec.method.to_string(),
            url: url.to_string(),
            body: spec.body.clone(),
        };
        Ok((url, req))
    }

    async fn write(
        &self,
        action: &'static str,
        spec: Spec,
    ) -> Result<WriteResult, UserClientError> {
        let (_, request) = self.request_of(&spec)?;
        if self.config.dry_run {
            tracing::info!(action, endpoint = spec.endpoint, "dry run: not sent");
            return Ok(WriteResult {
                action,
                dry_run: true,
                request,
                data: None,
                post_id: None,
                rate_limit: None,
            });
        }
        let (data, rate_limit) = self.send(&spec).await?;
        let post_id = (action == "reply")
            .then(|| data.get("id").and_then(Value::as_str).map(str::to_owned))
            .flatten();
        tracing::info!(
            action,
            endpoint = spec.endpoint,
            post_id = post_id.as_deref().unwrap_or(""),
            "sent"
        );
        Ok(WriteResult {
            action,
            dry_run: false,
            request,
            data: Some(data),
            post_id,
            rate_limit: Some(rate_limit),
        })
    }

    /// Sends one request once; returns the answer's `data`.
    async fn send(&self, spec: &Spec) -> Result<(Value, RateLimitInfo), UserClientError> {
        let granted = self.session.scopes().await;
        if !granted.is_empty()
            && let Some(missing) = spec
                .scopes
                .iter()
                .find(|s| !granted.iter().any(|g| g == *s))
        {
            return Err(UserClientError::MissingScope {
                endpoint: spec.endpoint.to_owned(),
                scope: (*missing).to_owned(),
                granted,
            });
        }
        let token = self.session.access_token().await?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| {
                ClientError::Config(
                    "the token contains characters not allowed in an HTTP header".to_owned(),
                )
            })?;
        auth.set_sensitive(true);
        let (url, _) = self.request_of(spec)?;
        let mut req = self
            .http
            .request(spec.method.clone(), url.clone())
            .header(AUTHORIZATION, auth);
        if let Some(body) = &spec.body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        tracing::debug!(endpoint = spec.endpoint, %url, "request");
        let lost = |reason: String| UserClientError::UnknownOutcome {
            endpoint: spec.endpoint.to_owned(),
            reason,
            text: spec.text.clone(),
        };
        let resp = match req.send().await {
            Ok(r) => r,
            // Nothing left this machine: safe to say so, and to try again later.
            Err(e) if e.is_connect() || e.is_builder() => {
                return Err(ClientError::Transport {
                    endpoint: spec.endpoint.to_owned(),
                    attempts: 1,
                    message: format!("not sent: {}", error_chain(&e)),
                }
                .into());
            }
            Err(e) if spec.write => {
                let reason = if e.is_timeout() {
                    format!("no answer within {} s", self.config.timeout.as_secs_f64())
                } else {
                    format!("the connection failed: {}", error_chain(&e))
                };
                return Err(lost(reason));
            }
            Err(e) => {
                let endpoint = spec.endpoint.to_owned();
                let message = error_chain(&e);
                return Err(if e.is_timeout() {
                    ClientError::Timeout {
                        endpoint,
                        attempts: 1,
                        message,
                    }
                } else {
                    ClientError::Transport {
                        endpoint,
                        attempts: 1,
                        message,
                    }
                }
                .into());
            }
        };
        let status = resp.status().as_u16();
        let rate_limit = RateLimitInfo::from_headers(resp.headers());
        tracing::debug!(endpoint = spec.endpoint, status, "response");
        let success = (200..300).contains(&status);
        let body = match read_capped(
            resp,
            if success {
                DEFAULT_MAX_BODY_BYTES
            } else {
                ERROR_BODY_LIMIT
            },
            !success,
        )
        .await
        {
            Ok(b) => b,
            Err(BodyError::Read(e)) if spec.write && success => {
                return Err(lost(format!(
                    "status {status}, then the answer was cut: {}",
                    error_chain(&e)
                )));
            }
            Err(BodyError::Read(e)) => {
                return Err(ClientError::Transport {
                    endpoint: spec.endpoint.to_owned(),
                    attempts: 1,
                    message: error_chain(&e),
                }
                .into());
            }
            Err(BodyError::TooLarge) => {
                return Err(ClientError::BodyTooLarge {
                    endpoint: spec.endpoint.to_owned(),
                    url: url.to_string(),
                    limit: DEFAULT_MAX_BODY_BYTES,
                }
                .into());
            }
        };
        if success {
            return Self::data_of(spec, &body, status).map(|d| (d, rate_limit));
        }
        if spec.write && status >= 500 {
            let detail = ProblemBody::parse(&body);
            let detail = detail.detail.or(detail.title).unwrap_or_default();
            return Err(lost(
                format!("server error {status} {}", clip(&detail))
                    .trim_end()
                    .to_owned(),
            ));
        }
        if status == 403 {
            return Err(Self::forbidden(spec, &body, granted));
        }
        Err(
            ClientError::from_status(spec.endpoint, status, &body, rate_limit.blocking_reset())
                .into(),
        )
    }

    fn data_of(spec: &Spec, body: &[u8], status: u16) -> Result<Value, UserClientError> {
        let v: Value = serde_json::from_slice(body).map_err(|e| {
            if spec.write {
                UserClientError::UnknownOutcome {
                    endpoint: spec.endpoint.to_owned(),
                    reason: format!("status {status} with an unreadable body ({e})"),
                    text: spec.text.clone(),
                }
            } else {
                ClientError::Malformed {
                    endpoint: spec.endpoint.to_owned(),
                    path: String::new(),
                    message: clip(&e.to_string()),
                }
                .into()
            }
        })?;
        if let Some(data) = v.get("data").filter(|d| d.is_object()) {
            return Ok(data.clone());
        }
        let detail = v
            .get("errors")
            .and_then(Value::as_array)
            .map(|errs| {
                errs.iter()
                    .filter_map(|e| {
                        e.get("detail")
                            .or_else(|| e.get("message"))
                            .or_else(|| e.get("title"))
                            .and_then(Value::as_str)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "the answer has no `data`".to_owned());
        Err(UserClientError::Rejected {
            endpoint: spec.endpoint.to_owned(),
            detail: clip(&detail),
        })
    }

    /// A 403: a missing scope when the body says so or the granted scopes explain it; a wrong kind of
    /// token or an enrolment problem as the read client reports them; else "not permitted".
    fn forbidden(spec: &Spec, body: &[u8], granted: Vec<String>) -> UserClientError {
        let problem = ProblemBody::parse(body);
        let text = String::from_utf8_lossy(body).to_ascii_lowercase();
        let lacking = spec
            .scopes
            .iter()
            .find(|s| !granted.is_empty() && !granted.iter().any(|g| g == *s));
        let named = spec
            .scopes
            .iter()
            .find(|s| text.contains(&s.to_ascii_lowercase()));
        if let Some(scope) = named
            .or(lacking)
            .or_else(|| text.contains("scope").then_some(&spec.scopes[0]))
        {
            return UserClientError::MissingScope {
                endpoint: spec.endpoint.to_owned(),
                scope: (*scope).to_owned(),
                granted,
            };
        }
        match ClientError::from_status(spec.endpoint, 403, body, None) {
            e @ ClientError::ClientForbidden { .. } => e.into(),
            _ if problem.kind() == Some("unsupported-authentication") => ClientError::Forbidden {
                endpoint: spec.endpoint.to_owned(),
                detail: format!(
                    "{} (this needs a user access token from `rapport auth login`, not an app-only bearer token)",
                    problem.detail.as_deref().map_or("unsupported authentication".to_owned(), clip)
                ),
            }
            .into(),
            ClientError::Forbidden { detail, .. } => UserClientError::NotPermitted {
                endpoint: spec.endpoint.to_owned(),
                detail,
            },
            other => other.into(),
        }
    }
}

fn user_ref(endpoint: &str, data: &Value) -> Result<UserRef, UserClientError> {
    let id = data
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ClientError::Malformed {
            endpoint: endpoint.to_owned(),
            path: "data.id".to_owned(),
            message: "expected the user's id (a string)".to_owned(),
        })?;
    Ok(UserRef {
        id: id.to_owned(),
        username: data
            .get("username")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// When a token expires, for messages: "in 1 h 59 min", "3 min ago".
pub fn describe_expiry(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(t) = expires_at else {
        return "unknown".to_owned();
    };
    let secs = (t - now).num_seconds();
    let (abs, past) = (secs.unsigned_abs(), secs < 0);
    let span = if abs >= 3600 {
        format!("{} h {} min", abs / 3600, (abs % 3600) / 60)
    } else {
        format!("{} min", abs / 60)
    };
    if past {
        format!("{} ({span} ago, expired)", t.to_rfc3339())
    } else {
        format!("{} (in {span})", t.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_described() {
        let now = Utc::now();
        assert_eq!(describe_expiry(None, now), "unknown");
        let soon = describe_expiry(Some(now + chrono::Duration::seconds(7_140)), now);
        assert!(soon.ends_with("(in 1 h 59 min)"), "{soon}");
        let gone = describe_expiry(Some(now - chrono::Duration::seconds(180)), now);
        assert!(gone.ends_with("(3 min ago, expired)"), "{gone}");
    }

    #[test]
    fn arguments_are_checked_before_anything_is_sent() {
        assert!(check_post_id("post_id", "123").is_ok());
        let e = check_post_id("post_id", "12a").unwrap_err().to_string();
        assert_eq!(
            e,
            r#"post_id: expected a post id of 1 to 19 digits, got "12a""#
        );
        assert!(check_post_id("post_id", &"1".repeat(20)).is_err());
    }
}
