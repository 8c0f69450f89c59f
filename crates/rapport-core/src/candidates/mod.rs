//! Candidate records as an HRIS or ATS holds them, and how they map onto the accounts of a corpus.
//!
//! An HRIS knows people by its own id. rapport knows accounts by platform id and handle. This module is
//! the bridge: a [`Candidate`] carries the HRIS id, optional name and stage, free-form labels and one or
//! more [`Handle`]s; [`resolve`] says which candidate is which account of a [`Corpus`] and reports
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
//! | `x_handle`, `x`, `twitter`, `twitter_handle`, `handle`, `handles` | X handles or profile URLs; a column may repeat, and a cell may hold several separated by `;` |
//! | `label.KEY` or `label:KEY` | a label `KEY` with the cell as value (empty cells are left out) |
//!
//! Any other column is **not** read (data minimisation: an export full of HR fields should not end up in
//! the store) and is listed in [`CandidateFile::ignored_columns`] so the caller sees it.
//!
//! JSON ([`read_candidates_json`]) is an array of objects (or `{"candidates": [...]}`) with the same
//! names: `hris_id` (a string or an integer), `name`, `stage`, `handles` (strings or
//! `{"platform": "x", "handle": "..."}` objects), the handle fields above (a string or an array of
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

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::corpus::{AccountIdx, Corpus};
use crate::model::{Platform, normalize_handle};

/// The longest handle X allows.
const X_HANDLE_MAX: usize = 15;

/// Path segments of x.com that are pages, not profiles.
const RESERVED: &[&str] = &[
    "i",
    "home",
    "search",
    "explore",
    "hashtag",
    "intent",
    "share",
    "settings",
    "messages",
    "notifications",
    "login",
    "logout",
    "signup",
    "tos",
    "privacy",
    "compose",
    "download",
    "jobs",
];

/// Profile tabs that may follow a handle in a profile URL (`x.com/Name/media`).
const PROFILE_TABS: &[&str] = &[
    "with_replies",
    "media",
    "likes",
    "highlights",
    "articles",
    "followers",
    "following",
    "verified_followers",
    "followers_you_follow",
    "lists",
];

/// One social handle of a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handle {
    /// The platform the handle lives on.
    #[serde(with = "platform_name")]
    pub platform: Platform,
    /// The handle without `@`, as written (X handles are case-insensitive; compare with
    /// [`Handle::key`]).
    pub handle: String,
}

impl Handle {
    /// An X handle from any of the usual shapes: `@Name`, `Name`, `https://x.com/Name`,
    /// `twitter.com/Name/`, `mobile.twitter.com/Name?lang=en`, `x.com/Name/with_replies`.
    ///
    /// ```
    /// use rapport_core::candidates::Handle;
    /// assert_eq!(Handle::parse_x("https://mobile.twitter.com/Ada_Codes/?s=20").unwrap().handle, "Ada_Codes");
    /// assert!(Handle::parse_x("https://x.com/ada/status/1").is_err());
    /// ```
    pub fn parse_x(input: &str) -> Result<Handle, HandleError> {
        parse_x_handle(input).map(|handle| Handle {
            platform: Platform::X,
            handle,
        })
    }

    /// The handle for comparison: lower case, without `@`.
    pub fn key(&self) -> String {
        normalize_handle(&self.handle)
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:@{}", self.platform.as_str(), self.handle)
    }
}

mod platform_name {
    use super::Platform;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference
    pub(super) fn serialize<S: Serializer>(p: &Platform, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Platform, D::Error> {
        let s = String::deserialize(d)?;
        super::platform_from_str(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown platform {s:?}: expected \"x\""))
        })
    }
}

fn platform_from_str(s: &str) -> Option<Platform> {
    match s.trim().to_ascii_lowercase().as_str() {
        "x" | "twitter" => Some(Platform::X),
        "other" => Some(Platform::Other),
        _ => None,
    }
}

/// Why a string is not a handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandleError {
    /// Nothing but whitespace or `@`.
    #[error("empty handle")]
    Empty,
    /// A character X does not allow in handles.
    #[error("{input:?} is not a handle: {ch:?} is not allowed (letters, digits and _ only)")]
    InvalidChar {
        /// What was given.
        input: String,
        /// The first bad character.
        ch: char,
    },
    /// Longer than X allows.
    #[error("{input:?} is not a handle: {len} characters, X allows at most 15")]
    TooLong {
        /// What was given.
        input: String,
        /// Its length in characters.
        len: usize,
    },
    /// A URL of another site.
    #[error("{input:?} is not an X profile URL: host {host:?} is neither x.com nor twitter.com")]
    OtherSite {
        /// What was given.
        input: String,
        /// The host found.
        host: String,
    },
    /// A URL of x.com with no handle in it.
    #[error("{input:?} is an X URL without a handle")]
    NoHandleInUrl {
        /// What was given.
        input: String,
    },
    /// A link to a page that is not a profile (`x.com/search`, `x.com/i/...`).
    #[error("{input:?} links to the X page /{segment}, not to a profile")]
    NotAProfile {
        /// What was given.
        input: String,
        /// The first path segment.
        segment: String,
    },
    /// A link to a post, or another page below a profile.
    #[error("{input:?} links to /{path} below a profile, not to the profile itself (a post link?)")]
    NotAProfilePath {
        /// What was given.
        input: String,
        /// The path after the handle.
        path: String,
    },
}

fn parse_x_handle(input: &str) -> Result<String, HandleError> {
    let s = input.trim();
    let lower = s.to_ascii_lowercase();
    let looks_like_url = lower.starts_with("http://")
        || lower.starts_with("https://")
        || s.contains('/')
        || lower.starts_with("x.com")
        || lower.starts_with("twitter.com")
        || lower.starts_with("www.");
    if looks_like_url {
        return parse_x_url(input, s);
    }
    check_x_handle(input, s.trim_start_matches(['@', '＠']))
}

fn check_x_handle(input: &str, h: &str) -> Result<String, HandleError> {
    if h.is_empty() {
        return Err(HandleError::Empty);
    }
    if let Some(ch) = h
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(HandleError::InvalidChar {
            input: input.to_owned(),
            ch,
        });
    }
    let len = h.chars().count();
    if len > X_HANDLE_MAX {
        return Err(HandleError::TooLong {
            input: input.to_owned(),
            len,
        });
    }
    Ok(h.to_owned())
}

fn parse_x_url(input: &str, s: &str) -> Result<String, HandleError> {
    let rest = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => s,
    };
    // Cut the query string and the fragment.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_l = host.to_ascii_lowercase();
    let bare = host_l
        .trim_start_matches("www.")
        .trim_start_matches("mobile.")
        .trim_start_matches("m.");
    if bare != "x.com" && bare != "twitter.com" {
        return Err(HandleError::OtherSite {
            input: input.to_owned(),
            host: host.to_owned(),
        });
    }
    let mut segments = path.split('/').filter(|p| !p.is_empty());
    let Some(first) = segments.next() else {
        return Err(HandleError::NoHandleInUrl {
            input: input.to_owned(),
        });
    };
    let first_l = first.to_ascii_lowercase();
    if RESERVED.contains(&first_l.as_str()) {
        return Err(HandleError::NotAProfile {
            input: input.to_owned(),
            segment: first.to_owned(),
        });
    }
    let tail: Vec<&str> = segments.collect();
    let tab_ok = match tail.as_slice() {
        [] => true,
        [tab] => PROFILE_TABS.contains(&tab.to_ascii_lowercase().as_str()),
        _ => false,
    };
    if !tab_ok {
        return Err(HandleError::NotAProfilePath {
            input: input.to_owned(),
            path: tail.join("/"),
        });
    }
    check_x_handle(input, first.trim_start_matches('@'))
}

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

    fn push_handle(&mut self, h: Handle) {
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    Stage,
    XHandle,
    Label(String),
    Ignored,
}

fn column_of(header: &str) -> Column {
    let h = header.trim().trim_start_matches('\u{feff}');
    let l = h.to_ascii_lowercase();
    match l.as_str() {
        "hris_id" => Column::Id,
        "name" => Column::Name,
        "stage" => Column::Stage,
        "x_handle" | "x" | "twitter" | "twitter_handle" | "handle" | "handles" => Column::XHandle,
        _ => {
            let key = h
                .get(..6)
                .filter(|p| p.eq_ignore_ascii_case("label.") || p.eq_ignore_ascii_case("label:"))
                .map(|_| h[6..].trim());
            match key {
                Some(k) if !k.is_empty() => Column::Label(k.to_owned()),
                _ => Column::Ignored,
            }
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Reads candidates from CSV (see the [module docs](self) for the columns). `name` names the source in
/// errors.
pub fn read_candidates_csv<R: std::io::Read>(
    reader: R,
    name: &str,
) -> Result<CandidateFile, CandidateError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| CandidateError::Format {
            file: name.to_owned(),
            message: e.to_string(),
        })?
        .clone();
    let columns: Vec<Column> = headers.iter().map(column_of).collect();
    if !columns.contains(&Column::Id) {
        return Err(CandidateError::MissingIdColumn {
            file: name.to_owned(),
            found: headers.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut ignored: Vec<String> = Vec::new();
    for (h, c) in headers.iter().zip(&columns) {
        if *c == Column::Ignored && !ignored.iter().any(|i| i == h) {
            ignored.push(h.to_owned());
        }
    }

    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(csv::Position::line);
                errors.push(RowError {
                    line,
                    path: None,
                    column: None,
                    message: e.to_string(),
                });
                // A malformed record (wrong field count) is one bad row; an I/O or UTF-8 error ends
                // the file.
                if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        let row_err = |column: &str, message: String| RowError {
            line: Some(line),
            path: None,
            column: Some(column.to_owned()),
            message,
        };
        let mut c = Candidate::default();
        let mut bad = false;
        for ((cell, col), header) in record.iter().zip(&columns).zip(headers.iter()) {
            match col {
                Column::Id => cell.trim().clone_into(&mut c.hris_id),
                Column::Name => c.name = non_empty(cell),
                Column::Stage => c.stage = non_empty(cell),
                Column::Label(k) => {
                    if let Some(v) = non_empty(cell) {
                        c.labels.insert(k.clone(), v);
                    }
                }
                Column::XHandle => {
                    for piece in cell.split(';').filter(|p| !p.trim().is_empty()) {
                        match Handle::parse_x(piece) {
                            Ok(h) => c.push_handle(h),
                            Err(e) => {
                                bad = true;
                                errors.push(row_err(header, e.to_string()));
                            }
                        }
                    }
                }
                Column::Ignored => {}
            }
        }
        if c.hris_id.is_empty() {
            errors.push(row_err("hris_id", "empty hris_id".into()));
            continue;
        }
        if let Some(first) = seen.get(&c.hris_id) {
            errors.push(row_err(
                "hris_id",
                format!("hris_id {:?} already used on line {first}", c.hris_id),
            ));
            continue;
        }
        seen.insert(c.hris_id.clone(), line);
        if !bad {
            out.push(c);
        }
    }
    if !errors.is_empty() {
        return Err(CandidateError::Rows {
            file: name.to_owned(),
            errors,
        });
    }
    Ok(CandidateFile {
        candidates: out,
        ignored_columns: ignored,
    })
}

/// Reads candidates from JSON (see the [module docs](self) for the fields). `name` names the source in
/// errors.
///
/// ```
/// use rapport_core::candidates::read_candidates_json;
/// let json = r#"[{"hris_id": 17, "handles": ["@ada", {"platform": "x", "handle": "x.com/ada2"}],
///                 "labels": {"req": 4411}}]"#;
/// let f = read_candidates_json(json, "c.json").unwrap();
/// assert_eq!(f.candidates[0].hris_id, "17");
/// assert_eq!(f.candidates[0].handles[1].handle, "ada2");
/// assert_eq!(f.candidates[0].labels["req"], "4411");
/// ```
pub fn read_candidates_json(text: &str, name: &str) -> Result<CandidateFile, CandidateError> {
    let v: Value = serde_json::from_str(text).map_err(|e| CandidateError::Format {
        file: name.to_owned(),
        message: format!(
            "invalid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ),
    })?;
    let (items, prefix) = match v {
        Value::Array(a) => (a, "$".to_owned()),
        Value::Object(mut o) => match o.remove("candidates") {
            Some(Value::Array(a)) => (a, "$.candidates".to_owned()),
            _ => {
                return Err(CandidateError::Format {
                    file: name.to_owned(),
                    message: "expected an array of candidates or {\"candidates\": [...]}".into(),
                });
            }
        },
        other => {
            return Err(CandidateError::Format {
                file: name.to_owned(),
                message: format!(
                    "expected an array of candidates, found {}",
                    json_kind(&other)
                ),
            });
        }
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{prefix}[{i}]");
        let err = |field: &str, path: String, message: String| RowError {
            line: None,
            path: Some(path),
            column: Some(field.to_owned()),
            message,
        };
        let Value::Object(obj) = item else {
            errors.push(RowError {
                line: None,
                path: Some(at.clone()),
                column: None,
                message: format!("expected an object, found {}", json_kind(item)),
            });
            continue;
        };
        let before = errors.len();
        let mut c = Candidate::default();
        for (k, val) in obj {
            let path = format!("{at}.{k}");
            match column_of(k) {
                Column::Id => match val {
                    Value::String(s) => s.trim().clone_into(&mut c.hris_id),
                    Value::Number(n) => c.hris_id = n.to_string(),
                    other => errors.push(err(
                        k,
                        path,
                        format!("expected a string or integer, found {}", json_kind(other)),
                    )),
                },
                Column::Name | Column::Stage => {
                    let slot = if column_of(k) == Column::Name {
                        &mut c.name
                    } else {
                        &mut c.stage
                    };
                    match val {
                        Value::Null => {}
                        Value::String(s) => *slot = non_empty(s),
                        other => errors.push(err(
                            k,
                            path,
                            format!("expected a string, found {}", json_kind(other)),
                        )),
                    }
                }
                Column::XHandle => json_handles(k, val, &path, &mut c, &mut errors),
                Column::Label(_) | Column::Ignored if k == "labels" => {
                    json_labels(val, &path, &mut c, &mut errors);
                }
                Column::Label(key) => match label_value(val) {
                    Some(Some(v)) => {
                        c.labels.insert(key, v);
                    }
                    Some(None) => {}
                    None => errors.push(err(
                        k,
                        path,
                        format!("expected a string or number, found {}", json_kind(val)),
                    )),
                },
                Column::Ignored => {
                    if !ignored.iter().any(|x| x == k) {
                        ignored.push(k.clone());
                    }
                }
            }
        }
        if c.hris_id.is_empty() && errors.len() == before {
            errors.push(err(
                "hris_id",
                format!("{at}.hris_id"),
                "missing or empty hris_id".into(),
            ));
        }
        if errors.len() != before {
            continue;
        }
        if let Some(first) = seen.get(&c.hris_id) {
            errors.push(err(
                "hris_id",
                format!("{at}.hris_id"),
                format!("hris_id {:?} already used at {first}", c.hris_id),
            ));
            continue;
        }
        seen.insert(c.hris_id.clone(), at);
        out.push(c);
    }
    if !errors.is_empty() {
        return Err(CandidateError::Rows {
            file: name.to_owned(),
            errors,
        });
    }
    Ok(CandidateFile {
        candidates: out,
        ignored_columns: ignored,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `Some(Some(v))` for a usable label value, `Some(None)` for null or empty, `None` for a bad type.
#[allow(clippy::option_option)] // three outcomes, each handled at the two call sites
fn label_value(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(non_empty(s)),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

fn json_labels(val: &Value, path: &str, c: &mut Candidate, errors: &mut Vec<RowError>) {
    let Value::Object(o) = val else {
        if !val.is_null() {
            errors.push(RowError {
                line: None,
                path: Some(path.to_owned()),
                column: Some("labels".into()),
                message: format!("expected an object, found {}", json_kind(val)),
            });
        }
        return;
    };
    for (k, v) in o {
        match label_value(v) {
            Some(Some(s)) => {
                c.labels.insert(k.clone(), s);
            }
            Some(None) => {}
            None => errors.push(RowError {
                line: None,
                path: Some(format!("{path}.{k}")),
                column: Some("labels".into()),
                message: format!("expected a string or number, found {}", json_kind(v)),
            }),
        }
    }
}

fn json_handles(
    field: &str,
    val: &Value,
    path: &str,
    c: &mut Candidate,
    errors: &mut Vec<RowError>,
) {
    let mut push_err = |p: String, message: String| {
        errors.push(RowError {
            line: None,
            path: Some(p),
            column: Some(field.to_owned()),
            message,
        });
    };
    let one =
        |v: &Value, p: String, c: &mut Candidate, push_err: &mut dyn FnMut(String, String)| match v
        {
            Value::String(s) => {
                for piece in s.split(';').filter(|x| !x.trim().is_empty()) {
                    match Handle::parse_x(piece) {
                        Ok(h) => c.push_handle(h),
                        Err(e) => push_err(p.clone(), e.to_string()),
                    }
                }
            }
            Value::Object(o) => {
                let platform = match o.get("platform") {
                    None | Some(Value::Null) => Some(Platform::X),
                    Some(Value::String(s)) => platform_from_str(s),
                    Some(_) => None,
                };
                let Some(platform) = platform else {
                    push_err(
                        format!("{p}.platform"),
                        "unknown platform: expected \"x\"".into(),
                    );
                    return;
                };
                let Some(Value::String(h)) = o.get("handle") else {
                    push_err(format!("{p}.handle"), "expected a string \"handle\"".into());
                    return;
                };
                let parsed = if platform == Platform::X {
                    Handle::parse_x(h)
                } else {
                    let t = h.trim().trim_start_matches('@');
                    if t.is_empty() {
                        Err(HandleError::Empty)
                    } else {
                        Ok(Handle {
                            platform,
                            handle: t.to_owned(),
                        })
                    }
                };
                match parsed {
                    Ok(h) => c.push_handle(h),
                    Err(e) => push_err(format!("{p}.handle"), e.to_string()),
                }
            }
            Value::Null => {}
            other => push_err(
                p,
                format!(
                    "expected a handle string or object, found {}",
                    json_kind(other)
                ),
            ),
        };
    match val {
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                one(v, format!("{path}[{i}]"), c, &mut push_err);
            }
        }
        v => one(v, path.to_owned(), c, &mut push_err),
    }
}

/// A candidate's handle found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateAccount {
    /// The candidate.
    pub hris_id: String,
    /// The handle as the HRIS gave it.
    pub handle: Handle,
    /// The account's platform id (empty when the corpus only knows the handle).
    pub account_id: String,
    /// The account's index in the corpus it was resolved against.
    pub account_idx: AccountIdx,
}

/// A candidate's handle the corpus does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownHandle {
    /// The candidate.
    pub hris_id: String,
    /// The handle as the HRIS gave it.
    pub handle: String,
    /// Its platform.
    #[serde(with = "platform_name")]
    pub platform: Platform,
}

/// One account claimed by more than one candidate (a data-entry error in the HRIS, usually).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedAccount {
    /// The account's index.
    pub account_idx: AccountIdx,
    /// Its handle (or id).
    pub handle: String,
    /// Every candidate claiming it, in input order.
    pub hris_ids: Vec<String>,
}

/// Which candidates are which accounts of a corpus.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Resolution {
    /// Every (candidate, handle) pair found, in input order.
    pub matched: Vec<CandidateAccount>,
    /// Every handle not found, in input order.
    pub unknown: Vec<UnknownHandle>,
    /// Candidates without any handle.
    pub without_handles: Vec<String>,
    /// Accounts claimed by two or more candidates.
    pub shared: Vec<SharedAccount>,
}

impl Resolution {
    /// The accounts of one candidate.
    pub fn accounts_of<'a>(&'a self, hris_id: &'a str) -> impl Iterator<Item = AccountIdx> + 'a {
        self.matched
            .iter()
            .filter(move |m| m.hris_id == hris_id)
            .map(|m| m.account_idx)
    }

    /// The candidates an account belongs to (usually one).
    pub fn candidates_of(&self, account: AccountIdx) -> impl Iterator<Item = &str> + '_ {
        self.matched
            .iter()
            .filter(move |m| m.account_idx == account)
            .map(|m| m.hris_id.as_str())
    }

    /// Whether every candidate has at least one handle and every handle was found.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.without_handles.is_empty()
    }
}

/// Maps candidates onto the accounts of `corpus` by handle (case-insensitive, same platform).
///
/// Nothing is dropped: a handle that is not in the corpus lands in [`Resolution::unknown`], a candidate
/// without handles in [`Resolution::without_handles`], and an account claimed twice in
/// [`Resolution::shared`].
pub fn resolve(corpus: &Corpus, candidates: &[Candidate]) -> Resolution {
    let mut r = Resolution::default();
    let mut claims: BTreeMap<AccountIdx, Vec<String>> = BTreeMap::new();
    for c in candidates {
        if c.handles.is_empty() {
            r.without_handles.push(c.hris_id.clone());
            continue;
        }
        for h in &c.handles {
            let found = corpus
                .account_by_handle(&h.handle)
                .filter(|a| a.platform() == h.platform);
            match found {
                Some(a) => {
                    let ids = claims.entry(a.idx()).or_default();
                    if !ids.contains(&c.hris_id) {
                        ids.push(c.hris_id.clone());
                    }
                    r.matched.push(CandidateAccount {
                        hris_id: c.hris_id.clone(),
                        handle: h.clone(),
                        account_id: a.id().to_owned(),
                        account_idx: a.idx(),
                    });
                }
                None => r.unknown.push(UnknownHandle {
                    hris_id: c.hris_id.clone(),
                    handle: h.handle.clone(),
                    platform: h.platform,
                }),
            }
        }
    }
    for (idx, ids) in claims {
        if ids.len() > 1 {
            r.shared.push(SharedAccount {
                account_idx: idx,
                handle: corpus.account(idx).handle_or_id().to_owned(),
                hris_ids: ids,
            });
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Account;

    fn x(s: &str) -> Result<String, HandleError> {
        Handle::parse_x(s).map(|h| h.handle)
    }

    #[test]
    fn handle_shapes_all_normalise_to_the_handle() {
        for input in [
            "Ada_Codes",
            "@Ada_Codes",
            "  @Ada_Codes  ",
            "＠Ada_Codes",
            "https://x.com/Ada_Codes",
            "http://x.com/Ada_Codes",
            "https://www.x.com/Ada_Codes",
            "x.com/Ada_Codes",
            "twitter.com/Ada_Codes/",
            "https://twitter.com/Ada_Codes/",
            "https://mobile.twitter.com/Ada_Codes",
            "mobile.twitter.com/Ada_Codes?lang=en",
            "https://x.com/Ada_Codes?s=21&t=abc",
            "https://x.com/Ada_Codes/?s=21",
            "https://x.com/Ada_Codes#top",
            "HTTPS://X.COM/Ada_Codes",
            "https://x.com/Ada_Codes/with_replies",
            "https://x.com/@Ada_Codes",
        ] {
            assert_eq!(x(input).as_deref(), Ok("Ada_Codes"), "input {input:?}");
        }
        // Case is kept as written; the key is lower case.
        assert_eq!(Handle::parse_x("@ADA_codes").unwrap().key(), "ada_codes");
        // 15 characters is the longest X allows.
        assert_eq!(x("abcdefghij12345").as_deref(), Ok("abcdefghij12345"));
    }

    #[test]
    fn what_is_not_a_handle_is_refused_with_a_reason() {
        assert_eq!(x(""), Err(HandleError::Empty));
        assert_eq!(x("  @ "), Err(HandleError::Empty));
        assert!(matches!(
            x("Ada Lovelace"),
            Err(HandleError::InvalidChar { ch: ' ', .. })
        ));
        assert!(matches!(
            x("ada.codes"),
            Err(HandleError::InvalidChar { ch: '.', .. })
        ));
        assert!(matches!(
            x("ada@example.com"),
            Err(HandleError::InvalidChar { ch: '@', .. })
        ));
        assert!(matches!(
            x("abcdefghij123456"),
            Err(HandleError::TooLong { len: 16, .. })
        ));
        assert!(matches!(
            x("https://www.linkedin.com/in/ada"),
            Err(HandleError::OtherSite { ref host, .. }) if host == "www.linkedin.com"
        ));
        assert!(matches!(
            x("https://x.com/"),
            Err(HandleError::NoHandleInUrl { .. })
        ));
        assert!(matches!(
            x("https://x.com?lang=en"),
            Err(HandleError::NoHandleInUrl { .. })
        ));
        assert!(matches!(
            x("https://x.com/search?q=rust"),
            Err(HandleError::NotAProfile { ref segment, .. }) if segment == "search"
        ));
        assert!(matches!(
            x("https://x.com/i/lists/123"),
            Err(HandleError::NotAProfile { .. })
        ));
        assert!(matches!(
            x("https://twitter.com/ada/status/1790000000000000000"),
            Err(HandleError::NotAProfilePath { ref path, .. }) if path == "status/1790000000000000000"
        ));
        let msg = x("https://x.com/ada/status/1").unwrap_err().to_string();
        assert!(msg.contains("post link"), "{msg}");
    }

    #[test]
    fn csv_with_repeated_and_split_handle_columns_and_labels() {
        let csv = "\u{feff}hris_id,Name,x_handle,twitter,stage,label.team,label:req,salary\n\
                   E1,Ada Lovelace,@Ada_Codes,https://twitter.com/ada_alt/,screen,platform,R-1,100\n\
                   E2,,x.com/bob;@bob2 ; ,@BOB,,,,\n\
                   E3,Cy,,,applied,,,\n";
        let f = read_candidates_csv(csv.as_bytes(), "c.csv").unwrap();
        assert_eq!(f.ignored_columns, vec!["salary".to_owned()]);
        assert_eq!(f.candidates.len(), 3);
        let ada = &f.candidates[0];
        assert_eq!(ada.hris_id, "E1");
        assert_eq!(ada.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(ada.stage.as_deref(), Some("screen"));
        let hs: Vec<&str> = ada.handles.iter().map(|h| h.handle.as_str()).collect();
        assert_eq!(hs, ["Ada_Codes", "ada_alt"]);
        assert_eq!(ada.labels.len(), 2);
        assert_eq!(ada.labels["team"], "platform");
        assert_eq!(ada.labels["req"], "R-1");
        // "x.com/bob;@bob2 ; " gives bob and bob2; "@BOB" is bob again (case-insensitive), kept once.
        let bob = &f.candidates[1];
        let hs: Vec<&str> = bob.handles.iter().map(|h| h.handle.as_str()).collect();
        assert_eq!(hs, ["bob", "bob2"]);
        assert_eq!(bob.name, None);
        assert!(bob.labels.is_empty());
        assert!(f.candidates[2].handles.is_empty());
    }

    #[test]
    fn csv_bad_rows_are_all_reported_with_their_lines() {
        // Line 1 is the header. Line 2 is fine; 3 has a post link; 4 an empty id; 5 repeats E1;
        // 6 has a wrong number of fields; 7 has a bad handle among good ones.
        let csv = "hris_id,x_handle\n\
                   E1,@ada\n\
                   E2,https://x.com/bob/status/12\n\
                   ,@cy\n\
                   E1,@dee\n\
                   E5,@eve,extra\n\
                   E6,@fay;not a handle\n";
        let err = read_candidates_csv(csv.as_bytes(), "people.csv").unwrap_err();
        let CandidateError::Rows { file, errors } = &err else {
            panic!("{err}")
        };
        assert_eq!(file, "people.csv");
        let lines: Vec<u64> = errors.iter().map(|e| e.line.unwrap()).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7]);
        assert_eq!(errors[0].column.as_deref(), Some("x_handle"));
        assert!(errors[2].message.contains("already used on line 2"));
        let text = err.to_string();
        assert!(text.starts_with("people.csv: 5 bad row(s): line 3, column x_handle"));
    }

    #[test]
    fn csv_without_id_column_names_the_columns_found() {
        let err = read_candidates_csv("id,x_handle\n1,@a\n".as_bytes(), "c.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.csv: no hris_id column (found: id,x_handle)"
        );
    }

    #[test]
    fn json_shapes_and_errors() {
        let ok = r#"{"candidates": [
            {"hris_id": "E1", "name": "Ada", "x_handle": ["@ada", "x.com/ada_alt"], "stage": "screen",
             "labels": {"team": "platform", "level": 3, "remote": true, "gone": null}, "ssn": "x"},
            {"hris_id": 2, "handles": [{"platform": "twitter", "handle": "https://twitter.com/bob/"}]}
        ]}"#;
        let f = read_candidates_json(ok, "c.json").unwrap();
        assert_eq!(f.ignored_columns, ["ssn"]);
        assert_eq!(f.candidates[0].handles.len(), 2);
        assert_eq!(f.candidates[0].labels.len(), 3);
        assert_eq!(f.candidates[0].labels["level"], "3");
        assert_eq!(f.candidates[1].hris_id, "2");
        assert_eq!(f.candidates[1].handles[0].handle, "bob");

        // $[0] has a page link for a handle, $[1] no id, $[2] an unknown platform, $[4] repeats the
        // id of $[3], $[5] is not an object.
        let bad = r#"[{"hris_id": "E1", "handles": ["@ok", "x.com/i/flow"]},
                      {"name": "no id"},
                      {"hris_id": "E3", "handles": [{"platform": "mastodon", "handle": "a"}]},
                      {"hris_id": "E7"},
                      {"hris_id": "E7"},
                      7]"#;
        let err = read_candidates_json(bad, "c.json").unwrap_err();
        let CandidateError::Rows { errors, .. } = &err else {
            panic!("{err}")
        };
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_deref().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "$[0].handles[1]",
                "$[1].hris_id",
                "$[2].handles[0].platform",
                "$[4].hris_id",
                "$[5]"
            ]
        );
        assert!(errors[3].message.contains("already used at $[3]"));
        assert!(errors[4].message.contains("found a number"));

        let err = read_candidates_json("[{\"hris_id\": \n\"E1\",]", "c.json").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn resolve_reports_unknown_missing_and_shared() {
        let mut corpus = Corpus::new();
        corpus.add_account(Account::new("1", "Ada_Codes"));
        corpus.add_account(Account::new("2", "bob"));
        let mut other = Account::new("3", "cy");
        other.platform = Platform::Other;
        corpus.add_account(other);

        let mut e1 = Candidate::new("E1");
        e1.handles = vec![
            Handle::parse_x("@ada_codes").unwrap(),
            Handle::parse_x("ada_old").unwrap(),
        ];
        let mut e2 = Candidate::new("E2");
        e2.handles = vec![Handle::parse_x("BOB").unwrap()];
        let mut e3 = Candidate::new("E3");
        e3.handles = vec![Handle::parse_x("x.com/bob").unwrap()];
        let mut e4 = Candidate::new("E4");
        // An X handle "cy" must not match the account "cy" of another platform.
        e4.handles = vec![Handle::parse_x("cy").unwrap()];
        let e5 = Candidate::new("E5");

        let r = resolve(&corpus, &[e1, e2, e3, e4, e5]);
        let m: Vec<(&str, &str)> = r
            .matched
            .iter()
            .map(|m| (m.hris_id.as_str(), m.account_id.as_str()))
            .collect();
        assert_eq!(m, [("E1", "1"), ("E2", "2"), ("E3", "2")]);
        let u: Vec<(&str, &str)> = r
            .unknown
            .iter()
            .map(|u| (u.hris_id.as_str(), u.handle.as_str()))
            .collect();
        assert_eq!(u, [("E1", "ada_old"), ("E4", "cy")]);
        assert_eq!(r.without_handles, ["E5"]);
        assert_eq!(r.shared.len(), 1);
        assert_eq!(r.shared[0].hris_ids, ["E2", "E3"]);
        assert!(!r.is_complete());
        let bob = corpus.account_by_id("2").unwrap().idx();
        assert_eq!(r.candidates_of(bob).collect::<Vec<_>>(), ["E2", "E3"]);
        assert_eq!(r.accounts_of("E1").count(), 1);
    }

    #[test]
    fn candidate_serde_round_trip() {
        let mut c = Candidate::new("E1");
        c.handles.push(Handle::parse_x("@Ada").unwrap());
        c.labels.insert("team".into(), "core".into());
        let j = serde_json::to_string(&c).unwrap();
        assert!(j.contains(r#""platform":"x""#), "{j}");
        let back: Candidate = serde_json::from_str(&j).unwrap();
        assert_eq!(back, c);
    }
}
