//! The filtered stream: messages, keep-alives, reconnection after a dropped connection, after an
//! in-band disconnect, after a stall, and after HTTP errors (backoff measured on the fake clock);
//! rules add, list and delete.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

use std::sync::Arc;
use std::time::Duration;

use client_support::*;
use futures::StreamExt;
use rapport_twitter::client::{
    ClientError, FakeClock, RuleSpec, StreamConfig, StreamEvent, XClient,
};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn message() -> String {
    // The recorded stream message without its twarc metadata, on one line.
    let mut v = fixture_json("twarc2_filtered_stream_message.json");
    v.as_object_mut().unwrap().remove("__twarc");
    v.to_string()
}

fn fast() -> StreamConfig {
    StreamConfig {
        stall_timeout: Duration::from_millis(300),
        max_reconnects: Some(3),
        ..StreamConfig::default()
    }
}

fn stream_client(base: &str) -> (XClient, FakeClock) {
    let clock = FakeClock::new(start());
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(base)
        .stream_config(fast())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    (c, clock)
}

fn kinds(events: &[Result<StreamEvent, ClientError>]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Ok(StreamEvent::Connected { attempt }) => format!("connected{attempt}"),
            Ok(StreamEvent::Message(p)) => format!("msg:{}", p.items()[0].id),
            Ok(StreamEvent::KeepAlive) => "keepalive".to_owned(),
            Ok(StreamEvent::Disconnected { .. }) => "disconnected".to_owned(),
            Ok(StreamEvent::Skipped { .. }) => "skipped".to_owned(),
            Ok(_) => "other".to_owned(),
            Err(e) => format!("error:{e}"),
        })
        .collect()
}

#[tokio::test]
async fn reconnects_after_a_dropped_connection() {
    let s = server().await;
    let msg = message();
    let id = fixture_json("twarc2_filtered_stream_message.json")["data"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // First connection: a keep-alive and a message, then the body ends (the connection drops).
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("\r\n{msg}\r\n"), "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("{msg}\r\n"), "application/json"),
        )
        .with_priority(2)
        .mount(&s)
        .await;
    let (c, clock) = stream_client(&s.uri());
    let events: Vec<_> = c.filtered_stream().events().take(6).collect().await;
    assert_eq!(
        kinds(&events),
        [
            "connected0",
            "keepalive",
            &format!("msg:{id}"),
            "disconnected",
            "connected0",
            &format!("msg:{id}")
        ]
    );
    if let Ok(StreamEvent::Message(p)) = &events[2] {
        assert_eq!(p.body.matching_rules.len(), 1, "matching_rules kept");
        assert!(p.to_twarc_line().contains("\"__twarc\""));
    }
    // One drop after a healthy connection: the first linear step, 250 ms.
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)]);
    let q = query_of(&s, 0).await;
    assert!(
        param(&q, "tweet.fields")
            .unwrap()
            .contains("conversation_id")
    );
}

#[tokio::test]
async fn reconnects_after_an_in_band_disconnect() {
    let s = server().await;
    let msg = message();
    let disconnect = r#"{"errors":[{"title":"operational-disconnect","disconnect_type":"OperationalDisconnect","detail":"This stream has been disconnected for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}"#;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!("{msg}\r\n{disconnect}\r\n{msg}\r\n"),
            "application/json",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("{msg}\r\n"), "application/json"),
        )
        .with_priority(2)
        .mount(&s)
        .await;
    let (c, clock) = stream_client(&s.uri());
    let events: Vec<_> = c.filtered_stream().events().take(5).collect().await;
    let k = kinds(&events);
    assert_eq!(k[0], "connected0");
    assert!(k[1].starts_with("msg:"));
    assert_eq!(
        k[2], "disconnected",
        "the line after the disconnect message is not read: {k:?}"
    );
    match &events[2] {
        Ok(StreamEvent::Disconnected { reason, retry_in }) => {
            assert!(reason.contains("OperationalDisconnect"), "{reason}");
            assert_eq!(*retry_in, Duration::from_millis(250));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(k[3], "connected0");
    assert!(k[4].starts_with("msg:"));
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)]);
}

#[tokio::test]
async fn http_errors_back_off_exponentially_then_give_up() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&s)
        .await;
    let (c, clock) = stream_client(&s.uri());
    let events: Vec<_> = c.filtered_stream().events().collect().await;
    // max_reconnects 3: the first attempt and 3 reconnections fail, then a final error.
    let k = kinds(&events);
    assert_eq!(
        k.iter().filter(|x| *x == "disconnected").count(),
        4,
        "{k:?}"
    );
    assert!(k.last().unwrap().starts_with("error:"), "{k:?}");
    // Exponential from 5 s: 5, 10, 20 (the 4th backoff is never slept: the budget is spent).
    assert_eq!(
        clock.sleeps(),
        vec![
            Duration::from_secs(5),
            Duration::from_secs(10),
            Duration::from_secs(20)
        ]
    );
}

#[tokio::test]
async fn rate_limited_connect_waits_a_minute_and_auth_errors_are_fatal() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(&s)
        .await;
    let (c, clock) = stream_client(&s.uri());
    let events: Vec<_> = c.filtered_stream().events().collect().await;
    let k = kinds(&events);
    assert_eq!(k.len(), 2, "{k:?}");
    assert_eq!(k[0], "disconnected");
    assert!(
        matches!(events[1], Err(ClientError::Unauthorized { .. })),
        "{k:?}"
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn a_stalled_connection_is_detected_and_replaced() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let msg = message();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 8192];
            let _ = sock.read(&mut buf).await;
            let line = format!("{msg}\r\n");
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            let chunk = format!("{:x}\r\n{line}\r\n", line.len());
            let _ = sock.write_all(format!("{head}{chunk}").as_bytes()).await;
            n += 1;
            // Then say nothing: no keep-alive, no close. Keep the socket open.
            tokio::spawn(async move {
                let _keep = sock;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
            let _ = n;
        }
    });
    let (c, clock) = stream_client(&format!("http://{addr}"));
    let events: Vec<_> = c.filtered_stream().events().take(5).collect().await;
    let k = kinds(&events);
    assert_eq!(k[0], "connected0");
    assert!(k[1].starts_with("msg:"));
    match &events[2] {
        Ok(StreamEvent::Disconnected { reason, .. }) => {
            assert!(reason.contains("stalled"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(k[3], "connected0");
    assert!(k[4].starts_with("msg:"));
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(250)]);
}

#[tokio::test]
async fn rules_add_list_delete() {
    let s = server().await;
    Mock::given(method("POST")).and(path("/2/tweets/search/stream/rules"))
        .and(body_json(serde_json::json!({"add":[{"value":"#hiring lang:en","tag":"jobs"},{"value":"from:acme"}]})))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r##"{"data":[{"value":"#hiring lang:en","tag":"jobs","id":"1273026480692322304"},{"value":"from:acme","id":"1273026480692322305"}],"meta":{"sent":"2020-06-16T22:55:39.356Z","summary":{"created":2,"not_created":0,"valid":2,"invalid":0}}}"##, "application/json"))
        .mount(&s).await;
    Mock::given(method("GET")).and(path("/2/tweets/search/stream/rules"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r##"{"data":[{"id":1273026480692322304,"value":"#hiring lang:en","tag":"jobs"}],"meta":{"sent":"2020-06-16T22:55:39.356Z","result_count":1}}"##, "application/json"))
        .mount(&s).await;
    Mock::given(method("POST")).and(path("/2/tweets/search/stream/rules")).and(query_param("dry_run", "true"))
        .and(body_json(serde_json::json!({"delete":{"ids":["1273026480692322304"]}})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"meta":{"sent":"2020-06-16T22:55:39.356Z","summary":{"deleted":1,"not_deleted":0}}}"#, "application/json"))
        .mount(&s).await;
    Mock::given(method("POST"))
        .and(path("/2/tweets/search/stream/rules"))
        .and(body_json(serde_json::json!({"delete":{"ids":["1"]}})))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            fixture("error_invalid_request_problem.json"),
            "application/problem+json",
        ))
        .mount(&s)
        .await;
    let (c, _) = client(&s);
    let added = c
        .add_stream_rules(
            &[
                RuleSpec::new("#hiring lang:en", Some("jobs")),
                RuleSpec::new("from:acme", None),
            ],
            false,
        )
        .await
        .unwrap();
    assert_eq!(added.data.len(), 2);
    assert_eq!(added.summary("created"), Some(2));
    let listed = c.stream_rules(&[]).await.unwrap();
    assert_eq!(
        listed.data[0].id, "1273026480692322304",
        "a numeric id reads as a string"
    );
    let deleted = c
        .delete_stream_rules(&["1273026480692322304".to_owned()], true)
        .await
        .unwrap();
    assert_eq!(deleted.summary("deleted"), Some(1));
    let e = c
        .delete_stream_rules(&["1".to_owned()], false)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ClientError::InvalidRequest { status: 400, .. }),
        "{e:?}"
    );
    assert!(c.add_stream_rules(&[], false).await.is_err());
    assert!(
        c.delete_stream_rules(&["x".to_owned()], false)
            .await
            .is_err()
    );
}
