//! `rapport stream`: the filtered stream's rules (`rules list|add|delete`), then `connect`, which
//! writes every matching post as one twarc2 line (the message with `__twarc` metadata) until
//! `--limit` posts, `--duration` seconds, or the reconnect budget runs out.

use std::time::Duration;

use futures::StreamExt;
use rapport_twitter::client::{RuleSpec, RulesResponse, StreamEvent};

use super::{ApiArgs, OutArgs, block_on, outcome};
use crate::cmd::{CmdError, Outcome};

/// `rapport stream ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum StreamCommand {
    /// Manage the filtered stream's rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Connect and write matching posts (reconnecting with X's backoff) until --limit or
    /// --duration.
    Connect(ConnectArgs),
}

/// `rapport stream rules ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RulesCommand {
    /// List the rules.
    List {
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Add a rule (`rapport stream rules add '#hiring lang:en' --tag jobs`).
    Add {
        /// The rule, in the search query language.
        value: String,
        /// A label, returned with each match.
        #[arg(long)]
        tag: Option<String>,
        /// Validate only; save nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Delete rules by id, or all of them.
    Delete {
        /// Rule ids.
        #[arg(required_unless_present = "all")]
        ids: Vec<String>,
        /// Delete every rule.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        #[command(flatten)]
        api: ApiArgs,
    },
}

/// Arguments of `rapport stream connect`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConnectArgs {
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
    /// Ask X to replay up to this many minutes missed while reconnecting (0..=5; higher tiers).
    #[arg(long, value_name = "MINUTES")]
    pub backfill: Option<u32>,
    #[command(flatten)]
    pub out: OutArgs,
}

fn print_rules(r: &RulesResponse) {
    for rule in &r.data {
        println!(
            "{}\t{}\t{}",
            rule.id,
            rule.value,
            rule.tag.as_deref().unwrap_or("")
        );
    }
}

fn rule_errors(r: &RulesResponse) -> Option<String> {
    if r.errors.is_empty() {
        return None;
    }
    Some(
        r.errors
            .iter()
            .map(|p| {
                format!(
                    "{}{}",
                    p.title.as_deref().unwrap_or("error"),
                    p.value
                        .as_ref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Runs `rapport stream ...`.
pub(crate) fn run(cmd: &StreamCommand) -> Result<Outcome, CmdError> {
    match cmd {
        StreamCommand::Rules(r) => run_rules(r),
        StreamCommand::Connect(a) => run_connect(a),
    }
}

fn run_rules(cmd: &RulesCommand) -> Result<Outcome, CmdError> {
    match cmd {
        RulesCommand::List { api } => {
            let client = api.client(None)?;
            let r = block_on(client.stream_rules(&[]))??;
            print_rules(&r);
            Ok(Outcome::Done)
        }
        RulesCommand::Add {
            value,
            tag,
            dry_run,
            api,
        } => {
            let client = api.client(None)?;
            let spec = RuleSpec::new(value.clone(), tag.as_deref());
            let r = block_on(client.add_stream_rules(&[spec], *dry_run))??;
            print_rules(&r);
            Ok(match rule_errors(&r) {
                Some(e) => Outcome::Partial(format!("the rule was not added: {e}")),
                None => Outcome::Done,
            })
        }
        RulesCommand::Delete { ids, all, api } => {
            let client = api.client(None)?;
            let r = block_on(async {
                let ids = if *all {
                    client
                        .stream_rules(&[])
                        .await?
                        .data
                        .into_iter()
                        .map(|r| r.id)
                        .collect()
                } else {
                    ids.clone()
                };
                if ids.is_empty() {
                    return Ok(RulesResponse::default());
                }
                client.delete_stream_rules(&ids, false).await
            })??;
            eprintln!(
                "rapport: {} rule(s) deleted",
                r.summary("deleted").unwrap_or(0)
            );
            Ok(match rule_errors(&r) {
                Some(e) => Outcome::Partial(format!("not every rule was deleted: {e}")),
                None => Outcome::Done,
            })
        }
    }
}

fn run_connect(a: &ConnectArgs) -> Result<Outcome, CmdError> {
    if a.out.resume {
        return Err("a stream cannot be resumed (ask for --backfill minutes instead)".into());
    }
    if a.out.limit.is_none() && a.duration.is_none() {
        eprintln!("rapport: streaming until interrupted (Ctrl-C); --limit or --duration stop it");
    }
    let (mut s, client) = a.out.start("stream", "connect", "posts")?;
    let limit = a.out.limit.unwrap_or(usize::MAX);
    let mut req = client.filtered_stream();
    if let Some(m) = a.backfill {
        req = req.backfill_minutes(m);
    }
    let deadline = a.duration.map(Duration::from_secs);
    let stopped = block_on(async {
        let mut events = req.events();
        let run = async {
            let mut n = 0usize;
            while n < limit {
                match events.next().await {
                    Some(Ok(StreamEvent::Message(page))) => {
                        n += 1;
                        s.page(&page, None)?;
                    }
                    Some(Ok(StreamEvent::Disconnected { reason, retry_in })) => {
                        s.note(&format!(
                            "disconnected ({reason}); reconnecting in {}s",
                            retry_in.as_secs()
                        ));
                    }
                    Some(Ok(StreamEvent::Skipped { error })) => {
                        s.note(&format!("skipped a line: {error}"));
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) if s.state.pages == 0 => return Err(CmdError::from(e)),
                    Some(Err(e)) => return Ok(Some(e.to_string())),
                    None => return Ok(None),
                }
            }
            Ok(None)
        };
        match deadline {
            Some(d) => match tokio::time::timeout(d, run).await {
                Ok(r) => r,
                Err(_) => Ok(None),
            },
            None => run.await,
        }
    })??;
    outcome(s, stopped)
}
