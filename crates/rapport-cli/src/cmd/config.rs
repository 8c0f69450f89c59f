//! `rapport config show`: the effective settings and where each came from (a flag, an environment
//! variable, rapport.toml, or the default).

use std::io::Write;
use std::path::PathBuf;

use rapport_core::config::{Config, Overrides};

use super::{CmdError, Outcome};

/// `rapport config ...`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print every effective setting and its source.
    Show(ShowArgs),
}

/// Arguments of `rapport config show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// The configuration file (default: ./rapport.toml, then the user's rapport/rapport.toml;
    /// env RAPPORT_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The organisation's accounts, as a command would take them (repeatable).
    #[arg(long = "org", value_name = "HANDLE")]
    pub org: Vec<String>,
    /// The store, as a command would take it.
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// Print JSON (each setting with `value` and `source`).
    #[arg(long)]
    pub json: bool,
}

/// Runs `rapport config ...`.
pub(crate) fn run(cmd: &ConfigCommand) -> Result<Outcome, CmdError> {
    let ConfigCommand::Show(a) = cmd;
    let overrides = Overrides {
        org: (!a.org.is_empty()).then(|| a.org.clone()),
        store: a.store.clone(),
        ..Overrides::default()
    };
    let settings = Config::load(a.config.as_deref(), &overrides)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &settings)?;
        writeln!(out)?;
        return Ok(Outcome::Done);
    }
    let lines = settings.lines();
    let width = lines.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (k, v, src) in lines {
        if src.is_empty() {
            writeln!(out, "{k:<width$}  {v}")?;
        } else {
            writeln!(out, "{k:<width$}  {v}  ({src})")?;
        }
    }
    Ok(Outcome::Done)
}
