//! `rapport.XClient` and `rapport.AsyncXClient`: the X API v2 client of `rapport_twitter`, from Python.
//!
//! Both wrap the same async Rust client. `XClient` blocks on one global tokio runtime (the one of
//! `pyo3-async-runtimes`) with the GIL released, so other Python threads run during a fetch;
//! `AsyncXClient` returns awaitables for asyncio. Every fetch follows all pages (within `max_pages` /
//! `max_items`) and returns a `Corpus`; `raw=True` returns `(corpus, pages)` with each page's JSON.
//!
//! The bearer token lives only in the Rust client (a `SecretToken`): it never appears in a repr, an
//! error message or a log line.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rapport_core::Corpus;
use rapport_twitter::client::{RetryPolicy, XClient};

#[path = "client_collect.rs"]
mod collect;
pub(crate) use collect::PyStreamBatches;

use crate::conversion::json_to_py;
use crate::corpus::{PyCorpus, extract_instant};
use crate::errors::Error;

/// What a fetch brought back: the corpus and, when asked for, the raw pages (twarc2 lines).
struct Fetched {
    corpus: Corpus,
    pages: Option<Vec<String>>,
}

type FetchFuture = Pin<Box<dyn Future<Output = Result<Fetched, Error>> + Send>>;

fn finish(py: Python<'_>, f: Fetched) -> PyResult<Py<PyAny>> {
    let corpus = Bound::new(py, PyCorpus::new(f.corpus))?.into_any();
    match f.pages {
        None => Ok(corpus.unbind()),
        Some(lines) => {
            let pages = PyList::empty(py);
            for l in &lines {
                let v: serde_json::Value = serde_json::from_str(l)
                    .map_err(|e| Error::Internal(format!("a page's JSON: {e}")))?;
                pages.append(json_to_py(py, &v)?)?;
            }
            Ok((corpus, pages).into_pyobject(py)?.into_any().unbind())
        }
    }
}

/// The options every paginated fetch takes.
#[derive(Clone, Copy, Default)]
#[allow(clippy::struct_field_names)]
struct Limits {
    max_pages: Option<usize>,
    max_items: Option<usize>,
    max_results: Option<u32>,
}

fn instant(v: Option<&Bound<'_, PyAny>>, what: &str) -> Result<Option<DateTime<Utc>>, Error> {
    match v.filter(|v| !v.is_none()) {
        Some(v) => Ok(Some(extract_instant(v, what)?)),
        None => Ok(None),
    }
}

macro_rules! collect {
    ($req:expr, $limits:expr, $raw:expr) => {{
        let mut req = $req;
        if let Some(n) = $limits.max_pages {
            req = req.max_pages(n);
        }
        if let Some(n) = $limits.max_items {
            req = req.max_items(n);
        }
        if let Some(n) = $limits.max_results {
            req = req.max_results(n);
        }
        let raw = $raw;
        Box::pin(async move {
            let c = req.collect().await?;
            let pages = raw.then(|| {
                c.pages
                    .iter()
                    .map(rapport_twitter::client::Page::to_twarc_line)
                    .collect()
            });
            Ok(Fetched {
                corpus: c.corpus,
                pages,
            })
        }) as FetchFuture
    }};
}

/// The shared half of both clients: each method builds the request (checking its arguments now) and
/// returns the future that fetches it.
struct Core {
    client: XClient,
    base_url: String,
}

impl Core {
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        all: bool,
        query: String,
        start_time: Option<DateTime<Utc>>,
        end_time: Option<DateTime<Utc>>,
        since_id: Option<String>,
        limits: Limits,
        raw: bool,
    ) -> FetchFuture {
        macro_rules! with_times {
            ($r:expr) => {{
                let mut r = $r;
                if let Some(t) = start_time {
                    r = r.start_time(t);
                }
                if let Some(t) = end_time {
                    r = r.end_time(t);
                }
                if let Some(id) = since_id {
                    r = r.since_id(id);
                }
                r
            }};
        }
        if all {
            collect!(with_times!(self.client.search_all(query)), limits, raw)
        } else {
            collect!(with_times!(self.client.search_recent(query)), limits, raw)
        }
    }

    fn conversation(
        &self,
        post_id: String,
        archive: bool,
        max_pages: Option<usize>,
        raw: bool,
    ) -> FetchFuture {
        let mut req = self.client.conversation(post_id).archive(archive);
        if let Some(n) = max_pages {
            req = req.max_pages(n);
        }
        Box::pin(async move {
            let mut f = req.fetch().await?;
            // Nothing came back and some part failed: that failure is the answer (a partial thread is
            // returned as it is).
            if f.corpus.num_posts() == 0 && !f.failures.is_empty() {
                return Err(f.failures.swap_remove(0).error.into());
            }
            let pages = raw.then(|| {
                f.pages
                    .iter()
                    .map(rapport_twitter::client::Page::to_twarc_line)
                    .collect()
            });
            Ok(Fetched {
                corpus: f.corpus,
                pages,
            })
        })
    }

    fn users_by_usernames(&self, usernames: Vec<String>, raw: bool) -> FetchFuture {
        let req = self.client.users_by_usernames(usernames);
        Box::pin(async move {
            let c = req.collect().await?;
            let pages = raw.then(|| {
                c.pages
                    .iter()
                    .map(rapport_twitter::client::Page::to_twarc_line)
                    .collect()
            });
            Ok(Fetched {
                corpus: c.corpus,
                pages,
            })
        })
    }
}

fn build_core(
    bearer_token: String,
    base_url: Option<String>,
    timeout: Option<f64>,
    wait_on_rate_limit: bool,
    retries: bool,
) -> Result<Core, Error> {
    let mut b = XClient::builder()
        .bearer_token(bearer_token)
        .wait_on_rate_limit(wait_on_rate_limit);
    if let Some(u) = base_url {
        b = b.base_url(u);
    }
    if let Some(t) = timeout {
        if !(t.is_finite() && t > 0.0) {
            return Err(Error::Config(format!(
                "timeout={t}: expected a positive number of seconds"
            )));
        }
        b = b.timeout(Duration::from_secs_f64(t));
    }
    if !retries {
        b = b.retry(RetryPolicy::none());
    }
    let client = b.build()?;
    let base_url = client.config().base_url.clone();
    Ok(Core { client, base_url })
}

macro_rules! client_class {
    ($ty:ident, $pyname:literal, $doc:literal, $kind:literal, $pre:literal, $post:literal, $run:ident) => {
        #[doc = $doc]
        #[pyclass(module = "rapport._native", name = $pyname, frozen)]
        pub(crate) struct $ty {
            core: Core,
        }

        #[pymethods]
        impl $ty {
            #[new]
            #[pyo3(signature = (bearer_token, *, base_url = None, timeout = None, wait_on_rate_limit = true, retries = true))]
            fn py_new(
                bearer_token: String,
                base_url: Option<String>,
                timeout: Option<f64>,
                wait_on_rate_limit: bool,
                retries: bool,
            ) -> PyResult<Self> {
                Ok($ty {
                    core: build_core(bearer_token, base_url, timeout, wait_on_rate_limit, retries)?,
                })
            }

            /// The API's base URL.
            ///
            /// ```python
            /// >>> rapport.XClient(bearer_token="t0ken").base_url
            /// 'https://api.x.com'
            ///
            /// ```
            #[getter]
            fn base_url(&self) -> &str {
                &self.core.base_url
            }

            fn __repr__(&self) -> String {
                format!(concat!("<rapport.", $pyname, " base_url={:?}>"), self.core.base_url)
            }

            /// Recent search (the last 7 days): every page of `query`, as a `Corpus`
            /// (`(corpus, pages)` with `raw=True`).
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.search_recent(\"#hiring\")", $post, "\n\n```")]
            #[pyo3(signature = (query, *, start_time = None, end_time = None, since_id = None, max_results = None, max_pages = None, max_items = None, raw = false))]
            #[allow(clippy::too_many_arguments)]
            fn search_recent<'py>(
                &self,
                py: Python<'py>,
                query: String,
                start_time: Option<&Bound<'py, PyAny>>,
                end_time: Option<&Bound<'py, PyAny>>,
                since_id: Option<String>,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let f = self.core.search(
                    false,
                    query,
                    instant(start_time, "start_time")?,
                    instant(end_time, "end_time")?,
                    since_id,
                    Limits { max_pages, max_items, max_results },
                    raw,
                );
                $run(py, f)
            }

            /// Full-archive search (needs Pro access or above): every page, as a `Corpus`.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.search_all(\"#hiring\")", $post, "\n\n```")]
            #[pyo3(signature = (query, *, start_time = None, end_time = None, since_id = None, max_results = None, max_pages = None, max_items = None, raw = false))]
            #[allow(clippy::too_many_arguments)]
            fn search_all<'py>(
                &self,
                py: Python<'py>,
                query: String,
                start_time: Option<&Bound<'py, PyAny>>,
                end_time: Option<&Bound<'py, PyAny>>,
                since_id: Option<String>,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let f = self.core.search(
                    true,
                    query,
                    instant(start_time, "start_time")?,
                    instant(end_time, "end_time")?,
                    since_id,
                    Limits { max_pages, max_items, max_results },
                    raw,
                );
                $run(py, f)
            }

            /// A whole conversation: the root post and every reply (recent search, or the archive
            /// with `archive=True`), as a `Corpus`.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.conversation(\"1790000000000000000\")", $post, "\n\n```")]
            #[pyo3(signature = (post_id, *, archive = false, max_pages = None, raw = false))]
            fn conversation<'py>(
                &self,
                py: Python<'py>,
                post_id: String,
                archive: bool,
                max_pages: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                $run(py, self.core.conversation(post_id, archive, max_pages, raw))
            }

            /// An account's own posts (a handle such as `"acme_careers"`, or a user id), every page, as a
            /// `Corpus`.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.user_timeline(\"2244994945\")", $post, "\n\n```")]
            #[pyo3(signature = (user_id, *, max_results = None, max_pages = None, max_items = None, raw = false))]
            fn user_timeline<'py>(
                &self,
                py: Python<'py>,
                user_id: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let l = Limits { max_pages, max_items, max_results };
                $run(py, self.core.timeline(user_id, false, l, raw, collect::Bar::default()))
            }

            /// Posts mentioning an account (a handle or a user id), every page, as a `Corpus`.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.mentions(\"2244994945\")", $post, "\n\n```")]
            #[pyo3(signature = (user_id, *, max_results = None, max_pages = None, max_items = None, raw = false))]
            fn mentions<'py>(
                &self,
                py: Python<'py>,
                user_id: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let l = Limits { max_pages, max_items, max_results };
                $run(py, self.core.timeline(user_id, true, l, raw, collect::Bar::default()))
            }

            /// Posts of a list (list id), every page, as a `Corpus`.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.list_posts(\"84839422\")", $post, "\n\n```")]
            #[pyo3(signature = (list_id, *, max_results = None, max_pages = None, max_items = None, raw = false))]
            fn list_posts<'py>(
                &self,
                py: Python<'py>,
                list_id: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let l = Limits { max_pages, max_items, max_results };
                $run(py, collect!(self.core.client.list_tweets(list_id), l, raw))
            }

            /// Accounts by username (up to 100), as a `Corpus` of accounts.
            #[doc = $kind]
            #[doc = concat!("\n\nWith nothing listening on the port, the call fails as `ApiError`:\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.users_by_usernames([\"acme_careers\"])", $post, "\n\n```")]
            #[pyo3(signature = (usernames, *, raw = false))]
            fn users_by_usernames<'py>(
                &self,
                py: Python<'py>,
                usernames: Vec<String>,
                raw: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                $run(py, self.core.users_by_usernames(usernames, raw))
            }
        }
    };
}

/// Runs a fetch to the end on the global runtime, without the GIL.
fn blocking(py: Python<'_>, f: FetchFuture) -> PyResult<Bound<'_, PyAny>> {
    let rt = pyo3_async_runtimes::tokio::get_runtime();
    let fetched = crate::guarded(py, move || rt.block_on(f))?;
    Ok(finish(py, fetched)?.into_bound(py))
}

/// An awaitable of a fetch, driven by the global runtime.
fn awaitable(py: Python<'_>, f: FetchFuture) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let fetched = f.await.map_err(PyErr::from)?;
        Python::attach(|py| finish(py, fetched))
    })
}

client_class!(
    PyXClient,
    "XClient",
    "The X API v2 client, blocking (the GIL is released while it fetches).\n\n```python\n>>> client = rapport.XClient(bearer_token=\"s3cret-token\", base_url=\"http://127.0.0.1:9/\")\n>>> client\n<rapport.XClient base_url=\"http://127.0.0.1:9\">\n>>> \"s3cret\" in repr(client)\nFalse\n\n```",
    "Blocks until every page is in; raises `RateLimitError`, `AuthError`, `NotFoundError` or `ApiError`.",
    ">>> try:\n...     ",
    "\n... except rapport.ApiError as e:\n...     print(type(e).__name__, e.status)\nApiError None",
    blocking
);

client_class!(
    PyAsyncXClient,
    "AsyncXClient",
    "The X API v2 client for asyncio: every fetch returns an awaitable.\n\n```python\n>>> rapport.AsyncXClient(bearer_token=\"s3cret-token\")\n<rapport.AsyncXClient base_url=\"https://api.x.com\">\n\n```",
    "Returns an awaitable; raises `RateLimitError`, `AuthError`, `NotFoundError` or `ApiError` when awaited.",
    ">>> async def main():\n...     try:\n...         await ",
    "\n...     except rapport.ApiError as e:\n...         print(type(e).__name__, e.status)\n>>> asyncio.run(main())\nApiError None",
    awaitable
);
