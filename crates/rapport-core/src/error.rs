//! The error type of rapport-core's analyses.
//!
//! Every variant says what was expected and what was found, so that a caller (or a Python user, through
//! the bindings) can fix the input without reading the source.

/// An error from one of rapport-core's analyses.
///
/// ```
/// use rapport_core::{Corpus, Error};
/// use rapport_core::engagement::Org;
/// let corpus = Corpus::new();
/// let err = Org::resolve(&corpus, &["acme_careers", "acme_eng"]).unwrap_err();
/// assert!(matches!(err, Error::UnknownOrgAccounts { .. }));
/// assert!(err.to_string().contains("@acme_careers, @acme_eng"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Some of the handles or ids given for the organisation are not accounts of the corpus.
    #[error(
        "unknown organisation account(s): {}; expected handles (with or without @) or ids of accounts in the corpus",
        fmt_handles(.unknown)
    )]
    UnknownOrgAccounts {
        /// The handles or ids that matched no account, as given.
        unknown: Vec<String>,
    },
    /// The organisation was given as an empty list.
    #[error("the organisation is empty: expected at least one handle or id")]
    EmptyOrg,
    /// The account to explain is not in the corpus.
    #[error(
        "unknown account {0:?}: expected a handle (with or without @) or an id of an account in the corpus"
    )]
    UnknownAccount(String),
    /// A parameter is out of its range.
    #[error("invalid {name}: {found}; expected {expected}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// What was given.
        found: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A PageRank teleport (personalisation) has no positive weight on any node of the graph.
    #[error(
        "empty teleport: expected at least one account of the graph with a positive personalisation weight"
    )]
    EmptyTeleport,
    /// No account used the topic's hashtags in its own non-repost posts.
    #[error(
        "no account used the topic {hashtags:?} in its own posts (reposts do not count); expected hashtags that occur in the corpus"
    )]
    EmptyTopic {
        /// The hashtags of the topic, as given.
        hashtags: Vec<String>,
    },
    /// Power iteration did not reach the tolerance.
    #[error(
        "PageRank did not converge in {iterations} iterations (L1 change {residual:e}, tolerance {tolerance:e}); expected a larger max_iterations or tolerance"
    )]
    NotConverged {
        /// Iterations run.
        iterations: u32,
        /// The last L1 change.
        residual: f64,
        /// The tolerance asked for.
        tolerance: f64,
    },
    /// A group-label file is malformed.
    #[error("{file}, line {line}: {message}")]
    LabelFile {
        /// The file name given by the caller.
        file: String,
        /// 1-based line.
        line: u64,
        /// What was expected and what was found.
        message: String,
    },
    /// An exported audit log is malformed or was tampered with.
    #[error("{file}, record {line}: {message}")]
    AuditLog {
        /// The file name given by the caller.
        file: String,
        /// The 1-based line (or record number, for chain errors).
        line: u64,
        /// What was expected and what was found.
        message: String,
    },
}

fn fmt_handles(unknown: &[String]) -> String {
    unknown
        .iter()
        .map(|h| {
            let h = h.trim();
            if h.chars().all(|c| c.is_ascii_digit()) {
                h.to_owned()
            } else {
                format!("@{}", h.trim_start_matches('@'))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
