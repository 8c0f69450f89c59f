//! `rapport audit --store PATH [--export FILE.jsonl] [--json]`: the append-only audit log.

use std::io::Write;
use std::path::PathBuf;

use rapport_store::AuditEntry;

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    /// Write the log as JSON Lines (one record per line) to this file.
    #[arg(long, value_name = "FILE.jsonl")]
    pub export: Option<PathBuf>,
    /// Print the records as a JSON array.
    #[arg(long)]
    pub json: bool,
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
    if args.json {
        serde_json::to_writer_pretty(&mut out, &log)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{:>5}  {:<20}  {:<8}  {:<11}  {:>6}  {:<24}  output",
            "seq", "at (UTC)", "action", "analysis", "cohort", "actor"
        )?;
        for r in &log {
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
    }
    Ok(Outcome::Done)
}
