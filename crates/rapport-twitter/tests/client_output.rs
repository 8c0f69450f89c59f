//! Conversations (never failing the whole thread), pages into a corpus, the `Source` implementation,
//! and the two examples run against the mock server.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/job_post_replies.rs"]
mod job_post_replies;

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/follow_search.rs"]
mod follow_search;

use client_support::*;
use rapport_core::source::{Limit, MissingReason, SearchRequest, Source, SourceError};
use rapport_twitter::client::{RetryPolicy, XClient};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn tweet(
    id: &str,
    author: &str,
    conv: &str,
    reply_to: Option<&str>,
    text: &str,
    minute: u32,
) -> serde_json::Value {
    let mut t = serde_json::json!({"id": id, "text": text, "author_id": author, "conversation_id": conv,
        "created_at": format!("2024-05-01T09:{minute:02}:00.000Z"), "edit_history_tweet_ids": [id]});
    if let Some(r) = reply_to {
        t["referenced_tweets"] = serde_json::json!([{"type": "replied_to", "id": r}]);
    }
    let tags: Vec<serde_json::Value> = text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('#'))
        .map(|tag| {
            let start = text.find(&format!("#{tag}")).unwrap();
            serde_json::json!({"start": start, "end": start + tag.len() + 1, "tag": tag})
        })
        .collect();
    if !tags.is_empty() {
        t["entities"] = serde_json::json!({"hashtags": tags});
    }
    t
}

fn users() -> serde_json::Value {
    serde_json::json!([
        {"id": "1", "name": "Acme Careers", "username": "acme_careers"},
        {"id": "2", "name": "Ada", "username": "ada"},
        {"id": "3", "name": "Grace", "username": "grace"}
    ])
}

#[allow(clippy::needless_pass_by_value)]
fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json")
}

/// Acme (1) posts job 100 (#hiring) and job 200 (#jobs) and a lunch post 300. On 100, Ada (2) and
/// Grace (3) reply, Acme answers Ada, Ada answers back. 200's search answers a truncated body
/// (a malformed page: not retried, so the test stays fast).
async fn org_world(s: &MockServer) {
    let job1 = tweet("100", "1", "100", None, "We are #hiring a Rust engineer", 0);
    let job2 = tweet("200", "1", "200", None, "Data roles open #jobs", 1);
    let lunch = tweet("300", "1", "300", None, "Team lunch today", 2);
    get(
        s,
        "/2/users/by/username/acme_careers",
        ok(serde_json::json!({"data": users()[0]})),
    )
    .await;
    get(s, "/2/users/1/tweets", ok(serde_json::json!({"data": [lunch, job2, job1], "includes": {"users": [users()[0]]}, "meta": {"result_count": 3}}))).await;
    get(
        s,
        "/2/tweets/100",
        ok(serde_json::json!({"data": job1, "includes": {"users": [users()[0]]}})),
    )
    .await;
    get(
        s,
        "/2/tweets/200",
        ok(serde_json::json!({"data": job2, "includes": {"users": [users()[0]]}})),
    )
    .await;
    get(s, "/2/tweets/101", ok(serde_json::json!({"data": tweet("101", "2", "100", Some("100"), "Remote friendly?", 5), "includes": {"users": users()}}))).await;
    let replies = serde_json::json!({"data": [
        tweet("104", "2", "100", Some("103"), "Great, applying!", 20),
        tweet("103", "1", "100", Some("101"), "Yes, fully remote", 10),
        tweet("102", "3", "100", Some("100"), "Is there a junior role?", 6),
        tweet("101", "2", "100", Some("100"), "Remote friendly?", 5)],
        "includes": {"users": users()}, "meta": {"result_count": 4, "newest_id": "104", "oldest_id": "101"}});
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("query", "conversation_id:100"))
        .respond_with(ok(replies))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("query", "conversation_id:200"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"data\":[{\"id\":\"201\",", "application/json"),
        )
        .mount(s)
        .await;
}

#[tokio::test]
async fn conversation_from_a_reply_finds_the_root_and_the_replies() {
    let s = server().await;
    org_world(&s).await;
    let (c, _) = client(&s);
    // Start from Ada's reply 101: its conversation_id leads to root 100.
    let f = c.conversation("101").fetch().await.unwrap();
    assert!(f.is_complete(), "{:?}", f.failures);
    assert_eq!(f.conversation_id, "100");
    assert_eq!(f.root.as_ref().unwrap().id, "100");
    // Root + 4 replies.
    assert_eq!(f.corpus.num_posts(), 5);
    let conv = f.corpus.conversation("100").unwrap();
    assert_eq!(conv.num_posts, 5);
    // 100 → 101 → 103 → 104 is the deepest chain: depth 3.
    assert_eq!(conv.depth, 3);
    assert_eq!(
        f.pages.len(),
        3,
        "lookup of 101, lookup of root 100, one search page"
    );
}

#[tokio::test]
async fn a_failed_part_never_fails_the_thread() {
    let s = server().await;
    org_world(&s).await;
    let (c, _) = client(&s);
    let f = c.conversation("200").fetch().await.unwrap();
    assert_eq!(f.root.as_ref().unwrap().id, "200");
    assert_eq!(f.corpus.num_posts(), 1, "the root is kept");
    assert_eq!(f.failures.len(), 1);
    assert_eq!(f.failures[0].part, "search");
    assert!(
        f.failures[0].message.contains("malformed"),
        "{}",
        f.failures[0].message
    );

    // The root lookup fails (no mock for 999 → 500) but the search still runs.
    let f = c.conversation("999").fetch().await.unwrap();
    assert_eq!(
        f.failures.iter().map(|p| p.part).collect::<Vec<_>>(),
        ["lookup", "search"]
    );
    assert!(
        c.conversation("not-an-id").fetch().await.is_err(),
        "only a bad id is an Err"
    );
}

#[tokio::test]
async fn archive_conversations_use_full_archive_search() {
    let s = server().await;
    org_world(&s).await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/all"))
        .and(query_param(
            "query",
            "conversation_id:100 OR quotes_of_tweet_id:100",
        ))
        .respond_with(ok(serde_json::json!({"meta": {"result_count": 0}})))
        .mount(&s)
        .await;
    let (c, _) = client(&s);
    let f = c
        .conversation("100")
        .archive(true)
        .include_quotes(true)
        .fetch()
        .await
        .unwrap();
    assert!(f.is_complete(), "{:?}", f.failures);
    assert_eq!(f.corpus.num_posts(), 1);
}

#[tokio::test]
async fn source_trait_maps_results_and_errors() {
    let s = server().await;
    org_world(&s).await;
    get(&s, "/2/users/by", ok(serde_json::json!({"data": [users()[1]], "errors": [
        {"value": "gone", "detail": "Could not find user with usernames: [gone].", "title": "Not Found Error",
         "resource_type": "user", "parameter": "usernames", "resource_id": "gone", "type": "https://api.twitter.com/2/problems/resource-not-found"}]}))).await;
    get(&s, "/2/users/9/mentions", ResponseTemplate::new(401)).await;
    let (c, _) = client(&s);
    let src: &dyn Source = &c;
    let found = src
        .search(&SearchRequest::new("conversation_id:100"))
        .await
        .unwrap();
    // The four replies of org_world's search page.
    assert_eq!(found.corpus.num_posts(), 4);
    assert_eq!(found.pages, 1);
    let tl = src.timeline("1", Limit::pages(1)).await.unwrap();
    assert_eq!(tl.corpus.num_posts(), 3);
    let conv = src
        .conversation("200", false, Limit::default())
        .await
        .unwrap();
    assert_eq!(conv.failures.len(), 1);
    let acc = src
        .lookup_accounts(&["@ada".to_owned(), "gone".to_owned()])
        .await
        .unwrap();
    assert_eq!(acc.corpus.num_accounts(), 1);
    assert_eq!(acc.missing.len(), 1);
    assert_eq!(
        (acc.missing[0].id.as_str(), &acc.missing[0].reason),
        ("gone", &MissingReason::NotFound)
    );
    let e = src.mentions("9", Limit::default()).await.unwrap_err();
    assert!(matches!(e, SourceError::Unauthorized { .. }), "{e:?}");
}

#[tokio::test]
async fn example_job_post_replies_reports_counts_per_post() {
    let s = server().await;
    org_world(&s).await;
    let args: Vec<String> = [
        "--base-url",
        &s.uri(),
        "--org",
        "acme_careers",
        "--token",
        TOKEN,
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    let report = job_post_replies::run(&args).await.unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[0], "@acme_careers: 2 job post(s) tagged hiring/jobs",
        "{report}"
    );
    // Post 100: replies by others 101, 102, 104 = 3, from Ada and Grace = 2 people, Acme answered (103).
    assert!(
        lines[1].starts_with("100  replies   3  people   2  org answered yes"),
        "{report}"
    );
    // Post 200: its search page was malformed; the post is still reported, marked incomplete.
    assert!(
        lines[2].starts_with("200  replies   0  people   0  org answered no"),
        "{report}"
    );
    assert!(lines[2].contains("(incomplete: search failed)"), "{report}");
}

#[tokio::test]
async fn example_follow_search_appends_jsonl_and_resumes() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("since_id", "1578516068309794817"))
        .respond_with(ok(serde_json::json!({"meta": {"result_count": 0}})))
        .with_priority(1)
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .respond_with(recorded("search_recent_page1"))
        .with_priority(2)
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let state = dir.path().join("state");
    let args: Vec<String> = [
        "--base-url",
        &s.uri(),
        "--query",
        "Tweepy",
        "--out",
        out.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--max-pages",
        "1",
        "--token",
        TOKEN,
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    let first = follow_search::run(&args).await.unwrap();
    let newest = fixture_json("search_recent_page1.json")["meta"]["newest_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        first,
        follow_search::Summary {
            pages: 1,
            posts: 10,
            newest_id: Some(newest.clone())
        }
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), newest);
    // Second run asks only for newer posts (since_id) and appends one empty page.
    let second = follow_search::run(&args).await.unwrap();
    assert_eq!(
        second,
        follow_search::Summary {
            pages: 1,
            posts: 0,
            newest_id: Some(newest)
        }
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 2);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            v["__twarc"]["url"]
                .as_str()
                .unwrap()
                .contains("/2/tweets/search/recent?")
        );
    }
}

#[tokio::test]
async fn retry_policy_applies_to_example_clients_too() {
    // The default client retries 5xx; with RetryPolicy::none() a 503 fails at once.
    let s = server().await;
    get(&s, "/2/tweets/1", ResponseTemplate::new(503)).await;
    let c = XClient::builder()
        .bearer_token(TOKEN)
        .base_url(s.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(c.tweet("1").send().await.is_err());
    assert_eq!(s.received_requests().await.unwrap().len(), 1);
}
