//! The subcommands, one module each, and what they share: the outcome and exit codes, and opening
//! the store.

pub(crate) mod analyses;
pub(crate) mod analysis;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod bsky;
pub(crate) mod check;
pub(crate) mod collect;
pub(crate) mod config;
pub(crate) mod drafts;
pub(crate) mod export;
pub(crate) mod follow;
pub(crate) mod follows;
pub(crate) mod forget;
pub(crate) mod hris_io;
pub(crate) mod import;
pub(crate) mod inbox;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod quickstart;
pub(crate) mod report;
pub(crate) mod retain;
pub(crate) mod score;
pub(crate) mod sync;
pub(crate) mod watch;

use std::path::{Path, PathBuf};

use rapport_core::Corpus;
use rapport_store::{AuditEntry, PlatformFilter, Store, StoreError};

/// The error of a subcommand: any error, shown to the user as its message (exit code 1).
pub(crate) type CmdError = Box<dyn std::error::Error + Send + Sync>;

/// Exit code: success.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: a runtime error (bad file, store error, API error).
pub(crate) const EXIT_ERROR: u8 = 1;
/// Exit code: a usage error (unknown flag, missing argument), as clap reports it.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code: the command did its work but the result is partial (unknown handles, a sync stopped
/// by a rate limit, skipped lines); the details are on stderr.
pub(crate) const EXIT_PARTIAL: u8 = 3;

/// How a command ended when it did not fail.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything was done.
    Done,
    /// Done, but partially: the message says what is missing.
    Partial(String),
}

/// The `--store PATH` argument every store command takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StoreArg {
    /// The store: one SQLite file, created when missing (env: RAPPORT_STORE).
    #[arg(long, value_name = "PATH", env = "RAPPORT_STORE")]
    pub store: PathBuf,
}

impl StoreArg {
    /// Opens (or creates) the store, naming the file in the error.
    pub(crate) fn open(&self) -> Result<Store, CmdError> {
        open_store(&self.store)
    }

    /// Opens an existing store: a command that only reads refuses to create an empty one.
    pub(crate) fn open_existing(&self) -> Result<Store, CmdError> {
        if !self.store.exists() {
            return Err(format!(
                "store {} does not exist; create it with `rapport import FILE --store {}`",
                self.store.display(),
                self.store.display()
            )
            .into());
        }
        open_store(&self.store)
    }
}

/// The `--platform x|bluesky|all` argument of every command that analyses the store's corpus.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct PlatformArg {
    /// Which platform of the store to analyse: `x`, `bluesky`, or `all` (both merged into one
    /// corpus). Default: the store's only platform; required when the store holds both.
    #[arg(long = "platform", value_name = "x|bluesky|all", value_parser = parse_platform_filter)]
    pub platform: Option<PlatformFilter>,
}

fn parse_platform_filter(s: &str) -> Result<PlatformFilter, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "x" | "bluesky" | "all" => PlatformFilter::parse(s).map_err(|e| e.to_string()),
        _ => Err(format!(
            "{s:?} is not a platform: expected x, bluesky or all"
        )),
    }
}

impl PlatformArg {
    /// The store's corpus of the chosen platform ([`load_corpus`]).
    pub(crate) fn load(&self, store: &Store, path: &Path) -> Result<Corpus, CmdError> {
        load_corpus(store, path, self.platform)
    }
}

/// The corpus of one platform of the store (`all`: every platform, merged). Without a choice, the
/// store's only platform; a store holding several is an error naming them and the flag.
pub(crate) fn load_corpus(
    store: &Store,
    path: &Path,
    platform: Option<PlatformFilter>,
) -> Result<Corpus, CmdError> {
    let filter = match store.resolve_platform(platform) {
        Ok(f) => f,
        Err(StoreError::MixedPlatforms { platforms }) => {
            let choices: Vec<String> = platforms
                .iter()
                .map(|p| format!("--platform {p}"))
                .collect();
            return Err(format!(
                "store {} holds data of several platforms ({}); a corpus holds one platform at a \
                 time: choose one with {}, or merge them with --platform all",
                path.display(),
                platforms.join(" and "),
                choices.join(" or ")
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    Ok(store.load_corpus_for(filter)?)
}

/// Opens (or creates) the store at `path`, naming the file in the error, with the CLI as the actor.
pub(crate) fn open_store(path: &Path) -> Result<Store, CmdError> {
    let mut s = Store::open(path).map_err(|e| {
        let msg = e.to_string();
        let shown = path.display().to_string();
        // Most store errors name the file already; say it once.
        if msg.contains(&shown) {
            msg
        } else {
            format!("{shown}: {msg}")
        }
    })?;
    s.set_actor(format!("rapport-cli {}", env!("CARGO_PKG_VERSION")));
    Ok(s)
}

/// The crate version recorded in audit entries.
pub(crate) const VERSION: &str = concat!("rapport ", env!("CARGO_PKG_VERSION"));

/// An audit entry for `action`, with this version.
pub(crate) fn audit_entry(action: &str) -> AuditEntry {
    AuditEntry {
        version: VERSION.to_owned(),
        ..AuditEntry::new(action)
    }
}

/// Writes `bytes` to `path` so that the file is either the old one or the whole new one: into a
/// temporary file in the same directory (so the rename stays on one file system), flushed to disk,
/// then renamed over `path`. A command audits an output only after this returned.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CmdError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] with a function that writes the content.
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), CmdError> {
    use std::io::Write as _;
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| format!("{shown}: not a file name"))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let f = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(f);
        write(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()?;
        drop(w);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{shown}: {e} (nothing was written)").into());
    }
    Ok(())
}
