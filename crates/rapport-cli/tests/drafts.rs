//! `rapport draft`, `rapport drafts` and `rapport send` end to end: a hand-built corpus imported into
//! a store, replies sent to a local mock of X's `POST /2/tweets` on 127.0.0.1. No test reaches the
//! internet.

mod common;

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::{Run, rapport_input};
use rapport_core::{Account, Corpus, Mention, Post};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS: &str = "ACCESS-t0ken-must-never-print";
const ME: &str = "6253282";
const ALL: &str = "tweet.read tweet.write users.read follows.write like.write offline.access";
const NEW_POST: &str = "1790000000000000001";
const TEXT: &str = "Hi @ada, yes: fully remote within the EU.";

/// acme_careers (the organisation, id 6253282) posts 10; ada asks in 14 whether the role is remote.
struct Fixture {
    dir: tempfile::TempDir,
    db: String,
    token: String,
}

impl Fixture {
    fn new(scopes: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let mut c = Corpus::new();
        c.add_account(Account::new(ME, "acme_careers"));
        let mut ada = Account::new("2", "ada");
        ada.display_name = Some("Ada L.".into());
        c.add_account(ada);
        let mut p = Post::new("10", ME, "We are hiring Rust engineers", t0);
        p.conversation_id = Some("10".into());
        c.add_post(p);
        let mut q = Post::new(
            "14",
            "2",
            "@acme_careers is the role remote?",
            t0 + chrono::Duration::hours(3),
        );
        q.conversation_id = Some("14".into());
        q.mentions = vec![Mention {
            id: Some(ME.into()),
            handle: "acme_careers".into(),
        }];
        c.add_post(q);
        let file = dir.path().join("c.jsonl");
        let mut buf = Vec::new();
        rapport_arrow::corpus_to_jsonl(&c, &mut buf).unwrap();
        std::fs::write(&file, buf).unwrap();
        let db = dir.path().join("hr.db").to_str().unwrap().to_owned();
        let token = dir.path().join("token.json").to_str().unwrap().to_owned();
        let f = Fixture { dir, db, token };
        ok(&["import", file.to_str().unwrap(), "--store", &f.db]);
        f.write_token(scopes);
        f
    }

    fn write_token(&self, scopes: &str) {
        let v = json!({
            "token_type": "bearer",
            "access_token": ACCESS,
            "expires_at": (Utc::now() + chrono::Duration::seconds(7_000)).to_rfc3339(),
            "scope": scopes,
        });
        std::fs::write(&self.token, v.to_string()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.token, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }

    /// `rapport draft 14 --text TEXT`: draft 1, 2, … in order.
    fn draft(&self, text: &str) {
        ok(&[
            "draft", "14", "--text", text, "--author", "maria", "--store", &self.db,
        ]);
    }

    /// `rapport send ID` with the mock's base URL, the token file and `extra` flags.
    fn send(&self, id: &str, base: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "send",
            id,
            "--store",
            &self.db,
            "--token-file",
            &self.token,
            "--base-url",
            base,
            "--approver",
            "jo",
        ];
        args.extend_from_slice(extra);
        let r = run(&args);
        assert_no_token(&format!("{}{}", r.stdout, r.stderr));
        r
    }

    fn drafts(&self) -> Vec<Value> {
        let r = ok(&["drafts", "--store", &self.db, "--json"]);
        serde_json::from_str::<Value>(&r.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    fn audit(&self) -> Vec<Value> {
        let r = ok(&["audit", "--store", &self.db, "--json"]);
        serde_json::from_str::<Value>(&r.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

/// Runs `rapport` with nothing on standard input (not a terminal).
fn run(args: &[&str]) -> Run {
    tokio::task::block_in_place(|| rapport_input(args, &[], ""))
}

/// [`run`], failing the test unless it exits 0.
fn ok(args: &[&str]) -> Run {
    let r = run(args);
    assert_eq!(r.code, 0, "rapport {args:?}: {}{}", r.stdout, r.stderr);
    assert_no_token(&format!("{}{}", r.stdout, r.stderr));
    r
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(ACCESS), "the token leaked: {text}");
}

async fn me_endpoint(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"id": ME, "name": "Acme", "username": "acme_careers"}}),
            ),
        )
        .mount(server)
        .await;
}

/// `POST /2/tweets` with exactly the reply's body, answering `status` and `body`.
fn reply_mock(text: &str, status: u16, body: &Value) -> Mock {
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(body_json(
            json!({"text": text, "reply": {"in_reply_to_tweet_id": "14"}}),
        ))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
}

async fn posts_received(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count()
}

fn last_send(f: &Fixture) -> Value {
    f.audit()
        .into_iter()
        .rev()
        .find(|e| e["action"] == "send")
        .expect("a send in the audit log")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_written_listed_and_audited_and_templates_only_prefill() {
    let f = Fixture::new(ALL);
    let r = ok(&[
        "draft", "14", "--text", TEXT, "--author", "maria", "--store", &f.db,
    ]);
    assert!(
        r.stdout.contains(
            "Draft 1 stored: a reply to post 14 by @ada, written by maria. Nothing was sent."
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("rapport send 1"), "{}", r.stdout);

    // A template prefills the text from the answered post's author.
    let tpl = f.dir.path().join("welcome.txt");
    std::fs::write(
        &tpl,
        "Hi @{handle} ({name}), thanks for asking in {post_id}: {{yes}}.\n",
    )
    .unwrap();
    let r = ok(&[
        "draft",
        "14",
        "--template",
        tpl.to_str().unwrap(),
        "--author",
        "maria",
        "--store",
        &f.db,
        "--json",
    ]);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        d["text"],
        "Hi @ada (Ada L.), thanks for asking in 14: {yes}."
    );
    assert_eq!(d["state"], "draft");
    assert_eq!(d["to_handle"], "ada");

    // An unknown placeholder, an unstored post, a post id that is not X's, no text: refused.
    std::fs::write(&tpl, "Hi {first_name}").unwrap();
    let r = run(&[
        "draft",
        "14",
        "--template",
        tpl.to_str().unwrap(),
        "--author",
        "maria",
        "--store",
        &f.db,
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("unknown placeholder {first_name}") && r.stderr.contains("welcome.txt"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "draft", "99", "--text", "hello", "--author", "maria", "--store", &f.db,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no post with id \"99\""), "{}", r.stderr);
    let r = run(&[
        "draft",
        "at://did:plc:x/app.bsky.feed.post/1",
        "--text",
        "hello",
        "--author",
        "maria",
        "--store",
        &f.db,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not an X post id"), "{}", r.stderr);
    assert_eq!(run(&["draft", "14", "--store", &f.db]).code, 2);
    assert_eq!(
        run(&[
            "draft",
            "14",
            "--text",
            "a",
            "--template",
            tpl.to_str().unwrap(),
            "--store",
            &f.db
        ])
        .code,
        2
    );

    // Listed, in every format, filtered by state.
    let rows = f.drafts();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["text"], TEXT);
    assert_eq!(rows[0]["author"], "maria");
    assert_eq!(rows[0]["in_reply_to"], "14");
    let r = ok(&["drafts", "--store", &f.db]);
    assert!(r.stdout.contains("2 draft(s):"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("#1 draft · reply to post 14 by @ada · written by maria"),
        "{}",
        r.stdout
    );
    let r = ok(&["drafts", "--store", &f.db, "--state", "sent"]);
    assert!(r.stdout.contains("No drafts."), "{}", r.stdout);
    let r = ok(&["drafts", "--store", &f.db, "--format", "csv"]);
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    assert!(
        r.stdout.starts_with("id,state,in_reply_to,to_handle,"),
        "{}",
        r.stdout
    );
    assert_eq!(
        run(&["drafts", "--store", &f.db, "--state", "lost"]).code,
        2
    );

    // Both drafts are in the audit log under their author, ada as a pseudonym, never the text.
    let log = f.audit();
    let drafts: Vec<&Value> = log.iter().filter(|e| e["action"] == "draft").collect();
    assert_eq!(drafts.len(), 2);
    assert_eq!(drafts[0]["actor"], "maria");
    assert_eq!(drafts[0]["details"], json!({"draft": 1, "template": false}));
    assert_eq!(drafts[1]["details"], json!({"draft": 2, "template": true}));
    assert_eq!(drafts[0]["cohort_size"], 1);
    let all = serde_json::to_string(&log).unwrap();
    assert!(
        !all.contains("fully remote") && !all.contains("\"2\""),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_shows_the_draft_sends_one_reply_and_never_twice() {
    let server = MockServer::start().await;
    me_endpoint(&server).await;
    reply_mock(TEXT, 201, &json!({"data": {"id": NEW_POST, "text": TEXT}}))
        .mount(&server)
        .await;
    let f = Fixture::new(ALL);
    f.draft(TEXT);
    let base = server.uri();

    // Dry run: the exact request, nothing sent, the draft unchanged (no terminal needed).
    let r = f.send("1", &base, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("from:     @acme_careers (id 6253282)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("reply to: post 14 by @ada on 2026-03-01 12:00 UTC"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\"@acme_careers is the role remote?\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("text:     {TEXT:?}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Dry run: nothing was sent and draft 1 is unchanged."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            r#"POST {base}/2/tweets {{"reply":{{"in_reply_to_tweet_id":"14"}},"text":"{TEXT}"}}"#
        )),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 0);
    let d = &f.drafts()[0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_u64()),
        (Some("draft"), Some(0))
    );

    // Sent with --yes: one POST with the reply's JSON body (the mock matches it exactly).
    let r = f.send("1", &base, &["--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "Sent: draft 1 is post {NEW_POST} (https://x.com/i/web/status/{NEW_POST}), approved by jo."
        )),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 1);
    let d = &f.drafts()[0];
    assert_eq!(d["state"], "sent");
    assert_eq!(d["post_id"], NEW_POST);
    assert_eq!(d["sent_by"], "jo");
    let e = last_send(&f);
    assert_eq!(e["actor"], "jo");
    assert_eq!(e["details"]["outcome"], "sent");
    assert_eq!(e["details"]["post_id"], NEW_POST);
    assert_eq!(e["details"]["draft_author"], "maria");

    // Never twice: refused before anything is sent, whatever the flags.
    for extra in [&["--yes"][..], &["--dry-run"][..]] {
        let r = f.send("1", &base, extra);
        assert_eq!(r.code, 1);
        assert!(
            r.stderr.contains(&format!(
                "draft 1 is sent (post {NEW_POST}): it was sent already, and nothing is sent twice"
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(posts_received(&server).await, 1);
    let r = f.send("7", &base, &["--yes"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no draft with id 7"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_send_refuses_unless_yes() {
    let server = MockServer::start().await;
    me_endpoint(&server).await;
    reply_mock(TEXT, 201, &json!({"data": {"id": NEW_POST, "text": TEXT}}))
        .mount(&server)
        .await;
    let f = Fixture::new(ALL);
    f.draft(TEXT);
    let base = server.uri();
    // Even a "y" piped in is not a person at a terminal.
    let args = [
        "send",
        "1",
        "--store",
        &f.db,
        "--token-file",
        &f.token,
        "--base-url",
        &base,
    ];
    let r = tokio::task::block_in_place(|| rapport_input(&args, &[], "y\n"));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("standard input is not a terminal, so no one can be asked to approve draft 1: nothing was sent"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(f.drafts()[0]["state"], "draft");
    assert!(f.audit().iter().all(|e| e["action"] != "send"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_for_a_missing_scope_and_a_429_are_failures_that_may_be_sent_again() {
    let server = MockServer::start().await;
    me_endpoint(&server).await;
    // First a 403 naming the scope, then a 429, then success.
    reply_mock(
        TEXT,
        403,
        &json!({"title": "Forbidden", "type": "about:blank", "status": 403,
                "detail": "This endpoint requires the tweet.write scope"}),
    )
    .up_to_n_times(1)
    .with_priority(1)
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "100")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", "1764590400")
                .set_body_json(
                    json!({"title": "Too Many Requests", "type": "about:blank", "status": 429}),
                ),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    reply_mock(TEXT, 201, &json!({"data": {"id": NEW_POST, "text": TEXT}}))
        .with_priority(3)
        .mount(&server)
        .await;
    let f = Fixture::new(ALL);
    f.draft(TEXT);
    let base = server.uri();

    let r = f.send("1", &base, &["--yes"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("draft 1 was not sent: POST /2/tweets needs the scope `tweet.write`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Recorded as failed: nothing was published"),
        "{}",
        r.stderr
    );
    let d = &f.drafts()[0];
    assert_eq!(d["state"], "failed");
    assert!(d["error"].as_str().unwrap().contains("tweet.write"), "{d}");
    let entry = last_send(&f);
    assert_eq!(entry["details"]["outcome"], "failed");
    assert_eq!(entry["details"]["error"], "missing_scope");
    assert_eq!(posts_received(&server).await, 1);

    // A failed draft may be sent again after a new approval: this time X rate-limits it.
    let r = f.send("1", &base, &["--yes"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("last attempt failed:"), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "POST /2/tweets: rate limited (429); the limit resets at 2025-12-01T12:00:00+00:00"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(last_send(&f)["details"]["error"], "rate_limited");
    assert_eq!(posts_received(&server).await, 2, "a 429 is not retried");

    // And then it goes through: attempt 3.
    let r = f.send("1", &base, &["--yes", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(sent["draft"]["state"], "sent");
    assert_eq!(sent["draft"]["attempts"], 3);
    assert_eq!(sent["data"]["id"], NEW_POST);
    assert_eq!(posts_received(&server).await, 3);

    // A token without tweet.write: refused before sending, recorded as failed.
    f.draft("Another answer");
    f.write_token("tweet.read users.read offline.access");
    let r = f.send("2", &base, &["--yes"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("needs the scope `tweet.write`"),
        "{}",
        r.stderr
    );
    assert_eq!(posts_received(&server).await, 3);
    assert_eq!(f.drafts()[1]["state"], "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_an_unknown_outcome_never_retried_nor_resent() {
    let server = MockServer::start().await;
    me_endpoint(&server).await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"data": {"id": NEW_POST, "text": TEXT}}))
                .set_delay(Duration::from_secs(4)),
        )
        .mount(&server)
        .await;
    let f = Fixture::new(ALL);
    f.draft(TEXT);
    let base = server.uri();
    let r = f.send("1", &base, &["--yes", "--timeout", "1"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("unknown outcome (no answer within 1 s)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Recorded as unknown_outcome: it will not be sent again"),
        "{}",
        r.stderr
    );
    assert_eq!(posts_received(&server).await, 1, "never retried");
    let d = &f.drafts()[0];
    assert_eq!(d["state"], "unknown_outcome");
    assert_eq!(d["post_id"], Value::Null);
    assert_eq!(last_send(&f)["details"]["outcome"], "unknown_outcome");

    let r = f.send("1", &base, &["--yes"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("draft 1 is unknown_outcome: its last send may have been published"),
        "{}",
        r.stderr
    );
    let r = ok(&["drafts", "--store", &f.db, "--state", "unknown_outcome"]);
    assert!(r.stdout.contains("#1 unknown_outcome"), "{}", r.stdout);
    assert_eq!(posts_received(&server).await, 1, "never resent");
}

/// Runs `rapport send` on a pseudo-terminal (util-linux `script`), typing `answer`.
fn send_on_a_terminal(f: &Fixture, base: &str, answer: &str) -> Option<Run> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let bin = env!("CARGO_BIN_EXE_rapport");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let cmd = [
        bin,
        "send",
        "1",
        "--store",
        &f.db,
        "--token-file",
        &f.token,
        "--base-url",
        base,
        "--approver",
        "jo",
    ]
    .iter()
    .map(|a| quote(a))
    .collect::<Vec<_>>()
    .join(" ");
    let out = tokio::task::block_in_place(|| {
        use std::io::Write;
        let mut child = std::process::Command::new(script)
            .args(["-qec", &cmd, "/dev/null"])
            .env_remove("RAPPORT_STORE")
            .env_remove("RAPPORT_X_USER_TOKEN")
            .env_remove("RAPPORT_X_BASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(answer.as_bytes());
        child.wait_with_output().unwrap()
    });
    Some(Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_send_asks_and_only_y_sends() {
    let server = MockServer::start().await;
    me_endpoint(&server).await;
    reply_mock(TEXT, 201, &json!({"data": {"id": NEW_POST, "text": TEXT}}))
        .mount(&server)
        .await;
    let f = Fixture::new(ALL);
    f.draft(TEXT);
    let base = server.uri();
    // util-linux `script` (bsdutils, essential on Debian) gives the binary a pseudo-terminal; a
    // machine without it fails here rather than passing without checking anything.
    let r = send_on_a_terminal(&f, &base, "n\n")
        .expect("util-linux `script` is needed to run `rapport send` on a pseudo-terminal");
    // The terminal carries stdout and stderr together.
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("text:     {TEXT:?}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Send this reply as @acme_careers (id 6253282)? [y/N]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("cancelled: nothing was sent and draft 1 is unchanged"),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 0);
    assert_eq!(f.drafts()[0]["state"], "draft");

    let r = send_on_a_terminal(&f, &base, "y\n").unwrap();
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("Sent: draft 1 is post {NEW_POST}")),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 1);
    assert_eq!(f.drafts()[0]["state"], "sent");
}
