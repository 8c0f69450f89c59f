//! What a platform adapter provides: the [`Source`] trait.
//!
//! Analyses never talk HTTP. An adapter (rapport-twitter's client today, another platform tomorrow)
//! implements `Source` in platform terms — search, an account's timeline and mentions, a whole
//! conversation, lookups — and hands back a [`Fetched`]: the posts and accounts as a [`Corpus`], the ids
//! it could not get and why, and the failures it met on the way. A second platform is then a new crate,
//! not a change to core.
//!
//! A sync (rapport-sync) follows a [`Feed`] — a saved search, an account's timeline or mentions, a
//! list — one page at a time with [`Source::feed_page`], storing each page with its cursor before it
//! asks for the next, so that an interrupted sync resumes where it stopped on any platform. An
//! account's followers or following list is read the same way with [`Source::follow_page`].
//!
//! Adapters keep going when one part fails: a missing post or a failed page of a thread is recorded in
//! `missing` or `failures`, and only a failure of the whole call (bad credentials, an invalid query)
//! is an `Err`. [`fetch_conversations`] shows the pattern on top of any `Source`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::follows::FollowDirection;
use crate::{Corpus, Platform};

/// Page and item limits for one fetch. `None` means no limit (until the platform has no more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// Stop after this many pages.
    pub max_pages: Option<usize>,
    /// Stop after this many items (posts or accounts).
    pub max_items: Option<usize>,
}

impl Limit {
    /// At most `n` items.
    pub fn items(n: usize) -> Self {
        Self {
            max_pages: None,
            max_items: Some(n),
        }
    }

    /// At most `n` pages.
    pub fn pages(n: usize) -> Self {
        Self {
            max_pages: Some(n),
            max_items: None,
        }
    }
}

/// A search for posts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchRequest {
    /// The platform's query language (for X: `#hiring -is:retweet lang:en`).
    pub query: String,
    /// Search the full archive (true) or only the recent window (for X, 7 days).
    pub archive: bool,
    /// Oldest creation time, inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Newest creation time, exclusive.
    pub until: Option<DateTime<Utc>>,
    /// Resume from a saved pagination token.
    pub resume_token: Option<String>,
    /// Limits.
    pub limit: Limit,
}

impl SearchRequest {
    /// A recent search with no limits.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }
}

/// What a sync follows page by page: the platform-neutral form of a watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Feed {
    /// Posts matching a query, in the recent window or (`archive`) the full archive.
    Search {
        /// The platform's query language.
        query: String,
        /// Search the full archive.
        archive: bool,
    },
    /// An account's own posts.
    Timeline {
        /// The account's id.
        account_id: String,
    },
    /// Posts mentioning an account.
    Mentions {
        /// The account's id.
        account_id: String,
    },
    /// The posts of a list.
    List {
        /// The list's id.
        list_id: String,
    },
}

/// One page of a [`Feed`] to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<'a> {
    /// The feed.
    pub feed: &'a Feed,
    /// Only posts newer than this id ([`cmp_ids`]): the newest post of the last finished sweep.
    pub since_id: Option<&'a str>,
    /// The page to fetch: `None` for the first, else the `next_token` of the page before.
    pub token: Option<&'a str>,
    /// How many posts per page to ask for.
    pub page_size: u32,
}

/// One page of a feed, ready for the store.
#[derive(Debug, Clone, Default)]
pub struct FeedPage {
    /// The ids of the page's own posts (not the posts they reference), newer than `since_id`, in
    /// the platform's order.
    pub post_ids: Vec<String>,
    /// The posts of the page and the posts and accounts they reference.
    pub corpus: Corpus,
    /// The token of the next page; `None` when this page ends the sweep.
    pub next_token: Option<String>,
    /// The page reached a post at or below `since_id` (a feed the platform cannot ask "newer than"
    /// of, cut by the adapter): nothing newer is left, whatever `next_token` says.
    pub reached_since: bool,
    /// Items of the page the adapter dropped because they cannot be stored (a post without an id or
    /// an author, say), counted by reason. One bad item never fails a page.
    pub skipped: BTreeMap<String, usize>,
}

/// One page of an account's followers or following list to fetch ([`Source::follow_page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowPageRequest<'a> {
    /// The id of the account whose list it is.
    pub account_id: &'a str,
    /// Which list.
    pub direction: FollowDirection,
    /// The page to fetch: `None` for the first, else the `next_token` of the page before.
    pub token: Option<&'a str>,
    /// How many accounts per page to ask for (a platform caps it: X at 1,000, Bluesky at 100).
    pub page_size: u32,
}

/// One page of a follow list, ready for the store.
#[derive(Debug, Clone, Default)]
pub struct FollowPage {
    /// The ids of the accounts on the page, in the platform's order.
    pub account_ids: Vec<String>,
    /// Their profiles as accounts (and whatever the platform sent with them, such as pinned posts).
    /// Never holds follow snapshots: the page is part of one, which the sync assembles.
    pub corpus: Corpus,
    /// The token of the next page; `None` when this page ends the list.
    pub next_token: Option<String>,
    /// Items the adapter dropped (an account without an id…), counted by reason.
    pub skipped: BTreeMap<String, usize>,
}

/// Compares two post ids: numerically when both are decimal (X ids are snowflakes, increasing with
/// time), else as strings.
///
/// ```
/// use std::cmp::Ordering;
/// use rapport_core::source::cmp_ids;
/// assert_eq!(cmp_ids("9", "10"), Ordering::Less);
/// assert_eq!(cmp_ids("b", "a"), Ordering::Greater);
/// ```
pub fn cmp_ids(a: &str, b: &str) -> Ordering {
    let num = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if num(a) && num(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// Why an id could not be fetched. Permanent outcomes, not errors: the rest of the call succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingReason {
    /// Deleted or never existed.
    NotFound,
    /// The account is suspended.
    Suspended,
    /// Protected, or otherwise not visible to these credentials.
    NotAuthorized,
    /// Withheld in some countries.
    Withheld {
        /// ISO country codes where it is withheld.
        country_codes: Vec<String>,
    },
    /// Something else, with the platform's words.
    Other {
        /// The platform's description.
        detail: String,
    },
}

/// An id that was asked for (or referenced) and not returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The post or account id (or handle).
    pub id: String,
    /// `"post"`, `"account"` or another resource kind.
    pub resource: String,
    /// Why.
    pub reason: MissingReason,
}

/// What a fetch brought back.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fetched {
    /// Posts and accounts, deduplicated.
    pub corpus: Corpus,
    /// Pages (responses) received.
    pub pages: usize,
    /// Ids that could not be fetched, and why.
    pub missing: Vec<Missing>,
    /// Parts that failed without failing the call (e.g. one page of a thread), as messages.
    pub failures: Vec<String>,
    /// The token to resume from, when a limit stopped the fetch before the end.
    pub next_token: Option<String>,
}

impl Fetched {
    /// Folds another fetch into this one (the corpus merges; a later copy of a post wins).
    pub fn merge(&mut self, other: Fetched) {
        self.corpus.merge(&other.corpus);
        self.pages += other.pages;
        self.missing.extend(other.missing);
        self.failures.extend(other.failures);
        if other.next_token.is_some() {
            self.next_token = other.next_token;
        }
    }

    /// True when nothing failed (missing ids are outcomes, not failures).
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A failure of a whole call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SourceError {
    /// The platform's rate limit; retry after `reset_at`.
    #[error("rate limited until {}: {message}", reset_at.map_or_else(|| "unknown".to_owned(), |t| t.to_rfc3339()))]
    RateLimited {
        /// When to retry.
        reset_at: Option<DateTime<Utc>>,
        /// The adapter's message.
        message: String,
    },
    /// Credentials missing, wrong or expired.
    #[error("unauthorised: {message}")]
    Unauthorized {
        /// The adapter's message.
        message: String,
    },
    /// The credentials' access level or plan does not allow this.
    #[error("forbidden: {message}")]
    Forbidden {
        /// The adapter's message.
        message: String,
    },
    /// The thing asked for does not exist.
    #[error("not found: {message}")]
    NotFound {
        /// The adapter's message.
        message: String,
    },
    /// The request was invalid (bad query, parameter out of bounds).
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// The adapter's message.
        message: String,
    },
    /// A transient failure (server error, network); retrying later may work.
    #[error("unavailable: {message}")]
    Unavailable {
        /// The adapter's message.
        message: String,
    },
    /// The platform (or this adapter) cannot do this at all, e.g. list followers.
    #[error("not supported: {message}")]
    Unsupported {
        /// What is not supported.
        message: String,
    },
    /// Anything else.
    #[error("{message}")]
    Other {
        /// The adapter's message.
        message: String,
    },
}

impl SourceError {
    /// True when the same call may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SourceError::RateLimited { .. } | SourceError::Unavailable { .. }
        )
    }
}

/// What a platform adapter provides, in platform terms. Implemented by `rapport_twitter::XClient`.
///
/// ```
/// use rapport_core::source::{FeedPage, Fetched, Limit, PageRequest, SearchRequest, Source, SourceError};
/// use rapport_core::{Corpus, Platform, Post};
/// use chrono::{TimeZone, Utc};
///
/// /// A source over a fixed corpus: search is a substring match.
/// struct Fixed(Corpus);
///
/// #[async_trait::async_trait]
/// impl Source for Fixed {
///     fn platform(&self) -> Platform { Platform::Other }
///     async fn search(&self, req: &SearchRequest) -> Result<Fetched, SourceError> {
///         let posts = self.0.posts().filter(|p| p.text().contains(&req.query)).map(|p| p.to_post());
///         Ok(Fetched { corpus: Corpus::from_parts(Vec::new(), posts), pages: 1, ..Fetched::default() })
///     }
///     async fn timeline(&self, _: &str, _: Limit) -> Result<Fetched, SourceError> { Ok(Fetched::default()) }
///     async fn mentions(&self, _: &str, _: Limit) -> Result<Fetched, SourceError> { Ok(Fetched::default()) }
///     async fn conversation(&self, _: &str, _: bool, _: Limit) -> Result<Fetched, SourceError> { Ok(Fetched::default()) }
///     async fn lookup_posts(&self, _: &[String]) -> Result<Fetched, SourceError> { Ok(Fetched::default()) }
///     async fn lookup_accounts(&self, _: &[String]) -> Result<Fetched, SourceError> { Ok(Fetched::default()) }
///     async fn feed_page(&self, _: &PageRequest<'_>) -> Result<FeedPage, SourceError> { Ok(FeedPage::default()) }
/// }
///
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// c.add_post(Post::new("1", "9", "We are #hiring", t));
/// c.add_post(Post::new("2", "9", "Lunch", t));
/// let found = futures_lite_block_on(Fixed(c).search(&SearchRequest::new("#hiring"))).unwrap();
/// assert_eq!(found.corpus.num_posts(), 1);
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// The platform this source reads.
    fn platform(&self) -> Platform;

    /// Posts matching a query.
    async fn search(&self, request: &SearchRequest) -> Result<Fetched, SourceError>;

    /// An account's own posts, newest first (platforms cap how far back: X gives the newest 3,200).
    async fn timeline(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError>;

    /// Posts mentioning an account (X: the newest 800).
    async fn mentions(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError>;

    /// The whole conversation a post belongs to: its root and every reply found. `archive` chooses
    /// the full archive over the recent window. A failed part goes to `failures`, not to `Err`.
    async fn conversation(
        &self,
        post_id: &str,
        archive: bool,
        limit: Limit,
    ) -> Result<Fetched, SourceError>;

    /// Posts by id; ids not returned go to `missing`.
    async fn lookup_posts(&self, ids: &[String]) -> Result<Fetched, SourceError>;

    /// Accounts by handle (with or without `@`); handles not returned go to `missing`.
    async fn lookup_accounts(&self, handles: &[String]) -> Result<Fetched, SourceError>;

    /// One page of a feed: what a sync stores, with its cursor, before it asks for the next. A
    /// platform that cannot ask for posts newer than `since_id` cuts the page itself and sets
    /// [`FeedPage::reached_since`].
    async fn feed_page(&self, request: &PageRequest<'_>) -> Result<FeedPage, SourceError>;

    /// One page of an account's followers or following list: what a `followers` or `following`
    /// watch's sync stores, with its cursor, before it asks for the next. The sync assembles the
    /// pages of one reading into one follow snapshot.
    ///
    /// By default [`SourceError::Unsupported`]: a platform that has follow lists overrides it.
    async fn follow_page(
        &self,
        request: &FollowPageRequest<'_>,
    ) -> Result<FollowPage, SourceError> {
        Err(SourceError::Unsupported {
            message: format!(
                "this {} source cannot list the {} of account {}",
                self.platform().as_str(),
                request.direction.as_str(),
                request.account_id
            ),
        })
    }

    /// The id of the account with this handle (with or without `@`), `None` when the platform has
    /// none. By default through [`Source::lookup_accounts`].
    async fn account_id(&self, handle: &str) -> Result<Option<String>, SourceError> {
        let wanted = crate::normalize_handle(handle);
        let found = self.lookup_accounts(&[handle.to_owned()]).await?;
        Ok(found
            .corpus
            .accounts()
            .find(|a| crate::normalize_handle(a.handle()) == wanted)
            .map(|a| a.id().to_owned()))
    }
}

/// Fetches several conversations, one after another, into one [`Fetched`]. A conversation that fails
/// as a whole is recorded in `failures` (with its id) and the others still come back; only a
/// failure that would repeat for every id (credentials, access level) stops early and is returned.
pub async fn fetch_conversations(
    source: &dyn Source,
    post_ids: &[String],
    archive: bool,
    limit: Limit,
) -> Result<Fetched, SourceError> {
    let mut all = Fetched::default();
    for id in post_ids {
        match source.conversation(id, archive, limit).await {
            Ok(f) => all.merge(f),
            Err(e @ (SourceError::Unauthorized { .. } | SourceError::Forbidden { .. })) => {
                return Err(e);
            }
            Err(e) => all.failures.push(format!("conversation {id}: {e}")),
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Post;
    use chrono::TimeZone;
    use std::sync::Mutex;

    /// A fake platform: conversations from a fixed corpus, with scripted failures per id, and a log of
    /// the calls made.
    struct FakeSource {
        corpus: Corpus,
        fail: Vec<(String, SourceError)>,
        calls: Mutex<Vec<String>>,
    }

    impl FakeSource {
        fn fetched(&self, keep: impl Fn(&crate::PostRef<'_>) -> bool) -> Fetched {
            let posts: Vec<Post> = self
                .corpus
                .posts()
                .filter(|p| keep(p))
                .map(|p| p.to_post())
                .collect();
            Fetched {
                corpus: Corpus::from_parts(Vec::new(), posts),
                pages: 1,
                ..Fetched::default()
            }
        }
    }

    #[async_trait::async_trait]
    impl Source for FakeSource {
        fn platform(&self) -> Platform {
            Platform::Other
        }
        async fn search(&self, request: &SearchRequest) -> Result<Fetched, SourceError> {
            Ok(self.fetched(|p| p.text().contains(&request.query)))
        }
        async fn timeline(&self, account_id: &str, _: Limit) -> Result<Fetched, SourceError> {
            Ok(self.fetched(|p| p.author().id() == account_id))
        }
        async fn mentions(&self, _: &str, _: Limit) -> Result<Fetched, SourceError> {
            Ok(Fetched::default())
        }
        async fn conversation(
            &self,
            post_id: &str,
            _: bool,
            _: Limit,
        ) -> Result<Fetched, SourceError> {
            self.calls.lock().unwrap().push(post_id.to_owned());
            if let Some((_, e)) = self.fail.iter().find(|(id, _)| id == post_id) {
                return Err(e.clone());
            }
            Ok(self.fetched(|p| p.conversation_id() == Some(post_id)))
        }
        async fn lookup_posts(&self, ids: &[String]) -> Result<Fetched, SourceError> {
            let mut f = self.fetched(|p| ids.iter().any(|i| i == p.id()));
            for id in ids.iter().filter(|i| self.corpus.post_by_id(i).is_none()) {
                f.missing.push(Missing {
                    id: id.clone(),
                    resource: "post".into(),
                    reason: MissingReason::NotFound,
                });
            }
            Ok(f)
        }
        async fn lookup_accounts(&self, _: &[String]) -> Result<Fetched, SourceError> {
            Ok(Fetched::default())
        }
        async fn feed_page(&self, _: &PageRequest<'_>) -> Result<FeedPage, SourceError> {
            Ok(FeedPage::default())
        }
    }

    fn post(id: &str, author: &str, conv: &str, hour: u32) -> Post {
        let mut p = Post::new(
            id,
            author,
            format!("post {id}"),
            Utc.with_ymd_and_hms(2024, 5, 1, hour, 0, 0).unwrap(),
        );
        p.conversation_id = Some(conv.into());
        if id != conv {
            p.reply_to = Some(conv.into());
        }
        p
    }

    fn fake(fail: Vec<(String, SourceError)>) -> FakeSource {
        // Two threads: 10 (root + 2 replies) and 20 (root + 1 reply); 30 is scripted to fail.
        let posts = vec![
            post("10", "1", "10", 9),
            post("11", "2", "10", 10),
            post("12", "3", "10", 11),
            post("20", "1", "20", 9),
            post("21", "2", "20", 12),
        ];
        FakeSource {
            corpus: Corpus::from_parts(Vec::new(), posts),
            fail,
            calls: Mutex::new(Vec::new()),
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn one_failed_conversation_does_not_fail_the_rest() {
        let src = fake(vec![(
            "30".into(),
            SourceError::Unavailable {
                message: "503".into(),
            },
        )]);
        let ids: Vec<String> = ["10", "30", "20"].iter().map(|s| (*s).to_owned()).collect();
        let got = block_on(fetch_conversations(&src, &ids, false, Limit::default())).unwrap();
        // 3 posts in thread 10 + 2 in thread 20.
        assert_eq!(got.corpus.num_posts(), 5);
        assert_eq!(got.corpus.num_conversations(), 2);
        assert_eq!(got.pages, 2);
        assert_eq!(
            got.failures,
            vec!["conversation 30: unavailable: 503".to_owned()]
        );
        assert!(!got.is_complete());
        assert_eq!(
            *src.calls.lock().unwrap(),
            ids,
            "every id was tried, in order"
        );
    }

    #[test]
    fn credential_failure_stops_early() {
        let src = fake(vec![(
            "10".into(),
            SourceError::Unauthorized {
                message: "bad token".into(),
            },
        )]);
        let ids: Vec<String> = vec!["10".into(), "20".into()];
        let err = block_on(fetch_conversations(&src, &ids, true, Limit::pages(1))).unwrap_err();
        assert_eq!(
            err,
            SourceError::Unauthorized {
                message: "bad token".into()
            }
        );
        assert!(!err.is_retryable());
        assert_eq!(
            src.calls.lock().unwrap().len(),
            1,
            "no point asking again with the same token"
        );
    }

    #[test]
    fn lookup_reports_missing_ids_as_outcomes() {
        let src = fake(Vec::new());
        let got = block_on(src.lookup_posts(&["11".into(), "99".into()])).unwrap();
        assert_eq!(got.corpus.num_posts(), 1);
        assert_eq!(
            got.missing,
            vec![Missing {
                id: "99".into(),
                resource: "post".into(),
                reason: MissingReason::NotFound
            }]
        );
        assert!(got.is_complete());
        let json = serde_json::to_string(&got.missing[0]).unwrap();
        assert_eq!(
            json,
            r#"{"id":"99","resource":"post","reason":{"kind":"not_found"}}"#
        );
    }
}
