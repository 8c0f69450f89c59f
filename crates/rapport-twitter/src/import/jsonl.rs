//! twarc2 JSONL and single response files.

use super::lite::{Kind, Node};
use super::{ImportOptions, ImportReport, file_name, strip_bom};
use crate::TwitterError;
use crate::convert::{Converted, convert_views};
use crate::models::Problem;
use rapport_core::Corpus;
use rapport_core::compliance::ComplianceEvent;
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

/// Imports a twarc2 JSONL file (see [`import_jsonl_reader`]).
///
/// ```no_run
/// use rapport_twitter::import::{ImportOptions, import_jsonl};
/// let report = import_jsonl("tweets.jsonl", &ImportOptions::lenient())?;
/// for s in &report.skipped {
///     eprintln!("skipped {}:{}: {}", s.file, s.line, s.reason);
/// }
/// # Ok::<(), rapport_twitter::TwitterError>(())
/// ```
pub fn import_jsonl(
    path: impl AsRef<Path>,
    opts: &ImportOptions,
) -> Result<ImportReport, TwitterError> {
    let path = path.as_ref();
    let f = File::open(path).map_err(|e| TwitterError::io(path, e))?;
    let size = f
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    // A small BufReader: the line reader reads big chunks, which bypass it.
    import_sized(
        BufReader::with_capacity(8 << 10, f),
        &file_name(path),
        opts,
        Presize::new(size),
    )
}

/// Reserves room in the corpus, once, for the posts that the rest of a file of known size will hold
/// and their text, projected from the posts and text bytes per byte of the part read so far.
/// Growing the corpus's id index and columns step by step re-hashes and copies everything added
/// before at each step (at a million posts that is a second of the load), and the text buffer's last
/// doubling made the load's peak memory.
struct Presize {
    total: Option<u64>,
}

impl Presize {
    fn new(total: Option<u64>) -> Self {
        Presize { total }
    }

    /// Called after each line or batch with the bytes read so far.
    fn after(&mut self, corpus: &mut Corpus, read: u64) {
        let Some(total) = self.total else { return };
        // A fair sample: an eighth of the file, at least 4 MB (unless the file is smaller). So the
        // reserve is at most seven times what the file has already produced, however the rest of a
        // hostile file is padded; and it is a hint that memory may refuse (`Corpus::reserve`).
        if read < (total / 8).max(4 << 20).min(total) {
            return;
        }
        self.total = None;
        let posts = corpus.num_posts() as u64;
        if posts == 0 || read == 0 || read >= total {
            return;
        }
        // A little over the projection: a file's later part may be denser.
        let project = |so_far: u64| {
            let more = u128::from(so_far) * u128::from(total - read) / u128::from(read);
            usize::try_from(more + more / 32 + 1).unwrap_or(usize::MAX)
        };
        let text = project(corpus.text_bytes() as u64);
        // At most seven times what the first eighth produced (see above); more than memory holds is
        // not reserved (`Corpus::reserve` is a hint).
        corpus.reserve(project(posts).min(1 << 31), text);
    }
}

/// Imports twarc2 JSONL from any reader, one line at a time. `name` is used in errors.
///
/// Each non-blank line is a twarc2 page (`data`, `includes`, `errors`, `meta`, `__twarc`), a filtered
/// stream message (`data` object, `matching_rules`), or a flattened tweet (`twarc2 flatten`: the tweet
/// with `author` and full `referenced_tweets` inline).
///
/// ```
/// use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
/// let text = "{\"data\":[{\"id\":\"1\",\"text\":\"ok\",\"author_id\":\"9\",\"created_at\":\"2024-01-01T00:00:00Z\"}]}\n\
///             {\"data\":[{\"id\":2}]\n";
/// let err = import_jsonl_reader(text.as_bytes(), "x.jsonl", &ImportOptions::strict()).unwrap_err();
/// assert_eq!(err.line(), Some(2));
/// let report = import_jsonl_reader(text.as_bytes(), "x.jsonl", &ImportOptions::lenient()).unwrap();
/// assert_eq!((report.corpus.num_posts(), report.skipped.len()), (1, 1));
/// ```
pub fn import_jsonl_reader(
    reader: impl BufRead,
    name: &str,
    opts: &ImportOptions,
) -> Result<ImportReport, TwitterError> {
    import_sized(reader, name, opts, Presize::new(None))
}

fn import_sized(
    reader: impl BufRead,
    name: &str,
    opts: &ImportOptions,
    mut presize: Presize,
) -> Result<ImportReport, TwitterError> {
    let threads = opts.effective_threads();
    if threads > 1 {
        return import_parallel(reader, name, opts, threads, presize);
    }
    let mut report = ImportReport::default();
    let mut lines = LineReader::new(reader, opts.max_line_bytes);
    let mut follow_runs = super::follows::Runs::default();
    loop {
        let line_no = lines.line_no + 1;
        let parsed = match lines.next_line() {
            Ok(Some(l)) => {
                if may_be_graph_page(l)
                    && follow_hook(&mut report, &mut follow_runs, l, name, line_no, opts)?
                {
                    continue;
                }
                parse_line(l, name, line_no)
            }
            Ok(None) => break,
            Err(LineError::Io(e)) => return Err(TwitterError::io(name, e)),
            Err(LineError::TooLong) => Parsed::Failed(too_long(name, line_no, opts)),
        };
        let mut parsed = parsed;
        apply(
            &mut report,
            prepare(&mut parsed, name, line_no),
            name,
            line_no,
            opts,
        )?;
        presize.after(&mut report.corpus, lines.consumed_bytes());
    }
    report.bytes = lines.total_bytes;
    Ok(report)
}

/// About this many bytes of lines make one batch: large enough that the threads share many lines
/// (a batch is at least one line, however long), small enough that the two batches in flight and
/// their parsed lines stay small next to the corpus (2 MB instead of 8 MB lowered the peak of a
/// two-thread load of 1M posts by 6-14% at the same speed; see docs/benchmarks.md).
const BATCH_BYTES: usize = 2 << 20;

/// The lines of one batch, copied out of the reader's buffer (a memcpy, small next to parsing).
#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    /// Each line's number and its bytes in `buf` (`None`: too long).
    items: Vec<(u64, Option<std::ops::Range<usize>>)>,
    /// The input ended after this batch (at its end or at a read error).
    ended: bool,
    /// The read error that ended the input: returned once the lines before it are applied, as the
    /// one-thread loop does.
    error: Option<TwitterError>,
}

impl Batch {
    /// Reads the next batch (see [`Batch::ended`] and [`Batch::error`]).
    fn read<R: BufRead>(&mut self, lines: &mut LineReader<R>, name: &str) {
        self.buf.clear();
        self.items.clear();
        self.ended = false;
        while self.buf.len() < BATCH_BYTES {
            let line_no = lines.line_no + 1;
            match lines.next_line() {
                Ok(Some(l)) => {
                    let at = self.buf.len();
                    self.buf.extend_from_slice(l);
                    self.items.push((line_no, Some(at..self.buf.len())));
                }
                Ok(None) => {
                    self.ended = true;
                    return;
                }
                Err(LineError::Io(e)) => {
                    self.ended = true;
                    self.error = Some(TwitterError::io(name, e));
                    return;
                }
                Err(LineError::TooLong) => self.items.push((line_no, None)),
            }
        }
    }

    /// Parses every line in parallel (on the current rayon pool); each with whether it may be a
    /// follow or list page.
    fn parse<'b>(&'b self, name: &str, opts: &ImportOptions) -> Vec<(Parsed<'b>, bool)> {
        use rayon::prelude::*;
        self.items
            .par_iter()
            .with_min_len(1)
            .map(|(line_no, range)| match range {
                Some(r) => {
                    let line = &self.buf[r.clone()];
                    (parse_line(line, name, *line_no), may_be_graph_page(line))
                }
                None => (Parsed::Failed(too_long(name, *line_no, opts)), false),
            })
            .collect()
    }
}

/// Converts and applies a parsed batch to the report, one line after the other in file order.
fn apply_batch(
    report: &mut ImportReport,
    runs: &mut super::follows::Runs,
    batch: &Batch,
    parsed: Vec<(Parsed<'_>, bool)>,
    name: &str,
    opts: &ImportOptions,
) -> Result<(), TwitterError> {
    for ((mut p, graph), (line_no, range)) in parsed.into_iter().zip(&batch.items) {
        // Follow snapshots are stateful across lines (runs of pages), so they are read here, in
        // file order, from the line's bytes that the batch still holds; whether a line may be one
        // was decided in parallel.
        if graph
            && let Some(r) = range
            && follow_hook(report, runs, &batch.buf[r.clone()], name, *line_no, opts)?
        {
            continue;
        }
        apply(
            report,
            prepare(&mut p, name, *line_no),
            name,
            *line_no,
            opts,
        )?;
    }
    Ok(())
}

/// [`import_jsonl_reader`] on `threads` threads, as a pipeline of batches of lines. This thread reads
/// the input (the reader need not be `Send`); on a pool of `threads` threads, one thread converts the
/// lines of a batch and adds them to the report one after the other in file order (exactly as the
/// one-thread loop does, so duplicates, skips and the first error of strict mode are the same) while
/// the others parse the next batch, and the thread that applied joins the parsing when it is done
/// (work stealing: applying costs much less than parsing, so no thread waits for the other).
fn import_parallel(
    reader: impl BufRead,
    name: &str,
    opts: &ImportOptions,
    threads: usize,
    mut presize: Presize,
) -> Result<ImportReport, TwitterError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(2))
        .thread_name(|i| format!("rapport-import-{i}"))
        .build()
        .map_err(|e| TwitterError::io(name, std::io::Error::other(e.to_string())))?;
    let mut report = ImportReport::default();
    let mut lines = LineReader::new(reader, opts.max_line_bytes);
    let mut runs = super::follows::Runs::default();
    let (mut a, mut b) = (Batch::default(), Batch::default());
    // Two batches take turns: one is applied while the other is parsed.
    a.read(&mut lines, name);
    let mut parsed_a = pool.install(|| a.parse(name, opts));
    loop {
        if a.ended {
            apply_batch(&mut report, &mut runs, &a, parsed_a, name, opts)?;
            return finish(report, a.error.take(), &lines);
        }
        b.read(&mut lines, name);
        let (applied, parsed_b) = pool.install(|| {
            rayon::join(
                || apply_batch(&mut report, &mut runs, &a, parsed_a, name, opts),
                || b.parse(name, opts),
            )
        });
        applied?;
        // What is read is the batch applied and the one parsed.
        presize.after(&mut report.corpus, lines.total_bytes - b.buf.len() as u64);
        if b.ended {
            apply_batch(&mut report, &mut runs, &b, parsed_b, name, opts)?;
            return finish(report, b.error.take(), &lines);
        }
        a.read(&mut lines, name);
        let (applied, next_a) = pool.install(|| {
            rayon::join(
                || apply_batch(&mut report, &mut runs, &b, parsed_b, name, opts),
                || a.parse(name, opts),
            )
        });
        applied?;
        presize.after(&mut report.corpus, lines.total_bytes - a.buf.len() as u64);
        parsed_a = next_a;
    }
}

/// The end of [`import_parallel`]: the read error that ended the input, or the report.
fn finish<R>(
    mut report: ImportReport,
    error: Option<TwitterError>,
    lines: &LineReader<R>,
) -> Result<ImportReport, TwitterError> {
    match error {
        Some(e) => Err(e),
        None => {
            report.bytes = lines.total_bytes;
            Ok(report)
        }
    }
}

/// Whether a line may be a follower/following or list page, for [`follow_hook`]: its `__twarc`
/// metadata names such an endpoint. twarc writes `__twarc` as a page's last key, so the key is looked
/// for in the line's last bytes first and in the whole line only when it is not there (a tool that
/// sorts keys puts it first); then only the small `__twarc` object itself (up to its closing brace: it
/// holds no nested object) is searched for the endpoint names. On a tweet page this costs a few
/// hundred bytes, not the whole line. A line without `__twarc` is never one.
fn may_be_graph_page(line: &[u8]) -> bool {
    use memchr::memmem;
    const KEY: &[u8] = b"\"__twarc\"";
    let end = line.len().saturating_sub(1024);
    let Some(at) = memmem::find(&line[end..], KEY)
        .map(|i| end + i)
        .or_else(|| memmem::find(line, KEY))
    else {
        return false;
    };
    let obj = &line[at..];
    let obj = &obj[..memchr::memchr(b'}', obj).map_or(obj.len(), |i| i + 1)];
    [
        &b"/followers"[..],
        b"/following",
        b"_lists",
        b"/list_memberships",
        b"/members",
    ]
    .iter()
    .any(|p| memmem::find(obj, p).is_some())
}

/// Records a follower/following page as a follow snapshot (see `follows.rs`), or a list page as lists
/// and memberships (see `lists.rs`). Returns true when the
/// line is fully handled here (a flattened follow user, or a bad follow line skipped in lenient mode);
/// a follow page is also imported as usual afterwards, since its users are accounts.
fn follow_hook(
    report: &mut ImportReport,
    runs: &mut super::follows::Runs,
    line: &[u8],
    name: &str,
    line_no: u64,
    opts: &ImportOptions,
) -> Result<bool, TwitterError> {
    let bytes = if line_no == 1 { strip_bom(line) } else { line };
    let handled = match super::follows::follow_line(runs, &mut report.corpus, bytes, name, line_no)
    {
        Ok(super::follows::Handled::No) => {
            super::lists::list_line(&mut report.corpus, bytes, name, line_no)
        }
        other => other,
    };
    match handled {
        Ok(super::follows::Handled::Done) => {
            report.lines += 1;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) => {
            report.lines += 1;
            skip_or_fail(report, opts, name, line_no, e)?;
            Ok(true)
        }
    }
}

fn too_long(name: &str, line: u64, opts: &ImportOptions) -> TwitterError {
    TwitterError::LineTooLong {
        file: name.to_owned(),
        line,
        max: opts.max_line_bytes,
    }
}

/// One line, parsed and converted, not yet added to the report: everything that needs no corpus.
enum Prepared<'b> {
    Blank,
    Failed(TwitterError),
    Compliance(ComplianceEvent),
    Page {
        flat: bool,
        /// The converted posts and accounts; they borrow from the parsed line (`Parsed`).
        converted: Converted<'b>,
        errors: Vec<Problem>,
    },
}

/// One line, parsed but not converted: its strings still borrowed from the line's bytes.
// One per line, moved once into its batch's vector: boxing the node would cost an allocation per line.
#[allow(clippy::large_enum_variant)]
enum Parsed<'b> {
    Blank,
    Failed(TwitterError),
    Node(Node<'b>),
}

/// Parses one line (`line_no` is 1-based; the first line may start with a BOM).
fn parse_line<'b>(line: &'b [u8], name: &str, line_no: u64) -> Parsed<'b> {
    let bytes = if line_no == 1 { strip_bom(line) } else { line };
    if bytes.trim_ascii().is_empty() {
        return Parsed::Blank;
    }
    match parse_node(bytes, name, line_no, 0) {
        Ok(node) => Parsed::Node(node),
        Err(e) => Parsed::Failed(e),
    }
}

/// Converts one parsed line into posts and accounts that borrow from it (a failure is taken out of
/// `parsed`, which then reads as blank).
fn prepare<'n>(parsed: &'n mut Parsed<'_>, name: &str, line_no: u64) -> Prepared<'n> {
    match parsed {
        Parsed::Blank => Prepared::Blank,
        Parsed::Failed(_) => match std::mem::replace(parsed, Parsed::Blank) {
            Parsed::Failed(e) => Prepared::Failed(e),
            _ => Prepared::Blank,
        },
        Parsed::Node(node) => convert_node(node, name, line_no).unwrap_or_else(Prepared::Failed),
    }
}

/// Adds a prepared line to the report: counts it, adds its posts and accounts, and skips (lenient)
/// or returns (strict) what is wrong with it.
fn apply(
    report: &mut ImportReport,
    prepared: Prepared,
    name: &str,
    line: u64,
    opts: &ImportOptions,
) -> Result<(), TwitterError> {
    report.lines += 1;
    match prepared {
        Prepared::Blank => report.blank_lines += 1,
        Prepared::Failed(e) => skip_or_fail(report, opts, name, line, e)?,
        Prepared::Compliance(event) => report.compliance.push(event),
        Prepared::Page {
            flat,
            converted,
            errors,
        } => {
            if flat {
                report.flat_tweets += 1;
            } else {
                report.pages += 1;
            }
            let mut issues = Vec::new();
            report.stats += converted.apply(&mut report.corpus, &mut issues);
            report.stats.partial_errors += errors.len() as u64;
            report.partial_errors.extend(errors);
            for issue in issues {
                let e = TwitterError::Invalid {
                    file: name.to_owned(),
                    line,
                    path: issue.path,
                    kind: issue.kind,
                    message: issue.message,
                };
                skip_or_fail(report, opts, name, line, e)?;
            }
        }
    }
    Ok(())
}

/// What [`parse_jsonl_only`] read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ParseOnlyStats {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Tweets (data and included) parsed.
    pub tweets: u64,
    /// Users parsed.
    pub users: u64,
}

/// Parses every line of a twarc2 JSONL file into the importer's own lean structs and drops them,
/// without converting anything or building a corpus: the parse limit that [`import_jsonl`] is measured
/// against in the benchmarks (the importer's time minus this is the cost of conversion and the corpus).
/// Stops at the first bad line, like strict mode.
///
/// ```
/// use rapport_twitter::import::parse_jsonl_only;
/// let dir = tempfile::tempdir().unwrap();
/// let f = dir.path().join("t.jsonl");
/// std::fs::write(&f, "{\"data\":[{\"id\":\"1\",\"text\":\"ok\",\"author_id\":\"9\"}],\"includes\":{\"users\":[{\"id\":\"9\",\"username\":\"ada\"}]}}\n\n").unwrap();
/// let s = parse_jsonl_only(&f).unwrap();
/// assert_eq!((s.lines, s.tweets, s.users), (2, 1, 1));
/// ```
pub fn parse_jsonl_only(path: impl AsRef<Path>) -> Result<ParseOnlyStats, TwitterError> {
    let path = path.as_ref();
    let name = file_name(path);
    let f = File::open(path).map_err(|e| TwitterError::io(path, e))?;
    let max = ImportOptions::default().max_line_bytes;
    let mut lines = LineReader::new(BufReader::with_capacity(8 << 10, f), max);
    let mut stats = ParseOnlyStats::default();
    loop {
        let line_no = lines.line_no + 1;
        let line = match lines.next_line() {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(LineError::Io(e)) => return Err(TwitterError::io(&name, e)),
            Err(LineError::TooLong) => {
                return Err(TwitterError::LineTooLong {
                    file: name,
                    line: line_no,
                    max,
                });
            }
        };
        stats.lines += 1;
        let bytes = if line_no == 1 { strip_bom(line) } else { line };
        if bytes.trim_ascii().is_empty() {
            continue;
        }
        let node = parse_node(bytes, &name, line_no, 0)?;
        let (users, included, data) = node.views();
        stats.users += users.len() as u64;
        stats.tweets += (included.len() + data.len()) as u64;
    }
    stats.bytes = lines.total_bytes;
    Ok(stats)
}

/// Imports one API v2 response saved as a JSON file (pretty-printed or not): a page of tweets or users,
/// a stream message or a flattened tweet.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use rapport_twitter::import::{ImportOptions, import_response_file};
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("users.json");
/// std::fs::write(&file, "{\"data\": [\n {\"id\": \"1\", \"username\": \"ada\"},\n {\"id\": \"2\", \"username\": true}\n]}")?;
/// let err = import_response_file(&file, &ImportOptions::default()).unwrap_err().to_string();
/// assert!(err.contains(":3:") && err.contains("data[1].username"), "{err}");
/// # Ok(()) }
/// ```
pub fn import_response_file(
    path: impl AsRef<Path>,
    opts: &ImportOptions,
) -> Result<ImportReport, TwitterError> {
    let path = path.as_ref();
    let name = file_name(path);
    let mut buf = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut buf))
        .map_err(|e| TwitterError::io(path, e))?;
    let mut report = ImportReport {
        bytes: buf.len() as u64,
        lines: bytecount_lines(&buf),
        ..ImportReport::default()
    };
    let body = strip_bom(&buf);
    if body.trim_ascii().is_empty() {
        return Ok(report);
    }
    let mut parsed = match parse_node(body, &name, 1, 0) {
        Ok(node) => Parsed::Node(node),
        Err(e) => Parsed::Failed(e),
    };
    match prepare(&mut parsed, &name, 1) {
        Prepared::Failed(e) => {
            let line = e.line().unwrap_or(1);
            skip_or_fail(&mut report, opts, &name, line, e)?;
        }
        prepared => {
            // `apply` counts the line; this file's lines were counted above.
            let lines = report.lines;
            apply(&mut report, prepared, &name, 1, opts)?;
            report.lines = lines;
        }
    }
    Ok(report)
}

fn bytecount_lines(b: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', b).count() as u64;
    if b.last().is_some_and(|&c| c != b'\n') {
        n + 1
    } else {
        n
    }
}

fn skip_or_fail(
    report: &mut ImportReport,
    opts: &ImportOptions,
    name: &str,
    line: u64,
    e: TwitterError,
) -> Result<(), TwitterError> {
    if opts.strict {
        return Err(e);
    }
    report.skip(name, line, &e);
    Ok(())
}

/// Parses one JSON document. The bytes are checked to be UTF-8 once, then the hand-written parser
/// ([`fast`](super::fast)) runs on the `str`; when it is not sure, the typed serde parse runs (no
/// per-string validation, strings borrowed); only when that fails is the input parsed again with
/// `serde_path_to_error` to find the JSON path. `line_base` is the line of the document's
/// first byte in the file, `col_base` its column.
pub(crate) fn parse_node<'b>(
    bytes: &'b [u8],
    name: &str,
    line_base: u64,
    col_base: u64,
) -> Result<Node<'b>, TwitterError> {
    // simdutf8 validates with SIMD and says only whether the bytes are UTF-8; std's check then finds
    // where they are not.
    let checked = match simdutf8::basic::from_utf8(bytes) {
        Ok(t) => Ok(t),
        Err(_) => std::str::from_utf8(bytes),
    };
    let text = match checked {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let nl = memchr::memchr_iter(b'\n', before).count() as u64;
            let col = match memchr::memrchr(b'\n', before) {
                Some(i) => (before.len() - i) as u64,
                None => col_base + before.len() as u64 + 1,
            };
            return Err(TwitterError::Parse {
                file: name.to_owned(),
                line: line_base + nl,
                column: col,
                path: ".".to_owned(),
                message: format!(
                    "invalid UTF-8 at byte {} of the line: expected UTF-8 text",
                    e.valid_up_to()
                ),
            });
        }
    };
    // The hand-written parser answers for the lines it is sure about; serde does the rest (and all
    // the errors, with their paths).
    if let Some(n) = super::fast::parse(text) {
        return Ok(n);
    }
    match serde_json::from_str::<Node<'b>>(text) {
        Ok(n) => Ok(n),
        Err(e) => Err(not_an_object(text, name, line_base, col_base)
            .unwrap_or_else(|| path_error::<Node<'b>>(bytes, e, name, line_base, col_base))),
    }
}

/// The error for a document that is not a JSON object at all: an account archive file (named as
/// such), or an array (serde would read it as a struct written as a list and blame its first item).
fn not_an_object(text: &str, name: &str, line: u64, col_base: u64) -> Option<TwitterError> {
    let start = text.trim_start();
    let message = if start.starts_with("window.YTD.") {
        "this is a file of an X account archive (`window.YTD.<name>.part0 = [...]`), not JSON: \
         import the archive (the .zip, its folder, or `tweets.js` with `account.js` beside it)"
            .to_owned()
    } else if start.starts_with('[') {
        let head: String = start
            .chars()
            .take(200)
            .filter(|c| !c.is_whitespace())
            .collect();
        let hint = if head.starts_with("[{\"tweet\"") {
            ": this looks like the tweets of an X account archive (`tweets.js` without its \
             `window.YTD` prefix): import the archive (the .zip or its folder) instead"
        } else {
            ""
        };
        format!(
            "expected a JSON object (a twarc2 page, a stream message, a tweet or a compliance \
             event), found a JSON array{hint}"
        )
    } else {
        return None;
    };
    Some(TwitterError::Parse {
        file: name.to_owned(),
        line,
        column: col_base + 1,
        path: ".".to_owned(),
        message,
    })
}

/// The detailed error for input that failed to parse as `T` with error `first`: parsed again with
/// `serde_path_to_error` to learn the JSON path.
pub(crate) fn path_error<'b, T: serde::Deserialize<'b>>(
    bytes: &'b [u8],
    first: serde_json::Error,
    name: &str,
    line_base: u64,
    col_base: u64,
) -> TwitterError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (path, err) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        // The value parsed: what failed was what comes after it.
        Ok(_) => (".".to_owned(), de.end().err().unwrap_or(first)),
    };
    json_error(&err, &path, name, line_base, col_base)
}

pub(crate) fn json_error(
    err: &serde_json::Error,
    path: &str,
    name: &str,
    line_base: u64,
    col_base: u64,
) -> TwitterError {
    let full = err.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    // serde quotes the offending value whole: a 10 MB string must not become a 10 MB message.
    let message = rapport_core::error::cut_quoted(message).into_owned();
    let line = err.line() as u64;
    let (line, column) = if line <= 1 {
        (line_base, col_base + err.column() as u64)
    } else {
        (line_base + line - 1, err.column() as u64)
    };
    let message = if err.is_eof() {
        format!("{message} (the line is cut short: a truncated or unfinished line?)")
    } else {
        message
    };
    TwitterError::Parse {
        file: name.to_owned(),
        line,
        column,
        path: if path.is_empty() {
            ".".to_owned()
        } else {
            path.to_owned()
        },
        message,
    }
}

/// What a parsed line is, converted: a page (or flattened tweet) into owned posts and accounts, a
/// compliance event, or the error of a problem document or an object of no known shape.
fn convert_node<'n>(
    node: &'n mut Node<'_>,
    name: &str,
    line: u64,
) -> Result<Prepared<'n>, TwitterError> {
    use rapport_core::error::cut;
    let flat = match node.kind() {
        Kind::Page => false,
        Kind::FlatTweet => true,
        Kind::Compliance => {
            let event = node
                .compliance_event()
                .map_err(|message| TwitterError::Invalid {
                    file: name.to_owned(),
                    line,
                    path: ".".to_owned(),
                    kind: super::SkipReason::BadComplianceEvent,
                    message,
                })?;
            return Ok(Prepared::Compliance(event));
        }
        Kind::Problem(title, detail) => {
            return Err(TwitterError::ErrorDocument {
                file: name.to_owned(),
                line,
                title: cut(&title).into_owned(),
                detail: cut(&detail).into_owned(),
            });
        }
        Kind::Unknown => {
            return Err(TwitterError::Parse {
                file: name.to_owned(),
                line,
                column: 1,
                path: ".".to_owned(),
                message: "expected a twarc2 page (`data`, `includes`, `errors` or `meta`), a \
                          stream message, a tweet (`id` and `text`) or a compliance event (`id` \
                          and `action`), found an object with none of these"
                    .to_owned(),
            });
        }
    };
    let errors = std::mem::take(&mut node.errors);
    let node: &'n Node<'_> = node;
    let (users, included, data) = node.views();
    let converted = convert_views(&users, &included, &data);
    drop((users, included, data));
    Ok(Prepared::Page {
        flat,
        converted,
        errors,
    })
}

/// Whether the first non-blank line of a file is a complete JSON value (then the file is JSONL).
pub(crate) fn first_line_is_complete(
    path: &Path,
    opts: &ImportOptions,
) -> Result<bool, TwitterError> {
    let f = File::open(path).map_err(|e| TwitterError::io(path, e))?;
    let mut lines = LineReader::new(BufReader::new(f), opts.max_line_bytes);
    loop {
        let first = lines.line_no == 0;
        match lines.next_line() {
            Ok(Some(l)) => {
                let l = if first { strip_bom(l) } else { l };
                if l.trim_ascii().is_empty() {
                    continue;
                }
                return Ok(serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok());
            }
            Ok(None) | Err(LineError::TooLong) => return Ok(true),
            Err(LineError::Io(e)) => return Err(TwitterError::io(path, e)),
        }
    }
}

pub(crate) enum LineError {
    Io(std::io::Error),
    TooLong,
}

/// Reads lines of at most `max` bytes (without the `\n`, and without a `\r` before it) straight out of
/// its own buffer, without copying them. A longer line is consumed up to its end without being stored
/// and reported as [`LineError::TooLong`]; the buffer stays below about twice `max`.
pub(crate) struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    max: usize,
    pub(crate) line_no: u64,
    pub(crate) total_bytes: u64,
}

const CHUNK: usize = 1 << 20;

impl<R: Read> LineReader<R> {
    pub(crate) fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            max,
            line_no: 0,
            total_bytes: 0,
        }
    }

    /// Bytes read and handed out as lines so far (the bytes read ahead into the buffer left out).
    pub(crate) fn consumed_bytes(&self) -> u64 {
        self.total_bytes - (self.end - self.start) as u64
    }

    /// Reads more bytes after `end`, moving the unread part to the front and growing the buffer when
    /// needed. Returns the number of bytes read (0 at the end of the input).
    fn fill(&mut self) -> Result<usize, LineError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < CHUNK / 4 {
            let want = (self.buf.len() * 2).max(CHUNK);
            self.buf.resize(want, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    self.total_bytes += n as u64;
                    if n == 0 {
                        self.eof = true;
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(LineError::Io(e)),
            }
        }
    }

    pub(crate) fn next_line(&mut self) -> Result<Option<&[u8]>, LineError> {
        let mut scanned = 0; // bytes of the current line already searched for `\n`
        let mut too_long = false;
        let line_end = loop {
            let unread = &self.buf[self.start + scanned..self.end];
            if let Some(i) = memchr::memchr(b'\n', unread) {
                break Some(self.start + scanned + i);
            }
            scanned = self.end - self.start;
            if scanned > self.max {
                // Drop what we have of the over-long line and keep reading until its end.
                too_long = true;
                self.start = self.end;
                scanned = 0;
            }
            if self.eof || self.fill()? == 0 {
                break None;
            }
        };
        let (line_start, stop, next) = match line_end {
            Some(e) => (self.start, e, e + 1),
            None if self.start == self.end && !too_long => return Ok(None),
            None => (self.start, self.end, self.end),
        };
        self.start = next;
        self.line_no += 1;
        if too_long || stop - line_start > self.max {
            return Err(LineError::TooLong);
        }
        let mut line = &self.buf[line_start..stop];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        Ok(Some(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The projection reserves once, from a fair sample of a file of known size, and never for an
    /// input of unknown size.
    #[test]
    fn presize_reserves_once_from_the_part_read() {
        let mut corpus = Corpus::new();
        for i in 0..100 {
            let p = rapport_core::Post::new(
                i.to_string(),
                "7",
                "x",
                chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(i),
            );
            corpus.add_post(p);
        }
        let before = corpus.heap_bytes();
        Presize::new(None).after(&mut corpus, 10 << 20);
        assert_eq!(corpus.heap_bytes(), before, "unknown size: no reserve");
        let mut p = Presize::new(Some(1 << 30));
        p.after(&mut corpus, 1 << 20);
        assert_eq!(
            corpus.heap_bytes(),
            before,
            "1 MB of 1 GB is too little to project from"
        );
        p.after(&mut corpus, 100 << 20);
        assert_eq!(
            corpus.heap_bytes(),
            before,
            "less than an eighth is too little"
        );
        p.after(&mut corpus, 200 << 20);
        let after = corpus.heap_bytes();
        // 100 posts in 200 MB, so about 412 more in the rest: at least a u32 per post and column.
        assert!(after > before + 400 * 4 * 10, "{before} -> {after}");
        p.after(&mut corpus, 300 << 20);
        assert_eq!(corpus.heap_bytes(), after, "once only");
        let mut small = Presize::new(Some(1 << 20));
        small.after(&mut corpus, 1 << 20);
        assert_eq!(
            corpus.heap_bytes(),
            after,
            "a file read whole has nothing left to reserve for"
        );
    }

    /// A file big enough to be presized imports to the same corpus as the same bytes from a reader.
    #[test]
    fn a_presized_import_equals_the_reader_import() {
        let mut text = String::new();
        let mut id = 1_000_000u64;
        while text.len() < 6 << 20 {
            let tweets: Vec<String> = (0..50)
                .map(|k| {
                    id += 1;
                    format!(
                        r#"{{"id":"{id}","text":"post {id} #tag{} {}","author_id":"{}","created_at":"2024-01-01T00:00:00.000Z","conversation_id":"{}"}}"#,
                        id % 7,
                        "padding ".repeat(10),
                        id % 97,
                        id - k,
                    )
                })
                .collect();
            text.push_str("{\"data\":[");
            text.push_str(&tweets.join(","));
            text.push_str("]}\n");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        std::fs::write(&path, &text).unwrap();
        for threads in [1, 2] {
            let opts = ImportOptions::strict().with_threads(threads);
            let from_file = import_jsonl(&path, &opts).unwrap();
            let from_reader = import_jsonl_reader(text.as_bytes(), "big.jsonl", &opts).unwrap();
            assert_eq!(from_file.corpus.num_posts() as u64, id - 1_000_000);
            let posts = |c: &Corpus| c.posts().map(|p| p.to_post()).collect::<Vec<_>>();
            let accounts = |c: &Corpus| c.accounts().map(|a| a.to_account()).collect::<Vec<_>>();
            assert!(
                posts(&from_file.corpus) == posts(&from_reader.corpus),
                "{threads} threads"
            );
            assert!(
                accounts(&from_file.corpus) == accounts(&from_reader.corpus),
                "{threads} threads"
            );
        }
    }

    fn lines(input: &[u8], max: usize) -> Vec<Result<String, &'static str>> {
        let mut r = LineReader::new(input, max);
        let mut out = Vec::new();
        loop {
            match r.next_line() {
                Ok(Some(l)) => out.push(Ok(String::from_utf8_lossy(l).into_owned())),
                Ok(None) => break,
                Err(LineError::TooLong) => out.push(Err("too long")),
                Err(LineError::Io(_)) => out.push(Err("io")),
            }
        }
        out
    }

    #[test]
    fn line_reader_splits_crlf_and_last_line() {
        assert_eq!(
            lines(b"a\r\nbb\n\nccc", 10),
            vec![
                Ok("a".into()),
                Ok("bb".into()),
                Ok(String::new()),
                Ok("ccc".into())
            ]
        );
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn line_reader_reports_long_lines_and_goes_on() {
        // Limit 3: "abcd" (4 bytes) is too long, "abc" fits exactly.
        assert_eq!(
            lines(b"abcd\nabc\n", 3),
            vec![Err("too long"), Ok("abc".into())]
        );
    }

    #[test]
    fn line_reader_across_small_buffers() {
        let data = b"first line\nsecond\n";
        let r = std::io::BufReader::with_capacity(2, &data[..]);
        let mut lr = LineReader::new(r, 100);
        assert_eq!(lr.next_line().ok().flatten(), Some(&b"first line"[..]));
        assert_eq!(lr.next_line().ok().flatten(), Some(&b"second"[..]));
        assert!(lr.next_line().ok().flatten().is_none());
    }
}
