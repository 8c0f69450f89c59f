//! Users: lookup by id and by username, a user's timeline and mentions.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::posts::check_ids;
use super::{Endpoint, Request, check_exclude, endpoint, setters, strings};
use crate::client::XClient;
use crate::client::error::ClientError;
use crate::client::params::{
    check_id, check_list, check_range, check_times, check_username, ser_time,
};
use crate::models::{TweetsResponse, UsersResponse};

/// `GET /2/users/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct UserById {
    /// The user id.
    #[serde(skip)]
    pub id: String,
}

endpoint!(UserById {
    body: UsersResponse,
    endpoint: "GET /2/users/:id",
    token: None,
    returns: Users,
    path: |e| format!("/2/users/{}", e.id),
    validate: |e, _| check_id(Self::ENDPOINT, "id", &e.id),
});

/// `GET /2/users?ids=`: 1..=100 ids.
#[derive(Debug, Clone, Serialize)]
pub struct UsersByIds {
    /// The user ids.
    pub ids: Vec<String>,
}

endpoint!(UsersByIds {
    body: UsersResponse,
    endpoint: "GET /2/users",
    token: None,
    returns: Users,
    path: |_e| "/2/users".to_owned(),
    validate: |e, _| check_list(Self::ENDPOINT, "ids", &e.ids, 100, check_id),
});

/// `GET /2/users/by/username/{username}`.
#[derive(Debug, Clone, Serialize)]
pub struct UserByUsername {
    /// The username, without `@`.
    #[serde(skip)]
    pub username: String,
}

endpoint!(UserByUsername {
    body: UsersResponse,
    endpoint: "GET /2/users/by/username/:username",
    token: None,
    returns: Users,
    path: |e| format!("/2/users/by/username/{}", e.username),
    validate: |e, _| check_username(Self::ENDPOINT, "username", &e.username),
});

/// `GET /2/users/by?usernames=`: 1..=100 usernames.
#[derive(Debug, Clone, Serialize)]
pub struct UsersByUsernames {
    /// The usernames, without `@`.
    pub usernames: Vec<String>,
}

endpoint!(UsersByUsernames {
    body: UsersResponse,
    endpoint: "GET /2/users/by",
    token: None,
    returns: Users,
    path: |_e| "/2/users/by".to_owned(),
    validate: |e, _| check_list(
        Self::ENDPOINT,
        "usernames",
        &e.usernames,
        100,
        check_username
    ),
});

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

impl TimelineParams {
    fn new(id: String) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    fn check(&self, endpoint: &str) -> Result<(), ClientError> {
        check_id(endpoint, "id", &self.id)?;
        check_range(endpoint, "max_results", self.max_results, 5, 100)?;
        check_times(endpoint, self.start_time, self.end_time)?;
        check_ids(endpoint, self.since_id.as_deref(), self.until_id.as_deref())?;
        check_exclude(endpoint, self.exclude.as_deref())
    }
}

/// `GET /2/users/{id}/tweets`: the newest 3,200 posts (800 with `exclude=replies`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct UserTweets(pub TimelineParams);

/// `GET /2/users/{id}/mentions`: the newest 800 mentions.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct UserMentions(pub TimelineParams);

endpoint!(UserTweets {
    body: TweetsResponse,
    endpoint: "GET /2/users/:id/tweets",
    token: PaginationToken,
    returns: Tweets,
    path: |e| format!("/2/users/{}/tweets", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT),
});

endpoint!(UserMentions {
    body: TweetsResponse,
    endpoint: "GET /2/users/:id/mentions",
    token: PaginationToken,
    returns: Tweets,
    path: |e| format!("/2/users/{}/mentions", e.0.id),
    validate: |e, _| {
        if e.0.exclude.is_some() {
            return Err(ClientError::invalid(
                Self::ENDPOINT,
                "exclude",
                "mentions take no exclude parameter",
            ));
        }
        e.0.check(Self::ENDPOINT)
    },
});

setters!(UserTweets, UserMentions => {
    /// Page size, 5..=100.
    fn max_results(u32);
    /// Oldest time, inclusive.
    fn start_time(DateTime<Utc>);
    /// Newest time, exclusive.
    fn end_time(DateTime<Utc>);
    /// Newer than this id.
    fn since_id(impl Into<String>);
    /// Older than this id.
    fn until_id(impl Into<String>);
});

impl Request<UserTweets> {
    /// Leaves out `replies` and/or `retweets`.
    pub fn exclude(mut self, what: &[&str]) -> Self {
        self.params.0.exclude = Some(strings(what));
        self
    }
}

fn strip_at(s: &str) -> String {
    s.trim().trim_start_matches('@').to_owned()
}

/// The user endpoints, as methods of the client.
impl XClient {
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
        Request::new(self, UserTweets(TimelineParams::new(user_id.into())))
    }

    /// Posts mentioning a user (newest 800).
    pub fn mentions(&self, user_id: impl Into<String>) -> Request<UserMentions> {
        Request::new(self, UserMentions(TimelineParams::new(user_id.into())))
    }

    /// The user id of `handle_or_id`: digits are taken as an id as they are; anything else is a
    /// handle (a leading `@` dropped) looked up with one request. A handle X does not know is
    /// [`ClientError::NotFound`], naming it.
    ///
    /// ```
    /// # async fn f() -> Result<(), rapport_twitter::ClientError> {
    /// let client = rapport_twitter::XClient::new("t0ken")?;
    /// assert_eq!(client.resolve_user_id("783214").await?, "783214"); // an id: no request
    /// # Ok(()) }
    /// # futures::executor::block_on(f()).unwrap();
    /// ```
    pub async fn resolve_user_id(&self, handle_or_id: &str) -> Result<String, ClientError> {
        let s = handle_or_id.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(s.to_owned());
        }
        let page = self.user_by_username(s).send().await?;
        match page.items().first() {
            Some(u) => Ok(u.id.clone()),
            None => Err(ClientError::NotFound {
                endpoint: UserByUsername::ENDPOINT.to_owned(),
                detail: format!(
                    "no account with the handle @{}{}",
                    strip_at(s),
                    page.partial_errors()
                        .first()
                        .map(|p| format!(" ({})", p.detail.as_deref().unwrap_or("not found")))
                        .unwrap_or_default()
                ),
            }),
        }
    }
}
