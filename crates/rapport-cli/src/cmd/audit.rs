//! `rapport audit --store PATH [--export FILE.jsonl] [--format F] [--out FILE]`: the append-only audit
//! log. The table has one row per record (`config` and `details` as JSON text, `cohort` the
//! pseudonymous keys).

use std::io::Write;
use std::path::PathBuf;

use rapport_store::{AuditEntry, AuditRecord};

use super::output::{OutputArgs, Result3, emit};
use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    /// Write the log as JSON Lines (one record per line) to this file.
    #[arg(long, value_name = "FILE.jsonl")]
    pub export: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One audit record as a table row.
#[derive(serde::Serialize, Default)]
struct Row<'a> {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    actor: &'a str,
    action: &'a str,
    analysis: Option<&'a str>,
    config: String,
    version: &'a str,
    cohort_size: u64,
    cohort: &'a [String],
    output_digest: Option<&'a str>,
    details: String,
    prev_hash: &'a str,
    hash: &'a str,
}

#[allow(clippy::ptr_arg)] // the signature Result3 takes
fn table(log: &Vec<AuditRecord>) -> Result<rapport_arrow::RecordBatch, rapport_arrow::Error> {
    let rows: Vec<Row<'_>> = log
        .iter()
        .map(|r| Row {
            seq: r.seq,
            at: r.at,
            actor: &r.actor,
            action: &r.action,
            analysis: r.analysis.as_deref(),
            config: r.config.to_string(),
            version: &r.version,
            cohort_size: r.cohort_size,
            cohort: &r.cohort,
            output_digest: r.output_digest.as_deref(),
            details: r.details.to_string(),
            prev_hash: &r.prev_hash,
            hash: &r.hash,
        })
        .collect();
    rapport_arrow::table::with_types(
        &rapport_arrow::record_batch(&rows)?,
        &[
            ("analysis", rapport_arrow::DataType::Utf8),
            ("output_digest", rapport_arrow::DataType::Utf8),
            ("cohort", rapport_arrow::table::str_list_type()),
        ],
    )
}

#[allow(clippy::ptr_arg)] // the signature Result3 takes
fn text(log: &Vec<AuditRecord>, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>5}  {:<20}  {:<8}  {:<11}  {:>6}  {:<24}  output",
        "seq", "at (UTC)", "action", "analysis", "cohort", "actor"
    )?;
    for r in log {
        writeln!(
            out,
            "{:>5}  {:<20}  {:<8}  {:<11}  {:>6}  {:<24}  {}",
            r.seq,
            r.at.format("%Y-%m-%d %H:%M:%S"),
            r.action,
            r.analysis.as_deref().unwrap_or("-"),
            r.cohort_size,
            r.actor,
            r.output_digest
                .as_deref()
                .map_or("-", |d| &d[..d.len().min(19)])
        )?;
    }
    Ok(())
}

/// Runs `rapport audit`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let mut out = std::io::stdout().lock();
    if let Some(path) = &args.export {
        let mut bytes = Vec::new();
        let n = store.audit_export_jsonl(&mut bytes)?;
        super::write_atomic(path, &bytes)?;
        // Logged only once the export exists: an entry for a file that was never written would
        // claim a disclosure that did not happen.
        let mut entry = super::audit_entry("audit-export");
        entry.output_digest = Some(AuditEntry::digest(&bytes));
        entry.details = serde_json::json!({ "records": n });
        store.audit_append(&entry)?;
        writeln!(out, "exported {n} audit record(s) to {}", path.display())?;
        return Ok(Outcome::Done);
    }
    let log = store.audit_log()?;
    drop(out);
    emit(
        &args.output,
        &Result3 {
            value: &log,
            text,
            table,
        },
    )?;
    Ok(Outcome::Done)
}
