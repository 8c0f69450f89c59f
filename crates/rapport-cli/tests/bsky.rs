//! `rapport bsky ...` against a mock XRPC server on 127.0.0.1, and `rapport import` of its JSONL.

mod common;

use common::{rapport, rapport_env};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn post(rkey: &str, text: &str, t: &str) -> serde_json::Value {
    json!({"post": {
        "uri": format!("at://did:plc:acme/app.bsky.feed.post/{rkey}"), "cid": "c",
        "author": {"did": "did:plc:acme", "handle": "acme.test"},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": t},
        "indexedAt": t
    }})
}

#[test]
fn feed_to_jsonl_then_import() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.feed.getAuthorFeed"))
            .and(query_param("actor", "acme.test"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "feed": [post("3k2", "We are hiring", "2024-05-01T10:00:00Z"), post("3k1", "Hello", "2024-05-01T09:00:00Z")]
            })))
            .mount(&s)
            .await;
        s
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("acme.jsonl");
    let out_s = out.to_str().unwrap();
    let r = rapport(&[
        "bsky",
        "feed",
        "acme.test",
        "-o",
        out_s,
        "--base-url",
        &server.uri(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("1 page(s)") && r.stderr.contains("2 posts"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.starts_with("{\"__rapport\":{\"nsid\":\"app.bsky.feed.getAuthorFeed\""),
        "{text}"
    );

    let db = dir.path().join("hr.db");
    let r = rapport(&["import", out_s, "--store", db.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["posts"], 2);
    assert_eq!(v["files"][0]["posts_written"], 2);

    // A wrong route is an error with the server's words; an unset password variable is named.
    let r = rapport(&[
        "bsky",
        "thread",
        "not-a-post",
        "-o",
        out_s,
        "--base-url",
        &server.uri(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("invalid argument"), "{}", r.stderr);
    let r = rapport_env(
        &[
            "bsky",
            "search",
            "rust",
            "-o",
            out_s,
            "--pds-url",
            &server.uri(),
            "--identifier",
            "acme.test",
            "--password-env",
            "RAPPORT_TEST_UNSET_PW_77",
        ],
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("RAPPORT_TEST_UNSET_PW_77 is not set"),
        "{}",
        r.stderr
    );
}

#[test]
fn bluesky_watches_sync_without_an_x_token_and_x_watches_still_ask_for_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.feed.getAuthorFeed"))
            // The watch's handle is resolved to its DID once (getProfiles), then kept.
            .and(query_param("actor", "did:plc:acme"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "feed": [post("3k2", "We are hiring", "2024-05-01T10:00:00Z"), post("3k1", "Hello", "2024-05-01T09:00:00Z")]
            })))
            .mount(&s)
            .await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.actor.getProfiles"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "profiles": [{"did": "did:plc:acme", "handle": "acme.test"}]
            })))
            .mount(&s)
            .await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.graph.getFollowers"))
            .and(query_param("actor", "did:plc:acme"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "subject": {"did": "did:plc:acme", "handle": "acme.test"},
                "followers": [{"did": "did:plc:ada", "handle": "ada.test"}]
            })))
            .mount(&s)
            .await;
        s
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hr.db");
    let db_s = db.to_str().unwrap();
    let add = |args: &[&str]| {
        let mut a = vec!["watch", "add"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--store", db_s]);
        rapport(&a)
    };
    // A profile URL is stored as its handle; a target Bluesky cannot read is refused by name.
    let r = add(&[
        "acme",
        "--platform",
        "bluesky",
        "--kind",
        "timeline",
        "--target",
        "https://bsky.app/profile/acme.test",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("bluesky timeline acme.test"),
        "{}",
        r.stdout
    );
    let r = add(&[
        "fans",
        "--platform",
        "bluesky",
        "--kind",
        "followers",
        "--target",
        "@acme.test",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = add(&[
        "t",
        "--platform",
        "bluesky",
        "--kind",
        "thread",
        "--target",
        "not-a-post",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("at:// URI"), "{}", r.stderr);
    let r = add(&[
        "s",
        "--platform",
        "bluesky",
        "--kind",
        "search",
        "--target",
        "rust",
        "--archive",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("X search watches only"), "{}", r.stderr);

    // No X_BEARER_TOKEN anywhere: the Bluesky watches sync from the AppView.
    let r = rapport(&["sync", "--store", db_s, "--bsky-base-url", &server.uri()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("acme: 1 page(s), 2 new post(s)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("fans: 1 page(s), 1 account(s) in the list"),
        "{}",
        r.stdout
    );
    let store = rapport_store::Store::open(&db).unwrap();
    let corpus = store.load_corpus().unwrap();
    assert_eq!(corpus.num_posts(), 2);
    assert!(
        corpus
            .post_by_id("at://did:plc:acme/app.bsky.feed.post/3k2")
            .is_some()
    );
    assert_eq!(corpus.follow_snapshots().len(), 1);
    assert_eq!(
        store.watch("acme").unwrap().unwrap().platform,
        rapport_core::Platform::Bluesky
    );
    drop(store);
    let r = rapport(&["watch", "list", "--store", db_s]);
    assert!(r.stdout.contains("bluesky timeline"), "{}", r.stdout);

    // An X watch beside them: now the token is asked for, and nothing is synced without it.
    let r = add(&["x-jobs", "--kind", "search", "--target", "#hiring"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = rapport(&["sync", "--store", db_s, "--bsky-base-url", &server.uri()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("X_BEARER_TOKEN") && r.stderr.contains("X watches"),
        "{}",
        r.stderr
    );
    // Syncing only the Bluesky ones still needs none.
    let r = rapport(&[
        "sync",
        "--store",
        db_s,
        "--watch",
        "acme",
        "--bsky-base-url",
        &server.uri(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("acme: 1 page(s), 0 new post(s)"),
        "{}",
        r.stdout
    );
}
