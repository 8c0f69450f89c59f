//! Writing posts and accounts: `save_corpus`, the upserts that never wipe what is known, and the
//! duplicate policy for later copies that disagree.

use rapport_core::{AccountIdx, Corpus, Platform, normalize_handle};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::follows::{SOURCE_CORPUS, write_snapshot};
use super::lists::write_lists;
use super::{Env, Store, Tombstones, ms_text, redact, redact_urls, url_handle};
use crate::error::{Result, StoreError};

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
    /// Follow snapshots of the corpus written (a snapshot already stored with the same owner,
    /// direction and `observed_at` gains the new ids, as pages of one reading).
    pub follow_snapshots_written: usize,
    /// Follow snapshots not written because their owner was forgotten.
    pub follow_snapshots_skipped: usize,
    /// Forgotten accounts left out of the follow snapshots written.
    pub follow_observations_skipped: usize,
    /// Lists of the corpus written (a stored list with the same id is updated: what the new copy
    /// knows of its name, description and owner overrides).
    pub lists_written: usize,
    /// Lists not written because their owner was forgotten (with all their memberships).
    pub lists_skipped: usize,
    /// List memberships written (already stored ones count too).
    pub list_memberships_written: usize,
    /// List memberships not written because the account or the list's owner was forgotten.
    pub list_memberships_skipped: usize,
}

fn to_i64(v: Option<u64>) -> Option<i64> {
    v.map(|x| i64::try_from(x).unwrap_or(i64::MAX))
}

fn platform_str(p: Platform) -> &'static str {
    p.as_str()
}

/// The key of an account row: its id, or `@` + the lower-case handle when no id is known.
fn account_key(id: &str, handle: &str) -> String {
    if id.is_empty() {
        format!("@{}", normalize_handle(handle))
    } else {
        id.to_owned()
    }
}

// A later copy updates the stored post field by field: what it knows replaces, what it lacks (an
// empty text, NULL) never wipes a known value. The author and the creation time are kept; a copy
// that disagrees on them is caught before this statement (see `write_corpus`).
const POST_UPSERT: &str =
    "INSERT INTO posts (id, author_id, text, created_ms, conversation_id, reply_to,
    reply_to_account, quoted, reposted, hashtags, mentions, urls, lang,
    replies, reposts, likes, quotes, impressions, bookmarks, annotations)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
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
    bookmarks = coalesce(excluded.bookmarks, posts.bookmarks),
    annotations = coalesce(excluded.annotations, posts.annotations)";

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
}

/// The body of `save_corpus` and `add_page`, inside the caller's transaction: the accounts and posts,
/// then the follow snapshots, then the lists and list memberships.
pub(super) fn write_corpus(
    tx: &Transaction<'_>,
    env: &Env<'_>,
    corpus: &Corpus,
) -> Result<SaveReport> {
    let tomb = env.tombstones(tx)?;
    let mut report = write_content(tx, env, &tomb, corpus)?;
    for s in corpus.follow_snapshots() {
        let r = write_snapshot(tx, &tomb, s, SOURCE_CORPUS, Some(corpus))?;
        if r.owner_forgotten {
            report.follow_snapshots_skipped += 1;
        } else {
            report.follow_snapshots_written += 1;
        }
        report.follow_observations_skipped += r.observations_skipped;
    }
    let l = write_lists(tx, &tomb, corpus)?;
    report.lists_written = l.lists_written;
    report.lists_skipped = l.lists_skipped;
    report.list_memberships_written = l.memberships_written;
    report.list_memberships_skipped = l.memberships_skipped;
    Ok(report)
}

/// The accounts and posts of a corpus (not its follow snapshots), inside the caller's transaction.
pub(super) fn write_content(
    tx: &Transaction<'_>,
    env: &Env<'_>,
    tomb: &Tombstones<'_>,
    corpus: &Corpus,
) -> Result<SaveReport> {
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
                platform_str(super::load::account_platform(a.platform(), a.id(), handle)),
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
        let annotations: Vec<&rapport_core::ContextAnnotation> = p.annotations().collect();
        let annotations_json = (!annotations.is_empty())
            .then(|| serde_json::to_string(&annotations).unwrap_or_default());
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
            annotations_json,
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
