//! `rapport auth login`, `rapport auth status` and `rapport follow` against a local mock of X's token
//! endpoint and user endpoints. No test reaches the internet.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use common::{rapport_input, spawn};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACCESS: &str = "ACCESS-t0ken-must-never-print";
const REFRESH: &str = "REFRESH-t0ken-must-never-print";
const ME: &str = "6253282";

fn write_token_file(path: &Path, scopes: &str, expires_in: i64) {
    let v = json!({
        "token_type": "bearer",
        "access_token": ACCESS,
        "refresh_token": REFRESH,
        "expires_at": (chrono::Utc::now() + chrono::Duration::seconds(expires_in)).to_rfc3339(),
        "scope": scopes,
        "client_id": "my-client-id"
    });
    std::fs::write(path, v.to_string()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn assert_no_token(text: &str) {
    assert!(
        !text.contains(ACCESS) && !text.contains(REFRESH) && !text.contains("NEW-"),
        "a token leaked: {text}"
    );
}

const ALL: &str = "tweet.read tweet.write users.read follows.write like.write offline.access";

#[test]
fn status_shows_scopes_and_expiry_never_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    write_token_file(&file, "tweet.read users.read offline.access", 7_000);
    let f = file.to_str().unwrap();
    let r = rapport_input(&["auth", "status", "--token-file", f], &[], "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("scopes:        tweet.read users.read offline.access"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(in 1 h 56 min)"), "{}", r.stdout);
    assert!(r.stdout.contains("refresh token: yes"), "{}", r.stdout);
    assert!(
        r.stdout.contains("client id:     my-client-id"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("missing:       tweet.write follows.write like.write"),
        "{}",
        r.stdout
    );
    assert_no_token(&format!("{}{}", r.stdout, r.stderr));

    let r = rapport_input(&["auth", "status", "--token-file", f, "--json"], &[], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["missing_scopes"],
        json!(["tweet.write", "follows.write", "like.write"])
    );
    assert_eq!(v["expired"], false);
    assert_eq!(v["has_refresh_token"], true);
    assert_no_token(&r.stdout);

    // An access token from the environment wins; its scopes are unknown.
    let r = rapport_input(
        &["auth", "status", "--token-file", f],
        &[("RAPPORT_X_USER_TOKEN", ACCESS)],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("source:        environment variable RAPPORT_X_USER_TOKEN")
    );
    assert!(r.stdout.contains("scopes:        unknown"));
    assert_no_token(&r.stdout);
}

#[cfg(unix)]
#[test]
fn status_refuses_a_token_file_others_can_read_and_names_a_missing_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    write_token_file(&file, ALL, 7_000);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let f = file.to_str().unwrap();
    let r = rapport_input(&["auth", "status", "--token-file", f], &[], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("mode 640") && r.stderr.contains("chmod 600"),
        "{}",
        r.stderr
    );
    assert_no_token(&r.stderr);

    let missing = dir.path().join("none.json");
    let r = rapport_input(
        &["auth", "status", "--token-file", missing.to_str().unwrap()],
        &[],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("run `rapport auth login` first"),
        "{}",
        r.stderr
    );
}

async fn token_endpoint() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": ACCESS,
            "scope": "tweet.read tweet.write users.read follows.write offline.access",
            "refresh_token": REFRESH
        })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Reads the child's output until the authorize URL, and returns it.
fn read_url(out: &mut impl BufRead) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "no URL printed");
        if line.starts_with("http") {
            return line.trim().to_owned();
        }
    }
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn check_exchange(requests: &[Request], url_query: &HashMap<String, String>, redirect: &str) {
    assert_eq!(requests.len(), 1);
    let form: HashMap<String, String> = url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "code-from-x");
    assert_eq!(form["redirect_uri"], redirect);
    assert_eq!(form["client_id"], "my-client-id");
    let challenge = base64_url(&sha256(form["code_verifier"].as_bytes()));
    assert_eq!(challenge, url_query["code_challenge"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_pasted_callback_url_saves_a_private_token_file() {
    let server = token_endpoint().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cfg/x.json");
    let token_url = format!("{}/2/oauth2/token", server.uri());
    let redirect = "https://hr.example.org/x/callback";
    let mut child = spawn(
        &[
            "auth",
            "login",
            "--paste",
            "--client-id",
            "my-client-id",
            "--redirect-uri",
            redirect,
            "--token-file",
            file.to_str().unwrap(),
        ],
        &[("RAPPORT_X_TOKEN_URL", &token_url)],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let url = tokio::task::block_in_place(|| read_url(&mut out));
    let q = query(&url);
    assert!(
        url.starts_with("https://x.com/i/oauth2/authorize?"),
        "{url}"
    );
    assert_eq!(q["scope"], ALL);
    assert_eq!(q["code_challenge_method"], "S256");
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{redirect}?state={}&code=code-from-x", q["state"]).unwrap();
    drop(stdin);
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{rest}{err}");
    assert!(rest.contains("Logged in. Tokens saved to"), "{rest}");
    assert!(
        rest.contains("warning: X did not grant like.write"),
        "{rest}"
    );
    assert_no_token(&format!("{url}{rest}{err}"));
    check_exchange(&server.received_requests().await.unwrap(), &q, redirect);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["access_token"], ACCESS);
    assert_eq!(saved["client_id"], "my-client-id");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_listens_on_the_loopback_redirect_and_checks_the_state() {
    let server = token_endpoint().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let token_url = format!("{}/2/oauth2/token", server.uri());
    let mut child = spawn(
        &[
            "auth",
            "login",
            "--client-id",
            "my-client-id",
            "--redirect-uri",
            &redirect,
            "--token-file",
            file.to_str().unwrap(),
            "--wait",
            "20",
        ],
        &[("RAPPORT_X_TOKEN_URL", &token_url)],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let url = tokio::task::block_in_place(|| read_url(&mut out));
    let q = query(&url);
    // The listener is bound before the URL is printed: the browser's redirect lands at once.
    let page = http_get(&format!("{redirect}?state={}&code=code-from-x", q["state"]));
    assert!(page.contains("You can close this window"), "{page}");
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{rest}");
    check_exchange(&server.received_requests().await.unwrap(), &q, &redirect);
    assert!(file.exists());
    assert_no_token(&rest);

    // A redirect with another state is refused and nothing is exchanged or saved.
    let server = MockServer::start().await;
    let file = dir.path().join("y.json");
    let mut child = spawn(
        &[
            "auth",
            "login",
            "--client-id",
            "my-client-id",
            "--redirect-uri",
            &redirect,
            "--token-file",
            file.to_str().unwrap(),
            "--wait",
            "20",
        ],
        &[(
            "RAPPORT_X_TOKEN_URL",
            &format!("{}/2/oauth2/token", server.uri()),
        )],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    tokio::task::block_in_place(|| read_url(&mut out));
    http_get(&format!("{redirect}?state=forged&code=code-from-x"));
    let status = tokio::task::block_in_place(|| child.wait()).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(err.contains("the state does not match"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
    assert!(!file.exists());
}

/// A GET with a plain TCP client (the CLI crate has no HTTP client of its own): enough for the
/// redirect listener's one-line answer.
fn http_get(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    let addr = format!("{}:{}", u.host_str().unwrap(), u.port().unwrap());
    let target = format!("{}?{}", u.path(), u.query().unwrap_or(""));
    tokio::task::block_in_place(|| {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).unwrap();
        body
    })
}

async fn user_endpoints(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/alan_dev"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": {"id": "2244994945", "name": "Alan", "username": "alan_dev"}}),
        ))
        .mount(server)
        .await;
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

fn follow_mock(status: u16, body: serde_json::Value) -> Mock {
    Mock::given(method("POST"))
        .and(path(format!("/2/users/{ME}/following")))
        .and(body_json(json!({"target_user_id": "2244994945"})))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("x-rate-limit-limit", "50")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", "1764590400")
                .set_body_json(body),
        )
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_shows_asks_and_sends_once() {
    let server = MockServer::start().await;
    user_endpoints(&server).await;
    follow_mock(
        200,
        json!({"data": {"following": true, "pending_follow": false}}),
    )
    .mount(&server)
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    write_token_file(&file, ALL, 7_000);
    let base = server.uri();
    let f = file.to_str().unwrap();
    let args = [
        "follow",
        "@alan_dev",
        "--token-file",
        f,
        "--base-url",
        &base,
    ];

    // Dry run: the request, nothing sent.
    let mut dry: Vec<&str> = args.to_vec();
    dry.push("--dry-run");
    let r = tokio::task::block_in_place(|| rapport_input(&dry, &[], ""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Dry run: nothing was sent. @acme_careers (id 6253282) would follow @alan_dev (id 2244994945)"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            r#"POST {base}/2/users/{ME}/following {{"target_user_id":"2244994945"}}"#
        )),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 0);

    // Asked, answered no: nothing sent, exit 1.
    let r = tokio::task::block_in_place(|| rapport_input(&args, &[], "n\n"));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "@acme_careers (id 6253282) will follow @alan_dev (id 2244994945). Proceed? [y/N]"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("cancelled: nothing was sent"),
        "{}",
        r.stderr
    );
    // No answer at all (a script without --yes): the same.
    let r = tokio::task::block_in_place(|| rapport_input(&args, &[], ""));
    assert_eq!(r.code, 1);
    assert_eq!(posts_received(&server).await, 0);

    // Answered yes: sent once.
    let r = tokio::task::block_in_place(|| rapport_input(&args, &[], "y\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("@acme_careers (id 6253282) now follows @alan_dev (id 2244994945)."),
        "{}",
        r.stdout
    );
    assert_eq!(posts_received(&server).await, 1);

    // --yes: no question.
    let mut yes: Vec<&str> = args.to_vec();
    yes.extend(["--yes", "--json"]);
    let r = tokio::task::block_in_place(|| rapport_input(&yes, &[], ""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("Proceed?"));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["data"]["following"], true);
    assert_eq!(v["action"], "follow");
    assert_eq!(posts_received(&server).await, 2);
    assert_no_token(&format!("{}{}", r.stdout, r.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_errors_are_clear_and_never_retried() {
    let server = MockServer::start().await;
    user_endpoints(&server).await;
    follow_mock(
        429,
        json!({"title": "Too Many Requests", "type": "about:blank", "status": 429}),
    )
    .mount(&server)
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    write_token_file(&file, ALL, 7_000);
    let base = server.uri();
    let f = file.to_str().unwrap();
    let r = tokio::task::block_in_place(|| {
        rapport_input(
            &[
                "follow",
                "alan_dev",
                "--yes",
                "--token-file",
                f,
                "--base-url",
                &base,
            ],
            &[],
            "",
        )
    });
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("POST /2/users/:id/following: rate limited (429); the limit resets at 2025-12-01T12:00:00+00:00"),
        "{}",
        r.stderr
    );
    assert_eq!(posts_received(&server).await, 1);

    // A token without follows.write: refused before sending, naming the scope.
    write_token_file(&file, "tweet.read users.read offline.access", 7_000);
    let r = tokio::task::block_in_place(|| {
        rapport_input(
            &[
                "follow",
                "alan_dev",
                "--yes",
                "--token-file",
                f,
                "--base-url",
                &base,
            ],
            &[],
            "",
        )
    });
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("needs the scope `follows.write`"),
        "{}",
        r.stderr
    );
    assert_eq!(posts_received(&server).await, 1);
    assert_no_token(&r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_refreshes_an_expiring_token_with_the_token_files_client_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer", "expires_in": 7200, "access_token": "NEW-access",
            "scope": ALL, "refresh_token": "NEW-refresh"
        })))
        .expect(1)
        .mount(&server)
        .await;
    user_endpoints(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    write_token_file(&file, ALL, 30);
    let base = server.uri();
    let token_url = format!("{base}/2/oauth2/token");
    let r = tokio::task::block_in_place(|| {
        rapport_input(
            &[
                "follow",
                "alan_dev",
                "--dry-run",
                "--token-file",
                file.to_str().unwrap(),
                "--base-url",
                &base,
            ],
            &[("RAPPORT_X_TOKEN_URL", &token_url)],
            "",
        )
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/2/oauth2/token");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["access_token"], "NEW-access");
    assert_no_token(&format!("{}{}", r.stdout, r.stderr));
}

// SHA-256 and base64url, written out here so the test checks the PKCE challenge independently of
// the code under test (FIPS 180-4 and RFC 4648 §5).
#[allow(
    clippy::unreadable_literal,
    clippy::needless_range_loop,
    clippy::many_single_char_names
)]
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn base64_url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    s
}

#[test]
fn the_independent_pkce_helpers_match_rfc_7636() {
    // RFC 7636 appendix B.
    assert_eq!(
        base64_url(&sha256(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}
