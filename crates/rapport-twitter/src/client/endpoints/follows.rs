//! Follows: a user's followers and the accounts a user follows.

use serde::Serialize;

use super::{ByIdParams, Request, endpoint, setters};
use crate::client::XClient;
use crate::models::UsersResponse;

/// `GET /2/users/{id}/followers`: 1..=1000 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Followers(pub ByIdParams);

/// `GET /2/users/{id}/following`: 1..=1000 per page.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Following(pub ByIdParams);

// Their pagination tokens are 16 characters or more (spec v2.167).
endpoint!(Followers {
    body: UsersResponse,
    endpoint: "GET /2/users/:id/followers",
    token: PaginationToken,
    returns: Users,
    token_min: 16,
    path: |e| format!("/2/users/{}/followers", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 1000),
});

endpoint!(Following {
    body: UsersResponse,
    endpoint: "GET /2/users/:id/following",
    token: PaginationToken,
    returns: Users,
    token_min: 16,
    path: |e| format!("/2/users/{}/following", e.0.id),
    validate: |e, _| e.0.check(Self::ENDPOINT, 1, 1000),
});

setters!(Followers, Following => {
    /// Page size.
    fn max_results(u32);
});

/// The follow endpoints, as methods of the client.
impl XClient {
    /// A user's followers.
    pub fn followers(&self, user_id: impl Into<String>) -> Request<Followers> {
        Request::new(self, Followers(ByIdParams::new(user_id.into())))
    }

    /// The accounts a user follows.
    pub fn following(&self, user_id: impl Into<String>) -> Request<Following> {
        Request::new(self, Following(ByIdParams::new(user_id.into())))
    }
}
