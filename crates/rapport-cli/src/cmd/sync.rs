//! `rapport sync --store PATH [--watch NAME]... [--bearer-token-env VAR] [--base-url URL]
//! [--bsky-base-url URL]`: fetch what is new for the watches, each from its platform (X watches with
//! the X bearer token, Bluesky watches from the public AppView, with no credentials), with a progress
//! bar on a terminal. See the `rapport_sync` crate for how a sync stays crash-safe.

use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rapport_bluesky::client::{BskyClient, ClientConfig};
use rapport_core::Platform;
use rapport_sync::{Sources, SyncEvent, SyncOptions, sync_watches_by_platform};
use rapport_twitter::XClient;
use rapport_twitter::client::RetryPolicy;
use serde_json::json;

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport sync`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    /// Sync only this watch; repeat for several. Default: every watch, in the order they were added.
    #[arg(long = "watch", value_name = "NAME")]
    pub watches: Vec<String>,
    /// The environment variable holding the X API bearer token (the token itself is never taken on
    /// the command line, where other users could read it).
    #[arg(long, value_name = "VAR", default_value = "X_BEARER_TOKEN")]
    pub bearer_token_env: String,
    /// The X API's base URL (a local mock server in tests).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Where the Bluesky watches' unauthenticated calls go.
    #[arg(long, value_name = "URL", env = "RAPPORT_BSKY_BASE_URL",
          default_value = rapport_bluesky::client::PUBLIC_APPVIEW)]
    pub bsky_base_url: String,
    /// Where a Bluesky login and its authenticated calls go.
    #[arg(long, value_name = "URL", env = "RAPPORT_BSKY_PDS_URL",
          default_value = rapport_bluesky::client::DEFAULT_PDS)]
    pub bsky_pds_url: String,
    /// Log in to Bluesky with an app password as this handle or DID (for search watches, when the
    /// AppView asks for a session).
    #[arg(long, value_name = "HANDLE", requires = "bsky_password_env")]
    pub bsky_identifier: Option<String>,
    /// The environment variable holding that app password (never a flag: it would show in the
    /// process list and the shell history).
    #[arg(long, value_name = "VAR")]
    pub bsky_password_env: Option<String>,
    /// At most this many pages per watch in this run; the next run continues where it stopped.
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Posts per page (`max_results`), unless a watch sets `page_size`.
    #[arg(long, value_name = "N", default_value_t = rapport_sync::DEFAULT_PAGE_SIZE)]
    pub page_size: u32,
    /// Retries of a 5xx or transport error before a watch stops (with capped exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
    /// Stop a watch at a rate limit instead of waiting for the window to reset (up to 15 min).
    #[arg(long)]
    pub no_wait: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Remove a sync lock left by a process that no longer runs (on systems where rapport cannot
    /// tell that by itself), then sync.
    #[arg(long)]
    pub break_lock: bool,
}

/// The X client, built only when an X watch is synced (so that a store of Bluesky watches needs no
/// X token).
fn x_client(args: &Args) -> Result<XClient, CmdError> {
    let token = std::env::var(&args.bearer_token_env).map_err(|_| {
        format!(
            "no bearer token: set the environment variable {} (or name another with --bearer-token-env); \
             X watches need it",
            args.bearer_token_env
        )
    })?;
    let mut builder = XClient::builder()
        .bearer_token(token)
        .retry(RetryPolicy {
            max_retries: args.retries,
            ..RetryPolicy::default()
        })
        .wait_on_rate_limit(!args.no_wait);
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    Ok(builder.build()?)
}

/// The Bluesky client of the Bluesky watches.
fn bsky_client(args: &Args) -> Result<BskyClient, CmdError> {
    let defaults = ClientConfig::default();
    let mut b = BskyClient::builder().config(ClientConfig {
        base_url: args.bsky_base_url.clone(),
        pds_url: args.bsky_pds_url.clone(),
        retry: rapport_bluesky::client::RetryPolicy {
            max_retries: args.retries,
            ..defaults.retry.clone()
        },
        // As for X: --no-wait stops a watch at a rate limit (resumable) instead of waiting.
        rate_limit: rapport_bluesky::client::RateLimitPolicy {
            wait: !args.no_wait,
            ..defaults.rate_limit.clone()
        },
        ..defaults
    });
    if let (Some(id), Some(var)) = (&args.bsky_identifier, &args.bsky_password_env) {
        b = b.app_password(id, var);
    }
    Ok(b.build()?)
}

/// Runs `rapport sync`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open()?;
    // The API is the source: a copy that disagrees with a stored one is skipped and counted, not a
    // reason to stop the whole sync.
    store.set_duplicate_policy(rapport_store::DuplicatePolicy::Lenient);
    if args.break_lock
        && let Some(pid) = store.break_sync_lock()?
    {
        eprintln!("rapport: removed the sync lock of process {pid}");
    }
    let names: Vec<String> = if args.watches.is_empty() {
        store.watches()?.into_iter().map(|w| w.name).collect()
    } else {
        args.watches.clone()
    };
    if names.is_empty() {
        return Err("the store has no watches; add one with `rapport watch add`".into());
    }
    // Only the platforms of the watches synced need a client (and X its token).
    let mut platforms = Vec::new();
    for name in &names {
        let w = store
            .watch(name)?
            .ok_or_else(|| rapport_sync::SyncError::UnknownWatch(name.clone()))?;
        platforms.push(w.platform);
    }
    let x = if platforms.contains(&Platform::X) {
        Some(x_client(args)?)
    } else {
        None
    };
    let bsky = if platforms.contains(&Platform::Bluesky) {
        Some(bsky_client(args)?)
    } else {
        None
    };
    let sources = Sources {
        x: x.as_ref().map(|c| c as &dyn rapport_core::source::Source),
        bluesky: bsky
            .as_ref()
            .map(|c| c as &dyn rapport_core::source::Source),
    };
    let opts = SyncOptions {
        max_pages: args.max_pages,
        page_size: args.page_size,
    };

    let bar = ProgressBar::new_spinner();
    if super::progress::enabled() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut progress = |e: SyncEvent<'_>| match e {
        SyncEvent::WatchStarted { watch, resumed } => {
            bar.set_prefix(watch.name.clone());
            bar.set_message(if resumed {
                "resuming an unfinished sync".to_owned()
            } else {
                "fetching".to_owned()
            });
        }
        SyncEvent::Page {
            pages,
            posts,
            accounts,
            ..
        } => {
            bar.set_message(if accounts > 0 {
                format!("{pages} page(s), {accounts} account(s)")
            } else {
                format!("{pages} page(s), {posts} new post(s)")
            });
        }
        SyncEvent::WatchDone(r) => {
            bar.println(format!(
                "{}: {} page(s), {}{}{}",
                r.name,
                r.pages,
                fetched_text(r),
                skipped_text(&r.skipped, r.conflicts_skipped),
                if r.complete { "" } else { " (incomplete)" }
            ));
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(sync_watches_by_platform(
        &sources,
        &mut store,
        &names,
        &opts,
        &mut progress,
    ));
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        // Pages stored before the error were committed: the run is logged as failed, with how
        // many, unless it never started (another sync holds the lock) or the store itself failed.
        Err(e @ rapport_sync::SyncError::Source { .. }) => {
            let pages = match &e {
                rapport_sync::SyncError::Source { pages, .. } => *pages,
                _ => 0,
            };
            let mut entry = super::audit_entry("sync");
            entry.config = json!({ "max_pages": args.max_pages, "page_size": args.page_size });
            entry.details =
                json!({ "complete": false, "failed": true, "pages_in_failed_watch": pages });
            store.audit_append(&entry)?;
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };

    // Each page was committed with its cursor as it came; this entry sums up the run. Watch names
    // are not logged (a name can be a person's); their kinds and count are.
    let mut entry = super::audit_entry("sync");
    entry.config = json!({
        "watches": report.watches.len(),
        "kinds": report.watches.iter().map(|w| w.kind.as_str()).collect::<Vec<_>>(),
        "platforms": platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "max_pages": args.max_pages,
        "page_size": args.page_size,
    });
    entry.details = json!({
        "pages": report.pages(),
        "posts": report.posts_fetched(),
        "follow_accounts": report.watches.iter().map(|w| w.accounts_fetched).sum::<usize>(),
        "complete": report.is_complete(),
        "items_skipped": report.skipped(),
        "conflicts_skipped": report.conflicts_skipped(),
    });
    store.audit_append(&entry)?;

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for w in &report.watches {
            if w.kind.follow_direction().is_some() {
                writeln!(
                    out,
                    "{}: {} page(s), {}{}; {}",
                    w.name,
                    w.pages,
                    fetched_text(w),
                    skipped_text(&w.skipped, w.conflicts_skipped),
                    match (w.complete, w.snapshot_observed_at) {
                        (true, Some(t)) => format!(
                            "follow snapshot of {} stored",
                            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                        (true, None) => "nothing stored".to_owned(),
                        (false, _) =>
                            "the list is not read to its end yet, rerun to continue".to_owned(),
                    }
                )?;
                continue;
            }
            writeln!(
                out,
                "{}: {} page(s), {}{}; newest id {}; {}",
                w.name,
                w.pages,
                fetched_text(w),
                skipped_text(&w.skipped, w.conflicts_skipped),
                w.cursor.newest_id.as_deref().unwrap_or("-"),
                if w.complete {
                    "up to date"
                } else {
                    "incomplete, rerun to continue"
                }
            )?;
        }
    }
    let stopped: Vec<String> = report
        .watches
        .iter()
        .filter_map(|w| w.stopped.as_ref().map(|s| format!("{}: {s}", w.name)))
        .collect();
    if report.is_complete() {
        Ok(Outcome::Done)
    } else {
        Ok(Outcome::Partial(format!(
            "not every watch is up to date:\n  {}",
            stopped.join("\n  ")
        )))
    }
}

/// `12 new post(s)`, or `3 account(s) in the list` for a follow list.
fn fetched_text(w: &rapport_sync::WatchReport) -> String {
    if w.kind.follow_direction().is_some() {
        format!("{} account(s) in the list", w.accounts_fetched)
    } else {
        format!("{} new post(s)", w.posts_fetched)
    }
}

/// `, 2 item(s) skipped (post without an id: 1, …)` or nothing.
fn skipped_text(skipped: &std::collections::BTreeMap<String, usize>, conflicts: usize) -> String {
    let mut parts: Vec<String> = skipped.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    if conflicts > 0 {
        parts.push(format!("conflicting copy of a stored post: {conflicts}"));
    }
    if parts.is_empty() {
        return String::new();
    }
    let n: usize = skipped.values().sum::<usize>() + conflicts;
    format!(", {n} item(s) skipped ({})", parts.join(", "))
}
