//! `rapport.OAuth2PKCE`, `rapport.XUserClient` and `rapport.AsyncXUserClient`: acting for one X user
//! (reply, follow, unfollow, like, repost), with a person in the loop.
//!
//! `OAuth2PKCE` runs the OAuth 2.0 Authorization Code flow with PKCE and holds the resulting tokens
//! (saved to `token_path` with mode 0600 when given); the user clients take their tokens from it and
//! see its refreshes. Tokens never appear in a repr, a returned value, an error or a log line.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rapport_twitter::client::SecretToken;
use rapport_twitter::client::oauth2::{
    OAuth2Client, OAuth2Config, OAuthError, PendingAuthorization, TokenSet, TokenStatus,
    USER_TOKEN_ENV, UserSession,
};
use rapport_twitter::client::user_client::{
    UserClientConfig, UserClientError, WriteResult, XUserClient,
};

use crate::conversion::json_to_py;
use crate::errors::Error;

impl From<OAuthError> for Error {
    fn from(e: OAuthError) -> Error {
        let message = e.to_string();
        match e {
            OAuthError::TokenEndpoint { status, .. } => Error::OAuth {
                message,
                status: Some(status),
            },
            OAuthError::StateMismatch | OAuthError::Denied { .. } | OAuthError::Expired { .. } => {
                Error::OAuth {
                    message,
                    status: None,
                }
            }
            OAuthError::Transport { .. } => Error::Api {
                message,
                status: None,
            },
            OAuthError::Random(_) => Error::Internal(message),
            // Config, Callback, NoToken, TokenFile, Listener and any later variant: a setting or an
            // input the caller can fix.
            _ => Error::Config(message),
        }
    }
}

impl From<UserClientError> for Error {
    fn from(e: UserClientError) -> Error {
        let message = e.to_string();
        match e {
            UserClientError::Auth(a) => a.into(),
            UserClientError::Api(c) => c.into(),
            UserClientError::MissingScope { scope, granted, .. } => Error::MissingScope {
                message,
                scope,
                granted,
            },
            UserClientError::NotPermitted { .. } => Error::NotPermitted {
                message,
                status: Some(403),
            },
            UserClientError::Rejected { .. } => Error::NotPermitted {
                message,
                status: None,
            },
            UserClientError::UnknownOutcome { text, .. } => Error::UnknownOutcome { message, text },
            _ => Error::Config(message),
        }
    }
}

fn status_dict<'py>(py: Python<'py>, s: &TokenStatus) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("scopes", s.scopes.clone())?;
    d.set_item("expires_at", s.expires_at)?;
    d.set_item("has_refresh_token", s.has_refresh_token)?;
    d.set_item("client_id", s.client_id.clone())?;
    Ok(d)
}

fn result_dict<'py>(py: Python<'py>, r: &WriteResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("action", r.action)?;
    d.set_item("dry_run", r.dry_run)?;
    d.set_item("method", &r.request.method)?;
    d.set_item("url", &r.request.url)?;
    match &r.request.body {
        Some(b) => d.set_item("body", json_to_py(py, b)?)?,
        None => d.set_item("body", py.None())?,
    }
    match &r.data {
        Some(v) => d.set_item("data", json_to_py(py, v)?)?,
        None => d.set_item("data", py.None())?,
    }
    d.set_item("post_id", r.post_id.clone())?;
    Ok(d)
}

/// OAuth 2.0 Authorization Code with PKCE for the X API: the login of the account rapport acts for.
///
/// `authorize_url()` makes a fresh state and code challenge (from the operating system's CSPRNG) and
/// returns the URL a person opens; `exchange(callback_url)` checks the state and trades the code for
/// tokens; `refresh()` renews them (the user clients also refresh by themselves shortly before
/// expiry). With `token_path`, tokens are saved there (mode 0600) and loaded from there when the
/// file exists; a file other users can read is refused. Default scopes: `tweet.read tweet.write
/// users.read follows.write like.write offline.access`.
///
/// ```python
/// >>> auth = rapport.OAuth2PKCE(client_id="my-client-id", redirect_uri="http://127.0.0.1:8765/callback")
/// >>> auth
/// <rapport.OAuth2PKCE client_id='my-client-id' logged_in=False>
/// >>> auth.scopes
/// ['tweet.read', 'tweet.write', 'users.read', 'follows.write', 'like.write', 'offline.access']
///
/// ```
#[pyclass(module = "rapport._native", name = "OAuth2PKCE", frozen)]
pub(crate) struct PyOAuth2PKCE {
    client: OAuth2Client,
    token_path: Option<PathBuf>,
    pending: Mutex<Option<PendingAuthorization>>,
    session: Mutex<Option<UserSession>>,
}

impl PyOAuth2PKCE {
    fn session(&self) -> Option<UserSession> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn block_on<T: Send>(
    py: Python<'_>,
    f: impl Future<Output = Result<T, Error>> + Send,
) -> Result<T, Error> {
    let rt = pyo3_async_runtimes::tokio::get_runtime();
    crate::guarded(py, move || rt.block_on(f))
}

fn positive_seconds(t: Option<f64>, what: &str) -> Result<Option<Duration>, Error> {
    match t {
        None => Ok(None),
        Some(t) if t.is_finite() && t > 0.0 => Ok(Some(Duration::from_secs_f64(t))),
        Some(t) => Err(Error::Config(format!(
            "{what}={t}: expected a positive number of seconds"
        ))),
    }
}

#[pymethods]
impl PyOAuth2PKCE {
    #[new]
    #[pyo3(signature = (client_id, redirect_uri, scopes = None, token_path = None, *, client_secret = None, authorize_url = None, token_url = None, timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        client_id: String,
        redirect_uri: String,
        scopes: Option<Vec<String>>,
        token_path: Option<PathBuf>,
        client_secret: Option<String>,
        authorize_url: Option<String>,
        token_url: Option<String>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let mut cfg = OAuth2Config::new(client_id, redirect_uri);
        if let Some(s) = scopes {
            cfg.scopes = s;
        }
        cfg.client_secret = client_secret.map(SecretToken::new);
        if let Some(u) = authorize_url {
            cfg.authorize_url = u;
        }
        if let Some(u) = token_url {
            cfg.token_url = u;
        }
        if let Some(t) = positive_seconds(timeout, "timeout")? {
            cfg.timeout = t;
        }
        let client = OAuth2Client::new(cfg).map_err(Error::from)?;
        let session = match &token_path {
            Some(p) if p.exists() => {
                Some(UserSession::from_file(p, Some(client.clone())).map_err(Error::from)?)
            }
            _ => None,
        };
        Ok(Self {
            client,
            token_path,
            pending: Mutex::new(None),
            session: Mutex::new(session),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<rapport.OAuth2PKCE client_id={:?} logged_in={}>",
            self.client.config().client_id,
            if self.session().is_some() {
                "True"
            } else {
                "False"
            }
        )
        .replace('"', "'")
    }

    /// The scopes asked for.
    ///
    /// ```python
    /// >>> rapport.OAuth2PKCE(client_id="c", redirect_uri="http://127.0.0.1:8765/cb", scopes=["tweet.read", "users.read"]).scopes
    /// ['tweet.read', 'users.read']
    ///
    /// ```
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.client.config().scopes.clone()
    }

    /// A fresh authorize URL (new state, new code challenge) to open in a browser. Offline: nothing
    /// is sent. The last URL made is the one `exchange` accepts the callback of.
    ///
    /// ```python
    /// >>> auth = rapport.OAuth2PKCE(client_id="my-client-id", redirect_uri="http://127.0.0.1:8765/callback")
    /// >>> url = auth.authorize_url()
    /// >>> url.startswith("https://x.com/i/oauth2/authorize?response_type=code&client_id=my-client-id")
    /// True
    /// >>> "code_challenge_method=S256" in url and "state=" in url
    /// True
    /// >>> url == auth.authorize_url()
    /// False
    ///
    /// ```
    fn authorize_url(&self) -> PyResult<String> {
        let pending = self.client.authorize().map_err(Error::from)?;
        let url = pending.url.clone();
        *self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(pending);
        Ok(url)
    }

    /// Exchanges the callback URL (the address the browser was sent to after approving) for tokens,
    /// after checking its state; saves them to `token_path` when given. Returns the token status
    /// (scopes, expiry), never the tokens. A callback with another state raises `OAuthError`
    /// before anything is sent.
    ///
    /// ```python
    /// >>> auth = rapport.OAuth2PKCE(client_id="my-client-id", redirect_uri="http://127.0.0.1:8765/callback")
    /// >>> _ = auth.authorize_url()
    /// >>> try:
    /// ...     auth.exchange("http://127.0.0.1:8765/callback?state=forged&code=abc")
    /// ... except rapport.OAuthError as e:
    /// ...     print(type(e).__name__, isinstance(e, rapport.AuthError))
    /// OAuthError True
    ///
    /// ```
    fn exchange<'py>(&self, py: Python<'py>, callback_url: &str) -> PyResult<Bound<'py, PyDict>> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or_else(|| {
                Error::Config("no authorization in progress: call authorize_url() first".to_owned())
            })?;
        let client = self.client.clone();
        let url = callback_url.to_owned();
        let rt = pyo3_async_runtimes::tokio::get_runtime();
        let (tokens, pending) = crate::guarded(py, move || {
            Ok(rt.block_on(async move {
                let r = client.exchange(&pending, &url).await;
                (r, pending)
            }))
        })?;
        let tokens = match tokens {
            Ok(t) => t,
            Err(e) => {
                // A refused callback leaves the authorization open, so the right URL can still be given.
                if matches!(e, OAuthError::StateMismatch | OAuthError::Callback(_)) {
                    *self
                        .pending
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(pending);
                }
                return Err(Error::from(e).into());
            }
        };
        let status = tokens.status();
        let session = match &self.token_path {
            Some(p) => UserSession::create_file(p, tokens, Some(self.client.clone()))
                .map_err(Error::from)?,
            None => UserSession::new(tokens, Some(self.client.clone())),
        };
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session);
        status_dict(py, &status)
    }

    /// Renews the tokens now with the refresh token (saved to `token_path` when given); returns the
    /// new status. Raises `ConfigError` when not logged in, `OAuthError` when X refuses.
    ///
    /// ```python
    /// >>> try:
    /// ...     rapport.OAuth2PKCE(client_id="c", redirect_uri="http://127.0.0.1:8765/cb").refresh()
    /// ... except rapport.ConfigError as e:
    /// ...     print(e)
    /// not logged in: call authorize_url() and exchange(callback_url) first, or give a token_path that holds tokens
    ///
    /// ```
    fn refresh<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let session = self.session().ok_or_else(not_logged_in)?;
        let status = block_on(
            py,
            async move { session.refresh().await.map_err(Error::from) },
        )?;
        status_dict(py, &status)
    }

    /// The tokens' status (scopes, `expires_at`, `has_refresh_token`, `client_id`), or `None` when
    /// not logged in. Never the tokens.
    ///
    /// ```python
    /// >>> rapport.OAuth2PKCE(client_id="c", redirect_uri="http://127.0.0.1:8765/cb").status() is None
    /// True
    ///
    /// ```
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        match self.session() {
            None => Ok(None),
            Some(s) => {
                let st = block_on(py, async move { Ok(s.status().await) })?;
                Ok(Some(status_dict(py, &st)?))
            }
        }
    }
}

fn not_logged_in() -> Error {
    Error::Config(
        "not logged in: call authorize_url() and exchange(callback_url) first, or give a token_path \
         that holds tokens"
            .to_owned(),
    )
}

type WriteFuture = Pin<Box<dyn Future<Output = Result<Outcome, Error>> + Send>>;

/// What a user-client call brings back, before it becomes a Python value.
#[allow(clippy::large_enum_variant)] // one per call, moved once: boxing would buy nothing
enum Outcome {
    Write(WriteResult),
    User(rapport_twitter::client::user_client::UserRef),
}

fn outcome_to_py(py: Python<'_>, o: &Outcome) -> PyResult<Py<PyAny>> {
    match o {
        Outcome::Write(r) => Ok(result_dict(py, r)?.into_any().unbind()),
        Outcome::User(u) => {
            let d = PyDict::new(py);
            d.set_item("id", &u.id)?;
            d.set_item("username", u.username.clone())?;
            Ok(d.into_any().unbind())
        }
    }
}

fn build_user_client(
    auth: Option<&Bound<'_, PyOAuth2PKCE>>,
    access_token: Option<String>,
    user_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    dry_run: bool,
) -> Result<XUserClient, Error> {
    let session = match (auth, access_token) {
        (Some(_), Some(_)) => {
            return Err(Error::Config(
                "give either auth or access_token, not both".to_owned(),
            ));
        }
        (Some(a), None) => a.get().session().ok_or_else(not_logged_in)?,
        (None, Some(t)) => UserSession::new(TokenSet::access_only(t), None),
        (None, None) => UserSession::from_env(USER_TOKEN_ENV).map_err(|_| {
            Error::Config(format!(
                "no user token: pass auth=rapport.OAuth2PKCE(...) (logged in), access_token=..., or set {USER_TOKEN_ENV}"
            ))
        })?,
    };
    let mut cfg = UserClientConfig {
        dry_run,
        user_id,
        ..UserClientConfig::default()
    };
    if let Some(u) = base_url {
        cfg.base_url = u;
    }
    if let Some(t) = positive_seconds(timeout, "timeout")? {
        cfg.timeout = t;
    }
    Ok(XUserClient::new(session, cfg)?)
}

/// Runs a call to the end on the global runtime, without the GIL.
fn blocking(py: Python<'_>, f: WriteFuture) -> PyResult<Bound<'_, PyAny>> {
    let rt = pyo3_async_runtimes::tokio::get_runtime();
    let out = crate::guarded(py, move || rt.block_on(f))?;
    Ok(outcome_to_py(py, &out)?.into_bound(py))
}

/// An awaitable of a call, driven by the global runtime.
fn awaitable(py: Python<'_>, f: WriteFuture) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let out = f.await.map_err(PyErr::from)?;
        Python::attach(|py| outcome_to_py(py, &out))
    })
}

macro_rules! write_call {
    ($client:expr, $method:ident $(, $arg:expr)*) => {{
        let c = $client.clone();
        Box::pin(async move { Ok(Outcome::Write(c.$method($(&$arg),*).await?)) }) as WriteFuture
    }};
}

macro_rules! user_client_class {
    ($ty:ident, $pyname:literal, $doc:literal, $kind:literal, $setup:literal, $pre:literal, $post:literal, $run:ident) => {
        #[doc = $doc]
        #[pyclass(module = "rapport._native", name = $pyname, frozen)]
        pub(crate) struct $ty {
            client: XUserClient,
        }

        #[pymethods]
        impl $ty {
            #[new]
            #[pyo3(signature = (auth = None, *, access_token = None, user_id = None, base_url = None, timeout = None, dry_run = false))]
            fn py_new(
                auth: Option<&Bound<'_, PyOAuth2PKCE>>,
                access_token: Option<String>,
                user_id: Option<String>,
                base_url: Option<String>,
                timeout: Option<f64>,
                dry_run: bool,
            ) -> PyResult<Self> {
                Ok($ty {
                    client: build_user_client(auth, access_token, user_id, base_url, timeout, dry_run)?,
                })
            }

            fn __repr__(&self) -> String {
                format!(
                    concat!("<rapport.", $pyname, " base_url={:?} dry_run={}>"),
                    self.client.config().base_url,
                    if self.client.config().dry_run { "True" } else { "False" }
                )
            }

            /// True when calls build the request and send nothing.
            ///
            /// ```python
            /// >>> rapport.XUserClient(access_token="t0ken", dry_run=True).dry_run
            /// True
            ///
            /// ```
            #[getter]
            fn dry_run(&self) -> bool {
                self.client.config().dry_run
            }

            /// The account acting: `{"id", "username"}` (`GET /2/users/me`, asked once; the `user_id`
            /// given when building the client, without a request).
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\")\n>>> ", $pre, "c.me()", $post, "\n{'id': '6253282', 'username': None}\n\n```")]
            fn me<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let c = self.client.clone();
                $run(py, Box::pin(async move { Ok(Outcome::User(c.me().await?)) }))
            }

            /// Replies to a post: `POST /2/tweets` with `{"text", "reply": {"in_reply_to_tweet_id"}}`.
            /// Returns `{"action", "dry_run", "method", "url", "body", "data", "post_id"}`. Sent once:
            /// a lost answer raises `UnknownOutcomeError` (with `.text`), never a second post.
            #[doc = $kind]
            #[doc = concat!("\n\nA dry run builds the request and sends nothing:\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> ", $pre, "c.reply(\"1790000000000000000\", \"Thanks, happy to help!\")", $post, "[\"body\"]\n{'reply': {'in_reply_to_tweet_id': '1790000000000000000'}, 'text': 'Thanks, happy to help!'}\n\n```")]
            fn reply<'py>(&self, py: Python<'py>, post_id: String, text: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, reply, post_id, text))
            }

            /// Follows an account (a handle, `@name` or `name`, or a user id): `POST
            /// /2/users/:me/following` with `{"target_user_id"}`. A handle is looked up first.
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> r = ", $pre, "c.follow(\"2244994945\")", $post, "\n>>> r[\"method\"], r[\"url\"], r[\"body\"]\n('POST', 'https://api.x.com/2/users/6253282/following', {'target_user_id': '2244994945'})\n\n```")]
            fn follow<'py>(&self, py: Python<'py>, user: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, follow, user))
            }

            /// Unfollows an account (handle or user id): `DELETE /2/users/:me/following/:target`.
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> r = ", $pre, "c.unfollow(\"2244994945\")", $post, "\n>>> r[\"method\"], r[\"url\"]\n('DELETE', 'https://api.x.com/2/users/6253282/following/2244994945')\n\n```")]
            fn unfollow<'py>(&self, py: Python<'py>, user: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, unfollow, user))
            }

            /// Likes a post: `POST /2/users/:me/likes` with `{"tweet_id"}` (scope `like.write`).
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> r = ", $pre, "c.like(\"1790000000000000000\")", $post, "\n>>> r[\"url\"], r[\"body\"]\n('https://api.x.com/2/users/6253282/likes', {'tweet_id': '1790000000000000000'})\n\n```")]
            fn like<'py>(&self, py: Python<'py>, post_id: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, like, post_id))
            }

            /// Undoes a like: `DELETE /2/users/:me/likes/:tweet_id`.
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> ", $pre, "c.unlike(\"1790000000000000000\")", $post, "[\"url\"]\n'https://api.x.com/2/users/6253282/likes/1790000000000000000'\n\n```")]
            fn unlike<'py>(&self, py: Python<'py>, post_id: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, unlike, post_id))
            }

            /// Reposts a post: `POST /2/users/:me/retweets` with `{"tweet_id"}`.
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> r = ", $pre, "c.repost(\"1790000000000000000\")", $post, "\n>>> r[\"url\"], r[\"body\"]\n('https://api.x.com/2/users/6253282/retweets', {'tweet_id': '1790000000000000000'})\n\n```")]
            fn repost<'py>(&self, py: Python<'py>, post_id: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, repost, post_id))
            }

            /// Undoes a repost: `DELETE /2/users/:me/retweets/:source_tweet_id`.
            #[doc = $kind]
            #[doc = concat!("\n\n```python\n>>> import asyncio\n", $setup, ">>> c = rapport.", $pyname, "(access_token=\"t0ken\", user_id=\"6253282\", dry_run=True)\n>>> ", $pre, "c.unrepost(\"1790000000000000000\")", $post, "[\"method\"]\n'DELETE'\n\n```")]
            fn unrepost<'py>(&self, py: Python<'py>, post_id: String) -> PyResult<Bound<'py, PyAny>> {
                $run(py, write_call!(self.client, unrepost, post_id))
            }
        }
    };
}

user_client_class!(
    PyXUserClient,
    "XUserClient",
    "Acts for one X user (user context): reply, follow, unfollow, like, repost, each one call that a person asked for. Blocking (the GIL is released while it waits).\n\nBuilt from a logged-in `OAuth2PKCE` (`XUserClient(auth)`), an `access_token=`, or the environment variable `RAPPORT_X_USER_TOKEN`. With `dry_run=True` every call returns the request it would send and sends nothing.\n\n```python\n>>> client = rapport.XUserClient(access_token=\"s3cret-token\", dry_run=True)\n>>> client\n<rapport.XUserClient base_url=\"https://api.x.com\" dry_run=True>\n>>> \"s3cret\" in repr(client)\nFalse\n\n```",
    "Blocks until X answers; raises `MissingScopeError`, `NotPermittedError`, `RateLimitError`, `UnknownOutcomeError`, `AuthError` or `ApiError`.",
    "",
    "",
    "",
    blocking
);

user_client_class!(
    PyAsyncXUserClient,
    "AsyncXUserClient",
    "The user-context client for asyncio: every call returns an awaitable.\n\n```python\n>>> rapport.AsyncXUserClient(access_token=\"s3cret-token\")\n<rapport.AsyncXUserClient base_url=\"https://api.x.com\" dry_run=False>\n\n```",
    "Returns an awaitable; raises `MissingScopeError`, `NotPermittedError`, `RateLimitError`, `UnknownOutcomeError`, `AuthError` or `ApiError` when awaited.",
    ">>> async def run(call):\n...     return await call()\n",
    "asyncio.run(run(lambda: ",
    "))",
    awaitable
);
