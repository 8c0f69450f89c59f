//! # rapport-bluesky
//!
//! The Bluesky (AT Protocol) adapter of rapport: the same analyses on the open network, with exact
//! follow times. Data flows one way, as for X:
//!
//! 1. [`syntax`]: handles, DIDs, NSIDs, AT-URIs, record keys, TIDs and datetimes, validated as the
//!    protocol's interop lists say.
//! 2. [`models`]: the wire structs, written from the official lexicons, tolerant of new fields and
//!    union members.
//! 3. [`convert`]: pages and records → core [`Post`](rapport_core::Post)s (id = AT-URI),
//!    [`Account`](rapport_core::Account)s (id = DID, handle kept), follow snapshots and dated follow
//!    records, in a [`Corpus`](rapport_core::Corpus) of [`Platform::Bluesky`](rapport_core::Platform).
//! 4. [`client`]: the async XRPC client (public AppView, or an app-password session), with cursor
//!    pagination, the `ratelimit-*` headers honoured and 5xx retries; it implements core's
//!    [`Source`](rapport_core::source::Source).
//! 5. [`jsonl`]: the client's pages as JSONL with `__rapport` metadata, imported back; [`repo`]: the
//!    account's repository export (a CAR file).
//!
//! ```
//! use rapport_bluesky::jsonl::{ImportOptions, import_jsonl_reader};
//! use rapport_core::engagement::EngagementOptions;
//! // A reply by ada to a post of acme, as a saved getPostThread answer.
//! let line = r#"{"thread":{"$type":"app.bsky.feed.defs#threadViewPost",
//!   "post":{"uri":"at://did:plc:ada/app.bsky.feed.post/3kb","cid":"c2","author":{"did":"did:plc:ada","handle":"ada.bsky.social"},
//!     "record":{"text":"Is it remote?","createdAt":"2024-05-01T10:00:00Z",
//!       "reply":{"root":{"uri":"at://did:plc:acme/app.bsky.feed.post/3ka","cid":"c1"},"parent":{"uri":"at://did:plc:acme/app.bsky.feed.post/3ka","cid":"c1"}}}},
//!   "parent":{"$type":"app.bsky.feed.defs#threadViewPost",
//!     "post":{"uri":"at://did:plc:acme/app.bsky.feed.post/3ka","cid":"c1","author":{"did":"did:plc:acme","handle":"acme.bsky.social"},
//!       "record":{"text":"We are #hiring","createdAt":"2024-05-01T09:00:00Z"}}}}}"#.replace('\n', "");
//! let corpus = import_jsonl_reader(line.as_bytes(), "thread.jsonl", &ImportOptions::default()).unwrap().corpus;
//! let report = corpus.engagement(&["acme.bsky.social"], &EngagementOptions::default()).unwrap();
//! assert_eq!(report.rows[0].handle, "ada.bsky.social");
//! ```

pub mod client;
pub mod convert;
pub mod error;
pub mod jsonl;
pub mod models;
pub mod repo;
mod source;
pub mod syntax;

pub use client::BskyClient;
pub use error::{ClientError, ImportError};
