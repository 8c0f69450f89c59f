//! [`Source`] for the Bluesky client: the platform-neutral calls in Bluesky terms.
//!
//! `search` is `searchPosts` (the `since`/`until` bounds pass through; `archive` makes no difference:
//! Bluesky search covers everything it indexed), `timeline` the author feed, `mentions` a search
//! for posts mentioning the account, `conversation` the whole thread, and the lookups
//! `getPosts`/`getProfiles`; `follow_page` is one page of `getFollowers` or `getFollows`.

use rapport_core::source::{
    FeedPage, Fetched, FollowPage, FollowPageRequest, Limit, Missing, MissingReason, PageRequest,
    SearchRequest, Source, SourceError,
};
use rapport_core::{Corpus, Platform};

use crate::client::{BskyClient, Fetch, SearchOptions};

fn fetched(f: Fetch) -> Fetched {
    Fetched {
        corpus: f.corpus,
        pages: f.pages.len(),
        missing: f.added.missing,
        failures: Vec::new(),
        next_token: f.cursor,
    }
}

#[async_trait::async_trait]
impl Source for BskyClient {
    fn platform(&self) -> Platform {
        Platform::Bluesky
    }

    async fn search(&self, request: &SearchRequest) -> Result<Fetched, SourceError> {
        let opts = SearchOptions {
            since: request.since.map(|t| t.to_rfc3339()),
            until: request.until.map(|t| t.to_rfc3339()),
            ..SearchOptions::default()
        };
        Ok(fetched(
            BskyClient::search(self, &request.query, &opts, request.limit).await?,
        ))
    }

    async fn feed_page(&self, request: &PageRequest<'_>) -> Result<FeedPage, SourceError> {
        let (fetch, own) = self
            .feed_one_page(request.feed, request.token, request.page_size)
            .await?;
        // Feeds come newest first: the page stops at the newest post of the last sweep.
        let mut post_ids = Vec::with_capacity(own.len());
        let mut reached_since = false;
        for id in own {
            if request.since_id == Some(id.as_str()) {
                reached_since = true;
                break;
            }
            if fetch.corpus.post_by_id(&id).is_some() {
                post_ids.push(id);
            }
        }
        Ok(FeedPage {
            post_ids,
            corpus: fetch.corpus,
            next_token: if reached_since { None } else { fetch.cursor },
            reached_since,
            skipped: std::collections::BTreeMap::default(),
        })
    }

    async fn follow_page(&self, req: &FollowPageRequest<'_>) -> Result<FollowPage, SourceError> {
        let (fetch, dids) = self
            .follow_one_page(req.account_id, req.direction, req.token, req.page_size)
            .await?;
        // The page's own snapshot stays out: the sync joins the pages of one reading into one.
        let profiles = Corpus::from_parts(fetch.corpus.accounts().map(|a| a.to_account()), []);
        let mut skipped = std::collections::BTreeMap::new();
        if !fetch.added.skipped.is_empty() {
            skipped.insert(
                "item the converter could not read".to_owned(),
                fetch.added.skipped.len(),
            );
        }
        Ok(FollowPage {
            account_ids: dids,
            corpus: profiles,
            next_token: fetch.cursor,
            skipped,
        })
    }

    async fn timeline(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError> {
        Ok(fetched(self.author_feed(account_id, limit).await?))
    }

    async fn mentions(&self, account_id: &str, limit: Limit) -> Result<Fetched, SourceError> {
        let opts = SearchOptions {
            mentions: Some(account_id.trim_start_matches('@').to_owned()),
            ..SearchOptions::default()
        };
        let q = account_id.trim_start_matches('@');
        Ok(fetched(BskyClient::search(self, q, &opts, limit).await?))
    }

    async fn conversation(
        &self,
        post_id: &str,
        _archive: bool,
        _limit: Limit,
    ) -> Result<Fetched, SourceError> {
        Ok(fetched(self.thread(post_id).await?))
    }

    async fn lookup_posts(&self, ids: &[String]) -> Result<Fetched, SourceError> {
        let mut f = fetched(self.posts(ids).await?);
        for id in ids {
            if f.corpus.post_by_id(id).is_none() {
                f.missing.push(Missing {
                    id: id.clone(),
                    resource: "post".to_owned(),
                    reason: MissingReason::NotFound,
                });
            }
        }
        Ok(f)
    }

    async fn lookup_accounts(&self, handles: &[String]) -> Result<Fetched, SourceError> {
        let mut f = fetched(self.profiles(handles).await?);
        for h in handles {
            let h = h.trim_start_matches('@');
            if f.corpus.find_account(h).is_none() {
                f.missing.push(Missing {
                    id: h.to_owned(),
                    resource: "account".to_owned(),
                    reason: MissingReason::NotFound,
                });
            }
        }
        Ok(f)
    }
}
