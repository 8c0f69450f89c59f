//! The corpus: every post and account, deduplicated by id, stored in columns, indexed on demand.
//!
//! The [`Corpus`] type and its construction live here; the rest, one job per file:
//!
//! - `columns`: the interned column storage (`Columns`) and its load-time check;
//! - `accounts`: adding accounts and merging the same person seen by handle and by id;
//! - `posts`: adding posts, and the duplicate policy for later copies of a post;
//! - `read`: reading the corpus back (counts, lookups by id and handle, tags, times);
//! - `refs`: [`PostRef`] and [`AccountRef`], the borrowed views of one post or account;
//! - `indices`: the lazily built [`Indices`] (by author, tag, time, replies, conversations).

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::model::{Account, Post};

mod accounts;
mod columns;
mod indices;
mod posts;
mod read;
mod refs;
#[cfg(test)]
mod tests;

use columns::Columns;
pub use indices::{Csr, Indices};
pub use refs::{AccountRef, PostRef};

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
    s: Columns,
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
        let mut s = Columns::deserialize(d)?;
        s.fill_missing_annotations();
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
}
