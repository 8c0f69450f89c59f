//! Importers: files on disk → a [`Corpus`].
//!
//! | format | function | notes |
//! |---|---|---|
//! | twarc2 JSONL: one API page per line (`__twarc` metadata), stream messages, or flattened tweets (`twarc2 flatten`) | [`import_jsonl`], [`import_jsonl_reader`] | streamed one line at a time |
//! | one API v2 response (`.json`, pretty-printed or not) | [`import_response_file`] | |
//! | the X account archive (`.zip` or unpacked folder, `data/tweets.js` + parts, owner from `data/account.js`) | [`import_archive`] | |
//! | any of the above | [`import_path`] | picks by content |
//!
//! **Strict** mode (the default) stops at the first bad line with a [`TwitterError`] naming the file, the
//! 1-based line, the JSON path and what was expected. **Lenient** mode skips the bad line, records it in
//! [`ImportReport::skipped`] and goes on. Either way nothing panics on bad input; blank lines, a UTF-8
//! BOM and CRLF line ends are accepted; a line longer than [`ImportOptions::max_line_bytes`] is
//! reported without being held in memory.
//!
//! Partial errors of the pages (deleted, suspended, protected, withheld items) are data, not failures:
//! they are kept in [`ImportReport::partial_errors`] and classified by
//! [`Problem::outcome`](crate::models::Problem::outcome).

mod archive;
mod jsonl;
pub(crate) mod lite;

pub use archive::import_archive;
pub use jsonl::{
    ParseOnlyStats, import_jsonl, import_jsonl_reader, import_response_file, parse_jsonl_only,
};

use crate::TwitterError;
use crate::convert::ConvertStats;
use crate::models::Problem;
use rapport_core::{Account, Corpus};
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// How to import.
///
/// ```
/// use rapport_twitter::import::ImportOptions;
/// let o = ImportOptions::lenient().with_max_line_bytes(1 << 20);
/// assert!(!o.strict);
/// assert!(ImportOptions::default().strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    /// Stop at the first bad line (`true`, the default) or skip and report bad lines (`false`).
    pub strict: bool,
    /// The longest line accepted, in bytes (default 64 MiB). Longer lines are an error (strict) or
    /// skipped (lenient), and are never held in memory whole.
    pub max_line_bytes: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            strict: true,
            max_line_bytes: 64 << 20,
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
}

/// A line (or archive entry) that lenient mode skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file it is in.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
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
    /// Lines skipped in lenient mode, with the reason.
    pub skipped: Vec<Skipped>,
    /// Partial errors of the pages (items X could not return), in file order.
    pub partial_errors: Vec<Problem>,
    /// Conversion counts.
    pub stats: ConvertStats,
    /// The archive's owner (archives only).
    pub owner: Option<Account>,
}

/// Imports a file or folder, picking the importer by content:
///
/// * a folder, a zip (`PK` magic) or a file starting with `window.YTD.` → [`import_archive`];
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
    if head.starts_with(b"PK\x03\x04") || trimmed.starts_with(b"window.YTD.") {
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

pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

pub(crate) fn file_name(path: &Path) -> String {
    path.display().to_string()
}
