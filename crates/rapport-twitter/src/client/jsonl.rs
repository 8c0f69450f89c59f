//! twarc2 JSONL output: one API page per line with `__twarc` metadata, so a collection made by rapport
//! opens in twarc's tools (and re-imports with [`crate::import`]).

use std::io::Write;

use super::error::ClientError;
use super::page::{Page, PageBody, twarc_line};

/// Writes pages as twarc2 JSONL.
///
/// ```
/// use rapport_twitter::client::JsonlWriter;
/// let mut w = JsonlWriter::new(Vec::new());
/// assert_eq!(w.lines(), 0);
/// let bytes = w.into_inner().unwrap();
/// assert!(bytes.is_empty());
/// ```
#[derive(Debug)]
pub struct JsonlWriter<W: Write> {
    out: W,
    lines: u64,
}

impl<W: Write> JsonlWriter<W> {
    /// Wraps a writer (wrap files in a `BufWriter`).
    pub fn new(out: W) -> Self {
        Self { out, lines: 0 }
    }

    /// Writes one page as one line.
    pub fn write_page<B: PageBody>(&mut self, page: &Page<B>) -> Result<(), ClientError> {
        self.write_raw(&page.raw, &page.url, page.retrieved_at)
    }

    /// Writes one raw JSON object as one line, with metadata.
    pub fn write_raw(
        &mut self,
        raw: &str,
        url: &str,
        retrieved_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ClientError> {
        let line = twarc_line(raw, url, retrieved_at);
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|source| ClientError::Io {
                what: "twarc2 JSONL".to_owned(),
                source,
            })?;
        self.lines += 1;
        Ok(())
    }

    /// Lines written so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Flushes.
    pub fn flush(&mut self) -> Result<(), ClientError> {
        self.out.flush().map_err(|source| ClientError::Io {
            what: "twarc2 JSONL".to_owned(),
            source,
        })
    }

    /// Flushes and returns the writer.
    pub fn into_inner(mut self) -> Result<W, ClientError> {
        self.flush()?;
        Ok(self.out)
    }
}
