//! Importers: files on disk → a [`Corpus`].
//!
//! | format | function | notes |
//! |---|---|---|
//! | twarc2 JSONL: one API page per line (`__twarc` metadata), stream messages, or flattened tweets (`twarc2 flatten`) | [`import_jsonl`], [`import_jsonl_reader`] | streamed one line at a time |
//! | one API v2 response (`.json`, pretty-printed or not) | [`import_response_file`] | |
//! | the X account archive (`.zip` or unpacked folder, `data/tweets.js` + parts, owner from `data/account.js`) | [`import_archive`] | |
//! | X batch compliance results (`{"id", "action", "reason", …}` per line) | the JSONL functions | events in [`ImportReport::compliance`] |
//! | any of the above | [`import_path`] | picks by content |
//!
//! **Strict** mode (the default) stops at the first bad line with a [`TwitterError`] naming the file, the
//! 1-based line, the JSON path and what was expected. **Lenient** mode skips the bad line (or the bad
//! tweet or user of a page), records it in [`ImportReport::skipped`], counts it per [`SkipReason`] in
//! [`ImportReport::skip_counts`] and goes on. Either way nothing panics on bad input; blank lines, a UTF-8
//! BOM and CRLF line ends are accepted; a line longer than [`ImportOptions::max_line_bytes`] is
//! reported without being held in memory.
//!
//! Partial errors of the pages (deleted, suspended, protected, withheld items) are data, not failures:
//! they are kept in [`ImportReport::partial_errors`] and classified by
//! [`Problem::outcome`](crate::models::Problem::outcome).

mod archive;
mod fast;
mod follows;
mod jsonl;
mod lists;
pub(crate) mod lite;

pub use archive::import_archive;

/// Parses one JSON document with the import's hand-written parser and with serde, and compares
/// them: `Ok(true)` when the hand-written parser answered and agrees with serde, `Ok(false)` when it
/// left the document to serde, `Err` (showing both) when they differ. For the tests of the crates
/// that generate corpora; not part of the API.
#[doc(hidden)]
pub fn fast_parse_agrees(text: &str) -> Result<bool, String> {
    fast::agrees(text)
}
pub use jsonl::{
    ParseOnlyStats, import_jsonl, import_jsonl_reader, import_response_file, parse_jsonl_only,
};

use crate::TwitterError;
use crate::convert::ConvertStats;
use crate::models::Problem;
use rapport_core::compliance::ComplianceEvent;
use rapport_core::{Account, Corpus};
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// How to import.
///
/// ```
/// use rapport_twitter::import::ImportOptions;
/// let o = ImportOptions::lenient().with_max_line_bytes(1 << 20).with_max_entry_bytes(1 << 30);
/// assert!(!o.strict);
/// assert!(ImportOptions::default().strict);
/// assert_eq!(ImportOptions::default().max_compression_ratio, 200);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    /// Stop at the first bad line (`true`, the default) or skip and report bad lines (`false`).
    pub strict: bool,
    /// The longest line accepted, in bytes (default 64 MiB). Longer lines are an error (strict) or
    /// skipped (lenient), and are never held in memory whole.
    pub max_line_bytes: usize,
    /// The largest archive file read, in bytes once uncompressed (default 2 GiB): a zip entry or a
    /// file of an unpacked archive. A larger one is an error before anything is read.
    pub max_entry_bytes: u64,
    /// The largest compression ratio (uncompressed / compressed size) of a zip entry over 1 MiB
    /// (default 200; text compresses 5-20 times). A higher ratio is a zip bomb: an error before the
    /// entry is inflated, and the inflating stops as soon as the bytes read pass the ratio, whatever
    /// the zip declares.
    pub max_compression_ratio: u64,
    /// Threads that parse JSONL lines (default 0: the `RAPPORT_THREADS` environment variable when
    /// set, else every core). With several, one thread converts a batch of lines and adds it to the
    /// corpus in file order while the others parse the next batch (and the first joins them when it
    /// is done); the calling thread reads the input, so the reader need not be `Send`. The result
    /// (duplicates, "a later copy wins", skipped lines, errors) is the same whatever the number.
    /// The workspace's `.cargo/config.toml` sets `RAPPORT_THREADS=1` for
    /// `cargo test`.
    pub threads: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            strict: true,
            max_line_bytes: 64 << 20,
            max_entry_bytes: 2 << 30,
            max_compression_ratio: 200,
            threads: 0,
        }
    }
}

impl ImportOptions {
    /// Strict mode with the default line limit.
    pub fn strict() -> Self {
        ImportOptions::default()
    }

    /// Lenient mode with the default line limit.
    pub fn lenient() -> Self {
        ImportOptions {
            strict: false,
            ..ImportOptions::default()
        }
    }

    /// The same options with another line limit.
    #[must_use]
    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    /// The same options with another archive entry size limit.
    #[must_use]
    pub fn with_max_entry_bytes(mut self, max: u64) -> Self {
        self.max_entry_bytes = max;
        self
    }

    /// The same options with another number of threads (0: `RAPPORT_THREADS`, else every core).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The number of threads an import uses: [`threads`](Self::threads) when set, else the
    /// `RAPPORT_THREADS` environment variable when it is a positive number, else every core.
    ///
    /// ```
    /// use rapport_twitter::import::ImportOptions;
    /// assert_eq!(ImportOptions::default().with_threads(3).effective_threads(), 3);
    /// assert!(ImportOptions::default().effective_threads() >= 1);
    /// ```
    pub fn effective_threads(&self) -> usize {
        if self.threads > 0 {
            return self.threads;
        }
        std::env::var("RAPPORT_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// The same options with another compression ratio limit.
    #[must_use]
    pub fn with_max_compression_ratio(mut self, max: u64) -> Self {
        self.max_compression_ratio = max;
        self
    }
}

/// Why lenient mode skipped something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// Not the JSON expected: a syntax error, a truncated line, invalid UTF-8, a wrong type, a bad
    /// timestamp, an object of no known shape.
    Malformed,
    /// A line over [`ImportOptions::max_line_bytes`].
    LineTooLong,
    /// An X API error response instead of data.
    ErrorDocument,
    /// A tweet without `author_id`.
    NoAuthor,
    /// A tweet without `created_at` and without a snowflake id.
    NoTime,
    /// A tweet or user with an empty or unusable id.
    InvalidId,
    /// A copy of a tweet whose author or creation time disagrees with the first copy (kept).
    ConflictingCopy,
    /// A compliance line with no id or an unknown action.
    BadComplianceEvent,
}

/// How many things lenient mode skipped, per [`SkipReason`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_field_names)]
pub struct SkipCounts {
    /// [`SkipReason::Malformed`].
    pub malformed: u64,
    /// [`SkipReason::LineTooLong`].
    pub line_too_long: u64,
    /// [`SkipReason::ErrorDocument`].
    pub error_document: u64,
    /// [`SkipReason::NoAuthor`].
    pub no_author: u64,
    /// [`SkipReason::NoTime`].
    pub no_time: u64,
    /// [`SkipReason::InvalidId`].
    pub invalid_id: u64,
    /// [`SkipReason::ConflictingCopy`].
    pub conflicting_copy: u64,
    /// [`SkipReason::BadComplianceEvent`].
    pub bad_compliance_event: u64,
}

impl SkipCounts {
    /// Counts one more skip for `reason`.
    pub fn add(&mut self, reason: SkipReason) {
        let n = match reason {
            SkipReason::Malformed => &mut self.malformed,
            SkipReason::LineTooLong => &mut self.line_too_long,
            SkipReason::ErrorDocument => &mut self.error_document,
            SkipReason::NoAuthor => &mut self.no_author,
            SkipReason::NoTime => &mut self.no_time,
            SkipReason::InvalidId => &mut self.invalid_id,
            SkipReason::ConflictingCopy => &mut self.conflicting_copy,
            SkipReason::BadComplianceEvent => &mut self.bad_compliance_event,
        };
        *n += 1;
    }

    /// All skips.
    pub fn total(&self) -> u64 {
        self.malformed
            + self.line_too_long
            + self.error_document
            + self.no_author
            + self.no_time
            + self.invalid_id
            + self.conflicting_copy
            + self.bad_compliance_event
    }
}

/// A line, a tweet or user of a page, or an archive entry that lenient mode skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file it is in.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// The kind of problem.
    pub kind: SkipReason,
    /// Why, with the JSON path and what was expected (the strict-mode error message).
    pub reason: String,
}

/// What an import produced.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    /// The posts and accounts.
    #[serde(skip)]
    pub corpus: Corpus,
    /// Lines read, blank ones included (for an archive: lines of the `tweets*.js` files).
    pub lines: u64,
    /// API pages and stream messages read (for an archive: `tweets*.js` files read).
    pub pages: u64,
    /// Flattened tweets read (one tweet per line, `twarc2 flatten`).
    pub flat_tweets: u64,
    /// Blank lines (ignored).
    pub blank_lines: u64,
    /// Bytes read.
    pub bytes: u64,
    /// What lenient mode skipped, with the reason, in file order.
    pub skipped: Vec<Skipped>,
    /// What lenient mode skipped, counted per reason (`skipped.len()` is their total).
    pub skip_counts: SkipCounts,
    /// Compliance events read (X batch compliance job results: deleted, protected, suspended, …
    /// posts and accounts), in file order. Apply them with
    /// [`Corpus::apply_compliance`](rapport_core::Corpus::apply_compliance).
    pub compliance: Vec<ComplianceEvent>,
    /// Partial errors of the pages (items X could not return), in file order.
    pub partial_errors: Vec<Problem>,
    /// Conversion counts.
    pub stats: ConvertStats,
    /// The archive's owner (archives only).
    pub owner: Option<Account>,
}

/// Imports a file or folder, picking the importer by content:
///
/// * a folder, a zip (`PK` magic), a file starting with `window.YTD.` or named like an archive's
///   tweets file (`tweets.js`, `tweet.js`, `tweets-part1.js`) → [`import_archive`];
/// * `.jsonl`/`.ndjson` → [`import_jsonl`];
/// * otherwise, when the first non-blank line is a complete JSON value → [`import_jsonl`] (a
///   one-line response file is a one-line JSONL file), else → [`import_response_file`] (a
///   pretty-printed response).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use rapport_twitter::import::{ImportOptions, import_path};
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("page.json");
/// std::fs::write(&file, "{\n  \"data\": [{\"id\": \"5\", \"text\": \"hi\", \"author_id\": \"1\",\n  \"created_at\": \"2024-01-01T00:00:00.000Z\"}]\n}\n")?;
/// let report = import_path(&file, &ImportOptions::default())?;
/// assert_eq!(report.corpus.num_posts(), 1);
/// # Ok(()) }
/// ```
pub fn import_path(
    path: impl AsRef<Path>,
    opts: &ImportOptions,
) -> Result<ImportReport, TwitterError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| TwitterError::io(path, e))?;
    if meta.is_dir() {
        return import_archive(path, opts);
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| TwitterError::io(path, e))?;
    let body = strip_bom(&head);
    let trimmed = body.trim_ascii_start();
    let base = path
        .file_name()
        .map(|b| b.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(b"PK\x03\x04")
        || trimmed.starts_with(b"window.YTD.")
        || archive::tweet_part(&base).is_some()
    {
        return import_archive(path, opts);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("jsonl" | "ndjson" | "jsonlines")) {
        return import_jsonl(path, opts);
    }
    if jsonl::first_line_is_complete(path, opts)? {
        import_jsonl(path, opts)
    } else {
        import_response_file(path, opts)
    }
}

impl ImportReport {
    /// Records something lenient mode skipped.
    pub(crate) fn skip(&mut self, file: &str, line: u64, e: &TwitterError) {
        let kind = e.skip_reason();
        // Python's `logging` shows it under the `rapport.import` logger.
        tracing::warn!(target: "rapport::import", "{file}:{line}: skipped in lenient mode: {e}");
        self.skip_counts.add(kind);
        self.skipped.push(Skipped {
            file: file.to_owned(),
            line,
            kind,
            reason: e.to_string(),
        });
    }
}

pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

pub(crate) fn file_name(path: &Path) -> String {
    path.display().to_string()
}
