//! The interned column storage of a corpus: every field of every post in its own column, ids and
//! strings interned to dense integers. Kept apart from the lazily built indices so that the corpus
//! can be saved and loaded with serde.

use serde::{Deserialize, Serialize};

use super::NONE;
use crate::columns::{Interner, Ragged, StrColumn};
use crate::model::{ContextAnnotation, Platform, ProfileCounts};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct AccountRow {
    pub(super) id: String,
    pub(super) handle: String,
    pub(super) display_name: Option<String>,
    pub(super) bio: Option<String>,
    pub(super) created_ms: Option<i64>,
    pub(super) counts: ProfileCounts,
    pub(super) platform: Platform,
}

/// Everything the corpus holds, in columns. Kept apart from the lazily built indices so that the
/// corpus can be saved and loaded with serde.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Columns {
    /// Every post id seen, in the corpus or only referenced.
    pub(super) post_keys: Interner,
    /// Post key → row, or NONE when the post is only referenced.
    pub(super) key_row: Vec<u32>,
    pub(super) row_key: Vec<u32>,
    pub(super) author: Vec<u32>,
    pub(super) created_ms: Vec<i64>,
    pub(super) text: StrColumn,
    pub(super) conversation: Vec<u32>,
    pub(super) reply_to: Vec<u32>,
    pub(super) reply_to_account: Vec<u32>,
    pub(super) quoted: Vec<u32>,
    pub(super) reposted: Vec<u32>,
    pub(super) hashtags: Ragged<u32>,
    pub(super) mentions: Ragged<u32>,
    pub(super) urls: Ragged<u32>,
    pub(super) lang: Vec<u32>,
    pub(super) metrics: Vec<[u32; 6]>,
    pub(super) tags: Interner,
    /// A hashtag's spelling that is not its own normal form (capitals, non-ASCII), trimmed and
    /// without its `#` → its tag in `tags`: the normaliser (NFKC, lower case) runs once per distinct
    /// spelling, not once per post. Not saved: a loaded corpus fills it again as posts are added.
    #[serde(skip)]
    pub(super) tag_spellings: hashbrown::HashMap<Box<str>, u32>,
    pub(super) url_strings: Interner,
    pub(super) langs: Interner,
    pub(super) accounts: Vec<AccountRow>,
    /// Account merged into another one (found to be the same person): the account it now is.
    pub(super) alias: Vec<u32>,
    pub(super) account_by_id: hashbrown::HashMap<String, u32>,
    pub(super) account_by_handle: hashbrown::HashMap<String, u32>,
    pub(super) replaced_posts: u64,
    /// Posts and accounts that [`Corpus::add_post`] and [`Corpus::add_account`] refused.
    #[serde(default)]
    pub(super) refused: u64,
    /// Per post: its topic annotations, as indices into `annotation_table`. Empty (no rows) in a
    /// corpus saved before annotations were kept; loading fills in empty rows.
    #[serde(default)]
    pub(super) annotations: Ragged<u32>,
    /// Distinct annotations by `domain id \u{1f} entity id`, the index into `annotation_table`.
    #[serde(default)]
    pub(super) annotation_keys: Interner,
    /// Distinct annotations, with the latest names seen.
    #[serde(default)]
    pub(super) annotation_table: Vec<ContextAnnotation>,
    /// Lists and memberships (see [`crate::lists`]).
    #[serde(default)]
    pub(super) lists: crate::lists::ListLog,
    /// Follow snapshots (see [`crate::follows`]).
    #[serde(default)]
    pub(super) follows: crate::follows::FollowLog,
}

impl Columns {
    /// What is wrong with columns read from a file, if anything: lengths that disagree, or an index
    /// that points outside its table. Checked once on load so that no later access can panic.
    pub(super) fn problem(&self) -> Option<String> {
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
            ("annotations", self.annotations.len()),
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
        if self.annotation_keys.len() != self.annotation_table.len() {
            return Some(format!(
                "annotation_keys has {} entries, expected {}",
                self.annotation_keys.len(),
                self.annotation_table.len()
            ));
        }
        let key = |k: &u32| (*k as usize) < keys;
        let key_or_none = |k: &u32| *k == NONE || key(k);
        let account = |a: &u32| (*a as usize) < accounts;
        let account_or_none = |a: &u32| *a == NONE || account(a);
        let checks: [(&str, bool); 16] = [
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
                "annotations",
                self.annotations
                    .is_valid(|a| (*a as usize) < self.annotation_table.len()),
            ),
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

impl Columns {
    /// Gives every post an empty annotation row when the columns come from a corpus saved before
    /// annotations were kept (no annotation rows at all).
    pub(super) fn fill_missing_annotations(&mut self) {
        if self.annotations.len() == 0 && self.annotation_table.is_empty() {
            for _ in 0..self.row_key.len() {
                self.annotations.push(&[]);
            }
        }
    }
}
