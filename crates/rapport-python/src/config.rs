//! `rapport.Config`: the effective settings of `rapport.toml`, the environment and explicit
//! arguments, with the command line's precedence (arguments > environment > file > defaults).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rapport_core::config::{Config, ConfigError, Overrides, Settings};

use crate::errors::Error;
use crate::skills::PyJobProfile;

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e.to_string())
    }
}

/// The effective configuration: every setting and where it came from.
///
/// ```python
/// >>> import os, tempfile
/// >>> d = tempfile.mkdtemp()
/// >>> path = os.path.join(d, "rapport.toml")
/// >>> _ = open(path, "w").write('org = ["acme_careers", "acme_eng"]\nstore = "hr.db"\n[jobs.rust]\nrequired = ["rust"]\n')
/// >>> cfg = rapport.Config.load(path, base_url="http://127.0.0.1:9")
/// >>> cfg.org
/// ['acme_careers', 'acme_eng']
/// >>> cfg.sources["org"] == "file " + path, cfg.sources["base_url"]
/// (True, 'flag')
/// >>> cfg.job("rust").title
/// 'rust'
///
/// ```
#[pyclass(module = "rapport._native", name = "Config", frozen)]
pub(crate) struct PyConfig {
    inner: Settings,
}

#[pymethods]
impl PyConfig {
    /// Loads the configuration: `path` (else `$RAPPORT_CONFIG`, else `./rapport.toml`, else the
    /// user's `rapport/rapport.toml`; none is fine), then the environment (`RAPPORT_ORG`,
    /// `RAPPORT_STORE`, `RAPPORT_TOKEN_ENV`, `RAPPORT_BASE_URL`, `RAPPORT_TAXONOMY`), then the
    /// arguments, each beating the one before.
    ///
    /// ```python
    /// >>> rapport.Config.load(org=["acme_careers"]).sources["org"]
    /// 'flag'
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path = None, *, org = None, store = None, token_env = None, base_url = None, taxonomy = None))]
    #[allow(clippy::needless_pass_by_value)] // pyo3 hands the arguments over owned
    fn load(
        path: Option<PathBuf>,
        org: Option<Vec<String>>,
        store: Option<PathBuf>,
        token_env: Option<String>,
        base_url: Option<String>,
        taxonomy: Option<String>,
    ) -> PyResult<Self> {
        let overrides = Overrides {
            org,
            store,
            token_env,
            base_url,
            taxonomy,
        };
        let inner = Config::load(path.as_deref(), &overrides).map_err(Error::from)?;
        Ok(PyConfig { inner })
    }

    /// The file read, or `None`.
    #[getter]
    fn file(&self) -> Option<String> {
        self.inner.file.as_ref().map(|p| p.display().to_string())
    }

    /// The organisation's accounts.
    #[getter]
    fn org(&self) -> Vec<String> {
        self.inner.org.value.clone()
    }

    /// The store path, or `None`.
    #[getter]
    fn store(&self) -> Option<String> {
        self.inner
            .store
            .value
            .as_ref()
            .map(|p| p.display().to_string())
    }

    /// The name of the environment variable holding the X bearer token.
    #[getter]
    fn token_env(&self) -> String {
        self.inner.token_env.value.clone()
    }

    /// The X API base URL.
    #[getter]
    fn base_url(&self) -> String {
        self.inner.base_url.value.clone()
    }

    /// The taxonomy: `builtin`, `esco:DIR` or a file.
    #[getter]
    fn taxonomy(&self) -> String {
        self.inner.taxonomy.value.clone()
    }

    /// The engagement weights (the defaults with the file's values put in).
    #[getter]
    fn engagement_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let w = serde_json::to_value(self.inner.weights()).unwrap_or_default();
        if let Some(m) = w.as_object() {
            for (k, v) in m {
                d.set_item(k, v.as_f64())?;
            }
        }
        Ok(d)
    }

    /// The candidate file's column mapping (rapport's field → the export's column).
    #[getter]
    fn candidate_columns(&self) -> std::collections::BTreeMap<String, String> {
        self.inner.candidate_columns.clone()
    }

    /// The names of the job profiles.
    #[getter]
    fn jobs(&self) -> Vec<String> {
        self.inner.jobs.keys().cloned().collect()
    }

    /// Where each setting came from: `flag`, `env NAME`, `file PATH` or `default`.
    #[getter]
    fn sources(&self) -> std::collections::BTreeMap<String, String> {
        let s = &self.inner;
        [
            ("org", s.org.source.to_string()),
            ("store", s.store.source.to_string()),
            ("token_env", s.token_env.source.to_string()),
            ("base_url", s.base_url.source.to_string()),
            ("taxonomy", s.taxonomy.source.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// A job profile by name, as a `JobProfile`.
    ///
    /// ```python
    /// >>> try:
    /// ...     rapport.Config.load(org=["acme"]).job("no such job")
    /// ... except rapport.ConfigError as e:
    /// ...     print(e)
    /// no job profile 'no such job' in the configuration (jobs: ...)
    ///
    /// ```
    fn job(&self, name: &str) -> PyResult<PyJobProfile> {
        match self.inner.job(name) {
            Some(inner) => Ok(PyJobProfile { inner }),
            None => {
                let names: Vec<&str> = self.inner.jobs.keys().map(String::as_str).collect();
                Err(Error::Config(format!(
                    "no job profile '{name}' in the configuration (jobs: {})",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ))
                .into())
            }
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<rapport.Config file={} org={:?}>",
            self.inner.file.as_ref().map_or_else(
                || "None".to_owned(),
                |p| format!("{:?}", p.display().to_string())
            ),
            self.inner.org.value
        )
    }
}
