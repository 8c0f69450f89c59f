//! Candidate records as an HRIS or ATS holds them, and how they map onto the accounts of a corpus.
//!
//! An HRIS knows people by its own id. rapport knows accounts by platform id and handle. This module is
//! the bridge: a [`Candidate`] carries the HRIS id, optional name and stage, free-form labels and one or
//! more [`Handle`]s; [`resolve`] says which candidate is which account of a [`Corpus`](crate::Corpus) and reports
//! every handle it could not find, so nothing is dropped silently.
//!
//! Handles arrive in every shape people paste them in: `@Name`, `Name`, `https://x.com/Name`,
//! `twitter.com/Name/`, `mobile.twitter.com/Name?lang=en`. [`Handle::parse_x`] accepts all of them and
//! refuses, with a reason, what is not a profile (a post link, another site, a name with spaces).
//!
//! # Files
//!
//! CSV ([`read_candidates_csv`]) has a header row. Column names are matched case-insensitively:
//!
//! | column | meaning |
//! |---|---|
//! | `hris_id` | required, unique, non-empty: the HRIS's own id |
//! | `name` | optional display name |
//! | `stage` | optional pipeline stage, kept as written |
//! | `x_handle`, `x`, `twitter`, `twitter_handle` | X handles or profile URLs; a column may repeat, and a cell may hold several separated by `;` |
//! | `bluesky`, `bluesky_handle`, `bsky`, `bsky_handle` | Bluesky handles (`ada.bsky.social`), DIDs or `https://bsky.app/profile/...` URLs, the same way |
//! | `handle`, `handles` | handles of either platform, told apart by shape ([`Handle::parse`]: a dotted name, a DID or a `bsky.app` URL is Bluesky) |
//! | `label.KEY` or `label:KEY` | a label `KEY` with the cell as value (empty cells are left out) |
//!
//! Any other column is **not** read (data minimisation: an export full of HR fields should not end up in
//! the store) and is listed in [`CandidateFile::ignored_columns`] so the caller sees it.
//!
//! JSON ([`read_candidates_json`]) is an array of objects (or `{"candidates": [...]}`) with the same
//! names: `hris_id` (a string or an integer), `name`, `stage`, `handles` (strings or
//! `{"platform": "x" | "bluesky", "handle": "..."}` objects), the handle fields above (a string or an array of
//! strings), and `labels` (an object of strings, numbers or booleans).
//!
//! Errors name the file, the line (CSV) or the JSON path, the column and what was wrong; a file with
//! bad rows is refused as a whole, listing every bad row.
//!
//! ```
//! use rapport_core::candidates::{read_candidates_csv, resolve};
//! use rapport_core::{Account, Corpus};
//!
//! let csv = "hris_id,name,x_handle,stage,label.team\n\
//!            E1,Ada,@Ada_Codes,screen,platform\n\
//!            E2,Bob,https://x.com/bob_builds?s=20;@bob_alt,applied,\n";
//! let file = read_candidates_csv(csv.as_bytes(), "candidates.csv").unwrap();
//! assert_eq!(file.candidates[1].handles.len(), 2);
//!
//! let mut corpus = Corpus::new();
//! corpus.add_account(Account::new("42", "ada_codes"));
//! corpus.add_account(Account::new("43", "Bob_Builds"));
//! let r = resolve(&corpus, &file.candidates);
//! assert_eq!(r.matched.len(), 2);
//! assert_eq!(r.unknown.len(), 1); // @bob_alt is not in the corpus
//! assert_eq!(r.unknown[0].handle, "bob_alt");
//! ```
//!
//! Inside, one job per file: `handle` parses and checks handles, `columns` names the columns and
//! fields both formats share, `csv_file` and `json_file` read the two formats, `resolve` maps
//! candidates onto a corpus.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

mod columns;
mod csv_file;
mod handle;
mod json_file;
mod resolve;
#[cfg(test)]
mod tests;

pub use csv_file::read_candidates_csv;
pub use handle::{Handle, HandleError};
pub use json_file::read_candidates_json;
pub use resolve::{CandidateAccount, Resolution, SharedAccount, UnknownHandle, resolve};

/// A person as the HRIS knows them.
///
/// ```
/// use rapport_core::candidates::{Candidate, Handle};
/// let mut c = Candidate::new("E-17");
/// c.handles.push(Handle::parse_x("@Ada_Codes").unwrap());
/// c.stage = Some("interview".into());
/// assert_eq!(c.handles[0].key(), "ada_codes");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Candidate {
    /// The HRIS's own id: the key of every result about this person.
    pub hris_id: String,
    /// The name, when the HRIS gives it (never used to score).
    #[serde(default)]
    pub name: Option<String>,
    /// The person's handles, at most one entry per distinct handle.
    #[serde(default)]
    pub handles: Vec<Handle>,
    /// The pipeline stage as the HRIS names it.
    #[serde(default)]
    pub stage: Option<String>,
    /// Free-form labels (team, requisition, source…). Never passed to a scorer.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl Candidate {
    /// A candidate with an HRIS id and nothing else.
    pub fn new(hris_id: impl Into<String>) -> Self {
        Candidate {
            hris_id: hris_id.into(),
            ..Candidate::default()
        }
    }

    pub(super) fn push_handle(&mut self, h: Handle) {
        if !self
            .handles
            .iter()
            .any(|o| o.platform == h.platform && o.key() == h.key())
        {
            self.handles.push(h);
        }
    }
}

/// Candidates read from a file, with what was not read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CandidateFile {
    /// The candidates, in file order.
    pub candidates: Vec<Candidate>,
    /// Columns (CSV) or fields (JSON) that are not candidate data and were left out, each once.
    pub ignored_columns: Vec<String>,
}

/// One bad row (CSV) or element (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The CSV line (1-based, the header is line 1), when reading CSV.
    pub line: Option<u64>,
    /// The JSON path (`$[2].handles[0]`), when reading JSON.
    pub path: Option<String>,
    /// The column or field.
    pub column: Option<String>,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}")?;
        }
        if let Some(p) = &self.path {
            write!(f, "{p}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a candidate file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CandidateError {
    /// The file could not be read or is not CSV / JSON at all.
    #[error("{file}: {message}")]
    Format {
        /// The file name given by the caller.
        file: String,
        /// What went wrong, with the position when known.
        message: String,
    },
    /// The header has no `hris_id` column.
    #[error("{file}: no hris_id column (found: {found})")]
    MissingIdColumn {
        /// The file name.
        file: String,
        /// The columns found, comma-separated.
        found: String,
    },
    /// Some rows are bad; every bad row is listed.
    #[error("{file}: {} bad row(s): {}", errors.len(), join_errors(errors))]
    Rows {
        /// The file name.
        file: String,
        /// Each bad row.
        errors: Vec<RowError>,
    },
}

fn join_errors(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
