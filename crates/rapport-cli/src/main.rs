//! The `rapport` command.
//!
//! One subcommand per file under `src/cmd/`: each defines its clap `Args` and a `run` function, and
//! `main` only dispatches and turns the outcome into an exit code a script can rely on:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | runtime error (bad file, store or API error); the message is on stderr |
//! | 2 | usage error (unknown command or flag, missing argument) |
//! | 3 | partial result: done, but something is missing (unknown handles, a sync stopped early, skipped lines); details on stderr |

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cmd::{EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Outcome};

/// Talent intelligence from public social conversations.
///
/// A typical session: `rapport import tweets.jsonl --store hr.db`, then `rapport score --store hr.db
/// --org acme_careers --candidates candidates.csv`, then `rapport report --store hr.db --org
/// acme_careers -o report.html`. Scores are advisory: a person decides, with the explanation.
///
/// Exit codes: 0 done; 1 runtime error; 2 usage error; 3 partial result (unknown handles, a sync
/// stopped early, skipped lines), with the details on stderr.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load the built-in sample corpus (or a file) and print the summary and every analysis: the
    /// first thing to run.
    Quickstart(cmd::quickstart::Args),
    /// Import posts and accounts from files (twarc2 JSONL, API v2 response JSON, X archive) into the
    /// store. Forgotten people are skipped.
    Import(cmd::import::Args),
    /// Fetch what is new for the store's watches from the X API, resuming an interrupted sync.
    Sync(cmd::sync::Args),
    /// Manage watches: saved searches, timelines, mentions and lists to sync.
    #[command(subcommand)]
    Watch(cmd::watch::WatchCommand),
    /// Score candidate records (CSV or JSON from the HRIS) against the organisation: one row per
    /// HRIS id with the engagement score, stage, components and top skills. Logged in the audit log.
    Score(cmd::score::Args),
    /// Write a self-contained HTML report: funnel, broadcast report, top candidates and mentors,
    /// with inline SVG charts. Logged in the audit log.
    Report(cmd::report::Args),
    /// Erase a person from the store (posts, account, mentions, candidate records, derived data,
    /// watches that name them), leaving a keyed-hash tombstone so a later sync does not bring them
    /// back. Fails (exit 1) if another reader kept the write-ahead log from being truncated.
    Forget(cmd::forget::Args),
    /// Delete posts older than N days (storage limitation), recorded in the audit log.
    Retain(cmd::retain::Args),
    /// Show or export the audit log (every scoring run, report, import and erasure).
    Audit(cmd::audit::Args),
    /// Check the store: SQLite integrity, foreign keys, schema version, the audit log's hash chain.
    /// Exit code 0 when sound, 1 when not.
    Check(cmd::check::Args),
    /// Export the stored corpus as a rapport corpus file (Parquet) or twarc2-style JSONL, or one of
    /// its tables (posts, accounts, conversations, interactions) as CSV, JSON, JSONL or Parquet.
    Export(cmd::export::Args),
    /// The conversation inbox: posts addressing the organisation that it has not answered, questions
    /// and engaged people first; older ones listed apart as missed. Reads only.
    Inbox(cmd::inbox::Args),
    /// People the organisation noticed or who responded to it, never replied to: whom to start a
    /// conversation with, by skill fit for a job (--job) or by recency. Reads only.
    Starters(cmd::inbox::StartersArgs),
    /// Log in to X as the account rapport acts for (OAuth 2.0 with PKCE), or show the token's
    /// scopes and expiry. Tokens stay in a 0600 file, never in the store, never printed.
    #[command(subcommand)]
    Auth(cmd::auth::AuthCommand),
    /// Follow one account as the logged-in user: shows what it will send and asks (--yes for
    /// scripts, --dry-run to only print the request).
    Follow(cmd::follow::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Quickstart(args) => cmd::quickstart::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Sync(args) => cmd::sync::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Score(args) => cmd::score::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Forget(args) => cmd::forget::run(args),
        Command::Retain(args) => cmd::retain::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Inbox(args) => cmd::inbox::run(args),
        Command::Starters(args) => cmd::inbox::run_starters(args),
        Command::Auth(args) => cmd::auth::run(args),
        Command::Follow(args) => cmd::follow::run(args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::from(EXIT_OK),
        Ok(Outcome::Partial(why)) => {
            eprintln!("rapport: partial result: {why}");
            ExitCode::from(EXIT_PARTIAL)
        }
        Err(e) => {
            eprintln!("rapport: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
