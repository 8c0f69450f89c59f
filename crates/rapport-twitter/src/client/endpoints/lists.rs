//! Lists: a list's members and its posts.

use serde::Serialize;

use super::{ByIdParams, Request, endpoint, setters};
use crate::client::XClient;
use crate::models::{TweetsResponse, UsersResponse};

/// `GET /2/lists/{id}/members`: 1..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct ListMembers(pub ByIdParams);

/// `GET /2/lists/{id}/tweets`: 1..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct ListTweets(pub ByIdParams);

endpoint!(ListMembers {
    body: UsersResponse,
    endpoint: "GET /2/lists/:id/members",
    token: PaginationToken,
    returns: Users,
    token_min: 1,
    path: |e| format!("/2/lists/{}/members", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

endpoint!(ListTweets {
    body: TweetsResponse,
    endpoint: "GET /2/lists/:id/tweets",
    token: PaginationToken,
    returns: Tweets,
    token_min: 1,
    path: |e| format!("/2/lists/{}/tweets", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

setters!(ListMembers, ListTweets => {
    /// Page size.
    fn max_results(u32);
});

/// The list endpoints, as methods of the client.
impl XClient {
    /// A list's members.
    pub fn list_members(&self, list_id: impl Into<String>) -> Request<ListMembers> {
        Request::new(self, ListMembers(ByIdParams::new(list_id.into())))
    }

    /// A list's posts.
    pub fn list_tweets(&self, list_id: impl Into<String>) -> Request<ListTweets> {
        Request::new(self, ListTweets(ByIdParams::new(list_id.into())))
    }
}
