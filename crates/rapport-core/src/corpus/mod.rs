//! The corpus: every post and account, deduplicated by id, stored in columns, indexed on demand.

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::columns::{Interner, Ragged, StrColumn};
use crate::error::check_id;
use crate::model::{
    Account, Mention, Platform, Post, PostKind, ProfileCounts, PublicMetrics, normalize_handle,
    normalize_hashtag,
};

pub(crate) const NONE: u32 = u32::MAX;
const NO_METRIC: u32 = u32::MAX;

/// The dense index of a post inside one corpus (its row). Stable while the corpus is only added to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PostIdx(pub u32);

/// The dense index of an account inside one corpus.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct AccountIdx(pub u32);

/// The dense index of a normalised hashtag inside one corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TagIdx(pub u32);

impl PostIdx {
    /// The row as a `usize`, for indexing dense arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl AccountIdx {
    /// The account as a `usize`, for indexing dense arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AccountRow {
    id: String,
    handle: String,
    display_name: Option<String>,
    bio: Option<String>,
    created_ms: Option<i64>,
    counts: ProfileCounts,
    platform: Platform,
}

/// Everything the corpus holds, in columns. Kept apart from the lazily built indices so that the
/// corpus can be saved and loaded with serde.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Store {
    /// Every post id seen, in the corpus or only referenced.
    post_keys: Interner,
    /// Post key → row, or NONE when the post is only referenced.
    key_row: Vec<u32>,
    row_key: Vec<u32>,
    author: Vec<u32>,
    created_ms: Vec<i64>,
    text: StrColumn,
    conversation: Vec<u32>,
    reply_to: Vec<u32>,
    reply_to_account: Vec<u32>,
    quoted: Vec<u32>,
    reposted: Vec<u32>,
    hashtags: Ragged<u32>,
    mentions: Ragged<u32>,
    urls: Ragged<u32>,
    lang: Vec<u32>,
    metrics: Vec<[u32; 6]>,
    tags: Interner,
    url_strings: Interner,
    langs: Interner,
    accounts: Vec<AccountRow>,
    /// Account merged into another one (found to be the same person): the account it now is.
    alias: Vec<u32>,
    account_by_id: hashbrown::HashMap<String, u32>,
    account_by_handle: hashbrown::HashMap<String, u32>,
    replaced_posts: u64,
    /// Posts and accounts that [`Corpus::add_post`] and [`Corpus::add_account`] refused.
    #[serde(default)]
    refused: u64,
    /// Follow snapshots (see [`crate::follows`]).
    #[serde(default)]
    follows: crate::follows::FollowLog,
}

/// All posts and accounts of a collection, deduplicated and indexed.
///
/// Posts are deduplicated by id: pages overlap, and a later copy of a post updates the earlier one
/// field by field. What the later copy knows (a non-empty text, a reference, a language, non-empty
/// entity lists, each metric) replaces the old value; what it lacks never wipes a known value. The
/// author and the creation time identify a post: a copy that disagrees on them is refused and the
/// first copy kept (times within the same second agree, since X rounds `created_at` to the second
/// while a snowflake id carries milliseconds). Accounts are deduplicated by id, and by handle for
/// accounts only known from a mention; a later copy fills in and overrides what was known.
///
/// Ids are checked: an empty, blank, over-long (more than [`MAX_ID_BYTES`](crate::error::MAX_ID_BYTES))
/// or control-character id is refused. [`Corpus::try_add_post`] says why; [`Corpus::add_post`] counts
/// the refusal in [`Corpus::num_refused`]. No input makes either panic.
///
/// Inside, the corpus is columnar: one text buffer, ids interned to dense integers, references as
/// integers. A million posts take a few hundred MB.
///
/// ```
/// use rapport_core::{Account, Corpus, Post};
/// use chrono::{TimeZone, Utc};
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let mut corpus = Corpus::new();
/// corpus.add_account(Account::new("1", "acme_careers"));
/// corpus.add_post(Post::new("100", "1", "We are #hiring", t));
/// corpus.add_post(Post::new("100", "1", "We are #hiring!", t)); // a later copy updates it
/// corpus.add_post(Post::new("100", "1", "", t)); // ... but a sparse one wipes nothing
/// assert_eq!(corpus.num_posts(), 1);
/// assert_eq!(corpus.post_by_id("100").unwrap().text(), "We are #hiring!");
/// assert_eq!(corpus.account_by_handle("@ACME_careers").unwrap().id(), "1");
/// assert!(corpus.add_post(Post::new("", "1", "no id", t)).is_none());
/// assert_eq!(corpus.num_refused(), 1);
/// ```
#[derive(Default)]
pub struct Corpus {
    s: Store,
    indices: OnceLock<Indices>,
}

impl Clone for Corpus {
    fn clone(&self) -> Self {
        Corpus {
            s: self.s.clone(),
            indices: OnceLock::new(),
        }
    }
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("posts", &self.num_posts())
            .field("accounts", &self.num_accounts())
            .finish_non_exhaustive()
    }
}

impl Serialize for Corpus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.s.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Corpus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Store::deserialize(d)?;
        if let Some(problem) = s.problem() {
            return Err(serde::de::Error::custom(format!(
                "the saved corpus is damaged: {problem}"
            )));
        }
        Ok(Corpus {
            s,
            indices: OnceLock::new(),
        })
    }
}

impl Store {
    /// What is wrong with columns read from a file, if anything: lengths that disagree, or an index
    /// that points outside its table. Checked once on load so that no later access can panic.
    fn problem(&self) -> Option<String> {
        let rows = self.row_key.len();
        let lengths = [
            ("author", self.author.len()),
            ("created_ms", self.created_ms.len()),
            ("text", self.text.len()),
            ("conversation", self.conversation.len()),
            ("reply_to", self.reply_to.len()),
            ("reply_to_account", self.reply_to_account.len()),
            ("quoted", self.quoted.len()),
            ("reposted", self.reposted.len()),
            ("hashtags", self.hashtags.len()),
            ("mentions", self.mentions.len()),
            ("urls", self.urls.len()),
            ("lang", self.lang.len()),
            ("metrics", self.metrics.len()),
        ];
        if let Some((name, n)) = lengths.iter().find(|(_, n)| *n != rows) {
            return Some(format!("column {name} has {n} rows, expected {rows}"));
        }
        let keys = self.post_keys.len();
        let accounts = self.accounts.len();
        if self.key_row.len() != keys {
            return Some(format!(
                "key_row has {} entries, expected {keys}",
                self.key_row.len()
            ));
        }
        if self.alias.len() != accounts {
            return Some(format!(
                "alias has {} entries, expected {accounts}",
                self.alias.len()
            ));
        }
        let key = |k: &u32| (*k as usize) < keys;
        let key_or_none = |k: &u32| *k == NONE || key(k);
        let account = |a: &u32| (*a as usize) < accounts;
        let account_or_none = |a: &u32| *a == NONE || account(a);
        let checks: [(&str, bool); 15] = [
            ("row_key", self.row_key.iter().all(key)),
            (
                "key_row",
                self.key_row
                    .iter()
                    .all(|r| *r == NONE || (*r as usize) < rows),
            ),
            ("author", self.author.iter().all(account)),
            ("alias", self.alias.iter().all(account)),
            ("conversation", self.conversation.iter().all(key_or_none)),
            ("reply_to", self.reply_to.iter().all(key_or_none)),
            ("quoted", self.quoted.iter().all(key_or_none)),
            ("reposted", self.reposted.iter().all(key_or_none)),
            (
                "reply_to_account",
                self.reply_to_account.iter().all(account_or_none),
            ),
            (
                "lang",
                self.lang
                    .iter()
                    .all(|l| *l == NONE || (*l as usize) < self.langs.len()),
            ),
            (
                "hashtags",
                self.hashtags.is_valid(|t| (*t as usize) < self.tags.len()),
            ),
            ("mentions", self.mentions.is_valid(account)),
            (
                "urls",
                self.urls
                    .is_valid(|u| (*u as usize) < self.url_strings.len()),
            ),
            ("text", self.text.is_valid()),
            (
                "account maps",
                self.account_by_id
                    .values()
                    .chain(self.account_by_handle.values())
                    .all(account),
            ),
        ];
        checks
            .iter()
            .find(|(_, ok)| !ok)
            .map(|(name, _)| format!("{name} points outside its table"))
    }
}

fn ms_to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn opt(v: u32) -> Option<u32> {
    (v != NONE).then_some(v)
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Self {
        Corpus::default()
    }

    /// A corpus of the given posts and accounts (accounts first, so posts find their authors' handles).
    /// Records that [`Corpus::add_post`] or [`Corpus::add_account`] refuse are left out and counted in
    /// [`Corpus::num_refused`]; [`Corpus::try_from_parts`] stops at the first instead.
    pub fn from_parts(
        accounts: impl IntoIterator<Item = Account>,
        posts: impl IntoIterator<Item = Post>,
    ) -> Self {
        let mut c = Corpus::new();
        for a in accounts {
            c.add_account(a);
        }
        for p in posts {
            c.add_post(p);
        }
        c
    }

    /// Like [`Corpus::from_parts`], but the first refused record is an error naming its list and
    /// position ([`Error::Record`]).
    ///
    /// ```
    /// use rapport_core::{Account, Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// let err = Corpus::try_from_parts([Account::new("1", "ada")], [Post::new("7", "1", "hi", t), Post::new("", "1", "x", t)])
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "posts[1]: invalid post id '': expected a non-empty id of at most 256 bytes without control characters");
    /// ```
    pub fn try_from_parts(
        accounts: impl IntoIterator<Item = Account>,
        posts: impl IntoIterator<Item = Post>,
    ) -> Result<Self, Error> {
        let record = |what, index| {
            move |e| Error::Record {
                what,
                index,
                source: Box::new(e),
            }
        };
        let mut c = Corpus::new();
        for (i, a) in accounts.into_iter().enumerate() {
            c.try_add_account(a).map_err(record("accounts", i))?;
        }
        for (i, p) in posts.into_iter().enumerate() {
            c.try_add_post(p).map_err(record("posts", i))?;
        }
        Ok(c)
    }

    fn touch(&mut self) {
        self.indices = OnceLock::new();
    }

    // ----- accounts -------------------------------------------------------------------------------

    fn canonical(&self, idx: u32) -> u32 {
        self.s.alias[idx as usize]
    }

    fn new_account_row(&mut self, row: AccountRow) -> u32 {
        let idx = self.s.accounts.len() as u32;
        if !row.id.is_empty() {
            self.s.account_by_id.insert(row.id.clone(), idx);
        }
        if !row.handle.is_empty() {
            self.s
                .account_by_handle
                .insert(normalize_handle(&row.handle), idx);
        }
        self.s.accounts.push(row);
        self.s.alias.push(idx);
        idx
    }

    /// The account with this id, created as a stub (id only) when unknown.
    fn account_for_id(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.s.account_by_id.get(id) {
            return self.canonical(i);
        }
        self.new_account_row(AccountRow {
            id: id.to_owned(),
            ..AccountRow::default()
        })
    }

    fn account_for_mention(&mut self, m: &Mention) -> u32 {
        match m.id.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => {
                let idx = self.account_for_id(id);
                if self.s.accounts[idx as usize].handle.is_empty() && !m.handle.is_empty() {
                    self.set_handle(idx, &m.handle);
                }
                idx
            }
            None => {
                let key = normalize_handle(&m.handle);
                if let Some(&i) = self.s.account_by_handle.get(&key) {
                    return self.canonical(i);
                }
                self.new_account_row(AccountRow {
                    handle: m.handle.trim_start_matches('@').to_owned(),
                    ..AccountRow::default()
                })
            }
        }
    }

    /// Gives account `idx` a handle; an id-less stub already holding that handle is merged into it.
    fn set_handle(&mut self, idx: u32, handle: &str) {
        let key = normalize_handle(handle);
        if let Some(&other) = self.s.account_by_handle.get(&key) {
            let other = self.canonical(other);
            if other != idx && self.s.accounts[other as usize].id.is_empty() {
                // The same person seen first by handle only: everything that points at the stub now
                // points at this account.
                for a in &mut self.s.alias {
                    if *a == other {
                        *a = idx;
                    }
                }
            }
        }
        handle.clone_into(&mut self.s.accounts[idx as usize].handle);
        self.s.account_by_handle.insert(key, idx);
    }

    /// Adds an account, or updates the one with the same id (or, for an id-less account, handle).
    /// Fields the new copy knows override the old ones. `None` when the account is refused (see
    /// [`Corpus::try_add_account`]); the refusal is counted in [`Corpus::num_refused`].
    pub fn add_account(&mut self, account: Account) -> Option<AccountIdx> {
        let r = self.try_add_account(account);
        if r.is_err() {
            self.s.refused += 1;
        }
        r.ok()
    }

    /// Adds or updates an account, or says why it is refused: an account needs an id or a handle, and
    /// an id must pass the checks of [`Error::InvalidId`].
    pub fn try_add_account(&mut self, account: Account) -> Result<AccountIdx, Error> {
        if account.id.is_empty() {
            if normalize_handle(&account.handle).is_empty() {
                return Err(Error::InvalidId {
                    field: "account id",
                    found: account.handle,
                    expected: "an account with an id or a handle",
                });
            }
        } else {
            check_id("account id", &account.id)?;
        }
        self.touch();
        let idx = if account.id.is_empty() {
            let m = Mention {
                id: None,
                handle: account.handle.clone(),
            };
            self.account_for_mention(&m)
        } else {
            self.account_for_id(&account.id)
        };
        if !account.handle.is_empty() && self.s.accounts[idx as usize].handle != account.handle {
            self.set_handle(idx, &account.handle);
        }
        let row = &mut self.s.accounts[idx as usize];
        if account.display_name.is_some() {
            row.display_name = account.display_name;
        }
        if account.bio.is_some() {
            row.bio = account.bio;
        }
        if let Some(c) = account.created_at {
            row.created_ms = Some(c.timestamp_millis());
        }
        let c = account.counts;
        row.counts = ProfileCounts {
            followers: c.followers.or(row.counts.followers),
            following: c.following.or(row.counts.following),
            posts: c.posts.or(row.counts.posts),
            listed: c.listed.or(row.counts.listed),
        };
        row.platform = account.platform;
        Ok(AccountIdx(idx))
    }

    // ----- posts ----------------------------------------------------------------------------------

    fn key(&mut self, id: Option<&str>) -> u32 {
        match id.filter(|s| !s.is_empty()) {
            None => NONE,
            Some(id) => {
                let k = self.s.post_keys.intern(id);
                if k as usize == self.s.key_row.len() {
                    self.s.key_row.push(NONE);
                }
                k
            }
        }
    }

    /// Adds a post, or updates the earlier copy with the same id (see the [type docs](Corpus) for
    /// what a later copy changes). Returns its index, or `None` when the post is refused (see
    /// [`Corpus::try_add_post`]); the refusal is counted in [`Corpus::num_refused`].
    pub fn add_post(&mut self, post: Post) -> Option<PostIdx> {
        let r = self.try_add_post(post);
        if r.is_err() {
            self.s.refused += 1;
        }
        r.ok()
    }

    /// Adds or updates a post, or says why it is refused: an invalid post, author or referenced id
    /// ([`Error::InvalidId`]; an empty reference counts as none), or a copy whose author or creation
    /// time disagrees with the first copy ([`Error::ConflictingCopy`]). A refused post changes nothing.
    // Taking the post by value keeps the door open to moving its strings in without copies.
    #[allow(clippy::needless_pass_by_value)]
    pub fn try_add_post(&mut self, post: Post) -> Result<PostIdx, Error> {
        check_id("post id", &post.id)?;
        check_id("author id", &post.author_id)?;
        for (field, r) in [
            ("conversation id", &post.conversation_id),
            ("reply_to id", &post.reply_to),
            ("reply_to_account id", &post.reply_to_account),
            ("quoted id", &post.quoted),
            ("reposted id", &post.reposted),
        ] {
            if let Some(r) = r.as_deref().filter(|r| !r.is_empty()) {
                check_id(field, r)?;
            }
        }
        for m in &post.mentions {
            if let Some(id) = m.id.as_deref().filter(|r| !r.is_empty()) {
                check_id("mention id", id)?;
            }
        }
        let created = post.created_at.timestamp_millis();
        if let Some(k) = self.s.post_keys.get(&post.id)
            && let Some(row) = opt(self.s.key_row[k as usize])
        {
            let r = row as usize;
            let author = &self.s.accounts[self.canonical(self.s.author[r]) as usize];
            let same_author = author.id == post.author_id
                || self
                    .s
                    .account_by_id
                    .get(post.author_id.as_str())
                    .is_some_and(|&a| self.canonical(a) == self.canonical(self.s.author[r]));
            if !same_author {
                return Err(Error::ConflictingCopy {
                    id: post.id.clone(),
                    field: "author",
                    kept: author.id.clone(),
                    found: post.author_id.clone(),
                });
            }
            let kept = self.s.created_ms[r];
            if kept.div_euclid(1000) != created.div_euclid(1000) {
                return Err(Error::ConflictingCopy {
                    id: post.id.clone(),
                    field: "created_at",
                    kept: ms_to_datetime(kept).to_rfc3339(),
                    found: post.created_at.to_rfc3339(),
                });
            }
        }
        self.touch();
        let author = self.account_for_id(&post.author_id);
        let key = self.key(Some(&post.id));
        let conversation = self.key(post.conversation_id.as_deref());
        let reply_to = self.key(post.reply_to.as_deref());
        let quoted = self.key(post.quoted.as_deref());
        let reposted = self.key(post.reposted.as_deref());
        let reply_to_account = match post.reply_to_account.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => self.account_for_id(id),
            None => NONE,
        };
        let mut tags: Vec<u32> = Vec::with_capacity(post.hashtags.len());
        for t in &post.hashtags {
            let n = normalize_hashtag(t);
            if n.is_empty() {
                continue;
            }
            let id = self.s.tags.intern(&n);
            if !tags.contains(&id) {
                tags.push(id);
            }
        }
        let mut mentions: Vec<u32> = Vec::with_capacity(post.mentions.len());
        for m in &post.mentions {
            if m.handle.is_empty() && m.id.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let a = self.account_for_mention(m);
            if !mentions.contains(&a) {
                mentions.push(a);
            }
        }
        let urls: Vec<u32> = post
            .urls
            .iter()
            .map(|u| self.s.url_strings.intern(u))
            .collect();
        let lang = post
            .lang
            .as_deref()
            .map_or(NONE, |l| self.s.langs.intern(l));
        let m = post.metrics;
        let metrics = [
            m.replies,
            m.reposts,
            m.likes,
            m.quotes,
            m.impressions,
            m.bookmarks,
        ]
        .map(|v| v.unwrap_or(NO_METRIC));

        let existing = self.s.key_row[key as usize];
        let s = &mut self.s;
        if existing == NONE {
            let row = s.row_key.len() as u32;
            s.key_row[key as usize] = row;
            s.row_key.push(key);
            s.author.push(author);
            s.created_ms.push(created);
            s.text.push(&post.text);
            s.conversation.push(conversation);
            s.reply_to.push(reply_to);
            s.reply_to_account.push(reply_to_account);
            s.quoted.push(quoted);
            s.reposted.push(reposted);
            s.hashtags.push(&tags);
            s.mentions.push(&mentions);
            s.urls.push(&urls);
            s.lang.push(lang);
            s.metrics.push(metrics);
            Ok(PostIdx(row))
        } else {
            // A later copy updates field by field: what it lacks keeps the known value. The author and
            // the time were checked to agree above; the first copy's stay (a snowflake time carries
            // milliseconds that `created_at` rounds away).
            let r = existing as usize;
            s.replaced_posts += 1;
            if !post.text.is_empty() {
                s.text.set(existing, &post.text);
            }
            let keep = |new: u32, old: u32| if new == NONE { old } else { new };
            s.conversation[r] = keep(conversation, s.conversation[r]);
            s.reply_to[r] = keep(reply_to, s.reply_to[r]);
            s.reply_to_account[r] = keep(reply_to_account, s.reply_to_account[r]);
            s.quoted[r] = keep(quoted, s.quoted[r]);
            s.reposted[r] = keep(reposted, s.reposted[r]);
            if !tags.is_empty() {
                s.hashtags.set(existing, &tags);
            }
            if !mentions.is_empty() {
                s.mentions.set(existing, &mentions);
            }
            if !urls.is_empty() {
                s.urls.set(existing, &urls);
            }
            s.lang[r] = keep(lang, s.lang[r]);
            for (old, new) in s.metrics[r].iter_mut().zip(metrics) {
                if new != NO_METRIC {
                    *old = new;
                }
            }
            Ok(PostIdx(existing))
        }
    }

    /// Adds every post and account of `other` to this corpus (accounts first), by the rules of
    /// [`Corpus::add_post`] and [`Corpus::add_account`]: what `other` knows updates this corpus, and a
    /// post of `other` that conflicts with one here is refused (counted in [`Corpus::num_refused`]).
    /// Follow snapshots are added as by [`Corpus::try_add_follow_snapshot`].
    pub fn merge(&mut self, other: &Corpus) {
        for a in other.accounts() {
            self.add_account(a.to_account());
        }
        for p in other.posts() {
            self.add_post(p.to_post());
        }
        self.s.follows.merge(&other.s.follows);
    }

    // ----- reading --------------------------------------------------------------------------------

    /// Number of distinct posts.
    pub fn num_posts(&self) -> usize {
        self.s.row_key.len()
    }

    /// Number of distinct accounts (authors, mentioned and replied-to accounts, and accounts added).
    pub fn num_accounts(&self) -> usize {
        self.s
            .alias
            .iter()
            .enumerate()
            .filter(|&(i, &a)| i as u32 == a)
            .count()
    }

    /// How many times a post arrived again and updated its earlier copy.
    pub fn num_replaced(&self) -> u64 {
        self.s.replaced_posts
    }

    /// How many posts and accounts [`Corpus::add_post`] and [`Corpus::add_account`] refused (invalid
    /// ids, conflicting copies). The `try_` forms return the reason instead and do not count.
    pub fn num_refused(&self) -> u64 {
        self.s.refused
    }

    pub(crate) fn follow_log(&self) -> &crate::follows::FollowLog {
        &self.s.follows
    }

    pub(crate) fn follow_log_mut(&mut self) -> &mut crate::follows::FollowLog {
        &mut self.s.follows
    }

    pub(crate) fn set_counters(&mut self, replaced: u64, refused: u64) {
        self.s.replaced_posts = replaced;
        self.s.refused = refused;
    }

    /// Whether the corpus holds no post and no account.
    pub fn is_empty(&self) -> bool {
        self.s.row_key.is_empty() && self.s.accounts.is_empty()
    }

    /// The post at `idx`. Panics when `idx` is not from this corpus.
    pub fn post(&self, idx: PostIdx) -> PostRef<'_> {
        assert!(idx.index() < self.num_posts(), "post index out of range");
        PostRef {
            c: self,
            row: idx.0,
        }
    }

    /// The post with this platform id, if the corpus holds it.
    pub fn post_by_id(&self, id: &str) -> Option<PostRef<'_>> {
        let k = self.s.post_keys.get(id)?;
        let row = opt(self.s.key_row[k as usize])?;
        Some(PostRef { c: self, row })
    }

    /// Every post, in the order first added.
    pub fn posts(&self) -> impl ExactSizeIterator<Item = PostRef<'_>> + '_ {
        (0..self.num_posts() as u32).map(move |row| PostRef { c: self, row })
    }

    /// The account at `idx` (following merges of the same person).
    pub fn account(&self, idx: AccountIdx) -> AccountRef<'_> {
        AccountRef {
            c: self,
            idx: self.canonical(idx.0),
        }
    }

    /// The account with this platform id.
    pub fn account_by_id(&self, id: &str) -> Option<AccountRef<'_>> {
        let &i = self.s.account_by_id.get(id)?;
        Some(self.account(AccountIdx(i)))
    }

    /// The account with this handle (with or without `@`, any case).
    pub fn account_by_handle(&self, handle: &str) -> Option<AccountRef<'_>> {
        let &i = self.s.account_by_handle.get(&normalize_handle(handle))?;
        Some(self.account(AccountIdx(i)))
    }

    /// An account by handle (`@name` or `name`) or by id, whichever matches; handles first.
    pub fn find_account(&self, handle_or_id: &str) -> Option<AccountRef<'_>> {
        self.account_by_handle(handle_or_id)
            .or_else(|| self.account_by_id(handle_or_id.trim()))
    }

    /// Every distinct account.
    pub fn accounts(&self) -> impl Iterator<Item = AccountRef<'_>> + '_ {
        (0..self.s.accounts.len() as u32)
            .filter(move |&i| self.canonical(i) == i)
            .map(move |idx| AccountRef { c: self, idx })
    }

    /// One past the largest account index: the length of a dense per-account array.
    pub fn account_capacity(&self) -> usize {
        self.s.accounts.len()
    }

    /// The normalised hashtag with this index.
    pub fn tag(&self, idx: TagIdx) -> &str {
        self.s.tags.resolve(idx.0)
    }

    /// The index of a hashtag (normalised first), if any post uses it.
    pub fn tag_idx(&self, tag: &str) -> Option<TagIdx> {
        self.s.tags.get(&normalize_hashtag(tag)).map(TagIdx)
    }

    /// Number of distinct normalised hashtags.
    pub fn num_tags(&self) -> usize {
        self.s.tags.len()
    }

    /// The time of the newest post (the default `as_of` of time-decayed analyses).
    pub fn newest(&self) -> Option<DateTime<Utc>> {
        self.s.created_ms.iter().max().map(|&ms| ms_to_datetime(ms))
    }

    /// The time of the oldest post.
    pub fn oldest(&self) -> Option<DateTime<Utc>> {
        self.s.created_ms.iter().min().map(|&ms| ms_to_datetime(ms))
    }

    /// Bytes held on the heap by the columns (an estimate that leaves out the lazily built indices).
    pub fn heap_bytes(&self) -> usize {
        let s = &self.s;
        let v4 = |v: &Vec<u32>| v.capacity() * 4;
        s.post_keys.heap_bytes()
            + v4(&s.key_row)
            + v4(&s.row_key)
            + v4(&s.author)
            + s.created_ms.capacity() * 8
            + s.text.heap_bytes()
            + v4(&s.conversation)
            + v4(&s.reply_to)
            + v4(&s.reply_to_account)
            + v4(&s.quoted)
            + v4(&s.reposted)
            + s.hashtags.heap_bytes()
            + s.mentions.heap_bytes()
            + s.urls.heap_bytes()
            + v4(&s.lang)
            + s.metrics.capacity() * 24
            + s.tags.heap_bytes()
            + s.url_strings.heap_bytes()
            + s.langs.heap_bytes()
            + s.accounts.capacity() * std::mem::size_of::<AccountRow>()
            + s.account_by_id.capacity() * 48
            + s.account_by_handle.capacity() * 48
    }

    /// Drops the bytes of replaced post copies and shrinks every column to fit.
    pub fn shrink_to_fit(&mut self) {
        self.s.text = self.s.text.compacted();
        let s = &mut self.s;
        for v in [
            &mut s.key_row,
            &mut s.row_key,
            &mut s.author,
            &mut s.conversation,
            &mut s.reply_to,
            &mut s.reply_to_account,
            &mut s.quoted,
            &mut s.reposted,
            &mut s.lang,
        ] {
            v.shrink_to_fit();
        }
        s.created_ms.shrink_to_fit();
        s.metrics.shrink_to_fit();
    }

    // Internal key-level access for the analyses in this crate.
    pub(crate) fn row_key(&self, row: u32) -> u32 {
        self.s.row_key[row as usize]
    }
    pub(crate) fn key_row(&self, key: u32) -> Option<u32> {
        opt(self.s.key_row[key as usize])
    }
    pub(crate) fn reply_key(&self, row: u32) -> Option<u32> {
        opt(self.s.reply_to[row as usize])
    }
    pub(crate) fn key_str(&self, key: u32) -> &str {
        self.s.post_keys.resolve(key)
    }
    pub(crate) fn conversation_key_of(&self, row: u32) -> u32 {
        self.indices().conversation_of[row as usize]
    }
    pub(crate) fn conversation_key(&self, i: usize) -> u32 {
        self.indices().conversation_keys[i]
    }
    /// The conversation slot of a conversation id, if any post is placed in it.
    pub fn conversation_slot(&self, id: &str) -> Option<usize> {
        let k = self.s.post_keys.get(id)?;
        self.indices().slot_of_key.get(&k).map(|&s| s as usize)
    }

    /// The indices (by author, conversation, hashtag, time, replies), built on first use.
    pub fn indices(&self) -> &Indices {
        self.indices.get_or_init(|| Indices::build(self))
    }
}

/// A post inside a corpus.
#[derive(Clone, Copy)]
pub struct PostRef<'a> {
    c: &'a Corpus,
    row: u32,
}

impl std::fmt::Debug for PostRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostRef")
            .field("id", &self.id())
            .field("author", &self.author().handle_or_id())
            .field("text", &self.text())
            .finish()
    }
}

impl<'a> PostRef<'a> {
    /// Its index in the corpus.
    pub fn idx(&self) -> PostIdx {
        PostIdx(self.row)
    }

    fn key_str(&self, k: u32) -> Option<&'a str> {
        opt(k).map(|k| self.c.s.post_keys.resolve(k))
    }

    fn key_post(&self, k: u32) -> Option<PostRef<'a>> {
        let k = opt(k)?;
        let row = opt(self.c.s.key_row[k as usize])?;
        Some(PostRef { c: self.c, row })
    }

    /// The platform's post id.
    pub fn id(&self) -> &'a str {
        self.c
            .s
            .post_keys
            .resolve(self.c.s.row_key[self.row as usize])
    }

    /// The author.
    pub fn author(&self) -> AccountRef<'a> {
        self.c
            .account(AccountIdx(self.c.s.author[self.row as usize]))
    }

    /// The author's index.
    pub fn author_idx(&self) -> AccountIdx {
        AccountIdx(self.c.canonical(self.c.s.author[self.row as usize]))
    }

    /// The full text.
    pub fn text(&self) -> &'a str {
        self.c.s.text.get(self.row)
    }

    /// When it was posted.
    pub fn created_at(&self) -> DateTime<Utc> {
        ms_to_datetime(self.created_ms())
    }

    /// When it was posted, in milliseconds since the Unix epoch.
    pub fn created_ms(&self) -> i64 {
        self.c.s.created_ms[self.row as usize]
    }

    /// The conversation id the platform gave, if any (see [`Indices::conversation_of`] for the
    /// conversation every post is placed in).
    pub fn conversation_id(&self) -> Option<&'a str> {
        self.key_str(self.c.s.conversation[self.row as usize])
    }

    /// The id of the post this one replies to.
    pub fn reply_to_id(&self) -> Option<&'a str> {
        self.key_str(self.c.s.reply_to[self.row as usize])
    }

    /// The post this one replies to, when the corpus holds it.
    pub fn reply_to_post(&self) -> Option<PostRef<'a>> {
        self.key_post(self.c.s.reply_to[self.row as usize])
    }

    /// The account this post replies to: the parent's author, or the platform's reply-to account when
    /// the parent is missing.
    pub fn reply_to_account(&self) -> Option<AccountRef<'a>> {
        if let Some(p) = self.reply_to_post() {
            return Some(p.author());
        }
        opt(self.c.s.reply_to_account[self.row as usize]).map(|i| self.c.account(AccountIdx(i)))
    }

    /// The id of the quoted post.
    pub fn quoted_id(&self) -> Option<&'a str> {
        self.key_str(self.c.s.quoted[self.row as usize])
    }

    /// The quoted post, when the corpus holds it.
    pub fn quoted_post(&self) -> Option<PostRef<'a>> {
        self.key_post(self.c.s.quoted[self.row as usize])
    }

    /// The id of the reposted post.
    pub fn reposted_id(&self) -> Option<&'a str> {
        self.key_str(self.c.s.reposted[self.row as usize])
    }

    /// The reposted post, when the corpus holds it.
    pub fn reposted_post(&self) -> Option<PostRef<'a>> {
        self.key_post(self.c.s.reposted[self.row as usize])
    }

    /// Original, reply, quote or repost.
    pub fn kind(&self) -> PostKind {
        let s = &self.c.s;
        let r = self.row as usize;
        if s.reposted[r] != NONE {
            PostKind::Repost
        } else if s.reply_to[r] != NONE {
            PostKind::Reply
        } else if s.quoted[r] != NONE {
            PostKind::Quote
        } else {
            PostKind::Original
        }
    }

    /// Whether it is a repost.
    pub fn is_repost(&self) -> bool {
        self.c.s.reposted[self.row as usize] != NONE
    }

    /// The hashtags, normalised (NFKC, lower case, without `#`), each once.
    pub fn hashtags(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let c = self.c;
        c.s.hashtags
            .get(self.row)
            .iter()
            .map(move |&t| c.s.tags.resolve(t))
    }

    /// The hashtag indices.
    pub fn tag_idxs(&self) -> &'a [u32] {
        self.c.s.hashtags.get(self.row)
    }

    /// The mentioned accounts, each once.
    pub fn mentions(&self) -> impl Iterator<Item = AccountRef<'a>> + 'a {
        let c = self.c;
        c.s.mentions
            .get(self.row)
            .iter()
            .map(move |&a| c.account(AccountIdx(a)))
    }

    /// The expanded URLs.
    pub fn urls(&self) -> impl Iterator<Item = &'a str> + 'a {
        let c = self.c;
        c.s.urls
            .get(self.row)
            .iter()
            .map(move |&u| c.s.url_strings.resolve(u))
    }

    /// The language tag.
    pub fn lang(&self) -> Option<&'a str> {
        opt(self.c.s.lang[self.row as usize]).map(|l| self.c.s.langs.resolve(l))
    }

    /// The public metrics at fetch time.
    pub fn metrics(&self) -> PublicMetrics {
        let m = self.c.s.metrics[self.row as usize].map(|v| (v != NO_METRIC).then_some(v));
        PublicMetrics {
            replies: m[0],
            reposts: m[1],
            likes: m[2],
            quotes: m[3],
            impressions: m[4],
            bookmarks: m[5],
        }
    }

    /// An owned copy, as it was added (hashtags normalised).
    pub fn to_post(&self) -> Post {
        let mut p = Post::new(
            self.id(),
            self.author().id(),
            self.text(),
            self.created_at(),
        );
        p.conversation_id = self.conversation_id().map(str::to_owned);
        p.reply_to = self.reply_to_id().map(str::to_owned);
        p.reply_to_account = opt(self.c.s.reply_to_account[self.row as usize])
            .map(|i| self.c.account(AccountIdx(i)).id().to_owned());
        p.quoted = self.quoted_id().map(str::to_owned);
        p.reposted = self.reposted_id().map(str::to_owned);
        p.hashtags = self.hashtags().map(str::to_owned).collect();
        p.mentions = self
            .mentions()
            .map(|a| Mention {
                id: (!a.id().is_empty()).then(|| a.id().to_owned()),
                handle: a.handle().to_owned(),
            })
            .collect();
        p.urls = self.urls().map(str::to_owned).collect();
        p.lang = self.lang().map(str::to_owned);
        p.metrics = self.metrics();
        p
    }
}

/// An account inside a corpus.
#[derive(Clone, Copy)]
pub struct AccountRef<'a> {
    c: &'a Corpus,
    idx: u32,
}

impl std::fmt::Debug for AccountRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRef")
            .field("id", &self.id())
            .field("handle", &self.handle())
            .finish()
    }
}

impl PartialEq for AccountRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.c, other.c) && self.idx == other.idx
    }
}

impl<'a> AccountRef<'a> {
    fn row(&self) -> &'a AccountRow {
        &self.c.s.accounts[self.idx as usize]
    }

    /// Its index in the corpus.
    pub fn idx(&self) -> AccountIdx {
        AccountIdx(self.idx)
    }

    /// The platform id (empty when only the handle is known).
    pub fn id(&self) -> &'a str {
        &self.row().id
    }

    /// The handle without `@` (empty when only the id is known).
    pub fn handle(&self) -> &'a str {
        &self.row().handle
    }

    /// The handle, or the id when the handle is unknown.
    pub fn handle_or_id(&self) -> &'a str {
        let r = self.row();
        if r.handle.is_empty() {
            &r.id
        } else {
            &r.handle
        }
    }

    /// The display name.
    pub fn display_name(&self) -> Option<&'a str> {
        self.row().display_name.as_deref()
    }

    /// The profile text.
    pub fn bio(&self) -> Option<&'a str> {
        self.row().bio.as_deref()
    }

    /// When the account was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.row().created_ms.map(ms_to_datetime)
    }

    /// Profile counts (never used to score a person).
    pub fn counts(&self) -> ProfileCounts {
        self.row().counts
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.row().platform
    }

    /// Whether only an id or a handle is known: the account appeared as an author, mention or reply
    /// target but no profile was ever seen.
    pub fn is_stub(&self) -> bool {
        let r = self.row();
        r.display_name.is_none() && r.bio.is_none() && r.created_ms.is_none()
    }

    /// The posts written by this account, oldest first.
    pub fn posts(&self) -> impl ExactSizeIterator<Item = PostRef<'a>> + 'a {
        let c = self.c;
        c.indices()
            .by_author(AccountIdx(self.idx))
            .iter()
            .map(move |&row| PostRef { c, row })
    }

    /// An owned copy.
    pub fn to_account(&self) -> Account {
        let r = self.row();
        Account {
            id: r.id.clone(),
            handle: r.handle.clone(),
            display_name: r.display_name.clone(),
            bio: r.bio.clone(),
            created_at: r.created_ms.map(ms_to_datetime),
            counts: r.counts,
            platform: r.platform,
        }
    }
}

/// A compressed-sparse-row map from a dense key to a list of rows.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl Csr {
    /// Builds from (key, value) pairs; each key's values keep the order of the pairs.
    pub fn from_pairs(num_keys: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut counts = vec![0u32; num_keys + 1];
        for &(k, _) in pairs {
            counts[k as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut values = vec![0u32; pairs.len()];
        for &(k, v) in pairs {
            let slot = &mut fill[k as usize];
            values[*slot as usize] = v;
            *slot += 1;
        }
        Csr {
            offsets: counts,
            values,
        }
    }

    /// The values of a key (empty for an unknown key).
    pub fn get(&self, key: usize) -> &[u32] {
        if key + 1 >= self.offsets.len() {
            return &[];
        }
        &self.values[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }

    /// Number of keys.
    pub fn num_keys(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

/// Lookup structures over a corpus, built once on first use and dropped on the next change.
#[derive(Debug)]
pub struct Indices {
    by_author: Csr,
    by_tag: Csr,
    /// Post rows sorted by time (ties by row).
    by_time: Vec<u32>,
    /// Post key → rows that reply to it.
    replies: Csr,
    /// Post key → rows that quote it.
    quotes: Csr,
    /// Post key → rows that repost it.
    reposts: Csr,
    /// Row → the post key of the conversation it is placed in.
    conversation_of: Vec<u32>,
    /// Conversation keys in order of first appearance, and their rows.
    conversation_keys: Vec<u32>,
    conversation_rows: Csr,
    slot_of_key: hashbrown::HashMap<u32, u32>,
}

impl Indices {
    fn build(c: &Corpus) -> Indices {
        let s = &c.s;
        let n = s.row_key.len();
        let nkeys = s.post_keys.len();

        let mut by_time: Vec<u32> = (0..n as u32).collect();
        by_time.sort_by_key(|&r| (s.created_ms[r as usize], r));

        let mut author_pairs = Vec::with_capacity(n);
        let mut tag_pairs = Vec::new();
        for &r in &by_time {
            author_pairs.push((c.canonical(s.author[r as usize]), r));
            for &t in s.hashtags.get(r) {
                tag_pairs.push((t, r));
            }
        }
        let by_author = Csr::from_pairs(s.accounts.len(), &author_pairs);
        let by_tag = Csr::from_pairs(s.tags.len(), &tag_pairs);

        let refs = |col: &Vec<u32>| {
            let pairs: Vec<(u32, u32)> = by_time
                .iter()
                .filter(|&&r| col[r as usize] != NONE)
                .map(|&r| (col[r as usize], r))
                .collect();
            Csr::from_pairs(nkeys, &pairs)
        };
        let replies = refs(&s.reply_to);
        let quotes = refs(&s.quoted);
        let reposts = refs(&s.reposted);

        let conversation_of = effective_conversations(s);
        let mut slot_of_key: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
        let mut conversation_keys = Vec::new();
        let mut conv_pairs = Vec::with_capacity(n);
        for &r in &by_time {
            let k = conversation_of[r as usize];
            let slot = *slot_of_key.entry(k).or_insert_with(|| {
                conversation_keys.push(k);
                (conversation_keys.len() - 1) as u32
            });
            conv_pairs.push((slot, r));
        }
        let conversation_rows = Csr::from_pairs(conversation_keys.len(), &conv_pairs);
        Indices {
            by_author,
            by_tag,
            by_time,
            replies,
            quotes,
            reposts,
            conversation_of,
            conversation_keys,
            conversation_rows,
            slot_of_key,
        }
    }

    /// Rows written by an account, oldest first.
    pub fn by_author(&self, a: AccountIdx) -> &[u32] {
        self.by_author.get(a.index())
    }

    /// Rows using a hashtag, oldest first.
    pub fn by_tag(&self, t: TagIdx) -> &[u32] {
        self.by_tag.get(t.0 as usize)
    }

    /// Every row, oldest first.
    pub fn by_time(&self) -> &[u32] {
        &self.by_time
    }

    /// Rows replying to the post `p`, oldest first.
    pub fn replies_to(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.replies.get(c.s.row_key[p.index()] as usize)
    }

    /// Rows quoting the post `p`, oldest first.
    pub fn quotes_of(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.quotes.get(c.s.row_key[p.index()] as usize)
    }

    /// Rows reposting the post `p`, oldest first.
    pub fn reposts_of(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.reposts.get(c.s.row_key[p.index()] as usize)
    }

    /// Number of conversations (every post is in exactly one).
    pub fn num_conversations(&self) -> usize {
        self.conversation_keys.len()
    }

    /// The conversation id of conversation `i` (in order of first post).
    pub fn conversation_id<'c>(&self, c: &'c Corpus, i: usize) -> &'c str {
        c.s.post_keys.resolve(self.conversation_keys[i])
    }

    /// Rows of conversation `i`, oldest first.
    pub fn conversation_rows(&self, i: usize) -> &[u32] {
        self.conversation_rows.get(i)
    }

    /// The conversation id a post is placed in: the platform's, else the root of its reply chain
    /// within the corpus, else the missing parent it replies to, else its own id.
    pub fn conversation_of<'c>(&self, c: &'c Corpus, p: PostIdx) -> &'c str {
        c.s.post_keys.resolve(self.conversation_of[p.index()])
    }
}

/// Places every row in a conversation (a post key), following reply chains for posts that came without
/// a conversation id (archives have none). Cycles in bad data end the walk.
fn effective_conversations(s: &Store) -> Vec<u32> {
    let n = s.row_key.len();
    let mut out = vec![NONE; n];
    let mut seen_in_walk = vec![0u32; n];
    let mut chain = Vec::new();
    for start in 0..n {
        if out[start] != NONE {
            continue;
        }
        chain.clear();
        let stamp = start as u32 + 1;
        let mut r = start;
        let conv = loop {
            if out[r] != NONE {
                break out[r];
            }
            if s.conversation[r] != NONE {
                break s.conversation[r];
            }
            chain.push(r);
            seen_in_walk[r] = stamp;
            let parent = s.reply_to[r];
            if parent == NONE {
                break s.row_key[r];
            }
            let prow = s.key_row[parent as usize];
            if prow == NONE {
                break parent;
            }
            if seen_in_walk[prow as usize] == stamp {
                // A reply cycle in bad data: the post where it closes is taken as the root.
                break s.row_key[r];
            }
            r = prow as usize;
        };
        for &c in &chain {
            out[c] = conv;
        }
        if out[start] == NONE {
            out[start] = conv;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn mention_by_handle_merges_into_the_account_once_its_id_is_known() {
        let mut c = Corpus::new();
        let mut p = Post::new("1", "10", "hi @Bob", t(0));
        p.mentions.push(Mention {
            id: None,
            handle: "Bob".into(),
        });
        c.add_post(p);
        assert_eq!(c.num_accounts(), 2);
        c.add_account(Account::new("20", "bob"));
        assert_eq!(c.num_accounts(), 2);
        let m: Vec<_> = c.post_by_id("1").unwrap().mentions().collect();
        assert_eq!(m[0].id(), "20");
        assert_eq!(c.account_by_handle("BOB").unwrap().id(), "20");
    }

    #[test]
    fn conversations_follow_reply_chains_without_ids() {
        let mut c = Corpus::new();
        c.add_post(Post::new("1", "a", "root", t(0)));
        let mut r = Post::new("2", "b", "reply", t(1));
        r.reply_to = Some("1".into());
        c.add_post(r);
        let mut rr = Post::new("3", "a", "reply 2", t(2));
        rr.reply_to = Some("2".into());
        c.add_post(rr);
        let mut orphan = Post::new("4", "a", "orphan", t(3));
        orphan.reply_to = Some("99".into());
        c.add_post(orphan);
        let ix = c.indices();
        assert_eq!(ix.num_conversations(), 2);
        assert_eq!(ix.conversation_of(&c, PostIdx(2)), "1");
        assert_eq!(ix.conversation_of(&c, PostIdx(3)), "99");
    }

    #[test]
    fn a_reply_cycle_does_not_hang() {
        let mut c = Corpus::new();
        let mut a = Post::new("1", "a", "x", t(0));
        a.reply_to = Some("2".into());
        let mut b = Post::new("2", "b", "y", t(1));
        b.reply_to = Some("1".into());
        c.add_post(a);
        c.add_post(b);
        assert_eq!(c.indices().num_conversations(), 1);
    }

    #[test]
    fn a_damaged_saved_corpus_is_an_error_not_a_panic() {
        let mut c = Corpus::new();
        let mut p = Post::new("1", "a", "hello", t(0));
        p.hashtags = vec!["x".into()];
        c.add_post(p);
        let good = serde_json::to_value(&c).unwrap();
        let back: Corpus = serde_json::from_value(good.clone()).unwrap();
        assert_eq!(back.num_posts(), 1);
        // Each damage: an author index past the accounts, a hashtag past the tags, a text span past
        // the buffer, a missing row.
        for (path, value) in [
            ("/author/0", serde_json::json!(7)),
            ("/hashtags/items/0", serde_json::json!(9)),
            ("/text/spans/0/len", serde_json::json!(999)),
            ("/created_ms", serde_json::json!([])),
        ] {
            let mut bad = good.clone();
            *bad.pointer_mut(path).unwrap() = value;
            let err = serde_json::from_value::<Corpus>(bad)
                .unwrap_err()
                .to_string();
            assert!(err.contains("damaged"), "{path}: {err}");
        }
    }

    #[test]
    fn replaced_post_updates_every_column() {
        let mut c = Corpus::new();
        let mut p = Post::new("1", "a", "x #One", t(0));
        p.hashtags = vec!["One".into()];
        c.add_post(p);
        let mut q = Post::new("1", "a", "y #Two", t(0));
        q.hashtags = vec!["Two".into()];
        q.metrics.likes = Some(3);
        c.add_post(q);
        let p = c.post_by_id("1").unwrap();
        assert_eq!(p.hashtags().collect::<Vec<_>>(), vec!["two"]);
        assert_eq!(p.metrics().likes, Some(3));
        assert_eq!(p.metrics().replies, None);
        assert_eq!(c.num_replaced(), 1);
        assert_eq!(c.indices().by_tag(c.tag_idx("one").unwrap()).len(), 0);
    }

    #[test]
    fn empty_and_odd_ids_are_refused_not_a_panic() {
        let mut c = Corpus::new();
        for (id, author) in [("", "a"), ("1", ""), ("   ", "a"), ("1\u{0}", "a")] {
            let err = c
                .try_add_post(Post::new(id, author, "x", t(0)))
                .unwrap_err();
            assert!(matches!(err, Error::InvalidId { .. }), "{err}");
            assert!(c.add_post(Post::new(id, author, "x", t(0))).is_none());
        }
        let long = "9".repeat(300);
        let err = c
            .try_add_post(Post::new(&long, "a", "x", t(0)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("… (300 bytes)"), "{err}");
        let mut bad_ref = Post::new("2", "a", "x", t(0));
        bad_ref.reply_to = Some(" ".into());
        assert!(c.try_add_post(bad_ref).is_err());
        assert!(c.try_add_account(Account::new("", "")).is_err());
        assert!(c.add_account(Account::new("", "@")).is_none());
        assert_eq!(c.num_refused(), 5);
        assert!(c.is_empty());
        // An empty reference is no reference.
        let mut ok = Post::new("3", "a", "x", t(0));
        ok.quoted = Some(String::new());
        assert!(c.try_add_post(ok).is_ok());
    }

    #[test]
    fn a_sparse_later_copy_wipes_nothing() {
        let mut c = Corpus::new();
        let mut full = Post::new("1", "a", "full text #Rust", t(0));
        full.hashtags = vec!["Rust".into()];
        full.lang = Some("en".into());
        full.conversation_id = Some("1".into());
        full.metrics.likes = Some(3);
        full.metrics.replies = Some(1);
        c.add_post(full);
        // A later copy with milliseconds (a snowflake time) in the same second, no text, no entities,
        // one newer metric.
        let mut sparse = Post::new("1", "a", "", t(0) + Duration::milliseconds(250));
        sparse.metrics.likes = Some(5);
        assert!(c.try_add_post(sparse).is_ok());
        let p = c.post_by_id("1").unwrap();
        assert_eq!(p.text(), "full text #Rust");
        assert_eq!(p.created_at(), t(0));
        assert_eq!(p.hashtags().collect::<Vec<_>>(), vec!["rust"]);
        assert_eq!(p.lang(), Some("en"));
        assert_eq!(p.conversation_id(), Some("1"));
        assert_eq!((p.metrics().likes, p.metrics().replies), (Some(5), Some(1)));
        assert_eq!(c.num_replaced(), 1);
    }

    #[test]
    fn a_copy_with_another_author_or_time_is_refused_and_the_first_kept() {
        let mut c = Corpus::new();
        c.add_post(Post::new("1", "a", "first", t(0)));
        let err = c
            .try_add_post(Post::new("1", "b", "second", t(0)))
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::ConflictingCopy {
                    field: "author",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("the first copy has 'a', this one 'b'"),
            "{err}"
        );
        let err = c
            .try_add_post(Post::new("1", "a", "third", t(2)))
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::ConflictingCopy {
                    field: "created_at",
                    ..
                }
            ),
            "{err}"
        );
        assert!(c.add_post(Post::new("1", "b", "fourth", t(0))).is_none());
        assert_eq!(c.num_refused(), 1);
        let p = c.post_by_id("1").unwrap();
        assert_eq!((p.text(), p.author().id()), ("first", "a"));
        assert_eq!(c.num_accounts(), 1, "a refused copy adds no account");
    }
}
