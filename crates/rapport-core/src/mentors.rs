//! Mentors and thought leaders of a topic, and the most helpful participants of a conversation.
//!
//! **Purpose: learning and development only.** Influence is allowed here because the question is "whom
//! should an employee learn from and follow", never "whom should we hire". Mentor results are their own
//! types ([`MentorReport`], [`MentorRow`]); nothing in the candidate ranking reads them, and no
//! conversion exists from one to the other (see `docs/talent.md`).
//!
//! For a [`Topic`] (a set of hashtags, or the whole corpus) every active account gets three separate
//! columns and a blend:
//!
//! - **`pagerank`**: topic-sensitive PageRank over the whole interaction graph, teleporting uniformly to
//!   the accounts that used the topic's hashtags in their own non-repost posts (global PageRank for the
//!   whole corpus) — see [`crate::graph`].
//! - **answers**: replies the account wrote, within the topic, to *question posts* of other accounts
//!   ([`is_question`]), and how many of those answers the asker replied back to
//!   (`answers_acknowledged`). The answers signal is `answers + answers_acknowledged`: an answer the
//!   asker came back to counts twice.
//! - **reach**: the number of distinct accounts that interacted with the account (reply, mention,
//!   repost, quote) through a post within the topic.
//! - **score**: `w_pagerank · pagerank / max + w_answers · answers signal / max + w_reach · reach / max`,
//!   each column divided by its largest value among the rows, weights 0.5, 0.3, 0.2 by default
//!   ([`MentorWeights`]), so the score lies in [0, 1].
//!
//! With a time window (`MentorOptions::since` / `until`, "mentors for the day") only posts created in
//! `[since, until)` count: the whole analysis — graph, topic, answers, reach — runs on the corpus cut
//! to the window, so an answer counts when its question is in the window too.
//!
//! A post is *within the topic* when its conversation contains a non-repost post carrying one of the
//! topic's hashtags (replies deep in a thread rarely repeat the hashtag), or when it quotes or reposts
//! such a post.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::mentors::{MentorOptions, Topic};
//!
//! let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! for (id, h) in [("1", "ada"), ("2", "bob")] { c.add_account(Account::new(id, h)); }
//! let mut q = Post::new("10", "1", "How do I pin a #rust toolchain?", t);
//! q.hashtags = vec!["rust".into()];
//! c.add_post(q);
//! let mut a = Post::new("11", "2", "rust-toolchain.toml in the repo root", t + Duration::hours(1));
//! a.reply_to = Some("10".into());
//! c.add_post(a);
//! let mut thanks = Post::new("12", "1", "Thanks, works", t + Duration::hours(2));
//! thanks.reply_to = Some("11".into());
//! c.add_post(thanks);
//!
//! let report = c.mentors(&Topic::hashtags(["rust"]), &MentorOptions::default()).unwrap();
//! let bob = report.rows.iter().find(|r| r.handle == "bob").unwrap();
//! assert_eq!((bob.answers, bob.answers_acknowledged, bob.reach), (1, 1, 1));
//! ```

use chrono::{DateTime, Utc};
use hashbrown::HashSet;
use serde::{Deserialize, Serialize};

use crate::context::{Ctx, SkillsWith};
use crate::corpus::{AccountIdx, Corpus, PostIdx};
use crate::engagement::Interactions;
use crate::error::Error;
use crate::graph::{
    InteractionGraph, KindWeights, PageRank, PageRankOptions, Teleport, topic_accounts,
};
pub use crate::question::{QUESTION_WORDS, is_question};
use crate::skills::{EvidenceOptions, JobProfile};

/// What mentors are sought for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
#[non_exhaustive]
pub enum Topic {
    /// The whole corpus: global PageRank, every post within the topic.
    Global,
    /// One or more hashtags (any case, with or without `#`), normalised.
    Hashtags(Vec<String>),
    /// A skill of the taxonomy (an id, label, alias or hashtag): the topic's posts are the posts
    /// that show the skill ([`crate::skills::evidence`]), and its conversations.
    Skill {
        /// The skill as given.
        skill: String,
        /// Teleport in proportion to each person's evidence strength (`true`) or uniformly over
        /// the people with evidence (`false`).
        weighted: bool,
    },
    /// Posts the platform annotated with an entity (X's `context_annotations`, see
    /// [`ContextAnnotation`](crate::ContextAnnotation)): the entity's id or, when no annotation has
    /// that id, its name (any case). The topic's posts are the annotated posts (reposts aside) and
    /// their conversations; the teleport is uniform over their authors.
    Entity(String),
}

impl Topic {
    /// A hashtag topic.
    ///
    /// ```
    /// use rapport_core::mentors::Topic;
    /// assert_eq!(Topic::hashtags(["#RustLang"]).label(), "#rustlang");
    /// ```
    pub fn hashtags<S: AsRef<str>>(tags: impl IntoIterator<Item = S>) -> Topic {
        let mut v: Vec<String> = tags
            .into_iter()
            .map(|t| crate::normalize_hashtag(t.as_ref().trim().trim_start_matches('#')))
            .filter(|t| !t.is_empty())
            .collect();
        v.sort();
        v.dedup();
        Topic::Hashtags(v)
    }

    /// A skill topic, teleporting uniformly over the people with evidence of it.
    ///
    /// ```
    /// use rapport_core::mentors::Topic;
    /// assert_eq!(Topic::skill("rapport:rust").label(), "skill rapport:rust");
    /// ```
    pub fn skill(skill: impl Into<String>) -> Topic {
        Topic::Skill {
            skill: skill.into().trim().to_owned(),
            weighted: false,
        }
    }

    /// An entity topic: an entity id or name, with or without the `entity:` prefix.
    ///
    /// ```
    /// use rapport_core::mentors::Topic;
    /// assert_eq!(Topic::entity("entity:1220701888179359745"), Topic::Entity("1220701888179359745".into()));
    /// assert_eq!(Topic::entity(" Rust ").label(), "entity Rust");
    /// ```
    pub fn entity(entity: impl AsRef<str>) -> Topic {
        let e = entity.as_ref().trim();
        Topic::Entity(e.strip_prefix("entity:").unwrap_or(e).trim().to_owned())
    }

    /// A topic as written on a command line or in Python: `#tag` is a hashtag topic, `entity:<id or
    /// name>` an entity topic, anything else a skill (an id, label, alias or hashtag of the taxonomy;
    /// when the taxonomy matches nothing, an annotation entity of that name, any case).
    ///
    /// ```
    /// use rapport_core::mentors::Topic;
    /// assert_eq!(Topic::parse("#Rust"), Topic::hashtags(["rust"]));
    /// assert_eq!(Topic::parse("entity:42"), Topic::Entity("42".into()));
    /// assert_eq!(Topic::parse("rust"), Topic::skill("rust"));
    /// ```
    pub fn parse(s: &str) -> Topic {
        let s = s.trim();
        if let Some(tag) = s.strip_prefix('#') {
            Topic::hashtags([tag])
        } else if s.starts_with("entity:") {
            Topic::entity(s)
        } else {
            Topic::skill(s)
        }
    }

    /// A skill topic, teleporting in proportion to evidence strength.
    pub fn skill_weighted(skill: impl Into<String>) -> Topic {
        Topic::Skill {
            skill: skill.into().trim().to_owned(),
            weighted: true,
        }
    }

    /// A readable label: `global`, the hashtags with `#` joined by `, `, `skill <id>` or
    /// `entity <id or name>`.
    pub fn label(&self) -> String {
        match self {
            Topic::Global => "global".into(),
            Topic::Entity(e) => format!("entity {e}"),
            Topic::Skill { skill, .. } => format!("skill {skill}"),
            Topic::Hashtags(h) => h
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The weights of the mentor score's blend (only ratios matter; see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MentorWeights {
    /// Topic PageRank (default 0.5).
    pub pagerank: f64,
    /// The answers signal (default 0.3).
    pub answers: f64,
    /// Reach within the topic (default 0.2).
    pub reach: f64,
}

impl Default for MentorWeights {
    fn default() -> Self {
        MentorWeights {
            pagerank: 0.5,
            answers: 0.3,
            reach: 0.2,
        }
    }
}

impl MentorWeights {
    fn validate(&self) -> Result<(), Error> {
        let all = [self.pagerank, self.answers, self.reach];
        if all.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || all.iter().sum::<f64>() <= 0.0 {
            return Err(Error::InvalidParameter {
                name: "mentor weights",
                found: format!("{all:?}"),
                expected: "finite weights that are 0 or more, not all 0",
            });
        }
        Ok(())
    }
}

/// The knobs of mentor discovery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentorOptions {
    /// The blend's weights.
    pub weights: MentorWeights,
    /// The interaction graph's per-kind weights.
    pub kind_weights: KindWeights,
    /// PageRank's damping and tolerance.
    pub pagerank: PageRankOptions,
    /// At most this many rows (default 20; `None` for all).
    pub limit: Option<usize>,
    /// Evidence post ids per row (default 3).
    pub evidence_posts: usize,
    /// Only posts created at or after this instant count (mentors "for the day", the week…).
    pub since: Option<DateTime<Utc>>,
    /// Only posts created strictly before this instant count.
    pub until: Option<DateTime<Utc>>,
}

impl Default for MentorOptions {
    fn default() -> Self {
        MentorOptions {
            weights: MentorWeights::default(),
            kind_weights: KindWeights::default(),
            pagerank: PageRankOptions::default(),
            limit: Some(20),
            evidence_posts: 3,
            since: None,
            until: None,
        }
    }
}

impl MentorOptions {
    /// The defaults with another limit (the Python signature).
    pub fn with_limit(limit: usize) -> MentorOptions {
        MentorOptions {
            limit: Some(limit),
            ..MentorOptions::default()
        }
    }

    /// These options over a time window: only posts created in `[since, until)` count.
    #[must_use]
    pub fn window(self, since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Self {
        MentorOptions {
            since,
            until,
            ..self
        }
    }

    fn validate_window(&self) -> Result<(), Error> {
        if let (Some(s), Some(u)) = (self.since, self.until)
            && s >= u
        {
            return Err(Error::InvalidParameter {
                name: "mentors time window",
                found: format!("since {} until {}", s.to_rfc3339(), u.to_rfc3339()),
                expected: "since before until",
            });
        }
        Ok(())
    }
}

/// One mentor of a topic. Every column is its own measure; `score` is their documented blend.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MentorRow {
    /// 1-based position.
    pub rank: usize,
    /// The account's index.
    pub account: AccountIdx,
    /// Its handle (the id when unknown).
    pub handle: String,
    /// Its id.
    pub id: String,
    /// The blend, in [0, 1].
    pub score: f64,
    /// Topic-sensitive PageRank (global PageRank for [`Topic::Global`]): exactly the PageRank of
    /// [`crate::graph`].
    pub pagerank: f64,
    /// Replies within the topic to question posts of other accounts.
    pub answers: u32,
    /// Answers the asker replied back to.
    pub answers_acknowledged: u32,
    /// Distinct accounts that interacted with this one through posts within the topic.
    pub reach: u32,
    /// The account's own non-repost posts within the topic.
    pub topic_posts: u32,
    /// The account's best posts within the topic, as post ids: acknowledged answers, then answers,
    /// then the posts most replied to, quoted or reposted.
    pub evidence_post_ids: Vec<String>,
}

/// The mentors of a topic, best first.
#[derive(Debug, Clone, Serialize)]
pub struct MentorReport {
    /// The topic's label.
    pub topic: String,
    /// The topic itself.
    pub topic_spec: Topic,
    /// The rows: accounts with a post, an answer or reach within the topic.
    pub rows: Vec<MentorRow>,
    /// Accounts with any activity in the topic (before the limit).
    pub active_accounts: usize,
    /// Accounts the PageRank teleport reaches.
    pub teleport_accounts: usize,
    /// PageRank iterations.
    pub pagerank_iterations: u32,
    /// The options used.
    pub options: MentorOptions,
    /// Always `"learning_and_development"`: mentor results must not feed hiring decisions.
    pub purpose: &'static str,
}

/// Which posts are within a topic, and whose posts seed it.
pub(crate) struct Scope {
    pub(crate) in_topic: Vec<bool>,
    /// The rows within the topic, in no particular order, when the marking listed them (a walk
    /// from the seeds): the signals then visit these and not every post.
    pub(crate) topic_rows: Option<Vec<u32>>,
    pub(crate) teleport: Teleport,
    pub(crate) seed_authors: usize,
    /// Hashtags that stand for the topic itself (left out of its rising hashtags).
    pub(crate) own_tags: HashSet<String>,
}

/// Marks the posts of the conversations of `seeds`, then quotes and reposts of marked posts.
///
/// A topic that covers a small part of the corpus is marked by walking from its seeds
/// ([`mark_by_walk`]); when the walk reaches more than one post in [`WALK_LIMIT`] it gives up for
/// the single pass over every post ([`mark_by_links`]). Both give the same marks. More than one
/// seed in [`WALK_SEEDS`] posts goes straight to the pass: their conversations then tend to be past
/// the walk's limit (on the twarc benchmark shape a topic with 8% of the posts as seeds covered 17%),
/// and a walk given up costs about as much again as the pass.
/// With the walk, the marked rows are listed too.
fn mark_conversations(
    corpus: &Corpus,
    links: &PostLinks,
    seeds: impl IntoIterator<Item = u32>,
) -> (Vec<bool>, Option<Vec<u32>>) {
    let seeds: Vec<u32> = seeds.into_iter().collect();
    let limit = corpus.num_posts() / WALK_LIMIT;
    let walk = if seeds.len() > corpus.num_posts() / WALK_SEEDS {
        None
    } else {
        mark_by_walk(corpus, &seeds, limit)
    };
    match walk {
        Some((marks, rows)) => (marks, Some(rows)),
        None => (mark_by_links(corpus, links, seeds), None),
    }
}

/// What the marking pass reads of every post, computed once per corpus (and cached by the analysis
/// context) so that a topic's pass is over arrays: the bound of the conversation keys and each
/// post's repost target, else quote target.
pub(crate) struct PostLinks {
    /// One more than the largest conversation key (0 for an empty corpus).
    conv_bound: usize,
    /// The row each post reposts, else the row it quotes; [`PostLinks::NONE`] for neither.
    target: Vec<u32>,
}

impl PostLinks {
    const NONE: u32 = u32::MAX;

    pub(crate) fn build(corpus: &Corpus) -> PostLinks {
        let keys = corpus.conversation_keys_of_rows();
        PostLinks {
            conv_bound: keys.iter().copied().max().map_or(0, |k| k as usize + 1),
            target: (0..corpus.num_posts() as u32)
                .map(|r| repost_or_quote_target(corpus, r).unwrap_or(Self::NONE))
                .collect(),
        }
    }
}

/// The single pass of [`mark_conversations`], over the cached [`PostLinks`]: the rule of `mark_by_pass`,
/// the same marks.
fn mark_by_links(
    corpus: &Corpus,
    links: &PostLinks,
    seeds: impl IntoIterator<Item = u32>,
) -> Vec<bool> {
    let keys = corpus.conversation_keys_of_rows();
    let mut conv = vec![false; links.conv_bound];
    for row in seeds {
        conv[keys[row as usize] as usize] = true;
    }
    // One more flag, never set, stands for "no target": the pass then reads a flag for every post
    // and branches on none.
    let n = keys.len();
    let mut in_topic: Vec<bool> = keys
        .iter()
        .map(|&k| conv[k as usize])
        .chain([false])
        .collect();
    for (r, &t) in links.target.iter().enumerate() {
        let t = if t == PostLinks::NONE { n } else { t as usize };
        in_topic[r] |= in_topic[t];
    }
    in_topic.truncate(n);
    in_topic
}

/// The walk of [`mark_conversations`] stops past one post in this many.
const WALK_LIMIT: usize = 8;

/// [`mark_conversations`] does not walk from more than one seed in this many posts.
const WALK_SEEDS: usize = 16;

/// [`mark_conversations`] by one pass over every post: the conversations of the seeds, then, in row
/// order, each post whose repost or quote target is marked by then. The reference that the walk
/// and the pass over the cached links ([`mark_by_links`]) are tested against.
#[cfg(test)]
fn mark_by_pass(corpus: &Corpus, seeds: impl IntoIterator<Item = u32>) -> Vec<bool> {
    let n = corpus.num_posts();
    // The conversation keys are small integers (interned ids): a table of flags, not a hash set.
    let keys: Vec<u32> = (0..n as u32)
        .map(|r| corpus.conversation_key_of(r))
        .collect();
    let bound = keys.iter().copied().max().map_or(0, |k| k as usize + 1);
    let mut conv = vec![false; bound];
    for row in seeds {
        conv[keys[row as usize] as usize] = true;
    }
    let mut in_topic: Vec<bool> = keys.iter().map(|&k| conv[k as usize]).collect();
    for r in 0..n {
        if in_topic[r] {
            continue;
        }
        if repost_or_quote_target(corpus, r as u32).is_some_and(|t| in_topic[t as usize]) {
            in_topic[r] = true;
        }
    }
    in_topic
}

/// The row a post reposts, else the row it quotes.
fn repost_or_quote_target(corpus: &Corpus, row: u32) -> Option<u32> {
    let p = corpus.post(PostIdx(row));
    p.reposted_post()
        .or_else(|| p.quoted_post())
        .map(|t| t.idx().0)
}

/// `mark_by_pass` by walking from the seeds: their conversations' posts through the conversation
/// index, then the reposts and quotes of marked posts through the reference indices. `None` when
/// more than `limit` posts are in the seeds' conversations (the pass is then cheaper). Beside the
/// marks, the marked rows.
///
/// The pass marks a post `r` whose target `t` is marked when it reaches `r`: `t` is in a seed
/// conversation, or `t` comes before `r` and was marked itself. The walk applies the same rule from
/// each marked post to the posts referring to it.
fn mark_by_walk(corpus: &Corpus, seeds: &[u32], limit: usize) -> Option<(Vec<bool>, Vec<u32>)> {
    const CONV: u8 = 1;
    const LINKED: u8 = 2;
    let idx = corpus.indices();
    let n = corpus.num_posts();
    let mut mark = vec![0u8; n];
    let mut stack: Vec<u32> = Vec::new();
    for &row in seeds {
        if mark[row as usize] != 0 {
            continue;
        }
        let slot = corpus.conversation_slot_of(row);
        let rows = idx.conversation_rows(slot);
        if stack.len() + rows.len() > limit {
            return None;
        }
        for &r in rows {
            mark[r as usize] = CONV;
        }
        stack.extend_from_slice(rows);
    }
    let mut marked = stack.clone();
    while let Some(t) = stack.pop() {
        let conv = mark[t as usize] == CONV;
        let tp = PostIdx(t);
        for &r in idx
            .reposts_of(corpus, tp)
            .iter()
            .chain(idx.quotes_of(corpus, tp))
        {
            if mark[r as usize] == 0
                && (conv || t < r)
                && repost_or_quote_target(corpus, r) == Some(t)
            {
                mark[r as usize] = LINKED;
                stack.push(r);
                marked.push(r);
            }
        }
    }
    Some((mark.into_iter().map(|m| m != 0).collect(), marked))
}

impl Scope {
    /// The scope of a topic; with `want_own_tags`, a skill topic also finds its own hashtags
    /// (a pass over the tags of its evidence posts that only the learning feed needs).
    pub(crate) fn of(
        ctx: Ctx<'_>,
        graph: &InteractionGraph,
        topic: &Topic,
        skills: SkillsWith<'_>,
        want_own_tags: bool,
    ) -> Result<Scope, Error> {
        let corpus = ctx.corpus;
        match topic {
            Topic::Global => Ok(Scope {
                in_topic: vec![true; corpus.num_posts()],
                topic_rows: None,
                teleport: Teleport::uniform(graph)?,
                seed_authors: graph.num_nodes(),
                own_tags: HashSet::new(),
            }),
            Topic::Hashtags(tags) => {
                let authors = topic_accounts(corpus, tags)?;
                let idx = corpus.indices();
                let mut seeds = Vec::new();
                for t in tags {
                    if let Some(tag) = corpus.tag_idx(t) {
                        seeds.extend(
                            idx.by_tag(tag)
                                .iter()
                                .copied()
                                .filter(|&row| !corpus.post(PostIdx(row)).is_repost()),
                        );
                    }
                }
                let (in_topic, topic_rows) = mark_conversations(corpus, ctx.post_links(), seeds);
                Ok(Scope {
                    in_topic,
                    topic_rows,
                    teleport: Teleport::over_accounts(graph, authors.iter().map(|&(a, _)| a))?,
                    seed_authors: authors.len(),
                    own_tags: tags.iter().cloned().collect(),
                })
            }
            Topic::Skill { skill, weighted } => {
                Scope::of_skill(ctx, graph, skills, skill, *weighted, want_own_tags)
            }
            Topic::Entity(entity) => match entity_ids(corpus, entity) {
                Some(ids) => Scope::of_entities(ctx, graph, entity, &ids),
                None => Err(Error::InvalidParameter {
                    name: "topic",
                    found: format!("entity:{entity}"),
                    expected: "the id or name of an entity in the posts' context annotations",
                }),
            },
        }
    }

    /// The scope of the posts annotated with one of `ids` (reposts aside) and their conversations.
    fn of_entities(
        ctx: Ctx<'_>,
        graph: &InteractionGraph,
        entity: &str,
        ids: &HashSet<&str>,
    ) -> Result<Scope, Error> {
        let corpus = ctx.corpus;
        let mut seeds = Vec::new();
        let mut authors = Vec::new();
        let mut names: HashSet<String> = HashSet::new();
        for p in corpus.posts() {
            if p.is_repost() {
                continue;
            }
            let mut hit = false;
            for a in p.annotations() {
                if ids.contains(a.entity_id.as_str()) {
                    hit = true;
                    if let Some(n) = &a.entity_name {
                        names.insert(crate::normalize_hashtag(&n.replace(' ', "")));
                    }
                }
            }
            if hit {
                seeds.push(p.idx().0);
                authors.push(p.author_idx());
            }
        }
        authors.sort_unstable();
        authors.dedup();
        if authors.is_empty() {
            return Err(Error::EmptyTopic {
                hashtags: vec![format!("entity {entity}")],
            });
        }
        let (in_topic, topic_rows) = mark_conversations(corpus, ctx.post_links(), seeds);
        Ok(Scope {
            in_topic,
            topic_rows,
            teleport: Teleport::over_accounts(graph, authors.iter().copied())?,
            seed_authors: authors.len(),
            own_tags: names,
        })
    }

    fn of_skill(
        ctx: Ctx<'_>,
        graph: &InteractionGraph,
        skills: SkillsWith<'_>,
        skill: &str,
        weighted: bool,
        want_own_tags: bool,
    ) -> Result<Scope, Error> {
        let corpus = ctx.corpus;
        let matcher = skills.matcher();
        let mapping = JobProfile::new("topic")
            .require(skill, 1.0)
            .map_onto(matcher);
        let Some(id) = mapping.mapped.first().map(|m| m.skill_id.clone()) else {
            // Not a skill of the taxonomy: an annotation entity of that name, if there is one.
            if let Some(ids) = entity_names(corpus, skill) {
                return Scope::of_entities(ctx, graph, skill, &ids);
            }
            return Err(Error::InvalidParameter {
                name: "skill",
                found: skill.to_owned(),
                expected: "a skill id, label, alias or hashtag of the taxonomy that can be matched",
            });
        };
        let (report, post_rows, by_skill) = ctx.evidence_rows(skills, &EvidenceOptions::default());
        let mut people: Vec<(AccountIdx, f64)> = Vec::new();
        let mut seeds: Vec<u32> = Vec::new();
        let own: &[u32] = by_skill
            .by_skill
            .get(id.as_str())
            .map_or(&[], Vec::as_slice);
        for &i in own {
            if let Some(a) = by_skill.account[i as usize] {
                people.push((a, report.rows[i as usize].strength));
            }
            seeds.extend_from_slice(&post_rows[i as usize]);
        }
        // The hashtags of the evidence posts that name the skill, each distinct hashtag matched once
        // (by tag index): 0 not seen yet, 1 names it, 2 does not.
        let mut own_tags: HashSet<String> = HashSet::new();
        if want_own_tags {
            let mut names_skill = vec![0u8; corpus.num_tags()];
            for &row in &seeds {
                for &t in corpus.post(PostIdx(row)).tag_idxs() {
                    let seen = &mut names_skill[t as usize];
                    if *seen == 0 {
                        let h = corpus.tag(crate::TagIdx(t));
                        let names = matcher
                            .match_post("", [h])
                            .skill_ids()
                            .contains(&id.as_str());
                        *seen = if names { 1 } else { 2 };
                        if names {
                            own_tags.insert(h.to_owned());
                        }
                    }
                }
            }
        }
        if people.is_empty() {
            return Err(Error::EmptyTopic {
                hashtags: vec![format!("skill {skill}")],
            });
        }
        let teleport = if weighted {
            Teleport::weighted(graph, people.iter().copied())?
        } else {
            Teleport::over_accounts(graph, people.iter().map(|&(a, _)| a))?
        };
        let (in_topic, topic_rows) = mark_conversations(corpus, ctx.post_links(), seeds);
        Ok(Scope {
            in_topic,
            topic_rows,
            teleport,
            seed_authors: people.len(),
            own_tags,
        })
    }
}

/// The entity ids an entity topic stands for: the annotations with that entity id, or else those
/// whose entity name is `entity` in any case. `None` when no annotation matches.
fn entity_ids<'c>(corpus: &'c Corpus, entity: &str) -> Option<HashSet<&'c str>> {
    let by_id: HashSet<&str> = corpus
        .annotations()
        .iter()
        .filter(|a| a.entity_id == entity)
        .map(|a| a.entity_id.as_str())
        .collect();
    if by_id.is_empty() {
        entity_names(corpus, entity)
    } else {
        Some(by_id)
    }
}

/// The entity ids of the annotations whose entity name is `name` in any case; `None` when none is.
fn entity_names<'c>(corpus: &'c Corpus, name: &str) -> Option<HashSet<&'c str>> {
    let name = name.trim().to_lowercase();
    let ids: HashSet<&str> = corpus
        .annotations()
        .iter()
        .filter(|a| {
            a.entity_name
                .as_deref()
                .is_some_and(|n| n.trim().to_lowercase() == name)
        })
        .map(|a| a.entity_id.as_str())
        .collect();
    (!ids.is_empty()).then_some(ids)
}

/// Mentors of a topic, a [`Topic::Skill`] read with the built-in taxonomy: a one-shot
/// [`Analysis`](crate::context::Analysis). Use
/// [`Analysis::mentors`](crate::context::Analysis::mentors) for several topics (they share the
/// interaction list, the graph and the skill evidence) or another taxonomy.
pub fn mentors(
    corpus: &Corpus,
    topic: &Topic,
    opts: &MentorOptions,
) -> Result<MentorReport, Error> {
    crate::context::Analysis::new(corpus).mentors(topic, None, opts)
}

pub(crate) fn run(
    ctx: Ctx<'_>,
    topic: &Topic,
    skills: SkillsWith<'_>,
    opts: &MentorOptions,
) -> Result<MentorReport, Error> {
    opts.weights.validate()?;
    opts.validate_window()?;
    if opts.since.is_some() || opts.until.is_some() {
        return run_window(ctx, topic, skills, opts);
    }
    let graph = ctx.graph(&opts.kind_weights)?;
    let scope = Scope::of(ctx, &graph, topic, skills, false)?;
    let pr = graph.personalized_pagerank(&scope.teleport, &opts.pagerank)?;
    let base = ctx.mentor_base();
    let sig = signals(
        ctx.corpus,
        base,
        &scope.in_topic,
        scope.topic_rows.as_deref(),
    );
    let mut report = assemble(ctx.corpus, &graph, &pr, (base, &scope.in_topic), &sig, opts);
    report.topic = topic.label();
    report.topic_spec = topic.clone();
    report.teleport_accounts = scope.seed_authors;
    Ok(report)
}

/// Mentors over a time window: the analysis runs on the corpus cut to the window
/// ([`Corpus::filter`]), so the graph, the topic's posts, answers and reach all come from posts of the
/// window only (an answer counts when its question is in the window too). The rows' account indices
/// are the full corpus's.
fn run_window(
    ctx: Ctx<'_>,
    topic: &Topic,
    skills: SkillsWith<'_>,
    opts: &MentorOptions,
) -> Result<MentorReport, Error> {
    let window = ctx.corpus.filter(&crate::filter::Filter {
        since: opts.since,
        until: opts.until,
        ..crate::filter::Filter::default()
    });
    let inner = MentorOptions {
        since: None,
        until: None,
        ..opts.clone()
    };
    let a = crate::context::Analysis::new(&window);
    let mut report = run(a.ctx(), topic, skills, &inner)?;
    for r in &mut report.rows {
        let full = if r.id.is_empty() {
            ctx.corpus.find_account(&r.handle)
        } else {
            ctx.corpus.account_by_id(&r.id)
        };
        if let Some(acc) = full {
            r.account = acc.idx();
        }
    }
    report.options = opts.clone();
    Ok(report)
}

/// What every topic's signals read, computed once per corpus (and cached by the analysis context):
/// which replied-to posts are questions, and the interactions grouped by addressed and acting
/// account, so that a topic costs passes over arrays and no text scan or sort.
pub(crate) struct MentorBase {
    /// Each post's author, [`MentorBase::NONE`] for a repost (no signal counts reposts).
    author: Vec<u32>,
    /// For a reply to a question post of another account: that question's row, else
    /// [`MentorBase::NONE`]. The reply is an answer within a topic when the question is in it.
    answers: Vec<u32>,
    /// Whether the asker came back with a reply to the answer (read only for answers).
    acknowledged: Vec<bool>,
    /// The addressed account of each distinct `(dst, src)` pair with an interaction, pairs in order.
    pair_dst: Vec<u32>,
    /// `(pair, post)` of every interaction, by pair: the position of its pair in `pair_dst`, and
    /// the post it went through.
    pair_posts: Vec<(u32, u32)>,
    /// Where each post's interactions start in `post_pairs` (one more entry than posts).
    post_start: Vec<u32>,
    /// `(dst, src)` of every interaction, grouped by post (in row order), so that a topic listing
    /// its rows reads only their interactions.
    post_pairs: Vec<(u32, u32)>,
}

impl MentorBase {
    const NONE: u32 = u32::MAX;

    pub(crate) fn build(corpus: &Corpus, ix: &Interactions) -> MentorBase {
        let n = corpus.num_posts();
        let idx = corpus.indices();
        // Whether each replied-to post is a question, decided once per post.
        let mut question = vec![0u8; n];
        let mut author = vec![Self::NONE; n];
        let mut answers = vec![Self::NONE; n];
        let mut acknowledged = vec![false; n];
        for p in corpus.posts() {
            let row = p.idx();
            if p.is_repost() {
                continue;
            }
            let me = p.author_idx();
            author[row.index()] = me.0;
            let Some(q) = p.reply_to_post() else {
                continue;
            };
            let i = q.idx().index();
            if question[i] == 0 {
                question[i] = if is_question(q.text()) { 1 } else { 2 };
            }
            let asker = q.author_idx();
            if asker != me && question[i] == 1 {
                answers[row.index()] = q.idx().0;
                acknowledged[row.index()] = idx
                    .replies_to(corpus, row)
                    .iter()
                    .any(|&r| corpus.post(PostIdx(r)).author_idx() == asker);
            }
        }
        let mut by_pair: Vec<(u32, u32, u32)> = (0..ix.len())
            .map(|i| (ix.dst[i].0, ix.src[i].0, ix.post[i].0))
            .collect();
        by_pair.sort_unstable();
        let mut pair_dst = Vec::new();
        let mut pair_posts = Vec::with_capacity(by_pair.len());
        let mut last = None;
        for &(d, src, post) in &by_pair {
            if last != Some((d, src)) {
                last = Some((d, src));
                pair_dst.push(d);
            }
            pair_posts.push((pair_dst.len() as u32 - 1, post));
        }
        drop(by_pair);
        // A counting sort of the interactions by post.
        let mut post_start = vec![0u32; n + 1];
        for p in &ix.post {
            post_start[p.index() + 1] += 1;
        }
        for i in 0..n {
            post_start[i + 1] += post_start[i];
        }
        let mut fill = post_start.clone();
        let mut post_pairs = vec![(0u32, 0u32); ix.len()];
        for i in 0..ix.len() {
            let slot = &mut fill[ix.post[i].index()];
            post_pairs[*slot as usize] = (ix.dst[i].0, ix.src[i].0);
            *slot += 1;
        }
        MentorBase {
            author,
            answers,
            acknowledged,
            pair_dst,
            pair_posts,
            post_start,
            post_pairs,
        }
    }

    /// `(dst, src)` of the interactions through one post.
    fn pairs_of(&self, row: u32) -> &[(u32, u32)] {
        let r = row as usize;
        &self.post_pairs[self.post_start[r] as usize..self.post_start[r + 1] as usize]
    }
}

/// Per-account topic signals, indexed by account index.
pub(crate) struct Signals {
    pub(crate) answers: Vec<u32>,
    pub(crate) acknowledged: Vec<u32>,
    pub(crate) reach: Vec<u32>,
    pub(crate) topic_posts: Vec<u32>,
}

impl Signals {
    /// No signal for any of `cap` account indices.
    fn zeros(cap: usize) -> Signals {
        Signals {
            answers: vec![0; cap],
            acknowledged: vec![0; cap],
            reach: vec![0; cap],
            topic_posts: vec![0; cap],
        }
    }
}

/// Whether a non-repost post within the topic answers a question within the topic (1), one the
/// asker came back to (2), or neither (0).
fn answer_priority(base: &MentorBase, in_topic: &[bool], row: u32) -> u8 {
    let q = base.answers[row as usize];
    if q != MentorBase::NONE && in_topic[q as usize] {
        if base.acknowledged[row as usize] {
            2
        } else {
            1
        }
    } else {
        0
    }
}

/// The signals of the posts within the topic: those of `topic_rows` when given (any order: the
/// signals are counts), else every post flagged in `in_topic`.
pub(crate) fn signals(
    corpus: &Corpus,
    base: &MentorBase,
    in_topic: &[bool],
    topic_rows: Option<&[u32]>,
) -> Signals {
    let mut s = Signals::zeros(corpus.account_capacity());
    let mut count = |r: u32| {
        let me = base.author[r as usize];
        if me == MentorBase::NONE {
            return;
        }
        let me = me as usize;
        s.topic_posts[me] += 1;
        match answer_priority(base, in_topic, r) {
            2 => {
                s.answers[me] += 1;
                s.acknowledged[me] += 1;
            }
            1 => s.answers[me] += 1,
            _ => {}
        }
    };
    // Distinct (dst, src) pairs with an interaction through a post within the topic: from the
    // listed rows' own interactions, else by a scan of every interaction.
    if let Some(rows) = topic_rows {
        for &r in rows {
            count(r);
        }
        let mut pairs: Vec<u64> = rows
            .iter()
            .flat_map(|&r| base.pairs_of(r))
            .map(|&(d, src)| (u64::from(d) << 32) | u64::from(src))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        for p in pairs {
            s.reach[(p >> 32) as usize] += 1;
        }
        return s;
    }
    // The marks as bits, 64 posts a word: the rows within the topic are their set bits, and the
    // scan of the interactions, which reads them all over the posts, finds an eighth of the bytes
    // in cache. Neither pass branches on a mark.
    let marks: Vec<u64> = in_topic
        .chunks(64)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0, |w, (k, &t)| w | (u64::from(t) << k))
        })
        .collect();
    for (k, &word) in marks.iter().enumerate() {
        let mut w = word;
        while w != 0 {
            count((k * 64) as u32 + w.trailing_zeros());
            w &= w - 1;
        }
    }
    // A pair is reached when any of its posts is marked.
    let mut hit = vec![0u8; base.pair_dst.len()];
    for &(pair, p) in &base.pair_posts {
        let p = p as usize;
        hit[pair as usize] |= (marks[p / 64] >> (p % 64)) as u8 & 1;
    }
    for (&d, &h) in base.pair_dst.iter().zip(&hit) {
        s.reach[d as usize] += u32::from(h);
    }
    s
}

/// The best evidence posts of one account within the topic, as rows: acknowledged answers, then
/// answers, then the posts most replied to, quoted or reposted, then the older post.
fn evidence_rows(
    corpus: &Corpus,
    base: &MentorBase,
    in_topic: &[bool],
    account: AccountIdx,
    keep: usize,
) -> Vec<u32> {
    let idx = corpus.indices();
    let mut ev: Vec<(u8, u32, u32)> = Vec::new();
    for &r in idx.by_author(account) {
        let row = PostIdx(r);
        let p = corpus.post(row);
        if !in_topic[row.index()] || p.is_repost() || p.author_idx() != account {
            continue;
        }
        let priority = answer_priority(base, in_topic, r);
        let replies = (idx.replies_to(corpus, row).len()
            + idx.quotes_of(corpus, row).len()
            + idx.reposts_of(corpus, row).len()) as u32;
        if priority > 0 || replies > 0 {
            ev.push((priority, replies, r));
        }
    }
    ev.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ev.into_iter().take(keep).map(|e| e.2).collect()
}

fn assemble(
    corpus: &Corpus,
    graph: &InteractionGraph,
    pr: &PageRank,
    (base, in_topic): (&MentorBase, &[bool]),
    sig: &Signals,
    opts: &MentorOptions,
) -> MentorReport {
    let active: Vec<AccountIdx> = graph
        .accounts()
        .iter()
        .copied()
        .filter(|a| {
            let i = a.index();
            sig.topic_posts[i] > 0 || sig.answers[i] > 0 || sig.reach[i] > 0
        })
        .collect();
    let answer_signal = |i: usize| f64::from(sig.answers[i] + sig.acknowledged[i]);
    let max_pr = active
        .iter()
        .map(|&a| pr.score(graph, a))
        .fold(0.0, f64::max);
    let max_ans = active
        .iter()
        .map(|a| answer_signal(a.index()))
        .fold(0.0, f64::max);
    let max_reach = active
        .iter()
        .map(|a| f64::from(sig.reach[a.index()]))
        .fold(0.0, f64::max);
    let w = opts.weights;
    let total = w.pagerank + w.answers + w.reach;
    let norm = |x: f64, max: f64| if max > 0.0 { x / max } else { 0.0 };
    // (score, pagerank, position among the active accounts): rows are made only for the kept
    // accounts. Equal scores and PageRanks go by handle, read only then; the position breaks the
    // last ties, so selecting the best `limit` and sorting them orders exactly as a stable sort of
    // every active account would.
    let mut ranked: Vec<(f64, f64, usize)> = active
        .iter()
        .enumerate()
        .map(|(k, &a)| {
            let i = a.index();
            let pagerank = pr.score(graph, a);
            let score = (w.pagerank * norm(pagerank, max_pr)
                + w.answers * norm(answer_signal(i), max_ans)
                + w.reach * norm(f64::from(sig.reach[i]), max_reach))
                / total;
            (score, pagerank, k)
        })
        .collect();
    let handle = |k: usize| corpus.account(active[k]).handle_or_id();
    let by = |a: &(f64, f64, usize), b: &(f64, f64, usize)| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then_with(|| handle(a.2).cmp(handle(b.2)))
            .then(a.2.cmp(&b.2))
    };
    let active_accounts = ranked.len();
    let keep = opts.limit.unwrap_or(usize::MAX).min(ranked.len());
    if keep < ranked.len() && keep > 0 {
        ranked.select_nth_unstable_by(keep - 1, by);
    }
    ranked.truncate(keep);
    ranked.sort_unstable_by(by);
    let rows: Vec<MentorRow> = ranked
        .iter()
        .enumerate()
        .map(|(k, &(score, pagerank, pos))| {
            let a = active[pos];
            let i = a.index();
            MentorRow {
                rank: k + 1,
                account: a,
                handle: handle(pos).to_owned(),
                id: corpus.account(a).id().to_owned(),
                score,
                pagerank,
                answers: sig.answers[i],
                answers_acknowledged: sig.acknowledged[i],
                reach: sig.reach[i],
                topic_posts: sig.topic_posts[i],
                evidence_post_ids: evidence_rows(corpus, base, in_topic, a, opts.evidence_posts)
                    .into_iter()
                    .map(|row| corpus.post(PostIdx(row)).id().to_owned())
                    .collect(),
            }
        })
        .collect();
    MentorReport {
        topic: String::new(),
        topic_spec: Topic::Global,
        rows,
        active_accounts,
        teleport_accounts: 0,
        pagerank_iterations: pr.iterations,
        options: opts.clone(),
        purpose: "learning_and_development",
    }
}

/// One participant of a conversation and how helpful they were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HelpfulParticipant {
    /// The account's index.
    pub account: AccountIdx,
    /// Its handle (the id when unknown).
    pub handle: String,
    /// `answers + 2 · starter_replies + responders` (see [`helpful_participants`]).
    pub score: f64,
    /// Replies by this participant to question posts of others in the conversation.
    pub answers: u32,
    /// Replies the conversation's starter wrote to this participant's posts.
    pub starter_replies: u32,
    /// Distinct other accounts that replied to this participant's posts.
    pub responders: u32,
    /// This participant's posts in the conversation.
    pub posts: u32,
    /// Their post in the conversation with the most replies, as a post id.
    pub best_post_id: String,
}

/// The most helpful participants of a conversation, best first.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationHelpers {
    /// The conversation id.
    pub conversation_id: String,
    /// The starter (the root post's author), when the root is in the corpus.
    pub starter: Option<String>,
    /// Every participant but the starter, best first.
    pub rows: Vec<HelpfulParticipant>,
}

/// The most helpful participants of one conversation: for every participant other than its starter,
/// `score = answers + 2 · starter_replies + responders`, where `answers` are replies to question posts
/// of others, `starter_replies` the starter's replies to them (the person who asked came back), and
/// `responders` the distinct others who replied to them. Ties by more posts, then handle.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// c.add_post(Post::new("1", "ada", "Which crate for CSV?", t));
/// let mut r = Post::new("2", "bob", "csv, by BurntSushi", t + Duration::minutes(5));
/// r.reply_to = Some("1".into());
/// c.add_post(r);
/// let mut back = Post::new("3", "ada", "perfect", t + Duration::minutes(9));
/// back.reply_to = Some("2".into());
/// c.add_post(back);
/// let h = rapport_core::mentors::helpful_participants(&c, "1").unwrap();
/// assert_eq!(h.rows[0].score, 1.0 + 2.0 + 1.0);
/// ```
pub fn helpful_participants(
    corpus: &Corpus,
    conversation_id: &str,
) -> Result<ConversationHelpers, Error> {
    let conv = corpus
        .conversation(conversation_id)
        .ok_or_else(|| Error::InvalidParameter {
            name: "conversation_id",
            found: conversation_id.to_owned(),
            expected: "the id of a conversation of the corpus",
        })?;
    let starter = conv.root().post.map(|p| corpus.post(p).author_idx());
    let idx = corpus.indices();
    let mut rows: Vec<HelpfulParticipant> = Vec::new();
    for &who in &conv.participants {
        if Some(who) == starter {
            continue;
        }
        let (mut answers, mut starter_replies, mut posts) = (0u32, 0u32, 0u32);
        let mut responders: HashSet<AccountIdx> = HashSet::new();
        let mut best: Option<(usize, PostIdx)> = None;
        for p in conv.posts() {
            let post = corpus.post(p);
            if post.author_idx() != who {
                continue;
            }
            posts += 1;
            if let Some(q) = post.reply_to_post()
                && q.author_idx() != who
                && is_question(q.text())
            {
                answers += 1;
            }
            let replies = idx.replies_to(corpus, p);
            for &r in replies {
                let a = corpus.post(PostIdx(r)).author_idx();
                if a != who {
                    responders.insert(a);
                    if Some(a) == starter {
                        starter_replies += 1;
                    }
                }
            }
            if best.is_none_or(|(n, _)| replies.len() > n) {
                best = Some((replies.len(), p));
            }
        }
        let responders = responders.len() as u32;
        rows.push(HelpfulParticipant {
            account: who,
            handle: corpus.account(who).handle_or_id().to_owned(),
            score: f64::from(answers) + 2.0 * f64::from(starter_replies) + f64::from(responders),
            answers,
            starter_replies,
            responders,
            posts,
            best_post_id: best
                .map(|(_, p)| corpus.post(p).id().to_owned())
                .unwrap_or_default(),
        });
    }
    rows.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.posts.cmp(&a.posts))
            .then_with(|| a.handle.cmp(&b.handle))
    });
    Ok(ConversationHelpers {
        conversation_id: conv.id.clone(),
        starter: starter.map(|s| corpus.account(s).handle_or_id().to_owned()),
        rows,
    })
}

impl Corpus {
    /// See [`mentors()`].
    pub fn mentors(&self, topic: &Topic, opts: &MentorOptions) -> Result<MentorReport, Error> {
        mentors(self, topic, opts)
    }

    /// See [`helpful_participants`].
    pub fn helpful_participants(
        &self,
        conversation_id: &str,
    ) -> Result<ConversationHelpers, Error> {
        helpful_participants(self, conversation_id)
    }
}

/// `docs/talent.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/talent.md")]
pub struct TalentGuide;

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::{Account, Post};

    /// A fixed pseudo-random corpus whose posts reply to, quote and repost earlier and later posts
    /// (chains of quotes in both row orders), some in platform conversations.
    #[allow(clippy::many_single_char_names)] // t, c, x, n, p: time, corpus, state, size, post
    fn tangled_corpus() -> Corpus {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut c = Corpus::new();
        for a in 0..30 {
            c.add_account(Account::new(a.to_string(), format!("u{a}")));
        }
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut rnd = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let n = 600u64;
        for i in 0..n {
            let text = if i % 3 == 0 { "How do I do this?" } else { "x" };
            let mut p = Post::new(
                i.to_string(),
                rnd(30).to_string(),
                text,
                t + Duration::minutes(rnd(10_000) as i64),
            );
            let target = rnd(n).to_string();
            match rnd(6) {
                0 | 1 => p.reply_to = Some(target),
                2 => p.quoted = Some(target),
                3 => p.reposted = Some(target),
                4 => p.conversation_id = Some(format!("c{}", rnd(40))),
                _ => {}
            }
            c.add_post(p);
        }
        c
    }

    /// The signals by their definitions, from the posts themselves.
    fn signals_by_definition(c: &Corpus, in_topic: &[bool]) -> Signals {
        let mut s = Signals::zeros(c.account_capacity());
        for p in c.posts() {
            if !in_topic[p.idx().index()] || p.is_repost() {
                continue;
            }
            let me = p.author_idx();
            s.topic_posts[me.index()] += 1;
            if let Some(q) = p.reply_to_post()
                && q.author_idx() != me
                && in_topic[q.idx().index()]
                && is_question(q.text())
            {
                s.answers[me.index()] += 1;
                let back = c
                    .indices()
                    .replies_to(c, p.idx())
                    .iter()
                    .any(|&r| c.post(PostIdx(r)).author_idx() == q.author_idx());
                s.acknowledged[me.index()] += u32::from(back);
            }
        }
        let ix = Interactions::build(c);
        let mut pairs = HashSet::new();
        for i in 0..ix.len() {
            if in_topic[ix.post[i].index()] {
                pairs.insert((ix.dst[i], ix.src[i]));
            }
        }
        for (d, _) in pairs {
            s.reach[d.index()] += 1;
        }
        s
    }

    #[test]
    fn signals_are_their_definitions_listed_or_scanned() {
        let mut c = tangled_corpus();
        // Askers come back to every other answer.
        let answers: Vec<(String, String)> = c
            .posts()
            .filter_map(|p| {
                let q = p.reply_to_post()?;
                (q.author_idx() != p.author_idx() && is_question(q.text()))
                    .then(|| (p.id().to_owned(), c.account(q.author_idx()).id().to_owned()))
            })
            .collect();
        let t = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        for (k, (answer, asker)) in answers.into_iter().enumerate().step_by(2) {
            let mut p = Post::new(format!("thanks{k}"), asker, "thanks", t);
            p.reply_to = Some(answer);
            c.add_post(p);
        }
        let base = MentorBase::build(&c, &Interactions::build(&c));
        let n = c.num_posts() as u32;
        let (mut answers, mut acknowledged) = (0, 0);
        for k in 0..120u32 {
            // Topics marked from seeds, and any flags at all (a question outside, its answer in).
            let (flags, rows) = if k % 2 == 0 {
                let seeds: Vec<u32> = (0..=(k % 9)).map(|j| (k * 53 + j * 97) % n).collect();
                mark_by_walk(&c, &seeds, usize::MAX).expect("no limit")
            } else {
                let flags: Vec<bool> = (0..n).map(|r| (r * 7 + k) % 5 < 2).collect();
                let rows = (0..n).filter(|&r| flags[r as usize]).collect();
                (flags, rows)
            };
            let want = signals_by_definition(&c, &flags);
            for got in [
                signals(&c, &base, &flags, Some(&rows)),
                signals(&c, &base, &flags, None),
            ] {
                assert_eq!(got.answers, want.answers, "{k}");
                assert_eq!(got.acknowledged, want.acknowledged);
                assert_eq!(got.topic_posts, want.topic_posts);
                assert_eq!(got.reach, want.reach);
            }
            answers += want.answers.iter().sum::<u32>();
            acknowledged += want.acknowledged.iter().sum::<u32>();
        }
        // the corpus has answers, some of them acknowledged
        assert!(answers > 50 && acknowledged > 5, "{answers} {acknowledged}");
    }

    #[test]
    fn walking_from_the_seeds_marks_what_the_pass_marks() {
        let c = tangled_corpus();
        let links = PostLinks::build(&c);
        let n = c.num_posts() as u64;
        let mut x: u64 = 7;
        let mut rnd = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let mut linked = 0;
        for k in 0..200 {
            let seeds: Vec<u32> = (0..=(k % 12)).map(|_| rnd(n) as u32).collect();
            let pass = mark_by_pass(&c, seeds.iter().copied());
            let (walk, mut listed) = mark_by_walk(&c, &seeds, usize::MAX).expect("no limit");
            assert_eq!(walk, pass, "seeds {seeds:?}");
            // the listed rows are the marked rows, each once
            listed.sort_unstable();
            let flagged: Vec<u32> = (0..n as u32).filter(|&r| pass[r as usize]).collect();
            assert_eq!(listed, flagged);
            // the cached links mark what the pass marks, and the limit only chooses the way
            assert_eq!(mark_by_links(&c, &links, seeds.iter().copied()), pass);
            assert_eq!(
                mark_conversations(&c, &links, seeds.iter().copied()).0,
                pass
            );
            let keys: Vec<u32> = (0..n as u32).map(|r| c.conversation_key_of(r)).collect();
            linked += (0..n as usize)
                .filter(|&r| pass[r] && !seeds.iter().any(|&s| keys[s as usize] == keys[r]))
                .count();
        }
        // the corpus exercises marks through reposts and quotes, not only conversations
        assert!(linked > 50, "{linked}");
        assert!(mark_by_walk(&c, &[0, 1, 2, 3], 1).is_none());
    }

    #[test]
    fn signals_of_the_listed_rows_are_those_of_the_flags() {
        let c = tangled_corpus();
        let ix = Interactions::build(&c);
        assert!(ix.len() > 100);
        let base = MentorBase::build(&c, &ix);
        let n = c.num_posts() as u32;
        let mut reached = 0;
        for k in 0..60u32 {
            let seeds: Vec<u32> = (0..=(k % 9)).map(|j| (k * 37 + j * 101) % n).collect();
            let (flags, rows) = mark_by_walk(&c, &seeds, usize::MAX).expect("no limit");
            let listed = signals(&c, &base, &flags, Some(&rows));
            let scanned = signals(&c, &base, &flags, None);
            assert_eq!(listed.reach, scanned.reach, "seeds {seeds:?}");
            assert_eq!(listed.answers, scanned.answers);
            assert_eq!(listed.acknowledged, scanned.acknowledged);
            assert_eq!(listed.topic_posts, scanned.topic_posts);
            reached += scanned.reach.iter().filter(|&&r| r > 1).count();
        }
        // several accounts are reached by more than one other through the marked posts
        assert!(reached > 20, "{reached}");
    }
}
