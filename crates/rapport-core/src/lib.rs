//! # rapport-core
//!
//! The domain of rapport, with no HTTP and no Python: the platform-neutral [`Post`] and [`Account`], the
//! deduplicated, columnar [`Corpus`], the reply trees of [`Conversation`]s, and the analyses built on
//! them.
//!
//! ```
//! use rapport_core::{Account, Corpus, Post};
//! use chrono::{TimeZone, Utc, Duration};
//!
//! let t0 = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let mut corpus = Corpus::new();
//! corpus.add_account(Account::new("1", "acme_careers"));
//! corpus.add_account(Account::new("2", "ada"));
//! let mut job = Post::new("10", "1", "We are #hiring a #RustLang engineer", t0);
//! job.hashtags = vec!["hiring".into(), "RustLang".into()];
//! job.conversation_id = Some("10".into());
//! let mut reply = Post::new("11", "2", "Remote friendly?", t0 + Duration::hours(1));
//! reply.reply_to = Some("10".into());
//! reply.conversation_id = Some("10".into());
//! corpus.add_post(job);
//! corpus.add_post(reply);
//!
//! assert_eq!(corpus.num_posts(), 2);
//! assert_eq!(corpus.num_conversations(), 1);
//! let conv = corpus.conversation("10").unwrap();
//! assert_eq!(conv.depth, 1);
//! ```

pub mod candidates;
mod columns;
pub mod compliance;
pub mod config;
pub mod context;
mod conversation;
mod corpus;
pub mod engagement;
pub mod error;
pub mod fairness;
pub mod filter;
pub mod follows;
pub mod graph;
pub mod hris;
pub mod hris_columns;
pub mod inbox;
pub mod learning;
pub mod lists;
pub mod mentors;
mod model;
pub mod question;
pub mod ranking;
pub mod skills;
pub mod source;
pub mod summary;
pub mod threads;
pub mod time;

pub use conversation::{Conversation, ConversationNode, NodeStatus};
pub use corpus::{AccountIdx, AccountRef, Corpus, Csr, Indices, PostIdx, PostRef, TagIdx};
pub use error::Error;
pub use model::{
    Account, ContextAnnotation, Mention, NewAccount, NewAnnotation, NewMention, NewPost, Platform,
    Post, PostKind, ProfileCounts, PublicMetrics, normalize_handle, normalize_hashtag,
};
