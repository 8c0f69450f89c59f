//! A mock X API for the sync tests (the harness style of rapport-twitter's client tests): pages of
//! posts built by hand, a catch-all that answers 500 "no mock for …", and a client on a fake clock
//! with retries off, so a 500 stops a sync between pages.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rapport_twitter::XClient;
use rapport_twitter::client::{FakeClock, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAFAKE%2Fsync-test-token-1b2c";

struct CatchAll;

impl Respond for CatchAll {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        ResponseTemplate::new(500)
            .set_body_string(format!("no mock for {} {}", req.method, req.url))
    }
}

pub async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(CatchAll)
        .with_priority(u8::MAX)
        .mount(&s)
        .await;
    s
}

pub fn client(s: &MockServer) -> XClient {
    client_at(&s.uri())
}

pub fn client_at(base: &str) -> XClient {
    XClient::builder()
        .bearer_token(TOKEN)
        .base_url(base)
        .retry(RetryPolicy {
            jitter: false,
            ..RetryPolicy::none()
        })
        .wait_on_rate_limit(false)
        .clock(Arc::new(FakeClock::new(
            Utc.with_ymd_and_hms(2026, 5, 2, 0, 0, 0).unwrap(),
        )))
        .build()
        .unwrap()
}

/// One post of author `author` (ids "2".."4": ada, bob, cy) mentioning @acme_careers.
pub fn tweet(id: u64, author: &str) -> Value {
    let minute = id % 60;
    json!({
        "id": id.to_string(),
        "text": format!("post {id} for @acme_careers #hiring"),
        "author_id": author,
        "conversation_id": id.to_string(),
        "created_at": format!("2026-05-01T09:{minute:02}:00.000Z"),
        "entities": {
            "hashtags": [{"start": 25, "end": 32, "tag": "hiring"}],
            "mentions": [{"start": 13, "end": 26, "username": "acme_careers", "id": "1"}]
        }
    })
}

/// A page holding posts `ids` (newest first, as X sends them) and `next` as its token.
pub fn page(ids: &[u64], next: Option<&str>) -> Value {
    let authors = ["2", "3", "4"];
    let data: Vec<Value> = ids
        .iter()
        .map(|&i| tweet(i, authors[(i % 3) as usize]))
        .collect();
    let mut meta = json!({"result_count": ids.len()});
    if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
        meta["newest_id"] = json!(first.to_string());
        meta["oldest_id"] = json!(last.to_string());
    }
    if let Some(t) = next {
        meta["next_token"] = json!(t);
    }
    let mut body = json!({
        "includes": {"users": [
            {"id": "1", "username": "acme_careers", "name": "Acme Careers"},
            {"id": "2", "username": "ada", "name": "Ada"},
            {"id": "3", "username": "bob", "name": "Bob"},
            {"id": "4", "username": "cy", "name": "Cy"}
        ]},
        "meta": meta
    });
    if !ids.is_empty() {
        body["data"] = json!(data);
    }
    body
}

pub fn ok(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The query parameters of every request the server received, in order.
pub async fn queries(s: &MockServer) -> Vec<(String, Vec<(String, String)>)> {
    s.received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            )
        })
        .collect()
}

pub fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}
