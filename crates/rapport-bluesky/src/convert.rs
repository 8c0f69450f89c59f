//! From the wire to the core model.
//!
//! - A post's id is its AT-URI, an account's id its DID (the handle is kept, and a later page updates
//!   it); both are [`Platform::Bluesky`]. X ids are decimal and X handles have no dots, so the two
//!   platforms' identities never collide in one corpus.
//! - A reply's `reply_to` is `record.reply.parent`, its conversation `record.reply.root` (a post without
//!   `reply` is its own root); `reply_to_account` is the parent URI's DID.
//! - A quote is an `app.bsky.embed.record` or `app.bsky.embed.recordWithMedia` embed of a post.
//! - Mentions, links and hashtags come from the facets, whose ranges are UTF-8 *byte* offsets into the
//!   text (not characters: an emoji is 4 bytes, a CJK character 3), and hashtags also from
//!   `record.tags`; the first of `langs` is the language.
//! - A feed item with a `reasonRepost` is a repost: a post by the reposter, at the time of the repost,
//!   whose `reposted` is the original (id: the repost record's URI when the AppView sends it, else
//!   `repost:{reposter DID}:{post URI}`, stable across pages).
//! - Thread placeholders (`notFoundPost`, `blockedPost`) become [`Missing`] entries, never errors:
//!   the replies under them still hang in their conversation.
//! - Follow lists become follow snapshots; follow records become dated follow records.

use chrono::{DateTime, Utc};
use rapport_core::follows::{FollowDirection, FollowRecord, FollowSnapshot};
use rapport_core::source::{Missing, MissingReason};
use rapport_core::{Account, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics};
use serde::Serialize;
use serde_json::Value;

use crate::models::{
    AuthorFeed, FacetFeature, FeedViewPost, FollowRecordValue, Followers, Follows, Likes,
    ListOutput, ListRecords, Lists, PostRecord, PostThread, PostView, PostsOutput, ProfileView,
    Profiles, Reason, RepostedBy, SubjectRecord, ThreadNode,
};
use crate::syntax::{AtUri, parse_datetime};

/// The collection of post records.
pub const POST: &str = "app.bsky.feed.post";
/// The collection of repost records.
pub const REPOST: &str = "app.bsky.feed.repost";
/// The collection of like records.
pub const LIKE: &str = "app.bsky.feed.like";
/// The collection of follow records.
pub const FOLLOW: &str = "app.bsky.graph.follow";
/// The collection of the profile record.
pub const PROFILE: &str = "app.bsky.actor.profile";

/// A like: the core model has no likes (they are not a conversation), so they are returned beside the
/// corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Like {
    /// Who liked (DID).
    pub actor: String,
    /// The post liked (AT-URI).
    pub subject: String,
    /// When, when known.
    pub created_at: Option<DateTime<Utc>>,
}

/// What a page added beside its posts and accounts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Added {
    /// Posts added (or updated).
    pub posts: usize,
    /// Accounts added (or updated).
    pub accounts: usize,
    /// Thread placeholders: posts not found or hidden by a block.
    pub missing: Vec<Missing>,
    /// Likes (`app.bsky.feed.getLikes`, like records).
    pub likes: Vec<Like>,
    /// Items left out, with why (a post whose record has no valid date, ...).
    pub skipped: Vec<String>,
}

impl Added {
    /// Folds another page's result into this one.
    pub fn merge(&mut self, o: Added) {
        self.posts += o.posts;
        self.accounts += o.accounts;
        self.missing.extend(o.missing);
        self.likes.extend(o.likes);
        self.skipped.extend(o.skipped);
    }
}

/// Where a page came from, as far as conversion needs it.
#[derive(Debug, Clone, Copy)]
pub struct PageContext<'a> {
    /// The endpoint's NSID (`app.bsky.feed.getAuthorFeed`).
    pub nsid: &'a str,
    /// When the page was read.
    pub retrieved_at: DateTime<Utc>,
    /// When the first page of a paginated follow list was read (the snapshot's start).
    pub started_at: Option<DateTime<Utc>>,
}

/// A datetime, leniently: the Lexicon syntax first, then any RFC 3339.
fn time(s: &str) -> Option<DateTime<Utc>> {
    parse_datetime(s).ok().or_else(|| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The DID (authority) of an AT-URI string, when it is one.
fn did_of(uri: &str) -> Option<String> {
    let u: AtUri = uri.parse().ok()?;
    u.authority()
        .starts_with("did:")
        .then(|| u.authority().to_owned())
}

/// An account from any profile view.
///
/// ```
/// use rapport_bluesky::convert::account_from_profile;
/// use rapport_bluesky::models::ProfileView;
/// let p: ProfileView = serde_json::from_str(
///     r#"{"did":"did:plc:ada","handle":"ada.bsky.social","displayName":"Ada","followersCount":12}"#).unwrap();
/// let a = account_from_profile(&p);
/// assert_eq!((a.id.as_str(), a.handle.as_str()), ("did:plc:ada", "ada.bsky.social"));
/// assert_eq!(a.platform, rapport_core::Platform::Bluesky);
/// assert_eq!(a.counts.followers, Some(12));
/// ```
pub fn account_from_profile(p: &ProfileView) -> Account {
    Account {
        id: p.did.clone(),
        handle: if p.handle == "handle.invalid" {
            String::new()
        } else {
            p.handle.clone()
        },
        display_name: p.display_name.clone().filter(|s| !s.is_empty()),
        bio: p.description.clone().filter(|s| !s.is_empty()),
        created_at: p.created_at.as_deref().and_then(time),
        counts: ProfileCounts {
            followers: p.followers_count,
            following: p.follows_count,
            posts: p.posts_count,
            listed: None,
        },
        platform: Platform::Bluesky,
    }
}

/// The text a facet covers: its byte range of the UTF-8 text, when that falls on character boundaries.
///
/// ```
/// use rapport_bluesky::convert::facet_text;
/// let text = "🎉 会議 #Rust";           // 🎉 is 4 bytes, each CJK character 3
/// assert_eq!(facet_text(text, 12, 17), Some("#Rust"));
/// assert_eq!(facet_text(text, 1, 5), None); // inside the emoji
/// ```
pub fn facet_text(text: &str, byte_start: usize, byte_end: usize) -> Option<&str> {
    if byte_start > byte_end {
        return None;
    }
    text.get(byte_start..byte_end)
}

/// A post from a record: `uri` is its AT-URI, `author` its author's DID. `fallback` dates a record
/// whose `createdAt` is not a datetime (the AppView's `indexedAt`).
///
/// # Errors
/// A message when the post has no usable date.
pub fn post_from_record(
    uri: &str,
    author: &str,
    rec: &PostRecord,
    fallback: Option<&str>,
) -> Result<Post, String> {
    let created_at = time(&rec.created_at)
        .or_else(|| fallback.and_then(time))
        .ok_or_else(|| {
            format!(
                "{uri}: createdAt {:?} is not a datetime and there is no indexedAt",
                rec.created_at
            )
        })?;
    let mut p = Post::new(uri, author, rec.text.clone(), created_at);
    match &rec.reply {
        Some(r) => {
            p.reply_to = Some(r.parent.uri.clone()).filter(|s| !s.is_empty());
            p.reply_to_account = did_of(&r.parent.uri);
            p.conversation_id = Some(r.root.uri.clone()).filter(|s| !s.is_empty());
        }
        None => p.conversation_id = Some(uri.to_owned()),
    }
    p.quoted = rec
        .quoted_uri()
        .filter(|q| {
            q.parse::<AtUri>()
                .is_ok_and(|u| u.collection() == Some(POST))
        })
        .map(str::to_owned);
    for f in &rec.facets {
        let span = facet_text(&rec.text, f.index.byte_start, f.index.byte_end);
        for feat in &f.features {
            match feat {
                FacetFeature::Mention { did } => {
                    let handle = span
                        .map(|s| s.trim().trim_start_matches('@').to_owned())
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| did.clone());
                    if !p.mentions.iter().any(|m| m.id.as_deref() == Some(did)) {
                        p.mentions.push(Mention {
                            id: Some(did.clone()),
                            handle,
                        });
                    }
                }
                FacetFeature::Link { uri } => {
                    if !p.urls.contains(uri) {
                        p.urls.push(uri.clone());
                    }
                }
                FacetFeature::Tag { tag } => push_tag(&mut p.hashtags, tag),
                FacetFeature::Other => {}
            }
        }
    }
    for t in &rec.tags {
        push_tag(&mut p.hashtags, t);
    }
    p.lang = rec.langs.first().cloned();
    Ok(p)
}

fn push_tag(tags: &mut Vec<String>, tag: &str) {
    let t = tag.trim().trim_start_matches(['#', '＃']);
    if !t.is_empty() && !tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
        tags.push(t.to_owned());
    }
}

/// A post from a post view (its record, author and counts).
///
/// # Errors
/// A message when the record is not a post record or has no usable date.
pub fn post_from_view(v: &PostView) -> Result<Post, String> {
    let rec = v
        .post_record()
        .map_err(|e| format!("{}: the record is not an app.bsky.feed.post: {e}", v.uri))?;
    let mut p = post_from_record(&v.uri, &v.author.did, &rec, v.indexed_at.as_deref())?;
    p.metrics = PublicMetrics {
        replies: v.reply_count,
        reposts: v.repost_count,
        likes: v.like_count,
        quotes: v.quote_count,
        impressions: None,
        bookmarks: None,
    };
    Ok(p)
}

/// Adds posts and accounts to a corpus, counting what went in.
struct Sink<'a> {
    corpus: &'a mut Corpus,
    added: Added,
}

impl Sink<'_> {
    fn account(&mut self, p: &ProfileView) {
        if self.corpus.add_account(account_from_profile(p)).is_some() {
            self.added.accounts += 1;
        }
    }

    fn post(&mut self, post: Post) {
        let id = post.id.clone();
        match self.corpus.try_add_post(post) {
            Ok(_) => self.added.posts += 1,
            Err(e) => self.added.skipped.push(format!("{id}: {e}")),
        }
    }

    fn view(&mut self, v: &PostView) {
        self.account(&v.author);
        match post_from_view(v) {
            Ok(p) => self.post(p),
            Err(e) => self.added.skipped.push(e),
        }
        // A quoted post that came along in the embed view joins the corpus too.
        if let Some(q) = quoted_view(v.embed.as_ref()) {
            self.view(&q);
        }
    }

    fn feed_item(&mut self, item: &FeedViewPost) {
        self.view(&item.post);
        if let Some(r) = &item.reply {
            self.node(&r.root, false);
            self.node(&r.parent, false);
        }
        if let Some(Reason::Repost {
            by,
            uri,
            indexed_at,
        }) = &item.reason
        {
            self.account(by);
            let Some(at) = indexed_at.as_deref().and_then(time) else {
                self.added.skipped.push(format!(
                    "repost of {} by {}: no indexedAt",
                    item.post.uri, by.did
                ));
                return;
            };
            let text = item.post.post_record().map(|r| r.text).unwrap_or_default();
            let id = uri
                .clone()
                .unwrap_or_else(|| format!("repost:{}:{}", by.did, item.post.uri));
            let mut p = Post::new(id, by.did.clone(), text, at);
            p.reposted = Some(item.post.uri.clone());
            self.post(p);
        }
    }

    /// A thread node, its parents and (with `down`) its replies; placeholders are recorded as missing.
    fn node(&mut self, n: &ThreadNode, down: bool) {
        match n {
            ThreadNode::Post(t) => {
                self.view(&t.post);
                if let Some(parent) = &t.parent {
                    self.node(parent, false);
                }
                if down {
                    for r in &t.replies {
                        self.node(r, true);
                    }
                }
            }
            ThreadNode::View(v) => self.view(v),
            ThreadNode::NotFound { uri } => self.missing(uri, MissingReason::NotFound),
            ThreadNode::Blocked { uri, .. } => self.missing(
                uri,
                MissingReason::Other {
                    detail: "blocked".to_owned(),
                },
            ),
            ThreadNode::Other(v) => self.added.skipped.push(format!(
                "thread node of unknown type {}",
                v.get("$type").and_then(Value::as_str).unwrap_or("(none)")
            )),
        }
    }

    fn missing(&mut self, uri: &str, reason: MissingReason) {
        if !self.added.missing.iter().any(|m| m.id == uri) {
            self.added.missing.push(Missing {
                id: uri.to_owned(),
                resource: "post".to_owned(),
                reason,
            });
        }
    }

    fn snapshot(
        &mut self,
        owner: &ProfileView,
        direction: FollowDirection,
        list: &[ProfileView],
        ctx: &PageContext<'_>,
    ) {
        self.account(owner);
        for p in list {
            self.account(p);
        }
        let start = ctx
            .started_at
            .unwrap_or(ctx.retrieved_at)
            .min(ctx.retrieved_at);
        let snap = FollowSnapshot {
            owner: owner.did.clone(),
            direction,
            observed_at: start,
            completed_at: ctx.retrieved_at,
            accounts: list.iter().map(|p| p.did.clone()).collect(),
        };
        if let Err(e) = self.corpus.try_add_follow_snapshot(snap) {
            self.added
                .skipped
                .push(format!("follow list of {}: {e}", owner.did));
        }
    }

    /// One repository record (listRecords, a CAR file).
    fn record(&mut self, uri: &str, value: &Value, seen_at: DateTime<Utc>) {
        let Ok(u) = uri.parse::<AtUri>() else {
            self.added.skipped.push(format!("{uri}: not an AT-URI"));
            return;
        };
        let repo = u.authority().to_owned();
        let ty = value.get("$type").and_then(Value::as_str);
        let collection = ty.or(u.collection()).unwrap_or_default();
        let bad = |e: serde_json::Error| format!("{uri}: not a {collection} record: {e}");
        match collection {
            POST => match serde_json::from_value::<PostRecord>(value.clone()) {
                Ok(rec) => match post_from_record(uri, &repo, &rec, None) {
                    Ok(p) => self.post(p),
                    Err(e) => self.added.skipped.push(e),
                },
                Err(e) => self.added.skipped.push(bad(e)),
            },
            REPOST => match serde_json::from_value::<SubjectRecord>(value.clone()) {
                Ok(r) => match time(&r.created_at) {
                    Some(at) => {
                        let mut p = Post::new(uri, repo, "", at);
                        p.reposted = Some(r.subject.uri);
                        self.post(p);
                    }
                    None => self
                        .added
                        .skipped
                        .push(format!("{uri}: repost without a date")),
                },
                Err(e) => self.added.skipped.push(bad(e)),
            },
            LIKE => match serde_json::from_value::<SubjectRecord>(value.clone()) {
                Ok(r) => self.added.likes.push(Like {
                    actor: repo,
                    subject: r.subject.uri,
                    created_at: time(&r.created_at),
                }),
                Err(e) => self.added.skipped.push(bad(e)),
            },
            FOLLOW => match serde_json::from_value::<FollowRecordValue>(value.clone()) {
                Ok(f) => match time(&f.created_at) {
                    Some(at) => {
                        let rec = FollowRecord::new(repo, f.subject, at, seen_at.max(at));
                        if let Err(e) = self.corpus.try_add_follow_record(rec) {
                            self.added.skipped.push(format!("{uri}: {e}"));
                        }
                    }
                    None => self
                        .added
                        .skipped
                        .push(format!("{uri}: follow without a date")),
                },
                Err(e) => self.added.skipped.push(bad(e)),
            },
            PROFILE => {
                let p: crate::models::ProfileRecord =
                    serde_json::from_value(value.clone()).unwrap_or_default();
                let mut a = Account::new(repo, "");
                a.display_name = p.display_name.filter(|s| !s.is_empty());
                a.bio = p.description.filter(|s| !s.is_empty());
                a.created_at = p.created_at.as_deref().and_then(time);
                a.platform = Platform::Bluesky;
                if self.corpus.add_account(a).is_some() {
                    self.added.accounts += 1;
                }
            }
            // Other collections (blocks, lists, threadgates...) say nothing about conversations.
            _ => {}
        }
    }
}

/// The quoted post of an embed view, when it is a post the AppView showed.
fn quoted_view(embed: Option<&Value>) -> Option<PostView> {
    let e = embed?;
    let rec = match e.get("$type")?.as_str()? {
        "app.bsky.embed.record#view" => e.get("record")?,
        "app.bsky.embed.recordWithMedia#view" => e.get("record")?.get("record")?,
        _ => return None,
    };
    if rec.get("$type")?.as_str()? != "app.bsky.embed.record#viewRecord" {
        return None;
    }
    let uri = rec.get("uri")?.as_str()?;
    if uri.parse::<AtUri>().ok()?.collection() != Some(POST) {
        return None;
    }
    // A viewRecord carries the record as `value`; as a post view it is `record`.
    let mut v = rec.clone();
    let obj = v.as_object_mut()?;
    let value = obj.remove("value")?;
    obj.insert("record".to_owned(), value);
    obj.remove("embeds");
    serde_json::from_value(v).ok()
}

/// Adds one page (an endpoint's output, by its NSID) to a corpus.
///
/// # Errors
/// The JSON path and message when the page does not have the endpoint's shape, or when the NSID is
/// not one rapport reads.
pub fn add_page(
    corpus: &mut Corpus,
    ctx: &PageContext<'_>,
    body: Value,
) -> Result<Added, (String, String)> {
    fn de<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (String, String)> {
        serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            (path, e.into_inner().to_string())
        })
    }
    let mut s = Sink {
        corpus,
        added: Added::default(),
    };
    match ctx.nsid {
        "app.bsky.feed.getAuthorFeed" | "app.bsky.feed.getTimeline" | "app.bsky.feed.getFeed" => {
            let page: AuthorFeed = de(body)?;
            for item in &page.feed {
                s.feed_item(item);
            }
        }
        "app.bsky.feed.getPostThread" => {
            let page: PostThread = de(body)?;
            s.node(&page.thread, true);
        }
        "app.bsky.feed.getQuotes" | "app.bsky.feed.searchPosts" | "app.bsky.feed.getPosts" => {
            let page: PostsOutput = de(body)?;
            for v in &page.posts {
                s.view(v);
            }
        }
        "app.bsky.feed.getRepostedBy" => {
            let page: RepostedBy = de(body)?;
            for p in &page.reposted_by {
                s.account(p);
            }
        }
        "app.bsky.feed.getLikes" => {
            let page: Likes = de(body)?;
            for l in &page.likes {
                s.account(&l.actor);
                if let Some(subject) = &page.uri {
                    s.added.likes.push(Like {
                        actor: l.actor.did.clone(),
                        subject: subject.clone(),
                        created_at: l.created_at.as_deref().and_then(time),
                    });
                }
            }
        }
        "app.bsky.graph.getFollowers" => {
            let page: Followers = de(body)?;
            s.snapshot(
                &page.subject,
                FollowDirection::Followers,
                &page.followers,
                ctx,
            );
        }
        "app.bsky.graph.getFollows" => {
            let page: Follows = de(body)?;
            s.snapshot(
                &page.subject,
                FollowDirection::Following,
                &page.follows,
                ctx,
            );
        }
        "app.bsky.graph.getLists" => {
            let page: Lists = de(body)?;
            for l in &page.lists {
                if let Some(c) = &l.creator {
                    s.account(c);
                }
            }
        }
        "app.bsky.graph.getList" => {
            let page: ListOutput = de(body)?;
            if let Some(c) = &page.list.creator {
                s.account(c);
            }
            for i in &page.items {
                s.account(&i.subject);
            }
        }
        "app.bsky.actor.getProfile" => {
            let p: ProfileView = de(body)?;
            s.account(&p);
        }
        "app.bsky.actor.getProfiles" => {
            let page: Profiles = de(body)?;
            for p in &page.profiles {
                s.account(p);
            }
        }
        "com.atproto.repo.listRecords" => {
            let page: ListRecords = de(body)?;
            for r in &page.records {
                s.record(&r.uri, &r.value, ctx.retrieved_at);
            }
        }
        // Says nothing about posts or accounts (the handle is only in the request).
        "com.atproto.identity.resolveHandle" => {}
        other => {
            return Err((
                "$".to_owned(),
                format!("{other:?} is not an endpoint rapport reads"),
            ));
        }
    }
    Ok(s.added)
}

/// Adds repository records (`uri`, record value) to a corpus: posts, reposts, likes, follows and the
/// profile. `seen_at` is when the records were read.
pub fn add_records<'a>(
    corpus: &mut Corpus,
    records: impl IntoIterator<Item = (&'a str, &'a Value)>,
    seen_at: DateTime<Utc>,
) -> Added {
    let mut s = Sink {
        corpus,
        added: Added::default(),
    };
    for (uri, v) in records {
        s.record(uri, v, seen_at);
    }
    s.added
}

/// Guesses the endpoint of a response saved without metadata from its top-level keys.
pub fn guess_nsid(body: &Value) -> Option<&'static str> {
    let has = |k: &str| body.get(k).is_some();
    Some(if has("feed") {
        "app.bsky.feed.getAuthorFeed"
    } else if has("thread") {
        "app.bsky.feed.getPostThread"
    } else if has("posts") {
        "app.bsky.feed.searchPosts"
    } else if has("repostedBy") {
        "app.bsky.feed.getRepostedBy"
    } else if has("likes") {
        "app.bsky.feed.getLikes"
    } else if has("followers") {
        "app.bsky.graph.getFollowers"
    } else if has("follows") && has("subject") {
        "app.bsky.graph.getFollows"
    } else if has("lists") {
        "app.bsky.graph.getLists"
    } else if has("items") && has("list") {
        "app.bsky.graph.getList"
    } else if has("profiles") {
        "app.bsky.actor.getProfiles"
    } else if has("records") {
        "com.atproto.repo.listRecords"
    } else if has("did") && has("handle") {
        "app.bsky.actor.getProfile"
    } else {
        return None;
    })
}
