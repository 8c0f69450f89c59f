//! The platform-neutral model: what an adapter produces and a [`Corpus`](crate::Corpus) stores.
//!
//! These owned structs are the *input* side. Inside a corpus the same data lives in columns and is read
//! back through [`PostRef`](crate::PostRef) and [`AccountRef`](crate::AccountRef) views.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The social platform a post or account comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Platform {
    /// X, formerly Twitter.
    #[default]
    X,
    /// Bluesky (the AT Protocol): account ids are DIDs, post ids AT-URIs, handles domain names, so
    /// identities never collide with X's decimal ids and dot-less handles.
    Bluesky,
    /// Anything else an adapter brings in.
    Other,
}

impl Platform {
    /// The lower-case name used in tables and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Bluesky => "bluesky",
            Platform::Other => "other",
        }
    }
}

/// Profile counts as the platform reports them.
///
/// rapport keeps them for display but never uses them to score a person: popularity is not a hiring
/// criterion (see `docs/responsible-use.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileCounts {
    /// Followers, when known.
    pub followers: Option<u64>,
    /// Accounts followed, when known.
    pub following: Option<u64>,
    /// Posts written, when known.
    pub posts: Option<u64>,
    /// Lists the account is on, when known.
    pub listed: Option<u64>,
}

/// An account (a person or an organisation) on a platform.
///
/// ```
/// use rapport_core::Account;
/// let a = Account::new("42", "Ada_Codes");
/// assert_eq!(a.handle, "Ada_Codes");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Account {
    /// The platform's stable id (for X a decimal string). Empty when only the handle is known.
    pub id: String,
    /// The handle without `@`, as the platform spells it.
    pub handle: String,
    /// The display name.
    pub display_name: Option<String>,
    /// The profile text.
    pub bio: Option<String>,
    /// When the account was created.
    pub created_at: Option<DateTime<Utc>>,
    /// Profile counts (never used to score a person).
    pub counts: ProfileCounts,
    /// Where the account lives.
    pub platform: Platform,
}

impl Account {
    /// An account with an id and a handle and nothing else known yet.
    pub fn new(id: impl Into<String>, handle: impl Into<String>) -> Self {
        Account {
            id: id.into(),
            handle: handle.into(),
            ..Account::default()
        }
    }

    /// The account as a [`NewAccount`] borrowing its fields.
    pub fn as_new(&self) -> NewAccount<'_> {
        NewAccount {
            id: &self.id,
            handle: &self.handle,
            display_name: self.display_name.as_deref(),
            bio: self.bio.as_deref(),
            created_at: self.created_at,
            counts: self.counts,
            platform: self.platform,
        }
    }
}

/// An account to add, borrowing its strings: the same fields as [`Account`], for
/// [`Corpus::try_add_new_account`](crate::Corpus::try_add_new_account). A twarc2 page repeats the
/// profile of every author and mentioned account it includes, so an importer adds the same account
/// many times: borrowed, a copy that changes nothing allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NewAccount<'a> {
    /// See [`Account::id`].
    pub id: &'a str,
    /// See [`Account::handle`].
    pub handle: &'a str,
    /// See [`Account::display_name`].
    pub display_name: Option<&'a str>,
    /// See [`Account::bio`].
    pub bio: Option<&'a str>,
    /// See [`Account::created_at`].
    pub created_at: Option<DateTime<Utc>>,
    /// See [`Account::counts`].
    pub counts: ProfileCounts,
    /// See [`Account::platform`].
    pub platform: Platform,
}

impl NewAccount<'_> {
    /// The account with owned strings.
    ///
    /// ```
    /// use rapport_core::Account;
    /// let a = Account::new("7", "ada");
    /// assert_eq!(a.as_new().to_account(), a);
    /// ```
    pub fn to_account(&self) -> Account {
        Account {
            id: self.id.to_owned(),
            handle: self.handle.to_owned(),
            display_name: self.display_name.map(str::to_owned),
            bio: self.bio.map(str::to_owned),
            created_at: self.created_at,
            counts: self.counts,
            platform: self.platform,
        }
    }
}

/// A mention of an account inside a post.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mention {
    /// The account id, when the platform gave it.
    pub id: Option<String>,
    /// The handle as written, without `@`.
    pub handle: String,
}

/// A topic annotation the platform put on a post (X's `context_annotations`): an entity (a named
/// thing, such as "Rust" or "Kubernetes") inside a domain (a kind of thing, such as "Programming
/// Language"). Ids are the platform's; names are as it spelled them.
///
/// ```
/// use rapport_core::ContextAnnotation;
/// let a = ContextAnnotation::new("131", "Unified Twitter Taxonomy", "1220701888179359745", "Rust");
/// assert_eq!(a.entity_name.as_deref(), Some("Rust"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ContextAnnotation {
    /// The domain's id.
    pub domain_id: String,
    /// The domain's name, when the platform gave it.
    pub domain_name: Option<String>,
    /// The entity's id.
    pub entity_id: String,
    /// The entity's name, when the platform gave it.
    pub entity_name: Option<String>,
}

impl ContextAnnotation {
    /// An annotation with ids and names.
    pub fn new(
        domain_id: impl Into<String>,
        domain_name: impl Into<String>,
        entity_id: impl Into<String>,
        entity_name: impl Into<String>,
    ) -> Self {
        let some = |s: String| (!s.is_empty()).then_some(s);
        ContextAnnotation {
            domain_id: domain_id.into(),
            domain_name: some(domain_name.into()),
            entity_id: entity_id.into(),
            entity_name: some(entity_name.into()),
        }
    }
}

/// Public engagement counts of a post as the platform reported them when it was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublicMetrics {
    /// Replies.
    pub replies: Option<u32>,
    /// Reposts (retweets).
    pub reposts: Option<u32>,
    /// Likes.
    pub likes: Option<u32>,
    /// Quotes.
    pub quotes: Option<u32>,
    /// Impressions.
    pub impressions: Option<u32>,
    /// Bookmarks.
    pub bookmarks: Option<u32>,
}

/// A post (a tweet on X), as an adapter produces it.
///
/// `text` is the full text: a long post's note text, and for a repost the original's text when the
/// adapter had it. References to other posts are kept as ids: the referenced post does not have to be in
/// the corpus.
///
/// ```
/// use rapport_core::Post;
/// use chrono::{TimeZone, Utc};
/// let mut p = Post::new("1", "42", "Hello #RustLang", Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap());
/// p.hashtags.push("RustLang".into());
/// assert_eq!(p.conversation_id, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// The platform's post id.
    pub id: String,
    /// The author's account id.
    pub author_id: String,
    /// The full text.
    pub text: String,
    /// When it was posted (millisecond precision).
    pub created_at: DateTime<Utc>,
    /// The id of the conversation's root post, when the platform gave it.
    pub conversation_id: Option<String>,
    /// The post this one replies to.
    pub reply_to: Option<String>,
    /// The author of the post this one replies to.
    pub reply_to_account: Option<String>,
    /// The post this one quotes.
    pub quoted: Option<String>,
    /// The post this one reposts (a retweet).
    pub reposted: Option<String>,
    /// Hashtags as written, without `#`.
    pub hashtags: Vec<String>,
    /// Mentioned accounts.
    pub mentions: Vec<Mention>,
    /// Expanded URLs.
    pub urls: Vec<String>,
    /// BCP 47 language tag as the platform detected it.
    pub lang: Option<String>,
    /// Public metrics at fetch time.
    pub metrics: PublicMetrics,
    /// Topic annotations (X's `context_annotations`), each (domain, entity) pair once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<ContextAnnotation>,
}

impl Post {
    /// A post with the required fields and nothing else.
    pub fn new(
        id: impl Into<String>,
        author_id: impl Into<String>,
        text: impl Into<String>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Post {
            id: id.into(),
            author_id: author_id.into(),
            text: text.into(),
            created_at,
            conversation_id: None,
            reply_to: None,
            reply_to_account: None,
            quoted: None,
            reposted: None,
            hashtags: Vec::new(),
            mentions: Vec::new(),
            urls: Vec::new(),
            lang: None,
            metrics: PublicMetrics::default(),
            annotations: Vec::new(),
        }
    }

    /// The kind of post: original, reply, quote or repost.
    pub fn kind(&self) -> PostKind {
        if self.reposted.is_some() {
            PostKind::Repost
        } else if self.reply_to.is_some() {
            PostKind::Reply
        } else if self.quoted.is_some() {
            PostKind::Quote
        } else {
            PostKind::Original
        }
    }
}

impl Post {
    /// The post as a [`NewPost`] borrowing its fields.
    pub fn as_new(&self) -> NewPost<'_> {
        NewPost {
            id: &self.id,
            author_id: &self.author_id,
            text: std::borrow::Cow::Borrowed(&self.text),
            created_at: self.created_at,
            conversation_id: self.conversation_id.as_deref(),
            reply_to: self.reply_to.as_deref(),
            reply_to_account: self.reply_to_account.as_deref(),
            quoted: self.quoted.as_deref(),
            reposted: self.reposted.as_deref(),
            hashtags: self.hashtags.iter().map(String::as_str).collect(),
            mentions: self
                .mentions
                .iter()
                .map(|m| NewMention {
                    id: m.id.as_deref(),
                    handle: &m.handle,
                })
                .collect(),
            urls: self.urls.iter().map(String::as_str).collect(),
            lang: self.lang.as_deref(),
            metrics: self.metrics,
            annotations: self
                .annotations
                .iter()
                .map(|a| NewAnnotation {
                    domain_id: &a.domain_id,
                    domain_name: a.domain_name.as_deref(),
                    entity_id: &a.entity_id,
                    entity_name: a.entity_name.as_deref(),
                })
                .collect(),
        }
    }
}

/// A post to add, borrowing its strings from wherever it was read: the same fields as [`Post`], for
/// [`Corpus::try_add_new_post`](crate::Corpus::try_add_new_post). An importer builds one per post
/// straight from the bytes of its input, so a post's strings are copied once, into the corpus's
/// columns, instead of first into a `Post` of owned strings that is dropped right after.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPost<'a> {
    /// The platform's post id.
    pub id: &'a str,
    /// The author's account id.
    pub author_id: &'a str,
    /// The full text (owned only when it had to be built, e.g. a repost's `RT @handle: ` prefix).
    pub text: std::borrow::Cow<'a, str>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// The id of the conversation's root post.
    pub conversation_id: Option<&'a str>,
    /// The post this one replies to.
    pub reply_to: Option<&'a str>,
    /// The author of the post this one replies to.
    pub reply_to_account: Option<&'a str>,
    /// The post this one quotes.
    pub quoted: Option<&'a str>,
    /// The post this one reposts.
    pub reposted: Option<&'a str>,
    /// Hashtags as written, without `#`.
    pub hashtags: Vec<&'a str>,
    /// Mentioned accounts.
    pub mentions: Vec<NewMention<'a>>,
    /// Expanded URLs.
    pub urls: Vec<&'a str>,
    /// BCP 47 language tag.
    pub lang: Option<&'a str>,
    /// Public metrics at fetch time.
    pub metrics: PublicMetrics,
    /// Topic annotations.
    pub annotations: Vec<NewAnnotation<'a>>,
}

impl NewPost<'_> {
    /// The owned [`Post`] with the same fields.
    pub fn to_post(&self) -> Post {
        Post {
            id: self.id.to_owned(),
            author_id: self.author_id.to_owned(),
            text: self.text.clone().into_owned(),
            created_at: self.created_at,
            conversation_id: self.conversation_id.map(str::to_owned),
            reply_to: self.reply_to.map(str::to_owned),
            reply_to_account: self.reply_to_account.map(str::to_owned),
            quoted: self.quoted.map(str::to_owned),
            reposted: self.reposted.map(str::to_owned),
            hashtags: self.hashtags.iter().map(|&h| h.to_owned()).collect(),
            mentions: self
                .mentions
                .iter()
                .map(|m| Mention {
                    id: m.id.map(str::to_owned),
                    handle: m.handle.to_owned(),
                })
                .collect(),
            urls: self.urls.iter().map(|&u| u.to_owned()).collect(),
            lang: self.lang.map(str::to_owned),
            metrics: self.metrics,
            annotations: self
                .annotations
                .iter()
                .map(|a| ContextAnnotation {
                    domain_id: a.domain_id.to_owned(),
                    domain_name: a.domain_name.map(str::to_owned),
                    entity_id: a.entity_id.to_owned(),
                    entity_name: a.entity_name.map(str::to_owned),
                })
                .collect(),
        }
    }
}

/// A mention of a [`NewPost`] (see [`Mention`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMention<'a> {
    /// The account id, when the platform gave it.
    pub id: Option<&'a str>,
    /// The handle as written, without `@`.
    pub handle: &'a str,
}

/// A topic annotation of a [`NewPost`] (see [`ContextAnnotation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAnnotation<'a> {
    /// The domain's id.
    pub domain_id: &'a str,
    /// The domain's name.
    pub domain_name: Option<&'a str>,
    /// The entity's id.
    pub entity_id: &'a str,
    /// The entity's name.
    pub entity_name: Option<&'a str>,
}

/// What a post is, by its references. A reply that also quotes is a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// Neither a reply, a quote nor a repost.
    Original,
    /// Replies to another post.
    Reply,
    /// Quotes another post (and is not a reply).
    Quote,
    /// Reposts another post.
    Repost,
}

impl PostKind {
    /// The lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Reply => "reply",
            PostKind::Quote => "quote",
            PostKind::Repost => "repost",
        }
    }
}

/// Normalise a hashtag for indexing: without `#`, Unicode NFKC, lower case.
///
/// ```
/// assert_eq!(rapport_core::normalize_hashtag("#RustLang"), "rustlang");
/// assert_eq!(rapport_core::normalize_hashtag("ＲＵＳＴ"), "rust");
/// ```
pub fn normalize_hashtag(tag: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let t = tag.trim().trim_start_matches(['#', '＃']);
    if t.is_ascii() {
        // NFKC leaves ASCII unchanged: skip the normaliser on the common path.
        return t.to_ascii_lowercase();
    }
    t.nfkc().flat_map(char::to_lowercase).collect()
}

/// Normalise a handle for lookup: without `@`, lower case (handles on X are case-insensitive).
///
/// ```
/// assert_eq!(rapport_core::normalize_handle("@Acme_Careers"), "acme_careers");
/// ```
pub fn normalize_handle(handle: &str) -> String {
    let h = handle.trim().trim_start_matches(['@', '＠']);
    if h.is_ascii() {
        h.to_ascii_lowercase()
    } else {
        h.to_lowercase()
    }
}
