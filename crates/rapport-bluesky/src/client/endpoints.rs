//! The endpoints, cursor pagination, and [`Fetch`]: the pages of a call and the corpus built from them.

use chrono::{DateTime, Utc};
use rapport_core::Corpus;
use rapport_core::source::Limit;
use serde::Serialize;
use serde_json::Value;

use super::BskyClient;
use super::transport::{Call, decode};
use crate::convert::{Added, PageContext, add_page};
use crate::error::ClientError;
use crate::models::{PostThread, ResolvedHandle};
use crate::syntax::{AtIdentifier, AtUri, actor_from, post_uri_from};

/// One answer as received: the endpoint, the URL (no credentials: the token travels in a header), the
/// time, and the JSON body. `started_at` is the time of the first page of a paginated follow list,
/// so that its pages make one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawPage {
    /// The endpoint's NSID.
    pub nsid: String,
    /// The request URL.
    pub url: String,
    /// When the answer arrived.
    pub retrieved_at: DateTime<Utc>,
    /// When the first page of this collection arrived (follow lists).
    pub started_at: Option<DateTime<Utc>>,
    /// The JSON body.
    pub body: String,
}

impl RawPage {
    /// Adds this page to a corpus.
    ///
    /// # Errors
    /// [`ClientError::Malformed`] when the body does not have the endpoint's shape.
    pub fn add_to(&self, corpus: &mut Corpus) -> Result<Added, ClientError> {
        let malformed = |path: String, message: String| ClientError::Malformed {
            endpoint: self.nsid.clone(),
            path,
            message,
        };
        let body: Value = serde_json::from_str(&self.body)
            .map_err(|e| malformed("$".to_owned(), e.to_string()))?;
        let ctx = PageContext {
            nsid: &self.nsid,
            retrieved_at: self.retrieved_at,
            started_at: self.started_at,
        };
        add_page(corpus, &ctx, body).map_err(|(p, m)| malformed(p, m))
    }
}

/// What a call brought back: its pages (for saving as JSONL), the corpus built from them, the thread
/// placeholders, likes and skipped items, and the cursor to resume from when a limit stopped it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fetch {
    /// The corpus.
    pub corpus: Corpus,
    /// The pages, in order.
    pub pages: Vec<RawPage>,
    /// Placeholders, likes and skipped items.
    pub added: Added,
    /// The cursor of the next page, when a limit stopped the call before the end.
    pub cursor: Option<String>,
}

impl Fetch {
    /// Builds the corpus of a list of pages.
    ///
    /// # Errors
    /// As [`RawPage::add_to`].
    pub fn from_pages(pages: Vec<RawPage>, cursor: Option<String>) -> Result<Fetch, ClientError> {
        let mut corpus = Corpus::new();
        let mut added = Added::default();
        for p in &pages {
            added.merge(p.add_to(&mut corpus)?);
        }
        Ok(Fetch {
            corpus,
            pages,
            added,
            cursor,
        })
    }

    /// Folds another fetch into this one.
    pub fn merge(&mut self, other: Fetch) {
        self.corpus.merge(&other.corpus);
        self.pages.extend(other.pages);
        self.added.merge(other.added);
        if other.cursor.is_some() {
            self.cursor = other.cursor;
        }
    }
}

/// The number of items of a page, for item limits.
fn items(nsid: &str, body: &Value) -> usize {
    let key = match nsid {
        "app.bsky.feed.getAuthorFeed" => "feed",
        "app.bsky.feed.getQuotes" | "app.bsky.feed.searchPosts" => "posts",
        "app.bsky.feed.getRepostedBy" => "repostedBy",
        "app.bsky.feed.getLikes" => "likes",
        "app.bsky.graph.getFollowers" => "followers",
        "app.bsky.graph.getFollows" => "follows",
        "app.bsky.graph.getLists" => "lists",
        "app.bsky.graph.getList" => "items",
        "com.atproto.repo.listRecords" => "records",
        _ => return 0,
    };
    body.get(key).and_then(Value::as_array).map_or(0, Vec::len)
}

/// Search options of `app.bsky.feed.searchPosts` beyond the query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchOptions {
    /// `latest` (the default) or `top`.
    pub sort: Option<String>,
    /// Oldest `createdAt`, inclusive (a datetime or a date).
    pub since: Option<String>,
    /// Newest `createdAt`, exclusive.
    pub until: Option<String>,
    /// Only posts by this account (handle or DID).
    pub author: Option<String>,
    /// Only posts mentioning this account.
    pub mentions: Option<String>,
    /// Only posts in this language.
    pub lang: Option<String>,
    /// Only posts with all these tags.
    pub tags: Vec<String>,
}

fn arg<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, ClientError> {
    r.map_err(|e| ClientError::InvalidArgument(e.to_string()))
}

impl BskyClient {
    /// One page of any query.
    async fn page(
        &self,
        call: Call,
        started_at: Option<DateTime<Utc>>,
    ) -> Result<(RawPage, Value), ClientError> {
        let nsid = call.nsid;
        let resp = self.execute(call).await?;
        let value: Value = decode(nsid, &resp.body)?;
        if !value.is_object() {
            return Err(ClientError::Malformed {
                endpoint: nsid.to_owned(),
                path: "$".to_owned(),
                message: "expected a JSON object".to_owned(),
            });
        }
        let page = RawPage {
            nsid: nsid.to_owned(),
            url: resp.url,
            retrieved_at: resp.retrieved_at,
            started_at,
            body: String::from_utf8_lossy(&resp.body).into_owned(),
        };
        Ok((page, value))
    }

    /// Follows `cursor` from page to page until there is none (a short or empty page with a cursor is
    /// not the end), the cursor repeats, or a limit is reached; then builds the corpus.
    async fn paginate(
        &self,
        nsid: &'static str,
        query: Vec<(String, String)>,
        limit: Limit,
        snapshot: bool,
        pds: bool,
    ) -> Result<Fetch, ClientError> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        let mut n_items = 0usize;
        let mut started_at = None;
        loop {
            let mut q = query.clone();
            if let Some(c) = &cursor {
                q.push(("cursor".to_owned(), c.clone()));
            }
            let mut call = Call::query(nsid, q);
            if pds {
                call = call.on_pds();
            }
            let (mut page, body) = self.page(call, started_at).await?;
            if snapshot {
                let start = *started_at.get_or_insert(page.retrieved_at);
                page.started_at = Some(start);
            }
            n_items += items(nsid, &body);
            pages.push(page);
            let next = body
                .get("cursor")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_owned);
            let done = match &next {
                None => true,
                Some(c) => cursor.as_deref() == Some(c.as_str()),
            };
            if done {
                return Fetch::from_pages(pages, None);
            }
            cursor = next;
            let full = limit.max_pages.is_some_and(|m| pages.len() >= m)
                || limit.max_items.is_some_and(|m| n_items >= m);
            if full {
                return Fetch::from_pages(pages, cursor);
            }
        }
    }

    /// One page of a feed for an incremental sync ([`rapport_core::source::Source::feed_page`]):
    /// `app.bsky.feed.getAuthorFeed` for a timeline, `searchPosts` for a search or mentions,
    /// `getListFeed` for a list; the page's own post URIs in feed order, and its cursor.
    ///
    /// # Errors
    /// The call's error.
    pub async fn feed_one_page(
        &self,
        feed: &rapport_core::source::Feed,
        cursor: Option<&str>,
        page_size: u32,
    ) -> Result<(Fetch, Vec<String>), ClientError> {
        use rapport_core::source::Feed;
        let size = page_size.clamp(1, 100).to_string();
        let (nsid, mut q): (&'static str, Vec<(String, String)>) = match feed {
            Feed::Timeline { account_id } => (
                "app.bsky.feed.getAuthorFeed",
                vec![
                    ("actor".to_owned(), Self::actor(account_id)?.to_string()),
                    ("filter".to_owned(), "posts_with_replies".to_owned()),
                ],
            ),
            Feed::Search { query, .. } => {
                if query.trim().is_empty() {
                    return Err(ClientError::InvalidArgument(
                        "the search query is empty".to_owned(),
                    ));
                }
                (
                    "app.bsky.feed.searchPosts",
                    vec![("q".to_owned(), query.clone())],
                )
            }
            Feed::Mentions { account_id } => {
                let who = account_id.trim_start_matches('@').to_owned();
                (
                    "app.bsky.feed.searchPosts",
                    vec![("q".to_owned(), who.clone()), ("mentions".to_owned(), who)],
                )
            }
            Feed::List { list_id } => (
                "app.bsky.feed.getListFeed",
                vec![("list".to_owned(), list_id.clone())],
            ),
            other => {
                return Err(ClientError::InvalidArgument(format!(
                    "Bluesky has no feed like {other:?}"
                )));
            }
        };
        q.push(("limit".to_owned(), size));
        if let Some(c) = cursor {
            q.push(("cursor".to_owned(), c.to_owned()));
        }
        let (page, body) = self.page(Call::query(nsid, q), None).await?;
        let list = if nsid == "app.bsky.feed.searchPosts" {
            "posts"
        } else {
            "feed"
        };
        let own: Vec<String> = body
            .get(list)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|it| {
                        it.get("post")
                            .unwrap_or(it)
                            .get("uri")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let next = body
            .get("cursor")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty() && Some(*c) != cursor)
            .map(str::to_owned);
        Ok((Fetch::from_pages(vec![page], next)?, own))
    }

    /// One page of an account's followers (`app.bsky.graph.getFollowers`) or follows
    /// (`getFollows`) for an incremental sync ([`rapport_core::source::Source::follow_page`]): the
    /// page, the DIDs on it in the platform's order, and the cursor of the next page.
    ///
    /// # Errors
    /// [`ClientError::InvalidArgument`] for an actor that is not a handle or a DID, or the call's
    /// error.
    pub async fn follow_one_page(
        &self,
        actor: &str,
        direction: rapport_core::follows::FollowDirection,
        cursor: Option<&str>,
        page_size: u32,
    ) -> Result<(Fetch, Vec<String>), ClientError> {
        use rapport_core::follows::FollowDirection;
        let (nsid, list) = match direction {
            FollowDirection::Followers => ("app.bsky.graph.getFollowers", "followers"),
            FollowDirection::Following => ("app.bsky.graph.getFollows", "follows"),
        };
        let mut q = vec![
            ("actor".to_owned(), Self::actor(actor)?.to_string()),
            ("limit".to_owned(), page_size.clamp(1, 100).to_string()),
        ];
        if let Some(c) = cursor {
            q.push(("cursor".to_owned(), c.to_owned()));
        }
        let (page, body) = self.page(Call::query(nsid, q), None).await?;
        let dids: Vec<String> = body
            .get(list)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|p| p.get("did").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let next = body
            .get("cursor")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty() && Some(*c) != cursor)
            .map(str::to_owned);
        Ok((Fetch::from_pages(vec![page], next)?, dids))
    }

    fn actor(actor: &str) -> Result<AtIdentifier, ClientError> {
        arg(actor_from(actor))
    }

    /// The DID of a handle (`com.atproto.identity.resolveHandle`).
    ///
    /// # Errors
    /// [`ClientError::InvalidArgument`] for a string that is not a handle, or the call's error.
    pub async fn resolve_handle(&self, handle: &str) -> Result<String, ClientError> {
        let h = Self::actor(handle)?;
        if h.as_str().starts_with("did:") {
            return Ok(h.as_str().to_owned());
        }
        let nsid = "com.atproto.identity.resolveHandle";
        let resp = self
            .execute(Call::query(nsid, vec![("handle".into(), h.to_string())]))
            .await?;
        let r: ResolvedHandle = decode(nsid, &resp.body)?;
        Ok(r.did)
    }

    /// One profile (`app.bsky.actor.getProfile`).
    ///
    /// # Errors
    /// The call's error.
    pub async fn profile(&self, actor: &str) -> Result<Fetch, ClientError> {
        let a = Self::actor(actor)?;
        let (page, _) = self
            .page(
                Call::query(
                    "app.bsky.actor.getProfile",
                    vec![("actor".into(), a.to_string())],
                ),
                None,
            )
            .await?;
        Fetch::from_pages(vec![page], None)
    }

    /// Profiles, 25 per call (`app.bsky.actor.getProfiles`).
    ///
    /// # Errors
    /// The first failing call's error.
    pub async fn profiles(&self, actors: &[String]) -> Result<Fetch, ClientError> {
        let mut pages = Vec::new();
        for chunk in actors.chunks(25) {
            let mut q = Vec::new();
            for a in chunk {
                q.push(("actors".to_owned(), Self::actor(a)?.to_string()));
            }
            pages.push(
                self.page(Call::query("app.bsky.actor.getProfiles", q), None)
                    .await?
                    .0,
            );
        }
        Fetch::from_pages(pages, None)
    }

    /// An account's posts, replies and reposts, newest first (`app.bsky.feed.getAuthorFeed`,
    /// `filter=posts_with_replies`); each `reasonRepost` item becomes a repost.
    ///
    /// # Errors
    /// The call's error.
    pub async fn author_feed(&self, actor: &str, limit: Limit) -> Result<Fetch, ClientError> {
        let a = Self::actor(actor)?;
        let q = vec![
            ("actor".to_owned(), a.to_string()),
            ("limit".to_owned(), "100".to_owned()),
            ("filter".to_owned(), "posts_with_replies".to_owned()),
        ];
        self.paginate("app.bsky.feed.getAuthorFeed", q, limit, false, false)
            .await
    }

    /// The thread around a post (`app.bsky.feed.getPostThread`): its parents up to the root and its
    /// replies (depth up to 1000). `uri_or_url` is an AT-URI or a bsky.app post URL; a handle in it is
    /// resolved to a DID first. Not-found and blocked nodes become placeholders in `added.missing`.
    ///
    /// # Errors
    /// The call's error (a thread whose root itself is not found is a placeholder, not an error).
    pub async fn thread(&self, uri_or_url: &str) -> Result<Fetch, ClientError> {
        let uri = self.post_uri(uri_or_url).await?;
        let q = vec![
            ("uri".to_owned(), uri.to_string()),
            ("depth".to_owned(), "1000".to_owned()),
            ("parentHeight".to_owned(), "1000".to_owned()),
        ];
        let (page, body) = self
            .page(Call::query("app.bsky.feed.getPostThread", q), None)
            .await?;
        // Shape check with the path of any failure.
        let _: PostThread = decode("app.bsky.feed.getPostThread", body.to_string().as_bytes())?;
        Fetch::from_pages(vec![page], None)
    }

    async fn post_uri(&self, uri_or_url: &str) -> Result<AtUri, ClientError> {
        let uri = arg(post_uri_from(uri_or_url))?;
        if uri.authority().starts_with("did:") {
            return Ok(uri);
        }
        let did = self.resolve_handle(uri.authority()).await?;
        arg(AtUri::record(
            &did,
            uri.collection().unwrap_or("app.bsky.feed.post"),
            uri.rkey().unwrap_or_default(),
        ))
    }

    /// Posts by AT-URI, 25 per call (`app.bsky.feed.getPosts`).
    ///
    /// # Errors
    /// The first failing call's error.
    pub async fn posts(&self, uris: &[String]) -> Result<Fetch, ClientError> {
        let mut pages = Vec::new();
        for chunk in uris.chunks(25) {
            let mut q = Vec::new();
            for u in chunk {
                q.push(("uris".to_owned(), self.post_uri(u).await?.to_string()));
            }
            pages.push(
                self.page(Call::query("app.bsky.feed.getPosts", q), None)
                    .await?
                    .0,
            );
        }
        Fetch::from_pages(pages, None)
    }

    async fn about_post(
        &self,
        nsid: &'static str,
        uri_or_url: &str,
        limit: Limit,
    ) -> Result<Fetch, ClientError> {
        let uri = self.post_uri(uri_or_url).await?;
        let q = vec![
            ("uri".to_owned(), uri.to_string()),
            ("limit".to_owned(), "100".to_owned()),
        ];
        self.paginate(nsid, q, limit, false, false).await
    }

    /// The posts quoting a post (`app.bsky.feed.getQuotes`).
    ///
    /// # Errors
    /// The call's error.
    pub async fn quotes(&self, uri_or_url: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_post("app.bsky.feed.getQuotes", uri_or_url, limit)
            .await
    }

    /// The accounts that reposted a post (`app.bsky.feed.getRepostedBy`). The AppView does not say
    /// when, so they come back as accounts, not as dated reposts.
    ///
    /// # Errors
    /// The call's error.
    pub async fn reposted_by(&self, uri_or_url: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_post("app.bsky.feed.getRepostedBy", uri_or_url, limit)
            .await
    }

    /// The likes of a post (`app.bsky.feed.getLikes`), in `added.likes`, and the likers as accounts.
    ///
    /// # Errors
    /// The call's error.
    pub async fn likes(&self, uri_or_url: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_post("app.bsky.feed.getLikes", uri_or_url, limit)
            .await
    }

    async fn about_actor(
        &self,
        nsid: &'static str,
        actor: &str,
        limit: Limit,
        snapshot: bool,
    ) -> Result<Fetch, ClientError> {
        let a = Self::actor(actor)?;
        let q = vec![
            ("actor".to_owned(), a.to_string()),
            ("limit".to_owned(), "100".to_owned()),
        ];
        self.paginate(nsid, q, limit, snapshot, false).await
    }

    /// An account's followers (`app.bsky.graph.getFollowers`): one follow snapshot.
    ///
    /// # Errors
    /// The call's error.
    pub async fn followers(&self, actor: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_actor("app.bsky.graph.getFollowers", actor, limit, true)
            .await
    }

    /// The accounts an account follows (`app.bsky.graph.getFollows`): one follow snapshot.
    ///
    /// # Errors
    /// The call's error.
    pub async fn follows(&self, actor: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_actor("app.bsky.graph.getFollows", actor, limit, true)
            .await
    }

    /// An account's lists (`app.bsky.graph.getLists`).
    ///
    /// # Errors
    /// The call's error.
    pub async fn lists(&self, actor: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.about_actor("app.bsky.graph.getLists", actor, limit, false)
            .await
    }

    /// A list and its members (`app.bsky.graph.getList`).
    ///
    /// # Errors
    /// The call's error.
    pub async fn list(&self, list_uri: &str, limit: Limit) -> Result<Fetch, ClientError> {
        let uri: AtUri = arg(list_uri.trim().parse())?;
        let q = vec![
            ("list".to_owned(), uri.to_string()),
            ("limit".to_owned(), "100".to_owned()),
        ];
        self.paginate("app.bsky.graph.getList", q, limit, false, false)
            .await
    }

    /// Posts matching a query (`app.bsky.feed.searchPosts`; the AppView may require a session).
    ///
    /// # Errors
    /// The call's error.
    pub async fn search(
        &self,
        query: &str,
        opts: &SearchOptions,
        limit: Limit,
    ) -> Result<Fetch, ClientError> {
        if query.trim().is_empty() {
            return Err(ClientError::InvalidArgument(
                "the search query is empty".to_owned(),
            ));
        }
        let mut q = vec![
            ("q".to_owned(), query.to_owned()),
            ("limit".to_owned(), "100".to_owned()),
        ];
        for (k, v) in [
            ("sort", &opts.sort),
            ("since", &opts.since),
            ("until", &opts.until),
            ("author", &opts.author),
            ("mentions", &opts.mentions),
            ("lang", &opts.lang),
        ] {
            if let Some(v) = v {
                q.push((k.to_owned(), v.clone()));
            }
        }
        for t in &opts.tags {
            q.push(("tag".to_owned(), t.clone()));
        }
        self.paginate("app.bsky.feed.searchPosts", q, limit, false, false)
            .await
    }

    /// An account's follow records (`com.atproto.repo.listRecords` of `app.bsky.graph.follow`, at the
    /// PDS): each follow with its exact creation time.
    ///
    /// # Errors
    /// The call's error.
    pub async fn follow_records(&self, actor: &str, limit: Limit) -> Result<Fetch, ClientError> {
        self.list_records(actor, crate::convert::FOLLOW, limit)
            .await
    }

    /// The records of one collection of an account's repository (`com.atproto.repo.listRecords`, at
    /// the PDS): posts, reposts, likes, follows.
    ///
    /// # Errors
    /// The call's error.
    pub async fn list_records(
        &self,
        actor: &str,
        collection: &str,
        limit: Limit,
    ) -> Result<Fetch, ClientError> {
        let a = Self::actor(actor)?;
        arg(crate::syntax::check_nsid(collection))?;
        let q = vec![
            ("repo".to_owned(), a.to_string()),
            ("collection".to_owned(), collection.to_owned()),
            ("limit".to_owned(), "100".to_owned()),
        ];
        self.paginate("com.atproto.repo.listRecords", q, limit, false, true)
            .await
    }

    /// An account's whole repository as a CAR file (`com.atproto.sync.getRepo`, at the PDS); read it
    /// with [`crate::repo::read_car`].
    ///
    /// # Errors
    /// The call's error.
    pub async fn get_repo(&self, did: &str) -> Result<Vec<u8>, ClientError> {
        let did = self.resolve_handle(did).await?;
        let call = Call::query("com.atproto.sync.getRepo", vec![("did".to_owned(), did)]).on_pds();
        Ok(self.execute(call).await?.body)
    }
}
