//! `rapport follows`, `rapport relationship`, follow watches, the report's follow steps and mentors
//! of a time window end to end, as the built binary, on a hand-built twarc2 file whose every event and
//! interval is worked out by hand below.

use std::path::Path;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{Run, ok, rapport, rapport_env};

/// One twarc2 page of @acme_careers' (id 1) followers or following list.
fn follow_page(dir: &str, token: Option<&str>, at: &str, users: &[(&str, &str)]) -> String {
    let data: Vec<Value> = users
        .iter()
        .map(|(id, h)| json!({"id": id, "username": h, "name": h}))
        .collect();
    let q = token.map_or(String::new(), |t| format!("&pagination_token={t}"));
    json!({
        "data": data,
        "meta": {"result_count": users.len()},
        "__twarc": {
            "url": format!("https://api.twitter.com/2/users/1/{dir}?max_results=1000{q}"),
            "version": "2.14.0",
            "retrieved_at": at,
        }
    })
    .to_string()
}

/// The file. Conversation on 2 May: @acme_careers posts 100 (09:00); @ada replies 101 (10:00); acme
/// replies back 102 (11:00). Follow lists of acme, two runs:
///
/// | run | following (08:55) | followers (09:00, page 2 at 09:01) |
/// |---|---|---|
/// | 1 May | {ada} | {bob}, then {cy} |
/// | 3 May | {ada, cy} | {ada, bob} |
///
/// By hand (events sort by `observed_before`, then `observed_after`, then account id):
/// - cy (9): acme `followed` it in (1 May 08:55, 3 May 08:55] — cy was seen following acme only in a
///   snapshot that ended at 09:01, after the start of acme's first following snapshot, so not a
///   follow-back;
/// - ada (7): `followed_back` acme in (1 May 09:00, 3 May 09:00] — acme already followed her in the
///   snapshot that ended at 08:55, before the start of the followers snapshot of 1 May;
/// - cy (9): `unfollowed` acme in (1 May 09:00, 3 May 09:00];
/// - bob: in both followers lists, never followed: no event. The first snapshots set state only.
fn write_file(dir: &Path) -> String {
    let tweets = json!({
        "data": [
            {"id": "100", "text": "We are #hiring", "author_id": "1", "conversation_id": "100",
             "entities": {"hashtags": [{"start": 7, "end": 14, "tag": "hiring"}]},
             "created_at": "2024-05-02T09:00:00.000Z"},
            {"id": "101", "text": "@acme_careers is it remote?", "author_id": "7",
             "conversation_id": "100", "in_reply_to_user_id": "1",
             "referenced_tweets": [{"type": "replied_to", "id": "100"}],
             "created_at": "2024-05-02T10:00:00.000Z"},
            {"id": "102", "text": "@ada yes, fully", "author_id": "1", "conversation_id": "100",
             "in_reply_to_user_id": "7", "referenced_tweets": [{"type": "replied_to", "id": "101"}],
             "created_at": "2024-05-02T11:00:00.000Z"}
        ],
        "includes": {"users": [
            {"id": "1", "username": "acme_careers", "name": "Acme Careers"},
            {"id": "7", "username": "ada", "name": "Ada"}
        ]},
        "meta": {"result_count": 3},
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent?query=acme",
                    "version": "2.14.0", "retrieved_at": "2024-05-02T12:00:00+00:00"}
    });
    let lines = [
        tweets.to_string(),
        follow_page(
            "following",
            None,
            "2024-05-01T08:55:00+00:00",
            &[("7", "ada")],
        ),
        follow_page(
            "followers",
            None,
            "2024-05-01T09:00:00+00:00",
            &[("8", "bob")],
        ),
        follow_page(
            "followers",
            Some("7140dibdnow9c7btw3z2vwioavpvutgzrzm2icpwfmz9"),
            "2024-05-01T09:01:00+00:00",
            &[("9", "cy")],
        ),
        follow_page(
            "following",
            None,
            "2024-05-03T08:55:00+00:00",
            &[("7", "ada"), ("9", "cy")],
        ),
        follow_page(
            "followers",
            None,
            "2024-05-03T09:00:00+00:00",
            &[("7", "ada"), ("8", "bob")],
        ),
    ];
    let file = dir.join("acme.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file.to_str().unwrap().to_owned()
}

const EXPECTED_CSV: &str = "\
handle,event,by,observed_after,observed_before,org,id,org_id
cy,followed,org,2024-05-01T08:55:00.000Z,2024-05-03T08:55:00.000Z,acme_careers,9,1
ada,followed_back,account,2024-05-01T09:00:00.000Z,2024-05-03T09:00:00.000Z,acme_careers,7,1
cy,unfollowed,account,2024-05-01T09:00:00.000Z,2024-05-03T09:00:00.000Z,acme_careers,9,1
";

#[test]
fn follows_lists_the_events_from_a_file_or_the_store_alike() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path());

    let csv = ok(&[
        "follows",
        "--org",
        "acme_careers",
        "--input",
        &file,
        "--format",
        "csv",
    ]);
    assert_eq!(csv.stdout, EXPECTED_CSV);

    // The same from the store, after an import (the snapshots are stored, then loaded).
    let store = dir.path().join("hr.db");
    let store = store.to_str().unwrap();
    ok(&["import", &file, "--store", store]);
    let from_store = ok(&[
        "follows",
        "--org",
        "acme_careers",
        "--store",
        store,
        "--format",
        "csv",
    ]);
    assert_eq!(from_store.stdout, EXPECTED_CSV);

    let text = ok(&["follows", "--org", "acme_careers", "--store", store]);
    assert!(
        text.stdout
            .starts_with("Follow events of acme_careers: 3 from 4 follow snapshot(s)."),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "@ada              followed_back by @ada            after 2024-05-01T09:00:00Z  \
             at or before 2024-05-03T09:00:00Z"
        ),
        "{}",
        text.stdout
    );

    let j = ok(&["follows", "--org", "1", "--store", store, "--json"]);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["org"], json!(["acme_careers"]));
    assert_eq!(v["snapshots"], 4);
    assert_eq!(v["events"][1]["event"], "followed_back");
    assert_eq!(v["events"][1]["observed_after"], "2024-05-01T09:00:00Z");

    // An organisation nobody knows is an error naming it; no organisation is a usage error.
    let r = rapport(&[
        "follows",
        "--org",
        "acme_careers,nobody_9",
        "--store",
        store,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nobody_9"), "{}", r.stderr);
    assert_eq!(rapport(&["follows", "--store", store]).code, 2);
    // Neither a store nor a file: a usage error too.
    assert_eq!(rapport(&["follows", "--org", "acme_careers"]).code, 2);
}

#[test]
fn relationship_prints_the_timeline_of_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path());
    let r = ok(&[
        "relationship",
        "@ada",
        "--org",
        "acme_careers",
        "--input",
        &file,
        "--json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let steps: Vec<(&str, Value, Value, Value)> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap(),
                s["at"].clone(),
                s["observed_after"].clone(),
                s["observed_before"].clone(),
            )
        })
        .collect();
    let n = Value::Null;
    let t = |s: &str| json!(s);
    // By hand: acme already followed ada in its first following snapshot (08:55 on 1 May); the
    // conversation of 2 May; ada's follow, a follow-back, in (1 May 09:00, 3 May 09:00].
    assert_eq!(
        steps,
        [
            (
                "org_followed",
                n.clone(),
                n.clone(),
                t("2024-05-01T08:55:00Z")
            ),
            (
                "first_reply_by_account",
                t("2024-05-02T10:00:00Z"),
                n.clone(),
                n.clone()
            ),
            (
                "first_reply_by_org",
                t("2024-05-02T11:00:00Z"),
                n.clone(),
                n.clone()
            ),
            (
                "first_two_way_exchange",
                t("2024-05-02T11:00:00Z"),
                n.clone(),
                n.clone()
            ),
            (
                "latest_interaction",
                t("2024-05-02T11:00:00Z"),
                n.clone(),
                n.clone()
            ),
            (
                "account_followed",
                n.clone(),
                t("2024-05-01T09:00:00Z"),
                t("2024-05-03T09:00:00Z")
            ),
            (
                "followed_back",
                n.clone(),
                t("2024-05-01T09:00:00Z"),
                t("2024-05-03T09:00:00Z")
            ),
        ]
    );
    assert_eq!(v["steps"][3]["evidence"], json!(["102", "101"]));
    assert_eq!(v["follows"]["o_follows_x"], true);
    assert_eq!(v["follows"]["x_follows_o"], true);

    let text = ok(&[
        "relationship",
        "ada",
        "--org",
        "acme_careers",
        "--input",
        &file,
    ]);
    assert!(
        text.stdout
            .contains("the organisation follows yes, follows the organisation yes, mutual yes"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "followed_back                   between 2024-05-01T09:00:00Z and 2024-05-03T09:00:00Z"
        ),
        "{}",
        text.stdout
    );
    let csv = ok(&[
        "relationship",
        "ada",
        "--org",
        "acme_careers",
        "--input",
        &file,
        "--format",
        "csv",
    ]);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("step,at,observed_after,observed_before,evidence")
    );
    assert_eq!(
        lines.next(),
        Some(
            "org_followed,,,2024-05-01T08:55:00.000Z,already following in the first snapshot \
             (2024-05-01T08:55:00Z)"
        )
    );
    // Someone in no snapshot and no post: an error naming them.
    let r = rapport(&[
        "relationship",
        "nobody_9",
        "--org",
        "acme_careers",
        "--input",
        &file,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nobody_9"), "{}", r.stderr);
}

/// The HTML report puts the follow steps before the funnel's stages, and each engaged account's
/// follow state beside its score. By hand, from the latest snapshots (3 May): acme follows ada and cy
/// (followed 2); ada follows back (1); ada and bob follow acme (2).
#[test]
fn the_report_shows_the_follow_steps_beside_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path());
    let store = dir.path().join("hr.db");
    let store = store.to_str().unwrap();
    ok(&["import", &file, "--store", store]);
    let html = dir.path().join("r.html");
    ok(&[
        "report",
        "--store",
        store,
        "--org",
        "acme_careers",
        "--topic",
        "#hiring",
        "-o",
        html.to_str().unwrap(),
    ]);
    let doc = std::fs::read_to_string(&html).unwrap();
    let followed = doc
        .find("<tr><td>followed</td><td class=\"num\">2</td>")
        .expect("followed 2");
    assert!(doc.contains("<tr><td>follows back</td><td class=\"num\">1</td>"));
    assert!(doc.contains("2 account(s) follow the organisation"));
    assert!(doc.contains("latest of 4 follow snapshot(s) (the latest read 2024-05-03 09:00 UTC)"));
    assert!(followed < doc.find("<figure><svg").unwrap());
    // Ada, the one engaged account, follows back: her row says so beside her score.
    let ada = doc.find("<td>@ada</td>").unwrap();
    assert!(doc[ada..].contains("<td>mutual</td>"), "{}", &doc[ada..]);

    // The quickstart's text shows the same steps above the stages.
    let q = ok(&[
        "quickstart",
        &file,
        "--org",
        "acme_careers",
        "--topic",
        "#hiring",
    ]);
    assert!(
        q.stdout.contains(
            "  follow steps (facts, not in any score): followed 2 (the organisation follows \
             them), follows_back 1 (of those, they follow it too); 2 follow the organisation\n  \
             unaware"
        ),
        "{}",
        q.stdout
    );
}

/// `rapport mentors --since --until`: the #hiring conversation is on 2 May, so a window of that day
/// has it (acme's reply 102 answers ada's question 101, "is it remote?": 1 answer), and a window
/// from 3 May on has no #hiring post at all.
#[test]
fn mentors_of_a_time_window() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path());
    let store = dir.path().join("hr.db");
    let store = store.to_str().unwrap();
    ok(&["import", &file, "--store", store]);
    let day = ok(&[
        "mentors",
        "--store",
        store,
        "--topic",
        "#hiring",
        "--since",
        "2024-05-02",
        "--until",
        "2024-05-03",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&day.stdout).unwrap();
    let acme = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "acme_careers")
        .unwrap();
    assert_eq!(acme["answers"], 1);
    assert_eq!(v["options"]["since"], "2024-05-02T00:00:00Z");
    let text = ok(&[
        "mentors",
        "--store",
        store,
        "--topic",
        "#hiring",
        "--since",
        "2024-05-02",
    ]);
    assert!(
        text.stdout
            .starts_with("Mentors of #hiring, posts from 2024-05-02T00:00:00Z (learning"),
        "{}",
        text.stdout
    );
    let none = rapport(&[
        "mentors",
        "--store",
        store,
        "--topic",
        "#hiring",
        "--since",
        "2024-05-03",
    ]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("hiring"), "{}", none.stderr);
    let bad = rapport(&["mentors", "--store", store, "--since", "yesterday"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let empty = rapport(&[
        "mentors",
        "--store",
        store,
        "--since",
        "2024-05-03",
        "--until",
        "2024-05-02",
    ]);
    assert_eq!(empty.code, 1);
    assert!(
        empty.stderr.contains("since before until"),
        "{}",
        empty.stderr
    );
}

fn users(ids: &[(&str, &str)]) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|(id, h)| json!({"id": id, "username": h, "name": h}))
        .collect();
    json!({"data": data, "meta": {"result_count": ids.len()}})
}

async fn run_async(args: Vec<String>, env: Vec<(&'static str, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        rapport_env(&a, &e)
    })
    .await
    .unwrap()
}

/// `watch add --kind followers|following` and two syncs against a mock X API: one snapshot per list
/// and run, then `rapport follows` on the store. Run 1: acme follows {ada}, followers {}; run 2:
/// followers {ada}: ada followed back, between the start of run 1's followers snapshot and the end
/// of run 2's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_watches_sync_snapshots_that_follows_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db").to_str().unwrap().to_owned();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let token = vec![("X_BEARER_TOKEN", "test-token-not-secret-123".to_owned())];
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/acme_careers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": {"id": "1", "username": "acme_careers", "name": "Acme Careers"}}),
        ))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/following"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users(&[("7", "ada")])))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/followers"))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users(&[])))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/1/followers"))
        .and(query_param("max_results", "1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users(&[("7", "ada")])))
        .mount(&api)
        .await;

    for (name, kind) in [("we-follow", "following"), ("our-followers", "followers")] {
        let r = run_async(
            s(&[
                "watch",
                "add",
                name,
                "--kind",
                kind,
                "--target",
                "@acme_careers",
                "--store",
                &store,
            ]),
            vec![],
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let sync = s(&["sync", "--store", &store, "--base-url", &api.uri()]);
    let r1 = run_async(sync.clone(), token.clone()).await;
    assert_eq!(r1.code, 0, "{}{}", r1.stdout, r1.stderr);
    assert!(
        r1.stdout
            .contains("we-follow: 1 page(s), 1 account(s) in the list; follow snapshot of "),
        "{}",
        r1.stdout
    );
    let r2 = run_async(sync, token).await;
    assert_eq!(r2.code, 0, "{}{}", r2.stdout, r2.stderr);
    assert!(
        r2.stdout
            .contains("our-followers: 1 page(s), 1 account(s) in the list"),
        "{}",
        r2.stdout
    );
    let l = run_async(s(&["watch", "list", "--store", &store]), vec![]).await;
    assert!(l.stdout.contains("followers @acme_careers"), "{}", l.stdout);
    assert!(l.stdout.contains("list read"), "{}", l.stdout);

    let j = run_async(
        s(&[
            "follows",
            "--org",
            "acme_careers",
            "--store",
            &store,
            "--json",
        ]),
        vec![],
    )
    .await;
    assert_eq!(j.code, 0, "{}", j.stderr);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["snapshots"], 4);
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{v}");
    assert_eq!(
        (events[0]["handle"].as_str(), events[0]["event"].as_str()),
        (Some("ada"), Some("followed_back"))
    );
    let after: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(events[0]["observed_after"].clone()).unwrap();
    let before: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(events[0]["observed_before"].clone()).unwrap();
    assert!(after < before);
}
