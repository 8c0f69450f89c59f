//! The one error type of the crate.
//!
//! Variants are grouped by where they come from: reading files (I/O, parse, archive layout) first, then
//! the HTTP client's variants. Parse errors always name the file, the 1-based line, the JSON path and
//! what the parser expected, so a user can open the file at the right place.

use std::path::PathBuf;

/// Every error rapport-twitter returns.
///
/// ```
/// use rapport_twitter::TwitterError;
/// let e = TwitterError::Parse {
///     file: "pages.jsonl".into(),
///     line: 3,
///     column: 17,
///     path: "data[0].created_at".into(),
///     message: "premature end of input".into(),
/// };
/// assert_eq!(
///     e.to_string(),
///     "pages.jsonl:3:17: at `data[0].created_at`: premature end of input"
/// );
/// assert!(!e.is_retryable());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TwitterError {
    // ----- files: importers and wire models -------------------------------------------------------
    /// A file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A line (or a whole JSON file) is not the JSON that was expected.
    #[error("{file}:{line}:{column}: at `{path}`: {message}")]
    Parse {
        /// The file name (or the name given to a reader).
        file: String,
        /// 1-based line number in the file.
        line: u64,
        /// 1-based column of the error inside that line (0 when unknown).
        column: u64,
        /// JSON path of the value that failed, like `data[3].public_metrics.like_count` (`.` for the
        /// document itself).
        path: String,
        /// What the parser expected and found, as serde_json words it.
        message: String,
    },
    /// A tweet, user or compliance event that parsed but cannot be imported: no author, no time, an
    /// empty or unusable id, a copy that disagrees with the first one on its author or time.
    #[error("{file}:{line}: at `{path}`: {message}")]
    Invalid {
        /// The file name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// JSON path of the tweet or user, like `data[3]` (`.` for the line itself).
        path: String,
        /// The kind of problem (what lenient mode counts it as).
        kind: crate::import::SkipReason,
        /// What was expected and found.
        message: String,
    },
    /// A line is longer than [`ImportOptions::max_line_bytes`](crate::import::ImportOptions).
    #[error(
        "{file}:{line}: line is longer than the limit of {max} bytes (raise `max_line_bytes` if the file is trusted)"
    )]
    LineTooLong {
        /// The file name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// The configured limit in bytes.
        max: usize,
    },
    /// The file holds an API error response (RFC 7807 problem), not data.
    #[error("{file}:{line}: the file holds an X API error response, not data: {title}: {detail}")]
    ErrorDocument {
        /// The file name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// The problem's title.
        title: String,
        /// The problem's detail.
        detail: String,
    },
    /// An X account archive is not laid out as expected (no `data/tweets.js`, a broken zip, …).
    #[error("{}: {message}", path.display())]
    Archive {
        /// The archive (.zip or folder) or the file inside it.
        path: PathBuf,
        /// What was expected and not found.
        message: String,
    },
    /// [`import_path`](crate::import::import_path) could not tell which format a file has.
    #[error("{}: unknown format: {reason}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Why no importer fits.
        reason: String,
    },
    // ----- the HTTP client adds its variants below this line ----------------------------------------
    /// A call of the X API client failed (see [`ClientError`](crate::client::ClientError) for the kinds:
    /// unauthorised, forbidden, rate limited with a reset time, malformed body with a JSON path, ...).
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
}

impl TwitterError {
    /// Whether trying the same thing again later may succeed.
    ///
    /// File and parse errors are permanent: retrying reads the same bytes. (The client's transport and
    /// rate-limit variants are the retryable ones.)
    pub fn is_retryable(&self) -> bool {
        match self {
            TwitterError::Io { .. }
            | TwitterError::Parse { .. }
            | TwitterError::LineTooLong { .. }
            | TwitterError::Invalid { .. }
            | TwitterError::ErrorDocument { .. }
            | TwitterError::Archive { .. }
            | TwitterError::UnknownFormat { .. } => false,
            TwitterError::Client(e) => e.is_retryable(),
        }
    }

    /// The 1-based line of a parse-like error, if it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            TwitterError::Parse { line, .. }
            | TwitterError::Invalid { line, .. }
            | TwitterError::LineTooLong { line, .. }
            | TwitterError::ErrorDocument { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// What lenient mode counts this error as when it skips it.
    pub fn skip_reason(&self) -> crate::import::SkipReason {
        use crate::import::SkipReason;
        match self {
            TwitterError::Invalid { kind, .. } => *kind,
            TwitterError::LineTooLong { .. } => SkipReason::LineTooLong,
            TwitterError::ErrorDocument { .. } => SkipReason::ErrorDocument,
            _ => SkipReason::Malformed,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TwitterError::Io {
            path: path.into(),
            source,
        }
    }
}
