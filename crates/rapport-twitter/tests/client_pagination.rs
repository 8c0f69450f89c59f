//! Pagination across several pages, short and empty pages that are not the end, limits, resuming from
//! a saved token, and the 1 request/second pacing of full-archive search measured on the fake clock.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

use std::time::Duration;

use client_support::*;
use futures::{StreamExt, TryStreamExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn page(ids: &[&str], next: Option<&str>) -> ResponseTemplate {
    let data: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            serde_json::json!({"id": id, "text": format!("post {id}"), "author_id": "1",
            "created_at": "2024-05-01T09:00:00.000Z", "conversation_id": id})
        })
        .collect();
    let mut meta = serde_json::json!({"result_count": ids.len()});
    if let Some(n) = next {
        meta["next_token"] = n.into();
    }
    let mut body = serde_json::json!({"meta": meta, "includes": {"users": [{"id": "1", "name": "Acme", "username": "acme"}]}});
    if !ids.is_empty() {
        body["data"] = data.into();
    }
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json")
}

/// Four pages: 3 items, 0 items (with a token: not the end), 1 item (short), 2 items (last).
async fn four_pages(s: &MockServer, p: &str, token: &str) {
    let steps: [(Option<&str>, &[&str], Option<&str>); 4] = [
        (None, &["1", "2", "3"], Some("tok-2-aaaaaaaaaaaa")),
        (Some("tok-2-aaaaaaaaaaaa"), &[], Some("tok-3-aaaaaaaaaaaa")),
        (
            Some("tok-3-aaaaaaaaaaaa"),
            &["4"],
            Some("tok-4-aaaaaaaaaaaa"),
        ),
        (Some("tok-4-aaaaaaaaaaaa"), &["5", "6"], None),
    ];
    for (given, ids, next) in steps {
        let m = Mock::given(method("GET")).and(path(p));
        let m = match given {
            Some(t) => m.and(query_param(token, t)),
            None => m.and(query_param_is_missing(token)),
        };
        m.respond_with(page(ids, next)).mount(s).await;
    }
}

#[tokio::test]
async fn follows_next_token_through_empty_and_short_pages() {
    let s = server().await;
    four_pages(&s, "/2/tweets/search/recent", "next_token").await;
    let (c, _) = client(&s);
    let pages: Vec<_> = c
        .search_recent("#hiring")
        .max_results(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let counts: Vec<usize> = pages.iter().map(|p| p.items().len()).collect();
    assert_eq!(counts, vec![3, 0, 1, 2]);
    let items: Vec<String> = c
        .search_recent("#hiring")
        .items()
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, ["1", "2", "3", "4", "5", "6"]);
}

#[tokio::test]
async fn timelines_send_pagination_token() {
    let s = server().await;
    four_pages(&s, "/2/users/42/tweets", "pagination_token").await;
    let (c, _) = client(&s);
    let got = c.user_tweets("42").collect().await.unwrap();
    assert_eq!(got.pages.len(), 4);
    assert_eq!(got.corpus.num_posts(), 6);
    assert_eq!(got.next_token, None);
    let reqs = s.received_requests().await.unwrap();
    assert!(
        reqs.iter()
            .all(|r| !r.url.query_pairs().any(|(k, _)| k == "next_token"))
    );
}

#[tokio::test]
async fn page_and_item_limits_and_resume() {
    let s = server().await;
    four_pages(&s, "/2/tweets/search/recent", "next_token").await;
    let (c, _) = client(&s);

    let two = c.search_recent("q").max_pages(2).collect().await.unwrap();
    assert_eq!(two.pages.len(), 2);
    assert_eq!(
        two.next_token.as_deref(),
        Some("tok-3-aaaaaaaaaaaa"),
        "saved for later"
    );

    // max_items 4: pages 1 (3 items), 2 (0), 3 (1) reach 4; the item stream is cut at exactly 4.
    let items: Vec<_> = c
        .search_recent("q")
        .max_items(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 4);
    let pages: Vec<_> = c
        .search_recent("q")
        .max_items(4)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let items: Vec<_> = c
        .search_recent("q")
        .max_items(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);

    // Resume from the saved token: pages 3 and 4 only.
    let rest = c
        .search_recent("q")
        .resume_from(two.next_token.unwrap())
        .collect()
        .await
        .unwrap();
    let ids: Vec<&str> = rest
        .pages
        .iter()
        .flat_map(|p| p.items())
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ids, ["4", "5", "6"]);
}

#[tokio::test]
async fn an_error_mid_way_ends_the_stream_after_the_good_pages() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .respond_with(page(&["1"], Some("tok-2")))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", "tok-2"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&s)
        .await;
    let (c, _) = client(&s);
    let results: Vec<_> = c.search_recent("q").pages().collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(results[1].is_err());
    assert!(c.search_recent("q").collect().await.is_err());
}

#[tokio::test]
async fn full_archive_search_is_paced_on_the_fake_clock() {
    let s = server().await;
    four_pages(&s, "/2/tweets/search/all", "next_token").await;
    let (c, clock) = client(&s);
    let pages: Vec<_> = c
        .search_all("q")
        .max_results(500)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4);
    // The fake clock does not move while the mock answers, so each of the 3 requests after the
    // first waits the full default interval of 1.05 s: 3 * 1.05 s = 3.15 s in total.
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(1050); 3]);
    assert_eq!(clock.total_slept(), Duration::from_millis(3150));

    // Time spent elsewhere counts: after 0.8 s away, the next request waits only 0.25 s.
    clock.advance(Duration::from_millis(800));
    c.search_all("q").max_pages(1).collect().await.unwrap();
    assert_eq!(clock.sleeps().last(), Some(&Duration::from_millis(250)));

    // Recent search is not paced.
    let (c2, clock2) = client(&s);
    four_pages(&s, "/2/tweets/search/recent", "next_token").await;
    c2.search_recent("q").collect().await.unwrap();
    assert!(clock2.sleeps().is_empty());
}

#[tokio::test]
async fn counts_all_is_paced_too() {
    let s = server().await;
    get(&s, "/2/tweets/counts/all", recorded("counts_recent")).await;
    let (c, clock) = client(&s);
    c.counts_all("q").send().await.unwrap();
    c.counts_all("q").send().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_millis(1050)]);
}
