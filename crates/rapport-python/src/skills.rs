//! `rapport.Taxonomy`, `rapport.JobProfile` and `Corpus.skills`: the skills a corpus shows.
//!
//! A taxonomy is loaded once (the built-in one, an ESCO download, or a TOML/CSV file) and shared by
//! `Arc`; matching text and computing evidence release the GIL.

use std::sync::{Arc, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rapport_arrow::RecordBatch;
use rapport_core::context::builtin_taxonomy;
use rapport_core::skills::{EvidenceOptions, JobProfile, Matcher, SkillReport, Taxonomy};

use crate::analysis::{json_of, table_of, to_py};
use crate::corpus::{PyCorpus, extract_instant, path_string};
use crate::errors::Error;
use crate::guarded;
use crate::table::PyTable;

/// A skills taxonomy: skills with labels, aliases, hashtags and keywords, and (for ESCO) occupations.
///
/// ```python
/// >>> tax = rapport.Taxonomy.default()
/// >>> len(tax) > 50
/// True
/// >>> [m["skill_id"] for m in tax.match("Loving #rustlang and kubernetes")["matches"]]
/// ['rapport:rust', 'rapport:kubernetes']
///
/// ```
#[pyclass(module = "rapport._native", name = "Taxonomy", frozen)]
pub(crate) struct PyTaxonomy {
    pub(crate) inner: Arc<Taxonomy>,
}

#[pymethods]
impl PyTaxonomy {
    /// The built-in taxonomy (technology skills, curated).
    ///
    /// ```python
    /// >>> rapport.Taxonomy.default().name
    /// 'skills_builtin.toml'
    ///
    /// ```
    #[staticmethod]
    fn default() -> Self {
        PyTaxonomy {
            inner: builtin_taxonomy(),
        }
    }

    /// A taxonomy from ESCO's CSV download (a folder or the zip), with its occupations.
    ///
    /// ```python
    /// >>> rapport.Taxonomy.from_esco("/no/such/esco.zip")
    /// Traceback (most recent call last):
    /// ...
    /// FileNotFoundError: ...
    ///
    /// ```
    #[staticmethod]
    fn from_esco(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_string(path)?;
        let t = guarded(py, move || Ok(Taxonomy::from_esco(&path)?))?;
        Ok(PyTaxonomy { inner: Arc::new(t) })
    }

    /// A taxonomy from a TOML or CSV file (see docs/skills.md for the format).
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "tax.toml")
    /// >>> _ = open(path, "w").write('[[skill]]\nid = "acme:cobol"\nlabel = "COBOL"\nhashtags = ["cobol"]\n')
    /// >>> tax = rapport.Taxonomy.from_file(path)
    /// >>> len(tax), tax.match("#COBOL forever")["matches"][0]["skill_id"]
    /// (1, 'acme:cobol')
    ///
    /// ```
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_string(path)?;
        let t = guarded(py, move || Ok(Taxonomy::from_file(&path)?))?;
        Ok(PyTaxonomy { inner: Arc::new(t) })
    }

    /// The taxonomy's name.
    ///
    /// ```python
    /// >>> rapport.Taxonomy.default().name
    /// 'skills_builtin.toml'
    ///
    /// ```
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The skills found in a text: `{"matches": [{skill_id, label, source, term, confidence}],
    /// "ambiguous": [...], "sensitive": [...]}`.
    ///
    /// ```python
    /// >>> m = rapport.Taxonomy.default().match("I write #python daily")["matches"][0]
    /// >>> m["label"], m["source"], m["term"], m["confidence"]
    /// ('Python', 'hashtag', '#python', 0.95)
    ///
    /// ```
    #[pyo3(name = "match")]
    fn match_text<'py>(&self, py: Python<'py>, text: String) -> PyResult<Bound<'py, PyAny>> {
        let t = Arc::clone(&self.inner);
        let v = guarded(py, move || json_of(&Matcher::new(&t).match_text(&text)))?;
        to_py(py, &v)
    }

    /// The skills, one row each (id, label, category, aliases, hashtags, keywords, parent).
    ///
    /// ```python
    /// >>> "rapport:rust" in rapport.Taxonomy.default().skills()["id"]
    /// True
    ///
    /// ```
    fn skills(&self, py: Python<'_>) -> PyResult<PyTable> {
        let t = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || table_of(t.skills()))?))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<rapport.Taxonomy {:?} skills={} occupations={}>",
            self.inner.name(),
            self.inner.len(),
            self.inner.occupations().len()
        )
    }
}

/// Skill weights from Python: a list of names (weight `default`) or a dict name → weight.
fn weighted(
    v: Option<&Bound<'_, PyAny>>,
    default: f64,
    what: &str,
) -> Result<Vec<(String, f64)>, Error> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(d) = v.cast::<PyDict>() {
        return d
            .iter()
            .map(|(k, w)| {
                Ok((
                    k.extract::<String>().map_err(|_| {
                        Error::Config(format!("{what}: skill names must be strings"))
                    })?,
                    w.extract::<f64>()
                        .map_err(|_| Error::Config(format!("{what}: weights must be numbers")))?,
                ))
            })
            .collect();
    }
    crate::analysis::str_list(v, what).map(|l| l.into_iter().map(|s| (s, default)).collect())
}

/// A job: its title and skills (ids, labels, aliases or hashtags of the taxonomy), required or nice to
/// have, with weights.
///
/// ```python
/// >>> job = rapport.JobProfile("Rust engineer", required=["rust", "kubernetes"], nice_to_have={"terraform": 0.5})
/// >>> job
/// <rapport.JobProfile "Rust engineer" required=2 nice_to_have=1>
/// >>> [(s["skill_id"], s["weight"], s["required"]) for s in job.skills]
/// [('rust', 1.0, True), ('kubernetes', 1.0, True), ('terraform', 0.5, False)]
///
/// ```
#[pyclass(module = "rapport._native", name = "JobProfile", frozen)]
pub(crate) struct PyJobProfile {
    pub(crate) inner: JobProfile,
}

#[pymethods]
impl PyJobProfile {
    #[new]
    #[pyo3(signature = (title, required = None, nice_to_have = None))]
    fn py_new(
        title: String,
        required: Option<&Bound<'_, PyAny>>,
        nice_to_have: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut job = JobProfile::new(title);
        for (s, w) in weighted(required, 1.0, "required")? {
            check_weight(&s, w)?;
            job = job.require(s, w);
        }
        for (s, w) in weighted(nice_to_have, 0.5, "nice_to_have")? {
            check_weight(&s, w)?;
            job = job.nice_to_have(s, w);
        }
        Ok(PyJobProfile { inner: job })
    }

    /// A job from an ESCO occupation (URI or label) of a taxonomy loaded with `Taxonomy.from_esco`:
    /// essential skills required (weight 1), optional ones nice to have (0.5).
    ///
    /// ```python
    /// >>> try:
    /// ...     rapport.JobProfile.from_esco_occupation(rapport.Taxonomy.default(), "software developer")
    /// ... except rapport.TaxonomyError as e:
    /// ...     print(e)
    /// occupation `software developer` not found (this taxonomy has no occupations: load it with Taxonomy::from_esco)
    ///
    /// ```
    #[staticmethod]
    fn from_esco_occupation(
        taxonomy: &Bound<'_, PyTaxonomy>,
        uri_or_label: &str,
    ) -> PyResult<Self> {
        let job = JobProfile::from_esco_occupation(&taxonomy.get().inner, uri_or_label)
            .map_err(Error::from)?;
        Ok(PyJobProfile { inner: job })
    }

    /// A job from a TOML file (`title`, then `[[skill]]` tables with `skill`, `weight`, `required`).
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "job.toml")
    /// >>> _ = open(path, "w").write('title = "Data engineer"\n[[skill]]\nskill = "python"\nweight = 2.0\nrequired = true\n')
    /// >>> rapport.JobProfile.from_file(path)
    /// <rapport.JobProfile "Data engineer" required=1 nice_to_have=0>
    ///
    /// ```
    #[staticmethod]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_string(path)?;
        let job = guarded(py, move || Ok(JobProfile::from_toml_file(&path)?))?;
        Ok(PyJobProfile { inner: job })
    }

    /// The title.
    ///
    /// ```python
    /// >>> rapport.JobProfile("SRE").title
    /// 'SRE'
    ///
    /// ```
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// The skills as dicts (`skill_id`, `weight`, `required`).
    ///
    /// ```python
    /// >>> rapport.JobProfile("SRE", required=["linux"]).skills
    /// [{'required': True, 'skill_id': 'linux', 'weight': 1.0}]
    ///
    /// ```
    #[getter]
    fn skills<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &json_of(&self.inner.skills)?)
    }

    fn __repr__(&self) -> String {
        let req = self.inner.skills.iter().filter(|s| s.required).count();
        format!(
            "<rapport.JobProfile {:?} required={} nice_to_have={}>",
            self.inner.title,
            req,
            self.inner.skills.len() - req
        )
    }
}

fn check_weight(skill: &str, w: f64) -> Result<(), Error> {
    if w.is_finite() && w > 0.0 {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "skill {skill:?}: weight {w} must be a positive number"
        )))
    }
}

/// The taxonomy argument: `None` is the built-in one.
pub(crate) fn taxonomy_of(t: Option<&Bound<'_, PyTaxonomy>>) -> Arc<Taxonomy> {
    t.map_or_else(builtin_taxonomy, |t| Arc::clone(&t.get().inner))
}

#[pymethods]
impl PyCorpus {
    /// The skills each account shows, one row per account and skill: strength (confidence ×
    /// recency decay, summed), posts, counts by source (hashtag, keyword, bio, and `list`: lists the
    /// account is on that name the skill), peer validation, first and last seen, the evidence post
    /// ids and the evidence list ids. Reposts never count; `all_evidence=True` keeps every evidence post id.
    ///
    /// ```python
    /// >>> s = corpus.skills()
    /// >>> sorted({(r["handle"], r["skill_id"]) for r in s if r["skill_id"] == "rapport:rust"})
    /// [('acme_careers', 'rapport:rust'), ('acme_eng', 'rapport:rust'), ('ada', 'rapport:rust'), ('bob', 'rapport:rust')]
    ///
    /// ```
    #[pyo3(signature = (taxonomy = None, half_life_days = 180.0, as_of = None, all_evidence = false))]
    fn skills(
        &self,
        py: Python<'_>,
        taxonomy: Option<&Bound<'_, PyTaxonomy>>,
        half_life_days: f64,
        as_of: Option<&Bound<'_, PyAny>>,
        all_evidence: bool,
    ) -> PyResult<PyTable> {
        if !(half_life_days.is_finite() && half_life_days > 0.0) {
            return Err(Error::Config(format!(
                "half_life_days={half_life_days}: expected a positive number of days"
            ))
            .into());
        }
        let mut opts = EvidenceOptions::default().half_life_days(half_life_days);
        if let Some(t) = as_of.filter(|v| !v.is_none()) {
            opts = opts.as_of(extract_instant(t, "as_of")?);
        }
        if all_evidence {
            opts = opts.all_evidence();
        }
        let tax = taxonomy_of(taxonomy);
        let a = Arc::clone(&self.analysis);
        let tables = &self.skill_tables;
        // The table is made from the full evidence, which the skill topics of `mentors()` share,
        // cut to the kept ids as it is written: the report cut to them is never built.
        let keep = opts.max_evidence_posts.unwrap_or(usize::MAX);
        let full = opts.all_evidence();
        let t = guarded(py, move || {
            let m = a.matcher(&tax);
            let report = a.skills(&m, &full);
            let cached = |tables: &mut Vec<(Arc<SkillReport>, usize, RecordBatch)>| {
                tables
                    .iter()
                    .find(|(r, k, _)| Arc::ptr_eq(r, &report) && *k == keep)
                    .map(|(_, _, t)| t.clone())
            };
            let lock = || tables.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(t) = cached(&mut lock()) {
                return Ok(t);
            }
            // Converted outside the lock; a table made twice by two threads is the same table.
            let t = rapport_arrow::results::skills_keeping(&report.rows, keep)?;
            let mut all = lock();
            if cached(&mut all).is_none() {
                if all.len() >= MAX_SKILL_TABLES {
                    all.remove(0);
                }
                all.push((report, keep, t.clone()));
            }
            Ok(t)
        })?;
        Ok(PyTable::new(t))
    }
}

/// The most `skills()` tables one corpus keeps; the oldest goes first.
const MAX_SKILL_TABLES: usize = 4;
