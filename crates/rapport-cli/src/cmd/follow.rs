//! `rapport follow HANDLE [--yes] [--dry-run]`: follow one account as the logged-in user, after
//! showing what will be sent and asking. One account per command: nothing is ever followed in bulk.

use std::io::{BufRead, IsTerminal, Write};

use rapport_twitter::client::DEFAULT_BASE_URL;
use rapport_twitter::client::user_client::{UserClientConfig, XUserClient};

use super::auth::{TokenArgs, runtime};
use super::{CmdError, Outcome};

/// Arguments of `rapport follow`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The account to follow: a handle (`@name` or `name`) or a user id.
    pub handle: String,
    /// Do not ask: follow at once (for scripts that already had a person approve).
    #[arg(long)]
    pub yes: bool,
    /// Print the request that would be sent (method, URL, JSON body) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// The API's base URL (a local mock server in tests).
    #[arg(long, value_name = "URL", env = "RAPPORT_X_BASE_URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,
    #[command(flatten)]
    pub tokens: TokenArgs,
}

/// Runs `rapport follow`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let session = args.tokens.session()?;
    let client = XUserClient::new(
        session,
        UserClientConfig {
            base_url: args.base_url.clone(),
            dry_run: args.dry_run,
            ..UserClientConfig::default()
        },
    )?;
    let rt = runtime()?;
    // Reads first, so the question names both accounts by handle and id.
    let target = rt.block_on(client.resolve_user(&args.handle))?;
    let me = rt.block_on(client.me())?;
    let name = |u: &rapport_twitter::client::user_client::UserRef| match &u.username {
        Some(n) => format!("@{n} (id {})", u.id),
        None => format!("user id {}", u.id),
    };
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        let r = rt.block_on(client.follow(&target.id))?;
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
        } else {
            writeln!(
                out,
                "Dry run: nothing was sent. {} would follow {} with:",
                name(&me),
                name(&target)
            )?;
            writeln!(out, "{}", r.request)?;
        }
        return Ok(Outcome::Done);
    }
    if !args.yes {
        let mut err = std::io::stderr().lock();
        write!(
            err,
            "{} will follow {}. Proceed? [y/N] ",
            name(&me),
            name(&target)
        )?;
        err.flush()?;
        let stdin = std::io::stdin();
        let mut answer = String::new();
        if stdin.is_terminal() || !stdin.lock().fill_buf()?.is_empty() {
            stdin.lock().read_line(&mut answer)?;
        }
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(err)?;
            return Err("cancelled: nothing was sent (answer y to follow, or pass --yes)".into());
        }
    }
    let r = rt.block_on(client.follow(&target.id))?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
        return Ok(Outcome::Done);
    }
    let data = r.data.unwrap_or_default();
    if data
        .get("pending_follow")
        .and_then(serde_json::Value::as_bool)
        == Some(true)
    {
        writeln!(
            out,
            "Follow request sent to {}: it is pending their approval.",
            name(&target)
        )?;
    } else if data.get("following").and_then(serde_json::Value::as_bool) == Some(true) {
        writeln!(out, "{} now follows {}.", name(&me), name(&target))?;
    } else {
        writeln!(out, "X answered: {data}")?;
    }
    Ok(Outcome::Done)
}
