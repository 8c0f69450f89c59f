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
