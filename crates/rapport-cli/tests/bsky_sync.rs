//! `rapport sync` of Bluesky watches against a mock XRPC server on 127.0.0.1: search and mentions
//! watches that need a login (an app password read from an environment variable, which never shows),
//! and rate limits with and without `--no-wait`.

mod common;

use common::{rapport, rapport_env};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "app-pass-k3y9-zq7w-secret";
const TOKEN: &str = "eyJ-access-token-sync-51x";
const PASSWORD_VAR: &str = "RAPPORT_TEST_BSKY_SYNC_PASSWORD";

fn post(did: &str, handle: &str, rkey: &str, text: &str, t: &str) -> serde_json::Value {
    json!({
        "uri": format!("at://{did}/app.bsky.feed.post/{rkey}"), "cid": "c",
        "author": {"did": did, "handle": handle},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": t},
        "indexedAt": t
    })
}

const HIRING: &str = "at://did:plc:ada/app.bsky.feed.post/3khire";
const MENTION: &str = "at://did:plc:bob/app.bsky.feed.post/3kment";

/// A mock whose `searchPosts` answers only with the session token, as the AppView does when it asks
/// for a login.
async fn login_server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/xrpc/com.atproto.server.createSession"))
        .and(body_partial_json(
            json!({"identifier": "acme.test", "password": SECRET}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessJwt": TOKEN, "refreshJwt": "refresh-jwt-9", "did": "did:plc:acme", "handle": "acme.test"
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
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(query_param("q", "#hiring"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "posts": [post("did:plc:ada", "ada.test", "3khire", "#hiring rust people", "2024-05-01T09:00:00Z")]
        })))
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "posts": [post("did:plc:bob", "bob.test", "3kment", "@acme.test hello", "2024-05-01T10:00:00Z")]
        })))
        .with_priority(2)
        .mount(&s)
        .await;
    // Without the session: what the AppView says when search needs a login.
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"error": "AuthRequired", "message": "Authentication Required"}),
            ),
        )
        .with_priority(10)
        .mount(&s)
        .await;
    s
}

fn add_watch(db: &str, name: &str, kind: &str, target: &str) {
    let r = rapport(&[
        "watch",
        "add",
        name,
        "--platform",
        "bluesky",
        "--kind",
        kind,
        "--target",
        target,
        "--store",
        db,
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Every byte of the store: the database, its write-ahead log and anything beside it.
fn store_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            all.extend(std::fs::read(&p).unwrap());
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn logged_in_search_and_mentions_watches_sync_and_the_password_never_shows() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(login_server());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hr.db");
    let db_s = db.to_str().unwrap();
    add_watch(db_s, "jobs", "search", "#hiring");
    add_watch(db_s, "said", "mentions", "acme.test");
    let uri = server.uri();
    let base = [
        "sync",
        "--store",
        db_s,
        "--bsky-base-url",
        &uri,
        "--bsky-pds-url",
        &uri,
    ];

    // Without a login the AppView refuses the search, and the sync says so.
    let r = rapport(&base);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Authentication Required"), "{}", r.stderr);
    assert!(
        rt.block_on(server.received_requests())
            .unwrap()
            .iter()
            .all(|q| !q.url.path().ends_with("createSession"))
    );

    // With the app password (named by its variable), one session serves both watches.
    let mut args = base.to_vec();
    args.extend([
        "--bsky-identifier",
        "acme.test",
        "--bsky-password-env",
        PASSWORD_VAR,
    ]);
    let r = rapport_env(&args, &[(PASSWORD_VAR, SECRET)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("jobs: 1 page(s), 1 new post(s)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("said: 1 page(s), 1 new post(s)"),
        "{}",
        r.stdout
    );
    let requests = rt.block_on(server.received_requests()).unwrap();
    let sessions = requests
        .iter()
        .filter(|q| q.url.path() == "/xrpc/com.atproto.server.createSession")
        .count();
    assert_eq!(sessions, 1, "one login for the whole run");
    let authed = requests
        .iter()
        .filter(|q| {
            q.url.path() == "/xrpc/app.bsky.feed.searchPosts"
                && q.headers
                    .get("authorization")
                    .is_some_and(|v| v.to_str().unwrap() == format!("Bearer {TOKEN}"))
        })
        .count();
    assert!(authed >= 2, "both searches carried the session: {authed}");

    let store = rapport_store::Store::open(&db).unwrap();
    let corpus = store.load_corpus().unwrap();
    assert!(corpus.post_by_id(HIRING).is_some());
    assert!(corpus.post_by_id(MENTION).is_some());
    assert_eq!(corpus.num_posts(), 2);
    drop(store);

    let audit = rapport(&["audit", "--store", db_s, "--format", "json"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
    assert!(audit.stdout.contains("sync"), "{}", audit.stdout);
    for (what, text) in [
        ("stdout", &r.stdout),
        ("stderr", &r.stderr),
        ("audit log", &audit.stdout),
    ] {
        assert!(!text.contains(SECRET), "{what}: {text}");
        assert!(!text.contains(TOKEN), "{what}: {text}");
    }
    let bytes = store_bytes(dir.path());
    assert!(!contains(&bytes, SECRET), "the store holds the password");
    assert!(
        !contains(&bytes, TOKEN),
        "the store holds the session token"
    );
}

fn limited(reset: i64) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("ratelimit-limit", "3000")
        .insert_header("ratelimit-remaining", "0")
        .insert_header("ratelimit-reset", reset.to_string().as_str())
        .set_body_json(json!({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}))
}

async fn search_ok(s: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/xrpc/app.bsky.feed.searchPosts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "posts": [post("did:plc:ada", "ada.test", "3khire", "#hiring rust people", "2024-05-01T09:00:00Z")]
        })))
        .with_priority(5)
        .mount(s)
        .await;
}

fn searches(rt: &tokio::runtime::Runtime, s: &MockServer) -> usize {
    rt.block_on(s.received_requests())
        .unwrap()
        .iter()
        .filter(|q| q.url.path() == "/xrpc/app.bsky.feed.searchPosts")
        .count()
}

#[test]
fn no_wait_stops_a_bluesky_watch_at_a_rate_limit_resumably() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Five minutes: within what the client would wait for (15 min), so only --no-wait stops it.
    let far = chrono::Utc::now().timestamp() + 300;
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.feed.searchPosts"))
            .respond_with(limited(far))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&s)
            .await;
        search_ok(&s).await;
        s
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hr.db");
    let db_s = db.to_str().unwrap();
    add_watch(db_s, "jobs", "search", "#hiring");
    let uri = server.uri();
    let args = [
        "sync",
        "--store",
        db_s,
        "--bsky-base-url",
        &uri,
        "--no-wait",
    ];
    // --no-wait stops at once, exit 3 (partial), and says how to resume.
    let r = rapport(&args);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("not every watch is up to date")
            && r.stderr.contains("jobs: ")
            && r.stderr.contains("rerun to resume"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("incomplete, rerun to continue"),
        "{}",
        r.stdout
    );
    assert_eq!(searches(&rt, &server), 1, "a limit is not retried");
    let store = rapport_store::Store::open(&db).unwrap();
    assert_eq!(store.num_posts().unwrap(), 0);
    drop(store);

    // The limit gone, the next run picks the watch up.
    let r = rapport(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("jobs: 1 page(s), 1 new post(s)"),
        "{}",
        r.stdout
    );
    let store = rapport_store::Store::open(&db).unwrap();
    assert!(store.load_corpus().unwrap().post_by_id(HIRING).is_some());
}

#[test]
fn without_no_wait_a_near_reset_is_waited_out_and_the_sync_continues() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let near = chrono::Utc::now().timestamp() + 1;
    let server = rt.block_on(async {
        let s = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/xrpc/app.bsky.feed.searchPosts"))
            .respond_with(limited(near))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&s)
            .await;
        search_ok(&s).await;
        s
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hr.db");
    let db_s = db.to_str().unwrap();
    add_watch(db_s, "jobs", "search", "#hiring");
    let uri = server.uri();
    let r = rapport(&["sync", "--store", db_s, "--bsky-base-url", &uri]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("jobs: 1 page(s), 1 new post(s)") && r.stdout.contains("up to date"),
        "{}",
        r.stdout
    );
    assert_eq!(
        searches(&rt, &server),
        2,
        "the limited call was sent again after the reset"
    );
    let store = rapport_store::Store::open(&db).unwrap();
    assert!(store.load_corpus().unwrap().post_by_id(HIRING).is_some());
}
