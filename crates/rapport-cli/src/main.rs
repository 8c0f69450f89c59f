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

/// mimalloc as the global allocator (feature `mimalloc`, on by default): see docs/benchmarks.md.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// No progress spinners (they show only on a terminal, for work that takes over a second).
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
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
    /// Fetch what is new for the store's watches from the X API (a follow list: one follow snapshot
    /// per run), resuming an interrupted sync.
    Sync(cmd::sync::Args),
    /// Manage watches: saved searches, timelines, mentions, lists, followers and following lists to
    /// sync.
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
    /// Engagement of every account with the organisation: score, funnel stage and every component.
    /// Logged in the audit log.
    Engagement(cmd::analyses::EngagementArgs),
    /// The broadcast report: the organisation's posts as void, broadcast or conversation, overall
    /// and per account, hashtag and month (--posts: one row per post).
    Broadcast(cmd::analyses::BroadcastArgs),
    /// Skill evidence per account and skill, from hashtags, keywords and bios.
    Skills(cmd::analyses::SkillsArgs),
    /// Candidates ranked for a job profile (--job job.toml), engagement beside the fit. Logged in
    /// the audit log.
    Rank(cmd::analyses::RankArgs),
    /// Mentors and thought leaders of a topic (learning and development only, never for hiring).
    Mentors(cmd::analyses::MentorsArgs),
    /// A learning feed for skill goals: mentors to follow, rising hashtags, conversations to read.
    Learn(cmd::analyses::LearnArgs),
    /// Follow events between the organisation and the accounts its follow snapshots cover
    /// (followed, followed_back, unfollowed), each with the interval between the two snapshots that
    /// bound it. From the store or --input files. Reads only.
    Follows(cmd::follows::FollowsArgs),
    /// The timeline of one relationship: follows, follow-back, first mention, reply and two-way
    /// exchange each way, amplification, latest interaction, each with its evidence. Reads only.
    Relationship(cmd::follows::RelationshipArgs),
    /// Search recent posts (or the full archive with --archive) and write the pages as twarc2
    /// JSONL (stdout, -o FILE) or into the store (--store).
    Search(cmd::collect::SearchArgs),
    /// An account's own posts (newest 3,200), as twarc2 JSONL or into the store.
    Timeline(cmd::collect::TimelineArgs),
    /// Posts mentioning an account (newest 800), as twarc2 JSONL or into the store.
    Mentions(cmd::collect::MentionsArgs),
    /// A whole conversation from any of its posts: the root and every reply.
    Conversation(cmd::collect::ConversationArgs),
    /// Posts quoting a post.
    Quotes(cmd::collect::QuotesArgs),
    /// An account's followers: a follow snapshot `rapport import` turns into follow observations.
    Followers(cmd::collect::AccountArgs),
    /// The accounts an account follows: a follow snapshot.
    Following(cmd::collect::AccountArgs),
    /// The members of a list.
    ListMembers(cmd::collect::ListMembersArgs),
    /// The lists an account owns (or, with --memberships, is a member of).
    Lists(cmd::collect::ListsArgs),
    /// Post counts per day, hour or minute for a query.
    Counts(cmd::collect::CountsArgs),
    /// The posts of a file of post ids, 100 per request.
    Hydrate(cmd::collect::HydrateArgs),
    /// The accounts of a file of handles or user ids, 100 per request.
    Users(cmd::collect::UsersArgs),
    /// The filtered stream: manage its rules, then connect.
    #[command(subcommand)]
    Stream(cmd::collect::stream::StreamCommand),
    /// The configuration (rapport.toml, environment, flags): `rapport config show`.
    #[command(subcommand)]
    Config(cmd::config::ConfigCommand),
    /// Log in to X as the account rapport acts for (OAuth 2.0 with PKCE), or show the token's
    /// scopes and expiry. Tokens stay in a 0600 file, never in the store, never printed.
    #[command(subcommand)]
    Auth(cmd::auth::AuthCommand),
    /// Follow one account as the logged-in user: shows what it will send and asks (--yes for
    /// scripts, --dry-run to only print the request).
    Follow(cmd::follow::Args),
    /// Write a draft reply to a stored post (--text, or --template to prefill it). Nothing is sent:
    /// `rapport send` does, one draft at a time, after a person approved it. Logged in the audit log.
    Draft(cmd::drafts::DraftArgs),
    /// List the drafts and what became of them: draft, sending, sent (with the new post's id),
    /// failed (with the error) or unknown_outcome.
    Drafts(cmd::drafts::DraftsArgs),
    /// Send one draft as a reply from the logged-in account: shows the text, the post it answers and
    /// its author, and asks (--yes when a person already approved; refused without a terminal
    /// otherwise). Never sends a draft twice; --dry-run prints the request. Logged in the audit log.
    Send(cmd::drafts::SendArgs),
    /// Read from Bluesky (the public AppView, or with an app password) into JSONL pages that
    /// `rapport import` reads: an account's feed, a thread, followers, follows, follow records with
    /// their dates, quotes, a search.
    #[command(subcommand)]
    Bsky(cmd::bsky::BskyCommand),
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
    cmd::progress::set_quiet(cli.quiet);
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
        Command::Engagement(args) => cmd::analyses::run_engagement(args),
        Command::Broadcast(args) => cmd::analyses::run_broadcast(args),
        Command::Skills(args) => cmd::analyses::run_skills(args),
        Command::Rank(args) => cmd::analyses::run_rank(args),
        Command::Mentors(args) => cmd::analyses::run_mentors(args),
        Command::Learn(args) => cmd::analyses::run_learn(args),
        Command::Follows(args) => cmd::follows::run_follows(args),
        Command::Relationship(args) => cmd::follows::run_relationship(args),
        Command::Search(a) => cmd::collect::run_search(a),
        Command::Timeline(a) => cmd::collect::run_timeline(a),
        Command::Mentions(a) => cmd::collect::run_mentions(a),
        Command::Conversation(a) => cmd::collect::run_conversation(a),
        Command::Quotes(a) => cmd::collect::run_quotes(a),
        Command::Followers(a) => cmd::collect::run_follows(a, false),
        Command::Following(a) => cmd::collect::run_follows(a, true),
        Command::ListMembers(a) => cmd::collect::run_list_members(a),
        Command::Lists(a) => cmd::collect::run_lists(a),
        Command::Counts(a) => cmd::collect::run_counts(a),
        Command::Hydrate(a) => cmd::collect::run_hydrate(a),
        Command::Users(a) => cmd::collect::run_users(a),
        Command::Stream(c) => cmd::collect::stream::run(c),
        Command::Config(c) => cmd::config::run(c),
        Command::Auth(args) => cmd::auth::run(args),
        Command::Follow(args) => cmd::follow::run(args),
        Command::Draft(args) => cmd::drafts::run_draft(args),
        Command::Drafts(args) => cmd::drafts::run_drafts(args),
        Command::Send(args) => cmd::drafts::run_send(args),
        Command::Bsky(command) => cmd::bsky::run(command),
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
