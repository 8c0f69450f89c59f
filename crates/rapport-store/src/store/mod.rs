//! The store: one SQLite connection with its key, opened and migrated here; what it does lives in
//! one file per job:
//!
//! - `posts`: writing posts and accounts (`save_corpus`), the duplicate policy;
//! - `load`: reading them back (`load_corpus`, one platform at a time: `load_corpus_for`), `num_posts`;
//! - `watches`: watches, their cursors, and sync pages that move a cursor with their data;
//! - `candidates`: candidate records;
//! - `derived`: derived results about an account;
//! - `drafts`: drafts of replies and the record of each send;
//! - `follows`: follow snapshots, whole or page by page for a sync;
//! - `lists`: X lists and who is on or owns them;
//! - `redact`: tombstones and the redaction of forgotten people inside other people's data.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use rapport_core::normalize_handle;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::schema;

mod candidates;
mod derived;
mod drafts;
mod follows;
mod lists;
mod load;
mod posts;
mod redact;
mod watches;

pub use candidates::CandidateUpsertReport;
pub use drafts::{Draft, DraftState, SendOutcome};
pub(crate) use follows::snapshot_time;
pub use follows::{
    FollowPageWrite, FollowSnapshotInfo, FollowWriteReport, SOURCE_CORPUS, SOURCE_SYNC,
};
pub use load::PlatformFilter;
pub use posts::{DuplicatePolicy, MAX_LISTED_CONFLICTS, PostConflict, SaveReport};
pub use redact::REDACTED_MENTION;
#[cfg(test)]
pub(crate) use redact::at_tokens;
pub(crate) use redact::{Tombstones, redact, redact_urls, url_handle};
pub use watches::{Cursor, SyncCursor, Watch, WatchKind, parse_watch_platform};

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

/// Whether SQLite said the database is busy or locked.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Puts the file in WAL mode and answers the mode it is in, waiting up to `busy` for other openers.
///
/// SQLite answers `SQLITE_BUSY` at once, without calling the busy handler, when the switch to WAL
/// finds another connection in the middle of its own switch (it holds a shared lock and cannot
/// upgrade without risking a deadlock). Several processes or threads opening a new store at the
/// same moment hit this, so the switch is retried here, with short sleeps, until the busy timeout.
/// On failure the error comes with how long this connection really waited.
fn journal_mode_wal(
    conn: &Connection,
    busy: Duration,
) -> std::result::Result<String, (rusqlite::Error, Duration)> {
    let start = std::time::Instant::now();
    let mut pause = Duration::from_millis(1);
    let answer = loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Ok(mode) => break Ok(mode),
            Err(e) if is_busy(&e) && start.elapsed() < busy => {
                std::thread::sleep(pause.min(busy.saturating_sub(start.elapsed())));
                pause = (pause * 2).min(Duration::from_millis(50));
                // A retry waits (in SQLite's busy handler) only for what is left of the timeout,
                // so that the whole open never waits much longer than `busy`.
                let left = busy.saturating_sub(start.elapsed());
                conn.busy_timeout(left.max(Duration::from_millis(1)))
                    .map_err(|e| (e, start.elapsed()))?;
            }
            Err(e) => break Err((e, start.elapsed())),
        }
    };
    conn.busy_timeout(busy).map_err(|e| (e, start.elapsed()))?;
    answer
}

/// A busy or locked database becomes [`StoreError::Locked`], naming the file.
pub(crate) fn locked(e: rusqlite::Error, shown: &str, busy: Duration) -> StoreError {
    if is_busy(&e) {
        StoreError::Locked {
            path: shown.to_owned(),
            waited_ms: busy.as_millis() as u64,
        }
    } else {
        StoreError::Sqlite(e)
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

fn ms_text(ms: i64) -> String {
    ms_time(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn ms_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
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
        let _mode: String = journal_mode_wal(&conn, busy)
            .map_err(|(e, waited)| locked(e, &shown, waited))
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
}
