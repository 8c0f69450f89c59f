//! The sync loop over a platform that is not X: a fake [`Source`] serving feeds from memory, page by
//! page. Proves that rapport-sync speaks only core's `Source` (a second platform plugs in without a
//! change here): incremental sweeps, resume after a stop, a source-side cut of a feed without
//! "newer than", a handle resolved through the source, and errors mapped by kind.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{TimeZone, Utc};
use rapport_core::source::{
    FeedPage, Fetched, Limit, PageRequest, SearchRequest, Source, SourceError, cmp_ids,
};
use rapport_core::{Account, Corpus, Platform, Post};
use rapport_store::{Store, Watch, WatchKind};
use rapport_sync::{SyncError, SyncOptions, sync_all, sync_watch};

/// A platform with numeric post ids. Every feed holds the same posts (newest first), served
/// `per_page` at a time with tokens `p1`, `p2`… A failure can be scripted for one token.
struct FakeSource {
    posts: Mutex<Vec<u64>>,
    per_page: usize,
    /// Answers `since_id` itself (like X's search), or leaves the cut to the adapter (like lists).
    native_since: bool,
    fail_at: Mutex<Option<(String, SourceError)>>,
    calls: Mutex<Vec<String>>,
}

impl FakeSource {
    fn new(posts: &[u64], per_page: usize) -> Self {
        let mut posts = posts.to_vec();
        posts.sort_unstable_by(|a, b| b.cmp(a));
        FakeSource {
            posts: Mutex::new(posts),
            per_page,
            native_since: true,
            fail_at: Mutex::new(None),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn add(&self, id: u64) {
        let mut p = self.posts.lock().unwrap();
        p.push(id);
        p.sort_unstable_by(|a, b| b.cmp(a));
    }
}

fn post(id: u64) -> Post {
    let t =
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap() + chrono::Duration::minutes(id as i64);
    Post::new(id.to_string(), "7", format!("post {id}"), t)
}

#[async_trait::async_trait]
impl Source for FakeSource {
    fn platform(&self) -> Platform {
        Platform::Other
    }
    async fn search(&self, _: &SearchRequest) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn timeline(&self, _: &str, _: Limit) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn mentions(&self, _: &str, _: Limit) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn conversation(&self, _: &str, _: bool, _: Limit) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn lookup_posts(&self, _: &[String]) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn lookup_accounts(&self, handles: &[String]) -> Result<Fetched, SourceError> {
        // One account on this platform: @ada, id 7.
        let mut c = Corpus::new();
        if handles.iter().any(|h| h.trim_start_matches('@') == "ada") {
            c.add_account(Account::new("7", "ada"));
        }
        Ok(Fetched {
            corpus: c,
            pages: 1,
            ..Fetched::default()
        })
    }
    async fn feed_page(&self, req: &PageRequest<'_>) -> Result<FeedPage, SourceError> {
        let token = req.token.unwrap_or("p0").to_owned();
        self.calls
            .lock()
            .unwrap()
            .push(format!("{:?} {token} since {:?}", req.feed, req.since_id));
        if let Some((t, e)) = self.fail_at.lock().unwrap().as_ref()
            && *t == token
        {
            return Err(e.clone());
        }
        let page_no: usize = token[1..].parse().unwrap();
        let all = self.posts.lock().unwrap().clone();
        let newer = |id: &u64| {
            req.since_id
                .is_none_or(|s| cmp_ids(&id.to_string(), s) == std::cmp::Ordering::Greater)
        };
        let visible: Vec<u64> = if self.native_since {
            all.into_iter().filter(newer).collect()
        } else {
            all
        };
        let chunk: Vec<u64> = visible
            .iter()
            .skip(page_no * self.per_page)
            .take(self.per_page)
            .copied()
            .collect();
        let more = visible.len() > (page_no + 1) * self.per_page;
        let mut page = FeedPage {
            next_token: more.then(|| format!("p{}", page_no + 1)),
            ..FeedPage::default()
        };
        let mut corpus = Corpus::new();
        corpus.add_account(Account::new("7", "ada"));
        for id in chunk {
            if !self.native_since && !newer(&id) {
                page.reached_since = true;
                continue;
            }
            // A bad item of the platform: dropped by the adapter, counted by reason.
            if id == 13 {
                *page
                    .skipped
                    .entry("post without an author".to_owned())
                    .or_insert(0) += 1;
                continue;
            }
            page.post_ids.push(id.to_string());
            corpus.add_post(post(id));
        }
        page.corpus = corpus;
        Ok(page)
    }
}

fn ids(st: &Store) -> Vec<u64> {
    let mut v: Vec<u64> = st
        .load_corpus()
        .unwrap()
        .posts()
        .map(|p| p.id().parse().unwrap())
        .collect();
    v.sort_unstable();
    v
}

fn store(dir: &tempfile::TempDir, kind: WatchKind, target: &str) -> Store {
    let mut st = Store::open(dir.path().join("s.db")).unwrap();
    st.add_watch(&Watch::new("w", kind, target)).unwrap();
    st
}

#[tokio::test]
async fn a_fake_platform_syncs_incrementally_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::Search, "#hiring");
    let src = FakeSource::new(&[10, 11, 12, 13, 14, 15, 16], 3);

    // A page limit stops the first run after two pages, leaving the token in the cursor.
    let opts = SyncOptions {
        max_pages: Some(2),
        ..SyncOptions::default()
    };
    let r = sync_watch(&src, &mut st, "w", &opts, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((r.pages, r.complete), (2, false));
    assert_eq!(r.cursor.next_token.as_deref(), Some("p2"));
    assert_eq!(ids(&st), vec![11, 12, 14, 15, 16]);
    assert_eq!(
        r.skipped,
        BTreeMap::from([("post without an author".to_owned(), 1)])
    );

    // The next run resumes at p2 and finishes the sweep; the cursor moves to the newest post.
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.resumed && r.complete, "{r:?}");
    assert_eq!(r.pages, 1);
    assert_eq!(r.cursor.newest_id.as_deref(), Some("16"));
    assert_eq!(r.cursor.next_token, None);
    assert_eq!(ids(&st), vec![10, 11, 12, 14, 15, 16]);

    // New posts arrive: only they are fetched, asked for as newer than 16.
    src.add(17);
    src.add(18);
    let r = sync_all(&src, &mut st, &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(r.posts_fetched(), 2);
    assert_eq!(r.watches[0].cursor.newest_id.as_deref(), Some("18"));
    let calls = src.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![
            r##"Search { query: "#hiring", archive: false } p0 since None"##,
            r##"Search { query: "#hiring", archive: false } p1 since None"##,
            r##"Search { query: "#hiring", archive: false } p2 since None"##,
            r##"Search { query: "#hiring", archive: false } p0 since Some("16")"##,
        ]
    );
}

#[tokio::test]
async fn a_feed_cut_by_the_source_ends_the_sweep_at_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::List, "list-1");
    let mut src = FakeSource::new(&[20, 21, 22, 23], 2);
    src.native_since = false;
    sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    src.add(24);
    src.add(25);
    src.add(26);
    // Page 1 is 26, 25 (new); page 2 is 24 (new) and 23 (the cursor): the sweep ends there even
    // though the platform has a page 3.
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.complete);
    assert_eq!((r.pages, r.posts_fetched), (2, 3));
    assert_eq!(r.cursor.newest_id.as_deref(), Some("26"));
    assert_eq!(ids(&st), vec![20, 21, 22, 23, 24, 25, 26]);
}

#[tokio::test]
async fn a_handle_resolves_through_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::Timeline, "@ada");
    let src = FakeSource::new(&[30, 31], 5);
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.complete);
    assert!(src.calls.lock().unwrap()[0].starts_with(r#"Timeline { account_id: "7" }"#));
    // Resolved once: the id is kept in the watch's sync state.
    let w = st.watch("w").unwrap().unwrap();
    assert_eq!(w.options["sync"]["user_id"], "7");

    let mut st2 = {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(d.path().join("t.db")).unwrap();
        s.add_watch(&Watch::new("nobody", WatchKind::Mentions, "nobody_here"))
            .unwrap();
        (s, d)
    };
    let err = sync_watch(
        &src,
        &mut st2.0,
        "nobody",
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SyncError::UnknownUser { .. }), "{err}");
}

#[tokio::test]
async fn retryable_errors_stop_the_watch_and_others_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::Search, "#hiring");
    let src = FakeSource::new(&[40, 41, 42, 43], 2);
    *src.fail_at.lock().unwrap() = Some((
        "p1".into(),
        SourceError::RateLimited {
            reset_at: None,
            message: "429".into(),
        },
    ));
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(!r.complete);
    assert!(
        r.stopped.as_deref().unwrap().contains("rate limited"),
        "{r:?}"
    );
    assert_eq!(ids(&st), vec![42, 43], "the page before the stop is kept");

    *src.fail_at.lock().unwrap() = Some((
        "p1".into(),
        SourceError::Unauthorized {
            message: "bad token".into(),
        },
    ));
    let err = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap_err();
    match err {
        SyncError::Source {
            watch,
            pages,
            source,
        } => {
            assert_eq!((watch.as_str(), pages), ("w", 0));
            assert!(matches!(source, SourceError::Unauthorized { .. }));
        }
        other => panic!("{other}"),
    }
}
