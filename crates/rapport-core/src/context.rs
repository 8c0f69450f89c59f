//! An analysis context that computes each shared piece at most once per corpus.
//!
//! Every analysis of rapport starts from the same few derived structures: the interaction list
//! ([`Interactions`]), the interaction graph ([`InteractionGraph`], per set of kind weights), the
//! conversation indices ([`Corpus::indices`]) and, for anything about skills, the skill evidence of a
//! taxonomy ([`SkillReport`], the biggest cost: one matcher pass over every post). An [`Analysis`]
//! holds a corpus and computes each of these lazily, the first time an analysis needs it, then
//! shares it with every later one: engagement, the broadcast report, mentors, the learning feed,
//! candidate ranking, HRIS scoring, the inbox and conversation starters. Mentors of a second skill
//! topic do not redo the evidence pass.
//!
//! **Invalidation.** The context holds the corpus by shared reference (`&Corpus`, or `Arc<Corpus>`
//! where it must own it, as the Python binding does), so the corpus cannot change while the context
//! lives: changing a corpus means dropping its context first, and a new context computes everything
//! afresh. The caches can never serve results of another state of the corpus.
//!
//! **Keys.** Skill evidence is cached per matcher (by identity: the same `Arc<Matcher>`) and per
//! [`EvidenceOptions`]; a request that keeps only the best few evidence posts is derived from the
//! full result (the kept ids are its first ones), so `skills()` after `mentors(topic=skill)` is free.
//! [`Analysis::matcher`] compiles a taxonomy once per `Arc<Taxonomy>` (the built-in taxonomy and its
//! matcher once per process, [`builtin_taxonomy`] and [`builtin_matcher`]). At most
//! [`MAX_EVIDENCE_ENTRIES`] evidence results and [`MAX_MATCHERS`] matchers are kept, the oldest
//! dropped first.
//!
//! The free functions of the analysis modules ([`crate::engagement::engagement`],
//! [`crate::mentors::mentors`], …) and the same-named methods of [`Corpus`] are one-shot shorthands
//! for a fresh context.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::context::{Analysis, builtin_matcher};
//! use rapport_core::engagement::EngagementOptions;
//! use rapport_core::mentors::{MentorOptions, Topic};
//! use rapport_core::skills::EvidenceOptions;
//!
//! let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! for (id, h) in [("1", "acme"), ("2", "ada"), ("3", "bob")] { c.add_account(Account::new(id, h)); }
//! let mut q = Post::new("10", "2", "How do I pin a #rustlang toolchain? Also #python", t);
//! q.hashtags = vec!["rustlang".into(), "python".into()];
//! c.add_post(q);
//! let mut a = Post::new("11", "3", "rust-toolchain.toml, and uv for #python", t + Duration::hours(1));
//! a.reply_to = Some("10".into());
//! a.hashtags = vec!["python".into()];
//! c.add_post(a);
//! // acme answers both of them.
//! for (id, to) in [("12", "10"), ("13", "11")] {
//!     let mut r = Post::new(id, "1", "Thanks, good tip", t + Duration::hours(2));
//!     r.reply_to = Some(to.into());
//!     c.add_post(r);
//! }
//!
//! let ctx = Analysis::new(&c);
//! let eng = ctx.engagement(&["acme"], &EngagementOptions::default()).unwrap();
//! assert_eq!(eng.rows.len(), 2);
//! let rust = ctx.mentors(&Topic::skill("rust"), None, &MentorOptions::default()).unwrap();
//! let python = ctx.mentors(&Topic::skill("python"), None, &MentorOptions::default()).unwrap();
//! assert!(!rust.rows.is_empty() && !python.rows.is_empty());
//! let skills = ctx.skills(&builtin_matcher(), &EvidenceOptions::default());
//! assert!(skills.get("ada", "rapport:rust").is_some());
//! // One interaction list, one graph, one evidence pass for all of it.
//! let n = ctx.computed();
//! assert_eq!((n.interactions, n.graphs, n.evidence_passes), (1, 1, 1));
//! ```

use std::ops::Deref;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde::Serialize;

use crate::candidates::Candidate;
use crate::corpus::{AccountIdx, Corpus, Indices};
use crate::engagement::{
    BroadcastReport, EngagementOptions, EngagementReport, Explanation, Interactions, Org,
};
use crate::error::Error;
use crate::graph::{InteractionGraph, KindWeights};
use crate::hris::{CandidateScores, ScoreOptions};
use crate::inbox::{InboxOptions, InboxReport, StarterOptions, StarterRow};
use crate::learning::{LearningFeed, LearningOptions};
use crate::mentors::{MentorBase, MentorOptions, MentorReport, PostLinks, Topic};
use crate::ranking::{CandidateOptions, CandidateReport};
use crate::skills::{
    EvidenceOptions, JobProfile, Matcher, SkillReport, Taxonomy, evidence, evidence_with_rows,
};

/// The most skill-evidence results one context keeps (per matcher and options); the oldest goes first.
pub const MAX_EVIDENCE_ENTRIES: usize = 16;
/// The most compiled taxonomies one context keeps; the oldest goes first.
pub const MAX_MATCHERS: usize = 8;

/// The built-in taxonomy, parsed once per process and shared.
pub fn builtin_taxonomy() -> Arc<Taxonomy> {
    static T: OnceLock<Arc<Taxonomy>> = OnceLock::new();
    Arc::clone(T.get_or_init(|| Arc::new(Taxonomy::builtin())))
}

/// The matcher of the built-in taxonomy, compiled once per process and shared.
pub fn builtin_matcher() -> Arc<Matcher> {
    Arc::clone(builtin_matcher_ref())
}

fn builtin_matcher_ref() -> &'static Arc<Matcher> {
    static M: OnceLock<Arc<Matcher>> = OnceLock::new();
    M.get_or_init(|| Arc::new(Matcher::new(&builtin_taxonomy())))
}

/// How many times a context computed each shared piece (each is at most once per key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Computed {
    /// Interaction lists built (0 or 1).
    pub interactions: u32,
    /// Interaction graphs built (one per set of kind weights).
    pub graphs: u32,
    /// Taxonomies compiled into matchers.
    pub matchers: u32,
    /// Passes of the matcher over the corpus (one per matcher and evidence options).
    pub evidence_passes: u32,
}

/// A report, and for a full one (every evidence post kept) each row's evidence posts as corpus rows
/// and the rows of each skill.
type EvidenceEntry = (
    Arc<SkillReport>,
    Option<(Arc<Vec<Vec<u32>>>, Arc<SkillRows>)>,
);

/// What a skill topic reads of a [`SkillReport`]'s rows, so that it visits only its own rows and
/// looks no account up by id.
pub(crate) struct SkillRows {
    /// The positions of each skill id's rows, in row order.
    pub(crate) by_skill: hashbrown::HashMap<String, Vec<u32>>,
    /// Each row's account in the corpus (`None` when the corpus has no account of the row's id).
    pub(crate) account: Vec<Option<AccountIdx>>,
}

/// The rows of each skill of a report, and each row's account.
pub(crate) fn skill_rows(corpus: &Corpus, report: &SkillReport) -> SkillRows {
    let mut by: hashbrown::HashMap<String, Vec<u32>> = hashbrown::HashMap::new();
    let mut account = Vec::with_capacity(report.rows.len());
    // An account's rows come together: look each id up once per run of rows.
    let mut last: Option<(&str, Option<AccountIdx>)> = None;
    for (i, r) in report.rows.iter().enumerate() {
        match by.get_mut(r.skill_id.as_str()) {
            Some(v) => v.push(i as u32),
            None => {
                by.insert(r.skill_id.clone(), vec![i as u32]);
            }
        }
        let a = match last {
            Some((id, a)) if id == r.account_id => a,
            _ => corpus.account_by_id(&r.account_id).map(|a| a.idx()),
        };
        last = Some((&r.account_id, a));
        account.push(a);
    }
    SkillRows {
        by_skill: by,
        account,
    }
}
type EvidenceCell = Arc<OnceLock<EvidenceEntry>>;

/// The caches, apart from the holder of the corpus so that the analyses need not be generic.
#[derive(Default)]
pub(crate) struct Caches {
    interactions: OnceLock<Interactions>,
    mentor_base: OnceLock<MentorBase>,
    post_links: OnceLock<PostLinks>,
    graphs: Mutex<Vec<(KindWeights, Arc<InteractionGraph>)>>,
    matchers: Mutex<Vec<(Arc<Taxonomy>, Arc<Matcher>)>>,
    evidence: Mutex<Vec<(Arc<Matcher>, EvidenceOptions, EvidenceCell)>>,
    n_interactions: AtomicU32,
    n_graphs: AtomicU32,
    n_matchers: AtomicU32,
    n_evidence: AtomicU32,
}

/// A lock that a panic elsewhere did not make unusable (the caches hold no half-written state:
/// entries are pushed whole).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The analyses over one corpus, computing the shared pieces once (see the [module docs](self)).
///
/// `C` is how the corpus is held: `&Corpus` for a context on the stack, `Arc<Corpus>` for one that
/// lives beside the corpus (the default).
pub struct Analysis<C: Deref<Target = Corpus> = Arc<Corpus>> {
    corpus: C,
    caches: Caches,
}

impl<C: Deref<Target = Corpus>> std::fmt::Debug for Analysis<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis")
            .field("posts", &self.corpus.num_posts())
            .field("computed", &self.computed())
            .finish_non_exhaustive()
    }
}

/// Which matcher an analysis reads skills with: one the context may cache results of (shared by
/// `Arc`, so its identity is stable while cached), or a borrowed one (results computed afresh).
#[derive(Clone, Copy)]
pub(crate) enum SkillsWith<'a> {
    Shared(&'a Arc<Matcher>),
    Borrowed(&'a Matcher),
    /// The built-in taxonomy's matcher, compiled when first used (an analysis that reads no skill,
    /// such as mentors of a hashtag, never compiles it).
    Builtin,
}

impl<'a> SkillsWith<'a> {
    /// The built-in matcher when `m` is `None`.
    pub(crate) fn shared_or_builtin(m: Option<&'a Arc<Matcher>>) -> SkillsWith<'a> {
        m.map_or(SkillsWith::Builtin, SkillsWith::Shared)
    }

    pub(crate) fn matcher(&self) -> &Matcher {
        match self {
            SkillsWith::Shared(m) => m,
            SkillsWith::Borrowed(m) => m,
            SkillsWith::Builtin => builtin_matcher_ref(),
        }
    }
}

/// The non-generic view the analyses work with.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) corpus: &'a Corpus,
    caches: &'a Caches,
}

impl<'a> Ctx<'a> {
    /// The interaction list, built on first use.
    pub(crate) fn interactions(self) -> &'a Interactions {
        self.caches.interactions.get_or_init(|| {
            self.caches.n_interactions.fetch_add(1, Ordering::Relaxed);
            Interactions::build(self.corpus)
        })
    }

    /// What every topic's mentor signals read (questions, interactions by account pair), built on
    /// first use.
    pub(crate) fn mentor_base(self) -> &'a MentorBase {
        let ix = self.interactions();
        self.caches
            .mentor_base
            .get_or_init(|| MentorBase::build(self.corpus, ix))
    }

    /// Each post's conversation-key bound and repost or quote target, which every topic's marking
    /// pass reads, built on first use.
    pub(crate) fn post_links(self) -> &'a PostLinks {
        self.caches
            .post_links
            .get_or_init(|| PostLinks::build(self.corpus))
    }

    /// The interaction graph with these kind weights, built on first use.
    pub(crate) fn graph(self, weights: &KindWeights) -> Result<Arc<InteractionGraph>, Error> {
        weights.validate()?;
        let ix = self.interactions();
        let mut graphs = lock(&self.caches.graphs);
        if let Some((_, g)) = graphs.iter().find(|(w, _)| w == weights) {
            return Ok(Arc::clone(g));
        }
        // Building a graph takes milliseconds: holding the lock meanwhile is simpler than a cell.
        let g = Arc::new(InteractionGraph::build(self.corpus, ix, weights)?);
        self.caches.n_graphs.fetch_add(1, Ordering::Relaxed);
        graphs.push((*weights, Arc::clone(&g)));
        Ok(g)
    }

    /// The skill evidence of a matcher with some options: cached for a shared matcher (derived from
    /// the full result when only the best few posts are kept), computed for a borrowed one.
    pub(crate) fn evidence(self, with: SkillsWith<'_>, opts: &EvidenceOptions) -> Arc<SkillReport> {
        let m = match with {
            SkillsWith::Borrowed(m) => {
                self.caches.n_evidence.fetch_add(1, Ordering::Relaxed);
                return Arc::new(evidence(self.corpus, m, opts));
            }
            SkillsWith::Shared(m) => m,
            SkillsWith::Builtin => builtin_matcher_ref(),
        };
        self.entry(m, opts).0
    }

    /// The full skill evidence (every evidence post kept, whatever `opts` says) with each row's
    /// evidence posts as corpus rows, and the rows of each skill.
    pub(crate) fn evidence_rows(
        self,
        with: SkillsWith<'_>,
        opts: &EvidenceOptions,
    ) -> (Arc<SkillReport>, Arc<Vec<Vec<u32>>>, Arc<SkillRows>) {
        let opts = opts.clone().all_evidence();
        let m = match with {
            SkillsWith::Borrowed(m) => {
                self.caches.n_evidence.fetch_add(1, Ordering::Relaxed);
                let (r, rows) = evidence_with_rows(self.corpus, m, &opts);
                let by_skill = skill_rows(self.corpus, &r);
                return (Arc::new(r), Arc::new(rows), Arc::new(by_skill));
            }
            SkillsWith::Shared(m) => m,
            SkillsWith::Builtin => builtin_matcher_ref(),
        };
        let (r, rows) = self.entry(m, &opts);
        let (rows, by_skill) = rows.expect("a full evidence entry keeps its rows");
        (r, rows, by_skill)
    }

    /// The cached entry of a shared matcher and options, computed on first use.
    fn entry(self, m: &Arc<Matcher>, opts: &EvidenceOptions) -> EvidenceEntry {
        let cell = self.cell(m, opts);
        let e = cell.get_or_init(|| match opts.max_evidence_posts {
            None => {
                self.caches.n_evidence.fetch_add(1, Ordering::Relaxed);
                let (r, rows) = evidence_with_rows(self.corpus, m, opts);
                let by_skill = skill_rows(self.corpus, &r);
                (Arc::new(r), Some((Arc::new(rows), Arc::new(by_skill))))
            }
            Some(keep) => {
                let full = self.entry(m, &opts.clone().all_evidence()).0;
                (Arc::new(full.keeping_evidence(keep)), None)
            }
        });
        e.clone()
    }

    /// The cell of one (matcher, options) key, made empty when new. The slow pass runs outside the
    /// lock, in the cell, so other keys are not held up and a key is computed once.
    fn cell(self, m: &Arc<Matcher>, opts: &EvidenceOptions) -> EvidenceCell {
        let mut all = lock(&self.caches.evidence);
        if let Some((_, _, c)) = all.iter().find(|(k, o, _)| Arc::ptr_eq(k, m) && o == opts) {
            return Arc::clone(c);
        }
        if all.len() >= MAX_EVIDENCE_ENTRIES {
            all.remove(0);
        }
        let c = EvidenceCell::default();
        all.push((Arc::clone(m), opts.clone(), Arc::clone(&c)));
        c
    }
}

impl<C: Deref<Target = Corpus>> Analysis<C> {
    /// A context over a corpus; nothing is computed yet.
    pub fn new(corpus: C) -> Self {
        Analysis {
            corpus,
            caches: Caches::default(),
        }
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            corpus: &self.corpus,
            caches: &self.caches,
        }
    }

    /// The corpus.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// How many times each shared piece was computed so far.
    pub fn computed(&self) -> Computed {
        let c = &self.caches;
        Computed {
            interactions: c.n_interactions.load(Ordering::Relaxed),
            graphs: c.n_graphs.load(Ordering::Relaxed),
            matchers: c.n_matchers.load(Ordering::Relaxed),
            evidence_passes: c.n_evidence.load(Ordering::Relaxed),
        }
    }

    /// The interaction list, built on first use.
    pub fn interactions(&self) -> &Interactions {
        self.ctx().interactions()
    }

    /// The interaction graph with these kind weights, built on first use (checked first).
    pub fn graph(&self, weights: &KindWeights) -> Result<Arc<InteractionGraph>, Error> {
        self.ctx().graph(weights)
    }

    /// The conversation indices (kept by the corpus itself, built on first use).
    pub fn indices(&self) -> &Indices {
        self.corpus.indices()
    }

    /// The matcher of a taxonomy, compiled once per `Arc<Taxonomy>` (the shared built-in taxonomy
    /// of [`builtin_taxonomy`] gives [`builtin_matcher`]).
    pub fn matcher(&self, taxonomy: &Arc<Taxonomy>) -> Arc<Matcher> {
        if Arc::ptr_eq(taxonomy, &builtin_taxonomy()) {
            return builtin_matcher();
        }
        let mut all = lock(&self.caches.matchers);
        if let Some((_, m)) = all.iter().find(|(t, _)| Arc::ptr_eq(t, taxonomy)) {
            return Arc::clone(m);
        }
        if all.len() >= MAX_MATCHERS {
            all.remove(0);
        }
        let m = Arc::new(Matcher::new(taxonomy));
        self.caches.n_matchers.fetch_add(1, Ordering::Relaxed);
        all.push((Arc::clone(taxonomy), Arc::clone(&m)));
        m
    }

    /// The skill evidence of every account ([`crate::skills::evidence`]) with a matcher, computed
    /// once per matcher and options.
    pub fn skills(&self, matcher: &Arc<Matcher>, opts: &EvidenceOptions) -> Arc<SkillReport> {
        self.ctx().evidence(SkillsWith::Shared(matcher), opts)
    }

    /// Engagement of every account with the organisation ([`crate::engagement::engagement`]).
    pub fn engagement<S: AsRef<str>>(
        &self,
        org: &[S],
        opts: &EngagementOptions,
    ) -> Result<EngagementReport, Error> {
        let org = Org::resolve(&self.corpus, org)?;
        self.engagement_of(&org, opts)
    }

    /// Engagement with an organisation already resolved.
    pub fn engagement_of(
        &self,
        org: &Org,
        opts: &EngagementOptions,
    ) -> Result<EngagementReport, Error> {
        crate::engagement::run(self.ctx(), org, opts)
    }

    /// Why one account has its engagement ([`crate::engagement::explain`]).
    pub fn explain<S: AsRef<str>>(
        &self,
        org: &[S],
        account: &str,
        opts: &EngagementOptions,
    ) -> Result<Explanation, Error> {
        let org = Org::resolve(&self.corpus, org)?;
        crate::engagement::run_explain(self.ctx(), &org, account, opts)
    }

    /// The broadcast report of the organisation's own posts ([`crate::engagement::broadcast_report`]).
    pub fn broadcast_report<S: AsRef<str>>(&self, org: &[S]) -> Result<BroadcastReport, Error> {
        crate::engagement::broadcast_report(&self.corpus, org)
    }

    /// Mentors of a topic ([`crate::mentors::mentors`]); a skill topic is read with `matcher` (the
    /// built-in taxonomy when `None`) and its evidence pass is shared with every other skill topic.
    pub fn mentors(
        &self,
        topic: &Topic,
        matcher: Option<&Arc<Matcher>>,
        opts: &MentorOptions,
    ) -> Result<MentorReport, Error> {
        let m = SkillsWith::shared_or_builtin(matcher);
        crate::mentors::run(self.ctx(), topic, m, opts)
    }

    /// The learning feed of some goals ([`crate::learning::learning_feed`]).
    pub fn learning_feed(
        &self,
        goals: &[Topic],
        matcher: Option<&Arc<Matcher>>,
        opts: &LearningOptions,
    ) -> Result<LearningFeed, Error> {
        let m = SkillsWith::shared_or_builtin(matcher);
        crate::learning::run(self.ctx(), goals, m, opts)
    }

    /// Candidates for a job ranked by skill fit ([`crate::ranking::rank_candidates`]); several jobs
    /// share one evidence pass.
    pub fn rank_candidates<S: AsRef<str>>(
        &self,
        job: &JobProfile,
        org: &[S],
        matcher: &Arc<Matcher>,
        opts: &CandidateOptions,
    ) -> Result<CandidateReport, Error> {
        let org = Org::resolve(&self.corpus, org)?;
        crate::ranking::run(self.ctx(), &org, job, SkillsWith::Shared(matcher), opts)
    }

    /// HRIS candidate records scored against the organisation ([`crate::hris::score_candidates`]),
    /// skills read with `matcher` (the built-in taxonomy when `None`).
    pub fn score_candidates(
        &self,
        candidates: &[Candidate],
        org: &Org,
        matcher: Option<&Arc<Matcher>>,
        opts: &ScoreOptions,
    ) -> Result<CandidateScores, Error> {
        let m = SkillsWith::shared_or_builtin(matcher);
        crate::hris::run(self.ctx(), candidates, org, m, opts)
    }

    /// The organisation's inbox ([`crate::inbox::inbox`]).
    pub fn inbox<S: AsRef<str>>(
        &self,
        org: &[S],
        opts: &InboxOptions,
    ) -> Result<InboxReport, Error> {
        let org = Org::resolve(&self.corpus, org)?;
        crate::inbox::run(self.ctx(), &org, opts)
    }

    /// Whom to start a conversation with ([`crate::inbox::conversation_starters`]), ranked by fit
    /// for `job` read with `matcher` when given.
    pub fn conversation_starters(
        &self,
        org: &Org,
        job: Option<(&JobProfile, &Arc<Matcher>)>,
        opts: &StarterOptions,
    ) -> Result<Vec<StarterRow>, Error> {
        crate::inbox::run_starters(
            self.ctx(),
            org,
            job.map(|(j, m)| (j, SkillsWith::Shared(m))),
            opts,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::SkillEvidence;

    #[test]
    fn keeping_evidence_is_the_full_report_cut_to_the_best_ids() {
        let t = chrono::TimeZone::timestamp_opt(&chrono::Utc, 1_700_000_000, 0).unwrap();
        let full = SkillReport {
            as_of: Some(t),
            half_life_days: 90.0,
            rows: (0..7usize)
                .map(|k| SkillEvidence {
                    account_id: format!("a{k}"),
                    handle: format!("h{k}"),
                    skill_id: format!("s{}", k % 3),
                    label: format!("S{}", k % 3),
                    strength: k as f64 / 3.0,
                    posts: k as u32,
                    first_seen: Some(t),
                    last_seen: (k % 2 == 0).then_some(t),
                    evidence_post_ids: (0..k).map(|p| format!("{k}-{p}")).collect(),
                    evidence_list_ids: (0..k % 3).map(|l| format!("l{l}")).collect(),
                    ..SkillEvidence::default()
                })
                .collect(),
            posts_scanned: 41,
            reposts_skipped: 3,
            sensitive: crate::skills::SensitiveExclusions::default(),
        };
        for keep in [0, 1, 3, 100] {
            let mut want = full.clone();
            for r in &mut want.rows {
                r.evidence_post_ids.truncate(keep);
            }
            assert_eq!(full.keeping_evidence(keep), want, "{keep}");
        }
    }

    #[test]
    fn the_rows_of_a_skill_are_the_rows_with_its_id_in_order() {
        let ids = ["b", "a", "b", "c", "a", "b"];
        let report = SkillReport {
            as_of: None,
            half_life_days: 1.0,
            rows: ids
                .iter()
                .map(|id| SkillEvidence {
                    skill_id: (*id).to_owned(),
                    ..SkillEvidence::default()
                })
                .collect(),
            posts_scanned: 0,
            reposts_skipped: 0,
            sensitive: crate::skills::SensitiveExclusions::default(),
        };
        let by = skill_rows(&Corpus::new(), &report);
        assert_eq!(by.by_skill.len(), 3);
        assert_eq!(by.by_skill["a"], [1, 4]);
        assert_eq!(by.by_skill["b"], [0, 2, 5]);
        assert_eq!(by.by_skill["c"], [3]);
        assert_eq!(by.account, [None; 6]);
        // Rows of known accounts, in runs and not: each row gets its own account.
        let mut c = Corpus::new();
        c.add_account(crate::Account::new("1", "ada"));
        c.add_account(crate::Account::new("2", "bob"));
        let ids = ["1", "1", "2", "1", "x", "x", "2"];
        let report = SkillReport {
            rows: ids
                .iter()
                .map(|id| SkillEvidence {
                    account_id: (*id).to_owned(),
                    skill_id: "s".into(),
                    ..SkillEvidence::default()
                })
                .collect(),
            ..report
        };
        let want: Vec<Option<AccountIdx>> = ids
            .iter()
            .map(|id| c.account_by_id(id).map(|a| a.idx()))
            .collect();
        assert!(want[0].is_some() && want[2].is_some() && want[0] != want[2]);
        assert_eq!(skill_rows(&c, &report).account, want);
    }
}
