//! Talent analyses: `Corpus.rank_candidates`, `Corpus.mentors`, `Corpus.learning_feed` and the bias
//! audit `rapport.fairness.impact_ratios` (the native half; `python/rapport/fairness.py` accepts pandas
//! on top).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rapport_core::fairness::{FairnessOptions, GroupLabels, Outcome, impact_ratios};
use rapport_core::learning::LearningOptions;
use rapport_core::mentors::{MentorOptions, Topic};
use rapport_core::ranking::CandidateOptions;

use crate::analysis::{json_of, people_table, str_list, table_of, to_py};
use crate::corpus::{PyCorpus, extract_instant};
use crate::errors::Error;
use crate::guarded;
use crate::skills::{PyJobProfile, PyTaxonomy, taxonomy_of};
use crate::table::PyTable;

/// `"#rustlang"` is a hashtag topic, `"entity:<id or name>"` an annotation entity, anything else a
/// skill (id, label, alias or hashtag; or an entity name the taxonomy does not know).
fn topic_of(s: &str) -> Topic {
    Topic::parse(s)
}

/// An optional time argument: `None` (or Python's `None`) is no bound.
fn optional_instant(
    v: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Error> {
    match v.filter(|v| !v.is_none()) {
        Some(v) => extract_instant(v, what).map(Some),
        None => Ok(None),
    }
}

#[pymethods]
impl PyCorpus {
    /// People outside the organisation ranked by skill fit for `job` (a `JobProfile`), best first,
    /// with their engagement with the organisation beside the fit (never mixed in). Every row explains
    /// itself: coverage of required and nice-to-have skills, missing required skills, per-skill
    /// evidence (`skills`, JSON text) and why it ranks above the next. Advisory: for a human decision.
    ///
    /// ```python
    /// >>> job = rapport.JobProfile("Rust engineer", required=["rust"])
    /// >>> r = corpus.rank_candidates(job, org=["acme_careers", "acme_eng"])
    /// >>> [(row["handle"], row["stage"]) for row in r]
    /// [('bob', 'unaware'), ('ada', 'conversing')]
    ///
    /// ```
    #[pyo3(signature = (job, org, taxonomy = None, limit = 50))]
    fn rank_candidates(
        &self,
        py: Python<'_>,
        job: &Bound<'_, PyJobProfile>,
        org: &Bound<'_, PyAny>,
        taxonomy: Option<&Bound<'_, PyTaxonomy>>,
        limit: usize,
    ) -> PyResult<PyTable> {
        let org = str_list(org, "org")?;
        let job = job.get().inner.clone();
        let tax = taxonomy_of(taxonomy);
        let a = Arc::clone(&self.analysis);
        let t = guarded(py, move || {
            let m = a.matcher(&tax);
            let r = a.rank_candidates(&job, &org, &m, &CandidateOptions::with_limit(limit))?;
            people_table(&r.rows)
        })?;
        Ok(PyTable::new(t))
    }

    /// Mentors of a topic, best first: `topic` is a skill (`"rust"`, `"rapport:python"`), a hashtag
    /// (`"#rustlang"`), an entity of the posts' context annotations (`"entity:<id>"`, or the
    /// entity's name when the taxonomy has no such skill) or `None` for the whole corpus (global
    /// PageRank). `since` and `until`
    /// (datetimes, dates or ISO strings; `until` exclusive) make it mentors of a time window — "for
    /// the day": only posts created in the window count (an answer counts when its question is in the
    /// window too). Columns: `rank`, `handle`, `id`, `score` (the blend), `pagerank`, `answers`,
    /// `answers_acknowledged`, `reach`, `topic_posts`, `evidence_post_ids`. For learning and
    /// development only, never hiring.
    ///
    /// ```python
    /// >>> m = corpus.mentors(limit=3)
    /// >>> len(m), abs(sum(corpus.mentors(limit=100)["pagerank"]) - 1.0) < 1e-6
    /// (3, True)
    /// >>> corpus.mentors("#rustlang")["handle"]   # acme_careers answered ada's question; bob has no reach
    /// ['acme_careers', 'ada', 'bob']
    ///
    /// ```
    #[pyo3(signature = (topic = None, limit = 20, since = None, until = None))]
    fn mentors(
        &self,
        py: Python<'_>,
        topic: Option<&str>,
        limit: usize,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let topic = topic.map_or(Topic::Global, topic_of);
        let opts = MentorOptions::with_limit(limit).window(
            optional_instant(since, "since")?,
            optional_instant(until, "until")?,
        );
        let a = Arc::clone(&self.analysis);
        let t = guarded(py, move || {
            Ok(rapport_arrow::results::mentors(
                &a.mentors(&topic, None, &opts)?.rows,
            )?)
        })?;
        Ok(PyTable::new(t))
    }

    /// A learning feed for some goals (skills, or hashtags with `#`): per goal, mentors to follow,
    /// rising hashtags and two-way conversations to read. A dict `{"as_of", "window_days", "goals":
    /// [{"goal", "mentors": Table, "rising_hashtags": Table, "conversations": Table}], "items":
    /// Table}`; `items` holds every goal's items in one table (`goal`, `kind` = `mentor`,
    /// `rising_hashtag` or `conversation`, `rank`, `key`, `score`, `count`, `last_post_at`,
    /// `post_ids`).
    ///
    /// ```python
    /// >>> feed = corpus.learning_feed(skills=["#rustlang"])
    /// >>> g = feed["goals"][0]
    /// >>> g["goal"], feed["window_days"], g["mentors"]["handle"][:2]
    /// ('#rustlang', 30.0, ['acme_careers', 'ada'])
    /// >>> items = feed["items"]
    /// >>> [r["key"] for r in items if r["kind"] == "mentor"][:2]
    /// ['acme_careers', 'ada']
    ///
    /// ```
    #[pyo3(signature = (skills, window_days = 30.0, as_of = None, per_goal = 5))]
    fn learning_feed<'py>(
        &self,
        py: Python<'py>,
        skills: &Bound<'py, PyAny>,
        window_days: f64,
        as_of: Option<&Bound<'py, PyAny>>,
        per_goal: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let goals: Vec<Topic> = str_list(skills, "skills")?
            .iter()
            .map(|s| topic_of(s))
            .collect();
        if !(window_days.is_finite() && window_days > 0.0) {
            return Err(Error::Config(format!(
                "window_days={window_days}: expected a positive number of days"
            ))
            .into());
        }
        let opts = LearningOptions {
            mentors: per_goal,
            rising: per_goal,
            conversations: per_goal,
            window_days,
            as_of: match as_of.filter(|v| !v.is_none()) {
                Some(v) => Some(extract_instant(v, "as_of")?),
                None => None,
            },
            ..LearningOptions::default()
        };
        let a = Arc::clone(&self.analysis);
        let (as_of, window, goals, items) = guarded(py, move || {
            let feed = a.learning_feed(&goals, None, &opts)?;
            let items = rapport_arrow::results::learning_items(&feed)?;
            let goals = feed
                .goals
                .iter()
                .map(|g| {
                    Ok((
                        g.goal.clone(),
                        rapport_arrow::results::mentors(&g.mentors)?,
                        table_of(&g.rising_hashtags)?,
                        table_of(&g.conversations)?,
                    ))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok((feed.as_of, feed.window_days, goals, items))
        })?;
        let d = PyDict::new(py);
        d.set_item("as_of", as_of)?;
        d.set_item("window_days", window)?;
        let list = PyList::empty(py);
        for (goal, m, r, cv) in goals {
            let g = PyDict::new(py);
            g.set_item("goal", goal)?;
            g.set_item("mentors", PyTable::new(m))?;
            g.set_item("rising_hashtags", PyTable::new(r))?;
            g.set_item("conversations", PyTable::new(cv))?;
            list.append(g)?;
        }
        d.set_item("goals", list)?;
        d.set_item("items", PyTable::new(items))?;
        Ok(d)
    }
}

/// One category of a bias audit, summarised.
#[derive(serde::Serialize, Default)]
struct Summary<'a> {
    category: &'a str,
    groups: usize,
    unknown: usize,
    highest_group: Option<&'a str>,
    min_impact_ratio: Option<f64>,
}

/// The bias audit (four-fifths rule) of an outcome. `outcome` is a list of bools (selected or not) or
/// of scores (rated by the share above the median; `top_k` or `threshold` turn scores into a
/// selection); `groups` maps each category to labels aligned with the outcome (`None` or `""` for
/// unknown). Returns a dict with `mode`, `sample_size`, `positive`, `median`, `any_flag`, `warnings`,
/// `summary` (a Table, one row per category) and `tables` (category → Table of groups).
///
/// ```python
/// >>> from rapport._native import impact_ratios
/// >>> a = impact_ratios([True, True, False, True, False, False], {"sex": ["F", "F", "F", "M", "M", "M"]}, min_group_size=1)
/// >>> a["tables"]["sex"]["impact_ratio"]
/// [1.0, 0.5]
///
/// ```
#[pyfunction]
#[pyo3(name = "impact_ratios", signature = (outcome, groups, *, top_k = None, threshold = None, flag_below = 0.8,
                    min_group_size = 30, exclude_below_share = None, intersections = true))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn py_impact_ratios<'py>(
    py: Python<'py>,
    outcome: &Bound<'py, PyAny>,
    groups: &Bound<'py, PyDict>,
    top_k: Option<usize>,
    threshold: Option<f64>,
    flag_below: f64,
    min_group_size: usize,
    exclude_below_share: Option<f64>,
    intersections: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let outcome = if let Ok(sel) = outcome.extract::<Vec<bool>>() {
        if top_k.is_some() || threshold.is_some() {
            return Err(Error::Config(
                "top_k and threshold apply to scores, not to a list of bools".into(),
            )
            .into());
        }
        Outcome::Selected(sel)
    } else if let Ok(scores) = outcome.extract::<Vec<f64>>() {
        match (top_k, threshold) {
            (Some(_), Some(_)) => {
                return Err(Error::Config("give top_k or threshold, not both".into()).into());
            }
            (Some(k), None) => Outcome::top_k(&scores, k),
            (None, Some(t)) => Outcome::threshold(&scores, t),
            (None, None) => Outcome::Scores(scores),
        }
    } else {
        return Err(Error::Config(
            "outcome: expected a list of bools (selected) or of numbers (scores)".into(),
        )
        .into());
    };
    let mut categories = Vec::new();
    let mut columns: Vec<Vec<Option<String>>> = Vec::new();
    for (k, v) in groups.iter() {
        categories.push(
            k.extract::<String>().map_err(|_| {
                Error::Config("groups: the keys must be category names (str)".into())
            })?,
        );
        columns.push(v.extract::<Vec<Option<String>>>().map_err(|_| {
            Error::Config(format!(
                "groups[{:?}]: expected a list of labels (str or None)",
                categories.last().map_or("", String::as_str)
            ))
        })?);
    }
    let opts = FairnessOptions {
        flag_below,
        min_group_size,
        exclude_below_share,
        intersections,
    };
    let (json, summary, tables) = guarded(py, move || {
        let n = match &outcome {
            Outcome::Selected(v) => v.len(),
            Outcome::Scores(v) => v.len(),
        };
        for (c, col) in categories.iter().zip(&columns) {
            if col.len() != n {
                return Err(Error::Config(format!(
                    "groups[{c:?}] has {} labels for {n} outcomes: expected one label per outcome",
                    col.len()
                )));
            }
        }
        let mut labels = GroupLabels::new(&categories)?;
        let subjects: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        for (i, s) in subjects.iter().enumerate() {
            let row: Vec<Option<&str>> = columns.iter().map(|c| c[i].as_deref()).collect();
            labels.insert(s.clone(), &row)?;
        }
        let a = impact_ratios(&subjects, &outcome, &labels, &opts)?;
        let summary: Vec<Summary<'_>> = a
            .tables
            .iter()
            .map(|t| Summary {
                category: &t.category,
                groups: t.rows.len(),
                unknown: t.unknown,
                highest_group: t.highest_group.as_deref(),
                min_impact_ratio: t.min_impact_ratio,
            })
            .collect();
        let summary = table_of(&summary)?;
        let tables = a
            .tables
            .iter()
            .map(|t| Ok((t.category.clone(), table_of(&t.rows)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let json = json_of(&serde_json::json!({
            "mode": a.mode,
            "sample_size": a.sample_size,
            "positive": a.positive,
            "median": a.median,
            "any_flag": a.any_flag(),
            "warnings": a.warnings,
        }))?;
        Ok((json, summary, tables))
    })?;
    let d = to_py(py, &json)?.cast_into::<PyDict>()?;
    d.set_item("summary", PyTable::new(summary))?;
    let t = PyDict::new(py);
    for (k, v) in tables {
        t.set_item(k, PyTable::new(v))?;
    }
    d.set_item("tables", t)?;
    Ok(d)
}
