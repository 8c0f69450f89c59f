//! Watches (saved definitions of what to sync), their cursors, and sync pages that store their data
//! and move their watch's cursor in one transaction.

use chrono::{DateTime, Utc};
use rapport_core::{Corpus, Platform};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::posts::{SaveReport, write_corpus};
use super::{Store, json, now_text, parse_time};
use crate::error::{Result, StoreError};

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
    /// The followers of a user (`target` is the account id or handle): one follow snapshot per
    /// complete reading.
    Followers,
    /// The accounts a user follows (`target` is the account id or handle): one follow snapshot per
    /// complete reading.
    Following,
    /// One conversation (`target` is a post of it: an X post id, a Bluesky AT-URI or
    /// `https://bsky.app/profile/.../post/...` URL): read whole at every sync.
    Thread,
}

impl WatchKind {
    /// The name stored in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Search => "search",
            WatchKind::Timeline => "timeline",
            WatchKind::Mentions => "mentions",
            WatchKind::List => "list",
            WatchKind::Followers => "followers",
            WatchKind::Following => "following",
            WatchKind::Thread => "thread",
        }
    }

    /// The follow list a `followers` or `following` watch reads, `None` for the kinds that read posts.
    pub fn follow_direction(self) -> Option<rapport_core::follows::FollowDirection> {
        use rapport_core::follows::FollowDirection;
        match self {
            WatchKind::Followers => Some(FollowDirection::Followers),
            WatchKind::Following => Some(FollowDirection::Following),
            WatchKind::Search
            | WatchKind::Timeline
            | WatchKind::Mentions
            | WatchKind::List
            | WatchKind::Thread => None,
        }
    }

    /// Parses the stored name (`search`, `timeline`, `mentions`, `list`, `followers`, `following`,
    /// `thread`).
    ///
    /// ```
    /// use rapport_store::WatchKind;
    /// assert_eq!(WatchKind::parse("followers").unwrap(), WatchKind::Followers);
    /// assert!(WatchKind::parse("friends").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<WatchKind> {
        Ok(match s {
            "search" => WatchKind::Search,
            "timeline" => WatchKind::Timeline,
            "mentions" => WatchKind::Mentions,
            "list" => WatchKind::List,
            "followers" => WatchKind::Followers,
            "following" => WatchKind::Following,
            "thread" => WatchKind::Thread,
            other => {
                return Err(StoreError::BadValue {
                    table: "watches",
                    column: "kind",
                    value: other.to_owned(),
                    expected: "search, timeline, mentions, list, followers, following or thread",
                });
            }
        })
    }
}

/// The platforms a watch can read, as stored in `watches.platform` (`x` or `bluesky`).
///
/// ```
/// use rapport_core::Platform;
/// assert_eq!(rapport_store::parse_watch_platform("bluesky").unwrap(), Platform::Bluesky);
/// assert!(rapport_store::parse_watch_platform("mastodon").is_err());
/// ```
pub fn parse_watch_platform(s: &str) -> Result<Platform> {
    match s {
        "x" => Ok(Platform::X),
        "bluesky" => Ok(Platform::Bluesky),
        other => Err(StoreError::BadValue {
            table: "watches",
            column: "platform",
            value: other.to_owned(),
            expected: "x or bluesky",
        }),
    }
}

fn x_platform() -> Platform {
    Platform::X
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
    /// The platform it reads: X (the default, and every watch made before schema version 7) or
    /// Bluesky.
    #[serde(default = "x_platform")]
    pub platform: Platform,
    /// What it syncs.
    pub kind: WatchKind,
    /// The query, account or list id.
    pub target: String,
    /// Anything else the sync loop needs (page size, fields…), as JSON.
    #[serde(default)]
    pub options: Value,
}

impl Watch {
    /// An X watch with empty options.
    pub fn new(name: impl Into<String>, kind: WatchKind, target: impl Into<String>) -> Self {
        Watch {
            name: name.into(),
            platform: Platform::X,
            kind,
            target: target.into(),
            options: Value::Object(serde_json::Map::new()),
        }
    }

    /// The same watch on another platform.
    ///
    /// ```
    /// use rapport_core::Platform;
    /// use rapport_store::{Watch, WatchKind};
    /// let w = Watch::new("acme", WatchKind::Timeline, "acme.bsky.social").on(Platform::Bluesky);
    /// assert_eq!(w.platform, Platform::Bluesky);
    /// ```
    #[must_use]
    pub fn on(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
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

impl Store {
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

    /// Adds a watch; fails if the name is taken.
    ///
    /// A watch that names a forgotten person (a timeline or mentions watch of them, a search with
    /// their handle or id as a word) is refused: it would fetch what the store must drop.
    pub fn add_watch(&mut self, watch: &Watch) -> Result<()> {
        let (tx, env) = self.begin()?;
        let tomb = env.tombstones(&tx)?;
        let names_forgotten = match watch.kind {
            WatchKind::Timeline
            | WatchKind::Mentions
            | WatchKind::Followers
            | WatchKind::Following => tomb.id(watch.target.trim()) || tomb.handle(&watch.target),
            WatchKind::Search => watch
                .target
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| tomb.handle(w) || tomb.id(w)),
            // A post's URL or AT-URI names its author (a DID or handle) as one of its segments.
            WatchKind::Thread => watch
                .target
                .split('/')
                .any(|w| !w.is_empty() && (tomb.id(w) || tomb.handle(w))),
            WatchKind::List => false,
        };
        drop(tomb);
        parse_watch_platform(watch.platform.as_str())?;
        if names_forgotten {
            return Err(StoreError::BadArgument(format!(
                "watch {:?} names a person who was forgotten (rapport forget): it is not added",
                watch.name
            )));
        }
        let n = tx.execute(
            "INSERT INTO watches (name, platform, kind, target, options, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(name) DO NOTHING",
            params![
                watch.name,
                watch.platform.as_str(),
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

    /// Changes a watch's definition. When its platform, kind or target changes its cursor is
    /// cleared (the old position means nothing for the new query); a change of options keeps it.
    pub fn update_watch(&mut self, watch: &Watch) -> Result<()> {
        parse_watch_platform(watch.platform.as_str())?;
        let (tx, env) = self.begin()?;
        let id = watch_id(&tx, &watch.name)?;
        let (platform, kind, target): (String, String, String) = tx.query_row(
            "SELECT platform, kind, target FROM watches WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        tx.execute(
            "UPDATE watches SET platform = ?5, kind = ?2, target = ?3, options = ?4 WHERE id = ?1",
            params![
                id,
                watch.kind.as_str(),
                watch.target,
                watch.options.to_string(),
                watch.platform.as_str()
            ],
        )?;
        if platform != watch.platform.as_str()
            || kind != watch.kind.as_str()
            || target != watch.target
        {
            tx.execute("DELETE FROM cursors WHERE watch_id = ?1", [id])?;
            // An unfinished follow list of the old target means nothing for the new one.
            tx.execute(
                "DELETE FROM follow_snapshots WHERE watch_id = ?1 AND completed_at IS NULL",
                [id],
            )?;
        }
        env.commit(tx)?;
        Ok(())
    }

    /// Deletes a watch and its cursor (the posts and complete follow snapshots it brought stay; an
    /// unfinished follow snapshot goes). Returns whether it existed.
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
            .prepare("SELECT name, kind, target, options, platform FROM watches WHERE name = ?1")?;
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
            .prepare("SELECT name, kind, target, options, platform FROM watches ORDER BY id")?;
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
}

fn watch_row(r: &rusqlite::Row<'_>) -> Result<Watch> {
    let kind: String = r.get(1)?;
    let options: String = r.get(3)?;
    let platform: String = r.get(4)?;
    Ok(Watch {
        name: r.get(0)?,
        platform: parse_watch_platform(&platform)?,
        kind: WatchKind::parse(&kind)?,
        target: r.get(2)?,
        options: json("watches", "options", &options)?,
    })
}

pub(super) fn watch_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM watches WHERE name = ?1", [name], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| StoreError::UnknownWatch(name.to_owned()))
}

pub(super) fn put_cursor(tx: &Transaction<'_>, watch_id: i64, c: &Cursor) -> Result<()> {
    tx.execute(
        "INSERT INTO cursors (watch_id, newest_id, next_token, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(watch_id) DO UPDATE SET newest_id = excluded.newest_id,
            next_token = excluded.next_token, updated_at = excluded.updated_at",
        params![watch_id, c.newest_id, c.next_token, now_text()],
    )?;
    Ok(())
}
