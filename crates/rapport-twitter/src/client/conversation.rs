//! Whole conversations: look up the post (and the root, when the post is a reply), then search
//! `conversation_id:<root>` in the recent window or the full archive. The root is never returned by
//! the search, so it is fetched separately. No single failure fails the thread: each failed part is
//! recorded and the rest is returned.

use futures::TryStreamExt;
use rapport_core::Corpus;
use serde::Serialize;

use super::XClient;
use super::error::ClientError;
use super::page::Page;
use super::pagination::Collected;
use super::params::check_id;
use crate::models::{Tweet, TweetsResponse};

/// A part of a conversation fetch that failed, and why.
#[derive(Debug, Serialize)]
pub struct PartFailure {
    /// `"lookup"`, `"root"` or `"search"`.
    pub part: &'static str,
    /// The error message.
    pub message: String,
    /// Whether retrying later may help.
    pub retryable: bool,
    /// The error itself (not serialised).
    #[serde(skip)]
    pub error: ClientError,
}

/// The result of [`XClient::conversation`].
#[derive(Debug, Serialize)]
pub struct ConversationFetch {
    /// The conversation id (the root post's id).
    pub conversation_id: String,
    /// The root post, when it could be fetched.
    pub root: Option<Tweet>,
    /// The lookup pages and the search pages, in order.
    pub pages: Vec<Page<TweetsResponse>>,
    /// Everything fetched, as a corpus.
    pub corpus: Corpus,
    /// Failed parts; empty when the whole thread came back.
    pub failures: Vec<PartFailure>,
    /// The search token after the last page, when a limit stopped it early.
    pub next_token: Option<String>,
}

impl ConversationFetch {
    /// True when nothing failed.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Builder for a conversation fetch.
#[derive(Debug, Clone)]
pub struct ConversationRequest {
    client: XClient,
    id: String,
    archive: bool,
    include_quotes: bool,
    max_pages: Option<usize>,
    max_items: Option<usize>,
    max_results: Option<u32>,
}

impl XClient {
    /// The conversation a post belongs to (the post may be the root or any reply in it).
    pub fn conversation(&self, post_id: impl Into<String>) -> ConversationRequest {
        ConversationRequest {
            client: self.clone(),
            id: post_id.into(),
            archive: false,
            include_quotes: false,
            max_pages: None,
            max_items: None,
            max_results: None,
        }
    }
}

impl ConversationRequest {
    /// Search the full archive (true) instead of the last 7 days.
    pub fn archive(mut self, archive: bool) -> Self {
        self.archive = archive;
        self
    }

    /// Also fetch posts quoting the root (`conversation_id:X OR quotes_of_tweet_id:X`).
    pub fn include_quotes(mut self, yes: bool) -> Self {
        self.include_quotes = yes;
        self
    }

    /// Search page limit.
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// Search item limit.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Search page size (10..=100 recent, 10..=500 archive).
    pub fn max_results(mut self, n: u32) -> Self {
        self.max_results = Some(n);
        self
    }

    /// The search query used for a conversation id.
    pub fn query_for(&self, conversation_id: &str) -> String {
        if self.include_quotes {
            format!("conversation_id:{conversation_id} OR quotes_of_tweet_id:{conversation_id}")
        } else {
            format!("conversation_id:{conversation_id}")
        }
    }

    /// Fetches. Only an invalid post id is an `Err`; every other failure is recorded in `failures`.
    pub async fn fetch(self) -> Result<ConversationFetch, ClientError> {
        check_id("conversation", "id", &self.id)?;
        let client = &self.client;
        let mut pages = Vec::new();
        let mut failures = Vec::new();
        let mut root: Option<Tweet> = None;
        let mut conversation_id = self.id.clone();

        match client.tweet(&self.id).send().await {
            Ok(page) => {
                if let Some(t) = page.items().first() {
                    if let Some(c) = &t.conversation_id {
                        conversation_id.clone_from(c);
                    }
                    if t.id == conversation_id {
                        root = Some(t.clone());
                    }
                }
                pages.push(page);
            }
            Err(error) => failures.push(failure("lookup", error)),
        }
        if root.is_none() && conversation_id != self.id {
            match client.tweet(&conversation_id).send().await {
                Ok(page) => {
                    root = page.items().first().cloned();
                    pages.push(page);
                }
                Err(error) => failures.push(failure("root", error)),
            }
        }

        let query = self.query_for(&conversation_id);
        let mut next_token = None;
        let result = if self.archive {
            let mut r = client.search_all(query);
            if let Some(n) = self.max_results {
                r = r.max_results(n);
            }
            drain(
                limit(r, self.max_pages, self.max_items).pages(),
                &mut pages,
                &mut next_token,
            )
            .await
        } else {
            let mut r = client.search_recent(query);
            if let Some(n) = self.max_results {
                r = r.max_results(n);
            }
            drain(
                limit(r, self.max_pages, self.max_items).pages(),
                &mut pages,
                &mut next_token,
            )
            .await
        };
        if let Err(error) = result {
            failures.push(failure("search", error));
        }

        let mut collected = Collected::<TweetsResponse>::default();
        for p in pages {
            collected.push(p);
        }
        Ok(ConversationFetch {
            conversation_id,
            root,
            pages: collected.pages,
            corpus: collected.corpus,
            failures,
            next_token,
        })
    }
}

fn limit<E: super::endpoints::Endpoint>(
    mut r: super::endpoints::Request<E>,
    pages: Option<usize>,
    items: Option<usize>,
) -> super::endpoints::Request<E> {
    if let Some(n) = pages {
        r = r.max_pages(n);
    }
    if let Some(n) = items {
        r = r.max_items(n);
    }
    r
}

async fn drain(
    stream: impl futures::Stream<Item = Result<Page<TweetsResponse>, ClientError>>,
    pages: &mut Vec<Page<TweetsResponse>>,
    next_token: &mut Option<String>,
) -> Result<(), ClientError> {
    let mut stream = std::pin::pin!(stream);
    while let Some(page) = stream.try_next().await? {
        *next_token = page.next_token().map(str::to_owned);
        pages.push(page);
    }
    Ok(())
}

fn failure(part: &'static str, error: ClientError) -> PartFailure {
    tracing::warn!(part, %error, "conversation part failed");
    PartFailure {
        part,
        message: error.to_string(),
        retryable: error.is_retryable(),
        error,
    }
}
