//! The broadcast report: which of the organisation's own posts started conversations and which flew
//! into the void.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

use super::Org;
use super::score::ms_to_utc;
use crate::corpus::{Corpus, PostIdx};
use crate::time::{median, quantile};

/// What a post of the organisation achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BroadcastClass {
    /// No reply, quote or repost by anyone outside the organisation.
    #[default]
    Void,
    /// Quotes or reposts by others, but no reply.
    Broadcast,
    /// At least one reply by someone outside the organisation.
    Conversation,
}

impl BroadcastClass {
    /// The lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            BroadcastClass::Void => "void",
            BroadcastClass::Broadcast => "broadcast",
            BroadcastClass::Conversation => "conversation",
        }
    }
}

/// One post of the organisation (an original or a quote, not a reply or a repost) and what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BroadcastPost {
    /// The post id.
    pub post_id: String,
    /// The organisation account that wrote it.
    pub account: String,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// Its month, `YYYY-MM` (UTC).
    pub month: String,
    /// Its hashtags, normalised.
    pub hashtags: Vec<String>,
    /// Direct replies by accounts outside the organisation.
    pub replies: u32,
    /// How many of those replies an organisation account answered (replied to directly).
    pub replies_answered: u32,
    /// Quotes by accounts outside the organisation.
    pub quotes: u32,
    /// Reposts by accounts outside the organisation.
    pub reposts: u32,
    /// Whether the organisation answered at least one of the replies.
    pub answered: bool,
    /// Time from the post to the first reply by others.
    pub time_to_first_reply_ms: Option<f64>,
    /// For the organisation's earliest answer: its time minus the time of the reply it answers.
    pub time_to_answer_ms: Option<f64>,
    /// Void, broadcast or conversation.
    pub class: BroadcastClass,
}

/// Rates and times over a group of the organisation's posts.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BroadcastAggregate {
    /// The group: an account handle, a hashtag, a month `YYYY-MM`, or `all`.
    pub key: String,
    /// Posts in the group.
    pub posts: u32,
    /// Void posts.
    pub void: u32,
    /// Broadcast posts.
    pub broadcast: u32,
    /// Conversation posts.
    pub conversation: u32,
    /// void / posts.
    pub void_rate: f64,
    /// conversation / posts.
    pub conversation_rate: f64,
    /// Replies by others to the group's posts.
    pub replies: u32,
    /// Of those, answered by the organisation.
    pub replies_answered: u32,
    /// replies_answered / replies (`None` without replies).
    pub answered_rate: Option<f64>,
    /// Median of `time_to_first_reply_ms` over the posts that have one.
    pub median_first_reply_ms: Option<f64>,
    /// 90th percentile (linear interpolation) of the same.
    pub p90_first_reply_ms: Option<f64>,
    /// Median of `time_to_answer_ms` over the posts that have one.
    pub median_answer_ms: Option<f64>,
    /// 90th percentile of the same.
    pub p90_answer_ms: Option<f64>,
}

/// The organisation's posts and their aggregates.
#[derive(Debug, Clone, Serialize)]
pub struct BroadcastReport {
    /// The organisation's handles.
    pub org: Vec<String>,
    /// Every original or quote post of the organisation, oldest first.
    pub posts: Vec<BroadcastPost>,
    /// All posts together (key `all`).
    pub overall: BroadcastAggregate,
    /// Per organisation account, in the order given.
    pub by_account: Vec<BroadcastAggregate>,
    /// Per hashtag, most used first (ties by name).
    pub by_hashtag: Vec<BroadcastAggregate>,
    /// Per month, oldest first.
    pub by_month: Vec<BroadcastAggregate>,
}

#[derive(Default)]
struct Acc {
    posts: u32,
    void: u32,
    broadcast: u32,
    conversation: u32,
    replies: u32,
    answered: u32,
    first_reply: Vec<f64>,
    answer: Vec<f64>,
}

impl Acc {
    fn add(&mut self, p: &BroadcastPost) {
        self.posts += 1;
        match p.class {
            BroadcastClass::Void => self.void += 1,
            BroadcastClass::Broadcast => self.broadcast += 1,
            BroadcastClass::Conversation => self.conversation += 1,
        }
        self.replies += p.replies;
        self.answered += p.replies_answered;
        if let Some(t) = p.time_to_first_reply_ms {
            self.first_reply.push(t);
        }
        if let Some(t) = p.time_to_answer_ms {
            self.answer.push(t);
        }
    }

    fn finish(mut self, key: String) -> BroadcastAggregate {
        let n = f64::from(self.posts.max(1));
        BroadcastAggregate {
            key,
            posts: self.posts,
            void: self.void,
            broadcast: self.broadcast,
            conversation: self.conversation,
            void_rate: f64::from(self.void) / n,
            conversation_rate: f64::from(self.conversation) / n,
            replies: self.replies,
            replies_answered: self.answered,
            answered_rate: (self.replies > 0)
                .then(|| f64::from(self.answered) / f64::from(self.replies)),
            median_first_reply_ms: median(&mut self.first_reply),
            p90_first_reply_ms: quantile(&mut self.first_reply, 0.9),
            median_answer_ms: median(&mut self.answer),
            p90_answer_ms: quantile(&mut self.answer, 0.9),
        }
    }
}

pub(crate) fn report(corpus: &Corpus, org: &Org) -> BroadcastReport {
    let ix = corpus.indices();
    let mut rows: Vec<u32> = Vec::new();
    for &a in &org.accounts {
        rows.extend(ix.by_author(a).iter().copied().filter(|&r| {
            let p = corpus.post(PostIdx(r));
            !p.is_repost() && p.reply_to_id().is_none()
        }));
    }
    rows.sort_unstable_by_key(|&r| (corpus.post(PostIdx(r)).created_ms(), r));

    let mut by_account: Vec<Acc> = org.accounts.iter().map(|_| Acc::default()).collect();
    let mut by_tag: Vec<Option<Acc>> = Vec::new();
    by_tag.resize_with(corpus.num_tags(), || None);
    let mut by_month: BTreeMap<(i32, u32), Acc> = BTreeMap::new();
    let mut overall = Acc::default();
    let mut posts = Vec::with_capacity(rows.len());

    for r in rows {
        let p = corpus.post(PostIdx(r));
        let t = p.created_ms();
        let mut replies = 0;
        let mut replies_answered = 0;
        let mut first_reply: Option<i64> = None;
        // (answer time, latency) of the earliest answer.
        let mut first_answer: Option<(i64, i64)> = None;
        for &c in ix.replies_to(corpus, p.idx()) {
            let cp = corpus.post(PostIdx(c));
            if org.contains(cp.author_idx()) {
                continue;
            }
            replies += 1;
            let ct = cp.created_ms();
            first_reply = Some(first_reply.map_or(ct, |f| f.min(ct)));
            let answer = ix
                .replies_to(corpus, cp.idx())
                .iter()
                .map(|&a| corpus.post(PostIdx(a)))
                .filter(|a| org.contains(a.author_idx()))
                .map(|a| a.created_ms())
                .min();
            if let Some(at) = answer {
                replies_answered += 1;
                if first_answer.is_none_or(|(f, _)| at < f) {
                    first_answer = Some((at, (at - ct).max(0)));
                }
            }
        }
        let others = |rows: &[u32]| {
            rows.iter()
                .filter(|&&q| !org.contains(corpus.post(PostIdx(q)).author_idx()))
                .count() as u32
        };
        let quotes = others(ix.quotes_of(corpus, p.idx()));
        let reposts = others(ix.reposts_of(corpus, p.idx()));
        let class = if replies > 0 {
            BroadcastClass::Conversation
        } else if quotes + reposts > 0 {
            BroadcastClass::Broadcast
        } else {
            BroadcastClass::Void
        };
        let created = ms_to_utc(t);
        let author = p.author_idx();
        let bp = BroadcastPost {
            post_id: p.id().to_owned(),
            account: corpus.account(author).handle_or_id().to_owned(),
            created_at: created,
            month: format!("{:04}-{:02}", created.year(), created.month()),
            hashtags: p.hashtags().map(str::to_owned).collect(),
            replies,
            replies_answered,
            quotes,
            reposts,
            answered: replies_answered > 0,
            time_to_first_reply_ms: first_reply.map(|f| (f - t).max(0) as f64),
            time_to_answer_ms: first_answer.map(|(_, l)| l as f64),
            class,
        };
        overall.add(&bp);
        if let Some(i) = org.accounts.iter().position(|&a| a == author) {
            by_account[i].add(&bp);
        }
        for &tag in p.tag_idxs() {
            by_tag[tag as usize]
                .get_or_insert_with(Acc::default)
                .add(&bp);
        }
        by_month
            .entry((created.year(), created.month()))
            .or_default()
            .add(&bp);
        posts.push(bp);
    }

    let mut tags: Vec<BroadcastAggregate> = by_tag
        .into_iter()
        .enumerate()
        .filter_map(|(i, a)| a.map(|a| a.finish(corpus.tag(crate::TagIdx(i as u32)).to_owned())))
        .collect();
    tags.sort_by(|a, b| b.posts.cmp(&a.posts).then_with(|| a.key.cmp(&b.key)));
    BroadcastReport {
        org: org.handles.clone(),
        posts,
        overall: overall.finish("all".into()),
        by_account: by_account
            .into_iter()
            .zip(&org.handles)
            .map(|(a, h)| a.finish(h.clone()))
            .collect(),
        by_hashtag: tags,
        by_month: by_month
            .into_iter()
            .map(|((y, m), a)| a.finish(format!("{y:04}-{m:02}")))
            .collect(),
    }
}
