//! Candidates for a job: skill fit from public evidence, engagement beside it, each row explained.
//!
//! **Purpose: candidate assessment.** The feature set is restricted by construction: a row is built
//! from the job's [skill evidence](crate::skills) and, beside it, the person's
//! [engagement](crate::engagement) with the organisation. PageRank, reach, mentor scores and follower
//! counts take no part (influence is not a hiring criterion); the mentor types are not even in scope
//! here. Scores are advisory: there is no API that rejects anyone.
//!
//! For a job with mapped skills `j` of weight `w_j` (required or nice to have), and a person with
//! evidence strength `s_j` for each (`docs/skills.md`: confidence × recency, summed over posts):
//!
//! - `level_j = s_j / (s_j + k)`, with `k` the half-saturation (default 1: one strong recent post gives
//!   about 0.5, three about 0.75), so that no single skill can be gamed without bound;
//! - **fit** `= Σ_j w_j · level_j / Σ_j w_j`, in [0, 1); each term `w_j · level_j / Σ w` is the skill's
//!   contribution, reported per skill;
//! - **required coverage** `= Σ_{required j with evidence} w_j / Σ_{required j} w_j` (1 when the job has
//!   no required skill), and likewise **nice-to-have coverage**;
//! - **engagement**: the 0–100 engagement score and funnel stage with the organisation, shown beside;
//! - **combined** only when the caller gives explicit weights ([`CombineWeights`]):
//!   `(w_fit · fit + w_engagement · engagement / 100) / (w_fit + w_engagement)`.
//!
//! Rows are ordered by combined (when asked) or fit, then required coverage, then handle. Only people
//! with evidence for at least one of the job's skills are candidates; the organisation's own accounts
//! never are. Filters: minimum fit, funnel stages, last active.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::ranking::CandidateOptions;
//! use rapport_core::skills::JobProfile;
//!
//! let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
//! let mut c = Corpus::new();
//! c.add_account(Account::new("1", "acme_careers"));
//! c.add_account(Account::new("2", "ada"));
//! c.add_post(Post::new("10", "1", "We are hiring #rust engineers", t));
//! c.add_post(Post::new("11", "2", "Shipped a #rust service on #kubernetes", t));
//!
//! let job = JobProfile::new("Platform engineer").require("rapport:rust", 2.0).nice_to_have("kubernetes", 1.0);
//! let report = c.rank_candidates(&job, &["acme_careers"], None, &CandidateOptions::default()).unwrap();
//! assert_eq!(report.rows.len(), 1); // the organisation is never a candidate
//! let ada = &report.rows[0];
//! assert_eq!(ada.handle, "ada");
//! assert_eq!(ada.required_coverage, 1.0);
//! assert!(ada.combined.is_none()); // no weights given: engagement stays beside fit
//! println!("{}", ada.skills[0].evidence_post_ids[0]);
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::context::{Ctx, SkillsWith};
use crate::corpus::{AccountIdx, Corpus, PostIdx};
use crate::engagement::{EngagementOptions, Interactions, Org, Stage};
use crate::error::Error;
use crate::skills::{EvidenceOptions, JobMapping, JobProfile, Matcher, SkillReport, Taxonomy};

/// Explicit weights for a combined rank of fit and engagement (only ratios matter).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CombineWeights {
    /// The weight of skill fit.
    pub fit: f64,
    /// The weight of engagement (its 0–100 score divided by 100).
    pub engagement: f64,
}

/// The knobs of the candidate ranking.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateOptions {
    /// How skill evidence is gathered (half-life 180 days by default; every evidence post is kept
    /// for the explanation, the best `evidence_posts` are shown).
    pub evidence: EvidenceOptions,
    /// The half-saturation `k` of `level = s / (s + k)` (default 1).
    pub saturation: f64,
    /// Evidence post ids shown per skill (default 3).
    pub evidence_posts: usize,
    /// How engagement is computed.
    pub engagement: EngagementOptions,
    /// A combined rank, only with explicit weights (default `None`: fit alone orders the rows).
    pub combine: Option<CombineWeights>,
    /// Drop rows with a lower fit (default 0).
    pub min_fit: f64,
    /// Keep only these funnel stages (default `None`: all).
    pub stages: Option<Vec<Stage>>,
    /// Keep only people who posted at or after this time (default `None`).
    pub active_since: Option<DateTime<Utc>>,
    /// At most this many rows (default 50; `None` for all).
    pub limit: Option<usize>,
}

impl Default for CandidateOptions {
    fn default() -> Self {
        CandidateOptions {
            evidence: EvidenceOptions::default(),
            saturation: 1.0,
            evidence_posts: 3,
            engagement: EngagementOptions::default(),
            combine: None,
            min_fit: 0.0,
            stages: None,
            active_since: None,
            limit: Some(50),
        }
    }
}

impl CandidateOptions {
    /// The defaults with another limit (the Python signature).
    pub fn with_limit(limit: usize) -> CandidateOptions {
        CandidateOptions {
            limit: Some(limit),
            ..CandidateOptions::default()
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if !(self.saturation.is_finite() && self.saturation > 0.0) {
            return Err(Error::InvalidParameter {
                name: "saturation",
                found: self.saturation.to_string(),
                expected: "a finite number greater than 0",
            });
        }
        if !(self.min_fit.is_finite() && (0.0..=1.0).contains(&self.min_fit)) {
            return Err(Error::InvalidParameter {
                name: "min_fit",
                found: self.min_fit.to_string(),
                expected: "a number in [0, 1]",
            });
        }
        if !(self.evidence.half_life_days.is_finite() && self.evidence.half_life_days > 0.0) {
            return Err(Error::InvalidParameter {
                name: "evidence half_life_days",
                found: self.evidence.half_life_days.to_string(),
                expected: "a finite number of days greater than 0",
            });
        }
        if let Some(w) = self.combine {
            let ok = |x: f64| x.is_finite() && x >= 0.0;
            if !(ok(w.fit) && ok(w.engagement) && w.fit + w.engagement > 0.0) {
                return Err(Error::InvalidParameter {
                    name: "combine weights",
                    found: format!("fit = {}, engagement = {}", w.fit, w.engagement),
                    expected: "finite weights that are 0 or more, not both 0",
                });
            }
        }
        Ok(())
    }
}

/// One job skill in a candidate's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillFit {
    /// The skill id.
    pub skill_id: String,
    /// Its label.
    pub label: String,
    /// Required or nice to have.
    pub required: bool,
    /// Its weight in the job.
    pub weight: f64,
    /// The evidence strength `s` (0 without evidence).
    pub strength: f64,
    /// `s / (s + k)`.
    pub level: f64,
    /// `weight · level / Σ weights`: this skill's part of the fit.
    pub contribution: f64,
    /// Posts showing the skill.
    pub posts: u32,
    /// Replies by others to those posts (peer validation, shown, not scored).
    pub peer_replies: u32,
    /// The newest evidence.
    pub last_seen: Option<DateTime<Utc>>,
    /// The best evidence posts, as post ids.
    pub evidence_post_ids: Vec<String>,
}

/// One candidate, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CandidateRow {
    /// 1-based position.
    pub rank: usize,
    /// The account's index.
    pub account: AccountIdx,
    /// Its handle (the id when unknown).
    pub handle: String,
    /// Its id.
    pub id: String,
    /// Skill fit, in [0, 1).
    pub fit: f64,
    /// Share of the required skills' weight with evidence.
    pub required_coverage: f64,
    /// Share of the nice-to-have skills' weight with evidence.
    pub nice_to_have_coverage: f64,
    /// Required skills without evidence (labels).
    pub missing_required: Vec<String>,
    /// The engagement score with the organisation, 0–100 (beside, not in, the fit).
    pub engagement: f64,
    /// The funnel stage.
    pub stage: Stage,
    /// The combined score, only when weights were given.
    pub combined: Option<f64>,
    /// The person's latest post.
    pub last_active: Option<DateTime<Utc>>,
    /// Every job skill, in the job's order.
    pub skills: Vec<SkillFit>,
    /// Why this row ranks above the next one (`None` for the last row).
    pub why_above_next: Option<String>,
}

/// How many people each filter removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FilterCounts {
    /// Below `min_fit`.
    pub min_fit: usize,
    /// Not in the allowed stages.
    pub stage: usize,
    /// Not active since `active_since`.
    pub inactive: usize,
}

/// The ranked candidates for a job.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    /// The job as mapped onto the taxonomy (unmapped skills listed, never dropped silently).
    pub job: JobMapping,
    /// The rows, best first.
    pub rows: Vec<CandidateRow>,
    /// People with evidence for at least one job skill, outside the organisation.
    pub considered: usize,
    /// What the filters removed.
    pub filtered: FilterCounts,
    /// Accounts of the organisation (excluded).
    pub org_accounts: usize,
    /// The time evidence and engagement were measured from.
    pub as_of: Option<DateTime<Utc>>,
    /// The options used.
    pub options: CandidateOptions,
    /// Always `"candidate_assessment"`.
    pub purpose: &'static str,
    /// Always `true`: for a human decision, with the explanation.
    pub advisory: bool,
}

/// Ranks candidates for a job with a matcher: a one-shot [`Analysis`](crate::context::Analysis).
/// Use [`Analysis::rank_candidates`](crate::context::Analysis::rank_candidates) to rank several jobs
/// over one evidence pass.
pub fn rank_candidates<S: AsRef<str>>(
    corpus: &Corpus,
    job: &JobProfile,
    org: &[S],
    matcher: &Matcher,
    opts: &CandidateOptions,
) -> Result<CandidateReport, Error> {
    let ctx = crate::context::Analysis::new(corpus);
    let org = Org::resolve(corpus, org)?;
    run(ctx.ctx(), &org, job, SkillsWith::Borrowed(matcher), opts)
}

pub(crate) fn run(
    ctx: Ctx<'_>,
    org: &Org,
    job: &JobProfile,
    skills: SkillsWith<'_>,
    opts: &CandidateOptions,
) -> Result<CandidateReport, Error> {
    opts.validate()?;
    let mapping = job.map_onto(skills.matcher());
    if mapping.mapped.is_empty() {
        // Fail before the evidence pass.
        return Err(unusable_job(&mapping));
    }
    let ev_opts = EvidenceOptions {
        max_evidence_posts: Some(opts.evidence_posts),
        ..opts.evidence.clone()
    };
    let report = ctx.evidence(skills, &ev_opts);
    rank_with_evidence(ctx.corpus, ctx.interactions(), org, mapping, &report, opts)
}

/// Ranks candidates from skill evidence computed beforehand (with [`crate::skills::evidence`] and the
/// matcher the job was mapped with), so that several jobs share one evidence pass over the corpus.
/// `opts.evidence` is not read: the report's own options apply.
pub fn rank_with_evidence(
    corpus: &Corpus,
    ix: &Interactions,
    org: &Org,
    mapping: JobMapping,
    report: &SkillReport,
    opts: &CandidateOptions,
) -> Result<CandidateReport, Error> {
    opts.validate()?;
    if mapping.mapped.is_empty() {
        return Err(unusable_job(&mapping));
    }
    let total_w: f64 = mapping.mapped.iter().map(|s| s.weight).sum();
    let req_w: f64 = mapping
        .mapped
        .iter()
        .filter(|s| s.required)
        .map(|s| s.weight)
        .sum();
    let nice_w: f64 = mapping
        .mapped
        .iter()
        .filter(|s| !s.required)
        .map(|s| s.weight)
        .sum();
    let nskills = mapping.mapped.len();
    let skill_pos = |id: &str| mapping.mapped.iter().position(|m| m.skill_id == id);

    // Pass 1, cheap: per candidate the report row of each job skill (flat, `NO_ROW` when absent).
    // Rows of the report are grouped by account.
    let mut cand_accounts: Vec<AccountIdx> = Vec::new();
    let mut hits: Vec<u32> = Vec::new();
    let mut last_acc: Option<&str> = None;
    for (i, r) in report.rows.iter().enumerate() {
        let Some(j) = skill_pos(&r.skill_id) else {
            continue;
        };
        if last_acc != Some(r.account_id.as_str()) {
            let Some(a) = corpus.account_by_id(&r.account_id) else {
                continue;
            };
            if org.contains(a.idx()) {
                continue;
            }
            last_acc = Some(r.account_id.as_str());
            cand_accounts.push(a.idx());
            hits.resize(hits.len() + nskills, NO_ROW);
        }
        let base = hits.len() - nskills;
        hits[base + j] = i as u32;
    }
    let considered = cand_accounts.len();

    let eng = crate::engagement::over(corpus, ix, org, &opts.engagement)?;
    let mut eng_of: Vec<(f64, Stage)> = vec![(0.0, Stage::Unaware); corpus.account_capacity()];
    for r in &eng.rows {
        eng_of[r.account.index()] = (r.score, r.stage);
    }
    let idx = corpus.indices();
    let k = opts.saturation;
    let strength_of = |row: u32| {
        if row == NO_ROW {
            0.0
        } else {
            report.rows[row as usize].strength
        }
    };
    let mut filtered = FilterCounts::default();
    let mut light: Vec<Light> = Vec::with_capacity(considered);
    for (c, &a) in cand_accounts.iter().enumerate() {
        let h = &hits[c * nskills..(c + 1) * nskills];
        let (mut fit, mut req, mut nice) = (0.0, 0.0, 0.0);
        for (m, &row) in mapping.mapped.iter().zip(h) {
            let s = strength_of(row);
            fit += m.weight * (s / (s + k)) / total_w;
            if s > 0.0 {
                if m.required {
                    req += m.weight;
                } else {
                    nice += m.weight;
                }
            }
        }
        let required_coverage = if req_w > 0.0 { req / req_w } else { 1.0 };
        let nice_to_have_coverage = if nice_w > 0.0 { nice / nice_w } else { 1.0 };
        let (engagement, stage) = eng_of[a.index()];
        let last_active_ms = idx
            .by_author(a)
            .last()
            .map(|&r| corpus.post(PostIdx(r)).created_ms());
        if fit < opts.min_fit {
            filtered.min_fit += 1;
            continue;
        }
        if opts.stages.as_ref().is_some_and(|s| !s.contains(&stage)) {
            filtered.stage += 1;
            continue;
        }
        if let Some(since) = opts.active_since
            && last_active_ms.is_none_or(|t| t < since.timestamp_millis())
        {
            filtered.inactive += 1;
            continue;
        }
        let combined = opts
            .combine
            .map(|w| (w.fit * fit + w.engagement * engagement / 100.0) / (w.fit + w.engagement));
        light.push(Light {
            cand: c,
            account: a,
            fit,
            required_coverage,
            nice_to_have_coverage,
            engagement,
            stage,
            combined,
        });
    }
    let key = |r: &Light| r.combined.unwrap_or(r.fit);
    let handle = |r: &Light| corpus.account(r.account).handle_or_id();
    light.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then(b.required_coverage.total_cmp(&a.required_coverage))
            .then_with(|| handle(a).cmp(handle(b)))
    });
    if let Some(limit) = opts.limit {
        // The last kept row is still compared with the first dropped one.
        light.truncate(limit.saturating_add(1));
    }

    // Pass 2: the explained rows, for the kept candidates only.
    let mut rows: Vec<CandidateRow> = light
        .iter()
        .map(|l| {
            let h = &hits[l.cand * nskills..(l.cand + 1) * nskills];
            let skills: Vec<SkillFit> = mapping
                .mapped
                .iter()
                .zip(h)
                .map(|(m, &row)| {
                    let e = (row != NO_ROW).then(|| &report.rows[row as usize]);
                    let strength = strength_of(row);
                    let level = strength / (strength + k);
                    SkillFit {
                        skill_id: m.skill_id.clone(),
                        label: m.label.clone(),
                        required: m.required,
                        weight: m.weight,
                        strength,
                        level,
                        contribution: m.weight * level / total_w,
                        posts: e.map_or(0, |e| e.posts),
                        peer_replies: e.map_or(0, |e| e.peer.replies),
                        last_seen: e.and_then(|e| e.last_seen),
                        evidence_post_ids: e
                            .map(|e| {
                                e.evidence_post_ids
                                    .iter()
                                    .take(opts.evidence_posts)
                                    .cloned()
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let acc = corpus.account(l.account);
            CandidateRow {
                rank: 0,
                account: l.account,
                handle: acc.handle_or_id().to_owned(),
                id: acc.id().to_owned(),
                fit: l.fit,
                required_coverage: l.required_coverage,
                nice_to_have_coverage: l.nice_to_have_coverage,
                missing_required: skills
                    .iter()
                    .filter(|s| s.required && s.strength <= 0.0)
                    .map(|s| s.label.clone())
                    .collect(),
                engagement: l.engagement,
                stage: l.stage,
                combined: l.combined,
                last_active: idx
                    .by_author(l.account)
                    .last()
                    .map(|&r| corpus.post(PostIdx(r)).created_at()),
                skills,
                why_above_next: None,
            }
        })
        .collect();
    for i in 0..rows.len() {
        rows[i].rank = i + 1;
        if i + 1 < rows.len() {
            let why = why_above(&rows[i], &rows[i + 1], opts.combine);
            rows[i].why_above_next = Some(why);
        }
    }
    if let Some(limit) = opts.limit {
        rows.truncate(limit);
    }
    Ok(CandidateReport {
        job: mapping,
        rows,
        considered,
        filtered,
        org_accounts: org.accounts.len(),
        as_of: report.as_of,
        options: opts.clone(),
        purpose: "candidate_assessment",
        advisory: true,
    })
}

fn unusable_job(mapping: &JobMapping) -> Error {
    Error::InvalidParameter {
        name: "job",
        found: format!(
            "none of its {} skills can be recognised ({})",
            mapping.unmapped.len(),
            mapping
                .unmapped
                .iter()
                .map(|u| u.skill_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        expected: "at least one skill id, label or hashtag of the taxonomy",
    }
}

/// No evidence row for a job skill.
const NO_ROW: u32 = u32::MAX;

/// A candidate before its explanation is built.
struct Light {
    cand: usize,
    account: AccountIdx,
    fit: f64,
    required_coverage: f64,
    nice_to_have_coverage: f64,
    engagement: f64,
    stage: Stage,
    combined: Option<f64>,
}

/// The reason a row ranks above the next, in words, from the largest differences.
fn why_above(a: &CandidateRow, b: &CandidateRow, combine: Option<CombineWeights>) -> String {
    let mut parts = Vec::new();
    if let (Some(w), Some(ca), Some(cb)) = (combine, a.combined, b.combined) {
        let total = w.fit + w.engagement;
        parts.push(format!(
            "combined {ca:.3} vs {cb:.3}: fit {:+.3}, engagement {:+.3} (weights {} and {})",
            w.fit * (a.fit - b.fit) / total,
            w.engagement * (a.engagement - b.engagement) / 100.0 / total,
            w.fit,
            w.engagement
        ));
    } else {
        parts.push(format!("fit {:.3} vs {:.3}", a.fit, b.fit));
    }
    let mut deltas: Vec<(f64, &SkillFit, &SkillFit)> = a
        .skills
        .iter()
        .zip(&b.skills)
        .map(|(x, y)| (x.contribution - y.contribution, x, y))
        .filter(|d| d.0.abs() > 1e-12)
        .collect();
    deltas.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    let skills: Vec<String> = deltas
        .iter()
        .take(3)
        .map(|(d, x, y)| {
            format!(
                "{} {d:+.3} (strength {:.2} vs {:.2})",
                x.label, x.strength, y.strength
            )
        })
        .collect();
    if !skills.is_empty() {
        parts.push(skills.join(", "));
    }
    let key_a = a.combined.unwrap_or(a.fit);
    let key_b = b.combined.unwrap_or(b.fit);
    if key_a == key_b {
        if a.required_coverage > b.required_coverage {
            parts.push(format!(
                "tied; more required skills shown ({:.0}% vs {:.0}%)",
                100.0 * a.required_coverage,
                100.0 * b.required_coverage
            ));
        } else {
            parts.push("tied; ordered by handle".into());
        }
    }
    parts.join("; ")
}

impl Corpus {
    /// See [`rank_candidates()`]; `taxonomy` `None` uses the built-in one.
    pub fn rank_candidates<S: AsRef<str>>(
        &self,
        job: &JobProfile,
        org: &[S],
        taxonomy: Option<&Taxonomy>,
        opts: &CandidateOptions,
    ) -> Result<CandidateReport, Error> {
        match taxonomy {
            Some(t) => rank_candidates(self, job, org, &Matcher::new(t), opts),
            None => rank_candidates(self, job, org, &crate::context::builtin_matcher(), opts),
        }
    }
}

impl crate::audit::Audited for CandidateReport {
    fn run_record(&self) -> Result<crate::audit::RunRecord, Error> {
        let config = serde_json::json!({
            "job": self.job,
            "options": self.options,
            "org_accounts": self.org_accounts,
        });
        Ok(crate::audit::RunRecord::new(
            "rank",
            "candidates",
            &config,
            self.rows.iter().map(|r| r.id.as_str()),
            self,
        )?
        .with_details(serde_json::json!({
            "rows": self.rows.len(),
            "considered": self.considered,
            "filtered": self.filtered,
            "purpose": self.purpose,
        })))
    }
}
