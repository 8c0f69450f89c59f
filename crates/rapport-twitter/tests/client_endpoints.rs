//! Every endpoint against the mock server serving the recorded payloads and headers.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

use client_support::*;
use rapport_twitter::client::RateLimit;

fn ids_in(name: &str, key: &str) -> Vec<String> {
    let v = fixture_json(name);
    let data = &v["data"];
    let items: Vec<&serde_json::Value> = if data.is_array() {
        data.as_array().unwrap().iter().collect()
    } else {
        vec![data]
    };
    items
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn search_recent_returns_typed_page_with_rate_limits() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/search/recent",
        recorded("search_recent_page1"),
    )
    .await;
    let (c, _) = client(&s);
    let page = c
        .search_recent("Tweepy")
        .max_results(10)
        .send()
        .await
        .unwrap();
    let expected = ids_in("search_recent_page1.json", "id");
    let got: Vec<&str> = page.items().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(got, expected);
    assert_eq!(
        page.next_token(),
        fixture_json("search_recent_page1.json")["meta"]["next_token"].as_str()
    );
    // Headers file: limit 450, remaining 448, reset 1665183229.
    let h = recorded_headers("search_recent_page1");
    assert_eq!(h["x-rate-limit-limit"], "450");
    let w: RateLimit = page.rate_limit.window.unwrap();
    assert_eq!(
        (w.limit, w.remaining, w.reset_at.unwrap().timestamp()),
        (Some(450), Some(448), 1_665_183_229)
    );
    assert_eq!(page.rate_limit.access_level.as_deref(), Some("read"));
    assert_eq!(
        c.last_rate_limit("GET /2/tweets/search/recent").unwrap(),
        page.rate_limit
    );

    let q = query_of(&s, 0).await;
    assert_eq!(param(&q, "query"), Some("Tweepy"));
    assert_eq!(param(&q, "max_results"), Some("10"));
    let tf = param(&q, "tweet.fields").unwrap();
    for f in [
        "note_tweet",
        "conversation_id",
        "referenced_tweets",
        "entities",
        "public_metrics",
        "author_id",
        "in_reply_to_user_id",
    ] {
        assert!(
            tf.split(',').any(|x| x == f),
            "tweet.fields lacks {f}: {tf}"
        );
    }
    assert!(
        param(&q, "expansions")
            .unwrap()
            .contains("referenced_tweets.id")
    );
    assert!(param(&q, "user.fields").unwrap().contains("description"));
    let reqs = s.received_requests().await.unwrap();
    assert_eq!(
        reqs[0]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        format!("Bearer {TOKEN}")
    );
}

#[tokio::test]
async fn fields_can_be_overridden() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/search/recent",
        recorded("search_recent_page1"),
    )
    .await;
    let (c, _) = client(&s);
    c.search_recent("x")
        .tweet_fields(&["created_at"])
        .expansions(&["author_id"])
        .send()
        .await
        .unwrap();
    let q = query_of(&s, 0).await;
    assert_eq!(param(&q, "tweet.fields"), Some("created_at"));
    assert_eq!(param(&q, "expansions"), Some("author_id"));
}

#[tokio::test]
async fn search_all_and_counts() {
    let s = server().await;
    get(&s, "/2/tweets/search/all", recorded("search_all_page1")).await;
    get(&s, "/2/tweets/counts/recent", recorded("counts_recent")).await;
    get(&s, "/2/tweets/counts/all", recorded("counts_recent")).await;
    let (c, _) = client(&s);
    let page = c
        .search_all("Tweepy")
        .max_results(500)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.items().len(),
        ids_in("search_all_page1.json", "id").len()
    );
    assert_eq!(page.rate_limit.window.unwrap().limit, Some(300));

    let counts = c
        .counts_recent("Tweepy")
        .granularity("hour")
        .send()
        .await
        .unwrap();
    let v = fixture_json("counts_recent.json");
    let sum: u64 = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["tweet_count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        counts.items().iter().map(|b| b.tweet_count).sum::<u64>(),
        sum
    );
    assert_eq!(
        counts.body.meta.as_ref().unwrap().total_tweet_count,
        v["meta"]["total_tweet_count"].as_u64()
    );
    assert_eq!(param(&query_of(&s, 1).await, "granularity"), Some("hour"));
    assert_eq!(
        param(&query_of(&s, 1).await, "tweet.fields"),
        None,
        "counts take no fields"
    );
    let all = c.counts_all("Tweepy").send().await.unwrap();
    assert_eq!(all.items().len(), counts.items().len());
}

#[tokio::test]
async fn tweet_lookups() {
    let s = server().await;
    get(
        &s,
        "/2/tweets/1293593516040269825",
        recorded("tweet_lookup_single"),
    )
    .await;
    get(&s, "/2/tweets", recorded("tweets_lookup_multi")).await;
    let (c, _) = client(&s);
    let one = c.tweet("1293593516040269825").send().await.unwrap();
    assert_eq!(one.items()[0].id, "1293593516040269825");
    let many = c
        .tweets(["1293593516040269825", "1293595870563381249"])
        .send()
        .await
        .unwrap();
    assert_eq!(many.items().len(), 2);
    assert_eq!(
        param(&query_of(&s, 1).await, "ids"),
        Some("1293593516040269825,1293595870563381249")
    );
}

#[tokio::test]
async fn user_lookups() {
    let s = server().await;
    get(
        &s,
        "/2/users/by/username/Twitter",
        recorded("user_by_username"),
    )
    .await;
    get(&s, "/2/users/by", recorded("users_by_usernames")).await;
    get(&s, "/2/users/783214", recorded("user_by_username")).await;
    get(
        &s,
        "/2/users",
        ResponseTemplateExt::plain(fixture("twarc2_users_lookup_with_errors.json")),
    )
    .await;
    let (c, _) = client(&s);
    let u = c.user_by_username("@Twitter").send().await.unwrap();
    assert_eq!(u.items()[0].username.as_deref(), Some("Twitter"));
    let us = c
        .users_by_usernames(["Twitter", "TwitterDev"])
        .send()
        .await
        .unwrap();
    assert_eq!(us.items().len(), 2);
    assert_eq!(
        param(&query_of(&s, 1).await, "usernames"),
        Some("Twitter,TwitterDev")
    );
    assert_eq!(
        param(&query_of(&s, 1).await, "expansions"),
        Some("pinned_tweet_id")
    );
    let by_id = c.user("783214").send().await.unwrap();
    assert_eq!(by_id.items()[0].id, "783214");
    let ids = ids_in("twarc2_users_lookup_with_errors.json", "id");
    let many = c.users(ids.iter().take(100).cloned()).send().await.unwrap();
    // The recorded page has 96 users and 8 partial errors (PROVENANCE.md).
    assert_eq!(many.items().len(), 96);
    assert_eq!(many.partial_errors().len(), 8);
}

#[tokio::test]
async fn timelines_and_lists_use_pagination_token() {
    let s = server().await;
    get(
        &s,
        "/2/users/783214/tweets",
        recorded("user_timeline_page1"),
    )
    .await;
    get(
        &s,
        "/2/users/783214/mentions",
        recorded("user_mentions_page1"),
    )
    .await;
    get(
        &s,
        "/2/users/783214/followers",
        recorded("user_followers_page1"),
    )
    .await;
    get(
        &s,
        "/2/users/783214/following",
        recorded("user_following_last_page"),
    )
    .await;
    get(
        &s,
        "/2/lists/84839422/members",
        recorded("list_members_page1"),
    )
    .await;
    // No list-posts recording exists; a timeline page has the same shape.
    get(
        &s,
        "/2/lists/84839422/tweets",
        recorded("user_timeline_page1"),
    )
    .await;
    get(
        &s,
        "/2/tweets/1293593516040269825/quote_tweets",
        recorded("quote_tweets_page1"),
    )
    .await;
    get(
        &s,
        "/2/tweets/1293593516040269825/liking_users",
        recorded("liking_users_page1"),
    )
    .await;
    get(
        &s,
        "/2/tweets/1415348607813832708/retweeted_by",
        recorded("retweeted_by_last_page"),
    )
    .await;
    let (c, _) = client(&s);

    let tl = c
        .user_tweets("783214")
        .max_results(5)
        .exclude(&["replies"])
        .resume_from("abcdefghijklmnop")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tl.items().len(),
        ids_in("user_timeline_page1.json", "id").len()
    );
    let q = query_of(&s, 0).await;
    assert_eq!(param(&q, "pagination_token"), Some("abcdefghijklmnop"));
    assert_eq!(param(&q, "next_token"), None);
    assert_eq!(param(&q, "exclude"), Some("replies"));

    let m = c.mentions("783214").send().await.unwrap();
    assert_eq!(
        m.items().len(),
        ids_in("user_mentions_page1.json", "id").len()
    );
    let f = c
        .followers("783214")
        .max_results(1000)
        .send()
        .await
        .unwrap();
    assert_eq!(
        f.items().len(),
        ids_in("user_followers_page1.json", "id").len()
    );
    assert!(
        f.next_token().is_some(),
        "followers page 1 has a next_token"
    );
    assert_eq!(
        f.rate_limit.window.unwrap().limit,
        Some(15),
        "followers: 15 per window"
    );
    let g = c.following("783214").send().await.unwrap();
    assert_eq!(
        g.next_token(),
        None,
        "the recorded following page is the last"
    );
    let lm = c.list_members("84839422").send().await.unwrap();
    assert_eq!(
        lm.items().len(),
        ids_in("list_members_page1.json", "id").len()
    );
    let lt = c
        .list_tweets("84839422")
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert!(!lt.items().is_empty());
    let qt = c
        .quote_tweets("1293593516040269825")
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert_eq!(
        qt.items().len(),
        ids_in("quote_tweets_page1.json", "id").len()
    );
    let lu = c.liking_users("1293593516040269825").send().await.unwrap();
    assert_eq!(
        lu.items().len(),
        ids_in("liking_users_page1.json", "id").len()
    );
    let rb = c.retweeted_by("1415348607813832708").send().await.unwrap();
    assert_eq!(
        rb.items().len(),
        ids_in("retweeted_by_last_page.json", "id").len()
    );
    assert_eq!(s.received_requests().await.unwrap().len(), 9);
}

#[tokio::test]
async fn wrong_route_fails_readably() {
    let s = server().await;
    let (c, _) = client(&s);
    let err = c.tweet("1").send().await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("no mock for GET"), "{msg}");
    assert!(msg.contains("/2/tweets/1"), "{msg}");
}

/// A 200 with a body and no recorded headers.
struct ResponseTemplateExt;
impl ResponseTemplateExt {
    fn plain(body: String) -> wiremock::ResponseTemplate {
        wiremock::ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}
