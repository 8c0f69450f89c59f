//! The endpoints, one typed request builder each, grouped by resource: [`posts`] (search, counts,
//! lookups, quotes, reposts, likes), [`users`] (lookups, timelines, mentions), [`follows`]
//! (followers, following), [`lists`] (members, posts) and [`stream`] (the filtered stream and its
//! rules).
//!
//! A builder is a `Serialize` struct whose fields are the query string (`None` skipped);
//! [`Endpoint::validate`] checks the OpenAPI bounds (spec v2.167) before anything is sent. Send it
//! with [`Request::send`] (one page), [`Request::pages`] / [`Request::items`] (streams that follow
//! the tokens) or [`Request::collect`] (everything into a corpus).
//!
//! The shape every endpoint repeats (its `Endpoint` impl and its setters) is written once, in the
//! [`endpoint!`] and [`setters!`] macros below; each resource file only says what differs.

mod follows;
mod lists;
mod posts;
pub(crate) mod stream;
mod users;

use serde::Serialize;

use super::XClient;
use super::config::ClientConfig;
use super::error::ClientError;
use super::page::{Page, PageBody};
use super::params::{Fields, Returns, check_id, check_range, to_query};
use super::transport::Call;

pub use follows::{Followers, Following};
pub use lists::{ListMembers, ListMemberships, ListTweets, OwnedLists};
pub use posts::{
    CountsAll, CountsParams, CountsRecent, LikingUsers, QuoteTweets, RetweetedBy, SearchAll,
    SearchParams, SearchRecent, TweetById, TweetsByIds,
};
pub use users::{
    TimelineParams, UserById, UserByUsername, UserMentions, UserTweets, UsersByIds,
    UsersByUsernames,
};

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

/// Implements [`Endpoint`] for a parameter struct: what the endpoint returns, its method and path
/// template, its token parameter, the fields it takes, optionally its pacing and the shortest token
/// it accepts, then how to build its path and check its parameters (`|endpoint, config| ...`).
macro_rules! endpoint {
    ($name:ty {
        body: $body:ty,
        endpoint: $endpoint:literal,
        token: $token:ident,
        returns: $returns:ident,
        $(paced: $paced:literal,)?
        $(token_min: $token_min:literal,)?
        path: |$p:ident| $path:expr,
        validate: |$v:ident, $cfg:pat_param| $validate:expr $(,)?
    }) => {
        impl $crate::client::endpoints::Endpoint for $name {
            type Body = $body;
            const ENDPOINT: &'static str = $endpoint;
            const TOKEN: $crate::client::endpoints::TokenParam =
                $crate::client::endpoints::TokenParam::$token;
            $(const PACED: bool = $paced;)?
            const RETURNS: $crate::client::params::Returns =
                $crate::client::params::Returns::$returns;
            fn path(&self) -> String {
                let $p = self;
                $path
            }
            fn validate(
                &self,
                $cfg: &$crate::client::config::ClientConfig,
            ) -> Result<(), $crate::client::error::ClientError> {
                let $v = self;
                $validate
            }
            $(
                fn validate_token(token: &str) -> Result<(), $crate::client::error::ClientError> {
                    $crate::client::endpoints::check_token_len(Self::ENDPOINT, token, $token_min)
                }
            )?
        }
    };
}
pub(crate) use endpoint;

/// Builder methods on `Request<E>` for newtype endpoints (`E(Params)`): each sets
/// `params.0.<name> = Some(value.into())`. Several endpoints sharing a parameter struct share one list.
macro_rules! setters {
    ($first:ty, $($rest:ty),+ => $fields:tt) => {
        $crate::client::endpoints::setters!($first => $fields);
        $crate::client::endpoints::setters!($($rest),+ => $fields);
    };
    ($ty:ty => { $($(#[$doc:meta])* fn $name:ident($arg:ty);)* }) => {
        impl $crate::client::endpoints::Request<$ty> {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: $arg) -> Self {
                    self.params.0.$name = Some(value.into());
                    self
                }
            )*
        }
    };
}
pub(crate) use setters;

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

impl ByIdParams {
    fn new(id: String) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    /// The id, the page size within `min..=max` and the exclusions.
    fn check(&self, endpoint: &str, min: u32, max: u32) -> Result<(), ClientError> {
        check_id(endpoint, "id", &self.id)?;
        check_range(endpoint, "max_results", self.max_results, min, max)?;
        check_exclude(endpoint, self.exclude.as_deref())
    }
}

/// `exclude` takes `replies` and `retweets` only.
fn check_exclude(endpoint: &str, exclude: Option<&[String]>) -> Result<(), ClientError> {
    for e in exclude.into_iter().flatten() {
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

/// A pagination token of at least `min` characters (follows' tokens are 16 or more).
pub(crate) fn check_token_len(endpoint: &str, token: &str, min: usize) -> Result<(), ClientError> {
    let min = min.max(1);
    let n = token.chars().count();
    if n < min {
        return Err(ClientError::invalid(
            endpoint,
            "pagination_token",
            format!("expected at least {min} characters, got {n}"),
        ));
    }
    Ok(())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
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
        self.fields.tweet_fields = strings(fields);
        self
    }

    /// Replaces `user.fields`.
    pub fn user_fields(mut self, fields: &[&str]) -> Self {
        self.fields.user_fields = strings(fields);
        self
    }

    /// Replaces `expansions` (of whichever kind this endpoint returns).
    pub fn expansions(mut self, expansions: &[&str]) -> Self {
        let v = strings(expansions);
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
