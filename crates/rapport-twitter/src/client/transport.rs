//! The one place where requests are sent: authorisation, pacing, the 429 policy and retries.
//! Endpoints describe a [`Call`]; [`XClient::execute`](super::XClient) turns it into a
//! [`RawResponse`] or a typed [`ClientError`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;
use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};

use super::XClient;
use super::clock::{Clock, SleepFuture, until};
use super::error::{ClientError, clip};
use super::ratelimit::{Decision, RateLimitInfo};

/// One HTTP call, as an endpoint describes it.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// `"GET /2/tweets/search/recent"`: the method and the path template, for errors and pacing.
    pub(crate) endpoint: &'static str,
    pub(crate) method: reqwest::Method,
    /// The concrete path, ids filled in.
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<serde_json::Value>,
    /// Paced at one request per `paced_interval` (full-archive search, counts/all).
    pub(crate) paced: bool,
}

impl Call {
    pub(crate) fn get(endpoint: &'static str, path: String, query: Vec<(String, String)>) -> Self {
        Self {
            endpoint,
            method: reqwest::Method::GET,
            path,
            query,
            body: None,
            paced: false,
        }
    }
}

/// A successful (2xx) answer, body read.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub(crate) rate_limit: RateLimitInfo,
    pub(crate) body: Vec<u8>,
    /// The full request URL (no credentials: the token travels in a header).
    pub(crate) url: String,
    pub(crate) retrieved_at: DateTime<Utc>,
}

/// What the retry loops of one call share.
struct Shared {
    client: XClient,
    call: Call,
    url: url::Url,
    /// Attempts started (transient retries; 429 waits repeat an attempt).
    attempts: AtomicU32,
    /// 429s waited out so far in this call.
    waits: AtomicU32,
}

/// Why one attempt did not return a 2xx answer, as the retry policy sees it.
enum Failure {
    /// 5xx, timeout, connection error: retried with backoff (the error is final once retries run out).
    Transient(ClientError),
    /// A 429 that the rate-limit policy chose to wait out (the error stands should the wait not happen).
    Wait(Duration, ClientError),
    /// Anything else (4xx, a 429 not waited out, an oversized body): returned at once.
    Fatal(ClientError),
}

impl Failure {
    fn error(&self) -> &ClientError {
        match self {
            Failure::Transient(e) | Failure::Wait(_, e) | Failure::Fatal(e) => e,
        }
    }

    fn is_wait(&self) -> bool {
        matches!(self, Failure::Wait(..))
    }

    fn is_transient(&self) -> bool {
        matches!(self, Failure::Transient(_))
    }

    /// The rate-limit wait replaces the (zero) backoff of the wait loop.
    fn wait(&self, _backoff: Option<Duration>) -> Option<Duration> {
        match self {
            Failure::Wait(wait, _) => Some(*wait),
            _ => None,
        }
    }

    fn into_error(self) -> ClientError {
        match self {
            Failure::Transient(e) | Failure::Wait(_, e) | Failure::Fatal(e) => e,
        }
    }
}

/// The error of a failed send: the chain of sources says "connection reset by peer" where the top
/// level only says "error sending request". The URL has no credentials, so it may stay.
fn transport_error(endpoint: &str, attempts: u32, err: &reqwest::Error) -> ClientError {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let endpoint = endpoint.to_owned();
    if err.is_timeout() {
        ClientError::Timeout {
            endpoint,
            attempts,
            message,
        }
    } else {
        ClientError::Transport {
            endpoint,
            attempts,
            message,
        }
    }
}

/// An error body is only read for its problem summary; a few KiB hold any real one.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Why a body could not be read.
pub(crate) enum BodyError {
    /// The body is larger than the cap (by its `Content-Length` or as it arrived).
    TooLarge,
    /// The connection failed while reading.
    Read(reqwest::Error),
}

/// Reads a body chunk by chunk and stops as soon as it passes `limit` bytes, so a runaway or hostile
/// answer costs at most `limit` bytes of memory. With `truncate` the first `limit` bytes are kept
/// instead of failing (error bodies, which are only summarised).
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, BodyError> {
    if !truncate && resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(
        resp.content_length()
            .map_or(0, |n| n.min(limit as u64) as usize),
    );
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        let room = limit - body.len();
        if chunk.len() > room {
            if truncate {
                body.extend_from_slice(&chunk[..room]);
                return Ok(body);
            }
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl XClient {
    pub(crate) fn url_for(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<url::Url, ClientError> {
        let mut url = url::Url::parse(&format!("{}{}", self.inner.config.base_url, path))
            .map_err(|e| ClientError::Config(format!("URL for {path}: {e}")))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    pub(crate) fn auth_header(&self) -> Result<HeaderValue, ClientError> {
        let mut value = HeaderValue::from_str(&format!(
            "Bearer {}",
            self.inner.auth.token().expose_secret()
        ))
        .map_err(|_| {
            ClientError::Config(
                "the token contains characters not allowed in an HTTP header".to_owned(),
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// Waits until the paced endpoint may be called again, then stamps the time.
    async fn pace(&self, endpoint: &'static str) {
        let interval = self.inner.config.rate_limit.paced_interval;
        let mut last = self.inner.pacing.lock().await;
        if let Some(prev) = last.get(endpoint) {
            let next = *prev + chrono::Duration::from_std(interval).unwrap_or_default();
            let wait = until(self.inner.clock.now(), next);
            if !wait.is_zero() {
                tracing::debug!(endpoint, wait_ms = wait.as_millis() as u64, "pacing");
                self.inner.clock.sleep(wait).await;
            }
        }
        last.insert(endpoint, self.inner.clock.now());
    }

    /// Sends one request once (no retries); used by `execute` and by the stream.
    pub(crate) async fn send_once(
        &self,
        http: &reqwest::Client,
        call: &Call,
        url: &url::Url,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut req = http.request(call.method.clone(), url.clone());
        if let Ok(h) = self.auth_header() {
            req = req.header(AUTHORIZATION, h);
        }
        if let Some(body) = &call.body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        req.send().await
    }

    /// Sends a call with pacing, the 429 policy and retries; returns the 2xx answer or a typed error.
    ///
    /// Two `backon` loops, one inside the other: the inner one waits out 429s as the
    /// [`RateLimitPolicy`](super::RateLimitPolicy) decides (its wait count spans the whole call), the
    /// outer one retries transient failures on the [`RetryPolicy`](super::RetryPolicy)'s backoff.
    /// Both sleep on the client's [`Clock`](super::Clock), so tests see every wait.
    ///
    /// The future is boxed here, where its concrete type is known: proving `Send` for the nested retry
    /// futures from the callers' side trips the compiler's higher-ranked lifetime check.
    pub(crate) fn execute(
        &self,
        call: &Call,
    ) -> futures::future::BoxFuture<'static, Result<RawResponse, ClientError>> {
        let url = match self
            .auth_header()
            .and_then(|_| self.url_for(&call.path, &call.query))
        {
            Ok(url) => url,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        // The loops own what their futures use (the client is one `Arc`), so the futures are
        // `'static` and `Send` without borrowing across the retry closures.
        let shared = Arc::new(Shared {
            client: self.clone(),
            call: call.clone(),
            url,
            attempts: AtomicU32::new(0),
            waits: AtomicU32::new(0),
        });
        let sleeper = ClockSleeper(self.inner.clock.clone());
        let retried = {
            let sleeper = sleeper.clone();
            move || wait_out_rate_limits(shared.clone(), sleeper.clone())
        }
        .retry(self.inner.config.retry.backoffs())
        .sleep(sleeper)
        .when(Failure::is_transient)
        .notify(log_retry);
        Box::pin(async move { retried.await.map_err(Failure::into_error) })
    }

    /// Decodes a JSON body, naming the JSON path where it fails.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        endpoint: &str,
        body: &[u8],
    ) -> Result<T, ClientError> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            ClientError::Malformed {
                endpoint: endpoint.to_owned(),
                path,
                message: clip(&e.into_inner().to_string()),
            }
        })
    }
}

/// Sleeps on the client's clock, so tests on a [`FakeClock`](super::FakeClock) see every wait.
#[derive(Clone)]
struct ClockSleeper(Arc<dyn Clock>);

impl backon::Sleeper for ClockSleeper {
    type Sleep = SleepFuture;

    fn sleep(&self, dur: Duration) -> SleepFuture {
        self.0.sleep(dur)
    }
}

fn log_retry(failure: &Failure, backoff: Duration) {
    tracing::warn!(
        backoff_ms = backoff.as_millis() as u64,
        error = %failure.error(),
        "transient failure, retrying"
    );
}

fn log_wait(failure: &Failure, wait: Duration) {
    tracing::warn!(
        wait_s = wait.as_secs_f64(),
        error = %failure.error(),
        "rate limited, waiting"
    );
}

/// One attempt of the outer loop: a send, repeated while the rate-limit policy waits out 429s.
fn wait_out_rate_limits(
    shared: Arc<Shared>,
    sleeper: ClockSleeper,
) -> futures::future::BoxFuture<'static, Result<RawResponse, Failure>> {
    let n = shared.attempts.fetch_add(1, Ordering::Relaxed) + 1;
    // The policy bounds the waits (`max_waits`, `max_wait`), so the zero backoff never runs out.
    let retried = (move || attempt(shared.clone(), n))
        .retry(std::iter::repeat(Duration::ZERO))
        .sleep(sleeper)
        .when(Failure::is_wait)
        .adjust(Failure::wait)
        .notify(log_wait);
    Box::pin(retried)
}

/// One send: pacing, the request, the status classified for the retry policy. `n` is the 1-based
/// attempt number the final error reports.
fn attempt(
    shared: Arc<Shared>,
    n: u32,
) -> futures::future::BoxFuture<'static, Result<RawResponse, Failure>> {
    // Boxed for the same reason as `execute`'s future.
    Box::pin(async move {
        let Shared {
            client,
            call,
            url,
            waits,
            ..
        } = &*shared;
        let clock = &client.inner.clock;
        let cfg = &client.inner.config;
        if call.paced {
            client.pace(call.endpoint).await;
        }
        tracing::debug!(endpoint = call.endpoint, %url, attempt = n, "request");
        let resp = client
            .send_once(&client.inner.http, call, url)
            .await
            .map_err(|e| Failure::Transient(transport_error(call.endpoint, n, &e)))?;
        let status = resp.status().as_u16();
        let rate_limit = RateLimitInfo::from_headers(resp.headers());
        client.remember(call.endpoint, &rate_limit);
        tracing::debug!(endpoint = call.endpoint, status, "response");
        let success = (200..300).contains(&status);
        let (limit, truncate) = if success {
            (cfg.max_body_bytes, false)
        } else {
            (ERROR_BODY_LIMIT.min(cfg.max_body_bytes), true)
        };
        let body = match read_capped(resp, limit, truncate).await {
            Ok(body) => body,
            Err(BodyError::Read(e)) => {
                return Err(Failure::Transient(transport_error(call.endpoint, n, &e)));
            }
            Err(BodyError::TooLarge) => {
                return Err(Failure::Fatal(ClientError::BodyTooLarge {
                    endpoint: call.endpoint.to_owned(),
                    url: url.to_string(),
                    limit,
                }));
            }
        };
        if success {
            return Ok(RawResponse {
                rate_limit,
                body,
                url: url.to_string(),
                retrieved_at: clock.now(),
            });
        }
        let err =
            ClientError::from_status(call.endpoint, status, &body, rate_limit.blocking_reset());
        match err {
            ClientError::RateLimited { .. } => {
                let so_far = waits.fetch_add(1, Ordering::Relaxed);
                match cfg.rate_limit.decide(&rate_limit, clock.now(), so_far) {
                    Decision::Wait(wait) => Err(Failure::Wait(wait, err)),
                    Decision::GiveUp(reset_at) => Err(Failure::Fatal(ClientError::RateLimited {
                        endpoint: call.endpoint.to_owned(),
                        reset_at,
                    })),
                }
            }
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
            // 4xx (usage caps among them) are never retried.
            other => Err(Failure::Fatal(other)),
        }
    })
}
