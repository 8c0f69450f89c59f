//! The one error type of the store.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused (disk full, corrupt file, constraint…).
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file could not be opened as a store (not a SQLite database, no permission…).
    #[error("store {path}: {source}")]
    Open {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer rapport than this one.
    #[error(
        "store {path}: schema version {found} is newer than this rapport supports ({supported}); upgrade rapport"
    )]
    NewerSchema {
        /// The database file.
        path: String,
        /// The version found in the file.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// A migration step failed; the file is left at the version before it.
    #[error("store {path}: migrating from schema version {from} to {to} failed: {source}")]
    Migration {
        /// The database file.
        path: String,
        /// The version before the failed step.
        from: u32,
        /// The version the step was going to.
        to: u32,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored JSON column did not parse (the file was edited by hand or is damaged).
    #[error("store: column {column} of {table} holds invalid JSON: {source}")]
    Json {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The parser's message.
        source: serde_json::Error,
    },
    /// A stored value is not one this build writes (for example an unknown watch kind).
    #[error("store: column {column} of {table} holds {value:?}, which is not {expected}")]
    BadValue {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value found.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The store holds data of several platforms and no platform was chosen: a corpus holds one
    /// platform at a time unless they are merged explicitly ([`crate::PlatformFilter::All`]).
    #[error(
        "store: it holds data of several platforms ({}); a corpus holds one platform at a time: \
         choose one of them ({}), or all to merge them",
        platforms.join(" and "),
        platforms.join(", ")
    )]
    MixedPlatforms {
        /// The platforms present (`x`, `bluesky`, `other`), in that order.
        platforms: Vec<String>,
    },
    /// No watch of that name.
    #[error("store: no watch named {0:?}")]
    UnknownWatch(String),
    /// A watch of that name exists already.
    #[error("store: a watch named {0:?} exists already")]
    WatchExists(String),
    /// No candidate record with this HRIS id is kept in the store.
    #[error(
        "store: no candidate record with HRIS id {0:?} is kept in the store (records are kept by \
         `rapport score --keep-candidates` or `Store::upsert_candidates`)"
    )]
    UnknownCandidate(String),
    /// No post with this id is stored (a draft answers a stored post, so the person approving it sees
    /// what it answers).
    #[error(
        "store: no post with id {0:?} is stored; import or sync the conversation first (a draft \
         answers a stored post, so whoever approves it can see what it answers)"
    )]
    UnknownPost(String),
    /// No draft with this id.
    #[error("store: no draft with id {0}")]
    UnknownDraft(i64),
    /// The draft was sent, or may have been, and is never sent again.
    #[error(
        "draft {id} is {state}{}: {}",
        post_id.as_deref().map(|p| format!(" (post {p})")).unwrap_or_default(),
        if *state == "sent" {
            "it was sent already, and nothing is sent twice"
        } else {
            "its last send may have been published (the answer was lost or the sending process \
             stopped), so it is not sent again; check the account's replies, and if the reply is \
             not there, write a new draft"
        }
    )]
    DraftNotSendable {
        /// The draft.
        id: i64,
        /// Its state: `sent`, `sending` or `unknown_outcome`.
        state: &'static str,
        /// The id X returned, when it was sent.
        post_id: Option<String>,
    },
    /// Nothing in the store and nothing to forget was recognised in the request.
    #[error("store: {0:?} is neither an account id, a handle nor a profile URL")]
    NotAPerson(String),
    /// Writing an export failed.
    #[error("store: writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    /// The store key (see [`crate::KEY_ENV`]) is missing, unreadable, too widely readable or not the
    /// one this store was made with.
    #[error("store key: {0}")]
    Key(String),
    /// Another connection held the write lock for longer than the busy timeout.
    #[error(
        "store {path} is locked by another writer (waited {waited_ms} ms): another rapport command          (sync, import, forget…) or program is writing to it; retry when it has finished"
    )]
    Locked {
        /// The database file.
        path: String,
        /// How long this connection waited.
        waited_ms: u64,
    },
    /// Another `rapport sync` is running on this store.
    #[error(
        "store {path}: a sync is already running (process {pid}, since {since}); wait for it to          finish. If that process no longer exists, run `rapport sync --break-lock`"
    )]
    SyncLocked {
        /// The database file.
        path: String,
        /// The process that holds the sync lock.
        pid: u32,
        /// When it took it (RFC 3339).
        since: String,
    },
    /// A later copy of a stored post disagrees with it on a field that cannot change (strict mode).
    #[error(
        "post {post_id}: the new copy has {field} {found:?} but the stored copy has {stored:?};          a post's {field} never changes, so one of the sources is wrong (use lenient mode to skip          such copies and count them)"
    )]
    Conflict {
        /// The post id.
        post_id: String,
        /// `author_id` or `created_at`.
        field: &'static str,
        /// The stored value.
        stored: String,
        /// The value of the new copy.
        found: String,
    },
    /// An argument out of range (a retention window reaching before year -262144…).
    #[error("store: {0}")]
    BadArgument(String),
    /// A failure injected by a test in the middle of a write.
    #[cfg(test)]
    #[error("store: injected failure after {0} posts")]
    Injected(usize),
}

/// The result type of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
