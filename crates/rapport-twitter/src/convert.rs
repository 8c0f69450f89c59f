//! One API page → core [`Post`]s and [`Account`]s in a [`Corpus`].
//!
//! The rules, in the order they apply:
//!
//! * **Accounts** come from `includes.users` and, for user endpoints, from `data`. They are added before
//!   the posts so posts find their authors' handles.
//! * **Posts** come from `includes.tweets` (they are real posts that others referenced) and then from
//!   `data`, so within one page the `data` copy of a tweet wins (the corpus keeps the later copy).
//! * **Full text**: a long post's `note_tweet.text`; else, for a retweet whose original is in
//!   `includes.tweets`, `"RT @original_author: "` followed by the original's full text (so the text
//!   still reads as a repost, as on X, but is no longer cut at 140 characters); else `text`. A retweet
//!   whose original is missing keeps its truncated `RT @x: …` text, and is counted in
//!   [`ConvertStats::reposts_truncated`]. `&amp;`, `&lt;` and `&gt;` (X escapes them in `text`) are
//!   unescaped.
//! * **Entities**: hashtags, mentions and urls from the entities of whichever text was used (the note's
//!   entities for a note, the original's for a retweet plus the mention of the retweeted author). A
//!   mention without a user id gets one from `includes.users` by case-insensitive username.
//! * **Time**: `created_at` (millisecond precision); when absent, the time encoded in the snowflake id.
//!   A tweet with neither, or without `author_id`, cannot be a post and is counted, not added.
//! * **References**: `reply_to`, `quoted`, `reposted` from `referenced_tweets`; `reply_to_account` from
//!   `in_reply_to_user_id`.
//!
//! Entity offsets are Unicode code points; [`slice_code_points`] cuts them out of a text.

use crate::models::{
    Entities, PublicMetrics, ReferenceType, Response, Tweet, UrlEntity, User, UserPublicMetrics,
    UsersResponse,
};
use chrono::{DateTime, TimeZone, Utc};
use hashbrown::HashMap;
use rapport_core::{
    Account, Corpus, NewAccount, NewMention, NewPost, Platform, Post, ProfileCounts,
};
use serde::Serialize;
use std::borrow::Cow;

/// What converting one or more pages did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ConvertStats {
    /// Posts added (or replacing an earlier copy), from `data` and `includes.tweets`.
    pub posts: u64,
    /// Accounts added or updated.
    pub accounts: u64,
    /// Tweets without `author_id` (requested without the field): not added.
    pub skipped_no_author: u64,
    /// Tweets without `created_at` whose id is not a snowflake: not added.
    pub skipped_no_time: u64,
    /// Tweets and users with an empty or unusable id: not added.
    pub skipped_invalid_id: u64,
    /// Copies of a tweet whose author or creation time disagree with the copy already in the corpus:
    /// not added (the first copy is kept).
    pub skipped_conflict: u64,
    /// Retweets whose full text came from the original in `includes.tweets`.
    pub reposts_full_text: u64,
    /// Retweets whose original was missing: their text stays truncated.
    pub reposts_truncated: u64,
    /// Partial errors seen on the pages.
    pub partial_errors: u64,
}

impl std::ops::AddAssign for ConvertStats {
    fn add_assign(&mut self, o: Self) {
        self.posts += o.posts;
        self.accounts += o.accounts;
        self.skipped_no_author += o.skipped_no_author;
        self.skipped_no_time += o.skipped_no_time;
        self.skipped_invalid_id += o.skipped_invalid_id;
        self.skipped_conflict += o.skipped_conflict;
        self.reposts_full_text += o.reposts_full_text;
        self.reposts_truncated += o.reposts_truncated;
        self.partial_errors += o.partial_errors;
    }
}

/// Adds the posts and accounts of one tweets page (search, timeline, lookup, stream message) to a
/// corpus. See the [module docs](self) for the rules.
///
/// ```
/// use rapport_core::Corpus;
/// use rapport_twitter::{convert::add_response, models::Response};
/// let page: Response = serde_json::from_str(r#"{
///   "data":[{"id":"2","text":"RT @ada: Rust is…","author_id":"9","created_at":"2024-05-01T10:00:00.123Z",
///            "referenced_tweets":[{"type":"retweeted","id":"1"}]}],
///   "includes":{"tweets":[{"id":"1","text":"Rust is great for #HR tools","author_id":"7",
///            "created_at":"2024-05-01T09:00:00.000Z","entities":{"hashtags":[{"start":18,"end":21,"tag":"HR"}]}}],
///     "users":[{"id":"7","username":"ada"},{"id":"9","username":"bob"}]}}"#).unwrap();
/// let mut corpus = Corpus::new();
/// let stats = add_response(&mut corpus, &page);
/// assert_eq!((stats.posts, stats.accounts, stats.reposts_full_text), (2, 2, 1));
/// let rt = corpus.post_by_id("2").unwrap();
/// assert_eq!(rt.text(), "RT @ada: Rust is great for #HR tools");
/// assert_eq!(rt.reposted_id(), Some("1"));
/// assert_eq!(rt.created_ms() % 1000, 123);
/// ```
pub fn add_response(corpus: &mut Corpus, page: &Response) -> ConvertStats {
    let users = user_views(page.included_users(), "includes.users");
    let included = tweet_views(page.included_tweets(), "includes.tweets");
    let data = tweet_views(page.items(), "data");
    let mut stats = add_views(corpus, &users, &included, &data, &mut Vec::new());
    stats.partial_errors += page.errors.len() as u64;
    stats
}

/// Adds the users of one users page (lookups, followers, list members, …) and its included tweets
/// (pinned tweets) to a corpus.
///
/// ```
/// use rapport_core::Corpus;
/// use rapport_twitter::{convert::add_users_response, models::UsersResponse};
/// let page: UsersResponse = serde_json::from_str(
///     r##"{"data":[{"id":"1","username":"Ada","name":"Ada L.","description":"#rustlang"}]}"##).unwrap();
/// let mut corpus = Corpus::new();
/// add_users_response(&mut corpus, &page);
/// assert_eq!(corpus.account_by_handle("ada").unwrap().bio(), Some("#rustlang"));
/// ```
pub fn add_users_response(corpus: &mut Corpus, page: &UsersResponse) -> ConvertStats {
    let mut users = user_views(page.included_users(), "includes.users");
    users.extend(user_views(page.items(), "data"));
    let included = tweet_views(page.included_tweets(), "includes.tweets");
    let mut stats = add_views(corpus, &users, &included, &[], &mut Vec::new());
    stats.partial_errors += page.errors.len() as u64;
    stats
}

fn tweet_views<'a>(tweets: &'a [Tweet], section: &'static str) -> Vec<TweetView<'a>> {
    let view = |(i, t)| TweetView {
        at: At::new(section, i),
        ..TweetView::from(t)
    };
    tweets.iter().enumerate().map(view).collect()
}

fn user_views<'a>(users: &'a [User], section: &'static str) -> Vec<UserView<'a>> {
    let view = |(i, u)| UserView {
        at: At::new(section, i),
        ..UserView::from(u)
    };
    users.iter().enumerate().map(view).collect()
}

/// Converts one user to a core account.
///
/// ```
/// use rapport_twitter::{convert::user_to_account, models::User};
/// let u: User = serde_json::from_str(r#"{"id":"1","username":"ada","public_metrics":{"followers_count":3}}"#).unwrap();
/// let a = user_to_account(&u);
/// assert_eq!((a.handle.as_str(), a.counts.followers), ("ada", Some(3)));
/// ```
pub fn user_to_account(user: &User) -> Account {
    UserView::from(user).to_account()
}

/// Converts one tweet to a core post, looking up retweeted originals and mentioned users in `includes`
/// when given. `None` when the tweet has no author or no time (see the module docs).
///
/// ```
/// use rapport_twitter::{convert::tweet_to_post, models::Tweet};
/// let t: Tweet = serde_json::from_str(r#"{"id":"1440717145042653184","text":"a &amp; b","author_id":"7"}"#).unwrap();
/// let p = tweet_to_post(&t, None).unwrap();
/// assert_eq!(p.text, "a & b");
/// // No created_at: the time comes from the snowflake id.
/// assert_eq!(p.created_at.to_rfc3339(), "2021-09-22T16:38:29.265+00:00");
/// ```
pub fn tweet_to_post(tweet: &Tweet, includes: Option<&crate::models::Includes>) -> Option<Post> {
    let users: Vec<UserView<'_>> = includes
        .map(|i| i.users.iter().map(UserView::from).collect())
        .unwrap_or_default();
    let included: Vec<TweetView<'_>> = includes
        .map(|i| i.tweets.iter().map(TweetView::from).collect())
        .unwrap_or_default();
    let ctx = PageCtx::new(&users, &included);
    ctx.post(&TweetView::from(tweet), &mut ConvertStats::default())
        .ok()
        .map(|p| p.to_post())
}

/// The slice of `text` between code-point offsets `start` (inclusive) and `end` (exclusive), as X
/// counts entity offsets. `None` when the offsets are out of range or reversed.
///
/// ```
/// use rapport_twitter::convert::slice_code_points;
/// let text = "Café ☕ #Rust 🦀 @ada";
/// assert_eq!(slice_code_points(text, 7, 12), Some("#Rust"));
/// assert_eq!(slice_code_points(text, 15, 19), Some("@ada"));
/// assert_eq!(slice_code_points(text, 15, 40), None);
/// ```
pub fn slice_code_points(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut it = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let b_start = it.nth(start)?;
    let b_end = if end == start {
        b_start
    } else {
        it.nth(end - start - 1)?
    };
    Some(&text[b_start..b_end])
}

/// The creation time encoded in a snowflake id (tweets and users since November 2010), with
/// millisecond precision. `None` for older sequential ids and non-numeric strings.
///
/// ```
/// use rapport_twitter::convert::snowflake_time;
/// // A tweet in the twarc2 search fixture: created_at 2021-09-22T16:38:35.000Z; the id carries the
/// // milliseconds (worked out by hand: (id >> 22) + 1288834974657 ms since the Unix epoch).
/// assert_eq!(snowflake_time("1440717170493689866").unwrap().to_rfc3339(), "2021-09-22T16:38:35.333+00:00");
/// assert_eq!(snowflake_time("20"), None);
/// ```
pub fn snowflake_time(id: &str) -> Option<DateTime<Utc>> {
    const TWEPOCH_MS: i64 = 1_288_834_974_657;
    let n: u64 = id.parse().ok()?;
    // Pre-snowflake ids are sequential and below 2^42; their top bits are not a time.
    if n < (1 << 42) {
        return None;
    }
    let ms = (n >> 22) as i64 + TWEPOCH_MS;
    Utc.timestamp_millis_opt(ms).single()
}

// ----- views: the fields conversion needs, borrowed from either the full models or the import path's
// ----- lean structs, so both paths share one conversion.

/// Where a tweet or user view sits in its page, for error messages: `data[3]`,
/// `includes.tweets[0]`, `data[1].author`; `.` for a flattened tweet (the line itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct At {
    section: &'static str,
    index: usize,
    sub: &'static str,
}

impl At {
    pub(crate) fn new(section: &'static str, index: usize) -> Self {
        At {
            section,
            index,
            sub: "",
        }
    }

    pub(crate) fn sub(self, sub: &'static str) -> Self {
        At { sub, ..self }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.section, self.sub) {
            ("", "") => f.write_str("."),
            ("", sub) => f.write_str(sub.trim_start_matches('.')),
            (section, sub) => write!(f, "{section}[{}]{sub}", self.index),
        }
    }
}

/// A tweet or user of a page that could not be added, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// The JSON path inside the page.
    pub(crate) path: String,
    pub(crate) kind: crate::import::SkipReason,
    /// What was expected and found.
    pub(crate) message: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TweetView<'a> {
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
    pub(crate) author_id: Option<&'a str>,
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) conversation_id: Option<&'a str>,
    pub(crate) in_reply_to_user_id: Option<&'a str>,
    pub(crate) lang: Option<&'a str>,
    pub(crate) replied_to: Option<&'a str>,
    pub(crate) quoted: Option<&'a str>,
    pub(crate) retweeted: Option<&'a str>,
    pub(crate) entities: Ents<'a>,
    /// `context_annotations`.
    pub(crate) annotations: Annots<'a>,
    /// `note_tweet.text` and its entities.
    pub(crate) note: Option<(&'a str, Ents<'a>)>,
    pub(crate) metrics: PublicMetrics,
    pub(crate) at: At,
}

/// Context annotations from the full models or from the import path's lean structs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Annots<'a> {
    #[default]
    None,
    Full(&'a [crate::models::ContextAnnotation]),
    Lite(&'a [crate::import::lite::LiteAnnotation<'a>]),
}

impl<'a> Annots<'a> {
    /// The core annotations: those with an entity id, each (domain, entity) pair once, borrowed.
    fn to_new(self) -> Vec<rapport_core::NewAnnotation<'a>> {
        fn one<'s>(
            d_id: Option<&'s str>,
            d_name: Option<&'s str>,
            e_id: Option<&'s str>,
            e_name: Option<&'s str>,
        ) -> Option<rapport_core::NewAnnotation<'s>> {
            let e_id = e_id.map(str::trim).filter(|e| !e.is_empty())?;
            let name = |s: Option<&'s str>| s.map(str::trim).filter(|s| !s.is_empty());
            Some(rapport_core::NewAnnotation {
                domain_id: d_id.unwrap_or("").trim(),
                domain_name: name(d_name),
                entity_id: e_id,
                entity_name: name(e_name),
            })
        }
        let all: Vec<rapport_core::NewAnnotation<'a>> = match self {
            Annots::None => Vec::new(),
            Annots::Full(a) => a
                .iter()
                .filter_map(|a| {
                    one(
                        a.domain.id.as_deref(),
                        a.domain.name.as_deref(),
                        a.entity.id.as_deref(),
                        a.entity.name.as_deref(),
                    )
                })
                .collect(),
            Annots::Lite(a) => a
                .iter()
                .filter_map(|a| {
                    one(
                        a.domain.id.as_deref(),
                        a.domain.name.as_deref(),
                        a.entity.id.as_deref(),
                        a.entity.name.as_deref(),
                    )
                })
                .collect(),
        };
        let mut out: Vec<rapport_core::NewAnnotation<'a>> = Vec::with_capacity(all.len());
        for a in all {
            if !out
                .iter()
                .any(|o| o.domain_id == a.domain_id && o.entity_id == a.entity_id)
            {
                out.push(a);
            }
        }
        out
    }
}

/// Entities from the full models or from the import path's lean structs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Ents<'a> {
    #[default]
    None,
    Full(&'a Entities),
    Lite(&'a crate::import::lite::LiteEntities<'a>),
}

impl<'a> Ents<'a> {
    fn is_none(self) -> bool {
        matches!(self, Ents::None)
    }

    fn or(self, other: Ents<'a>) -> Ents<'a> {
        if self.is_none() { other } else { self }
    }

    /// The mention that starts first (a retweet's retweeted author).
    fn first_mention(self) -> Option<(&'a str, Option<&'a str>)> {
        match self {
            Ents::None => None,
            Ents::Full(e) => e
                .mentions
                .iter()
                .min_by_key(|m| m.start)
                .map(|m| (m.username.as_str(), m.id.as_deref())),
            Ents::Lite(e) => e
                .mentions
                .iter()
                .min_by_key(|m| m.start)
                .map(|m| (&*m.username, m.id.as_deref())),
        }
    }
}

impl<'a> From<&'a Tweet> for TweetView<'a> {
    fn from(t: &'a Tweet) -> Self {
        let mut v = TweetView {
            id: &t.id,
            text: &t.text,
            author_id: t.author_id.as_deref(),
            created_at: t.created_at,
            conversation_id: t.conversation_id.as_deref(),
            in_reply_to_user_id: t.in_reply_to_user_id.as_deref(),
            lang: t.lang.as_deref(),
            entities: t.entities.as_ref().map_or(Ents::None, Ents::Full),
            annotations: if t.context_annotations.is_empty() {
                Annots::None
            } else {
                Annots::Full(&t.context_annotations)
            },
            note: t.note_tweet.as_ref().and_then(|n| {
                let text = n.text.as_deref()?;
                Some((text, n.entities.as_ref().map_or(Ents::None, Ents::Full)))
            }),
            metrics: t.public_metrics.unwrap_or_default(),
            ..TweetView::default()
        };
        for r in &t.referenced_tweets {
            v.set_reference(
                match &r.kind {
                    ReferenceType::RepliedTo => "replied_to",
                    ReferenceType::Quoted => "quoted",
                    ReferenceType::Retweeted => "retweeted",
                    ReferenceType::Other(s) => s,
                },
                &r.id,
            );
        }
        v
    }
}

impl<'a> TweetView<'a> {
    pub(crate) fn set_reference(&mut self, kind: &str, id: &'a str) {
        let slot = match kind {
            "replied_to" => &mut self.replied_to,
            "quoted" => &mut self.quoted,
            "retweeted" => &mut self.retweeted,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(id);
        }
    }

    /// The note text when there is a non-empty one, with its entities (falling back to the tweet's).
    fn full(&self) -> (&'a str, Ents<'a>) {
        match self.note {
            Some((t, e)) if !t.is_empty() => (t, e.or(self.entities)),
            _ => (self.text, self.entities),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct UserView<'a> {
    pub(crate) id: &'a str,
    pub(crate) username: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) metrics: UserPublicMetrics,
    pub(crate) at: At,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(u: &'a User) -> Self {
        UserView {
            id: &u.id,
            username: u.username.as_deref(),
            name: u.name.as_deref(),
            description: u.description.as_deref(),
            created_at: u.created_at,
            metrics: u.public_metrics.unwrap_or_default(),
            at: At::default(),
        }
    }
}

impl<'a> UserView<'a> {
    /// The user as an account borrowing the view's strings.
    pub(crate) fn as_new(&self) -> NewAccount<'a> {
        let m = self.metrics;
        NewAccount {
            id: self.id,
            handle: self.username.unwrap_or(""),
            display_name: self.name,
            bio: self.description,
            created_at: self.created_at,
            counts: ProfileCounts {
                followers: m.followers_count,
                following: m.following_count,
                posts: m.tweet_count,
                listed: m.listed_count,
            },
            platform: Platform::X,
        }
    }

    pub(crate) fn to_account(self) -> Account {
        self.as_new().to_account()
    }
}

/// Adds accounts, then included tweets, then data tweets. What cannot be added (no author, no time,
/// an unusable id, a conflicting copy) is counted in the stats and described in `issues`.
pub(crate) fn add_views(
    corpus: &mut Corpus,
    users: &[UserView<'_>],
    included: &[TweetView<'_>],
    data: &[TweetView<'_>],
    issues: &mut Vec<Issue>,
) -> ConvertStats {
    convert_views(users, included, data).apply(corpus, issues)
}

/// One step of adding a page to a corpus, decided before the corpus is touched.
pub(crate) enum Op<'a> {
    Account(NewAccount<'a>, At),
    Post(NewPost<'a>, At),
    Issue(Issue),
}

/// A page converted into owned accounts and posts (and the problems found on the way), in page order,
/// ready to be added to a corpus. Converting needs no corpus, so the importer converts lines on
/// several threads and then applies them one after the other in file order: the corpus ends up the
/// same as with one thread ("a later copy wins", the same issues in the same order).
pub(crate) struct Converted<'a> {
    ops: Vec<Op<'a>>,
    stats: ConvertStats,
}

/// Converts the views of one page (see [`Converted`]).
pub(crate) fn convert_views<'a>(
    users: &[UserView<'a>],
    included: &[TweetView<'a>],
    data: &[TweetView<'a>],
) -> Converted<'a> {
    use crate::import::SkipReason;
    let mut stats = ConvertStats::default();
    let mut ops = Vec::with_capacity(users.len() + included.len() + data.len());
    for u in users {
        if u.id.is_empty() {
            // An account with a handle only is fine in a corpus, but a user object without its id
            // is broken data.
            stats.skipped_invalid_id += 1;
            ops.push(Op::Issue(Issue {
                path: u.at.to_string(),
                kind: SkipReason::InvalidId,
                message: "expected a user with a non-empty `id`".to_owned(),
            }));
            continue;
        }
        ops.push(Op::Account(u.as_new(), u.at));
    }
    let ctx = PageCtx::new(users, included);
    for t in included.iter().chain(data) {
        match ctx.post(t, &mut stats) {
            Ok(p) => ops.push(Op::Post(p, t.at)),
            Err(kind) => {
                let message = match kind {
                    SkipReason::NoAuthor => {
                        stats.skipped_no_author += 1;
                        "expected a tweet with `author_id` (request `author_id` in tweet.fields): \
                         a tweet without its author cannot be a post"
                    }
                    _ => {
                        stats.skipped_no_time += 1;
                        "expected a tweet with `created_at` (or a snowflake id that carries the time)"
                    }
                };
                ops.push(Op::Issue(Issue {
                    path: t.at.to_string(),
                    kind,
                    message: message.to_owned(),
                }));
            }
        }
    }
    Converted { ops, stats }
}

impl Converted<'_> {
    /// Adds the accounts and posts to `corpus` in page order; what the corpus refuses, and what
    /// conversion found, goes to `issues` in that order.
    pub(crate) fn apply(self, corpus: &mut Corpus, issues: &mut Vec<Issue>) -> ConvertStats {
        use crate::import::SkipReason;
        let mut stats = self.stats;
        let refused = |stats: &mut ConvertStats, at: At, e: rapport_core::Error| {
            let kind = if matches!(e, rapport_core::Error::ConflictingCopy { .. }) {
                stats.skipped_conflict += 1;
                SkipReason::ConflictingCopy
            } else {
                stats.skipped_invalid_id += 1;
                SkipReason::InvalidId
            };
            Issue {
                path: at.to_string(),
                kind,
                message: e.to_string(),
            }
        };
        for op in self.ops {
            match op {
                Op::Account(a, at) => match corpus.try_add_new_account(&a) {
                    Ok(_) => stats.accounts += 1,
                    Err(e) => issues.push(refused(&mut stats, at, e)),
                },
                Op::Post(p, at) => match corpus.try_add_new_post(&p) {
                    Ok(_) => stats.posts += 1,
                    Err(e) => issues.push(refused(&mut stats, at, e)),
                },
                Op::Issue(i) => issues.push(i),
            }
        }
        stats
    }
}

struct PageCtx<'v, 'a> {
    users: &'v [UserView<'a>],
    tweets: HashMap<&'a str, &'v TweetView<'a>>,
    /// Indices into `users` by the hash of the ASCII-lower-cased username; built on first use.
    by_handle: std::cell::OnceCell<hashbrown::HashTable<usize>>,
    hasher: hashbrown::DefaultHashBuilder,
    /// user id → username
    handle_of: HashMap<&'a str, &'a str>,
}

impl<'v, 'a> PageCtx<'v, 'a> {
    fn new(users: &'v [UserView<'a>], included: &'v [TweetView<'a>]) -> Self {
        let mut tweets = HashMap::with_capacity(included.len());
        tweets.extend(included.iter().map(|t| (t.id, t)));
        let mut handle_of = HashMap::with_capacity(users.len());
        handle_of.extend(users.iter().filter_map(|u| Some((u.id, u.username?))));
        PageCtx {
            users,
            tweets,
            by_handle: std::cell::OnceCell::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
            handle_of,
        }
    }

    fn user_id_for(&self, username: &str) -> Option<&'a str> {
        let table = self.by_handle.get_or_init(|| {
            let mut t = hashbrown::HashTable::with_capacity(self.users.len());
            for (i, u) in self.users.iter().enumerate() {
                if let Some(h) = u.username {
                    t.insert_unique(handle_hash(&self.hasher, h), i, |&j| {
                        handle_hash(&self.hasher, self.users[j].username.unwrap_or(""))
                    });
                }
            }
            t
        });
        let i = table.find(handle_hash(&self.hasher, username), |&j| {
            self.users[j]
                .username
                .is_some_and(|h| h.eq_ignore_ascii_case(username))
        })?;
        Some(self.users[*i].id)
    }

    /// The post of a tweet view, or why there is none (no author, no time).
    fn post(
        &self,
        t: &TweetView<'a>,
        stats: &mut ConvertStats,
    ) -> Result<NewPost<'a>, crate::import::SkipReason> {
        let Some(author) = t.author_id.filter(|a| !a.is_empty()) else {
            return Err(crate::import::SkipReason::NoAuthor);
        };
        let Some(created_at) = t.created_at.or_else(|| snowflake_time(t.id)) else {
            return Err(crate::import::SkipReason::NoTime);
        };

        let mut hashtags = Vec::new();
        let mut mentions = Vec::new();
        let mut urls = Vec::new();
        let text: Cow<'a, str>;
        let original = t.retweeted.and_then(|id| self.tweets.get(id));
        match original {
            Some(orig) if t.retweeted.is_some() => {
                stats.reposts_full_text += 1;
                let (orig_text, orig_entities) = orig.full();
                let handle = orig
                    .author_id
                    .and_then(|a| self.handle_of.get(a).copied())
                    .or_else(|| rt_handle(t.text));
                text = match handle {
                    Some(h) => Cow::Owned(format!("RT @{h}: {}", unescape(orig_text))),
                    None => unescape(orig_text),
                };
                // The retweeted author is the first mention of a retweet's own entities.
                if let Some((username, id)) = t.entities.first_mention() {
                    mentions.push(self.mention(username, id));
                }
                self.collect(orig_entities, &mut hashtags, &mut mentions, &mut urls);
            }
            _ => {
                if t.retweeted.is_some() {
                    stats.reposts_truncated += 1;
                }
                let (full, entities) = t.full();
                text = unescape(full);
                self.collect(entities, &mut hashtags, &mut mentions, &mut urls);
            }
        }

        let m = t.metrics;
        let clamp = |v: Option<u64>| v.map(|v| u32::try_from(v).unwrap_or(u32::MAX));
        Ok(NewPost {
            id: t.id,
            author_id: author,
            text,
            created_at,
            conversation_id: t.conversation_id,
            reply_to: t.replied_to,
            reply_to_account: t.in_reply_to_user_id,
            quoted: t.quoted,
            reposted: t.retweeted,
            hashtags,
            mentions,
            urls,
            lang: t.lang,
            metrics: rapport_core::PublicMetrics {
                replies: clamp(m.reply_count),
                reposts: clamp(m.retweet_count),
                likes: clamp(m.like_count),
                quotes: clamp(m.quote_count),
                impressions: clamp(m.impression_count),
                bookmarks: clamp(m.bookmark_count),
            },
            annotations: t.annotations.to_new(),
        })
    }

    fn mention(&self, username: &'a str, id: Option<&'a str>) -> NewMention<'a> {
        let id = id
            .filter(|i| !i.is_empty())
            .or_else(|| self.user_id_for(username));
        NewMention {
            id,
            handle: username,
        }
    }

    fn collect(
        &self,
        e: Ents<'a>,
        hashtags: &mut Vec<&'a str>,
        mentions: &mut Vec<NewMention<'a>>,
        urls: &mut Vec<&'a str>,
    ) {
        let mut mention = |username: &'a str, id: Option<&'a str>| {
            if username.is_empty() && id.is_none() {
                return;
            }
            if !mentions
                .iter()
                .any(|x: &NewMention<'_>| x.handle.eq_ignore_ascii_case(username))
            {
                mentions.push(self.mention(username, id));
            }
        };
        match e {
            Ents::None => {}
            Ents::Full(e) => {
                hashtags.extend(
                    e.hashtags
                        .iter()
                        .filter(|h| !h.tag.is_empty())
                        .map(|h| h.tag.as_str()),
                );
                for m in &e.mentions {
                    mention(&m.username, m.id.as_deref());
                }
                urls.extend(e.urls.iter().map(UrlEntity::best).filter(|u| !u.is_empty()));
            }
            Ents::Lite(e) => {
                hashtags.extend(
                    e.hashtags
                        .iter()
                        .filter(|h| !h.tag.is_empty())
                        .map(|h| &*h.tag),
                );
                for m in &e.mentions {
                    mention(&m.username, m.id.as_deref());
                }
                urls.extend(
                    e.urls
                        .iter()
                        .map(crate::import::lite::LiteUrl::best)
                        .filter(|u| !u.is_empty()),
                );
            }
        }
    }
}

/// A hash of a username that ignores ASCII case (handles on X are ASCII), without allocating.
fn handle_hash(b: &hashbrown::DefaultHashBuilder, h: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut s = b.build_hasher();
    for b in h.bytes() {
        s.write_u8(b.to_ascii_lowercase());
    }
    s.finish()
}

/// `RT @name: …` → `name`.
fn rt_handle(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("RT @")?;
    let end = rest.find(':')?;
    let h = &rest[..end];
    (!h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(h)
}

/// Undoes the HTML escaping X applies to `text` (`&amp;`, `&lt;`, `&gt;`); borrows when there is none.
pub(crate) fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_code_points_counts_chars_not_bytes() {
        // "é" is 2 bytes, "🦀" is 4 bytes but one code point each.
        let t = "é🦀#x";
        assert_eq!(slice_code_points(t, 2, 4), Some("#x"));
        assert_eq!(slice_code_points(t, 0, 0), Some(""));
        assert_eq!(slice_code_points(t, 4, 4), Some(""));
        assert_eq!(slice_code_points(t, 5, 5), None);
        assert_eq!(slice_code_points(t, 3, 2), None);
    }

    #[test]
    fn rt_handle_parses_prefix() {
        assert_eq!(rt_handle("RT @a_b1: hi"), Some("a_b1"));
        assert_eq!(rt_handle("RT @: hi"), None);
        assert_eq!(rt_handle("hello"), None);
    }

    #[test]
    fn unescape_handles_amp_last() {
        // "&amp;lt;" is a literal "&lt;" in the original text, not "<".
        assert_eq!(unescape("a &amp;lt; b &gt; c"), "a &lt; b > c");
    }

    #[test]
    fn snowflake_matches_a_known_pair() {
        // twarc2_search_recent fixture: id 1440717144166068233 has created_at 2021-09-22T16:38:29.000Z
        // (Unix 1632328709, by `date -d`); the snowflake carries the milliseconds the API rounds away.
        let t = snowflake_time("1440717144166068233").unwrap();
        assert_eq!(t.timestamp(), 1_632_328_709);
        assert_eq!(t.timestamp_subsec_millis(), 56);
    }
}
