//! The client against a mock XRPC server on 127.0.0.1 (wiremock), with answers shaped as the lexicons
//! say: pagination, threads with not-found and blocked nodes, facets over multi-byte text, reposts in
//! a feed, follow records with dates, 429 with `ratelimit-reset`, 5xx retries, and an app-password
//! session whose password never appears in any output.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::{post_view, profile, record, reply_record, server, uri};
use rapport_bluesky::ClientError;
use rapport_bluesky::client::{BskyClient, Clock, FakeClock, RetryPolicy, SearchOptions};
use rapport_bluesky::jsonl::{ImportOptions, JsonlWriter, import_jsonl_reader};
use rapport_core::follows::FollowEventKind;
use rapport_core::source::{Limit, MissingReason};
use rapport_core::{Platform, PostKind};
use serde_json::json;
use wiremock::matchers::{
    body_partial_json, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACME: &str = "did:plc:acme";
const ADA: &str = "did:plc:ada";
const BOB: &str = "did:plc:bob";

fn clock() -> FakeClock {
    FakeClock::new(Utc.with_ymd_and_hms(2024, 5, 2, 12, 0, 0).unwrap())
}

fn client(s: &MockServer, clock: &FakeClock) -> BskyClient {
    BskyClient::builder()
        .base_url(s.uri())
        .pds_url(s.uri())
        .retry(RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        })
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn feed_pages(s: &MockServer) {
    let p = |rkey: &str, text: &str, t: &str| json!({"post": post_view(ACME, "acme.test", rkey, record(text, t))});
    let nsid = "/xrpc/app.bsky.feed.getAuthorFeed";
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("actor", "acme.test"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(json!({"feed": [p("3k3", "third #hiring", "2024-05-01T12:00:00Z"), p("3k2", "second", "2024-05-01T11:00:00Z")], "cursor": "c1"})))
        .mount(s)
        .await;
    // An empty page with a cursor is not the end.
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("cursor", "c1"))
        .respond_with(ok(json!({"feed": [], "cursor": "c2"})))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("cursor", "c2"))
        .respond_with(ok(
            json!({"feed": [p("3k1", "first", "2024-05-01T10:00:00Z")]}),
        ))
        .mount(s)
        .await;
}

#[tokio::test]
async fn pagination_follows_cursors_through_empty_pages_and_stops_at_limits() {
    let s = server().await;
    feed_pages(&s).await;
    let c = client(&s, &clock());
    let all = c.author_feed("acme.test", Limit::default()).await.unwrap();
    assert_eq!(all.pages.len(), 3);
    assert_eq!(all.corpus.num_posts(), 3);
    assert_eq!(all.cursor, None);
    assert!(
        all.pages[0].url.contains("filter=posts_with_replies"),
        "{}",
        all.pages[0].url
    );
    let first = all.corpus.post_by_id(&uri(ACME, "3k1")).unwrap();
    assert_eq!(first.author().handle(), "acme.test");
    assert_eq!(first.author().platform(), Platform::Bluesky);
    assert_eq!(first.conversation_id(), Some(uri(ACME, "3k1").as_str()));

    let two = c.author_feed("@acme.test", Limit::pages(2)).await.unwrap();
    assert_eq!(two.pages.len(), 2);
    assert_eq!(two.cursor.as_deref(), Some("c2"), "where to resume");
    let by_items = c.author_feed("acme.test", Limit::items(2)).await.unwrap();
    assert_eq!(by_items.pages.len(), 1);

    // The pages written as JSONL import back to the same corpus.
    let mut w = JsonlWriter::new(Vec::new());
    for p in &all.pages {
        w.write_page(p).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    let back = import_jsonl_reader(&bytes[..], "feed.jsonl", &ImportOptions::strict()).unwrap();
    assert_eq!(back.pages, 3);
    assert_eq!(back.corpus.num_posts(), 3);
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.lines()
            .all(|l| l.contains("\"retrieved_at\":\"2024-05-02T12:00:00.000Z\""))
    );
}

#[tokio::test]
async fn a_thread_with_not_found_and_blocked_nodes_keeps_the_rest() {
    let s = server().await;
    let root = uri(ACME, "3kroot");
    let gone = uri(BOB, "3kgone");
    // acme's root; ada replies to it; a deleted reply (notFound) had a reply by acme that is still
    // there; a reply hidden by a block.
    let thread = json!({"thread": {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": post_view(ADA, "ada.test", "3kada", reply_record("Is it remote?", "2024-05-01T10:00:00Z", &root, &root)),
        "parent": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": post_view(ACME, "acme.test", "3kroot", record("We are #hiring", "2024-05-01T09:00:00Z"))
        },
        "replies": [
            {"$type": "app.bsky.feed.defs#notFoundPost", "uri": gone, "notFound": true},
            {"$type": "app.bsky.feed.defs#blockedPost", "uri": uri("did:plc:troll", "3kx"), "blocked": true,
             "author": {"did": "did:plc:troll", "viewer": {"blockedBy": true}}},
            {"$type": "app.bsky.feed.defs#threadViewPost",
             "post": post_view(ACME, "acme.test", "3kans", reply_record("Yes, fully remote", "2024-05-01T11:00:00Z", &root, &uri(ADA, "3kada"))),
             "replies": []}
        ]
    }});
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.getPostThread"))
        .and(query_param("uri", uri(ADA, "3kada")))
        .and(query_param("depth", "1000"))
        .respond_with(ok(thread))
        .mount(&s)
        .await;
    // A bsky.app URL with a handle is resolved to a DID first.
    Mock::given(method("GET"))
        .and(path("/xrpc/com.atproto.identity.resolveHandle"))
        .and(query_param("handle", "ada.test"))
        .respond_with(ok(json!({"did": ADA})))
        .mount(&s)
        .await;
    let c = client(&s, &clock());
    let f = c
        .thread("https://bsky.app/profile/ada.test/post/3kada")
        .await
        .unwrap();
    assert_eq!(f.corpus.num_posts(), 3);
    assert_eq!(f.added.missing.len(), 2);
    assert_eq!(f.added.missing[0].id, gone);
    assert_eq!(f.added.missing[0].reason, MissingReason::NotFound);
    assert_eq!(
        f.added.missing[1].reason,
        MissingReason::Other {
            detail: "blocked".into()
        }
    );
    let conv = f.corpus.conversation(&root).unwrap();
    assert_eq!(conv.depth, 2, "root → ada → acme's answer");
    let answer = f.corpus.post_by_id(&uri(ACME, "3kans")).unwrap();
    assert_eq!(answer.kind(), PostKind::Reply);

    // A root that is itself gone is a placeholder, not an error.
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.getPostThread"))
        .and(query_param("uri", gone.as_str()))
        .respond_with(ok(json!({"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": gone, "notFound": true}})))
        .mount(&s)
        .await;
    let f = c.thread(&gone).await.unwrap();
    assert_eq!(f.corpus.num_posts(), 0);
    assert_eq!(f.added.missing.len(), 1);
}

#[tokio::test]
async fn facets_use_utf8_byte_offsets_over_emoji_and_cjk() {
    let s = server().await;
    // Offsets computed independently (Python: text.encode().find(...)): the mention starts at
    // character 6 but byte 15, the tag at character 25 but byte 36.
    let text = "🎉 会議で @ada.bsky.social と #Rust の話 https://rust-lang.org/learn";
    let mut rec = record(text, "2024-05-01T09:00:00Z");
    rec["facets"] = json!([
        {"index": {"byteStart": 15, "byteEnd": 31}, "features": [{"$type": "app.bsky.richtext.facet#mention", "did": ADA}]},
        {"index": {"byteStart": 36, "byteEnd": 41}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Rust"}]},
        {"index": {"byteStart": 49, "byteEnd": 76}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://rust-lang.org/learn"}]}
    ]);
    rec["tags"] = json!(["採用", "rust"]);
    rec["langs"] = json!(["ja", "en"]);
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .and(query_param("q", "rust"))
        .and(query_param("lang", "ja"))
        .respond_with(ok(
            json!({"posts": [post_view(ACME, "acme.test", "3kf", rec)], "hitsTotal": 1}),
        ))
        .mount(&s)
        .await;
    let c = client(&s, &clock());
    let opts = SearchOptions {
        lang: Some("ja".into()),
        ..SearchOptions::default()
    };
    let f = c.search("rust", &opts, Limit::default()).await.unwrap();
    let p = f.corpus.post_by_id(&uri(ACME, "3kf")).unwrap().to_post();
    assert_eq!(p.mentions.len(), 1);
    assert_eq!(p.mentions[0].id.as_deref(), Some(ADA));
    assert_eq!(p.mentions[0].handle, "ada.bsky.social");
    let tags: Vec<String> = p
        .hashtags
        .iter()
        .map(|t| rapport_core::normalize_hashtag(t))
        .collect();
    assert_eq!(
        tags,
        vec!["rust".to_owned(), "採用".to_owned()],
        "facet tags, then record tags, deduplicated"
    );
    assert_eq!(p.urls, vec!["https://rust-lang.org/learn".to_owned()]);
    assert_eq!(p.lang.as_deref(), Some("ja"));
}

#[tokio::test]
async fn reposts_in_a_feed_become_reposts_by_the_reposter() {
    let s = server().await;
    let original = post_view(
        ADA,
        "ada.test",
        "3korig",
        record("Rust meetup tonight", "2024-05-01T08:00:00Z"),
    );
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.getAuthorFeed"))
        .respond_with(ok(json!({"feed": [
            {"post": original, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(ACME, "acme.test"),
              "uri": "at://did:plc:acme/app.bsky.feed.repost/3krp", "indexedAt": "2024-05-01T09:30:00Z"}},
            {"post": original, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(BOB, "bob.test"),
              "indexedAt": "2024-05-01T09:45:00Z"}}
        ]})))
        .mount(&s)
        .await;
    let c = client(&s, &clock());
    let f = c.author_feed("acme.test", Limit::default()).await.unwrap();
    assert_eq!(f.corpus.num_posts(), 3, "the original and two reposts");
    let r = f
        .corpus
        .post_by_id("at://did:plc:acme/app.bsky.feed.repost/3krp")
        .unwrap();
    assert_eq!(r.kind(), PostKind::Repost);
    assert_eq!(r.author().id(), ACME);
    assert_eq!(
        r.created_at(),
        Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap()
    );
    let r2 = f
        .corpus
        .post_by_id(&format!("repost:{BOB}:{}", uri(ADA, "3korig")))
        .unwrap();
    assert_eq!(r2.text(), "Rust meetup tonight");
    assert_eq!(
        r2.to_post().reposted.as_deref(),
        Some(uri(ADA, "3korig").as_str())
    );
}

#[tokio::test]
async fn follow_records_give_exact_follow_times() {
    let s = server().await;
    let rec = |repo: &str, rkey: &str, subject: &str, t: &str| {
        json!({"uri": format!("at://{repo}/app.bsky.graph.follow/{rkey}"), "cid": "bafyf",
               "value": {"$type": "app.bsky.graph.follow", "subject": subject, "createdAt": t}})
    };
    let nsid = "/xrpc/com.atproto.repo.listRecords";
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("repo", "ada.test"))
        .and(query_param("collection", "app.bsky.graph.follow"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(json!({"records": [rec(ADA, "3kf1", ACME, "2024-04-03T08:15:00.000Z")], "cursor": "3kf1"})))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("repo", "ada.test"))
        .and(query_param("cursor", "3kf1"))
        .respond_with(ok(
            json!({"records": [rec(ADA, "3kf0", BOB, "2024-03-01T00:00:00Z")]}),
        ))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("repo", "acme.test"))
        .respond_with(ok(
            json!({"records": [rec(ACME, "3kfa", ADA, "2024-04-05T17:00:00+02:00")]}),
        ))
        .mount(&s)
        .await;
    let c = client(&s, &clock());
    let mut f = c
        .follow_records("ada.test", Limit::default())
        .await
        .unwrap();
    assert_eq!(f.pages.len(), 2);
    f.merge(
        c.follow_records("acme.test", Limit::default())
            .await
            .unwrap(),
    );
    assert_eq!(f.corpus.follow_records().len(), 3);
    let events = f.corpus.follow_events(&[ACME]).unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    let ada_follows = Utc.with_ymd_and_hms(2024, 4, 3, 8, 15, 0).unwrap();
    assert_eq!(events[0].kind, FollowEventKind::Followed);
    assert_eq!(
        (events[0].observed_after, events[0].observed_before),
        (ada_follows, ada_follows)
    );
    let back = Utc.with_ymd_and_hms(2024, 4, 5, 15, 0, 0).unwrap();
    assert_eq!(events[1].kind, FollowEventKind::FollowedBack);
    assert_eq!(
        (events[1].observed_after, events[1].observed_before),
        (back, back)
    );
    assert_eq!(f.corpus.follow_state(ACME, ADA).mutual(), Some(true));
}

#[tokio::test]
async fn a_429_waits_until_ratelimit_reset_and_5xx_are_retried_but_4xx_are_not() {
    let s = server().await;
    let clk = clock();
    let reset = clk.now().timestamp() + 30;
    let nsid = "/xrpc/app.bsky.graph.getFollowers";
    Mock::given(method("GET"))
        .and(path(nsid))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("ratelimit-limit", "3000")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", reset.to_string().as_str())
                .set_body_json(
                    json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}),
                ),
        )
        .up_to_n_times(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "Unavailable"})))
        .up_to_n_times(2)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .respond_with(
            ok(json!({"subject": profile(ACME, "acme.test"), "followers": [profile(ADA, "ada.test")]}))
                .insert_header("ratelimit-remaining", "2999")
                .insert_header("ratelimit-reset", (reset + 300).to_string().as_str()),
        )
        .mount(&s)
        .await;
    let c = client(&s, &clk);
    let f = c.followers("acme.test", Limit::default()).await.unwrap();
    assert_eq!(f.corpus.follow_snapshots().len(), 1);
    // 30 s to the reset + 1 s margin, then the two 5xx backoffs (1 s, 2 s).
    assert_eq!(
        clk.sleeps(),
        vec![
            Duration::from_secs(31),
            Duration::from_secs(1),
            Duration::from_secs(2)
        ]
    );
    assert_eq!(c.last_rate_limit().unwrap().remaining, Some(2999));

    // A 400 is never retried.
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.graph.getFollows"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "InvalidRequest", "message": "Profile not found"})),
        )
        .expect(1)
        .mount(&s)
        .await;
    let err = c
        .follows("nobody.test", Limit::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Xrpc { status: 400, error, .. } if error == "InvalidRequest"),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(clk.sleeps().len(), 3, "no backoff for a 400");
}

#[tokio::test]
async fn a_far_reset_or_no_waiting_returns_rate_limited_with_the_reset() {
    let s = server().await;
    let clk = clock();
    let reset = clk.now().timestamp() + 3600;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.getQuotes"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", reset.to_string().as_str()),
        )
        .mount(&s)
        .await;
    let c = client(&s, &clk);
    let err = c
        .quotes(&uri(ADA, "3k"), Limit::default())
        .await
        .unwrap_err();
    match &err {
        ClientError::RateLimited { reset_at, .. } => {
            assert_eq!(reset_at.unwrap().timestamp(), reset);
        }
        other => panic!("{other}"),
    }
    assert!(err.is_retryable());
    assert!(
        clk.sleeps().is_empty(),
        "an hour is past the 15-minute maximum: no wait"
    );
    // The window is known to be used up: the next call does not even go out.
    let again = c
        .quotes(&uri(ADA, "3k"), Limit::default())
        .await
        .unwrap_err();
    assert!(matches!(again, ClientError::RateLimited { .. }));
    assert_eq!(s.received_requests().await.unwrap().len(), 1);
}

const SECRET: &str = "hunter2-app-pass-9f3k";
const WRONG: &str = "wrong-pass-1x9";

/// The session test runs in a child process of this test binary, started with the password
/// variables set (the workspace forbids the `unsafe` that setting them in-process needs); the parent
/// then checks that nothing the child printed, logs and panics included, holds a password.
#[test]
fn an_app_password_session_never_shows_the_password() {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "session_child",
            "--exact",
            "--nocapture",
            "--include-ignored",
        ])
        .env("RAPPORT_TEST_BSKY_PASSWORD_OK", SECRET)
        .env("RAPPORT_TEST_BSKY_PASSWORD_BAD", WRONG)
        .env_remove("RAPPORT_TEST_BSKY_PASSWORD_UNSET_4e1")
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("1 passed"),
        "the child ran the session test: {all}"
    );
    assert!(!all.contains(SECRET) && !all.contains(WRONG), "{all}");
}

#[tokio::test]
#[ignore = "run by an_app_password_session_never_shows_the_password, with the variables set"]
async fn session_child() {
    const TOKEN: &str = "eyJ-access-token-7y2";
    assert_eq!(
        std::env::var("RAPPORT_TEST_BSKY_PASSWORD_OK").unwrap(),
        SECRET
    );
    let s = server().await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.createSession"))
        .and(body_partial_json(
            json!({"identifier": "acme.test", "password": SECRET}),
        ))
        .respond_with(ok(
            json!({"accessJwt": TOKEN, "refreshJwt": "r", "did": ACME, "handle": "acme.test"}),
        ))
        .expect(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok(json!({"posts": [post_view(ADA, "ada.test", "3ks", record("#hiring rust", "2024-05-01T09:00:00Z"))]})))
        .expect(2)
        .mount(&s)
        .await;
    let c = BskyClient::builder()
        .base_url("http://127.0.0.1:9")
        .pds_url(s.uri())
        .app_password("acme.test", "RAPPORT_TEST_BSKY_PASSWORD_OK")
        .clock(Arc::new(clock()))
        .build()
        .unwrap();
    let f = c
        .search("#hiring", &SearchOptions::default(), Limit::default())
        .await
        .unwrap();
    assert_eq!(f.corpus.num_posts(), 1);
    c.search("rust", &SearchOptions::default(), Limit::default())
        .await
        .unwrap();
    assert_eq!(
        c.session_account().await.unwrap(),
        Some((ACME.to_owned(), "acme.test".to_owned()))
    );
    let shown = format!("{c:?} {f:?} {}", serde_json::to_string(&f).unwrap());
    println!("{shown}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");

    // A wrong password: the error says so without the password.
    let s2 = server().await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.createSession"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
        ))
        .mount(&s2)
        .await;
    let bad = BskyClient::builder()
        .pds_url(s2.uri())
        .app_password("acme.test", "RAPPORT_TEST_BSKY_PASSWORD_BAD")
        .build()
        .unwrap();
    let err = bad
        .search("x", &SearchOptions::default(), Limit::default())
        .await
        .unwrap_err();
    let text = format!("{err} {err:?} {bad:?}");
    println!("{text}");
    assert!(text.contains("Invalid identifier or password"), "{text}");
    assert!(matches!(err, ClientError::Unauthorized { .. }));

    // A variable that is not set: named, and nothing sent.
    let missing = BskyClient::builder()
        .pds_url(s2.uri())
        .app_password("acme.test", "RAPPORT_TEST_BSKY_PASSWORD_UNSET_4e1")
        .build()
        .unwrap();
    let err = missing
        .search("x", &SearchOptions::default(), Limit::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("RAPPORT_TEST_BSKY_PASSWORD_UNSET_4e1 is not set"),
        "{err}"
    );
}

/// `Source::follow_page`: one page of `getFollows` at a time, the DIDs in the platform's order, the
/// profiles as accounts and no snapshot of its own (the sync joins the pages into one).
#[tokio::test]
async fn follow_page_reads_one_page_of_a_follow_list_per_call() {
    use rapport_core::follows::FollowDirection;
    use rapport_core::source::{FollowPageRequest, Source};
    let s = server().await;
    let nsid = "/xrpc/app.bsky.graph.getFollows";
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("actor", ACME))
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(json!({
            "subject": profile(ACME, "acme.test"),
            "follows": [profile(BOB, "bob.test"), profile(ADA, "ada.test")],
            "cursor": "c1"
        })))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(nsid))
        .and(query_param("cursor", "c1"))
        .respond_with(ok(
            json!({"subject": profile(ACME, "acme.test"), "follows": []}),
        ))
        .mount(&s)
        .await;
    let c = client(&s, &clock());
    let mut req = FollowPageRequest {
        account_id: ACME,
        direction: FollowDirection::Following,
        token: None,
        page_size: 1000,
    };
    let p1 = c.follow_page(&req).await.unwrap();
    assert_eq!(p1.account_ids, [BOB, ADA]);
    assert_eq!(p1.next_token.as_deref(), Some("c1"));
    assert!(p1.corpus.follow_snapshots().is_empty());
    assert_eq!(p1.corpus.account_by_id(ADA).unwrap().handle(), "ada.test");
    assert_eq!(
        p1.corpus.account_by_id(ADA).unwrap().platform(),
        Platform::Bluesky
    );
    req.token = p1.next_token.as_deref();
    let p2 = c.follow_page(&req).await.unwrap();
    assert!(p2.account_ids.is_empty() && p2.next_token.is_none());
}
