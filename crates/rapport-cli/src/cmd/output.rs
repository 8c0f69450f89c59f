//! The one way every result leaves the CLI: `--format text|json|jsonl|csv|parquet` and `--out FILE`.
//!
//! - `text`: the command's own lines for a person to read;
//! - `json`: the whole result as one JSON document (the nested parts, the counts, the options);
//! - `jsonl`, `csv`, `parquet`: the result's table (the Arrow record batch rapport-arrow builds from
//!   the rows), one record per line, CSV with a header line, or a Parquet file.
//!
//! Parquet is binary, so it needs `--out FILE`; any format can go to a file with `--out`, written
//! whole or not at all ([`super::write_atomic`]).

use std::io::Write;
use std::path::PathBuf;

use rapport_arrow::RecordBatch;
use serde::Serialize;

use super::CmdError;

/// What `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Lines for a person to read.
    Text,
    /// The whole result as one JSON document.
    Json,
    /// The result's table, one JSON record per line.
    Jsonl,
    /// The result's table as CSV with a header line (timestamps RFC 3339 UTC, lists joined by `;`).
    Csv,
    /// The result's table as a Parquet file (Arrow types; timestamps as timestamp(ms, UTC)); needs --out.
    Parquet,
}

impl OutputFormat {
    /// The name as written on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        }
    }
}

/// The output flags every result command takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct OutputArgs {
    /// Output format: text (default), json (the whole result), jsonl, csv or parquet (its table).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write to this file instead of stdout (required for parquet).
    #[arg(long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// The format asked for (`--json` is `--format json`).
    pub(crate) fn format(&self) -> OutputFormat {
        if self.json {
            OutputFormat::Json
        } else {
            self.format
        }
    }
}

/// A result that can be written in every format: its text, its whole JSON and its table.
pub(crate) trait Printable {
    /// The lines for a person.
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()>;
    /// The whole result as pretty JSON (fields in the result's own order).
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()>;
    /// The result's table.
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error>;
    /// CSV of its own, for a result whose CSV is flatter than its table (`rapport score`'s
    /// one-column-per-component sheet); `None` writes the table.
    fn csv(&self) -> Option<Result<Vec<u8>, CmdError>> {
        None
    }
}

/// The bytes of `result` in `format`.
pub(crate) fn render(result: &dyn Printable, format: OutputFormat) -> Result<Vec<u8>, CmdError> {
    let mut buf = Vec::new();
    match format {
        OutputFormat::Text => result.text(&mut buf)?,
        OutputFormat::Json => {
            result.json(&mut buf)?;
            buf.push(b'\n');
        }
        OutputFormat::Jsonl => {
            rapport_arrow::write_table(&result.table()?, rapport_arrow::Format::Jsonl, &mut buf)?;
        }
        OutputFormat::Csv => match result.csv() {
            Some(csv) => buf = csv?,
            None => {
                rapport_arrow::write_table(&result.table()?, rapport_arrow::Format::Csv, &mut buf)?;
            }
        },
        OutputFormat::Parquet => {
            rapport_arrow::write_table(&result.table()?, rapport_arrow::Format::Parquet, &mut buf)?;
        }
    }
    Ok(buf)
}

/// Writes `result` as the flags say: to `--out` (atomically) or stdout. Returns the bytes written,
/// for an audit digest.
pub(crate) fn emit(args: &OutputArgs, result: &dyn Printable) -> Result<Vec<u8>, CmdError> {
    emit_to(args.format(), args.out.as_deref(), result)
}

/// [`emit`] with the format and the file given apart.
pub(crate) fn emit_to(
    format: OutputFormat,
    out: Option<&std::path::Path>,
    result: &dyn Printable,
) -> Result<Vec<u8>, CmdError> {
    if format == OutputFormat::Parquet && out.is_none() {
        return Err("--format parquet writes a binary file: give it with --out FILE".into());
    }
    let bytes = render(result, format)?;
    match out {
        Some(p) => super::write_atomic(p, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(bytes)
}

/// A [`Printable`] from three closures over one value, for commands whose result type is not
/// their own.
pub(crate) struct Result3<'a, T> {
    pub value: &'a T,
    pub text: fn(&T, &mut dyn Write) -> std::io::Result<()>,
    pub table: fn(&T) -> Result<RecordBatch, rapport_arrow::Error>,
}

impl<T: Serialize> Printable for Result3<'_, T> {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        (self.text)(self.value, out)
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, self.value)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        (self.table)(self.value)
    }
}
