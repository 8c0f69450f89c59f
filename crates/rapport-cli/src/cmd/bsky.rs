//! `rapport bsky feed|thread|followers|follows|follow-records|quotes|search ...`: read from Bluesky
//! (the public AppView by default, or with an app password) and append the answers as JSONL pages
//! (one XRPC answer per line with `__rapport` metadata), which `rapport import` and
//! `Corpus.from_jsonl` read back. A `.car` repository export imports with `rapport import repo.car`.

use std::path::PathBuf;

use rapport_bluesky::client::{BskyClient, ClientConfig, Fetch, SearchOptions};
use rapport_core::source::Limit;

use super::{CmdError, Outcome};

/// What to read.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum BskyCommand {
    /// An account's posts, replies and reposts (app.bsky.feed.getAuthorFeed).
    Feed(ActorArgs),
    /// The whole thread of a post: an at:// URI or a `https://bsky.app/profile/.../post/...` URL
    /// (app.bsky.feed.getPostThread).
    Thread(PostArgs),
    /// An account's followers, as one follow snapshot (app.bsky.graph.getFollowers).
    Followers(ActorArgs),
    /// The accounts an account follows, as one follow snapshot (app.bsky.graph.getFollows).
    Follows(ActorArgs),
    /// An account's follow records, each with its exact date (com.atproto.repo.listRecords of
    /// app.bsky.graph.follow, at the PDS).
    FollowRecords(ActorArgs),
    /// The posts quoting a post (app.bsky.feed.getQuotes).
    Quotes(PostArgs),
    /// Posts matching a query (app.bsky.feed.searchPosts; may need --identifier).
    Search(SearchArgs),
}

/// Options every `bsky` command takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// The JSONL file the pages are appended to (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Stop after this many pages.
    #[arg(long)]
    pub max_pages: Option<usize>,
    /// Stop after this many items.
    #[arg(long)]
    pub max_items: Option<usize>,
    /// Where unauthenticated calls go.
    #[arg(long, default_value = rapport_bluesky::client::PUBLIC_APPVIEW)]
    pub base_url: String,
    /// Where the login and authenticated calls (and listRecords) go.
    #[arg(long, default_value = rapport_bluesky::client::DEFAULT_PDS)]
    pub pds_url: String,
    /// Log in with an app password as this handle or DID.
    #[arg(long, requires = "password_env")]
    pub identifier: Option<String>,
    /// The environment variable holding the app password (never a flag: it would show in the
    /// process list and the shell history).
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
}

/// An account argument.
#[derive(Debug, clap::Args)]
pub(crate) struct ActorArgs {
    /// A handle, a DID or a `https://bsky.app/profile/...` URL.
    pub actor: String,
    #[command(flatten)]
    pub common: Common,
}

/// A post argument.
#[derive(Debug, clap::Args)]
pub(crate) struct PostArgs {
    /// An at:// URI or a `https://bsky.app/profile/.../post/...` URL.
    pub post: String,
    #[command(flatten)]
    pub common: Common,
}

/// A search.
#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// The query (Lucene-like; `#hiring from:acme.bsky.social` style operators pass through).
    pub query: String,
    /// Only posts by this account.
    #[arg(long)]
    pub author: Option<String>,
    /// Only posts in this language.
    #[arg(long)]
    pub lang: Option<String>,
    /// Oldest creation time (a datetime or a date).
    #[arg(long)]
    pub since: Option<String>,
    /// Newest creation time, exclusive.
    #[arg(long)]
    pub until: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

fn client(c: &Common) -> Result<BskyClient, CmdError> {
    let mut b = BskyClient::builder().config(ClientConfig {
        base_url: c.base_url.clone(),
        pds_url: c.pds_url.clone(),
        ..ClientConfig::default()
    });
    if let (Some(id), Some(var)) = (&c.identifier, &c.password_env) {
        b = b.app_password(id, var);
    }
    Ok(b.build()?)
}

fn limit(c: &Common) -> Limit {
    Limit {
        max_pages: c.max_pages,
        max_items: c.max_items,
    }
}

/// Runs `rapport bsky ...`.
pub(crate) fn run(command: &BskyCommand) -> Result<Outcome, CmdError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (common, fetch) = runtime.block_on(async {
        Ok::<_, CmdError>(match command {
            BskyCommand::Feed(a) => (
                &a.common,
                client(&a.common)?
                    .author_feed(&a.actor, limit(&a.common))
                    .await?,
            ),
            BskyCommand::Thread(a) => (&a.common, client(&a.common)?.thread(&a.post).await?),
            BskyCommand::Followers(a) => (
                &a.common,
                client(&a.common)?
                    .followers(&a.actor, limit(&a.common))
                    .await?,
            ),
            BskyCommand::Follows(a) => (
                &a.common,
                client(&a.common)?
                    .follows(&a.actor, limit(&a.common))
                    .await?,
            ),
            BskyCommand::FollowRecords(a) => (
                &a.common,
                client(&a.common)?
                    .follow_records(&a.actor, limit(&a.common))
                    .await?,
            ),
            BskyCommand::Quotes(a) => (
                &a.common,
                client(&a.common)?.quotes(&a.post, limit(&a.common)).await?,
            ),
            BskyCommand::Search(a) => {
                let opts = SearchOptions {
                    author: a.author.clone(),
                    lang: a.lang.clone(),
                    since: a.since.clone(),
                    until: a.until.clone(),
                    ..SearchOptions::default()
                };
                (
                    &a.common,
                    client(&a.common)?
                        .search(&a.query, &opts, limit(&a.common))
                        .await?,
                )
            }
        })
    })?;
    write(common, &fetch)
}

fn write(common: &Common, fetch: &Fetch) -> Result<Outcome, CmdError> {
    let lines = if common.output.as_os_str() == "-" {
        let mut w = rapport_bluesky::jsonl::JsonlWriter::new(std::io::stdout().lock());
        for p in &fetch.pages {
            w.write_page(p)?;
        }
        let n = w.lines();
        drop(w.into_inner()?);
        n
    } else {
        rapport_bluesky::jsonl::append_pages(&common.output, &fetch.pages)?
    };
    eprintln!(
        "{} page(s) to {}: {} posts, {} accounts, {} follow records, {} placeholders{}",
        lines,
        common.output.display(),
        fetch.corpus.num_posts(),
        fetch.corpus.num_accounts(),
        fetch.corpus.follow_records().len(),
        fetch.added.missing.len(),
        fetch
            .cursor
            .as_ref()
            .map(|c| format!("; stopped at the limit, cursor {c}"))
            .unwrap_or_default()
    );
    if fetch.added.skipped.is_empty() {
        Ok(Outcome::Done)
    } else {
        Ok(Outcome::Partial(format!(
            "{} item(s) left out: {}",
            fetch.added.skipped.len(),
            fetch.added.skipped.join("; ")
        )))
    }
}

/// True for a file rapport-bluesky reads: a repository export (`.car`) or JSONL pages whose first
/// line carries `__rapport` metadata.
pub(crate) fn is_bluesky_file(path: &std::path::Path) -> bool {
    use std::io::BufRead;
    if rapport_bluesky::repo::looks_like_car(path) {
        return true;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    for line in std::io::BufReader::new(f).lines().take(5) {
        match line {
            Ok(l) if l.trim().is_empty() => {}
            Ok(l) => {
                first = l;
                break;
            }
            Err(_) => return false,
        }
    }
    first.contains(concat!("\"", "__rapport", "\""))
}
