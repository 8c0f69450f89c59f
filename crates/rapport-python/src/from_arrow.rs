//! `Corpus.from_arrow`: a corpus from Arrow tables shaped like `corpus.posts()` and
//! `corpus.accounts()`, handed over through the Arrow PyCapsule interface (a pyarrow `Table` or
//! `RecordBatch`, a polars `DataFrame`, a `rapport.Table`, the batches of a Spark Arrow UDF). The
//! batches cross without a copy; `rapport_arrow::from_arrow` reads them into the corpus.

use arrow::array::RecordBatch;
use arrow::error::ArrowError;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::corpus::PyCorpus;
use crate::errors::Error;
use crate::guarded;

/// The batches of an Arrow object (anything with `__arrow_c_stream__` or `__arrow_c_array__`);
/// `what` names the argument in errors.
fn batches(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<RecordBatch>> {
    let any: AnyRecordBatch = obj.extract().map_err(|_| {
        let kind = obj
            .get_type()
            .name()
            .map_or_else(|_| "this object".to_owned(), |n| n.to_string());
        PyTypeError::new_err(format!(
            "{what} must be an Arrow table (an object with __arrow_c_stream__ or \
             __arrow_c_array__: a pyarrow Table or RecordBatch, a polars DataFrame, a \
             rapport.Table), not {kind}"
        ))
    })?;
    let reader = any.into_reader()?;
    reader
        .collect::<Result<Vec<_>, ArrowError>>()
        .map_err(|e| Error::Table(e.into()).into())
}

/// The binding's error for a table `from_arrow` cannot read: a `ParseError` whose `json_path` names
/// the table and the column (`posts.created_at`) or row (`posts[3]`).
fn parse_error(e: &rapport_arrow::Error) -> Error {
    let json_path = match e {
        rapport_arrow::Error::Column { table, column, .. } => Some(format!("{table}.{column}")),
        rapport_arrow::Error::Row { table, row, .. } => Some(format!("{table}[{row}]")),
        _ => None,
    };
    Error::Parse {
        message: e.to_string(),
        path: None,
        line: None,
        json_path,
    }
}

#[pymethods]
impl PyCorpus {
    /// A corpus from Arrow tables with the columns of `corpus.posts()` and `corpus.accounts()`:
    /// any object with `__arrow_c_stream__` or `__arrow_c_array__` (a pyarrow `Table` or
    /// `RecordBatch`, a polars `DataFrame`, a `rapport.Table`, the tables a Spark Arrow UDF gets).
    /// `posts` needs `id`, `author_id`, `created_at` and `text`; `accounts` (optional) needs `id`
    /// and `handle`; every other column of those tables is read when present, and columns they do
    /// not have (a `tenant`) are ignored. Strings may be large or views, integers any width, and
    /// timestamps any unit and time zone. A missing or mistyped column raises `ParseError` naming
    /// the column and the type it needs (`json_path` is `posts.created_at`).
    ///
    /// `Corpus.from_arrow(c.posts(), c.accounts())` is a corpus equal to `c`, so a corpus can
    /// travel as two Arrow tables (see docs/scale.md).
    ///
    /// ```python
    /// >>> import pyarrow as pa
    /// >>> copy = rapport.Corpus.from_arrow(pa.table(corpus.posts()), pa.table(corpus.accounts()))
    /// >>> copy.num_posts, copy.num_accounts, copy.posts()["mentions"][1]
    /// (7, 4, ['acme_careers'])
    /// >>> try:
    /// ...     rapport.Corpus.from_arrow(pa.table({"id": ["1"], "author_id": ["7"], "created_at": ["2024-05-01"]}))
    /// ... except rapport.ParseError as e:
    /// ...     print(e)
    /// posts: column `created_at` is Utf8, expected timestamp (ms, UTC; any unit or time zone is converted)
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (posts, accounts = None))]
    fn from_arrow(
        py: Python<'_>,
        posts: &Bound<'_, PyAny>,
        accounts: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let p = batches(posts, "posts")?;
        let a = match accounts.filter(|a| !a.is_none()) {
            Some(a) => batches(a, "accounts")?,
            None => Vec::new(),
        };
        let c = guarded(py, move || {
            rapport_arrow::from_arrow(&p, &a).map_err(|e| parse_error(&e))
        })?;
        Ok(PyCorpus::new(c))
    }
}
