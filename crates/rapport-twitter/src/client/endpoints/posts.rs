//! Posts: recent and full-archive search, counts, lookup by id, quotes, reposts and likes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ByIdParams, Request, endpoint, setters, strings};
use crate::client::XClient;
use crate::client::config::ClientConfig;
use crate::client::error::ClientError;
use crate::client::params::{
    check_id, check_list, check_query, check_range, check_times, ser_time,
};
use crate::models::{CountsResponse, TweetsResponse, UsersResponse};

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

impl SearchParams {
    fn check(&self, endpoint: &str, cfg: &ClientConfig, max: u32) -> Result<(), ClientError> {
        check_query(endpoint, &self.query, cfg.max_query_len)?;
        check_range(endpoint, "max_results", self.max_results, 10, max)?;
        check_times(endpoint, self.start_time, self.end_time)?;
        check_ids(endpoint, self.since_id.as_deref(), self.until_id.as_deref())?;
        if let Some(o) = &self.sort_order
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
}

/// `since_id` and `until_id`, when given, are post ids.
pub(super) fn check_ids(
    endpoint: &str,
    since_id: Option<&str>,
    until_id: Option<&str>,
) -> Result<(), ClientError> {
    for (name, id) in [("since_id", since_id), ("until_id", until_id)] {
        if let Some(id) = id {
            check_id(endpoint, name, id)?;
        }
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

endpoint!(SearchRecent {
    body: TweetsResponse,
    endpoint: "GET /2/tweets/search/recent",
    token: NextToken,
    returns: Tweets,
    path: |_e| "/2/tweets/search/recent".to_owned(),
    validate: |e, cfg| e.0.check(Self::ENDPOINT, cfg, 100),
});

endpoint!(SearchAll {
    body: TweetsResponse,
    endpoint: "GET /2/tweets/search/all",
    token: NextToken,
    returns: Tweets,
    paced: true,
    path: |_e| "/2/tweets/search/all".to_owned(),
    validate: |e, cfg| e.0.check(Self::ENDPOINT, cfg, 500),
});

setters!(SearchRecent, SearchAll => {
    /// Page size.
    fn max_results(u32);
    /// Oldest time, inclusive.
    fn start_time(DateTime<Utc>);
    /// Newest time, exclusive.
    fn end_time(DateTime<Utc>);
    /// Only posts newer than this id (exclusive); takes precedence over `start_time`.
    fn since_id(impl Into<String>);
    /// Only posts older than this id (exclusive).
    fn until_id(impl Into<String>);
    /// `recency` or `relevancy`.
    fn sort_order(impl Into<String>);
});

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

impl CountsParams {
    fn check(&self, endpoint: &str, cfg: &ClientConfig) -> Result<(), ClientError> {
        check_query(endpoint, &self.query, cfg.max_query_len)?;
        check_times(endpoint, self.start_time, self.end_time)?;
        check_ids(endpoint, self.since_id.as_deref(), self.until_id.as_deref())?;
        if let Some(g) = &self.granularity
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
}

/// `GET /2/tweets/counts/recent`: post counts per time bucket over the last 7 days.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct CountsRecent(pub CountsParams);

/// `GET /2/tweets/counts/all`: post counts over the full archive, paced at 1 request/s.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct CountsAll(pub CountsParams);

endpoint!(CountsRecent {
    body: CountsResponse,
    endpoint: "GET /2/tweets/counts/recent",
    token: NextToken,
    returns: Counts,
    path: |_e| "/2/tweets/counts/recent".to_owned(),
    validate: |e, cfg| e.0.check(Self::ENDPOINT, cfg),
});

endpoint!(CountsAll {
    body: CountsResponse,
    endpoint: "GET /2/tweets/counts/all",
    token: NextToken,
    returns: Counts,
    paced: true,
    path: |_e| "/2/tweets/counts/all".to_owned(),
    validate: |e, cfg| e.0.check(Self::ENDPOINT, cfg),
});

setters!(CountsRecent, CountsAll => {
    /// `minute`, `hour` or `day`.
    fn granularity(impl Into<String>);
    /// Oldest time, inclusive.
    fn start_time(DateTime<Utc>);
    /// Newest time, exclusive.
    fn end_time(DateTime<Utc>);
});

/// `GET /2/tweets/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct TweetById {
    /// The post id.
    #[serde(skip)]
    pub id: String,
}

endpoint!(TweetById {
    body: TweetsResponse,
    endpoint: "GET /2/tweets/:id",
    token: None,
    returns: Tweets,
    path: |e| format!("/2/tweets/{}", e.id),
    validate: |e, _| check_id(Self::ENDPOINT, "id", &e.id),
});

/// `GET /2/tweets?ids=`: 1..=100 ids; missing ones come back as partial errors.
#[derive(Debug, Clone, Serialize)]
pub struct TweetsByIds {
    /// The post ids.
    pub ids: Vec<String>,
}

endpoint!(TweetsByIds {
    body: TweetsResponse,
    endpoint: "GET /2/tweets",
    token: None,
    returns: Tweets,
    path: |_e| "/2/tweets".to_owned(),
    validate: |e, _| check_list(Self::ENDPOINT, "ids", &e.ids, 100, check_id),
});

/// `GET /2/tweets/{id}/quote_tweets`: 10..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct QuoteTweets(pub ByIdParams);

endpoint!(QuoteTweets {
    body: TweetsResponse,
    endpoint: "GET /2/tweets/:id/quote_tweets",
    token: PaginationToken,
    returns: Tweets,
    token_min: 1,
    path: |e| format!("/2/tweets/{}/quote_tweets", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 10, 100),
});

/// `GET /2/tweets/{id}/retweeted_by`: 1..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct RetweetedBy(pub ByIdParams);

endpoint!(RetweetedBy {
    body: UsersResponse,
    endpoint: "GET /2/tweets/:id/retweeted_by",
    token: PaginationToken,
    returns: Users,
    token_min: 1,
    path: |e| format!("/2/tweets/{}/retweeted_by", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

/// `GET /2/tweets/{id}/liking_users`: 1..=100 per page; user-context tokens only in the current spec.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct LikingUsers(pub ByIdParams);

endpoint!(LikingUsers {
    body: UsersResponse,
    endpoint: "GET /2/tweets/:id/liking_users",
    token: PaginationToken,
    returns: Users,
    token_min: 1,
    path: |e| format!("/2/tweets/{}/liking_users", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

setters!(QuoteTweets, RetweetedBy, LikingUsers => {
    /// Page size.
    fn max_results(u32);
});

impl Request<QuoteTweets> {
    /// Leaves out `replies` and/or `retweets`.
    pub fn exclude(mut self, what: &[&str]) -> Self {
        self.params.0.exclude = Some(strings(what));
        self
    }
}

/// The post endpoints, as methods of the client.
impl XClient {
    /// Recent search (7 days). `client.search_recent("#hiring -is:retweet").max_results(100).pages()`.
    pub fn search_recent(&self, query: impl Into<String>) -> Request<SearchRecent> {
        Request::new(self, SearchRecent(search(query)))
    }

    /// Full-archive search (bearer token, Pro and above), paced at one request per second.
    pub fn search_all(&self, query: impl Into<String>) -> Request<SearchAll> {
        Request::new(self, SearchAll(search(query)))
    }

    /// Post counts per bucket, last 7 days.
    pub fn counts_recent(&self, query: impl Into<String>) -> Request<CountsRecent> {
        Request::new(self, CountsRecent(counts(query)))
    }

    /// Post counts per bucket, full archive, paced at one request per second.
    pub fn counts_all(&self, query: impl Into<String>) -> Request<CountsAll> {
        Request::new(self, CountsAll(counts(query)))
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

    /// Posts quoting a post.
    pub fn quote_tweets(&self, tweet_id: impl Into<String>) -> Request<QuoteTweets> {
        Request::new(self, QuoteTweets(ByIdParams::new(tweet_id.into())))
    }

    /// Users who reposted a post.
    pub fn retweeted_by(&self, tweet_id: impl Into<String>) -> Request<RetweetedBy> {
        Request::new(self, RetweetedBy(ByIdParams::new(tweet_id.into())))
    }

    /// Users who liked a post (user-context token).
    pub fn liking_users(&self, tweet_id: impl Into<String>) -> Request<LikingUsers> {
        Request::new(self, LikingUsers(ByIdParams::new(tweet_id.into())))
    }
}

fn search(query: impl Into<String>) -> SearchParams {
    SearchParams {
        query: query.into(),
        ..SearchParams::default()
    }
}

fn counts(query: impl Into<String>) -> CountsParams {
    CountsParams {
        query: query.into(),
        ..CountsParams::default()
    }
}
