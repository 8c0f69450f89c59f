//! The Python exceptions of rapport and the one place Rust errors become them.
//!
//! `rapport.RapportError` is the base of everything rapport raises, so `except rapport.RapportError`
//! catches every failure of the library (polars' `exceptions.rs` is the model). Each Rust error is
//! mapped by a single exhaustive `match` in [`Error::into_pyerr`]: adding a variant does not compile until
//! it has a Python exception.
//!
//! A Rust panic is a bug, never the user's fault. Calls that do real work run inside
//! [`crate::guarded`], which catches the unwind and raises `RapportError("internal error …")`; anywhere
//! else pyo3 turns a panic into `pyo3_runtime.PanicException`. Neither ends the interpreter.

use pyo3::IntoPyObjectExt;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    rapport._native,
    RapportError,
    PyException,
    "Base class of every error rapport raises."
);
create_exception!(
    rapport._native,
    ParseError,
    RapportError,
    "Input that is not what rapport expected. `.path`, `.line` (1-based) and `.json_path` say where, when known."
);
create_exception!(
    rapport._native,
    ApiError,
    RapportError,
    "The X API answered with an error. `.status` is the HTTP status when there was one."
);
create_exception!(
    rapport._native,
    RateLimitError,
    ApiError,
    "The X API rate limit is used up. `.reset_at` is when it resets (UTC), when known."
);
create_exception!(
    rapport._native,
    AuthError,
    ApiError,
    "The X API refused the credentials (401/403): check the bearer token and the app's access level."
);
create_exception!(
    rapport._native,
    NotFoundError,
    ApiError,
    "The X API does not know the requested post, account or list (404)."
);
create_exception!(
    rapport._native,
    OAuthError,
    AuthError,
    "The OAuth 2.0 login or token refresh failed: a refused or stale authorization, a state that does not match, a code or refresh token X no longer accepts, an expired token that cannot be refreshed."
);
create_exception!(
    rapport._native,
    MissingScopeError,
    AuthError,
    "The user token lacks a scope the call needs. `.scope` names it, `.granted` lists the scopes the token has (empty when unknown)."
);
create_exception!(
    rapport._native,
    NotPermittedError,
    ApiError,
    "X does not let this user do this (403 not permitted: replies restricted, a duplicate post, a blocked or protected account)."
);
create_exception!(
    rapport._native,
    UnknownOutcomeError,
    ApiError,
    "A write was sent and its answer was lost (timeout, dropped connection, server error): it may or may not have been applied, and it was not sent again. `.text` is the post's text, for a reply."
);
create_exception!(
    rapport._native,
    ConfigError,
    RapportError,
    "A setting or argument rapport cannot use (a bad file format, a missing token, a wrong option)."
);
create_exception!(
    rapport._native,
    TaxonomyError,
    RapportError,
    "A skills taxonomy that cannot be loaded or used."
);
create_exception!(
    rapport._native,
    UnknownAccountError,
    RapportError,
    "An account named by handle or id that the corpus does not hold. `.accounts` lists them."
);

/// Every failure the binding reports, before it becomes a Python exception.
///
/// The API, rate-limit, auth, not-found and taxonomy variants are produced by the client and taxonomy
/// bindings as those land; their Python classes exist now so user code can already catch them.
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) enum Error {
    /// Input that does not parse.
    Parse {
        message: String,
        path: Option<String>,
        line: Option<u64>,
        json_path: Option<String>,
    },
    /// A file that cannot be read or written.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// An HTTP error of the X API (other than those below).
    Api {
        message: String,
        status: Option<u16>,
    },
    /// The rate limit is used up.
    RateLimit {
        message: String,
        reset_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Credentials refused.
    Auth { message: String, status: u16 },
    /// A resource the API does not know.
    NotFound { message: String },
    /// The OAuth 2.0 flow or a refresh failed.
    OAuth {
        message: String,
        status: Option<u16>,
    },
    /// The user token lacks a scope.
    MissingScope {
        message: String,
        scope: String,
        granted: Vec<String>,
    },
    /// X does not permit the action.
    NotPermitted {
        message: String,
        status: Option<u16>,
    },
    /// A write whose answer was lost; not sent again.
    UnknownOutcome {
        message: String,
        text: Option<String>,
    },
    /// A bad setting or argument.
    Config(String),
    /// A taxonomy problem.
    Taxonomy(String),
    /// Accounts the corpus does not hold.
    UnknownAccount(Vec<String>),
    /// A table that cannot be built.
    Table(rapport_arrow::Error),
    /// A bug: a panic caught on its way to Python.
    Internal(String),
}

impl From<rapport_arrow::Error> for Error {
    fn from(e: rapport_arrow::Error) -> Self {
        Error::Table(e)
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        Python::attach(|py| e.into_pyerr(py))
    }
}

fn with_attrs(py: Python<'_>, err: PyErr, attrs: &[(&str, Py<PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (k, v) in attrs {
        // Setting an attribute on a fresh exception instance cannot fail short of memory exhaustion;
        // if it does, the exception still carries its message.
        let _ = value.setattr(*k, v.bind(py));
    }
    err
}

fn obj<'py, T: IntoPyObjectExt<'py>>(py: Python<'py>, v: T) -> Py<PyAny> {
    v.into_py_any(py).unwrap_or_else(|_| py.None())
}

impl Error {
    /// The Python exception for this error: one exhaustive match.
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Error::Parse {
                message,
                path,
                line,
                json_path,
            } => with_attrs(
                py,
                ParseError::new_err(message),
                &[
                    ("path", obj(py, path)),
                    ("line", obj(py, line)),
                    ("json_path", obj(py, json_path)),
                ],
            ),
            Error::Io { path, source } => {
                let message = format!("cannot read or write {path}: {source}");
                if source.kind() == std::io::ErrorKind::NotFound {
                    pyo3::exceptions::PyFileNotFoundError::new_err(message)
                } else {
                    pyo3::exceptions::PyOSError::new_err(message)
                }
            }
            Error::Api { message, status } => with_attrs(
                py,
                ApiError::new_err(message),
                &[("status", obj(py, status))],
            ),
            Error::RateLimit { message, reset_at } => with_attrs(
                py,
                RateLimitError::new_err(message),
                &[
                    ("status", obj(py, 429_u16)),
                    ("reset_at", obj(py, reset_at)),
                ],
            ),
            Error::Auth { message, status } => with_attrs(
                py,
                AuthError::new_err(message),
                &[("status", obj(py, status))],
            ),
            Error::NotFound { message } => with_attrs(
                py,
                NotFoundError::new_err(message),
                &[("status", obj(py, 404_u16))],
            ),
            Error::OAuth { message, status } => with_attrs(
                py,
                OAuthError::new_err(message),
                &[("status", obj(py, status))],
            ),
            Error::MissingScope {
                message,
                scope,
                granted,
            } => with_attrs(
                py,
                MissingScopeError::new_err(message),
                &[
                    ("status", obj(py, 403_u16)),
                    ("scope", obj(py, scope)),
                    ("granted", obj(py, granted)),
                ],
            ),
            Error::NotPermitted { message, status } => with_attrs(
                py,
                NotPermittedError::new_err(message),
                &[("status", obj(py, status))],
            ),
            Error::UnknownOutcome { message, text } => with_attrs(
                py,
                UnknownOutcomeError::new_err(message),
                &[("text", obj(py, text))],
            ),
            Error::Config(m) => ConfigError::new_err(m),
            Error::Taxonomy(m) => TaxonomyError::new_err(m),
            Error::UnknownAccount(accounts) => {
                let message = format!(
                    "unknown account(s) {}: not in this corpus (check the spelling, or use an id)",
                    accounts.join(", ")
                );
                with_attrs(
                    py,
                    UnknownAccountError::new_err(message),
                    &[("accounts", obj(py, accounts))],
                )
            }
            Error::Table(e) => RapportError::new_err(e.to_string()),
            Error::Internal(m) => RapportError::new_err(format!(
                "internal error (a bug in rapport, please report it): {m}"
            )),
        }
    }
}

/// Registers the exceptions on the module, with `None` defaults for their attributes so they exist
/// on the class (and `mypy.stubtest` finds them) before any instance sets them.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RapportError", py.get_type::<RapportError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("ApiError", py.get_type::<ApiError>())?;
    m.add("RateLimitError", py.get_type::<RateLimitError>())?;
    m.add("AuthError", py.get_type::<AuthError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("OAuthError", py.get_type::<OAuthError>())?;
    m.add("MissingScopeError", py.get_type::<MissingScopeError>())?;
    m.add("NotPermittedError", py.get_type::<NotPermittedError>())?;
    m.add("UnknownOutcomeError", py.get_type::<UnknownOutcomeError>())?;
    m.add("TaxonomyError", py.get_type::<TaxonomyError>())?;
    m.add("UnknownAccountError", py.get_type::<UnknownAccountError>())?;
    let none = py.None();
    for attr in ["path", "line", "json_path"] {
        py.get_type::<ParseError>().setattr(attr, &none)?;
    }
    py.get_type::<ApiError>().setattr("status", &none)?;
    py.get_type::<RateLimitError>().setattr("reset_at", &none)?;
    py.get_type::<MissingScopeError>().setattr("scope", &none)?;
    py.get_type::<MissingScopeError>()
        .setattr("granted", pyo3::types::PyList::empty(py))?;
    py.get_type::<UnknownOutcomeError>()
        .setattr("text", &none)?;
    py.get_type::<UnknownAccountError>()
        .setattr("accounts", pyo3::types::PyList::empty(py))?;
    Ok(())
}
