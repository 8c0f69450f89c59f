//! Adding posts: deduplicated by id, a later copy updating the earlier one field by field, and the
//! duplicate policy (a copy that disagrees on the author or the creation time is refused).

use super::{Corpus, NO_METRIC, NONE, PostIdx, ms_to_datetime, opt};
use crate::Error;
use crate::error::check_id;
use crate::model::{ContextAnnotation, NewAnnotation, NewPost, Post, normalize_hashtag};

impl Corpus {
    /// Makes room for about `posts` more posts with `text_bytes` bytes of text in all, so that adding
    /// them does not grow the id index and the columns step by step (each step re-hashes or copies
    /// everything added before). An estimate is enough: more posts than reserved still fit, and
    /// fewer leave the rest unused. It is a hint: what the memory cannot hold is not reserved (no
    /// error, no abort), and the corpus then grows as posts come. Importers that can count ahead (a
    /// file's size, a page's length) call this.
    ///
    /// ```
    /// use rapport_core::{Corpus, Post};
    /// use chrono::{TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// let mut c = Corpus::new();
    /// c.reserve(1_000, 100_000);
    /// c.reserve(usize::MAX / 4, usize::MAX / 4); // more than any memory: nothing happens
    /// c.add_post(Post::new("1", "7", "hello", t));
    /// assert_eq!(c.num_posts(), 1);
    /// ```
    pub fn reserve(&mut self, posts: usize, text_bytes: usize) {
        let s = &mut self.s;
        // Post ids are most of the keys; a post's referenced ids are mostly posts of the corpus too.
        let id_bytes = posts.saturating_mul(19);
        s.post_keys.reserve(posts, id_bytes);
        let _ = s.key_row.try_reserve(posts);
        let _ = s.row_key.try_reserve(posts);
        let _ = s.author.try_reserve(posts);
        let _ = s.created_ms.try_reserve(posts);
        s.text.reserve(posts, text_bytes);
        let _ = s.conversation.try_reserve(posts);
        let _ = s.reply_to.try_reserve(posts);
        let _ = s.reply_to_account.try_reserve(posts);
        let _ = s.quoted.try_reserve(posts);
        let _ = s.reposted.try_reserve(posts);
        s.hashtags.reserve_rows(posts);
        s.mentions.reserve_rows(posts);
        s.urls.reserve_rows(posts);
        s.annotations.reserve_rows(posts);
        let _ = s.lang.try_reserve(posts);
        let _ = s.metrics.try_reserve(posts);
    }

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
        self.try_add_new_post(&post.as_new())
    }

    /// [`Corpus::try_add_post`] for a post borrowing its strings (see [`NewPost`]): the importers' path,
    /// which copies each string once, into the corpus.
    pub fn try_add_new_post(&mut self, post: &NewPost<'_>) -> Result<PostIdx, Error> {
        check_id("post id", post.id)?;
        check_id("author id", post.author_id)?;
        for (field, r) in [
            ("conversation id", post.conversation_id),
            ("reply_to id", post.reply_to),
            ("reply_to_account id", post.reply_to_account),
            ("quoted id", post.quoted),
            ("reposted id", post.reposted),
        ] {
            if let Some(r) = r.filter(|r| !r.is_empty()) {
                check_id(field, r)?;
            }
        }
        for m in &post.mentions {
            if let Some(id) = m.id.filter(|r| !r.is_empty()) {
                check_id("mention id", id)?;
            }
        }
        let created = post.created_at.timestamp_millis();
        // One probe for the post's own id: interned now (a refused copy leaves only an id that the
        // corpus already knew, since only a known post can conflict).
        let key = self.key(Some(post.id));
        if let Some(row) = opt(self.s.key_row[key as usize]) {
            let r = row as usize;
            let author = &self.s.accounts[self.canonical(self.s.author[r]) as usize];
            let same_author = author.id.as_str() == post.author_id
                || self
                    .s
                    .account_by_id
                    .get(post.author_id)
                    .is_some_and(|&a| self.canonical(a) == self.canonical(self.s.author[r]));
            if !same_author {
                return Err(Error::ConflictingCopy {
                    id: post.id.to_owned(),
                    field: "author",
                    kept: author.id.clone(),
                    found: post.author_id.to_owned(),
                });
            }
            let kept = self.s.created_ms[r];
            if kept.div_euclid(1000) != created.div_euclid(1000) {
                return Err(Error::ConflictingCopy {
                    id: post.id.to_owned(),
                    field: "created_at",
                    kept: ms_to_datetime(kept).to_rfc3339(),
                    found: post.created_at.to_rfc3339(),
                });
            }
        }
        self.touch();
        let author = self.account_for_id(post.author_id);
        let conversation = self.key(post.conversation_id);
        let reply_to = self.key(post.reply_to);
        let quoted = self.key(post.quoted);
        let reposted = self.key(post.reposted);
        let reply_to_account = match post.reply_to_account.filter(|s| !s.is_empty()) {
            Some(id) => self.account_for_id(id),
            None => NONE,
        };
        let mut tags: Vec<u32> = Vec::with_capacity(post.hashtags.len());
        for &t in &post.hashtags {
            // An ASCII tag without capitals is its own normal form (see `normalize_hashtag`): interned
            // as it is, without building a new string.
            let bare = t.trim().trim_start_matches(['#', '＃']);
            let id = if bare.is_ascii() && !bare.bytes().any(|b| b.is_ascii_uppercase()) {
                if bare.is_empty() {
                    continue;
                }
                self.s.tags.intern(bare)
            } else if let Some(&id) = self.s.tag_spellings.get(bare) {
                id
            } else {
                // `normalize_hashtag` trims and drops the `#` as `bare` does: its result depends
                // on `bare` alone.
                let n = normalize_hashtag(t);
                if n.is_empty() {
                    continue;
                }
                let id = self.s.tags.intern(&n);
                self.s.tag_spellings.insert(bare.into(), id);
                id
            };
            if !tags.contains(&id) {
                tags.push(id);
            }
        }
        let mut mentions: Vec<u32> = Vec::with_capacity(post.mentions.len());
        for m in &post.mentions {
            if m.handle.is_empty() && m.id.is_none_or(str::is_empty) {
                continue;
            }
            let a = self.account_for_mention(m.id, m.handle);
            if !mentions.contains(&a) {
                mentions.push(a);
            }
        }
        let urls: Vec<u32> = post
            .urls
            .iter()
            .map(|&u| self.s.url_strings.intern(u))
            .collect();
        let lang = post.lang.map_or(NONE, |l| self.s.langs.intern(l));
        let mut annotations: Vec<u32> = Vec::with_capacity(post.annotations.len());
        for a in &post.annotations {
            if let Some(i) = self.intern_annotation(a)
                && !annotations.contains(&i)
            {
                annotations.push(i);
            }
        }
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
            s.annotations.push(&annotations);
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
            if !annotations.is_empty() {
                s.annotations.set(existing, &annotations);
            }
            for (old, new) in s.metrics[r].iter_mut().zip(metrics) {
                if new != NO_METRIC {
                    *old = new;
                }
            }
            Ok(PostIdx(existing))
        }
    }

    /// The index of an annotation in the table, added when new; a known one takes the names this copy
    /// gives. `None` for an annotation without an entity id.
    fn intern_annotation(&mut self, a: &NewAnnotation<'_>) -> Option<u32> {
        let entity = a.entity_id.trim();
        if entity.is_empty() {
            return None;
        }
        // The key is `domain \u{1f} entity`, built on the stack (ids are short) to spare an
        // allocation per annotation of every post.
        let domain = a.domain_id.trim();
        let len = domain.len() + 1 + entity.len();
        let mut stack = [0u8; 80];
        let heap;
        let key: &str = if len <= stack.len() {
            stack[..domain.len()].copy_from_slice(domain.as_bytes());
            stack[domain.len()] = 0x1f;
            stack[domain.len() + 1..len].copy_from_slice(entity.as_bytes());
            std::str::from_utf8(&stack[..len]).unwrap_or_default()
        } else {
            heap = format!("{domain}\u{1f}{entity}");
            &heap
        };
        let i = self.s.annotation_keys.intern(key);
        let known = self.s.annotation_table.len() as u32;
        if i == known {
            self.s.annotation_table.push(ContextAnnotation {
                domain_id: a.domain_id.trim().to_owned(),
                entity_id: entity.to_owned(),
                domain_name: None,
                entity_name: None,
            });
        }
        let row = &mut self.s.annotation_table[i as usize];
        // The latest non-empty name wins; copied only when it differs from the one kept.
        let update = |kept: &mut Option<String>, n: Option<&str>| {
            if let Some(n) = n.map(str::trim).filter(|n| !n.is_empty())
                && kept.as_deref() != Some(n)
            {
                *kept = Some(n.to_owned());
            }
        };
        update(&mut row.domain_name, a.domain_name);
        update(&mut row.entity_name, a.entity_name);
        Some(i)
    }

    /// Adds every post and account of `other` to this corpus (accounts first), by the rules of
    /// [`Corpus::add_post`] and [`Corpus::add_account`]: what `other` knows updates this corpus, and a
    /// post of `other` that conflicts with one here is refused (counted in [`Corpus::num_refused`]).
    /// Follow snapshots are added as by [`Corpus::try_add_follow_snapshot`], lists and memberships as by
    /// [`Corpus::try_add_list_membership`].
    pub fn merge(&mut self, other: &Corpus) {
        for a in other.accounts() {
            self.add_account(a.to_account());
        }
        for p in other.posts() {
            self.add_post(p.to_post());
        }
        self.s.follows.merge(&other.s.follows);
        self.s.lists.merge(&other.s.lists);
    }
}
