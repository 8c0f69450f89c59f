//! Pagination: a request becomes an async stream of pages (or of items) that follows `next_token` /
//! `pagination_token` until the last page, a page limit or an item limit.
//!
//! A page with fewer items than asked for, or with none, is *not* the end: only a missing token is.
//! The token of the last page fetched stays available ([`Collected::next_token`]) so a caller can
//! save it and resume later with [`Request::resume_from`].

use futures::{Stream, StreamExt, TryStreamExt};
use rapport_core::Corpus;
use serde::Serialize;

use super::endpoints::{Endpoint, Request};
use super::error::ClientError;
use super::page::{Page, PageBody};
use crate::convert::ConvertStats;
use crate::models::Problem;

struct State<E: Endpoint> {
    request: Request<E>,
    token: Option<String>,
    pages: usize,
    items: usize,
    done: bool,
}

impl<E: Endpoint> Request<E> {
    /// The pages, following the tokens. The stream ends after the last page, after `max_pages`
    /// pages, after the page that reaches `max_items`, or after yielding an error.
    ///
    /// ```no_run
    /// # async fn f(client: rapport_twitter::XClient) -> Result<(), rapport_twitter::ClientError> {
    /// use futures::TryStreamExt;
    /// let mut pages = std::pin::pin!(client.search_recent("#hiring").max_results(100).max_pages(5).pages());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} posts, next token {:?}", page.items().len(), page.next_token());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> impl Stream<Item = Result<Page<E::Body>, ClientError>> + Send + 'static {
        let token = self.start_token();
        let state = State {
            request: self,
            token,
            pages: 0,
            items: 0,
            done: false,
        };
        futures::stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            let (max_pages, max_items) = st.request.limits();
            if max_pages.is_some_and(|m| st.pages >= m) || max_items.is_some_and(|m| st.items >= m)
            {
                return None;
            }
            if st.pages == 0
                && let Err(e) = st.request.validate()
            {
                st.done = true;
                return Some((Err(e), st));
            }
            match st.request.fetch(st.token.as_deref()).await {
                Ok(page) => {
                    st.pages += 1;
                    st.items += page.items().len();
                    match (E::TOKEN.name(), page.next_token()) {
                        (Some(_), Some(next)) if st.token.as_deref() != Some(next) => {
                            st.token = Some(next.to_owned());
                        }
                        (Some(_), Some(next)) => {
                            tracing::warn!(
                                endpoint = E::ENDPOINT,
                                token = next,
                                "the server returned the token just sent; stopping"
                            );
                            st.done = true;
                        }
                        _ => st.done = true,
                    }
                    Some((Ok(page), st))
                }
                Err(e) => {
                    st.done = true;
                    Some((Err(e), st))
                }
            }
        })
    }

    /// The items of every page, cut at `max_items`.
    pub fn items(
        self,
    ) -> impl Stream<Item = Result<<E::Body as PageBody>::Item, ClientError>> + Send + 'static {
        let limit = self.limits().1.unwrap_or(usize::MAX);
        self.pages()
            .map_ok(|page| futures::stream::iter(page.items().to_vec().into_iter().map(Ok)))
            .try_flatten()
            .take(limit)
    }

    /// Fetches every page (within the limits) into a corpus, keeping the raw pages.
    /// Fails on the first failed page; use [`pages`](Self::pages) to keep what came before.
    pub async fn collect(self) -> Result<Collected<E::Body>, ClientError> {
        let mut out = Collected::default();
        let mut pages = std::pin::pin!(self.pages());
        while let Some(page) = pages.try_next().await? {
            out.push(page);
        }
        Ok(out)
    }
}

/// Everything a paginated fetch brought back: the corpus, the raw pages, the partial errors.
#[derive(Debug, Clone, Serialize)]
pub struct Collected<B> {
    /// The posts and accounts of every page, deduplicated.
    pub corpus: Corpus,
    /// The pages, in order, with their raw JSON and rate-limit headers.
    pub pages: Vec<Page<B>>,
    /// Conversion counts summed over the pages.
    pub stats: ConvertStats,
    /// The token after the last page fetched; `None` when the last page was the end.
    pub next_token: Option<String>,
}

impl<B> Default for Collected<B> {
    fn default() -> Self {
        Self {
            corpus: Corpus::new(),
            pages: Vec::new(),
            stats: ConvertStats::default(),
            next_token: None,
        }
    }
}

impl<B: PageBody> Collected<B> {
    /// Adds a page.
    pub fn push(&mut self, page: Page<B>) {
        self.stats += page.add_to(&mut self.corpus);
        self.next_token = page.next_token().map(str::to_owned);
        self.pages.push(page);
    }

    /// All items of all pages.
    pub fn items(&self) -> impl Iterator<Item = &B::Item> {
        self.pages.iter().flat_map(|p| p.items().iter())
    }

    /// All partial errors of all pages.
    pub fn partial_errors(&self) -> impl Iterator<Item = &Problem> {
        self.pages.iter().flat_map(|p| p.partial_errors().iter())
    }

    /// The pages as twarc2 JSONL (one line per page, each ending in a newline).
    pub fn to_jsonl(&self) -> String {
        let mut s = String::new();
        for p in &self.pages {
            s.push_str(&p.to_twarc_line());
            s.push('\n');
        }
        s
    }
}
