//! The conversation inbox: whom the organisation is leaving unanswered right now, and whom it could
//! start a conversation with.
//!
//! **The inbox.** For an organisation O, an *item* is a post by someone outside O that addresses O — a
//! reply to an O post, a mention of an O account, or a quote of an O post (reposts say nothing and are
//! not items) — that no O account has answered by `as_of`. A post is **answered** when an O post
//! written after it (and not after `as_of`) replies to it or to any post of the reply subtree below it.
//! An O reply elsewhere in the same conversation answers someone else, not this post; an O reply that
//! predates the post cannot answer it.
//!
//! Each item carries its author's engagement stage and score ([`crate::engagement`]), whether it is a
//! question ([`crate::question::is_question`], the same test as the mentors' answers signal), its age
//! at `as_of`, its conversation and a priority with its explanation:
//!
//! `priority = w_question · [is question] + w_stage · rank(stage) / 4 + w_age · min(age / window, 1)`
//!
//! with `rank` 0 (unaware) … 4 (engaged). The defaults (100, 40, 5) make the order lexicographic:
//! questions first, then the author's stage (10 points a step), then age (older first: the longest
//! wait, at most 5 points). Items older than the window (default 14 days) are listed apart as
//! **missed**: too late for a prompt answer, still worth a look.
//!
//! **Conversation starters.** Accounts at stage `noticed` or `responded` to whom O has never replied:
//! the passive candidates the organisation could talk with. With a job profile they are ranked by skill
//! fit ([`crate::ranking`]; people without evidence for the job follow, by recency), else by the
//! recency of their last interaction with O.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::inbox::{InboxOptions, inbox};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "acme_careers"));
//! c.add_account(Account::new("2", "ada"));
//! c.add_post(Post::new("10", "1", "We are #hiring", t0));
//! let mut q = Post::new("11", "2", "Is it remote?", t0 + Duration::hours(1));
//! q.reply_to = Some("10".into());
//! c.add_post(q);
//!
//! let r = inbox(&c, &["acme_careers"], &InboxOptions::default()).unwrap();
//! assert_eq!(r.items.len(), 1);
//! assert_eq!(r.items[0].post_id, "11");
//! assert!(r.items[0].is_question);
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::context::{Ctx, SkillsWith};
use crate::corpus::{AccountIdx, Corpus, PostIdx};
use crate::engagement::{EngagementOptions, EngagementReport, InteractionKind, Org, Stage};
use crate::error::Error;
use crate::question::is_question;
use crate::ranking::CandidateOptions;
use crate::skills::{JobProfile, Matcher};
use crate::time::DAY_MS;

/// The default window of the inbox, in days: older open items are listed as missed.
pub const DEFAULT_WINDOW_DAYS: f64 = 14.0;

/// The weights of an inbox item's priority (see the [module docs](self)); only their sizes relative to
/// each other matter.
///
/// ```
/// use rapport_core::inbox::PriorityWeights;
/// let w = PriorityWeights::default();
/// // The defaults are lexicographic: a question outweighs any stage and age, a stage step any age.
/// assert!(w.question > w.stage + w.age);
/// assert!(w.stage / 4.0 > w.age);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriorityWeights {
    /// Points for a question (default 100).
    pub question: f64,
    /// Points for the top stage (engaged); each step down the funnel gives a quarter less
    /// (default 40: 10 a step).
    pub stage: f64,
    /// Points for an item as old as the window; younger items get a share (default 5).
    pub age: f64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            question: 100.0,
            stage: 40.0,
            age: 5.0,
        }
    }
}

impl PriorityWeights {
    fn validate(&self) -> Result<(), Error> {
        for (name, w) in [
            ("question", self.question),
            ("stage", self.stage),
            ("age", self.age),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidParameter {
                    name: "priority weights",
                    found: format!("{name} = {w}"),
                    expected: "finite weights that are 0 or more",
                });
            }
        }
        Ok(())
    }
}

/// The knobs of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct InboxOptions {
    /// The moment the inbox is read at (default: the newest post of the corpus). Posts and answers
    /// after it are not seen.
    pub as_of: Option<DateTime<Utc>>,
    /// Open items older than this many days are missed (default 14).
    pub window_days: f64,
    /// The priority weights.
    pub weights: PriorityWeights,
    /// Half-life of the engagement decay, in days (default 30), for the authors' stage and score.
    pub half_life_days: f64,
}

impl Default for InboxOptions {
    fn default() -> Self {
        InboxOptions {
            as_of: None,
            window_days: DEFAULT_WINDOW_DAYS,
            weights: PriorityWeights::default(),
            half_life_days: crate::engagement::DEFAULT_HALF_LIFE_DAYS,
        }
    }
}

impl InboxOptions {
    /// The defaults with another `as_of` and window (the Python signature).
    pub fn new(as_of: Option<DateTime<Utc>>, window_days: f64) -> Self {
        InboxOptions {
            as_of,
            window_days,
            ..InboxOptions::default()
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if !(self.window_days.is_finite() && self.window_days > 0.0) {
            return Err(Error::InvalidParameter {
                name: "window_days",
                found: self.window_days.to_string(),
                expected: "a finite number of days greater than 0",
            });
        }
        self.weights.validate()
    }
}

/// One post waiting for an answer from the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct InboxItem {
    /// The post's id.
    pub post_id: String,
    /// Its author's handle (the id when the handle is unknown).
    pub handle: String,
    /// Its author's id.
    pub author_id: String,
    /// The post's text.
    pub text: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its conversation (`None` when the platform gave none).
    pub conversation_id: Option<String>,
    /// How it addresses the organisation: `reply`, `mention`, `quote` (one or more, in that order).
    pub addresses: Vec<String>,
    /// The organisation's accounts it addresses (handles).
    pub addressed: Vec<String>,
    /// The author's engagement stage with the organisation.
    pub stage: Stage,
    /// The author's advisory engagement score, 0–100.
    pub score: f64,
    /// Whether the post reads as a question.
    pub is_question: bool,
    /// Hours from the post to `as_of`.
    pub age_hours: f64,
    /// The priority (higher first).
    pub priority: f64,
    /// The priority's terms, in words.
    pub why: String,
    /// Older than the window.
    pub missed: bool,
}

/// The inbox of an organisation at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct InboxReport {
    /// Open items within the window, highest priority first (ties: older first, then post id).
    pub items: Vec<InboxItem>,
    /// Open items older than the window, in the same order.
    pub missed: Vec<InboxItem>,
    /// Posts that addressed the organisation and were answered by `as_of`.
    pub answered: usize,
    /// The organisation.
    pub org: Org,
    /// The moment the inbox was read at.
    pub as_of: DateTime<Utc>,
    /// The window, in days.
    pub window_days: f64,
    /// The priority weights.
    pub weights: PriorityWeights,
}

impl InboxReport {
    /// The open items and then the missed ones: one table, `missed` telling them apart.
    pub fn all_items(&self) -> Vec<InboxItem> {
        self.items.iter().chain(&self.missed).cloned().collect()
    }
}

/// The inbox of the organisation `org` (handles or ids): a one-shot
/// [`Analysis`](crate::context::Analysis) (use [`Analysis::inbox`](crate::context::Analysis::inbox)
/// to share the interaction list with other analyses).
pub fn inbox<S: AsRef<str>>(
    corpus: &Corpus,
    org: &[S],
    opts: &InboxOptions,
) -> Result<InboxReport, Error> {
    crate::context::Analysis::new(corpus).inbox(org, opts)
}

/// For every post row, whether an organisation post written after it, and not after `as_of`, lies in
/// the reply subtree below it.
///
/// Walks up from each organisation reply rather than down from each item: one pass over the ancestors
/// of the organisation's replies, whatever the number of items.
fn answered_rows(corpus: &Corpus, org: &Org, as_of_ms: i64) -> Vec<bool> {
    let n = corpus.num_posts();
    let mut answered = vec![false; n];
    for &a in &org.accounts {
        for &row in corpus.indices().by_author(a) {
            let q = corpus.post(PostIdx(row));
            let at = q.created_ms();
            if at > as_of_ms || q.reply_to_id().is_none() {
                continue;
            }
            // The step bound guards against a reply cycle in malformed input.
            let mut cur = q.reply_to_post();
            let mut steps = 0;
            while let Some(p) = cur {
                if steps > n {
                    break;
                }
                steps += 1;
                if p.created_ms() < at {
                    answered[p.idx().index()] = true;
                }
                cur = p.reply_to_post();
            }
        }
    }
    answered
}

fn stage_rank(s: Stage) -> f64 {
    match s {
        Stage::Unaware => 0.0,
        Stage::Noticed => 1.0,
        Stage::Responded => 2.0,
        Stage::Conversing => 3.0,
        Stage::Engaged => 4.0,
    }
}

/// The priority of an item and its explanation.
fn priority(
    w: &PriorityWeights,
    question: bool,
    stage: Stage,
    age_days: f64,
    window: f64,
) -> (f64, String) {
    let q = if question { w.question } else { 0.0 };
    let s = w.stage * stage_rank(stage) / 4.0;
    let a = w.age * (age_days / window).clamp(0.0, 1.0);
    let why = format!(
        "{}; stage {stage} (+{s:.1}); waiting {age_days:.1} days (+{a:.2})",
        if question {
            format!("a question (+{q:.0})")
        } else {
            "not a question (+0)".to_owned()
        }
    );
    (q + s + a, why)
}

pub(crate) fn run(ctx: Ctx<'_>, org: &Org, opts: &InboxOptions) -> Result<InboxReport, Error> {
    opts.validate()?;
    let (corpus, ix) = (ctx.corpus, ctx.interactions());
    let eng_opts = EngagementOptions::new(opts.half_life_days, opts.as_of);
    let eng = crate::engagement::over(corpus, ix, org, &eng_opts)?;
    let as_of_ms = eng.as_of.timestamp_millis();
    let answered = answered_rows(corpus, org, as_of_ms);
    let by_account = rows_by_account(corpus, &eng);

    let mut items = Vec::new();
    let mut missed = Vec::new();
    let mut n_answered = 0usize;
    // Interaction rows come grouped by post: gather each post's ways of addressing the organisation.
    let mut i = 0;
    while i < ix.len() {
        let post = ix.post[i];
        let mut j = i;
        let mut kinds = [false; 4];
        let mut addressed: Vec<AccountIdx> = Vec::new();
        while j < ix.len() && ix.post[j] == post {
            let (src, dst, kind) = (ix.src[j], ix.dst[j], ix.kind[j]);
            if !org.contains(src) && org.contains(dst) && kind != InteractionKind::Repost {
                kinds[kind as usize] = true;
                if !addressed.contains(&dst) {
                    addressed.push(dst);
                }
            }
            j += 1;
        }
        i = j;
        if addressed.is_empty() {
            continue;
        }
        let p = corpus.post(post);
        if p.created_ms() > as_of_ms {
            continue;
        }
        if answered[post.index()] {
            n_answered += 1;
            continue;
        }
        let author = p.author_idx();
        let (stage, score) = by_account[author.index()].map_or((Stage::Unaware, 0.0), |r| {
            (eng.rows[r].stage, eng.rows[r].score)
        });
        let age_ms = (as_of_ms - p.created_ms()) as f64;
        let age_days = age_ms / DAY_MS;
        let question = is_question(p.text());
        let (prio, why) = priority(&opts.weights, question, stage, age_days, opts.window_days);
        let item = InboxItem {
            post_id: p.id().to_owned(),
            handle: p.author().handle_or_id().to_owned(),
            author_id: p.author().id().to_owned(),
            text: p.text().to_owned(),
            created_at: p.created_at(),
            conversation_id: p.conversation_id().map(str::to_owned),
            addresses: [
                InteractionKind::Reply,
                InteractionKind::Mention,
                InteractionKind::Quote,
            ]
            .into_iter()
            .filter(|k| kinds[*k as usize])
            .map(|k| k.as_str().to_owned())
            .collect(),
            addressed: addressed
                .iter()
                .map(|&a| corpus.account(a).handle_or_id().to_owned())
                .collect(),
            stage,
            score,
            is_question: question,
            age_hours: age_ms / 3_600_000.0,
            priority: prio,
            why,
            missed: age_days > opts.window_days,
        };
        if item.missed {
            missed.push(item);
        } else {
            items.push(item);
        }
    }
    let order = |a: &InboxItem, b: &InboxItem| {
        b.priority
            .total_cmp(&a.priority)
            .then(a.created_at.cmp(&b.created_at))
            .then_with(|| a.post_id.cmp(&b.post_id))
    };
    items.sort_by(order);
    missed.sort_by(order);
    Ok(InboxReport {
        items,
        missed,
        answered: n_answered,
        org: org.clone(),
        as_of: eng.as_of,
        window_days: opts.window_days,
        weights: opts.weights,
    })
}

/// The engagement row of each account, by account index.
fn rows_by_account(corpus: &Corpus, eng: &EngagementReport) -> Vec<Option<usize>> {
    let mut out = vec![None; corpus.account_capacity()];
    for (i, r) in eng.rows.iter().enumerate() {
        out[r.account.index()] = Some(i);
    }
    out
}

/// The knobs of the conversation starters.
#[derive(Debug, Clone, Serialize)]
pub struct StarterOptions {
    /// The moment of the analysis (default: the newest post of the corpus).
    pub as_of: Option<DateTime<Utc>>,
    /// Half-life of the engagement decay, in days (default 30).
    pub half_life_days: f64,
    /// At most this many rows (default 20; `None` for all).
    pub limit: Option<usize>,
}

impl Default for StarterOptions {
    fn default() -> Self {
        StarterOptions {
            as_of: None,
            half_life_days: crate::engagement::DEFAULT_HALF_LIFE_DAYS,
            limit: Some(20),
        }
    }
}

/// An account the organisation could start a conversation with.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct StarterRow {
    /// 1-based position.
    pub rank: usize,
    /// The account's index in the corpus.
    pub account: AccountIdx,
    /// Its handle (the id when unknown).
    pub handle: String,
    /// Its id.
    pub id: String,
    /// Its stage: `noticed` or `responded`.
    pub stage: Stage,
    /// Its advisory engagement score, 0–100.
    pub score: f64,
    /// Skill fit for the job, when a job was given and the person shows evidence for it.
    pub fit: Option<f64>,
    /// Mentions of the organisation by the person.
    pub mentions_to_org: u32,
    /// Replies by the person to the organisation.
    pub replies_to_org: u32,
    /// Mentions of the person by the organisation.
    pub mentions_from_org: u32,
    /// The latest interaction either way.
    pub last_interaction: Option<DateTime<Utc>>,
    /// Why the row is here and where it ranks.
    pub why: String,
}

/// Accounts at stage noticed or responded to whom the organisation never replied, ranked by skill fit
/// for `job` (with its matcher) when given, else by the recency of their last interaction: a one-shot
/// [`Analysis`](crate::context::Analysis) (see
/// [`Analysis::conversation_starters`](crate::context::Analysis::conversation_starters)).
pub fn conversation_starters(
    corpus: &Corpus,
    org: &Org,
    job: Option<(&JobProfile, &Matcher)>,
    opts: &StarterOptions,
) -> Result<Vec<StarterRow>, Error> {
    let ctx = crate::context::Analysis::new(corpus);
    run_starters(
        ctx.ctx(),
        org,
        job.map(|(j, m)| (j, SkillsWith::Borrowed(m))),
        opts,
    )
}

pub(crate) fn run_starters(
    ctx: Ctx<'_>,
    org: &Org,
    job: Option<(&JobProfile, SkillsWith<'_>)>,
    opts: &StarterOptions,
) -> Result<Vec<StarterRow>, Error> {
    let corpus = ctx.corpus;
    let eng_opts = EngagementOptions::new(opts.half_life_days, opts.as_of);
    let eng = crate::engagement::over(corpus, ctx.interactions(), org, &eng_opts)?;
    let mut fit = vec![None; corpus.account_capacity()];
    if let Some((job, matcher)) = job {
        let copts = CandidateOptions {
            engagement: eng_opts.clone(),
            stages: Some(vec![Stage::Unaware, Stage::Noticed, Stage::Responded]),
            limit: None,
            ..CandidateOptions::default()
        };
        let copts = CandidateOptions {
            evidence: copts.evidence.clone().as_of(eng.as_of),
            ..copts
        };
        let ranked = crate::ranking::run(ctx, org, job, matcher, &copts)?;
        for r in &ranked.rows {
            fit[r.account.index()] = Some(r.fit);
        }
    }
    let mut rows: Vec<StarterRow> = eng
        .rows
        .iter()
        .filter(|r| matches!(r.stage, Stage::Noticed | Stage::Responded) && r.replies_from_org == 0)
        .map(|r| {
            let f = fit[r.account.index()];
            let how = match r.stage {
                Stage::Noticed => format!(
                    "noticed: mentioned by the organisation {} time(s), never answered",
                    r.mentions_from_org
                ),
                _ => format!(
                    "responded: {} reply(ies) and {} mention(s) to the organisation, none answered",
                    r.replies_to_org, r.mentions_to_org
                ),
            };
            let why = match (job.is_some(), f) {
                (true, Some(f)) => format!("{how}; skill fit {f:.2}"),
                (true, None) => format!("{how}; no evidence for the job's skills"),
                (false, _) => how,
            };
            StarterRow {
                rank: 0,
                account: r.account,
                handle: r.handle.clone(),
                id: r.id.clone(),
                stage: r.stage,
                score: r.score,
                fit: f,
                mentions_to_org: r.mentions_to_org,
                replies_to_org: r.replies_to_org,
                mentions_from_org: r.mentions_from_org,
                last_interaction: r.last_interaction,
                why,
            }
        })
        .collect();
    // Followed but silent: accounts the organisation follows (by the latest snapshot) with no
    // interaction either way. They have no engagement row; they are starters all the same.
    let talked: std::collections::HashSet<&str> = eng.rows.iter().map(|r| r.id.as_str()).collect();
    if !corpus.follow_snapshots().is_empty() || !corpus.follow_records().is_empty() {
        for (id, st) in corpus.follow_states(&org.ids)? {
            if st.o_follows_x != Some(true) || talked.contains(id.as_str()) {
                continue;
            }
            let Some(a) = corpus.account_by_id(&id) else {
                continue;
            };
            let f = fit[a.idx().index()];
            let how = "followed by the organisation, silent: no post to or from it yet";
            let why = match (job.is_some(), f) {
                (true, Some(f)) => format!("{how}; skill fit {f:.2}"),
                (true, None) => format!("{how}; no evidence for the job's skills"),
                (false, _) => how.to_owned(),
            };
            rows.push(StarterRow {
                rank: 0,
                account: a.idx(),
                handle: a.handle_or_id().to_owned(),
                id,
                stage: Stage::Unaware,
                score: 0.0,
                fit: f,
                mentions_to_org: 0,
                replies_to_org: 0,
                mentions_from_org: 0,
                last_interaction: None,
                why,
            });
        }
    }
    rows.sort_by(|a, b| {
        let fa = a.fit.unwrap_or(-1.0);
        let fb = b.fit.unwrap_or(-1.0);
        fb.total_cmp(&fa)
            .then(b.last_interaction.cmp(&a.last_interaction))
            .then_with(|| a.handle.cmp(&b.handle))
    });
    if let Some(limit) = opts.limit {
        rows.truncate(limit);
    }
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(rows)
}

/// The inbox and the starters as methods of the corpus.
impl Corpus {
    /// See [`inbox()`].
    pub fn inbox<S: AsRef<str>>(
        &self,
        org: &[S],
        opts: &InboxOptions,
    ) -> Result<InboxReport, Error> {
        inbox(self, org, opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, Mention, Post};
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn post(id: &str, author: &str, text: &str, hours: i64, reply_to: Option<&str>) -> Post {
        let mut p = Post::new(id, author, text, t0() + Duration::hours(hours));
        p.reply_to = reply_to.map(Into::into);
        p.conversation_id = Some("c".into());
        p
    }

    /// The hand-built corpus of `docs/inbox.md`'s worked example.
    ///
    /// Accounts: acme (1) and acme_eng (2) are the organisation; ada (3), bob (4), cy (5), dee (6),
    /// eve (7) are outside. Times are hours after t0; `as_of` is hour 400, the window 14 d = 336 h.
    ///
    /// ```text
    /// id  author   hour  text                    replies to  inbox at h400
    /// 10  acme       0   We are hiring           -           (org)
    /// 11  ada       10   Is it remote?           10          answered: 16 sits in its subtree,
    /// 12  bob       12   Great news              11            by another org account
    /// 16  acme_eng  20   Yes it is               12          (org)
    /// 13  cy        30   How do I apply?         10          open, 370 h: missed; 17 went to bob
    /// 17  acme      40   Thanks Bob              12          (org)
    /// 19  bob      100   anyone hiring juniors   10          open, question (first word)
    /// 18  acme     250   Welcome                 10          (org)
    /// 15  eve      260   Salary range?           18          open: 18 is above it, not an answer
    /// 14  dee      300   @acme_eng nice team     (mention)   open
    /// 20  bob      390   thanks!                 16          open
    /// 21  dee      410   later                   10          after as_of: not seen
    /// ```
    fn corpus() -> Corpus {
        let mut c = Corpus::new();
        for (id, h) in [
            ("1", "acme"),
            ("2", "acme_eng"),
            ("3", "ada"),
            ("4", "bob"),
            ("5", "cy"),
            ("6", "dee"),
            ("7", "eve"),
        ] {
            c.add_account(Account::new(id, h));
        }
        c.add_post(post("10", "1", "We are hiring", 0, None));
        c.add_post(post("11", "3", "Is it remote?", 10, Some("10")));
        c.add_post(post("12", "4", "Great news", 12, Some("11")));
        c.add_post(post("16", "2", "Yes it is", 20, Some("12")));
        c.add_post(post("13", "5", "How do I apply?", 30, Some("10")));
        c.add_post(post("17", "1", "Thanks Bob", 40, Some("12")));
        let mut m = post("14", "6", "@acme_eng nice team", 300, None);
        m.conversation_id = Some("14".into());
        m.mentions = vec![Mention {
            id: Some("2".into()),
            handle: "acme_eng".into(),
        }];
        c.add_post(m);
        c.add_post(post("18", "1", "Welcome", 250, Some("10")));
        c.add_post(post("15", "7", "Salary range?", 260, Some("18")));
        c.add_post(post("19", "4", "anyone hiring juniors", 100, Some("10")));
        c.add_post(post("20", "4", "thanks!", 390, Some("16")));
        c.add_post(post("21", "6", "later", 410, Some("10")));
        c
    }

    fn opts() -> InboxOptions {
        InboxOptions::new(Some(t0() + Duration::hours(400)), 14.0)
    }

    #[test]
    fn open_answered_and_missed_items_by_hand() {
        let c = corpus();
        let r = inbox(&c, &["acme", "acme_eng"], &opts()).unwrap();
        // Items: 11, 13, 14, 15, 19, 20 (12 replies to ada, 21 is after as_of). Answered: 11 only.
        assert_eq!(r.answered, 1);
        let ids: Vec<&str> = r.items.iter().map(|i| i.post_id.as_str()).collect();
        // Stages (engagement): bob conversing (he replied to acme in 19, 20; the org replied to him
        // in 16, 17, all in conversation c); cy, dee, eve, ada responded.
        // Priorities (100 a question, 10 a stage step, 5 · age / 336 h), ages from h400:
        //   19 bob  question, conversing, 300 h: 100 + 30 + 5·300/336 = 134.464
        //   15 eve  question, responded,  140 h: 100 + 20 + 5·140/336 = 122.083
        //   20 bob  conversing,            10 h:        30 + 5·10/336 =  30.149
        //   14 dee  responded,            100 h:        20 + 5·100/336 = 21.488
        // 20 above 14: the stage outweighs the age.
        assert_eq!(ids, ["19", "15", "20", "14"]);
        let p: Vec<f64> = r.items.iter().map(|i| i.priority).collect();
        let expect = [
            100.0 + 30.0 + 5.0 * 300.0 / 336.0,
            100.0 + 20.0 + 5.0 * 140.0 / 336.0,
            30.0 + 5.0 * 10.0 / 336.0,
            20.0 + 5.0 * 100.0 / 336.0,
        ];
        for (got, want) in p.iter().zip(expect) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        assert_eq!(r.items[0].stage, Stage::Conversing);
        assert_eq!(r.items[1].stage, Stage::Responded);
        assert_eq!(r.items[1].age_hours, 140.0);
        assert_eq!(r.items[3].addresses, ["mention"]);
        assert_eq!(r.items[3].addressed, ["acme_eng"]);
        assert!(!r.items[3].is_question);
        assert!(
            r.items[0]
                .why
                .starts_with("a question (+100); stage conversing (+30.0)")
        );
        // 13 (cy) is 370 h old: missed. acme's reply 17 in the same conversation went to ada.
        assert_eq!(r.missed.len(), 1);
        assert_eq!(r.missed[0].post_id, "13");
        assert!(r.missed[0].missed && r.missed[0].is_question);
        assert_eq!(r.missed[0].age_hours, 370.0);
        assert_eq!(r.all_items().len(), 5);
    }

    #[test]
    fn an_org_reply_before_the_post_is_no_answer() {
        // 18 (acme, h250) is the parent of 15 (eve, h260): above it, not below. Now add an org post
        // below 15 that is dated before 15 (clock skew): still no answer.
        let mut c = corpus();
        c.add_post(post("30", "2", "see the page", 255, Some("15")));
        let r = inbox(&c, &["acme", "acme_eng"], &opts()).unwrap();
        assert!(r.items.iter().any(|i| i.post_id == "15"));
        // A later one answers it.
        c.add_post(post("31", "2", "see the page", 265, Some("15")));
        let r = inbox(&c, &["acme", "acme_eng"], &opts()).unwrap();
        assert!(!r.items.iter().any(|i| i.post_id == "15"));
        assert_eq!(r.answered, 2);
    }

    #[test]
    fn an_answer_after_as_of_is_not_seen() {
        let mut c = corpus();
        c.add_post(post("32", "1", "Remote yes", 420, Some("19")));
        let r = inbox(&c, &["acme", "acme_eng"], &opts()).unwrap();
        assert_eq!(r.items[0].post_id, "19");
        // Read later, it is answered.
        let later = InboxOptions::new(Some(t0() + Duration::hours(430)), 14.0);
        let r = inbox(&c, &["acme", "acme_eng"], &later).unwrap();
        assert!(!r.items.iter().chain(&r.missed).any(|i| i.post_id == "19"));
    }

    #[test]
    fn weights_change_the_order_and_bad_options_are_refused() {
        let c = corpus();
        let age_only = InboxOptions {
            weights: PriorityWeights {
                question: 0.0,
                stage: 0.0,
                age: 1.0,
            },
            ..opts()
        };
        let r = inbox(&c, &["acme", "acme_eng"], &age_only).unwrap();
        let ids: Vec<&str> = r.items.iter().map(|i| i.post_id.as_str()).collect();
        assert_eq!(ids, ["19", "15", "14", "20"]);
        let bad = InboxOptions::new(None, 0.0);
        let e = inbox(&c, &["acme"], &bad).unwrap_err();
        assert!(e.to_string().contains("window_days"), "{e}");
        let bad = InboxOptions {
            weights: PriorityWeights {
                question: f64::NAN,
                ..PriorityWeights::default()
            },
            ..opts()
        };
        assert!(
            inbox(&c, &["acme"], &bad)
                .unwrap_err()
                .to_string()
                .contains("question")
        );
    }

    #[test]
    fn quotes_address_the_org_and_reposts_do_not() {
        let mut c = corpus();
        let mut q = post("40", "5", "Look at this", 395, None);
        q.quoted = Some("10".into());
        q.conversation_id = Some("40".into());
        c.add_post(q);
        let mut rt = post("41", "5", "RT", 396, None);
        rt.reposted = Some("10".into());
        rt.conversation_id = Some("41".into());
        c.add_post(rt);
        let r = inbox(&c, &["acme", "acme_eng"], &opts()).unwrap();
        let q = r.items.iter().find(|i| i.post_id == "40").unwrap();
        assert_eq!(q.addresses, ["quote"]);
        assert_eq!(q.conversation_id.as_deref(), Some("40"));
        assert!(!r.items.iter().any(|i| i.post_id == "41"));
    }

    #[test]
    fn followed_but_silent_accounts_are_starters_too() {
        use crate::follows::{FollowDirection, FollowSnapshot};
        let mut c = corpus();
        // gus (9) never posted to or about acme, and acme follows him; hal (10) is followed by
        // nobody; bob already talks with acme and stays out (he is conversing).
        c.add_account(Account::new("9", "gus"));
        c.add_account(Account::new("10", "hal"));
        c.try_add_follow_snapshot(FollowSnapshot::new(
            "1",
            FollowDirection::Following,
            t0() + Duration::hours(300),
            vec!["9".into()],
        ))
        .unwrap();
        let org = Org::resolve(&c, &["acme", "acme_eng"]).unwrap();
        let o = StarterOptions {
            as_of: Some(t0() + Duration::hours(400)),
            ..StarterOptions::default()
        };
        let rows = conversation_starters(&c, &org, None, &o).unwrap();
        let h: Vec<&str> = rows.iter().map(|r| r.handle.as_str()).collect();
        // The silent one comes last by recency (no interaction at all).
        assert_eq!(h, ["dee", "eve", "cy", "ada", "gus"]);
        let gus = &rows[4];
        assert_eq!(
            (gus.stage, gus.score, gus.last_interaction),
            (Stage::Unaware, 0.0, None)
        );
        assert!(
            gus.why.starts_with("followed by the organisation, silent"),
            "{}",
            gus.why
        );
        // Without snapshots nobody is followed: the list is as before.
        let plain = conversation_starters(&corpus(), &org, None, &o).unwrap();
        assert!(plain.iter().all(|r| r.handle != "gus"));
    }

    #[test]
    fn starters_are_noticed_or_responded_people_never_replied_to() {
        let mut c = corpus();
        // fay (8) is mentioned by acme: noticed, never replied to.
        c.add_account(Account::new("8", "fay"));
        let mut m = post("50", "1", "Thanks @fay for the talk", 350, None);
        m.mentions = vec![Mention {
            id: Some("8".into()),
            handle: "fay".into(),
        }];
        c.add_post(m);
        let org = Org::resolve(&c, &["acme", "acme_eng"]).unwrap();
        let o = StarterOptions {
            as_of: Some(t0() + Duration::hours(400)),
            ..StarterOptions::default()
        };
        let rows = conversation_starters(&c, &org, None, &o).unwrap();
        // bob is conversing. ada (h10), cy (h30), eve (h260) and dee responded and were never replied
        // to; fay was mentioned at h350: noticed. Engagement counts every post of the corpus (as_of
        // only sets the decay), so dee's last interaction is 21 at h410. By recency: dee, fay, eve,
        // cy, ada.
        let h: Vec<&str> = rows.iter().map(|r| r.handle.as_str()).collect();
        assert_eq!(h, ["dee", "fay", "eve", "cy", "ada"]);
        assert_eq!(rows[1].stage, Stage::Noticed);
        assert_eq!(rows[0].rank, 1);
        assert!(rows[1].why.starts_with("noticed"));
        assert!(
            rows[0]
                .why
                .starts_with("responded: 1 reply(ies) and 1 mention(s)")
        );
        let o2 = StarterOptions {
            limit: Some(2),
            ..o.clone()
        };
        assert_eq!(conversation_starters(&c, &org, None, &o2).unwrap().len(), 2);
    }

    #[test]
    fn starters_rank_by_skill_fit_with_a_job() {
        let mut c = corpus();
        // cy shows #rust evidence; eve none.
        let mut p = post("60", "5", "Shipped a #rust service", 380, None);
        p.hashtags = vec!["rust".into()];
        p.conversation_id = Some("60".into());
        c.add_post(p);
        let org = Org::resolve(&c, &["acme", "acme_eng"]).unwrap();
        let o = StarterOptions {
            as_of: Some(t0() + Duration::hours(400)),
            ..StarterOptions::default()
        };
        let job = JobProfile::new("Rust engineer").require("rapport:rust", 1.0);
        let m = Matcher::new(&crate::skills::Taxonomy::builtin());
        let rows = conversation_starters(&c, &org, Some((&job, &m)), &o).unwrap();
        assert_eq!(rows[0].handle, "cy");
        assert!(rows[0].fit.is_some_and(|f| f > 0.0));
        assert!(rows[0].why.contains("skill fit"));
        // The rest follow by recency, without fit: dee (h410), eve (h260), ada (h10).
        let rest: Vec<&str> = rows[1..].iter().map(|r| r.handle.as_str()).collect();
        assert_eq!(rest, ["dee", "eve", "ada"]);
        assert!(rows[1].fit.is_none());
    }
}
