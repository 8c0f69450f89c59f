//! Shared plumbing of the analysis bindings: core errors into Python errors, serde results into
//! tables and dicts, and the `org` argument (one handle or a list).

use pyo3::prelude::*;
use pyo3::types::PyString;
use rapport_arrow::RecordBatch;
use rapport_core::skills::SkillsError;
use serde::Serialize;

use crate::conversion::json_to_py;
use crate::errors::Error;

impl From<rapport_core::Error> for Error {
    fn from(e: rapport_core::Error) -> Self {
        match e {
            rapport_core::Error::UnknownOrgAccounts { unknown } => Error::UnknownAccount(unknown),
            rapport_core::Error::UnknownAccount(a) => Error::UnknownAccount(vec![a]),
            other => Error::Config(other.to_string()),
        }
    }
}

impl From<SkillsError> for Error {
    fn from(e: SkillsError) -> Self {
        match e {
            SkillsError::Io { path, source } => Error::Io { path, source },
            SkillsError::Parse {
                ref file,
                line,
                ref field,
                ..
            } => Error::Parse {
                message: e.to_string(),
                path: Some(file.clone()),
                line,
                json_path: field.clone(),
            },
            other => Error::Taxonomy(other.to_string()),
        }
    }
}

/// Rows of a serde struct as a table.
pub(crate) fn table_of<T: Serialize + Default>(rows: &[T]) -> Result<RecordBatch, Error> {
    Ok(rapport_arrow::record_batch(rows)?)
}

/// Rows of a serde struct as a table, without the `account` column (the corpus's internal account
/// index, meaningless outside one process: `id` and `handle` name the account).
pub(crate) fn people_table<T: Serialize + Default>(rows: &[T]) -> Result<RecordBatch, Error> {
    Ok(rapport_arrow::record_batch_without(rows, "account")?)
}

/// Any serialisable value as JSON, for dicts handed to Python.
pub(crate) fn json_of<T: Serialize>(v: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

/// A JSON value as Python objects.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    json_to_py(py, v)
}

/// `"acme"` or `["acme", "acme_eng"]` as a list; `what` names the argument in the error.
pub(crate) fn str_list(v: &Bound<'_, PyAny>, what: &str) -> Result<Vec<String>, Error> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(vec![s.to_string()]);
    }
    v.extract::<Vec<String>>().map_err(|_| {
        Error::Config(format!(
            "{what}: expected a string or a list of strings, got {}",
            v.get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |n| n.to_string())
        ))
    })
}
