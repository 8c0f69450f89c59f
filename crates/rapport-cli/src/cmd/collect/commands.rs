//! One `Args` and one `run` per collection command.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use rapport_twitter::XClient;
use serde_json::json;

use super::session::Session;
use super::{OutArgs, block_on, drive, outcome};
use crate::cmd::{CmdError, Outcome};

/// A time on the command line: RFC 3339 (`2026-11-01T09:00:00Z`) or a day (`2026-11-01`, midnight UTC).
pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            format!("{s:?}: expected a day (2026-11-01) or an RFC 3339 time (2026-11-01T09:00:00Z)")
        })
}

/// `--since` / `--until`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Window {
    /// Only posts from this time on (a day or an RFC 3339 time; inclusive).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<DateTime<Utc>>,
    /// Only posts before this time (exclusive).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<DateTime<Utc>>,
}

impl Window {
    fn key(&self) -> String {
        let t = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        format!("since={} until={}", t(self.since), t(self.until))
    }
}

/// Resolves a handle (or takes an id), remembering it in the state so a resumed run asks once.
async fn user_id(s: &mut Session, client: &XClient, who: &str) -> Result<String, CmdError> {
    if let Some(id) = s.state.extra.get("user_id").and_then(|v| v.as_str()) {
        return Ok(id.to_owned());
    }
    let id = client.resolve_user_id(who).await?;
    s.state.extra = json!({ "user_id": id });
    s.save_state()?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// search, counts

/// Arguments of `rapport search`.
#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// The query, in X's query language (`#hiring -is:retweet from:acme_careers`).
    pub query: String,
    /// Search the full archive (needs Pro access) instead of the last 7 days.
    #[arg(long)]
    pub archive: bool,
    #[command(flatten)]
    pub window: Window,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport search`.
pub(crate) fn run_search(a: &SearchArgs) -> Result<Outcome, CmdError> {
    let key = format!("{} archive={} {}", a.query, a.archive, a.window.key());
    let (mut s, client) = a.out.start("search", &key, "posts")?;
    let remaining = a.out.remaining(&s);
    let size = a.out.api.page_size;
    let stopped = block_on(async {
        macro_rules! go {
            ($req:expr, $max:expr) => {{
                let mut r = $req.max_results(size.unwrap_or($max));
                if let Some(t) = a.window.since {
                    r = r.start_time(t);
                }
                if let Some(t) = a.window.until {
                    r = r.end_time(t);
                }
                drive(&mut s, r, remaining).await
            }};
        }
        if a.archive {
            go!(client.search_all(a.query.clone()), 500)
        } else {
            go!(client.search_recent(a.query.clone()), 100)
        }
    })??;
    outcome(s, stopped)
}

/// Arguments of `rapport counts`.
#[derive(Debug, clap::Args)]
pub(crate) struct CountsArgs {
    /// The query.
    pub query: String,
    /// Count over the full archive (needs Pro access) instead of the last 7 days.
    #[arg(long)]
    pub archive: bool,
    /// The bucket size.
    #[arg(long, value_parser = ["day", "hour", "minute"], default_value = "day")]
    pub granularity: String,
    #[command(flatten)]
    pub window: Window,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport counts`.
pub(crate) fn run_counts(a: &CountsArgs) -> Result<Outcome, CmdError> {
    let key = format!(
        "{} archive={} granularity={} {}",
        a.query,
        a.archive,
        a.granularity,
        a.window.key()
    );
    let (mut s, client) = a.out.start("counts", &key, "buckets")?;
    let remaining = a.out.remaining(&s);
    let stopped = block_on(async {
        macro_rules! go {
            ($req:expr) => {{
                let mut r = $req.granularity(a.granularity.clone());
                if let Some(t) = a.window.since {
                    r = r.start_time(t);
                }
                if let Some(t) = a.window.until {
                    r = r.end_time(t);
                }
                drive(&mut s, r, remaining).await
            }};
        }
        if a.archive {
            go!(client.counts_all(a.query.clone()))
        } else {
            go!(client.counts_recent(a.query.clone()))
        }
    })??;
    outcome(s, stopped)
}

// ---------------------------------------------------------------------------------------------
// timelines, mentions, follows, lists

/// Arguments of the commands that take one account (`timeline`, `mentions`, `followers`,
/// `following`).
#[derive(Debug, clap::Args)]
pub(crate) struct AccountArgs {
    /// The account: a handle (`acme_careers`, `@acme_careers`) or a user id.
    pub handle: String,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Arguments of `rapport timeline`.
#[derive(Debug, clap::Args)]
pub(crate) struct TimelineArgs {
    /// The account: a handle or a user id.
    pub handle: String,
    /// Leave out replies and/or reposts (`--exclude replies --exclude retweets`).
    #[arg(long, value_parser = ["replies", "retweets"])]
    pub exclude: Vec<String>,
    #[command(flatten)]
    pub window: Window,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport timeline`.
pub(crate) fn run_timeline(a: &TimelineArgs) -> Result<Outcome, CmdError> {
    let key = format!(
        "{} exclude={} {}",
        a.handle,
        a.exclude.join(","),
        a.window.key()
    );
    let (mut s, client) = a.out.start("timeline", &key, "posts")?;
    let remaining = a.out.remaining(&s);
    let stopped = block_on(async {
        let id = user_id(&mut s, &client, &a.handle).await?;
        let mut r = client
            .user_tweets(id)
            .max_results(a.out.api.page_size.unwrap_or(100));
        if !a.exclude.is_empty() {
            let ex: Vec<&str> = a.exclude.iter().map(String::as_str).collect();
            r = r.exclude(&ex);
        }
        if let Some(t) = a.window.since {
            r = r.start_time(t);
        }
        if let Some(t) = a.window.until {
            r = r.end_time(t);
        }
        drive(&mut s, r, remaining).await
    })??;
    outcome(s, stopped)
}

/// Arguments of `rapport mentions`.
#[derive(Debug, clap::Args)]
pub(crate) struct MentionsArgs {
    /// The account: a handle or a user id.
    pub handle: String,
    #[command(flatten)]
    pub window: Window,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport mentions`.
pub(crate) fn run_mentions(a: &MentionsArgs) -> Result<Outcome, CmdError> {
    let key = format!("{} {}", a.handle, a.window.key());
    let (mut s, client) = a.out.start("mentions", &key, "posts")?;
    let remaining = a.out.remaining(&s);
    let stopped = block_on(async {
        let id = user_id(&mut s, &client, &a.handle).await?;
        let mut r = client
            .mentions(id)
            .max_results(a.out.api.page_size.unwrap_or(100));
        if let Some(t) = a.window.since {
            r = r.start_time(t);
        }
        if let Some(t) = a.window.until {
            r = r.end_time(t);
        }
        drive(&mut s, r, remaining).await
    })??;
    outcome(s, stopped)
}

/// Runs `rapport followers` (`following = false`) or `rapport following`.
pub(crate) fn run_follows(a: &AccountArgs, following: bool) -> Result<Outcome, CmdError> {
    let command = if following { "following" } else { "followers" };
    let (mut s, client) = a.out.start(command, &a.handle, "users")?;
    let remaining = a.out.remaining(&s);
    let size = a.out.api.page_size.unwrap_or(1000);
    let stopped = block_on(async {
        let id = user_id(&mut s, &client, &a.handle).await?;
        if following {
            drive(&mut s, client.following(id).max_results(size), remaining).await
        } else {
            drive(&mut s, client.followers(id).max_results(size), remaining).await
        }
    })??;
    outcome(s, stopped)
}

/// Arguments of `rapport lists`.
#[derive(Debug, clap::Args)]
pub(crate) struct ListsArgs {
    /// The account: a handle or a user id.
    pub handle: String,
    /// The lists the account is a member of, instead of the lists it owns.
    #[arg(long)]
    pub memberships: bool,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport lists`.
pub(crate) fn run_lists(a: &ListsArgs) -> Result<Outcome, CmdError> {
    let key = format!("{} memberships={}", a.handle, a.memberships);
    let (mut s, client) = a.out.start("lists", &key, "lists")?;
    let remaining = a.out.remaining(&s);
    let size = a.out.api.page_size.unwrap_or(100);
    let stopped = block_on(async {
        let id = user_id(&mut s, &client, &a.handle).await?;
        if a.memberships {
            drive(
                &mut s,
                client.list_memberships(id).max_results(size),
                remaining,
            )
            .await
        } else {
            drive(&mut s, client.owned_lists(id).max_results(size), remaining).await
        }
    })??;
    outcome(s, stopped)
}

/// Arguments of `rapport list-members`.
#[derive(Debug, clap::Args)]
pub(crate) struct ListMembersArgs {
    /// The list id.
    pub list_id: String,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport list-members`.
pub(crate) fn run_list_members(a: &ListMembersArgs) -> Result<Outcome, CmdError> {
    let (mut s, client) = a.out.start("list-members", &a.list_id, "users")?;
    let remaining = a.out.remaining(&s);
    let size = a.out.api.page_size.unwrap_or(100);
    let stopped = block_on(drive(
        &mut s,
        client.list_members(a.list_id.clone()).max_results(size),
        remaining,
    ))?;
    outcome(s, stopped?)
}

// ---------------------------------------------------------------------------------------------
// quotes, conversation

/// Arguments of `rapport quotes`.
#[derive(Debug, clap::Args)]
pub(crate) struct QuotesArgs {
    /// The quoted post's id.
    pub post_id: String,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport quotes`.
pub(crate) fn run_quotes(a: &QuotesArgs) -> Result<Outcome, CmdError> {
    let (mut s, client) = a.out.start("quotes", &a.post_id, "posts")?;
    let remaining = a.out.remaining(&s);
    let size = a.out.api.page_size.unwrap_or(100);
    let stopped = block_on(drive(
        &mut s,
        client.quote_tweets(a.post_id.clone()).max_results(size),
        remaining,
    ))?;
    outcome(s, stopped?)
}

/// Arguments of `rapport conversation`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConversationArgs {
    /// Any post of the conversation (the root or a reply).
    pub post_id: String,
    /// Search the full archive (needs Pro access) instead of the last 7 days.
    #[arg(long)]
    pub archive: bool,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs `rapport conversation`: the post (and the root, when the post is a reply) by lookup, then
/// every reply by searching `conversation_id:ROOT`.
pub(crate) fn run_conversation(a: &ConversationArgs) -> Result<Outcome, CmdError> {
    let key = format!("{} archive={}", a.post_id, a.archive);
    let (mut s, client) = a.out.start("conversation", &key, "posts")?;
    let remaining = a.out.remaining(&s);
    let stopped = block_on(async {
        let conv = match s
            .state
            .extra
            .get("conversation_id")
            .and_then(|v| v.as_str())
        {
            Some(c) => c.to_owned(),
            None => {
                let page = client.tweets([a.post_id.clone()]).send().await?;
                let Some(post) = page.items().first() else {
                    return Err(format!(
                        "post {} was not returned{}",
                        a.post_id,
                        page.partial_errors()
                            .first()
                            .and_then(|p| p.detail.clone())
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default()
                    )
                    .into());
                };
                let conv = post
                    .conversation_id
                    .clone()
                    .unwrap_or_else(|| a.post_id.clone());
                s.state.extra = json!({ "conversation_id": conv });
                s.page(&page, None)?;
                if conv != a.post_id {
                    match client.tweets([conv.clone()]).send().await {
                        Ok(root) => s.page(&root, None)?,
                        Err(e) => s.note(&format!("the root post {conv}: {e}")),
                    }
                }
                conv
            }
        };
        let q = format!("conversation_id:{conv}");
        let size = a.out.api.page_size;
        if a.archive {
            drive(
                &mut s,
                client.search_all(q).max_results(size.unwrap_or(500)),
                remaining,
            )
            .await
        } else {
            drive(
                &mut s,
                client.search_recent(q).max_results(size.unwrap_or(100)),
                remaining,
            )
            .await
        }
    })??;
    outcome(s, stopped)
}

// ---------------------------------------------------------------------------------------------
// hydrate, users

/// Arguments of `rapport hydrate`.
#[derive(Debug, clap::Args)]
pub(crate) struct HydrateArgs {
    /// A file of post ids, one per line (blank lines and lines starting with # are skipped).
    pub ids_file: PathBuf,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Arguments of `rapport users`.
#[derive(Debug, clap::Args)]
pub(crate) struct UsersArgs {
    /// A file of handles or user ids, one per line (all digits: an id; blank lines and lines
    /// starting with # are skipped).
    pub handles_file: PathBuf,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The lines of an id or handle file, with their line numbers.
fn read_list(path: &std::path::Path) -> Result<Vec<(usize, String)>, CmdError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let items: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().to_owned()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if items.is_empty() {
        return Err(format!("{}: no ids or handles in the file", path.display()).into());
    }
    Ok(items)
}

/// Runs `rapport hydrate`: the posts of the ids, 100 per request.
pub(crate) fn run_hydrate(a: &HydrateArgs) -> Result<Outcome, CmdError> {
    let items = read_list(&a.ids_file)?;
    let mut ids = Vec::with_capacity(items.len());
    for (line, id) in items {
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{} line {line}: {id:?} is not a post id (expected digits)",
                a.ids_file.display()
            )
            .into());
        }
        ids.push(id);
    }
    let key = format!("{} ids ({})", ids.len(), a.ids_file.display());
    let (mut s, client) = a.out.start("hydrate", &key, "posts")?;
    let batches: Vec<Vec<String>> = ids.chunks(100).map(<[String]>::to_vec).collect();
    let stopped = block_on(async {
        run_batches(&mut s, batches.len(), |i| {
            let r = client.tweets(batches[i].clone());
            async move { r.send().await }
        })
        .await
    })??;
    let missing = ids.len() as u64 - s.state.items.min(ids.len() as u64);
    finish_lookup(s, stopped, missing, "post id(s)")
}

/// Runs `rapport users`: the accounts of the handles and ids, 100 per request.
pub(crate) fn run_users(a: &UsersArgs) -> Result<Outcome, CmdError> {
    let items = read_list(&a.handles_file)?;
    let (ids, handles): (Vec<String>, Vec<String>) = items
        .into_iter()
        .map(|(_, s)| s.trim_start_matches('@').to_owned())
        .partition(|s| s.bytes().all(|b| b.is_ascii_digit()));
    let total = ids.len() + handles.len();
    let key = format!("{total} accounts ({})", a.handles_file.display());
    let (mut s, client) = a.out.start("users", &key, "users")?;
    let mut batches: Vec<(bool, Vec<String>)> =
        ids.chunks(100).map(|c| (true, c.to_vec())).collect();
    batches.extend(handles.chunks(100).map(|c| (false, c.to_vec())));
    let stopped = block_on(async {
        run_batches(&mut s, batches.len(), |i| {
            let (by_id, batch) = batches[i].clone();
            let client = client.clone();
            async move {
                if by_id {
                    client.users(batch).send().await
                } else {
                    client.users_by_usernames(batch).send().await
                }
            }
        })
        .await
    })??;
    let missing = total as u64 - s.state.items.min(total as u64);
    finish_lookup(s, stopped, missing, "account(s)")
}

/// Sends batch `i` for every batch from the session's cursor (the next batch's number).
async fn run_batches<B, F, Fut>(
    s: &mut Session,
    n: usize,
    mut send: F,
) -> Result<Option<String>, CmdError>
where
    B: rapport_twitter::client::PageBody,
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<
            Output = Result<rapport_twitter::client::Page<B>, rapport_twitter::ClientError>,
        >,
{
    let start: usize = match &s.state.cursor {
        Some(c) => c
            .parse()
            .map_err(|_| format!("the resume state's batch number {c:?} is not a number"))?,
        None => 0,
    };
    for i in start..n {
        match send(i).await {
            Ok(page) => {
                let next = (i + 1 < n).then(|| (i + 1).to_string());
                s.page(&page, next)?;
            }
            Err(e) if s.state.pages == 0 => return Err(e.into()),
            Err(e) => return Ok(Some(e.to_string())),
        }
    }
    Ok(None)
}

fn finish_lookup(
    s: Session,
    stopped: Option<String>,
    missing: u64,
    what: &str,
) -> Result<Outcome, CmdError> {
    match outcome(s, stopped)? {
        Outcome::Done if missing > 0 => Ok(Outcome::Partial(format!(
            "{missing} {what} were not returned (deleted, protected, suspended or unknown); \
             the pages' errors say which"
        ))),
        o => Ok(o),
    }
}
