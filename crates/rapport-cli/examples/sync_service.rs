//! A small service that keeps a store up to date: every `--interval-secs` it syncs every watch of the
//! store (fetching only what is newer than each watch's cursor), logs one line per watch, and stops
//! after `--runs` rounds (run it under systemd or cron-like supervision without `--runs`).
//!
//! ```text
//! X_BEARER_TOKEN=... cargo run -p rapport-cli --example sync_service -- \
//!     --store hr.db --interval-secs 900
//! ```
//!
//! A round that stops early (a rate limit, a server error) is not fatal: the cursor stays where the
//! last stored page left it and the next round continues from there. Errors a retry cannot fix (a
//! revoked token) end the service with exit code 1.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use rapport_store::Store;
use rapport_sync::{SyncOptions, sync_watches};
use rapport_twitter::XClient;
use rapport_twitter::client::RetryPolicy;

/// Syncs the store's watches on a schedule.
#[derive(Debug, Parser)]
struct Args {
    /// The store (SQLite file) whose watches are synced.
    #[arg(long)]
    store: PathBuf,
    /// Seconds between the starts of two rounds.
    #[arg(long, default_value_t = 900.0)]
    interval_secs: f64,
    /// Stop after this many rounds (default: run forever).
    #[arg(long)]
    runs: Option<usize>,
    /// The API's base URL (a mock server in tests).
    #[arg(long)]
    base_url: Option<String>,
    /// The environment variable holding the bearer token.
    #[arg(long, default_value = "X_BEARER_TOKEN")]
    bearer_token_env: String,
    /// Retries of a 5xx answer within a round.
    #[arg(long, default_value_t = 4)]
    retries: u32,
    /// At most this many pages per watch per round.
    #[arg(long)]
    max_pages: Option<usize>,
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var(&args.bearer_token_env)
        .map_err(|_| format!("set {} to the bearer token", args.bearer_token_env))?;
    let mut builder = XClient::builder().bearer_token(token).retry(RetryPolicy {
        max_retries: args.retries,
        ..RetryPolicy::default()
    });
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    let client = builder.build()?;
    let mut store = Store::open(&args.store)?;
    let opts = SyncOptions {
        max_pages: args.max_pages,
        ..SyncOptions::default()
    };
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(args.interval_secs));
    // A round that overruns the interval is followed by the next one at once, not by a burst.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round = 0;
    while args.runs.is_none_or(|n| round < n) {
        ticker.tick().await;
        round += 1;
        // This service reads X: the store's Bluesky watches are left to `rapport sync`.
        let names: Vec<String> = store
            .watches()?
            .into_iter()
            .filter(|w| w.platform == rapport_core::Platform::X)
            .map(|w| w.name)
            .collect();
        let report = sync_watches(&client, &mut store, &names, &opts, &mut |_| {}).await?;
        for w in &report.watches {
            println!(
                "round {round}: {}: {} page(s), {} new post(s), newest id {}, {}",
                w.name,
                w.pages,
                w.posts_fetched,
                w.cursor.newest_id.as_deref().unwrap_or("-"),
                match &w.stopped {
                    None => "up to date".to_owned(),
                    Some(why) => format!("stopped: {why}"),
                }
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sync_service: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sync_service: {e}");
            ExitCode::FAILURE
        }
    }
}
