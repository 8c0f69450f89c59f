//! The rest of the X API on `XClient` / `AsyncXClient`: followers and following (a follow snapshot),
//! quotes, counts (a `Table` of buckets), list members, list memberships and owned lists, lookups of
//! posts and users by the hundred, and the filtered stream as an iterator of `Corpus` batches.
//! Accounts are taken as handles or ids everywhere; `progress=True` shows a tqdm bar.

use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use pyo3::prelude::*;
use rapport_core::Corpus;
use rapport_twitter::client::{Endpoint, Page, PageBody, Request, RuleSpec, StreamEvent, XClient};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
use serde::Serialize;

use super::{Core, Fetched, Limits, PyAsyncXClient, PyXClient, awaitable, blocking, instant};
use crate::errors::Error;
use crate::table::PyTable;

type Fut<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error>> + Send>>;

/// A tqdm bar (`tqdm.auto`, so notebooks get the widget), or nothing when not asked for or when tqdm
/// is not installed (a warning says so).
#[derive(Clone, Default)]
pub(super) struct Bar(Option<Arc<Py<PyAny>>>);

impl Bar {
    pub(super) fn new(py: Python<'_>, progress: bool, desc: &str, unit: &str) -> PyResult<Bar> {
        if !progress {
            return Ok(Bar(None));
        }
        match py.import("tqdm.auto") {
            Ok(m) => {
                let kw = pyo3::types::PyDict::new(py);
                kw.set_item("desc", desc)?;
                kw.set_item("unit", unit)?;
                let bar = m.getattr("tqdm")?.call((), Some(&kw))?;
                Ok(Bar(Some(Arc::new(bar.unbind()))))
            }
            Err(_) => {
                py.import("warnings")?.call_method1(
                    "warn",
                    ("progress=True needs tqdm (pip install tqdm); fetching without a bar",),
                )?;
                Ok(Bar(None))
            }
        }
    }

    fn update(&self, items: usize, pages: usize, waiting: Option<&str>) {
        if let Some(b) = &self.0 {
            Python::attach(|py| {
                let b = b.bind(py);
                let _ = b.call_method1("update", (items,));
                let msg = match waiting {
                    Some(w) => format!("{pages} page(s), {w}"),
                    None => format!("{pages} page(s)"),
                };
                let _ = b.call_method1("set_postfix_str", (msg,));
            });
        }
    }

    fn close(&self) {
        if let Some(b) = &self.0 {
            Python::attach(|py| {
                let _ = b.bind(py).call_method0("close");
            });
        }
    }
}

/// Every page of `req` within the limits, updating the bar.
async fn pages_of<E: Endpoint>(req: Request<E>, bar: &Bar) -> Result<Vec<Page<E::Body>>, Error> {
    let mut out = Vec::new();
    let mut pages = std::pin::pin!(req.pages());
    let r = loop {
        match pages.try_next().await {
            Ok(Some(p)) => {
                bar.update(p.items().len(), out.len() + 1, None);
                out.push(p);
            }
            Ok(None) => break Ok(out),
            Err(e) => break Err(e.into()),
        }
    };
    bar.close();
    r
}

fn limited<E: Endpoint>(mut req: Request<E>, l: Limits) -> Request<E> {
    if let Some(n) = l.max_pages {
        req = req.max_pages(n);
    }
    if let Some(n) = l.max_items {
        req = req.max_items(n);
    }
    req
}

/// The pages as twarc2 lines, read back by the importer: the same corpus `rapport import` makes of
/// the same file (for follower pages: the follow snapshot too).
fn imported<B: PageBody>(pages: &[Page<B>], raw: bool, name: &str) -> Result<Fetched, Error> {
    let lines: Vec<String> = pages.iter().map(Page::to_twarc_line).collect();
    let text = lines.join("\n");
    let report = import_jsonl_reader(text.as_bytes(), name, &ImportOptions::lenient())?;
    Ok(Fetched {
        corpus: report.corpus,
        pages: raw.then_some(lines),
    })
}

/// A corpus of pages (adding each).
fn corpus_of<B: PageBody>(pages: &[Page<B>], raw: bool) -> Fetched {
    let mut corpus = Corpus::new();
    for p in pages {
        p.add_to(&mut corpus);
    }
    Fetched {
        corpus,
        pages: raw.then(|| pages.iter().map(Page::to_twarc_line).collect()),
    }
}

/// One row of `counts()`.
#[derive(Debug, Default, Serialize)]
struct BucketRow {
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    count: u64,
}

/// One row of `owned_lists()` / `list_memberships()`.
#[derive(Debug, Default, Serialize)]
struct ListRow {
    id: String,
    name: Option<String>,
    description: Option<String>,
    owner_id: Option<String>,
    owner: Option<String>,
    private: Option<bool>,
    member_count: Option<u64>,
    follower_count: Option<u64>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Core {
    pub(super) fn follows(
        &self,
        who: String,
        following: bool,
        limits: Limits,
        raw: bool,
        bar: Bar,
    ) -> Fut<Fetched> {
        let client = self.client.clone();
        Box::pin(async move {
            let id = client.resolve_user_id(&who).await?;
            let size = limits.max_results.unwrap_or(1000);
            let pages = if following {
                pages_of(
                    limited(client.following(id).max_results(size), limits),
                    &bar,
                )
                .await?
            } else {
                pages_of(
                    limited(client.followers(id).max_results(size), limits),
                    &bar,
                )
                .await?
            };
            imported(
                &pages,
                raw,
                if following { "following" } else { "followers" },
            )
        })
    }

    pub(super) fn list_members(
        &self,
        list_id: String,
        limits: Limits,
        raw: bool,
        bar: Bar,
    ) -> Fut<Fetched> {
        let req = limited(
            self.client
                .list_members(list_id)
                .max_results(limits.max_results.unwrap_or(100)),
            limits,
        );
        Box::pin(async move { imported(&pages_of(req, &bar).await?, raw, "list members") })
    }

    pub(super) fn quotes(
        &self,
        post_id: String,
        limits: Limits,
        raw: bool,
        bar: Bar,
    ) -> Fut<Fetched> {
        let req = limited(
            self.client
                .quote_tweets(post_id)
                .max_results(limits.max_results.unwrap_or(100)),
            limits,
        );
        Box::pin(async move { Ok(corpus_of(&pages_of(req, &bar).await?, raw)) })
    }

    pub(super) fn timeline(
        &self,
        who: String,
        mentions: bool,
        limits: Limits,
        raw: bool,
        bar: Bar,
    ) -> Fut<Fetched> {
        let client = self.client.clone();
        Box::pin(async move {
            let id = client.resolve_user_id(&who).await?;
            let size = limits.max_results.unwrap_or(100);
            let pages = if mentions {
                corpus_of(
                    &pages_of(limited(client.mentions(id).max_results(size), limits), &bar).await?,
                    raw,
                )
            } else {
                corpus_of(
                    &pages_of(
                        limited(client.user_tweets(id).max_results(size), limits),
                        &bar,
                    )
                    .await?,
                    raw,
                )
            };
            Ok(pages)
        })
    }

    /// The lists an account is on (`memberships`) or owns, as a corpus: each list (id, name,
    /// description, owner) and the account's membership (`member` or `owner`), ready for list skill
    /// evidence and the store.
    pub(super) fn lists_corpus(
        &self,
        who: String,
        memberships: bool,
        limits: Limits,
        raw: bool,
        bar: Bar,
    ) -> Fut<Fetched> {
        let client = self.client.clone();
        Box::pin(async move {
            let id = client.resolve_user_id(&who).await?;
            let size = limits.max_results.unwrap_or(100);
            if memberships {
                let req = limited(client.list_memberships(id).max_results(size), limits);
                imported(&pages_of(req, &bar).await?, raw, "list memberships")
            } else {
                let req = limited(client.owned_lists(id).max_results(size), limits);
                imported(&pages_of(req, &bar).await?, raw, "owned lists")
            }
        })
    }

    pub(super) fn lists(
        &self,
        who: String,
        memberships: bool,
        limits: Limits,
        bar: Bar,
    ) -> Fut<PyTable> {
        let client = self.client.clone();
        Box::pin(async move {
            let id = client.resolve_user_id(&who).await?;
            let size = limits.max_results.unwrap_or(100);
            let pages = if memberships {
                pages_of(
                    limited(client.list_memberships(id).max_results(size), limits),
                    &bar,
                )
                .await?
            } else {
                pages_of(
                    limited(client.owned_lists(id).max_results(size), limits),
                    &bar,
                )
                .await?
            };
            let mut rows = Vec::new();
            for p in &pages {
                let owners = p.body.included_users();
                for l in p.items() {
                    let owner = owners
                        .iter()
                        .find(|u| Some(&u.id) == l.owner_id.as_ref())
                        .and_then(|u| u.username.clone());
                    rows.push(ListRow {
                        id: l.id.clone(),
                        name: l.name.clone(),
                        description: l.description.clone(),
                        owner_id: l.owner_id.clone(),
                        owner,
                        private: l.private,
                        member_count: l.member_count,
                        follower_count: l.follower_count,
                        created_at: l.created_at,
                    });
                }
            }
            Ok(PyTable::new(rapport_arrow::record_batch(&rows)?))
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn counts(
        &self,
        query: String,
        archive: bool,
        granularity: Option<String>,
        start: Option<chrono::DateTime<chrono::Utc>>,
        end: Option<chrono::DateTime<chrono::Utc>>,
        max_pages: Option<usize>,
        bar: Bar,
    ) -> Fut<PyTable> {
        macro_rules! build {
            ($r:expr) => {{
                let mut r = $r;
                if let Some(g) = granularity {
                    r = r.granularity(g);
                }
                if let Some(t) = start {
                    r = r.start_time(t);
                }
                if let Some(t) = end {
                    r = r.end_time(t);
                }
                if let Some(n) = max_pages {
                    r = r.max_pages(n);
                }
                r
            }};
        }
        let rows =
            |pages: Vec<Page<rapport_twitter::models::CountsResponse>>| -> Result<PyTable, Error> {
                let rows: Vec<BucketRow> = pages
                    .iter()
                    .flat_map(|p| p.items().iter())
                    .map(|b| BucketRow {
                        start: b.start,
                        end: b.end,
                        count: b.tweet_count,
                    })
                    .collect();
                Ok(PyTable::new(rapport_arrow::record_batch(&rows)?))
            };
        if archive {
            let req = build!(self.client.counts_all(query));
            Box::pin(async move { rows(pages_of(req, &bar).await?) })
        } else {
            let req = build!(self.client.counts_recent(query));
            Box::pin(async move { rows(pages_of(req, &bar).await?) })
        }
    }

    pub(super) fn lookup_posts(&self, ids: Vec<String>, raw: bool, bar: Bar) -> Fut<Fetched> {
        let client = self.client.clone();
        Box::pin(async move {
            let mut pages = Vec::new();
            for chunk in ids.chunks(100) {
                let p = client.tweets(chunk.to_vec()).send().await;
                match p {
                    Ok(p) => {
                        bar.update(p.items().len(), pages.len() + 1, None);
                        pages.push(p);
                    }
                    Err(e) => {
                        bar.close();
                        return Err(e.into());
                    }
                }
            }
            bar.close();
            Ok(corpus_of(&pages, raw))
        })
    }

    pub(super) fn lookup_users(&self, who: Vec<String>, raw: bool, bar: Bar) -> Fut<Fetched> {
        let client = self.client.clone();
        Box::pin(async move {
            let (ids, handles): (Vec<String>, Vec<String>) = who
                .into_iter()
                .map(|s| s.trim().trim_start_matches('@').to_owned())
                .filter(|s| !s.is_empty())
                .partition(|s| s.bytes().all(|b| b.is_ascii_digit()));
            let mut pages = Vec::new();
            let mut err = None;
            let batches = ids
                .chunks(100)
                .map(|c| (true, c))
                .chain(handles.chunks(100).map(|c| (false, c)));
            for (by_id, chunk) in batches {
                let r = if by_id {
                    client.users(chunk.to_vec()).send().await
                } else {
                    client.users_by_usernames(chunk.to_vec()).send().await
                };
                match r {
                    Ok(p) => {
                        bar.update(p.items().len(), pages.len() + 1, None);
                        pages.push(p);
                    }
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                }
            }
            bar.close();
            if let Some(e) = err {
                return Err(e.into());
            }
            Ok(corpus_of(&pages, raw))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The filtered stream as batches

/// What the stream task sends: a batch, or the error that ended it.
type Batch = Result<Corpus, Error>;

/// An iterator (and async iterator) of `Corpus` batches from the filtered stream. The connection
/// starts at the first `next()`; reconnections follow X's backoff inside; `close()` stops it.
///
/// ```python
/// >>> c = rapport.XClient(bearer_token="t0ken", base_url="http://127.0.0.1:9")
/// >>> batches = c.stream(["#hiring lang:en"], batch_size=50)
/// >>> batches
/// <rapport.StreamBatches rules=1 batch_size=50 started=False>
/// >>> batches.close()
///
/// ```
#[pyclass(module = "rapport._native", name = "StreamBatches")]
pub(crate) struct PyStreamBatches {
    client: XClient,
    rules: Vec<String>,
    batch_size: usize,
    batch_seconds: f64,
    max_items: Option<usize>,
    rx: Option<Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<Batch>>>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl PyStreamBatches {
    pub(super) fn new(
        core: &Core,
        rules: Vec<String>,
        batch_size: usize,
        batch_seconds: f64,
        max_items: Option<usize>,
    ) -> Result<Self, Error> {
        if batch_size == 0 {
            return Err(Error::Config("batch_size=0: expected at least 1".into()));
        }
        if !(batch_seconds.is_finite() && batch_seconds > 0.0) {
            return Err(Error::Config(format!(
                "batch_seconds={batch_seconds}: expected a positive number of seconds"
            )));
        }
        Ok(Self {
            client: core.client.clone(),
            rules,
            batch_size,
            batch_seconds,
            max_items,
            rx: None,
            task: None,
        })
    }

    fn receiver(&mut self) -> Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<Batch>>> {
        if let Some(rx) = &self.rx {
            return rx.clone();
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Batch>(4);
        let client = self.client.clone();
        let rules = self.rules.clone();
        let size = self.batch_size;
        let wait = Duration::from_secs_f64(self.batch_seconds);
        let max = self.max_items.unwrap_or(usize::MAX);
        let rt = pyo3_async_runtimes::tokio::get_runtime();
        self.task = Some(rt.spawn(async move {
            // Add the rules the stream does not have yet (existing ones stay).
            if !rules.is_empty() {
                let have: Vec<String> = match client.stream_rules(&[]).await {
                    Ok(r) => r.data.into_iter().map(|r| r.value).collect(),
                    Err(e) => {
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                };
                let add: Vec<RuleSpec> = rules
                    .iter()
                    .filter(|r| !have.contains(r))
                    .map(|r| RuleSpec::new(r.clone(), None))
                    .collect();
                if !add.is_empty()
                    && let Err(e) = client.add_stream_rules(&add, false).await
                {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            }
            let mut events = client.filtered_stream().events();
            let mut batch = Corpus::new();
            let mut in_batch = 0usize;
            let mut total = 0usize;
            while total < max {
                let next = tokio::time::timeout(wait, events.next()).await;
                match next {
                    Ok(Some(Ok(StreamEvent::Message(p)))) => {
                        p.add_to(&mut batch);
                        in_batch += 1;
                        total += 1;
                        if in_batch < size && total < max {
                            continue;
                        }
                    }
                    Ok(Some(Ok(_))) => continue,
                    Ok(Some(Err(e))) => {
                        if in_batch > 0 {
                            let _ = tx.send(Ok(std::mem::take(&mut batch))).await;
                        }
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                    Ok(None) => break,
                    // The time is up: hand over what there is (nothing: wait on).
                    Err(_) if in_batch == 0 => continue,
                    Err(_) => {}
                }
                in_batch = 0;
                if tx.send(Ok(std::mem::take(&mut batch))).await.is_err() {
                    return; // the iterator was dropped
                }
            }
            if in_batch > 0 {
                let _ = tx.send(Ok(batch)).await;
            }
        }));
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        self.rx = Some(rx.clone());
        rx
    }
}

#[pymethods]
impl PyStreamBatches {
    fn __repr__(&self) -> String {
        format!(
            "<rapport.StreamBatches rules={} batch_size={} started={}>",
            self.rules.len(),
            self.batch_size,
            if self.rx.is_some() { "True" } else { "False" }
        )
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<crate::corpus::PyCorpus>> {
        let rx = self.receiver();
        let rt = pyo3_async_runtimes::tokio::get_runtime();
        let got = crate::guarded(py, move || {
            Ok(rt.block_on(async { rx.lock().await.recv().await }))
        })?;
        match got {
            Some(Ok(c)) => Ok(Some(crate::corpus::PyCorpus::new(c))),
            Some(Err(e)) => Err(e.into()),
            None => Ok(None),
        }
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rx = self.receiver();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let got = rx.lock().await.recv().await;
            match got {
                Some(Ok(c)) => Python::attach(|py| {
                    Ok(Bound::new(py, crate::corpus::PyCorpus::new(c))?
                        .into_any()
                        .unbind())
                }),
                Some(Err(e)) => Err(PyErr::from(e)),
                None => Err(pyo3::exceptions::PyStopAsyncIteration::new_err(())),
            }
        })
    }

    /// Stops the stream (the connection closes; a batch not yet handed over is dropped).
    ///
    /// ```python
    /// >>> rapport.XClient(bearer_token="t0ken").stream([]).close()
    ///
    /// ```
    fn close(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
        self.rx = Some(Arc::new(tokio::sync::Mutex::new(
            tokio::sync::mpsc::channel::<Batch>(1).1,
        )));
    }
}

impl Drop for PyStreamBatches {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// Runs a future returning a table: blocking or as an awaitable.
pub(super) fn run_table(
    py: Python<'_>,
    f: Fut<PyTable>,
    is_async: bool,
) -> PyResult<Bound<'_, PyAny>> {
    if is_async {
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let t = f.await.map_err(PyErr::from)?;
            Python::attach(|py| Ok(Bound::new(py, t)?.into_any().unbind()))
        })
    } else {
        let rt = pyo3_async_runtimes::tokio::get_runtime();
        let t = crate::guarded(py, move || rt.block_on(f))?;
        Ok(Bound::new(py, t)?.into_any())
    }
}

/// Runs a fetch: blocking or as an awaitable.
pub(super) fn run_fetch(
    py: Python<'_>,
    f: Fut<Fetched>,
    is_async: bool,
) -> PyResult<Bound<'_, PyAny>> {
    if is_async {
        awaitable(py, f)
    } else {
        blocking(py, f)
    }
}

/// The doc example of a method that fetches: against a port where nothing listens, it fails as
/// `ApiError` (offline, in the docstring test).
macro_rules! more_methods {
    ($ty:ident, $pyname:literal, $pre:literal, $post:literal, $async:literal) => {
        #[pymethods]
        impl $ty {
            /// An account's followers (a handle or an id), as a `Corpus` holding the accounts and
            /// the follow snapshot (`corpus.follows()`), as `rapport import` makes of twarc2 follower
            /// pages. `progress=True` shows a tqdm bar.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.followers(\"acme_careers\")", $post, "\n\n```")]
            #[pyo3(signature = (user, *, max_results = None, max_pages = None, max_items = None, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn followers<'py>(
                &self,
                py: Python<'py>,
                user: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "followers", "users")?;
                let l = Limits { max_pages, max_items, max_results };
                run_fetch(py, self.core.follows(user, false, l, raw, bar), $async)
            }

            /// The accounts an account follows, as a `Corpus` with the follow snapshot.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.following(\"acme_careers\")", $post, "\n\n```")]
            #[pyo3(signature = (user, *, max_results = None, max_pages = None, max_items = None, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn following<'py>(
                &self,
                py: Python<'py>,
                user: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "following", "users")?;
                let l = Limits { max_pages, max_items, max_results };
                run_fetch(py, self.core.follows(user, true, l, raw, bar), $async)
            }

            /// Posts quoting a post, as a `Corpus`.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.quotes(\"1790000000000000000\")", $post, "\n\n```")]
            #[pyo3(signature = (post_id, *, max_results = None, max_pages = None, max_items = None, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn quotes<'py>(
                &self,
                py: Python<'py>,
                post_id: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "quotes", "posts")?;
                let l = Limits { max_pages, max_items, max_results };
                run_fetch(py, self.core.quotes(post_id, l, raw, bar), $async)
            }

            /// Post counts of a query per `day`, `hour` (X's default) or `minute`, as a `Table` with
            /// the columns `start`, `end`, `count` (the last 7 days, or the archive with
            /// `archive=True`).
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.counts(\"#hiring\", granularity=\"day\")", $post, "\n\n```")]
            #[pyo3(signature = (query, *, granularity = None, start_time = None, end_time = None, archive = false, max_pages = None, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn counts<'py>(
                &self,
                py: Python<'py>,
                query: String,
                granularity: Option<String>,
                start_time: Option<&Bound<'py, PyAny>>,
                end_time: Option<&Bound<'py, PyAny>>,
                archive: bool,
                max_pages: Option<usize>,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "counts", "buckets")?;
                let f = self.core.counts(
                    query,
                    archive,
                    granularity,
                    instant(start_time, "start_time")?,
                    instant(end_time, "end_time")?,
                    max_pages,
                    bar,
                );
                run_table(py, f, $async)
            }

            /// The members of a list, as a `Corpus` of accounts.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.list_members(\"84839422\")", $post, "\n\n```")]
            #[pyo3(signature = (list_id, *, max_results = None, max_pages = None, max_items = None, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn list_members<'py>(
                &self,
                py: Python<'py>,
                list_id: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                max_items: Option<usize>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "list members", "users")?;
                let l = Limits { max_pages, max_items, max_results };
                run_fetch(py, self.core.list_members(list_id, l, raw, bar), $async)
            }

            /// The lists an account (handle or id) is a member of, as a `Corpus` holding the lists (id,
            /// name, description, owner) and the account's membership of each
            /// (`corpus.list_memberships()`), which skill evidence counts (`counts.list`) and
            /// `to_store` / `save` keep; `raw=True` keeps the pages as with `list_members`.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.list_memberships(\"acme_careers\")", $post, "\n\n```")]
            ///
            /// With `corpus=False`, a `Table` of the lists instead (`id`, `name`, `description`,
            /// `owner_id`, `owner`, `private`, `member_count`, `follower_count`, `created_at`).
            #[pyo3(signature = (user, *, max_results = None, max_pages = None, corpus = true, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn list_memberships<'py>(
                &self,
                py: Python<'py>,
                user: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                corpus: bool,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "list memberships", "lists")?;
                let l = Limits { max_pages, max_items: None, max_results };
                if corpus {
                    return run_fetch(py, self.core.lists_corpus(user, true, l, raw, bar), $async);
                }
                if raw {
                    return Err(pyo3::exceptions::PyValueError::new_err(
                        "list_memberships(raw=True) keeps the pages of a Corpus: a Table (corpus=False) has none",
                    ));
                }
                run_table(py, self.core.lists(user, true, l, bar), $async)
            }

            /// The lists an account (handle or id) owns, as a `Corpus` of the lists and the account's
            /// ownership of each (as `list_memberships`, relation `owner`; owning a list is no skill
            /// evidence).
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.owned_lists(\"acme_careers\")", $post, "\n\n```")]
            ///
            /// With `corpus=False`, a `Table` of the lists instead (the columns of
            /// `list_memberships(corpus=False)`).
            #[pyo3(signature = (user, *, max_results = None, max_pages = None, corpus = true, raw = false, progress = false))]
            #[allow(clippy::too_many_arguments)]
            fn owned_lists<'py>(
                &self,
                py: Python<'py>,
                user: String,
                max_results: Option<u32>,
                max_pages: Option<usize>,
                corpus: bool,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "owned lists", "lists")?;
                let l = Limits { max_pages, max_items: None, max_results };
                if corpus {
                    return run_fetch(py, self.core.lists_corpus(user, false, l, raw, bar), $async);
                }
                if raw {
                    return Err(pyo3::exceptions::PyValueError::new_err(
                        "owned_lists(raw=True) keeps the pages of a Corpus: a Table (corpus=False) has none",
                    ));
                }
                run_table(py, self.core.lists(user, false, l, bar), $async)
            }

            /// Posts by id (any number; 100 per request), as a `Corpus`. Ids X does not return
            /// (deleted, protected) are left out.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.lookup_posts([\"1293593516040269825\"])", $post, "\n\n```")]
            #[pyo3(signature = (ids, *, raw = false, progress = false))]
            fn lookup_posts<'py>(
                &self,
                py: Python<'py>,
                ids: Vec<String>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "posts", "posts")?;
                run_fetch(py, self.core.lookup_posts(ids, raw, bar), $async)
            }

            /// Accounts by handle or id (any number, mixed; 100 per request), as a `Corpus`.
            #[doc = concat!("\n\n```python\n>>> import asyncio\n>>> c = rapport.", $pyname, "(bearer_token=\"t0ken\", base_url=\"http://127.0.0.1:9\", retries=False)\n", $pre, "c.lookup_users([\"acme_careers\", \"783214\"])", $post, "\n\n```")]
            #[pyo3(signature = (users, *, raw = false, progress = false))]
            fn lookup_users<'py>(
                &self,
                py: Python<'py>,
                users: Vec<String>,
                raw: bool,
                progress: bool,
            ) -> PyResult<Bound<'py, PyAny>> {
                let bar = Bar::new(py, progress, "accounts", "users")?;
                run_fetch(py, self.core.lookup_users(users, raw, bar), $async)
            }

            /// The filtered stream: adds the rules it does not have yet, then yields a `Corpus` of
            /// up to `batch_size` matching posts at a time (or what came within `batch_seconds`),
            /// reconnecting as X advises, until `max_items` posts. Iterate with `for` (`XClient`) or
            /// `async for` (either client); nothing is sent before the first batch is asked for.
            ///
            /// ```python
            /// >>> c = rapport.XClient(bearer_token="t0ken", base_url="http://127.0.0.1:9")
            /// >>> c.stream(["#hiring"], max_items=100)
            /// <rapport.StreamBatches rules=1 batch_size=100 started=False>
            ///
            /// ```
            #[pyo3(signature = (rules = Vec::new(), *, batch_size = 100, batch_seconds = 10.0, max_items = None))]
            fn stream(
                &self,
                rules: Vec<String>,
                batch_size: usize,
                batch_seconds: f64,
                max_items: Option<usize>,
            ) -> PyResult<PyStreamBatches> {
                Ok(PyStreamBatches::new(&self.core, rules, batch_size, batch_seconds, max_items)?)
            }
        }
    };
}

more_methods!(
    PyXClient,
    "XClient",
    ">>> try:\n...     ",
    "\n... except rapport.ApiError as e:\n...     print(type(e).__name__, e.status)\nApiError None",
    false
);

more_methods!(
    PyAsyncXClient,
    "AsyncXClient",
    ">>> async def main():\n...     try:\n...         await ",
    "\n...     except rapport.ApiError as e:\n...         print(type(e).__name__, e.status)\n>>> asyncio.run(main())\nApiError None",
    true
);
