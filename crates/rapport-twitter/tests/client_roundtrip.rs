//! Pages collected by the client, written as twarc2 JSONL, re-import with the wire importer into the
//! same corpus.
#![allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    clippy::redundant_closure_for_method_calls
)]

mod client_support;

use client_support::*;
use futures::StreamExt;
use rapport_twitter::client::{JsonlWriter, StreamConfig, StreamEvent, TWARC_VERSION, XClient};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
use wiremock::ResponseTemplate;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};

fn without_twarc(name: &str) -> String {
    let mut v = fixture_json(name);
    v.as_object_mut().unwrap().remove("__twarc");
    serde_json::to_string_pretty(&v).unwrap()
}

fn sorted_ids(c: &rapport_core::Corpus) -> Vec<String> {
    let mut ids: Vec<String> = c.posts().map(|p| p.id().to_owned()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn collected_pages_round_trip_through_twarc_jsonl() {
    let s = server().await;
    // Page 1: the recorded #kpop page (100 tweets with includes and a partial error), pretty-printed
    // so the writer has to put it on one line; page 2: the recorded timeline page.
    let p1 = without_twarc("twarc2_search_recent_page_includes_partial_errors.json");
    let token = fixture_json("twarc2_search_recent_page_includes_partial_errors.json")["meta"]["next_token"].as_str().unwrap().to_owned();
    let mut p2 = fixture_json("twarc2_user_timeline_page_with_errors.json");
    p2.as_object_mut().unwrap().remove("__twarc");
    p2["meta"].as_object_mut().unwrap().remove("next_token");
    wiremock::Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(p1, "application/json"))
        .mount(&s)
        .await;
    wiremock::Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", token.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(p2.to_string(), "application/json"))
        .mount(&s)
        .await;
    let (c, _) = client(&s);
    let collected = c
        .search_recent("#kpop")
        .max_results(100)
        .collect()
        .await
        .unwrap();
    assert_eq!(collected.pages.len(), 2);
    assert!(
        collected.corpus.num_posts() >= 200,
        "100 + 100 data tweets at least, plus included ones"
    );

    let jsonl = collected.to_jsonl();
    assert_eq!(jsonl.lines().count(), 2);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["__twarc"]["version"], TWARC_VERSION);
    assert!(
        first["__twarc"]["url"]
            .as_str()
            .unwrap()
            .contains("query=%23kpop")
    );

    let report = import_jsonl_reader(
        jsonl.as_bytes(),
        "roundtrip.jsonl",
        &ImportOptions::strict(),
    )
    .unwrap();
    assert_eq!(report.pages, 2);
    assert!(report.skipped.is_empty());
    assert_eq!(sorted_ids(&report.corpus), sorted_ids(&collected.corpus));
    assert_eq!(
        report.corpus.num_accounts(),
        collected.corpus.num_accounts()
    );

    // The same through the writer.
    let mut w = JsonlWriter::new(Vec::new());
    for p in &collected.pages {
        w.write_page(p).unwrap();
    }
    assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), jsonl);
}

#[tokio::test]
async fn stream_messages_round_trip_too() {
    let s = server().await;
    let mut v = fixture_json("twarc2_filtered_stream_message.json");
    v.as_object_mut().unwrap().remove("__twarc");
    wiremock::Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("{v}\r\n"), "application/json"),
        )
        .mount(&s)
        .await;
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
    let Ok(StreamEvent::Message(page)) = &events[1] else {
        panic!("{events:?}")
    };
    let line = page.to_twarc_line();
    let report =
        import_jsonl_reader(line.as_bytes(), "stream.jsonl", &ImportOptions::strict()).unwrap();
    assert!(
        report
            .corpus
            .post_by_id(v["data"]["id"].as_str().unwrap())
            .is_some()
    );
}
