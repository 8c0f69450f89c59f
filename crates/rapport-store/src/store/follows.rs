//! Follow snapshots: one reading of one account's followers or following list, kept whole with the
//! account ids it showed (`follow_snapshots`, `follow_observations`).
//!
//! A snapshot written by [`Store::add_follow_snapshot`] (or with a corpus by `save_corpus`) is complete
//! when written. A sync reads a long list page by page: [`Store::add_follow_page`] stores each page with
//! the watch's cursor in one transaction, into a snapshot that stays *unfinished* (no `completed_at`)
//! until its last page; an unfinished snapshot is never loaded (a partial list would read as unfollows),
//! and the next run of the watch continues it.
//!
//! Forgotten people never enter: a snapshot of a forgotten owner is skipped, a forgotten account is left
//! out of the list.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rapport_core::Corpus;
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::Value;

use super::posts::{SaveReport, write_content};
use super::redact::Tombstones;
use super::watches::{put_cursor, watch_id};
use super::{Cursor, Env, Store, parse_time};
use crate::error::{Result, StoreError};

/// The `source` of snapshots written with a corpus (`save_corpus`, `add_page`, an import).
pub const SOURCE_CORPUS: &str = "corpus";

/// The `source` of snapshots written by a sync ([`Store::add_follow_page`]).
pub const SOURCE_SYNC: &str = "sync";

/// A stored snapshot, without its list (see [`Store::load_corpus`] for the lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowSnapshotInfo {
    /// Its row id.
    pub id: i64,
    /// The id of the account whose list it is.
    pub owner: String,
    /// Which list.
    pub direction: FollowDirection,
    /// When its first page was read.
    pub observed_at: DateTime<Utc>,
    /// When its last page was read; `None` while a sync is still reading it (an unfinished snapshot,
    /// which is not loaded).
    pub completed_at: Option<DateTime<Utc>>,
    /// Where it came from: `corpus` (imported or saved with a corpus), `sync`, or the word given to
    /// [`Store::add_follow_snapshot`].
    pub source: String,
    /// How many account ids it holds.
    pub accounts: usize,
}

/// What writing a snapshot (or one page of one) did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FollowWriteReport {
    /// The snapshot's row id (`None` when its owner was forgotten and nothing was written).
    pub snapshot_id: Option<i64>,
    /// The snapshot's `observed_at` as stored (milliseconds; a sync's may be moved 1 ms past an
    /// earlier snapshot of the same list read in the same millisecond).
    pub observed_at: Option<DateTime<Utc>>,
    /// Account ids added to the list (ids already in it are not counted again).
    pub observations_written: usize,
    /// Account ids left out because they were forgotten.
    pub observations_skipped: usize,
    /// Whether the whole snapshot was left out because its owner was forgotten.
    pub owner_forgotten: bool,
    /// The accounts and posts written with the page ([`Store::add_follow_page`] only).
    pub saved: SaveReport,
    /// Whether the snapshot is complete after this write.
    pub complete: bool,
}

/// One page of a follow list read by a sync, for [`Store::add_follow_page`].
#[derive(Debug, Clone, Copy)]
pub struct FollowPageWrite<'a> {
    /// The id of the account whose list it is.
    pub owner: &'a str,
    /// Which list.
    pub direction: FollowDirection,
    /// The account ids on the page.
    pub accounts: &'a [String],
    /// The profiles of those accounts (and of the owner), written as accounts. Only accounts and
    /// posts of it are written, never its own follow snapshots.
    pub profiles: &'a Corpus,
    /// When the page was read.
    pub read_at: DateTime<Utc>,
    /// This page starts a new reading of the list: an unfinished snapshot of the watch is dropped and
    /// a new one begins at `read_at`.
    pub first: bool,
    /// This page ends the list: the snapshot is complete, with `completed_at = read_at`.
    pub last: bool,
}

/// The stored form of a snapshot time: RFC 3339 with milliseconds, UTC (`Z`), which sorts as text.
pub(crate) fn snapshot_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A time cut to the millisecond the store keeps.
fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn parse_direction(s: &str) -> Result<FollowDirection> {
    FollowDirection::parse(s).map_err(|_| StoreError::BadValue {
        table: "follow_snapshots",
        column: "direction",
        value: s.to_owned(),
        expected: "followers or following",
    })
}

/// Whether an account id (with the handle a profile gives it, if any) was forgotten.
pub(super) fn forgotten(tomb: &Tombstones<'_>, id: &str, profiles: Option<&Corpus>) -> bool {
    if tomb.is_empty() {
        return false;
    }
    tomb.id(id)
        || profiles
            .and_then(|c| c.account_by_id(id))
            .is_some_and(|a| tomb.handle(a.handle()))
}

/// Inserts the list's ids that are not forgotten; returns (written, skipped).
fn write_observations(
    tx: &Transaction<'_>,
    tomb: &Tombstones<'_>,
    snapshot_id: i64,
    accounts: &[String],
    profiles: Option<&Corpus>,
) -> Result<(usize, usize)> {
    let mut st = tx.prepare_cached(
        "INSERT INTO follow_observations (snapshot_id, account) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING",
    )?;
    let (mut written, mut skipped) = (0, 0);
    for a in accounts {
        let a = a.trim();
        if a.is_empty() {
            continue;
        }
        if forgotten(tomb, a, profiles) {
            skipped += 1;
            continue;
        }
        written += st.execute(params![snapshot_id, a])?;
    }
    Ok((written, skipped))
}

/// Writes one complete snapshot inside the caller's transaction. A snapshot with the same owner,
/// direction and `observed_at` (to the millisecond) is another page of it: the lists add up and
/// `completed_at` is the later one.
pub(crate) fn write_snapshot(
    tx: &Transaction<'_>,
    tomb: &Tombstones<'_>,
    s: &FollowSnapshot,
    source: &str,
    profiles: Option<&Corpus>,
) -> Result<FollowWriteReport> {
    let mut report = FollowWriteReport::default();
    let owner = s.owner.trim();
    if owner.is_empty() {
        return Err(StoreError::BadArgument(
            "a follow snapshot needs its owner's account id".to_owned(),
        ));
    }
    if s.completed_at < s.observed_at {
        return Err(StoreError::BadArgument(format!(
            "follow snapshot of {owner}: completed_at {} is before observed_at {}",
            s.completed_at.to_rfc3339(),
            s.observed_at.to_rfc3339()
        )));
    }
    if forgotten(tomb, owner, profiles) {
        report.owner_forgotten = true;
        return Ok(report);
    }
    let observed = to_ms(s.observed_at);
    let completed = to_ms(s.completed_at);
    // A page of an unfinished sync snapshot with the same key stays unfinished.
    let id: i64 = tx.query_row(
        "INSERT INTO follow_snapshots (owner, direction, observed_at, completed_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (owner, direction, observed_at) DO UPDATE SET
             completed_at = CASE WHEN follow_snapshots.completed_at IS NULL THEN NULL
                                 ELSE max(follow_snapshots.completed_at, excluded.completed_at) END
         RETURNING id",
        params![
            owner,
            s.direction.as_str(),
            snapshot_time(observed),
            snapshot_time(completed),
            source
        ],
        |r| r.get(0),
    )?;
    let (written, skipped) = write_observations(tx, tomb, id, &s.accounts, profiles)?;
    report.snapshot_id = Some(id);
    report.observed_at = Some(observed);
    report.observations_written = written;
    report.observations_skipped = skipped;
    report.complete = true;
    Ok(report)
}

fn info_row(r: &rusqlite::Row<'_>) -> Result<FollowSnapshotInfo> {
    let direction: String = r.get(2)?;
    let observed: String = r.get(3)?;
    let completed: Option<String> = r.get(4)?;
    Ok(FollowSnapshotInfo {
        id: r.get(0)?,
        owner: r.get(1)?,
        direction: parse_direction(&direction)?,
        observed_at: parse_time("follow_snapshots", "observed_at", &observed)?,
        completed_at: completed
            .map(|c| parse_time("follow_snapshots", "completed_at", &c))
            .transpose()?,
        source: r.get(5)?,
        accounts: r.get::<_, i64>(6)?.max(0) as usize,
    })
}

const INFO_SELECT: &str =
    "SELECT s.id, s.owner, s.direction, s.observed_at, s.completed_at, s.source,
        (SELECT count(*) FROM follow_observations o WHERE o.snapshot_id = s.id)
     FROM follow_snapshots s";

/// The unfinished snapshot a watch's sync is reading, if any.
fn pending(tx: &rusqlite::Connection, watch_id: i64) -> Result<Option<FollowSnapshotInfo>> {
    let mut st = tx.prepare_cached(&format!(
        "{INFO_SELECT} WHERE s.watch_id = ?1 AND s.completed_at IS NULL ORDER BY s.id DESC LIMIT 1"
    ))?;
    let mut rows = st.query([watch_id])?;
    match rows.next()? {
        Some(r) => Ok(Some(info_row(r)?)),
        None => Ok(None),
    }
}

impl Store {
    /// Stores one complete follow snapshot. `source` says where it came from (`"api"`, `"archive"`…;
    /// `save_corpus` uses `"corpus"`). A snapshot with the same owner, direction and `observed_at` (to
    /// the millisecond, which is what the store keeps) is another page of it: the lists add up.
    /// Forgotten people are left out: the whole snapshot when its owner was forgotten, else the
    /// forgotten accounts of the list.
    ///
    /// ```
    /// use rapport_store::Store;
    /// use rapport_core::follows::{FollowDirection, FollowSnapshot};
    /// use chrono::{TimeZone, Utc};
    /// let mut store = Store::open_in_memory().unwrap();
    /// let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
    /// let s = FollowSnapshot::new("1", FollowDirection::Followers, t, vec!["7".into(), "8".into()]);
    /// let r = store.add_follow_snapshot(&s, "api").unwrap();
    /// assert_eq!(r.observations_written, 2);
    /// assert_eq!(store.follow_snapshots().unwrap()[0].accounts, 2);
    /// assert_eq!(store.load_corpus().unwrap().follow_snapshots(), &[s]);
    /// ```
    pub fn add_follow_snapshot(
        &mut self,
        snapshot: &FollowSnapshot,
        source: &str,
    ) -> Result<FollowWriteReport> {
        let (tx, env) = self.begin()?;
        let tomb = env.tombstones(&tx)?;
        let report = write_snapshot(&tx, &tomb, snapshot, source, None)?;
        drop(tomb);
        env.commit(tx)?;
        Ok(report)
    }

    /// Every stored snapshot (unfinished ones included), by owner, direction and `observed_at`.
    pub fn follow_snapshots(&self) -> Result<Vec<FollowSnapshotInfo>> {
        let mut st = self.conn.prepare(&format!(
            "{INFO_SELECT} ORDER BY s.owner, s.direction, s.observed_at"
        ))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(info_row(r)?);
        }
        Ok(out)
    }

    /// The unfinished snapshot a watch's sync is reading (a run stopped before the list's last page).
    pub fn pending_follow_snapshot(&self, watch: &str) -> Result<Option<FollowSnapshotInfo>> {
        let id = watch_id(&self.conn, watch)?;
        pending(&self.conn, id)
    }

    /// Stores one page of a follow list read by a watch's sync, with the watch's new cursor and
    /// options, in ONE transaction (as [`Store::add_page_with_options`] does for posts).
    ///
    /// The first page (`first`) drops any unfinished snapshot of the watch and starts one at `read_at`
    /// (moved 1 ms past the latest snapshot of the same list when the clock has not passed it, so two
    /// readings never merge); later pages add to the unfinished snapshot, which must exist and be of
    /// the same owner and direction; the last page (`last`) completes it. The page's profiles are
    /// written as accounts. A forgotten owner is refused; forgotten accounts are left out.
    ///
    /// ```
    /// use rapport_store::{Cursor, FollowPageWrite, Store, Watch, WatchKind};
    /// use rapport_core::Corpus;
    /// use rapport_core::follows::FollowDirection;
    /// use chrono::{TimeZone, Utc};
    /// let mut store = Store::open_in_memory().unwrap();
    /// store.add_watch(&Watch::new("acme-followers", WatchKind::Followers, "1")).unwrap();
    /// let t = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
    /// let page = |ids: &[&str], first, last| {
    ///     let accounts: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ///     (accounts, first, last)
    /// };
    /// let profiles = Corpus::new();
    /// for (accounts, first, last) in [page(&["7", "8"], true, false), page(&["9"], false, true)] {
    ///     let write = FollowPageWrite {
    ///         owner: "1", direction: FollowDirection::Followers, accounts: &accounts,
    ///         profiles: &profiles, read_at: t, first, last,
    ///     };
    ///     store.add_follow_page("acme-followers", &write, &Cursor::default(), &serde_json::json!({})).unwrap();
    /// }
    /// let snaps = store.load_corpus().unwrap().follow_snapshots().to_vec();
    /// assert_eq!(snaps.len(), 1);
    /// assert_eq!(snaps[0].accounts, ["7", "8", "9"]);
    /// ```
    pub fn add_follow_page(
        &mut self,
        watch: &str,
        page: &FollowPageWrite<'_>,
        new_cursor: &Cursor,
        options: &Value,
    ) -> Result<FollowWriteReport> {
        let (tx, env) = self.begin()?;
        let wid = watch_id(&tx, watch)?;
        let report = write_follow_page(&tx, &env, wid, watch, page)?;
        put_cursor(&tx, wid, new_cursor)?;
        tx.execute(
            "UPDATE watches SET options = ?2 WHERE id = ?1",
            params![wid, options.to_string()],
        )?;
        env.commit(tx)?;
        Ok(report)
    }
}

fn write_follow_page(
    tx: &Transaction<'_>,
    env: &Env<'_>,
    wid: i64,
    watch: &str,
    page: &FollowPageWrite<'_>,
) -> Result<FollowWriteReport> {
    let owner = page.owner.trim();
    if owner.is_empty() {
        return Err(StoreError::BadArgument(format!(
            "watch {watch:?}: a follow list needs its owner's account id"
        )));
    }
    let tomb = env.tombstones(tx)?;
    if forgotten(&tomb, owner, Some(page.profiles)) {
        return Err(StoreError::BadArgument(format!(
            "watch {watch:?} reads the follow list of a person who was forgotten (rapport forget): \
             nothing of it is stored; remove the watch"
        )));
    }
    let read_at = to_ms(page.read_at);
    let (id, observed) = if page.first {
        tx.execute(
            "DELETE FROM follow_snapshots WHERE watch_id = ?1 AND completed_at IS NULL",
            [wid],
        )?;
        let latest: Option<String> = tx
            .query_row(
                "SELECT max(observed_at) FROM follow_snapshots WHERE owner = ?1 AND direction = ?2",
                params![owner, page.direction.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let mut observed = read_at;
        if let Some(l) = latest {
            let l = parse_time("follow_snapshots", "observed_at", &l)?;
            if l >= observed {
                observed = l + Duration::milliseconds(1);
            }
        }
        let id: i64 = tx.query_row(
            "INSERT INTO follow_snapshots (owner, direction, observed_at, completed_at, source, watch_id)
             VALUES (?1, ?2, ?3, NULL, ?4, ?5) RETURNING id",
            params![
                owner,
                page.direction.as_str(),
                snapshot_time(observed),
                SOURCE_SYNC,
                wid
            ],
            |r| r.get(0),
        )?;
        (id, observed)
    } else {
        let p = pending(tx, wid)?.ok_or_else(|| {
            StoreError::BadArgument(format!(
                "watch {watch:?} has no unfinished follow snapshot to continue; start its list \
                 again from the first page"
            ))
        })?;
        if p.owner != owner || p.direction != page.direction {
            return Err(StoreError::BadArgument(format!(
                "watch {watch:?}: the unfinished snapshot is the {} list of {}, not the {} list of \
                 {owner}; start again from the first page",
                p.direction.as_str(),
                p.owner,
                page.direction.as_str()
            )));
        }
        (p.id, p.observed_at)
    };
    let saved = write_content(tx, env, &tomb, page.profiles)?;
    let (written, skipped) = write_observations(tx, &tomb, id, page.accounts, Some(page.profiles))?;
    if page.last {
        tx.execute(
            "UPDATE follow_snapshots SET completed_at = ?2 WHERE id = ?1",
            params![id, snapshot_time(read_at.max(observed))],
        )?;
    }
    Ok(FollowWriteReport {
        snapshot_id: Some(id),
        observed_at: Some(observed),
        observations_written: written,
        observations_skipped: skipped,
        owner_forgotten: false,
        saved,
        complete: page.last,
    })
}
