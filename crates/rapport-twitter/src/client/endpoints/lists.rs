//! Lists: a list's members and its posts; a user's own lists and the lists they are a member of.

use serde::Serialize;

use super::{ByIdParams, Request, endpoint, setters};
use crate::client::XClient;
use crate::models::{ListsResponse, TweetsResponse, UsersResponse};

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

/// `GET /2/users/{id}/owned_lists`: 1..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct OwnedLists(pub ByIdParams);

/// `GET /2/users/{id}/list_memberships`: 1..=100 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct ListMemberships(pub ByIdParams);

endpoint!(OwnedLists {
    body: ListsResponse,
    endpoint: "GET /2/users/:id/owned_lists",
    token: PaginationToken,
    returns: Lists,
    token_min: 1,
    path: |e| format!("/2/users/{}/owned_lists", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

endpoint!(ListMemberships {
    body: ListsResponse,
    endpoint: "GET /2/users/:id/list_memberships",
    token: PaginationToken,
    returns: Lists,
    token_min: 1,
    path: |e| format!("/2/users/{}/list_memberships", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 100),
});

setters!(ListMembers, ListTweets, OwnedLists, ListMemberships => {
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

    /// The lists a user owns.
    pub fn owned_lists(&self, user_id: impl Into<String>) -> Request<OwnedLists> {
        Request::new(self, OwnedLists(ByIdParams::new(user_id.into())))
    }

    /// The lists a user is a member of.
    pub fn list_memberships(&self, user_id: impl Into<String>) -> Request<ListMemberships> {
        Request::new(self, ListMemberships(ByIdParams::new(user_id.into())))
    }
}
