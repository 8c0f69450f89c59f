//! The ESCO loader: skills, occupations and occupation → skill relations from the CSV files the
//! European Commission publishes (the zips as downloaded, or unpacked).
//!
//! This service uses the ESCO classification of the European Commission.
//!
//! The classification zip holds `skills_en.csv` (one row per skill or knowledge concept: `conceptUri`,
//! `skillType`, `reuseLevel`, `preferredLabel`, `altLabels` and `hiddenLabels` with one label per line
//! inside a quoted cell, `description`, ...) and `occupations_en.csv`; the relations zip holds
//! `occupationSkillRelations.csv` (`occupationUri`, `relationType` essential/optional, `skillType`,
//! `skillUri`) and `broaderRelationsSkillPillar.csv` (the skill hierarchy).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

use hashbrown::HashMap;
use serde::Serialize;

use super::SkillsError;
use super::taxonomy::{Category, SkillTag, Taxonomy, WarningKind};

/// The attribution that must accompany anything that shows or ships ESCO data.
pub const ESCO_ATTRIBUTION: &str =
    "This service uses the ESCO classification of the European Commission.";

/// Whether an occupation needs a skill (ESCO's `essential`) or benefits from it (`optional`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// ESCO `essential`.
    Essential,
    /// ESCO `optional`.
    Optional,
}

/// One skill of an occupation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OccupationSkill {
    /// The ESCO skill URI.
    pub skill_uri: String,
    /// Essential or optional.
    pub relation: Relation,
}

/// An ESCO occupation with its skills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occupation {
    /// The ESCO occupation URI.
    pub uri: String,
    /// Preferred label.
    pub label: String,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// The ISCO-08 group code.
    pub isco_group: Option<String>,
    /// Essential and optional skills (empty when the relations file was not loaded).
    pub skills: Vec<OccupationSkill>,
}

/// What an ESCO load read, for the report and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EscoStats {
    /// Skill rows read.
    pub skills: usize,
    /// Labels read (preferred + alternative + hidden).
    pub labels: usize,
    /// Occupations read.
    pub occupations: usize,
    /// Occupation → skill relations read.
    pub relations: usize,
    /// Skill → broader skill relations applied as parents.
    pub parents: usize,
}

impl Taxonomy {
    /// Loads ESCO from a path: the classification zip (a relations zip next to it, any `*.zip` whose
    /// name contains `relations`, is read too), a directory holding the zips or the unpacked CSV files,
    /// or an unpacked `skills_en.csv` (with `occupations_en.csv` and `occupationSkillRelations.csv`
    /// read from the same directory when present).
    ///
    /// ```no_run
    /// use rapport_core::skills::Taxonomy;
    /// let esco = Taxonomy::from_esco("../shared/data/esco/esco-v1.1.1-classification-en-csv.zip")?;
    /// let job = esco.occupation("data scientist").unwrap();
    /// println!("{} skills", job.skills.len());
    /// # Ok::<(), rapport_core::skills::SkillsError>(())
    /// ```
    pub fn from_esco(path: impl AsRef<Path>) -> Result<Taxonomy, SkillsError> {
        Ok(load_esco(path.as_ref())?.0)
    }

    /// Like [`Taxonomy::from_esco`], also returning what was read.
    pub fn from_esco_with_stats(
        path: impl AsRef<Path>,
    ) -> Result<(Taxonomy, EscoStats), SkillsError> {
        load_esco(path.as_ref())
    }

    /// Loads ESCO from a classification zip read from any reader (`skills_en.csv` and, if present,
    /// `occupations_en.csv`), and optionally a relations zip.
    pub fn from_esco_zip_reader<R: Read + Seek, S: Read + Seek>(
        classification: R,
        relations: Option<S>,
    ) -> Result<(Taxonomy, EscoStats), SkillsError> {
        let mut b = Builder::default();
        b.read_classification_zip(classification, "classification zip")?;
        if let Some(r) = relations {
            b.read_relations_zip(r, "relations zip")?;
        }
        Ok(b.finish())
    }
}

fn has_ext(name: &str, ext: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SkillsError + '_ {
    move |e| SkillsError::Io {
        path: path.display().to_string(),
        source: e,
    }
}

fn load_esco(path: &Path) -> Result<(Taxonomy, EscoStats), SkillsError> {
    let mut b = Builder::default();
    let (dir, zip_main) = if path.is_dir() {
        (path.to_path_buf(), None)
    } else {
        (
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
            Some(path),
        )
    };
    let sibling = |pred: &dyn Fn(&str) -> bool| -> Option<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(pred))
            .collect();
        v.sort();
        v.into_iter().next()
    };
    let is_zip = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    match zip_main {
        Some(p) if is_zip(p) => {
            let f = File::open(p).map_err(io_err(p))?;
            b.read_classification_zip(BufReader::new(f), &p.display().to_string())?;
        }
        Some(p) => {
            let f = File::open(p).map_err(io_err(p))?;
            b.read_skills(BufReader::new(f), &p.display().to_string())?;
            if let Some(o) = sibling(&|n| n.eq_ignore_ascii_case("occupations_en.csv")) {
                let f = File::open(&o).map_err(io_err(&o))?;
                b.read_occupations(BufReader::new(f), &o.display().to_string())?;
            }
        }
        None => {
            if let Some(z) = sibling(&|n| has_ext(n, "zip") && n.contains("classification")) {
                let f = File::open(&z).map_err(io_err(&z))?;
                b.read_classification_zip(BufReader::new(f), &z.display().to_string())?;
            } else if let Some(s) = sibling(&|n| n.starts_with("skills_") && has_ext(n, "csv")) {
                let f = File::open(&s).map_err(io_err(&s))?;
                b.read_skills(BufReader::new(f), &s.display().to_string())?;
                if let Some(o) = sibling(&|n| n.starts_with("occupations_") && has_ext(n, "csv")) {
                    let f = File::open(&o).map_err(io_err(&o))?;
                    b.read_occupations(BufReader::new(f), &o.display().to_string())?;
                }
            } else {
                return Err(SkillsError::Esco {
                    file: path.display().to_string(),
                    message: "no ESCO classification zip or skills_*.csv in this directory".into(),
                });
            }
        }
    }
    if b.skills.is_empty() {
        return Err(SkillsError::Esco {
            file: path.display().to_string(),
            message: "no skills read".into(),
        });
    }
    if !b.relations_read {
        if let Some(z) = sibling(&|n| has_ext(n, "zip") && n.contains("relations")) {
            let f = File::open(&z).map_err(io_err(&z))?;
            b.read_relations_zip(BufReader::new(f), &z.display().to_string())?;
        } else if let Some(r) = sibling(&|n| n.eq_ignore_ascii_case("occupationSkillRelations.csv"))
        {
            let f = File::open(&r).map_err(io_err(&r))?;
            b.read_relations(BufReader::new(f), &r.display().to_string())?;
            if let Some(h) = sibling(&|n| n.eq_ignore_ascii_case("broaderRelationsSkillPillar.csv"))
            {
                let f = File::open(&h).map_err(io_err(&h))?;
                b.read_broader(BufReader::new(f), &h.display().to_string())?;
            }
        }
    }
    Ok(b.finish())
}

#[derive(Default)]
struct Builder {
    skills: Vec<SkillTag>,
    occupations: Vec<Occupation>,
    stats: EscoStats,
    relations_read: bool,
    /// (skill uri, broader uri)
    broader: Vec<(String, String)>,
    /// (occupation uri, relation, skill uri)
    relations: Vec<(String, Relation, String)>,
}

/// Column positions by header name, with a clear error for a missing one.
struct Columns {
    names: Vec<String>,
    file: String,
}

impl Columns {
    fn new<R: Read>(rdr: &mut csv::Reader<R>, file: &str) -> Result<Columns, SkillsError> {
        let h = rdr.headers().map_err(|e| SkillsError::Esco {
            file: file.into(),
            message: e.to_string(),
        })?;
        Ok(Columns {
            names: h
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .collect(),
            file: file.to_string(),
        })
    }
    fn need(&self, name: &str) -> Result<usize, SkillsError> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| SkillsError::Esco {
                file: self.file.clone(),
                message: format!("missing column `{name}` (found: {})", self.names.join(", ")),
            })
    }
    fn opt(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

fn rec_err(file: &str, e: &csv::Error) -> SkillsError {
    SkillsError::Parse {
        file: file.to_string(),
        line: e.position().map(csv::Position::line),
        field: None,
        message: e.to_string(),
    }
}

fn lines(cell: &str) -> impl Iterator<Item = String> + '_ {
    cell.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

impl Builder {
    fn read_classification_zip<R: Read + Seek>(
        &mut self,
        r: R,
        name: &str,
    ) -> Result<(), SkillsError> {
        let zerr = |e: zip::result::ZipError| SkillsError::Esco {
            file: name.to_string(),
            message: e.to_string(),
        };
        let mut z = zip::ZipArchive::new(r).map_err(zerr)?;
        let find = |z: &zip::ZipArchive<R>, pre: &str| {
            z.file_names()
                .filter(|n| {
                    let base = n.rsplit('/').next().unwrap_or(n);
                    base.starts_with(pre) && has_ext(base, "csv")
                })
                .min()
                .map(str::to_string)
        };
        let skills = find(&z, "skills_").ok_or_else(|| SkillsError::Esco {
            file: name.to_string(),
            message: "no skills_*.csv in the zip".into(),
        })?;
        let occs = find(&z, "occupations_");
        let rels = find(&z, "occupationSkillRelations");
        let broader = find(&z, "broaderRelationsSkillPillar");
        let inner = format!("{name}!{skills}");
        self.read_skills(z.by_name(&skills).map_err(zerr)?, &inner)?;
        if let Some(o) = occs {
            let inner = format!("{name}!{o}");
            self.read_occupations(z.by_name(&o).map_err(zerr)?, &inner)?;
        }
        if let Some(r) = rels {
            let inner = format!("{name}!{r}");
            self.read_relations(z.by_name(&r).map_err(zerr)?, &inner)?;
        }
        if let Some(b) = broader {
            let inner = format!("{name}!{b}");
            self.read_broader(z.by_name(&b).map_err(zerr)?, &inner)?;
        }
        Ok(())
    }

    fn read_relations_zip<R: Read + Seek>(&mut self, r: R, name: &str) -> Result<(), SkillsError> {
        let zerr = |e: zip::result::ZipError| SkillsError::Esco {
            file: name.to_string(),
            message: e.to_string(),
        };
        let mut z = zip::ZipArchive::new(r).map_err(zerr)?;
        let names: Vec<String> = z.file_names().map(str::to_string).collect();
        let base = |n: &String| n.rsplit('/').next().unwrap_or(n).to_string();
        let rel = names
            .iter()
            .find(|n| base(n) == "occupationSkillRelations.csv")
            .cloned();
        let broader = names
            .iter()
            .find(|n| base(n) == "broaderRelationsSkillPillar.csv")
            .cloned();
        let Some(rel) = rel else {
            return Err(SkillsError::Esco {
                file: name.to_string(),
                message: "no occupationSkillRelations.csv in the relations zip".into(),
            });
        };
        self.read_relations(z.by_name(&rel).map_err(zerr)?, &format!("{name}!{rel}"))?;
        if let Some(b) = broader {
            self.read_broader(z.by_name(&b).map_err(zerr)?, &format!("{name}!{b}"))?;
        }
        Ok(())
    }

    fn read_skills<R: Read>(&mut self, r: R, file: &str) -> Result<(), SkillsError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let c = Columns::new(&mut rdr, file)?;
        let (uri, pref) = (c.need("conceptUri")?, c.need("preferredLabel")?);
        let (alt, hidden) = (c.opt("altLabels"), c.opt("hiddenLabels"));
        let (stype, reuse, desc) = (
            c.opt("skillType"),
            c.opt("reuseLevel"),
            c.opt("description"),
        );
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(rec_err(file, &e)),
            }
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
            let id = get(Some(uri)).trim();
            let label = get(Some(pref)).trim();
            if id.is_empty() || label.is_empty() {
                continue;
            }
            let reuse_level = Some(get(reuse).trim().to_string()).filter(|s| !s.is_empty());
            let category = match get(stype).trim() {
                "knowledge" => Category::Knowledge,
                _ if reuse_level.as_deref() == Some("transversal") => Category::Competence,
                _ => Category::Skill,
            };
            let mut tag = SkillTag::new(id, label).category(category);
            tag.aliases = lines(get(alt)).collect();
            tag.keywords = lines(get(hidden)).collect();
            self.stats.labels += 1 + tag.aliases.len() + tag.keywords.len();
            tag.aliases.retain(|a| a != label);
            // "Python (computer programming)": people write "Python", so match the unqualified form
            let extra: Vec<String> = std::iter::once(label)
                .chain(tag.aliases.iter().map(String::as_str))
                .filter_map(|l| l.find(" (").map(|i| l[..i].trim().to_string()))
                .filter(|s| !s.is_empty())
                .collect();
            tag.keywords.extend(extra);
            tag.reuse_level = reuse_level;
            tag.description = Some(get(desc).trim().to_string()).filter(|s| !s.is_empty());
            self.skills.push(tag);
        }
        self.stats.skills = self.skills.len();
        Ok(())
    }

    fn read_occupations<R: Read>(&mut self, r: R, file: &str) -> Result<(), SkillsError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let c = Columns::new(&mut rdr, file)?;
        let (uri, pref) = (c.need("conceptUri")?, c.need("preferredLabel")?);
        let (alt, isco) = (c.opt("altLabels"), c.opt("iscoGroup"));
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(rec_err(file, &e)),
            }
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
            let (u, l) = (get(Some(uri)).trim(), get(Some(pref)).trim());
            if u.is_empty() || l.is_empty() {
                continue;
            }
            self.occupations.push(Occupation {
                uri: u.to_string(),
                label: l.to_string(),
                alt_labels: lines(get(alt)).filter(|a| a != l).collect(),
                isco_group: Some(get(isco).trim().to_string()).filter(|s| !s.is_empty()),
                skills: Vec::new(),
            });
        }
        self.stats.occupations = self.occupations.len();
        Ok(())
    }

    fn read_relations<R: Read>(&mut self, r: R, file: &str) -> Result<(), SkillsError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let c = Columns::new(&mut rdr, file)?;
        let (occ, rel, skill) = (
            c.need("occupationUri")?,
            c.need("relationType")?,
            c.need("skillUri")?,
        );
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(rec_err(file, &e)),
            }
            let relation = match rec.get(rel).unwrap_or("").trim() {
                "essential" => Relation::Essential,
                "optional" => Relation::Optional,
                other => {
                    return Err(SkillsError::Parse {
                        file: file.to_string(),
                        line: rec.position().map(csv::Position::line),
                        field: Some("relationType".into()),
                        message: format!("expected essential or optional, found `{other}`"),
                    });
                }
            };
            self.relations.push((
                rec.get(occ).unwrap_or("").trim().to_string(),
                relation,
                rec.get(skill).unwrap_or("").trim().to_string(),
            ));
        }
        self.relations_read = true;
        Ok(())
    }

    fn read_broader<R: Read>(&mut self, r: R, file: &str) -> Result<(), SkillsError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let c = Columns::new(&mut rdr, file)?;
        let (ctype, uri, btype, buri) = (
            c.need("conceptType")?,
            c.need("conceptUri")?,
            c.need("broaderType")?,
            c.need("broaderUri")?,
        );
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(rec_err(file, &e)),
            }
            // only skill → skill links: skill groups are not skills people show
            if rec.get(ctype) == Some("KnowledgeSkillCompetence")
                && rec.get(btype) == Some("KnowledgeSkillCompetence")
            {
                self.broader.push((
                    rec.get(uri).unwrap_or("").to_string(),
                    rec.get(buri).unwrap_or("").to_string(),
                ));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> (Taxonomy, EscoStats) {
        let mut tax = Taxonomy::new("esco");
        let idx: HashMap<String, usize> = self
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        for (child, parent) in std::mem::take(&mut self.broader) {
            if let Some(&i) = idx.get(&child)
                && idx.contains_key(&parent)
                && self.skills[i].parent.is_none()
            {
                self.skills[i].parent = Some(parent);
                self.stats.parents += 1;
            }
        }
        let occ_idx: HashMap<String, usize> = self
            .occupations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.uri.clone(), i))
            .collect();
        let mut unknown = 0usize;
        for (occ, relation, skill_uri) in std::mem::take(&mut self.relations) {
            if let Some(&i) = occ_idx.get(&occ) {
                self.occupations[i].skills.push(OccupationSkill {
                    skill_uri,
                    relation,
                });
                self.stats.relations += 1;
            } else {
                unknown += 1;
            }
        }
        if unknown > 0 {
            tax.push_warning(
                WarningKind::Skipped,
                "esco",
                format!(
                    "{unknown} occupation-skill relations name an occupation that was not loaded"
                ),
            );
        }
        for s in self.skills {
            tax.insert(s, "esco", WarningKind::DuplicateId);
        }
        tax.set_occupations(self.occupations);
        tax.reindex();
        (tax, self.stats)
    }
}
