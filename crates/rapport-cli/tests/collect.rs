//! The collection commands against a local mock X API serving the recorded fixtures
//! (shared/fixtures/twitter, see its PROVENANCE.md): pagination, a 429 wait, resuming after a kill
//! and after an error (exit 3), follower snapshots, counts, lookups, the store, the stream, and the
//! round trip: what a command writes imports back with the same counts as the pages served.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rapport_twitter::import::{ImportOptions, import_jsonl, import_jsonl_reader};
use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAFAKE%2Ftoken-for-collect-tests";

fn fixtures_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|a| a.join("shared/fixtures/twitter"))
        .find(|p| p.is_dir())
        .expect("shared/fixtures/twitter above the crate")
}

fn fixture(name: &str) -> Value {
    let p = fixtures_dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// A fixture as a page body: `__twarc` (present in twarc2 recordings) removed, `meta.next_token`
/// set or removed.
fn page(name: &str, next: Option<&str>) -> Value {
    let mut v = fixture(name);
    let o = v.as_object_mut().unwrap();
    o.remove("__twarc");
    let meta = o
        .entry("meta")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
        .unwrap();
    match next {
        Some(t) => {
            meta.insert("next_token".into(), t.into());
        }
        None => {
            meta.remove("next_token");
        }
    }
    v
}

fn ok_json(v: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(v.to_string(), "application/json")
}

struct CatchAll;
impl Respond for CatchAll {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        ResponseTemplate::new(500)
            .set_body_string(format!("no mock for {} {}", req.method, req.url))
    }
}

async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(CatchAll)
        .with_priority(u8::MAX)
        .mount(&s)
        .await;
    s
}

/// `rapport ARGS --base-url URL` with the token set, in `dir`.
fn rapport_in(dir: &Path, url: &str, args: &[&str]) -> common::Run {
    let out = command(dir, url, args).output().expect("runs");
    common::Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn command(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
    c.args(args)
        .args(["--base-url", url])
        .current_dir(dir)
        .env_remove("RAPPORT_STORE")
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_BASE_URL")
        .env_remove("RAPPORT_TOKEN_ENV")
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("X_BEARER_TOKEN", TOKEN);
    c
}

/// (posts, accounts, follow observations) of a JSONL file, imported leniently.
fn counts_of(path: &Path) -> (usize, usize, usize) {
    let r = import_jsonl(path, &ImportOptions::lenient()).unwrap();
    (
        r.corpus.num_posts(),
        r.corpus.num_accounts(),
        r.corpus.num_follow_observations(),
    )
}

/// The same counts for the page bodies as served, each given the `__twarc` url of its request so the
/// follow importer sees what it would see in a twarc2 file.
fn counts_served(pages: &[(Value, String)]) -> (usize, usize, usize) {
    let mut text = String::new();
    for (v, url) in pages {
        let mut v = v.clone();
        v["__twarc"] = serde_json::json!({"url": url, "version": "test", "retrieved_at": "2026-12-01T00:00:00+00:00"});
        text.push_str(&v.to_string());
        text.push('\n');
    }
    let r = import_jsonl_reader(text.as_bytes(), "served", &ImportOptions::lenient()).unwrap();
    (
        r.corpus.num_posts(),
        r.corpus.num_accounts(),
        r.corpus.num_follow_observations(),
    )
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const KPOP_TOKEN: &str = "b26v89c19zqg8o3fpds60ssjlg8rrux0bxoa7beulbhbx";

/// Search: page 1 the twarc2 #kpop recording (100 posts, a next_token), page 2 tweepy's recorded
/// search page with its token removed (the last page).
async fn mount_search(s: &MockServer) -> (Value, Value) {
    let p1 = page(
        "twarc2_search_recent_page_includes_partial_errors.json",
        Some(KPOP_TOKEN),
    );
    let p2 = page("search_recent_page1.json", None);
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param_is_missing("next_token"))
        .respond_with(ok_json(&p1))
        .mount(s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", KPOP_TOKEN))
        .respond_with(ok_json(&p2))
        .with_priority(5)
        .mount(s)
        .await;
    (p1, p2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_follows_the_token_and_imports_back_with_the_same_counts() {
    let s = server().await;
    let (p1, p2) = mount_search(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["search", "#kpop", "-o", "kpop.jsonl", "--page-size", "100"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let out = dir.path().join("kpop.jsonl");
    let got = lines(&out);
    assert_eq!(got.len(), 2, "one line per page");
    for l in &got {
        let t = &l["__twarc"];
        assert!(t["url"].as_str().unwrap().starts_with(&s.uri()));
        assert!(
            t["url"]
                .as_str()
                .unwrap()
                .contains("/2/tweets/search/recent?")
        );
        assert_eq!(t["version"], concat!("rapport-", env!("CARGO_PKG_VERSION")));
        assert!(chrono::DateTime::parse_from_rfc3339(t["retrieved_at"].as_str().unwrap()).is_ok());
    }
    assert_eq!(got[0]["data"], p1["data"], "the body is kept as X sent it");
    assert!(got[1]["data"] == p2["data"]);
    assert_eq!(
        counts_of(&out),
        counts_served(&[(p1, String::new()), (p2, String::new())])
    );
    assert!(counts_of(&out).0 >= 100);
    assert!(
        !dir.path().join("kpop.jsonl.resume.json").exists(),
        "a finished run leaves no state"
    );
    assert!(r.stderr.contains("2 page(s)"), "{}", r.stderr);
    // `rapport import` reads it too.
    let r = common::rapport(&[
        "import",
        out.to_str().unwrap(),
        "--store",
        dir.path().join("s.db").to_str().unwrap(),
        "--lenient",
    ]);
    assert!(r.code == 0 || r.code == 3, "{}{}", r.stdout, r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_is_the_default_output_and_limit_stops_early() {
    let s = server().await;
    mount_search(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(dir.path(), &s.uri(), &["search", "#kpop", "--limit", "50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().count(),
        1,
        "the first page already holds 50 posts"
    );
    let v: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert!(v["__twarc"]["url"].is_string());
    assert_eq!(s.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_waits_for_the_reset_and_goes_on() {
    let s = server().await;
    let (p1, p2) = mount_search(&s).await;
    let reset = chrono::Utc::now().timestamp() + 2;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", KPOP_TOKEN))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "450")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string().as_str())
                .set_body_raw(
                    r#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let r = rapport_in(dir.path(), &s.uri(), &["search", "#kpop", "-o", "k.jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "it waited for the reset"
    );
    let reqs = s.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3, "page 1, the 429, page 2 again");
    let out = dir.path().join("k.jsonl");
    assert_eq!(lines(&out).len(), 2, "the 429 is not a page");
    assert_eq!(
        counts_of(&out),
        counts_served(&[(p1, String::new()), (p2, String::new())])
    );

    // With --no-wait the same limit stops the run: exit 3, resumable.
    let s = server().await;
    mount_search(&s).await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", KPOP_TOKEN))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", (reset + 600).to_string().as_str()),
        )
        .with_priority(1)
        .mount(&s)
        .await;
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["search", "#kpop", "-o", "n.jsonl", "--no-wait"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("rate limited") && r.stderr.contains("--resume"),
        "{}",
        r.stderr
    );
    assert!(dir.path().join("n.jsonl.resume.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_after_some_pages_is_partial_and_resume_finishes_without_refetching() {
    let s = server().await;
    let (p1, p2) = mount_search(&s).await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", KPOP_TOKEN))
        .respond_with(ResponseTemplate::new(503).set_body_string("over capacity"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let args = ["search", "#kpop", "-o", "k.jsonl", "--retries", "0"];
    let r = rapport_in(dir.path(), &s.uri(), &args);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("503"), "{}", r.stderr);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("k.jsonl.resume.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["cursor"], KPOP_TOKEN);
    assert_eq!(state["pages"], 1);

    // Running again without --resume would overwrite what was collected: refused.
    let r = rapport_in(dir.path(), &s.uri(), &args);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--resume"), "{}", r.stderr);
    // Another collection into the same file: refused.
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["search", "#other", "-o", "k.jsonl", "--resume"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not this collection"), "{}", r.stderr);

    let mut resume = args.to_vec();
    resume.push("--resume");
    let r = rapport_in(dir.path(), &s.uri(), &resume);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first_pages = s
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|q| !q.url.query().unwrap_or("").contains("next_token"))
        .count();
    assert_eq!(first_pages, 1, "page 1 was not fetched again");
    let out = dir.path().join("k.jsonl");
    assert_eq!(lines(&out).len(), 2);
    assert_eq!(
        counts_of(&out),
        counts_served(&[(p1, String::new()), (p2, String::new())])
    );
    assert!(!dir.path().join("k.jsonl.resume.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_resumes_from_its_last_page() {
    let s = server().await;
    let (p1, p2) = mount_search(&s).await;
    // Page 2 hangs: the run is killed while waiting for it.
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("next_token", KPOP_TOKEN))
        .respond_with(ok_json(&p2).set_delay(Duration::from_secs(120)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("k.jsonl.resume.json");
    let mut child = command(dir.path(), &s.uri(), &["search", "#kpop", "-o", "k.jsonl"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let written = std::fs::read_to_string(&state)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .is_some_and(|v| v["pages"] == 1);
        if written {
            break;
        }
        assert!(Instant::now() < deadline, "page 1 was never saved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    // A half-written line (as a kill during a write leaves) is cut off on resume.
    let out = dir.path().join("k.jsonl");
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    std::io::Write::write_all(&mut f, b"{\"data\":[{\"id\":\"12").unwrap();
    drop(f);

    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["search", "#kpop", "-o", "k.jsonl", "--resume"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("resuming after 1 page(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(lines(&out).len(), 2);
    assert_eq!(
        counts_of(&out),
        counts_served(&[(p1, String::new()), (p2, String::new())])
    );
    assert!(!state.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_by_handle_are_a_follow_snapshot() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/TwitterDev"))
        .respond_with(ok_json(&fixture("user_by_username.json")))
        .mount(&s)
        .await;
    let id = fixture("user_by_username.json")["data"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p1 = page("user_followers_page1.json", Some("5CS0O0C6II61EZZZ"));
    let p2 = page("user_following_last_page.json", None);
    let route = format!("/2/users/{id}/followers");
    Mock::given(method("GET"))
        .and(path(route.as_str()))
        .and(query_param_is_missing("pagination_token"))
        .respond_with(ok_json(&p1))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path(route.as_str()))
        .and(query_param("pagination_token", "5CS0O0C6II61EZZZ"))
        .respond_with(ok_json(&p2))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["followers", "@TwitterDev", "-o", "f.jsonl"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = dir.path().join("f.jsonl");
    let got = lines(&out);
    assert_eq!(got.len(), 2);
    assert!(
        got[1]["__twarc"]["url"]
            .as_str()
            .unwrap()
            .contains("pagination_token=5CS0O0C6II61EZZZ")
    );
    let n1 = p1["data"].as_array().unwrap().len();
    let n2 = p2["data"].as_array().unwrap().len();
    let (_, accounts, observations) = counts_of(&out);
    assert_eq!(
        observations,
        n1 + n2,
        "one observation per follower, one snapshot"
    );
    assert!(accounts >= n1 + n2 - 1);
    let served = counts_served(&[
        (
            p1,
            format!("{}/2/users/{id}/followers?max_results=1000", s.uri()),
        ),
        (
            p2,
            format!(
                "{}/2/users/{id}/followers?max_results=1000&pagination_token=5CS0O0C6II61EZZZ",
                s.uri()
            ),
        ),
    ]);
    assert_eq!(counts_of(&out), served);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_handle_is_an_error_naming_it() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/nobody_here"))
        .respond_with(ok_json(&serde_json::json!({
            "errors": [{"value": "nobody_here", "detail": "Could not find user with username: [nobody_here].",
                        "title": "Not Found Error", "resource_type": "user", "parameter": "username",
                        "resource_id": "nobody_here", "type": "https://api.twitter.com/2/problems/resource-not-found"}]
        })))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(dir.path(), &s.uri(), &["timeline", "nobody_here"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("@nobody_here"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_write_the_buckets_page() {
    let s = server().await;
    let body = fixture("counts_recent.json");
    Mock::given(method("GET"))
        .and(path("/2/tweets/counts/recent"))
        .and(query_param("granularity", "hour"))
        .and(query_param("query", "Tweepy"))
        .respond_with(ok_json(&body))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["counts", "Tweepy", "--granularity", "hour"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["data"], body["data"]);
    assert_eq!(v["meta"]["total_tweet_count"], 411);
    assert!(r.stderr.contains("169 buckets"), "{}", r.stderr);
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["counts", "Tweepy", "--granularity", "week"],
    );
    assert_eq!(r.code, 2, "a bad granularity is a usage error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hydrate_and_users_batch_and_report_what_is_missing() {
    let s = server().await;
    let body = fixture("tweets_lookup_multi.json");
    Mock::given(method("GET"))
        .and(path("/2/tweets"))
        .respond_with(ok_json(&body))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/by"))
        .respond_with(ok_json(&fixture("users_by_usernames.json")))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    std::fs::write(
        dir.path().join("ids.txt"),
        format!("# exported ids\n{}\n\n{}\n1\n", ids[0], ids[1]),
    )
    .unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["hydrate", "ids.txt", "-o", "h.jsonl"],
    );
    assert_eq!(r.code, 3, "one id was not returned: {}", r.stderr);
    assert!(
        r.stderr.contains("1 post id(s) were not returned"),
        "{}",
        r.stderr
    );
    let reqs = s.received_requests().await.unwrap();
    let q = reqs[0].url.query().unwrap().to_owned();
    assert!(
        q.contains(&format!("ids={}%2C{}%2C1", ids[0], ids[1])),
        "{q}"
    );

    std::fs::write(dir.path().join("bad.txt"), "123\nnot-an-id\n").unwrap();
    let r = rapport_in(dir.path(), &s.uri(), &["hydrate", "bad.txt"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("bad.txt line 2"), "{}", r.stderr);

    std::fs::write(dir.path().join("handles.txt"), "@Twitter\nTwitterDev\n").unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["users", "handles.txt", "-o", "u.jsonl"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, accounts, _) = counts_of(&dir.path().join("u.jsonl"));
    assert_eq!(accounts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_receives_the_same_posts_as_the_file() {
    let s = server().await;
    let (p1, p2) = mount_search(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["search", "#kpop", "--store", "hr.db"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing on stdout with --store");
    let store = rapport_store::Store::open(dir.path().join("hr.db")).unwrap();
    let corpus = store.load_corpus().unwrap();
    let (posts, _, _) = counts_served(&[(p1, String::new()), (p2, String::new())]);
    assert_eq!(corpus.num_posts(), posts);
    let log = store.audit_log().unwrap();
    assert!(log.iter().any(|e| e.action == "collect"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_list_members_and_mentions_page_through() {
    let s = server().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/1293593516040269825/quote_tweets"))
        .respond_with(ok_json(&page("quote_tweets_page1.json", None)))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/lists/84839422/members"))
        .respond_with(ok_json(&page("list_members_page1.json", None)))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/783214/mentions"))
        .respond_with(ok_json(&page("user_mentions_page1.json", None)))
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    for (args, items) in [
        (vec!["quotes", "1293593516040269825"], "9 posts"),
        (vec!["list-members", "84839422"], "100 users"),
        (vec!["mentions", "783214"], "10 posts"),
    ] {
        let r = rapport_in(dir.path(), &s.uri(), &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout.lines().count(), 1);
        assert!(r.stderr.contains(items), "{args:?}: {}", r.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_rules_and_connect() {
    let s = server().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets/search/stream/rules"))
        .respond_with(ok_json(&serde_json::json!({
            "data": [{"id": "1507099418802999296", "value": "#kpop", "tag": "kpop"}],
            "meta": {"sent": "2026-12-01T10:00:00.000Z", "summary": {"created": 1, "not_created": 0, "valid": 1, "invalid": 0}}
        })))
        .mount(&s)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream/rules"))
        .respond_with(ok_json(&serde_json::json!({
            "data": [{"id": "1507099418802999296", "value": "#kpop", "tag": "kpop"}],
            "meta": {"sent": "2026-12-01T10:00:00.000Z", "result_count": 1}
        })))
        .mount(&s)
        .await;
    let message = fixture("twarc2_filtered_stream_message.json");
    let mut m = message.clone();
    m.as_object_mut().unwrap().remove("__twarc");
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(format!("{m}\r\n\r\n{m}\r\n"), "application/json"),
        )
        .mount(&s)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &["stream", "rules", "add", "#kpop", "--tag", "kpop"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "1507099418802999296\t#kpop\tkpop");
    let r = rapport_in(dir.path(), &s.uri(), &["stream", "rules", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("#kpop"));
    let r = rapport_in(
        dir.path(),
        &s.uri(),
        &[
            "stream",
            "connect",
            "--limit",
            "2",
            "-o",
            "s.jsonl",
            "--duration",
            "30",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = lines(&dir.path().join("s.jsonl"));
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["data"], m["data"]);
    assert!(
        got[0]["__twarc"]["url"]
            .as_str()
            .unwrap()
            .contains("/2/tweets/search/stream")
    );
    let url = format!("{}/2/tweets/search/stream", s.uri());
    let once = counts_served(&[(m.clone(), url.clone())]);
    assert_eq!(
        counts_of(&dir.path().join("s.jsonl")),
        counts_served(&[(m.clone(), url.clone()), (m, url)]),
        "the file imports like the messages served"
    );
    assert_eq!(
        counts_of(&dir.path().join("s.jsonl")),
        once,
        "the same post twice is one post"
    );
}

#[test]
fn no_token_is_a_clear_error_and_config_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rapport.toml"),
        "org = [\"acme_careers\"]\ntoken_env = \"ACME_TOKEN\"\nstore = \"hr.db\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["search", "#hiring"])
        .current_dir(dir.path())
        .env_remove("X_BEARER_TOKEN")
        .env_remove("ACME_TOKEN")
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_TOKEN_ENV")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("ACME_TOKEN"), "{err}");
}

#[test]
fn config_show_says_where_each_value_came_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rapport.toml"),
        "org = [\"acme_careers\", \"acme_eng\"]\nstore = \"hr.db\"\ntoken_env = \"ACME_TOKEN\"\n\
         [engagement.weights]\nreciprocity = 30.0\n[candidates.columns]\nhris_id = \"Employee ID\"\n",
    )
    .unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("RAPPORT_STORE")
            .env_remove("RAPPORT_CONFIG")
            .env_remove("RAPPORT_BASE_URL")
            .env_remove("RAPPORT_ORG")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(
        &["config", "show"],
        &[("RAPPORT_BASE_URL", "http://127.0.0.1:9")],
    );
    let line = |key: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .to_owned()
    };
    assert!(line("org").contains("acme_careers,acme_eng") && line("org").contains("(file "));
    assert!(
        line("base_url").contains("http://127.0.0.1:9  (env RAPPORT_BASE_URL)"),
        "{text}"
    );
    assert!(line("token_env").contains("ACME_TOKEN"));
    assert!(line("taxonomy").contains("builtin  (default)"), "{text}");
    assert!(line("engagement.weights.reciprocity").contains("30.0"));
    assert!(line("candidates.columns.hris_id").contains("Employee ID"));
    // A flag beats the environment, which beats the file.
    let text = run(
        &["config", "show", "--store", "flag.db"],
        &[("RAPPORT_STORE", "env.db")],
    );
    assert!(text.contains("flag.db  (flag)"), "{text}");
    let text = run(
        &["config", "show", "--json"],
        &[("RAPPORT_STORE", "env.db")],
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["store"]["value"], "env.db");
    assert_eq!(v["store"]["source"]["kind"], "env");
    // RAPPORT_CONFIG names another file; a missing one is an error.
    std::fs::write(dir.path().join("other.toml"), "org = [\"other\"]\n").unwrap();
    let text = run(&["config", "show"], &[("RAPPORT_CONFIG", "other.toml")]);
    assert!(text.contains("org ") && text.contains("other"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["config", "show", "--config", "missing.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}
