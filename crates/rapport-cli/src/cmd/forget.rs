//! `rapport forget HANDLE --store PATH` (or `--candidate HRIS_ID`): erasure, logged.

use std::io::Write;

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport forget`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The person: a handle (`@name`), a profile URL or an account id.
    #[arg(required_unless_present = "candidate", value_name = "HANDLE")]
    pub who: Option<String>,
    /// Forget a candidate record by its HRIS id instead, with every handle it carries.
    #[arg(long, value_name = "HRIS_ID", conflicts_with = "who")]
    pub candidate: Option<String>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `rapport forget`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let report = match (&args.who, &args.candidate) {
        (_, Some(id)) => store.forget_candidate(id)?,
        (Some(who), None) => store.forget(who)?,
        (None, None) => unreachable!("clap requires one"),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "forgotten: {} account(s), {} post(s), {} repost(s) of them, {} other post(s) redacted, {} candidate record(s), {} derived result(s), {} watch(es), {} follow list(s), {} place(s) in others' follow lists, {} X list(s) they own, {} X list membership(s), {} X list(s) redacted; {} tombstone(s) written",
            report.accounts_deleted,
            report.posts_deleted,
            report.reposts_deleted,
            report.posts_redacted,
            report.candidates_deleted,
            report.derived_deleted,
            report.watches_removed,
            report.follow_snapshots_deleted,
            report.follow_observations_deleted,
            report.lists_deleted,
            report.list_memberships_deleted,
            report.lists_redacted,
            report.tombstones,
        )?;
    }
    if !report.wal_truncated {
        // The erasure is committed, but until the write-ahead log is truncated its old pages may
        // still hold the person's data on disk: that is not erasure yet, so it is not success.
        let wal = format!("{}-wal", args.store.store.display());
        return Err(format!(
            "the erasure is committed, but {wal} could not be truncated: another process holds a \
             read snapshot of the store open, and that file may still hold the erased data. Close \
             the other readers (notebooks, reports, other rapport commands on this store) and run \
             the same `rapport forget` again to finish"
        )
        .into());
    }
    Ok(Outcome::Done)
}
