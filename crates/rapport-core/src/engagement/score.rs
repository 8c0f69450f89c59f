//! Per-account components, the funnel stage and the score.
//!
//! The interactions between the organisation and everyone else become flat [`Event`]s, sorted by the
//! other account and time; one linear scan then summarises each account's run of events with a few
//! reusable scratch buffers. Nothing is kept per account but the output row.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::interactions::{InteractionKind, Interactions};
use super::{EngagementOptions, Org};
use crate::corpus::{AccountIdx, Corpus, PostIdx};
use crate::error::Error;
use crate::time::{DAY_MS, decay, median};

/// Where a person stands in the recruiting funnel of a conversation with the organisation.
///
/// The stage is the highest one whose condition holds:
/// - `engaged`: at least two two-way exchanges whose last reply is within one half-life of `as_of`,
///   and the person amplified (quoted or reposted) the organisation at least once;
/// - `conversing`: at least one two-way exchange;
/// - `responded`: the person replied to or mentioned the organisation;
/// - `noticed`: the organisation replied to or mentioned the person;
/// - `unaware`: none of these.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// No reply or mention either way.
    #[default]
    Unaware,
    /// The organisation mentioned or replied to the person.
    Noticed,
    /// The person replied to or mentioned the organisation.
    Responded,
    /// At least one two-way exchange.
    Conversing,
    /// Repeated recent two-way exchanges, and the person amplified the organisation.
    Engaged,
}

impl Stage {
    /// All stages, from the top of the funnel down.
    pub const ALL: [Stage; 5] = [
        Stage::Unaware,
        Stage::Noticed,
        Stage::Responded,
        Stage::Conversing,
        Stage::Engaged,
    ];

    /// The lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Unaware => "unaware",
            Stage::Noticed => "noticed",
            Stage::Responded => "responded",
            Stage::Conversing => "conversing",
            Stage::Engaged => "engaged",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The weights of the score's components. The score is `100 · Σ wₖ·nₖ / Σ wₖ`, where `nₖ ∈ [0, 1]` is
/// the normalised component (see `docs/engagement.md`); only the ratios between weights matter.
///
/// The defaults add up to 100, so each default weight is the most points its component can give:
///
/// | component | default | normalisation |
/// |---|---|---|
/// | `two_way_exchanges` | 25 | n / (n + 1) |
/// | `reciprocity` | 20 | as is (0..1) |
/// | `recency` | 15 | d / (d + 3), d = decayed interaction count |
/// | `replies_to_org` | 10 | n / (n + 2) |
/// | `talk_balance` | 10 | 1 − 2·\|s − 0.5\|, s = the person's share of words (0 without words) |
/// | `mentions_to_org` | 5 | n / (n + 2) |
/// | `amplification_to_org` | 5 | n / (n + 2) |
/// | `turn_taking` | 5 | as is (0..1) |
/// | `responsiveness` | 5 | 2^(−L / 24 h), L = the person's median reply latency (0 without replies) |
///
/// ```
/// use rapport_core::engagement::Weights;
/// let w = Weights::default();
/// assert_eq!(w.total(), 100.0);
/// let reciprocity_only = Weights { reciprocity: 1.0, ..Weights::zero() };
/// assert!(reciprocity_only.validate().is_ok());
/// assert!(Weights::zero().validate().is_err()); // all zero: no score can be formed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// Conversations in which the person and the organisation replied to each other.
    pub two_way_exchanges: f64,
    /// min/max of the replies each way.
    pub reciprocity: f64,
    /// The decayed count of all interactions either way.
    pub recency: f64,
    /// Replies from the person to the organisation.
    pub replies_to_org: f64,
    /// How evenly the words are shared.
    pub talk_balance: f64,
    /// Mentions of the organisation by the person.
    pub mentions_to_org: f64,
    /// Quotes and reposts of the organisation by the person.
    pub amplification_to_org: f64,
    /// How often the speaker changes in the dyad's posts.
    pub turn_taking: f64,
    /// How fast the person answers the organisation.
    pub responsiveness: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            two_way_exchanges: 25.0,
            reciprocity: 20.0,
            recency: 15.0,
            replies_to_org: 10.0,
            talk_balance: 10.0,
            mentions_to_org: 5.0,
            amplification_to_org: 5.0,
            turn_taking: 5.0,
            responsiveness: 5.0,
        }
    }
}

impl Weights {
    /// All weights zero (a base for `..Weights::zero()` updates; not valid on its own).
    pub fn zero() -> Self {
        Weights {
            two_way_exchanges: 0.0,
            reciprocity: 0.0,
            recency: 0.0,
            replies_to_org: 0.0,
            talk_balance: 0.0,
            mentions_to_org: 0.0,
            amplification_to_org: 0.0,
            turn_taking: 0.0,
            responsiveness: 0.0,
        }
    }

    /// The weights in the order of [`COMPONENT_NAMES`].
    pub(crate) fn as_array(&self) -> [f64; 9] {
        [
            self.two_way_exchanges,
            self.reciprocity,
            self.recency,
            self.replies_to_org,
            self.talk_balance,
            self.mentions_to_org,
            self.amplification_to_org,
            self.turn_taking,
            self.responsiveness,
        ]
    }

    /// The sum of the weights.
    pub fn total(&self) -> f64 {
        self.as_array().iter().sum()
    }

    /// Checks that every weight is finite and not negative, and that they do not all vanish.
    pub fn validate(&self) -> Result<(), Error> {
        for (name, w) in COMPONENT_NAMES.iter().zip(self.as_array()) {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::InvalidParameter {
                    name: "weights",
                    found: format!("{name} = {w}"),
                    expected: "finite weights that are 0 or more",
                });
            }
        }
        if self.total() <= 0.0 {
            return Err(Error::InvalidParameter {
                name: "weights",
                found: "all weights 0".into(),
                expected: "at least one weight greater than 0",
            });
        }
        Ok(())
    }
}

/// The names of the score's components, in the order of the explanation.
pub const COMPONENT_NAMES: [&str; 9] = [
    "two_way_exchanges",
    "reciprocity",
    "recency",
    "replies_to_org",
    "talk_balance",
    "mentions_to_org",
    "amplification_to_org",
    "turn_taking",
    "responsiveness",
];

/// One account's engagement with the organisation: every component, the stage and the score.
///
/// Latencies are in milliseconds; `None` where there is nothing to measure.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EngagementRow {
    /// The account's index in the corpus.
    pub account: AccountIdx,
    /// Its handle (the id when the handle is unknown).
    pub handle: String,
    /// Its id.
    pub id: String,
    /// The advisory score, 0–100.
    pub score: f64,
    /// The funnel stage.
    pub stage: Stage,
    /// Replies by the organisation to the person's posts.
    pub replies_from_org: u32,
    /// Replies by the person to the organisation's posts.
    pub replies_to_org: u32,
    /// Mentions of the person by the organisation.
    pub mentions_from_org: u32,
    /// Mentions of the organisation by the person.
    pub mentions_to_org: u32,
    /// Quotes and reposts of the person by the organisation.
    pub amplification_from_org: u32,
    /// Quotes and reposts of the organisation by the person.
    pub amplification_to_org: u32,
    /// Conversations in which the person and the organisation replied to each other.
    pub two_way_exchanges: u32,
    /// Two-way exchanges whose last reply between them is within one half-life of `as_of`.
    pub recent_two_way_exchanges: u32,
    /// min/max of the replies each way (0 when both are 0).
    pub reciprocity: f64,
    /// Words written by the organisation in the dyad's posts.
    pub words_org: u32,
    /// Words written by the person in the dyad's posts.
    pub words_account: u32,
    /// The person's share of the words (`None` without words).
    pub account_word_share: Option<f64>,
    /// ConvoKit's balance: the larger side's share of words (0.5 two-way … 1.0 one-sided).
    pub talk_balance: Option<f64>,
    /// Distinct posts of the dyad (replies, mentions, quotes either way).
    pub utterances: u32,
    /// Speaker changes / (utterances − 1), 0 with fewer than two utterances.
    pub turn_taking: f64,
    /// Median time from the organisation's post to the person's reply.
    pub latency_account_ms: Option<f64>,
    /// Median time from the person's post to the organisation's reply.
    pub latency_org_ms: Option<f64>,
    /// Median over both directions.
    pub latency_pooled_ms: Option<f64>,
    /// All interactions either way (undecayed).
    pub interactions: u32,
    /// Σ 2^(−(as_of − t)/half-life) over all interactions either way.
    pub decayed_interactions: f64,
    /// The latest interaction either way.
    pub last_interaction: Option<DateTime<Utc>>,
    /// The organisation follows the person (`None` when no follow snapshot covers the pair).
    pub org_follows: Option<bool>,
    /// The person follows the organisation (`None` when no follow snapshot covers the pair).
    pub follows_org: Option<bool>,
    /// Both follow each other (`None` when unknown).
    pub mutual: Option<bool>,
}

/// How many accounts outside the organisation stand at each stage (accounts without any interaction
/// with the organisation count as unaware).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FunnelCounts {
    /// Unaware.
    pub unaware: u64,
    /// Noticed.
    pub noticed: u64,
    /// Responded.
    pub responded: u64,
    /// Conversing.
    pub conversing: u64,
    /// Engaged.
    pub engaged: u64,
}

impl FunnelCounts {
    /// The count at one stage.
    pub fn get(&self, s: Stage) -> u64 {
        match s {
            Stage::Unaware => self.unaware,
            Stage::Noticed => self.noticed,
            Stage::Responded => self.responded,
            Stage::Conversing => self.conversing,
            Stage::Engaged => self.engaged,
        }
    }

    fn bump(&mut self, s: Stage) {
        match s {
            Stage::Unaware => self.unaware += 1,
            Stage::Noticed => self.noticed += 1,
            Stage::Responded => self.responded += 1,
            Stage::Conversing => self.conversing += 1,
            Stage::Engaged => self.engaged += 1,
        }
    }
}

/// The engagement of every account that interacted with the organisation, best score first.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementReport {
    /// One row per account outside the organisation with at least one interaction either way, sorted
    /// by score (descending), then decayed interactions (descending), then handle.
    pub rows: Vec<EngagementRow>,
    /// The organisation.
    pub org: Org,
    /// The time decay was measured from.
    pub as_of: DateTime<Utc>,
    /// The half-life of the decay, in days.
    pub half_life_days: f64,
    /// The weights of the score.
    pub weights: Weights,
    /// Accounts per stage, over every account outside the organisation.
    pub funnel: FunnelCounts,
    /// Always `true`: the score is advisory, for a human decision with its explanation.
    pub advisory: bool,
}

impl EngagementReport {
    /// The row of an account, by handle (any case, with or without `@`) or id.
    pub fn row(&self, handle_or_id: &str) -> Option<&EngagementRow> {
        let h = crate::normalize_handle(handle_or_id);
        self.rows
            .iter()
            .find(|r| r.handle.to_lowercase() == h || r.id == handle_or_id.trim())
    }
}

/// One interaction between the organisation and an outside account, seen from that account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) other: u32,
    pub(crate) at: i64,
    pub(crate) post: u32,
    pub(crate) kind: InteractionKind,
    pub(crate) from_org: bool,
    /// The conversation key of the post (replies only).
    pub(crate) conv: u32,
    /// The replied-to post's time (replies whose parent is in the corpus), else `i64::MIN`.
    pub(crate) parent_ms: i64,
    /// Words of the post (not reposts).
    pub(crate) words: u32,
}

/// Words of a post for talk balance: whitespace-separated tokens that are not @mentions or URLs.
pub(crate) fn count_words(text: &str) -> u32 {
    text.split_whitespace()
        .filter(|w| !(w.starts_with('@') || w.starts_with("http://") || w.starts_with("https://")))
        .count() as u32
}

/// The events of every interaction between the organisation and an outside account for which `keep`
/// holds, sorted by (account, time, post, kind).
pub(crate) fn events(
    corpus: &Corpus,
    ix: &Interactions,
    org: &Org,
    keep: impl Fn(AccountIdx) -> bool,
) -> Vec<Event> {
    let mut out = Vec::new();
    let mut words_cache: (u32, u32) = (u32::MAX, 0);
    for i in 0..ix.len() {
        let (s, d) = (ix.src[i], ix.dst[i]);
        let from_org = org.contains(s);
        if from_org == org.contains(d) {
            continue;
        }
        let other = if from_org { d } else { s };
        if !keep(other) {
            continue;
        }
        let kind = ix.kind[i];
        let post = ix.post[i];
        let p = corpus.post(post);
        let (mut conv, mut parent_ms) = (u32::MAX, i64::MIN);
        if kind == InteractionKind::Reply {
            conv = corpus.conversation_key_of(post.0);
            if let Some(parent) = p.reply_to_post() {
                parent_ms = parent.created_ms();
            }
        }
        let words = if kind == InteractionKind::Repost {
            0
        } else if words_cache.0 == post.0 {
            words_cache.1
        } else {
            let w = count_words(p.text());
            words_cache = (post.0, w);
            w
        };
        out.push(Event {
            other: other.0,
            at: ix.at_ms[i],
            post: post.0,
            kind,
            from_org,
            conv,
            parent_ms,
            words,
        });
    }
    out.sort_unstable_by_key(|e| (e.other, e.at, e.post, e.kind));
    out
}

/// The measured components of one account, before normalisation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub(crate) replies_from_org: u32,
    pub(crate) replies_to_org: u32,
    pub(crate) mentions_from_org: u32,
    pub(crate) mentions_to_org: u32,
    pub(crate) amplification_from_org: u32,
    pub(crate) amplification_to_org: u32,
    pub(crate) two_way: u32,
    pub(crate) recent_two_way: u32,
    pub(crate) words_org: u32,
    pub(crate) words_account: u32,
    pub(crate) utterances: u32,
    pub(crate) turn_taking: f64,
    pub(crate) latency_account: Option<f64>,
    pub(crate) latency_org: Option<f64>,
    pub(crate) latency_pooled: Option<f64>,
    pub(crate) interactions: u32,
    pub(crate) decayed: f64,
    pub(crate) last: Option<i64>,
}

impl Stats {
    pub(crate) fn reciprocity(&self) -> f64 {
        let (a, b) = (self.replies_from_org, self.replies_to_org);
        if a.max(b) == 0 {
            0.0
        } else {
            f64::from(a.min(b)) / f64::from(a.max(b))
        }
    }

    pub(crate) fn account_word_share(&self) -> Option<f64> {
        let total = self.words_org + self.words_account;
        (total > 0).then(|| f64::from(self.words_account) / f64::from(total))
    }

    pub(crate) fn stage(&self) -> Stage {
        if self.recent_two_way >= 2 && self.amplification_to_org >= 1 {
            Stage::Engaged
        } else if self.two_way >= 1 {
            Stage::Conversing
        } else if self.replies_to_org + self.mentions_to_org >= 1 {
            Stage::Responded
        } else if self.replies_from_org + self.mentions_from_org >= 1 {
            Stage::Noticed
        } else {
            Stage::Unaware
        }
    }

    /// (raw value, normalised value) of each component, in the order of [`COMPONENT_NAMES`].
    pub(crate) fn components(&self) -> [(f64, f64); 9] {
        let sat = |v: f64, k: f64| v / (v + k);
        let share = self.account_word_share();
        [
            (f64::from(self.two_way), sat(f64::from(self.two_way), 1.0)),
            (self.reciprocity(), self.reciprocity()),
            (self.decayed, sat(self.decayed, 3.0)),
            (
                f64::from(self.replies_to_org),
                sat(f64::from(self.replies_to_org), 2.0),
            ),
            (
                share.unwrap_or(0.0),
                share.map_or(0.0, |s| 1.0 - 2.0 * (s - 0.5).abs()),
            ),
            (
                f64::from(self.mentions_to_org),
                sat(f64::from(self.mentions_to_org), 2.0),
            ),
            (
                f64::from(self.amplification_to_org),
                sat(f64::from(self.amplification_to_org), 2.0),
            ),
            (self.turn_taking, self.turn_taking),
            (
                self.latency_account.unwrap_or(0.0),
                self.latency_account
                    .map_or(0.0, |l| (-(l / (DAY_MS))).exp2()),
            ),
        ]
    }

    /// The contribution of each component and the score (their sum, within 0..=100).
    pub(crate) fn contributions(&self, w: &Weights) -> ([f64; 9], f64) {
        let ws = w.as_array();
        let total = w.total();
        let comps = self.components();
        let mut out = [0.0; 9];
        for k in 0..9 {
            out[k] = 100.0 * ws[k] * comps[k].1 / total;
        }
        let score = out.iter().sum::<f64>().clamp(0.0, 100.0);
        (out, score)
    }
}

/// The post rows behind each number of one account (filled only when explaining).
#[derive(Debug, Clone, Default)]
pub(crate) struct Trace {
    pub(crate) replies_from_org: Vec<u32>,
    pub(crate) replies_to_org: Vec<u32>,
    pub(crate) mentions_from_org: Vec<u32>,
    pub(crate) mentions_to_org: Vec<u32>,
    pub(crate) amplification_from_org: Vec<u32>,
    pub(crate) amplification_to_org: Vec<u32>,
    pub(crate) two_way: Vec<u32>,
    pub(crate) recent_two_way: Vec<u32>,
    pub(crate) latency_account: Vec<u32>,
    pub(crate) latency_org: Vec<u32>,
    pub(crate) utterances: Vec<u32>,
    pub(crate) all: Vec<u32>,
}

/// Reusable buffers for [`summarise`].
#[derive(Default)]
pub(crate) struct Scratch {
    lat_account: Vec<f64>,
    lat_org: Vec<f64>,
    lat_all: Vec<f64>,
    /// (conversation, from_org, time, post) of each reply.
    replies: Vec<(u32, bool, i64, u32)>,
}

/// Summarises one account's events (sorted by time, post, kind).
pub(crate) fn summarise(
    ev: &[Event],
    as_of_ms: i64,
    half_life_days: f64,
    sc: &mut Scratch,
    mut trace: Option<&mut Trace>,
) -> Stats {
    let mut st = Stats::default();
    sc.lat_account.clear();
    sc.lat_org.clear();
    sc.lat_all.clear();
    sc.replies.clear();
    let mut last_post = u32::MAX;
    let mut last_side: Option<bool> = None;
    let mut changes = 0u32;
    for e in ev {
        st.interactions += 1;
        st.decayed += decay((as_of_ms - e.at) as f64, half_life_days);
        st.last = Some(st.last.map_or(e.at, |l| l.max(e.at)));
        if let Some(t) = trace.as_deref_mut() {
            t.all.push(e.post);
        }
        let (counter, list) = match (e.kind, e.from_org) {
            (InteractionKind::Reply, true) => (&mut st.replies_from_org, 0),
            (InteractionKind::Reply, false) => (&mut st.replies_to_org, 1),
            (InteractionKind::Mention, true) => (&mut st.mentions_from_org, 2),
            (InteractionKind::Mention, false) => (&mut st.mentions_to_org, 3),
            (_, true) => (&mut st.amplification_from_org, 4),
            (_, false) => (&mut st.amplification_to_org, 5),
        };
        *counter += 1;
        if let Some(t) = trace.as_deref_mut() {
            [
                &mut t.replies_from_org,
                &mut t.replies_to_org,
                &mut t.mentions_from_org,
                &mut t.mentions_to_org,
                &mut t.amplification_from_org,
                &mut t.amplification_to_org,
            ][list]
                .push(e.post);
        }
        if e.kind == InteractionKind::Reply {
            sc.replies.push((e.conv, e.from_org, e.at, e.post));
            if e.parent_ms != i64::MIN {
                let lat = (e.at - e.parent_ms).max(0) as f64;
                sc.lat_all.push(lat);
                if e.from_org {
                    sc.lat_org.push(lat);
                } else {
                    sc.lat_account.push(lat);
                }
                if let Some(t) = trace.as_deref_mut() {
                    if e.from_org {
                        t.latency_org.push(e.post);
                    } else {
                        t.latency_account.push(e.post);
                    }
                }
            }
        }
        // Utterances of the dyad: distinct posts that say something (reposts do not).
        if e.kind != InteractionKind::Repost && e.post != last_post {
            last_post = e.post;
            st.utterances += 1;
            if e.from_org {
                st.words_org += e.words;
            } else {
                st.words_account += e.words;
            }
            if last_side.is_some_and(|s| s != e.from_org) {
                changes += 1;
            }
            last_side = Some(e.from_org);
            if let Some(t) = trace.as_deref_mut() {
                t.utterances.push(e.post);
            }
        }
    }
    if st.utterances >= 2 {
        st.turn_taking = f64::from(changes) / f64::from(st.utterances - 1);
    }
    st.latency_account = median(&mut sc.lat_account);
    st.latency_org = median(&mut sc.lat_org);
    st.latency_pooled = median(&mut sc.lat_all);

    // Two-way exchanges: conversations with replies both ways.
    sc.replies.sort_unstable_by_key(|r| (r.0, r.2, r.3));
    let window_ms = half_life_days * DAY_MS;
    let mut i = 0;
    while i < sc.replies.len() {
        let conv = sc.replies[i].0;
        let mut j = i;
        let (mut from, mut to, mut latest) = (false, false, i64::MIN);
        while j < sc.replies.len() && sc.replies[j].0 == conv {
            from |= sc.replies[j].1;
            to |= !sc.replies[j].1;
            latest = latest.max(sc.replies[j].2);
            j += 1;
        }
        if from && to {
            st.two_way += 1;
            let recent = ((as_of_ms - latest) as f64) <= window_ms;
            if recent {
                st.recent_two_way += 1;
            }
            if let Some(t) = trace.as_deref_mut() {
                for r in &sc.replies[i..j] {
                    t.two_way.push(r.3);
                    if recent {
                        t.recent_two_way.push(r.3);
                    }
                }
            }
        }
        i = j;
    }
    st
}

pub(crate) fn ms_to_utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// `as_of` in milliseconds: the option, else the newest post, else the epoch.
pub(crate) fn as_of_ms(corpus: &Corpus, opts: &EngagementOptions) -> i64 {
    opts.as_of
        .or_else(|| corpus.newest())
        .map_or(0, |t| t.timestamp_millis())
}

pub(crate) fn row_of(corpus: &Corpus, a: AccountIdx, st: &Stats, w: &Weights) -> EngagementRow {
    let acc = corpus.account(a);
    let share = st.account_word_share();
    EngagementRow {
        account: a,
        handle: acc.handle_or_id().to_owned(),
        id: acc.id().to_owned(),
        score: st.contributions(w).1,
        stage: st.stage(),
        replies_from_org: st.replies_from_org,
        replies_to_org: st.replies_to_org,
        mentions_from_org: st.mentions_from_org,
        mentions_to_org: st.mentions_to_org,
        amplification_from_org: st.amplification_from_org,
        amplification_to_org: st.amplification_to_org,
        two_way_exchanges: st.two_way,
        recent_two_way_exchanges: st.recent_two_way,
        reciprocity: st.reciprocity(),
        words_org: st.words_org,
        words_account: st.words_account,
        account_word_share: share,
        talk_balance: share.map(|s| s.max(1.0 - s)),
        utterances: st.utterances,
        turn_taking: st.turn_taking,
        latency_account_ms: st.latency_account,
        latency_org_ms: st.latency_org,
        latency_pooled_ms: st.latency_pooled,
        interactions: st.interactions,
        decayed_interactions: st.decayed,
        last_interaction: st.last.map(ms_to_utc),
        org_follows: None,
        follows_org: None,
        mutual: None,
    }
}

pub(crate) fn report(
    corpus: &Corpus,
    ix: &Interactions,
    org: &Org,
    opts: &EngagementOptions,
) -> EngagementReport {
    let as_of = as_of_ms(corpus, opts);
    let ev = events(corpus, ix, org, |_| true);
    let mut sc = Scratch::default();
    let mut rows = Vec::new();
    let mut funnel = FunnelCounts::default();
    let mut i = 0;
    while i < ev.len() {
        let other = ev[i].other;
        let mut j = i;
        while j < ev.len() && ev[j].other == other {
            j += 1;
        }
        let st = summarise(&ev[i..j], as_of, opts.half_life_days, &mut sc, None);
        let mut row = row_of(corpus, AccountIdx(other), &st, &opts.weights);
        crate::follows::annotate_row(corpus, org, &mut row, opts);
        funnel.bump(row.stage);
        rows.push(row);
        i = j;
    }
    let outside = corpus.num_accounts().saturating_sub(org.accounts.len()) as u64;
    funnel.unaware += outside.saturating_sub(rows.len() as u64);
    rows.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.decayed_interactions.total_cmp(&a.decayed_interactions))
            .then_with(|| a.handle.cmp(&b.handle))
            .then(a.account.cmp(&b.account))
    });
    EngagementReport {
        rows,
        org: org.clone(),
        as_of: ms_to_utc(as_of),
        half_life_days: opts.half_life_days,
        weights: opts.weights,
        funnel,
        advisory: true,
    }
}

/// The post id of a row.
pub(crate) fn post_id(corpus: &Corpus, row: u32) -> String {
    corpus.post(PostIdx(row)).id().to_owned()
}
