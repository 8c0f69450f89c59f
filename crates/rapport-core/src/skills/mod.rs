//! # Skills: taxonomies, matching and skill evidence with provenance
//!
//! A timeline of hashtags and words is a source of skills, competencies and knowledge. This module
//! turns it into evidence an HR team can check: for each account and skill, how strong the evidence
//! is, how recent, and which posts it comes from.
//!
//! - [`Taxonomy`] holds [`SkillTag`]s: the built-in curated one ([`Taxonomy::builtin`]), ESCO
//!   ([`Taxonomy::from_esco`]), or the user's own in TOML or CSV ([`Taxonomy::from_file`]), merged
//!   with [`Taxonomy::merge`]. Problems are collected in a [`TaxonomyReport`], never dropped silently.
//! - [`Matcher`] compiles a taxonomy into a word trie and recognises skills in hashtags and text
//!   (NFKC, case folding, CamelCase and snake_case hashtags, multi-word keywords on word boundaries,
//!   longest match first, common words only in context).
//! - [`SensitiveList`] is the Art. 9 filter: health, religion, political opinion, union membership,
//!   sexual orientation, ethnicity... terms are removed *before* anything is counted.
//! - [`evidence`] computes [`SkillEvidence`] per account and skill over a corpus: counts by source,
//!   recency-decayed strength, first and last seen, the evidence post ids, and peer validation.
//! - [`JobProfile`] describes a role's skills (by hand, TOML, or an ESCO occupation) and maps them
//!   onto what the matcher can recognise.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_core::{Account, Corpus, Post};
//! use rapport_core::skills::{self, EvidenceOptions, Matcher, Taxonomy};
//!
//! let t = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
//! let mut corpus = Corpus::new();
//! corpus.add_account(Account::new("1", "ada"));
//! corpus.add_post(Post::new("p1", "1", "Shipping a #RustLang service to k8s today", t));
//!
//! let matcher = Matcher::new(&Taxonomy::builtin());
//! let report = skills::evidence(&corpus, &matcher, &EvidenceOptions::default());
//! let rust = report.get("1", "rapport:rust").unwrap();
//! assert_eq!(rust.counts.hashtag, 1);
//! assert_eq!(rust.evidence_post_ids, ["p1"]);
//! ```
//!
//! This service uses the ESCO classification of the European Commission.

mod esco;
mod evidence;
pub(crate) use evidence::evidence_with_rows;
mod job;
mod matcher;
mod sensitive;
mod taxonomy;
mod text;

pub use esco::{ESCO_ATTRIBUTION, EscoStats, Occupation, OccupationSkill, Relation};
pub use evidence::{
    AccountSkills, EvidenceOptions, PeerValidation, SensitiveExclusions, SkillEvidence,
    SkillReport, SourceCounts, evidence, evidence_on,
};
pub use job::{JobMapping, JobProfile, JobSkill, MappedJobSkill, UnmappedJobSkill, UnmappedReason};
pub use matcher::{
    Ambiguity, AmbiguousTerm, CONF_HASHTAG, CONF_HASHTAG_PART, CONF_IN_CONTEXT, CONF_KEYWORD,
    ExcludedTerm, MatchResult, MatchSource, Matcher, MatcherReport, SkillMatch,
};
pub use sensitive::{SensitiveCategory, SensitiveList};
pub use taxonomy::{Category, SkillTag, Taxonomy, TaxonomyReport, TaxonomyWarning, WarningKind};
pub use text::hashtag_form;

/// Errors of the skills module: reading taxonomy, sensitive-list, job-profile and ESCO files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SkillsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is malformed: where and what was expected.
    #[error("{file}{}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default(), field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    Parse {
        /// The file name given by the caller.
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// The field or column, when known.
        field: Option<String>,
        /// What was expected and what was found.
        message: String,
    },
    /// An ESCO file lacks what the loader needs.
    #[error("ESCO file {file}: {message}")]
    Esco {
        /// The file (and the member inside a zip).
        file: String,
        /// What is missing.
        message: String,
    },
    /// A lookup found nothing (an occupation or skill by URI or label).
    #[error("{what} `{query}` not found{hint}")]
    NotFound {
        /// What was looked up.
        what: &'static str,
        /// The query.
        query: String,
        /// A hint for the caller.
        hint: String,
    },
}

// The code blocks of the skills guide run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/skills.md")]
struct SkillsGuide;
