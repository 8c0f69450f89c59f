//! The importers and the sample generator of rapport-twitter, seen from Python.
//!
//! The `#[pymethods]` (`Corpus.from_jsonl`, `from_archive`, `from_file`, `sample`) stay in
//! `corpus.rs` (pyo3 allows one block per class); what they share lives here: the options, the
//! import report, and the mapping of rapport-twitter's errors.

use pyo3::prelude::*;
use rapport_core::compliance::ComplianceEvent;
use rapport_twitter::TwitterError;
use rapport_twitter::client::ClientError;
use rapport_twitter::import::{ImportOptions, ImportReport};

use crate::corpus::PyCorpus;
use crate::errors::Error;

impl From<TwitterError> for Error {
    /// `TwitterError` is `#[non_exhaustive]` across crates, so the last arm is a catch-all: the
    /// client's HTTP variants, when they land, get their own arms above it.
    fn from(e: TwitterError) -> Error {
        let message = e.to_string();
        match e {
            TwitterError::Io { path, source } => Error::Io {
                path: path.display().to_string(),
                source,
            },
            TwitterError::Parse {
                file, line, path, ..
            }
            | TwitterError::Invalid {
                file, line, path, ..
            } => Error::Parse {
                message,
                path: Some(file),
                line: Some(line),
                json_path: Some(path),
            },
            TwitterError::LineTooLong { file, line, .. }
            | TwitterError::ErrorDocument { file, line, .. } => Error::Parse {
                message,
                path: Some(file),
                line: Some(line),
                json_path: None,
            },
            TwitterError::Archive { path, .. } | TwitterError::UnknownFormat { path, .. } => {
                Error::Parse {
                    message,
                    path: Some(path.display().to_string()),
                    line: None,
                    json_path: None,
                }
            }
            TwitterError::Client(c) => c.into(),
            _ => Error::Api {
                message,
                status: None,
            },
        }
    }
}

impl From<ClientError> for Error {
    /// `ClientError` is `#[non_exhaustive]` across crates: the last arm keeps a future variant an
    /// `ApiError` with its status.
    fn from(e: ClientError) -> Error {
        let message = e.to_string();
        let status = e.status();
        match e {
            ClientError::RateLimited { reset_at, .. } => Error::RateLimit { message, reset_at },
            ClientError::Unauthorized { .. } => Error::Auth {
                message,
                status: 401,
            },
            ClientError::ClientForbidden { .. } | ClientError::Forbidden { .. } => Error::Auth {
                message,
                status: 403,
            },
            ClientError::NotFound { .. } => Error::NotFound { message },
            ClientError::Config(_) | ClientError::InvalidParameter { .. } => Error::Config(message),
            ClientError::Malformed { path, .. } => Error::Parse {
                message,
                path: None,
                line: None,
                json_path: Some(path),
            },
            ClientError::Io { what, source } => Error::Io { path: what, source },
            _ => Error::Api { message, status },
        }
    }
}

/// What an import saw, kept on the corpus as `corpus.import_report`.
pub(crate) fn report_json(r: &ImportReport) -> serde_json::Value {
    serde_json::json!({
        "lines": r.lines,
        "pages": r.pages,
        "bytes": r.bytes,
        "skipped": r.skipped.iter().map(|s| serde_json::json!({
            "file": s.file, "line": s.line, "kind": s.kind, "reason": s.reason,
        })).collect::<Vec<_>>(),
        "skip_counts": r.skip_counts,
        "compliance_events": r.compliance.len(),
        "partial_errors": r.partial_errors.len(),
        "owner": r.owner.as_ref().map(|a| a.handle.clone()),
    })
}

pub(crate) fn finish(py: Python<'_>, r: ImportReport) -> PyResult<PyCorpus> {
    if let Some(first) = r.skipped.first() {
        let msg = format!(
            "skipped {} bad line(s) (first: {}:{}: {}); see corpus.import_report[\"skipped\"]",
            r.skipped.len(),
            first.file,
            first.line,
            first.reason
        );
        let warnings = py.import("warnings")?;
        warnings.call_method1(
            "warn",
            (msg, py.get_type::<pyo3::exceptions::PyUserWarning>(), 2),
        )?;
    }
    let report = report_json(&r);
    Ok(PyCorpus::with_report(r.corpus, report))
}

#[pymethods]
impl PyCorpus {
    /// Applies X compliance events: deleted and protected posts leave, and deleted, protected,
    /// suspended and deactivated accounts leave with all their posts. `events` is the path of a
    /// compliance file (the JSONL of a twarc2 batch compliance job: one
    /// `{"id": …, "action": …, "reason": …}` per line) or a list of such dicts (`"type": "tweet"` or
    /// `"user"` says which kind of id when the action does not).
    ///
    /// A corpus never changes (tables and other handles share it), so this returns the corpus without
    /// the removed posts and accounts, and the counts: `events`, `by_action`, `posts_removed`,
    /// `accounts_removed`, `not_found`, `unchanged`.
    ///
    /// ```python
    /// >>> kept, counts = corpus.apply_compliance([{"id": "ada_id_unknown", "action": "suspend"}])
    /// >>> counts["not_found"], kept.num_posts == corpus.num_posts
    /// (1, True)
    ///
    /// ```
    fn apply_compliance<'py>(
        &self,
        py: Python<'py>,
        events: &Bound<'py, PyAny>,
    ) -> PyResult<(PyCorpus, Bound<'py, PyAny>)> {
        let source =
            if events.is_instance_of::<pyo3::types::PyString>() || events.hasattr("__fspath__")? {
                Events::Path(crate::corpus::path_string(events)?)
            } else {
                let json = py.import("json")?;
                let kwargs = pyo3::types::PyDict::new(py);
                let iso = py.eval(c"lambda o: o.isoformat()", None, None)?;
                kwargs.set_item("default", iso)?;
                let mut lines = String::new();
                for item in events.try_iter()? {
                    let line: String = json
                        .call_method("dumps", (item?,), Some(&kwargs))?
                        .extract()?;
                    lines.push_str(&line);
                    lines.push('\n');
                }
                Events::Lines(lines)
            };
        let corpus = self.inner.clone();
        let (next, report) = crate::guarded(py, move || {
            let events = compliance_events(&source)?;
            let mut next = (*corpus).clone();
            let report = next.apply_compliance(&events);
            let json = serde_json::to_value(&report).map_err(|e| Error::Internal(e.to_string()))?;
            Ok((next, json))
        })?;
        Ok((
            PyCorpus::new(next),
            crate::conversion::json_to_py(py, &report)?,
        ))
    }
}

enum Events {
    Path(String),
    Lines(String),
}

/// The compliance events of a file or of JSON lines; anything else in them is an error.
fn compliance_events(source: &Events) -> Result<Vec<ComplianceEvent>, Error> {
    let opts = ImportOptions::strict();
    let (report, name) = match source {
        Events::Path(p) => (rapport_twitter::import::import_jsonl(p, &opts)?, p.as_str()),
        Events::Lines(l) => (
            rapport_twitter::import::import_jsonl_reader(l.as_bytes(), "events", &opts)?,
            "events",
        ),
    };
    if report.corpus.num_posts() > 0 || report.corpus.num_accounts() > 0 || report.pages > 0 {
        return Err(Error::Parse {
            message: format!(
                "{name}: expected compliance events (`id` and `action` on each line), found posts \
                 or pages"
            ),
            path: Some(name.to_owned()),
            line: None,
            json_path: None,
        });
    }
    Ok(report.compliance)
}

pub(crate) fn options(strict: bool) -> ImportOptions {
    if strict {
        ImportOptions::strict()
    } else {
        ImportOptions::lenient()
    }
}

/// Writes the sample corpus as a twarc2 JSONL file (what `Corpus.sample` loads) and returns what the
/// generator planted in it (the organisation's handles, the two-way partners, counts), for checking
/// analyses against or for trying the file importer.
///
/// ```python
/// >>> import os, tempfile
/// >>> path = os.path.join(tempfile.mkdtemp(), "sample.jsonl")
/// >>> truth = rapport.write_sample(path, posts=300, seed=7)
/// >>> rapport.Corpus.from_jsonl(path).num_posts == truth["posts"]
/// True
///
/// ```
#[pyfunction]
#[pyo3(signature = (path, posts = 10_000, seed = 7))]
pub(crate) fn write_sample<'py>(
    py: Python<'py>,
    path: &Bound<'py, PyAny>,
    posts: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let path = crate::corpus::path_string(path)?;
    let truth = crate::guarded(py, move || {
        let truth = rapport_sample::write_sample_file(
            &rapport_sample::SampleConfig::new(posts, seed),
            &path,
        )
        .map_err(|source| Error::Io { path, source })?;
        serde_json::to_value(truth).map_err(|e| Error::Internal(e.to_string()))
    })?;
    crate::conversion::json_to_py(py, &truth)
}
