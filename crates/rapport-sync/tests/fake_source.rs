//! The sync loop over a platform that is not X: a fake [`Source`] serving feeds from memory, page by
//! page. Proves that rapport-sync speaks only core's `Source` (a second platform plugs in without a
//! change here): incremental sweeps, resume after a stop, a source-side cut of a feed without
//! "newer than", a handle resolved through the source, errors mapped by kind, and follow lists read
//! into one snapshot per complete reading.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{TimeZone, Utc};
use rapport_core::follows::{FollowDirection, FollowEventKind, Side};
use rapport_core::source::{
    FeedPage, Fetched, FollowPage, FollowPageRequest, Limit, PageRequest, SearchRequest, Source,
    SourceError, cmp_ids,
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
    /// The follow lists of the platform, by (account id, direction), served `per_page` at a time
    /// with tokens `f1`, `f2`…
    follows: Mutex<BTreeMap<(String, FollowDirection), Vec<String>>>,
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
            follows: Mutex::new(BTreeMap::new()),
        }
    }

    fn set_follows(&self, account: &str, direction: FollowDirection, ids: &[&str]) {
        self.follows.lock().unwrap().insert(
            (account.to_owned(), direction),
            ids.iter().map(|s| (*s).to_owned()).collect(),
        );
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
    async fn follow_page(&self, req: &FollowPageRequest<'_>) -> Result<FollowPage, SourceError> {
        let token = req.token.unwrap_or("f0").to_owned();
        self.calls.lock().unwrap().push(format!(
            "{} of {} {token}",
            req.direction.as_str(),
            req.account_id
        ));
        if let Some((t, e)) = self.fail_at.lock().unwrap().as_ref()
            && *t == token
        {
            return Err(e.clone());
        }
        let page_no: usize = token[1..].parse().unwrap();
        let all = self
            .follows
            .lock()
            .unwrap()
            .get(&(req.account_id.to_owned(), req.direction))
            .cloned()
            .ok_or_else(|| SourceError::NotFound {
                message: format!("no {} list of {}", req.direction.as_str(), req.account_id),
            })?;
        let chunk: Vec<String> = all
            .iter()
            .skip(page_no * self.per_page)
            .take(self.per_page)
            .cloned()
            .collect();
        let more = all.len() > (page_no + 1) * self.per_page;
        let mut corpus = Corpus::new();
        for id in &chunk {
            corpus.add_account(Account::new(id.clone(), format!("user{id}")));
        }
        Ok(FollowPage {
            account_ids: chunk,
            corpus,
            next_token: more.then(|| format!("f{}", page_no + 1)),
            skipped: BTreeMap::new(),
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

/// A platform without follow lists: `follow_page` keeps the trait's default.
struct NoFollows;
#[async_trait::async_trait]
impl Source for NoFollows {
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
    async fn lookup_accounts(&self, _: &[String]) -> Result<Fetched, SourceError> {
        Ok(Fetched::default())
    }
    async fn feed_page(&self, _: &PageRequest<'_>) -> Result<FeedPage, SourceError> {
        Ok(FeedPage::default())
    }
}

/// Two watches of @ada's (id 7) lists. By hand: run 1 sees followers {1, 2}, following {}; run 2 sees
/// followers {1, 2}, following {1}. Ada started following 1, who already followed her: a
/// `followed_back` by the organisation, between the start of run 1's following snapshot and the end
/// of run 2's.
#[tokio::test]
async fn two_runs_of_follow_watches_make_two_snapshots_and_a_follow_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::Followers, "@ada");
    st.add_watch(&Watch::new("g", WatchKind::Following, "7"))
        .unwrap();
    let src = FakeSource::new(&[], 1);
    src.set_follows("7", FollowDirection::Followers, &["1", "2"]);
    src.set_follows("7", FollowDirection::Following, &[]);

    let before = Utc::now();
    let r1 = sync_all(&src, &mut st, &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(r1.is_complete());
    // Followers: two pages of one; following: one empty page.
    assert_eq!(
        r1.watches
            .iter()
            .map(|w| (w.pages, w.accounts_fetched))
            .collect::<Vec<_>>(),
        [(2, 2), (1, 0)]
    );
    src.set_follows("7", FollowDirection::Following, &["1"]);
    let r2 = sync_all(&src, &mut st, &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    let after = Utc::now();
    assert!(r2.is_complete());

    let c = st.load_corpus().unwrap();
    let snaps = c.follow_snapshots();
    assert_eq!(snaps.len(), 4, "one snapshot per watch and run: {snaps:?}");
    let following: Vec<_> = snaps
        .iter()
        .filter(|s| s.direction == FollowDirection::Following)
        .collect();
    assert_eq!(following[0].accounts, Vec::<String>::new());
    assert_eq!(following[1].accounts, ["1"]);
    assert!(before <= following[0].observed_at && following[1].completed_at <= after);
    assert_eq!(
        r2.watches[1].snapshot_observed_at,
        Some(following[1].observed_at)
    );
    // The profiles of the pages became accounts: the events name handles.
    assert_eq!(c.account_by_id("2").unwrap().handle(), "user2");

    let ev = c.follow_events(&["7"]).unwrap();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(
        (ev[0].account.as_str(), ev[0].kind, ev[0].by),
        ("1", FollowEventKind::FollowedBack, Side::Org)
    );
    assert_eq!(
        (ev[0].observed_after, ev[0].observed_before),
        (following[0].observed_at, following[1].completed_at)
    );
    assert_eq!(c.follow_state("7", "1").mutual(), Some(true));
    assert_eq!(c.follow_state("7", "2").mutual(), Some(false));
    // The handle was resolved once, through the source.
    assert_eq!(
        st.watch("w").unwrap().unwrap().options["sync"]["user_id"],
        "7"
    );
}

#[tokio::test]
async fn a_follow_list_stopped_half_way_is_continued_never_loaded_half() {
    let dir = tempfile::tempdir().unwrap();
    let mut st = store(&dir, WatchKind::Followers, "7");
    let src = FakeSource::new(&[], 2);
    src.set_follows("7", FollowDirection::Followers, &["1", "2", "3", "4", "5"]);

    // A rate limit at the second page: the first page is stored in an unfinished snapshot.
    *src.fail_at.lock().unwrap() = Some((
        "f1".into(),
        SourceError::RateLimited {
            reset_at: None,
            message: "429".into(),
        },
    ));
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(!r.complete && r.stopped.as_deref().unwrap().contains("rate limited"));
    assert_eq!((r.pages, r.accounts_fetched), (1, 2));
    assert!(st.load_corpus().unwrap().follow_snapshots().is_empty());
    let pending = st.pending_follow_snapshot("w").unwrap().unwrap();
    assert_eq!(pending.accounts, 2);

    // The next run goes on from f1 (a page limit stops it once more), the one after finishes.
    *src.fail_at.lock().unwrap() = None;
    let opts = SyncOptions {
        max_pages: Some(1),
        ..SyncOptions::default()
    };
    let r = sync_watch(&src, &mut st, "w", &opts, &mut |_| {})
        .await
        .unwrap();
    assert!(r.resumed && !r.complete);
    assert_eq!(r.cursor.next_token.as_deref(), Some("f2"));
    let r = sync_watch(&src, &mut st, "w", &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    assert!(r.resumed && r.complete);
    assert_eq!(r.snapshot_observed_at, Some(pending.observed_at));
    let c = st.load_corpus().unwrap();
    assert_eq!(c.follow_snapshots().len(), 1);
    assert_eq!(c.follow_snapshots()[0].accounts, ["1", "2", "3", "4", "5"]);
    assert_eq!(c.follow_snapshots()[0].observed_at, pending.observed_at);
    let calls = src.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "followers of 7 f0",
            "followers of 7 f1",
            "followers of 7 f1",
            "followers of 7 f2"
        ]
    );

    // A platform without follow lists says so, and the run fails naming the watch.
    let err = sync_watch(
        &NoFollows,
        &mut st,
        "w",
        &SyncOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            SyncError::Source {
                source: SourceError::Unsupported { .. },
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("followers of account 7"), "{err}");
}
