//! Skills, taxonomies and the user file formats (TOML and CSV).

use std::fmt;
use std::path::Path;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::SkillsError;
use super::esco::{Occupation, OccupationSkill};
use super::text::{hashtag_form, normalize_term};

/// What kind of thing a [`SkillTag`] is (the ESCO pillar distinction, plus `topic` for subjects that
/// are neither, such as `#hrtech`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Know-how: "use Kubernetes", "Python programming".
    #[default]
    Skill,
    /// Know-what: "machine learning", "labour law".
    Knowledge,
    /// Transversal ability: "lead a team", "communicate".
    Competence,
    /// A subject people talk about, broader than one skill: "HR tech", "open source".
    Topic,
}

impl Category {
    /// The lower-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Skill => "skill",
            Category::Knowledge => "knowledge",
            Category::Competence => "competence",
            Category::Topic => "topic",
        }
    }

    fn parse(s: &str) -> Option<Category> {
        match s.trim().to_ascii_lowercase().as_str() {
            "skill" | "" => Some(Category::Skill),
            "knowledge" => Some(Category::Knowledge),
            "competence" => Some(Category::Competence),
            "topic" => Some(Category::Topic),
            _ => None,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One skill, piece of knowledge, competence or topic.
///
/// Everything the matcher looks for comes from here: the label, the aliases and the keywords are
/// matched as words in text (multi-word, on word boundaries); the hashtags are matched as whole
/// hashtags. A hashtag form is also derived from each short label, alias and keyword
/// (`machine learning` → `#machinelearning`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SkillTag {
    /// Stable id: the ESCO concept URI where ESCO has the concept, else `rapport:<slug>`.
    pub id: String,
    /// Preferred label, for display.
    pub label: String,
    /// Skill, knowledge, competence or topic.
    #[serde(default)]
    pub category: Category,
    /// Other names (matched in text like keywords, and used by [`Taxonomy::find`]).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Hashtags without `#` (`rustlang`); matched case-insensitively as whole hashtags.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Further words or phrases that show the skill in text (matched, not displayed).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Words that show the skill only in context (`go`, `rust`, `swift`): a bare mention counts only
    /// when another skill is recognised in the same text; as a hashtag they count anyway.
    #[serde(default)]
    pub context_keywords: Vec<String>,
    /// Every bare keyword of this skill needs context (hashtags still count alone).
    #[serde(default)]
    pub requires_context: bool,
    /// A broader skill's id.
    #[serde(default)]
    pub parent: Option<String>,
    /// A short description (ESCO's, or the author's).
    #[serde(default)]
    pub description: Option<String>,
    /// ESCO's reuse level (`transversal`, `cross-sector`, `sector-specific`, `occupation-specific`).
    #[serde(default)]
    pub reuse_level: Option<String>,
}

impl SkillTag {
    /// A skill with an id and a label and nothing else.
    ///
    /// ```
    /// use rapport_core::skills::{Category, SkillTag};
    /// let t = SkillTag::new("rapport:rust", "Rust").hashtags(["rustlang", "rust"]);
    /// assert_eq!(t.category, Category::Skill);
    /// assert_eq!(t.hashtags, ["rustlang", "rust"]);
    /// ```
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> SkillTag {
        SkillTag {
            id: id.into(),
            label: label.into(),
            category: Category::Skill,
            aliases: Vec::new(),
            hashtags: Vec::new(),
            keywords: Vec::new(),
            context_keywords: Vec::new(),
            requires_context: false,
            parent: None,
            description: None,
            reuse_level: None,
        }
    }

    /// Sets the category.
    pub fn category(mut self, c: Category) -> SkillTag {
        self.category = c;
        self
    }

    /// Adds aliases.
    pub fn aliases<S: Into<String>>(mut self, a: impl IntoIterator<Item = S>) -> SkillTag {
        self.aliases.extend(a.into_iter().map(Into::into));
        self
    }

    /// Adds hashtags (with or without `#`).
    pub fn hashtags<S: Into<String>>(mut self, h: impl IntoIterator<Item = S>) -> SkillTag {
        self.hashtags.extend(
            h.into_iter()
                .map(|s| s.into().trim_start_matches('#').to_string()),
        );
        self
    }

    /// Adds keywords.
    pub fn keywords<S: Into<String>>(mut self, k: impl IntoIterator<Item = S>) -> SkillTag {
        self.keywords.extend(k.into_iter().map(Into::into));
        self
    }

    /// Adds keywords that count only in context.
    pub fn context_keywords<S: Into<String>>(mut self, k: impl IntoIterator<Item = S>) -> SkillTag {
        self.context_keywords.extend(k.into_iter().map(Into::into));
        self
    }

    /// Sets the parent id.
    pub fn parent(mut self, p: impl Into<String>) -> SkillTag {
        self.parent = Some(p.into());
        self
    }

    /// The label, aliases and keywords: every term matched as words in text.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.label.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.keywords.iter().map(String::as_str))
    }

    /// Unions `other`'s lists into this tag; other's label, category, parent and description win.
    fn merge_from(&mut self, other: SkillTag) {
        fn union(a: &mut Vec<String>, b: Vec<String>) {
            for x in b {
                if !a.contains(&x) {
                    a.push(x);
                }
            }
        }
        if self.label != other.label {
            let old = std::mem::replace(&mut self.label, other.label);
            union(&mut self.aliases, vec![old]);
        }
        self.category = other.category;
        union(&mut self.aliases, other.aliases);
        self.aliases.retain(|a| *a != self.label);
        union(&mut self.hashtags, other.hashtags);
        union(&mut self.keywords, other.keywords);
        union(&mut self.context_keywords, other.context_keywords);
        self.requires_context |= other.requires_context;
        if other.parent.is_some() {
            self.parent = other.parent;
        }
        if other.description.is_some() {
            self.description = other.description;
        }
        if other.reuse_level.is_some() {
            self.reuse_level = other.reuse_level;
        }
    }
}

/// What kind of problem a [`TaxonomyWarning`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The same id twice in one file or source; the later entry was merged into the earlier.
    DuplicateId,
    /// An entry of a merged taxonomy replaced or extended one with the same id (informational).
    Overridden,
    /// One label, alias or keyword names two different skills: a match will be reported ambiguous.
    AliasCollision,
    /// One hashtag names two different skills.
    HashtagCollision,
    /// A parent id that no skill has.
    UnknownParent,
    /// An entry dropped because it has no usable id or label.
    Skipped,
}

/// One non-fatal problem found while building a taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyWarning {
    /// The kind of problem.
    pub kind: WarningKind,
    /// Where: `file:line` when known, else the source name.
    pub location: String,
    /// What happened, naming the ids and terms.
    pub message: String,
}

/// The warnings collected while a taxonomy was built and merged. Nothing is dropped silently.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TaxonomyReport {
    /// Every warning, in the order found.
    pub warnings: Vec<TaxonomyWarning>,
}

impl TaxonomyReport {
    /// Number of warnings of a kind.
    pub fn count(&self, kind: WarningKind) -> usize {
        self.warnings.iter().filter(|w| w.kind == kind).count()
    }

    /// Whether there are no warnings.
    pub fn is_empty(&self) -> bool {
        self.warnings.is_empty()
    }

    fn push(&mut self, kind: WarningKind, location: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(TaxonomyWarning {
            kind,
            location: location.into(),
            message: message.into(),
        });
    }
}

/// A set of [`SkillTag`]s with lookups by id, label, alias and hashtag, and (when loaded from ESCO)
/// the occupations with their essential and optional skills.
///
/// ```
/// use rapport_core::skills::Taxonomy;
/// let tax = Taxonomy::builtin();
/// let rust = tax.find("#RustLang").unwrap();
/// assert_eq!(rust.label, "Rust");
/// assert_eq!(tax.find("machine learning").unwrap().id,
///            "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    name: String,
    skills: Vec<SkillTag>,
    by_id: HashMap<String, usize>,
    by_term: HashMap<String, Vec<usize>>,
    by_hashtag: HashMap<String, Vec<usize>>,
    pub(crate) occupations: Vec<Occupation>,
    occ_by_key: HashMap<String, usize>,
    report: TaxonomyReport,
}

/// The built-in curated taxonomy, as shipped.
const BUILTIN_TOML: &str = include_str!("../../data/skills_builtin.toml");

/// Labels at most this many words long also get a derived hashtag form.
pub(crate) const MAX_HASHTAG_WORDS: usize = 3;
/// ... and at most this many characters.
pub(crate) const MAX_HASHTAG_CHARS: usize = 30;

impl Taxonomy {
    /// An empty taxonomy with a name (used in warnings).
    pub fn new(name: impl Into<String>) -> Taxonomy {
        Taxonomy {
            name: name.into(),
            ..Taxonomy::default()
        }
    }

    /// The built-in curated taxonomy: a few hundred tech, data, design, people and HR skills with the
    /// hashtags and keywords people use, linked to ESCO concept URIs where ESCO has the concept.
    pub fn builtin() -> Taxonomy {
        // The file is part of the crate and tested; a failure here is a build defect.
        Taxonomy::from_toml_str(BUILTIN_TOML, "skills_builtin.toml")
            .expect("the built-in taxonomy parses (tested)")
    }

    /// Builds a taxonomy from tags; duplicates and collisions are recorded in [`Taxonomy::report`].
    ///
    /// ```
    /// use rapport_core::skills::{SkillTag, Taxonomy, WarningKind};
    /// let tax = Taxonomy::from_tags("mine", [
    ///     SkillTag::new("rapport:a", "Alpha").aliases(["shared"]),
    ///     SkillTag::new("rapport:b", "Beta").aliases(["shared"]),
    /// ]);
    /// assert_eq!(tax.len(), 2);
    /// assert_eq!(tax.report().count(WarningKind::AliasCollision), 1);
    /// ```
    pub fn from_tags(
        name: impl Into<String>,
        tags: impl IntoIterator<Item = SkillTag>,
    ) -> Taxonomy {
        let mut t = Taxonomy::new(name);
        let loc = t.name.clone();
        for tag in tags {
            t.insert(tag, &loc, WarningKind::DuplicateId);
        }
        t.reindex();
        t
    }

    /// The name it was built from (file name, `esco`, `builtin`...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of skills.
    pub fn len(&self) -> usize {
        self.skills.len()
    }

    /// Whether it has no skills.
    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }

    /// Every skill, in insertion order.
    pub fn skills(&self) -> &[SkillTag] {
        &self.skills
    }

    /// The skill with this id.
    pub fn get(&self, id: &str) -> Option<&SkillTag> {
        self.by_id.get(id).map(|&i| &self.skills[i])
    }

    /// The skills whose label, alias or keyword normalises to the same term as `term`.
    pub fn by_term(&self, term: &str) -> Vec<&SkillTag> {
        self.by_term
            .get(&normalize_term(term))
            .map(|v| v.iter().map(|&i| &self.skills[i]).collect())
            .unwrap_or_default()
    }

    /// The skills a hashtag names (explicit or derived hashtag forms; `#` optional, any case).
    pub fn by_hashtag(&self, tag: &str) -> Vec<&SkillTag> {
        self.by_hashtag
            .get(&hashtag_form(tag))
            .map(|v| v.iter().map(|&i| &self.skills[i]).collect())
            .unwrap_or_default()
    }

    /// Finds one skill by id, then label/alias/keyword, then hashtag (when the text starts with `#`,
    /// hashtag first). Returns the first one when several share the term.
    pub fn find(&self, query: &str) -> Option<&SkillTag> {
        let q = query.trim();
        if let Some(t) = self.get(q) {
            return Some(t);
        }
        if q.starts_with(['#', '＃']) {
            return self
                .by_hashtag(q)
                .into_iter()
                .next()
                .or_else(|| self.by_term(q).into_iter().next());
        }
        self.by_term(q)
            .into_iter()
            .next()
            .or_else(|| self.by_hashtag(q).into_iter().next())
    }

    /// The warnings collected while building and merging.
    pub fn report(&self) -> &TaxonomyReport {
        &self.report
    }

    /// The ESCO occupations (empty unless loaded from ESCO).
    pub fn occupations(&self) -> &[Occupation] {
        &self.occupations
    }

    /// An occupation by URI, preferred label or alternative label (case-insensitive).
    pub fn occupation(&self, uri_or_label: &str) -> Option<&Occupation> {
        let q = uri_or_label.trim();
        self.occ_by_key
            .get(q)
            .or_else(|| self.occ_by_key.get(&normalize_term(q)))
            .map(|&i| &self.occupations[i])
    }

    /// Adds one skill (merging into an existing one with the same id, with a warning) and reindexes.
    pub fn add(&mut self, tag: SkillTag) {
        let loc = self.name.clone();
        self.insert(tag, &loc, WarningKind::DuplicateId);
        self.reindex();
    }

    /// Merges `other` over this taxonomy: new ids are added; for an id both have, `other`'s label,
    /// category, parent and description win and the aliases, hashtags and keywords are united (an
    /// `Overridden` warning names each). Occupations are added. `other`'s warnings are carried over.
    ///
    /// ```
    /// use rapport_core::skills::{SkillTag, Taxonomy};
    /// let mut tax = Taxonomy::builtin();
    /// let n = tax.len();
    /// let mine = Taxonomy::from_tags("mine.toml", [
    ///     SkillTag::new("rapport:rust", "Rust").hashtags(["rustaceans"]),
    ///     SkillTag::new("rapport:bevy", "Bevy").hashtags(["bevyengine"]).parent("rapport:rust"),
    /// ]);
    /// tax.merge(mine);
    /// assert_eq!(tax.len(), n + 1);
    /// assert_eq!(tax.find("#rustaceans").unwrap().id, "rapport:rust");
    /// assert_eq!(tax.find("#rustlang").unwrap().id, "rapport:rust");
    /// ```
    pub fn merge(&mut self, other: Taxonomy) {
        let loc = other.name.clone();
        self.report.warnings.extend(other.report.warnings);
        for tag in other.skills {
            self.insert(tag, &loc, WarningKind::Overridden);
        }
        for occ in other.occupations {
            self.occupations.push(occ);
        }
        self.reindex();
    }

    /// Reads a TOML or CSV taxonomy file (chosen by extension: `.toml`, `.csv`; anything else is read
    /// as TOML if it parses, else CSV).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Taxonomy, SkillsError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SkillsError::Io {
            path: name.clone(),
            source: e,
        })?;
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Taxonomy::from_csv_str(&text, &name),
            Some("toml") => Taxonomy::from_toml_str(&text, &name),
            _ => Taxonomy::from_toml_str(&text, &name)
                .or_else(|_| Taxonomy::from_csv_str(&text, &name)),
        }
    }

    /// Parses the TOML format (see `docs/skills.md`): a `[[skill]]` table per skill with `id`,
    /// `label` and optional `category`, `aliases`, `hashtags`, `keywords`, `context_keywords`,
    /// `requires_context`, `parent`, `description`. Unknown fields are errors.
    ///
    /// ```
    /// use rapport_core::skills::Taxonomy;
    /// let toml = r#"
    /// [[skill]]
    /// id = "rapport:bevy"
    /// label = "Bevy"
    /// category = "skill"
    /// hashtags = ["bevyengine"]
    /// "#;
    /// let tax = Taxonomy::from_toml_str(toml, "mine.toml").unwrap();
    /// assert_eq!(tax.find("#BevyEngine").unwrap().label, "Bevy");
    ///
    /// let err = Taxonomy::from_toml_str("[[skill]]\nid = \"x\"\nlabel = \"X\"\ncategory = \"skils\"\n", "bad.toml")
    ///     .unwrap_err().to_string();
    /// assert!(err.contains("bad.toml") && err.contains("line 4") && err.contains("category"), "{err}");
    /// ```
    pub fn from_toml_str(text: &str, name: &str) -> Result<Taxonomy, SkillsError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            skill: Vec<toml::Spanned<Entry>>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Entry {
            id: toml::Spanned<String>,
            label: toml::Spanned<String>,
            #[serde(default)]
            category: Category,
            #[serde(default)]
            aliases: Vec<String>,
            #[serde(default)]
            hashtags: Vec<String>,
            #[serde(default)]
            keywords: Vec<String>,
            #[serde(default)]
            context_keywords: Vec<String>,
            #[serde(default)]
            requires_context: bool,
            #[serde(default)]
            parent: Option<String>,
            #[serde(default)]
            description: Option<String>,
        }
        let file: File = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        let mut tax = Taxonomy::new(name);
        for e in file.skill {
            let line = line_of(text, e.span().start);
            let e = e.into_inner();
            for (field, v) in [("id", &e.id), ("label", &e.label)] {
                if v.get_ref().trim().is_empty() {
                    return Err(SkillsError::Parse {
                        file: name.to_string(),
                        line: Some(line_of(text, v.span().start)),
                        field: Some(field.to_string()),
                        message: format!("`{field}` must not be empty"),
                    });
                }
            }
            let tag = SkillTag {
                id: e.id.into_inner().trim().to_string(),
                label: e.label.into_inner().trim().to_string(),
                category: e.category,
                aliases: e.aliases,
                hashtags: e
                    .hashtags
                    .into_iter()
                    .map(|h| h.trim_start_matches('#').to_string())
                    .collect(),
                keywords: e.keywords,
                context_keywords: e.context_keywords,
                requires_context: e.requires_context,
                parent: e.parent.filter(|p| !p.trim().is_empty()),
                description: e.description,
                reuse_level: None,
            };
            tax.insert(tag, &format!("{name}:{line}"), WarningKind::DuplicateId);
        }
        tax.reindex();
        Ok(tax)
    }

    /// Parses the CSV format (see `docs/skills.md`): a header row with at least `id` and `label`, and
    /// optionally `category`, `aliases`, `hashtags`, `keywords`, `context_keywords`,
    /// `requires_context` (`true`/`false`/empty), `parent`, `description`. List cells separate items
    /// with `|`. Unknown columns are errors.
    ///
    /// ```
    /// use rapport_core::skills::Taxonomy;
    /// let csv = "id,label,category,hashtags\nrapport:bevy,Bevy,skill,bevyengine|bevy\n";
    /// let tax = Taxonomy::from_csv_str(csv, "mine.csv").unwrap();
    /// assert_eq!(tax.find("#bevy").unwrap().id, "rapport:bevy");
    /// ```
    pub fn from_csv_str(text: &str, name: &str) -> Result<Taxonomy, SkillsError> {
        const COLUMNS: [&str; 10] = [
            "id",
            "label",
            "category",
            "aliases",
            "hashtags",
            "keywords",
            "context_keywords",
            "requires_context",
            "parent",
            "description",
        ];
        let perr = |line: Option<u64>, field: Option<&str>, message: String| SkillsError::Parse {
            file: name.to_string(),
            line,
            field: field.map(str::to_string),
            message,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| perr(Some(1), None, e.to_string()))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect::<Vec<_>>();
        for h in &headers {
            if !COLUMNS.contains(&h.as_str()) {
                return Err(perr(
                    Some(1),
                    Some(h),
                    format!(
                        "unknown column `{h}`, expected one of {}",
                        COLUMNS.join(", ")
                    ),
                ));
            }
        }
        for required in ["id", "label"] {
            if !headers.iter().any(|h| h == required) {
                return Err(perr(
                    Some(1),
                    Some(required),
                    format!("missing column `{required}`"),
                ));
            }
        }
        let col = |n: &str| headers.iter().position(|h| h == n);
        let mut tax = Taxonomy::new(name);
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(csv::Position::line);
                perr(line, None, e.to_string())
            })?;
            let line = rec.position().map_or(0, csv::Position::line);
            let get = |n: &str| col(n).and_then(|i| rec.get(i)).unwrap_or("").trim();
            let list = |n: &str| {
                get(n)
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            for f in ["id", "label"] {
                if get(f).is_empty() {
                    return Err(perr(
                        Some(line),
                        Some(f),
                        format!("`{f}` must not be empty"),
                    ));
                }
            }
            let category = Category::parse(get("category")).ok_or_else(|| {
                perr(
                    Some(line),
                    Some("category"),
                    format!(
                        "unknown category `{}`, expected skill, knowledge, competence or topic",
                        get("category")
                    ),
                )
            })?;
            let requires_context = match get("requires_context").to_ascii_lowercase().as_str() {
                "" | "false" | "no" | "0" => false,
                "true" | "yes" | "1" => true,
                other => {
                    return Err(perr(
                        Some(line),
                        Some("requires_context"),
                        format!("expected true or false, found `{other}`"),
                    ));
                }
            };
            let tag = SkillTag {
                id: get("id").to_string(),
                label: get("label").to_string(),
                category,
                aliases: list("aliases"),
                hashtags: list("hashtags")
                    .into_iter()
                    .map(|h| h.trim_start_matches('#').to_string())
                    .collect(),
                keywords: list("keywords"),
                context_keywords: list("context_keywords"),
                requires_context,
                parent: Some(get("parent").to_string()).filter(|p| !p.is_empty()),
                description: Some(get("description").to_string()).filter(|p| !p.is_empty()),
                reuse_level: None,
            };
            tax.insert(tag, &format!("{name}:{line}"), WarningKind::DuplicateId);
        }
        tax.reindex();
        Ok(tax)
    }

    /// Inserts without reindexing (loaders insert thousands, then index once).
    pub(crate) fn insert(&mut self, tag: SkillTag, location: &str, dup_kind: WarningKind) {
        if let Some(&i) = self.by_id.get(&tag.id) {
            self.report.push(
                dup_kind,
                location,
                format!(
                    "id `{}` already present (\"{}\"); entries merged",
                    tag.id, self.skills[i].label
                ),
            );
            self.skills[i].merge_from(tag);
        } else {
            self.by_id.insert(tag.id.clone(), self.skills.len());
            self.skills.push(tag);
        }
    }

    /// Rebuilds the term and hashtag indices and reports collisions and unknown parents.
    pub(crate) fn reindex(&mut self) {
        self.by_term.clear();
        self.by_hashtag.clear();
        self.report.warnings.retain(|w| {
            !matches!(
                w.kind,
                WarningKind::AliasCollision
                    | WarningKind::HashtagCollision
                    | WarningKind::UnknownParent
            )
        });
        for (i, s) in self.skills.iter().enumerate() {
            let mut terms: Vec<String> = s
                .terms()
                .chain(s.context_keywords.iter().map(String::as_str))
                .map(normalize_term)
                .filter(|t| !t.is_empty())
                .collect();
            terms.sort_unstable();
            terms.dedup();
            let mut tags: Vec<String> = s.hashtags.iter().map(|h| hashtag_form(h)).collect();
            tags.extend(
                terms
                    .iter()
                    .filter(|t| derives_hashtag(t))
                    .map(|t| hashtag_form(t)),
            );
            tags.retain(|t| !t.is_empty());
            tags.sort_unstable();
            tags.dedup();
            for t in terms {
                self.by_term.entry(t).or_default().push(i);
            }
            for t in tags {
                self.by_hashtag.entry(t).or_default().push(i);
            }
        }
        let name = self.name.clone();
        let mut collisions: Vec<(WarningKind, String, Vec<usize>)> = Vec::new();
        for (k, v) in &self.by_term {
            if v.len() > 1 {
                collisions.push((WarningKind::AliasCollision, k.clone(), v.clone()));
            }
        }
        for (k, v) in &self.by_hashtag {
            // a hashtag derived from a colliding term is already reported as that term
            if v.len() > 1 && self.by_term.get(k) != Some(v) {
                collisions.push((WarningKind::HashtagCollision, format!("#{k}"), v.clone()));
            }
        }
        collisions.sort_by(|a, b| a.1.cmp(&b.1));
        for (kind, term, v) in collisions {
            let ids: Vec<&str> = v.iter().map(|&i| self.skills[i].id.as_str()).collect();
            self.report.push(
                kind,
                name.clone(),
                format!("`{term}` names {} skills: {}", ids.len(), ids.join(", ")),
            );
        }
        for s in &self.skills {
            if let Some(p) = &s.parent
                && !self.by_id.contains_key(p)
            {
                self.report.push(
                    WarningKind::UnknownParent,
                    name.clone(),
                    format!("`{}` has parent `{p}`, which is not in the taxonomy", s.id),
                );
            }
        }
        self.occ_by_key.clear();
        for (i, o) in self.occupations.iter().enumerate() {
            self.occ_by_key.insert(o.uri.clone(), i);
            for l in std::iter::once(&o.label).chain(o.alt_labels.iter()) {
                self.occ_by_key.entry(normalize_term(l)).or_insert(i);
            }
        }
    }

    pub(crate) fn push_warning(&mut self, kind: WarningKind, location: &str, message: String) {
        self.report.push(kind, location, message);
    }

    pub(crate) fn set_occupations(&mut self, occ: Vec<Occupation>) {
        self.occupations = occ;
    }

    /// The skills of an occupation that this taxonomy knows, with their relation.
    pub(crate) fn occupation_skills<'a>(
        &'a self,
        occ: &'a Occupation,
    ) -> impl Iterator<Item = (&'a OccupationSkill, Option<&'a SkillTag>)> + 'a {
        occ.skills.iter().map(|s| (s, self.get(&s.skill_uri)))
    }
}

/// Whether a normalised term is short enough to also be matched in hashtag form.
pub(crate) fn derives_hashtag(term: &str) -> bool {
    term.split(' ').count() <= MAX_HASHTAG_WORDS && term.chars().count() <= MAX_HASHTAG_CHARS
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .split(|&b| b == b'\n')
        .count() as u64
}

/// A TOML error with its line and, when the line is `key = value`, the key as the field.
pub(crate) fn toml_error(text: &str, name: &str, e: &toml::de::Error) -> SkillsError {
    let line = e.span().map(|s| line_of(text, s.start));
    let field = line
        .and_then(|l| text.lines().nth(l as usize - 1))
        .and_then(|l| {
            let (k, _) = l.split_once('=')?;
            let k = k.trim();
            (!k.is_empty()
                && k.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
            .then(|| k.to_string())
        });
    SkillsError::Parse {
        file: name.to_string(),
        line,
        field,
        message: e.message().trim().to_string(),
    }
}
