//! The learning feed: for an employee's skill goals, whom to follow, what is rising, and which recent
//! conversations are worth reading or joining.
//!
//! For every goal ([`Topic`]) the feed has three parts, each pointing at posts by id:
//!
//! - **mentors**: the topic's best [mentors](crate::mentors), with their evidence posts;
//! - **rising hashtags**: the hashtags that co-occur with the topic in its posts, counted in the
//!   current window `(as_of − window, as_of]` and in the previous one, ranked by smoothed growth
//!   `(current + 1) / (previous + 1)`; a hashtag must appear at least `min_rising_count` times in the
//!   current window and more often than in the previous one. The topic's own hashtags are left out.
//! - **conversations**: the topic's conversations with a post in the current window, most two-way
//!   first (pairs of people who replied to each other, then turns, then the latest post).
//!
//! Like mentor discovery, the feed is for learning and development and never feeds hiring.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use rapport_core::{Corpus, Post};
//! use rapport_core::learning::LearningOptions;
//! use rapport_core::mentors::Topic;
//! let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! let mut q = Post::new("1", "ada", "Which #rust #axum version?", t);
//! q.hashtags = vec!["rust".into(), "axum".into()];
//! c.add_post(q);
//! let mut a = Post::new("2", "bob", "0.8", t + Duration::hours(1));
//! a.reply_to = Some("1".into());
//! c.add_post(a);
//! let mut b = Post::new("3", "ada", "thanks!", t + Duration::hours(2));
//! b.reply_to = Some("2".into());
//! c.add_post(b);
//! let feed = c.learning_feed(&[Topic::hashtags(["rust"])], &LearningOptions::default()).unwrap();
//! let goal = &feed.goals[0];
//! assert_eq!(goal.conversations[0].conversation_id, "1");
//! assert_eq!(goal.conversations[0].two_way_pairs, 1);
//! assert_eq!(goal.rising_hashtags.len(), 0); // #axum appears once: below the minimum of 2
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::context::{Ctx, SkillsWith};
use crate::conversation::Conversation;
use crate::corpus::{Corpus, PostIdx};
use crate::error::Error;
use crate::mentors::{MentorOptions, MentorRow, Scope, Topic};
use crate::time::DAY_MS;

/// The knobs of the learning feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearningOptions {
    /// Mentors per goal (default 5).
    pub mentors: usize,
    /// Rising hashtags per goal (default 5).
    pub rising: usize,
    /// Conversations per goal (default 5).
    pub conversations: usize,
    /// The window, in days (default 30).
    pub window_days: f64,
    /// The end of the current window (default: the newest post of the corpus).
    pub as_of: Option<DateTime<Utc>>,
    /// A rising hashtag appears at least this often in the current window (default 2).
    pub min_rising_count: u32,
    /// Post ids listed per conversation (default 5, oldest first, the root first).
    pub posts_per_conversation: usize,
    /// The mentor options (their `limit` is replaced by `mentors`).
    pub mentor_options: MentorOptions,
}

impl Default for LearningOptions {
    fn default() -> Self {
        LearningOptions {
            mentors: 5,
            rising: 5,
            conversations: 5,
            window_days: 30.0,
            as_of: None,
            min_rising_count: 2,
            posts_per_conversation: 5,
            mentor_options: MentorOptions::default(),
        }
    }
}

/// A hashtag growing within a topic.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RisingHashtag {
    /// The normalised hashtag.
    pub hashtag: String,
    /// Topic posts carrying it in the current window.
    pub current: u32,
    /// ... and in the previous window.
    pub previous: u32,
    /// `(current + 1) / (previous + 1)`.
    pub growth: f64,
    /// Its most recent posts in the current window (up to 3), newest first.
    pub post_ids: Vec<String>,
}

/// A recent, two-way conversation of a topic.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ConversationPick {
    /// The conversation id (the root post's id).
    pub conversation_id: String,
    /// Posts in it.
    pub posts: usize,
    /// Distinct participants.
    pub participants: usize,
    /// Pairs of people who replied to each other.
    pub two_way_pairs: usize,
    /// Replies to another account's post.
    pub turns: usize,
    /// The latest post.
    pub last_post_at: DateTime<Utc>,
    /// Post ids to read, oldest first (the root first when present).
    pub post_ids: Vec<String>,
}

/// The feed of one goal.
#[derive(Debug, Clone, Serialize)]
pub struct GoalFeed {
    /// The goal's label.
    pub goal: String,
    /// Mentors to follow.
    pub mentors: Vec<MentorRow>,
    /// Rising hashtags.
    pub rising_hashtags: Vec<RisingHashtag>,
    /// Conversations to read.
    pub conversations: Vec<ConversationPick>,
}

/// The learning feed of an employee's goals.
#[derive(Debug, Clone, Serialize)]
pub struct LearningFeed {
    /// The end of the current window.
    pub as_of: DateTime<Utc>,
    /// The window, in days.
    pub window_days: f64,
    /// One feed per goal, in the order given.
    pub goals: Vec<GoalFeed>,
}

/// The learning feed for some goals, skills read with the built-in taxonomy: a one-shot
/// [`Analysis`](crate::context::Analysis) (the goals share the interaction list, the graph and the
/// skill evidence).
pub fn learning_feed(
    corpus: &Corpus,
    goals: &[Topic],
    opts: &LearningOptions,
) -> Result<LearningFeed, Error> {
    crate::context::Analysis::new(corpus).learning_feed(goals, None, opts)
}

pub(crate) fn run(
    ctx: Ctx<'_>,
    goals: &[Topic],
    skills: SkillsWith<'_>,
    opts: &LearningOptions,
) -> Result<LearningFeed, Error> {
    let corpus = ctx.corpus;
    if !(opts.window_days.is_finite() && opts.window_days > 0.0) {
        return Err(Error::InvalidParameter {
            name: "window_days",
            found: opts.window_days.to_string(),
            expected: "a finite number of days greater than 0",
        });
    }
    if goals.is_empty() {
        return Err(Error::InvalidParameter {
            name: "goals",
            found: "no goal".into(),
            expected: "at least one skill or hashtag",
        });
    }
    let as_of = opts
        .as_of
        .or_else(|| corpus.newest())
        .unwrap_or_else(Utc::now);
    let now = as_of.timestamp_millis();
    let w = (opts.window_days * DAY_MS) as i64;
    let mopts = MentorOptions {
        limit: Some(opts.mentors),
        ..opts.mentor_options.clone()
    };
    let mut out = Vec::with_capacity(goals.len());
    for goal in goals {
        let mentors = crate::mentors::run(ctx, goal, skills, &mopts)?.rows;
        let graph = ctx.graph(&mopts.kind_weights)?;
        let scope = Scope::of(ctx, &graph, goal, skills, true)?;
        out.push(GoalFeed {
            goal: goal.label(),
            mentors,
            rising_hashtags: rising(corpus, &scope, now, w, opts),
            conversations: conversations(corpus, &scope.in_topic, now, w, opts),
        });
    }
    Ok(LearningFeed {
        as_of,
        window_days: opts.window_days,
        goals: out,
    })
}

fn rising(
    corpus: &Corpus,
    scope: &Scope,
    now: i64,
    w: i64,
    opts: &LearningOptions,
) -> Vec<RisingHashtag> {
    let in_topic = &scope.in_topic;
    // tag → (current, previous, current rows newest first)
    let mut counts: BTreeMap<&str, (u32, u32, Vec<u32>)> = BTreeMap::new();
    for &row in corpus.indices().by_time().iter().rev() {
        let p = corpus.post(PostIdx(row));
        let t = p.created_ms();
        if t > now {
            continue;
        }
        if t <= now - 2 * w {
            break;
        }
        if !in_topic[row as usize] || p.is_repost() {
            continue;
        }
        let current = t > now - w;
        for tag in p.hashtags() {
            if scope.own_tags.contains(tag) {
                continue;
            }
            let e = counts.entry(tag).or_default();
            if current {
                e.0 += 1;
                if e.2.len() < 3 {
                    e.2.push(row);
                }
            } else {
                e.1 += 1;
            }
        }
    }
    let mut v: Vec<RisingHashtag> = counts
        .into_iter()
        .filter(|(_, (c, p, _))| *c >= opts.min_rising_count && c > p)
        .map(|(tag, (c, p, rows))| RisingHashtag {
            hashtag: tag.to_owned(),
            current: c,
            previous: p,
            growth: f64::from(c + 1) / f64::from(p + 1),
            post_ids: rows
                .iter()
                .map(|&r| corpus.post(PostIdx(r)).id().to_owned())
                .collect(),
        })
        .collect();
    v.sort_by(|a, b| {
        b.growth
            .total_cmp(&a.growth)
            .then(b.current.cmp(&a.current))
            .then_with(|| a.hashtag.cmp(&b.hashtag))
    });
    v.truncate(opts.rising);
    v
}

fn conversations(
    corpus: &Corpus,
    in_topic: &[bool],
    now: i64,
    w: i64,
    opts: &LearningOptions,
) -> Vec<ConversationPick> {
    let idx = corpus.indices();
    let mut picks: Vec<ConversationPick> = Vec::new();
    for slot in 0..idx.num_conversations() {
        let rows = idx.conversation_rows(slot);
        // Rows are oldest first: the last one is the latest post.
        let Some(&last) = rows
            .iter()
            .rev()
            .find(|&&r| corpus.post(PostIdx(r)).created_ms() <= now)
        else {
            continue;
        };
        let last_ms = corpus.post(PostIdx(last)).created_ms();
        if last_ms <= now - w || !rows.iter().any(|&r| in_topic[r as usize]) || rows.len() < 2 {
            continue;
        }
        let conv = Conversation::build(corpus, slot);
        if conv.turns == 0 {
            continue;
        }
        picks.push(ConversationPick {
            conversation_id: conv.id.clone(),
            posts: conv.num_posts,
            participants: conv.participants.len(),
            two_way_pairs: conv.two_way_pairs.len(),
            turns: conv.turns,
            last_post_at: corpus.post(PostIdx(last)).created_at(),
            post_ids: rows
                .iter()
                .take(opts.posts_per_conversation)
                .map(|&r| corpus.post(PostIdx(r)).id().to_owned())
                .collect(),
        });
    }
    picks.sort_by(|a, b| {
        b.two_way_pairs
            .cmp(&a.two_way_pairs)
            .then(b.turns.cmp(&a.turns))
            .then(b.last_post_at.cmp(&a.last_post_at))
            .then_with(|| a.conversation_id.cmp(&b.conversation_id))
    });
    picks.truncate(opts.conversations);
    picks
}

impl Corpus {
    /// See [`learning_feed()`].
    pub fn learning_feed(
        &self,
        goals: &[Topic],
        opts: &LearningOptions,
    ) -> Result<LearningFeed, Error> {
        learning_feed(self, goals, opts)
    }
}
