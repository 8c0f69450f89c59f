//! Reading the stored posts and accounts back into a corpus, one platform at a time unless the
//! platforms are merged explicitly.

use std::collections::HashMap;

use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::{Account, Corpus, Mention, Platform, Post, ProfileCounts, PublicMetrics};

use super::{Store, json, ms_time, parse_time};
use crate::error::{Result, StoreError};

/// Which platform a corpus read from a store holds: one, or all of them merged explicitly.
///
/// ```
/// use rapport_core::Platform;
/// use rapport_store::PlatformFilter;
/// assert_eq!(PlatformFilter::parse("bluesky").unwrap(), PlatformFilter::Only(Platform::Bluesky));
/// assert_eq!(PlatformFilter::parse("all").unwrap(), PlatformFilter::All);
/// assert!(PlatformFilter::parse("mastodon").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformFilter {
    /// The posts, accounts and follow snapshots of this platform only.
    Only(Platform),
    /// Every platform's data in one corpus (the identities never collide: X ids are decimal, Bluesky
    /// ids are DIDs and AT-URIs).
    All,
}

impl PlatformFilter {
    /// `x`, `bluesky`, `other` or `all` (case-insensitive).
    pub fn parse(s: &str) -> Result<PlatformFilter> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x" | "twitter" => Ok(PlatformFilter::Only(Platform::X)),
            "bluesky" | "bsky" => Ok(PlatformFilter::Only(Platform::Bluesky)),
            "other" => Ok(PlatformFilter::Only(Platform::Other)),
            "all" => Ok(PlatformFilter::All),
            _ => Err(StoreError::BadValue {
                table: "corpus",
                column: "platform",
                value: s.to_owned(),
                expected: "x, bluesky or all",
            }),
        }
    }

    /// `x`, `bluesky`, `other` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformFilter::Only(p) => p.as_str(),
            PlatformFilter::All => "all",
        }
    }

    fn keeps(self, p: Platform) -> bool {
        match self {
            PlatformFilter::Only(q) => p == q,
            PlatformFilter::All => true,
        }
    }
}

/// The platform of a stored account: the stored one, except that an account stored as X whose
/// identity is a Bluesky one (a DID, or no id and a handle with a dot, which X handles never have) is
/// a Bluesky account. Accounts seen only as a mention or a follow subject were stored as X by rapport
/// before 0.x knew better, and the identity shapes never collide.
pub(crate) fn account_platform(stored: Platform, id: &str, handle: &str) -> Platform {
    if stored == Platform::X && looks_bluesky(id, handle) {
        Platform::Bluesky
    } else {
        stored
    }
}

fn looks_bluesky(id: &str, handle: &str) -> bool {
    id.starts_with("did:") || (id.is_empty() && handle.trim_start_matches('@').contains('.'))
}

/// The platform of a stored post: Bluesky when its id is an AT-URI or its author a DID, else its
/// author's platform when the author is stored, else X.
fn post_platform(id: &str, author: &str, accounts: &HashMap<String, Platform>) -> Platform {
    if id.starts_with("at://") || author.starts_with("did:") {
        Platform::Bluesky
    } else {
        accounts.get(author).copied().unwrap_or(Platform::X)
    }
}

/// The platform of a follow snapshot's owner.
fn owner_platform(owner: &str, accounts: &HashMap<String, Platform>) -> Platform {
    accounts
        .get(owner)
        .copied()
        .unwrap_or_else(|| account_platform(Platform::X, owner, ""))
}

impl Store {
    /// Reads the store into a corpus when it holds one platform (or nothing); a store holding several
    /// platforms is an error ([`StoreError::MixedPlatforms`]): choose one with
    /// [`Store::load_corpus_for`], or merge them with [`PlatformFilter::All`].
    pub fn load_corpus(&self) -> Result<Corpus> {
        let filter = self.resolve_platform(None)?;
        self.load_corpus_for(filter)
    }

    /// The platforms the store holds data of (its posts, and the owners of its follow snapshots), in
    /// the order X, Bluesky, other.
    pub fn platforms(&self) -> Result<Vec<Platform>> {
        let accounts = self.account_platforms()?;
        let mut seen = [false; 3];
        let slot = |p: Platform| match p {
            Platform::Bluesky => 1,
            Platform::Other => 2,
            _ => 0,
        };
        // Accounts alone do not count: the corpus makes an account it saw only as a mention or a
        // list member an X stub whatever its network, and such stubs must not make a second platform.
        let mut st = self.conn.prepare("SELECT id, author_id FROM posts")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let author: String = r.get(1)?;
            seen[slot(post_platform(&id, &author, &accounts))] = true;
        }
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT owner FROM follow_snapshots")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let owner: String = r.get(0)?;
            seen[slot(owner_platform(&owner, &accounts))] = true;
        }
        Ok([Platform::X, Platform::Bluesky, Platform::Other]
            .into_iter()
            .zip(seen)
            .filter_map(|(p, s)| s.then_some(p))
            .collect())
    }

    /// The platform filter a load uses: the one asked for; else, when the store holds one platform
    /// (or nothing), [`PlatformFilter::All`], which is everything it holds, as before stores held
    /// two. With several platforms and none asked for, a [`StoreError::MixedPlatforms`] naming them.
    pub fn resolve_platform(&self, requested: Option<PlatformFilter>) -> Result<PlatformFilter> {
        if let Some(f) = requested {
            return Ok(f);
        }
        let present = self.platforms()?;
        if present.len() <= 1 {
            return Ok(PlatformFilter::All);
        }
        Err(StoreError::MixedPlatforms {
            platforms: present.iter().map(|p| p.as_str().to_owned()).collect(),
        })
    }

    /// Every stored account id (or `@handle` key) with its platform.
    fn account_platforms(&self) -> Result<HashMap<String, Platform>> {
        let mut st = self
            .conn
            .prepare("SELECT id, handle, platform FROM accounts")?;
        let mut rows = st.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let handle: String = r.get(1)?;
            let stored: String = r.get(2)?;
            let p = account_platform(parse_platform(&stored)?, &id, &handle);
            if id.is_empty() {
                out.insert(format!("@{}", rapport_core::normalize_handle(&handle)), p);
            } else {
                out.insert(id, p);
            }
        }
        Ok(out)
    }

    /// Reads the data of one platform (or of all, merged) back into a corpus: accounts first, then
    /// posts in the order they were first stored, then the complete follow snapshots (an unfinished
    /// one, whose sync has not read its last page yet, is left out), then the lists and list
    /// memberships.
    ///
    /// A post belongs to its author's platform (an AT-URI or a DID is Bluesky's); the accounts a kept
    /// post names (mentions, the account replied to) are of the same platform, and a follow snapshot
    /// or a list (with its memberships) belongs to its owner's platform (X's when the owner is unknown).
    pub fn load_corpus_for(&self, filter: PlatformFilter) -> Result<Corpus> {
        let mut corpus = Corpus::new();
        let mut platforms: HashMap<String, Platform> = HashMap::new();
        let mut st = self.conn.prepare(
            "SELECT id, handle, display_name, bio, created_ms, followers, following, posts, listed,
                    platform FROM accounts ORDER BY rowid",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let stored: String = r.get(9)?;
            let id: String = r.get(0)?;
            let handle: String = r.get(1)?;
            let platform = account_platform(parse_platform(&stored)?, &id, &handle);
            if !id.is_empty() {
                platforms.insert(id.clone(), platform);
            }
            if !filter.keeps(platform) {
                continue;
            }
            let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
            };
            corpus.add_account(Account {
                id,
                handle,
                display_name: r.get(2)?,
                bio: r.get(3)?,
                created_at: r.get::<_, Option<i64>>(4)?.map(ms_time),
                counts: ProfileCounts {
                    followers: count(5)?,
                    following: count(6)?,
                    posts: count(7)?,
                    listed: count(8)?,
                },
                platform,
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
            let id: String = r.get(0)?;
            let author: String = r.get(1)?;
            if !filter.keeps(post_platform(&id, &author, &platforms)) {
                continue;
            }
            let mut p = Post::new(id, author, r.get::<_, String>(2)?, ms_time(r.get(3)?));
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
        self.load_follow_snapshots(&mut corpus, filter, &platforms)?;
        self.load_lists(&mut corpus, |owner| {
            filter.keeps(owner.map_or(Platform::X, |o| owner_platform(o, &platforms)))
        })?;
        settle_platforms(&mut corpus, filter);
        Ok(corpus)
    }

    fn load_follow_snapshots(
        &self,
        corpus: &mut Corpus,
        filter: PlatformFilter,
        platforms: &HashMap<String, Platform>,
    ) -> Result<()> {
        let mut st = self.conn.prepare(
            "SELECT s.id, s.owner, s.direction, s.observed_at, s.completed_at, o.account
             FROM follow_snapshots s LEFT JOIN follow_observations o ON o.snapshot_id = s.id
             WHERE s.completed_at IS NOT NULL
             ORDER BY s.id, o.account",
        )?;
        let mut rows = st.query([])?;
        let mut current: Option<(i64, FollowSnapshot)> = None;
        let mut add = |s: FollowSnapshot| {
            if !filter.keeps(owner_platform(&s.owner, platforms)) {
                return Ok(());
            }
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

/// Gives every account of the corpus its platform: the accounts a post names but the store had no
/// row for were made by the corpus as X stubs; in a one-platform corpus they are of that platform, in
/// a merged one of the platform their identity shows.
fn settle_platforms(corpus: &mut Corpus, filter: PlatformFilter) {
    let fixes: Vec<Account> = corpus
        .accounts()
        .filter_map(|a| {
            let want = match filter {
                PlatformFilter::Only(p) => p,
                PlatformFilter::All => account_platform(a.platform(), a.id(), a.handle()),
            };
            (a.platform() != want).then(|| Account {
                platform: want,
                ..Account::new(a.id(), a.handle())
            })
        })
        .collect();
    for a in fixes {
        corpus.add_account(a);
    }
}

pub(crate) fn parse_platform(s: &str) -> Result<Platform> {
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
