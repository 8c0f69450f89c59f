//! Engagement: who the organisation is really in conversation with, and which of its posts fly into
//! the void.
//!
//! An HR team names its own accounts (an [`Org`]); for every other account rapport measures how two-way
//! the relationship is (replies, mentions and amplification each way, two-way exchanges, reciprocity,
//! talk balance, turn-taking, response latency, a recency-decayed interaction count), places the person
//! in the recruiting funnel ([`Stage`]) and gives an advisory 0–100 score that is a weighted sum of named
//! components, each explained with the posts behind it ([`Explanation`]). For the organisation's own
//! posts, the [`BroadcastReport`] tells void from broadcast from conversation.
//!
//! Follower counts and any other popularity measure take no part: the score is about the relationship,
//! not the person's reach. Scores are advisory, for a human to read with their explanation; they must not
//! decide anything about a person on their own (see `docs/engagement.md`).
//!
//! Everything streams over one [`Interactions`] list built once per corpus; the per-account work is one
//! sort of the interactions that touch the organisation and one linear scan over them.
//!
//! ```
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::engagement::{EngagementOptions, Stage};
//! use chrono::{TimeZone, Utc, Duration};
//!
//! let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "acme_careers"));
//! c.add_account(Account::new("2", "ada"));
//! c.add_post(Post::new("10", "1", "We are #hiring", t0));
//! let mut q = Post::new("11", "2", "Is it remote?", t0 + Duration::hours(1));
//! q.reply_to = Some("10".into());
//! c.add_post(q);
//! let mut a = Post::new("12", "1", "Yes, fully remote", t0 + Duration::hours(2));
//! a.reply_to = Some("11".into());
//! c.add_post(a);
//!
//! let report = c.engagement(&["acme_careers"], &EngagementOptions::default()).unwrap();
//! let ada = &report.rows[0];
//! assert_eq!(ada.handle, "ada");
//! assert_eq!(ada.stage, Stage::Conversing);
//! assert_eq!(ada.two_way_exchanges, 1);
//! assert_eq!(ada.reciprocity, 1.0);
//!
//! let why = c.explain_engagement(&["acme_careers"], "ada", &EngagementOptions::default()).unwrap();
//! let sum: f64 = why.components.iter().map(|k| k.contribution).sum();
//! assert!((sum - why.score).abs() < 1e-9);
//! println!("{}", why.summary);
//!
//! let b = c.broadcast_report(&["acme_careers"]).unwrap();
//! assert_eq!(b.overall.conversation, 1);
//! ```

mod broadcast;
mod explain;
mod interactions;
mod score;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::corpus::{AccountIdx, Corpus};
use crate::error::Error;

pub use broadcast::{BroadcastAggregate, BroadcastClass, BroadcastPost, BroadcastReport};
pub use explain::{Component, Evidence, Explanation};
pub use interactions::{Interaction, InteractionKind, Interactions};
pub use score::{COMPONENT_NAMES, EngagementReport, EngagementRow, FunnelCounts, Stage, Weights};

/// `docs/engagement.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/engagement.md")]
pub struct EngagementGuide;

/// The default half-life of the recency decay, in days.
pub const DEFAULT_HALF_LIFE_DAYS: f64 = 30.0;

/// The organisation: a set of accounts of the corpus, resolved from handles or ids.
///
/// ```
/// use rapport_core::{Account, Corpus};
/// use rapport_core::engagement::Org;
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1234", "acme_careers"));
/// c.add_account(Account::new("99", "acme_eng"));
/// let org = Org::resolve(&c, &["@Acme_Careers", "99"]).unwrap();
/// assert_eq!(org.handles, vec!["acme_careers", "acme_eng"]);
/// let err = Org::resolve(&c, &["acme_careers", "nobody"]).unwrap_err();
/// assert!(err.to_string().contains("@nobody"));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    /// The member accounts, in the order given (duplicates removed).
    pub accounts: Vec<AccountIdx>,
    /// Their handles (the id when the handle is unknown).
    pub handles: Vec<String>,
    /// Their ids.
    pub ids: Vec<String>,
    #[serde(skip)]
    member: Vec<bool>,
}

impl Org {
    /// Resolves handles (with or without `@`, any case) or ids to accounts of the corpus. Every handle
    /// that matches nothing is listed in one [`Error::UnknownOrgAccounts`].
    pub fn resolve<S: AsRef<str>>(corpus: &Corpus, handles_or_ids: &[S]) -> Result<Org, Error> {
        if handles_or_ids.is_empty() {
            return Err(Error::EmptyOrg);
        }
        let mut member = vec![false; corpus.account_capacity()];
        let mut accounts = Vec::new();
        let mut unknown = Vec::new();
        for h in handles_or_ids {
            let h = h.as_ref();
            match corpus.find_account(h) {
                Some(a) => {
                    if !member[a.idx().index()] {
                        member[a.idx().index()] = true;
                        accounts.push(a.idx());
                    }
                }
                None => unknown.push(h.to_owned()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::UnknownOrgAccounts { unknown });
        }
        Ok(Org {
            handles: accounts
                .iter()
                .map(|&a| corpus.account(a).handle_or_id().to_owned())
                .collect(),
            ids: accounts
                .iter()
                .map(|&a| corpus.account(a).id().to_owned())
                .collect(),
            accounts,
            member,
        })
    }

    /// Whether an account belongs to the organisation.
    pub fn contains(&self, a: AccountIdx) -> bool {
        self.member.get(a.index()).copied().unwrap_or(false)
    }
}

/// The knobs of the engagement analysis.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementOptions {
    /// Half-life of the recency decay in days (default 30). Also the window of "recent" two-way
    /// exchanges for the engaged stage.
    pub half_life_days: f64,
    /// The time decay is measured from (default: the newest post of the corpus).
    pub as_of: Option<DateTime<Utc>>,
    /// The weights of the score's components.
    pub weights: Weights,
    /// The weight of a mutual follow (0 by default: a follow-back is a weak, gameable signal). When
    /// above 0 it joins the weights as the component `follows_back` (1 when both follow each other),
    /// shown in the explanation; see `docs/engagement.md`.
    pub follow_weight: f64,
}

impl Default for EngagementOptions {
    fn default() -> Self {
        EngagementOptions {
            half_life_days: DEFAULT_HALF_LIFE_DAYS,
            as_of: None,
            weights: Weights::default(),
            follow_weight: 0.0,
        }
    }
}

impl EngagementOptions {
    /// The default options with another half-life and `as_of` (the Python signature).
    pub fn new(half_life_days: f64, as_of: Option<DateTime<Utc>>) -> Self {
        EngagementOptions {
            half_life_days,
            as_of,
            weights: Weights::default(),
            follow_weight: 0.0,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            return Err(Error::InvalidParameter {
                name: "half_life_days",
                found: self.half_life_days.to_string(),
                expected: "a finite number of days greater than 0",
            });
        }
        if !(self.follow_weight.is_finite() && self.follow_weight >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "follow_weight",
                found: self.follow_weight.to_string(),
                expected: "a finite weight of 0 or more",
            });
        }
        self.weights.validate()
    }
}

/// Engagement of every account with the organisation: a one-shot [`Analysis`](crate::context::Analysis).
///
/// Use [`Analysis::engagement`](crate::context::Analysis::engagement) to share the interaction list
/// (and everything else computed) across several analyses.
pub fn engagement<S: AsRef<str>>(
    corpus: &Corpus,
    org: &[S],
    opts: &EngagementOptions,
) -> Result<EngagementReport, Error> {
    crate::context::Analysis::new(corpus).engagement(org, opts)
}

pub(crate) fn run(
    ctx: crate::context::Ctx<'_>,
    org: &Org,
    opts: &EngagementOptions,
) -> Result<EngagementReport, Error> {
    over(ctx.corpus, ctx.interactions(), org, opts)
}

/// Engagement over a given interaction list (for the analyses that take one).
pub(crate) fn over(
    corpus: &Corpus,
    interactions: &Interactions,
    org: &Org,
    opts: &EngagementOptions,
) -> Result<EngagementReport, Error> {
    opts.validate()?;
    Ok(score::report(corpus, interactions, org, opts))
}

/// The explanation of one account's engagement (handle or id): a one-shot
/// [`Analysis`](crate::context::Analysis).
pub fn explain<S: AsRef<str>>(
    corpus: &Corpus,
    org: &[S],
    account: &str,
    opts: &EngagementOptions,
) -> Result<Explanation, Error> {
    crate::context::Analysis::new(corpus).explain(org, account, opts)
}

pub(crate) fn run_explain(
    ctx: crate::context::Ctx<'_>,
    org: &Org,
    account: &str,
    opts: &EngagementOptions,
) -> Result<Explanation, Error> {
    opts.validate()?;
    let corpus = ctx.corpus;
    let a = corpus
        .find_account(account)
        .ok_or_else(|| Error::UnknownAccount(account.to_owned()))?;
    Ok(explain::explain(
        corpus,
        ctx.interactions(),
        org,
        a.idx(),
        opts,
    ))
}

/// The broadcast report of the organisation's own posts.
pub fn broadcast_report<S: AsRef<str>>(
    corpus: &Corpus,
    org: &[S],
) -> Result<BroadcastReport, Error> {
    let org = Org::resolve(corpus, org)?;
    Ok(broadcast::report(corpus, &org))
}

/// The analyses as methods of the corpus, for one-line use from the bindings and examples.
impl Corpus {
    /// See [`engagement()`].
    pub fn engagement<S: AsRef<str>>(
        &self,
        org: &[S],
        opts: &EngagementOptions,
    ) -> Result<EngagementReport, Error> {
        engagement(self, org, opts)
    }

    /// See [`explain()`].
    pub fn explain_engagement<S: AsRef<str>>(
        &self,
        org: &[S],
        account: &str,
        opts: &EngagementOptions,
    ) -> Result<Explanation, Error> {
        explain(self, org, account, opts)
    }

    /// See [`broadcast_report()`].
    pub fn broadcast_report<S: AsRef<str>>(&self, org: &[S]) -> Result<BroadcastReport, Error> {
        broadcast_report(self, org)
    }
}
