//! Erasure (GDPR Art. 17, objection under Art. 21) and retention (Art. 5(1)(e)).
//!
//! `forget` removes a person everywhere the store holds them: their account, their posts, reposts of
//! their posts (a repost carries the original's text), their id in other posts' reply targets and
//! mention lists, `@handle` in other posts' texts and in bios (replaced by
//! [`REDACTED_MENTION`](crate::REDACTED_MENTION)), candidate records with their handle, derived
//! results, the watches that name them, the drafts that answer them (sent or not; `@handle` in other
//! drafts is redacted), their follow lists and their id in everyone else's. It leaves only tombstones — keyed hashes (HMAC-SHA256 under the store key,
//! which is not in the file) of the id and the handle — which later writes check so that a sync does
//! not bring the person back, and one audit entry that names them only by their pseudonymous key,
//! whose mapping row it deletes. Then it rewrites the file (`VACUUM`) and truncates the write-ahead
//! log, so the bytes are gone from disk, not only from queries; `secure_delete` (always on) zeroes
//! deleted content in between.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rapport_core::candidates::{Candidate, Handle};
use rapport_core::normalize_handle;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, AuditEntry};
use crate::error::{Result, StoreError};
use crate::store::{Env, Store, json as parse_json, now_text, redact, redact_urls, url_handle};

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ForgetReport {
    /// Tombstones written (one per distinct id and handle).
    pub tombstones: usize,
    /// Account rows removed.
    pub accounts_deleted: usize,
    /// The person's own posts removed.
    pub posts_deleted: usize,
    /// Other people's reposts of their posts removed.
    pub reposts_deleted: usize,
    /// Other posts and bios in which a mention, a reply target or an `@handle` was removed.
    pub posts_redacted: usize,
    /// Candidate records removed.
    pub candidates_deleted: usize,
    /// Derived results removed.
    pub derived_deleted: usize,
    /// Drafts removed because they answer one of the person's posts.
    pub drafts_deleted: usize,
    /// Other drafts (their text or their last error) in which an `@handle` of the person was
    /// replaced.
    pub drafts_redacted: usize,
    /// Watches removed because they named the person (their timeline, mentions, followers or
    /// following, a search for their handle or id, or a watch name containing their handle).
    pub watches_removed: usize,
    /// Follow snapshots removed because they were the person's own followers or following lists.
    pub follow_snapshots_deleted: usize,
    /// Follow observations of the person (their id in other accounts' lists) removed.
    pub follow_observations_deleted: usize,
    /// X lists removed because the person owns them (their name and description can identify
    /// their owner), with everyone's memberships of them.
    pub lists_deleted: usize,
    /// The person's own list memberships removed (their place on, or ownership of, other lists).
    pub list_memberships_deleted: usize,
    /// Other lists whose name or description had the person's `@handle`, replaced.
    pub lists_redacted: usize,
    /// Whether the write-ahead log could be truncated. While it is false, the `-wal` file beside the
    /// database may still hold the erased pages: another connection holds an old snapshot open, and
    /// the erasure is complete on disk only after a later [`Store::compact`] returns true.
    pub wal_truncated: bool,
}

/// What a retention run removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetainReport {
    /// Posts created before this instant were removed.
    pub cutoff: DateTime<Utc>,
    /// How many.
    pub posts_deleted: usize,
    /// Follow snapshots whose last page was read before the cutoff, removed with their lists
    /// (unfinished ones, still being read, stay).
    pub follow_snapshots_deleted: usize,
}

impl Store {
    /// Forgets a person given by account id, handle (`@name` or `name`) or profile URL.
    ///
    /// Which it is: `@name` and URLs are handles; otherwise an account id stored in the store wins,
    /// then a stored handle; something found nowhere is tombstoned as a handle, and, when it is all
    /// digits (an X id looks like that), as an id too — so a later sync skips it either way.
    ///
    /// ```
    /// use rapport_store::Store;
    /// use rapport_core::{Account, Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut store = Store::open_in_memory().unwrap();
    /// let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    /// let corpus = Corpus::from_parts(
    ///     [Account::new("7", "ada")],
    ///     [Post::new("70", "7", "my post", t)],
    /// );
    /// store.save_corpus(&corpus).unwrap();
    /// let report = store.forget("@ada").unwrap();
    /// assert_eq!(report.posts_deleted, 1);
    /// // A later sync bringing the same posts back skips them.
    /// let again = store.save_corpus(&corpus).unwrap();
    /// assert_eq!((again.posts_written, again.posts_skipped), (0, 1));
    /// ```
    pub fn forget(&mut self, who: &str) -> Result<ForgetReport> {
        let w = who.trim();
        let handle_like = w.starts_with(['@', '＠']) || w.contains('/') || w.contains('.');
        let (ids, handles) = if handle_like {
            // X (`@name`, x.com URLs) or Bluesky (`name.bsky.social`, bsky.app URLs, DIDs).
            let h = Handle::parse(w).map_err(|_| StoreError::NotAPerson(who.to_owned()))?;
            if h.handle.starts_with("did:") {
                (vec![h.handle], Vec::new())
            } else {
                (Vec::new(), vec![h.key()])
            }
        } else if w.is_empty() {
            return Err(StoreError::NotAPerson(who.to_owned()));
        } else if self.has_account_id(w)? {
            (vec![w.to_owned()], Vec::new())
        } else {
            match Handle::parse_x(w) {
                Ok(h) if self.has_handle(&h.key())? => (Vec::new(), vec![h.key()]),
                Ok(h) if w.bytes().all(|b| b.is_ascii_digit()) => {
                    (vec![w.to_owned()], vec![h.key()])
                }
                Ok(h) => (Vec::new(), vec![h.key()]),
                Err(_) => (vec![w.to_owned()], Vec::new()),
            }
        };
        self.forget_people(ids, &handles, None)
    }

    /// Forgets exactly this account id (and the handle stored with it).
    pub fn forget_account_id(&mut self, account_id: &str) -> Result<ForgetReport> {
        if account_id.trim().is_empty() {
            return Err(StoreError::NotAPerson(account_id.to_owned()));
        }
        self.forget_people(vec![account_id.trim().to_owned()], &[], None)
    }

    /// Forgets a candidate: the record and every account behind each of their handles.
    pub fn forget_candidate(&mut self, hris_id: &str) -> Result<ForgetReport> {
        let handles: Vec<String> = self
            .candidate(hris_id)?
            .map(|c: Candidate| c.handles.iter().map(Handle::key).collect())
            .unwrap_or_default();
        if handles.is_empty() && self.candidate(hris_id)?.is_none() {
            return Err(StoreError::UnknownCandidate(hris_id.to_owned()));
        }
        self.forget_people(Vec::new(), &handles, Some(hris_id))
    }

    /// Whether an account id or handle has been forgotten.
    pub fn is_forgotten(&self, handle_or_id: &str) -> Result<bool> {
        let w = handle_or_id.trim();
        let mut values = vec![format!("id:{w}")];
        if let Ok(h) = Handle::parse_x(w) {
            values.push(format!("handle:{}", normalize_handle(&h.handle)));
        }
        let mut digests: Vec<String> = values
            .iter()
            .map(|v| crate::key::hmac_hex(&self.key, v.as_bytes()))
            .collect();
        if let Some(salt) = &self.legacy_salt {
            digests.extend(values.iter().map(|v| crate::schema::legacy_digest(salt, v)));
        }
        for d in digests {
            let hit: Option<i64> = self
                .conn
                .query_row("SELECT 1 FROM tombstones WHERE digest = ?1", [d], |r| {
                    r.get(0)
                })
                .optional()?;
            if hit.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn has_account_id(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM accounts WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .is_some())
    }

    fn has_handle(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM accounts WHERE handle_key = ?1", [key], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .is_some())
    }

    fn forget_people(
        &mut self,
        ids: Vec<String>,
        handles: &[String],
        hris_id: Option<&str>,
    ) -> Result<ForgetReport> {
        let (tx, env) = self.begin()?;
        let mut report = erase(&tx, &env, ids, handles, hris_id)?;
        env.commit(tx)?;
        report.wal_truncated = self.compact()?;
        Ok(report)
    }

    /// Rewrites the file without free pages (`VACUUM`) and truncates the write-ahead log. Returns
    /// whether the log could be truncated (another connection reading an old snapshot prevents it).
    pub fn compact(&mut self) -> Result<bool> {
        self.conn
            .execute_batch("VACUUM")
            .map_err(|e| self.locked(e))?;
        self.checkpoint()
    }

    /// Moves the write-ahead log into the database file and truncates it; false when a reader
    /// prevented it.
    pub fn checkpoint(&mut self) -> Result<bool> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| self.locked(e))?;
        Ok(busy == 0)
    }

    /// Deletes the posts created more than `days` days before `as_of` and the follow snapshots
    /// completed before then, logs it in the audit log and checkpoints the write-ahead log.
    ///
    /// ```
    /// use rapport_store::Store;
    /// use rapport_core::{Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    /// let mut store = Store::open_in_memory().unwrap();
    /// let t = |d| Utc.with_ymd_and_hms(2026, 1, d, 12, 0, 0).unwrap();
    /// let corpus = Corpus::from_parts([], [Post::new("1", "9", "old", t(1)), Post::new("2", "9", "new", t(20))]);
    /// store.save_corpus(&corpus).unwrap();
    /// // 30 Jan minus 14 days = 16 Jan: the post of 1 Jan goes, the one of 20 Jan stays.
    /// let r = store.retain(14, t(30)).unwrap();
    /// assert_eq!(r.posts_deleted, 1);
    /// ```
    pub fn retain(&mut self, days: u32, as_of: DateTime<Utc>) -> Result<RetainReport> {
        let cutoff = Duration::try_days(i64::from(days))
            .and_then(|d| as_of.checked_sub_signed(d))
            .ok_or_else(|| {
                StoreError::BadArgument(format!(
                    "a retention window of {days} days before {} reaches before the earliest \
                     date this program can represent; give a smaller number of days",
                    as_of.to_rfc3339()
                ))
            })?;
        let (tx, env) = self.begin()?;
        let n = tx.execute(
            "DELETE FROM posts WHERE created_ms < ?1",
            [cutoff.timestamp_millis()],
        )?;
        tx.execute(
            "DELETE FROM follow_observations WHERE snapshot_id IN
                 (SELECT id FROM follow_snapshots WHERE completed_at < ?1)",
            [crate::store::snapshot_time(cutoff)],
        )?;
        let snaps = tx.execute(
            "DELETE FROM follow_snapshots WHERE completed_at < ?1",
            [crate::store::snapshot_time(cutoff)],
        )?;
        let mut e = AuditEntry::new("retain");
        e.details = json!({
            "days": days,
            "as_of": as_of.to_rfc3339(),
            "cutoff": cutoff.to_rfc3339(),
            "posts_deleted": n,
            "follow_snapshots_deleted": snaps,
        });
        audit::append(&tx, &env, &e)?;
        env.commit(tx)?;
        self.checkpoint()?;
        Ok(RetainReport {
            cutoff,
            posts_deleted: n,
            follow_snapshots_deleted: snaps,
        })
    }
}

/// A change to one post that points at a forgotten person.
enum Fix {
    /// A repost of their post: delete by `seq`.
    Delete(i64),
    /// `seq`, the new reply target account, mention list, text and URL list.
    Update(i64, Option<String>, Option<String>, String, Option<String>),
}

/// The erasure itself, inside one transaction.
fn erase(
    tx: &Transaction<'_>,
    env: &Env<'_>,
    mut ids: Vec<String>,
    handles: &[String],
    hris_id: Option<&str>,
) -> Result<ForgetReport> {
    let mut report = ForgetReport::default();
    let mut hks: Vec<String> = handles.iter().map(|h| normalize_handle(h)).collect();

    // Complete the person: the accounts behind each handle, the handle of each id.
    {
        let mut by_handle =
            tx.prepare("SELECT id FROM accounts WHERE handle_key = ?1 AND id <> ''")?;
        for hk in hks.clone() {
            for id in by_handle.query_map([hk], |r| r.get::<_, String>(0))? {
                let id = id?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let mut by_id = tx.prepare("SELECT handle_key FROM accounts WHERE id = ?1")?;
        for id in &ids {
            for hk in by_id.query_map([id], |r| r.get::<_, String>(0))? {
                let hk = hk?;
                if !hk.is_empty() && !hks.contains(&hk) {
                    hks.push(hk);
                }
            }
        }
    }
    let id_set: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let hk_set: HashSet<&str> = hks.iter().map(String::as_str).collect();

    // Their own posts.
    let mut their_posts: HashSet<String> = HashSet::new();
    {
        let mut st = tx.prepare("SELECT id FROM posts WHERE author_id = ?1")?;
        for id in &ids {
            for p in st.query_map([id], |r| r.get::<_, String>(0))? {
                their_posts.insert(p?);
            }
        }
        let mut del = tx.prepare("DELETE FROM posts WHERE author_id = ?1")?;
        for id in &ids {
            report.posts_deleted += del.execute([id])?;
        }
    }

    // Everything else that points at them.
    let mut fixes = Vec::new();
    {
        let mut st = tx.prepare(
            "SELECT seq, reposted, reply_to_account, mentions, text, urls FROM posts
             WHERE reposted IS NOT NULL OR reply_to_account IS NOT NULL OR mentions IS NOT NULL
                OR urls IS NOT NULL OR instr(text, '@') > 0 OR instr(text, '.com/') > 0",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let reposted: Option<String> = r.get(1)?;
            if reposted.is_some_and(|p| their_posts.contains(&p)) {
                fixes.push(Fix::Delete(seq));
                continue;
            }
            let rta: Option<String> = r.get(2)?;
            let mentions: Option<String> = r.get(3)?;
            let text: String = r.get(4)?;
            let mut changed = false;
            let rta = match rta {
                Some(a) if id_set.contains(a.as_str()) => {
                    changed = true;
                    None
                }
                other => other,
            };
            let mentions = match mentions {
                Some(m) => {
                    let list: Vec<(Option<String>, String)> = parse_json("posts", "mentions", &m)?;
                    let n = list.len();
                    let kept: Vec<_> = list
                        .into_iter()
                        .filter(|(id, h)| {
                            !id.as_deref().is_some_and(|i| id_set.contains(i))
                                && !hk_set.contains(normalize_handle(h).as_str())
                        })
                        .collect();
                    if kept.len() == n {
                        Some(m)
                    } else {
                        changed = true;
                        (!kept.is_empty()).then(|| serde_json::to_string(&kept).unwrap_or_default())
                    }
                }
                None => None,
            };
            let forgotten = |h: &str| hk_set.contains(normalize_handle(h).as_str());
            let (text, n) = redact(&text, forgotten);
            let (text, m) = redact_urls(&text, forgotten);
            let urls: Option<String> = r.get(5)?;
            let urls = match urls {
                Some(u) => {
                    let list: Vec<String> = parse_json("posts", "urls", &u)?;
                    let n = list.len();
                    let kept: Vec<String> = list
                        .into_iter()
                        .filter(|u| !url_handle(u).is_some_and(forgotten))
                        .collect();
                    if kept.len() == n {
                        Some(u)
                    } else {
                        changed = true;
                        (!kept.is_empty()).then(|| serde_json::to_string(&kept).unwrap_or_default())
                    }
                }
                None => None,
            };
            if changed || n > 0 || m > 0 {
                fixes.push(Fix::Update(seq, rta, mentions, text, urls));
            }
        }
    }
    for f in fixes {
        match f {
            Fix::Delete(seq) => {
                report.reposts_deleted += tx.execute("DELETE FROM posts WHERE seq = ?1", [seq])?;
            }
            Fix::Update(seq, rta, m, text, urls) => {
                tx.execute(
                    "UPDATE posts SET reply_to_account = ?2, mentions = ?3, text = ?4, urls = ?5
                     WHERE seq = ?1",
                    params![seq, rta, m, text, urls],
                )?;
                report.posts_redacted += 1;
            }
        }
    }

    // Bios of other accounts that name them.
    {
        let mut bios = Vec::new();
        let mut st = tx.prepare(
            "SELECT key, bio FROM accounts WHERE instr(bio, '@') > 0 OR instr(bio, '.com/') > 0",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let bio: String = r.get(1)?;
            let forgotten = |h: &str| hk_set.contains(normalize_handle(h).as_str());
            let (new, n) = redact(&bio, forgotten);
            let (new, m) = redact_urls(&new, forgotten);
            if n + m > 0 {
                bios.push((key, new));
            }
        }
        for (key, bio) in bios {
            tx.execute(
                "UPDATE accounts SET bio = ?2 WHERE key = ?1",
                params![key, bio],
            )?;
            report.posts_redacted += 1;
        }
    }

    // Their follow lists, and their id in everyone else's.
    (
        report.follow_snapshots_deleted,
        report.follow_observations_deleted,
    ) = erase_follows(tx, &ids)?;
    (
        report.lists_deleted,
        report.list_memberships_deleted,
        report.lists_redacted,
    ) = erase_lists(tx, &ids, &hk_set)?;

    // Their accounts, derived results, candidate records.
    for id in &ids {
        report.accounts_deleted += tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        report.derived_deleted += tx.execute("DELETE FROM derived WHERE account_id = ?1", [id])?;
    }
    for hk in &hks {
        report.accounts_deleted +=
            tx.execute("DELETE FROM accounts WHERE handle_key = ?1", [hk])?;
    }
    {
        let mut doomed = Vec::new();
        let mut st = tx.prepare("SELECT hris_id, handles FROM candidates")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let hris: String = r.get(0)?;
            let hs: String = r.get(1)?;
            let hs: Vec<Handle> = parse_json("candidates", "handles", &hs)?;
            if Some(hris.as_str()) == hris_id
                || hs.iter().any(|h| {
                    // A Bluesky DID is the account id itself, not a handle.
                    hk_set.contains(h.key().as_str()) || id_set.contains(h.handle.as_str())
                })
            {
                doomed.push(hris);
            }
        }
        for h in doomed {
            report.candidates_deleted +=
                tx.execute("DELETE FROM candidates WHERE hris_id = ?1", [h])?;
        }
    }

    report.watches_removed = remove_watches(tx, &id_set, &hk_set)?;
    (report.drafts_deleted, report.drafts_redacted) =
        erase_drafts(tx, &id_set, &hk_set, &their_posts)?;

    // The audit entry first, under the person's pseudonymous key (so the log shows which earlier
    // entries concerned the person now erased), then the tombstones (keyed hashes), then the key's
    // mapping goes: from then on the key points at nobody.
    let digests: Vec<String> = ids
        .iter()
        .map(|id| env.digest(&format!("id:{id}")))
        .chain(hks.iter().map(|h| env.digest(&format!("handle:{h}"))))
        .collect();
    report.tombstones = new_tombstones(tx, &digests)?;
    let mut e = AuditEntry::new("forget");
    e.cohort.clone_from(&ids);
    e.details = json!({
        "tombstones_written": report.tombstones,
        "candidate": hris_id.is_some(),
        "accounts_deleted": report.accounts_deleted,
        "posts_deleted": report.posts_deleted,
        "reposts_deleted": report.reposts_deleted,
        "posts_redacted": report.posts_redacted,
        "candidates_deleted": report.candidates_deleted,
        "derived_deleted": report.derived_deleted,
        "watches_removed": report.watches_removed,
        "drafts_deleted": report.drafts_deleted,
        "drafts_redacted": report.drafts_redacted,
        "follow_snapshots_deleted": report.follow_snapshots_deleted,
        "follow_observations_deleted": report.follow_observations_deleted,
        "lists_deleted": report.lists_deleted,
        "list_memberships_deleted": report.list_memberships_deleted,
        "lists_redacted": report.lists_redacted,
    });
    audit::append(tx, env, &e)?;
    write_tombstones(tx, &digests)?;
    unlink_people(tx, &ids)?;
    Ok(report)
}

/// Deletes the drafts that answer the person (their post, or a post of theirs already gone whose
/// author the draft kept), whatever their state, and redacts `@handle` in the text and the error of
/// the others. Returns (deleted, redacted).
fn erase_drafts(
    tx: &Transaction<'_>,
    ids: &HashSet<&str>,
    handles: &HashSet<&str>,
    their_posts: &HashSet<String>,
) -> Result<(usize, usize)> {
    let forgotten = |h: &str| handles.contains(normalize_handle(h).as_str());
    let mut doomed = Vec::new();
    let mut fixed = Vec::new();
    {
        let mut st =
            tx.prepare("SELECT id, in_reply_to, in_reply_to_author, text, error FROM drafts")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let post: String = r.get(1)?;
            let author: Option<String> = r.get(2)?;
            if their_posts.contains(&post) || author.is_some_and(|a| ids.contains(a.as_str())) {
                doomed.push(id);
                continue;
            }
            let text: String = r.get(3)?;
            let error: Option<String> = r.get(4)?;
            let (text, in_text) = redact(&text, forgotten);
            let (text, urls_in_text) = redact_urls(&text, forgotten);
            let (error, in_error) = match error {
                Some(msg) => {
                    let (msg, handles) = redact(&msg, forgotten);
                    let (msg, urls) = redact_urls(&msg, forgotten);
                    (Some(msg), handles + urls)
                }
                None => (None, 0),
            };
            if in_text + urls_in_text + in_error > 0 {
                fixed.push((id, text, error));
            }
        }
    }
    for id in &doomed {
        tx.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
    }
    for (id, text, error) in &fixed {
        tx.execute(
            "UPDATE drafts SET text = ?2, error = ?3 WHERE id = ?1",
            params![id, text, error],
        )?;
    }
    Ok((doomed.len(), fixed.len()))
}

/// Removes accounts from every follow snapshot: the snapshots they own (with their observations) and
/// their observations in the others. Returns (snapshots deleted, observations deleted), the
/// observations of deleted snapshots not counted.
pub(crate) fn erase_follows(tx: &Transaction<'_>, ids: &[String]) -> Result<(usize, usize)> {
    let mut snapshots = 0;
    let mut observations = 0;
    let mut own = tx.prepare_cached("SELECT id FROM follow_snapshots WHERE owner = ?1")?;
    let mut del_obs =
        tx.prepare_cached("DELETE FROM follow_observations WHERE snapshot_id = ?1")?;
    let mut del_snap = tx.prepare_cached("DELETE FROM follow_snapshots WHERE id = ?1")?;
    let mut del_acc = tx.prepare_cached("DELETE FROM follow_observations WHERE account = ?1")?;
    for id in ids {
        let theirs: Vec<i64> = own
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for s in theirs {
            // Explicitly, not by the cascade: the foreign keys of a raw connection may be off.
            del_obs.execute([s])?;
            snapshots += del_snap.execute([s])?;
        }
        observations += del_acc.execute([id])?;
    }
    Ok((snapshots, observations))
}

/// Removes accounts from the X lists: the lists they own (by `owner_id` or an `owner` membership),
/// with every membership of them, and their own memberships of other lists; replaces `@handle` of
/// `handles` in the names and descriptions of the others. Returns (lists deleted, memberships of
/// the accounts deleted, lists redacted); the memberships of deleted lists are not counted.
pub(crate) fn erase_lists(
    tx: &Transaction<'_>,
    ids: &[String],
    handles: &HashSet<&str>,
) -> Result<(usize, usize, usize)> {
    let (mut lists, mut memberships) = (0, 0);
    {
        let mut own = tx.prepare_cached(
            "SELECT id FROM lists WHERE owner_id = ?1
             UNION SELECT list_id FROM list_memberships WHERE account = ?1 AND relation = 'owner'",
        )?;
        let mut del_members =
            tx.prepare_cached("DELETE FROM list_memberships WHERE list_id = ?1")?;
        let mut del_list = tx.prepare_cached("DELETE FROM lists WHERE id = ?1")?;
        let mut del_acc = tx.prepare_cached("DELETE FROM list_memberships WHERE account = ?1")?;
        for id in ids {
            let theirs: Vec<String> = own
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for l in theirs {
                // Explicitly, not by the cascade: the foreign keys of a raw connection may be off.
                del_members.execute([&l])?;
                lists += del_list.execute([&l])?;
            }
            memberships += del_acc.execute([id])?;
        }
    }
    let mut redacted = 0;
    if !handles.is_empty() {
        let forgotten = |h: &str| handles.contains(normalize_handle(h).as_str());
        let mut fixed = Vec::new();
        {
            let mut st = tx.prepare(
                "SELECT id, name, description FROM lists
                 WHERE instr(name, '@') > 0 OR instr(description, '@') > 0
                    OR instr(name, '/') > 0 OR instr(description, '/') > 0",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let name: String = r.get(1)?;
                let description: Option<String> = r.get(2)?;
                let clean = |s: &str| {
                    let (s, a) = redact(s, forgotten);
                    let (s, b) = redact_urls(&s, forgotten);
                    (s, a + b)
                };
                let (name, n1) = clean(&name);
                let (description, n2) = match description {
                    Some(d) => {
                        let (d, n) = clean(&d);
                        (Some(d), n)
                    }
                    None => (None, 0),
                };
                if n1 + n2 > 0 {
                    fixed.push((id, name, description));
                }
            }
        }
        for (id, name, description) in &fixed {
            tx.execute(
                "UPDATE lists SET name = ?2, description = ?3 WHERE id = ?1",
                params![id, name, description],
            )?;
        }
        redacted = fixed.len();
    }
    Ok((lists, memberships, redacted))
}

/// How many of `digests` are not tombstones yet (what [`write_tombstones`] will add).
pub(crate) fn new_tombstones(tx: &Transaction<'_>, digests: &[String]) -> Result<usize> {
    let mut st = tx.prepare_cached("SELECT 1 FROM tombstones WHERE digest = ?1")?;
    let mut n = 0;
    for d in digests {
        if !st.exists([d])? {
            n += 1;
        }
    }
    Ok(n)
}

/// Writes tombstones (keyed digests, see [`Env::digest`]); existing ones stay as they are.
pub(crate) fn write_tombstones(tx: &Transaction<'_>, digests: &[String]) -> Result<()> {
    let at = now_text();
    let mut st = tx.prepare_cached(
        "INSERT INTO tombstones (digest, at) VALUES (?1, ?2) ON CONFLICT(digest) DO NOTHING",
    )?;
    for d in digests {
        st.execute(params![d, at])?;
    }
    Ok(())
}

/// Deletes the audit log's pseudonym mapping of these accounts: from then on their key in the log
/// points at nobody (the log itself stays append-only and verifiable).
pub(crate) fn unlink_people(tx: &Transaction<'_>, ids: &[String]) -> Result<()> {
    let mut st = tx.prepare_cached("DELETE FROM audit_people WHERE account_id = ?1")?;
    for id in ids {
        st.execute([id])?;
    }
    Ok(())
}

/// Deletes the reposts of these posts (a repost carries its original's text); returns how many.
/// One pass over the reposts (`reposted` has no index; a lookup per post would scan once each).
pub(crate) fn delete_reposts_of(tx: &Transaction<'_>, posts: &HashSet<String>) -> Result<usize> {
    if posts.is_empty() {
        return Ok(0);
    }
    let mut doomed = Vec::new();
    {
        let mut st = tx.prepare("SELECT seq, reposted FROM posts WHERE reposted IS NOT NULL")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let reposted: String = r.get(1)?;
            if posts.contains(&reposted) {
                doomed.push(r.get::<_, i64>(0)?);
            }
        }
    }
    let mut del = tx.prepare_cached("DELETE FROM posts WHERE seq = ?1")?;
    for seq in &doomed {
        del.execute([seq])?;
    }
    Ok(doomed.len())
}

/// The words of a watch's target or name: runs of letters, digits and `_` (what a handle or an id is
/// made of), lower-cased.
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Deletes (with their cursors) the watches that name a forgotten person: a timeline, mentions,
/// followers or following watch of their handle or id (or resolved to their id), a search whose query has their handle or
/// id as a word (`from:ada`, `@ada`, `to:ada`), any watch whose name has their handle as a word.
fn remove_watches(
    tx: &Transaction<'_>,
    ids: &HashSet<&str>,
    handles: &HashSet<&str>,
) -> Result<usize> {
    let names_them =
        |s: &str| words(s).any(|w| handles.contains(w.as_str()) || ids.contains(w.as_str()));
    let mut doomed = Vec::new();
    {
        let mut st = tx.prepare("SELECT id, name, kind, target, options FROM watches")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            let kind: String = r.get(2)?;
            let target: String = r.get(3)?;
            let options: String = r.get(4)?;
            let resolved = serde_json::from_str::<serde_json::Value>(&options)
                .ok()
                .and_then(|o| o.pointer("/sync/user_id")?.as_str().map(str::to_owned));
            let by_target = match kind.as_str() {
                "timeline" | "mentions" | "followers" | "following" => {
                    ids.contains(target.trim())
                        || handles.contains(normalize_handle(&target).as_str())
                        || resolved.as_deref().is_some_and(|u| ids.contains(u))
                }
                "search" => names_them(&target),
                _ => false,
            };
            let by_name = words(&name).any(|w| handles.contains(w.as_str()));
            if by_target || by_name {
                doomed.push(id);
            }
        }
    }
    for id in &doomed {
        tx.execute("DELETE FROM watches WHERE id = ?1", [id])?;
    }
    Ok(doomed.len())
}
