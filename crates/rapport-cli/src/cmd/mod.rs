//! The subcommands, one module each, and what they share: the outcome and exit codes, and opening
//! the store.

pub(crate) mod analysis;
pub(crate) mod audit;
pub(crate) mod export;
pub(crate) mod forget;
pub(crate) mod import;
pub(crate) mod quickstart;
pub(crate) mod report;
pub(crate) mod retain;
pub(crate) mod score;
pub(crate) mod sync;
pub(crate) mod watch;

use std::path::{Path, PathBuf};

use rapport_store::{AuditEntry, Store};

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

fn open_store(path: &Path) -> Result<Store, CmdError> {
    let mut s = Store::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
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
