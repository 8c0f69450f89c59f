//! `Corpus.engagement`, `Corpus.explain_engagement` and `Corpus.broadcast_report`: how people engage
//! with an organisation, and whether the organisation's own posts start conversations.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rapport_core::engagement::{EngagementOptions, Stage};

use crate::analysis::{json_of, str_list, table_of, to_py};
use crate::corpus::{PyCorpus, extract_instant};
use crate::errors::Error;
use crate::guarded;
use crate::table::PyTable;

/// The engagement options from the Python arguments.
pub(crate) fn engagement_options(
    half_life_days: f64,
    as_of: Option<&Bound<'_, PyAny>>,
) -> Result<EngagementOptions, Error> {
    let as_of = match as_of.filter(|v| !v.is_none()) {
        Some(v) => Some(extract_instant(v, "as_of")?),
        None => None,
    };
    if !(half_life_days.is_finite() && half_life_days > 0.0) {
        return Err(Error::Config(format!(
            "half_life_days={half_life_days}: expected a positive number of days"
        )));
    }
    Ok(EngagementOptions::new(half_life_days, as_of))
}

#[pymethods]
impl PyCorpus {
    /// Engagement of every account with the organisation `org` (handles or ids), most engaged first:
    /// `handle`, `id`, the advisory 0–100 `score`, the funnel `stage` and every component (replies,
    /// mentions and amplification each way, two-way exchanges, reciprocity, words, turn taking,
    /// latencies in ms, decayed interactions, last interaction). Unknown handles raise
    /// `UnknownAccountError`.
    ///
    /// ```python
    /// >>> e = corpus.engagement(org=["acme_careers", "acme_eng"])
    /// >>> ada = {r["handle"]: r for r in e}["ada"]
    /// >>> ada["replies_to_org"], ada["replies_from_org"], ada["two_way_exchanges"], ada["stage"]
    /// (2, 1, 1, 'conversing')
    /// >>> try:
    /// ...     corpus.engagement(org=["acme_careers", "nobody_here"])
    /// ... except rapport.UnknownAccountError as e:
    /// ...     print(e.accounts)
    /// ['nobody_here']
    ///
    /// ```
    #[pyo3(signature = (org, half_life_days = 30.0, as_of = None))]
    fn engagement(
        &self,
        py: Python<'_>,
        org: &Bound<'_, PyAny>,
        half_life_days: f64,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let org = str_list(org, "org")?;
        let opts = engagement_options(half_life_days, as_of)?;
        let a = Arc::clone(&self.analysis);
        let t = guarded(py, move || {
            Ok(rapport_arrow::results::engagement(
                &a.engagement(&org, &opts)?.rows,
            )?)
        })?;
        Ok(PyTable::new(t))
    }

    /// How many accounts outside the organisation stand at each funnel stage, top of the funnel first
    /// (`unaware` counts every account without any interaction with the organisation).
    ///
    /// ```python
    /// >>> corpus.funnel(org=["acme_careers", "acme_eng"])
    /// {'unaware': 1, 'noticed': 0, 'responded': 0, 'conversing': 1, 'engaged': 0}
    ///
    /// ```
    #[pyo3(signature = (org, half_life_days = 30.0, as_of = None))]
    fn funnel<'py>(
        &self,
        py: Python<'py>,
        org: &Bound<'py, PyAny>,
        half_life_days: f64,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let org = str_list(org, "org")?;
        let opts = engagement_options(half_life_days, as_of)?;
        let a = Arc::clone(&self.analysis);
        let f = guarded(py, move || Ok(a.engagement(&org, &opts)?.funnel))?;
        let d = PyDict::new(py);
        for s in Stage::ALL {
            d.set_item(s.as_str(), f.get(s))?;
        }
        Ok(d.into_any())
    }

    /// Why `account` (a handle or id) has its engagement score and stage, as a dict: `summary`,
    /// `components` (each with its `contribution`; they add up to `score`), `row` (every measure),
    /// `evidence` (the posts behind each) and `contributions`, the components as a Table (one row per
    /// component: `handle`, `id`, `component`, `raw`, `normalisation`, `normalised`, `weight`,
    /// `contribution`, `post_ids`).
    ///
    /// ```python
    /// >>> why = corpus.explain_engagement(org="acme_careers", account="@ada")
    /// >>> why["handle"], why["stage"], round(sum(c["contribution"] for c in why["components"]), 6) == round(why["score"], 6)
    /// ('ada', 'conversing', True)
    /// >>> t = why["contributions"]
    /// >>> len(t) == len(why["components"]), round(sum(t["contribution"]), 6) == round(why["score"], 6)
    /// (True, True)
    ///
    /// ```
    #[pyo3(signature = (org, account, half_life_days = 30.0, as_of = None))]
    fn explain_engagement<'py>(
        &self,
        py: Python<'py>,
        org: &Bound<'py, PyAny>,
        account: String,
        half_life_days: f64,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let org = str_list(org, "org")?;
        let opts = engagement_options(half_life_days, as_of)?;
        let a = Arc::clone(&self.analysis);
        let (v, table) = guarded(py, move || {
            let e = a.explain(&org, &account, &opts)?;
            Ok((
                json_of(&e)?,
                rapport_arrow::results::explanation_components(&e)?,
            ))
        })?;
        let d = to_py(py, &v)?;
        d.set_item("contributions", PyTable::new(table))?;
        Ok(d)
    }

    /// The broadcast report of the organisation's own original posts: a dict with `org`, `overall`
    /// (a dict) and the tables `posts` (each post classified `void`, `broadcast` or `conversation`),
    /// `by_account`, `by_hashtag`, `by_month`, and `summary`: every aggregate in one table, the
    /// `scope` column saying `overall`, `account`, `hashtag` or `month`.
    ///
    /// ```python
    /// >>> b = corpus.broadcast_report(org="acme_careers")
    /// >>> b["posts"]["class"], b["overall"]["posts"]
    /// (['conversation', 'void'], 2)
    /// >>> b["by_month"]["key"]
    /// ['2024-03', '2024-04']
    /// >>> [(r["scope"], r["key"], r["void"]) for r in b["summary"]][:2]
    /// [('overall', 'all', 1), ('account', 'acme_careers', 1)]
    ///
    /// ```
    fn broadcast_report<'py>(
        &self,
        py: Python<'py>,
        org: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let org = str_list(org, "org")?;
        let a = Arc::clone(&self.analysis);
        let (report, posts, by_account, by_hashtag, by_month, summary) = guarded(py, move || {
            let r = a.broadcast_report(&org)?;
            Ok((
                json_of(&serde_json::json!({"org": r.org, "overall": r.overall}))?,
                rapport_arrow::results::broadcast_posts(&r)?,
                table_of(&r.by_account)?,
                table_of(&r.by_hashtag)?,
                table_of(&r.by_month)?,
                rapport_arrow::results::broadcast_summary(&r)?,
            ))
        })?;
        let d = PyDict::new(py);
        d.set_item("org", to_py(py, &report["org"])?)?;
        d.set_item("overall", to_py(py, &report["overall"])?)?;
        d.set_item("posts", PyTable::new(posts))?;
        d.set_item("by_account", PyTable::new(by_account))?;
        d.set_item("by_hashtag", PyTable::new(by_hashtag))?;
        d.set_item("by_month", PyTable::new(by_month))?;
        d.set_item("summary", PyTable::new(summary))?;
        Ok(d)
    }
}
