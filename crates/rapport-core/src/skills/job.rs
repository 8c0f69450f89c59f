//! Job profiles: the weighted skills of a role, required or nice to have.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::SkillsError;
use super::esco::Relation;
use super::matcher::Matcher;
use super::taxonomy::{Taxonomy, line_of};

/// Weight given to an ESCO essential skill.
const ESSENTIAL_WEIGHT: f64 = 1.0;
/// Weight given to an ESCO optional skill.
const OPTIONAL_WEIGHT: f64 = 0.5;

/// One skill of a job profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSkill {
    /// A skill id, or a label, alias or hashtag that the taxonomy resolves.
    pub skill_id: String,
    /// Relative weight (> 0).
    pub weight: f64,
    /// Required (true) or nice to have (false).
    pub required: bool,
}

/// A role's skills.
///
/// ```
/// use rapport_core::skills::{JobProfile, Matcher, Taxonomy};
/// let job = JobProfile::new("Platform engineer")
///     .require("rapport:rust", 2.0)
///     .require("kubernetes", 1.0)          // a label works too
///     .nice_to_have("rapport:terraform", 0.5)
///     .nice_to_have("rapport:no-such-skill", 0.5);
/// let m = job.map_onto(&Matcher::new(&Taxonomy::builtin()));
/// assert_eq!(m.mapped.len(), 3);
/// assert_eq!(m.mapped[1].skill_id, "rapport:kubernetes");
/// assert_eq!(m.unmapped[0].skill_id, "rapport:no-such-skill");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobProfile {
    /// The job title.
    pub title: String,
    /// The skills.
    pub skills: Vec<JobSkill>,
}

/// A job skill the matcher can recognise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappedJobSkill {
    /// The resolved skill id.
    pub skill_id: String,
    /// Its label.
    pub label: String,
    /// The weight.
    pub weight: f64,
    /// Required or nice to have.
    pub required: bool,
}

/// Why a job skill cannot be looked for in posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmappedReason {
    /// The taxonomy has no such skill.
    NotInTaxonomy,
    /// The skill exists but none of its terms can match (all dropped as sensitive, or none given).
    NoMatchableTerms,
}

/// A job skill that cannot be looked for in posts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmappedJobSkill {
    /// The skill id as given.
    pub skill_id: String,
    /// Required or nice to have.
    pub required: bool,
    /// The weight.
    pub weight: f64,
    /// Why.
    pub reason: UnmappedReason,
}

/// A job profile mapped onto a matcher.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobMapping {
    /// The title.
    pub title: String,
    /// Skills that can be found in posts, in profile order.
    pub mapped: Vec<MappedJobSkill>,
    /// Skills that cannot.
    pub unmapped: Vec<UnmappedJobSkill>,
}

impl JobMapping {
    /// Share of the profile's total weight that can be looked for, 0..=1.
    pub fn coverage(&self) -> f64 {
        let m: f64 = self.mapped.iter().map(|s| s.weight).sum();
        let u: f64 = self.unmapped.iter().map(|s| s.weight).sum();
        if m + u > 0.0 { m / (m + u) } else { 0.0 }
    }
}

impl JobProfile {
    /// An empty profile.
    pub fn new(title: impl Into<String>) -> JobProfile {
        JobProfile {
            title: title.into(),
            skills: Vec::new(),
        }
    }

    /// Adds a required skill.
    pub fn require(mut self, skill: impl Into<String>, weight: f64) -> JobProfile {
        self.skills.push(JobSkill {
            skill_id: skill.into(),
            weight,
            required: true,
        });
        self
    }

    /// Adds a nice-to-have skill.
    pub fn nice_to_have(mut self, skill: impl Into<String>, weight: f64) -> JobProfile {
        self.skills.push(JobSkill {
            skill_id: skill.into(),
            weight,
            required: false,
        });
        self
    }

    /// Parses a profile from TOML:
    ///
    /// ```
    /// use rapport_core::skills::JobProfile;
    /// let job = JobProfile::from_toml_str(r#"
    /// title = "Data engineer"
    /// [[skill]]
    /// skill = "python"
    /// weight = 2.0
    /// required = true
    /// [[skill]]
    /// skill = "rapport:airflow"
    /// "#, "job.toml").unwrap();
    /// assert_eq!(job.skills.len(), 2);
    /// assert_eq!((job.skills[1].weight, job.skills[1].required), (1.0, false));
    /// let err = JobProfile::from_toml_str("title = \"x\"\n[[skill]]\nskill = \"a\"\nweight = -1\n", "job.toml").unwrap_err();
    /// assert!(err.to_string().contains("line 4"), "{err}");
    /// ```
    pub fn from_toml_str(text: &str, name: &str) -> Result<JobProfile, SkillsError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            title: String,
            #[serde(default)]
            skill: Vec<Entry>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Entry {
            skill: toml::Spanned<String>,
            #[serde(default = "one")]
            weight: toml::Spanned<f64>,
            #[serde(default)]
            required: bool,
        }
        fn one() -> toml::Spanned<f64> {
            toml::Spanned::new(0..0, 1.0)
        }
        let f: File =
            toml::from_str(text).map_err(|e| super::taxonomy::toml_error(text, name, &e))?;
        let mut job = JobProfile::new(f.title);
        for e in f.skill {
            let w = *e.weight.get_ref();
            if !(w.is_finite() && w > 0.0) {
                return Err(SkillsError::Parse {
                    file: name.into(),
                    line: Some(line_of(text, e.weight.span().start)),
                    field: Some("weight".into()),
                    message: format!("weight must be a positive number, found {w}"),
                });
            }
            if e.skill.get_ref().trim().is_empty() {
                return Err(SkillsError::Parse {
                    file: name.into(),
                    line: Some(line_of(text, e.skill.span().start)),
                    field: Some("skill".into()),
                    message: "`skill` must not be empty".into(),
                });
            }
            job.skills.push(JobSkill {
                skill_id: e.skill.into_inner().trim().to_string(),
                weight: w,
                required: e.required,
            });
        }
        Ok(job)
    }

    /// Reads a TOML profile file.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<JobProfile, SkillsError> {
        let p = path.as_ref();
        let text = std::fs::read_to_string(p).map_err(|e| SkillsError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        JobProfile::from_toml_str(&text, &p.display().to_string())
    }

    /// A profile from an ESCO occupation (by URI, preferred or alternative label) of a taxonomy
    /// loaded with [`Taxonomy::from_esco`]: essential skills are required (weight 1), optional ones
    /// nice to have (weight 0.5).
    pub fn from_esco_occupation(
        taxonomy: &Taxonomy,
        occupation: &str,
    ) -> Result<JobProfile, SkillsError> {
        let occ = taxonomy
            .occupation(occupation)
            .ok_or_else(|| SkillsError::NotFound {
                what: "occupation",
                query: occupation.to_string(),
                hint: if taxonomy.occupations().is_empty() {
                    " (this taxonomy has no occupations: load it with Taxonomy::from_esco)".into()
                } else {
                    String::new()
                },
            })?;
        let mut job = JobProfile::new(occ.label.clone());
        for (s, _) in taxonomy.occupation_skills(occ) {
            job = match s.relation {
                Relation::Essential => job.require(s.skill_uri.clone(), ESSENTIAL_WEIGHT),
                Relation::Optional => job.nice_to_have(s.skill_uri.clone(), OPTIONAL_WEIGHT),
            };
        }
        Ok(job)
    }

    /// Maps the profile onto what a matcher can recognise; each skill is resolved by id, else by
    /// label or alias. Unmapped skills are listed with the reason, never dropped silently.
    pub fn map_onto(&self, matcher: &Matcher) -> JobMapping {
        let mut out = JobMapping {
            title: self.title.clone(),
            mapped: Vec::new(),
            unmapped: Vec::new(),
        };
        for s in &self.skills {
            match matcher.resolve(&s.skill_id) {
                Some(i) if matcher.can_match(matcher.skill_id(i)) => {
                    out.mapped.push(MappedJobSkill {
                        skill_id: matcher.skill_id(i).to_string(),
                        label: matcher.skill_label(i).to_string(),
                        weight: s.weight,
                        required: s.required,
                    });
                }
                found => out.unmapped.push(UnmappedJobSkill {
                    skill_id: s.skill_id.clone(),
                    required: s.required,
                    weight: s.weight,
                    reason: if found.is_some() {
                        UnmappedReason::NoMatchableTerms
                    } else {
                        UnmappedReason::NotInTaxonomy
                    },
                }),
            }
        }
        out
    }
}
