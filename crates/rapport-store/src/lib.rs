//! # rapport-store
//!
//! Embedded persistence for rapport: one SQLite file, no server. It holds what an HRIS integration
//! needs between runs — posts and accounts, candidate records, saved searches and other *watches* with
//! their sync cursors, follow snapshots, derived results, the append-only audit log — and does what any system holding
//! personal data must do: forget a person on request and delete what is older than a retention limit.
//!
//! Why SQLite: a recruiter's script or a small service should not need a database server, and a single
//! file is easy to back up, move and delete. WAL mode lets readers (a report, a notebook) run while one
//! writer syncs.
//!
//! The guarantees, each tested:
//! - **Writes are transactions**, started with `BEGIN IMMEDIATE` so that a concurrent writer makes
//!   them wait (up to the busy timeout), never fail half-way. [`Store::add_page`] stores a page and
//!   moves its watch's cursor in one transaction, so an interrupted sync loses nothing and repeats
//!   nothing; [`Store::save_corpus_audited`] commits data with its audit entry. One sync at a time
//!   ([`Store::acquire_sync_lock`]).
//! - **A later copy of a post never wipes what is known** ([`DuplicatePolicy`]).
//! - **The schema is versioned** (`PRAGMA user_version`) and migrated in order on open;
//!   [`Store::check`] verifies a whole file.
//! - **Erasure is complete.** [`Store::forget`] removes the person's posts, account, every mention of
//!   them, their candidate records, derived data, the watches that name them, their follow lists and
//!   their place in everyone else's, leaves a keyed-hash
//!   tombstone (the key is outside the file: [`KEY_ENV`] or [`key_path`]) that later writes respect,
//!   logs the erasure, and rewrites the file so the bytes are gone.
//! - **X compliance events are honoured.** [`Store::apply_compliance`] removes deleted and
//!   protected posts and deleted, protected, suspended and deactivated accounts with their posts,
//!   tombstones them as erasure does, and logs it in the same transaction.
//! - **A draft is sent at most once.** [`Store::begin_send`] and [`Store::finish_send`] bracket the
//!   one request; a draft that was sent, or may have been, is never sent again, and every attempt is
//!   in the audit log with the id X returned.
//! - **The audit log is append-only**, enforced by triggers, hash-chained, and names people only by
//!   random pseudonyms whose mapping erasure deletes.
//!
//! ```
//! use rapport_store::{Store, Watch, WatchKind, Cursor};
//! use rapport_core::{Account, Corpus, Post};
//! use chrono::{TimeZone, Utc};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::open(dir.path().join("rapport.db")).unwrap();
//! store.add_watch(&Watch::new("acme-mentions", WatchKind::Mentions, "acme_careers")).unwrap();
//!
//! let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
//! let page = Corpus::from_parts(
//!     [Account::new("1", "acme_careers"), Account::new("2", "ada")],
//!     [Post::new("11", "2", "@acme_careers is the role remote?", t)],
//! );
//! store.add_page(&page, "acme-mentions", &Cursor { newest_id: Some("11".into()), next_token: None }).unwrap();
//!
//! let corpus = store.load_corpus().unwrap();
//! assert_eq!(corpus.num_posts(), 1);
//! store.forget("@ada").unwrap();
//! assert_eq!(store.load_corpus().unwrap().num_posts(), 0);
//! assert!(store.is_forgotten("ada").unwrap());
//! ```

mod audit;
mod check;
mod compliance;
mod erase;
mod error;
mod key;
mod lock;
mod schema;
mod store;

pub use audit::{AuditEntry, AuditRecord, ChainBreak};
pub use check::CheckReport;
pub use compliance::ComplianceReport;
pub use erase::{ForgetReport, RetainReport};
pub use error::{Result, StoreError};
pub use key::{KEY_ENV, key_path};
pub use lock::SyncLock;
pub use schema::SCHEMA_VERSION;
pub use store::{
    CandidateUpsertReport, Cursor, DEFAULT_BUSY_TIMEOUT, Draft, DraftState, DuplicatePolicy,
    FollowPageWrite, FollowSnapshotInfo, FollowWriteReport, MAX_LISTED_CONFLICTS, PlatformFilter,
    PostConflict, REDACTED_MENTION, SOURCE_CORPUS, SOURCE_SYNC, SaveReport, SendOutcome, Store,
    SyncCursor, Watch, WatchKind, parse_watch_platform,
};

#[doc(hidden)]
pub mod __private {
    //! For the migration tests: the SQL of schema versions 1, 2, 5, 6 and 7, and the v2 pseudonym.
    pub use crate::schema::{
        V1_SQL, V2_SQL, V5_DRAFTS_SQL, V6_FOLLOWS_SQL, V7_WATCH_PLATFORMS_SQL, legacy_digest,
    };
}

#[cfg(test)]
mod tests;

// The code blocks of the store guide run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/store.md")]
struct StoreGuide;
