//! OAuth 2.0 Authorization Code with PKCE: acting for one X user.
//!
//! The flow, as X implements it (RFC 6749 §4.1 with RFC 7636):
//!
//! 1. [`OAuth2Client::authorize`] builds the authorize URL with a fresh `state` and an S256 code
//!    challenge; the code verifier behind it comes from the operating system's CSPRNG and stays in
//!    the returned [`PendingAuthorization`].
//! 2. The person opens the URL, approves, and X redirects to the redirect URI with `code` and `state`.
//!    [`listen_for_callback`] catches that one request on 127.0.0.1; or the person pastes the URL.
//! 3. [`OAuth2Client::exchange`] checks the `state`, then trades the code (with the verifier) for an
//!    access token and, with `offline.access`, a refresh token: a [`TokenSet`].
//! 4. [`UserSession`] hands out the access token and refreshes it shortly before it expires
//!    ([`OAuth2Client::refresh`]), writing the new tokens back to the token file.
//!
//! Tokens are [`SecretToken`]s: no `Debug`, `Display`, error or log line shows them. A token file is
//! written with mode 0600 and refused when the group or others may read it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::auth::SecretToken;
use super::error::clip;

/// X's authorize page (the person approves the app there).
pub const DEFAULT_AUTHORIZE_URL: &str = "https://x.com/i/oauth2/authorize";
/// X's token endpoint (the OpenAPI document's `tokenUrl`).
pub const DEFAULT_TOKEN_URL: &str = "https://api.x.com/2/oauth2/token";
/// The scopes rapport asks for: read posts and users, reply and repost (`tweet.write`), follow and
/// unfollow (`follows.write`), like (`like.write`, which the OpenAPI document requires for
/// `POST /2/users/:id/likes`), and a refresh token (`offline.access`).
pub const DEFAULT_SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "users.read",
    "follows.write",
    "like.write",
    "offline.access",
];
/// The environment variable that may hold a user access token instead of a token file.
pub const USER_TOKEN_ENV: &str = "RAPPORT_X_USER_TOKEN";
/// A token this close to its expiry is refreshed before use.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// What went wrong while authorising, refreshing or reading tokens. No variant carries a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// A setting rapport cannot use (client id, redirect URI, URLs).
    #[error("OAuth 2.0 configuration: {0}")]
    Config(String),
    /// The callback URL is not the redirect of this authorization.
    #[error("callback URL: {0}")]
    Callback(String),
    /// The callback's `state` is not the one sent: a stale link or a forged redirect. Start again.
    #[error(
        "callback URL: the state does not match this authorization (a stale or forged redirect); \
         run the login again and use the newest link"
    )]
    StateMismatch,
    /// The person (or X) refused: `error=access_denied` and friends on the callback.
    #[error("authorization refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        /// The OAuth error code, e.g. `access_denied`.
        error: String,
        /// X's description.
        description: Option<String>,
    },
    /// The token endpoint answered with an error (a used or expired code, a revoked refresh token,
    /// a wrong client id or secret).
    #[error("token endpoint {url}: {status} {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    TokenEndpoint {
        /// The token URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The OAuth error code (`invalid_request`, `invalid_grant`, ...) or the start of the body.
        error: String,
        /// The server's description.
        description: Option<String>,
    },
    /// The token endpoint could not be reached or did not answer in time.
    #[error("token endpoint {url}: {message}")]
    Transport {
        /// The token URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// The token endpoint's answer is not the JSON expected.
    #[error("token endpoint {url}: malformed answer: {message}")]
    Malformed {
        /// The token URL.
        url: String,
        /// What was wrong (never the body, which holds tokens).
        message: String,
    },
    /// The access token expired and there is no way to refresh it.
    #[error(
        "the user access token expired at {expired_at} and {why}; run `rapport auth login` again"
    )]
    Expired {
        /// When it expired.
        expired_at: DateTime<Utc>,
        /// Why it cannot be refreshed.
        why: String,
    },
    /// No token: no token file and no environment variable.
    #[error("no user access token: {0}")]
    NoToken(String),
    /// The token file cannot be read, parsed or written, or its permissions are too open.
    #[error("token file {path}: {message}")]
    TokenFile {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// The local redirect listener failed (port taken, timed out).
    #[error("redirect listener on {addr}: {message}")]
    Listener {
        /// The address listened on.
        addr: String,
        /// What happened.
        message: String,
    },
    /// The CSPRNG could not be read.
    #[error("random number generator: {0}")]
    Random(String),
}

/// The settings of an OAuth 2.0 client (an app registered in the X developer portal).
#[derive(Clone)]
pub struct OAuth2Config {
    /// The app's OAuth 2.0 client id.
    pub client_id: String,
    /// The client secret of a confidential client (sent as HTTP basic auth); `None` for a public client.
    pub client_secret: Option<SecretToken>,
    /// The redirect URI registered for the app, e.g. `http://127.0.0.1:8765/callback`.
    pub redirect_uri: String,
    /// The scopes asked for. Default [`DEFAULT_SCOPES`].
    pub scopes: Vec<String>,
    /// The authorize page. Default [`DEFAULT_AUTHORIZE_URL`].
    pub authorize_url: String,
    /// The token endpoint. Default [`DEFAULT_TOKEN_URL`]; a local mock in tests.
    pub token_url: String,
    /// Timeout of a token request. Default 30 s.
    pub timeout: Duration,
}

impl fmt::Debug for OAuth2Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Config")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl OAuth2Config {
    /// A public client with the default scopes and X's URLs.
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            redirect_uri: redirect_uri.into(),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            authorize_url: DEFAULT_AUTHORIZE_URL.to_owned(),
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// An authorization in progress: the URL to open, and what the exchange needs to check and send.
/// The code verifier never prints.
pub struct PendingAuthorization {
    /// The URL the person opens.
    pub url: String,
    /// The `state` sent; the callback must carry the same.
    pub state: String,
    verifier: SecretToken,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("verifier", &"***")
            .finish()
    }
}

impl PendingAuthorization {
    /// The S256 challenge of the verifier (it is also in the URL).
    pub fn code_challenge(&self) -> String {
        code_challenge(self.verifier.expose_secret())
    }
}

/// The tokens of one user, with what X said about them.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    /// The access token (`Authorization: Bearer`).
    pub access_token: SecretToken,
    /// The refresh token (with `offline.access`).
    pub refresh_token: Option<SecretToken>,
    /// When the access token expires (`expires_in` after it was issued); `None` when unknown.
    pub expires_at: Option<DateTime<Utc>>,
    /// The scopes granted (may be fewer than asked for); empty when unknown.
    pub scopes: Vec<String>,
    /// The client id the tokens were issued to (needed to refresh them).
    pub client_id: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl TokenSet {
    /// A bare access token (from an environment variable): no expiry, no scopes, no refresh.
    pub fn access_only(token: impl Into<SecretToken>) -> Self {
        Self {
            access_token: token.into(),
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
            client_id: None,
        }
    }

    /// True when the granted scopes are known and `scope` is not among them.
    pub fn lacks_scope(&self, scope: &str) -> bool {
        !self.scopes.is_empty() && !self.scopes.iter().any(|s| s == scope)
    }

    /// True when the access token expires within `margin` of `now`.
    pub fn expires_within(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        self.expires_at.is_some_and(|t| {
            t <= now + chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::zero())
        })
    }

    /// What may be shown about the tokens: never the tokens.
    pub fn status(&self) -> TokenStatus {
        TokenStatus {
            scopes: self.scopes.clone(),
            expires_at: self.expires_at,
            has_refresh_token: self.refresh_token.is_some(),
            client_id: self.client_id.clone(),
        }
    }

    /// Reads a token file: JSON as [`TokenSet::save`] writes it. On Unix the file must not be readable
    /// by the group or others (mode 0600 or stricter); a looser file is refused, naming the fix.
    pub fn load(path: &Path) -> Result<Self, OAuthError> {
        let err = |message: String| OAuthError::TokenFile {
            path: path.to_owned(),
            message,
        };
        check_private(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let file: TokenFile = {
            let de = &mut serde_json::Deserializer::from_str(&text);
            // The message names the JSON path, never the value (a value may be a token).
            serde_path_to_error::deserialize(de).map_err(|e| {
                let at = e.path().to_string();
                let inner = e.into_inner();
                err(format!(
                    "not a rapport token file: at `{at}`, line {} column {}: {}",
                    inner.line(),
                    inner.column(),
                    match inner.classify() {
                        serde_json::error::Category::Data =>
                            "a field is missing or has the wrong type",
                        serde_json::error::Category::Syntax => "invalid JSON",
                        serde_json::error::Category::Eof => "the file ends early",
                        serde_json::error::Category::Io => "read error",
                    }
                ))
            })?
        };
        if file.access_token.trim().is_empty() {
            return Err(err("the access token is empty".to_owned()));
        }
        Ok(TokenSet {
            access_token: SecretToken::new(file.access_token),
            refresh_token: file
                .refresh_token
                .filter(|t| !t.trim().is_empty())
                .map(SecretToken::new),
            expires_at: file.expires_at,
            scopes: split_scopes(file.scope.as_deref().unwrap_or("")),
            client_id: file.client_id,
        })
    }

    /// Writes the tokens to `path` (JSON), created with mode 0600, through a temporary file in the same
    /// folder that is renamed over the old one, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), OAuthError> {
        let err = |message: String| OAuthError::TokenFile {
            path: path.to_owned(),
            message,
        };
        let file = TokenFile {
            token_type: "bearer".to_owned(),
            access_token: self.access_token.expose_secret().to_owned(),
            refresh_token: self
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            expires_at: self.expires_at,
            scope: Some(self.scopes.join(" ")),
            client_id: self.client_id.clone(),
        };
        let json = serde_json::to_string_pretty(&file)
            .map_err(|e| err(format!("cannot encode: {}", e.classify_name())))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(format!("cannot create folder: {e}")))?;
        }
        let tmp = path.with_extension("tmp");
        write_private(&tmp, json.as_bytes()).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))?;
        Ok(())
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "end of file",
        }
    }
}

/// What `rapport auth status` shows: everything but the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenStatus {
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether a refresh token is held.
    pub has_refresh_token: bool,
    /// The client id the tokens were issued to.
    pub client_id: Option<String>,
}

/// The token file on disk.
#[derive(Serialize, Deserialize)]
struct TokenFile {
    #[serde(default)]
    token_type: String,
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

/// The token endpoint's error (RFC 6749 §5.2).
#[derive(Deserialize, Default)]
struct TokenErrorResponse {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), OAuthError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| OAuthError::TokenFile {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(OAuthError::TokenFile {
            path: path.to_owned(),
            message: format!(
                "readable by other users (mode {mode:03o}); refused. Run `chmod 600 {}`",
                path.display()
            ),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), OAuthError> {
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let _ = std::fs::remove_file(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    // The umask can only remove bits; set 0600 explicitly all the same.
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// `n` bytes from the operating system's CSPRNG, base64url without padding.
fn random_token(n: usize) -> Result<String, OAuthError> {
    let mut buf = vec![0_u8; n];
    getrandom::fill(&mut buf).map_err(|e| OAuthError::Random(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(&buf))
}

/// The S256 code challenge of a verifier: base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2).
///
/// ```
/// // RFC 7636 appendix B.
/// use rapport_twitter::client::oauth2::code_challenge;
/// assert_eq!(
///     code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
/// );
/// ```
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The OAuth 2.0 client: builds authorize URLs, exchanges codes, refreshes tokens.
///
/// ```
/// use rapport_twitter::client::oauth2::{OAuth2Client, OAuth2Config};
/// let client = OAuth2Client::new(OAuth2Config::new("my-client-id", "http://127.0.0.1:8765/callback")).unwrap();
/// let pending = client.authorize().unwrap();
/// assert!(pending.url.starts_with("https://x.com/i/oauth2/authorize?response_type=code&client_id=my-client-id"));
/// assert!(pending.url.contains("code_challenge_method=S256"));
/// assert!(pending.url.contains("scope=tweet.read+tweet.write+users.read+follows.write+like.write+offline.access"));
/// assert!(pending.url.contains(&format!("state={}", pending.state)));
/// assert!(pending.url.contains(&format!("code_challenge={}", pending.code_challenge())));
/// ```
#[derive(Clone)]
pub struct OAuth2Client {
    config: OAuth2Config,
    http: reqwest::Client,
}

impl fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OAuth2Client {
    /// Checks the settings (a client id, http(s) URLs, scopes) and builds the HTTP client.
    pub fn new(config: OAuth2Config) -> Result<Self, OAuthError> {
        if config.client_id.trim().is_empty() {
            return Err(OAuthError::Config(
                "the client id is empty: copy it from the app's \"Keys and tokens\" page in the X developer portal".to_owned(),
            ));
        }
        for (what, u) in [
            ("redirect URI", &config.redirect_uri),
            ("authorize URL", &config.authorize_url),
            ("token URL", &config.token_url),
        ] {
            let parsed =
                url::Url::parse(u).map_err(|e| OAuthError::Config(format!("{what} {u:?}: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(OAuthError::Config(format!(
                    "{what} {u:?}: expected an http or https URL"
                )));
            }
        }
        if config.scopes.is_empty() {
            return Err(OAuthError::Config(
                "no scopes: ask for at least tweet.read and users.read".to_owned(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("rapport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OAuthError::Config(format!("HTTP client: {e}")))?;
        Ok(Self { config, http })
    }

    /// The settings.
    pub fn config(&self) -> &OAuth2Config {
        &self.config
    }

    /// A fresh authorization: a 32-byte verifier and a 16-byte state from the CSPRNG, and the
    /// authorize URL carrying the state and the verifier's S256 challenge.
    pub fn authorize(&self) -> Result<PendingAuthorization, OAuthError> {
        let verifier = random_token(32)?;
        let state = random_token(16)?;
        let mut url = url::Url::parse(&self.config.authorize_url)
            .map_err(|e| OAuthError::Config(format!("authorize URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("scope", &self.config.scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("code_challenge", &code_challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        Ok(PendingAuthorization {
            url: url.to_string(),
            state,
            verifier: SecretToken::new(verifier),
        })
    }

    /// Reads the code out of the callback URL (checking it is this app's redirect, that the state
    /// matches and that X did not report an error) and exchanges it for tokens.
    pub async fn exchange(
        &self,
        pending: &PendingAuthorization,
        callback_url: &str,
    ) -> Result<TokenSet, OAuthError> {
        let code = self.code_from_callback(pending, callback_url)?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.expose_secret()),
            ("redirect_uri", &self.config.redirect_uri),
            ("code_verifier", pending.verifier.expose_secret()),
            ("client_id", &self.config.client_id),
        ];
        self.token_request(&form, None).await
    }

    /// The code of a callback URL, after the checks of [`OAuth2Client::exchange`].
    fn code_from_callback(
        &self,
        pending: &PendingAuthorization,
        callback_url: &str,
    ) -> Result<SecretToken, OAuthError> {
        let callback = url::Url::parse(callback_url.trim()).map_err(|e| {
            OAuthError::Callback(format!(
                "not a URL ({e}); paste the whole address the browser was sent to"
            ))
        })?;
        let expected = url::Url::parse(&self.config.redirect_uri)
            .map_err(|e| OAuthError::Config(format!("redirect URI: {e}")))?;
        if callback.host_str() != expected.host_str()
            || callback.port_or_known_default() != expected.port_or_known_default()
            || callback.path() != expected.path()
        {
            return Err(OAuthError::Callback(format!(
                "expected the redirect URI {}{}, got {}://{}{}",
                expected.origin().ascii_serialization(),
                expected.path(),
                callback.scheme(),
                callback.host_str().unwrap_or(""),
                callback.path()
            )));
        }
        let mut code = None;
        let mut state = None;
        let mut error = None;
        let mut description = None;
        for (k, v) in callback.query_pairs() {
            match &*k {
                "code" => code = Some(v.into_owned()),
                "state" => state = Some(v.into_owned()),
                "error" => error = Some(v.into_owned()),
                "error_description" => description = Some(clip(&v)),
                _ => {}
            }
        }
        if state.as_deref() != Some(pending.state.as_str()) {
            return Err(OAuthError::StateMismatch);
        }
        if let Some(error) = error {
            return Err(OAuthError::Denied {
                error: clip(&error),
                description,
            });
        }
        code.filter(|c| !c.is_empty())
            .map(SecretToken::new)
            .ok_or_else(|| OAuthError::Callback("no `code` in the callback URL".to_owned()))
    }

    /// Trades a refresh token for new tokens. X rotates refresh tokens: the old one stops working, so
    /// save the returned set at once.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, OAuthError> {
        let Some(refresh) = &tokens.refresh_token else {
            return Err(OAuthError::Expired {
                expired_at: tokens.expires_at.unwrap_or_else(Utc::now),
                why: "there is no refresh token (ask for the offline.access scope)".to_owned(),
            });
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose_secret()),
            ("client_id", &self.config.client_id),
        ];
        self.token_request(&form, Some(tokens)).await
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        previous: Option<&TokenSet>,
    ) -> Result<TokenSet, OAuthError> {
        let url = &self.config.token_url;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        if let Some(secret) = &self.config.client_secret {
            let basic = STANDARD.encode(format!(
                "{}:{}",
                self.config.client_id,
                secret.expose_secret()
            ));
            let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {basic}"))
                .map_err(|_| {
                    OAuthError::Config(
                        "the client secret has characters not allowed in a header".to_owned(),
                    )
                })?;
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        let issued = Utc::now();
        let transport = |e: &reqwest::Error| OAuthError::Transport {
            url: url.clone(),
            message: if e.is_timeout() {
                "timed out".to_owned()
            } else {
                // The URL carries no secret; the form (with the code or refresh token) is not in it.
                let mut m = e.to_string();
                let mut s = std::error::Error::source(e);
                while let Some(x) = s {
                    m.push_str(": ");
                    m.push_str(&x.to_string());
                    s = x.source();
                }
                m
            },
        };
        let resp = req.send().await.map_err(|e| transport(&e))?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        if !(200..300).contains(&status) {
            let parsed: TokenErrorResponse = serde_json::from_slice(&bytes).unwrap_or_default();
            let error = parsed.error.map_or_else(
                || {
                    let text = String::from_utf8_lossy(&bytes);
                    if text.trim().is_empty() {
                        "(empty body)".to_owned()
                    } else {
                        clip(text.trim())
                    }
                },
                |e| clip(&e),
            );
            return Err(OAuthError::TokenEndpoint {
                url: url.clone(),
                status,
                error,
                description: parsed.error_description.map(|d| clip(&d)),
            });
        }
        let parsed: TokenResponse = {
            let de = &mut serde_json::Deserializer::from_slice(&bytes);
            serde_path_to_error::deserialize(de).map_err(|e| OAuthError::Malformed {
                url: url.clone(),
                message: format!(
                    "at `{}`: a field is missing or has the wrong type",
                    e.path()
                ),
            })?
        };
        if parsed.access_token.trim().is_empty() {
            return Err(OAuthError::Malformed {
                url: url.clone(),
                message: "the access token is empty".to_owned(),
            });
        }
        let scopes = match parsed.scope.as_deref() {
            Some(s) => split_scopes(s),
            None => previous.map(|p| p.scopes.clone()).unwrap_or_default(),
        };
        Ok(TokenSet {
            access_token: SecretToken::new(parsed.access_token),
            // Without a new refresh token, the old one stays valid.
            refresh_token: parsed
                .refresh_token
                .map(SecretToken::new)
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            expires_at: parsed
                .expires_in
                .map(|s| issued + chrono::Duration::seconds(s.min(i64::MAX as u64) as i64)),
            scopes,
            client_id: Some(self.config.client_id.clone()),
        })
    }
}

/// Waits for the one redirect of an authorization on the redirect URI's address (which must be a
/// loopback address: `127.0.0.1`, `[::1]` or `localhost`), answers it with a short page, and returns
/// the full callback URL for [`OAuth2Client::exchange`]. Requests for other paths (a browser's
/// `/favicon.ico`) get a 404 and the wait goes on, up to `timeout`.
pub async fn listen_for_callback(
    redirect_uri: &str,
    timeout: Duration,
) -> Result<String, OAuthError> {
    let listener = bind_callback(redirect_uri).await?;
    accept_callback(listener, redirect_uri, timeout).await
}

/// Binds the redirect URI's loopback address (the first half of [`listen_for_callback`], so a caller
/// can bind before it shows the URL).
pub async fn bind_callback(redirect_uri: &str) -> Result<tokio::net::TcpListener, OAuthError> {
    let uri = url::Url::parse(redirect_uri)
        .map_err(|e| OAuthError::Config(format!("redirect URI {redirect_uri:?}: {e}")))?;
    let host = uri.host_str().unwrap_or("");
    let ip = match host {
        "127.0.0.1" | "localhost" => "127.0.0.1",
        "[::1]" | "::1" => "::1",
        _ => {
            return Err(OAuthError::Config(format!(
                "redirect URI {redirect_uri:?}: rapport can only listen on a loopback address \
                 (127.0.0.1 or localhost); paste the callback URL instead"
            )));
        }
    };
    if uri.scheme() != "http" {
        return Err(OAuthError::Config(format!(
            "redirect URI {redirect_uri:?}: the local listener speaks plain http; paste the callback URL instead"
        )));
    }
    let port = uri.port_or_known_default().unwrap_or(80);
    let addr = format!("{ip}:{port}");
    tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| OAuthError::Listener {
            addr,
            message: e.to_string(),
        })
}

/// The second half of [`listen_for_callback`].
pub async fn accept_callback(
    listener: tokio::net::TcpListener,
    redirect_uri: &str,
    timeout: Duration,
) -> Result<String, OAuthError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let uri = url::Url::parse(redirect_uri)
        .map_err(|e| OAuthError::Config(format!("redirect URI {redirect_uri:?}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |a| a.to_string());
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let accepted = tokio::time::timeout_at(deadline, listener.accept())
            .await
            .map_err(|_| OAuthError::Listener {
                addr: addr.clone(),
                message: format!(
                    "no redirect within {} s; run the login again, or paste the callback URL",
                    timeout.as_secs()
                ),
            })?;
        let Ok((mut stream, _)) = accepted else {
            continue;
        };
        // The request line and headers; a callback request is small.
        let mut buf = Vec::with_capacity(2048);
        let mut chunk = [0_u8; 2048];
        let read = tokio::time::timeout_at(deadline, async {
            loop {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 16 * 1024 {
                    break;
                }
            }
            Ok::<_, std::io::Error>(())
        })
        .await;
        if !matches!(read, Ok(Ok(()))) {
            continue;
        }
        let head = String::from_utf8_lossy(&buf);
        let target = head
            .lines()
            .next()
            .and_then(|line| {
                let mut parts = line.split(' ');
                match (parts.next(), parts.next()) {
                    (Some("GET"), Some(t)) => Some(t.to_owned()),
                    _ => None,
                }
            })
            .unwrap_or_default();
        let path = target.split('?').next().unwrap_or("");
        if path != uri.path() {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
            continue;
        }
        let page = "<!doctype html><meta charset=utf-8><title>rapport</title>\
                    <p>rapport received the authorization. You can close this window.</p>";
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
            page.len()
        );
        let _ = stream.write_all(resp.as_bytes()).await;
        let _ = stream.shutdown().await;
        return Ok(format!("{}{}", uri.origin().ascii_serialization(), target));
    }
}

/// Where the tokens of a [`UserSession`] come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// A token file (refreshed tokens are written back).
    File(PathBuf),
    /// An environment variable (no refresh).
    Env(String),
    /// Given in code.
    Memory,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::File(p) => write!(f, "token file {}", p.display()),
            TokenSource::Env(v) => write!(f, "environment variable {v}"),
            TokenSource::Memory => f.write_str("memory"),
        }
    }
}

/// One user's tokens in use: hands out a valid access token, refreshing it first when it expires
/// within [`REFRESH_MARGIN`] (and writing the new tokens back to the token file). Shared by clones
/// (an `Arc` inside); concurrent callers refresh once.
#[derive(Clone)]
pub struct UserSession {
    inner: std::sync::Arc<SessionInner>,
}

struct SessionInner {
    oauth: Option<OAuth2Client>,
    source: TokenSource,
    tokens: tokio::sync::Mutex<TokenSet>,
}

impl fmt::Debug for UserSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSession")
            .field("source", &self.inner.source)
            .field("oauth", &self.inner.oauth)
            .finish_non_exhaustive()
    }
}

impl UserSession {
    /// Tokens held in memory; `oauth` (when given) refreshes them.
    pub fn new(tokens: TokenSet, oauth: Option<OAuth2Client>) -> Self {
        Self::with_source(tokens, oauth, TokenSource::Memory)
    }

    fn with_source(tokens: TokenSet, oauth: Option<OAuth2Client>, source: TokenSource) -> Self {
        Self {
            inner: std::sync::Arc::new(SessionInner {
                oauth,
                source,
                tokens: tokio::sync::Mutex::new(tokens),
            }),
        }
    }

    /// Tokens from a token file (see [`TokenSet::load`]); refreshed tokens are written back to it.
    pub fn from_file(path: &Path, oauth: Option<OAuth2Client>) -> Result<Self, OAuthError> {
        let tokens = TokenSet::load(path)?;
        Ok(Self::with_source(
            tokens,
            oauth,
            TokenSource::File(path.to_owned()),
        ))
    }

    /// Tokens saved now to `path` (after a login), and written back there when refreshed.
    pub fn create_file(
        path: &Path,
        tokens: TokenSet,
        oauth: Option<OAuth2Client>,
    ) -> Result<Self, OAuthError> {
        tokens.save(path)?;
        Ok(Self::with_source(
            tokens,
            oauth,
            TokenSource::File(path.to_owned()),
        ))
    }

    /// A bare access token from the environment variable `var` (never refreshed).
    pub fn from_env(var: &str) -> Result<Self, OAuthError> {
        let token = std::env::var(var)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                OAuthError::NoToken(format!("the environment variable {var} is not set"))
            })?;
        Ok(Self::with_source(
            TokenSet::access_only(token),
            None,
            TokenSource::Env(var.to_owned()),
        ))
    }

    /// Where the tokens come from.
    pub fn source(&self) -> &TokenSource {
        &self.inner.source
    }

    /// What may be shown about the tokens.
    pub async fn status(&self) -> TokenStatus {
        self.inner.tokens.lock().await.status()
    }

    /// The granted scopes (empty when unknown, e.g. a token from an environment variable).
    pub async fn scopes(&self) -> Vec<String> {
        self.inner.tokens.lock().await.scopes.clone()
    }

    /// A copy of the current tokens, as they are (no refresh).
    pub async fn tokens(&self) -> TokenSet {
        self.inner.tokens.lock().await.clone()
    }

    /// The access token, refreshed first when it expires within [`REFRESH_MARGIN`].
    pub async fn access_token(&self) -> Result<SecretToken, OAuthError> {
        let mut tokens = self.inner.tokens.lock().await;
        if tokens.expires_within(Utc::now(), REFRESH_MARGIN) {
            self.refresh_locked(&mut tokens).await?;
        }
        Ok(tokens.access_token.clone())
    }

    /// Refreshes now, whatever the expiry; writes the new tokens to the token file.
    pub async fn refresh(&self) -> Result<TokenStatus, OAuthError> {
        let mut tokens = self.inner.tokens.lock().await;
        self.refresh_locked(&mut tokens).await?;
        Ok(tokens.status())
    }

    async fn refresh_locked(&self, tokens: &mut TokenSet) -> Result<(), OAuthError> {
        let expired = |why: &str| OAuthError::Expired {
            expired_at: tokens.expires_at.unwrap_or_else(Utc::now),
            why: why.to_owned(),
        };
        let Some(oauth) = &self.inner.oauth else {
            return Err(expired(
                "this session has no OAuth 2.0 client to refresh it (no client id)",
            ));
        };
        if tokens.refresh_token.is_none() {
            return Err(expired(
                "there is no refresh token (ask for the offline.access scope)",
            ));
        }
        let fresh = oauth.refresh(tokens).await?;
        if let TokenSource::File(path) = &self.inner.source {
            fresh.save(path)?;
        }
        tracing::info!(source = %self.inner.source, "user access token refreshed");
        *tokens = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> OAuth2Client {
        OAuth2Client::new(OAuth2Config::new("cid", "http://127.0.0.1:8765/callback")).unwrap()
    }

    #[test]
    fn authorize_url_has_state_and_s256_challenge_of_a_fresh_verifier() {
        let c = client();
        let a = c.authorize().unwrap();
        let b = c.authorize().unwrap();
        assert_ne!(a.state, b.state);
        assert_ne!(a.code_challenge(), b.code_challenge());
        let url = url::Url::parse(&a.url).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:8765/callback");
        assert_eq!(
            q["scope"],
            "tweet.read tweet.write users.read follows.write like.write offline.access"
        );
        assert_eq!(q["state"], a.state);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(
            q["code_challenge"],
            code_challenge(a.verifier.expose_secret())
        );
        // 32 random bytes: 43 base64url characters, within RFC 7636's 43..=128.
        assert_eq!(a.verifier.expose_secret().len(), 43);
        assert!(!format!("{a:?}").contains(a.verifier.expose_secret()));
    }

    #[test]
    fn callback_checks_redirect_state_and_error() {
        let c = client();
        let p = c.authorize().unwrap();
        let ok = format!("http://127.0.0.1:8765/callback?state={}&code=abc", p.state);
        assert_eq!(
            c.code_from_callback(&p, &ok).unwrap().expose_secret(),
            "abc"
        );
        let forged = "http://127.0.0.1:8765/callback?state=other&code=abc";
        assert!(matches!(
            c.code_from_callback(&p, forged),
            Err(OAuthError::StateMismatch)
        ));
        let wrong = format!("http://127.0.0.1:9999/callback?state={}&code=abc", p.state);
        let e = c.code_from_callback(&p, &wrong).unwrap_err();
        assert!(e.to_string().contains("expected the redirect URI"), "{e}");
        let denied = format!(
            "http://127.0.0.1:8765/callback?state={}&error=access_denied&error_description=no",
            p.state
        );
        let e = c.code_from_callback(&p, &denied).unwrap_err();
        assert_eq!(e.to_string(), "authorization refused: access_denied (no)");
        let nocode = format!("http://127.0.0.1:8765/callback?state={}", p.state);
        assert!(c.code_from_callback(&p, &nocode).is_err());
        assert!(c.code_from_callback(&p, "not a url").is_err());
    }

    #[test]
    fn config_is_checked() {
        assert!(OAuth2Client::new(OAuth2Config::new(" ", "http://127.0.0.1/cb")).is_err());
        assert!(OAuth2Client::new(OAuth2Config::new("c", "ftp://x/cb")).is_err());
        let mut cfg = OAuth2Config::new("c", "http://127.0.0.1/cb");
        cfg.client_secret = Some(SecretToken::new("shh-secret"));
        assert!(!format!("{cfg:?}").contains("shh-secret"));
    }

    #[cfg(unix)]
    #[test]
    fn token_file_is_0600_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/token.json");
        let tokens = TokenSet {
            access_token: SecretToken::new("acc-SECRET"),
            refresh_token: Some(SecretToken::new("ref-SECRET")),
            expires_at: Some(Utc::now()),
            scopes: vec!["tweet.read".into(), "users.read".into()],
            client_id: Some("cid".into()),
        };
        tokens.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(TokenSet::load(&path).unwrap(), tokens);
        assert!(!format!("{tokens:?}").contains("SECRET"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = TokenSet::load(&path).unwrap_err().to_string();
        assert!(e.contains("mode 644") && e.contains("chmod 600"), "{e}");
        // A broken file: the error names where, never a value.
        std::fs::write(&path, r#"{"access_token": 12, "x": "acc-SECRET"}"#).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = TokenSet::load(&path).unwrap_err().to_string();
        assert!(e.contains("access_token") && !e.contains("SECRET"), "{e}");
    }

    #[test]
    fn expiry_margin() {
        let now = Utc::now();
        let mut t = TokenSet::access_only("x");
        assert!(!t.expires_within(now, REFRESH_MARGIN));
        t.expires_at = Some(now + chrono::Duration::seconds(60));
        assert!(t.expires_within(now, REFRESH_MARGIN));
        t.expires_at = Some(now + chrono::Duration::seconds(600));
        assert!(!t.expires_within(now, REFRESH_MARGIN));
        assert!(!t.lacks_scope("tweet.write"), "unknown scopes lack nothing");
        t.scopes = vec!["tweet.read".into()];
        assert!(t.lacks_scope("tweet.write"));
    }
}
