//! Reading a corpus: counts, posts and accounts by index, id and handle, hashtags, time range, memory.

use chrono::{DateTime, Utc};

use super::columns::AccountRow;
use super::{
    AccountIdx, AccountRef, Corpus, Indices, PostIdx, PostRef, TagIdx, ms_to_datetime, opt,
};
use crate::model::{normalize_handle, normalize_hashtag};

impl Corpus {
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

    pub(crate) fn list_log(&self) -> &crate::lists::ListLog {
        &self.s.lists
    }

    pub(crate) fn list_log_mut(&mut self) -> &mut crate::lists::ListLog {
        &mut self.s.lists
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

    /// Every distinct topic annotation of the corpus's posts, with the latest names seen.
    pub fn annotations(&self) -> &[crate::ContextAnnotation] {
        &self.s.annotation_table
    }

    /// The time of the newest post (the default `as_of` of time-decayed analyses).
    pub fn newest(&self) -> Option<DateTime<Utc>> {
        self.s.created_ms.iter().max().map(|&ms| ms_to_datetime(ms))
    }

    /// The time of the oldest post.
    pub fn oldest(&self) -> Option<DateTime<Utc>> {
        self.s.created_ms.iter().min().map(|&ms| ms_to_datetime(ms))
    }

    /// Bytes of post text held, the bytes of texts that later copies replaced included (until
    /// [`Corpus::shrink_to_fit`]). Importers use it to project the text still to come.
    ///
    /// ```
    /// use rapport_core::{Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// let mut c = Corpus::new();
    /// c.add_post(Post::new("1", "7", "hello", t));
    /// c.add_post(Post::new("1", "7", "hello!", t)); // the new text is added, the old one stays
    /// assert_eq!(c.text_bytes(), 11);
    /// c.shrink_to_fit();
    /// assert_eq!(c.text_bytes(), 6);
    /// ```
    pub fn text_bytes(&self) -> usize {
        self.s.text.text_bytes()
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
            + s.annotations.heap_bytes()
            + s.annotation_keys.heap_bytes()
            + s.annotation_table.capacity() * std::mem::size_of::<crate::ContextAnnotation>()
            + v4(&s.lang)
            + s.metrics.capacity() * 24
            + s.tags.heap_bytes()
            + s.tag_spellings.capacity() * 24
            + s.tag_spellings.keys().map(|k| k.len()).sum::<usize>()
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
    /// The conversation slot (of [`Indices::conversation_rows`]) a row is placed in.
    pub(crate) fn conversation_slot_of(&self, row: u32) -> usize {
        let i = self.indices();
        i.slot_of_key[&i.conversation_of[row as usize]] as usize
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

    /// The conversation key of every row, in row order (what [`Corpus::conversation_key_of`] reads).
    pub(crate) fn conversation_keys_of_rows(&self) -> &[u32] {
        &self.indices().conversation_of
    }
}
