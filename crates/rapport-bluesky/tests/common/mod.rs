//! Shared builders: lexicon-shaped JSON (`app.bsky.feed.defs#postView` and friends) and a mock XRPC
//! server with a catch-all that names the request it has no mock for.

#![allow(dead_code, unreachable_pub, clippy::needless_pass_by_value)]

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// `app.bsky.actor.defs#profileViewBasic`.
pub fn profile(did: &str, handle: &str) -> Value {
    json!({"did": did, "handle": handle, "displayName": handle.split('.').next().unwrap()})
}

/// An `app.bsky.feed.post` record, with a tag facet for every `#word` of the text, as Bluesky's
/// clients write them (byte offsets).
pub fn record(text: &str, created_at: &str) -> Value {
    let mut facets = Vec::new();
    let mut start = 0;
    for word in text.split(' ') {
        if let Some(tag) = word.strip_prefix('#') {
            facets.push(
                json!({"index": {"byteStart": start, "byteEnd": start + word.len()},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]}),
            );
        }
        start += word.len() + 1;
    }
    json!({"$type": "app.bsky.feed.post", "text": text, "createdAt": created_at, "langs": ["en"], "facets": facets})
}

/// A reply record: `root` and `parent` are AT-URIs.
pub fn reply_record(text: &str, created_at: &str, root: &str, parent: &str) -> Value {
    let mut r = record(text, created_at);
    r["reply"] = json!({"root": {"uri": root, "cid": "bafyroot"}, "parent": {"uri": parent, "cid": "bafyparent"}});
    r
}

/// `app.bsky.feed.defs#postView` of a record by `did`/`handle` with record key `rkey`.
pub fn post_view(did: &str, handle: &str, rkey: &str, record: Value) -> Value {
    let indexed = record["createdAt"].clone();
    json!({
        "$type": "app.bsky.feed.defs#postView",
        "uri": format!("at://{did}/app.bsky.feed.post/{rkey}"),
        "cid": format!("bafy{rkey}"),
        "author": profile(did, handle),
        "record": record,
        "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0,
        "indexedAt": indexed,
        "labels": []
    })
}

/// `at://{did}/app.bsky.feed.post/{rkey}`.
pub fn uri(did: &str, rkey: &str) -> String {
    format!("at://{did}/app.bsky.feed.post/{rkey}")
}

/// Answers every request no other mock took with 418 and the method and URL, so a wrong route
/// fails readably (and is not retried like a 5xx would be).
pub struct NoMock;

impl Respond for NoMock {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        ResponseTemplate::new(418).set_body_json(json!({
            "error": "NoMock",
            "message": format!("no mock for {} {}", req.method, req.url)
        }))
    }
}

/// A mock server on 127.0.0.1 with the catch-all mounted (lowest priority).
pub async fn server() -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(NoMock)
        .with_priority(u8::MAX)
        .mount(&s)
        .await;
    s
}
