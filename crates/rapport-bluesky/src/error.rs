//! Errors: one enum for the client ([`ClientError`]) and one for files ([`ImportError`]), with
//! messages that say what was expected and what was found. No password or token ever reaches one.

use chrono::{DateTime, Utc};
use rapport_core::source::SourceError;

/// Keeps error messages short: a body echoed back is clipped to 300 characters.
pub(crate) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(300).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A failed XRPC call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The client is misconfigured (a bad base URL, a missing password variable).
    #[error("configuration: {0}")]
    Config(String),
    /// An argument is not valid (a bad handle, AT-URI, limit).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The connection failed (after the retries).
    #[error("{endpoint}: transport error after {attempts} attempt(s): {message}")]
    Transport {
        /// The NSID called.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// What failed.
        message: String,
    },
    /// A 5xx answer (after the retries).
    #[error("{endpoint}: server error {status} after {attempts} attempt(s): {detail}")]
    Server {
        /// The NSID called.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The XRPC error, if any.
        detail: String,
    },
    /// A 429 that was not waited out (waiting disabled, too far away, or too many in a row).
    #[error("{endpoint}: rate limited until {}", reset_at.map_or_else(|| "an unknown time".to_owned(), |t| t.to_rfc3339()))]
    RateLimited {
        /// The NSID called.
        endpoint: String,
        /// When the window resets (`ratelimit-reset`).
        reset_at: Option<DateTime<Utc>>,
    },
    /// 401, or an expired or invalid session (`AuthenticationRequired`, `ExpiredToken`,
    /// `InvalidToken`).
    #[error("{endpoint}: not authorised ({status} {error}): {message}")]
    Unauthorized {
        /// The NSID called.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The XRPC error name.
        error: String,
        /// The server's message.
        message: String,
    },
    /// Another 4xx: the XRPC error name and message (`InvalidRequest`, `NotFound`, `BlockedActor`...).
    #[error("{endpoint}: {status} {error}: {message}")]
    Xrpc {
        /// The NSID called.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The XRPC error name.
        error: String,
        /// The server's message.
        message: String,
    },
    /// A 2xx answer whose body does not have the lexicon's shape.
    #[error("{endpoint}: unexpected response at {path}: {message}")]
    Malformed {
        /// The NSID called.
        endpoint: String,
        /// The JSON path where it failed.
        path: String,
        /// What was expected.
        message: String,
    },
    /// A body larger than the configured cap.
    #[error("{endpoint}: response larger than {limit} bytes")]
    BodyTooLarge {
        /// The NSID called.
        endpoint: String,
        /// The cap.
        limit: usize,
    },
    /// Writing output failed.
    #[error("writing {what}: {source}")]
    Io {
        /// What was being written.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl ClientError {
    /// True when the same call may succeed later (5xx, transport, rate limit).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ClientError::Transport { .. }
                | ClientError::Server { .. }
                | ClientError::RateLimited { .. }
        )
    }
}

impl From<ClientError> for SourceError {
    fn from(e: ClientError) -> Self {
        let message = e.to_string();
        match e {
            ClientError::RateLimited { reset_at, .. } => {
                SourceError::RateLimited { reset_at, message }
            }
            ClientError::Unauthorized { .. } => SourceError::Unauthorized { message },
            ClientError::Xrpc { status: 403, .. } => SourceError::Forbidden { message },
            ClientError::Xrpc { status: 404, .. } => SourceError::NotFound { message },
            ClientError::Xrpc { error, .. } if error == "NotFound" => {
                SourceError::NotFound { message }
            }
            ClientError::Xrpc { .. } | ClientError::InvalidArgument(_) => {
                SourceError::InvalidRequest { message }
            }
            ClientError::Transport { .. } | ClientError::Server { .. } => {
                SourceError::Unavailable { message }
            }
            _ => SourceError::Other { message },
        }
    }
}

/// A file that could not be read as Bluesky data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Reading the file failed.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of a JSONL file is not a page rapport can read.
    #[error("{file}:{line}: at {path}: {message}")]
    Line {
        /// The file.
        file: String,
        /// The 1-based line number.
        line: usize,
        /// The JSON path (`$` for the whole line).
        path: String,
        /// What was expected and found.
        message: String,
    },
    /// A repository export (CAR) that cannot be read.
    #[error("{file}: not a readable repository export: {message}")]
    Car {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}
