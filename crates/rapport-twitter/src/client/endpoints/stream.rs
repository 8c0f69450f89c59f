//! The filtered stream (`GET /2/tweets/search/stream`) and its rules.
//!
//! The stream is a long-lived HTTP response: one JSON message per line, a blank keep-alive line about
//! every 20 seconds. It ends in three ways, all followed by a reconnection with X's backoff:
//! - the connection drops or stalls (no byte for `stall_timeout`): linear backoff, +250 ms per try up
//!   to 16 s;
//! - an in-band disconnect message (`{"errors":[{"title":"operational-disconnect",…}]}`): treated the
//!   same way;
//! - an HTTP error on connect: exponential from 5 s up to 320 s, or from 60 s for a 429.
//!
//! Authentication and other 4xx answers are fatal: the stream yields the error and ends.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use bytes_stream::ByteStream;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::client::XClient;
use crate::client::config::StreamConfig;
use crate::client::error::ClientError;
use crate::client::page::Page;
use crate::client::ratelimit::RateLimitInfo;
use crate::client::transport::{Call, ERROR_BODY_LIMIT, read_capped};
use crate::models::{Problem, TweetsResponse};

mod bytes_stream {
    use std::pin::Pin;
    /// The body of a streaming response.
    pub(super) type ByteStream =
        Pin<Box<dyn futures::Stream<Item = Result<Vec<u8>, reqwest::Error>> + Send + 'static>>;
}

/// One event of the filtered stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StreamEvent {
    /// A connection was (re)established; `attempt` counts reconnections in a row (0 for the first).
    Connected {
        /// Reconnections since the last message.
        attempt: u32,
    },
    /// A matching post, as a one-item page (`data` is an object, `matching_rules` say why).
    Message(Box<Page<TweetsResponse>>),
    /// A keep-alive newline.
    KeepAlive,
    /// The connection ended; the stream reconnects after `retry_in`.
    Disconnected {
        /// Why (stall, closed, transport error, in-band disconnect, HTTP status).
        reason: String,
        /// The backoff before the next attempt.
        retry_in: Duration,
    },
    /// A line that was not the JSON expected; the stream goes on.
    Skipped {
        /// What went wrong (with the JSON path).
        error: String,
    },
}

/// A rule to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// The rule, in the search query language.
    pub value: String,
    /// An optional label, returned in `matching_rules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl RuleSpec {
    /// A rule with a tag.
    pub fn new(value: impl Into<String>, tag: Option<&str>) -> Self {
        Self {
            value: value.into(),
            tag: tag.map(str::to_owned),
        }
    }
}

/// A rule as X stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// The rule id (a string, or a number in older payloads).
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The rule.
    #[serde(default)]
    pub value: String,
    /// Its tag.
    #[serde(default)]
    pub tag: Option<String>,
}

fn id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or number id, got {other}"
        ))),
    }
}

/// The answer to a rules call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RulesResponse {
    /// Rules returned (list) or created (add).
    #[serde(default)]
    pub data: Vec<Rule>,
    /// `sent`, `summary` (`created`, `not_created`, `deleted`, ...), `result_count`, `next_token`.
    #[serde(default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Per-rule errors (duplicate, invalid).
    #[serde(default)]
    pub errors: Vec<Problem>,
}

impl RulesResponse {
    /// A count from `meta.summary` (`created`, `not_created`, `deleted`, `not_deleted`, `valid`, `invalid`).
    pub fn summary(&self, key: &str) -> Option<u64> {
        self.meta.get("summary")?.get(key)?.as_u64()
    }
}

const RULES: &str = "POST /2/tweets/search/stream/rules";
const RULES_GET: &str = "GET /2/tweets/search/stream/rules";
const STREAM: &str = "GET /2/tweets/search/stream";

impl XClient {
    /// The current rules (optionally only these ids).
    pub async fn stream_rules(&self, ids: &[String]) -> Result<RulesResponse, ClientError> {
        let mut query = Vec::new();
        if !ids.is_empty() {
            if ids.len() > 1000 {
                return Err(ClientError::invalid(
                    RULES_GET,
                    "ids",
                    format!("expected at most 1000 ids, got {}", ids.len()),
                ));
            }
            for id in ids {
                crate::client::params::check_id(RULES_GET, "ids", id)?;
            }
            query.push(("ids".to_owned(), ids.join(",")));
        }
        let raw = self
            .execute(&Call::get(
                RULES_GET,
                "/2/tweets/search/stream/rules".to_owned(),
                query,
            ))
            .await?;
        XClient::decode(RULES_GET, &raw.body)
    }

    /// Adds rules (`dry_run` validates without saving).
    pub async fn add_stream_rules(
        &self,
        rules: &[RuleSpec],
        dry_run: bool,
    ) -> Result<RulesResponse, ClientError> {
        if rules.is_empty() {
            return Err(ClientError::invalid(
                RULES,
                "add",
                "expected at least one rule",
            ));
        }
        for r in rules {
            crate::client::params::check_query(RULES, &r.value, self.config().max_query_len)?;
        }
        self.rules_call(serde_json::json!({ "add": rules }), dry_run)
            .await
    }

    /// Deletes rules by id.
    pub async fn delete_stream_rules(
        &self,
        ids: &[String],
        dry_run: bool,
    ) -> Result<RulesResponse, ClientError> {
        if ids.is_empty() {
            return Err(ClientError::invalid(
                RULES,
                "delete.ids",
                "expected at least one id",
            ));
        }
        for id in ids {
            crate::client::params::check_id(RULES, "delete.ids", id)?;
        }
        self.rules_call(serde_json::json!({ "delete": { "ids": ids } }), dry_run)
            .await
    }

    async fn rules_call(
        &self,
        body: serde_json::Value,
        dry_run: bool,
    ) -> Result<RulesResponse, ClientError> {
        let query = if dry_run {
            vec![("dry_run".to_owned(), "true".to_owned())]
        } else {
            Vec::new()
        };
        let call = Call {
            endpoint: RULES,
            method: reqwest::Method::POST,
            path: "/2/tweets/search/stream/rules".to_owned(),
            query,
            body: Some(body),
            paced: false,
        };
        let raw = self.execute(&call).await?;
        XClient::decode(RULES, &raw.body)
    }

    /// The filtered stream, reconnecting as X advises. `backfill_minutes` (0..=5, higher tiers only)
    /// asks for the posts missed during a disconnection.
    pub fn filtered_stream(&self) -> StreamRequest {
        StreamRequest {
            client: self.clone(),
            backfill_minutes: None,
        }
    }
}

/// Builder for the filtered stream.
#[derive(Debug, Clone)]
pub struct StreamRequest {
    client: XClient,
    backfill_minutes: Option<u32>,
}

enum Kind {
    Tcp,
    Http,
    RateLimit,
}

struct Conn {
    body: ByteStream,
    buf: Vec<u8>,
    /// Inside a line longer than `max_line_bytes`: bytes are dropped up to its newline.
    discarding: bool,
    rate_limit: RateLimitInfo,
    url: String,
}

struct State {
    client: XClient,
    call: Call,
    cfg: StreamConfig,
    conn: Option<Conn>,
    pending: VecDeque<Result<StreamEvent, ClientError>>,
    wait: Option<Duration>,
    reconnects: u32,
    tcp_failures: u32,
    http_failures: u32,
    rate_failures: u32,
    done: bool,
}

impl State {
    fn backoff(&mut self, kind: &Kind) -> Duration {
        let c = &self.cfg;
        match kind {
            Kind::Tcp => {
                self.tcp_failures += 1;
                c.tcp_backoff_step
                    .saturating_mul(self.tcp_failures)
                    .min(c.tcp_backoff_max)
            }
            Kind::Http => {
                self.http_failures += 1;
                let f = 1u32.checked_shl(self.http_failures - 1).unwrap_or(u32::MAX);
                c.http_backoff_start
                    .saturating_mul(f)
                    .min(c.http_backoff_max)
            }
            Kind::RateLimit => {
                self.rate_failures += 1;
                let f = 1u32.checked_shl(self.rate_failures - 1).unwrap_or(u32::MAX);
                c.rate_limit_backoff_start
                    .saturating_mul(f)
                    .min(c.http_backoff_max.max(c.rate_limit_backoff_start))
            }
        }
    }

    fn disconnect(&mut self, kind: &Kind, reason: String) {
        self.conn = None;
        let retry_in = self.backoff(kind);
        tracing::warn!(
            reason,
            retry_in_ms = retry_in.as_millis() as u64,
            "filtered stream disconnected"
        );
        self.wait = Some(retry_in);
        self.pending
            .push_back(Ok(StreamEvent::Disconnected { reason, retry_in }));
    }

    fn healthy(&mut self) {
        self.reconnects = 0;
        self.tcp_failures = 0;
        self.http_failures = 0;
        self.rate_failures = 0;
    }

    /// Splits complete lines off the buffer into events.
    fn drain_lines(&mut self) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let max = self.cfg.max_line_bytes;
        let mut events = Vec::new();
        let mut disconnect: Option<String> = None;
        if conn.discarding {
            match memchr::memchr(b'\n', &conn.buf) {
                Some(pos) => {
                    conn.buf.drain(..=pos);
                    conn.discarding = false;
                }
                None => conn.buf.clear(),
            }
        }
        while !conn.discarding
            && let Some(pos) = memchr::memchr(b'\n', &conn.buf)
        {
            let line: Vec<u8> = conn.buf.drain(..=pos).collect();
            if line.len() > max {
                events.push(Ok(StreamEvent::Skipped {
                    error: too_long(max),
                }));
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                events.push(Ok(StreamEvent::KeepAlive));
                continue;
            }
            match XClient::decode::<TweetsResponse>(STREAM, text.as_bytes()) {
                Ok(body) if body.data.is_some() => {
                    events.push(Ok(StreamEvent::Message(Box::new(Page {
                        body,
                        raw: text.to_owned(),
                        rate_limit: conn.rate_limit.clone(),
                        url: conn.url.clone(),
                        retrieved_at: self.client.clock().now(),
                        endpoint: STREAM,
                    }))));
                }
                Ok(body) if !body.errors.is_empty() => {
                    let p = &body.errors[0];
                    let what = p
                        .disconnect_type
                        .clone()
                        .or_else(|| p.title.clone())
                        .unwrap_or_else(|| "disconnect".to_owned());
                    let detail = p.detail.clone().unwrap_or_default();
                    disconnect = Some(format!("in-band {what}: {detail}"));
                    break;
                }
                Ok(_) => events.push(Ok(StreamEvent::Skipped {
                    error: format!(
                        "a message with neither data nor errors: {}",
                        text.chars().take(120).collect::<String>()
                    ),
                })),
                Err(e) => events.push(Ok(StreamEvent::Skipped {
                    error: e.to_string(),
                })),
            }
        }
        if !conn.discarding && conn.buf.len() > max {
            // What is left is the start of a line already over the cap: drop it and what follows of
            // it, so one runaway line cannot grow the buffer without bound.
            conn.buf.clear();
            conn.discarding = true;
            events.push(Ok(StreamEvent::Skipped {
                error: too_long(max),
            }));
        }
        if events
            .iter()
            .any(|e| matches!(e, Ok(StreamEvent::Message(_) | StreamEvent::KeepAlive)))
        {
            self.healthy();
        }
        self.pending.extend(events);
        if let Some(reason) = disconnect {
            self.disconnect(&Kind::Tcp, reason);
        }
    }

    async fn connect(&mut self) {
        if let Some(max) = self.cfg.max_reconnects
            && self.reconnects > max
        {
            self.pending.push_back(Err(ClientError::Stream(format!(
                "gave up after {max} reconnections in a row without a message"
            ))));
            self.done = true;
            return;
        }
        if let Some(wait) = self.wait.take() {
            self.client.clock().sleep(wait).await;
        }
        let url = match self.client.url_for(&self.call.path, &self.call.query) {
            Ok(u) => u,
            Err(e) => {
                self.pending.push_back(Err(e));
                self.done = true;
                return;
            }
        };
        let attempt = self.reconnects;
        self.reconnects += 1;
        match self
            .client
            .send_once(&self.client.inner.stream_http, &self.call, &url)
            .await
        {
            Err(e) => self.disconnect(&Kind::Tcp, format!("connect failed: {e}")),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let rate_limit = RateLimitInfo::from_headers(resp.headers());
                if (200..300).contains(&status) {
                    let body: ByteStream =
                        Box::pin(resp.bytes_stream().map(|r| r.map(|b| b.to_vec())));
                    self.conn = Some(Conn {
                        body,
                        buf: Vec::new(),
                        discarding: false,
                        rate_limit,
                        url: url.to_string(),
                    });
                    self.pending
                        .push_back(Ok(StreamEvent::Connected { attempt }));
                } else {
                    // Only summarised: the first KiBs are enough and a huge error body costs nothing.
                    let body = read_capped(resp, ERROR_BODY_LIMIT, true)
                        .await
                        .unwrap_or_default();
                    let err = ClientError::from_status(
                        STREAM,
                        status,
                        &body,
                        rate_limit.blocking_reset(),
                    );
                    match status {
                        429 if !matches!(err, ClientError::UsageCapped { .. }) => {
                            self.disconnect(&Kind::RateLimit, format!("HTTP 429: {err}"));
                        }
                        500..=599 => self.disconnect(&Kind::Http, format!("HTTP {status}: {err}")),
                        _ => {
                            self.pending.push_back(Err(err));
                            self.done = true;
                        }
                    }
                }
            }
        }
    }

    async fn read(&mut self) {
        let stall = self.cfg.stall_timeout;
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        match tokio::time::timeout(stall, conn.body.next()).await {
            Err(_) => self.disconnect(
                &Kind::Tcp,
                format!("stalled: no data for {} ms", stall.as_millis()),
            ),
            Ok(None) => self.disconnect(&Kind::Tcp, "connection closed by the server".to_owned()),
            Ok(Some(Err(e))) => self.disconnect(&Kind::Tcp, format!("read failed: {e}")),
            Ok(Some(Ok(bytes))) => {
                conn.buf.extend_from_slice(&bytes);
                self.drain_lines();
            }
        }
    }
}

fn too_long(max: usize) -> String {
    format!("a line longer than the {max}-byte cap (StreamConfig::max_line_bytes) was dropped")
}

impl StreamRequest {
    /// Asks X to replay up to `minutes` (0..=5) missed on reconnection.
    pub fn backfill_minutes(mut self, minutes: u32) -> Self {
        self.backfill_minutes = Some(minutes);
        self
    }

    /// The events, forever (or until a fatal error or the reconnect budget is spent). Fields and
    /// expansions are the client's defaults.
    pub fn events(
        self,
    ) -> Pin<Box<dyn Stream<Item = Result<StreamEvent, ClientError>> + Send + 'static>> {
        let mut query = Vec::new();
        if let Some(m) = self.backfill_minutes {
            if m > 5 {
                let err = ClientError::invalid(
                    STREAM,
                    "backfill_minutes",
                    format!("expected 0..=5, got {m}"),
                );
                return Box::pin(futures::stream::once(async move { Err(err) }));
            }
            query.push(("backfill_minutes".to_owned(), m.to_string()));
        }
        query.extend(
            self.client
                .config()
                .fields
                .query(crate::client::params::Returns::Tweets),
        );
        let state = State {
            cfg: self.client.config().stream.clone(),
            call: Call::get(STREAM, "/2/tweets/search/stream".to_owned(), query),
            client: self.client,
            conn: None,
            pending: VecDeque::new(),
            wait: None,
            reconnects: 0,
            tcp_failures: 0,
            http_failures: 0,
            rate_failures: 0,
            done: false,
        };
        Box::pin(futures::stream::unfold(state, |mut st| async move {
            loop {
                if let Some(ev) = st.pending.pop_front() {
                    return Some((ev, st));
                }
                if st.done {
                    return None;
                }
                if st.conn.is_none() {
                    st.connect().await;
                } else {
                    st.read().await;
                }
            }
        }))
    }

    /// Only the messages (posts), skipping keep-alives and reconnection events.
    pub fn messages(
        self,
    ) -> impl Stream<Item = Result<Page<TweetsResponse>, ClientError>> + Send + 'static {
        self.events().filter_map(|ev| async move {
            match ev {
                Ok(StreamEvent::Message(p)) => Some(Ok(*p)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            }
        })
    }
}
