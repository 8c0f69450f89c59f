//! X compliance events applied to the store: deleted and protected posts, and deleted, protected,
//! suspended and deactivated accounts with their posts, leave the file.
//!
//! The X developer terms ask a collector to honour these events (see
//! [`rapport_core::compliance`]). [`Store::apply_compliance`] does for the store what
//! [`Corpus::apply_compliance`](rapport_core::Corpus::apply_compliance) does for a corpus, with
//! the guarantees of erasure ([`Store::forget`]): the rows go with the reposts that carry their
//! text, a keyed-hash tombstone keeps a later sync or import from bringing them back, one audit
//! entry (naming removed accounts only by pseudonymous keys, whose mapping it deletes) commits in
//! the same transaction, and the file is rewritten so the bytes are gone from disk.
//!
//! It is narrower than erasure on purpose: an event is about content, not a request to forget a
//! person, so other people's posts that mention or reply to a removed account stay as they are (as
//! in the corpus, the account is then known only by the id and handle those posts show), candidate
//! records and watches are untouched, and only the account's id is tombstoned, not its handle (X
//! hands a freed handle to someone else). A removed account's follow data goes, though: its own
//! followers and following lists, and its id in everyone else's (also for an id the store knew only
//! from follow lists).

use std::collections::{BTreeMap, HashSet};

use rapport_core::compliance::{ComplianceEvent, ComplianceTarget};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, AuditEntry};
use crate::erase::{
    delete_reposts_of, erase_follows, erase_lists, new_tombstones, unlink_people, write_tombstones,
};
use crate::error::Result;
use crate::store::{Env, Store};

/// What applying compliance events to a store did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ComplianceReport {
    /// Events given.
    pub events: usize,
    /// Events per action (wire name: `delete`, `protect`, …).
    pub by_action: BTreeMap<String, usize>,
    /// Posts removed because they were deleted or protected.
    pub posts_deleted: usize,
    /// Accounts removed (deleted, protected, suspended or deactivated).
    pub accounts_deleted: usize,
    /// Posts removed because their author's account was removed.
    pub account_posts_deleted: usize,
    /// Other people's reposts of removed posts, removed (a repost carries its original's text).
    pub reposts_deleted: usize,
    /// Derived results of removed accounts, removed.
    pub derived_deleted: usize,
    /// Follow snapshots of removed accounts (their followers and following lists), removed.
    pub follow_snapshots_deleted: usize,
    /// Removed accounts' ids in other accounts' follow lists, removed.
    pub follow_observations_deleted: usize,
    /// X lists owned by removed accounts, removed with their memberships.
    pub lists_deleted: usize,
    /// Removed accounts' memberships of other lists, removed.
    pub list_memberships_deleted: usize,
    /// New tombstones (keyed hashes of removed post and account ids, also of ids the store did not
    /// hold yet, so a later sync does not bring them in).
    pub tombstones: usize,
    /// Events about an id the store does not hold.
    pub not_found: usize,
    /// Events about a held id whose action removes nothing (`unprotect`, `unsuspend`,
    /// `reactivate`, `undelete`, `withhold`, `scrub_geo`; also an account action given for a post).
    pub unchanged: usize,
    /// The sequence number of the audit entry.
    pub audit_seq: i64,
    /// Whether the write-ahead log could be truncated afterwards. While false, the `-wal` file may still hold removed pages: see
    /// [`ForgetReport::wal_truncated`](crate::ForgetReport::wal_truncated).
    pub wal_truncated: bool,
}

impl ComplianceReport {
    /// Posts removed in all: deleted or protected ones, those of removed accounts, and reposts.
    pub fn posts_removed(&self) -> usize {
        self.posts_deleted + self.account_posts_deleted + self.reposts_deleted
    }
}

impl Store {
    /// Applies X compliance events (as the importer reads them from a compliance job's JSONL):
    /// removes deleted and protected posts, and deleted, protected, suspended and deactivated
    /// accounts with all their posts and their follow data (their lists, their id in others'
    /// lists), with the reposts of every removed post; tombstones the ids;
    /// logs one `compliance` audit entry in the same transaction; then rewrites the file. What it
    /// leaves is listed at the top of `crates/rapport-store/src/compliance.rs`.
    ///
    /// An event without a type (`delete` lines of a job whose type is not in the file) is about the
    /// post with that id when the store holds one, else the account; when the store holds neither,
    /// the id is tombstoned as both (unless an earlier event tombstoned it as one of them).
    ///
    /// ```
    /// use rapport_store::Store;
    /// use rapport_core::{Account, Corpus, Post};
    /// use rapport_core::compliance::{ComplianceAction, ComplianceEvent, ComplianceTarget};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let mut store = Store::open_in_memory().unwrap();
    /// let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    /// let corpus = Corpus::from_parts(
    ///     [Account::new("1", "ada"), Account::new("2", "bob")],
    ///     [Post::new("10", "1", "hello", t), Post::new("11", "2", "hi", t), Post::new("12", "2", "again", t)],
    /// );
    /// store.save_corpus(&corpus).unwrap();
    /// let report = store.apply_compliance(&[
    ///     ComplianceEvent::new("10", ComplianceTarget::Unknown, ComplianceAction::Delete),
    ///     ComplianceEvent::new("2", ComplianceTarget::Account, ComplianceAction::Suspend),
    /// ]).unwrap();
    /// assert_eq!((report.posts_deleted, report.account_posts_deleted, report.accounts_deleted), (1, 2, 1));
    /// assert_eq!(store.num_posts().unwrap(), 0);
    /// // A later import of the same data brings none of it back.
    /// let again = store.save_corpus(&corpus).unwrap();
    /// assert_eq!((again.posts_written, again.posts_skipped), (0, 3));
    /// ```
    pub fn apply_compliance(&mut self, events: &[ComplianceEvent]) -> Result<ComplianceReport> {
        let (tx, env) = self.begin()?;
        let mut report = apply(&tx, &env, events)?;
        env.commit(tx)?;
        let removed = report.posts_removed()
            + report.accounts_deleted
            + report.derived_deleted
            + report.follow_snapshots_deleted
            + report.follow_observations_deleted
            + report.lists_deleted
            + report.list_memberships_deleted;
        // Nothing removed (a repeated file) still truncates the log: that finishes an earlier run
        // that a reader kept from truncating it.
        report.wal_truncated = if removed > 0 {
            self.compact()?
        } else {
            self.checkpoint()?
        };
        Ok(report)
    }

    /// Whether a post id was removed by a compliance event (its tombstone is there).
    pub fn is_post_removed(&self, post_id: &str) -> Result<bool> {
        let d = crate::key::hmac_hex(&self.key, post_value(post_id).as_bytes());
        Ok(self
            .conn
            .query_row("SELECT 1 FROM tombstones WHERE digest = ?1", [d], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .is_some())
    }
}

/// What a post tombstone is the keyed hash of (accounts use `id:…`, handles `handle:…`).
pub(crate) fn post_value(post_id: &str) -> String {
    format!("post:{post_id}")
}

fn is_tombstone(tx: &Transaction<'_>, digest: &str) -> Result<bool> {
    exists(tx, "SELECT 1 FROM tombstones WHERE digest = ?1", digest)
}

fn exists(tx: &Transaction<'_>, sql: &str, id: &str) -> Result<bool> {
    Ok(tx.prepare_cached(sql)?.exists([id])?)
}

/// The work of [`Store::apply_compliance`], inside one transaction.
fn apply(
    tx: &Transaction<'_>,
    env: &Env<'_>,
    events: &[ComplianceEvent],
) -> Result<ComplianceReport> {
    let mut report = ComplianceReport {
        events: events.len(),
        ..ComplianceReport::default()
    };
    // Ordered and deduplicated, so the tombstones and the audit cohort do not depend on repeats.
    let mut posts: Vec<String> = Vec::new();
    let mut accounts: Vec<String> = Vec::new();
    let mut digests: Vec<String> = Vec::new();
    let mut unheld_accounts: Vec<String> = Vec::new();
    for e in events {
        *report
            .by_action
            .entry(e.action.as_str().to_owned())
            .or_default() += 1;
        let id = e.id.trim();
        let has_post = e.target != ComplianceTarget::Account
            && exists(tx, "SELECT 1 FROM posts WHERE id = ?1", id)?;
        let has_account = match e.target {
            ComplianceTarget::Post => false,
            ComplianceTarget::Account => exists(tx, "SELECT 1 FROM accounts WHERE id = ?1", id)?,
            ComplianceTarget::Unknown => {
                !has_post && exists(tx, "SELECT 1 FROM accounts WHERE id = ?1", id)?
            }
        };
        if id.is_empty() || (!has_post && !has_account) {
            report.not_found += 1;
            // Not held yet: tombstone what the event removes, so it never comes in later.
            if !id.is_empty() {
                let post = env.digest(&post_value(id));
                let account = env.digest(&format!("id:{id}"));
                // An untyped id already tombstoned as one kind is that kind; else it could be either.
                let (as_post, as_account) = match e.target {
                    ComplianceTarget::Post => (true, false),
                    ComplianceTarget::Account => (false, true),
                    ComplianceTarget::Unknown => {
                        let p = is_tombstone(tx, &post)?;
                        let a = is_tombstone(tx, &account)?;
                        (p || !a, a || !p)
                    }
                };
                if as_post && e.action.removes_post() {
                    digests.push(post);
                }
                if as_account && e.action.removes_account() {
                    digests.push(account);
                    // Known only by id in follow lists (no account row): those go too.
                    unheld_accounts.push(id.to_owned());
                }
            }
            continue;
        }
        if has_post && e.action.removes_post() {
            posts.push(id.to_owned());
        } else if has_account && e.action.removes_account() {
            accounts.push(id.to_owned());
        } else {
            report.unchanged += 1;
        }
    }
    posts.sort_unstable();
    posts.dedup();
    accounts.sort_unstable();
    accounts.dedup();

    let mut gone: HashSet<String> = HashSet::new();
    {
        let mut del = tx.prepare_cached("DELETE FROM posts WHERE id = ?1")?;
        for p in &posts {
            report.posts_deleted += del.execute([p])?;
            digests.push(env.digest(&post_value(p)));
            gone.insert(p.clone());
        }
    }
    {
        let mut theirs = tx.prepare_cached("SELECT id FROM posts WHERE author_id = ?1")?;
        let mut del_posts = tx.prepare_cached("DELETE FROM posts WHERE author_id = ?1")?;
        let mut del_account = tx.prepare_cached("DELETE FROM accounts WHERE id = ?1")?;
        let mut del_derived = tx.prepare_cached("DELETE FROM derived WHERE account_id = ?1")?;
        for a in &accounts {
            for p in theirs.query_map([a], |r| r.get::<_, String>(0))? {
                gone.insert(p?);
            }
            report.account_posts_deleted += del_posts.execute([a])?;
            report.accounts_deleted += del_account.execute([a])?;
            report.derived_deleted += del_derived.execute([a])?;
            digests.push(env.digest(&format!("id:{a}")));
        }
    }
    report.reposts_deleted = delete_reposts_of(tx, &gone)?;
    let mut follow_ids = accounts.clone();
    follow_ids.extend(unheld_accounts);
    (
        report.follow_snapshots_deleted,
        report.follow_observations_deleted,
    ) = erase_follows(tx, &follow_ids)?;
    (report.lists_deleted, report.list_memberships_deleted, _) =
        erase_lists(tx, &follow_ids, &std::collections::HashSet::new())?;

    digests.sort_unstable();
    digests.dedup();
    report.tombstones = new_tombstones(tx, &digests)?;
    let mut e = AuditEntry::new("compliance");
    // Removed accounts by pseudonymous key, whose mapping goes below; post ids are not logged.
    e.cohort.clone_from(&accounts);
    e.details = json!({
        "events": report.events,
        "by_action": report.by_action,
        "posts_deleted": report.posts_deleted,
        "accounts_deleted": report.accounts_deleted,
        "account_posts_deleted": report.account_posts_deleted,
        "reposts_deleted": report.reposts_deleted,
        "derived_deleted": report.derived_deleted,
        "follow_snapshots_deleted": report.follow_snapshots_deleted,
        "follow_observations_deleted": report.follow_observations_deleted,
        "lists_deleted": report.lists_deleted,
        "list_memberships_deleted": report.list_memberships_deleted,
        "tombstones_written": report.tombstones,
        "not_found": report.not_found,
        "unchanged": report.unchanged,
    });
    report.audit_seq = audit::append(tx, env, &e)?;
    write_tombstones(tx, &digests)?;
    unlink_people(tx, &accounts)?;
    Ok(report)
}
