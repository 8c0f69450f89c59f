//! Lean structs for the import hot path.
//!
//! One struct, [`Node`], reads every kind of line: a twarc2 page (`data`, `includes`, `errors`, `meta`),
//! a stream message (`data` object + `matching_rules`), a flattened twarc tweet (the tweet's own
//! fields with `author` and full `referenced_tweets` inline) and the objects inside them (tweets and
//! users). Only the fields conversion needs are read, strings are borrowed from the line when they
//! have no escapes, everything else is skipped by serde without building values, and there is no
//! `flatten` (which would buffer every object). The full [`models`](crate::models) are for faithful
//! round trips.

use crate::convert::{Annots, At, Ents, TweetView, UserView};
use crate::models::{OneOrMany, Problem, PublicMetrics, UserPublicMetrics, de_opt_num, de_time};
use chrono::{DateTime, Utc};
use rapport_core::compliance::{ComplianceAction, ComplianceEvent, ComplianceTarget};
use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

type Str<'a> = Cow<'a, str>;

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An optional id as a borrowed string, or a number turned into one.
fn opt_id<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Str<'a>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Str<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id as a string or a non-negative integer")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
    }
    d.deserialize_option(V)
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "a JSON object: a twarc2 page, a stream message or a tweet"
)]
pub(crate) struct Node<'a> {
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) id: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) text: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) author_id: Option<Str<'a>>,
    #[serde(deserialize_with = "de_time")]
    pub(crate) created_at: Option<DateTime<Utc>>,
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) conversation_id: Option<Str<'a>>,
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) in_reply_to_user_id: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) lang: Option<Str<'a>>,
    /// `type` of a referenced tweet, or of a problem document.
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Option<Str<'a>>,
    #[serde(borrow, alias = "referenced_posts", deserialize_with = "null_default")]
    pub(crate) referenced_tweets: Vec<Node<'a>>,
    #[serde(borrow)]
    pub(crate) entities: Option<Box<LiteEntities<'a>>>,
    #[serde(borrow, alias = "note_post")]
    pub(crate) note_tweet: Option<Box<LiteNote<'a>>>,
    pub(crate) public_metrics: Option<Box<Metrics>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) context_annotations: Vec<LiteAnnotation<'a>>,
    // user fields
    #[serde(borrow)]
    pub(crate) username: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) name: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) description: Option<Str<'a>>,
    // flattened twarc
    #[serde(borrow)]
    pub(crate) author: Option<Box<Node<'a>>>,
    #[serde(borrow)]
    pub(crate) in_reply_to_user: Option<Box<Node<'a>>>,
    // page fields
    #[serde(borrow)]
    pub(crate) data: Option<Box<OneOrMany<Node<'a>>>>,
    #[serde(borrow)]
    pub(crate) includes: Option<Box<IncludesLite<'a>>>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) errors: Vec<Problem>,
    pub(crate) meta: Option<IgnoredAny>,
    // compliance job result line
    #[serde(borrow)]
    pub(crate) action: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) reason: Option<Str<'a>>,
    #[serde(deserialize_with = "de_time")]
    pub(crate) redacted_at: Option<DateTime<Utc>>,
    // request-level problem document
    #[serde(borrow)]
    pub(crate) title: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) detail: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct IncludesLite<'a> {
    #[serde(borrow, deserialize_with = "page_list")]
    pub(crate) users: Vec<Node<'a>>,
    #[serde(borrow, alias = "posts", deserialize_with = "page_list")]
    pub(crate) tweets: Vec<Node<'a>>,
}

/// A page-sized list of nodes (or `null`): like [`null_default`], but the vector starts with room
/// for a page's worth of nodes, which are large, instead of growing (and copying) from a few.
fn page_list<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Node<'a>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Node<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of objects")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(128);
            while let Some(n) = seq.next_element()? {
                out.push(n);
            }
            Ok(out)
        }
    }
    d.deserialize_option(V)
}

/// The entities conversion uses: hashtags, mentions, urls.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteEntities<'a> {
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) hashtags: Vec<LiteTag<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) mentions: Vec<LiteMention<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) urls: Vec<LiteUrl<'a>>,
}

/// A `context_annotations` item: a domain and an entity, each with an id and a name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteAnnotation<'a> {
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) domain: LiteNamed<'a>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(crate) entity: LiteNamed<'a>,
}

/// The id and name of an annotation's domain or entity.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteNamed<'a> {
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) id: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) name: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteTag<'a> {
    #[serde(borrow)]
    pub(crate) tag: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteMention<'a> {
    pub(crate) start: usize,
    #[serde(borrow)]
    pub(crate) username: Str<'a>,
    #[serde(borrow, deserialize_with = "opt_id")]
    pub(crate) id: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteUrl<'a> {
    #[serde(borrow)]
    pub(crate) url: Str<'a>,
    #[serde(borrow)]
    pub(crate) expanded_url: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) unwound_url: Option<Str<'a>>,
}

impl LiteUrl<'_> {
    /// Unwound, else expanded, else the t.co link (as [`UrlEntity::best`](crate::models::UrlEntity::best)).
    pub(crate) fn best(&self) -> &str {
        self.unwound_url
            .as_deref()
            .or(self.expanded_url.as_deref())
            .filter(|u| !u.is_empty())
            .unwrap_or(&self.url)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LiteNote<'a> {
    #[serde(borrow)]
    pub(crate) text: Option<Str<'a>>,
    #[serde(borrow)]
    pub(crate) entities: Option<LiteEntities<'a>>,
}

/// Tweet and user public metrics in one struct (a node does not know yet which it is).
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
#[allow(clippy::struct_field_names)] // the wire names
pub(crate) struct Metrics {
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) retweet_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) reply_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) like_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) quote_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) impression_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) bookmark_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) followers_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) following_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) tweet_count: Option<u64>,
    #[serde(deserialize_with = "de_opt_num")]
    pub(crate) listed_count: Option<u64>,
}

/// What one line turned out to be.
pub(crate) enum Kind {
    /// A page or stream message.
    Page,
    /// A flattened tweet.
    FlatTweet,
    /// An RFC 7807 problem document (title, detail).
    Problem(String, String),
    /// A compliance job result line (`id`, `action`, …).
    Compliance,
    /// None of the above.
    Unknown,
}

fn ents<'a>(e: Option<&'a LiteEntities<'a>>) -> Ents<'a> {
    e.map_or(Ents::None, Ents::Lite)
}

impl<'a> Node<'a> {
    pub(crate) fn kind(&self) -> Kind {
        let has_page = self.data.is_some() || self.includes.is_some() || self.meta.is_some();
        if !has_page && (self.title.is_some() || self.detail.is_some()) && self.text.is_none() {
            return Kind::Problem(
                self.title.as_deref().unwrap_or_default().to_owned(),
                self.detail.as_deref().unwrap_or_default().to_owned(),
            );
        }
        if has_page || !self.errors.is_empty() {
            Kind::Page
        } else if self.action.is_some() && self.text.is_none() {
            Kind::Compliance
        } else if self.id.is_some() && (self.text.is_some() || self.author_id.is_some()) {
            Kind::FlatTweet
        } else {
            Kind::Unknown
        }
    }

    /// The compliance event of a [`Kind::Compliance`] line, or what is wrong with it.
    pub(crate) fn compliance_event(&self) -> Result<ComplianceEvent, String> {
        let id = self
            .id
            .as_deref()
            .filter(|i| !i.trim().is_empty())
            .ok_or("expected a compliance event with a non-empty `id`")?;
        let name = self.action.as_deref().unwrap_or_default();
        let action = ComplianceAction::parse(name).ok_or_else(|| {
            let all: Vec<&str> = ComplianceAction::ALL.iter().map(|a| a.as_str()).collect();
            format!(
                "unknown compliance action '{}': expected one of {}",
                rapport_core::error::cut(name),
                all.join(", ")
            )
        })?;
        let target = match self.kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("tweet" | "post") => ComplianceTarget::Post,
            Some("user" | "account") => ComplianceTarget::Account,
            _ => match action {
                // Only a `delete` (and the country and geo actions) can be about a post or a user.
                ComplianceAction::Delete
                | ComplianceAction::Withhold
                | ComplianceAction::ScrubGeo => ComplianceTarget::Unknown,
                _ => ComplianceTarget::Account,
            },
        };
        Ok(ComplianceEvent {
            id: id.to_owned(),
            target,
            action,
            created_at: self.created_at,
            redacted_at: self.redacted_at,
            reason: self.reason.as_deref().map(str::to_owned),
        })
    }

    fn is_user(&self) -> bool {
        self.text.is_none() && self.username.is_some()
    }

    pub(crate) fn tweet_view(&'a self, at: At) -> TweetView<'a> {
        let m = self.public_metrics.as_deref().copied().unwrap_or_default();
        let mut v = TweetView {
            id: self.id.as_deref().unwrap_or(""),
            text: self.text.as_deref().unwrap_or(""),
            author_id: self.author_id.as_deref(),
            created_at: self.created_at,
            conversation_id: self.conversation_id.as_deref(),
            in_reply_to_user_id: self.in_reply_to_user_id.as_deref(),
            lang: self.lang.as_deref(),
            entities: ents(self.entities.as_deref()),
            annotations: if self.context_annotations.is_empty() {
                Annots::None
            } else {
                Annots::Lite(&self.context_annotations)
            },
            note: self
                .note_tweet
                .as_ref()
                .and_then(|n| Some((n.text.as_deref()?, ents(n.entities.as_ref())))),
            metrics: PublicMetrics {
                retweet_count: m.retweet_count,
                reply_count: m.reply_count,
                like_count: m.like_count,
                quote_count: m.quote_count,
                impression_count: m.impression_count,
                bookmark_count: m.bookmark_count,
            },
            at,
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

    pub(crate) fn user_view(&'a self, at: At) -> UserView<'a> {
        let m = self.public_metrics.as_deref().copied().unwrap_or_default();
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
            at,
        }
    }

    /// Splits a page (or a flattened tweet) into users, included tweets and data tweets.
    pub(crate) fn views(&'a self) -> (Vec<UserView<'a>>, Vec<TweetView<'a>>, Vec<TweetView<'a>>) {
        let mut users = Vec::new();
        let mut included = Vec::new();
        let mut data = Vec::new();
        if let Some(inc) = &self.includes {
            users.extend(
                inc.users
                    .iter()
                    .enumerate()
                    .map(|(i, u)| u.user_view(At::new("includes.users", i))),
            );
            for (i, t) in inc.tweets.iter().enumerate() {
                push_tweet(t, At::new("includes.tweets", i), &mut users, &mut included);
            }
        }
        let (items, section): (&[Node<'a>], _) = match &self.data {
            Some(d) => (d.as_slice(), "data"),
            None if matches!(self.kind(), Kind::FlatTweet) => (std::slice::from_ref(self), ""),
            None => (&[], ""),
        };
        for (i, item) in items.iter().enumerate() {
            if item.id.is_none() {
                // Not a tweet or user (e.g. a counts bucket): nothing to convert.
                continue;
            }
            let at = At::new(section, i);
            if item.is_user() {
                users.push(item.user_view(at));
            } else {
                // Full referenced tweets inlined by `twarc2 flatten` are posts too.
                for r in &item.referenced_tweets {
                    if r.text.is_some() {
                        push_tweet(r, at.sub(".referenced_tweets"), &mut users, &mut included);
                    }
                }
                push_tweet(item, at, &mut users, &mut data);
            }
        }
        (users, included, data)
    }
}

fn push_tweet<'a>(
    t: &'a Node<'a>,
    at: At,
    users: &mut Vec<UserView<'a>>,
    out: &mut Vec<TweetView<'a>>,
) {
    for (u, sub) in [
        (&t.author, ".author"),
        (&t.in_reply_to_user, ".in_reply_to_user"),
    ] {
        if let Some(u) = u
            && u.id.is_some()
        {
            users.push(u.user_view(at.sub(sub)));
        }
    }
    out.push(t.tweet_view(at));
}
