//! `rapport.Corpus`: the handle on a Rust corpus, with loaders, tables, filter, save/load and pickling.
//!
//! The corpus is immutable from Python (a frozen class over an `Arc`): `merge` and `filter` return new
//! corpora, so a corpus can be shared between threads and notebooks cells without surprises. Every call
//! that reads or builds a corpus releases the GIL and runs under [`crate::guarded`].

use std::io::Read as _;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use rapport_arrow::RecordBatch;
use rapport_core::context::Analysis;
use rapport_core::filter::Filter;
use rapport_core::skills::SkillReport;
use rapport_core::summary::CorpusSummary;
use rapport_core::{Account, Corpus, Post};

use crate::conversion::json_to_py;
use crate::errors::Error;
use crate::guarded;
use crate::import::{finish, options};
use crate::table::PyTable;
use rapport_sample::{SampleConfig, sample_jsonl_string};
use rapport_twitter::import::{
    ImportOptions, import_archive, import_jsonl, import_jsonl_reader, import_path,
};

/// The name of the JSON member inside a corpus saved by rapport before the Parquet corpus file (a zip
/// container, deflated); such files still load.
const LEGACY_MEMBER: &str = "rapport-corpus-v1.json";

/// Writes a corpus as a rapport corpus file (Parquet, see `docs/files.md`).
pub(crate) fn corpus_to_bytes(c: &Corpus) -> Result<Vec<u8>, Error> {
    Ok(rapport_arrow::save_corpus_bytes(c)?)
}

/// A corpus-file error as the binding's error: a missing file stays an I/O error, anything else is a
/// parse error naming the file.
pub(crate) fn file_error(e: rapport_arrow::Error, name: &str) -> Error {
    match e {
        rapport_arrow::Error::Io { path, source } => Error::Io {
            path: path.display().to_string(),
            source,
        },
        other => Error::Parse {
            message: other.to_string(),
            path: Some(name.to_owned()),
            line: None,
            json_path: None,
        },
    }
}

/// Reads what [`corpus_to_bytes`] wrote (or a zip-of-JSON corpus of an earlier rapport); `name`
/// names the source in errors.
pub(crate) fn corpus_from_bytes(bytes: Vec<u8>, name: &str) -> Result<Corpus, Error> {
    if !bytes.starts_with(b"PK") {
        return rapport_arrow::load_corpus_bytes(bytes, name).map_err(|e| file_error(e, name));
    }
    legacy_corpus_from_bytes(&bytes, name)
}

fn legacy_corpus_from_bytes(bytes: &[u8], name: &str) -> Result<Corpus, Error> {
    let perr = |message: String| Error::Parse {
        message: format!("{name}: {message}"),
        path: Some(name.to_owned()),
        line: None,
        json_path: None,
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        perr(format!(
            "not a saved rapport corpus ({e}); save one with corpus.save(path)"
        ))
    })?;
    let mut member = zip.by_name(LEGACY_MEMBER).map_err(|_| {
        perr(format!(
            "not a saved rapport corpus: it has no {LEGACY_MEMBER} (saved by another version?)"
        ))
    })?;
    let mut json = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0));
    member
        .read_to_end(&mut json)
        .map_err(|e| perr(format!("damaged corpus file: {e}")))?;
    let de = &mut serde_json::Deserializer::from_slice(&json);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Parse {
        message: format!(
            "{name}: damaged corpus file at `{}`: {}",
            e.path(),
            e.inner()
        ),
        path: Some(name.to_owned()),
        line: None,
        json_path: Some(e.path().to_string()),
    })
}

/// An instant given from Python: an aware or naive `datetime` (naive means UTC), a `date` (midnight
/// UTC), or an ISO 8601 string (`2024-05-01`, `2024-05-01T09:00:00Z`).
pub(crate) fn extract_instant(v: &Bound<'_, PyAny>, what: &str) -> Result<DateTime<Utc>, Error> {
    if let Ok(t) = v.extract::<DateTime<Utc>>() {
        return Ok(t);
    }
    if let Ok(t) = v.extract::<DateTime<chrono::FixedOffset>>() {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = v.extract::<NaiveDateTime>() {
        return Ok(t.and_utc());
    }
    if let Ok(d) = v.extract::<NaiveDate>() {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_string();
        if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
            return Ok(t.with_timezone(&Utc));
        }
        if let Ok(t) = s.parse::<NaiveDateTime>() {
            return Ok(t.and_utc());
        }
        if let Ok(d) = s.parse::<NaiveDate>() {
            return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
        }
        return Err(Error::Config(format!(
            "{what}={s:?} is not a date: use a datetime, a date or an ISO 8601 string like \
             \"2024-05-01\" or \"2024-05-01T09:00:00Z\""
        )));
    }
    Err(Error::Config(format!(
        "{what} must be a datetime, a date or an ISO 8601 string, not {}",
        v.get_type()
            .name()
            .map_or_else(|_| "this".to_owned(), |n| n.to_string())
    )))
}

fn strings(v: Option<&Bound<'_, PyAny>>, what: &str) -> Result<Option<Vec<String>>, Error> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(vec![s.to_string()]));
    }
    v.extract::<Vec<String>>()
        .map(Some)
        .map_err(|_| Error::Config(format!("{what} must be a string or a list of strings")))
}

/// The posts of a corpus, one row each.
pub(crate) fn posts_table(c: &Corpus) -> Result<RecordBatch, Error> {
    Ok(rapport_arrow::corpus::posts(c)?)
}

/// The accounts of a corpus, one row each.
pub(crate) fn accounts_table(c: &Corpus) -> Result<RecordBatch, Error> {
    Ok(rapport_arrow::corpus::accounts(c)?)
}

/// One row per conversation, in the corpus's conversation order.
pub(crate) fn conversations_table(c: &Corpus) -> Result<RecordBatch, Error> {
    Ok(rapport_arrow::corpus::conversations(c)?)
}

/// The examples of this class and of `Table` run against `corpus`, the seven-post example corpus of
/// docs/python.md: `acme_careers` posts a job, `ada` asks a question and gets an answer (a
/// conversation of four posts), `acme_eng`, `acme_careers` and `bob` post once more each.
///
/// ```python
/// >>> corpus
/// <rapport.Corpus posts=7 accounts=4, from=2024-03-01, to=2024-04-02>
/// >>> len(corpus)
/// 7
///
/// ```
#[pyclass(module = "rapport._native", name = "Corpus", frozen)]
pub(crate) struct PyCorpus {
    pub(crate) inner: Arc<Corpus>,
    /// The analysis context over `inner`: interactions, graph and skill evidence computed at most
    /// once for this corpus (a `Corpus` never changes; a changed one is a new object with a new
    /// context).
    pub(crate) analysis: Arc<Analysis>,
    /// The tables `skills()` returned, by the full report they were made from (the context hands
    /// out the same `Arc` for the same taxonomy and options) and the evidence post ids kept per row,
    /// so that a second call converts nothing.
    pub(crate) skill_tables: Mutex<Vec<(Arc<SkillReport>, usize, RecordBatch)>>,
    /// What the import that made the corpus saw, when it came from a file.
    pub(crate) report: Option<serde_json::Value>,
}

impl PyCorpus {
    pub(crate) fn new(c: Corpus) -> Self {
        let inner = Arc::new(c);
        PyCorpus {
            analysis: Arc::new(Analysis::new(Arc::clone(&inner))),
            inner,
            skill_tables: Mutex::new(Vec::new()),
            report: None,
        }
    }

    pub(crate) fn with_report(c: Corpus, report: serde_json::Value) -> Self {
        PyCorpus {
            report: Some(report),
            ..PyCorpus::new(c)
        }
    }
}

pub(crate) fn path_string(p: &Bound<'_, PyAny>) -> PyResult<String> {
    let fspath = p.py().import("os")?.getattr("fspath")?.call1((p,))?;
    fspath.extract::<String>()
}

#[pymethods]
impl PyCorpus {
    /// An empty corpus.
    ///
    /// ```python
    /// >>> rapport.Corpus().num_posts
    /// 0
    ///
    /// ```
    #[new]
    fn py_new() -> Self {
        PyCorpus::new(Corpus::new())
    }

    /// A corpus from plain records: `posts` and `accounts` are lists of dicts with the fields of
    /// rapport's `Post` and `Account` (`id`, `author_id`, `text`, `created_at`, …; see docs/python.md).
    ///
    /// ```python
    /// >>> c = rapport.Corpus.from_records(
    /// ...     [{"id": "1", "author_id": "7", "text": "Hi #rust", "created_at": "2024-05-01T09:00:00Z", "hashtags": ["rust"]}],
    /// ...     [{"id": "7", "handle": "ada"}],
    /// ... )
    /// >>> c.posts()["author"], c.posts()["hashtags"]
    /// (['ada'], [['rust']])
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (posts, accounts = None))]
    fn from_records(
        py: Python<'_>,
        posts: &Bound<'_, PyAny>,
        accounts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let json = py.import("json")?;
        let kwargs = PyDict::new(py);
        let iso = py.eval(c"lambda o: o.isoformat()", None, None)?;
        kwargs.set_item("default", iso)?;
        let posts_json: String = json
            .call_method("dumps", (posts,), Some(&kwargs))?
            .extract()?;
        let accounts_json: String = match accounts {
            Some(a) if !a.is_none() => json.call_method("dumps", (a,), Some(&kwargs))?.extract()?,
            _ => "[]".to_owned(),
        };
        let c = guarded(py, move || {
            let accounts: Vec<Account> = parse_records(
                &accounts_json,
                "accounts",
                &[("counts", "{}"), ("platform", "\"x\"")],
            )?;
            let posts: Vec<Post> = parse_records(
                &posts_json,
                "posts",
                &[
                    ("hashtags", "[]"),
                    ("mentions", "[]"),
                    ("urls", "[]"),
                    ("metrics", "{}"),
                ],
            )?;
            // A record the corpus refuses (an empty id, a copy with another author) is the caller's
            // input error, raised with where it is, never skipped in silence.
            Corpus::try_from_parts(accounts, posts).map_err(|e| {
                let json_path = match &e {
                    rapport_core::Error::Record { what, index, .. } => {
                        Some(format!("{what}[{index}]"))
                    }
                    _ => None,
                };
                Error::Parse {
                    message: e.to_string(),
                    path: None,
                    line: None,
                    json_path,
                }
            })
        })?;
        Ok(PyCorpus::new(c))
    }

    /// Loads a corpus written by `save`.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "corpus.rapport")
    /// >>> corpus.save(path)
    /// >>> rapport.Corpus.load(path).num_posts
    /// 7
    ///
    /// ```
    #[staticmethod]
    fn load(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_string(path)?;
        let c = guarded(py, move || {
            let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            corpus_from_bytes(bytes, &path)
        })?;
        Ok(PyCorpus::new(c))
    }

    /// Writes the corpus to a rapport corpus file (Parquet: accounts and posts in one file, format
    /// version in its metadata; see `docs/files.md`) that `load`, `rapport_arrow::load_corpus` in Rust
    /// and pyarrow, polars or DuckDB read.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> corpus.save(os.path.join(tempfile.mkdtemp(), "corpus.rapport"))
    ///
    /// ```
    fn save(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let path = path_string(path)?;
        let c = Arc::clone(&self.inner);
        guarded(py, move || {
            rapport_arrow::save_corpus(&c, &path).map_err(|e| file_error(e, &path))
        })?;
        Ok(())
    }

    /// The corpus as bytes (what `save` writes, a Parquet corpus file).
    ///
    /// ```python
    /// >>> corpus.to_bytes()[:4]
    /// b'PAR1'
    ///
    /// ```
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let c = Arc::clone(&self.inner);
        let bytes = guarded(py, move || corpus_to_bytes(&c))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// A corpus from `to_bytes` output.
    ///
    /// ```python
    /// >>> rapport.Corpus.from_bytes(corpus.to_bytes()).num_accounts
    /// 4
    ///
    /// ```
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let data = data.to_vec();
        let c = guarded(py, move || corpus_from_bytes(data, "<bytes>"))?;
        Ok(PyCorpus::new(c))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let from_bytes = py.get_type::<PyCorpus>().getattr("from_bytes")?;
        let bytes = slf.get().to_bytes(py)?;
        PyTuple::new(py, [from_bytes, PyTuple::new(py, [bytes])?.into_any()])
    }

    /// Number of distinct posts.
    ///
    /// ```python
    /// >>> corpus.num_posts
    /// 7
    ///
    /// ```
    #[getter]
    fn num_posts(&self) -> usize {
        self.inner.num_posts()
    }

    /// Number of distinct accounts (authors, and accounts only seen replied to or mentioned).
    ///
    /// ```python
    /// >>> corpus.num_accounts
    /// 4
    ///
    /// ```
    #[getter]
    fn num_accounts(&self) -> usize {
        self.inner.num_accounts()
    }

    /// Number of conversations (every post is in exactly one).
    ///
    /// ```python
    /// >>> corpus.num_conversations
    /// 4
    ///
    /// ```
    #[getter]
    fn num_conversations(&self, py: Python<'_>) -> PyResult<usize> {
        let c = Arc::clone(&self.inner);
        Ok(guarded(py, move || Ok(c.num_conversations()))?)
    }

    /// The first and last post times (timezone-aware), or `None` for an empty corpus.
    ///
    /// ```python
    /// >>> first, last = corpus.span
    /// >>> first.isoformat()
    /// '2024-03-01T09:00:00+00:00'
    ///
    /// ```
    #[getter]
    fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((self.inner.oldest()?, self.inner.newest()?))
    }

    fn __len__(&self) -> usize {
        self.inner.num_posts()
    }

    fn __repr__(&self) -> String {
        let span = match (self.inner.oldest(), self.inner.newest()) {
            (Some(a), Some(b)) => format!(
                ", from={}, to={}",
                a.format("%Y-%m-%d"),
                b.format("%Y-%m-%d")
            ),
            _ => String::new(),
        };
        format!(
            "<rapport.Corpus posts={} accounts={}{span}>",
            self.inner.num_posts(),
            self.inner.num_accounts()
        )
    }

    /// The posts, one row each: ids, author, `created_at` (UTC), kind, text, references, hashtags
    /// (normalised), mentions, urls, language and public metrics.
    ///
    /// ```python
    /// >>> posts = corpus.posts()
    /// >>> posts[0]["created_at"].tzinfo
    /// datetime.timezone.utc
    /// >>> posts.to_pandas()["created_at"].dtype
    /// datetime64[ns, UTC]
    ///
    /// ```
    fn posts(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || posts_table(&c))?))
    }

    /// The accounts, one row each (profile counts are shown, never used to score anyone).
    ///
    /// ```python
    /// >>> sorted(corpus.accounts()["handle"])
    /// ['acme_careers', 'acme_eng', 'ada', 'bob']
    ///
    /// ```
    fn accounts(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || accounts_table(&c))?))
    }

    /// The conversations, one row each: posts, depth, breadth, participants, turns, reply and two-way
    /// pairs, time to first reply (seconds), missing posts and orphans.
    ///
    /// ```python
    /// >>> conv = {row["id"]: row for row in corpus.conversations()}["100"]
    /// >>> conv["depth"], conv["participants"], conv["two_way_pairs"], conv["time_to_first_reply_s"]
    /// (3, 2, 1, 1800.0)
    ///
    /// ```
    fn conversations(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || conversations_table(&c))?))
    }

    /// Who addressed whom, how and when: one row per (post, addressed account) with `src`, `dst`
    /// (handles), `src_id`, `dst_id`, `kind` (`reply`, `mention`, `repost`, `quote`), `post` (the id
    /// of the post that carries it) and `at`. These are the interactions that engagement and the
    /// mentor graph are computed from.
    ///
    /// ```python
    /// >>> ix = corpus.interactions()
    /// >>> ix.columns
    /// ['src', 'dst', 'src_id', 'dst_id', 'kind', 'post', 'at']
    /// >>> sorted(set(ix["kind"])), len(ix)
    /// (['reply'], 3)
    ///
    /// ```
    fn interactions(&self, py: Python<'_>) -> PyResult<PyTable> {
        let c = Arc::clone(&self.inner);
        Ok(PyTable::new(guarded(py, move || {
            Ok(rapport_arrow::corpus::interactions(&c)?)
        })?))
    }

    /// Writes the corpus as twarc2-style JSONL (one X API v2 page per line, with `includes.users`),
    /// which `Corpus.from_jsonl` and twarc-compatible tools read back. Returns the number of lines.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "corpus.jsonl")
    /// >>> corpus.to_jsonl(path) >= 1
    /// True
    /// >>> rapport.Corpus.from_jsonl(path).num_posts
    /// 7
    ///
    /// ```
    fn to_jsonl(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<usize> {
        let path = path_string(path)?;
        let c = Arc::clone(&self.inner);
        Ok(guarded(py, move || {
            let f = std::fs::File::create(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            rapport_arrow::corpus_to_jsonl(&c, std::io::BufWriter::new(f)).map_err(|e| match e {
                rapport_arrow::Error::Stream(source) => Error::Io { path, source },
                other => Error::Internal(other.to_string()),
            })
        })?)
    }

    /// The quickstart's overview as a dict; `org` names the organisation's accounts (handles or ids)
    /// to count its posts answered and unanswered.
    ///
    /// ```python
    /// >>> s = corpus.summary(org="acme_careers")
    /// >>> s["posts"], s["org"]["answered"], s["org"]["unanswered"]
    /// (7, 1, 1)
    ///
    /// ```
    #[pyo3(signature = (org = None, top = 10))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        org: Option<&Bound<'py, PyAny>>,
        top: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let org = strings(org, "org")?.unwrap_or_default();
        let c = Arc::clone(&self.inner);
        let value = guarded(py, move || {
            let unknown: Vec<String> = org
                .iter()
                .filter(|h| c.find_account(h).is_none())
                .cloned()
                .collect();
            if !unknown.is_empty() {
                return Err(Error::UnknownAccount(unknown));
            }
            let org: Vec<&str> = org.iter().map(String::as_str).collect();
            serde_json::to_value(CorpusSummary::of(&c, &org, top))
                .map_err(|e| Error::Internal(e.to_string()))
        })?;
        json_to_py(py, &value)
    }

    /// A new corpus with the posts and accounts of both (a post in both: `other`'s copy updates what
    /// it knows, field by field; a copy with another author or creation time is left out).
    ///
    /// ```python
    /// >>> more = rapport.Corpus.from_records([{"id": "900", "author_id": "3", "text": "hi", "created_at": "2024-06-01T00:00:00Z"}])
    /// >>> corpus.merge(more).num_posts
    /// 8
    ///
    /// ```
    fn merge(&self, py: Python<'_>, other: &Bound<'_, PyCorpus>) -> PyResult<Self> {
        let a = Arc::clone(&self.inner);
        let b = Arc::clone(&other.get().inner);
        let c = guarded(py, move || {
            let mut c = (*a).clone();
            c.merge(&b);
            Ok(c)
        })?;
        Ok(PyCorpus::new(c))
    }

    /// A new corpus cut down to posts created in `[since, until)`, written by one of `accounts`
    /// (handles or ids), carrying one of `hashtags`. Unknown accounts raise `UnknownAccountError`.
    ///
    /// ```python
    /// >>> corpus.filter(since="2024-03-02").num_posts
    /// 3
    /// >>> corpus.filter(accounts="@ada", until="2024-04-01").num_posts
    /// 2
    /// >>> corpus.filter(hashtags=["#RustLang"]).num_posts
    /// 2
    ///
    /// ```
    #[pyo3(signature = (*, since = None, until = None, accounts = None, hashtags = None))]
    fn filter(
        &self,
        py: Python<'_>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        accounts: Option<&Bound<'_, PyAny>>,
        hashtags: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let f = Filter {
            since: since
                .filter(|v| !v.is_none())
                .map(|v| extract_instant(v, "since"))
                .transpose()?,
            until: until
                .filter(|v| !v.is_none())
                .map(|v| extract_instant(v, "until"))
                .transpose()?,
            accounts: strings(accounts, "accounts")?,
            hashtags: strings(hashtags, "hashtags")?,
        };
        let c = Arc::clone(&self.inner);
        let out = guarded(py, move || {
            let unknown = f.unknown_accounts(&c);
            if !unknown.is_empty() {
                return Err(Error::UnknownAccount(unknown));
            }
            Ok(c.filter(&f))
        })?;
        Ok(PyCorpus::new(out))
    }

    /// Reads a twarc2 JSONL file (one X API v2 response page per line), streaming.
    ///
    /// With `strict=True` the first bad line raises `ParseError` (`.path`, `.line`, `.json_path`);
    /// with `strict=False` bad lines are skipped, a warning says how many, and
    /// `corpus.import_report["skipped"]` lists each with its reason.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "pages.jsonl")
    /// >>> with open(path, "w") as f:
    /// ...     _ = f.write('{"data":[{"id":"1","text":"hi","author_id":"7","created_at":"2024-05-01T09:00:00.000Z"}],'
    /// ...                 '"includes":{"users":[{"id":"7","username":"ada","name":"Ada"}]}}\n')
    /// >>> rapport.Corpus.from_jsonl(path).posts()["author"]
    /// ['ada']
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path, strict = true))]
    fn from_jsonl(py: Python<'_>, path: &Bound<'_, PyAny>, strict: bool) -> PyResult<Self> {
        let path = path_string(path)?;
        let r = guarded(py, move || Ok(import_jsonl(&path, &options(strict))?))?;
        finish(py, r)
    }

    /// Reads an X account archive: the `.zip` as downloaded, or the unpacked folder (`data/tweets.js`,
    /// split parts, and the owner from `data/account.js`).
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> root = tempfile.mkdtemp(); os.mkdir(os.path.join(root, "data"))
    /// >>> with open(os.path.join(root, "data", "tweets.js"), "w") as f:
    /// ...     _ = f.write('window.YTD.tweets.part0 = [{"tweet": {"id_str": "5", "full_text": "hello #rust",'
    /// ...                 ' "created_at": "Wed Oct 10 20:19:24 +0000 2018",'
    /// ...                 ' "entities": {"hashtags": [{"text": "rust", "indices": ["6", "11"]}]}}}]')
    /// >>> with open(os.path.join(root, "data", "account.js"), "w") as f:
    /// ...     _ = f.write('window.YTD.account.part0 = [{"account": {"accountId": "42", "username": "ada"}}]')
    /// >>> rapport.Corpus.from_archive(root).posts()["hashtags"]
    /// [['rust']]
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path, strict = true))]
    fn from_archive(py: Python<'_>, path: &Bound<'_, PyAny>, strict: bool) -> PyResult<Self> {
        let path = path_string(path)?;
        let r = guarded(py, move || Ok(import_archive(&path, &options(strict))?))?;
        finish(py, r)
    }

    /// Reads any supported file, picking the importer by content: an archive (zip, folder or
    /// `tweets.js`), twarc2 JSONL, or a single API response (pretty-printed or not).
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "page.json")
    /// >>> with open(path, "w") as f:
    /// ...     _ = f.write('{\n "data": {"id": "9", "text": "one", "author_id": "1",\n'
    /// ...                 ' "created_at": "2024-01-01T00:00:00.000Z"}\n}\n')
    /// >>> rapport.Corpus.from_file(path).num_posts
    /// 1
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path, strict = true))]
    fn from_file(py: Python<'_>, path: &Bound<'_, PyAny>, strict: bool) -> PyResult<Self> {
        let path = path_string(path)?;
        let r = guarded(py, move || Ok(import_path(&path, &options(strict))?))?;
        finish(py, r)
    }

    /// The bundled sample corpus: a deterministic (by `seed`) simulated organisation with careers,
    /// engineering and HR accounts, its job posts, and the people who talk with it.
    ///
    /// ```python
    /// >>> c = rapport.Corpus.sample(posts=500, seed=7)
    /// >>> c.num_posts > 400, c.posts().to_dicts() == rapport.Corpus.sample(posts=500, seed=7).posts().to_dicts()
    /// (True, True)
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (posts = 10_000, seed = 7))]
    fn sample(py: Python<'_>, posts: usize, seed: u64) -> PyResult<Self> {
        let r = guarded(py, move || {
            let text = sample_jsonl_string(&SampleConfig::new(posts, seed))
                .map_err(|e| Error::Internal(format!("generating the sample: {e}")))?;
            Ok(import_jsonl_reader(
                text.as_bytes(),
                "sample",
                &ImportOptions::strict(),
            )?)
        })?;
        finish(py, r)
    }

    /// What the import that made this corpus saw (`lines`, `pages`, `bytes`, `skipped` lines with their
    /// `kind` and reason, `skip_counts` per kind, `compliance_events` read, `partial_errors`, the
    /// archive `owner`), or `None` for a corpus not read from a file.
    ///
    /// ```python
    /// >>> rapport.Corpus.sample(posts=200).import_report["skipped"]
    /// []
    /// >>> rapport.Corpus().import_report is None
    /// True
    ///
    /// ```
    #[getter]
    fn import_report<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.report.as_ref().map(|r| json_to_py(py, r)).transpose()
    }

    /// Approximate memory held by the corpus, in bytes.
    ///
    /// ```python
    /// >>> corpus.heap_bytes() > 0
    /// True
    ///
    /// ```
    fn heap_bytes(&self) -> usize {
        self.inner.heap_bytes()
    }
}

/// Parses a JSON list of records into `T`, first filling the keys a record may leave out (`defaults`:
/// key and JSON text) so that plain dicts need only the fields that matter.
fn parse_records<T: serde::de::DeserializeOwned>(
    json: &str,
    what: &str,
    defaults: &[(&str, &str)],
) -> Result<T, Error> {
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Error::Config(format!("{what}: {e}")))?;
    let Some(items) = value.as_array_mut() else {
        return Err(Error::Config(format!("{what} must be a list of dicts")));
    };
    for item in items.iter_mut() {
        if let Some(obj) = item.as_object_mut() {
            for (k, v) in defaults {
                if !obj.contains_key(*k) || obj[*k].is_null() {
                    let v = serde_json::from_str(v).map_err(|e| Error::Internal(e.to_string()))?;
                    obj.insert((*k).to_owned(), v);
                }
            }
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        Error::Parse {
            message: format!(
                "{what}: at `{path}`: {}",
                rapport_core::error::cut_quoted(&e.inner().to_string())
            ),
            path: None,
            line: None,
            json_path: Some(if path == "." {
                what.to_owned()
            } else {
                format!("{what}{path}")
            }),
        }
    })
}
