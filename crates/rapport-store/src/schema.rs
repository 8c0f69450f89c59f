//! The versioned schema: one migration function per version, applied in order, each in its own
//! transaction that also sets `PRAGMA user_version`. A new database runs every migration from 1, so the
//! path that upgrades old files is the path every test exercises.

use rusqlite::{Connection, Transaction};

use crate::error::{Result, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 9;

type Migration = fn(&Transaction<'_>) -> rusqlite::Result<()>;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: [Migration; SCHEMA_VERSION as usize] = [
    v1_initial,
    v2_watches_tombstones,
    v3_keyed_erasure,
    v4_follow_snapshots,
    v5_drafts,
    v6_follow_snapshots,
    v7_watch_platforms,
    v8_post_annotations,
    v9_lists,
];

/// Version 1 (rapport 0.1 preview): posts kept their metrics as one JSON column, and a saved search
/// and its cursor were one row of `sync_state`.
pub const V1_SQL: &str = r"
CREATE TABLE accounts (
    key          TEXT PRIMARY KEY,   -- the platform id, or '@' + lower-case handle when no id is known
    id           TEXT NOT NULL,
    handle       TEXT NOT NULL,
    handle_key   TEXT NOT NULL,      -- lower-case handle, for lookups
    display_name TEXT,
    bio          TEXT,
    created_ms   INTEGER,
    followers    INTEGER,
    following    INTEGER,
    posts        INTEGER,
    listed       INTEGER,
    platform     TEXT NOT NULL
);
CREATE INDEX accounts_handle ON accounts(handle_key);
CREATE TABLE posts (
    seq              INTEGER PRIMARY KEY,  -- insertion order
    id               TEXT NOT NULL UNIQUE,
    author_id        TEXT NOT NULL,
    text             TEXT NOT NULL,
    created_ms       INTEGER NOT NULL,
    conversation_id  TEXT,
    reply_to         TEXT,
    reply_to_account TEXT,
    quoted           TEXT,
    reposted         TEXT,
    hashtags         TEXT,   -- JSON array of normalised tags, NULL when none
    mentions         TEXT,   -- JSON array of [id or null, handle], NULL when none
    urls             TEXT,   -- JSON array, NULL when none
    lang             TEXT,
    metrics          TEXT    -- JSON object of the public metrics
);
CREATE INDEX posts_author ON posts(author_id);
CREATE INDEX posts_created ON posts(created_ms);
CREATE TABLE candidates (
    hris_id    TEXT PRIMARY KEY,
    name       TEXT,
    stage      TEXT,
    handles    TEXT NOT NULL,   -- JSON array of {platform, handle}
    labels     TEXT NOT NULL,   -- JSON object
    updated_at TEXT NOT NULL
);
CREATE TABLE sync_state (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    query      TEXT NOT NULL,
    newest_id  TEXT,
    next_token TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    analysis      TEXT,
    config        TEXT NOT NULL,
    version       TEXT NOT NULL,
    cohort_size   INTEGER NOT NULL,
    cohort        TEXT NOT NULL,   -- JSON array of salted hashes, never ids in clear
    output_digest TEXT,
    details       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

fn v1_initial(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V1_SQL)
}

/// Version 2: watches apart from their cursors, metrics as columns (no JSON to parse per post on
/// load), tombstones and the per-database salt, derived data per account.
fn v2_watches_tombstones(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V2_SQL)
}

/// The SQL of migration 2 (for the migration tests).
pub const V2_SQL: &str = r"
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
-- The salt of every pseudonym in this file (tombstones, audit cohorts). SQLite's randomblob reads the
-- operating system's random source.
INSERT INTO meta(key, value) VALUES ('salt', randomblob(32));

CREATE TABLE watches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('search', 'timeline', 'mentions', 'list')),
    target     TEXT NOT NULL,
    options    TEXT NOT NULL,   -- JSON object
    created_at TEXT NOT NULL
);
CREATE TABLE cursors (
    watch_id   INTEGER PRIMARY KEY REFERENCES watches(id) ON DELETE CASCADE,
    newest_id  TEXT,
    next_token TEXT,
    updated_at TEXT NOT NULL
);
INSERT INTO watches(name, kind, target, options, created_at)
    SELECT name, kind, query, '{}', updated_at FROM sync_state ORDER BY rowid;
INSERT INTO cursors(watch_id, newest_id, next_token, updated_at)
    SELECT w.id, s.newest_id, s.next_token, s.updated_at
    FROM sync_state s JOIN watches w ON w.name = s.name;
DROP TABLE sync_state;

ALTER TABLE posts ADD COLUMN replies INTEGER;
ALTER TABLE posts ADD COLUMN reposts INTEGER;
ALTER TABLE posts ADD COLUMN likes INTEGER;
ALTER TABLE posts ADD COLUMN quotes INTEGER;
ALTER TABLE posts ADD COLUMN impressions INTEGER;
ALTER TABLE posts ADD COLUMN bookmarks INTEGER;
UPDATE posts SET
    replies     = json_extract(metrics, '$.replies'),
    reposts     = json_extract(metrics, '$.reposts'),
    likes       = json_extract(metrics, '$.likes'),
    quotes      = json_extract(metrics, '$.quotes'),
    impressions = json_extract(metrics, '$.impressions'),
    bookmarks   = json_extract(metrics, '$.bookmarks')
WHERE metrics IS NOT NULL;
ALTER TABLE posts DROP COLUMN metrics;

CREATE TABLE tombstones (
    digest TEXT PRIMARY KEY,   -- salted SHA-256 of 'id:<account id>' or 'handle:<lower-case handle>'
    at     TEXT NOT NULL
);
CREATE TABLE derived (
    account_id  TEXT NOT NULL,
    analysis    TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    data        TEXT NOT NULL,   -- JSON
    PRIMARY KEY (account_id, analysis)
);
";

/// The append-only triggers of the audit log (dropped only by the v3 migration, which re-seals the
/// log; see [`v3_keyed_erasure`]).
const AUDIT_TRIGGERS: &str = "
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// Version 3: erasure that leaves nothing a copy of the file could reveal.
///
/// - The audit log names people only by pseudonymous keys (`p:` + 32 random hex digits); the key →
///   account id mapping sits in `audit_people`, which erasure deletes from. Each row is sealed in a
///   hash chain (`prev_hash`, `hash`).
/// - Tombstones become keyed hashes (the key lives outside the file, see [`crate::KEY_ENV`]); the
///   existing ones, salted with the in-file salt, cannot be re-keyed without knowing who they are,
///   so they are kept and marked `legacy`, and the salt is kept only while any exist.
/// - `sync_lock` holds the process that is syncing.
///
/// Old audit rows hold cohorts of salted hashes and, for erasures, the tombstone digests. Since an
/// append-only log cannot be rewritten later, this one-time migration rewrites them once, then seals
/// the whole log: each cohort hash that belongs to an account still in the store becomes that
/// account's `p:` key (with a mapping row), every other one (people already forgotten) becomes a
/// fresh key with no mapping at all; the tombstone digests and the candidate pseudonym of old
/// erasures become counts. The migration adds `details.migrated_v3 = true` to each row it rewrote.
fn v3_keyed_erasure(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        r"
CREATE TABLE audit_people (
    pkey       TEXT PRIMARY KEY,        -- 'p:' + random hex, as the audit log holds it
    account_id TEXT NOT NULL UNIQUE
);
CREATE TABLE sync_lock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pid        INTEGER NOT NULL,
    token      TEXT NOT NULL,
    started_at TEXT NOT NULL
);
ALTER TABLE tombstones ADD COLUMN legacy INTEGER NOT NULL DEFAULT 0;
UPDATE tombstones SET legacy = 1;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
",
    )?;
    let salt: Vec<u8> = tx.query_row("SELECT value FROM meta WHERE key = 'salt'", [], |r| {
        r.get(0)
    })?;
    // Old cohort hash -> account id, for the accounts the store still holds.
    let mut known = std::collections::HashMap::new();
    {
        let mut st = tx.prepare(
            "SELECT id FROM accounts WHERE id <> ''
             UNION SELECT account_id FROM derived UNION SELECT author_id FROM posts",
        )?;
        for id in st.query_map([], |r| r.get::<_, String>(0))? {
            let id = id?;
            known.insert(legacy_digest(&salt, &format!("id:{id}")), id);
        }
    }
    let rows: Vec<(i64, String, String, String)> = {
        let mut st =
            tx.prepare("SELECT seq, action, cohort, details FROM audit_log ORDER BY seq")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (seq, action, cohort, details) in rows {
        let old: Vec<String> = serde_json::from_str(&cohort).unwrap_or_default();
        let mut new = Vec::with_capacity(old.len());
        for h in old {
            new.push(match known.get(&h) {
                Some(id) => crate::audit::person_key(tx, id)?,
                None => crate::audit::random_key(tx)?,
            });
        }
        let mut d: serde_json::Value =
            serde_json::from_str(&details).unwrap_or(serde_json::Value::Null);
        if let Some(m) = d.as_object_mut() {
            if action == "forget" {
                if let Some(t) = m.remove("tombstones") {
                    let n = t.as_array().map_or(0, Vec::len);
                    m.insert("tombstones_written".into(), n.into());
                }
                if let Some(c) = m.remove("candidate") {
                    m.insert("candidate".into(), (!c.is_null()).into());
                }
            }
            m.insert("migrated_v3".into(), true.into());
        }
        tx.execute(
            "UPDATE audit_log SET cohort = ?2, details = ?3 WHERE seq = ?1",
            rusqlite::params![
                seq,
                serde_json::to_string(&new).unwrap_or_default(),
                d.to_string()
            ],
        )?;
    }
    crate::audit::seal_all(tx)?;
    tx.execute_batch(AUDIT_TRIGGERS)?;
    tx.execute(
        "DELETE FROM meta WHERE key = 'salt' AND NOT EXISTS (SELECT 1 FROM tombstones)",
        [],
    )?;
    Ok(())
}

/// Version 4 is reserved: a development build used it for follow snapshots, whose tables now come
/// with version 6 ([`v6_follow_snapshots`]). In this build the step only moves the version on, so
/// that version 5 (drafts) is the same step in every build and depends on nothing version 4 creates.
#[allow(
    clippy::unnecessary_wraps,
    reason = "every migration has the signature of `Migration`"
)]
fn v4_follow_snapshots(_tx: &Transaction<'_>) -> rusqlite::Result<()> {
    Ok(())
}

/// The SQL of migration 5: replies written in rapport and sent only after a person approved them
/// (see `Store::add_draft`). Independent of every table but `posts` (which it only reads at run time).
pub const V5_DRAFTS_SQL: &str = r"
CREATE TABLE drafts (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the audit log names drafts by id
    text               TEXT NOT NULL,
    in_reply_to        TEXT NOT NULL,      -- the post answered
    in_reply_to_author TEXT,               -- its author's account id (what erasure looks for)
    author             TEXT NOT NULL,      -- the person who wrote the draft (an operator, not an X account)
    created_at         TEXT NOT NULL,
    state              TEXT NOT NULL DEFAULT 'draft'
                       CHECK (state IN ('draft', 'sending', 'sent', 'failed', 'unknown_outcome')),
    post_id            TEXT,               -- the id X returned for the reply
    error              TEXT,               -- why the last attempt failed
    attempts           INTEGER NOT NULL DEFAULT 0,
    attempted_at       TEXT,
    sent_by            TEXT                -- the person who approved the last attempt
);
CREATE INDEX drafts_in_reply_to ON drafts(in_reply_to);
CREATE INDEX drafts_in_reply_to_author ON drafts(in_reply_to_author);
";

/// Version 5: drafts of replies, each sent once, after a person approved it.
fn v5_drafts(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V5_DRAFTS_SQL)
}

/// The SQL of migration 6: follow snapshots (one reading of one account's followers or following
/// list) and their observations (the account ids in it), and watches of the kinds `followers` and
/// `following`.
///
/// The `CHECK` of `watches.kind` cannot be altered in place, so `watches` and `cursors` are rebuilt
/// (ids kept) and renamed over the old ones; renaming `watches_v6` also points the foreign key of
/// `cursors_v6` at the new `watches`.
pub const V6_FOLLOWS_SQL: &str = r"
CREATE TABLE watches_v6 (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL
               CHECK (kind IN ('search', 'timeline', 'mentions', 'list', 'followers', 'following')),
    target     TEXT NOT NULL,
    options    TEXT NOT NULL,   -- JSON object
    created_at TEXT NOT NULL
);
INSERT INTO watches_v6 (id, name, kind, target, options, created_at)
    SELECT id, name, kind, target, options, created_at FROM watches;
CREATE TABLE cursors_v6 (
    watch_id   INTEGER PRIMARY KEY REFERENCES watches_v6(id) ON DELETE CASCADE,
    newest_id  TEXT,
    next_token TEXT,
    updated_at TEXT NOT NULL
);
INSERT INTO cursors_v6 (watch_id, newest_id, next_token, updated_at)
    SELECT watch_id, newest_id, next_token, updated_at FROM cursors;
DROP TABLE cursors;
DROP TABLE watches;
ALTER TABLE watches_v6 RENAME TO watches;
ALTER TABLE cursors_v6 RENAME TO cursors;

CREATE TABLE follow_snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    owner        TEXT NOT NULL,          -- the id of the account whose list this is
    direction    TEXT NOT NULL CHECK (direction IN ('followers', 'following')),
    observed_at  TEXT NOT NULL,          -- RFC 3339 (ms, UTC): when the first page was read
    completed_at TEXT,                   -- when the last page was read; NULL while a sync reads it
    source       TEXT NOT NULL,          -- 'corpus' (imported or saved), 'sync', or the caller's word
    watch_id     INTEGER,                -- the watch whose sync reads or read it (no foreign key:
                                         -- the snapshot outlives its watch)
    UNIQUE (owner, direction, observed_at)
);
CREATE INDEX follow_snapshots_watch ON follow_snapshots(watch_id);
CREATE TABLE follow_observations (
    snapshot_id INTEGER NOT NULL REFERENCES follow_snapshots(id) ON DELETE CASCADE,
    account     TEXT NOT NULL,           -- an account id in the list
    PRIMARY KEY (snapshot_id, account)
) WITHOUT ROWID;
CREATE INDEX follow_observations_account ON follow_observations(account);
";

/// What a deleted watch leaves: its unfinished snapshot goes (a partial list would read as
/// unfollows), its finished ones stay and forget the watch. Recreated by every migration that rebuilds
/// `watches`.
const V6_WATCH_TRIGGER_SQL: &str = r"
CREATE TRIGGER watches_follow_snapshots AFTER DELETE ON watches
BEGIN
    DELETE FROM follow_snapshots WHERE watch_id = OLD.id AND completed_at IS NULL;
    UPDATE follow_snapshots SET watch_id = NULL WHERE watch_id = OLD.id;
END;
";

/// Version 6: follow snapshots and their observations, watches of followers and following lists.
fn v6_follow_snapshots(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V6_FOLLOWS_SQL)?;
    tx.execute_batch(V6_WATCH_TRIGGER_SQL)
}

/// The SQL of migration 7: every watch names the platform it reads (`x`, the only one before, or
/// `bluesky`), and a watch may follow one thread (`thread`, whose target is the post).
///
/// The `CHECK` of `watches.kind` changes, so `watches` and `cursors` are rebuilt (ids kept) as in
/// [`V6_FOLLOWS_SQL`]; the existing watches keep reading X.
pub const V7_WATCH_PLATFORMS_SQL: &str = r"
CREATE TABLE watches_v7 (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    platform   TEXT NOT NULL DEFAULT 'x' CHECK (platform IN ('x', 'bluesky')),
    kind       TEXT NOT NULL
               CHECK (kind IN ('search', 'timeline', 'mentions', 'list', 'followers', 'following',
                               'thread')),
    target     TEXT NOT NULL,
    options    TEXT NOT NULL,   -- JSON object
    created_at TEXT NOT NULL
);
INSERT INTO watches_v7 (id, name, platform, kind, target, options, created_at)
    SELECT id, name, 'x', kind, target, options, created_at FROM watches;
CREATE TABLE cursors_v7 (
    watch_id   INTEGER PRIMARY KEY REFERENCES watches_v7(id) ON DELETE CASCADE,
    newest_id  TEXT,
    next_token TEXT,
    updated_at TEXT NOT NULL
);
INSERT INTO cursors_v7 (watch_id, newest_id, next_token, updated_at)
    SELECT watch_id, newest_id, next_token, updated_at FROM cursors;
DROP TABLE cursors;
DROP TABLE watches;
ALTER TABLE watches_v7 RENAME TO watches;
ALTER TABLE cursors_v7 RENAME TO cursors;
";

/// Version 7: watches of Bluesky beside X ones, and thread watches.
fn v7_watch_platforms(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V7_WATCH_PLATFORMS_SQL)?;
    tx.execute_batch(V6_WATCH_TRIGGER_SQL)
}

/// Version 8: posts keep their context annotations, a JSON array of `{domain_id, domain_name,
/// entity_id, entity_name}` (NULL when none).
fn v8_post_annotations(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch("ALTER TABLE posts ADD COLUMN annotations TEXT;")
}

/// The SQL of migration 9: X lists (id, name, description, owner) and who is on or owns each.
///
/// A list's memberships go with it (`ON DELETE CASCADE`, and erasure deletes them explicitly too).
/// Nothing here refers to `accounts`: a membership may name an account known only by its id.
pub(crate) const V9_LISTS_SQL: &str = r"
CREATE TABLE lists (
    id          TEXT PRIMARY KEY,        -- the platform's list id
    name        TEXT NOT NULL,
    description TEXT,
    owner_id    TEXT                     -- the owner's account id, when known
);
CREATE INDEX lists_owner ON lists(owner_id);
CREATE TABLE list_memberships (
    account  TEXT NOT NULL,              -- an account id
    list_id  TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('member', 'owner')),
    PRIMARY KEY (account, list_id, relation)
) WITHOUT ROWID;
CREATE INDEX list_memberships_list ON list_memberships(list_id);
";

/// Version 9: lists and list memberships (skill evidence of the source `list`).
fn v9_lists(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V9_LISTS_SQL)
}

/// The salted SHA-256 of schema version 2 (`salt || 0 || value`), hex: how legacy tombstones and
/// audit cohorts were made.
pub fn legacy_digest(salt: &[u8], value: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::new()
        .chain_update(salt)
        .chain_update([0u8])
        .chain_update(value.as_bytes())
        .finalize();
    crate::key::hex(&d)
}

/// Brings the database to [`SCHEMA_VERSION`], one transaction per step.
pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // Each step re-reads the version inside its own write transaction: another connection opening
    // the same file at the same moment may have run the step already.
    loop {
        let mut from = found;
        let mut step = || -> rusqlite::Result<bool> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            from = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if from >= SCHEMA_VERSION {
                return Ok(false);
            }
            MIGRATIONS[from as usize](&tx)?;
            tx.pragma_update(None, "user_version", from + 1)?;
            tx.commit()?;
            Ok(true)
        };
        match step() {
            Ok(true) => {}
            Ok(false) => break,
            Err(source) => {
                return Err(StoreError::Migration {
                    path: path.to_owned(),
                    from,
                    to: from + 1,
                    source,
                });
            }
        }
    }
    Ok(())
}
