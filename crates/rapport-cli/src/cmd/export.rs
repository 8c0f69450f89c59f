//! `rapport export --store PATH --format parquet|jsonl -o FILE`: the stored corpus as a rapport corpus
//! file (Parquet, which `Corpus.load` in Python and `rapport_arrow::load_corpus` read) or as
//! twarc2-style JSONL (which `rapport import` and twarc-compatible tools read).
//!
//! With `--table posts|accounts|conversations|interactions`, one table of the corpus instead, in
//! `--format csv|json|jsonl|parquet`, written by rapport-arrow's writers.

use std::io::Write;
use std::path::PathBuf;

use rapport_arrow::Format as TableFormat;

use super::{CmdError, Outcome, PlatformArg, StoreArg};

/// What `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// The rapport corpus file (Parquet); with --table, that table as Parquet.
    Parquet,
    /// twarc2-style JSONL (one X API v2 page per line); with --table, one record per line.
    Jsonl,
    /// With --table only: CSV with a header line.
    Csv,
    /// With --table only: one JSON array of records.
    Json,
}

/// A table of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Table {
    /// One row per post.
    Posts,
    /// One row per account.
    Accounts,
    /// One row per conversation.
    Conversations,
    /// One row per interaction (who replied to, mentioned, quoted or reposted whom).
    Interactions,
}

/// Arguments of `rapport export`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// The output format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Export one table of the corpus instead of the corpus itself.
    #[arg(long, value_enum)]
    pub table: Option<Table>,
    /// The file to write; `-` for stdout (not for the Parquet corpus file).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// Runs `rapport export`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let store = args.store.open_existing()?;
    let progress = super::progress::Progress::start("reading the store");
    let corpus = args.platform.load(&store, &args.store.store)?;
    progress.set_message(format!("writing {}", args.output.display()));
    let to_stdout = args.output.as_os_str() == "-";
    let name = args.output.display().to_string();
    let werr = |e: rapport_arrow::Error| -> CmdError { format!("{name}: {e}").into() };
    match args.table {
        None => match args.format {
            Format::Parquet => {
                if to_stdout {
                    return Err(
                        "the Parquet corpus file needs a file name: -o corpus.parquet".into(),
                    );
                }
                rapport_arrow::save_corpus(&corpus, &args.output).map_err(werr)?;
            }
            Format::Jsonl => {
                if to_stdout {
                    rapport_arrow::corpus_to_jsonl(&corpus, std::io::stdout().lock())
                        .map_err(werr)?;
                } else {
                    let f =
                        std::fs::File::create(&args.output).map_err(|e| format!("{name}: {e}"))?;
                    rapport_arrow::corpus_to_jsonl(&corpus, std::io::BufWriter::new(f))
                        .map_err(werr)?;
                }
            }
            Format::Csv | Format::Json => {
                return Err(
                    "a whole corpus exports as parquet or jsonl; csv and json need --table \
                     posts|accounts|conversations|interactions"
                        .into(),
                );
            }
        },
        Some(table) => {
            let batch = match table {
                Table::Posts => rapport_arrow::corpus::posts(&corpus),
                Table::Accounts => rapport_arrow::corpus::accounts(&corpus),
                Table::Conversations => rapport_arrow::corpus::conversations(&corpus),
                Table::Interactions => rapport_arrow::corpus::interactions(&corpus),
            }
            .map_err(werr)?;
            let format = table_format(args.format);
            if to_stdout {
                // The Parquet writer wants a `Send` sink, which the stdout lock is not.
                let mut buf = Vec::new();
                rapport_arrow::write_table(&batch, format, &mut buf).map_err(werr)?;
                let mut out = std::io::stdout().lock();
                out.write_all(&buf)?;
                out.flush()?;
            } else {
                rapport_arrow::files::write_table_file(&batch, format, &args.output)
                    .map_err(werr)?;
            }
        }
    }
    drop(progress);
    eprintln!(
        "rapport: exported {} post(s) and {} account(s) to {name}",
        corpus.num_posts(),
        corpus.num_accounts()
    );
    Ok(Outcome::Done)
}

/// The rapport-arrow table format for a `--format` value.
pub(crate) fn table_format(f: Format) -> TableFormat {
    match f {
        Format::Parquet => TableFormat::Parquet,
        Format::Jsonl => TableFormat::Jsonl,
        Format::Csv => TableFormat::Csv,
        Format::Json => TableFormat::Json,
    }
}
