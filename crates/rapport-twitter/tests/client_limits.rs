//! Memory caps: a response body over `max_body_bytes` is a typed error naming the URL and the cap
//! (by `Content-Length` or as a chunked body arrives), never quoting the body; a filtered-stream line
//! over `max_line_bytes` is dropped and reported while the stream goes on; error bodies are quoted
//! at most 200 characters; and a 429 wait does not use up the retries of 5xx answers.
#![allow(clippy::needless_pass_by_value)]

mod client_support;

use std::sync::Arc;
use std::time::Duration;

use client_support::*;
use futures::StreamExt;
use rapport_twitter::client::{
    ClientError, DEFAULT_MAX_BODY_BYTES, FakeClock, RateLimitPolicy, RetryPolicy, StreamConfig,
    StreamEvent, XClient,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn capped(base: &str, limit: usize) -> XClient {
    XClient::builder()
        .bearer_token(TOKEN)
        .base_url(base)
        .retry(RetryPolicy::none())
        .max_body_bytes(limit)
        .clock(Arc::new(FakeClock::new(start())))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_typed_error_without_the_body() {
    let s = server().await;
    let page = fixture("tweet_lookup_single.json");
    get(
        &s,
        "/2/tweets/1293593516040269825",
        recorded("tweet_lookup_single"),
    )
    .await;
    // Under the cap: the page decodes as usual.
    let ok = capped(&s.uri(), page.len() + 1);
    assert_eq!(
        ok.tweet("1293593516040269825")
            .send()
            .await
            .unwrap()
            .items()
            .len(),
        1
    );

    let c = capped(&s.uri(), 100);
    let e = c.tweet("1293593516040269825").send().await.unwrap_err();
    match &e {
        ClientError::BodyTooLarge {
            endpoint,
            url,
            limit,
        } => {
            assert_eq!(endpoint, "GET /2/tweets/:id");
            assert!(
                url.starts_with(&format!("{}/2/tweets/1293593516040269825?", s.uri())),
                "{url}"
            );
            assert_eq!(*limit, 100);
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("100-byte cap") && msg.contains("max_body_bytes"),
        "{msg}"
    );
    // Nothing of the body is echoed.
    assert!(!msg.contains("1293593516040269825\","), "{msg}");
    assert!(!msg.contains("\"data\""), "{msg}");
    assert!(!e.is_retryable());
    // Not retried: the same request would bring the same body.
    assert_eq!(s.received_requests().await.unwrap().len(), 2);
    assert_eq!(
        XClient::new("t").unwrap().config().max_body_bytes,
        DEFAULT_MAX_BODY_BYTES
    );
}

/// A raw server answering every request with a chunked (no `Content-Length`) 200 body of `size`
/// bytes of JSON, so the cap must trip while the body arrives.
async fn chunked_server(size: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = vec![0u8; 8192];
            let _ = sock.read(&mut buf).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            if sock.write_all(head.as_bytes()).await.is_err() {
                continue;
            }
            // `{"data":[],"x":"aaaa…"}` in 4 KiB chunks.
            let mut body = String::from("{\"data\":[],\"x\":\"");
            body.push_str(&"a".repeat(size));
            body.push_str("\"}");
            for chunk in body.as_bytes().chunks(4096) {
                let frame = format!("{:x}\r\n", chunk.len());
                if sock.write_all(frame.as_bytes()).await.is_err()
                    || sock.write_all(chunk).await.is_err()
                    || sock.write_all(b"\r\n").await.is_err()
                {
                    break;
                }
            }
            let _ = sock.write_all(b"0\r\n\r\n").await;
            let _ = sock.shutdown().await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_as_it_passes_the_cap() {
    let base = chunked_server(1024 * 1024).await;
    let e = capped(&base, 64 * 1024)
        .tweet("1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, ClientError::BodyTooLarge { limit: 65_536, .. }),
        "{e:?}"
    );
    assert!(!e.to_string().contains("aaaa"), "{e}");
    // With room to spare the same body is read whole (and decodes: the extra field is tolerated).
    let page = capped(&base, 2 * 1024 * 1024)
        .tweet("1")
        .send()
        .await
        .unwrap();
    assert!(page.items().is_empty());
    assert!(page.raw.len() > 1024 * 1024);
}

#[tokio::test]
async fn error_bodies_are_quoted_at_most_200_characters() {
    let s = server().await;
    let huge = "<html>".to_owned() + &"x".repeat(100_000);
    get(
        &s,
        "/2/tweets/1",
        ResponseTemplate::new(404).set_body_string(huge),
    )
    .await;
    let (c, _) = client(&s);
    let e = c.tweet("1").send().await.unwrap_err();
    let ClientError::NotFound { detail, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(detail.starts_with("<html>xxx"), "{detail}");
    assert_eq!(
        detail.chars().count(),
        201,
        "200 characters and the cut mark"
    );
    assert!(detail.ends_with('…'));

    // A malformed body: the decoder's message quotes the bad value (a 5000-character string where
    // a count belongs), cut the same way.
    let long = "y".repeat(5000);
    let body = serde_json::json!({
        "data": { "id": "1", "name": "n", "username": "u", "public_metrics": { "followers_count": long } }
    });
    get(
        &s,
        "/2/users/1",
        ResponseTemplate::new(200).set_body_json(body),
    )
    .await;
    let e = c.user("1").send().await.unwrap_err();
    let ClientError::Malformed { message, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        message.contains("yyyy"),
        "the decoder quotes the value: {message}"
    );
    assert!(message.chars().count() <= 201, "{message}");
}

#[tokio::test]
async fn a_stream_line_over_the_cap_is_dropped_and_the_stream_goes_on() {
    let s = server().await;
    let mut v = fixture_json("twarc2_filtered_stream_message.json");
    v.as_object_mut().unwrap().remove("__twarc");
    let msg = v.to_string();
    let id = v["data"]["id"].as_str().unwrap().to_owned();
    // A 300 KiB line (bigger than any one chunk the client reads at a time), then a normal message.
    let long = format!(
        "{{\"data\":{{\"id\":\"1\",\"text\":\"{}\"}}}}",
        "z".repeat(300 * 1024)
    );
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(format!("{long}\r\n{msg}\r\n"), "application/json"),
        )
        .mount(&s)
        .await;
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .stream_config(StreamConfig {
            max_line_bytes: 64 * 1024,
            max_reconnects: Some(0),
            stall_timeout: Duration::from_millis(300),
            ..StreamConfig::default()
        })
        .clock(Arc::new(FakeClock::new(start())))
        .build()
        .unwrap();
    let events: Vec<_> = c.filtered_stream().events().take(3).collect().await;
    assert!(
        matches!(events[0], Ok(StreamEvent::Connected { attempt: 0 })),
        "{events:?}"
    );
    match &events[1] {
        Ok(StreamEvent::Skipped { error }) => {
            assert!(error.contains("65536-byte cap"), "{error}");
            assert!(!error.contains("zzz"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    match &events[2] {
        Ok(StreamEvent::Message(p)) => assert_eq!(p.items()[0].id, id),
        other => panic!("{other:?}"),
    }
    // The same line under a cap that fits it is a message like any other.
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .stream_config(StreamConfig {
            max_reconnects: Some(0),
            ..StreamConfig::default()
        })
        .build()
        .unwrap();
    let events: Vec<_> = c.filtered_stream().events().take(2).collect().await;
    assert!(
        matches!(&events[1], Ok(StreamEvent::Message(p)) if p.items()[0].id == "1"),
        "{events:?}"
    );
}

#[tokio::test]
async fn zero_caps_are_refused_at_build_time() {
    let e = XClient::builder()
        .bearer_token(TOKEN)
        .max_body_bytes(0)
        .build()
        .unwrap_err();
    assert!(matches!(e, ClientError::Config(_)), "{e:?}");
}

#[tokio::test]
async fn rate_limit_waits_do_not_use_up_server_error_retries() {
    let s = server().await;
    let reset = start().timestamp() + 30;
    // 429 (waited out), then 503 twice (retried), then the page.
    Mock::given(method("GET"))
        .and(path("/2/tweets/1293593516040269825"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string().as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/1293593516040269825"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(2)
        .mount(&s)
        .await;
    get(
        &s,
        "/2/tweets/1293593516040269825",
        recorded("tweet_lookup_single"),
    )
    .await;
    let retry = RetryPolicy {
        max_retries: 2,
        jitter: false,
        ..RetryPolicy::default()
    };
    let (c, clock) = client_with(&s, retry, RateLimitPolicy::default());
    let page = c.tweet("1293593516040269825").send().await.unwrap();
    assert_eq!(page.items().len(), 1);
    // 30 s to the reset + 2 s margin, then the 1 s and 2 s backoffs: both retries were still there.
    assert_eq!(clock.sleeps(), [32, 1, 2].map(Duration::from_secs).to_vec());
}
