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
