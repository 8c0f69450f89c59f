//! `rapport inbox --store PATH --org HANDLE... [--as-of TIME] [--window DAYS] [--format F]`: the
//! posts addressing the organisation that no one of it has answered, highest priority first, then the
//! missed ones; and `rapport starters --store PATH --org HANDLE... [--job job.toml] [--limit N]
//! [--format F]`: people the organisation noticed or who responded, never replied to
//! ([`rapport_core::inbox`]). Both only read: nothing is sent, nothing is audited. The table of the
//! inbox is every open item, then the missed ones (its `missed` column tells them apart).

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rapport_core::context::builtin_matcher;
use rapport_core::engagement::Org;
use rapport_core::inbox::{
    DEFAULT_WINDOW_DAYS, InboxItem, InboxOptions, InboxReport, StarterOptions, StarterRow,
    conversation_starters, inbox,
};
use rapport_core::skills::JobProfile;

use super::output::{OutputArgs, Result3, emit};
use super::{CmdError, Outcome, PlatformArg, StoreArg};

/// Arguments of `rapport inbox`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// Read the inbox as of this time (RFC 3339, e.g. 2026-03-01T09:00:00Z); default: the newest
    /// post of the store.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<DateTime<Utc>>,
    /// Open items older than this many days are listed apart as missed.
    #[arg(long = "window", value_name = "DAYS", default_value_t = DEFAULT_WINDOW_DAYS)]
    pub window_days: f64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `rapport starters`.
#[derive(Debug, clap::Args)]
pub(crate) struct StartersArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// A job profile (TOML, see docs/skills.md): rank by skill fit for it; default: by recency.
    #[arg(long, value_name = "FILE")]
    pub job: Option<PathBuf>,
    /// At most this many people.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `text` on one line (whitespace runs as one space), cut to `max` characters with an ellipsis.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn write_items(out: &mut dyn Write, items: &[InboxItem]) -> std::io::Result<()> {
    for (i, it) in items.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. [{:>6.1}] @{} ({}, score {:.0}) · {} · {:.0} h ago · post {}",
            i + 1,
            it.priority,
            it.handle,
            it.stage,
            it.score,
            it.addresses.join("+"),
            it.age_hours,
            it.post_id
        )?;
        writeln!(out, "       {}", one_line(&it.text, 100))?;
        writeln!(out, "       why: {}", it.why)?;
    }
    Ok(())
}

/// Runs `rapport inbox`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let store = args.store.open_existing()?;
    let corpus = args.platform.load(&store, &args.store.store)?;
    let report = inbox(
        &corpus,
        &args.org,
        &InboxOptions::new(args.as_of, args.window_days),
    )?;
    emit(
        &args.output,
        &Result3 {
            value: &report,
            text: inbox_text,
            table: |r| rapport_arrow::record_batch(&r.all_items()),
        },
    )?;
    Ok(Outcome::Done)
}

fn inbox_text(report: &InboxReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Inbox of {} as of {}: {} open, {} missed (older than {} days), {} answered.",
        report.org.handles.join(", "),
        report.as_of.to_rfc3339(),
        report.items.len(),
        report.missed.len(),
        report.window_days,
        report.answered
    )?;
    write_items(out, &report.items)?;
    if !report.missed.is_empty() {
        writeln!(out, "\nMissed (older than {} days):", report.window_days)?;
        write_items(out, &report.missed)?;
    }
    Ok(())
}

/// Runs `rapport starters`.
pub(crate) fn run_starters(args: &StartersArgs) -> Result<Outcome, CmdError> {
    let store = args.store.open_existing()?;
    let corpus = args.platform.load(&store, &args.store.store)?;
    let org = Org::resolve(&corpus, &args.org)?;
    let job = match &args.job {
        Some(p) => Some(JobProfile::from_toml_file(p)?),
        None => None,
    };
    let matcher = builtin_matcher();
    let opts = StarterOptions {
        limit: Some(args.limit),
        ..StarterOptions::default()
    };
    let rows = conversation_starters(&corpus, &org, job.as_ref().map(|j| (j, &*matcher)), &opts)?;
    let result = Starters {
        org: org.handles.clone(),
        rows,
    };
    emit(
        &args.output,
        &Result3 {
            value: &result,
            text: starters_text,
            table: |s| rapport_arrow::record_batch_without(&s.rows, "account"),
        },
    )?;
    Ok(Outcome::Done)
}

/// The starters with the organisation they are for; the JSON is the rows alone.
#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
struct Starters {
    #[serde(skip)]
    org: Vec<String>,
    rows: Vec<StarterRow>,
}

fn starters_text(s: &Starters, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Conversation starters for {}: {} people noticed or responding, never replied to.",
        s.org.join(", "),
        s.rows.len()
    )?;
    for r in &s.rows {
        let last = r
            .last_interaction
            .map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d").to_string());
        writeln!(
            out,
            "{:>3}. @{} ({}, last {last}): {}",
            r.rank, r.handle, r.stage, r.why
        )?;
    }
    Ok(())
}
