//! The collection commands, with twarc2's habits: `search`, `timeline`, `mentions`, `conversation`,
//! `quotes`, `followers`, `following`, `list-members`, `lists`, `counts`, `hydrate`, `users` and
//! `stream`. Each writes the API's pages as twarc2 JSONL (one page per line, with `__twarc`
//! metadata: the url, when it was retrieved, rapport's version) to stdout, to a file (`-o`), or into
//! the store (`--store`), and `rapport import` reads them back unchanged.
//!
//! Paginated commands save where they are after every page ([`session`]), so `--resume` continues an
//! interrupted run; a run that stops early (an error after some pages were written) exits 3.

mod commands;
mod session;
pub(crate) mod stream;

use std::path::PathBuf;

use futures::TryStreamExt;
use rapport_core::config::{Config, Overrides, Settings};
use rapport_twitter::XClient;
use rapport_twitter::client::{Endpoint, Request, RetryPolicy};

pub(crate) use commands::*;
use session::{Session, Target};

use super::{CmdError, Outcome};

/// Where the pages go and how far to go: the arguments every collection command takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct OutArgs {
    /// Write the pages to FILE as twarc2 JSONL (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the posts and accounts into this store instead of JSONL.
    #[arg(long, value_name = "PATH", conflicts_with = "output")]
    pub store: Option<PathBuf>,
    /// Continue an interrupted run from its last page (the state is kept beside the output as
    /// FILE.resume.json).
    #[arg(long)]
    pub resume: bool,
    /// Stop after this many items (posts, users, lists, buckets) in all.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub api: ApiArgs,
}

/// How to reach the API. Each value: the flag, else its environment variable, else rapport.toml,
/// else the default.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ApiArgs {
    /// The environment variable holding the X API bearer token (default X_BEARER_TOKEN; env
    /// RAPPORT_TOKEN_ENV; `token_env` in rapport.toml). The token itself is never taken on the
    /// command line, where other users could read it.
    #[arg(long, value_name = "VAR")]
    pub bearer_token_env: Option<String>,
    /// The API's base URL (default `https://api.x.com`; env RAPPORT_BASE_URL; `base_url` in
    /// rapport.toml). A local mock server in tests.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The configuration file (default: ./rapport.toml, then the user's rapport/rapport.toml;
    /// env RAPPORT_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Retries of a 5xx or transport error (capped exponential backoff) before the run stops.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
    /// Stop at a rate limit (exit 3, resumable) instead of waiting for the window to reset.
    #[arg(long)]
    pub no_wait: bool,
    /// Items per page (`max_results`); default: the endpoint's largest.
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
}

impl ApiArgs {
    /// The effective settings (flags, environment, rapport.toml).
    pub(crate) fn settings(&self) -> Result<Settings, CmdError> {
        let overrides = Overrides {
            token_env: self.bearer_token_env.clone(),
            base_url: self.base_url.clone(),
            ..Overrides::default()
        };
        Ok(Config::load(self.config.as_deref(), &overrides)?)
    }

    /// A client with the session's clock (which tells the progress bar about waits).
    pub(crate) fn client(
        &self,
        clock: Option<std::sync::Arc<dyn rapport_twitter::client::Clock>>,
    ) -> Result<XClient, CmdError> {
        let settings = self.settings()?;
        let var = &settings.token_env.value;
        let token = std::env::var(var)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                format!(
                    "no bearer token: set the environment variable {var} (or name another with \
                 --bearer-token-env or token_env in rapport.toml)"
                )
            })?;
        let mut b = XClient::builder()
            .bearer_token(token)
            .base_url(settings.base_url.value.clone())
            .retry(RetryPolicy {
                max_retries: self.retries,
                ..RetryPolicy::default()
            })
            .wait_on_rate_limit(!self.no_wait);
        if let Some(c) = clock {
            b = b.clock(c);
        }
        Ok(b.build()?)
    }
}

impl OutArgs {
    fn target(&self) -> Target<'_> {
        match (&self.output, &self.store) {
            (Some(p), _) => Target::File(p),
            (None, Some(p)) => Target::Store(p),
            (None, None) => Target::Stdout,
        }
    }

    /// Opens the session and the client that reports to it.
    fn start(
        &self,
        command: &str,
        request: &str,
        noun: &'static str,
    ) -> Result<(Session, XClient), CmdError> {
        let session = Session::open(&self.target(), command, request, self.resume, noun)?;
        let client = self.api.client(Some(session.clock()))?;
        Ok((session, client))
    }

    /// Items still to fetch under `--limit`.
    fn remaining(&self, s: &Session) -> Option<usize> {
        self.limit
            .map(|l| l.saturating_sub(usize::try_from(s.state.items).unwrap_or(usize::MAX)))
    }
}

/// Follows the pages of `req` from the session's cursor, writing each. Returns why it stopped early
/// (`None`: the last page, or the limit); an error before anything was written is an error.
async fn drive<E: Endpoint>(
    s: &mut Session,
    mut req: Request<E>,
    remaining: Option<usize>,
) -> Result<Option<String>, CmdError> {
    if let Some(t) = s.state.cursor.clone() {
        req = req.resume_from(t);
    }
    if let Some(n) = remaining {
        if n == 0 {
            return Ok(None);
        }
        req = req.max_items(n);
    }
    let mut pages = std::pin::pin!(req.pages());
    loop {
        match pages.try_next().await {
            Ok(Some(page)) => {
                let next = page.next_token().map(str::to_owned);
                s.page(&page, next)?;
            }
            Ok(None) => return Ok(None),
            Err(e) if s.state.pages == 0 => return Err(e.into()),
            Err(e) => return Ok(Some(e.to_string())),
        }
    }
}

/// The outcome of a run: done, or partial with the reason (exit 3).
fn outcome(s: Session, stopped: Option<String>) -> Result<Outcome, CmdError> {
    Ok(match s.finish(stopped)? {
        None => Outcome::Done,
        Some(why) => Outcome::Partial(why),
    })
}

/// Runs a future on a one-thread runtime.
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, CmdError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(rt.block_on(f))
}
