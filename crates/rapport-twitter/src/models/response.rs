//! The response envelope: `data`, `includes`, `errors`, `meta` (and `matching_rules` on stream
//! messages), plus the counts endpoint's envelope.

use super::problem::Problem;
use super::serde_util::{OneOrMany, de_time, id, null_default, opt_id, ser_time};
use super::tweet::{Extra, Tweet};
use super::user::User;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One X API v2 response page (or one filtered-stream message).
///
/// `Response` is generic over the item type of `data`, with tweets as the default: `Response` (=
/// [`TweetsResponse`]) for search, timelines, lookups and stream messages, [`UsersResponse`] for user
/// lookups, followers, list members, liking users. `data` may be one object or an array; both parse, and
/// [`Response::items`] gives a slice either way.
///
/// ```
/// use rapport_twitter::models::{Response, UsersResponse};
/// let page: Response = serde_json::from_str(
///     r#"{"data":{"id":"1","text":"hi"},"matching_rules":[{"id":1377649934414049282,"tag":null}]}"#,
/// ).unwrap();
/// assert_eq!(page.items().len(), 1);
/// assert_eq!(page.matching_rules[0].id, "1377649934414049282");
/// let users: UsersResponse = serde_json::from_str(r#"{"data":[{"id":"2","username":"b"}],"meta":{"result_count":1}}"#).unwrap();
/// assert_eq!(users.items()[0].username.as_deref(), Some("b"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Response<T = Tweet> {
    /// The items (absent when nothing matched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<OneOrMany<T>>,
    /// Expanded objects referenced by the items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<Includes>,
    /// Partial errors: items that could not be returned. They never fail the page.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub errors: Vec<Problem>,
    /// Counts and pagination tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Stream messages: the rules that matched.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub matching_rules: Vec<MatchingRule>,
    /// Every other field (twarc's `__twarc` metadata lands here).
    #[serde(flatten)]
    pub extra: Extra,
}

impl<T> Default for Response<T> {
    fn default() -> Self {
        Response {
            data: None,
            includes: None,
            errors: Vec::new(),
            meta: None,
            matching_rules: Vec::new(),
            extra: Extra::new(),
        }
    }
}

/// A page of tweets (search, timelines, lookups, stream messages).
pub type TweetsResponse = Response<Tweet>;
/// A page of users (user lookups, followers, following, list members, liking users, retweeted by).
pub type UsersResponse = Response<User>;

impl<T> Response<T> {
    /// The items of `data`, one or many, empty when absent.
    pub fn items(&self) -> &[T] {
        self.data.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// The expanded users (empty without includes).
    pub fn included_users(&self) -> &[User] {
        self.includes.as_ref().map_or(&[], |i| i.users.as_slice())
    }

    /// The expanded tweets (empty without includes).
    pub fn included_tweets(&self) -> &[Tweet] {
        self.includes.as_ref().map_or(&[], |i| i.tweets.as_slice())
    }

    /// The token of the next page, if there is one.
    pub fn next_token(&self) -> Option<&str> {
        self.meta.as_ref()?.next_token.as_deref()
    }
}

/// Expanded objects of a page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Includes {
    /// Authors, mentioned users, replied-to users, …
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub users: Vec<User>,
    /// Referenced tweets (`includes.posts` in spec 2.167).
    #[serde(
        default,
        alias = "posts",
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tweets: Vec<Tweet>,
    /// Attached media.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub media: Vec<Media>,
    /// Tagged places.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub places: Vec<Place>,
    /// Polls.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub polls: Vec<Poll>,
    /// Everything else (`topics`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A media object (keyed by `media_key`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Media {
    /// The key used in `attachments.media_keys`.
    #[serde(default)]
    pub media_key: String,
    /// `photo`, `video`, `animated_gif`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The image url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Preview image of a video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_image_url: Option<String>,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Alternative text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// Video length (often absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Everything else (`public_metrics`, `variants`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A place (keyed by `id`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Place {
    /// The place id.
    #[serde(default, deserialize_with = "id")]
    pub id: String,
    /// E.g. `Manhattan, NY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `city`, `admin`, `country`, `poi`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_type: Option<String>,
    /// GeoJSON, as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<Value>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A poll (keyed by `id`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Poll {
    /// The poll id.
    #[serde(default, deserialize_with = "id")]
    pub id: String,
    /// Options with positions, labels and votes, as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
    /// `open` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voting_status: Option<String>,
    /// When voting ends.
    #[serde(
        default,
        deserialize_with = "de_time",
        serialize_with = "ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_datetime: Option<DateTime<Utc>>,
    /// Length in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `meta` of a page: counts and pagination tokens. A missing `next_token` marks the last page; a page
/// with `result_count: 0` may still carry one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// Items on this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_count: Option<u64>,
    /// The newest tweet id on the page.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub newest_id: Option<String>,
    /// The oldest tweet id on the page.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub oldest_id: Option<String>,
    /// Token for the next page (`next_token` or `pagination_token` parameter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Token for the previous page (timelines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_token: Option<String>,
    /// Counts endpoints: total over all buckets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tweet_count: Option<u64>,
    /// Everything else (`sent` on stream rules, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A filtered-stream rule that matched a message. Its `id` is a number in some payloads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchingRule {
    /// The rule id (always a string here).
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The rule's tag, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// The counts endpoints' response: time buckets with tweet counts.
///
/// ```
/// use rapport_twitter::models::CountsResponse;
/// let c: CountsResponse = serde_json::from_str(r#"{"data":[{"end":"2021-09-13T20:00:00.000Z",
///   "start":"2021-09-13T19:18:24.000Z","tweet_count":1}],"meta":{"total_tweet_count":1}}"#).unwrap();
/// assert_eq!(c.data[0].tweet_count, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CountsResponse {
    /// The buckets, oldest first.
    #[serde(default, deserialize_with = "null_default")]
    pub data: Vec<CountBucket>,
    /// `total_tweet_count` and `next_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Partial errors.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub errors: Vec<Problem>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One bucket of a counts response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountBucket {
    /// Bucket start (inclusive).
    #[serde(serialize_with = "ser_time_req")]
    pub start: DateTime<Utc>,
    /// Bucket end (exclusive).
    #[serde(serialize_with = "ser_time_req")]
    pub end: DateTime<Utc>,
    /// Tweets in the bucket.
    #[serde(default)]
    pub tweet_count: u64,
}

fn ser_time_req<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    ser_time(&Some(*t), s)
}
