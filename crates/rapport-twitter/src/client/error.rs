//! The client's errors. Each names the endpoint, says what happened and what to do. None carries the
//! token: requests put it only in the `Authorization` header, and no header ever reaches an error.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A failed client call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The client could not be built (bad base URL, empty token, ...).
    #[error("client configuration: {0}")]
    Config(String),

    /// A parameter failed the OpenAPI bounds before anything was sent.
    #[error("invalid parameter `{parameter}` for {endpoint}: {message}")]
    InvalidParameter {
        /// The endpoint, e.g. `GET /2/tweets/search/recent`.
        endpoint: String,
        /// The query parameter.
        parameter: String,
        /// What was expected and what was given.
        message: String,
    },

    /// 401: the token is missing, wrong, expired or revoked.
    #[error("{endpoint}: unauthorised (401): {detail}. Check the bearer or user access token.")]
    Unauthorized {
        /// The endpoint.
        endpoint: String,
        /// The server's detail.
        detail: String,
    },

    /// 403 `client-forbidden`: the app's access level or project enrolment does not allow this
    /// endpoint (e.g. full-archive search needs Pro or above).
    #[error(
        "{endpoint}: forbidden by access level or enrolment (403, reason {}): {detail}{}",
        reason.as_deref().unwrap_or("unknown"),
        registration_url.as_deref().map(|u| format!(" — see {u}")).unwrap_or_default()
    )]
    ClientForbidden {
        /// The endpoint.
        endpoint: String,
        /// `reason`, e.g. `client-not-enrolled`.
        reason: Option<String>,
        /// The server's detail.
        detail: String,
        /// Where to enrol the app.
        registration_url: Option<String>,
    },

    /// Any other 403 (e.g. a user-context endpoint called with an app-only token).
    #[error("{endpoint}: forbidden (403): {detail}")]
    Forbidden {
        /// The endpoint.
        endpoint: String,
        /// The server's detail.
        detail: String,
    },

    /// 404 for the whole request (not a partial error).
    #[error("{endpoint}: not found (404): {detail}")]
    NotFound {
        /// The endpoint.
        endpoint: String,
        /// The server's detail.
        detail: String,
    },

    /// The project's monthly or daily post cap was reached (`usage-capped`); waiting minutes won't help.
    #[error("{endpoint}: usage cap reached (period {}, scope {}): {detail}",
        period.as_deref().unwrap_or("unknown"), scope.as_deref().unwrap_or("unknown"))]
    UsageCapped {
        /// The endpoint.
        endpoint: String,
        /// `Daily` or `Monthly`.
        period: Option<String>,
        /// `Account` or `Product`.
        scope: Option<String>,
        /// The server's detail.
        detail: String,
    },

    /// 429 and the policy chose not to wait (waiting off, reset too far, or too many waits in a row).
    #[error("{endpoint}: rate limited (429); the limit resets at {}",
        reset_at.map_or_else(|| "an unknown time".to_owned(), |t| t.to_rfc3339()))]
    RateLimited {
        /// The endpoint.
        endpoint: String,
        /// When a retry can succeed, from the headers.
        reset_at: Option<DateTime<Utc>>,
    },

    /// 400 `invalid-request` (or another 4xx): the server rejected a parameter.
    #[error(
        "{endpoint}: invalid request ({status}): {detail}{}",
        format_parameters(parameters)
    )]
    InvalidRequest {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The offending parameters and their values, from the problem's `errors[].parameters`.
        parameters: Vec<(String, Vec<String>)>,
        /// The problem's detail and messages.
        detail: String,
    },

    /// A 5xx that persisted through every retry.
    #[error("{endpoint}: server error {status} after {attempts} attempt(s): {detail}")]
    Server {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The body's detail or start.
        detail: String,
    },

    /// The request timed out (connect or whole-request timeout) on every attempt.
    #[error("{endpoint}: timed out after {attempts} attempt(s): {message}")]
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// The transport's description.
        message: String,
    },

    /// A connection failed or was reset on every attempt.
    #[error("{endpoint}: transport error after {attempts} attempt(s): {message}")]
    Transport {
        /// The endpoint.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// The transport's description (with its causes).
        message: String,
    },

    /// The body was not the JSON expected; `path` is where decoding stopped.
    #[error("{endpoint}: malformed response body at JSON path `{path}`: {message}")]
    Malformed {
        /// The endpoint.
        endpoint: String,
        /// The JSON path, e.g. `data[3].created_at`.
        path: String,
        /// What the decoder expected.
        message: String,
    },

    /// An answer's body was larger than the client's cap ([`ClientBuilder::max_body_bytes`]); nothing of
    /// it is kept or quoted. Not retryable: the same request brings the same body.
    ///
    /// [`ClientBuilder::max_body_bytes`]: super::ClientBuilder::max_body_bytes
    #[error(
        "{endpoint}: the response from {url} is larger than the {limit}-byte cap; ask for fewer \
         results per page or raise the cap with ClientBuilder::max_body_bytes"
    )]
    BodyTooLarge {
        /// The endpoint.
        endpoint: String,
        /// The request URL (no credentials: the token travels in a header).
        url: String,
        /// The cap, in bytes.
        limit: usize,
    },

    /// The filtered stream failed for good (reconnect budget spent, or a fatal answer).
    #[error("filtered stream: {0}")]
    Stream(String),

    /// Writing output (JSONL) failed.
    #[error("writing {what}: {source}")]
    Io {
        /// What was being written.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn format_parameters(parameters: &[(String, Vec<String>)]) -> String {
    if parameters.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = parameters
        .iter()
        .map(|(name, values)| format!("{name}={}", values.join(",")))
        .collect();
    format!(" (parameters: {})", parts.join("; "))
}

impl ClientError {
    /// True when the same call may succeed later without changes: rate limits, 5xx, timeouts and
    /// transport errors. Auth, enrolment, not-found, bad parameters and malformed bodies are permanent.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ClientError::RateLimited { .. }
                | ClientError::Server { .. }
                | ClientError::Timeout { .. }
                | ClientError::Transport { .. }
                | ClientError::Stream(_)
        )
    }

    /// The reset time of a `RateLimited` error.
    pub fn reset_at(&self) -> Option<DateTime<Utc>> {
        match self {
            ClientError::RateLimited { reset_at, .. } => *reset_at,
            _ => None,
        }
    }

    /// The HTTP status behind this error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Unauthorized { .. } => Some(401),
            ClientError::ClientForbidden { .. } | ClientError::Forbidden { .. } => Some(403),
            ClientError::NotFound { .. } => Some(404),
            ClientError::RateLimited { .. } | ClientError::UsageCapped { .. } => Some(429),
            ClientError::InvalidRequest { status, .. } | ClientError::Server { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    pub(crate) fn invalid(endpoint: &str, parameter: &str, message: impl Into<String>) -> Self {
        ClientError::InvalidParameter {
            endpoint: endpoint.to_owned(),
            parameter: parameter.to_owned(),
            message: message.into(),
        }
    }

    /// Classifies a non-2xx answer other than a waited-out 429 or a retried 5xx.
    pub(crate) fn from_status(
        endpoint: &str,
        status: u16,
        body: &[u8],
        reset_at: Option<DateTime<Utc>>,
    ) -> Self {
        let problem = ProblemBody::parse(body);
        let endpoint = endpoint.to_owned();
        let detail = problem.summary(body);
        let kind = problem.kind();
        if kind == Some("usage-capped") {
            return ClientError::UsageCapped {
                endpoint,
                period: problem.period,
                scope: problem.scope,
                detail,
            };
        }
        match status {
            401 => ClientError::Unauthorized { endpoint, detail },
            403 if kind == Some("client-forbidden") || problem.reason.is_some() => {
                ClientError::ClientForbidden {
                    endpoint,
                    reason: problem.reason,
                    detail,
                    registration_url: problem.registration_url,
                }
            }
            403 => ClientError::Forbidden { endpoint, detail },
            404 => ClientError::NotFound { endpoint, detail },
            429 => ClientError::RateLimited { endpoint, reset_at },
            500..=599 => ClientError::Server {
                endpoint,
                status,
                attempts: 1,
                detail,
            },
            _ => ClientError::InvalidRequest {
                endpoint,
                status,
                parameters: problem.parameters(),
                detail,
            },
        }
    }
}

/// An RFC 7807 problem body (`application/problem+json`), or the legacy `{errors:[{code,message}]}`.
/// Parsed leniently: every field optional, a non-JSON body gives an empty problem.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProblemBody {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind_uri: Option<String>,
    #[serde(default)]
    pub(crate) detail: Option<String>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
    #[serde(default)]
    pub(crate) registration_url: Option<String>,
    #[serde(default)]
    pub(crate) period: Option<String>,
    #[serde(default)]
    pub(crate) scope: Option<String>,
    #[serde(default)]
    pub(crate) errors: Vec<ProblemItem>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProblemItem {
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) parameters: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub(crate) detail: Option<String>,
}

impl ProblemBody {
    pub(crate) fn parse(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    /// The last segment of the problem type URI (`usage-capped`, `client-forbidden`, ...).
    pub(crate) fn kind(&self) -> Option<&str> {
        let uri = self.kind_uri.as_deref()?;
        Some(uri.rsplit('/').next().unwrap_or(uri))
    }

    fn parameters(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for item in &self.errors {
            for (name, values) in item.parameters.iter().flatten() {
                let values = match values {
                    serde_json::Value::Array(a) => a.iter().map(value_text).collect(),
                    other => vec![value_text(other)],
                };
                out.push((name.clone(), values));
            }
        }
        out
    }

    /// detail, title and the item messages, or the start of a non-JSON body.
    fn summary(&self, body: &[u8]) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(t) = &self.title {
            parts.push(t.clone());
        }
        if let Some(d) = &self.detail
            && Some(d) != self.title.as_ref()
        {
            parts.push(d.clone());
        }
        for item in &self.errors {
            if let Some(m) = item.message.as_ref().or(item.detail.as_ref()) {
                parts.push(m.clone());
            }
        }
        if parts.is_empty() {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.is_empty() {
                return "(empty body)".to_owned();
            }
            return clip(text);
        }
        clip(&parts.join(": "))
    }
}

/// The most characters of a server's body (or of a decoder message quoting it) an error carries.
pub(crate) const QUOTE_LIMIT: usize = 200;

/// Cuts text quoted from a body to [`QUOTE_LIMIT`] characters, marking the cut, so an error message
/// stays readable and never carries a whole payload.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        // `<repo>/../shared` in CI and in the main checkout; a worktree sits one level deeper, so walk up.
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = manifest
            .ancestors()
            .map(|a| a.join("shared/fixtures/twitter").join(name))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("fixture {name} not found above {}", manifest.display()));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn invalid_request_fixture_names_the_parameter() {
        let err = ClientError::from_status(
            "POST /2/tweets/search/stream/rules",
            400,
            &fixture("error_invalid_request_problem.json"),
            None,
        );
        match &err {
            ClientError::InvalidRequest {
                parameters, status, ..
            } => {
                assert_eq!(*status, 400);
                // The fixture's errors[0].parameters is {"delete": []}.
                assert_eq!(
                    parameters,
                    &vec![("delete".to_owned(), Vec::<String>::new())]
                );
            }
            other => panic!("{other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("JSON doesn't match expected schema"), "{msg}");
        assert!(msg.contains("parameters: delete="), "{msg}");
        assert!(!err.is_retryable());
    }

    #[test]
    fn quoted_bodies_are_cut_to_200_characters() {
        let long = "é".repeat(5000);
        let err = ClientError::from_status("GET /2/x", 404, long.as_bytes(), None);
        let ClientError::NotFound { detail, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(detail.chars().count(), QUOTE_LIMIT + 1, "{detail}");
        assert!(detail.ends_with('…'));
        // A problem document's own detail is cut the same way.
        let problem =
            serde_json::json!({ "title": "Bad", "detail": "x".repeat(10_000) }).to_string();
        let err = ClientError::from_status("GET /2/x", 400, problem.as_bytes(), None);
        assert!(err.to_string().chars().count() < 400, "{err}");
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn not_json_body_is_quoted() {
        let err = ClientError::from_status("GET /2/x", 404, b"<html>nope</html>", None);
        assert!(err.to_string().contains("<html>nope</html>"), "{err}");
        assert_eq!(err.status(), Some(404));
    }
}
