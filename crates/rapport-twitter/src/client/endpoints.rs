//! The endpoints, one typed request builder each. A builder is a `Serialize` struct whose fields are
//! the query string (`None` skipped); [`Endpoint::validate`] checks the OpenAPI bounds (spec v2.167)
//! before anything is sent. Send it with [`Request::send`] (one page), [`Request::pages`] /
//! [`Request::items`] (streams that follow the tokens) or [`Request::collect`] (everything into a
//! corpus).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::XClient;
use super::config::ClientConfig;
use super::error::ClientError;
use super::page::{Page, PageBody};
use super::params::{
    Fields, Returns, check_id, check_list, check_query, check_range, check_times, check_username,
    ser_time, to_query,
};
use super::transport::Call;
use crate::models::{CountsResponse, TweetsResponse, UsersResponse};

/// Which query parameter carries the pagination token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenParam {
    /// Not paginated.
    None,
    /// `next_token` (search and counts).
    NextToken,
    /// `pagination_token` (timelines, followers, lists, ...).
    PaginationToken,
}

impl TokenParam {
    /// The parameter name, if any.
    pub fn name(self) -> Option<&'static str> {
        match self {
            TokenParam::None => None,
            TokenParam::NextToken => Some("next_token"),
            TokenParam::PaginationToken => Some("pagination_token"),
        }
    }
}

/// What an endpoint's parameter struct says about itself.
pub trait Endpoint: Serialize + Clone + Send + Sync + std::fmt::Debug + 'static {
    /// The decoded body of one page.
    type Body: PageBody;
    /// Method and path template, e.g. `GET /2/tweets/search/recent`.
    const ENDPOINT: &'static str;
    /// The token parameter.
    const TOKEN: TokenParam;
    /// Paced at one request per second (full-archive search, counts/all).
    const PACED: bool = false;
    /// Which fields to send.
    #[doc(hidden)]
    const RETURNS: Returns;
    /// The concrete path.
    fn path(&self) -> String;
    /// Checks the OpenAPI bounds.
    fn validate(&self, config: &ClientConfig) -> Result<(), ClientError>;
    /// Checks a pagination token before it is sent (most only need it non-empty).
    fn validate_token(token: &str) -> Result<(), ClientError> {
        if token.is_empty() {
            return Err(ClientError::invalid(
                Self::ENDPOINT,
                Self::TOKEN.name().unwrap_or("token"),
                "expected a non-empty token",
            ));
        }
        Ok(())
    }
}

/// A request ready to send: the endpoint's parameters, the fields, limits and a resume token.
#[derive(Debug, Clone)]
pub struct Request<E: Endpoint> {
    client: XClient,
    /// The endpoint's parameters (the query string).
    pub params: E,
    fields: Fields,
    token: Option<String>,
    max_pages: Option<usize>,
    max_items: Option<usize>,
}

impl<E: Endpoint> Request<E> {
    pub(crate) fn new(client: &XClient, params: E) -> Self {
        Self {
            fields: client.config().fields.clone(),
            client: client.clone(),
            params,
            token: None,
            max_pages: None,
            max_items: None,
        }
    }

    /// Replaces the fields and expansions for this request.
    pub fn fields(mut self, fields: Fields) -> Self {
        self.fields = fields;
        self
    }

    /// Replaces `tweet.fields`.
    pub fn tweet_fields(mut self, fields: &[&str]) -> Self {
        self.fields.tweet_fields = fields.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Replaces `user.fields`.
    pub fn user_fields(mut self, fields: &[&str]) -> Self {
        self.fields.user_fields = fields.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Replaces `expansions` (of whichever kind this endpoint returns).
    pub fn expansions(mut self, expansions: &[&str]) -> Self {
        let v: Vec<String> = expansions.iter().map(|s| (*s).to_owned()).collect();
        match E::RETURNS {
            Returns::Users => self.fields.user_expansions = v,
            _ => self.fields.tweet_expansions = v,
        }
        self
    }

    /// Starts from a saved pagination token instead of the first page.
    pub fn resume_from(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Stops after `n` pages.
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// Stops after `n` items (the stream of items is cut exactly; the stream of pages stops after the
    /// page that reaches `n`).
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// The query pairs that would be sent with this token (parameters, fields, token).
    pub fn query(&self, token: Option<&str>) -> Vec<(String, String)> {
        let mut q = to_query(&self.params);
        q.extend(self.fields.query(E::RETURNS));
        if let (Some(name), Some(t)) = (E::TOKEN.name(), token) {
            q.push((name.to_owned(), t.to_owned()));
        }
        q
    }

    /// Validates everything that will be sent.
    pub fn validate(&self) -> Result<(), ClientError> {
        self.params.validate(self.client.config())?;
        if let Some(t) = &self.token {
            E::validate_token(t)?;
        }
        Ok(())
    }

    pub(crate) async fn fetch(&self, token: Option<&str>) -> Result<Page<E::Body>, ClientError> {
        let mut call = Call::get(E::ENDPOINT, self.params.path(), self.query(token));
        call.paced = E::PACED;
        let raw = self.client.execute(&call).await?;
        let body: E::Body = XClient::decode(E::ENDPOINT, &raw.body)?;
        Ok(Page {
            body,
            raw: String::from_utf8_lossy(&raw.body).into_owned(),
            rate_limit: raw.rate_limit,
            url: raw.url,
            retrieved_at: raw.retrieved_at,
            endpoint: E::ENDPOINT,
        })
    }

    /// Sends the request once and returns the first page (or the page at the resume token).
    pub async fn send(&self) -> Result<Page<E::Body>, ClientError> {
        self.validate()?;
        self.fetch(self.token.as_deref()).await
    }

    pub(crate) fn limits(&self) -> (Option<usize>, Option<usize>) {
        (self.max_pages, self.max_items)
    }

    pub(crate) fn start_token(&self) -> Option<String> {
        self.token.clone()
    }
}

// ----- search and counts ------------------------------------------------------------------------

/// Parameters shared by recent and full-archive search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchParams {
    /// The query (X's query language).
    pub query: String,
    /// Oldest time, inclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    /// Newest time, exclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// Posts newer than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_id: Option<String>,
    /// Posts older than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_id: Option<String>,
    /// Page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// `recency` or `relevancy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
}

fn validate_search(
    endpoint: &str,
    p: &SearchParams,
    cfg: &ClientConfig,
    max: u32,
) -> Result<(), ClientError> {
    check_query(endpoint, &p.query, cfg.max_query_len)?;
    check_range(endpoint, "max_results", p.max_results, 10, max)?;
    check_times(endpoint, p.start_time, p.end_time)?;
    if let Some(id) = &p.since_id {
        check_id(endpoint, "since_id", id)?;
    }
    if let Some(id) = &p.until_id {
        check_id(endpoint, "until_id", id)?;
    }
    if let Some(o) = &p.sort_order
        && o != "recency"
        && o != "relevancy"
    {
        return Err(ClientError::invalid(
            endpoint,
            "sort_order",
            format!("expected recency or relevancy, got {o:?}"),
        ));
    }
    Ok(())
}

/// `GET /2/tweets/search/recent`: the last 7 days. `max_results` 10..=100.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct SearchRecent(pub SearchParams);

/// `GET /2/tweets/search/all`: the full archive (Pro and above), paced at 1 request/s. `max_results` 10..=500.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct SearchAll(pub SearchParams);

impl Endpoint for SearchRecent {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets/search/recent";
    const TOKEN: TokenParam = TokenParam::NextToken;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        "/2/tweets/search/recent".to_owned()
    }
    fn validate(&self, cfg: &ClientConfig) -> Result<(), ClientError> {
        validate_search(Self::ENDPOINT, &self.0, cfg, 100)
    }
}

impl Endpoint for SearchAll {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets/search/all";
    const TOKEN: TokenParam = TokenParam::NextToken;
    const PACED: bool = true;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        "/2/tweets/search/all".to_owned()
    }
    fn validate(&self, cfg: &ClientConfig) -> Result<(), ClientError> {
        validate_search(Self::ENDPOINT, &self.0, cfg, 500)
    }
}

macro_rules! search_setters {
    ($ty:ty) => {
        impl Request<$ty> {
            /// Page size.
            pub fn max_results(mut self, n: u32) -> Self {
                self.params.0.max_results = Some(n);
                self
            }
            /// Oldest time, inclusive.
            pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.start_time = Some(t);
                self
            }
            /// Newest time, exclusive.
            pub fn end_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.end_time = Some(t);
                self
            }
            /// Only posts newer than this id (exclusive); takes precedence over `start_time`.
            pub fn since_id(mut self, id: impl Into<String>) -> Self {
                self.params.0.since_id = Some(id.into());
                self
            }
            /// Only posts older than this id (exclusive).
            pub fn until_id(mut self, id: impl Into<String>) -> Self {
                self.params.0.until_id = Some(id.into());
                self
            }
            /// `recency` or `relevancy`.
            pub fn sort_order(mut self, order: impl Into<String>) -> Self {
                self.params.0.sort_order = Some(order.into());
                self
            }
        }
    };
}
search_setters!(SearchRecent);
search_setters!(SearchAll);

/// Parameters of the counts endpoints.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CountsParams {
    /// The query.
    pub query: String,
    /// Oldest time, inclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    /// Newest time, exclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// Newer than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_id: Option<String>,
    /// Older than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_id: Option<String>,
    /// `minute`, `hour` (default) or `day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granularity: Option<String>,
}

fn validate_counts(
    endpoint: &str,
    p: &CountsParams,
    cfg: &ClientConfig,
) -> Result<(), ClientError> {
    check_query(endpoint, &p.query, cfg.max_query_len)?;
    check_times(endpoint, p.start_time, p.end_time)?;
    for (name, id) in [("since_id", &p.since_id), ("until_id", &p.until_id)] {
        if let Some(id) = id {
            check_id(endpoint, name, id)?;
        }
    }
    if let Some(g) = &p.granularity
        && !matches!(g.as_str(), "minute" | "hour" | "day")
    {
        return Err(ClientError::invalid(
            endpoint,
            "granularity",
            format!("expected minute, hour or day, got {g:?}"),
        ));
    }
    Ok(())
}

/// `GET /2/tweets/counts/recent`: post counts per time bucket over the last 7 days.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct CountsRecent(pub CountsParams);

/// `GET /2/tweets/counts/all`: post counts over the full archive, paced at 1 request/s.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct CountsAll(pub CountsParams);

impl Endpoint for CountsRecent {
    type Body = CountsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets/counts/recent";
    const TOKEN: TokenParam = TokenParam::NextToken;
    const RETURNS: Returns = Returns::Counts;
    fn path(&self) -> String {
        "/2/tweets/counts/recent".to_owned()
    }
    fn validate(&self, cfg: &ClientConfig) -> Result<(), ClientError> {
        validate_counts(Self::ENDPOINT, &self.0, cfg)
    }
}

impl Endpoint for CountsAll {
    type Body = CountsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets/counts/all";
    const TOKEN: TokenParam = TokenParam::NextToken;
    const PACED: bool = true;
    const RETURNS: Returns = Returns::Counts;
    fn path(&self) -> String {
        "/2/tweets/counts/all".to_owned()
    }
    fn validate(&self, cfg: &ClientConfig) -> Result<(), ClientError> {
        validate_counts(Self::ENDPOINT, &self.0, cfg)
    }
}

macro_rules! counts_setters {
    ($ty:ty) => {
        impl Request<$ty> {
            /// `minute`, `hour` or `day`.
            pub fn granularity(mut self, g: impl Into<String>) -> Self {
                self.params.0.granularity = Some(g.into());
                self
            }
            /// Oldest time, inclusive.
            pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.start_time = Some(t);
                self
            }
            /// Newest time, exclusive.
            pub fn end_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.end_time = Some(t);
                self
            }
        }
    };
}
counts_setters!(CountsRecent);
counts_setters!(CountsAll);

// ----- lookups ----------------------------------------------------------------------------------

/// `GET /2/tweets/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct TweetById {
    /// The post id.
    #[serde(skip)]
    pub id: String,
}

impl Endpoint for TweetById {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets/:id";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        format!("/2/tweets/{}", self.id)
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_id(Self::ENDPOINT, "id", &self.id)
    }
}

/// `GET /2/tweets?ids=`: 1..=100 ids; missing ones come back as partial errors.
#[derive(Debug, Clone, Serialize)]
pub struct TweetsByIds {
    /// The post ids.
    pub ids: Vec<String>,
}

impl Endpoint for TweetsByIds {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/tweets";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        "/2/tweets".to_owned()
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_list(Self::ENDPOINT, "ids", &self.ids, 100, check_id)
    }
}

/// `GET /2/users/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct UserById {
    /// The user id.
    #[serde(skip)]
    pub id: String,
}

impl Endpoint for UserById {
    type Body = UsersResponse;
    const ENDPOINT: &'static str = "GET /2/users/:id";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Users;
    fn path(&self) -> String {
        format!("/2/users/{}", self.id)
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_id(Self::ENDPOINT, "id", &self.id)
    }
}

/// `GET /2/users?ids=`: 1..=100 ids.
#[derive(Debug, Clone, Serialize)]
pub struct UsersByIds {
    /// The user ids.
    pub ids: Vec<String>,
}

impl Endpoint for UsersByIds {
    type Body = UsersResponse;
    const ENDPOINT: &'static str = "GET /2/users";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Users;
    fn path(&self) -> String {
        "/2/users".to_owned()
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_list(Self::ENDPOINT, "ids", &self.ids, 100, check_id)
    }
}

/// `GET /2/users/by/username/{username}`.
#[derive(Debug, Clone, Serialize)]
pub struct UserByUsername {
    /// The username, without `@`.
    #[serde(skip)]
    pub username: String,
}

impl Endpoint for UserByUsername {
    type Body = UsersResponse;
    const ENDPOINT: &'static str = "GET /2/users/by/username/:username";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Users;
    fn path(&self) -> String {
        format!("/2/users/by/username/{}", self.username)
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_username(Self::ENDPOINT, "username", &self.username)
    }
}

/// `GET /2/users/by?usernames=`: 1..=100 usernames.
#[derive(Debug, Clone, Serialize)]
pub struct UsersByUsernames {
    /// The usernames, without `@`.
    pub usernames: Vec<String>,
}

impl Endpoint for UsersByUsernames {
    type Body = UsersResponse;
    const ENDPOINT: &'static str = "GET /2/users/by";
    const TOKEN: TokenParam = TokenParam::None;
    const RETURNS: Returns = Returns::Users;
    fn path(&self) -> String {
        "/2/users/by".to_owned()
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        check_list(
            Self::ENDPOINT,
            "usernames",
            &self.usernames,
            100,
            check_username,
        )
    }
}

// ----- timelines ----------------------------------------------------------------------------------

/// Parameters of the user timeline and mentions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimelineParams {
    /// The user id.
    #[serde(skip)]
    pub id: String,
    /// Page size, 5..=100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// Oldest time, inclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    /// Newest time, exclusive.
    #[serde(serialize_with = "ser_time", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// Newer than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_id: Option<String>,
    /// Older than this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_id: Option<String>,
    /// `replies`, `retweets` (timeline only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
}

fn validate_timeline(endpoint: &str, p: &TimelineParams) -> Result<(), ClientError> {
    check_id(endpoint, "id", &p.id)?;
    check_range(endpoint, "max_results", p.max_results, 5, 100)?;
    check_times(endpoint, p.start_time, p.end_time)?;
    for (name, id) in [("since_id", &p.since_id), ("until_id", &p.until_id)] {
        if let Some(id) = id {
            check_id(endpoint, name, id)?;
        }
    }
    for e in p.exclude.iter().flatten() {
        if e != "replies" && e != "retweets" {
            return Err(ClientError::invalid(
                endpoint,
                "exclude",
                format!("expected replies or retweets, got {e:?}"),
            ));
        }
    }
    Ok(())
}

/// `GET /2/users/{id}/tweets`: the newest 3,200 posts (800 with `exclude=replies`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct UserTweets(pub TimelineParams);

/// `GET /2/users/{id}/mentions`: the newest 800 mentions.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct UserMentions(pub TimelineParams);

impl Endpoint for UserTweets {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/users/:id/tweets";
    const TOKEN: TokenParam = TokenParam::PaginationToken;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        format!("/2/users/{}/tweets", self.0.id)
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        validate_timeline(Self::ENDPOINT, &self.0)
    }
}

impl Endpoint for UserMentions {
    type Body = TweetsResponse;
    const ENDPOINT: &'static str = "GET /2/users/:id/mentions";
    const TOKEN: TokenParam = TokenParam::PaginationToken;
    const RETURNS: Returns = Returns::Tweets;
    fn path(&self) -> String {
        format!("/2/users/{}/mentions", self.0.id)
    }
    fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
        if self.0.exclude.is_some() {
            return Err(ClientError::invalid(
                Self::ENDPOINT,
                "exclude",
                "mentions take no exclude parameter",
            ));
        }
        validate_timeline(Self::ENDPOINT, &self.0)
    }
}

macro_rules! timeline_setters {
    ($ty:ty) => {
        impl Request<$ty> {
            /// Page size, 5..=100.
            pub fn max_results(mut self, n: u32) -> Self {
                self.params.0.max_results = Some(n);
                self
            }
            /// Oldest time, inclusive.
            pub fn start_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.start_time = Some(t);
                self
            }
            /// Newest time, exclusive.
            pub fn end_time(mut self, t: DateTime<Utc>) -> Self {
                self.params.0.end_time = Some(t);
                self
            }
            /// Newer than this id.
            pub fn since_id(mut self, id: impl Into<String>) -> Self {
                self.params.0.since_id = Some(id.into());
                self
            }
            /// Older than this id.
            pub fn until_id(mut self, id: impl Into<String>) -> Self {
                self.params.0.until_id = Some(id.into());
                self
            }
        }
    };
}
timeline_setters!(UserTweets);
timeline_setters!(UserMentions);

impl Request<UserTweets> {
    /// Leaves out `replies` and/or `retweets`.
    pub fn exclude(mut self, what: &[&str]) -> Self {
        self.params.0.exclude = Some(what.iter().map(|s| (*s).to_owned()).collect());
        self
    }
}

// ----- paged lists of users or posts by id ------------------------------------------------------

/// Parameters of the endpoints that page over one object's users or posts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ByIdParams {
    /// The post, user or list id.
    #[serde(skip)]
    pub id: String,
    /// Page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// `replies`, `retweets` (quote posts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
}

macro_rules! by_id_endpoint {
    ($(#[$doc:meta])* $name:ident, $body:ty, $returns:expr, $endpoint:literal, $fmt:literal, $min:literal, $max:literal, $token_min:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub ByIdParams);

        impl Endpoint for $name {
            type Body = $body;
            const ENDPOINT: &'static str = $endpoint;
            const TOKEN: TokenParam = TokenParam::PaginationToken;
            const RETURNS: Returns = $returns;
            fn path(&self) -> String {
                format!($fmt, self.0.id)
            }
            fn validate(&self, _: &ClientConfig) -> Result<(), ClientError> {
                check_id(Self::ENDPOINT, "id", &self.0.id)?;
                check_range(Self::ENDPOINT, "max_results", self.0.max_results, $min, $max)?;
                for e in self.0.exclude.iter().flatten() {
                    if e != "replies" && e != "retweets" {
                        return Err(ClientError::invalid(Self::ENDPOINT, "exclude", format!("expected replies or retweets, got {e:?}")));
                    }
                }
                Ok(())
            }
            fn validate_token(token: &str) -> Result<(), ClientError> {
                let n = token.chars().count();
                if n < $token_min.max(1) {
                    return Err(ClientError::invalid(Self::ENDPOINT, "pagination_token", format!("expected at least {} characters, got {n}", $token_min.max(1))));
                }
                Ok(())
            }
        }

        impl Request<$name> {
            /// Page size.
            pub fn max_results(mut self, n: u32) -> Self {
                self.params.0.max_results = Some(n);
                self
            }
        }
    };
}

by_id_endpoint!(
    /// `GET /2/users/{id}/followers`: 1..=1000 per page.
    Followers, UsersResponse, Returns::Users, "GET /2/users/:id/followers", "/2/users/{}/followers", 1, 1000, 16usize);
by_id_endpoint!(
    /// `GET /2/users/{id}/following`: 1..=1000 per page.
    Following, UsersResponse, Returns::Users, "GET /2/users/:id/following", "/2/users/{}/following", 1, 1000, 16usize);
by_id_endpoint!(
    /// `GET /2/lists/{id}/members`: 1..=100 per page.
    ListMembers, UsersResponse, Returns::Users, "GET /2/lists/:id/members", "/2/lists/{}/members", 1, 100, 1usize);
by_id_endpoint!(
    /// `GET /2/lists/{id}/tweets`: 1..=100 per page.
    ListTweets, TweetsResponse, Returns::Tweets, "GET /2/lists/:id/tweets", "/2/lists/{}/tweets", 1, 100, 1usize);
by_id_endpoint!(
    /// `GET /2/tweets/{id}/quote_tweets`: 10..=100 per page.
    QuoteTweets, TweetsResponse, Returns::Tweets, "GET /2/tweets/:id/quote_tweets", "/2/tweets/{}/quote_tweets", 10, 100, 1usize);
by_id_endpoint!(
    /// `GET /2/tweets/{id}/retweeted_by`: 1..=100 per page.
    RetweetedBy, UsersResponse, Returns::Users, "GET /2/tweets/:id/retweeted_by", "/2/tweets/{}/retweeted_by", 1, 100, 1usize);
by_id_endpoint!(
    /// `GET /2/tweets/{id}/liking_users`: 1..=100 per page; user-context tokens only in the current spec.
    LikingUsers, UsersResponse, Returns::Users, "GET /2/tweets/:id/liking_users", "/2/tweets/{}/liking_users", 1, 100, 1usize);

impl Request<QuoteTweets> {
    /// Leaves out `replies` and/or `retweets`.
    pub fn exclude(mut self, what: &[&str]) -> Self {
        self.params.0.exclude = Some(what.iter().map(|s| (*s).to_owned()).collect());
        self
    }
}

fn strip_at(s: &str) -> String {
    s.trim().trim_start_matches('@').to_owned()
}

/// The endpoints, as methods of the client.
impl XClient {
    /// Recent search (7 days). `client.search_recent("#hiring -is:retweet").max_results(100).pages()`.
    pub fn search_recent(&self, query: impl Into<String>) -> Request<SearchRecent> {
        Request::new(
            self,
            SearchRecent(SearchParams {
                query: query.into(),
                ..SearchParams::default()
            }),
        )
    }

    /// Full-archive search (bearer token, Pro and above), paced at one request per second.
    pub fn search_all(&self, query: impl Into<String>) -> Request<SearchAll> {
        Request::new(
            self,
            SearchAll(SearchParams {
                query: query.into(),
                ..SearchParams::default()
            }),
        )
    }

    /// Post counts per bucket, last 7 days.
    pub fn counts_recent(&self, query: impl Into<String>) -> Request<CountsRecent> {
        Request::new(
            self,
            CountsRecent(CountsParams {
                query: query.into(),
                ..CountsParams::default()
            }),
        )
    }

    /// Post counts per bucket, full archive, paced at one request per second.
    pub fn counts_all(&self, query: impl Into<String>) -> Request<CountsAll> {
        Request::new(
            self,
            CountsAll(CountsParams {
                query: query.into(),
                ..CountsParams::default()
            }),
        )
    }

    /// One post by id.
    pub fn tweet(&self, id: impl Into<String>) -> Request<TweetById> {
        Request::new(self, TweetById { id: id.into() })
    }

    /// Up to 100 posts by id.
    pub fn tweets<I: IntoIterator<Item = S>, S: Into<String>>(
        &self,
        ids: I,
    ) -> Request<TweetsByIds> {
        Request::new(
            self,
            TweetsByIds {
                ids: ids.into_iter().map(Into::into).collect(),
            },
        )
    }

    /// One user by id.
    pub fn user(&self, id: impl Into<String>) -> Request<UserById> {
        Request::new(self, UserById { id: id.into() })
    }

    /// Up to 100 users by id.
    pub fn users<I: IntoIterator<Item = S>, S: Into<String>>(&self, ids: I) -> Request<UsersByIds> {
        Request::new(
            self,
            UsersByIds {
                ids: ids.into_iter().map(Into::into).collect(),
            },
        )
    }

    /// One user by username (a leading `@` is dropped).
    pub fn user_by_username(&self, username: &str) -> Request<UserByUsername> {
        Request::new(
            self,
            UserByUsername {
                username: strip_at(username),
            },
        )
    }

    /// Up to 100 users by username (leading `@`s are dropped).
    pub fn users_by_usernames<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        usernames: I,
    ) -> Request<UsersByUsernames> {
        Request::new(
            self,
            UsersByUsernames {
                usernames: usernames
                    .into_iter()
                    .map(|u| strip_at(u.as_ref()))
                    .collect(),
            },
        )
    }

    /// A user's own posts (newest 3,200).
    pub fn user_tweets(&self, user_id: impl Into<String>) -> Request<UserTweets> {
        Request::new(
            self,
            UserTweets(TimelineParams {
                id: user_id.into(),
                ..TimelineParams::default()
            }),
        )
    }

    /// Posts mentioning a user (newest 800).
    pub fn mentions(&self, user_id: impl Into<String>) -> Request<UserMentions> {
        Request::new(
            self,
            UserMentions(TimelineParams {
                id: user_id.into(),
                ..TimelineParams::default()
            }),
        )
    }

    /// A user's followers.
    pub fn followers(&self, user_id: impl Into<String>) -> Request<Followers> {
        Request::new(
            self,
            Followers(ByIdParams {
                id: user_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// The accounts a user follows.
    pub fn following(&self, user_id: impl Into<String>) -> Request<Following> {
        Request::new(
            self,
            Following(ByIdParams {
                id: user_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// A list's members.
    pub fn list_members(&self, list_id: impl Into<String>) -> Request<ListMembers> {
        Request::new(
            self,
            ListMembers(ByIdParams {
                id: list_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// A list's posts.
    pub fn list_tweets(&self, list_id: impl Into<String>) -> Request<ListTweets> {
        Request::new(
            self,
            ListTweets(ByIdParams {
                id: list_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// Posts quoting a post.
    pub fn quote_tweets(&self, tweet_id: impl Into<String>) -> Request<QuoteTweets> {
        Request::new(
            self,
            QuoteTweets(ByIdParams {
                id: tweet_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// Users who reposted a post.
    pub fn retweeted_by(&self, tweet_id: impl Into<String>) -> Request<RetweetedBy> {
        Request::new(
            self,
            RetweetedBy(ByIdParams {
                id: tweet_id.into(),
                ..ByIdParams::default()
            }),
        )
    }

    /// Users who liked a post (user-context token).
    pub fn liking_users(&self, tweet_id: impl Into<String>) -> Request<LikingUsers> {
        Request::new(
            self,
            LikingUsers(ByIdParams {
                id: tweet_id.into(),
                ..ByIdParams::default()
            }),
        )
    }
}
