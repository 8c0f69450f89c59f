//! X API v2 wire structs, as the API sends them.
//!
//! Every field except ids is optional and defaults when absent or `null`, unknown fields are kept in
//! `extra` on top-level objects, ids parse from strings or numbers, and the newer "post" names of spec
//! 2.167 (`includes.posts`, `referenced_posts`, `note_post`, `edit_history_post_ids`) are accepted as
//! aliases of the tweet names (which are what gets written back). These structs are for reading and
//! writing pages faithfully; [`convert`](crate::convert) turns them into core posts and accounts.

mod list;
mod problem;
mod response;
mod serde_util;
mod tweet;
mod user;

pub use list::XList;
pub use problem::{Outcome, Problem, ProblemDetail};
pub use response::{
    CountBucket, CountsResponse, Includes, MatchingRule, Media, Meta, Place, Poll, Response,
    TweetsResponse, UsersResponse,
};

/// A page of lists (owned lists, list memberships).
pub type ListsResponse = Response<XList>;
pub use serde_util::OneOrMany;
pub(crate) use serde_util::{
    de_time, id as de_id, opt_id as de_opt_id, opt_num as de_opt_num, parse_time,
};
pub use tweet::{
    Annotation, Attachments, ContextAnnotation, ContextEntity, EditControls, Entities, Extra, Geo,
    MentionEntity, NoteTweet, PublicMetrics, ReferenceType, ReferencedTweet, TagEntity, Tweet,
    UrlEntity, Withheld,
};
pub use user::{User, UserPublicMetrics};
