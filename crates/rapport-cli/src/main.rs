//! The `rapport` command.
//!
//! One subcommand per file under `src/cmd/`: each defines its clap `Args` and a `run` function, and
//! `main` only dispatches. Add a command by adding a file and a variant of [`Command`].

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Talent intelligence from public social conversations.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load the built-in sample corpus (or a file) and print a summary: the first thing to run.
    Quickstart(cmd::quickstart::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Quickstart(args) => cmd::quickstart::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport: {e}");
            ExitCode::FAILURE
        }
    }
}
