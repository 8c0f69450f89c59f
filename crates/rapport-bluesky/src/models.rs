//! Wire models, written from the official lexicons (`shared/specs/atproto/lexicons/`): the views the
//! AppView returns (`app.bsky.actor.defs`, `app.bsky.feed.defs`, `app.bsky.graph.defs`), the records
//! (`app.bsky.feed.post`, `app.bsky.feed.repost`, `app.bsky.feed.like`, `app.bsky.graph.follow`,
//! `app.bsky.actor.profile`) and each endpoint's output.
//!
//! Like the X models: every field the lexicon does not require is optional with a default, objects keep
//! unknown fields in `extra`, and unions (`$type`) have an `Other` arm, so a new field or a new embed
//! type never fails a page. Identifiers stay strings here (the AppView answers `handle.invalid` for a
//! handle it cannot verify); [`crate::convert`] checks what it relies on.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Unknown fields of an object.
pub type Extra = Map<String, Value>;

/// `app.bsky.actor.defs#profileView` (and `#profileViewBasic`, `#profileViewDetailed`, which it
/// covers: the counts are only in the detailed view).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// The account's DID.
    pub did: String,
    /// The handle (a domain name); `handle.invalid` when it does not verify.
    pub handle: String,
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The profile text.
    #[serde(default)]
    pub description: Option<String>,
    /// When the account was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the AppView indexed the profile.
    #[serde(default)]
    pub indexed_at: Option<String>,
    /// Followers (detailed view only).
    #[serde(default)]
    pub followers_count: Option<u64>,
    /// Accounts followed (detailed view only).
    #[serde(default)]
    pub follows_count: Option<u64>,
    /// Posts (detailed view only).
    #[serde(default)]
    pub posts_count: Option<u64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `com.atproto.repo.strongRef`: a record's URI and content hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrongRef {
    /// The AT-URI.
    pub uri: String,
    /// The CID (a string in JSON and in records).
    #[serde(default)]
    pub cid: String,
}

/// `app.bsky.feed.post#replyRef`: the thread a reply belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyRef {
    /// The thread's first post.
    pub root: StrongRef,
    /// The post answered.
    pub parent: StrongRef,
}

/// `app.bsky.richtext.facet#byteSlice`: a range of the text's UTF-8 bytes, end exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByteSlice {
    /// First byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
}

/// One feature of a facet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "$type")]
pub enum FacetFeature {
    /// `app.bsky.richtext.facet#mention`.
    #[serde(rename = "app.bsky.richtext.facet#mention")]
    Mention {
        /// The DID mentioned.
        did: String,
    },
    /// `app.bsky.richtext.facet#link`.
    #[serde(rename = "app.bsky.richtext.facet#link")]
    Link {
        /// The full URI.
        uri: String,
    },
    /// `app.bsky.richtext.facet#tag`.
    #[serde(rename = "app.bsky.richtext.facet#tag")]
    Tag {
        /// The tag, without `#`.
        tag: String,
    },
    /// A feature type this version does not know.
    #[serde(other)]
    Other,
}

/// `app.bsky.richtext.facet`: an annotated range of the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    /// The range, in UTF-8 bytes.
    pub index: ByteSlice,
    /// What the range is.
    #[serde(default)]
    pub features: Vec<FacetFeature>,
}

/// `app.bsky.feed.post`: the post record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRecord {
    /// The text (at most 300 graphemes).
    #[serde(default)]
    pub text: String,
    /// When the author's client says it was written.
    #[serde(default)]
    pub created_at: String,
    /// Mentions, links and tags in the text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub facets: Vec<Facet>,
    /// The thread, for a reply.
    #[serde(default)]
    pub reply: Option<ReplyRef>,
    /// An embedded record, images, a link card...
    #[serde(default)]
    pub embed: Option<Value>,
    /// The languages of the text (BCP 47).
    #[serde(default, deserialize_with = "null_as_default")]
    pub langs: Vec<String>,
    /// Extra hashtags not in the text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PostRecord {
    /// The URI of the record this post quotes: `app.bsky.embed.record` or the record part of
    /// `app.bsky.embed.recordWithMedia` (a quoted list or feed counts too; see
    /// [`crate::convert`] for posts only).
    pub fn quoted_uri(&self) -> Option<&str> {
        let embed = self.embed.as_ref()?;
        match embed.get("$type")?.as_str()? {
            "app.bsky.embed.record" => embed.get("record")?.get("uri")?.as_str(),
            "app.bsky.embed.recordWithMedia" => {
                embed.get("record")?.get("record")?.get("uri")?.as_str()
            }
            _ => None,
        }
    }
}

/// `app.bsky.feed.repost` and `app.bsky.feed.like`: a record pointing at a post.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRecord {
    /// The post reposted or liked.
    pub subject: StrongRef,
    /// When.
    #[serde(default)]
    pub created_at: String,
}

/// `app.bsky.graph.follow`: a dated follow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowRecordValue {
    /// The DID followed.
    pub subject: String,
    /// When the follow began.
    #[serde(default)]
    pub created_at: String,
}

/// `app.bsky.actor.profile`: the profile record (`rkey` `self`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRecord {
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The profile text.
    #[serde(default)]
    pub description: Option<String>,
    /// When the profile was created.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `app.bsky.feed.defs#postView`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    /// The post's AT-URI.
    pub uri: String,
    /// Its CID.
    #[serde(default)]
    pub cid: String,
    /// The author.
    pub author: ProfileView,
    /// The record (`app.bsky.feed.post`), kept as JSON: read with [`PostView::post_record`].
    #[serde(default)]
    pub record: Value,
    /// The embed as viewed (quoted post, images...).
    #[serde(default)]
    pub embed: Option<Value>,
    /// Replies.
    #[serde(default)]
    pub reply_count: Option<u32>,
    /// Reposts.
    #[serde(default)]
    pub repost_count: Option<u32>,
    /// Likes.
    #[serde(default)]
    pub like_count: Option<u32>,
    /// Quotes.
    #[serde(default)]
    pub quote_count: Option<u32>,
    /// When the AppView indexed it.
    #[serde(default)]
    pub indexed_at: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PostView {
    /// The record as a post record.
    ///
    /// # Errors
    /// The record does not have the shape of `app.bsky.feed.post`.
    pub fn post_record(&self) -> Result<PostRecord, serde_json::Error> {
        PostRecord::deserialize(&self.record)
    }
}

/// `app.bsky.feed.defs#reasonRepost` and the other reasons of a feed item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "$type")]
pub enum Reason {
    /// The item is in the feed because `by` reposted it.
    #[serde(rename = "app.bsky.feed.defs#reasonRepost", rename_all = "camelCase")]
    Repost {
        /// Who reposted.
        by: Box<ProfileView>,
        /// The repost record's URI (newer AppViews send it).
        #[serde(default)]
        uri: Option<String>,
        /// When the repost was indexed.
        #[serde(default)]
        indexed_at: Option<String>,
    },
    /// A pinned post.
    #[serde(rename = "app.bsky.feed.defs#reasonPin")]
    Pin,
    /// A reason this version does not know.
    #[serde(other)]
    Other,
}

/// `app.bsky.feed.defs#feedViewPost`: one item of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedViewPost {
    /// The post.
    pub post: PostView,
    /// The thread context of a reply (`root` and `parent` as views or placeholders).
    #[serde(default)]
    pub reply: Option<FeedReplyRef>,
    /// Why the item is in the feed (a repost).
    #[serde(default)]
    pub reason: Option<Reason>,
}

/// `app.bsky.feed.defs#replyRef`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedReplyRef {
    /// The thread's first post.
    pub root: ThreadNode,
    /// The post answered.
    pub parent: ThreadNode,
}

/// A node of a thread: `#threadViewPost`, `#notFoundPost`, `#blockedPost` (and a bare `#postView`,
/// which a feed's reply context uses).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ThreadNode {
    /// A post with its parent and replies.
    Post(Box<ThreadViewPost>),
    /// A bare post view (in a feed's reply context).
    View(Box<PostView>),
    /// Deleted or never existed.
    NotFound {
        /// The post's URI.
        uri: String,
    },
    /// Hidden by a block between the viewer and the author.
    Blocked {
        /// The post's URI.
        uri: String,
        /// The author's DID.
        author: Option<String>,
    },
    /// A node type this version does not know.
    Other(Value),
}

/// `app.bsky.feed.defs#threadViewPost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadViewPost {
    /// The post.
    pub post: PostView,
    /// Its parent, up the thread.
    #[serde(default)]
    pub parent: Option<ThreadNode>,
    /// Its replies, down the thread.
    #[serde(default, deserialize_with = "null_as_default")]
    pub replies: Vec<ThreadNode>,
}

impl<'de> Deserialize<'de> for ThreadNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        let ty = v.get("$type").and_then(Value::as_str).unwrap_or_default();
        let uri = || {
            v.get("uri")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| D::Error::custom(format!("{ty}: missing field `uri`")))
        };
        match ty.trim_start_matches("app.bsky.feed.defs") {
            "#threadViewPost" => ThreadViewPost::deserialize(v)
                .map(|t| ThreadNode::Post(Box::new(t)))
                .map_err(|e| D::Error::custom(format!("threadViewPost: {e}"))),
            "#postView" => PostView::deserialize(v)
                .map(|p| ThreadNode::View(Box::new(p)))
                .map_err(|e| D::Error::custom(format!("postView: {e}"))),
            "#notFoundPost" => Ok(ThreadNode::NotFound { uri: uri()? }),
            "#blockedPost" => Ok(ThreadNode::Blocked {
                uri: uri()?,
                author: v
                    .get("author")
                    .and_then(|a| a.get("did"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            // A feed's reply context may omit `$type` on a plain post view.
            "" if v.get("author").is_some() && v.get("uri").is_some() => PostView::deserialize(v)
                .map(|p| ThreadNode::View(Box::new(p)))
                .map_err(|e| D::Error::custom(format!("postView: {e}"))),
            _ => Ok(ThreadNode::Other(v)),
        }
    }
}

/// `app.bsky.graph.defs#listView`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListView {
    /// The list's AT-URI.
    pub uri: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// `app.bsky.graph.defs#curatelist`, `#modlist` or `#referencelist`.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Who made it.
    #[serde(default)]
    pub creator: Option<ProfileView>,
    /// How many members.
    #[serde(default)]
    pub list_item_count: Option<u64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `app.bsky.graph.defs#listItemView`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItemView {
    /// The list item record's URI.
    pub uri: String,
    /// The member.
    pub subject: ProfileView,
}

/// `app.bsky.feed.getLikes#like`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LikeView {
    /// Who liked.
    pub actor: ProfileView,
    /// When (the like record's time).
    #[serde(default)]
    pub created_at: Option<String>,
    /// When indexed.
    #[serde(default)]
    pub indexed_at: Option<String>,
}

/// One record of `com.atproto.repo.listRecords`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// The record's AT-URI.
    pub uri: String,
    /// Its CID.
    #[serde(default)]
    pub cid: String,
    /// The record itself (with its `$type`).
    pub value: Value,
}

macro_rules! output {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The cursor of the next page; absent on the last.
            #[serde(default)]
            pub cursor: Option<String>,
            $($(#[$fdoc])* pub $field: $ty,)*
            /// Everything else.
            #[serde(flatten)]
            pub extra: Extra,
        }
    };
}

output!(
    /// `app.bsky.feed.getAuthorFeed` (and any feed).
    AuthorFeed {
        /// The items, newest first.
        #[serde(default, deserialize_with = "null_as_default")]
        feed: Vec<FeedViewPost>,
    }
);
output!(
    /// `app.bsky.feed.getQuotes` and `app.bsky.feed.searchPosts`.
    PostsOutput {
        /// The posts.
        #[serde(default, deserialize_with = "null_as_default")]
        posts: Vec<PostView>,
        /// The quoted post (getQuotes).
        #[serde(default)]
        uri: Option<String>,
        /// How many hits in total (searchPosts; an estimate).
        #[serde(default)]
        hits_total: Option<u64>,
    }
);
output!(
    /// `app.bsky.feed.getRepostedBy`.
    RepostedBy {
        /// The post.
        #[serde(default)]
        uri: Option<String>,
        /// Who reposted it.
        #[serde(default, deserialize_with = "null_as_default")]
        reposted_by: Vec<ProfileView>,
    }
);
output!(
    /// `app.bsky.feed.getLikes`.
    Likes {
        /// The post.
        #[serde(default)]
        uri: Option<String>,
        /// Who liked it, when.
        #[serde(default, deserialize_with = "null_as_default")]
        likes: Vec<LikeView>,
    }
);
output!(
    /// `app.bsky.graph.getFollowers`.
    Followers {
        /// Whose followers.
        subject: ProfileView,
        /// The followers.
        #[serde(default, deserialize_with = "null_as_default")]
        followers: Vec<ProfileView>,
    }
);
output!(
    /// `app.bsky.graph.getFollows`.
    Follows {
        /// Whose follows.
        subject: ProfileView,
        /// The accounts followed.
        #[serde(default, deserialize_with = "null_as_default")]
        follows: Vec<ProfileView>,
    }
);
output!(
    /// `app.bsky.graph.getLists`.
    Lists {
        /// The lists.
        #[serde(default, deserialize_with = "null_as_default")]
        lists: Vec<ListView>,
    }
);
output!(
    /// `app.bsky.graph.getList`.
    ListOutput {
        /// The list.
        list: ListView,
        /// Its members.
        #[serde(default, deserialize_with = "null_as_default")]
        items: Vec<ListItemView>,
    }
);
output!(
    /// `com.atproto.repo.listRecords`.
    ListRecords {
        /// The records.
        #[serde(default, deserialize_with = "null_as_default")]
        records: Vec<RecordEntry>,
    }
);

/// `app.bsky.feed.getPostThread`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostThread {
    /// The thread around the post asked for.
    pub thread: ThreadNode,
}

/// `app.bsky.actor.getProfiles` (and `app.bsky.feed.getPosts` has `posts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profiles {
    /// The profiles found.
    #[serde(default, deserialize_with = "null_as_default")]
    pub profiles: Vec<ProfileView>,
}

/// `com.atproto.identity.resolveHandle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedHandle {
    /// The handle's DID.
    pub did: String,
}

/// An XRPC error body: `{"error": "InvalidRequest", "message": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct XrpcErrorBody {
    /// The error name.
    #[serde(default)]
    pub error: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<String>,
}

/// `null` where a list is expected reads as an empty list.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_union_members_and_fields_do_not_fail() {
        let page: AuthorFeed = serde_json::from_str(
            r#"{"feed":[{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","cid":"c",
            "author":{"did":"did:plc:a","handle":"a.test","brandNew":1},
            "record":{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2024-05-01T09:00:00Z",
            "facets":[{"index":{"byteStart":0,"byteEnd":2},"features":[{"$type":"app.bsky.richtext.facet#sparkle"}]}]},
            "indexedAt":"2024-05-01T09:00:01Z"},
            "reason":{"$type":"app.bsky.feed.defs#reasonSomethingNew"}}],"cursor":"c1"}"#,
        )
        .unwrap();
        assert_eq!(page.cursor.as_deref(), Some("c1"));
        assert_eq!(page.feed[0].reason, Some(Reason::Other));
        assert_eq!(page.feed[0].post.author.extra["brandNew"], 1);
        let rec = page.feed[0].post.post_record().unwrap();
        assert_eq!(rec.facets[0].features, vec![FacetFeature::Other]);
    }

    #[test]
    fn thread_placeholders() {
        let t: PostThread = serde_json::from_str(
            r#"{"thread":{"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://did:plc:a/app.bsky.feed.post/1","notFound":true}}"#,
        )
        .unwrap();
        assert_eq!(
            t.thread,
            ThreadNode::NotFound {
                uri: "at://did:plc:a/app.bsky.feed.post/1".into()
            }
        );
        let err = serde_json::from_str::<PostThread>(
            r#"{"thread":{"$type":"app.bsky.feed.defs#blockedPost","blocked":true}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("missing field `uri`"), "{err}");
    }

    #[test]
    fn quoted_uri_from_both_embed_kinds() {
        let q = |embed: Value| PostRecord {
            embed: Some(embed),
            ..PostRecord::default()
        };
        let plain = q(
            serde_json::json!({"$type":"app.bsky.embed.record","record":{"uri":"at://x/app.bsky.feed.post/1","cid":"c"}}),
        );
        assert_eq!(plain.quoted_uri(), Some("at://x/app.bsky.feed.post/1"));
        let media = q(serde_json::json!({"$type":"app.bsky.embed.recordWithMedia",
            "record":{"$type":"app.bsky.embed.record","record":{"uri":"at://x/app.bsky.feed.post/2","cid":"c"}},
            "media":{"$type":"app.bsky.embed.images","images":[]}}));
        assert_eq!(media.quoted_uri(), Some("at://x/app.bsky.feed.post/2"));
        let images = q(serde_json::json!({"$type":"app.bsky.embed.images","images":[]}));
        assert_eq!(images.quoted_uri(), None);
    }
}
