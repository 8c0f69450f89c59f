//! The one place where requests are sent: authorisation, pacing, the 429 policy and retries.
//! Endpoints describe a [`Call`]; [`XClient::execute`](super::XClient) turns it into a
//! [`RawResponse`] or a typed [`ClientError`].

use chrono::{DateTime, Utc};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};

use super::XClient;
use super::clock::until;
use super::error::ClientError;
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

enum Failure {
    Timeout(String),
    Transport(String),
}

fn describe(err: &reqwest::Error) -> Failure {
    // The chain of sources says "connection reset by peer" where the top level only says "error
    // sending request". The URL has no credentials, so it may stay.
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if err.is_timeout() {
        Failure::Timeout(message)
    } else {
        Failure::Transport(message)
    }
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
    pub(crate) async fn execute(&self, call: &Call) -> Result<RawResponse, ClientError> {
        self.auth_header()?;
        let url = self.url_for(&call.path, &call.query)?;
        let cfg = &self.inner.config;
        let clock = &self.inner.clock;
        let mut retries = 0u32;
        let mut waits = 0u32;
        loop {
            if call.paced {
                self.pace(call.endpoint).await;
            }
            let attempt = retries + 1;
            tracing::debug!(endpoint = call.endpoint, %url, attempt, "request");
            let outcome = match self.send_once(&self.inner.http, call, &url).await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let rate_limit = RateLimitInfo::from_headers(resp.headers());
                    self.remember(call.endpoint, &rate_limit);
                    match resp.bytes().await {
                        Ok(body) => Ok((status, rate_limit, body.to_vec())),
                        Err(e) => Err(describe(&e)),
                    }
                }
                Err(e) => Err(describe(&e)),
            };
            let (status, rate_limit, body) = match outcome {
                Ok(parts) => parts,
                Err(failure) => {
                    if retries < cfg.retry.max_retries {
                        let backoff = cfg.retry.backoff(retries);
                        tracing::warn!(
                            endpoint = call.endpoint,
                            attempt,
                            backoff_ms = backoff.as_millis() as u64,
                            "transport error, retrying"
                        );
                        clock.sleep(backoff).await;
                        retries += 1;
                        continue;
                    }
                    let endpoint = call.endpoint.to_owned();
                    return Err(match failure {
                        Failure::Timeout(message) => ClientError::Timeout {
                            endpoint,
                            attempts: attempt,
                            message,
                        },
                        Failure::Transport(message) => ClientError::Transport {
                            endpoint,
                            attempts: attempt,
                            message,
                        },
                    });
                }
            };
            tracing::debug!(endpoint = call.endpoint, status, "response");
            if (200..300).contains(&status) {
                return Ok(RawResponse {
                    rate_limit,
                    body,
                    url: url.to_string(),
                    retrieved_at: clock.now(),
                });
            }
            if status == 429 {
                let err = ClientError::from_status(
                    call.endpoint,
                    status,
                    &body,
                    rate_limit.blocking_reset(),
                );
                if matches!(err, ClientError::UsageCapped { .. }) {
                    return Err(err);
                }
                match cfg.rate_limit.decide(&rate_limit, clock.now(), waits) {
                    Decision::Wait(wait) => {
                        tracing::warn!(
                            endpoint = call.endpoint,
                            wait_s = wait.as_secs_f64(),
                            per_second = rate_limit.is_per_second_limit(),
                            "rate limited, waiting"
                        );
                        clock.sleep(wait).await;
                        waits += 1;
                        continue;
                    }
                    Decision::GiveUp(reset_at) => {
                        return Err(ClientError::RateLimited {
                            endpoint: call.endpoint.to_owned(),
                            reset_at,
                        });
                    }
                }
            }
            if status >= 500 && retries < cfg.retry.max_retries {
                let backoff = cfg.retry.backoff(retries);
                tracing::warn!(
                    endpoint = call.endpoint,
                    status,
                    attempt,
                    backoff_ms = backoff.as_millis() as u64,
                    "server error, retrying"
                );
                clock.sleep(backoff).await;
                retries += 1;
                continue;
            }
            let mut err =
                ClientError::from_status(call.endpoint, status, &body, rate_limit.blocking_reset());
            if let ClientError::Server { attempts, .. } = &mut err {
                *attempts = attempt;
            }
            return Err(err);
        }
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
                message: e.into_inner().to_string(),
            }
        })
    }
}
