//! `rapport retain --days N --store PATH`: storage limitation (GDPR Art. 5(1)(e)), logged.

use std::io::Write;

use chrono::{DateTime, Utc};

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport retain`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Keep the posts of the last N days; delete everything older.
    #[arg(long, value_name = "N")]
    pub days: u32,
    /// The instant the N days count back from (RFC 3339); now by default.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<DateTime<Utc>>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `rapport retain`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let report = store.retain(args.days, args.as_of.unwrap_or_else(Utc::now))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "retained the last {} day(s): {} post(s) older than {} deleted, and {} follow \
             snapshot(s) completed before then; recorded in the audit log",
            args.days,
            report.posts_deleted,
            report.cutoff.to_rfc3339(),
            report.follow_snapshots_deleted
        )?;
    }
    Ok(Outcome::Done)
}
