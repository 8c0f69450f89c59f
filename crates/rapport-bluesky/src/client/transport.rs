//! The one place where requests are sent: the session, the rate limit and retries.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::Deserialize;

use super::{BskyClient, Clock, RateLimitInfo, Secret, Session, SleepFuture};
use crate::error::{ClientError, clip};
use crate::models::XrpcErrorBody;

/// The output of `com.atproto.server.createSession` that the client keeps.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    access_jwt: String,
    did: String,
    #[serde(default)]
    handle: String,
}

/// The login endpoint, which never carries a session itself.
pub(crate) const CREATE_SESSION: &str = "com.atproto.server.createSession";

/// A JSON body that may hold a secret (the login's password): its `Debug` prints nothing of it.
#[derive(Clone)]
pub(crate) struct Body(pub(crate) serde_json::Value);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Body(***)")
    }
}

/// One XRPC call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The method's NSID.
    pub(crate) nsid: &'static str,
    pub(crate) query: Vec<(String, String)>,
    /// A procedure's input (POST); `None` for a query (GET).
    pub(crate) body: Option<Body>,
    /// Served by the account's PDS, not the AppView (`com.atproto.repo.*`, `com.atproto.sync.*`).
    pub(crate) pds: bool,
}

impl Call {
    pub(crate) fn query(nsid: &'static str, query: Vec<(String, String)>) -> Self {
        Call {
            nsid,
            query,
            body: None,
            pds: false,
        }
    }

    pub(crate) fn on_pds(mut self) -> Self {
        self.pds = true;
        self
    }
}

/// A 2xx answer.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub(crate) body: Vec<u8>,
    pub(crate) url: String,
    pub(crate) retrieved_at: DateTime<Utc>,
}

enum Failure {
    Transient(ClientError),
    RateLimited(RateLimitInfo, ClientError),
    Fatal(ClientError),
}

impl Failure {
    fn is_transient(&self) -> bool {
        matches!(self, Failure::Transient(_))
    }
}

#[derive(Clone)]
struct ClockSleeper(Arc<dyn Clock>);

impl backon::Sleeper for ClockSleeper {
    type Sleep = SleepFuture;
    fn sleep(&self, dur: Duration) -> SleepFuture {
        self.0.sleep(dur)
    }
}

fn until(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (then - now).to_std().unwrap_or(Duration::ZERO)
}

/// The error of an XRPC answer that is not 2xx.
fn status_error(
    nsid: &str,
    status: u16,
    body: &[u8],
    reset_at: Option<DateTime<Utc>>,
) -> ClientError {
    let parsed: XrpcErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let error = parsed.error.unwrap_or_default();
    let message = clip(
        &parsed
            .message
            .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned()),
    );
    let endpoint = nsid.to_owned();
    match status {
        429 => ClientError::RateLimited { endpoint, reset_at },
        401 => ClientError::Unauthorized {
            endpoint,
            status,
            error,
            message,
        },
        400 if matches!(
            error.as_str(),
            "ExpiredToken" | "InvalidToken" | "AuthenticationRequired"
        ) =>
        {
            ClientError::Unauthorized {
                endpoint,
                status,
                error,
                message,
            }
        }
        500..=599 => ClientError::Server {
            endpoint,
            status,
            attempts: 0,
            detail: if error.is_empty() {
                message
            } else {
                format!("{error}: {message}")
            },
        },
        _ => ClientError::Xrpc {
            endpoint,
            status,
            error,
            message,
        },
    }
}

impl BskyClient {
    /// The session, logging in when there is none (or when `renew`); `None` without credentials.
    pub(crate) async fn session(&self, renew: bool) -> Result<Option<Session>, ClientError> {
        let Some(creds) = self.inner.credentials.clone() else {
            return Ok(None);
        };
        let mut guard = self.inner.session.lock().await;
        if let (Some(s), false) = (guard.as_ref(), renew) {
            return Ok(Some(s.clone()));
        }
        let password = std::env::var(&creds.password_env).map_err(|_| {
            ClientError::Config(format!(
                "the app password variable {} is not set (or not UTF-8)",
                creds.password_env
            ))
        })?;
        let call = Call {
            nsid: CREATE_SESSION,
            query: Vec::new(),
            pds: true,
            body: Some(Body(serde_json::json!({
                "identifier": creds.identifier,
                "password": password,
            }))),
        };
        drop(password);
        let resp = self.send(call, None).await?;
        let created: Created = decode(CREATE_SESSION, &resp.body)?;
        let s = Session {
            access: Secret::new(created.access_jwt),
            did: created.did,
            handle: created.handle,
        };
        *guard = Some(s.clone());
        Ok(Some(s))
    }

    /// Sends a call with the session (when the client has credentials), renewing an expired session
    /// once.
    pub(crate) fn execute(
        &self,
        call: Call,
    ) -> BoxFuture<'static, Result<RawResponse, ClientError>> {
        let this = self.clone();
        Box::pin(async move {
            let session = this.session(false).await?;
            match this.send(call.clone(), session.clone()).await {
                Err(ClientError::Unauthorized { error, .. })
                    if session.is_some()
                        && matches!(error.as_str(), "ExpiredToken" | "InvalidToken") =>
                {
                    let renewed = this.session(true).await?;
                    this.send(call, renewed).await
                }
                r => r,
            }
        })
    }

    /// Sends one call with the rate-limit policy and retries.
    fn send(
        &self,
        call: Call,
        session: Option<Session>,
    ) -> BoxFuture<'static, Result<RawResponse, ClientError>> {
        let this = self.clone();
        Box::pin(async move {
            let policy = this.inner.config.rate_limit.clone();
            let clock = this.inner.clock.clone();
            let mut waits = 0u32;
            loop {
                this.wait_for_window(call.nsid).await?;
                let attempts = Arc::new(AtomicU32::new(0));
                let retried = {
                    let (this, call, session, attempts) =
                        (this.clone(), call.clone(), session.clone(), attempts.clone());
                    move || {
                        let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
                        this.clone().attempt(call.clone(), session.clone(), n)
                    }
                }
                .retry(this.inner.config.retry.backoffs())
                .sleep(ClockSleeper(clock.clone()))
                .when(Failure::is_transient)
                .notify(|f: &Failure, d: Duration| {
                    if let Failure::Transient(e) = f {
                        tracing::warn!(backoff_ms = d.as_millis() as u64, error = %e, "transient failure, retrying");
                    }
                });
                match retried.await {
                    Ok(r) => return Ok(r),
                    Err(Failure::Transient(e) | Failure::Fatal(e)) => return Err(e),
                    Err(Failure::RateLimited(info, e)) => {
                        let wait = match info.reset_at {
                            Some(at) => until(clock.now(), at) + policy.margin,
                            None => policy.fallback_wait,
                        };
                        if !policy.wait || waits >= policy.max_waits || wait > policy.max_wait {
                            return Err(e);
                        }
                        waits += 1;
                        tracing::warn!(
                            wait_s = wait.as_secs_f64(),
                            endpoint = call.nsid,
                            "rate limited (429), waiting for the reset"
                        );
                        clock.sleep(wait).await;
                    }
                }
            }
        })
    }

    /// Before a call: when the last answer said the window is used up, waits for its reset.
    async fn wait_for_window(&self, nsid: &str) -> Result<(), ClientError> {
        let Some(info) = self.last_rate_limit() else {
            return Ok(());
        };
        let (Some(0), Some(reset_at)) = (info.remaining, info.reset_at) else {
            return Ok(());
        };
        let clock = &self.inner.clock;
        let policy = &self.inner.config.rate_limit;
        let wait = until(clock.now(), reset_at);
        if wait.is_zero() {
            return Ok(());
        }
        let wait = wait + policy.margin;
        if !policy.wait || wait > policy.max_wait {
            return Err(ClientError::RateLimited {
                endpoint: nsid.to_owned(),
                reset_at: Some(reset_at),
            });
        }
        tracing::info!(
            wait_s = wait.as_secs_f64(),
            "rate-limit window used up, waiting for the reset"
        );
        clock.sleep(wait).await;
        Ok(())
    }

    fn url(&self, call: &Call, session: Option<&Session>) -> Result<url::Url, ClientError> {
        let base = if session.is_some() || call.pds {
            &self.inner.config.pds_url
        } else {
            &self.inner.config.base_url
        };
        let mut url = url::Url::parse(&format!("{base}/xrpc/{}", call.nsid))
            .map_err(|e| ClientError::Config(format!("URL for {}: {e}", call.nsid)))?;
        if !call.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &call.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn attempt(
        self,
        call: Call,
        session: Option<Session>,
        n: u32,
    ) -> BoxFuture<'static, Result<RawResponse, Failure>> {
        Box::pin(async move {
            let url = self.url(&call, session.as_ref()).map_err(Failure::Fatal)?;
            let mut req = match &call.body {
                Some(b) => self
                    .inner
                    .http
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.0.to_string()),
                None => self.inner.http.get(url.clone()),
            };
            if let Some(s) = &session {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", s.access.expose_secret()))
                    .map_err(|_| {
                        Failure::Fatal(ClientError::Config(
                            "the session token has characters not allowed in a header".to_owned(),
                        ))
                    })?;
                v.set_sensitive(true);
                req = req.header(AUTHORIZATION, v);
            }
            tracing::debug!(endpoint = call.nsid, %url, attempt = n, "request");
            let transport = |e: &reqwest::Error| {
                let mut message = e.to_string();
                let mut src = std::error::Error::source(e);
                while let Some(s) = src {
                    message.push_str(": ");
                    message.push_str(&s.to_string());
                    src = s.source();
                }
                ClientError::Transport {
                    endpoint: call.nsid.to_owned(),
                    attempts: n,
                    message,
                }
            };
            let resp = req
                .send()
                .await
                .map_err(|e| Failure::Transient(transport(&e)))?;
            let status = resp.status().as_u16();
            let info = RateLimitInfo::from_headers(resp.headers());
            if info != RateLimitInfo::default() {
                *self
                    .inner
                    .last_limit
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(info.clone());
            }
            let limit = self.inner.config.max_body_bytes;
            if resp.content_length().is_some_and(|l| l > limit as u64) {
                return Err(Failure::Fatal(ClientError::BodyTooLarge {
                    endpoint: call.nsid.to_owned(),
                    limit,
                }));
            }
            let body = resp
                .bytes()
                .await
                .map_err(|e| Failure::Transient(transport(&e)))?;
            if body.len() > limit {
                return Err(Failure::Fatal(ClientError::BodyTooLarge {
                    endpoint: call.nsid.to_owned(),
                    limit,
                }));
            }
            if (200..300).contains(&status) {
                return Ok(RawResponse {
                    body: body.to_vec(),
                    url: url.to_string(),
                    retrieved_at: self.inner.clock.now(),
                });
            }
            match status_error(call.nsid, status, &body, info.reset_at) {
                e @ ClientError::RateLimited { .. } => Err(Failure::RateLimited(info, e)),
                ClientError::Server {
                    endpoint,
                    status,
                    detail,
                    ..
                } => Err(Failure::Transient(ClientError::Server {
                    endpoint,
                    status,
                    attempts: n,
                    detail,
                })),
                e => Err(Failure::Fatal(e)),
            }
        })
    }
}

/// Decodes a JSON body, naming the JSON path where it fails.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    nsid: &str,
    body: &[u8],
) -> Result<T, ClientError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| ClientError::Malformed {
        endpoint: nsid.to_owned(),
        path: e.path().to_string(),
        message: clip(&e.into_inner().to_string()),
    })
}
