//! core's [`Source`] trait for the X client: the platform-neutral way analyses ask for data.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rapport_core::follows::FollowDirection;
use rapport_core::source::{
    Feed, FeedPage, Fetched, FollowPage, FollowPageRequest, Limit, Missing, PageRequest,
    SearchRequest, Source, SourceError, cmp_ids,
};
use rapport_core::{Corpus, Platform};

use super::XClient;
use super::endpoints::{Endpoint, Request};
use super::error::ClientError;
use super::outcome::IdOutcome;
use super::page::{Page, PageBody};
use crate::convert::{add_response, add_users_response};
use crate::models::{OneOrMany, Tweet, TweetsResponse, User, UsersResponse};

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

/// Why an item of a page cannot be stored, if it cannot.
fn tweet_problem(t: &Tweet) -> Option<&'static str> {
    let id = t.id.trim();
    if id.is_empty() {
        Some("post without an id")
    } else if !id.bytes().all(|c| c.is_ascii_digit()) {
        Some("post whose id is not a decimal number")
    } else if t.author_id.as_deref().is_none_or(|a| a.trim().is_empty()) {
        Some("post without an author_id")
    } else {
        None
    }
}

fn user_problem(u: &User) -> Option<&'static str> {
    if u.id.trim().is_empty() {
        Some("user without an id")
    } else if u.username.as_deref().is_none_or(|h| h.trim().is_empty()) {
        Some("user without a username")
    } else {
        None
    }
}

/// Drops the items of a page that cannot be stored, counting them by reason: one bad item must not
/// fail the page (and with it a whole sync), and must never reach the store.
pub fn drop_bad_items(body: &mut TweetsResponse, skipped: &mut BTreeMap<String, usize>) {
    let mut count = |why: &'static str| *skipped.entry(why.to_owned()).or_insert(0) += 1;
    if let Some(data) = body.data.take() {
        let kept: Vec<Tweet> = match data {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
        .into_iter()
        .filter(|t| tweet_problem(t).inspect(|w| count(w)).is_none())
        .collect();
        body.data = Some(OneOrMany::Many(kept));
    }
    if let Some(inc) = body.includes.as_mut() {
        inc.tweets
            .retain(|t| tweet_problem(t).inspect(|w| count(w)).is_none());
        inc.users
            .retain(|u| user_problem(u).inspect(|w| count(w)).is_none());
    }
}

/// Fetches one page of a posts endpoint at `token` (the first page without).
async fn one_page<E: Endpoint<Body = TweetsResponse>>(
    r: Request<E>,
    token: Option<&str>,
) -> Result<Page<TweetsResponse>, SourceError> {
    let r = match token {
        Some(t) => r.resume_from(t),
        None => r,
    };
    Ok(r.send().await?)
}

/// Fetches one page of a users endpoint (a follow list) at `token` (the first page without).
async fn one_users_page<E: Endpoint<Body = UsersResponse>>(
    r: Request<E>,
    token: Option<&str>,
) -> Result<Page<UsersResponse>, SourceError> {
    let r = match token {
        Some(t) => r.resume_from(t),
        None => r,
    };
    Ok(r.send().await?)
}

/// The token of the page after `page`, unless the server gave back the token just sent (asking again
/// would loop).
fn next_of<B: PageBody>(page: &Page<B>, sent: Option<&str>) -> Option<String> {
    match page.next_token() {
        Some(next) if sent == Some(next) => {
            tracing::warn!(
                endpoint = page.endpoint,
                token = next,
                "the server returned the token just sent; stopping"
            );
            None
        }
        next => next.map(str::to_owned),
    }
}

/// A users page as a [`FollowPage`]: users without an id or a username dropped and counted, the
/// others' ids in order and their profiles as accounts.
fn follow_page_of(page: &Page<UsersResponse>, req: &FollowPageRequest<'_>) -> FollowPage {
    let mut out = FollowPage::default();
    let mut body = page.body.clone();
    let mut count = |why: &'static str| *out.skipped.entry(why.to_owned()).or_insert(0) += 1;
    if let Some(data) = body.data.take() {
        let kept: Vec<User> = match data {
            OneOrMany::One(u) => vec![u],
            OneOrMany::Many(v) => v,
        }
        .into_iter()
        .filter(|u| user_problem(u).inspect(|w| count(w)).is_none())
        .collect();
        body.data = Some(OneOrMany::Many(kept));
    }
    if let Some(inc) = body.includes.as_mut() {
        inc.users
            .retain(|u| user_problem(u).inspect(|w| count(w)).is_none());
        inc.tweets
            .retain(|t| tweet_problem(t).inspect(|w| count(w)).is_none());
    }
    out.account_ids = body
        .items()
        .iter()
        .map(|u| u.id.trim().to_owned())
        .collect();
    let mut corpus = Corpus::new();
    add_users_response(&mut corpus, &body);
    out.corpus = corpus;
    out.next_token = next_of(page, req.token);
    out
}

/// The page as a [`FeedPage`]: bad items dropped, posts at or below `since` cut (for the list
/// endpoint, which cannot be asked for newer posts), converted to core types.
fn feed_page_of(page: &Page<TweetsResponse>, req: &PageRequest<'_>, cut: bool) -> FeedPage {
    let mut out = FeedPage::default();
    let mut body = page.body.clone();
    drop_bad_items(&mut body, &mut out.skipped);
    if let (true, Some(since)) = (cut, req.since_id) {
        let kept: Vec<Tweet> = body
            .items()
            .iter()
            .filter(|t| {
                let new = cmp_ids(&t.id, since) == Ordering::Greater;
                out.reached_since |= !new;
                new
            })
            .cloned()
            .collect();
        body.data = Some(OneOrMany::Many(kept));
    }
    out.post_ids = body.items().iter().map(|t| t.id.clone()).collect();
    let mut corpus = Corpus::new();
    let stats = add_response(&mut corpus, &body);
    if stats.skipped_no_time > 0 {
        *out.skipped
            .entry("post without a creation time".to_owned())
            .or_insert(0) += stats.skipped_no_time as usize;
    }
    out.corpus = corpus;
    out.next_token = next_of(page, req.token);
    out
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

    async fn feed_page(&self, req: &PageRequest<'_>) -> Result<FeedPage, SourceError> {
        let size = req.page_size;
        let since = req.since_id.map(str::to_owned);
        let page = match req.feed {
            Feed::Search { query, archive } => {
                if *archive {
                    let mut r = self.search_all(query.clone()).max_results(size);
                    if let Some(s) = since {
                        r = r.since_id(s);
                    }
                    one_page(r, req.token).await?
                } else {
                    let mut r = self.search_recent(query.clone()).max_results(size);
                    if let Some(s) = since {
                        r = r.since_id(s);
                    }
                    one_page(r, req.token).await?
                }
            }
            Feed::Timeline { account_id } => {
                let mut r = self.user_tweets(account_id.clone()).max_results(size);
                if let Some(s) = since {
                    r = r.since_id(s);
                }
                one_page(r, req.token).await?
            }
            Feed::Mentions { account_id } => {
                let mut r = self.mentions(account_id.clone()).max_results(size);
                if let Some(s) = since {
                    r = r.since_id(s);
                }
                one_page(r, req.token).await?
            }
            // The list endpoint has no since_id: the page is cut here.
            Feed::List { list_id } => {
                let r = self.list_tweets(list_id.clone()).max_results(size);
                return Ok(feed_page_of(&one_page(r, req.token).await?, req, true));
            }
            other => {
                return Err(SourceError::InvalidRequest {
                    message: format!("X has no feed of this kind: {other:?}"),
                });
            }
        };
        Ok(feed_page_of(&page, req, false))
    }

    /// `GET /2/users/:id/followers` or `/following`, one page (at most 1,000 accounts).
    async fn follow_page(&self, req: &FollowPageRequest<'_>) -> Result<FollowPage, SourceError> {
        let size = req.page_size.clamp(1, 1000);
        let id = req.account_id.to_owned();
        let page = match req.direction {
            FollowDirection::Followers => {
                one_users_page(self.followers(id).max_results(size), req.token).await?
            }
            FollowDirection::Following => {
                one_users_page(self.following(id).max_results(size), req.token).await?
            }
        };
        Ok(follow_page_of(&page, req))
    }

    async fn account_id(&self, handle: &str) -> Result<Option<String>, SourceError> {
        let handle = rapport_core::normalize_handle(handle);
        let page = self.user_by_username(&handle).send().await?;
        Ok(page.items().first().map(|u| u.id.clone()))
    }
}
