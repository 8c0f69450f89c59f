//! The subcommands, one module each.

pub(crate) mod quickstart;

/// The error of a subcommand: any error, shown to the user as its message.
pub(crate) type CmdError = Box<dyn std::error::Error + Send + Sync>;
