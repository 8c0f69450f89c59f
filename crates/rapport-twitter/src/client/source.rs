//! core's [`Source`] trait for the X client: the platform-neutral way analyses ask for data.

use rapport_core::Platform;
use rapport_core::source::{Fetched, Limit, Missing, SearchRequest, Source, SourceError};

use super::XClient;
use super::endpoints::{Endpoint, Request};
use super::error::ClientError;
use super::outcome::IdOutcome;
use super::page::{Page, PageBody};
use crate::models::{TweetsResponse, UsersResponse};

impl From<ClientError> for SourceError {
    fn from(e: ClientError) -> Self {
        let message = e.to_string();
        match e {
            ClientError::RateLimited { reset_at, .. } => {
                SourceError::RateLimited { reset_at, message }
            }
            ClientError::Unauthorized { .. } => SourceError::Unauthorized { message },
            ClientError::ClientForbidden { .. }
            | ClientError::Forbidden { .. }
            | ClientError::UsageCapped { .. } => SourceError::Forbidden { message },
            ClientError::NotFound { .. } => SourceError::NotFound { message },
            ClientError::InvalidParameter { .. }
            | ClientError::InvalidRequest { .. }
            | ClientError::Config(_) => SourceError::InvalidRequest { message },
            ClientError::Server { .. }
            | ClientError::Timeout { .. }
            | ClientError::Transport { .. }
            | ClientError::Stream(_) => SourceError::Unavailable { message },
            _ => SourceError::Other { message },
        }
    }
}

fn limited<E: Endpoint>(mut r: Request<E>, limit: Limit) -> Request<E> {
    if let Some(n) = limit.max_pages {
        r = r.max_pages(n);
    }
    if let Some(n) = limit.max_items {
        r = r.max_items(n);
    }
    r
}

async fn fetch_all<E: Endpoint>(r: Request<E>) -> Result<Fetched, SourceError> {
    let c = r.collect().await?;
    Ok(Fetched {
        pages: c.pages.len(),
        next_token: c.next_token,
        corpus: c.corpus,
        ..Fetched::default()
    })
}

fn missing(outcomes: Vec<(String, IdOutcome)>, resource: &str) -> Vec<Missing> {
    outcomes
        .into_iter()
        .filter_map(|(id, o)| {
            o.to_missing_reason().map(|reason| Missing {
                id,
                resource: resource.to_owned(),
                reason,
            })
        })
        .collect()
}

async fn lookup<E: Endpoint>(
    chunks: Vec<Request<E>>,
    requested: Vec<Vec<String>>,
    resource: &str,
    outcomes: impl Fn(&super::page::Page<E::Body>, &[String]) -> Vec<(String, IdOutcome)>,
) -> Result<Fetched, SourceError> {
    let mut out = Fetched::default();
    for (req, ids) in chunks.into_iter().zip(requested) {
        let page = req.send().await?;
        page.body.add_to(&mut out.corpus);
        out.pages += 1;
        out.missing.extend(missing(outcomes(&page, &ids), resource));
    }
    Ok(out)
}

#[async_trait::async_trait]
impl Source for XClient {
    fn platform(&self) -> Platform {
        Platform::X
    }

    async fn search(&self, request: &SearchRequest) -> Result<Fetched, SourceError> {
        macro_rules! run {
            ($r:expr) => {{
                let mut r = $r;
                if let Some(t) = request.since {
                    r = r.start_time(t);
                }
                if let Some(t) = request.until {
                    r = r.end_time(t);
                }
                if let Some(tok) = &request.resume_token {
                    r = r.resume_from(tok.clone());
                }
                fetch_all(limited(r, request.limit)).await
            }};
        }
        if request.archive {
            run!(self.search_all(&request.query).max_results(500))
        } else {
            run!(self.search_recent(&request.query).max_results(100))
        }
    }

    async fn timeline(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError> {
        fetch_all(limited(
            self.user_tweets(account_id).max_results(100),
            limit,
        ))
        .await
    }

    async fn mentions(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError> {
        fetch_all(limited(self.mentions(account_id).max_results(100), limit)).await
    }

    async fn conversation(
        &self,
        post_id: &str,
        archive: bool,
        limit: Limit,
    ) -> Result<Fetched, SourceError> {
        let mut r = XClient::conversation(self, post_id)
            .archive(archive)
            .max_results(100);
        if let Some(n) = limit.max_pages {
            r = r.max_pages(n);
        }
        if let Some(n) = limit.max_items {
            r = r.max_items(n);
        }
        let f = r.fetch().await?;
        Ok(Fetched {
            pages: f.pages.len(),
            failures: f
                .failures
                .iter()
                .map(|p| format!("{}: {}", p.part, p.message))
                .collect(),
            next_token: f.next_token,
            corpus: f.corpus,
            missing: Vec::new(),
        })
    }

    async fn lookup_posts(&self, ids: &[String]) -> Result<Fetched, SourceError> {
        let groups: Vec<Vec<String>> = ids.chunks(100).map(<[String]>::to_vec).collect();
        let reqs = groups.iter().map(|g| self.tweets(g.clone())).collect();
        lookup(reqs, groups, "post", Page::<TweetsResponse>::outcomes).await
    }

    async fn lookup_accounts(&self, handles: &[String]) -> Result<Fetched, SourceError> {
        let names: Vec<String> = handles
            .iter()
            .map(|h| h.trim().trim_start_matches('@').to_owned())
            .collect();
        let groups: Vec<Vec<String>> = names.chunks(100).map(<[String]>::to_vec).collect();
        let reqs = groups
            .iter()
            .map(|g| self.users_by_usernames(g.iter()))
            .collect();
        lookup(reqs, groups, "account", Page::<UsersResponse>::outcomes).await
    }
}
