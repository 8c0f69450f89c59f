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
    /// An id (of a post, its author, an account or a referenced post) that cannot identify anything:
    /// empty, blank, longer than [`MAX_ID_BYTES`] or holding control characters.
    #[error("invalid {field} {}: expected {expected}", quoted(.found))]
    InvalidId {
        /// Which id: `post id`, `author id`, `account id`, `reply_to id`, ….
        field: &'static str,
        /// The id as given (cut to [`MAX_SHOWN_CHARS`] characters when shown).
        found: String,
        /// What an id must look like.
        expected: &'static str,
    },
    /// A post arrived again with another author or creation time than its first copy. The first copy
    /// is kept.
    #[error(
        "post {} arrived again with another {field}: the first copy has {}, this one {}; expected \
         every copy of a post to have the same {field} (the first copy is kept)",
        quoted(.id), quoted(.kept), quoted(.found)
    )]
    ConflictingCopy {
        /// The post id.
        id: String,
        /// `author` or `created_at`.
        field: &'static str,
        /// The value of the first copy (kept).
        kept: String,
        /// The value of the refused copy.
        found: String,
    },
    /// A record of a list given to [`Corpus::try_from_parts`](crate::Corpus::try_from_parts) is
    /// refused.
    #[error("{what}[{index}]: {source}")]
    Record {
        /// `posts` or `accounts`.
        what: &'static str,
        /// 0-based position in the list.
        index: usize,
        /// Why it is refused.
        source: Box<Error>,
    },
}

/// The longest id, in bytes, a corpus accepts (X ids have at most 19 digits; other platforms' ids and
/// URIs fit easily).
pub const MAX_ID_BYTES: usize = 256;

/// How many characters of an offending value an error message shows.
pub const MAX_SHOWN_CHARS: usize = 200;

/// A value as error messages show it: whole when short, else its first [`MAX_SHOWN_CHARS`] characters
/// followed by `… (N bytes)`, so that a 10 MB field never ends up in a log line.
///
/// ```
/// use rapport_core::error::cut;
/// assert_eq!(cut("abc"), "abc");
/// let long = "x".repeat(10_000);
/// assert_eq!(cut(&long), format!("{}… (10000 bytes)", "x".repeat(200)));
/// ```
pub fn cut(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(MAX_SHOWN_CHARS) {
        None => std::borrow::Cow::Borrowed(value),
        Some((end, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} bytes)", &value[..end], value.len()))
        }
    }
}

/// A message with every quoted or back-quoted part longer than [`MAX_SHOWN_CHARS`] characters cut by
/// [`cut`]: for messages of other libraries (serde's `invalid type: string "…"`) that embed the
/// offending value whole. A message with no long part is returned as is.
///
/// ```
/// use rapport_core::error::cut_quoted;
/// let msg = format!("invalid type: string \"{}\", expected u64", "y".repeat(5000));
/// let short = cut_quoted(&msg);
/// assert!(short.len() < 300 && short.ends_with("… (5000 bytes)\", expected u64"), "{short}");
/// ```
pub fn cut_quoted(message: &str) -> std::borrow::Cow<'_, str> {
    // A piece already cut by `cut` (200 characters and `… (N bytes)`) is left alone.
    fn recut(piece: &str) -> std::borrow::Cow<'_, str> {
        if piece.chars().count() > MAX_SHOWN_CHARS + 32 {
            cut(piece)
        } else {
            std::borrow::Cow::Borrowed(piece)
        }
    }
    if message.chars().count() <= MAX_SHOWN_CHARS {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(MAX_SHOWN_CHARS * 2);
    let mut rest = message;
    // Splits on quote characters: the odd pieces are quoted values; a piece of any kind that is too
    // long (an unterminated quote, or a value written without quotes) is cut too.
    while let Some(i) = rest.find(['"', '`', '\'']) {
        out.push_str(&recut(&rest[..i]));
        out.push_str(&rest[i..=i]);
        rest = &rest[i + 1..];
    }
    out.push_str(&recut(rest));
    std::borrow::Cow::Owned(out)
}

/// A value in single quotes, cut by [`cut`].
fn quoted(v: &str) -> String {
    format!("'{}'", cut(v))
}

/// Checks an id: not empty or blank, at most [`MAX_ID_BYTES`] bytes, no control characters.
pub(crate) fn check_id(field: &'static str, id: &str) -> Result<(), Error> {
    // Nearly every id is printable ASCII without spaces (digits, an AT-URI, a DID): checked byte by
    // byte; anything else takes the full Unicode check.
    let printable = |b: u8| (0x21..0x7f).contains(&b);
    let ok = (!id.is_empty() && id.len() <= MAX_ID_BYTES && id.bytes().all(printable))
        || (!id.trim().is_empty() && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidId {
            field,
            found: id.to_owned(),
            expected: "a non-empty id of at most 256 bytes without control characters",
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-wise fast path of `check_id` agrees with the full Unicode rule on every kind of id.
    #[test]
    fn check_id_fast_path_agrees_with_the_rule() {
        let rule = |id: &str| {
            !id.trim().is_empty() && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control)
        };
        let long = "9".repeat(MAX_ID_BYTES);
        let too_long = "9".repeat(MAX_ID_BYTES + 1);
        for id in [
            "1790000000000000001",
            "at://did:plc:abc123/app.bsky.feed.post/3kxyz",
            "did:plc:abc123",
            "",
            " ",
            "\u{3000}",
            " 12 ",
            "a b",
            "12\t",
            "\u{7f}",
            "1\u{85}2",
            "\u{9f}",
            "１２３",
            "é",
            "~!",
            long.as_str(),
            too_long.as_str(),
        ] {
            assert_eq!(check_id("post id", id).is_ok(), rule(id), "{id:?}");
        }
    }
}
