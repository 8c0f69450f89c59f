//! Every command of `rapport` end to end on the sample corpus, run as the built binary, with the exit
//! codes a script relies on: 0 done, 1 runtime error, 2 usage error, 3 partial result.

use std::path::Path;
use std::process::Command;

use rapport_sample::{SampleConfig, SampleTruth, write_sample_file};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{Run, ok, rapport, rapport_env};

/// A store with the 2 000-post sample (seed 5) imported.
fn sample_store(dir: &Path) -> (String, SampleTruth) {
    let file = dir.join("sample.jsonl");
    let truth = write_sample_file(&SampleConfig::new(2_000, 5), &file).unwrap();
    let store = dir.join("hr.db").to_str().unwrap().to_owned();
    let r = ok(&["import", file.to_str().unwrap(), "--store", &store]);
    assert!(
        r.stdout
            .contains(&format!("The store holds {} posts.", truth.posts)),
        "{}",
        r.stdout
    );
    (store, truth)
}

fn org_args(truth: &SampleTruth) -> Vec<String> {
    truth
        .org_handles
        .iter()
        .flat_map(|h| ["--org".to_owned(), h.clone()])
        .collect()
}

fn audit_actions(store: &str) -> Vec<String> {
    let r = ok(&["audit", "--store", store, "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn help_usage_and_runtime_errors_have_their_exit_codes() {
    let help = rapport(&["--help"]);
    assert_eq!(help.code, 0);
    for cmd in [
        "quickstart",
        "import",
        "sync",
        "watch",
        "score",
        "report",
        "forget",
        "audit",
    ] {
        assert!(help.stdout.contains(cmd), "{cmd} missing from --help");
    }
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
    let score_help = rapport(&["score", "--help"]);
    assert_eq!(score_help.code, 0);
    assert!(score_help.stdout.contains("--candidates"));
    // Usage errors: 2.
    assert_eq!(rapport(&["score"]).code, 2);
    assert_eq!(rapport(&["nonsense"]).code, 2);
    assert_eq!(
        rapport(&[
            "score",
            "--store",
            "x.db",
            "--org",
            "a",
            "--candidates",
            "c.csv",
            "--format",
            "xml"
        ])
        .code,
        2
    );
    // Runtime errors: 1, with the file named.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let r = rapport(&[
        "score",
        "--store",
        missing.to_str().unwrap(),
        "--org",
        "acme",
        "--candidates",
        "c.csv",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("c.csv"), "{}", r.stderr);
    let r = rapport(&["audit", "--store", missing.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

#[test]
fn import_score_forget_and_audit_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    // Candidates: two people the generator put in two-way conversation with the org, one unknown
    // handle, one of the org's own accounts, one record without a handle; an HR column that must
    // not be read.
    let first = &truth.two_way[0];
    let second = &truth.two_way[1];
    let csv = format!(
        "hris_id,name,x_handle,stage,salary\nE1,A,@{first},screen,100\nE2,B,https://x.com/{second},applied,90\nE3,C,@nobody_here_9,new,80\nE4,D,@{},new,70\nE5,E,,new,60\n",
        truth.org_handles[0]
    );
    let cands = dir.path().join("candidates.csv");
    std::fs::write(&cands, csv).unwrap();
    let mut args = vec![
        "score",
        "--store",
        &store,
        "--candidates",
        cands.to_str().unwrap(),
        "--explain",
    ];
    let org = org_args(&truth);
    args.extend(org.iter().map(String::as_str));
    let r = rapport(&args);
    // Unknown handle and a record without one: a partial result, exit 3, named on stderr.
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("E3 @nobody_here_9"), "{}", r.stderr);
    assert!(r.stderr.contains("E5"), "{}", r.stderr);
    assert!(
        r.stderr.contains("salary"),
        "ignored column listed: {}",
        r.stderr
    );
    let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
    let header = rd.headers().unwrap().clone();
    assert_eq!(&header[0], "hris_id");
    assert!(header.iter().any(|h| h == "summary"));
    assert!(!header.iter().any(|h| h == "salary"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, ["E1", "E2", "E3", "E4", "E5"]);
    let status: Vec<&str> = rows.iter().map(|r| &r[col("status")]).collect();
    assert_eq!(
        status,
        [
            "scored",
            "scored",
            "unknown_handle",
            "org_account",
            "no_handle"
        ]
    );
    // The generator's two-way people are at least "conversing".
    for r in &rows[..2] {
        assert!(
            ["conversing", "engaged"].contains(&&r[col("stage")]),
            "{r:?}"
        );
        assert!(!r[col("summary")].is_empty());
    }
    assert_eq!(&rows[3][col("score")], "", "the org is never scored");

    // JSON output to a file.
    let out = dir.path().join("scores.json");
    let mut jargs = args.clone();
    jargs.extend(["--format", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(rapport(&jargs).code, 3);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["rows"][0]["hris_id"], "E1");
    assert_eq!(v["unknown"][0]["handle"], "nobody_here_9");
    assert_eq!(v["advisory"], true);
    assert!(
        v["rows"][0]["explanation"]["evidence"]["two_way_exchanges"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );

    // Forget the first person: afterwards their handle is unknown to the store.
    let f = ok(&["forget", &format!("@{first}"), "--store", &store, "--json"]);
    let fr: Value = serde_json::from_str(&f.stdout).unwrap();
    assert!(fr["posts_deleted"].as_u64().unwrap() > 0);
    let r = rapport(&jargs);
    assert_eq!(r.code, 3);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["rows"][0]["status"], "unknown_handle");
    // Re-importing the same file does not bring them back.
    let r = ok(&[
        "import",
        dir.path().join("sample.jsonl").to_str().unwrap(),
        "--store",
        &store,
    ]);
    assert!(
        r.stdout.contains("of forgotten people skipped"),
        "{}",
        r.stdout
    );

    // Every scoring run, the import and the erasure are in the audit log, in order.
    let actions = audit_actions(&store);
    assert_eq!(
        actions,
        ["import", "score", "score", "forget", "score", "import"]
    );
    let export = dir.path().join("audit.jsonl");
    let r = ok(&[
        "audit",
        "--store",
        &store,
        "--export",
        export.to_str().unwrap(),
    ]);
    assert!(
        r.stdout.contains("exported 6 audit record(s)"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(&export).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    // A scoring run logs the cohort as pseudonyms: the scored people's ids never in clear.
    assert_eq!(lines[1]["cohort_size"], 2);
    assert!(!text.contains(first.as_str()));
    let table = ok(&["audit", "--store", &store]);
    assert!(table.stdout.contains("score") && table.stdout.contains("sha256:"));
}

#[test]
fn report_writes_one_self_contained_html_file() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let html = dir.path().join("report.html");
    let mut args = vec!["report", "--store", &store, "-o", html.to_str().unwrap()];
    let org = org_args(&truth);
    args.extend(org.iter().map(String::as_str));
    let r = ok(&args);
    assert!(r.stdout.contains("report.html"));
    let doc = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "<!DOCTYPE html>",
        "Engagement funnel",
        "Broadcast report",
        "void rate",
        "Top candidates",
        "Mentors of",
        "<svg",
    ] {
        assert!(doc.contains(needle), "{needle} missing");
    }
    // Self-contained: no script, no external asset (the only URL is the SVG namespace).
    assert!(!doc.contains("<script"));
    assert!(!doc.contains("src="));
    assert!(!doc.contains("href="));
    assert!(!doc.contains("https:"));
    assert_eq!(
        doc.matches("http:").count(),
        doc.matches("http://www.w3.org/2000/svg").count()
    );
    // And the page forbids anything else to the browser.
    assert!(doc.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    // The org's posts, as the generator counted them.
    assert!(
        doc.contains(&format!("<p>{} posts by the organisation", truth.org_posts)),
        "org posts"
    );
    // The inbox section: the same open and missed items as `rapport inbox`, the first ones listed.
    let mut inbox_args = vec!["inbox", "--store", &store, "--json"];
    inbox_args.extend(org.iter().map(String::as_str));
    let inbox: Value = serde_json::from_str(&ok(&inbox_args).stdout).unwrap();
    let open = inbox["items"].as_array().unwrap();
    let missed = inbox["missed"].as_array().unwrap().len();
    assert!(!open.is_empty(), "the sample has unanswered posts");
    assert!(doc.contains("<h2>Inbox: waiting for an answer</h2>"));
    assert!(
        doc.contains(&format!("<b>{} open, {missed} missed</b>", open.len())),
        "inbox counts"
    );
    let section = &doc[doc.find("<section id=\"inbox\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    for it in open.iter().take(10) {
        let id = it["post_id"].as_str().unwrap();
        assert!(section.contains(&format!("post {id}")), "inbox item {id}");
    }
    assert_eq!(
        section.matches("<tr><td>").count(),
        open.len().min(10),
        "one row per open item, at most --top"
    );
    assert_eq!(audit_actions(&store), ["import", "report"]);
}

// ----- sync against a mock X API -----------------------------------------------------------------

fn page(ids: &[u64], next: Option<&str>) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|i| {
            json!({"id": i.to_string(), "text": format!("post {i} for @acme_careers"), "author_id": "2",
                   "created_at": "2026-05-01T09:00:00.000Z", "conversation_id": i.to_string()})
        })
        .collect();
    let mut meta = json!({"result_count": ids.len()});
    if let Some(t) = next {
        meta["next_token"] = json!(t);
    }
    json!({"data": data, "includes": {"users": [{"id": "2", "username": "ada", "name": "Ada"}]}, "meta": meta})
}

async fn mount(s: &MockServer, page2: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[12, 11], Some("p2"))))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", "p2"))
        .respond_with(page2)
        .mount(s)
        .await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_and_sync_resume_after_a_stop_between_pages() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db").to_str().unwrap().to_owned();
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let token = vec![("X_BEARER_TOKEN", "test-token-not-secret-123".to_owned())];

    let r = run_async(
        s(&[
            "watch",
            "add",
            "jobs",
            "--kind",
            "search",
            "--target",
            "#hiring",
            "--page-size",
            "10",
            "--store",
            &store,
        ]),
        vec![],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A second watch with the same name is a runtime error.
    let r = run_async(
        s(&[
            "watch", "add", "jobs", "--kind", "search", "--target", "#x", "--store", &store,
        ]),
        vec![],
    )
    .await;
    assert_eq!(r.code, 1);

    // No token: a clear error naming the variable.
    let r = run_async(s(&["sync", "--store", &store]), vec![]).await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("X_BEARER_TOKEN"), "{}", r.stderr);

    // Page 2 fails with a 500 and retries are off: exit 3, page 1 kept.
    let bad = MockServer::start().await;
    mount(&bad, ResponseTemplate::new(500)).await;
    let r = run_async(
        s(&[
            "sync",
            "--store",
            &store,
            "--base-url",
            &bad.uri(),
            "--retries",
            "0",
        ]),
        token.clone(),
    )
    .await;
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("jobs: 1 page(s), 2 new post(s)"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("test-token-not-secret-123"));
    let l = run_async(s(&["watch", "list", "--store", &store]), vec![]).await;
    assert!(l.stdout.contains("a sync is unfinished"), "{}", l.stdout);

    // The rerun asks only for page 2 and ends up to date.
    let good = MockServer::start().await;
    mount(
        &good,
        ResponseTemplate::new(200).set_body_json(page(&[10, 9], None)),
    )
    .await;
    let r = run_async(
        s(&[
            "sync",
            "--store",
            &store,
            "--base-url",
            &good.uri(),
            "--json",
        ]),
        token.clone(),
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["watches"][0]["resumed"], true);
    assert_eq!(v["watches"][0]["posts_fetched"], 2);
    assert_eq!(v["watches"][0]["cursor"]["newest_id"], "12");
    let reqs = good.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].url.query().unwrap().contains("next_token=p2"));
    assert!(reqs[0].url.query().unwrap().contains("max_results=10"));

    // The service example: two rounds on a short interval, each asking only for newer posts.
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("since_id", "12"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"meta": {"result_count": 0}})),
        )
        .with_priority(1)
        .mount(&good)
        .await;
    let example = Path::new(env!("CARGO_BIN_EXE_rapport"))
        .parent()
        .unwrap()
        .join("examples/sync_service");
    let ex = example.clone();
    let (st, uri) = (store.clone(), good.uri());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(ex)
            .args([
                "--store",
                &st,
                "--base-url",
                &uri,
                "--interval-secs",
                "0.05",
                "--runs",
                "2",
            ])
            .env("X_BEARER_TOKEN", "test-token-not-secret-123")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "round 1: jobs: 1 page(s), 0 new post(s), newest id 12, up to date",
            "round 2: jobs: 1 page(s), 0 new post(s), newest id 12, up to date",
        ]
    );
    let reqs = good.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    assert!(
        reqs[1..]
            .iter()
            .all(|r| r.url.query().unwrap().contains("since_id=12"))
    );
    assert_eq!(
        audit_actions(&store),
        ["sync", "sync"],
        "each CLI sync run is logged"
    );
}

#[test]
fn retain_deletes_what_is_older_than_the_window_and_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let as_of = truth.newest;
    let cutoff = as_of - chrono::Duration::days(30);
    // Counted independently from the JSONL: every distinct post (data and includes.tweets) created
    // before the cutoff.
    let text = std::fs::read_to_string(dir.path().join("sample.jsonl")).unwrap();
    let mut old = std::collections::BTreeSet::new();
    let mut all = std::collections::BTreeSet::new();
    for line in text.lines() {
        let page: Value = serde_json::from_str(line).unwrap();
        let data = page["data"].as_array().cloned().unwrap_or_default();
        let included = page["includes"]["tweets"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Follow pages list users, not posts.
        for t in data
            .iter()
            .chain(included.iter())
            .filter(|t| t.get("username").is_none())
        {
            let id = t["id"].as_str().unwrap().to_owned();
            let at: chrono::DateTime<chrono::Utc> =
                t["created_at"].as_str().unwrap().parse().unwrap();
            all.insert(id.clone());
            if at < cutoff {
                old.insert(id);
            }
        }
    }
    assert!(!old.is_empty() && old.len() < all.len());
    let as_of_arg = as_of.to_rfc3339();
    let r = ok(&[
        "retain", "--days", "30", "--as-of", &as_of_arg, "--store", &store, "--json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["posts_deleted"].as_u64().unwrap() as usize, old.len());
    assert!(audit_actions(&store).iter().any(|a| a == "retain"));
    // Running it again deletes nothing more.
    let r = ok(&[
        "retain", "--days", "30", "--as-of", &as_of_arg, "--store", &store,
    ]);
    assert!(r.stdout.contains(" 0 post(s) older than"), "{}", r.stdout);
    // A missing store is an error (exit 1), a missing --days a usage error (exit 2).
    assert_eq!(
        rapport(&["retain", "--days", "1", "--store", "/nonexistent/x.db"]).code,
        1
    );
    assert_eq!(rapport(&["retain", "--store", &store]).code, 2);
}

#[test]
fn kept_candidates_can_be_forgotten_by_hris_id() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let cands = dir.path().join("candidates.csv");
    std::fs::write(
        &cands,
        format!(
            "hris_id,name,x_handle\nE1,A,@{}\nE2,B,@{}\n",
            truth.two_way[0], truth.two_way[1]
        ),
    )
    .unwrap();
    let mut args = vec![
        "score",
        "--store",
        &store,
        "--candidates",
        cands.to_str().unwrap(),
    ];
    let org = org_args(&truth);
    args.extend(org.iter().map(String::as_str));
    // Without --keep-candidates the store holds no candidate record: forgetting by HRIS id says so.
    ok(&args);
    let f = rapport(&["forget", "--candidate", "E1", "--store", &store]);
    assert_eq!(f.code, 1, "{}", f.stderr);
    assert!(f.stderr.contains("--keep-candidates"), "{}", f.stderr);
    // With it, both records are kept, and E1 is erased by its HRIS id.
    args.push("--keep-candidates");
    let r = ok(&args);
    assert!(
        r.stderr.contains("2 candidate record(s) kept"),
        "{}",
        r.stderr
    );
    let f = ok(&["forget", "--candidate", "E1", "--store", &store, "--json"]);
    let v: Value = serde_json::from_str(&f.stdout).unwrap();
    assert_eq!(v["candidates_deleted"], 1, "{}", f.stdout);
    // E1 is gone; E2 is still kept.
    assert_eq!(
        rapport(&["forget", "--candidate", "E1", "--store", &store]).code,
        1
    );
    let f = ok(&["forget", "--candidate", "E2", "--store", &store, "--json"]);
    let v: Value = serde_json::from_str(&f.stdout).unwrap();
    assert_eq!(v["candidates_deleted"], 1, "{}", f.stdout);
}
