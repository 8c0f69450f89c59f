//! The store: opening, corpus writes and loads, candidates, watches and cursors, derived data.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use rapport_core::candidates::Candidate;
use rapport_core::{
    Account, AccountIdx, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics,
    normalize_handle,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Result, StoreError};
use crate::schema;

/// An open store: one SQLite file (or memory), one connection.
///
/// A `Store` is one connection; open one per thread. Any number of readers may run while one writer
/// writes (WAL mode): a reader sees the store as of its last committed write, never half of one.
pub struct Store {
    pub(crate) conn: Connection,
    /// The key of tombstones (never stored in the file, see [`crate::KEY_ENV`]).
    pub(crate) key: Vec<u8>,
    /// The in-file salt of schema version 2, kept only while legacy tombstones made with it exist.
    pub(crate) legacy_salt: Option<Vec<u8>>,
    pub(crate) actor: String,
    pub(crate) duplicates: DuplicatePolicy,
    busy: Duration,
    shown: String,
    path: Option<PathBuf>,
    #[cfg(test)]
    pub(crate) fail_after_posts: Option<usize>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is what keeps tombstones from being reversed by guessing: never print it.
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

/// What to do when a later copy of a stored post disagrees with it on a field that cannot change
/// (its author or, by more than a second, its creation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Fail the write ([`StoreError::Conflict`]); nothing of it is stored.
    #[default]
    Strict,
    /// Keep the stored copy, skip the new one and count it ([`SaveReport::conflicts`]).
    Lenient,
}

/// A later copy of a post skipped in lenient mode because it disagrees with the stored copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostConflict {
    /// The post id.
    pub post_id: String,
    /// `author_id` or `created_at`.
    pub field: &'static str,
    /// The stored value.
    pub stored: String,
    /// The new copy's value.
    pub found: String,
}

/// At most this many conflicts are listed in a [`SaveReport`] (all are counted).
pub const MAX_LISTED_CONFLICTS: usize = 100;

/// What a corpus write did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SaveReport {
    /// Posts inserted or updated.
    pub posts_written: usize,
    /// Accounts inserted or updated.
    pub accounts_written: usize,
    /// Posts not written because their author (or the author of the post they repost) was forgotten,
    /// or because a compliance event removed them (or the post they repost).
    pub posts_skipped: usize,
    /// Accounts not written because they were forgotten.
    pub accounts_skipped: usize,
    /// Mentions of forgotten accounts removed from the posts written (lists and `@handle` in text).
    pub mentions_removed: usize,
    /// Later copies of stored posts skipped because they disagree on the author or the creation
    /// time (lenient mode; in strict mode such a copy fails the write).
    pub conflicts_skipped: usize,
    /// The first [`MAX_LISTED_CONFLICTS`] of them.
    pub conflicts: Vec<PostConflict>,
}

/// The kind of a watch: what the sync loop asks the platform for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    /// A saved search query (`target` is the query).
    Search,
    /// A user's timeline (`target` is the account id or handle).
    Timeline,
    /// The mentions of a user (`target` is the account id or handle).
    Mentions,
    /// The posts of a list (`target` is the list id).
    List,
}

impl WatchKind {
    /// The name stored in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Search => "search",
            WatchKind::Timeline => "timeline",
            WatchKind::Mentions => "mentions",
            WatchKind::List => "list",
        }
    }

    fn parse(s: &str) -> Result<WatchKind> {
        Ok(match s {
            "search" => WatchKind::Search,
            "timeline" => WatchKind::Timeline,
            "mentions" => WatchKind::Mentions,
            "list" => WatchKind::List,
            other => {
                return Err(StoreError::BadValue {
                    table: "watches",
                    column: "kind",
                    value: other.to_owned(),
                    expected: "search, timeline, mentions or list",
                });
            }
        })
    }
}

/// A named, saved definition of something to sync.
///
/// ```
/// use rapport_store::{Store, Watch, WatchKind};
/// let mut store = Store::open_in_memory().unwrap();
/// store.add_watch(&Watch::new("rust-jobs", WatchKind::Search, "#rustlang #hiring -is:retweet")).unwrap();
/// assert_eq!(store.watch("rust-jobs").unwrap().unwrap().kind, WatchKind::Search);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    /// Its unique name.
    pub name: String,
    /// What it syncs.
    pub kind: WatchKind,
    /// The query, account or list id.
    pub target: String,
    /// Anything else the sync loop needs (page size, fields…), as JSON.
    #[serde(default)]
    pub options: Value,
}

impl Watch {
    /// A watch with empty options.
    pub fn new(name: impl Into<String>, kind: WatchKind, target: impl Into<String>) -> Self {
        Watch {
            name: name.into(),
            kind,
            target: target.into(),
            options: Value::Object(serde_json::Map::new()),
        }
    }
}

/// Where a watch's sync stands: the newest post id covered, and the token of the next page when a
/// sweep over older pages was interrupted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    /// The newest post id the store holds for this watch (`since_id` of the next sweep).
    pub newest_id: Option<String>,
    /// The pagination token of the next page of an unfinished sweep.
    pub next_token: Option<String>,
}

/// A cursor with the time it was last moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncCursor {
    /// The cursor.
    pub cursor: Cursor,
    /// When it was last set.
    pub updated_at: DateTime<Utc>,
}

/// What a candidate upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CandidateReport {
    /// Candidates inserted or updated.
    pub written: usize,
    /// Candidates not written because one of their handles was forgotten.
    pub skipped_forgotten: usize,
}

/// The busy timeout of a new store.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What the key check value in `meta` is the HMAC of.
const KEY_CHECK: &str = "rapport store key check v1";

/// What a write transaction needs of its store, borrowed beside the connection.
pub(crate) struct Env<'a> {
    pub(crate) key: &'a [u8],
    pub(crate) legacy_salt: Option<&'a [u8]>,
    pub(crate) actor: &'a str,
    pub(crate) duplicates: DuplicatePolicy,
    pub(crate) shown: &'a str,
    pub(crate) busy: Duration,
    pub(crate) fail_after: Option<usize>,
}

impl Env<'_> {
    /// Commits, naming the file if the commit could not get its lock.
    pub(crate) fn commit(&self, tx: Transaction<'_>) -> Result<()> {
        tx.commit().map_err(|e| locked(e, self.shown, self.busy))
    }

    pub(crate) fn tombstones(&self, conn: &Connection) -> Result<Tombstones<'_>> {
        let mut st = conn.prepare_cached("SELECT digest FROM tombstones")?;
        let set = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(Tombstones {
            key: self.key,
            legacy_salt: self.legacy_salt,
            set,
        })
    }

    /// The tombstone digest of `value` (`id:…` or `handle:…`).
    pub(crate) fn digest(&self, value: &str) -> String {
        crate::key::hmac_hex(self.key, value.as_bytes())
    }
}

/// A busy or locked database becomes [`StoreError::Locked`], naming the file.
pub(crate) fn locked(e: rusqlite::Error, shown: &str, busy: Duration) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Locked {
                path: shown.to_owned(),
                waited_ms: busy.as_millis() as u64,
            }
        }
        _ => StoreError::Sqlite(e),
    }
}

pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::BadValue {
            table,
            column,
            value: s.to_owned(),
            expected: "an RFC 3339 timestamp",
        })
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<T> {
    serde_json::from_str(s).map_err(|source| StoreError::Json {
        table,
        column,
        source,
    })
}

fn to_i64(v: Option<u64>) -> Option<i64> {
    v.map(|x| i64::try_from(x).unwrap_or(i64::MAX))
}

fn platform_str(p: Platform) -> &'static str {
    p.as_str()
}

fn parse_platform(s: &str) -> Result<Platform> {
    match s {
        "x" => Ok(Platform::X),
        "other" => Ok(Platform::Other),
        other => Err(StoreError::BadValue {
            table: "accounts",
            column: "platform",
            value: other.to_owned(),
            expected: "x or other",
        }),
    }
}

/// The key of an account row: its id, or `@` + the lower-case handle when no id is known.
fn account_key(id: &str, handle: &str) -> String {
    if id.is_empty() {
        format!("@{}", normalize_handle(handle))
    } else {
        id.to_owned()
    }
}

/// The `@handle` tokens of a text: (byte start of `@`, byte end, the handle).
pub(crate) fn at_tokens(text: &str) -> Vec<(usize, usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr_at(&b[i..]) {
        let start = i + off;
        let prev_ok = start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        let mut end = start + 1;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        if prev_ok && end > start + 1 {
            out.push((start, end, &text[start + 1..end]));
        }
        i = end.max(start + 1);
    }
    out
}

fn memchr_at(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'@')
}

/// What replaces `@handle` of a forgotten person inside other people's posts.
pub const REDACTED_MENTION: &str = "@[forgotten]";

/// The tombstones of a database, loaded for one write.
pub(crate) struct Tombstones<'s> {
    key: &'s [u8],
    legacy_salt: Option<&'s [u8]>,
    set: HashSet<String>,
}

impl Tombstones<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
    fn has(&self, value: &str) -> bool {
        self.set
            .contains(&crate::key::hmac_hex(self.key, value.as_bytes()))
            || self
                .legacy_salt
                .is_some_and(|s| self.set.contains(&crate::schema::legacy_digest(s, value)))
    }
    pub(crate) fn id(&self, id: &str) -> bool {
        !id.is_empty() && !self.set.is_empty() && self.has(&format!("id:{id}"))
    }
    /// Whether a compliance event removed this post ([`crate::Store::apply_compliance`]).
    pub(crate) fn post(&self, post_id: &str) -> bool {
        !post_id.is_empty()
            && !self.set.is_empty()
            && self.has(&crate::compliance::post_value(post_id))
    }
    pub(crate) fn handle(&self, handle: &str) -> bool {
        !handle.is_empty()
            && !self.set.is_empty()
            && self.has(&format!("handle:{}", normalize_handle(handle)))
    }
}

/// Replaces every `@handle` of a forgotten handle in `text`; returns the new text and the count.
pub(crate) fn redact(text: &str, forgotten: impl Fn(&str) -> bool) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut n = 0;
    for (s, e, h) in at_tokens(text) {
        if forgotten(h) {
            out.push_str(&text[last..s]);
            out.push_str(REDACTED_MENTION);
            last = e;
            n += 1;
        }
    }
    if n == 0 {
        return (text.to_owned(), 0);
    }
    out.push_str(&text[last..]);
    (out, n)
}

// A later copy updates the stored post field by field: what it knows replaces, what it lacks (an
// empty text, NULL) never wipes a known value. The author and the creation time are kept; a copy
// that disagrees on them is caught before this statement (see `write_corpus`).
/// The handle an X profile or post URL names (`https://x.com/ada/status/1` → `ada`).
pub(crate) fn url_handle(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("mobile."))
        .unwrap_or(&host);
    if host != "x.com" && host != "twitter.com" {
        return None;
    }
    let seg = path.split(['/', '?', '#']).next()?;
    (!seg.is_empty()).then_some(seg)
}

/// Replaces the handle of forgotten people in X profile and post URLs inside a text
/// (`twitter.com/ada/status/1` → `twitter.com/[forgotten]/status/1`); returns the text and the count.
pub(crate) fn redact_urls(text: &str, forgotten: impl Fn(&str) -> bool) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    let mut cuts = Vec::new();
    for host in ["twitter.com/", "x.com/"] {
        let mut from = 0;
        while let Some(off) = lower[from..].find(host) {
            let at = from + off;
            from = at + host.len();
            let prev_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'-');
            let start = at + host.len();
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if prev_ok && end > start && forgotten(&text[start..end]) {
                cuts.push((start, end));
            }
        }
    }
    if cuts.is_empty() {
        return (text.to_owned(), 0);
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(s, e) in &cuts {
        out.push_str(&text[last..s]);
        out.push_str("[forgotten]");
        last = e;
    }
    out.push_str(&text[last..]);
    (out, cuts.len())
}

const POST_UPSERT: &str =
    "INSERT INTO posts (id, author_id, text, created_ms, conversation_id, reply_to,
    reply_to_account, quoted, reposted, hashtags, mentions, urls, lang,
    replies, reposts, likes, quotes, impressions, bookmarks)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
ON CONFLICT(id) DO UPDATE SET
    text = CASE WHEN excluded.text <> '' THEN excluded.text ELSE posts.text END,
    conversation_id = coalesce(excluded.conversation_id, posts.conversation_id),
    reply_to = coalesce(excluded.reply_to, posts.reply_to),
    reply_to_account = coalesce(excluded.reply_to_account, posts.reply_to_account),
    quoted = coalesce(excluded.quoted, posts.quoted),
    reposted = coalesce(excluded.reposted, posts.reposted),
    hashtags = coalesce(excluded.hashtags, posts.hashtags),
    mentions = coalesce(excluded.mentions, posts.mentions),
    urls = coalesce(excluded.urls, posts.urls),
    lang = coalesce(nullif(excluded.lang, ''), posts.lang),
    replies = coalesce(excluded.replies, posts.replies),
    reposts = coalesce(excluded.reposts, posts.reposts),
    likes = coalesce(excluded.likes, posts.likes),
    quotes = coalesce(excluded.quotes, posts.quotes),
    impressions = coalesce(excluded.impressions, posts.impressions),
    bookmarks = coalesce(excluded.bookmarks, posts.bookmarks)";

/// Two creation times of one post that are this close are the same instant at different precision
/// (X's `created_at` has whole seconds, the snowflake id milliseconds).
const SAME_INSTANT_MS: i64 = 1_000;

// Fields the new copy knows override the old ones, as in `Corpus::add_account`.
const ACCOUNT_UPSERT: &str = "INSERT INTO accounts (key, id, handle, handle_key, display_name, bio,
    created_ms, followers, following, posts, listed, platform)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT(key) DO UPDATE SET
    handle = CASE WHEN excluded.handle <> '' THEN excluded.handle ELSE accounts.handle END,
    handle_key = CASE WHEN excluded.handle <> '' THEN excluded.handle_key ELSE accounts.handle_key END,
    display_name = coalesce(nullif(excluded.display_name, ''), accounts.display_name),
    bio = coalesce(nullif(excluded.bio, ''), accounts.bio),
    created_ms = coalesce(excluded.created_ms, accounts.created_ms),
    followers = coalesce(excluded.followers, accounts.followers),
    following = coalesce(excluded.following, accounts.following),
    posts = coalesce(excluded.posts, accounts.posts),
    listed = coalesce(excluded.listed, accounts.listed),
    platform = excluded.platform";

fn json_list(items: &[&str]) -> Option<String> {
    (!items.is_empty()).then(|| serde_json::to_string(items).unwrap_or_default())
}

impl Store {
    /// Opens (or creates) the store at `path` and brings its schema up to date.
    ///
    /// The file is put in WAL mode (readers do not block the writer), with `secure_delete` on (deleted
    /// content is overwritten with zeros, which erasure relies on) and a 5 s busy timeout. The store
    /// key is read from [`crate::KEY_ENV`] or the key file `<path>.key`, which is created (mode 0600)
    /// when the store has no key yet.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Store::init(conn, Some(path.to_path_buf()))
    }

    /// A store in memory, gone when dropped (tests, one-off scripts). Its key is
    /// [`crate::KEY_ENV`] when set, else a random one for this store.
    ///
    /// ```
    /// let store = rapport_store::Store::open_in_memory().unwrap();
    /// assert_eq!(store.schema_version().unwrap(), rapport_store::SCHEMA_VERSION);
    /// ```
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let shown = path
            .as_ref()
            .map_or_else(|| ":memory:".to_owned(), |p| p.display().to_string());
        let busy = DEFAULT_BUSY_TIMEOUT;
        let open_err = |source| StoreError::Open {
            path: shown.clone(),
            source,
        };
        conn.busy_timeout(busy).map_err(open_err)?;
        // journal_mode answers with the mode it is in; memory databases stay "memory". This is also
        // the first read of the file: a file that is not a database fails here, named.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| locked(e, &shown, busy))
            .map_err(|e| match e {
                StoreError::Sqlite(source) => open_err(source),
                other => other,
            })?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        schema::migrate(&mut conn, &shown)?;
        let legacy_salt: Option<Vec<u8>> = conn
            .query_row("SELECT value FROM meta WHERE key = 'salt'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let check: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let random = || -> Result<Vec<u8>> {
            Ok(conn.query_row("SELECT randomblob(32)", [], |r| r.get(0))?)
        };
        let (key, source) = crate::key::load(path.as_deref(), check.is_none(), random)?;
        let made = crate::key::hmac_hex(&key, KEY_CHECK.as_bytes());
        match check {
            Some(c) if c == made => {}
            Some(_) => {
                return Err(StoreError::Key(format!(
                    "{source} is not the key store {shown} was made with; its tombstones could \
                     not be recognised (forgotten people would come back). Use the store's own \
                     key file or {}",
                    crate::KEY_ENV
                )));
            }
            None => {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(|e| locked(e, &shown, busy))?;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('key_check', ?1)
                     ON CONFLICT(key) DO NOTHING",
                    [&made],
                )?;
                tx.commit().map_err(|e| locked(e, &shown, busy))?;
            }
        }
        Ok(Store {
            conn,
            key,
            legacy_salt,
            actor: "rapport".to_owned(),
            duplicates: DuplicatePolicy::Strict,
            busy,
            shown,
            path,
            #[cfg(test)]
            fail_after_posts: None,
        })
    }

    /// How long a write waits for another connection's write lock before it fails with
    /// [`StoreError::Locked`] (5 s unless set).
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout)?;
        self.busy = timeout;
        Ok(())
    }

    /// What a later copy of a stored post that disagrees with it does ([`DuplicatePolicy::Strict`]
    /// unless set).
    pub fn set_duplicate_policy(&mut self, policy: DuplicatePolicy) {
        self.duplicates = policy;
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE`: the write lock is taken at the start (waiting
    /// up to the busy timeout), so a transaction that reads and then writes can never fail half-way
    /// because another writer committed in between. Also returns what writes need of the store.
    pub(crate) fn begin(&mut self) -> Result<(Transaction<'_>, Env<'_>)> {
        let env = Env {
            key: &self.key,
            legacy_salt: self.legacy_salt.as_deref(),
            actor: &self.actor,
            duplicates: self.duplicates,
            shown: &self.shown,
            busy: self.busy,
            #[cfg(test)]
            fail_after: self.fail_after_posts,
            #[cfg(not(test))]
            fail_after: None,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| locked(e, &self.shown, self.busy))?;
        Ok((tx, env))
    }

    /// A busy or locked error as [`StoreError::Locked`], naming this store.
    pub(crate) fn locked(&self, e: rusqlite::Error) -> StoreError {
        locked(e, &self.shown, self.busy)
    }

    /// The file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Who the audit log names for erasures and retention runs done through this store
    /// (`"rapport"` unless set).
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    /// The keyed hash of an account id, as tombstones hold it: HMAC-SHA256 under the store key,
    /// which is not in the database file, so the file alone cannot tell whether someone was
    /// forgotten.
    pub fn pseudonym_of_id(&self, account_id: &str) -> String {
        crate::key::hmac_hex(&self.key, format!("id:{account_id}").as_bytes())
    }

    /// The keyed hash of a handle (case-insensitive, with or without `@`), as tombstones hold it.
    pub fn pseudonym_of_handle(&self, handle: &str) -> String {
        crate::key::hmac_hex(
            &self.key,
            format!("handle:{}", normalize_handle(handle)).as_bytes(),
        )
    }

    // ----- corpus ---------------------------------------------------------------------------------

    /// Writes every account and post of `corpus` in one transaction.
    ///
    /// A post already stored is updated field by field: what the new copy knows replaces what is
    /// stored, what it lacks (an empty text, no language, no metrics…) never wipes a known value,
    /// and the creation time is kept. A copy that names another author, or a creation time more than
    /// a second away, is a conflict: an error in [`DuplicatePolicy::Strict`] (nothing is written),
    /// skipped and counted in [`DuplicatePolicy::Lenient`]. Account fields the new copy knows
    /// override the stored ones. Forgotten people (see [`Store::forget`]) are skipped.
    pub fn save_corpus(&mut self, corpus: &Corpus) -> Result<SaveReport> {
        let (tx, env) = self.begin()?;
        let report = write_corpus(&tx, &env, corpus)?;
        env.commit(tx)?;
        Ok(report)
    }

    /// [`Store::save_corpus`] and an audit entry in ONE transaction: the entry is logged exactly
    /// when the data it describes is committed. The closure makes the entry from the write's report
    /// (to log the counts). Returns the report and the entry's sequence number.
    pub fn save_corpus_audited(
        &mut self,
        corpus: &Corpus,
        entry: impl FnOnce(&SaveReport) -> crate::AuditEntry,
    ) -> Result<(SaveReport, i64)> {
        let (tx, env) = self.begin()?;
        let report = write_corpus(&tx, &env, corpus)?;
        let seq = crate::audit::append(&tx, &env, &entry(&report))?;
        env.commit(tx)?;
        Ok((report, seq))
    }

    /// Writes one page of a sync and moves the watch's cursor, in ONE transaction: the cursor moves
    /// exactly when the data it covers is stored. If anything fails, neither the posts nor the cursor
    /// change, so the next run fetches the same page again and nothing is lost or stored twice.
    ///
    /// ```
    /// use rapport_store::{Cursor, Store, Watch, WatchKind};
    /// use rapport_core::{Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut store = Store::open_in_memory().unwrap();
    /// store.add_watch(&Watch::new("jobs", WatchKind::Search, "#hiring")).unwrap();
    /// let mut page = Corpus::new();
    /// page.add_post(Post::new("100", "1", "We are #hiring", Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()));
    /// let cursor = Cursor { newest_id: Some("100".into()), next_token: None };
    /// store.add_page(&page, "jobs", &cursor).unwrap();
    /// assert_eq!(store.cursor("jobs").unwrap().unwrap().cursor, cursor);
    /// assert_eq!(store.load_corpus().unwrap().num_posts(), 1);
    /// ```
    pub fn add_page(
        &mut self,
        page: &Corpus,
        watch: &str,
        new_cursor: &Cursor,
    ) -> Result<SaveReport> {
        let (tx, env) = self.begin()?;
        let watch_id = watch_id(&tx, watch)?;
        let report = write_corpus(&tx, &env, page)?;
        put_cursor(&tx, watch_id, new_cursor)?;
        env.commit(tx)?;
        Ok(report)
    }

    /// [`Store::add_page`] that also replaces the watch's options, in the same transaction. The sync
    /// loop keeps the state of an unfinished sweep there (the newest id seen by the sweep, which
    /// becomes the cursor's `newest_id` when the sweep ends), so that this state, the page and the
    /// cursor can never disagree after a crash.
    pub fn add_page_with_options(
        &mut self,
        page: &Corpus,
        watch: &str,
        new_cursor: &Cursor,
        options: &Value,
    ) -> Result<SaveReport> {
        let (tx, env) = self.begin()?;
        let watch_id = watch_id(&tx, watch)?;
        let report = write_corpus(&tx, &env, page)?;
        put_cursor(&tx, watch_id, new_cursor)?;
        tx.execute(
            "UPDATE watches SET options = ?2 WHERE id = ?1",
            params![watch_id, options.to_string()],
        )?;
        env.commit(tx)?;
        Ok(report)
    }

    /// Reads everything back into a corpus: accounts first, then posts in the order they were first
    /// stored.
    pub fn load_corpus(&self) -> Result<Corpus> {
        let mut corpus = Corpus::new();
        let mut st = self.conn.prepare(
            "SELECT id, handle, display_name, bio, created_ms, followers, following, posts, listed,
                    platform FROM accounts ORDER BY rowid",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let platform: String = r.get(9)?;
            let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
            };
            corpus.add_account(Account {
                id: r.get(0)?,
                handle: r.get(1)?,
                display_name: r.get(2)?,
                bio: r.get(3)?,
                created_at: r.get::<_, Option<i64>>(4)?.map(ms_time),
                counts: ProfileCounts {
                    followers: count(5)?,
                    following: count(6)?,
                    posts: count(7)?,
                    listed: count(8)?,
                },
                platform: parse_platform(&platform)?,
            });
        }
        let mut st = self.conn.prepare(
            "SELECT id, author_id, text, created_ms, conversation_id, reply_to, reply_to_account, quoted,
                    reposted, hashtags, mentions, urls, lang,
                    replies, reposts, likes, quotes, impressions, bookmarks
             FROM posts ORDER BY seq",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let mut p = Post::new(
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                ms_time(r.get(3)?),
            );
            p.conversation_id = r.get(4)?;
            p.reply_to = r.get(5)?;
            p.reply_to_account = r.get(6)?;
            p.quoted = r.get(7)?;
            p.reposted = r.get(8)?;
            if let Some(s) = r
                .get_ref(9)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                p.hashtags = json("posts", "hashtags", s)?;
            }
            if let Some(s) = r
                .get_ref(10)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                let m: Vec<(Option<String>, String)> = json("posts", "mentions", s)?;
                p.mentions = m
                    .into_iter()
                    .map(|(id, handle)| Mention { id, handle })
                    .collect();
            }
            if let Some(s) = r
                .get_ref(11)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                p.urls = json("posts", "urls", s)?;
            }
            p.lang = r.get(12)?;
            let m = |i: usize| -> rusqlite::Result<Option<u32>> {
                Ok(r.get::<_, Option<i64>>(i)?
                    .map(|v| v.clamp(0, i64::from(u32::MAX)) as u32))
            };
            p.metrics = PublicMetrics {
                replies: m(13)?,
                reposts: m(14)?,
                likes: m(15)?,
                quotes: m(16)?,
                impressions: m(17)?,
                bookmarks: m(18)?,
            };
            corpus.add_post(p);
        }
        Ok(corpus)
    }

    /// Number of stored posts.
    pub fn num_posts(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM posts", [], |r| r.get::<_, i64>(0))? as u64)
    }

    // ----- candidates -----------------------------------------------------------------------------

    /// Inserts or replaces candidates by HRIS id, in one transaction. A candidate with a forgotten
    /// handle is not written (the HRIS asked for that person to be forgotten) and is counted.
    pub fn upsert_candidates(&mut self, candidates: &[Candidate]) -> Result<CandidateReport> {
        let (tx, env) = self.begin()?;
        let tomb = env.tombstones(&tx)?;
        let mut report = CandidateReport::default();
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO candidates (hris_id, name, stage, handles, labels, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(hris_id) DO UPDATE SET name = excluded.name, stage = excluded.stage,
                    handles = excluded.handles, labels = excluded.labels,
                    updated_at = excluded.updated_at",
            )?;
            let now = now_text();
            for c in candidates {
                if c.handles.iter().any(|h| tomb.handle(&h.handle)) {
                    report.skipped_forgotten += 1;
                    continue;
                }
                let handles = serde_json::to_string(&c.handles).unwrap_or_default();
                let labels = serde_json::to_string(&c.labels).unwrap_or_default();
                st.execute(params![c.hris_id, c.name, c.stage, handles, labels, now])?;
                report.written += 1;
            }
        }
        drop(tomb);
        env.commit(tx)?;
        Ok(report)
    }

    /// Every stored candidate, by HRIS id.
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        let mut st = self.conn.prepare(
            "SELECT hris_id, name, stage, handles, labels FROM candidates ORDER BY hris_id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(candidate_row(r)?);
        }
        Ok(out)
    }

    /// One candidate by HRIS id.
    pub fn candidate(&self, hris_id: &str) -> Result<Option<Candidate>> {
        let mut st = self.conn.prepare(
            "SELECT hris_id, name, stage, handles, labels FROM candidates WHERE hris_id = ?1",
        )?;
        let mut rows = st.query([hris_id])?;
        match rows.next()? {
            Some(r) => Ok(Some(candidate_row(r)?)),
            None => Ok(None),
        }
    }

    /// Removes a candidate record (the person left the pipeline). This is not erasure: their posts
    /// stay and no tombstone is written; use [`Store::forget_candidate`] for that.
    pub fn remove_candidate(&mut self, hris_id: &str) -> Result<bool> {
        let (tx, env) = self.begin()?;
        let n = tx.execute("DELETE FROM candidates WHERE hris_id = ?1", [hris_id])?;
        env.commit(tx)?;
        Ok(n > 0)
    }

    // ----- watches and cursors --------------------------------------------------------------------

    /// Adds a watch; fails if the name is taken.
    ///
    /// A watch that names a forgotten person (a timeline or mentions watch of them, a search with
    /// their handle or id as a word) is refused: it would fetch what the store must drop.
    pub fn add_watch(&mut self, watch: &Watch) -> Result<()> {
        let (tx, env) = self.begin()?;
        let tomb = env.tombstones(&tx)?;
        let names_forgotten = match watch.kind {
            WatchKind::Timeline | WatchKind::Mentions => {
                tomb.id(watch.target.trim()) || tomb.handle(&watch.target)
            }
            WatchKind::Search => watch
                .target
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| tomb.handle(w) || tomb.id(w)),
            WatchKind::List => false,
        };
        drop(tomb);
        if names_forgotten {
            return Err(StoreError::BadArgument(format!(
                "watch {:?} names a person who was forgotten (rapport forget): it is not added",
                watch.name
            )));
        }
        let n = tx.execute(
            "INSERT INTO watches (name, kind, target, options, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(name) DO NOTHING",
            params![
                watch.name,
                watch.kind.as_str(),
                watch.target,
                watch.options.to_string(),
                now_text()
            ],
        )?;
        env.commit(tx)?;
        if n == 0 {
            return Err(StoreError::WatchExists(watch.name.clone()));
        }
        Ok(())
    }

    /// Changes a watch's definition. When its kind or target changes its cursor is cleared (the old
    /// position means nothing for the new query); a change of options keeps it.
    pub fn update_watch(&mut self, watch: &Watch) -> Result<()> {
        let (tx, env) = self.begin()?;
        let id = watch_id(&tx, &watch.name)?;
        let (kind, target): (String, String) = tx.query_row(
            "SELECT kind, target FROM watches WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.execute(
            "UPDATE watches SET kind = ?2, target = ?3, options = ?4 WHERE id = ?1",
            params![
                id,
                watch.kind.as_str(),
                watch.target,
                watch.options.to_string()
            ],
        )?;
        if kind != watch.kind.as_str() || target != watch.target {
            tx.execute("DELETE FROM cursors WHERE watch_id = ?1", [id])?;
        }
        env.commit(tx)?;
        Ok(())
    }

    /// Deletes a watch and its cursor (the posts it brought stay). Returns whether it existed.
    pub fn remove_watch(&mut self, name: &str) -> Result<bool> {
        let (tx, env) = self.begin()?;
        let n = tx.execute("DELETE FROM watches WHERE name = ?1", [name])?;
        env.commit(tx)?;
        Ok(n > 0)
    }

    /// One watch by name.
    pub fn watch(&self, name: &str) -> Result<Option<Watch>> {
        let mut st = self
            .conn
            .prepare("SELECT name, kind, target, options FROM watches WHERE name = ?1")?;
        let mut rows = st.query([name])?;
        match rows.next()? {
            Some(r) => Ok(Some(watch_row(r)?)),
            None => Ok(None),
        }
    }

    /// Every watch, in the order they were added.
    pub fn watches(&self) -> Result<Vec<Watch>> {
        let mut st = self
            .conn
            .prepare("SELECT name, kind, target, options FROM watches ORDER BY id")?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(watch_row(r)?);
        }
        Ok(out)
    }

    /// A watch's cursor (`None` before its first page).
    pub fn cursor(&self, watch: &str) -> Result<Option<SyncCursor>> {
        let id = watch_id(&self.conn, watch)?;
        let row: Option<(Option<String>, Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT newest_id, next_token, updated_at FROM cursors WHERE watch_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(newest_id, next_token, at)| {
            Ok(SyncCursor {
                cursor: Cursor {
                    newest_id,
                    next_token,
                },
                updated_at: parse_time("cursors", "updated_at", &at)?,
            })
        })
        .transpose()
    }

    /// Sets a watch's cursor without data (for example to start a watch from a known id). A sync
    /// moves it with [`Store::add_page`] instead.
    pub fn set_cursor(&mut self, watch: &str, cursor: &Cursor) -> Result<()> {
        let (tx, env) = self.begin()?;
        let id = watch_id(&tx, watch)?;
        put_cursor(&tx, id, cursor)?;
        env.commit(tx)?;
        Ok(())
    }

    // ----- derived data ---------------------------------------------------------------------------

    /// Stores a derived result about an account (a score, its evidence) under an analysis name,
    /// replacing the previous one. Nothing is stored for a forgotten account; returns whether it was.
    pub fn put_derived(&mut self, account_id: &str, analysis: &str, data: &Value) -> Result<bool> {
        let (tx, env) = self.begin()?;
        if env.tombstones(&tx)?.id(account_id) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO derived (account_id, analysis, computed_at, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(account_id, analysis) DO UPDATE SET computed_at = excluded.computed_at,
                data = excluded.data",
            params![account_id, analysis, now_text(), data.to_string()],
        )?;
        env.commit(tx)?;
        Ok(true)
    }

    /// The derived results stored about an account, by analysis name.
    pub fn derived(&self, account_id: &str) -> Result<Vec<(String, Value)>> {
        let mut st = self.conn.prepare(
            "SELECT analysis, data FROM derived WHERE account_id = ?1 ORDER BY analysis",
        )?;
        let mut rows = st.query([account_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let data: String = r.get(1)?;
            out.push((r.get(0)?, json("derived", "data", &data)?));
        }
        Ok(out)
    }
}

fn ms_text(ms: i64) -> String {
    ms_time(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn ms_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn candidate_row(r: &rusqlite::Row<'_>) -> Result<Candidate> {
    let handles: String = r.get(3)?;
    let labels: String = r.get(4)?;
    Ok(Candidate {
        hris_id: r.get(0)?,
        name: r.get(1)?,
        stage: r.get(2)?,
        handles: json("candidates", "handles", &handles)?,
        labels: json("candidates", "labels", &labels)?,
    })
}

fn watch_row(r: &rusqlite::Row<'_>) -> Result<Watch> {
    let kind: String = r.get(1)?;
    let options: String = r.get(3)?;
    Ok(Watch {
        name: r.get(0)?,
        kind: WatchKind::parse(&kind)?,
        target: r.get(2)?,
        options: json("watches", "options", &options)?,
    })
}

fn watch_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM watches WHERE name = ?1", [name], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| StoreError::UnknownWatch(name.to_owned()))
}

fn put_cursor(tx: &Transaction<'_>, watch_id: i64, c: &Cursor) -> Result<()> {
    tx.execute(
        "INSERT INTO cursors (watch_id, newest_id, next_token, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(watch_id) DO UPDATE SET newest_id = excluded.newest_id,
            next_token = excluded.next_token, updated_at = excluded.updated_at",
        params![watch_id, c.newest_id, c.next_token, now_text()],
    )?;
    Ok(())
}

/// The body of `save_corpus` and `add_page`, inside the caller's transaction.
fn write_corpus(tx: &Transaction<'_>, env: &Env<'_>, corpus: &Corpus) -> Result<SaveReport> {
    let tomb = env.tombstones(tx)?;
    let fail_after = env.fail_after;
    let mut report = SaveReport::default();

    // Which accounts of this corpus are forgotten, by dense index (aliases included).
    let blocked: Vec<bool> = if tomb.is_empty() {
        Vec::new()
    } else {
        (0..corpus.account_capacity())
            .map(|i| {
                let a = corpus.account(AccountIdx(i as u32));
                tomb.id(a.id()) || tomb.handle(a.handle())
            })
            .collect()
    };
    let is_blocked = |idx: AccountIdx| blocked.get(idx.index()).copied().unwrap_or(false);

    {
        let mut upsert = tx.prepare_cached(ACCOUNT_UPSERT)?;
        let mut drop_stub = tx.prepare_cached("DELETE FROM accounts WHERE key = ?1 AND id = ''")?;
        for a in corpus.accounts() {
            if is_blocked(a.idx()) {
                report.accounts_skipped += 1;
                continue;
            }
            let handle = a.handle();
            let c = a.counts();
            if !a.id().is_empty() && !handle.is_empty() {
                // The person was known by handle only before; now the id is known.
                drop_stub.execute([account_key("", handle)])?;
            }
            let bio = match a.bio() {
                Some(b) if !tomb.is_empty() && b.contains('@') => {
                    let (b, n) = redact(b, |h| tomb.handle(h));
                    report.mentions_removed += n;
                    Some(std::borrow::Cow::Owned(b))
                }
                other => other.map(std::borrow::Cow::Borrowed),
            };
            upsert.execute(params![
                account_key(a.id(), handle),
                a.id(),
                handle,
                normalize_handle(handle),
                a.display_name(),
                bio.as_deref(),
                a.created_at().map(|t| t.timestamp_millis()),
                to_i64(c.followers),
                to_i64(c.following),
                to_i64(c.posts),
                to_i64(c.listed),
                platform_str(a.platform()),
            ])?;
            report.accounts_written += 1;
        }
    }

    let mut upsert = tx.prepare_cached(POST_UPSERT)?;
    let mut stored = tx.prepare_cached("SELECT author_id, created_ms FROM posts WHERE id = ?1")?;
    let mut tags: Vec<&str> = Vec::new();
    let mut urls: Vec<&str> = Vec::new();
    let mut mentions: Vec<(Option<&str>, &str)> = Vec::new();
    for p in corpus.posts() {
        if let Some(n) = fail_after.filter(|&n| n == report.posts_written) {
            return Err(injected(n));
        }
        // Removed by a compliance event, or a repost carrying such a post's text.
        if !tomb.is_empty() && (tomb.post(p.id()) || p.reposted_id().is_some_and(|o| tomb.post(o)))
        {
            report.posts_skipped += 1;
            continue;
        }
        if !blocked.is_empty() {
            let reposts_forgotten = p
                .reposted_post()
                .is_some_and(|o| is_blocked(o.author_idx()));
            if is_blocked(p.author_idx()) || reposts_forgotten {
                report.posts_skipped += 1;
                continue;
            }
        }
        let known: Option<(String, i64)> = stored
            .query_row([p.id()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((author, created)) = known {
            let conflict = if !author.is_empty() && author != p.author().id() {
                Some(("author_id", author, p.author().id().to_owned()))
            } else if (created - p.created_ms()).abs() > SAME_INSTANT_MS {
                Some(("created_at", ms_text(created), ms_text(p.created_ms())))
            } else {
                None
            };
            if let Some((field, stored, found)) = conflict {
                let c = PostConflict {
                    post_id: p.id().to_owned(),
                    field,
                    stored,
                    found,
                };
                if env.duplicates == DuplicatePolicy::Strict {
                    return Err(StoreError::Conflict {
                        post_id: c.post_id,
                        field: c.field,
                        stored: c.stored,
                        found: c.found,
                    });
                }
                report.conflicts_skipped += 1;
                if report.conflicts.len() < MAX_LISTED_CONFLICTS {
                    report.conflicts.push(c);
                }
                continue;
            }
        }
        tags.clear();
        tags.extend(p.hashtags());
        urls.clear();
        for u in p.urls() {
            if !tomb.is_empty() && url_handle(u).is_some_and(|h| tomb.handle(h)) {
                report.mentions_removed += 1;
            } else {
                urls.push(u);
            }
        }
        mentions.clear();
        for m in p.mentions() {
            if is_blocked(m.idx()) {
                report.mentions_removed += 1;
                continue;
            }
            mentions.push(((!m.id().is_empty()).then_some(m.id()), m.handle()));
        }
        let mentions_json =
            (!mentions.is_empty()).then(|| serde_json::to_string(&mentions).unwrap_or_default());
        let reply_to_account = p
            .reply_to_account()
            .filter(|a| !is_blocked(a.idx()))
            .map(|a| a.id())
            .filter(|id| !id.is_empty());
        let text = if tomb.is_empty() || !(p.text().contains('@') || p.text().contains(".com/")) {
            std::borrow::Cow::Borrowed(p.text())
        } else {
            let (t, n) = redact(p.text(), |h| tomb.handle(h));
            let (t, m) = redact_urls(&t, |h| tomb.handle(h));
            report.mentions_removed += n + m;
            std::borrow::Cow::Owned(t)
        };
        let m = p.metrics();
        upsert.execute(params![
            p.id(),
            p.author().id(),
            text.as_ref(),
            p.created_ms(),
            p.conversation_id(),
            p.reply_to_id(),
            reply_to_account,
            p.quoted_id(),
            p.reposted_id(),
            json_list(&tags),
            mentions_json,
            json_list(&urls),
            p.lang(),
            m.replies,
            m.reposts,
            m.likes,
            m.quotes,
            m.impressions,
            m.bookmarks,
        ])?;
        report.posts_written += 1;
    }
    Ok(report)
}

#[cfg(test)]
fn injected(n: usize) -> StoreError {
    StoreError::Injected(n)
}
#[cfg(not(test))]
fn injected(_: usize) -> StoreError {
    unreachable!("failure injection exists only in tests")
}
