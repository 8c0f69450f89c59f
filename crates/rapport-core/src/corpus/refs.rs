//! The borrowed views of one post ([`PostRef`]) and one account ([`AccountRef`]) inside a corpus.

use chrono::{DateTime, Utc};

use super::columns::AccountRow;
use super::{AccountIdx, Corpus, NO_METRIC, NONE, PostIdx, ms_to_datetime, opt};
use crate::model::{
    Account, ContextAnnotation, Mention, Platform, Post, PostKind, ProfileCounts, PublicMetrics,
};

/// A post inside a corpus.
#[derive(Clone, Copy)]
pub struct PostRef<'a> {
    pub(super) c: &'a Corpus,
    pub(super) row: u32,
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

    /// The conversation id the platform gave, if any (see [`Indices::conversation_of`](crate::Indices::conversation_of) for the
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

    /// The topic annotations (X's `context_annotations`), each (domain, entity) pair once, with the
    /// latest names the corpus has seen for them.
    pub fn annotations(&self) -> impl ExactSizeIterator<Item = &'a ContextAnnotation> + 'a {
        let c = self.c;
        c.s.annotations
            .get(self.row)
            .iter()
            .map(move |&a| &c.s.annotation_table[a as usize])
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
        p.annotations = self.annotations().cloned().collect();
        p
    }
}

/// An account inside a corpus.
#[derive(Clone, Copy)]
pub struct AccountRef<'a> {
    pub(super) c: &'a Corpus,
    pub(super) idx: u32,
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
