//! `Corpus.follows`, `Corpus.follow_events` and `Corpus.relationship`: follow snapshots, the follow
//! events of an organisation and the timeline of one relationship (see `docs/relationships.md`).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::analysis::str_list;
use crate::corpus::PyCorpus;
use crate::engagement::engagement_options;
use crate::guarded;
use crate::table::PyTable;

#[pymethods]
impl PyCorpus {
    /// Every follow observation: `owner`, `direction` (`followers` or `following`), `account`,
    /// `observed_at` (the snapshot's start), `completed_at`, `owner_id`, `account_id`.
    ///
    /// ```python
    /// >>> import json, os, tempfile
    /// >>> def page(direction, at, users):   # a twarc2 page of @acme's (id 1) followers or following
    /// ...     p = {"__twarc": {"url": f"https://api.twitter.com/2/users/1/{direction}?max_results=1000",
    /// ...                      "retrieved_at": at, "version": "2.14.0"}, "meta": {"result_count": len(users)}}
    /// ...     return json.dumps({**p, "data": [{"id": i, "username": h, "name": h} for i, h in users]} if users else p)
    /// >>> lines = [page("following", "2024-05-01T09:00:00+00:00", [("7", "ada")]),
    /// ...          page("followers", "2024-05-01T09:00:00+00:00", []),
    /// ...          page("followers", "2024-05-02T09:00:00+00:00", [("7", "ada")]),
    /// ...          json.dumps({"data": [{"id": "1", "username": "acme", "name": "Acme"}]})]
    /// >>> path = os.path.join(tempfile.mkdtemp(), "follows.jsonl")
    /// >>> _ = open(path, "w").write("\n".join(lines) + "\n")
    /// >>> c = rapport.Corpus.from_jsonl(path)
    /// >>> f = c.follows()
    /// >>> sorted(zip(f["owner"], f["direction"], f["account"]))
    /// [('acme', 'followers', 'ada'), ('acme', 'following', 'ada')]
    ///
    /// ```
    fn follows(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || {
            Ok(rapport_arrow::follows::follows(&c)?)
        })?))
    }

    /// The follow events between the organisation and the accounts in its snapshots: `handle`,
    /// `event` (`followed`, `followed_back`, `unfollowed`), `by` (`org` or `account`),
    /// `observed_after`, `observed_before` (the snapshots that bound the event), `org`, `id`, `org_id`.
    ///
    /// ```python
    /// >>> import json, os, tempfile
    /// >>> def page(direction, at, users):   # a twarc2 page of @acme's (id 1) followers or following
    /// ...     p = {"__twarc": {"url": f"https://api.twitter.com/2/users/1/{direction}?max_results=1000",
    /// ...                      "retrieved_at": at, "version": "2.14.0"}, "meta": {"result_count": len(users)}}
    /// ...     return json.dumps({**p, "data": [{"id": i, "username": h, "name": h} for i, h in users]} if users else p)
    /// >>> lines = [page("following", "2024-05-01T09:00:00+00:00", [("7", "ada")]),
    /// ...          page("followers", "2024-05-01T09:00:00+00:00", []),
    /// ...          page("followers", "2024-05-02T09:00:00+00:00", [("7", "ada")]),
    /// ...          json.dumps({"data": [{"id": "1", "username": "acme", "name": "Acme"}]})]
    /// >>> path = os.path.join(tempfile.mkdtemp(), "follows.jsonl")
    /// >>> _ = open(path, "w").write("\n".join(lines) + "\n")
    /// >>> c = rapport.Corpus.from_jsonl(path)
    /// >>> [(r["handle"], r["event"], r["by"], str(r["observed_after"]), str(r["observed_before"]))
    /// ...  for r in c.follow_events(org=["acme"])]
    /// [('ada', 'followed_back', 'account', '2024-05-01 09:00:00+00:00', '2024-05-02 09:00:00+00:00')]
    ///
    /// ```
    #[pyo3(signature = (org))]
    fn follow_events(&self, py: Python<'_>, org: &Bound<'_, PyAny>) -> PyResult<PyTable> {
        let org = str_list(org, "org")?;
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || {
            let events = c.follow_events(&org)?;
            Ok(rapport_arrow::follows::follow_events(&c, &events)?)
        })?))
    }

    /// The relationship of the organisation with one account: a dict with `org`, `account`,
    /// `account_id`, `stage`, `engagement_stage`, `org_follows`, `follows_org`, `mutual` and `steps`
    /// (dicts with `step`, `at` or `observed_after`/`observed_before`, and `evidence`), in time order.
    ///
    /// ```python
    /// >>> import json, os, tempfile
    /// >>> def page(direction, at, users):   # a twarc2 page of @acme's (id 1) followers or following
    /// ...     p = {"__twarc": {"url": f"https://api.twitter.com/2/users/1/{direction}?max_results=1000",
    /// ...                      "retrieved_at": at, "version": "2.14.0"}, "meta": {"result_count": len(users)}}
    /// ...     return json.dumps({**p, "data": [{"id": i, "username": h, "name": h} for i, h in users]} if users else p)
    /// >>> lines = [page("following", "2024-05-01T09:00:00+00:00", [("7", "ada")]),
    /// ...          page("followers", "2024-05-01T09:00:00+00:00", []),
    /// ...          page("followers", "2024-05-02T09:00:00+00:00", [("7", "ada")]),
    /// ...          json.dumps({"data": [{"id": "1", "username": "acme", "name": "Acme"}]})]
    /// >>> path = os.path.join(tempfile.mkdtemp(), "follows.jsonl")
    /// >>> _ = open(path, "w").write("\n".join(lines) + "\n")
    /// >>> c = rapport.Corpus.from_jsonl(path)
    /// >>> r = c.relationship(org=["acme"], account="ada")
    /// >>> r["stage"], r["mutual"], [s["step"] for s in r["steps"]]
    /// ('follows_back', True, ['org_followed', 'account_followed', 'followed_back'])
    ///
    /// ```
    #[pyo3(signature = (org, account, half_life_days = 30.0, as_of = None))]
    fn relationship<'py>(
        &self,
        py: Python<'py>,
        org: &Bound<'py, PyAny>,
        account: String,
        half_life_days: f64,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let org = str_list(org, "org")?;
        let opts = engagement_options(half_life_days, as_of)?;
        let c = Arc::clone(&self.inner);
        let r = guarded(py, move || Ok(c.relationship(&org, &account, &opts)?))?;
        let d = PyDict::new(py);
        d.set_item("org", &r.org)?;
        d.set_item("account", &r.account)?;
        d.set_item("account_id", &r.account_id)?;
        d.set_item("stage", r.stage)?;
        d.set_item("engagement_stage", r.engagement_stage.as_str())?;
        d.set_item("org_follows", r.follows.o_follows_x)?;
        d.set_item("follows_org", r.follows.x_follows_o)?;
        d.set_item("mutual", r.follows.mutual())?;
        let steps = PyList::empty(py);
        for s in &r.steps {
            let e = PyDict::new(py);
            e.set_item("step", s.step.as_str())?;
            if let Some(at) = s.at {
                e.set_item("at", at)?;
            } else {
                e.set_item("observed_after", s.observed_after)?;
                e.set_item("observed_before", s.observed_before)?;
            }
            e.set_item("evidence", &s.evidence)?;
            steps.append(e)?;
        }
        d.set_item("steps", steps)?;
        Ok(d)
    }
}
