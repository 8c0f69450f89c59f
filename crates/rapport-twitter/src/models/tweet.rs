//! The tweet (post) object and its parts.

use super::serde_util::{de_time, id, id_vec, null_default, opt_id, opt_num, ser_time};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Unknown fields of a top-level object, kept so new API fields never break parsing or round trips.
pub type Extra = Map<String, Value>;

/// A tweet (the X API v2 `Tweet`, renamed `Post` in spec 2.167).
///
/// Only `id` is required. Both the tweet names and the newer post names are accepted
/// (`referenced_posts`, `note_post`, `edit_history_post_ids`); the tweet names are written back.
///
/// ```
/// use rapport_twitter::models::Tweet;
/// let t: Tweet = serde_json::from_str(r#"{"id":"1","text":"hi","note_post":{"text":"hi there"},"new_field":1}"#).unwrap();
/// assert_eq!(t.note_tweet.unwrap().text.as_deref(), Some("hi there"));
/// assert_eq!(t.extra["new_field"], 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tweet {
    /// The tweet id (a decimal string; numbers are accepted).
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The text as returned: truncated for long posts (see `note_tweet`) and for retweets (`RT @x: …`).
    #[serde(default, deserialize_with = "null_default")]
    pub text: String,
    /// The author's user id.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub author_id: Option<String>,
    /// When it was posted.
    #[serde(
        default,
        deserialize_with = "de_time",
        serialize_with = "ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// The id of the conversation's root tweet.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub conversation_id: Option<String>,
    /// The author of the tweet this one replies to.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_reply_to_user_id: Option<String>,
    /// Replied-to, quoted and retweeted tweets.
    #[serde(
        default,
        alias = "referenced_posts",
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub referenced_tweets: Vec<ReferencedTweet>,
    /// Hashtags, mentions, urls, cashtags and annotations of `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Entities>,
    /// The full text (and its entities) of a post longer than 280 characters.
    #[serde(default, alias = "note_post", skip_serializing_if = "Option::is_none")]
    pub note_tweet: Option<NoteTweet>,
    /// Public engagement counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metrics: Option<PublicMetrics>,
    /// BCP 47 language tag as X detected it (`und` when undetermined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The app it was posted with (older payloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether X flagged the content as possibly sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possibly_sensitive: Option<bool>,
    /// Who may reply (`everyone`, `mentionedUsers`, `following`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_settings: Option<String>,
    /// The ids of every version of an edited tweet, oldest first.
    #[serde(
        default,
        alias = "edit_history_post_ids",
        deserialize_with = "id_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub edit_history_tweet_ids: Vec<String>,
    /// Whether and until when the tweet can be edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_controls: Option<EditControls>,
    /// Withholding (copyright, country codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
    /// Topic annotations X attached (domain and entity).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub context_annotations: Vec<ContextAnnotation>,
    /// Media keys and poll ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Attachments>,
    /// A tagged place or coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<Geo>,
    /// Every other field, as received (for a flattened twarc line: `author`, `__twarc`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Tweet {
    /// The id of the tweet this one replies to (`referenced_tweets` of type `replied_to`).
    pub fn replied_to(&self) -> Option<&str> {
        self.reference(&ReferenceType::RepliedTo)
    }

    /// The id of the tweet this one quotes.
    pub fn quoted(&self) -> Option<&str> {
        self.reference(&ReferenceType::Quoted)
    }

    /// The id of the tweet this one retweets.
    pub fn retweeted(&self) -> Option<&str> {
        self.reference(&ReferenceType::Retweeted)
    }

    fn reference(&self, kind: &ReferenceType) -> Option<&str> {
        self.referenced_tweets
            .iter()
            .find(|r| &r.kind == kind)
            .map(|r| r.id.as_str())
    }
}

/// The kind of a reference from one tweet to another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceType {
    /// A reply.
    RepliedTo,
    /// A quote.
    Quoted,
    /// A retweet (repost).
    Retweeted,
    /// A kind this version does not know, kept as written.
    #[serde(untagged)]
    Other(String),
}

/// One entry of `referenced_tweets` (`referenced_posts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencedTweet {
    /// `replied_to`, `quoted` or `retweeted`.
    #[serde(rename = "type")]
    pub kind: ReferenceType,
    /// The referenced tweet's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
}

/// Entities of a text. Offsets are Unicode code points, start inclusive, end exclusive (annotations:
/// both inclusive). Use [`slice_code_points`](crate::convert::slice_code_points) to cut them out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Entities {
    /// `#tags`.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub hashtags: Vec<TagEntity>,
    /// `@mentions`.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub mentions: Vec<MentionEntity>,
    /// Links (t.co with their expansions).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub urls: Vec<UrlEntity>,
    /// `$cashtags`.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cashtags: Vec<TagEntity>,
    /// Named-entity annotations X detected.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub annotations: Vec<Annotation>,
}

/// A hashtag or cashtag: `tag` is written without `#`/`$`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TagEntity {
    /// Start offset (code points, inclusive).
    #[serde(default)]
    pub start: usize,
    /// End offset (code points, exclusive).
    #[serde(default)]
    pub end: usize,
    /// The tag without its sigil.
    #[serde(default)]
    pub tag: String,
}

/// A mention: `username` as X spells it (may differ in case from the text).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MentionEntity {
    /// Start offset (code points, inclusive).
    #[serde(default)]
    pub start: usize,
    /// End offset (code points, exclusive).
    #[serde(default)]
    pub end: usize,
    /// The handle without `@`.
    #[serde(default)]
    pub username: String,
    /// The user id (newer payloads).
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
}

/// A link in a text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UrlEntity {
    /// Start offset (code points, inclusive).
    #[serde(default)]
    pub start: usize,
    /// End offset (code points, exclusive).
    #[serde(default)]
    pub end: usize,
    /// The t.co link as it appears in the text.
    #[serde(default)]
    pub url: String,
    /// The expanded link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expanded_url: Option<String>,
    /// The link as displayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_url: Option<String>,
    /// The final link after redirects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unwound_url: Option<String>,
    /// HTTP status of the unwound link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Page title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Page description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The media key when the link points at attached media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_key: Option<String>,
    /// Preview images, as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Value>,
}

impl UrlEntity {
    /// The best link to keep: unwound, else expanded, else the t.co link.
    pub fn best(&self) -> &str {
        self.unwound_url
            .as_deref()
            .or(self.expanded_url.as_deref())
            .filter(|u| !u.is_empty())
            .unwrap_or(&self.url)
    }
}

/// A named-entity annotation (offsets inclusive at both ends).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Annotation {
    /// Start offset (code points, inclusive).
    #[serde(default)]
    pub start: usize,
    /// End offset (code points, inclusive).
    #[serde(default)]
    pub end: usize,
    /// Confidence between 0 and 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// `Person`, `Place`, `Product`, `Organization` or `Other`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The annotated text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_text: Option<String>,
}

/// The full text of a long post (`note_tweet`, `note_post`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NoteTweet {
    /// The full text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The entities of the full text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Entities>,
}

/// Public engagement counts of a tweet. The 2022 payloads have only the first four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublicMetrics {
    /// Retweets.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub retweet_count: Option<u64>,
    /// Replies.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub reply_count: Option<u64>,
    /// Likes.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub like_count: Option<u64>,
    /// Quotes.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_count: Option<u64>,
    /// Impressions.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub impression_count: Option<u64>,
    /// Bookmarks.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub bookmark_count: Option<u64>,
}

/// Edit state of a tweet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EditControls {
    /// Edits left.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub edits_remaining: Option<u32>,
    /// Whether the tweet can be edited at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_edit_eligible: Option<bool>,
    /// Until when it can be edited.
    #[serde(
        default,
        deserialize_with = "de_time",
        serialize_with = "ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub editable_until: Option<DateTime<Utc>>,
}

/// Withholding of a tweet or user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Withheld {
    /// Withheld for a copyright claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright: Option<bool>,
    /// ISO country codes where it is withheld (`XX`: everywhere, `XY`: in Germany's… see X docs).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub country_codes: Vec<String>,
    /// `tweet` or `user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A topic annotation: a domain (e.g. "Programming Language") and an entity in it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContextAnnotation {
    /// The domain.
    #[serde(default)]
    pub domain: ContextEntity,
    /// The entity.
    #[serde(default)]
    pub entity: ContextEntity,
}

/// A domain or entity of a [`ContextAnnotation`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContextEntity {
    /// Its id.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Attached media and polls.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Attachments {
    /// Keys into `includes.media`.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub media_keys: Vec<String>,
    /// Ids into `includes.polls`.
    #[serde(
        default,
        deserialize_with = "id_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub poll_ids: Vec<String>,
}

/// A tagged place or exact coordinates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Geo {
    /// Id into `includes.places`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
    /// GeoJSON point, as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Value>,
}
