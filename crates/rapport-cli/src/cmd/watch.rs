//! `rapport watch add|list|remove`: the saved definitions `rapport sync` fetches.

use std::io::Write;

use rapport_core::Platform;
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
    /// One conversation, read whole at every sync (an X post id; on Bluesky an at:// URI or a
    /// `https://bsky.app/profile/.../post/...` URL).
    Thread,
}

/// The platform a watch reads.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub(crate) enum PlatformArg {
    /// X (with the bearer token of `rapport sync`).
    #[default]
    X,
    /// Bluesky (the public AppView: no credentials, except a search that asks for a session).
    Bluesky,
}

impl From<PlatformArg> for Platform {
    fn from(p: PlatformArg) -> Platform {
        match p {
            PlatformArg::X => Platform::X,
            PlatformArg::Bluesky => Platform::Bluesky,
        }
    }
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
            Kind::Thread => WatchKind::Thread,
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
        /// The platform it reads.
        #[arg(long, value_enum, default_value_t = PlatformArg::X)]
        platform: PlatformArg,
        /// What it follows.
        #[arg(long, value_enum)]
        kind: Kind,
        /// The query (search), handle or id (timeline, mentions, followers, following; a DID on
        /// Bluesky), list id (list; an at:// URI of the list on Bluesky), or post (thread).
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
            platform,
            kind,
            target,
            page_size,
            archive,
            store,
        } => {
            let platform = Platform::from(*platform);
            let target = &check_target(platform, *kind, target)?;
            let mut w = Watch::new(name.clone(), (*kind).into(), target.clone()).on(platform);
            if let Some(n) = page_size {
                w.options["page_size"] = json!(n);
            }
            if *archive {
                if !matches!(kind, Kind::Search) || platform != Platform::X {
                    return Err(
                        "--archive applies to X search watches only (Bluesky search covers \
                         everything it indexed)"
                            .into(),
                    );
                }
                w.options["archive"] = json!(true);
            }
            store.open()?.add_watch(&w)?;
            writeln!(
                out,
                "added watch {name} ({} {} {target})",
                platform.as_str(),
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
                        "{:<20} {:<7} {:<9} {:<30} {state}",
                        w.name,
                        w.platform.as_str(),
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

/// Refuses a target the platform could never read, before it is stored; a Bluesky account given as
/// a `https://bsky.app/profile/...` URL or an @handle is stored as its handle or DID.
fn check_target(platform: Platform, kind: Kind, target: &str) -> Result<String, CmdError> {
    let t = target.trim();
    if t.is_empty() {
        return Err("--target is empty".into());
    }
    match (platform, kind) {
        (Platform::X, Kind::List | Kind::Thread) if !t.bytes().all(|c| c.is_ascii_digit()) => {
            let what = if matches!(kind, Kind::List) {
                "a list watch needs the list's numeric id"
            } else {
                "an X thread watch needs the numeric id of a post of the thread"
            };
            Err(format!("{what}, found {target:?}").into())
        }
        (Platform::Bluesky, Kind::Thread) if rapport_bluesky::syntax::post_uri_from(t).is_err() => {
            Err(format!(
                "a Bluesky thread watch needs a post's at:// URI or \
                 https://bsky.app/profile/.../post/... URL, found {target:?}"
            )
            .into())
        }
        (Platform::Bluesky, Kind::List) if !t.starts_with("at://") => {
            Err(format!("a Bluesky list watch needs the list's at:// URI, found {target:?}").into())
        }
        (
            Platform::Bluesky,
            Kind::Timeline | Kind::Mentions | Kind::Followers | Kind::Following,
        ) => match rapport_bluesky::syntax::actor_from(t) {
            Ok(a) => Ok(a.to_string()),
            Err(e) => Err(format!(
                "a Bluesky account watch needs a handle, a DID or a https://bsky.app/profile/... \
                 URL, found {target:?}: {e}"
            )
            .into()),
        },
        _ => Ok(target.to_owned()),
    }
}
