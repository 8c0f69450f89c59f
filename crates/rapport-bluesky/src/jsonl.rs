//! JSONL pages: one XRPC answer per line, as received, with a `__rapport` object of metadata
//! (`nsid`, `url`, `retrieved_at`, and `started_at` for the pages of one follow list). The client
//! writes them ([`JsonlWriter`]); [`import_jsonl_reader`] and [`import_path`] read them back into a
//! corpus. A line without `__rapport` (a response saved by hand) is read by its top-level keys, and a
//! file holding one (pretty-printed) response is read as one page.
//!
//! ```
//! use rapport_bluesky::jsonl::{ImportOptions, import_jsonl_reader};
//! let line = concat!(
//!     r#"{"__rapport":{"nsid":"app.bsky.feed.searchPosts","url":"https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?q=rust","#,
//!     r#""retrieved_at":"2024-05-01T10:00:00Z"},"posts":[{"uri":"at://did:plc:ada/app.bsky.feed.post/3kabc","cid":"c","#,
//!     r#""author":{"did":"did:plc:ada","handle":"ada.bsky.social"},"#,
//!     r#""record":{"$type":"app.bsky.feed.post","text":"We are #hiring","createdAt":"2024-05-01T09:00:00Z"},"indexedAt":"2024-05-01T09:00:01Z"}]}"#,
//! );
//! let got = import_jsonl_reader(line.as_bytes(), "inline", &ImportOptions::default()).unwrap();
//! assert_eq!(got.corpus.num_posts(), 1);
//! assert_eq!(got.corpus.account_by_handle("ada.bsky.social").unwrap().id(), "did:plc:ada");
//! ```

use std::io::{BufRead, Write};
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use rapport_core::Corpus;
use serde::Serialize;
use serde_json::Value;

use crate::client::RawPage;
use crate::convert::{Added, PageContext, add_page, guess_nsid};
use crate::error::{ClientError, ImportError};

/// The metadata key of every line.
pub const META_KEY: &str = "__rapport";

/// One page as one line: the body as received (newlines in it turned to spaces, which JSON allows
/// outside strings and forbids inside them), with `__rapport` first.
pub fn page_line(page: &RawPage) -> String {
    let mut meta = serde_json::json!({
        "nsid": page.nsid,
        "url": page.url,
        "retrieved_at": page.retrieved_at.to_rfc3339_opts(SecondsFormat::Millis, true),
    });
    if let Some(s) = page.started_at {
        meta["started_at"] = Value::String(s.to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    let one_line: String = page
        .body
        .trim()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    match one_line.strip_prefix('{') {
        Some(rest) if one_line.ends_with('}') => {
            let empty = rest[..rest.len() - 1].trim().is_empty();
            format!(
                "{{\"{META_KEY}\":{meta}{}{rest}",
                if empty { "" } else { "," }
            )
        }
        _ => format!("{{\"{META_KEY}\":{meta},\"data\":{one_line}}}"),
    }
}

/// Writes pages as JSONL.
///
/// ```
/// use rapport_bluesky::jsonl::JsonlWriter;
/// let w = JsonlWriter::new(Vec::new());
/// assert_eq!(w.lines(), 0);
/// ```
#[derive(Debug)]
pub struct JsonlWriter<W: Write> {
    out: W,
    lines: u64,
}

impl<W: Write> JsonlWriter<W> {
    /// Wraps a writer (wrap files in a `BufWriter`).
    pub fn new(out: W) -> Self {
        JsonlWriter { out, lines: 0 }
    }

    /// Writes one page as one line.
    ///
    /// # Errors
    /// [`ClientError::Io`].
    pub fn write_page(&mut self, page: &RawPage) -> Result<(), ClientError> {
        let line = page_line(page);
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|source| ClientError::Io {
                what: "Bluesky JSONL".to_owned(),
                source,
            })?;
        self.lines += 1;
        Ok(())
    }

    /// Lines written.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Flushes and returns the writer.
    ///
    /// # Errors
    /// [`ClientError::Io`].
    pub fn into_inner(mut self) -> Result<W, ClientError> {
        self.out.flush().map_err(|source| ClientError::Io {
            what: "Bluesky JSONL".to_owned(),
            source,
        })?;
        Ok(self.out)
    }
}

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Skip bad lines (and report them) instead of failing on the first.
    pub lenient: bool,
}

impl ImportOptions {
    /// Fail on the first bad line (the default).
    pub fn strict() -> Self {
        ImportOptions { lenient: false }
    }

    /// Skip bad lines and report them.
    pub fn lenient() -> Self {
        ImportOptions { lenient: true }
    }
}

/// What an import read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BskyImport {
    /// The corpus.
    pub corpus: Corpus,
    /// Pages read.
    pub pages: usize,
    /// Placeholders, likes and items left out.
    pub added: Added,
    /// Lines skipped in lenient mode, with why (`file:line: at path: message`).
    pub skipped_lines: Vec<String>,
}

fn meta_time(meta: &Value, key: &str) -> Option<DateTime<Utc>> {
    meta.get(key)
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Reads one page (a JSON object, with or without `__rapport`) into the corpus.
fn read_page(corpus: &mut Corpus, mut v: Value) -> Result<Added, (String, String)> {
    let Some(obj) = v.as_object_mut() else {
        return Err((
            "$".to_owned(),
            "expected a JSON object (one XRPC answer)".to_owned(),
        ));
    };
    let meta = obj.remove(META_KEY);
    let nsid = match meta.as_ref().and_then(|m| m.get("nsid")).and_then(Value::as_str) {
        Some(n) => n.to_owned(),
        None => guess_nsid(&v)
            .ok_or_else(|| {
                (
                    "$".to_owned(),
                    "not an XRPC answer rapport reads (no __rapport.nsid, and none of feed, thread, posts, followers, follows, records, ...)"
                        .to_owned(),
                )
            })?
            .to_owned(),
    };
    let meta = meta.unwrap_or(Value::Null);
    let retrieved_at = meta_time(&meta, "retrieved_at").unwrap_or_else(Utc::now);
    let ctx = PageContext {
        nsid: &nsid,
        retrieved_at,
        started_at: meta_time(&meta, "started_at"),
    };
    add_page(corpus, &ctx, v)
}

/// Imports Bluesky JSONL from a reader; `name` names it in errors.
///
/// # Errors
/// [`ImportError::Line`] with the file, line and JSON path of the first bad line (strict mode), or
/// [`ImportError::Io`].
pub fn import_jsonl_reader(
    reader: impl BufRead,
    name: &str,
    opts: &ImportOptions,
) -> Result<BskyImport, ImportError> {
    let mut out = BskyImport::default();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| ImportError::Io {
            file: name.to_owned(),
            source,
        })?;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Value>(t)
            .map_err(|e| ("$".to_owned(), format!("not JSON: {e}")))
            .and_then(|v| read_page(&mut out.corpus, v));
        match result {
            Ok(a) => {
                out.pages += 1;
                out.added.merge(a);
            }
            Err((path, message)) => {
                let err = ImportError::Line {
                    file: name.to_owned(),
                    line: i + 1,
                    path,
                    message,
                };
                if opts.lenient {
                    out.skipped_lines.push(err.to_string());
                } else {
                    return Err(err);
                }
            }
        }
    }
    Ok(out)
}

/// Imports a file: a repository export (`.car`, see [`crate::repo`]), Bluesky JSONL, or one saved
/// XRPC answer (pretty-printed JSON too).
///
/// # Errors
/// As [`import_jsonl_reader`] and [`crate::repo::read_car_file`].
pub fn import_path(
    path: impl AsRef<Path>,
    opts: &ImportOptions,
) -> Result<BskyImport, ImportError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    if crate::repo::looks_like_car(path) {
        let r = crate::repo::read_car_file(path)?;
        return Ok(BskyImport {
            corpus: r.corpus,
            pages: 1,
            added: r.added,
            skipped_lines: Vec::new(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    // One pretty-printed answer.
    if text.trim_start().starts_with('{')
        && text.trim().lines().nth(1).is_some()
        && let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(&text)
    {
        {
            let mut out = BskyImport::default();
            let added =
                read_page(&mut out.corpus, v).map_err(|(path, message)| ImportError::Line {
                    file: name.clone(),
                    line: 1,
                    path,
                    message,
                })?;
            out.pages = 1;
            out.added = added;
            return Ok(out);
        }
    }
    import_jsonl_reader(text.as_bytes(), &name, opts)
}

/// Writes the pages of a fetch to a JSONL file (appending when it exists) and returns the lines
/// written.
///
/// # Errors
/// [`ClientError::Io`].
pub fn append_pages(path: impl AsRef<Path>, pages: &[RawPage]) -> Result<u64, ClientError> {
    let path = path.as_ref();
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|source| ClientError::Io {
            what: path.display().to_string(),
            source,
        })?;
    let mut w = JsonlWriter::new(std::io::BufWriter::new(f));
    for p in pages {
        w.write_page(p)?;
    }
    let n = w.lines();
    w.into_inner()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_line_round_trips_and_bad_lines_name_file_line_and_path() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap();
        let page = RawPage {
            nsid: "app.bsky.graph.getFollowers".into(),
            url: "http://127.0.0.1/xrpc/app.bsky.graph.getFollowers?actor=acme.test".into(),
            retrieved_at: t,
            started_at: Some(t),
            body: "{\n \"subject\": {\"did\":\"did:plc:acme\",\"handle\":\"acme.test\"},\n \"followers\": [{\"did\":\"did:plc:ada\",\"handle\":\"ada.test\"}]\n}".into(),
        };
        let line = page_line(&page);
        assert!(!line.contains('\n'));
        assert!(line.starts_with("{\"__rapport\":{"), "{line}");
        let got =
            import_jsonl_reader(line.as_bytes(), "f.jsonl", &ImportOptions::strict()).unwrap();
        assert_eq!(got.corpus.follow_snapshots().len(), 1);
        assert_eq!(got.corpus.follow_snapshots()[0].observed_at, t);
        assert_eq!(
            got.corpus.follow_snapshots()[0].accounts,
            vec!["did:plc:ada".to_owned()]
        );

        let bad = format!(
            "{line}\n{{\"__rapport\":{{\"nsid\":\"app.bsky.feed.getAuthorFeed\"}},\"feed\":[{{\"post\":{{\"uri\":7}}}}]}}\n"
        );
        let err =
            import_jsonl_reader(bad.as_bytes(), "f.jsonl", &ImportOptions::strict()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("f.jsonl:2: at feed[0].post.uri:"), "{msg}");
        let lenient =
            import_jsonl_reader(bad.as_bytes(), "f.jsonl", &ImportOptions::lenient()).unwrap();
        assert_eq!((lenient.pages, lenient.skipped_lines.len()), (1, 1));

        let unknown =
            import_jsonl_reader(&b"{\"hello\":1}"[..], "g.jsonl", &ImportOptions::strict())
                .unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("g.jsonl:1: at $: not an XRPC answer"),
            "{unknown}"
        );
    }
}
