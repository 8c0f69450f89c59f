//! Lean structs for the import hot path.
//!
//! One struct, [`Node`], reads every kind of line: a twarc2 page (`data`, `includes`, `errors`, `meta`),
//! a stream message (`data` object + `matching_rules`), a flattened twarc tweet (the tweet's own
//! fields with `author` and full `referenced_tweets` inline) and the objects inside them (tweets and
//! users). Only the fields conversion needs are read; everything else is skipped by serde without
//! building values, and there is no `flatten` (which would buffer every object), so parsing runs close
//! to serde_json's typed-parse speed. The full [`models`](crate::models) are for faithful round trips.

use crate::convert::{TweetView, UserView};
use crate::models::{
    Entities, NoteTweet, OneOrMany, Problem, PublicMetrics, UserPublicMetrics, de_opt_id,
    de_opt_num,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "a JSON object: a twarc2 page, a stream message or a tweet"
)]
pub(crate) struct Node {
    #[serde(deserialize_with = "de_opt_id")]
    pub(crate) id: Option<String>,
    pub(crate) text: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    pub(crate) author_id: Option<String>,
    pub(crate) created_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de_opt_id")]
    pub(crate) conversation_id: Option<String>,
    #[serde(deserialize_with = "de_opt_id")]
    pub(crate) in_reply_to_user_id: Option<String>,
    pub(crate) lang: Option<String>,
    /// `type` of a referenced tweet, or of a problem document.
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(alias = "referenced_posts", deserialize_with = "null_default")]
    pub(crate) referenced_tweets: Vec<Node>,
    pub(crate) entities: Option<Entities>,
    #[serde(alias = "note_post")]
    pub(crate) note_tweet: Option<NoteTweet>,
    pub(crate) public_metrics: Option<Metrics>,
    // user fields
    pub(crate) username: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) description: Option<String>,
    // flattened twarc
    pub(crate) author: Option<Box<Node>>,
    pub(crate) in_reply_to_user: Option<Box<Node>>,
    // page fields
    pub(crate) data: Option<Box<OneOrMany<Node>>>,
    pub(crate) includes: Option<IncludesLite>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) errors: Vec<Problem>,
    pub(crate) meta: Option<IgnoredAny>,
    // request-level problem document
    pub(crate) title: Option<String>,
    pub(crate) detail: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct IncludesLite {
    #[serde(deserialize_with = "null_default")]
    pub(crate) users: Vec<Node>,
    #[serde(alias = "posts", deserialize_with = "null_default")]
    pub(crate) tweets: Vec<Node>,
}

/// Tweet and user public metrics in one struct (a node does not know yet which it is).
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub(crate) struct Metrics {
    #[serde(deserialize_with = "de_opt_num")]
    retweet_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    reply_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    like_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    quote_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    impression_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    bookmark_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    followers_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    following_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    tweet_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    listed_count: Option<u64>,
}

/// What one line turned out to be.
pub(crate) enum Kind {
    /// A page or stream message.
    Page,
    /// A flattened tweet.
    FlatTweet,
    /// An RFC 7807 problem document (title, detail).
    Problem(String, String),
    /// None of the above.
    Unknown,
}

impl Node {
    pub(crate) fn kind(&self) -> Kind {
        let has_page = self.data.is_some() || self.includes.is_some() || self.meta.is_some();
        if !has_page && (self.title.is_some() || self.detail.is_some()) && self.text.is_none() {
            return Kind::Problem(
                self.title.clone().unwrap_or_default(),
                self.detail.clone().unwrap_or_default(),
            );
        }
        if has_page || !self.errors.is_empty() {
            Kind::Page
        } else if self.id.is_some() && (self.text.is_some() || self.author_id.is_some()) {
            Kind::FlatTweet
        } else {
            Kind::Unknown
        }
    }

    fn is_user(&self) -> bool {
        self.text.is_none() && self.username.is_some()
    }

    pub(crate) fn tweet_view(&self) -> TweetView<'_> {
        let m = self.public_metrics.unwrap_or_default();
        let mut v = TweetView {
            id: self.id.as_deref().unwrap_or(""),
            text: self.text.as_deref().unwrap_or(""),
            author_id: self.author_id.as_deref(),
            created_at: self.created_at,
            conversation_id: self.conversation_id.as_deref(),
            in_reply_to_user_id: self.in_reply_to_user_id.as_deref(),
            lang: self.lang.as_deref(),
            entities: self.entities.as_ref(),
            note: self.note_tweet.as_ref(),
            metrics: PublicMetrics {
                retweet_count: m.retweet_count,
                reply_count: m.reply_count,
                like_count: m.like_count,
                quote_count: m.quote_count,
                impression_count: m.impression_count,
                bookmark_count: m.bookmark_count,
            },
            ..TweetView::default()
        };
        if v.author_id.is_none() {
            v.author_id = self.author.as_ref().and_then(|a| a.id.as_deref());
        }
        for r in &self.referenced_tweets {
            if let (Some(k), Some(id)) = (r.kind.as_deref(), r.id.as_deref()) {
                v.set_reference(k, id);
            }
        }
        v
    }

    pub(crate) fn user_view(&self) -> UserView<'_> {
        let m = self.public_metrics.unwrap_or_default();
        UserView {
            id: self.id.as_deref().unwrap_or(""),
            username: self.username.as_deref(),
            name: self.name.as_deref(),
            description: self.description.as_deref(),
            created_at: self.created_at,
            metrics: UserPublicMetrics {
                followers_count: m.followers_count,
                following_count: m.following_count,
                tweet_count: m.tweet_count,
                listed_count: m.listed_count,
                like_count: None,
            },
        }
    }

    /// Splits a page (or a flattened tweet) into users, included tweets and data tweets.
    pub(crate) fn views(&self) -> (Vec<UserView<'_>>, Vec<TweetView<'_>>, Vec<TweetView<'_>>) {
        let mut users = Vec::new();
        let mut included = Vec::new();
        let mut data = Vec::new();
        if let Some(inc) = &self.includes {
            users.extend(inc.users.iter().map(Node::user_view));
            for t in &inc.tweets {
                push_tweet(t, &mut users, &mut included);
            }
        }
        let items: &[Node] = match &self.data {
            Some(d) => d.as_slice(),
            None if matches!(self.kind(), Kind::FlatTweet) => std::slice::from_ref(self),
            None => &[],
        };
        for item in items {
            if item.id.is_none() {
                // Not a tweet or user (e.g. a counts bucket): nothing to convert.
                continue;
            }
            if item.is_user() {
                users.push(item.user_view());
            } else {
                // Full referenced tweets inlined by `twarc2 flatten` are posts too.
                for r in &item.referenced_tweets {
                    if r.text.is_some() {
                        push_tweet(r, &mut users, &mut included);
                    }
                }
                push_tweet(item, &mut users, &mut data);
            }
        }
        (users, included, data)
    }
}

fn push_tweet<'a>(t: &'a Node, users: &mut Vec<UserView<'a>>, out: &mut Vec<TweetView<'a>>) {
    for u in [&t.author, &t.in_reply_to_user].into_iter().flatten() {
        if u.id.is_some() {
            users.push(u.user_view());
        }
    }
    out.push(t.tweet_view());
}
