//! `Corpus.inbox` and `Corpus.conversation_starters`: whom the organisation leaves unanswered, and
//! whom it could start a conversation with ([`rapport_core::inbox`]).

use std::sync::Arc;

use pyo3::prelude::*;
use rapport_core::engagement::Org;
use rapport_core::inbox::{InboxOptions, StarterOptions};

use crate::analysis::{people_table, str_list, table_of};
use crate::corpus::{PyCorpus, extract_instant};
use crate::errors::Error;
use crate::guarded;
use crate::skills::{PyJobProfile, PyTaxonomy, taxonomy_of};
use crate::table::PyTable;

fn instant(
    as_of: Option<&Bound<'_, PyAny>>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Error> {
    match as_of.filter(|v| !v.is_none()) {
        Some(v) => Ok(Some(extract_instant(v, "as_of")?)),
        None => Ok(None),
    }
}

#[pymethods]
impl PyCorpus {
    /// The conversation inbox of the organisation `org` (handles or ids): every post by someone
    /// outside it that replies to, mentions or quotes it and that none of its accounts has answered
    /// (in the reply subtree below the post, after it) by `as_of` (default: the newest post). One row
    /// per item, open items first (highest `priority` first), then those older than `window_days`
    /// (`missed` true). Columns: `post_id`, `handle`, `author_id`, `text`, `created_at`,
    /// `conversation_id`, `addresses`, `addressed`, `stage`, `score`, `is_question`, `age_hours`,
    /// `priority`, `why`, `missed`. See docs/inbox.md for the priority's weights.
    ///
    /// ```python
    /// >>> box = corpus.inbox(org=["acme_careers", "acme_eng"], as_of="2024-03-02T10:15:00Z")
    /// >>> [(r["post_id"], r["handle"], r["stage"], r["is_question"], r["age_hours"], r["missed"]) for r in box]
    /// [('103', 'ada', 'conversing', False, 24.0, False)]
    /// >>> box["why"][0]
    /// 'not a question (+0); stage conversing (+30.0); waiting 1.0 days (+0.36)'
    /// >>> corpus.inbox(org=["acme_careers", "acme_eng"])["missed"]   # a month later
    /// [True]
    ///
    /// ```
    #[pyo3(signature = (org, as_of = None, window_days = 14.0))]
    fn inbox(
        &self,
        py: Python<'_>,
        org: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        window_days: f64,
    ) -> PyResult<PyTable> {
        let org = str_list(org, "org")?;
        let opts = InboxOptions::new(instant(as_of)?, window_days);
        let a = Arc::clone(&self.analysis);
        let t = guarded(py, move || table_of(&a.inbox(&org, &opts)?.all_items()))?;
        Ok(PyTable::new(t))
    }

    /// People at stage `noticed` or `responded` to whom the organisation never replied: whom to start
    /// a conversation with. Ranked by skill fit for `job` (a `JobProfile`; people without evidence
    /// follow) when given, else by their last interaction with the organisation, newest first.
    /// Columns: `rank`, `handle`, `id`, `stage`, `score`, `fit`, `mentions_to_org`,
    /// `replies_to_org`, `mentions_from_org`, `last_interaction`, `why`.
    ///
    /// ```python
    /// >>> s = corpus.conversation_starters(org=["acme_careers", "acme_eng"])
    /// >>> len(s), s.columns[:4]  # ada, the only one who addressed them, was answered
    /// (0, ['rank', 'handle', 'id', 'stage'])
    ///
    /// ```
    #[pyo3(signature = (org, job = None, limit = 20, as_of = None, taxonomy = None))]
    fn conversation_starters(
        &self,
        py: Python<'_>,
        org: &Bound<'_, PyAny>,
        job: Option<&Bound<'_, PyJobProfile>>,
        limit: usize,
        as_of: Option<&Bound<'_, PyAny>>,
        taxonomy: Option<&Bound<'_, PyTaxonomy>>,
    ) -> PyResult<PyTable> {
        let org = str_list(org, "org")?;
        let job = job.map(|j| j.get().inner.clone());
        let tax = taxonomy_of(taxonomy);
        let opts = StarterOptions {
            as_of: instant(as_of)?,
            limit: Some(limit),
            ..StarterOptions::default()
        };
        let a = Arc::clone(&self.analysis);
        let t = guarded(py, move || {
            let org = Org::resolve(a.corpus(), &org)?;
            let m = a.matcher(&tax);
            let rows = a.conversation_starters(&org, job.as_ref().map(|j| (j, &m)), &opts)?;
            people_table(&rows)
        })?;
        Ok(PyTable::new(t))
    }
}
