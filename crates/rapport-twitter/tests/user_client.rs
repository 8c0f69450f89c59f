//! OAuth 2.0 PKCE and the user-context write endpoints against a local mock of X's token endpoint and
//! write endpoints. The answer bodies follow the OpenAPI document's schemas (`CreatePostsResponse`,
//! `FollowUserResponse`, `LikePostResponse`, ...); no test reaches the internet.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use rapport_twitter::client::oauth2::{
    OAuth2Client, OAuth2Config, OAuthError, TokenSet, UserSession, code_challenge,
    listen_for_callback,
};
use rapport_twitter::client::user_client::{UserClientConfig, UserClientError, XUserClient};
use rapport_twitter::client::{ClientError, SecretToken};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACCESS: &str = "ACCESS-t0ken-must-never-print";
const REFRESH: &str = "REFRESH-t0ken-must-never-print";
const NEW_ACCESS: &str = "NEW-ACCESS-t0ken-must-never-print";
const NEW_REFRESH: &str = "NEW-REFRESH-t0ken-must-never-print";
const ME: &str = "6253282";
const REDIRECT: &str = "http://127.0.0.1:8765/callback";

/// A catch-all that answers 500 "no mock for ..." so a wrong route fails readably.
async fn catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(|req: &Request| {
            ResponseTemplate::new(500).set_body_string(format!(
                "no mock for {} {}",
                req.method,
                req.url.path()
            ))
        })
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

fn oauth(server: &MockServer, secret: Option<&str>) -> OAuth2Client {
    let mut cfg = OAuth2Config::new("my-client-id", REDIRECT);
    cfg.token_url = format!("{}/2/oauth2/token", server.uri());
    cfg.client_secret = secret.map(SecretToken::new);
    OAuth2Client::new(cfg).unwrap()
}

fn form(req: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect()
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn all_scopes() -> Vec<String> {
    rapport_twitter::client::oauth2::DEFAULT_SCOPES
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn tokens(scopes: Vec<String>, expires_in: i64) -> TokenSet {
    TokenSet {
        access_token: SecretToken::new(ACCESS),
        refresh_token: Some(SecretToken::new(REFRESH)),
        expires_at: Some(chrono::Utc::now() + chrono::Duration::seconds(expires_in)),
        scopes,
        client_id: Some("my-client-id".into()),
    }
}

fn user_client(server: &MockServer, session: UserSession) -> XUserClient {
    XUserClient::new(
        session,
        UserClientConfig {
            base_url: server.uri(),
            timeout: Duration::from_millis(500),
            dry_run: false,
            user_id: Some(ME.into()),
        },
    )
    .unwrap()
}

fn assert_no_secret(text: &str) {
    for s in [
        ACCESS,
        REFRESH,
        NEW_ACCESS,
        NEW_REFRESH,
        "the-code-from-x",
        "client-s3cret",
    ] {
        assert!(!text.contains(s), "a secret leaked: {text}");
    }
}

#[tokio::test]
async fn pkce_exchange_sends_the_verifier_of_the_challenge_and_checks_state() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
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
    catch_all(&server).await;
    let client = oauth(&server, None);
    let pending = client.authorize().unwrap();
    let q = query(&pending.url);

    // A forged state is refused before anything is sent.
    let forged = "http://127.0.0.1:8765/callback?state=forged&code=the-code-from-x";
    assert!(matches!(
        client.exchange(&pending, forged).await,
        Err(OAuthError::StateMismatch)
    ));

    let callback = format!(
        "http://127.0.0.1:8765/callback?state={}&code=the-code-from-x",
        q["state"]
    );
    let before = chrono::Utc::now();
    let set = client.exchange(&pending, &callback).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let f = form(&requests[0]);
    assert_eq!(f["grant_type"], "authorization_code");
    assert_eq!(f["code"], "the-code-from-x");
    assert_eq!(f["redirect_uri"], REDIRECT);
    assert_eq!(f["client_id"], "my-client-id");
    // The verifier sent hashes to the challenge in the authorize URL.
    assert_eq!(code_challenge(&f["code_verifier"]), q["code_challenge"]);
    assert_eq!(q["code_challenge_method"], "S256");
    // A public client sends no Authorization header.
    assert!(requests[0].headers.get("authorization").is_none());

    assert_eq!(set.access_token.expose_secret(), ACCESS);
    assert_eq!(set.refresh_token.as_ref().unwrap().expose_secret(), REFRESH);
    assert_eq!(set.scopes.len(), 5);
    assert!(set.lacks_scope("like.write"));
    let expires = set.expires_at.unwrap();
    assert!(expires >= before + chrono::Duration::seconds(7200));
    assert!(expires <= chrono::Utc::now() + chrono::Duration::seconds(7200));
    assert_no_secret(&format!("{set:?} {pending:?} {client:?}"));
}

#[tokio::test]
async fn confidential_client_sends_basic_auth() {
    let server = MockServer::start().await;
    let basic = base64::engine::general_purpose::STANDARD.encode("my-client-id:client-s3cret");
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("authorization", format!("Basic {basic}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token_type": "bearer", "access_token": ACCESS})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = oauth(&server, Some("client-s3cret"));
    assert_no_secret(&format!("{client:?}"));
    let pending = client.authorize().unwrap();
    let cb = format!("{REDIRECT}?code=the-code-from-x&state={}", pending.state);
    let set = client.exchange(&pending, &cb).await.unwrap();
    assert_eq!(set.access_token.expose_secret(), ACCESS);
    assert_eq!(set.expires_at, None);
}

#[tokio::test]
async fn a_refused_code_names_the_oauth_error_not_the_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_request",
            "error_description": "Value passed for the authorization code was invalid."
        })))
        .mount(&server)
        .await;
    let client = oauth(&server, None);
    let pending = client.authorize().unwrap();
    let cb = format!("{REDIRECT}?code=the-code-from-x&state={}", pending.state);
    let e = client.exchange(&pending, &cb).await.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.ends_with("400 invalid_request: Value passed for the authorization code was invalid."),
        "{msg}"
    );
    assert_no_secret(&format!("{msg} {e:?}"));
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_first_and_saved_0600() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": NEW_ACCESS,
            "scope": "tweet.read tweet.write users.read follows.write like.write offline.access",
            "refresh_token": NEW_REFRESH
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/2/users/{ME}/likes")))
        .and(header(
            "authorization",
            format!("Bearer {NEW_ACCESS}").as_str(),
        ))
        .and(body_json(json!({"tweet_id": "1790000000000000001"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"liked": true}})))
        .expect(2)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x-token.json");
    // 60 s left: inside the refresh margin.
    let session =
        UserSession::create_file(&file, tokens(all_scopes(), 60), Some(oauth(&server, None)))
            .unwrap();
    let client = user_client(&server, session.clone());
    let r = client.like("1790000000000000001").await.unwrap();
    assert_eq!(r.data, Some(json!({"liked": true})));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let f = form(&requests[0]);
    assert_eq!(f["grant_type"], "refresh_token");
    assert_eq!(f["refresh_token"], REFRESH);
    assert_eq!(f["client_id"], "my-client-id");

    // The rotated tokens are on disk, private.
    let saved = TokenSet::load(&file).unwrap();
    assert_eq!(saved.access_token.expose_secret(), NEW_ACCESS);
    assert_eq!(saved.refresh_token.unwrap().expose_secret(), NEW_REFRESH);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // A token far from expiry is not refreshed: the next call goes straight out.
    client.like("1790000000000000001").await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_no_secret(&format!(
        "{session:?} {client:?} {:?}",
        session.status().await
    ));
}

#[tokio::test]
async fn explicit_refresh_and_a_revoked_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid."
        })))
        .mount(&server)
        .await;
    let session = UserSession::new(tokens(all_scopes(), 3600), Some(oauth(&server, None)));
    let e = session.refresh().await.unwrap_err();
    assert!(
        matches!(e, OAuthError::TokenEndpoint { status: 400, .. }),
        "{e:?}"
    );
    assert_no_secret(&e.to_string());
    // Without a client id nothing can refresh an expired token: say so, and what to do.
    let bare = UserSession::new(tokens(all_scopes(), -10), None);
    let e = bare.access_token().await.unwrap_err().to_string();
    assert!(
        e.contains("expired") && e.contains("rapport auth login"),
        "{e}"
    );
}

#[tokio::test]
async fn a_reply_is_sent_with_the_right_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "text": "Thanks Alan, the role is remote-friendly.",
            "reply": {"in_reply_to_tweet_id": "1790000000000000000"}
        })))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-rate-limit-limit", "200")
                .insert_header("x-rate-limit-remaining", "199")
                .insert_header("x-rate-limit-reset", "1764590400")
                .set_body_json(json!({"data": {
                    "id": "1790000000000000099",
                    "text": "Thanks Alan, the role is remote-friendly.",
                    "edit_history_tweet_ids": ["1790000000000000099"]
                }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let r = client
        .reply(
            "1790000000000000000",
            "Thanks Alan, the role is remote-friendly.",
        )
        .await
        .unwrap();
    assert!(!r.dry_run);
    assert_eq!(r.post_id.as_deref(), Some("1790000000000000099"));
    assert_eq!(r.request.method, "POST");
    assert_eq!(r.request.url, format!("{}/2/tweets", server.uri()));
    let w = r.rate_limit.unwrap().window.unwrap();
    assert_eq!((w.limit, w.remaining), (Some(200), Some(199)));
}

#[tokio::test]
async fn follow_by_handle_looks_up_both_ids_then_posts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/by/username/alan_dev"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": {"id": "2244994945", "name": "Alan", "username": "alan_dev"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"id": ME, "name": "Acme", "username": "acme_careers"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/2/users/{ME}/following")))
        .and(body_json(json!({"target_user_id": "2244994945"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"following": true, "pending_follow": false}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/2/users/{ME}/following/2244994945")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"following": false}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let mut cfg = UserClientConfig {
        base_url: server.uri(),
        ..Default::default()
    };
    cfg.user_id = None;
    let client = XUserClient::new(UserSession::new(tokens(all_scopes(), 3600), None), cfg).unwrap();
    let r = client.follow("@alan_dev").await.unwrap();
    assert_eq!(
        r.data,
        Some(json!({"following": true, "pending_follow": false}))
    );
    // The own id is asked once; an id needs no lookup.
    let r = client.unfollow("2244994945").await.unwrap();
    assert_eq!(r.data, Some(json!({"following": false})));
    assert_eq!(
        client.me().await.unwrap().username.as_deref(),
        Some("acme_careers")
    );
}

#[tokio::test]
async fn repost_and_the_undos_use_the_spec_paths() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/2/users/{ME}/retweets")))
        .and(body_json(json!({"tweet_id": "1790000000000000000"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"retweeted": true, "rest_id": "1790000000000000000"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/2/users/{ME}/retweets/1790000000000000000")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"retweeted": false}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/2/users/{ME}/likes/1790000000000000000")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"liked": false}})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let id = "1790000000000000000";
    assert_eq!(
        client.repost(id).await.unwrap().data.unwrap()["retweeted"],
        true
    );
    assert_eq!(
        client.unrepost(id).await.unwrap().data.unwrap()["retweeted"],
        false
    );
    assert_eq!(
        client.unlike(id).await.unwrap().data.unwrap()["liked"],
        false
    );
}

#[tokio::test]
async fn a_missing_scope_is_named_before_sending_or_from_the_403() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/2/users/{ME}/following")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Forbidden",
            "type": "about:blank",
            "status": 403,
            "detail": "Missing required OAuth2 scope: follows.write"
        })))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    // Granted scopes known: like.write is missing, so nothing is sent.
    let granted: Vec<String> = ["tweet.read", "tweet.write", "users.read", "offline.access"]
        .map(str::to_owned)
        .to_vec();
    let client = user_client(&server, UserSession::new(tokens(granted, 3600), None));
    let e = client.like("1790000000000000000").await.unwrap_err();
    match &e {
        UserClientError::MissingScope {
            scope, endpoint, ..
        } => {
            assert_eq!(scope, "like.write");
            assert_eq!(endpoint, "POST /2/users/:id/likes");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("needs the scope `like.write`"),
        "{e}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    // Scopes unknown (a token from the environment): the 403 names the scope.
    let client = user_client(
        &server,
        UserSession::new(TokenSet::access_only(ACCESS), None),
    );
    let e = client.follow("2244994945").await.unwrap_err();
    match &e {
        UserClientError::MissingScope { scope, granted, .. } => {
            assert_eq!(scope, "follows.write");
            assert!(granted.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.status(), None);
    assert_no_secret(&format!("{e} {e:?}"));
}

#[tokio::test]
async fn a_403_not_permitted_is_its_own_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "detail": "You are not permitted to perform this action.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403
        })))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let e = client
        .reply("1790000000000000000", "Hello")
        .await
        .unwrap_err();
    assert!(matches!(e, UserClientError::NotPermitted { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "POST /2/tweets: not permitted (403): Forbidden: You are not permitted to perform this action."
    );
    assert_eq!(e.status(), Some(403));
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn a_429_on_a_write_is_reported_with_the_reset_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "200")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", "1764590400")
                .set_body_json(json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let e = client
        .reply("1790000000000000000", "Hello")
        .await
        .unwrap_err();
    match &e {
        UserClientError::Api(ClientError::RateLimited { reset_at, endpoint }) => {
            assert_eq!(endpoint, "POST /2/tweets");
            assert_eq!(reset_at.unwrap().timestamp(), 1_764_590_400);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("2025-12-01T12:00:00+00:00"), "{e}");
    assert!(e.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_timeout_on_a_post_is_an_unknown_outcome_sent_exactly_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_delay(Duration::from_secs(3))
                .set_body_json(json!({"data": {"id": "1", "text": "x"}})),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let text = "Happy to tell you more about the team!";
    let e = client.reply("1790000000000000000", text).await.unwrap_err();
    match &e {
        UserClientError::UnknownOutcome {
            endpoint,
            text: t,
            reason,
        } => {
            assert_eq!(endpoint, "POST /2/tweets");
            assert_eq!(t.as_deref(), Some(text));
            assert!(reason.contains("no answer within 0.5 s"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("NOT sent again") && msg.contains(text),
        "{msg}"
    );
    assert!(!e.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_no_secret(&format!("{msg} {e:?}"));
}

#[tokio::test]
async fn a_5xx_on_a_post_is_an_unknown_outcome_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"title": "Service Unavailable"})),
        )
        .mount(&server)
        .await;
    let client = user_client(&server, UserSession::new(tokens(all_scopes(), 3600), None));
    let e = client.reply("1790000000000000000", "Hi").await.unwrap_err();
    assert!(
        matches!(&e, UserClientError::UnknownOutcome { reason, .. } if reason == "server error 503 Service Unavailable"),
        "{e:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_and_not_unknown() {
    // Bind and drop: nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let session = UserSession::new(tokens(all_scopes(), 3600), None);
    let client = XUserClient::new(
        session,
        UserClientConfig {
            base_url: format!("http://127.0.0.1:{port}"),
            user_id: Some(ME.into()),
            ..Default::default()
        },
    )
    .unwrap();
    let e = client.reply("1790000000000000000", "Hi").await.unwrap_err();
    assert!(
        matches!(&e, UserClientError::Api(ClientError::Transport { message, .. }) if message.starts_with("not sent")),
        "{e:?}"
    );
}

#[tokio::test]
async fn dry_run_sends_nothing() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let client = XUserClient::new(
        UserSession::new(tokens(all_scopes(), -100), None),
        UserClientConfig {
            base_url: server.uri(),
            dry_run: true,
            user_id: Some(ME.into()),
            ..Default::default()
        },
    )
    .unwrap();
    let r = client
        .reply("1790000000000000000", "Hi there")
        .await
        .unwrap();
    assert!(r.dry_run && r.data.is_none() && r.post_id.is_none());
    assert_eq!(
        r.request.body,
        Some(json!({"text": "Hi there", "reply": {"in_reply_to_tweet_id": "1790000000000000000"}}))
    );
    let r = client.unfollow("2244994945").await.unwrap();
    assert_eq!(
        r.request.to_string(),
        format!("DELETE {}/2/users/{ME}/following/2244994945", server.uri())
    );
    let r = client.like("1790000000000000000").await.unwrap();
    assert_eq!(
        r.request.body,
        Some(json!({"tweet_id": "1790000000000000000"}))
    );
    // Not even the expired token was refreshed.
    assert!(server.received_requests().await.unwrap().is_empty());
    // Bad arguments fail before anything.
    assert!(matches!(
        client.reply("abc", "x").await,
        Err(UserClientError::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.reply("1", "  ").await,
        Err(UserClientError::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.follow("not a handle!").await,
        Err(UserClientError::InvalidArgument { .. })
    ));
}

#[tokio::test]
async fn the_listener_catches_the_one_redirect() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let waiting = tokio::spawn({
        let redirect = redirect.clone();
        async move { listen_for_callback(&redirect, Duration::from_secs(10)).await }
    });
    let http = reqwest::Client::new();
    // Until the listener is up, the connection is refused; a browser's favicon request gets a 404.
    let favicon = format!("http://127.0.0.1:{port}/favicon.ico");
    let mut status = None;
    for _ in 0..100 {
        if let Ok(r) = http.get(&favicon).send().await {
            status = Some(r.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, Some(404));
    let page = http
        .get(format!("{redirect}?state=abc&code=xyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("You can close this window")
    );
    let got = waiting.await.unwrap().unwrap();
    assert_eq!(got, format!("{redirect}?state=abc&code=xyz"));
    // Only loopback redirect URIs are listened on.
    let e = listen_for_callback("https://example.com/cb", Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("loopback"), "{e}");
}
