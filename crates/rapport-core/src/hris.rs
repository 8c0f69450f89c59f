//! Scores keyed by the HRIS's own id: from candidate records to explained engagement scores.
//!
//! An HRIS or ATS knows people by its own id and holds their handles; it needs, per person, the
//! engagement score with the organisation, the funnel stage, what the score is made of and the
//! skills their public posts show — keyed by *its* id, without learning rapport's internals.
//! [`score_candidates`] is that one call: it resolves the candidates' handles against the corpus
//! ([`crate::candidates::resolve`]), scores each matched account against the [`Org`] and returns
//! one [`CandidateScore`] row per candidate, in input order, HRIS id first.
//!
//! Nothing is dropped: a candidate whose handles are all unknown gets a row with status
//! `unknown_handle` (and every unknown handle is listed in [`CandidateScores::unknown`]), a candidate
//! without handles gets `no_handle`, and a candidate whose handle is one of the organisation's own
//! accounts gets `org_account` and no score (the organisation is never scored as a candidate).
//!
//! The score is the advisory 0–100 engagement score of [`crate::engagement`]: a sum of named
//! components, each listed in [`CandidateScore::components`] with its raw value and the points it
//! adds. With [`ScoreOptions::explain`] each row also carries the one-line summary, the reason for
//! its stage and the ids of the posts behind every count. Top skills come from
//! [`crate::skills::evidence`] (sensitive terms filtered before counting); they are shown beside the
//! score and never enter it.
//!
//! The rows are `Serialize` and flat enough for a CSV or a DataFrame; the Python binding returns
//! them as records.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::candidates::{Candidate, Handle};
//! use rapport_core::engagement::{Org, Stage};
//! use rapport_core::hris::{MatchStatus, ScoreOptions, score_candidates};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "acme_careers"));
//! c.add_account(Account::new("2", "ada"));
//! c.add_post(Post::new("10", "1", "We are #hiring", t0));
//! let mut q = Post::new("11", "2", "Is it remote? I write #rustlang daily", t0 + Duration::hours(1));
//! q.reply_to = Some("10".into());
//! q.hashtags = vec!["rustlang".into()];
//! c.add_post(q);
//! let mut a = Post::new("12", "1", "Yes, fully remote", t0 + Duration::hours(2));
//! a.reply_to = Some("11".into());
//! c.add_post(a);
//!
//! let mut ada = Candidate::new("E-1");
//! ada.handles.push(Handle::parse_x("https://x.com/Ada").unwrap());
//! let mut ghost = Candidate::new("E-2");
//! ghost.handles.push(Handle::parse_x("@nobody_here").unwrap());
//!
//! let org = Org::resolve(&c, &["acme_careers"]).unwrap();
//! let scores = score_candidates(&c, &[ada, ghost], &org, &ScoreOptions::default()).unwrap();
//! let row = &scores.rows[0];
//! assert_eq!((row.hris_id.as_str(), row.status), ("E-1", MatchStatus::Scored));
//! assert_eq!(row.stage, Some(Stage::Conversing));
//! assert_eq!(row.top_skills[0].label, "Rust");
//! let sum: f64 = row.components.iter().map(|k| k.contribution).sum();
//! assert!((sum - row.score.unwrap()).abs() < 1e-9);
//! assert_eq!(scores.rows[1].status, MatchStatus::UnknownHandle);
//! assert_eq!(scores.unknown[0].handle, "nobody_here");
//! ```

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::candidates::{Candidate, SharedAccount, UnknownHandle, resolve};
use crate::context::{Ctx, SkillsWith};
use crate::corpus::{AccountIdx, Corpus};
use crate::engagement::{EngagementOptions, Evidence, Org, Stage};
use crate::error::Error;
use crate::skills::{EvidenceOptions, SkillReport};

/// `docs/hris.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/hris.md")]
pub struct HrisGuide;

/// What [`score_candidates`] is for, recorded on every result.
pub const PURPOSE: &str = "advisory engagement scores of candidate records, for a human reviewer; \
    never an automated decision about a person";

/// The knobs of [`score_candidates`].
#[derive(Debug, Clone, Serialize)]
pub struct ScoreOptions {
    /// Options of the engagement score (half-life, `as_of`, weights).
    pub engagement: EngagementOptions,
    /// Options of the skill evidence behind `top_skills`.
    pub evidence: EvidenceOptions,
    /// How many skills to list per candidate (default 5).
    pub top_skills: usize,
    /// Whether each row carries its [`CandidateExplanation`] (default false).
    pub explain: bool,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            engagement: EngagementOptions::default(),
            evidence: EvidenceOptions::default(),
            top_skills: 5,
            explain: false,
        }
    }
}

impl ScoreOptions {
    /// The default options with explanations on.
    pub fn explained() -> Self {
        ScoreOptions {
            explain: true,
            ..ScoreOptions::default()
        }
    }
}

/// How a candidate record met the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// At least one handle is an account of the corpus outside the organisation: scored.
    #[default]
    Scored,
    /// None of the handles is in the corpus (each is listed in [`CandidateScores::unknown`]).
    UnknownHandle,
    /// The record has no handle.
    NoHandle,
    /// A handle is one of the organisation's own accounts: not scored.
    OrgAccount,
}

impl MatchStatus {
    /// The lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Scored => "scored",
            MatchStatus::UnknownHandle => "unknown_handle",
            MatchStatus::NoHandle => "no_handle",
            MatchStatus::OrgAccount => "org_account",
        }
    }
}

/// One component of a candidate's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentScore {
    /// The component's name (see [`crate::engagement::COMPONENT_NAMES`]).
    pub name: &'static str,
    /// The measured value.
    pub raw: f64,
    /// Points it adds to the score; the contributions sum to the score.
    pub contribution: f64,
}

/// One skill of a candidate, from their public posts and bio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopSkill {
    /// The skill's stable id (an ESCO URI where there is one).
    pub skill_id: String,
    /// Its preferred label.
    pub label: String,
    /// Recency-decayed evidence strength.
    pub strength: f64,
    /// Posts with evidence.
    pub posts: u32,
    /// The best evidence post ids.
    pub evidence_post_ids: Vec<String>,
}

/// Why a candidate has their score (with [`ScoreOptions::explain`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateExplanation {
    /// The score in one line.
    pub summary: String,
    /// Why the candidate is at their funnel stage.
    pub stage_reason: String,
    /// The ids of the posts behind every count.
    pub evidence: Evidence,
}

/// The result for one candidate record, keyed by the HRIS id.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CandidateScore {
    /// The HRIS's own id.
    pub hris_id: String,
    /// The name the HRIS gave (never used to score).
    pub name: Option<String>,
    /// The pipeline stage the HRIS gave, as written.
    pub hris_stage: Option<String>,
    /// How the record met the corpus.
    pub status: MatchStatus,
    /// The handle of the scored account (the best-scoring one when the record has several).
    pub handle: Option<String>,
    /// Its platform id.
    pub account_id: Option<String>,
    /// The advisory 0–100 engagement score (`None` unless scored).
    pub score: Option<f64>,
    /// The funnel stage with the organisation (`None` unless scored).
    pub stage: Option<Stage>,
    /// Interactions either way with the organisation.
    pub interactions: u32,
    /// The last of them.
    pub last_interaction: Option<DateTime<Utc>>,
    /// The score's components, in the order of [`crate::engagement::COMPONENT_NAMES`].
    pub components: Vec<ComponentScore>,
    /// The strongest skills shown by the account, strongest first.
    pub top_skills: Vec<TopSkill>,
    /// The record's handles that are not in the corpus.
    pub unknown_handles: Vec<String>,
    /// The explanation, when asked for.
    pub explanation: Option<CandidateExplanation>,
}

/// The scores of a batch of candidate records.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateScores {
    /// One row per candidate record, in input order.
    pub rows: Vec<CandidateScore>,
    /// Every handle that is not in the corpus, in input order.
    pub unknown: Vec<UnknownHandle>,
    /// Candidates without any handle.
    pub without_handles: Vec<String>,
    /// Accounts claimed by two or more candidate records.
    pub shared: Vec<SharedAccount>,
    /// The organisation's handles.
    pub org: Vec<String>,
    /// The time the decay was measured from.
    pub as_of: Option<DateTime<Utc>>,
    /// The half-life of the engagement decay, in days.
    pub half_life_days: f64,
    /// What the scores are for.
    pub purpose: &'static str,
    /// Always `true`: a human decides, with the explanation.
    pub advisory: bool,
}

impl CandidateScores {
    /// The row of one HRIS id.
    pub fn row(&self, hris_id: &str) -> Option<&CandidateScore> {
        self.rows.iter().find(|r| r.hris_id == hris_id)
    }

    /// Whether every candidate was found and scored (no unknown handle, no record without
    /// handles). A script can treat anything else as a partial result.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.without_handles.is_empty()
    }

    /// The rows that were scored.
    pub fn scored(&self) -> impl Iterator<Item = &CandidateScore> {
        self.rows.iter().filter(|r| r.status == MatchStatus::Scored)
    }
}

/// Scores candidate records against the organisation, with the built-in skills taxonomy: a one-shot
/// [`Analysis`](crate::context::Analysis) (use
/// [`Analysis::score_candidates`](crate::context::Analysis::score_candidates) for another taxonomy,
/// or to share the interaction list and the skill evidence with other analyses).
pub fn score_candidates(
    corpus: &Corpus,
    candidates: &[Candidate],
    org: &Org,
    opts: &ScoreOptions,
) -> Result<CandidateScores, Error> {
    crate::context::Analysis::new(corpus).score_candidates(candidates, org, None, opts)
}

pub(crate) fn run(
    ctx: Ctx<'_>,
    candidates: &[Candidate],
    org: &Org,
    with: SkillsWith<'_>,
    opts: &ScoreOptions,
) -> Result<CandidateScores, Error> {
    let corpus = ctx.corpus;
    let resolution = resolve(corpus, candidates);
    let skills = ctx.evidence(with, &opts.evidence);
    let mut rows = Vec::with_capacity(candidates.len());
    for c in candidates {
        let unknown_handles: Vec<String> = resolution
            .unknown
            .iter()
            .filter(|u| u.hris_id == c.hris_id)
            .map(|u| u.handle.clone())
            .collect();
        let accounts: Vec<AccountIdx> = dedup(resolution.accounts_of(&c.hris_id));
        let mut row = CandidateScore {
            hris_id: c.hris_id.clone(),
            name: c.name.clone(),
            hris_stage: c.stage.clone(),
            status: MatchStatus::Scored,
            handle: None,
            account_id: None,
            score: None,
            stage: None,
            interactions: 0,
            last_interaction: None,
            components: Vec::new(),
            top_skills: Vec::new(),
            unknown_handles,
            explanation: None,
        };
        if c.handles.is_empty() {
            row.status = MatchStatus::NoHandle;
        } else if accounts.is_empty() {
            row.status = MatchStatus::UnknownHandle;
        } else if let Some(&a) = accounts.iter().find(|&&a| org.contains(a)) {
            row.status = MatchStatus::OrgAccount;
            row.handle = Some(corpus.account(a).handle_or_id().to_owned());
            row.account_id = Some(corpus.account(a).id().to_owned());
        } else {
            // The best-scoring of the candidate's accounts (the first on a tie).
            let mut best = None;
            for &a in &accounts {
                let id = corpus.account(a).id().to_owned();
                let why = crate::engagement::run_explain(ctx, org, &id, &opts.engagement)?;
                if best.as_ref().is_none_or(
                    |(_, b): &(AccountIdx, crate::engagement::Explanation)| why.score > b.score,
                ) {
                    best = Some((a, why));
                }
            }
            let (a, why) = best.expect("accounts is not empty");
            fill(&mut row, corpus, a, why, &skills, opts);
        }
        rows.push(row);
    }
    Ok(CandidateScores {
        rows,
        unknown: resolution.unknown,
        without_handles: resolution.without_handles,
        shared: resolution.shared,
        org: org.handles.clone(),
        as_of: opts.engagement.as_of.or_else(|| corpus.newest()),
        half_life_days: opts.engagement.half_life_days,
        purpose: PURPOSE,
        advisory: true,
    })
}

fn dedup(it: impl Iterator<Item = AccountIdx>) -> Vec<AccountIdx> {
    let mut out: Vec<AccountIdx> = Vec::new();
    for a in it {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

fn fill(
    row: &mut CandidateScore,
    corpus: &Corpus,
    a: AccountIdx,
    why: crate::engagement::Explanation,
    skills: &SkillReport,
    opts: &ScoreOptions,
) {
    let acc = corpus.account(a);
    row.handle = Some(acc.handle_or_id().to_owned());
    row.account_id = Some(acc.id().to_owned());
    row.score = Some(why.score);
    row.stage = Some(why.stage);
    row.interactions = why.row.interactions;
    row.last_interaction = why.row.last_interaction;
    row.components = why
        .components
        .iter()
        .map(|k| ComponentScore {
            name: k.name,
            raw: k.raw,
            contribution: k.contribution,
        })
        .collect();
    let mut mine = skills.for_account(acc.id());
    mine.sort_by(|x, y| {
        y.strength
            .total_cmp(&x.strength)
            .then_with(|| x.label.cmp(&y.label))
    });
    row.top_skills = mine
        .into_iter()
        .take(opts.top_skills)
        .map(|s| TopSkill {
            skill_id: s.skill_id.clone(),
            label: s.label.clone(),
            strength: s.strength,
            posts: s.posts,
            evidence_post_ids: s.evidence_post_ids.clone(),
        })
        .collect();
    if opts.explain {
        row.explanation = Some(CandidateExplanation {
            summary: why.summary,
            stage_reason: why.stage_reason,
            evidence: why.evidence,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidates::{Handle, read_candidates_csv};
    use crate::{Account, Post};
    use chrono::{Duration, TimeZone};

    /// acme_careers (org) posts a job; ada replies and the org answers her (one two-way exchange:
    /// conversing); the org mentions bob, who never answers (noticed); cy posts about #python with
    /// no contact at all (unaware, score 0).
    fn corpus() -> Corpus {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap();
        let mut c = Corpus::new();
        for (id, h) in [
            ("1", "acme_careers"),
            ("2", "ada"),
            ("3", "bob"),
            ("4", "cy"),
        ] {
            c.add_account(Account::new(id, h));
        }
        c.add_post(Post::new("10", "1", "We are #hiring", t0));
        let mut q = Post::new(
            "11",
            "2",
            "Remote? I ship #rustlang",
            t0 + Duration::hours(1),
        );
        q.reply_to = Some("10".into());
        q.reply_to_account = Some("1".into());
        q.hashtags = vec!["rustlang".into()];
        c.add_post(q);
        let mut answer = Post::new("12", "1", "Yes, remote", t0 + Duration::hours(2));
        answer.reply_to = Some("11".into());
        answer.reply_to_account = Some("2".into());
        c.add_post(answer);
        let mut m = Post::new(
            "13",
            "1",
            "Thanks @bob for the talk",
            t0 + Duration::hours(3),
        );
        m.mentions = vec![crate::Mention {
            id: Some("3".into()),
            handle: "bob".into(),
        }];
        c.add_post(m);
        let mut p = Post::new("14", "4", "Notebook tips #python", t0 + Duration::hours(4));
        p.hashtags = vec!["python".into()];
        c.add_post(p);
        c
    }

    fn cand(id: &str, handles: &[&str]) -> Candidate {
        let mut c = Candidate::new(id);
        for h in handles {
            c.handles.push(Handle::parse_x(h).unwrap());
        }
        c
    }

    #[test]
    fn every_record_gets_a_row_in_input_order_with_its_status() {
        use MatchStatus::{NoHandle, OrgAccount, Scored, UnknownHandle};
        let c = corpus();
        let org = Org::resolve(&c, &["acme_careers"]).unwrap();
        let cands = [
            cand("E1", &["@ada"]),
            cand("E2", &["x.com/Bob"]),
            cand("E3", &["cy"]),
            cand("E4", &["@ghost", "@ghost2"]),
            cand("E5", &[]),
            cand("E6", &["@acme_careers"]),
        ];
        let s = score_candidates(&c, &cands, &org, &ScoreOptions::default()).unwrap();
        let ids: Vec<&str> = s.rows.iter().map(|r| r.hris_id.as_str()).collect();
        assert_eq!(ids, ["E1", "E2", "E3", "E4", "E5", "E6"]);
        let st: Vec<MatchStatus> = s.rows.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            [Scored, Scored, Scored, UnknownHandle, NoHandle, OrgAccount]
        );
        // Stages by the funnel's definitions (see the corpus comment).
        assert_eq!(s.rows[0].stage, Some(Stage::Conversing));
        assert_eq!(s.rows[1].stage, Some(Stage::Noticed));
        assert_eq!(s.rows[2].stage, Some(Stage::Unaware));
        // No interaction at all: every component is 0, so the score is 0.
        assert_eq!(s.rows[2].score, Some(0.0));
        assert_eq!(s.rows[2].interactions, 0);
        // ada: the reply to the org and the org's answer; bob: the org's mention.
        assert_eq!(s.rows[0].interactions, 2);
        assert_eq!(s.rows[1].interactions, 1);
        assert!(s.rows[0].score.unwrap() > s.rows[1].score.unwrap());
        // Unknown handles are reported, twice: on the row and in the batch.
        assert_eq!(s.rows[3].unknown_handles, ["ghost", "ghost2"]);
        assert_eq!(s.unknown.len(), 2);
        assert_eq!(s.without_handles, ["E5"]);
        assert!(!s.is_complete());
        // The org is never scored.
        assert_eq!(s.rows[5].score, None);
        assert_eq!(s.rows[5].handle.as_deref(), Some("acme_careers"));
        assert_eq!(s.scored().count(), 3);
    }

    #[test]
    fn components_sum_to_the_score_and_skills_come_with_evidence() {
        let c = corpus();
        let org = Org::resolve(&c, &["acme_careers"]).unwrap();
        let s = score_candidates(
            &c,
            &[cand("E1", &["ada"]), cand("E3", &["cy"])],
            &org,
            &ScoreOptions::explained(),
        )
        .unwrap();
        let ada = s.row("E1").unwrap();
        assert_eq!(
            ada.components.len(),
            crate::engagement::COMPONENT_NAMES.len()
        );
        let sum: f64 = ada.components.iter().map(|k| k.contribution).sum();
        assert!((sum - ada.score.unwrap()).abs() < 1e-9);
        // one two-way exchange: the component's raw value is 1
        let tw = ada
            .components
            .iter()
            .find(|k| k.name == "two_way_exchanges")
            .unwrap();
        assert_eq!(tw.raw, 1.0);
        assert_eq!(ada.top_skills[0].label, "Rust");
        assert_eq!(ada.top_skills[0].evidence_post_ids, ["11"]);
        let why = ada.explanation.as_ref().unwrap();
        assert!(why.evidence.replies_to_org.contains(&"11".to_owned()));
        assert!(why.evidence.replies_from_org.contains(&"12".to_owned()));
        assert_eq!(s.row("E3").unwrap().top_skills[0].label, "Python");
        // Without explain, no explanation is carried.
        let plain =
            score_candidates(&c, &[cand("E1", &["ada"])], &org, &ScoreOptions::default()).unwrap();
        assert!(plain.rows[0].explanation.is_none());
    }

    #[test]
    fn several_handles_score_the_best_account_and_csv_round_trips_by_id() {
        let c = corpus();
        let org = Org::resolve(&c, &["acme_careers"]).unwrap();
        let csv = "hris_id,name,x_handle,stage\nH-9,Ada,@bob;@ada,screen\nH-10,,@nobody,applied\n";
        let file = read_candidates_csv(csv.as_bytes(), "c.csv").unwrap();
        let s = score_candidates(&c, &file.candidates, &org, &ScoreOptions::default()).unwrap();
        let r = s.row("H-9").unwrap();
        // ada (conversing) outscores bob (noticed).
        assert_eq!(r.handle.as_deref(), Some("ada"));
        assert_eq!(r.hris_stage.as_deref(), Some("screen"));
        assert_eq!(s.row("H-10").unwrap().status, MatchStatus::UnknownHandle);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["rows"][0]["hris_id"], "H-9");
        assert_eq!(json["rows"][0]["status"], "scored");
        assert_eq!(json["rows"][0]["stage"], "conversing");
        assert_eq!(json["advisory"], true);
    }

    #[test]
    fn bad_options_are_an_error_not_a_panic() {
        let c = corpus();
        let org = Org::resolve(&c, &["acme_careers"]).unwrap();
        let mut o = ScoreOptions::default();
        o.engagement.half_life_days = -1.0;
        let err = score_candidates(&c, &[cand("E1", &["ada"])], &org, &o).unwrap_err();
        assert!(err.to_string().contains("half_life_days"), "{err}");
    }
}
