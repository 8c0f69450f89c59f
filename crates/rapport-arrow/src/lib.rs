//! Arrow is rapport's table currency, and this crate is where tables and files are made.
//!
//! - [`table`]: typed result rows of any analysis into one Arrow [`RecordBatch`], with the column
//!   types every consumer understands (timestamps as `Timestamp(ms, "UTC")`, never strings); CSV,
//!   JSON and JSONL text of a batch.
//! - [`corpus`]: the posts, accounts, conversations and interactions of a [`Corpus`] as batches.
//! - [`from_arrow`](mod@from_arrow): the way back, a corpus from posts and accounts tables of that
//!   shape (from Spark, a Parquet dataset or polars).
//! - [`files`]: the library's own file format, a Parquet corpus file (documented schema, format
//!   version in the file metadata), and writers of result tables to Parquet, CSV, JSON and JSONL.
//! - [`results`]: the tabular parts of nested results (the engagement rows with their follow columns
//!   always typed, the broadcast report's posts and summary, an explanation's components, a learning
//!   feed's items).
//! - [`graph`]: the interaction graph as a node table and an edge table.
//! - [`jsonl`]: a corpus as twarc2-style JSONL (X API v2 pages with `includes.users`), which
//!   rapport-twitter's importer reads back to an equal corpus.
//!
//! The CLI and the Python binding get every table from here, so Rust, the command line and notebooks
//! share one shape and one file format.
//!
//! [`Corpus`]: rapport_core::Corpus

pub mod corpus;
pub mod files;
pub mod follows;
pub mod from_arrow;
pub mod graph;
pub mod jsonl;
pub mod results;
pub mod table;

pub use arrow::datatypes::DataType;
pub use arrow::record_batch::RecordBatch;
pub use files::{
    Format, load_corpus, load_corpus_bytes, save_corpus, save_corpus_bytes, write_table,
};
pub use from_arrow::from_arrow;
pub use jsonl::corpus_to_jsonl;
pub use table::{record_batch, record_batch_without};

use std::path::PathBuf;

/// Why a table or a file could not be made or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Rows whose serde shape has no Arrow equivalent (or a value that does not fit its column).
    #[error("result rows cannot become a table: {message}")]
    Rows {
        /// What serde_arrow or the normalisation said.
        message: String,
    },
    /// An Arrow error while building or converting a column.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// A Parquet error while writing or reading a file.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing to a stream failed.
    #[error("{0}")]
    Stream(#[from] std::io::Error),
    /// A posts or accounts table given to [`from_arrow()`] lacks a column, has one of another type,
    /// or holds a value that does not fit it.
    #[error("{table}: column `{column}` {message}")]
    Column {
        /// `posts` or `accounts`.
        table: &'static str,
        /// The column.
        column: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A row of a table given to [`from_arrow()`] that the corpus refuses (an invalid id, a copy of
    /// a post with another author).
    #[error("{table}: row {row}: {message}")]
    Row {
        /// `posts` or `accounts`.
        table: &'static str,
        /// The row, counted from 0 over all the table's batches.
        row: usize,
        /// Why the corpus refused it.
        message: String,
    },
    /// A file that is not a rapport corpus file, or one that is damaged.
    #[error("{name}: {message}")]
    NotACorpus {
        /// The file (or `<bytes>`).
        name: String,
        /// What was expected and what was found.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
