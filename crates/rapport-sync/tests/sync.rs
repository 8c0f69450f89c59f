//! The sync loop against a mock X API: incremental (only what is newer than the cursor), resumable
//! after a stop between pages with nothing lost and nothing fetched twice, and every watch kind.

mod support;

use rapport_store::{Cursor, Store, Watch, WatchKind};
use rapport_sync::{SyncEvent, SyncOptions, sync_all, sync_watch};
use serde_json::json;
use support::{client, ok, page, param, queries, server};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEARCH: &str = "/2/tweets/search/recent";

/// Posts 101..=109 in three pages of three, newest first: tokens t2 and t3 lead to pages 2 and 3.
async fn mount_three_pages(s: &MockServer, page3: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param_is_missing("next_token"))
        .and(query_param_is_missing("since_id"))
        .respond_with(ok(&page(&[109, 108, 107], Some("t2"))))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("next_token", "t2"))
        .respond_with(ok(&page(&[106, 105, 104], Some("t3"))))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("next_token", "t3"))
        .respond_with(page3)
        .mount(s)
        .await;
}

fn store_with_search(dir: &tempfile::TempDir, file: &str) -> Store {
    let mut st = Store::open(dir.path().join(file)).unwrap();
    st.add_watch(&Watch::new(
        "jobs",
        WatchKind::Search,
        "#hiring -is:retweet",
    ))
    .unwrap();
    st
}

fn post_ids(st: &Store) -> Vec<String> {
    let c = st.load_corpus().unwrap();
    let mut ids: Vec<String> = c.posts().map(|p| p.id().to_owned()).collect();
    ids.sort();
    ids
}

fn no_progress() -> impl FnMut(SyncEvent<'_>) + Send {
    |_| {}
}

#[tokio::test]
async fn an_interrupted_sync_resumes_and_ends_like_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SyncOptions::default();

    // The uninterrupted run.
    let s1 = server().await;
    mount_three_pages(&s1, ok(&page(&[103, 102, 101], None))).await;
    let mut clean = store_with_search(&dir, "clean.db");
    let r = sync_watch(&client(&s1), &mut clean, "jobs", &opts, &mut no_progress())
        .await
        .unwrap();
    assert_eq!((r.pages, r.posts_fetched, r.complete), (3, 9, true));
    assert_eq!(
        r.cursor,
        Cursor {
            newest_id: Some("109".into()),
            next_token: None
        }
    );

    // The interrupted run: page 3 answers 500 and retries are off, so the sync stops after two
    // stored pages, as if killed between pages.
    let s2 = server().await;
    mount_three_pages(
        &s2,
        ResponseTemplate::new(500).set_body_string("over capacity"),
    )
    .await;
    let mut crash = store_with_search(&dir, "crash.db");
    let r1 = sync_watch(&client(&s2), &mut crash, "jobs", &opts, &mut no_progress())
        .await
        .unwrap();
    assert_eq!((r1.pages, r1.posts_fetched, r1.complete), (2, 6, false));
    assert!(r1.stopped.as_deref().unwrap().contains("500"), "{r1:?}");
    // The cursor holds the token of the page that failed and still the sweep's since_id (none).
    let stored = crash.cursor("jobs").unwrap().unwrap().cursor;
    assert_eq!(
        stored,
        Cursor {
            newest_id: None,
            next_token: Some("t3".into())
        }
    );
    assert_eq!(crash.num_posts().unwrap(), 6);
    drop(crash);

    // Rerun (a new process: the store is reopened) against a server that now answers page 3.
    let s3 = server().await;
    mount_three_pages(&s3, ok(&page(&[103, 102, 101], None))).await;
    let mut crash = Store::open(dir.path().join("crash.db")).unwrap();
    let r2 = sync_watch(&client(&s3), &mut crash, "jobs", &opts, &mut no_progress())
        .await
        .unwrap();
    assert!(r2.resumed);
    assert_eq!((r2.pages, r2.posts_fetched, r2.complete), (1, 3, true));
    // Only page 3 was asked for: nothing fetched twice.
    let q = queries(&s3).await;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(param(&q[0].1, "next_token"), Some("t3"));
    // Same posts as the uninterrupted run, each once, and the same final cursor.
    assert_eq!(post_ids(&crash), post_ids(&clean));
    assert_eq!(crash.num_posts().unwrap(), 9);
    assert_eq!(r1.posts_fetched + r2.posts_fetched, 9);
    assert_eq!(r2.cursor, r.cursor);
    // The sweep's state was cleared with the last page.
    let w = crash.watch("jobs").unwrap().unwrap();
    assert_eq!(w.options["sync"], json!({}));
}

#[tokio::test]
async fn the_next_run_asks_only_for_posts_newer_than_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    mount_three_pages(&s, ok(&page(&[103, 102, 101], None))).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("since_id", "109"))
        .respond_with(ok(&page(&[111, 110], None)))
        .mount(&s)
        .await;
    let mut st = store_with_search(&dir, "s.db");
    let c = client(&s);
    let mut events = Vec::new();
    let mut progress = |e: SyncEvent<'_>| {
        events.push(match e {
            SyncEvent::WatchStarted { resumed, .. } => format!("start resumed={resumed}"),
            SyncEvent::Page { pages, posts, .. } => format!("page {pages} posts {posts}"),
            SyncEvent::WatchDone(r) => format!("done complete={}", r.complete),
        });
    };
    sync_all(&c, &mut st, &SyncOptions::default(), &mut progress)
        .await
        .unwrap();
    let r = sync_all(&c, &mut st, &SyncOptions::default(), &mut progress)
        .await
        .unwrap();
    assert_eq!(r.posts_fetched(), 2);
    assert_eq!(
        r.watches[0].cursor.newest_id.as_deref(),
        Some("111"),
        "the cursor moves to the newest post"
    );
    let q = queries(&s).await;
    assert_eq!(q.len(), 4);
    assert_eq!(param(&q[3].1, "since_id"), Some("109"));
    assert_eq!(param(&q[0].1, "max_results"), Some("100"));
    assert_eq!(st.num_posts().unwrap(), 11);
    assert_eq!(
        events,
        [
            "start resumed=false",
            "page 1 posts 3",
            "page 2 posts 6",
            "page 3 posts 9",
            "done complete=true",
            "start resumed=false",
            "page 1 posts 2",
            "done complete=true",
        ]
    );
}

#[tokio::test]
async fn a_page_limit_stops_between_pages_and_the_next_run_continues() {
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    mount_three_pages(&s, ok(&page(&[103, 102, 101], None))).await;
    let mut st = store_with_search(&dir, "s.db");
    let opts = SyncOptions {
        max_pages: Some(2),
        ..SyncOptions::default()
    };
    let c = client(&s);
    let r1 = sync_watch(&c, &mut st, "jobs", &opts, &mut no_progress())
        .await
        .unwrap();
    assert_eq!((r1.pages, r1.complete), (2, false));
    assert!(r1.stopped.unwrap().contains("page limit"));
    let r2 = sync_watch(&c, &mut st, "jobs", &opts, &mut no_progress())
        .await
        .unwrap();
    assert_eq!((r2.pages, r2.complete, r2.resumed), (1, true, true));
    assert_eq!(st.num_posts().unwrap(), 9);
    assert_eq!(r2.cursor.newest_id.as_deref(), Some("109"));
}

#[tokio::test]
async fn a_rate_limit_stop_is_reported_and_resumable() {
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    // Reset far beyond the fake clock: the client (wait_on_rate_limit off) returns RateLimited.
    mount_three_pages(
        &s,
        ResponseTemplate::new(429)
            .insert_header("x-rate-limit-limit", "450")
            .insert_header("x-rate-limit-remaining", "0")
            .insert_header("x-rate-limit-reset", "1893456000")
            .set_body_json(json!({"title": "Too Many Requests", "status": 429, "type": "about:blank", "detail": "Too Many Requests"})),
    )
    .await;
    let mut st = store_with_search(&dir, "s.db");
    let r = sync_watch(
        &client(&s),
        &mut st,
        "jobs",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap();
    assert_eq!((r.pages, r.complete), (2, false));
    assert!(r.stopped.is_some());
    assert_eq!(r.cursor.next_token.as_deref(), Some("t3"));
}

#[tokio::test]
async fn a_401_is_an_error_naming_the_watch_and_keeps_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    mount_three_pages(
        &s,
        ResponseTemplate::new(401).set_body_json(json!({"title": "Unauthorized", "status": 401, "type": "about:blank", "detail": "Unauthorized"})),
    )
    .await;
    let mut st = store_with_search(&dir, "s.db");
    let err = sync_watch(
        &client(&s),
        &mut st,
        "jobs",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\"jobs\"") && msg.contains("2 page(s) stored"),
        "{msg}"
    );
    assert!(!msg.contains(support::TOKEN));
    assert_eq!(st.num_posts().unwrap(), 6);
}

#[tokio::test]
async fn mentions_resolve_the_handle_once_and_lists_stop_at_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/acme_careers"))
        .respond_with(ok(
            &json!({"data": {"id": "1", "username": "acme_careers", "name": "Acme Careers"}}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/mentions"))
        .and(query_param_is_missing("since_id"))
        .respond_with(ok(&page(&[205, 204], None)))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/mentions"))
        .and(query_param("since_id", "205"))
        .respond_with(ok(&page(&[], None)))
        .mount(&s)
        .await;
    // The list: first run 303..301; second run the list has 305, 304 on top, then the old ones.
    Mock::given(method("GET"))
        .and(path("/2/lists/77/tweets"))
        .respond_with(ok(&page(&[303, 302, 301], None)))
        .up_to_n_times(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/lists/77/tweets"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ok(&page(&[305, 304, 303], Some("older"))))
        .mount(&s)
        .await;

    let mut st = Store::open(dir.path().join("s.db")).unwrap();
    st.add_watch(&Watch::new("m", WatchKind::Mentions, "@Acme_Careers"))
        .unwrap();
    st.add_watch(&Watch::new("l", WatchKind::List, "77"))
        .unwrap();
    let c = client(&s);
    let r1 = sync_all(&c, &mut st, &SyncOptions::default(), &mut no_progress())
        .await
        .unwrap();
    assert_eq!(r1.posts_fetched(), 5);
    assert!(r1.is_complete());
    let r2 = sync_all(&c, &mut st, &SyncOptions::default(), &mut no_progress())
        .await
        .unwrap();
    // Mentions: nothing new. List: only 305 and 304, and no request for the "older" page.
    assert_eq!(r2.watches[0].posts_fetched, 0);
    assert_eq!(r2.watches[1].posts_fetched, 2);
    assert_eq!(r2.watches[1].cursor.newest_id.as_deref(), Some("305"));
    assert_eq!(r2.watches[1].cursor.next_token, None);
    let q = queries(&s).await;
    assert!(
        q.iter()
            .all(|(_, p)| param(p, "pagination_token").is_none()),
        "{q:?}"
    );
    assert_eq!(st.num_posts().unwrap(), 7);
    // The user id was kept with the watch: one lookup over both runs (checked by `expect(1)`).
    assert_eq!(
        st.watch("m").unwrap().unwrap().options["sync"]["user_id"],
        "1"
    );
}

#[tokio::test]
async fn an_unknown_watch_is_a_clear_error() {
    let s = server().await;
    let mut st = Store::open_in_memory().unwrap();
    let err = sync_watch(
        &client(&s),
        &mut st,
        "nope",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("no watch named \"nope\""), "{err}");
}

#[tokio::test]
async fn a_bad_item_is_skipped_counted_and_the_sync_goes_on() {
    let s = server().await;
    // Page 1: a good post, a post with an empty id, a post without an author, and an included user
    // without an id. Page 2: good posts.
    let mut p1 = page(&[109, 108], Some("t2"));
    let data = p1["data"].as_array_mut().unwrap();
    data.insert(
        1,
        json!({"id": "", "text": "no id", "author_id": "2",
        "created_at": "2026-05-01T10:00:00.000Z"}),
    );
    data.push(json!({"id": "107", "text": "no author", "created_at": "2026-05-01T10:00:00.000Z"}));
    p1["includes"]["users"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "", "username": "ghost", "name": "Ghost"}));
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param_is_missing("next_token"))
        .respond_with(ok(&p1))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("next_token", "t2"))
        .respond_with(ok(&page(&[106, 105], None)))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let mut st = store_with_search(&dir, "bad.db");
    let r = sync_watch(
        &client(&s),
        &mut st,
        "jobs",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap();
    assert!(r.complete);
    assert_eq!(r.pages, 2);
    assert_eq!(r.posts_fetched, 4);
    assert_eq!(post_ids(&st), ["105", "106", "108", "109"]);
    let skipped: Vec<(&str, usize)> = r.skipped.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(
        skipped,
        [
            ("post without an author_id", 1),
            ("post without an id", 1),
            ("user without an id", 1)
        ]
    );
    assert_eq!(r.cursor.newest_id.as_deref(), Some("109"));
}

#[tokio::test]
async fn a_second_sync_of_the_same_store_is_refused_naming_the_process() {
    let s = server().await;
    mount_three_pages(&s, ok(&page(&[103, 102, 101], None))).await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = store_with_search(&dir, "locked.db");
    let held = first.acquire_sync_lock().unwrap();
    let mut second = Store::open(dir.path().join("locked.db")).unwrap();
    let err = sync_all(
        &client(&s),
        &mut second,
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    // Nothing was fetched by the refused run.
    assert!(queries(&s).await.is_empty());
    first.release_sync_lock(&held).unwrap();
    // Once released, a sync runs, and gives the lock back when done (or failed).
    let r = sync_all(
        &client(&s),
        &mut second,
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap();
    assert!(r.is_complete());
    first.acquire_sync_lock().unwrap();
}

fn users(ids: &[&str], next: Option<&str>) -> serde_json::Value {
    let data: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| json!({"id": id, "username": format!("user{id}"), "name": format!("User {id}")}))
        .collect();
    let mut meta = json!({"result_count": ids.len()});
    if let Some(t) = next {
        meta["next_token"] = json!(t);
    }
    json!({"data": data, "meta": meta})
}

/// A followers watch against the mock X API: every page of the list (`pagination_token`), one
/// snapshot per run, a bad user counted and left out; the second run's shorter list gives unfollows.
#[tokio::test]
async fn a_followers_watch_reads_every_page_into_one_snapshot_per_run() {
    const NEXT: &str = "followers-page-2-token-aaaa";
    let dir = tempfile::tempdir().unwrap();
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/acme_careers"))
        .respond_with(ok(
            &json!({"data": {"id": "1", "username": "acme_careers", "name": "Acme Careers"}}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    // Run 1: users 2, 3, then 4 and a user without a username; run 2: only 2.
    Mock::given(method("GET"))
        .and(path("/2/users/1/followers"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ok(&users(&["2", "3"], Some(NEXT))))
        .up_to_n_times(1)
        .mount(&s)
        .await;
    let mut page2 = users(&["4"], None);
    page2["data"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "5", "name": "No Username"}));
    Mock::given(method("GET"))
        .and(path("/2/users/1/followers"))
        .and(query_param("pagination_token", NEXT))
        .respond_with(ok(&page2))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/followers"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ok(&users(&["2"], None)))
        .mount(&s)
        .await;

    let mut st = Store::open(dir.path().join("s.db")).unwrap();
    st.add_watch(&Watch::new("f", WatchKind::Followers, "@acme_careers"))
        .unwrap();
    let c = client(&s);
    let r1 = sync_watch(
        &c,
        &mut st,
        "f",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap();
    assert!(r1.complete, "{r1:?}");
    assert_eq!((r1.pages, r1.accounts_fetched), (2, 3));
    assert_eq!(r1.skipped.get("user without a username"), Some(&1));
    assert_eq!(r1.cursor, Cursor::default());
    let r2 = sync_watch(
        &c,
        &mut st,
        "f",
        &SyncOptions::default(),
        &mut no_progress(),
    )
    .await
    .unwrap();
    assert_eq!((r2.pages, r2.accounts_fetched), (1, 1));

    let q = queries(&s).await;
    let follower_calls: Vec<_> = q
        .iter()
        .filter(|(p, _)| p == "/2/users/1/followers")
        .collect();
    assert_eq!(follower_calls.len(), 3);
    assert!(
        follower_calls
            .iter()
            .all(|(_, p)| param(p, "max_results") == Some("1000"))
    );
    assert_eq!(param(&follower_calls[1].1, "pagination_token"), Some(NEXT));

    let corpus = st.load_corpus().unwrap();
    let snaps = corpus.follow_snapshots();
    assert_eq!(snaps.len(), 2);
    assert_eq!(snaps[0].accounts, ["2", "3", "4"]);
    assert_eq!(snaps[1].accounts, ["2"]);
    assert_eq!(corpus.account_by_id("4").unwrap().handle(), "user4");
    // 3 and 4 stopped following between the start of run 1 and the end of run 2.
    let ev = corpus.follow_events(&["acme_careers"]).unwrap();
    assert_eq!(
        ev.iter()
            .map(|e| (
                e.account.as_str(),
                e.kind.as_str(),
                e.observed_after,
                e.observed_before
            ))
            .collect::<Vec<_>>(),
        [
            (
                "3",
                "unfollowed",
                snaps[0].observed_at,
                snaps[1].completed_at
            ),
            (
                "4",
                "unfollowed",
                snaps[0].observed_at,
                snaps[1].completed_at
            ),
        ]
    );
}
