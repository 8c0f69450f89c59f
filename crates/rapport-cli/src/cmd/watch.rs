//! `rapport watch add|list|remove`: the saved definitions `rapport sync` fetches.

use std::io::Write;

use rapport_store::{Watch, WatchKind};
use serde_json::json;

use super::{CmdError, Outcome, StoreArg};

/// What a watch follows.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Kind {
    /// A search query (recent search, or full-archive with --archive).
    Search,
    /// The posts of a user (handle or id).
    Timeline,
    /// The posts mentioning a user (handle or id).
    Mentions,
    /// The posts of a list (list id).
    List,
    /// The followers of a user (handle or id): one follow snapshot per complete reading.
    Followers,
    /// The accounts a user follows (handle or id): one follow snapshot per complete reading.
    Following,
}

impl From<Kind> for WatchKind {
    fn from(k: Kind) -> WatchKind {
        match k {
            Kind::Search => WatchKind::Search,
            Kind::Timeline => WatchKind::Timeline,
            Kind::Mentions => WatchKind::Mentions,
            Kind::List => WatchKind::List,
            Kind::Followers => WatchKind::Followers,
            Kind::Following => WatchKind::Following,
        }
    }
}

/// `rapport watch` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum WatchCommand {
    /// Add a watch, e.g. `rapport watch add rust-jobs --kind search --target "#rustlang #hiring"`.
    Add {
        /// Its unique name.
        name: String,
        /// What it follows.
        #[arg(long, value_enum)]
        kind: Kind,
        /// The query (search), handle or id (timeline, mentions, followers, following), or list id
        /// (list).
        #[arg(long)]
        target: String,
        /// Items per page for this watch (posts; accounts for followers and following, default 1000).
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
        /// Search the full archive (Pro access and above) instead of the last 7 days.
        #[arg(long)]
        archive: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// List the watches with their cursors.
    List {
        #[command(flatten)]
        store: StoreArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a watch and its cursor (the posts it brought stay).
    Remove {
        /// The watch's name.
        name: String,
        #[command(flatten)]
        store: StoreArg,
    },
}

/// Runs `rapport watch ...`.
pub(crate) fn run(cmd: &WatchCommand) -> Result<Outcome, CmdError> {
    let mut out = std::io::stdout().lock();
    match cmd {
        WatchCommand::Add {
            name,
            kind,
            target,
            page_size,
            archive,
            store,
        } => {
            if matches!(kind, Kind::List) && !target.bytes().all(|c| c.is_ascii_digit()) {
                return Err(
                    format!("a list watch needs the list's numeric id, found {target:?}").into(),
                );
            }
            let mut w = Watch::new(name.clone(), (*kind).into(), target.clone());
            if let Some(n) = page_size {
                w.options["page_size"] = json!(n);
            }
            if *archive {
                if !matches!(kind, Kind::Search) {
                    return Err("--archive applies to search watches only".into());
                }
                w.options["archive"] = json!(true);
            }
            store.open()?.add_watch(&w)?;
            writeln!(
                out,
                "added watch {name} ({} {target})",
                WatchKind::from(*kind).as_str()
            )?;
        }
        WatchCommand::List { store, json } => {
            let st = store.open_existing()?;
            let mut rows = Vec::new();
            for w in st.watches()? {
                let c = st.cursor(&w.name)?;
                rows.push((w, c));
            }
            if *json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|(w, c)| json!({"watch": w, "cursor": c}))
                    .collect();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                if rows.is_empty() {
                    writeln!(out, "no watches; add one with `rapport watch add`")?;
                }
                for (w, c) in &rows {
                    let follows = w.kind.follow_direction().is_some();
                    let state = match c {
                        None => "never synced".to_owned(),
                        Some(c) if follows => format!(
                            "{}, last synced {}",
                            if c.cursor.next_token.is_some() {
                                "a reading of the list is unfinished"
                            } else {
                                "list read"
                            },
                            c.updated_at.format("%Y-%m-%d %H:%M UTC")
                        ),
                        Some(c) => format!(
                            "newest id {}{}, last synced {}",
                            c.cursor.newest_id.as_deref().unwrap_or("-"),
                            if c.cursor.next_token.is_some() {
                                " (a sync is unfinished)"
                            } else {
                                ""
                            },
                            c.updated_at.format("%Y-%m-%d %H:%M UTC")
                        ),
                    };
                    writeln!(
                        out,
                        "{:<20} {:<9} {:<30} {state}",
                        w.name,
                        w.kind.as_str(),
                        w.target
                    )?;
                }
            }
        }
        WatchCommand::Remove { name, store } => {
            if !store.open_existing()?.remove_watch(name)? {
                return Err(format!("no watch named {name:?} in the store").into());
            }
            writeln!(out, "removed watch {name}")?;
        }
    }
    Ok(Outcome::Done)
}
