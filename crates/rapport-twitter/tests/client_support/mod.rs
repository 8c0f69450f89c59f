//! The wiremock harness shared by the client tests: recorded fixtures with their recorded headers, a
//! catch-all that answers 500 "no mock for GET …" so a wrong route fails readably, and a client on a
//! fake clock.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rapport_twitter::client::{FakeClock, RateLimitPolicy, RetryPolicy, XClient};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAFAKE%2Fsecret-token-for-tests-9d8f7";

/// `<repo>/../shared/fixtures/twitter` in CI; found by walking up so a worktree works too.
pub fn fixtures_dir() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|a| a.join("shared/fixtures/twitter"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "shared/fixtures/twitter not found above {}",
                manifest.display()
            )
        })
}

pub fn fixture(name: &str) -> String {
    let p = fixtures_dir().join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// The recorded body with the recorded status and headers (from `<name>.headers.json` when present).
pub fn recorded(name: &str) -> ResponseTemplate {
    let body = fixture(&format!("{name}.json"));
    let headers_path = fixtures_dir().join(format!("{name}.headers.json"));
    let mut t;
    if headers_path.exists() {
        let h: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(headers_path).unwrap()).unwrap();
        t = ResponseTemplate::new(h["status"]["code"].as_u64().unwrap() as u16);
        for (k, v) in h["headers"].as_object().unwrap() {
            if k != "content-type" {
                t = t.insert_header(k.as_str(), v.as_str().unwrap());
            }
        }
    } else {
        t = ResponseTemplate::new(200);
    }
    t.set_body_raw(body, "application/json")
}

pub fn recorded_headers(name: &str) -> serde_json::Value {
    let h: serde_json::Value =
        serde_json::from_str(&fixture(&format!("{name}.headers.json"))).unwrap();
    h["headers"].clone()
}

struct CatchAll;

impl Respond for CatchAll {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        ResponseTemplate::new(500)
            .set_body_string(format!("no mock for {} {}", req.method, req.url))
    }
}

/// A mock server with the catch-all mounted at the lowest priority.
pub async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(CatchAll)
        .with_priority(u8::MAX)
        .mount(&s)
        .await;
    s
}

/// Serves `template` for GET `p`.
pub async fn get(s: &MockServer, p: &str, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(template)
        .mount(s)
        .await;
}

pub fn start() -> chrono::DateTime<Utc> {
    // 2022-10-07T22:43:19Z, the `date` header of search_recent_page1.
    Utc.with_ymd_and_hms(2022, 10, 7, 22, 43, 19).unwrap()
}

/// A client for the mock server: fake clock, no retries unless asked, no jitter.
pub fn client(s: &MockServer) -> (XClient, FakeClock) {
    client_with(
        s,
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::none()
        },
        RateLimitPolicy::default(),
    )
}

pub fn client_with(
    s: &MockServer,
    retry: RetryPolicy,
    rate: RateLimitPolicy,
) -> (XClient, FakeClock) {
    let clock = FakeClock::new(start());
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .retry(retry)
        .rate_limit(rate)
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    (c, clock)
}

/// The query parameters of the n-th request the server received.
pub async fn query_of(s: &MockServer, n: usize) -> Vec<(String, String)> {
    let reqs = s.received_requests().await.unwrap();
    reqs[n]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A raw TCP server whose first `resets` connections are reset (RST) right after the request
/// arrives, and later ones get `ok_body` as a 200 JSON answer. Returns its base URL.
pub async fn resetting_server(resets: usize, ok_body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut n = 0usize;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = vec![0u8; 8192];
            let _ = sock.read(&mut buf).await;
            if n < resets {
                n += 1;
                let _ = sock.set_zero_linger();
                drop(sock);
                continue;
            }
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                ok_body.len(),
                ok_body
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    format!("http://{addr}")
}
