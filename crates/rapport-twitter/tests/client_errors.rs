//! Every error path: typed errors for 401, 403, 404, usage cap, 429 (waited out on the fake clock or
//! returned), 5xx retried, connection reset, timeout, malformed JSON, bad parameters; partial errors
//! as outcomes; and the token never shows up in any message.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

use std::sync::Arc;
use std::time::Duration;

use client_support::*;
use rapport_twitter::client::{
    ClientError, FakeClock, IdOutcome, RateLimitPolicy, RetryPolicy, XClient,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn problem(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/problem+json")
}

#[tokio::test]
async fn unauthorized_forbidden_not_found_and_usage_capped_are_distinct() {
    let s = server().await;
    get(&s, "/2/tweets/1", problem(401, serde_json::json!({"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}))).await;
    get(&s, "/2/tweets/search/all", problem(403, serde_json::json!({
        "client_id":"123","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.",
        "registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden",
        "required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled",
        "type":"https://api.twitter.com/2/problems/client-forbidden"}))).await;
    get(
        &s,
        "/2/users/by/username/nobody",
        problem(
            404,
            serde_json::json!({"title":"Not Found","detail":"no such route"}),
        ),
    )
    .await;
    get(&s, "/2/tweets/search/recent", problem(429, serde_json::json!({"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product"}))).await;
    get(&s, "/2/users/1/tweets", problem(403, serde_json::json!({"title":"Forbidden","detail":"user context required","type":"https://api.twitter.com/2/problems/unsupported-authentication"}))).await;
    let (c, clock) = client(&s);

    let e = c.tweet("1").send().await.unwrap_err();
    assert!(matches!(e, ClientError::Unauthorized { .. }), "{e:?}");
    assert_eq!(e.status(), Some(401));
    let e = c.search_all("x").send().await.unwrap_err();
    match &e {
        ClientError::ClientForbidden {
            reason,
            registration_url,
            ..
        } => {
            assert_eq!(reason.as_deref(), Some("client-not-enrolled"));
            assert!(
                registration_url
                    .as_deref()
                    .unwrap()
                    .contains("projects/overview")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("client-not-enrolled"));
    let e = c.user_by_username("nobody").send().await.unwrap_err();
    assert!(matches!(e, ClientError::NotFound { .. }), "{e:?}");
    let e = c.search_recent("x").send().await.unwrap_err();
    match &e {
        ClientError::UsageCapped { period, scope, .. } => {
            assert_eq!(
                (period.as_deref(), scope.as_deref()),
                (Some("Monthly"), Some("Product"))
            );
        }
        other => panic!("{other:?}"),
    }
    let e = c.user_tweets("1").send().await.unwrap_err();
    assert!(matches!(e, ClientError::Forbidden { .. }), "{e:?}");
    assert!(!e.is_retryable());
    // 4xx are never retried and nothing waited.
    assert_eq!(s.received_requests().await.unwrap().len(), 5);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn invalid_request_names_the_parameter() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/search/recent",
        ResponseTemplate::new(400).set_body_raw(
            fixture("error_invalid_request_problem.json"),
            "application/problem+json",
        ),
    )
    .await;
    let (c, _) = client(&s);
    let e = c.search_recent("x").send().await.unwrap_err();
    match &e {
        ClientError::InvalidRequest {
            status: 400,
            parameters,
            ..
        } => assert_eq!(parameters[0].0, "delete"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_waits_until_reset_on_the_fake_clock() {
    let s = server().await;
    // start() is 2022-10-07T22:43:19Z = 1665182599; reset 60 s later.
    let reset = start().timestamp() + 60;
    Mock::given(method("GET")).and(path("/2/tweets/search/recent"))
        .respond_with(ResponseTemplate::new(429)
            .insert_header("x-rate-limit-limit", "450")
            .insert_header("x-rate-limit-remaining", "0")
            .insert_header("x-rate-limit-reset", reset.to_string().as_str())
            .set_body_raw(r#"{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}"#, "application/problem+json"))
        .up_to_n_times(1).with_priority(1).mount(&s).await;
    get(
        &s,
        "/2/tweets/search/recent",
        recorded("search_recent_page1"),
    )
    .await;
    let (c, clock) = client(&s);
    let page = c.search_recent("Tweepy").send().await.unwrap();
    assert_eq!(page.items().len(), 10);
    // 60 s to the reset + the default 2 s margin.
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(62)]);
}

#[tokio::test]
async fn rate_limit_returns_typed_error_when_waiting_is_off_or_too_long() {
    let s = server().await;
    let reset = start().timestamp() + 3600;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string().as_str()),
        )
        .mount(&s)
        .await;
    let (c, clock) = client(&s);
    // An hour away is beyond the 15-minute maximum: no wait, a typed error.
    let e = c.search_recent("x").send().await.unwrap_err();
    assert_eq!(e.reset_at().unwrap().timestamp(), reset);
    assert!(e.is_retryable());
    assert!(clock.sleeps().is_empty());

    let (c2, clock2) = client_with(
        &s,
        RetryPolicy::none(),
        RateLimitPolicy {
            wait: false,
            ..RateLimitPolicy::default()
        },
    );
    let e = c2.search_recent("x").send().await.unwrap_err();
    assert!(matches!(e, ClientError::RateLimited { .. }));
    assert!(clock2.sleeps().is_empty());
}

#[tokio::test]
async fn rate_limit_with_remaining_is_the_per_second_limit() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/all"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "300")
                .insert_header("x-rate-limit-remaining", "297")
                .insert_header("x-rate-limit-reset", "1665183997"),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&s)
        .await;
    get(&s, "/2/tweets/search/all", recorded("search_all_page1")).await;
    let (c, clock) = client(&s);
    c.search_all("Tweepy").send().await.unwrap();
    // Per-second backoff 2 s, doubled: 2 s then 4 s; no 15-minute wait. The paced endpoint sleeps
    // no extra: each attempt comes after the backoff, which exceeds the 1.05 s interval.
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(2), Duration::from_secs(4)]
    );
}

#[tokio::test]
async fn server_error_then_success_is_retried_with_backoff() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/1293593516040269825"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&s)
        .await;
    get(
        &s,
        "/2/tweets/1293593516040269825",
        recorded("tweet_lookup_single"),
    )
    .await;
    let retry = RetryPolicy {
        max_retries: 3,
        base: Duration::from_secs(1),
        max_backoff: Duration::from_secs(60),
        jitter: false,
    };
    let (c, clock) = client_with(&s, retry, RateLimitPolicy::default());
    let page = c.tweet("1293593516040269825").send().await.unwrap();
    assert_eq!(page.items()[0].id, "1293593516040269825");
    // 1 s, then 2 s (base * 2^1).
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(2)]
    );
    assert_eq!(s.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn server_error_that_persists_reports_attempts() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/1",
        ResponseTemplate::new(502).set_body_string("Bad Gateway"),
    )
    .await;
    let retry = RetryPolicy {
        max_retries: 2,
        jitter: false,
        ..RetryPolicy::default()
    };
    let (c, _) = client_with(&s, retry, RateLimitPolicy::default());
    let e = c.tweet("1").send().await.unwrap_err();
    match &e {
        ClientError::Server {
            status: 502,
            attempts: 3,
            detail,
            ..
        } => assert_eq!(detail, "Bad Gateway"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let base = resetting_server(1, fixture("tweet_lookup_single.json")).await;
    let clock = FakeClock::new(start());
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(base.clone())
        .retry(RetryPolicy {
            max_retries: 2,
            jitter: false,
            ..RetryPolicy::default()
        })
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let page = c.tweet("1293593516040269825").send().await.unwrap();
    assert_eq!(page.items().len(), 1);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);

    // Always reset and no retries: a typed transport error.
    let base = resetting_server(usize::MAX, String::new()).await;
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(base)
        .retry(RetryPolicy::none())
        .clock(Arc::new(FakeClock::new(start())))
        .build()
        .unwrap();
    let e = c.tweet("1").send().await.unwrap_err();
    assert!(
        matches!(e, ClientError::Transport { attempts: 1, .. }),
        "{e:?}"
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn slow_response_times_out() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/1",
        recorded("tweet_lookup_single").set_delay(Duration::from_millis(1500)),
    )
    .await;
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .clock(Arc::new(FakeClock::new(start())))
        .build()
        .unwrap();
    let e = c.tweet("1").send().await.unwrap_err();
    assert!(
        matches!(e, ClientError::Timeout { attempts: 1, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn malformed_json_names_the_path() {
    let s = server().await;
    // created_at is not a timestamp in the second tweet.
    let body = r#"{"data":[{"id":"1","text":"a"},{"id":"2","text":"b","created_at":42}],"meta":{"result_count":2}}"#;
    get(
        &s,
        "/2/tweets/search/recent",
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;
    get(
        &s,
        "/2/tweets/1",
        ResponseTemplate::new(200).set_body_raw("{\"data\": [", "application/json"),
    )
    .await;
    let (c, _) = client(&s);
    let e = c.search_recent("x").send().await.unwrap_err();
    match &e {
        ClientError::Malformed { path, .. } => assert_eq!(path, "data[1].created_at"),
        other => panic!("{other:?}"),
    }
    let e = c.tweet("1").send().await.unwrap_err();
    assert!(matches!(e, ClientError::Malformed { .. }), "{e:?}");
    assert!(e.to_string().contains("malformed response body"), "{e}");
}

#[tokio::test]
async fn parameters_are_checked_before_sending() {
    let s = server().await;
    let (c, _) = client(&s);
    let cases: Vec<(ClientError, &str)> = vec![
        (
            c.search_recent("x")
                .max_results(101)
                .send()
                .await
                .unwrap_err(),
            "max_results",
        ),
        (
            c.search_all("x").max_results(501).send().await.unwrap_err(),
            "max_results",
        ),
        (
            c.search_recent("x")
                .max_results(9)
                .send()
                .await
                .unwrap_err(),
            "max_results",
        ),
        (
            c.search_recent("a".repeat(513)).send().await.unwrap_err(),
            "query",
        ),
        (
            c.user_tweets("783214")
                .max_results(4)
                .send()
                .await
                .unwrap_err(),
            "max_results",
        ),
        (
            c.followers("783214")
                .max_results(1001)
                .send()
                .await
                .unwrap_err(),
            "max_results",
        ),
        (
            c.followers("783214")
                .resume_from("short")
                .send()
                .await
                .unwrap_err(),
            "pagination_token",
        ),
        (
            c.quote_tweets("1").max_results(5).send().await.unwrap_err(),
            "max_results",
        ),
        (c.tweet("12a").send().await.unwrap_err(), "id"),
        (
            c.tweets(Vec::<String>::new()).send().await.unwrap_err(),
            "ids",
        ),
        (
            c.tweets((0..101).map(|i| i.to_string()))
                .send()
                .await
                .unwrap_err(),
            "ids",
        ),
        (
            c.users_by_usernames(["way_too_long_username_here"])
                .send()
                .await
                .unwrap_err(),
            "usernames",
        ),
        (
            c.counts_recent("x")
                .granularity("week")
                .send()
                .await
                .unwrap_err(),
            "granularity",
        ),
    ];
    for (e, param) in cases {
        match &e {
            ClientError::InvalidParameter { parameter, .. } => assert_eq!(parameter, param, "{e}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        s.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
    // A 1024-character query passes when the limit is raised (Pro tier).
    let c2 = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .max_query_len(1024)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = c2.search_all("a".repeat(1024)).send().await.unwrap_err();
    assert!(
        e.to_string().contains("no mock for GET"),
        "it was sent: {e}"
    );
}

#[tokio::test]
async fn partial_errors_are_outcomes_per_id() {
    let s = server().await;
    // Recorded: data with one tweet, errors about a referenced tweet (includes), not the requested id.
    get(
        &s,
        "/2/tweets",
        ResponseTemplate::new(200).set_body_raw(
            fixture("twarc2_tweets_lookup_partial_error_not_found.json"),
            "application/json",
        ),
    )
    .await;
    get(&s, "/2/users/by", ResponseTemplate::new(200).set_body_raw(serde_json::json!({
        "data":[{"id":"783214","name":"Twitter","username":"Twitter"}],
        "errors":[
            {"value":"leeseunggi","detail":"User has been suspended: [leeseunggi].","title":"Forbidden","resource_type":"user","parameter":"usernames","resource_id":"leeseunggi","type":"https://api.twitter.com/2/problems/resource-not-found"},
            {"value":"gone_user","detail":"Could not find user with usernames: [gone_user].","title":"Not Found Error","resource_type":"user","parameter":"usernames","resource_id":"gone_user","type":"https://api.twitter.com/2/problems/resource-not-found"},
            {"value":"locked","detail":"Sorry, you are not authorized to see the user with usernames: [locked].","title":"Authorization Error","resource_type":"user","parameter":"usernames","resource_id":"locked","section":"data","type":"https://api.twitter.com/2/problems/not-authorized-for-resource"}
        ]}).to_string(), "application/json")).await;
    get(
        &s,
        "/2/tweets/search/recent",
        ResponseTemplate::new(200).set_body_raw(
            fixture("twarc2_tweet_lookup_withheld.json"),
            "application/json",
        ),
    )
    .await;
    let (c, _) = client(&s);

    let v = fixture_json("twarc2_tweets_lookup_partial_error_not_found.json");
    let found: Vec<String> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let mut asked = found.clone();
    asked.push("999".into());
    let page = c.tweets(asked.clone()).send().await.unwrap();
    let outcomes = page.outcomes(&asked);
    assert_eq!(outcomes.len(), asked.len());
    assert!(
        outcomes[..found.len()]
            .iter()
            .all(|(_, o)| *o == IdOutcome::Found)
    );
    assert_eq!(outcomes.last().unwrap().1, IdOutcome::Missing);
    assert_eq!(
        page.partial_errors().len(),
        v["errors"].as_array().unwrap().len(),
        "kept on the page"
    );

    let names: Vec<String> = [
        "Twitter",
        "leeseunggi",
        "gone_user",
        "locked",
        "never_heard",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let users = c.users_by_usernames(&names).send().await.unwrap();
    let o: Vec<IdOutcome> = users.outcomes(&names).into_iter().map(|(_, o)| o).collect();
    assert_eq!(
        o,
        vec![
            IdOutcome::Found,
            IdOutcome::Suspended,
            IdOutcome::NotFound,
            IdOutcome::NotAuthorized,
            IdOutcome::Missing
        ]
    );

    // A returned tweet that is withheld reports its countries.
    let w = fixture_json("twarc2_tweet_lookup_withheld.json");
    let t0 = &w["data"][0];
    let page = c.search_recent("x").send().await.unwrap();
    let o = page.outcomes(&[t0["id"].as_str().unwrap().to_owned()]);
    let codes: Vec<String> = t0["withheld"]["country_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert!(!codes.is_empty());
    assert_eq!(
        o[0].1,
        IdOutcome::Withheld {
            country_codes: codes
        }
    );
}

#[tokio::test]
async fn the_token_never_appears_in_debug_or_errors() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/1",
        problem(
            401,
            serde_json::json!({"title":"Unauthorized","detail":"Unauthorized"}),
        ),
    )
    .await;
    get(
        &s,
        "/2/tweets/2",
        ResponseTemplate::new(200).set_body_raw("not json", "application/json"),
    )
    .await;
    get(&s, "/2/tweets/3", ResponseTemplate::new(503)).await;
    let (c, _) = client(&s);
    let mut texts = vec![
        format!("{c:?}"),
        format!("{:?}", c.config()),
        format!("{:?}", c.tweet("1")),
    ];
    let errors = vec![
        c.tweet("1").send().await.unwrap_err(),
        c.tweet("2").send().await.unwrap_err(),
        c.tweet("3").send().await.unwrap_err(),
        c.search_recent("x")
            .max_results(1)
            .send()
            .await
            .unwrap_err(),
        XClient::builder()
            .bearer_token(format!("{TOKEN}\u{7f}bad"))
            .base_url(s.uri())
            .build()
            .unwrap()
            .tweet("1")
            .send()
            .await
            .unwrap_err(),
        XClient::builder()
            .bearer_token(TOKEN)
            .base_url("ftp://x")
            .build()
            .unwrap_err(),
    ];
    let reset = resetting_server(usize::MAX, String::new()).await;
    let c2 = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(reset)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut errors = errors;
    errors.push(c2.tweet("1").send().await.unwrap_err());
    for e in &errors {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            texts.push(s.to_string());
            src = s.source();
        }
    }
    let fragment = &TOKEN[20..40];
    for t in &texts {
        assert!(
            !t.contains(TOKEN) && !t.contains(fragment),
            "token leaked in: {t}"
        );
    }
    // And the token did go out where it belongs.
    let reqs = s.received_requests().await.unwrap();
    assert!(reqs.iter().all(|r| {
        r.headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with(TOKEN)
    }));
}
