//! `Corpus.list_memberships`: the X lists of a corpus and who is on or owns each (see
//! `docs/skills.md`, lists as skill evidence).

use std::sync::Arc;

use pyo3::prelude::*;
use serde::Serialize;

use crate::corpus::PyCorpus;
use crate::guarded;
use crate::table::PyTable;

/// One row of `list_memberships()`.
#[derive(Debug, Default, Serialize)]
struct MembershipRow {
    account_id: String,
    handle: Option<String>,
    relation: String,
    list_id: String,
    name: String,
    description: Option<String>,
    owner_id: Option<String>,
}

#[pymethods]
impl PyCorpus {
    /// Every list membership: `account_id`, `handle` (when the corpus knows it), `relation`
    /// (`member`: the account is on the list, `owner`: it owns it), `list_id`, `name`,
    /// `description`, `owner_id`; by account id, then list id.
    ///
    /// ```python
    /// >>> import json, os, tempfile
    /// >>> page = {"__twarc": {"url": "https://api.twitter.com/2/users/7/list_memberships",
    /// ...                     "retrieved_at": "2024-05-01T09:00:00+00:00", "version": "2.14.0"},
    /// ...         "data": [{"id": "901", "name": "Python people", "description": "folks who write python",
    /// ...                   "owner_id": "5"}], "meta": {"result_count": 1}}
    /// >>> path = os.path.join(tempfile.mkdtemp(), "lists.jsonl")
    /// >>> _ = open(path, "w").write(json.dumps(page) + "\n")
    /// >>> m = rapport.Corpus.from_jsonl(path).list_memberships()
    /// >>> [(r["account_id"], r["relation"], r["list_id"], r["name"]) for r in m]
    /// [('7', 'member', '901', 'Python people')]
    ///
    /// ```
    fn list_memberships(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || {
            let rows: Vec<MembershipRow> = c
                .list_memberships()
                .map(|(a, l, r)| MembershipRow {
                    account_id: a.to_owned(),
                    handle: c
                        .account_by_id(a)
                        .map(|x| x.handle().to_owned())
                        .filter(|h| !h.is_empty()),
                    relation: r.as_str().to_owned(),
                    list_id: l.id.clone(),
                    name: l.name.clone(),
                    description: l.description.clone(),
                    owner_id: l.owner_id.clone(),
                })
                .collect();
            Ok(rapport_arrow::record_batch(&rows)?)
        })?))
    }

    /// The number of lists the corpus holds (with or without memberships).
    ///
    /// ```python
    /// >>> import json, os, tempfile
    /// >>> page = {"__twarc": {"url": "https://api.twitter.com/2/users/7/owned_lists",
    /// ...                     "retrieved_at": "2024-05-01T09:00:00+00:00", "version": "2.14.0"},
    /// ...         "data": [{"id": "950", "name": "Our team"}, {"id": "951", "name": "Alumni"}],
    /// ...         "meta": {"result_count": 2}}
    /// >>> path = os.path.join(tempfile.mkdtemp(), "owned.jsonl")
    /// >>> _ = open(path, "w").write(json.dumps(page) + "\n")
    /// >>> rapport.Corpus.from_jsonl(path).num_lists
    /// 2
    ///
    /// ```
    #[getter]
    fn num_lists(&self) -> usize {
        self.inner.lists().count()
    }
}
