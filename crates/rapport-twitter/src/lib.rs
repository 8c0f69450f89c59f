//! # rapport-twitter
//!
//! The X (Twitter) adapter of rapport. Data flows one way:
//!
//! 1. [`models`]: the API v2 wire structs, tolerant of missing fields, unknown fields, ids as numbers and
//!    the newer "post" names, so a recorded page never fails to parse for a reason the analyses do not
//!    care about.
//! 2. [`convert`]: one page → core [`Post`](rapport_core::Post)s and [`Account`](rapport_core::Account)s
//!    in a [`Corpus`](rapport_core::Corpus), with the full text of long posts and reposts.
//! 3. [`import`]: files on disk → a corpus: twarc2 JSONL (streamed line by line), single API response
//!    files and the X account archive, strict or lenient, with file, line and JSON path in every error.
//! 4. [`client`]: the async X API v2 client: typed endpoint builders, pagination streams, rate limits
//!    and retries in one place, conversations, the filtered stream, output as a corpus or twarc2 JSONL
//!    (see `docs/x-client.md`). Its [`ClientError`] folds into [`TwitterError::Client`].
//!
//! ```
//! use rapport_twitter::import::{ImportOptions, import_jsonl_reader};
//! // One twarc2 line: a page with one tweet and its author.
//! let line = concat!(
//!     r#"{"data":[{"id":"10","text":"We are #hiring","author_id":"1","created_at":"2024-05-01T09:00:00.000Z","#,
//!     r#""entities":{"hashtags":[{"start":7,"end":14,"tag":"hiring"}]}}],"#,
//!     r#""includes":{"users":[{"id":"1","name":"Acme","username":"acme_careers"}]},"meta":{"result_count":1}}"#,
//! );
//! let report = import_jsonl_reader(line.as_bytes(), "inline", &ImportOptions::default()).unwrap();
//! assert_eq!(report.corpus.num_posts(), 1);
//! assert_eq!(report.corpus.account_by_handle("@Acme_Careers").unwrap().id(), "1");
//! ```

pub mod client;
pub mod convert;
pub mod error;
pub mod import;
pub mod models;

pub use client::{ClientError, XClient};
pub use error::TwitterError;

// The code blocks of the importing guide run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/importing.md")]
struct ImportingGuide;

// The code blocks of the client guide run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/x-client.md")]
struct ClientGuide;

// The Rust example of the README compiles (it reads a file, so it is not run).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct Readme;
