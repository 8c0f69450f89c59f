//! The sensitive-category filter (GDPR Art. 9 special categories and their close proxies).
//!
//! Posts and hashtags can reveal health, religion, political opinion, trade union membership, sexual
//! orientation, ethnicity and similar. Such terms must never become features about a person. The
//! matcher knows them as a separate kind of term: a sensitive term is consumed (so `#mentalhealth`
//! never becomes the skill "health" either), is never evidence, and taxonomy terms that contain one
//! are dropped from matching when the matcher is built. Only the category name is ever reported, as
//! a count, never which person used which term.

use serde::{Deserialize, Serialize};

use super::SkillsError;
use super::taxonomy::toml_error;

const DEFAULT_TOML: &str = include_str!("../../data/sensitive.toml");

/// One sensitive category and its terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveCategory {
    /// Short name: `health`, `religion`, `political_opinion`, ...
    pub name: String,
    /// Why it is sensitive (the legal basis).
    #[serde(default)]
    pub basis: String,
    /// Hashtags without `#` (matched as whole hashtags, any case).
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Words and phrases (matched on word boundaries; their hashtag form is matched too).
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// The list of sensitive categories the matcher filters out.
///
/// ```
/// use rapport_core::skills::SensitiveList;
/// let mut list = SensitiveList::default();
/// assert!(list.categories().iter().any(|c| c.name == "health"));
/// list.extend("health", ["#myclinicname"], ["my clinic name"]);
/// list.extend("family_status", ["#maternityleave"], [] as [&str; 0]);
/// assert!(list.categories().iter().any(|c| c.name == "family_status"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitiveList {
    categories: Vec<SensitiveCategory>,
}

impl Default for SensitiveList {
    /// The shipped list (`data/sensitive.toml`).
    fn default() -> SensitiveList {
        SensitiveList::from_toml_str(DEFAULT_TOML, "sensitive.toml")
            .expect("the shipped list parses (tested)")
    }
}

impl SensitiveList {
    /// A list with no categories: filters nothing. Meant for tests of the filter itself.
    pub fn empty() -> SensitiveList {
        SensitiveList {
            categories: Vec::new(),
        }
    }

    /// The categories.
    pub fn categories(&self) -> &[SensitiveCategory] {
        &self.categories
    }

    /// Adds terms to a category (created if new). Hashtags may carry `#`.
    pub fn extend<H: AsRef<str>, K: AsRef<str>>(
        &mut self,
        category: &str,
        hashtags: impl IntoIterator<Item = H>,
        keywords: impl IntoIterator<Item = K>,
    ) {
        let i = if let Some(i) = self.categories.iter().position(|c| c.name == category) {
            i
        } else {
            self.categories.push(SensitiveCategory {
                name: category.to_string(),
                basis: String::new(),
                hashtags: Vec::new(),
                keywords: Vec::new(),
            });
            self.categories.len() - 1
        };
        let c = &mut self.categories[i];
        c.hashtags.extend(
            hashtags
                .into_iter()
                .map(|h| h.as_ref().trim_start_matches('#').to_string()),
        );
        c.keywords
            .extend(keywords.into_iter().map(|k| k.as_ref().to_string()));
    }

    /// Merges another list into this one (categories by name).
    pub fn merge(&mut self, other: SensitiveList) {
        for c in other.categories {
            self.extend(&c.name, c.hashtags, c.keywords);
        }
    }

    /// Parses the TOML format of `data/sensitive.toml`: `[[category]]` tables with `name`, `basis`,
    /// `hashtags` and `keywords`.
    pub fn from_toml_str(text: &str, name: &str) -> Result<SensitiveList, SkillsError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            category: Vec<SensitiveCategory>,
        }
        let f: File = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        Ok(SensitiveList {
            categories: f.category,
        })
    }

    /// Reads a TOML file in the format of [`SensitiveList::from_toml_str`].
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<SensitiveList, SkillsError> {
        let p = path.as_ref();
        let text = std::fs::read_to_string(p).map_err(|e| SkillsError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        SensitiveList::from_toml_str(&text, &p.display().to_string())
    }
}
