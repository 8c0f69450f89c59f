//! `rapport.score_candidates`: advisory engagement scores of HRIS candidate records, keyed by the HRIS
//! id. Candidates come as a list of dicts, a pandas DataFrame, or a CSV/JSON file, with the columns of
//! `rapport_core::candidates` (`hris_id`, `name`, `stage`, `x_handle`/`handle`/`handles`, `label.KEY`).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rapport_core::candidates::{CandidateError, read_candidates_csv, read_candidates_json};
use rapport_core::engagement::Org;
use rapport_core::hris::ScoreOptions;

use crate::analysis::{str_list, table_of};
use crate::corpus::{PyCorpus, path_string};
use crate::engagement::engagement_options;
use crate::errors::Error;
use crate::guarded;
use crate::table::PyTable;

impl From<CandidateError> for Error {
    fn from(e: CandidateError) -> Self {
        let path = match &e {
            CandidateError::Format { file, .. }
            | CandidateError::MissingIdColumn { file, .. }
            | CandidateError::Rows { file, .. } => Some(file.clone()),
            _ => None,
        };
        Error::Parse {
            message: e.to_string(),
            path,
            line: None,
            json_path: None,
        }
    }
}

/// A DataFrame as a list of record dicts, empty cells (NaN, NaT, None) as `None`.
fn records_of<'py>(py: Python<'py>, df: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let obj = df.call_method1("astype", ("object",))?;
    let mask = df.call_method0("notna")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("orient", "records")?;
    obj.call_method1("where", (mask, py.None()))?
        .call_method("to_dict", (), Some(&kwargs))
}

#[pymethods]
impl PyCorpus {
    /// A corpus from pandas DataFrames with the columns of `from_records`: `posts` (`id`,
    /// `author_id`, `text`, `created_at` — strings or pandas timestamps —, optional `hashtags` lists,
    /// `reply_to`, …) and optional `accounts` (`id`, `handle`, …). Empty cells are missing values.
    ///
    /// ```python
    /// >>> import pandas as pd
    /// >>> posts = pd.DataFrame({"id": ["1", "2"], "author_id": ["7", "8"], "text": ["hi", "yo"],
    /// ...                       "created_at": pd.to_datetime(["2024-05-01 09:00", "2024-05-02 10:00"], utc=True),
    /// ...                       "reply_to": [None, "1"]})
    /// >>> c = rapport.Corpus.from_pandas(posts, pd.DataFrame({"id": ["7", "8"], "handle": ["ada", "bob"]}))
    /// >>> c.posts()["author"], c.posts()["reply_to"]
    /// (['ada', 'bob'], [None, '1'])
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (posts, accounts = None))]
    fn from_pandas<'py>(
        py: Python<'py>,
        posts: &Bound<'py, PyAny>,
        accounts: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !posts.hasattr("to_dict")? || !posts.hasattr("notna")? {
            return Err(Error::Config(
                "from_pandas expects pandas DataFrames (use from_records for lists of dicts)"
                    .into(),
            )
            .into());
        }
        let p = records_of(py, posts)?;
        let a = match accounts.filter(|a| !a.is_none()) {
            Some(a) => records_of(py, a)?,
            None => PyList::empty(py).into_any(),
        };
        py.get_type::<PyCorpus>()
            .call_method1("from_records", (p, a))
    }

    /// The corpus a rapport store (the SQLite file of `rapport sync` and the CLI) holds, one platform
    /// at a time: `platform` is `"x"`, `"bluesky"` or `"all"` (every platform merged into one
    /// corpus). Without it the store's only platform is read; a store holding both X and Bluesky data
    /// raises `ConfigError` naming them. The file must exist: a missing path raises
    /// `FileNotFoundError` rather than creating a store.
    ///
    /// ```python
    /// >>> rapport.Corpus.from_store("/no/such/rapport.db")
    /// Traceback (most recent call last):
    /// ...
    /// FileNotFoundError: cannot read or write /no/such/rapport.db: ...
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path, platform=None))]
    fn from_store(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        platform: Option<&str>,
    ) -> PyResult<Self> {
        let path = path_string(path)?;
        let filter = match platform {
            None => None,
            Some(p) => match p.trim().to_ascii_lowercase().as_str() {
                "x" | "bluesky" | "all" => Some(
                    rapport_store::PlatformFilter::parse(p)
                        .map_err(|e| Error::Config(format!("platform: {e}")))?,
                ),
                _ => {
                    return Err(Error::Config(format!(
                        "platform={p:?} is not a platform: expected \"x\", \"bluesky\" or \"all\""
                    ))
                    .into());
                }
            },
        };
        let c = guarded(py, move || {
            if let Err(source) = std::fs::metadata(&path) {
                return Err(Error::Io { path, source });
            }
            let store = rapport_store::Store::open(&path).map_err(|e| Error::Parse {
                message: format!("{path}: not a rapport store: {e}"),
                path: Some(path.clone()),
                line: None,
                json_path: None,
            })?;
            let filter = match store.resolve_platform(filter) {
                Ok(f) => f,
                Err(rapport_store::StoreError::MixedPlatforms { platforms }) => {
                    let choices: Vec<String> = platforms
                        .iter()
                        .map(|p| format!("platform={p:?}"))
                        .collect();
                    return Err(Error::Config(format!(
                        "{path} holds data of several platforms ({}); a corpus holds one platform \
                         at a time: choose one with {}, or merge them with platform=\"all\"",
                        platforms.join(" and "),
                        choices.join(" or ")
                    )));
                }
                Err(e) => {
                    return Err(Error::Parse {
                        message: format!("{path}: reading the store: {e}"),
                        path: Some(path.clone()),
                        line: None,
                        json_path: None,
                    });
                }
            };
            store.load_corpus_for(filter).map_err(|e| Error::Parse {
                message: format!("{path}: reading the store: {e}"),
                path: Some(path.clone()),
                line: None,
                json_path: None,
            })
        })?;
        Ok(PyCorpus::new(c))
    }

    /// Writes the corpus into a rapport store (the SQLite file of the CLI), creating it when missing;
    /// posts already there are updated. Returns how many posts and accounts were written.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "rapport.db")
    /// >>> corpus.to_store(path)["posts_written"]
    /// 7
    /// >>> rapport.Corpus.from_store(path).num_posts
    /// 7
    ///
    /// ```
    fn to_store<'py>(
        &self,
        py: Python<'py>,
        path: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let path = path_string(path)?;
        let c = Arc::clone(&self.inner);
        let v = guarded(py, move || {
            let serr = |e: rapport_store::StoreError| Error::Parse {
                message: format!("{path}: {e}"),
                path: Some(path.clone()),
                line: None,
                json_path: None,
            };
            let mut store = rapport_store::Store::open(&path).map_err(serr)?;
            let report = store.save_corpus(&c).map_err(serr)?;
            crate::analysis::json_of(&report)
        })?;
        crate::analysis::to_py(py, &v)
    }
}

enum Input {
    Json(String, String),
    File(String),
}

/// Scores candidate records against the organisation `org`: one row per record, in input order, keyed
/// by `hris_id`, with `status` (`scored`, `unknown_handle`, `no_handle`, `org_account`), `handle`, the advisory 0–100
/// `score`, the funnel `stage`, `interactions`, `last_interaction`, the score's `components` and the
/// `top_skills` (JSON text). `candidates` is a list of dicts, a pandas DataFrame or a path to a CSV or
/// JSON file. The name and labels are never used to score.
///
/// ```python
/// >>> s = rapport.score_candidates(corpus, [{"hris_id": "E1", "x_handle": "@ada"}, {"hris_id": "E2", "handle": "ghost"}],
/// ...                              org=["acme_careers", "acme_eng"])
/// >>> s["hris_id"], s["status"], s["handle"], s["stage"]
/// (['E1', 'E2'], ['scored', 'unknown_handle'], ['ada', None], ['conversing', None])
///
/// ```
#[pyfunction]
#[pyo3(name = "score_candidates", signature = (corpus, candidates, org, *, half_life_days = 30.0, as_of = None, explain = false, top_skills = 5))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn py_score_candidates(
    py: Python<'_>,
    corpus: &Bound<'_, PyCorpus>,
    candidates: &Bound<'_, PyAny>,
    org: &Bound<'_, PyAny>,
    half_life_days: f64,
    as_of: Option<&Bound<'_, PyAny>>,
    explain: bool,
    top_skills: usize,
) -> PyResult<PyTable> {
    let org = str_list(org, "org")?;
    let mut opts = if explain {
        ScoreOptions::explained()
    } else {
        ScoreOptions::default()
    };
    opts.engagement = engagement_options(half_life_days, as_of)?;
    opts.top_skills = top_skills;
    let input = if candidates.is_instance_of::<PyString>() || candidates.hasattr("__fspath__")? {
        Input::File(path_string(candidates)?)
    } else {
        let records = if candidates.is_instance_of::<PyList>()
            || candidates.is_instance_of::<pyo3::types::PyTuple>()
        {
            candidates.clone()
        } else if candidates.hasattr("to_dict")? && candidates.hasattr("notna")? {
            // A DataFrame: empty cells (NaN) become None, so they read as missing.
            let obj = candidates.call_method1("astype", ("object",))?;
            let mask = candidates.call_method0("notna")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("orient", "records")?;
            obj.call_method1("where", (mask, py.None()))?.call_method(
                "to_dict",
                (),
                Some(&kwargs),
            )?
        } else {
            return Err(Error::Config(
                "candidates: expected a list of dicts, a pandas DataFrame, or a CSV/JSON path"
                    .into(),
            )
            .into());
        };
        let json: String = py
            .import("json")?
            .call_method1("dumps", (records,))?
            .extract()?;
        Input::Json(json, "<candidates>".into())
    };
    let a = Arc::clone(&corpus.get().analysis);
    let t = guarded(py, move || {
        let file = match input {
            Input::Json(text, name) => read_candidates_json(&text, &name)?,
            Input::File(path) => {
                let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                if path.to_ascii_lowercase().ends_with(".json") {
                    let text = String::from_utf8(bytes).map_err(|e| Error::Parse {
                        message: format!("{path}: not UTF-8: {e}"),
                        path: Some(path.clone()),
                        line: None,
                        json_path: None,
                    })?;
                    read_candidates_json(&text, &path)?
                } else {
                    read_candidates_csv(bytes.as_slice(), &path)?
                }
            }
        };
        let org = Org::resolve(a.corpus(), &org)?;
        table_of(
            &a.score_candidates(&file.candidates, &org, None, &opts)?
                .rows,
        )
    })?;
    Ok(PyTable::new(t))
}
