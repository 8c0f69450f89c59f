//! The tables of a corpus: posts, accounts, conversations and interactions, built column by column
//! from the corpus's own columns (a million posts never pass through a row struct).
//!
//! These are the *display* tables that `Corpus.posts()` and friends return (handles next to ids,
//! the post kind spelled out); the corpus *file* has its own schema, in [`crate::files`].

use rapport_core::engagement::Interactions;
use rapport_core::{AccountRef, Corpus};

use crate::Error;
use crate::table::{StrListBuilder, batch_of, bools, f64s, i64s, strings, timestamps};
use arrow::record_batch::RecordBatch;

/// One row per post: `id`, `author_id`, `author` (handle), `created_at`, `kind`, `text`,
/// `conversation_id`, `reply_to`, `reply_to_account` (handle), `quoted`, `reposted`, `hashtags`,
/// `mentions` (handles), `urls`, `lang`, `replies`, `reposts`, `quotes`, `likes`, `impressions`,
/// `bookmarks`. [`from_arrow`](crate::from_arrow()) reads it (with [`accounts`]) back to the corpus.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// c.add_post(Post::new("10", "1", "hello #Rust", Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()));
/// let t = rapport_arrow::corpus::posts(&c).unwrap();
/// assert_eq!((t.num_rows(), t.num_columns()), (1, 21));
/// assert_eq!(rapport_arrow::corpus::posts(&Corpus::new()).unwrap().num_columns(), 21);
/// ```
pub fn posts(c: &Corpus) -> Result<RecordBatch, Error> {
    let n = c.num_posts();
    let mut hashtags = StrListBuilder::with_capacity(n);
    let mut mentions = StrListBuilder::with_capacity(n);
    let mut urls = StrListBuilder::with_capacity(n);
    for p in c.posts() {
        hashtags.push(p.hashtags());
        mentions.push(p.mentions().map(|a| a.handle_or_id()));
        urls.push(p.urls());
    }
    let metric = |f: fn(&rapport_core::PublicMetrics) -> Option<u32>| {
        i64s(c.posts().map(|p| f(&p.metrics()).map(i64::from)))
    };
    batch_of(vec![
        ("id", strings(c.posts().map(|p| Some(p.id())))),
        (
            "author_id",
            strings(c.posts().map(|p| Some(p.author().id()))),
        ),
        (
            "author",
            strings(c.posts().map(|p| Some(p.author().handle_or_id()))),
        ),
        (
            "created_at",
            timestamps(c.posts().map(|p| Some(p.created_ms()))),
        ),
        ("kind", strings(c.posts().map(|p| Some(p.kind().as_str())))),
        ("text", strings(c.posts().map(|p| Some(p.text())))),
        (
            "conversation_id",
            strings(c.posts().map(|p| p.conversation_id())),
        ),
        ("reply_to", strings(c.posts().map(|p| p.reply_to_id()))),
        (
            "reply_to_account",
            strings(
                c.posts()
                    .map(|p| p.reply_to_account().map(|a| a.handle_or_id())),
            ),
        ),
        ("quoted", strings(c.posts().map(|p| p.quoted_id()))),
        ("reposted", strings(c.posts().map(|p| p.reposted_id()))),
        ("hashtags", hashtags.finish()?),
        ("mentions", mentions.finish()?),
        ("urls", urls.finish()?),
        ("lang", strings(c.posts().map(|p| p.lang()))),
        ("replies", metric(|m| m.replies)),
        ("reposts", metric(|m| m.reposts)),
        ("quotes", metric(|m| m.quotes)),
        ("likes", metric(|m| m.likes)),
        ("impressions", metric(|m| m.impressions)),
        ("bookmarks", metric(|m| m.bookmarks)),
    ])
}

/// One row per account: `id`, `handle`, `display_name`, `bio`, `created_at`, `posts` (in the corpus),
/// `followers`, `following`, `tweet_count`, `listed` (profile counts, kept but never used to score),
/// `platform`, `is_stub` (known only from a mention).
pub fn accounts(c: &Corpus) -> Result<RecordBatch, Error> {
    let a: Vec<_> = c.accounts().collect();
    let count = |f: fn(&rapport_core::ProfileCounts) -> Option<u64>| {
        i64s(
            a.iter()
                .map(|x| f(&x.counts()).map(|v| i64::try_from(v).unwrap_or(i64::MAX))),
        )
    };
    batch_of(vec![
        ("id", strings(a.iter().map(|x| Some(x.id())))),
        ("handle", strings(a.iter().map(|x| Some(x.handle())))),
        (
            "display_name",
            strings(a.iter().map(AccountRef::display_name)),
        ),
        ("bio", strings(a.iter().map(AccountRef::bio))),
        (
            "created_at",
            timestamps(
                a.iter()
                    .map(|x| x.created_at().map(|t| t.timestamp_millis())),
            ),
        ),
        (
            "posts",
            i64s(a.iter().map(|x| Some(x.posts().len() as i64))),
        ),
        ("followers", count(|k| k.followers)),
        ("following", count(|k| k.following)),
        ("tweet_count", count(|k| k.posts)),
        ("listed", count(|k| k.listed)),
        (
            "platform",
            strings(a.iter().map(|x| Some(x.platform().as_str()))),
        ),
        ("is_stub", bools(a.iter().map(|x| Some(x.is_stub())))),
    ])
}

/// One row per conversation, in the corpus's conversation order: `id`, `root_author`, `started_at`
/// (the root's time, else the earliest post's), `posts`, `depth`, `breadth`, `participants`,
/// `turns`, `reply_pairs`, `two_way_pairs`, `time_to_first_reply_s`, `missing_posts`, `orphans`.
pub fn conversations(c: &Corpus) -> Result<RecordBatch, Error> {
    let convs: Vec<_> = c.conversations().collect();
    let roots: Vec<_> = convs
        .iter()
        .map(|conv| conv.root().post.map(|p| c.post(p)))
        .collect();
    let started = convs.iter().zip(&roots).map(|(conv, root)| {
        root.map(|p| p.created_ms())
            .or_else(|| conv.posts().map(|p| c.post(p).created_ms()).min())
    });
    let usize_col = |f: &dyn Fn(&rapport_core::Conversation) -> usize| {
        i64s(convs.iter().map(|x| Some(f(x) as i64)))
    };
    batch_of(vec![
        ("id", strings(convs.iter().map(|x| Some(x.id.as_str())))),
        (
            "root_author",
            strings(roots.iter().map(|r| r.map(|p| p.author().handle_or_id()))),
        ),
        ("started_at", timestamps(started)),
        ("posts", usize_col(&|x| x.num_posts)),
        ("depth", usize_col(&|x| x.depth)),
        ("breadth", usize_col(&|x| x.breadth)),
        ("participants", usize_col(&|x| x.participants.len())),
        ("turns", usize_col(&|x| x.turns)),
        ("reply_pairs", usize_col(&|x| x.reply_pairs.len())),
        ("two_way_pairs", usize_col(&|x| x.two_way_pairs.len())),
        (
            "time_to_first_reply_s",
            f64s(
                convs
                    .iter()
                    .map(|x| x.time_to_first_reply_ms.map(|ms| ms as f64 / 1000.0)),
            ),
        ),
        ("missing_posts", usize_col(&|x| x.num_placeholders)),
        ("orphans", usize_col(&|x| x.num_orphans)),
    ])
}

/// Who addressed whom, how and when: one row per (post, addressed account), exactly the interaction
/// list that engagement and the mentor graph are computed from
/// ([`Interactions`]).
///
/// Columns: `src` and `dst` (handles, or ids for accounts without one), `src_id`, `dst_id`, `kind`
/// (`reply`, `mention`, `repost`, `quote`), `post` (the id of the post that carries it), `at`.
pub fn interactions(c: &Corpus) -> Result<RecordBatch, Error> {
    let ix = Interactions::build(c);
    let rows: Vec<_> = ix.iter().collect();
    let src: Vec<_> = rows.iter().map(|i| c.account(i.src)).collect();
    let dst: Vec<_> = rows.iter().map(|i| c.account(i.dst)).collect();
    batch_of(vec![
        ("src", strings(src.iter().map(|a| Some(a.handle_or_id())))),
        ("dst", strings(dst.iter().map(|a| Some(a.handle_or_id())))),
        ("src_id", strings(src.iter().map(|a| Some(a.id())))),
        ("dst_id", strings(dst.iter().map(|a| Some(a.id())))),
        ("kind", strings(rows.iter().map(|i| Some(i.kind.as_str())))),
        (
            "post",
            strings(rows.iter().map(|i| Some(c.post(i.post).id()))),
        ),
        ("at", timestamps(rows.iter().map(|i| Some(i.at_ms)))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, cell, dtype_name};
    use chrono::{TimeZone, Utc};
    use rapport_core::{Account, Mention, Post};

    fn corpus() -> Corpus {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "acme"));
        c.add_account(Account::new("2", "ada"));
        let mut root = Post::new("10", "1", "We are #hiring", t);
        root.conversation_id = Some("10".into());
        c.add_post(root);
        let mut reply = Post::new("11", "2", "@acme me!", t + chrono::Duration::minutes(5));
        reply.conversation_id = Some("10".into());
        reply.reply_to = Some("10".into());
        reply.reply_to_account = Some("1".into());
        reply.mentions = vec![Mention {
            id: Some("1".into()),
            handle: "acme".into(),
        }];
        c.add_post(reply);
        c
    }

    #[test]
    fn posts_table_types() {
        let b = posts(&corpus()).unwrap();
        assert_eq!(b.num_rows(), 2);
        let s = b.schema();
        assert_eq!(
            dtype_name(s.field_with_name("created_at").unwrap().data_type()),
            "timestamp[ms, UTC]"
        );
        assert_eq!(
            dtype_name(s.field_with_name("hashtags").unwrap().data_type()),
            "list[str]"
        );
        let i = s.index_of("mentions").unwrap();
        assert_eq!(cell(b.column(i), 1), Cell::StrList(vec!["acme"]));
        let k = s.index_of("kind").unwrap();
        assert_eq!(cell(b.column(k), 1), Cell::Str("reply"));
    }

    #[test]
    fn conversations_and_interactions() {
        let c = corpus();
        let conv = conversations(&c).unwrap();
        assert_eq!(conv.num_rows(), 1);
        assert_eq!(cell(conv.column(3), 0), Cell::I64(2));
        assert_eq!(cell(conv.column(10), 0), Cell::F64(300.0));
        let ix = interactions(&c).unwrap();
        // the reply to acme; the mention of acme is the replied-to account, so not counted again
        assert_eq!(ix.num_rows(), 1);
        assert_eq!(cell(ix.column(0), 0), Cell::Str("ada"));
        assert_eq!(cell(ix.column(1), 0), Cell::Str("acme"));
        assert_eq!(cell(ix.column(4), 0), Cell::Str("reply"));
        assert_eq!(cell(ix.column(5), 0), Cell::Str("11"));
        let empty = Corpus::new();
        assert_eq!(interactions(&empty).unwrap().num_columns(), 7);
        assert_eq!(accounts(&empty).unwrap().num_columns(), 12);
        assert_eq!(conversations(&empty).unwrap().num_columns(), 13);
    }
}
