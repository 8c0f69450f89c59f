//! `rapport check --store PATH [--json]`: is the store sound? Exit code 0 when it is, 1 when not.

use std::io::Write;

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `rapport check`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let store = args.store.open_existing()?;
    let r = store.check()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &r)?;
        writeln!(out)?;
    } else {
        let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
        writeln!(out, "{} integrity_check", mark(r.integrity.is_empty()))?;
        for p in &r.integrity {
            writeln!(out, "       {p}")?;
        }
        writeln!(out, "{} foreign keys", mark(r.foreign_keys.is_empty()))?;
        for p in &r.foreign_keys {
            writeln!(out, "       {p}")?;
        }
        writeln!(
            out,
            "{} schema version {} (this rapport writes {})",
            mark(r.schema_version == r.supported_version),
            r.schema_version,
            r.supported_version
        )?;
        writeln!(
            out,
            "{} follow snapshots ({})",
            mark(r.follow_problems.is_empty()),
            r.follow_snapshots
        )?;
        for p in &r.follow_problems {
            writeln!(out, "       {p}")?;
        }
        writeln!(
            out,
            "{} lists ({})",
            mark(r.list_problems.is_empty()),
            r.lists
        )?;
        for p in &r.list_problems {
            writeln!(out, "       {p}")?;
        }
        match &r.audit_break {
            None => writeln!(
                out,
                "ok   audit log hash chain ({} record(s))",
                r.audit_rows
            )?,
            Some(b) => writeln!(
                out,
                "FAIL audit log hash chain breaks at record {}: {}",
                b.seq, b.reason
            )?,
        }
    }
    if r.is_ok() {
        Ok(Outcome::Done)
    } else {
        Err(format!(
            "store {} failed its check (see above)",
            args.store.store.display()
        )
        .into())
    }
}
