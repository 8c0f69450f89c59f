//! The user object.

use super::serde_util::{de_time, id, opt_id, opt_num, ser_time};
use super::tweet::{Extra, Withheld};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A user (account). `id`, `name` and `username` are required by the spec; only `id` is required here.
///
/// ```
/// use rapport_twitter::models::User;
/// let u: User = serde_json::from_str(
///     r#"{"id":"783214","name":"X","username":"X","public_metrics":{"followers_count":5}}"#,
/// ).unwrap();
/// assert_eq!(u.public_metrics.unwrap().followers_count, Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct User {
    /// The user id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Handle without `@`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// When the account was created.
    #[serde(
        default,
        deserialize_with = "de_time",
        serialize_with = "ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// Profile text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-text location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Profile link (t.co).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_image_url: Option<String>,
    /// Protected (tweets visible to approved followers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Legacy verification flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// `blue`, `business`, `government` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_type: Option<String>,
    /// The pinned tweet's id.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub pinned_tweet_id: Option<String>,
    /// Profile counts (kept for display, never used to score a person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metrics: Option<UserPublicMetrics>,
    /// Entities of the profile url and description, as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Value>,
    /// Withholding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
    /// Every other field, as received.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Profile counts of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserPublicMetrics {
    /// Followers.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub followers_count: Option<u64>,
    /// Accounts followed.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub following_count: Option<u64>,
    /// Tweets written.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub tweet_count: Option<u64>,
    /// Lists the user is on.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub listed_count: Option<u64>,
    /// Likes given.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
}
