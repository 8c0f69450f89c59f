//! # rapport-sync
//!
//! Incremental sync of *watches* — saved searches, user timelines, mentions, lists and follow lists,
//! defined once in the [store](rapport_store) — from any platform that implements core's
//! [`Source`] (rapport-twitter's `XClient`, rapport-bluesky's `BskyClient`;
//! [`sync_watches_by_platform`] gives each watch the source of its platform), fetching only what is
//! newer than each watch's cursor, and resumable after a crash or a rate-limit stop.
//!
//! Why a crate of its own: the store must not know HTTP (it is also the Python side's and the
//! notebooks' database), and the adapters must not know SQLite; the loop that moves data from one to
//! the other is the only thing that needs both. It speaks only `Source` — a watch becomes a
//! [`Feed`], fetched one page at a time with [`Source::feed_page`] — so a second platform syncs
//! without a change here. The CLI (`rapport sync`), the Rust service example
//! and, later, the Python binding all call this crate, without pulling in clap or a progress bar.
//!
//! ## How a sync stays correct
//!
//! Platforms return posts newest first. A *sweep* is one walk over the pages of everything newer
//! than the cursor's `newest_id` (`since_id`; for feeds a platform cannot ask that of, such as X's
//! lists, the adapter keeps only the newer posts and the walk stops at the first page that reaches
//! the cursor, [`FeedPage::reached_since`]). Every page is stored
//! with [`Store::add_page_with_options`]: the posts, the new cursor and the sweep's state in **one
//! transaction**. While a sweep is unfinished the cursor keeps the sweep's `since_id` and the token of
//! the next page, and the watch's options keep the newest id the sweep has seen
//! (`options.sync.sweep_newest`); when the last page is stored, `newest_id` moves to it and the
//! token is cleared. So:
//!
//! - a crash, a 5xx or a rate-limit stop between pages loses nothing: the next run resumes with the
//!   stored token and the same `since_id`, exactly where the last stored page ended;
//! - nothing is stored twice: pages already stored are never fetched again, and a post that does
//!   come twice (X pages overlap when new posts arrive) replaces its stored copy (posts are keyed by
//!   id);
//! - forgotten people stay forgotten: the store drops them from every page it writes;
//! - one bad item does not stop a sync: a post without an id or an author, or a user without an id,
//!   is dropped by the adapter before the page reaches the store, counted by reason in
//!   [`WatchReport::skipped`], and the sync goes on;
//! - a `followers` or `following` watch reads the whole list every run, page by page with
//!   [`Source::follow_page`], and stores ONE follow snapshot per complete reading, dated by the run
//!   (`observed_at` when its first page was read, `completed_at` when its last was). Each page goes
//!   into the store with the watch's cursor in one transaction ([`Store::add_follow_page`]); a run
//!   stopped half-way (a rate limit: X serves 15 pages of 1,000 per 15 minutes) leaves an unfinished
//!   snapshot that is never loaded, and the next run continues it from the stored token, so a long
//!   list is read completely over several runs and never half;
//! - two syncs of one store do not run at once: [`sync_watches`] takes the store's sync lock
//!   ([`Store::acquire_sync_lock`]) and a second one fails at once, naming the process that syncs.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use rapport_store::{Store, Watch, WatchKind};
//! use rapport_sync::{SyncOptions, sync_all};
//! use rapport_twitter::XClient;
//!
//! let mut store = Store::open("rapport.db")?;
//! store.add_watch(&Watch::new("rust-jobs", WatchKind::Search, "#rustlang #hiring -is:retweet"))?;
//! let client = XClient::new(std::env::var("X_BEARER_TOKEN")?)?;
//! let report = sync_all(&client, &mut store, &SyncOptions::default(), &mut |_event| {}).await?;
//! for w in &report.watches {
//!     println!("{}: {} page(s), {} new post(s), complete: {}", w.name, w.pages, w.posts_fetched, w.complete);
//! }
//! # Ok(()) }
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rapport_core::follows::FollowDirection;
pub use rapport_core::source::cmp_ids;
use rapport_core::source::{
    Feed, FeedPage, FollowPage, FollowPageRequest, Limit, PageRequest, Source, SourceError,
};
use rapport_core::{Account, Platform, normalize_handle};
use rapport_store::{Cursor, FollowPageWrite, Store, StoreError, Watch, WatchKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The key of a watch's options that holds the sync's own state.
pub const STATE_KEY: &str = "sync";

/// The default page size (`max_results`), the largest every watched endpoint accepts.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The page size of a follow list unless its watch sets `page_size`: X's largest (Bluesky's adapter
/// asks for its own largest, 100). X serves 15 pages of a follow list per 15 minutes, so big pages
/// matter.
pub const DEFAULT_FOLLOW_PAGE_SIZE: u32 = 1000;

/// Knobs of a sync run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOptions {
    /// At most this many pages per watch in one run (`None`: until the sweep ends). A run cut short
    /// leaves the token in the cursor; the next run continues.
    pub max_pages: Option<usize>,
    /// `max_results` per page, unless the watch's options say `page_size`.
    pub page_size: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            max_pages: None,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// The sync's state kept in a watch's options under [`STATE_KEY`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepState {
    /// The newest post id seen by the unfinished sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep_newest: Option<String>,
    /// The account id a timeline or mentions watch resolved its handle to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// What one watch's sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchReport {
    /// The watch.
    pub name: String,
    /// Its kind.
    pub kind: WatchKind,
    /// Whether the run continued an unfinished sweep.
    pub resumed: bool,
    /// Pages fetched and stored.
    pub pages: usize,
    /// Posts on those pages that were new to the cursor (the pages' `data`).
    pub posts_fetched: usize,
    /// Posts written to the store (including referenced posts from `includes`).
    pub posts_written: usize,
    /// Whether the sweep reached its end (nothing newer is left to fetch).
    pub complete: bool,
    /// Items of the pages that were dropped, by reason (a post without an id or an author, a user
    /// without an id…, and posts the converter could not place in time).
    pub skipped: BTreeMap<String, usize>,
    /// Later copies of stored posts skipped because they disagree with the stored copy on the author
    /// or the creation time (the store's lenient duplicate policy; see `rapport_store`).
    pub conflicts_skipped: usize,
    /// Why the run stopped early (a rate limit, a server error, the page limit), if it did.
    pub stopped: Option<String>,
    /// Accounts read from the pages of a follow list (followers and following watches).
    pub accounts_fetched: usize,
    /// The `observed_at` of the follow snapshot this run wrote into (followers and following
    /// watches): the time its first page was read, in this run or, when resumed, an earlier one.
    pub snapshot_observed_at: Option<DateTime<Utc>>,
    /// The cursor after the run.
    pub cursor: Cursor,
}

/// What a sync of several watches did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SyncReport {
    /// One report per watch, in the order they were synced.
    pub watches: Vec<WatchReport>,
}

impl SyncReport {
    /// Whether every watch reached the end of its sweep.
    pub fn is_complete(&self) -> bool {
        self.watches.iter().all(|w| w.complete)
    }

    /// Pages stored over all watches.
    pub fn pages(&self) -> usize {
        self.watches.iter().map(|w| w.pages).sum()
    }

    /// New posts over all watches.
    pub fn posts_fetched(&self) -> usize {
        self.watches.iter().map(|w| w.posts_fetched).sum()
    }

    /// Dropped items over all watches, by reason.
    pub fn skipped(&self) -> BTreeMap<String, usize> {
        let mut all = BTreeMap::new();
        for w in &self.watches {
            for (k, n) in &w.skipped {
                *all.entry(k.clone()).or_insert(0) += n;
            }
        }
        all
    }

    /// Conflicting copies skipped over all watches.
    pub fn conflicts_skipped(&self) -> usize {
        self.watches.iter().map(|w| w.conflicts_skipped).sum()
    }
}

/// Progress of a sync, for a progress bar or a log.
#[derive(Debug, Clone, Copy)]
pub enum SyncEvent<'a> {
    /// A watch starts.
    WatchStarted {
        /// The watch.
        watch: &'a Watch,
        /// Whether it continues an unfinished sweep.
        resumed: bool,
    },
    /// A page was stored.
    Page {
        /// The watch's name.
        watch: &'a str,
        /// Pages stored so far in this run for this watch.
        pages: usize,
        /// New posts so far in this run for this watch.
        posts: usize,
        /// Accounts of a follow list so far in this run for this watch.
        accounts: usize,
    },
    /// A watch is done (complete or stopped).
    WatchDone(&'a WatchReport),
}

/// The errors that stop a sync. Retryable source errors (rate limits, 5xx, timeouts) do not: they
/// end the watch's run with [`WatchReport::stopped`] set and the cursor where the last stored page
/// left it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// No watch of that name in the store.
    #[error("no watch named {0:?} in the store; add one with `rapport watch add`")]
    UnknownWatch(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The source failed in a way a retry will not fix (401, 403, 400...).
    #[error("watch {watch:?}: {source} ({pages} page(s) stored before it)")]
    Source {
        /// The watch.
        watch: String,
        /// Pages stored before the error.
        pages: usize,
        /// The source's error.
        #[source]
        source: SourceError,
    },
    /// A timeline, mentions, followers or following watch names a user the platform does not know.
    #[error("watch {watch:?}: no user @{handle}")]
    UnknownUser {
        /// The watch.
        watch: String,
        /// The handle.
        handle: String,
    },
    /// A watch reads a platform no source was given for (`rapport sync` builds the source of every
    /// platform its watches read).
    #[error("watch {watch:?} reads {platform}, and this sync has no {platform} source")]
    NoSource {
        /// The watch.
        watch: String,
        /// The platform it reads (`x`, `bluesky`).
        platform: &'static str,
    },
    /// A watch option has the wrong shape.
    #[error("watch {watch:?}: option `{option}`: {message}")]
    BadOption {
        /// The watch.
        watch: String,
        /// The option.
        option: &'static str,
        /// What was expected.
        message: String,
    },
}

fn max_id(a: Option<String>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if cmp_ids(b, &a) == Ordering::Greater => Some(b.to_owned()),
        (Some(a), _) => Some(a),
        (None, b) => b.map(str::to_owned),
    }
}

fn is_number(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit())
}

/// The newest id a sweep has seen, after `id` came on one of its pages. Decimal ids (X) compare as
/// numbers; other ids (Bluesky's AT-URIs, whose order says nothing about time across authors) do
/// not compare at all, and since every feed comes newest first, the first id the sweep saw stays.
fn sweep_newest_after(seen: Option<String>, id: &str) -> Option<String> {
    match seen {
        Some(s) if is_number(&s) && is_number(id) => max_id(Some(s), Some(id)),
        Some(s) => Some(s),
        None => Some(id.to_owned()),
    }
}

/// The cursor's newest id once a sweep ends: the newer of the last one and the sweep's (for ids that
/// are not numbers, the sweep's, which came after the last one).
fn newest_after_sweep(since: Option<String>, sweep: Option<&str>) -> Option<String> {
    match (since, sweep) {
        (Some(a), Some(b)) if is_number(&a) && is_number(b) => max_id(Some(a), Some(b)),
        (_, Some(b)) => Some(b.to_owned()),
        (a, None) => a,
    }
}

/// The source of each platform a sync may meet: a watch is synced with the source of its
/// [`Watch::platform`].
#[derive(Clone, Copy, Default)]
pub struct Sources<'a> {
    /// The X source (rapport-twitter's `XClient`), if X watches are to be synced.
    pub x: Option<&'a dyn Source>,
    /// The Bluesky source (rapport-bluesky's `BskyClient`), if Bluesky watches are to be synced.
    pub bluesky: Option<&'a dyn Source>,
}

impl std::fmt::Debug for Sources<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("x", &self.x.is_some())
            .field("bluesky", &self.bluesky.is_some())
            .finish()
    }
}

impl<'a> Sources<'a> {
    /// The source for a watch, or [`SyncError::NoSource`].
    ///
    /// # Errors
    /// [`SyncError::NoSource`] when the watch's platform has no source here.
    pub fn for_watch(&self, watch: &Watch) -> Result<&'a dyn Source, SyncError> {
        let source = match watch.platform {
            Platform::X => self.x,
            Platform::Bluesky => self.bluesky,
            _ => None,
        };
        source.ok_or(SyncError::NoSource {
            watch: watch.name.clone(),
            platform: watch.platform.as_str(),
        })
    }
}

/// Syncs every watch of the store, in the order they were added.
///
/// Retryable source errors stop only the watch they happen in (see [`WatchReport::stopped`]);
/// other errors stop the run.
pub async fn sync_all(
    source: &dyn Source,
    store: &mut Store,
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<SyncReport, SyncError> {
    let names: Vec<String> = store.watches()?.into_iter().map(|w| w.name).collect();
    sync_watches(source, store, &names, opts, progress).await
}

/// Syncs the named watches, in the order given, all with `source` whatever their platform (see
/// [`sync_watches_by_platform`] for a store with watches of several platforms), holding the store's
/// sync lock for the whole run (a second sync of the same store fails with
/// [`StoreError::SyncLocked`], naming this process).
pub async fn sync_watches(
    source: &dyn Source,
    store: &mut Store,
    names: &[String],
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<SyncReport, SyncError> {
    run_watches(Pick::One(source), store, names, opts, progress).await
}

/// Syncs the named watches, in the order given, each with the source of its platform (an X watch
/// with `sources.x`, a Bluesky one with `sources.bluesky`), under the store's sync lock as
/// [`sync_watches`] does. A watch whose platform has no source stops the run with
/// [`SyncError::NoSource`] before anything of it is fetched.
pub async fn sync_watches_by_platform(
    sources: &Sources<'_>,
    store: &mut Store,
    names: &[String],
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<SyncReport, SyncError> {
    run_watches(Pick::ByPlatform(sources), store, names, opts, progress).await
}

/// How a run finds the source of a watch.
enum Pick<'s, 'a> {
    One(&'s dyn Source),
    ByPlatform(&'s Sources<'a>),
}

async fn run_watches(
    pick: Pick<'_, '_>,
    store: &mut Store,
    names: &[String],
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<SyncReport, SyncError> {
    let lock = store.acquire_sync_lock()?;
    let mut report = SyncReport::default();
    let mut result = Ok(());
    for name in names {
        let source = match &pick {
            Pick::One(s) => Ok(*s),
            Pick::ByPlatform(sources) => match store.watch(name) {
                Ok(Some(w)) => sources.for_watch(&w),
                Ok(None) => Err(SyncError::UnknownWatch(name.clone())),
                Err(e) => Err(e.into()),
            },
        };
        let done = match source {
            Ok(source) => sync_watch(source, store, name, opts, progress).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(w) => report.watches.push(w),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    // Given back on errors too: a lock left behind would block the next run until its process is
    // known to be gone.
    let released = store.release_sync_lock(&lock);
    result?;
    released?;
    Ok(report)
}

fn state_of(watch: &Watch) -> Result<SweepState, SyncError> {
    match watch.options.get(STATE_KEY) {
        None | Some(Value::Null) => Ok(SweepState::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| SyncError::BadOption {
            watch: watch.name.clone(),
            option: STATE_KEY,
            message: format!("expected {{\"sweep_newest\": id, \"user_id\": id}}: {e}"),
        }),
    }
}

fn page_size(watch: &Watch, default: u32) -> Result<u32, SyncError> {
    match watch.options.get("page_size") {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| SyncError::BadOption {
                watch: watch.name.clone(),
                option: "page_size",
                message: format!("expected a whole number of items per page, found {v}"),
            }),
    }
}

async fn user_id(
    source: &dyn Source,
    watch: &Watch,
    state: &mut SweepState,
) -> Result<String, SyncError> {
    let target = watch.target.trim();
    // An X id, or a Bluesky DID.
    if is_number(target) || target.starts_with("did:") {
        return Ok(target.to_owned());
    }
    if let Some(id) = &state.user_id {
        return Ok(id.clone());
    }
    let handle = normalize_handle(target);
    let id = source
        .account_id(&handle)
        .await
        .map_err(|source| SyncError::Source {
            watch: watch.name.clone(),
            pages: 0,
            source,
        })?
        .ok_or_else(|| SyncError::UnknownUser {
            watch: watch.name.clone(),
            handle: handle.clone(),
        })?;
    state.user_id = Some(id.clone());
    Ok(id)
}

/// Syncs one watch: fetches what is newer than its cursor (resuming an unfinished sweep), storing
/// each page with its cursor in one transaction.
pub async fn sync_watch(
    source: &dyn Source,
    store: &mut Store,
    name: &str,
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<WatchReport, SyncError> {
    let watch = store
        .watch(name)?
        .ok_or_else(|| SyncError::UnknownWatch(name.to_owned()))?;
    if let Some(direction) = watch.kind.follow_direction() {
        return sync_follow_list(source, store, &watch, direction, opts, progress).await;
    }
    if watch.kind == WatchKind::Thread {
        return sync_thread(source, store, &watch, progress).await;
    }
    let cursor = store.cursor(name)?.map(|c| c.cursor).unwrap_or_default();
    let mut state = state_of(&watch)?;
    let resumed = cursor.next_token.is_some();
    if !resumed {
        // A sweep state without a token is left over from a sweep that finished: start afresh.
        state.sweep_newest = None;
    }
    let since = cursor.newest_id.clone();
    let size = page_size(&watch, opts.page_size)?;
    progress(SyncEvent::WatchStarted {
        watch: &watch,
        resumed,
    });

    let feed = match watch.kind {
        WatchKind::Search => Feed::Search {
            query: watch.target.clone(),
            archive: watch
                .options
                .get("archive")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        WatchKind::Timeline => Feed::Timeline {
            account_id: user_id(source, &watch, &mut state).await?,
        },
        WatchKind::Mentions => Feed::Mentions {
            account_id: user_id(source, &watch, &mut state).await?,
        },
        WatchKind::List => Feed::List {
            list_id: watch.target.clone(),
        },
        WatchKind::Followers | WatchKind::Following | WatchKind::Thread => {
            unreachable!("follow lists and threads are synced by their own functions")
        }
    };

    let mut report = WatchReport {
        name: watch.name.clone(),
        kind: watch.kind,
        resumed,
        pages: 0,
        posts_fetched: 0,
        posts_written: 0,
        complete: false,
        skipped: BTreeMap::new(),
        conflicts_skipped: 0,
        stopped: None,
        accounts_fetched: 0,
        snapshot_observed_at: None,
        cursor: cursor.clone(),
    };
    let mut options = match &watch.options {
        Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    let mut token = cursor.next_token.clone();
    let mut sweep_newest = state.sweep_newest.clone();
    loop {
        if opts.max_pages.is_some_and(|m| report.pages >= m) {
            report.stopped = Some(format!(
                "page limit ({} page(s)) reached; the next run continues",
                report.pages
            ));
            break;
        }
        let request = PageRequest {
            feed: &feed,
            since_id: since.as_deref(),
            token: token.as_deref(),
            page_size: size,
        };
        let page: FeedPage = match source.feed_page(&request).await {
            Ok(page) => page,
            Err(e) if e.is_retryable() => {
                report.stopped = Some(format!("{e}; rerun to resume"));
                break;
            }
            Err(source) => {
                return Err(SyncError::Source {
                    watch: watch.name.clone(),
                    pages: report.pages,
                    source,
                });
            }
        };
        for (why, n) in &page.skipped {
            *report.skipped.entry(why.clone()).or_insert(0) += n;
        }
        for id in &page.post_ids {
            sweep_newest = sweep_newest_after(sweep_newest, id);
        }
        let next = if page.reached_since {
            None
        } else {
            page.next_token.clone()
        };
        let new_cursor = match &next {
            Some(t) => Cursor {
                newest_id: since.clone(),
                next_token: Some(t.clone()),
            },
            None => Cursor {
                newest_id: newest_after_sweep(since.clone(), sweep_newest.as_deref()),
                next_token: None,
            },
        };
        state.sweep_newest = if next.is_some() {
            sweep_newest.clone()
        } else {
            None
        };
        options.insert(
            STATE_KEY.to_owned(),
            serde_json::to_value(&state).expect("plain strings serialise"),
        );
        let saved = store.add_page_with_options(
            &page.corpus,
            name,
            &new_cursor,
            &Value::Object(options.clone()),
        )?;
        report.pages += 1;
        report.posts_fetched += page.post_ids.len();
        report.posts_written += saved.posts_written;
        report.conflicts_skipped += saved.conflicts_skipped;
        report.cursor = new_cursor;
        progress(SyncEvent::Page {
            watch: name,
            pages: report.pages,
            posts: report.posts_fetched,
            accounts: 0,
        });
        match next {
            Some(t) => token = Some(t),
            None => {
                report.complete = true;
                break;
            }
        }
    }
    progress(SyncEvent::WatchDone(&report));
    Ok(report)
}

/// Syncs a `thread` watch: reads the whole conversation of its post again (new replies anywhere in
/// it are what a thread watch is for) and stores it as one page, with an empty cursor.
async fn sync_thread(
    source: &dyn Source,
    store: &mut Store,
    watch: &Watch,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<WatchReport, SyncError> {
    let name = watch.name.as_str();
    progress(SyncEvent::WatchStarted {
        watch,
        resumed: false,
    });
    let mut report = WatchReport {
        name: watch.name.clone(),
        kind: watch.kind,
        resumed: false,
        pages: 0,
        posts_fetched: 0,
        posts_written: 0,
        complete: false,
        skipped: BTreeMap::new(),
        conflicts_skipped: 0,
        stopped: None,
        accounts_fetched: 0,
        snapshot_observed_at: None,
        cursor: store.cursor(name)?.map(|c| c.cursor).unwrap_or_default(),
    };
    let fetched = match source
        .conversation(watch.target.trim(), false, Limit::default())
        .await
    {
        Ok(f) => f,
        Err(e) if e.is_retryable() => {
            report.stopped = Some(format!("{e}; rerun to read the thread again"));
            progress(SyncEvent::WatchDone(&report));
            return Ok(report);
        }
        Err(source) => {
            return Err(SyncError::Source {
                watch: watch.name.clone(),
                pages: 0,
                source,
            });
        }
    };
    if !fetched.missing.is_empty() {
        report.skipped.insert(
            "post of the thread not found, blocked or withheld".to_owned(),
            fetched.missing.len(),
        );
    }
    if !fetched.failures.is_empty() {
        report.skipped.insert(
            "part of the thread that failed".to_owned(),
            fetched.failures.len(),
        );
    }
    let cursor = Cursor::default();
    let saved = store.add_page_with_options(&fetched.corpus, name, &cursor, &watch.options)?;
    report.pages = fetched.pages.max(1);
    report.posts_fetched = fetched.corpus.num_posts();
    report.posts_written = saved.posts_written;
    report.conflicts_skipped = saved.conflicts_skipped;
    report.complete = fetched.next_token.is_none() && fetched.failures.is_empty();
    if !report.complete {
        report.stopped = Some("the thread was not read to its end; rerun".to_owned());
    }
    report.cursor = cursor;
    progress(SyncEvent::Page {
        watch: name,
        pages: report.pages,
        posts: report.posts_fetched,
        accounts: 0,
    });
    progress(SyncEvent::WatchDone(&report));
    Ok(report)
}

/// Syncs a `followers` or `following` watch: reads the whole list, page by page, into one follow
/// snapshot (continuing the watch's unfinished one when the last run stopped half-way).
async fn sync_follow_list(
    source: &dyn Source,
    store: &mut Store,
    watch: &Watch,
    direction: FollowDirection,
    opts: &SyncOptions,
    progress: &mut (dyn FnMut(SyncEvent<'_>) + Send),
) -> Result<WatchReport, SyncError> {
    let name = watch.name.as_str();
    let cursor = store.cursor(name)?.map(|c| c.cursor).unwrap_or_default();
    let mut state = state_of(watch)?;
    state.sweep_newest = None;
    let size = page_size(watch, DEFAULT_FOLLOW_PAGE_SIZE)?;
    let account_id = user_id(source, watch, &mut state).await?;
    // A token is only worth its unfinished snapshot: without it (or with one of another list), the
    // pages already read are gone and the list is read again from the start.
    let mut token = match (&cursor.next_token, store.pending_follow_snapshot(name)?) {
        (Some(t), Some(p)) if p.owner == account_id && p.direction == direction => Some(t.clone()),
        _ => None,
    };
    let resumed = token.is_some();
    progress(SyncEvent::WatchStarted { watch, resumed });
    let mut report = WatchReport {
        name: watch.name.clone(),
        kind: watch.kind,
        resumed,
        pages: 0,
        posts_fetched: 0,
        posts_written: 0,
        complete: false,
        skipped: BTreeMap::new(),
        conflicts_skipped: 0,
        stopped: None,
        accounts_fetched: 0,
        snapshot_observed_at: None,
        cursor: cursor.clone(),
    };
    let mut options = match &watch.options {
        Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    options.insert(
        STATE_KEY.to_owned(),
        serde_json::to_value(&state).expect("plain strings serialise"),
    );
    loop {
        if opts.max_pages.is_some_and(|m| report.pages >= m) {
            report.stopped = Some(format!(
                "page limit ({} page(s)) reached; the next run continues the list",
                report.pages
            ));
            break;
        }
        let request = FollowPageRequest {
            account_id: &account_id,
            direction,
            token: token.as_deref(),
            page_size: size,
        };
        let read_at = Utc::now();
        let page: FollowPage = match source.follow_page(&request).await {
            Ok(page) => page,
            Err(e) if e.is_retryable() => {
                report.stopped = Some(format!("{e}; rerun to resume"));
                break;
            }
            Err(source) => {
                return Err(SyncError::Source {
                    watch: watch.name.clone(),
                    pages: report.pages,
                    source,
                });
            }
        };
        for (why, n) in &page.skipped {
            *report.skipped.entry(why.clone()).or_insert(0) += n;
        }
        let new_cursor = Cursor {
            newest_id: None,
            next_token: page.next_token.clone(),
        };
        let mut profiles = page.corpus;
        if token.is_none() {
            // The owner's handle, when the watch names one: analyses then find the list by it.
            let target = watch.target.trim();
            if !target.is_empty() && !is_number(target) && !target.starts_with("did:") {
                let mut owner = Account::new(account_id.clone(), normalize_handle(target));
                owner.platform = source.platform();
                profiles.add_account(owner);
            }
        }
        let write = FollowPageWrite {
            owner: &account_id,
            direction,
            accounts: &page.account_ids,
            profiles: &profiles,
            read_at,
            first: token.is_none(),
            last: page.next_token.is_none(),
        };
        let saved =
            store.add_follow_page(name, &write, &new_cursor, &Value::Object(options.clone()))?;
        report.pages += 1;
        report.accounts_fetched += page.account_ids.len();
        report.posts_written += saved.saved.posts_written;
        report.conflicts_skipped += saved.saved.conflicts_skipped;
        report.snapshot_observed_at = saved.observed_at;
        report.cursor = new_cursor;
        progress(SyncEvent::Page {
            watch: name,
            pages: report.pages,
            posts: 0,
            accounts: report.accounts_fetched,
        });
        match page.next_token {
            Some(t) => token = Some(t),
            None => {
                report.complete = true;
                break;
            }
        }
    }
    progress(SyncEvent::WatchDone(&report));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_numbers_when_they_are_numbers() {
        assert_eq!(cmp_ids("9", "10"), Ordering::Less);
        assert_eq!(
            cmp_ids("1580661436132757504", "1580661436132757505"),
            Ordering::Less
        );
        assert_eq!(cmp_ids("007", "7"), Ordering::Equal);
        assert_eq!(cmp_ids("b", "a"), Ordering::Greater);
        assert_eq!(max_id(Some("9".into()), Some("10")), Some("10".into()));
        assert_eq!(max_id(None, Some("3")), Some("3".into()));
        assert_eq!(max_id(Some("30".into()), Some("4")), Some("30".into()));
    }

    #[test]
    fn uris_keep_the_first_seen_and_replace_the_last_sweeps() {
        let (a, b) = (
            "at://did:plc:zz/app.bsky.feed.post/3k2",
            "at://did:plc:aa/p/3k9",
        );
        // Feeds come newest first: the first URI of a sweep is its newest, whatever the strings.
        assert_eq!(sweep_newest_after(None, a).as_deref(), Some(a));
        assert_eq!(sweep_newest_after(Some(b.into()), a).as_deref(), Some(b));
        assert_eq!(
            sweep_newest_after(Some("9".into()), "10").as_deref(),
            Some("10")
        );
        assert_eq!(
            newest_after_sweep(Some(a.into()), Some(b)).as_deref(),
            Some(b)
        );
        assert_eq!(newest_after_sweep(Some(b.into()), None).as_deref(), Some(b));
        assert_eq!(
            newest_after_sweep(Some("30".into()), Some("4")).as_deref(),
            Some("30")
        );
    }
}
