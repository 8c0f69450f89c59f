//! Reading the stored posts and accounts back into a corpus.

use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::{Account, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics};

use super::{Store, json, ms_time, parse_time};
use crate::error::{Result, StoreError};

impl Store {
    /// Reads everything back into a corpus: accounts first, then posts in the order they were first
    /// stored, then the complete follow snapshots (an unfinished one, whose sync has not read its last
    /// page yet, is left out), then the lists and list memberships.
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
                    replies, reposts, likes, quotes, impressions, bookmarks, annotations
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
            if let Some(s) = r
                .get_ref(19)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                p.annotations = json("posts", "annotations", s)?;
            }
            corpus.add_post(p);
        }
        self.load_follow_snapshots(&mut corpus)?;
        self.load_lists(&mut corpus)?;
        Ok(corpus)
    }

    fn load_follow_snapshots(&self, corpus: &mut Corpus) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT s.id, s.owner, s.direction, s.observed_at, s.completed_at, o.account
             FROM follow_snapshots s LEFT JOIN follow_observations o ON o.snapshot_id = s.id
             WHERE s.completed_at IS NOT NULL
             ORDER BY s.id, o.account",
        )?;
        let mut rows = st.query([])?;
        let mut current: Option<(i64, FollowSnapshot)> = None;
        let mut add = |s: FollowSnapshot| {
            let owner = s.owner.clone();
            corpus
                .try_add_follow_snapshot(s)
                .map_err(|e| StoreError::BadValue {
                    table: "follow_snapshots",
                    column: "owner",
                    value: format!("{owner}: {e}"),
                    expected: "a snapshot the corpus accepts",
                })
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if current.as_ref().is_none_or(|(c, _)| *c != id) {
                if let Some((_, s)) = current.take() {
                    add(s)?;
                }
                let direction: String = r.get(2)?;
                let direction =
                    FollowDirection::parse(&direction).map_err(|_| StoreError::BadValue {
                        table: "follow_snapshots",
                        column: "direction",
                        value: direction.clone(),
                        expected: "followers or following",
                    })?;
                let observed: String = r.get(3)?;
                let completed: String = r.get(4)?;
                let mut s = FollowSnapshot::new(
                    r.get::<_, String>(1)?,
                    direction,
                    parse_time("follow_snapshots", "observed_at", &observed)?,
                    Vec::new(),
                );
                s.completed_at = parse_time("follow_snapshots", "completed_at", &completed)?;
                current = Some((id, s));
            }
            if let (Some((_, s)), Some(a)) = (current.as_mut(), r.get::<_, Option<String>>(5)?) {
                s.accounts.push(a);
            }
        }
        if let Some((_, s)) = current {
            add(s)?;
        }
        Ok(())
    }

    /// Number of stored posts.
    pub fn num_posts(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM posts", [], |r| r.get::<_, i64>(0))? as u64)
    }
}

fn parse_platform(s: &str) -> Result<Platform> {
    match s {
        "x" => Ok(Platform::X),
        "bluesky" => Ok(Platform::Bluesky),
        "other" => Ok(Platform::Other),
        other => Err(StoreError::BadValue {
            table: "accounts",
            column: "platform",
            value: other.to_owned(),
            expected: "x, bluesky or other",
        }),
    }
}
