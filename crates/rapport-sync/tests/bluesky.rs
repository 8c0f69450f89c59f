//! The sync loop against a mock Bluesky AppView (XRPC on 127.0.0.1): an author-feed watch that is
//! interrupted and resumes, then asks only for what is newer; a followers watch read into one follow
//! snapshot; a thread watch; and a store of Bluesky watches synced without any X source.

use rapport_bluesky::client::BskyClient;
use rapport_core::Platform;
use rapport_core::follows::FollowDirection;
use rapport_store::{Store, Watch, WatchKind};
use rapport_sync::{Sources, SyncError, SyncOptions, sync_watches_by_platform};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACME: &str = "did:plc:acme";

fn uri(rkey: &str) -> String {
    format!("at://{ACME}/app.bsky.feed.post/{rkey}")
}

/// `app.bsky.feed.defs#postView` of a post by acme.
fn post(rkey: &str, text: &str, at: &str) -> Value {
    json!({
        "uri": uri(rkey), "cid": format!("bafy{rkey}"),
        "author": {"did": ACME, "handle": "acme.test"},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": at},
        "indexedAt": at
    })
}

/// One page of `getAuthorFeed`.
fn feed(posts: &[(&str, &str)], cursor: Option<&str>) -> ResponseTemplate {
    let items: Vec<Value> = posts
        .iter()
        .map(|(rkey, at)| json!({"post": post(rkey, &format!("post {rkey}"), at)}))
        .collect();
    let mut body = json!({ "feed": items });
    if let Some(c) = cursor {
        body["cursor"] = json!(c);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount(s: &MockServer, p: &str, cursor: Option<&str>, answer: ResponseTemplate) {
    let m = Mock::given(method("GET")).and(path(format!("/xrpc/{p}")));
    match cursor {
        Some(c) => {
            m.and(query_param("cursor", c))
                .respond_with(answer)
                .mount(s)
                .await;
        }
        None => {
            m.and(query_param_is_missing("cursor"))
                .respond_with(answer)
                .mount(s)
                .await;
        }
    }
}

fn client(s: &MockServer) -> BskyClient {
    BskyClient::builder()
        .base_url(s.uri())
        .pds_url(s.uri())
        .build()
        .unwrap()
}

fn opts(max_pages: Option<usize>) -> SyncOptions {
    SyncOptions {
        max_pages,
        ..SyncOptions::default()
    }
}

fn post_ids(st: &Store) -> Vec<String> {
    let mut ids: Vec<String> = st
        .load_corpus()
        .unwrap()
        .posts()
        .map(|p| p.id().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn an_author_feed_watch_resumes_after_a_stop_and_then_fetches_only_newer_posts() {
    let s = MockServer::start().await;
    let feed_path = "app.bsky.feed.getAuthorFeed";
    mount(
        &s,
        feed_path,
        None,
        feed(
            &[
                ("3k9", "2024-05-01T12:00:00Z"),
                ("3k8", "2024-05-01T11:00:00Z"),
            ],
            Some("c2"),
        ),
    )
    .await;
    mount(
        &s,
        feed_path,
        Some("c2"),
        feed(&[("3k7", "2024-05-01T10:00:00Z")], None),
    )
    .await;
    let bsky = client(&s);
    let sources = Sources {
        x: None,
        bluesky: Some(&bsky),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(dir.path().join("b.db")).unwrap();
    st.add_watch(&Watch::new("acme", WatchKind::Timeline, ACME).on(Platform::Bluesky))
        .unwrap();
    let names = vec!["acme".to_owned()];

    // Stopped after one page: its posts and the token of the next are stored together.
    let r = sync_watches_by_platform(&sources, &mut st, &names, &opts(Some(1)), &mut |_| {})
        .await
        .unwrap();
    assert!(!r.is_complete());
    assert_eq!(post_ids(&st), [uri("3k8"), uri("3k9")]);
    let c = st.cursor("acme").unwrap().unwrap().cursor;
    assert_eq!((c.newest_id, c.next_token.as_deref()), (None, Some("c2")));

    // The next run continues from the token and ends the sweep at the newest post it began with.
    let r = sync_watches_by_platform(&sources, &mut st, &names, &opts(None), &mut |_| {})
        .await
        .unwrap();
    let w = &r.watches[0];
    assert!(w.resumed && w.complete, "{w:?}");
    assert_eq!((w.pages, w.posts_fetched), (1, 1));
    assert_eq!(post_ids(&st).len(), 3);
    let c = st.cursor("acme").unwrap().unwrap().cursor;
    assert_eq!((c.newest_id, c.next_token), (Some(uri("3k9")), None));
    let corpus = st.load_corpus().unwrap();
    let acme = corpus.find_account("acme.test").unwrap();
    assert_eq!((acme.id(), acme.platform()), (ACME, Platform::Bluesky));

    // A new post: the next sweep stops where the last one began, without asking for page 2.
    s.reset().await;
    mount(
        &s,
        feed_path,
        None,
        feed(
            &[
                ("3ka", "2024-05-02T09:00:00Z"),
                ("3k9", "2024-05-01T12:00:00Z"),
                ("3k8", "2024-05-01T11:00:00Z"),
            ],
            Some("c2"),
        ),
    )
    .await;
    let r = sync_watches_by_platform(&sources, &mut st, &names, &opts(None), &mut |_| {})
        .await
        .unwrap();
    let w = &r.watches[0];
    assert!(w.complete && !w.resumed);
    assert_eq!((w.pages, w.posts_fetched), (1, 1));
    assert_eq!(w.cursor.newest_id, Some(uri("3ka")));
    assert_eq!(post_ids(&st).len(), 4);
    assert!(
        s.received_requests().await.unwrap().iter().all(|q| !q
            .url
            .query()
            .unwrap_or("")
            .contains("cursor=")),
        "page 2 was asked for again"
    );
}

#[tokio::test]
async fn a_followers_watch_by_handle_reads_every_page_into_one_snapshot() {
    let s = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.actor.getProfiles"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"profiles": [{"did": ACME, "handle": "acme.test"}]})),
        )
        .mount(&s)
        .await;
    let page = |dids: &[&str], cursor: Option<&str>| {
        let followers: Vec<Value> = dids
            .iter()
            .map(|d| json!({"did": d, "handle": format!("{}.test", &d[8..])}))
            .collect();
        let mut b =
            json!({"subject": {"did": ACME, "handle": "acme.test"}, "followers": followers});
        if let Some(c) = cursor {
            b["cursor"] = json!(c);
        }
        ResponseTemplate::new(200).set_body_json(b)
    };
    mount(
        &s,
        "app.bsky.graph.getFollowers",
        None,
        page(&["did:plc:ada", "did:plc:bob"], Some("f2")),
    )
    .await;
    mount(
        &s,
        "app.bsky.graph.getFollowers",
        Some("f2"),
        page(&["did:plc:cy"], None),
    )
    .await;
    let bsky = client(&s);
    let sources = Sources {
        x: None,
        bluesky: Some(&bsky),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(dir.path().join("f.db")).unwrap();
    st.add_watch(&Watch::new("fans", WatchKind::Followers, "@acme.test").on(Platform::Bluesky))
        .unwrap();
    let names = vec!["fans".to_owned()];
    let r = sync_watches_by_platform(&sources, &mut st, &names, &opts(Some(1)), &mut |_| {})
        .await
        .unwrap();
    assert!(!r.is_complete());
    // An unfinished reading is never loaded.
    assert!(st.load_corpus().unwrap().follow_snapshots().is_empty());
    let r = sync_watches_by_platform(&sources, &mut st, &names, &opts(None), &mut |_| {})
        .await
        .unwrap();
    let w = &r.watches[0];
    assert!(w.resumed && w.complete, "{w:?}");
    let corpus = st.load_corpus().unwrap();
    let snaps = corpus.follow_snapshots();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].owner, ACME);
    assert_eq!(snaps[0].direction, FollowDirection::Followers);
    let mut ids: Vec<&str> = snaps[0].accounts.iter().map(String::as_str).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["did:plc:ada", "did:plc:bob", "did:plc:cy"]);
    let ada = corpus.find_account("ada.test").unwrap();
    assert_eq!(
        (ada.id(), ada.platform()),
        ("did:plc:ada", Platform::Bluesky)
    );
    assert_eq!(corpus.find_account("acme.test").unwrap().id(), ACME);
}

#[tokio::test]
async fn a_thread_watch_stores_the_conversation_and_bluesky_watches_need_no_x_source() {
    let s = MockServer::start().await;
    let mut reply = post("3kr", "Congrats!", "2024-05-01T13:00:00Z");
    reply["record"]["reply"] = json!({"root": {"uri": uri("3k9"), "cid": "bafy3k9"}, "parent": {"uri": uri("3k9"), "cid": "bafy3k9"}});
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.getPostThread"))
        .and(query_param("uri", uri("3k9")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": post("3k9", "We are hiring", "2024-05-01T12:00:00Z"),
            "replies": [
                {"$type": "app.bsky.feed.defs#threadViewPost", "post": reply, "replies": []},
                {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri("3kx"), "notFound": true}
            ]
        }})))
        .mount(&s)
        .await;
    let bsky = client(&s);
    let dir = tempfile::tempdir().unwrap();
    let mut st = Store::open(dir.path().join("t.db")).unwrap();
    st.add_watch(&Watch::new("launch", WatchKind::Thread, uri("3k9")).on(Platform::Bluesky))
        .unwrap();
    st.add_watch(&Watch::new("x-jobs", WatchKind::Search, "#hiring"))
        .unwrap();
    let sources = Sources {
        x: None,
        bluesky: Some(&bsky),
    };
    let r = sync_watches_by_platform(
        &sources,
        &mut st,
        &["launch".to_owned()],
        &opts(None),
        &mut |_| {},
    )
    .await
    .unwrap();
    let w = &r.watches[0];
    assert!(w.complete, "{w:?}");
    assert_eq!(post_ids(&st), [uri("3k9"), uri("3kr")]);
    let corpus = st.load_corpus().unwrap();
    assert_eq!(
        corpus.post_by_id(&uri("3kr")).unwrap().reply_to_id(),
        Some(uri("3k9").as_str())
    );
    // An X watch with no X source is refused by name, before anything is asked of anyone.
    let e = sync_watches_by_platform(
        &sources,
        &mut st,
        &["x-jobs".to_owned()],
        &opts(None),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, SyncError::NoSource { ref watch, platform: "x" } if watch == "x-jobs"),
        "{e}"
    );
    assert!(e.to_string().contains("x-jobs"), "{e}");
    assert!(st.cursor("x-jobs").unwrap().is_none());
}
