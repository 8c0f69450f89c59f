//! `rapport.BlueskyClient`, `rapport.AsyncBlueskyClient`, and the Bluesky readers of `Corpus`
//! (`from_bluesky_jsonl`, `from_bluesky_repo`).
//!
//! Both clients wrap the same async `rapport_bluesky` client; the blocking one runs on the global
//! tokio runtime with the GIL released, the async one returns awaitables. Every fetch returns a
//! `Corpus`; its pages are kept in the client until `save_pages(path)` appends them as Bluesky JSONL
//! (which `Corpus.from_bluesky_jsonl` reads back). The app password is read from the environment
//! variable named by `password_env` at login and kept nowhere; no repr or error shows it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use rapport_bluesky::client::{
    BskyClient, ClientConfig, DEFAULT_PDS, Fetch, PUBLIC_APPVIEW, RawPage, RetryPolicy,
    SearchOptions,
};
use rapport_bluesky::{ClientError, ImportError};
use rapport_core::source::Limit;

use crate::corpus::{PyCorpus, path_string};
use crate::errors::Error;
use crate::guarded;

impl From<ClientError> for Error {
    fn from(e: ClientError) -> Error {
        let message = e.to_string();
        match e {
            ClientError::RateLimited { reset_at, .. } => Error::RateLimit { message, reset_at },
            ClientError::Unauthorized { status, .. } => Error::Auth { message, status },
            ClientError::Xrpc { status: 403, .. } => Error::Auth {
                message,
                status: 403,
            },
            ClientError::Xrpc { status: 404, .. } => Error::NotFound { message },
            ClientError::Xrpc { ref error, .. } if error == "NotFound" => {
                Error::NotFound { message }
            }
            ClientError::Config(_) | ClientError::InvalidArgument(_) => Error::Config(message),
            ClientError::Malformed { path, .. } => Error::Parse {
                message,
                path: None,
                line: None,
                json_path: Some(path),
            },
            ClientError::Xrpc { status, .. } | ClientError::Server { status, .. } => Error::Api {
                message,
                status: Some(status),
            },
            _ => Error::Api {
                message,
                status: None,
            },
        }
    }
}

impl From<ImportError> for Error {
    fn from(e: ImportError) -> Error {
        let message = e.to_string();
        match e {
            ImportError::Io { file, source } => Error::Io { path: file, source },
            ImportError::Line {
                file, line, path, ..
            } => Error::Parse {
                message,
                path: Some(file),
                line: Some(line as u64),
                json_path: Some(path),
            },
            ImportError::Car { file, .. } => Error::Parse {
                message,
                path: Some(file),
                line: None,
                json_path: None,
            },
            _ => Error::Parse {
                message,
                path: None,
                line: None,
                json_path: None,
            },
        }
    }
}

type FetchFuture = Pin<Box<dyn Future<Output = Result<Fetch, Error>> + Send>>;

/// What both clients share: the Rust client and the pages fetched since the last save.
struct Core {
    client: BskyClient,
    pages: Arc<Mutex<Vec<RawPage>>>,
}

impl Core {
    fn new(
        base_url: String,
        identifier: Option<String>,
        password_env: Option<String>,
        pds_url: Option<String>,
        retries: bool,
    ) -> Result<Core, Error> {
        let mut b = BskyClient::builder().config(ClientConfig {
            base_url,
            pds_url: pds_url.unwrap_or_else(|| DEFAULT_PDS.to_owned()),
            ..ClientConfig::default()
        });
        match (identifier, password_env) {
            (Some(id), Some(var)) => b = b.app_password(id, var),
            (None, None) => {}
            _ => {
                return Err(Error::Config(
                    "identifier and password_env go together: the handle to log in as, and the \
                     environment variable holding its app password"
                        .to_owned(),
                ));
            }
        }
        if !retries {
            b = b.retry(RetryPolicy::none());
        }
        Ok(Core {
            client: b.build()?,
            pages: Arc::new(Mutex::new(Vec::new())),
        })
    }

    fn keep(
        &self,
        f: impl Future<Output = Result<Fetch, ClientError>> + Send + 'static,
    ) -> FetchFuture {
        let pages = self.pages.clone();
        Box::pin(async move {
            let fetch = f.await?;
            pages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(fetch.pages.iter().cloned());
            Ok(fetch)
        })
    }

    fn save(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<usize> {
        let path = path_string(path)?;
        let pages = std::mem::take(
            &mut *self
                .pages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let n = guarded(py, move || {
            Ok(rapport_bluesky::jsonl::append_pages(&path, &pages)? as usize)
        })?;
        Ok(n)
    }

    fn pending(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

fn limit(max_pages: Option<usize>, max_items: Option<usize>) -> Limit {
    Limit {
        max_pages,
        max_items,
    }
}

fn blocking(py: Python<'_>, f: FetchFuture) -> PyResult<Bound<'_, PyAny>> {
    let rt = pyo3_async_runtimes::tokio::get_runtime();
    let fetch = guarded(py, move || rt.block_on(f))?;
    Ok(Bound::new(py, PyCorpus::new(fetch.corpus))?.into_any())
}

fn awaitable(py: Python<'_>, f: FetchFuture) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let fetch = f.await.map_err(PyErr::from)?;
        Python::attach(|py| {
            Ok(Bound::new(py, PyCorpus::new(fetch.corpus))?
                .into_any()
                .unbind())
        })
    })
}

macro_rules! bsky_class {
    ($ty:ident, $pyname:literal, $doc:literal, $pre:literal, $post:literal, $run:ident) => {
        #[doc = $doc]
        #[pyclass(module = "rapport._native", name = $pyname, frozen)]
        pub(crate) struct $ty {
            core: Core,
        }

        #[pymethods]
        impl $ty {
            #[new]
            #[pyo3(signature = (base_url = None, identifier = None, password_env = None, *, pds_url = None, retries = true))]
            fn py_new(
                base_url: Option<String>,
                identifier: Option<String>,
                password_env: Option<String>,
                pds_url: Option<String>,
                retries: bool,
            ) -> PyResult<Self> {
                Ok($ty {
                    core: Core::new(base_url.unwrap_or_else(|| PUBLIC_APPVIEW.to_owned()), identifier, password_env, pds_url, retries)?,
                })
            }

            /// Where unauthenticated calls go.
            ///
            /// ```python
            /// >>> rapport.BlueskyClient().base_url
            /// 'https://public.api.bsky.app'
            ///
            /// ```
            #[getter]
            fn base_url(&self) -> &str {
                &self.core.client.config().base_url
            }

            /// Pages fetched and not saved yet.
            ///
            /// ```python
            /// >>> rapport.BlueskyClient().pending_pages
            /// 0
            ///
            /// ```
            #[getter]
            fn pending_pages(&self) -> usize {
                self.core.pending()
            }

            /// Appends the pages fetched since the last save to a Bluesky JSONL file (one XRPC answer
            /// per line, with `__rapport` metadata) and returns how many; `Corpus.from_bluesky_jsonl`
            /// reads the file back.
            ///
            #[doc = concat!("```python\n>>> import os, tempfile\n>>> path = os.path.join(tempfile.mkdtemp(), \"bsky.jsonl\")\n>>> rapport.", $pyname, "().save_pages(path)\n0\n\n```")]
            fn save_pages(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<usize> {
                self.core.save(py, path)
            }

            fn __repr__(&self) -> String {
                let c = self.core.client.config();
                format!(
                    concat!("<rapport.", $pyname, " base_url={:?} logged_in={}>"),
                    c.base_url,
                    if self.core.client.has_credentials() { "True" } else { "False" }
                )
            }

            /// An account's posts, replies and reposts (`app.bsky.feed.getAuthorFeed`), as a `Corpus`.
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.author_feed(\"acme.bsky.social\")", $post, "\n\n```")]
            #[pyo3(signature = (actor, *, max_pages = None, max_items = None))]
            fn author_feed<'py>(&self, py: Python<'py>, actor: String, max_pages: Option<usize>, max_items: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.author_feed(&actor, limit(max_pages, max_items)).await }))
            }

            /// The whole thread of a post (an `at://` URI or a `https://bsky.app/profile/.../post/...`
            /// URL): parents, replies; deleted and blocked posts are left out as placeholders.
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.thread(\"at://did:plc:acme/app.bsky.feed.post/3kabc\")", $post, "\n\n```")]
            fn thread<'py>(&self, py: Python<'py>, uri_or_url: String) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.thread(&uri_or_url).await }))
            }

            /// The posts quoting a post (`app.bsky.feed.getQuotes`).
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.quotes(\"at://did:plc:acme/app.bsky.feed.post/3kabc\")", $post, "\n\n```")]
            #[pyo3(signature = (uri, *, max_pages = None, max_items = None))]
            fn quotes<'py>(&self, py: Python<'py>, uri: String, max_pages: Option<usize>, max_items: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.quotes(&uri, limit(max_pages, max_items)).await }))
            }

            /// An account's followers as one follow snapshot (`app.bsky.graph.getFollowers`).
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.followers(\"acme.bsky.social\")", $post, "\n\n```")]
            #[pyo3(signature = (actor, *, max_pages = None, max_items = None))]
            fn followers<'py>(&self, py: Python<'py>, actor: String, max_pages: Option<usize>, max_items: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.followers(&actor, limit(max_pages, max_items)).await }))
            }

            /// The accounts an account follows, as one follow snapshot (`app.bsky.graph.getFollows`).
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.follows(\"acme.bsky.social\")", $post, "\n\n```")]
            #[pyo3(signature = (actor, *, max_pages = None, max_items = None))]
            fn follows<'py>(&self, py: Python<'py>, actor: String, max_pages: Option<usize>, max_items: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.follows(&actor, limit(max_pages, max_items)).await }))
            }

            /// An account's follow records, each dated (`com.atproto.repo.listRecords` of
            /// `app.bsky.graph.follow`, at `pds_url`): follow events with exact times.
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(pds_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.follow_records(\"acme.bsky.social\")", $post, "\n\n```")]
            #[pyo3(signature = (actor, *, max_pages = None, max_items = None))]
            fn follow_records<'py>(&self, py: Python<'py>, actor: String, max_pages: Option<usize>, max_items: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                $run(py, self.core.keep(async move { c.follow_records(&actor, limit(max_pages, max_items)).await }))
            }

            /// Posts matching a query (`app.bsky.feed.searchPosts`; the AppView may want a login).
            ///
            #[doc = concat!("```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.search(\"#hiring\", lang=\"en\")", $post, "\n\n```")]
            #[pyo3(signature = (query, *, author = None, mentions = None, lang = None, since = None, until = None, tags = Vec::new(), max_pages = None, max_items = None))]
            #[allow(clippy::too_many_arguments)]
            fn search<'py>(
                &self,
                py: Python<'py>,
                query: String,
                author: Option<String>,
                mentions: Option<String>,
                lang: Option<String>,
                since: Option<String>,
                until: Option<String>,
                tags: Vec<String>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let c = self.core.client.clone();
                let opts = SearchOptions { sort: None, since, until, author, mentions, lang, tags };
                $run(py, self.core.keep(async move { c.search(&query, &opts, limit(max_pages, max_items)).await }))
            }
        }
    };
}

bsky_class!(
    PyBlueskyClient,
    "BlueskyClient",
    "The Bluesky (AT Protocol) client, blocking (the GIL is released while it fetches). Without\n`identifier` it reads the public AppView; with `identifier` and `password_env` (the name of the\nenvironment variable holding an app password) it logs in at `pds_url`.\n\n```python\n>>> client = rapport.BlueskyClient()\n>>> client\n<rapport.BlueskyClient base_url=\"https://public.api.bsky.app\" logged_in=False>\n>>> rapport.BlueskyClient(identifier=\"acme.bsky.social\", password_env=\"BSKY_APP_PASSWORD\")\n<rapport.BlueskyClient base_url=\"https://public.api.bsky.app\" logged_in=True>\n\n```",
    ">>> try:\n...     ",
    "\n... except rapport.ApiError as e:\n...     print(type(e).__name__)\nApiError",
    blocking
);

bsky_class!(
    PyAsyncBlueskyClient,
    "AsyncBlueskyClient",
    "The Bluesky client for asyncio: every fetch returns an awaitable.\n\n```python\n>>> rapport.AsyncBlueskyClient()\n<rapport.AsyncBlueskyClient base_url=\"https://public.api.bsky.app\" logged_in=False>\n\n```",
    ">>> async def main():\n...     try:\n...         await ",
    "\n...     except rapport.ApiError as e:\n...         print(type(e).__name__)\n>>> asyncio.run(main())\nApiError",
    awaitable
);

#[pymethods]
impl PyCorpus {
    /// The sample corpus in its Bluesky mode: the same simulated organisation and people as
    /// `Corpus.sample`, as the XRPC answers a Bluesky collection is made of (accounts are
    /// `did:plc:<name>` with handles `<name>.bsky.social`, posts AT-URIs), with dated follow records:
    /// whoever replied to the organisation followed it two hours before, and the organisation followed
    /// back an hour after its first answer.
    ///
    /// ```python
    /// >>> b = rapport.Corpus.sample_bluesky(posts=500, seed=7)
    /// >>> set(b.accounts()["platform"]), b.posts()["id"][0].startswith("at://did:plc:")
    /// ({'bluesky'}, True)
    /// >>> b.num_posts == rapport.Corpus.sample(posts=500, seed=7).num_posts
    /// True
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (posts = 10_000, seed = 7))]
    fn sample_bluesky(py: Python<'_>, posts: usize, seed: u64) -> PyResult<Self> {
        let r = guarded(py, move || {
            let text = rapport_sample::bluesky::sample_bluesky_jsonl_string(
                &rapport_sample::SampleConfig::new(posts, seed),
            )
            .map_err(|e| Error::Internal(format!("generating the Bluesky sample: {e}")))?;
            Ok(rapport_bluesky::jsonl::import_jsonl_reader(
                text.as_bytes(),
                "sample",
                &rapport_bluesky::jsonl::ImportOptions { lenient: false },
            )?)
        })?;
        Ok(PyCorpus::new(r.corpus))
    }

    /// Reads Bluesky JSONL: the pages `BlueskyClient.save_pages` and `rapport bsky` write (one XRPC
    /// answer per line), or one saved answer.
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "search.jsonl")
    /// >>> with open(path, "w") as f:
    /// ...     _ = f.write('{"posts": [{"uri": "at://did:plc:ada/app.bsky.feed.post/3kabc", "cid": "c",'
    /// ...                 ' "author": {"did": "did:plc:ada", "handle": "ada.bsky.social"},'
    /// ...                 ' "record": {"text": "We are #hiring", "createdAt": "2024-05-01T09:00:00Z",'
    /// ...                 ' "facets": [{"index": {"byteStart": 7, "byteEnd": 14},'
    /// ...                 ' "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "hiring"}]}]}}]}\n')
    /// >>> c = rapport.Corpus.from_bluesky_jsonl(path)
    /// >>> c.posts()["hashtags"], c.accounts()["platform"]
    /// ([['hiring']], ['bluesky'])
    ///
    /// ```
    #[staticmethod]
    #[pyo3(signature = (path, strict = true))]
    fn from_bluesky_jsonl(py: Python<'_>, path: &Bound<'_, PyAny>, strict: bool) -> PyResult<Self> {
        let path = path_string(path)?;
        let opts = rapport_bluesky::jsonl::ImportOptions { lenient: !strict };
        let r = guarded(py, move || {
            Ok(rapport_bluesky::jsonl::import_path(&path, &opts)?)
        })?;
        Ok(PyCorpus::new(r.corpus))
    }

    /// Reads an account's repository export (`com.atproto.sync.getRepo`, a `.car` file): its posts,
    /// reposts, profile and its follows with their exact dates.
    ///
    /// A file that is not a repository fails as `ParseError`:
    ///
    /// ```python
    /// >>> import os, tempfile
    /// >>> path = os.path.join(tempfile.mkdtemp(), "repo.car")
    /// >>> with open(path, "wb") as f:
    /// ...     _ = f.write(b"not a CAR file")
    /// >>> try:
    /// ...     rapport.Corpus.from_bluesky_repo(path)
    /// ... except rapport.ParseError as e:
    /// ...     print("not a readable repository export" in str(e))
    /// True
    ///
    /// ```
    #[staticmethod]
    fn from_bluesky_repo(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_string(path)?;
        let r = guarded(py, move || Ok(rapport_bluesky::repo::read_car_file(&path)?))?;
        Ok(PyCorpus::new(r.corpus))
    }
}
