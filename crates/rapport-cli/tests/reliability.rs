//! What a tester found, end to end through the binary: a retention window that panicked, an import
//! that did not say what it committed, outputs audited before they existed, an erasure that left
//! the person in watches, the log or the WAL, and no way to check a store.

use std::path::Path;

use rapport_sample::{SampleConfig, write_sample_file};
use rapport_store::Store;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{Run, ok, rapport, rapport_env};

fn audit(store: &str) -> Vec<Value> {
    let r = ok(&["audit", "--store", store, "--json"]);
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn actions(store: &str) -> Vec<String> {
    audit(store)
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// A store with the 600-post sample (seed 3).
fn sample_store(dir: &Path) -> (String, String) {
    let file = dir.join("sample.jsonl");
    write_sample_file(&SampleConfig::new(600, 3), &file).unwrap();
    let store = dir.join("hr.db").to_str().unwrap().to_owned();
    ok(&["import", file.to_str().unwrap(), "--store", &store]);
    (store, file.to_str().unwrap().to_owned())
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let hay = hay.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    hay.windows(n.len()).any(|w| w == n.as_bytes())
}

#[test]
fn retain_with_an_absurd_window_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let r = rapport(&["retain", "--days", "100000000", "--store", &store]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("100000000 days"), "{}", r.stderr);
    assert_eq!(actions(&store), ["import"]);
}

#[test]
fn an_import_says_which_file_was_committed_and_which_failed() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ok.jsonl");
    write_sample_file(&SampleConfig::new(200, 4), &good).unwrap();
    // A file cut off in the middle of its second line.
    let text = std::fs::read_to_string(&good).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let second = lines.next().unwrap();
    let bad = dir.path().join("truncated.jsonl");
    std::fs::write(&bad, format!("{first}\n{}", &second[..second.len() / 2])).unwrap();
    let store = dir.path().join("i.db").to_str().unwrap().to_owned();

    let r = rapport(&[
        "import",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--store",
        &store,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("truncated.jsonl: import failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("committed and audited before it:") && r.stderr.contains("ok.jsonl ("),
        "{}",
        r.stderr
    );
    // What was committed is in the store and in the log: one entry, for ok.jsonl.
    let log = audit(&store);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "import");
    let s = Store::open(&store).unwrap();
    assert_eq!(
        log[0]["details"]["posts_written"].as_u64().unwrap(),
        s.num_posts().unwrap()
    );
}

#[test]
fn import_json_carries_the_importers_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.jsonl");
    write_sample_file(&SampleConfig::new(50, 4), &file).unwrap();
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("{not json\n");
    std::fs::write(&file, text).unwrap();
    let store = dir.path().join("j.db").to_str().unwrap().to_owned();
    let r = rapport(&[
        "import",
        file.to_str().unwrap(),
        "--store",
        &store,
        "--lenient",
        "--json",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["import"]["skipped"].as_array().unwrap().len(), 1);
    assert!(f["import"]["lines"].as_u64().unwrap() > 1);
    assert!(f["import"]["stats"].is_object());
    assert_eq!(f["audit_seq"], 1);
    assert_eq!(v["failed"], Value::Null);
}

#[test]
fn an_output_that_cannot_be_written_is_not_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let cands = dir.path().join("c.csv");
    std::fs::write(&cands, "hris_id,x_handle\nE1,nobody_here\n").unwrap();
    let r = rapport(&[
        "score",
        "--store",
        &store,
        "--org",
        "acme_careers",
        "--candidates",
        cands.to_str().unwrap(),
        "-o",
        "/no/such/dir/x.csv",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("/no/such/dir/x.csv"), "{}", r.stderr);
    let r = rapport(&[
        "audit",
        "--store",
        &store,
        "--export",
        "/no/such/dir/log.jsonl",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(actions(&store), ["import"]);

    // A written export is audited after it exists, and no temporary file is left beside it.
    let out = dir.path().join("log.jsonl");
    ok(&[
        "audit",
        "--store",
        &store,
        "--export",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1);
    assert_eq!(actions(&store), ["import", "audit-export"]);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| Path::new(n).extension().is_some_and(|e| e == "tmp")),
        "{names:?}"
    );
}

#[test]
fn forget_through_the_cli_leaves_no_byte_of_the_person_and_stops_their_watches() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    // Someone with posts, a display name and a bio.
    let (id, handle, name, bio, texts) = {
        let s = Store::open(&store).unwrap();
        let c = s.load_corpus().unwrap();
        let a = c
            .accounts()
            .filter(|a| {
                a.display_name().is_some_and(|n| n.len() > 5)
                    && a.bio().is_some_and(|b| b.len() > 12)
            })
            .max_by_key(|a| c.posts().filter(|p| p.author().id() == a.id()).count())
            .unwrap();
        // Her texts that are hers alone (the sample generator reuses phrases across people).
        let texts: Vec<String> = c
            .posts()
            .filter(|p| {
                p.author().id() == a.id() && p.reposted_post().is_none() && p.text().len() > 30
            })
            .map(|p| p.text().to_owned())
            .filter(|t| {
                !c.posts().any(|o| {
                    o.author().id() != a.id()
                        && o.reposted_post().is_none()
                        && o.text().contains(t.as_str())
                })
            })
            .collect();
        assert!(!texts.is_empty());
        (
            a.id().to_owned(),
            a.handle().to_owned(),
            a.display_name().unwrap().to_owned(),
            a.bio().unwrap().to_owned(),
            texts,
        )
    };
    ok(&[
        "watch",
        "add",
        &format!("{handle}-posts"),
        "--kind",
        "timeline",
        "--target",
        &handle,
        "--store",
        &store,
    ]);
    ok(&[
        "watch",
        "add",
        "her-name",
        "--kind",
        "search",
        "--target",
        &format!("from:{handle} OR @{handle}"),
        "--store",
        &store,
    ]);
    ok(&[
        "watch", "add", "jobs", "--kind", "search", "--target", "#hiring", "--store", &store,
    ]);

    let r = ok(&["forget", &format!("@{handle}"), "--store", &store, "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["watches_removed"], 2);
    assert_eq!(v["wal_truncated"], true);
    let r = ok(&["watch", "list", "--store", &store, "--json"]);
    let w: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(w.as_array().unwrap().len(), 1);

    let export = dir.path().join("audit.jsonl");
    ok(&[
        "audit",
        "--store",
        &store,
        "--export",
        export.to_str().unwrap(),
    ]);
    let db = std::fs::read(&store).unwrap();
    let wal = std::fs::read(format!("{store}-wal")).unwrap_or_default();
    let log = std::fs::read(&export).unwrap();
    let mut needles = vec![id.clone(), handle.clone(), name.clone(), bio.clone()];
    needles.extend(texts);
    for n in &needles {
        for (what, bytes) in [("database", &db), ("-wal", &wal), ("audit export", &log)] {
            assert!(!contains(bytes, n), "{n:?} is still in the {what}");
        }
    }
    // The log still verifies.
    ok(&["check", "--store", &store]);
}

#[test]
fn forget_fails_while_a_reader_keeps_the_wal_and_succeeds_when_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let handle = {
        let s = Store::open(&store).unwrap();
        let c = s.load_corpus().unwrap();
        c.posts().next().unwrap().author().handle().to_owned()
    };
    let reader = rusqlite::Connection::open(&store).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM posts;")
        .unwrap();
    let r = rapport(&["forget", &handle, "--store", &store]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("hr.db-wal could not be truncated"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("run the same `rapport forget` again"),
        "{}",
        r.stderr
    );
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    ok(&["forget", &handle, "--store", &store]);
}

#[test]
fn check_exits_0_on_a_sound_store_and_1_on_a_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let r = ok(&["check", "--store", &store]);
    assert!(
        r.stdout.contains("ok   audit log hash chain (1 record(s))"),
        "{}",
        r.stdout
    );
    let raw = rusqlite::Connection::open(&store).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone else';",
    )
    .unwrap();
    drop(raw);
    let r = rapport(&["check", "--store", &store, "--json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["audit_break"]["seq"], 1);
    // A store from a newer rapport is refused on open, clearly.
    let raw = rusqlite::Connection::open(&store).unwrap();
    raw.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(raw);
    let r = rapport(&["check", "--store", &store]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("newer than this rapport supports"),
        "{}",
        r.stderr
    );
}

// ----- sync with a bad item ----------------------------------------------------------------------------

async fn run_async(args: Vec<String>, env: Vec<(&'static str, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        rapport_env(&a, &e)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_names_the_lock_holder_then_skips_a_bad_api_item_reports_and_audits_it() {
    let s = MockServer::start().await;
    let post = |id: &str| {
        json!({"id": id, "text": format!("post {id}"), "author_id": "2",
        "created_at": "2026-05-01T09:00:00.000Z"})
    };
    let body = json!({
        "data": [post("12"), post(""), {"id": "10", "text": "who wrote me", "created_at": "2026-05-01T09:00:00.000Z"}, post("9")],
        "includes": {"users": [{"id": "2", "username": "ada", "name": "Ada"}]},
        "meta": {"result_count": 4}
    });
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .and(query_param("query", "#hiring"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db").to_str().unwrap().to_owned();
    let v = |a: &[&str]| a.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let r = run_async(
        v(&[
            "watch", "add", "jobs", "--kind", "search", "--target", "#hiring", "--store", &store,
        ]),
        vec![],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A sync lock held by a running process (pid 1 always runs) refuses the sync, naming it.
    let raw = rusqlite::Connection::open(&store).unwrap();
    raw.execute(
        "INSERT INTO sync_lock (id, pid, token, started_at) VALUES (1, 1, 't', '2026-05-01T00:00:00Z')",
        [],
    )
    .unwrap();
    drop(raw);
    let token = || vec![("X_BEARER_TOKEN", "test-token-not-secret-123".to_owned())];
    let r = run_async(
        v(&["sync", "--store", &store, "--base-url", &s.uri()]),
        token(),
    )
    .await;
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("a sync is already running (process 1,"),
        "{}",
        r.stderr
    );
    assert!(s.received_requests().await.unwrap().is_empty());
    // --break-lock removes it and syncs.
    let r = run_async(
        v(&[
            "sync",
            "--store",
            &store,
            "--base-url",
            &s.uri(),
            "--json",
            "--break-lock",
        ]),
        token(),
    )
    .await;
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("removed the sync lock of process 1"),
        "{}",
        r.stderr
    );
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    let w = &out["watches"][0];
    assert_eq!(w["posts_fetched"], 2);
    assert_eq!(w["skipped"]["post without an id"], 1);
    assert_eq!(w["skipped"]["post without an author_id"], 1);
    let log = audit(&store);
    let sync = log.iter().find(|e| e["action"] == "sync").unwrap();
    assert_eq!(sync["details"]["items_skipped"]["post without an id"], 1);
    assert_eq!(Store::open(&store).unwrap().num_posts().unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_that_fails_after_storing_pages_is_still_audited() {
    let s = MockServer::start().await;
    let post = |id: &str| {
        json!({"id": id, "text": format!("post {id}"), "author_id": "2",
        "created_at": "2026-05-01T09:00:00.000Z"})
    };
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [post("12"), post("11")],
            "includes": {"users": [{"id": "2", "username": "ada", "name": "Ada"}]},
            "meta": {"result_count": 2, "next_token": "p2"}
        })))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", "p2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Forbidden", "detail": "not allowed", "type": "about:blank", "status": 403
        })))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("f.db").to_str().unwrap().to_owned();
    let v = |a: &[&str]| a.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let r = run_async(
        v(&[
            "watch", "add", "jobs", "--kind", "search", "--target", "#hiring", "--store", &store,
        ]),
        vec![],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_async(
        v(&["sync", "--store", &store, "--base-url", &s.uri()]),
        vec![("X_BEARER_TOKEN", "test-token-not-secret-123".to_owned())],
    )
    .await;
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(Store::open(&store).unwrap().num_posts().unwrap(), 2);
    let log = audit(&store);
    let sync = log.iter().find(|e| e["action"] == "sync").unwrap();
    assert_eq!(sync["details"]["failed"], true);
    assert_eq!(sync["details"]["pages_in_failed_watch"], 1);
}

/// Texts of `author` that no other post holds (reposts aside: they go with their original).
fn own_texts(c: &rapport_core::Corpus, author: &str, post: Option<&str>) -> Vec<String> {
    c.posts()
        .filter(|p| {
            p.author().id() == author
                && post.is_none_or(|id| p.id() == id)
                && p.reposted_post().is_none()
                && p.text().len() > 30
        })
        .map(|p| p.text().to_owned())
        .filter(|t| {
            !c.posts().any(|o| {
                o.author().id() != author
                    && o.reposted_post().is_none()
                    && o.text().contains(t.as_str())
            })
        })
        .collect()
}

#[test]
fn a_compliance_file_removes_posts_and_accounts_from_the_store_and_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let (post_id, post_author, user_id, needles) = {
        let s = Store::open(&store).unwrap();
        let c = s.load_corpus().unwrap();
        // A post with a text of its own, and another person with posts and a bio of their own.
        let (post_id, post_author, text) = c
            .posts()
            .find_map(|p| {
                let t = own_texts(&c, p.author().id(), Some(p.id()));
                Some((
                    p.id().to_owned(),
                    p.author().id().to_owned(),
                    t.first()?.clone(),
                ))
            })
            .unwrap();
        let user = c
            .accounts()
            .filter(|a| a.id() != post_author && a.bio().is_some_and(|b| b.len() > 12))
            .filter(|a| {
                let bio = a.bio().unwrap();
                c.accounts()
                    .filter(|o| o.id() != a.id())
                    .all(|o| !o.bio().is_some_and(|b| b.contains(bio)))
            })
            .max_by_key(|a| own_texts(&c, a.id(), None).len())
            .unwrap();
        let mut needles = own_texts(&c, user.id(), None);
        assert!(!needles.is_empty());
        needles.push(user.bio().unwrap().to_owned());
        needles.push(text);
        (post_id, post_author, user.id().to_owned(), needles)
    };
    let before = Store::open(&store).unwrap().num_posts().unwrap();
    // A compliance job's results as twarc2 writes them: one event per line, no type field.
    let file = dir.path().join("compliance.jsonl");
    std::fs::write(
        &file,
        format!(
            concat!(
                r#"{{"id":"{post}","action":"delete","created_at":"2026-01-02T03:04:05.000Z","redacted_at":"2026-02-01T00:00:00.000Z","reason":"deleted"}}"#,
                "\n",
                r#"{{"id":"{user}","action":"suspend","created_at":"2020-01-01T00:00:00.000Z","reason":"suspended"}}"#,
                "\n",
                r#"{{"id":"{author}","action":"scrub_geo","reason":"scrub_geo"}}"#,
                "\n",
                r#"{{"id":"1999999999999999999","action":"delete","reason":"deleted"}}"#,
                "\n"
            ),
            post = post_id,
            user = user_id,
            author = post_author,
        ),
    )
    .unwrap();
    let r = ok(&["import", file.to_str().unwrap(), "--store", &store]);
    assert!(
        r.stdout
            .contains("4 compliance event(s) (delete: 2, scrub_geo: 1, suspend: 1)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 not in the store, 1 unchanged"),
        "{}",
        r.stdout
    );

    let opened = Store::open(&store).unwrap();
    let after = opened.num_posts().unwrap();
    let c = opened.load_corpus().unwrap();
    assert!(c.post_by_id(&post_id).is_none());
    assert!(c.posts().all(|p| p.author().id() != user_id));
    assert!(c.account_by_id(&user_id).is_none_or(|a| a.bio().is_none()));
    assert!(opened.is_post_removed(&post_id).unwrap());
    assert!(opened.is_forgotten(&user_id).unwrap());

    // One `compliance` entry after the first import's, with the counts, in a log that verifies.
    let log = audit(&store);
    assert_eq!(actions(&store), ["import", "compliance"]);
    let details = &log[1]["details"];
    let removed = details["posts_deleted"].as_u64().unwrap()
        + details["account_posts_deleted"].as_u64().unwrap()
        + details["reposts_deleted"].as_u64().unwrap();
    assert_eq!(removed, before - after);
    assert_eq!(details["posts_deleted"], 1);
    assert_eq!(details["accounts_deleted"], 1);
    assert_eq!(log[1]["cohort_size"], 1);
    assert!(!log[1].to_string().contains(&user_id));
    ok(&["check", "--store", &store]);

    let db = std::fs::read(&store).unwrap();
    let wal = std::fs::read(format!("{store}-wal")).unwrap_or_default();
    for n in &needles {
        assert!(!contains(&db, n), "{n:?} is still in the database file");
        assert!(!contains(&wal, n), "{n:?} is still in the -wal file");
    }

    // The same file again, as JSON: nothing left to remove; and the sample imported again does not
    // bring the removed posts back.
    let r = ok(&[
        "import",
        file.to_str().unwrap(),
        "--store",
        &store,
        "--json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let c = &v["files"][0]["compliance"];
    assert_eq!(c["events"], 4);
    assert_eq!(c["posts_deleted"], 0);
    assert_eq!(c["tombstones"], 0);
    assert_eq!(c["wal_truncated"], true);
    assert_eq!(v["files"][0]["audit_seq"], 0);
    let sample = dir.path().join("sample.jsonl");
    ok(&["import", sample.to_str().unwrap(), "--store", &store]);
    assert_eq!(Store::open(&store).unwrap().num_posts().unwrap(), after);
}

#[test]
fn import_prints_the_skips_per_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"9","text":"fine","author_id":"7","created_at":"2024-01-01T00:00:00Z"}"#,
            "\n{not json\n",
            r#"{"id":"10","text":"whose?","created_at":"2024-01-01T00:00:00Z"}"#,
            "\n",
            r#"{"id":"11","text":"also whose?","created_at":"2024-01-01T00:00:00Z"}"#,
            "\n",
            r#"{"id":"5","action":"like","reason":"liked"}"#,
            "\n"
        ),
    )
    .unwrap();
    let store = dir.path().join("s.db").to_str().unwrap().to_owned();
    let r = rapport(&[
        "import",
        file.to_str().unwrap(),
        "--store",
        &store,
        "--lenient",
    ]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "skipped 4: post without an author: 2, bad compliance event: 1, malformed line: 1"
        ),
        "{}",
        r.stdout
    );
    let r = rapport(&[
        "import",
        file.to_str().unwrap(),
        "--store",
        &store,
        "--lenient",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["import"]["skip_counts"]["no_author"], 2);
    assert_eq!(f["import"]["skip_counts"]["malformed"], 1);
    assert_eq!(
        f["skip_counts"],
        json!([
            ["no_author", 2],
            ["bad_compliance_event", 1],
            ["malformed", 1]
        ])
    );
}
